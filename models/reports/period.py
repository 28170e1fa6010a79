"""When reports are due and which days they cover.

Each unit sets the weekday and time its weekly report is due (seed 001: before 14:00 every Thursday;
seed 002: Fridays). The weekly report covers the seven days that end the day before the due day:
due Thursday 09/01/2025 14:00 → the week from Thursday 02/01 to Wednesday 08/01. Ad hoc reports and
phase/final reviews cover any range the officer picks.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.text.normalize import strip_marks
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
    except UserError:
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


def get_settings(store: Store, unit: int | None = None) -> ReportSettings:
    unit = unit if unit is not None else unit_id(store)
    row = store.query_one("SELECT * FROM report_settings WHERE unit_id = ?", (unit,)) if unit else None
    if not row:
        short = store.scalar("SELECT short_name FROM units WHERE id = ?", (unit,)) if unit else None
        return ReportSettings(unit_id=unit, symbol=f"BC-{symbol_initials(short)}" if short else "BC")
    return ReportSettings(
        unit_id=row["unit_id"], due_weekday=row["due_weekday"], due_time=row["due_time"], symbol=row["symbol"],
        signer_authority=row["signer_authority"], signer_title=row["signer_title"],
        signer_name=row["signer_name"], recipients=tuple(json.loads(row["recipients"] or "[]")),
    )


def save_settings(store: Store, settings: ReportSettings) -> ReportSettings:
    """Save a unit's reporting settings (audited field by field)."""
    require(store, "unit.manage")
    if settings.unit_id is None:
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình; hãy khai báo đơn vị trước.")
    if not 0 <= int(settings.due_weekday) <= 6:
        raise UserError("Ngày hạn báo cáo phải từ Thứ hai đến Chủ nhật.")
    due = parse_time(settings.due_time).strftime("%H:%M")
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
