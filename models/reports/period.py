"""When reports are due and which days they cover.

Each unit sets the weekday and time its weekly report is due (seed 001: before 14:00 every Thursday;
seed 002: Fridays). The weekly report covers the seven days that end the day before the due day:
due Thursday 09/01/2025 14:00 → the week from Thursday 02/01 to Wednesday 08/01. Ad hoc reports and
phase/final reviews cover any range the officer picks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.text.normalize import clean, fold, strip_marks
from models.text.vn_format import date_text
from models.text.vn_parse import parse_date

WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
KINDS = {
    "weekly": "Báo cáo tuần",
    "adhoc": "Báo cáo đột xuất",
    "phase": "Báo cáo sơ kết",
    "final": "Báo cáo tổng kết",
}


@dataclass(frozen=True)
class ReportSettings:
    """A unit's reporting settings (table ``report_settings``); defaults when never saved."""

    unit_id: int | None = None
    due_weekday: int = 3  # Thursday
    due_time: str = "14:00"
    symbol: str = "BC"
    signer_authority: str = "KT. TRƯỞNG CÔNG AN"
    signer_title: str = "PHÓ TRƯỞNG CÔNG AN"
    signer_name: str = ""
    recipients: tuple[str, ...] = ()
    # The letterhead (Decree 30/2020, Appendix I): the parent body ("cơ quan chủ quản") over the issuing body
    # ("cơ quan ban hành"). Empty: taken from the unit (``letterhead_bodies``).
    parent_body: str = ""
    issuing_body: str = ""

    @property
    def due_clock(self) -> dt.time:
        return parse_time(self.due_time)


@dataclass(frozen=True)
class ReportPeriod:
    kind: str  # weekly | adhoc | phase | final
    start: dt.date
    end: dt.date
    due_at: dt.datetime | None = None  # weekly reports only
    title: str = ""  # phase/final reviews: e.g. "giai đoạn 1"

    @property
    def subject_phrase(self) -> str:
        """The period as written in the subject line (after "…, ")."""
        span = f"từ ngày {date_text(self.start)} đến ngày {date_text(self.end)}"
        if self.kind == "weekly":
            return f"tuần {span}"
        if self.kind == "phase":
            return f"sơ kết {self.title or 'giai đoạn'} ({span})"
        if self.kind == "final":
            return f"tổng kết {self.title or 'đợt cao điểm'} ({span})"
        return span

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def parse_day(text: str, what: str) -> dt.date:
    """A date typed as YYYY-MM-DD (command line); ``what`` names the option in the message."""
    try:
        day = parse_date(text, iso_only=True)
    except UserError as exc:
        if "không tồn tại" in str(exc):  # 2025-02-31: written right, no such day
            raise UserError(f"{what} «{text}»: ngày không tồn tại (kiểm tra lại ngày và tháng).") from None
        day = None
    if day is None:
        raise UserError(f"{what} «{text}» không đúng dạng YYYY-MM-DD.")
    return day


def parse_time(text: str) -> dt.time:
    try:
        hour, minute = (int(part) for part in str(text).strip().split(":"))
        return dt.time(hour, minute)
    except (ValueError, TypeError) as exc:
        raise UserError(f"Giờ hạn báo cáo «{text}» không đúng dạng GG:PP (ví dụ 14:00).") from exc


def unit_id(store: Store) -> int | None:
    value = store.get_setting("unit_id")
    return int(value) if value not in (None, "") else None


def symbol_initials(name: str) -> str:
    """Decree-30 style abbreviation of a unit name: capital initials without marks ("Công an huyện" →
    "CAH"); words already written as a code ("PC06") are kept whole."""
    parts = []
    for word in strip_marks(name).split():
        if any(ch.isdigit() for ch in word) or (len(word) > 1 and word.isupper()):
            parts.append(word)
        elif word[:1].isalpha():
            parts.append(word[0].upper())
    return "".join(parts) or "BC"


def _letterhead_key(unit: int) -> str:
    """The ``settings`` key of a unit's letterhead lines (kept there: ``report_settings`` has no column)."""
    return f"report_letterhead.{unit}"


def get_settings(store: Store, unit: int | None = None) -> ReportSettings:
    unit = unit if unit is not None else unit_id(store)
    row = store.query_one("SELECT * FROM report_settings WHERE unit_id = ?", (unit,)) if unit else None
    heads = (store.get_setting(_letterhead_key(unit)) if unit else None) or {}
    bodies = {"parent_body": heads.get("parent_body", ""), "issuing_body": heads.get("issuing_body", "")}
    if not row:
        short = store.scalar("SELECT short_name FROM units WHERE id = ?", (unit,)) if unit else None
        return ReportSettings(unit_id=unit, symbol=f"BC-{symbol_initials(short)}" if short else "BC", **bodies)
    return ReportSettings(
        unit_id=row["unit_id"], due_weekday=row["due_weekday"], due_time=row["due_time"], symbol=row["symbol"],
        signer_authority=row["signer_authority"], signer_title=row["signer_title"],
        signer_name=row["signer_name"], recipients=tuple(json.loads(row["recipients"] or "[]")), **bodies,
    )


# ---- the letterhead: parent body over issuing body, and what must agree with them ----------------------
CHAIN_SEPARATORS = (" - ", " – ", " — ")


def derive_bodies(unit_name: str, parent_name: str) -> tuple[str, str]:
    """(parent body, issuing body) from the unit's own fields, when the settings name none.

    A parent written as a chain, "Phòng Cảnh sát QLHC về TTXH - Công an tỉnh An Giang", means the unit is
    a team inside the first link: that link issues the report and the last link is its parent body (a
    team, "Tổ …", issues no official document). Otherwise the unit issues under its parent.
    """
    unit_name, parent_name = clean(unit_name), clean(parent_name)
    for separator in CHAIN_SEPARATORS:
        if separator in parent_name:
            links = [link.strip() for link in parent_name.split(separator) if link.strip()]
            if len(links) >= 2:
                return links[-1], links[0]
    return parent_name, unit_name


def letterhead_bodies(store: Store, settings: ReportSettings | None = None) -> tuple[str, str]:
    """(parent body, issuing body) printed at the top left of the report, each from its own field."""
    settings = settings or get_settings(store)
    unit = settings.unit_id if settings.unit_id is not None else unit_id(store)
    row = store.query_one("SELECT name, parent_name FROM units WHERE id = ?", (unit,)) if unit else None
    parent, issuing = derive_bodies((row or {}).get("name") or "", (row or {}).get("parent_name") or "")
    return clean(settings.parent_body) or parent, clean(settings.issuing_body) or issuing


# Who signs for which kind of issuing body (folded words): the head's title must name the same body.
_SIGNERS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("phong ", ("truong phong",), "Trưởng phòng"),
    ("cong an tinh ", ("giam doc",), "Giám đốc"),
    ("cong an thanh pho ", ("giam doc", "truong cong an"), "Giám đốc hoặc Trưởng Công an"),
    ("cong an ", ("truong cong an",), "Trưởng Công an"),
    ("doi ", ("doi truong",), "Đội trưởng"),
    ("cuc ", ("cuc truong",), "Cục trưởng"),
)


def symbol_code(symbol: str) -> str:
    """The issuing body's code in a report symbol: "BC-PC06" → "PC06" ("" when there is none)."""
    _, _, code = clean(symbol).partition("-")
    return code.strip()


def letterhead_problems(issuing_body: str, symbol: str, signer_authority: str, signer_title: str) -> list[str]:
    """What makes the issuing body, the number's symbol and the signature disagree (Decree 30/2020): a team
    is no issuing body, a report's symbol starts with "BC", and the signer is the head (or deputy) of the
    issuing body itself."""
    problems = []
    body = fold(issuing_body) + " "
    if not issuing_body.strip():
        problems.append("Chưa ghi tên cơ quan ban hành báo cáo.")
    elif body.startswith("to "):
        problems.append(f"«{clean(issuing_body)}» là tổ công tác, không phải cơ quan ban hành văn bản: ghi cơ quan "
                        "ban hành là Phòng hoặc Công an mà tổ trực thuộc.")
    if not fold(symbol).startswith("bc"):
        problems.append(f"Ký hiệu «{clean(symbol)}» của báo cáo phải bắt đầu bằng «BC» (ví dụ BC-PC06).")
    # "KT. TRƯỞNG PHÒNG" / "PHÓ TRƯỞNG PHÒNG": the authority line names the issuing body's head; without one
    # the head signs, and the title names him. ("TL. GIÁM ĐỐC" over another title is signing by order.)
    signer = fold(signer_authority) or fold(signer_title)
    for prefix, titles, head in _SIGNERS:
        if body.startswith(prefix):
            if signer and not any(t in signer for t in titles):
                problems.append(
                    f"Người ký «{' / '.join(t for t in (clean(signer_authority), clean(signer_title)) if t)}» không "
                    f"thuộc cơ quan ban hành «{clean(issuing_body)}»: báo cáo do {head} hoặc cấp phó ký.")
            break
    return problems


def recipient_problems(recipients, issuing_body: str, symbol: str) -> list[str]:
    """Recipients that are the issuing body itself: a line that is its name (less what is in brackets, "(để
    báo cáo)"), or that names its code ("qua PC06" in a report of BC-PC06). The "Lưu:" line is the body's
    own file copy and is fine."""
    code = fold(symbol_code(symbol))
    name = fold(issuing_body)
    problems = []
    for line in recipients:
        words = fold(line)
        if not words or words.startswith("luu"):
            continue
        bare = fold(re.sub(r"\([^)]*\)", " ", line))
        if (name and bare == name) or (code and f" {code} " in f" {words} "):
            problems.append(f"Nơi nhận «{clean(line)}» là chính cơ quan ban hành báo cáo.")
    return problems


def default_recipients(parent_body: str = "", symbol: str = "") -> list[str]:
    """"Nơi nhận" when the unit has saved none: the parent body's leaders, and the issuer's own file copy."""
    code = symbol_code(symbol)
    to = f"Lãnh đạo {clean(parent_body)} (để báo cáo);" if clean(parent_body) else "Cơ quan cấp trên (để báo cáo);"
    return [to, f"Lưu: VT{', ' + code if code else ''}."]


def save_settings(store: Store, settings: ReportSettings) -> ReportSettings:
    """Save a unit's reporting settings (audited field by field)."""
    require(store, "unit.manage")
    if settings.unit_id is None:
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình; hãy khai báo đơn vị trước.")
    if not 0 <= int(settings.due_weekday) <= 6:
        raise UserError("Ngày hạn báo cáo phải từ Thứ hai đến Chủ nhật.")
    due = parse_time(settings.due_time).strftime("%H:%M")
    parent, issuing = letterhead_bodies(store, settings)
    problems = letterhead_problems(issuing, settings.symbol.strip() or "BC", settings.signer_authority,
                                   settings.signer_title)
    if problems:
        raise UserError(" ".join(problems))
    old = get_settings(store, settings.unit_id)
    new = {
        "due_weekday": int(settings.due_weekday), "due_time": due, "symbol": settings.symbol.strip() or "BC",
        "signer_authority": settings.signer_authority.strip(), "signer_title": settings.signer_title.strip(),
        "signer_name": settings.signer_name.strip(),
        "recipients": json.dumps([r.strip() for r in settings.recipients if r.strip()], ensure_ascii=False),
    }
    with store.atomic():
        store.table("report_settings").upsert(
            {**new, "unit_id": settings.unit_id, "updated_at": store.now_iso()}, pk="unit_id")
        old_dict = {
            "due_weekday": old.due_weekday, "due_time": old.due_time, "symbol": old.symbol,
            "signer_authority": old.signer_authority, "signer_title": old.signer_title,
            "signer_name": old.signer_name, "recipients": json.dumps(list(old.recipients), ensure_ascii=False),
        }
        store.audit_changes("report_settings", settings.unit_id, old_dict, new, "report_settings.update")
        heads = {"parent_body": clean(settings.parent_body), "issuing_body": clean(settings.issuing_body)}
        if heads != {"parent_body": old.parent_body, "issuing_body": old.issuing_body}:
            store.set_setting(_letterhead_key(settings.unit_id), heads)  # audited as a setting
        store.notify(Table.REPORT_SETTINGS, Kind.UPDATE, (settings.unit_id,))
    return get_settings(store, settings.unit_id)


def due_datetime(week_end: dt.date, settings: ReportSettings) -> dt.datetime:
    """The deadline of the report for the week ending ``week_end``: the first due weekday after it."""
    ahead = (settings.due_weekday - week_end.weekday() - 1) % 7 + 1
    return dt.datetime.combine(week_end + dt.timedelta(days=ahead), settings.due_clock)


def week_ending(end: dt.date, settings: ReportSettings | None = None) -> ReportPeriod:
    """The weekly period of the seven days ending on ``end`` (inclusive)."""
    settings = settings or ReportSettings()
    return ReportPeriod("weekly", end - dt.timedelta(days=6), end, due_datetime(end, settings))


def week_due_on(due_day: dt.date, settings: ReportSettings | None = None) -> ReportPeriod:
    """The week reported on ``due_day``: the seven days ending the day before."""
    return week_ending(due_day - dt.timedelta(days=1), settings)


def next_due(now: dt.datetime, settings: ReportSettings) -> dt.datetime:
    """The first deadline at or after ``now``."""
    ahead = (settings.due_weekday - now.weekday()) % 7
    due = dt.datetime.combine(now.date() + dt.timedelta(days=ahead), settings.due_clock)
    if due < now:
        due += dt.timedelta(days=7)
    return due


def current_week(now: dt.datetime, settings: ReportSettings) -> ReportPeriod:
    """The week whose report is due next: the week that ends before the next deadline."""
    return week_due_on(next_due(now, settings).date(), settings)


def previous_week(now: dt.datetime, settings: ReportSettings) -> ReportPeriod:
    """The week whose deadline has most recently passed."""
    due = next_due(now, settings) - dt.timedelta(days=7)
    return week_due_on(due.date(), settings)


def adhoc(start: dt.date, end: dt.date, kind: str = "adhoc", title: str = "") -> ReportPeriod:
    """Ad hoc report or phase/final review over ``start``…``end`` (inclusive)."""
    if kind not in KINDS:
        raise UserError(f"Loại báo cáo «{kind}» không có; chọn một trong: {', '.join(KINDS.values())}.")
    if end < start:
        raise UserError(f"Ngày kết thúc {date_text(end)} trước ngày bắt đầu {date_text(start)}.")
    return ReportPeriod(kind, start, end, None, title)
