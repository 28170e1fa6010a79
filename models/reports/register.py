"""The register of issued reports (sổ báo cáo đã ban hành).

Each issued report keeps its number, period, officer, time, the figures it showed (``ReportData`` as
JSON), the officer's texts, the PDF itself and its SHA-256. The PDF is kept in the database (BLOB,
~50–150 KB each) rather than as a path: a moved or edited file cannot change what the register says
was sent, and reprinting gives exactly the same bytes. Whether the report went out before the deadline
is recorded when it is issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.reports.period import (
    KINDS,
    ReportSettings,
    current_week,
    get_settings,
    previous_week,
    unit_id,
)
from models.reports.weekly import ReportData
from models.text.vn_format import date_text, time_date_text

LIST_COLUMNS = ("r.id, r.number, r.number_text, r.kind, r.period_start, r.period_end, r.doc_date, r.officer_id,"
                " o.full_name AS officer_name, r.issued_at, r.due_at, r.on_time, r.sha256, r.pages, r.saved_path")


@dataclass(frozen=True)
class DeadlineStatus:
    state: str  # none | issued | upcoming | soon | late
    message: str

    def __iter__(self):  # (state, message) = deadline_status(store)
        return iter((self.state, self.message))


def _unit(store: Store) -> int:
    unit = unit_id(store)
    if unit is None:
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình; hãy khai báo đơn vị trước khi ban hành báo cáo.")
    return unit


def next_number(store: Store, year: int | None = None) -> int:
    """The number proposed for the next report of the year (numbers restart each year)."""
    year = year or store.today().year
    unit = unit_id(store)
    last = store.scalar("SELECT MAX(number) FROM reports WHERE unit_id = ? AND year = ?", (unit, year))
    return (last or 0) + 1


def issued_for(store: Store, kind: str, start: dt.date, end: dt.date) -> dict | None:
    """The last issued report of this kind for exactly this period, if any."""
    return store.query_one(
        f"SELECT {LIST_COLUMNS} FROM reports r JOIN officers o ON o.id = r.officer_id"
        " WHERE r.unit_id = ? AND r.kind = ? AND r.period_start = ? AND r.period_end = ? ORDER BY r.id DESC LIMIT 1",
        (unit_id(store), kind, start.isoformat(), end.isoformat()),
    )


def issue_report(store: Store, data: ReportData, pdf: bytes, pages: int, *, due_at: dt.datetime | None = None,
                 saved_path: str | None = None, allow_repeat: bool = False) -> int:
    """Record an issued report. ``data.number`` must be the number printed in ``pdf``."""
    require(store, "report.issue")
    unit = _unit(store)
    if not data.number:
        raise UserError("Báo cáo chưa có số; hãy nhập số trước khi ban hành.")
    if data.kind not in KINDS:
        raise UserError(f"Loại báo cáo «{data.kind}» không hợp lệ.")
    year = dt.date.fromisoformat(data.doc_date).year
    taken = store.query_one("SELECT number_text, period_start, period_end FROM reports"
                            " WHERE unit_id = ? AND year = ? AND number = ?", (unit, year, data.number))
    if taken:
        raise UserError(
            f"Số {data.number} năm {year} đã dùng cho báo cáo {taken['number_text']} "
            f"(kỳ {date_text(taken['period_start'])}–"
            f"{date_text(taken['period_end'])}); số tiếp theo là {next_number(store, year)}."
        )
    start, end = dt.date.fromisoformat(data.period_start), dt.date.fromisoformat(data.period_end)
    previous = issued_for(store, data.kind, start, end)
    if previous and not allow_repeat:
        raise UserError(
            f"Kỳ {date_text(start)}–{date_text(end)} đã có báo cáo {previous['number_text']} ban hành lúc "
            f"{time_date_text(dt.datetime.fromisoformat(previous['issued_at']))}. Nếu đây là báo cáo thay thế, hãy xác nhận ban hành lại."
        )
    now = store.now()
    on_time = None if due_at is None else int(now <= due_at)
    digest = hashlib.sha256(pdf).hexdigest()
    number_text = f"{data.number}/{data.symbol}"
    with store.atomic():
        report_id = store.execute(
            "INSERT INTO reports(unit_id, year, number, number_text, kind, period_start, period_end, doc_date,"
            " campaign_id, officer_id, issued_at, due_at, on_time, figures, difficulties, proposals, sha256, pdf,"
            " pages, saved_path) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (unit, year, data.number, number_text, data.kind, data.period_start, data.period_end, data.doc_date,
             data.campaign_id, store.actor.id, store.now_iso(),
             due_at.isoformat(sep=" ", timespec="minutes") if due_at else None, on_time,
             json.dumps(data.to_dict(), ensure_ascii=False, sort_keys=True), data.difficulties, data.proposals,
             digest, pdf, pages, saved_path),
        ).lastrowid
        store.audit("report.issue", "report", report_id,
                    detail={"number": number_text, "period": [data.period_start, data.period_end], "sha256": digest,
                            "on_time": on_time, "repeat_of": previous["id"] if previous else None})
        store.notify(Table.REPORTS, Kind.INSERT, (report_id,))
    return report_id


def set_saved_path(store: Store, report_id: int, path: str) -> None:
    require(store, "report.issue")
    with store.atomic():
        store.execute("UPDATE reports SET saved_path = ? WHERE id = ?", (path, report_id))
        store.audit("report.save", "report", report_id, new=path)
        store.notify(Table.REPORTS, Kind.UPDATE, (report_id,))


def list_reports(store: Store, limit: int = 500) -> list[dict]:
    require(store, "report.view")
    return store.query(
        f"SELECT {LIST_COLUMNS} FROM reports r JOIN officers o ON o.id = r.officer_id WHERE r.unit_id = ?"
        " ORDER BY r.issued_at DESC, r.id DESC LIMIT ?", (unit_id(store), limit))


def get_report(store: Store, report_id: int) -> tuple[dict, ReportData]:
    require(store, "report.view")
    row = store.query_one(f"SELECT {LIST_COLUMNS}, r.figures FROM reports r JOIN officers o ON o.id = r.officer_id"
                          " WHERE r.id = ?", (report_id,))
    if row is None:
        raise UserError(f"Không có báo cáo số hiệu {report_id} trong sổ.")
    return row, ReportData.from_dict(json.loads(row.pop("figures")))


def stored_pdf(store: Store, report_id: int) -> tuple[dict, bytes]:
    """The issued file, byte for byte, with its register line; refuses a copy whose SHA-256 no longer
    matches the register."""
    require(store, "report.view")
    row = store.query_one("SELECT pdf, sha256, number_text FROM reports WHERE id = ?", (report_id,))
    if row is None:
        raise UserError(f"Không có báo cáo số hiệu {report_id} trong sổ.")
    if hashlib.sha256(row["pdf"]).hexdigest() != row["sha256"]:
        raise UserError(f"Tệp của báo cáo {row['number_text']} trong cơ sở dữ liệu không khớp mã SHA-256 đã ghi; "
                        "không in lại được.")
    return row, bytes(row.pop("pdf"))


def report_pdf(store: Store, report_id: int, *, purpose: str = "view") -> bytes:
    """The issued file (``stored_pdf``); ``purpose`` ("view", "reprint") goes to the audit log."""
    _row, pdf = stored_pdf(store, report_id)
    with store.atomic():
        store.audit(f"report.{purpose}", "report", report_id)
    return pdf


def record_copy(store: Store, report_id: int, path: str) -> None:
    """The audit line of a copy of an issued report saved to ``path`` (written in the transaction that puts
    the file in place)."""
    require(store, "report.view")
    with store.atomic():
        store.audit("report.copy", "report", report_id, detail={"path": path})


def _weekly_duty(store: Store) -> tuple[str, str, str]:
    """What a desk owes each week: a unit issues its weekly report; a province desk prints the
    consolidated report of its units (``sync.consolidated_report``). Returns (noun, not-done, done)."""
    if store.scalar("SELECT kind FROM units WHERE id = ?", (unit_id(store),)) == "province":
        return "Báo cáo tổng hợp tuần", "chưa in", "Đã in báo cáo tổng hợp tuần"
    return "Báo cáo tuần", "chưa ban hành", "Đã ban hành báo cáo tuần"


def _done(store: Store, period) -> bool:
    if _weekly_duty(store)[0] == "Báo cáo tuần":
        return issued_for(store, "weekly", period.start, period.end) is not None
    return bool(store.scalar(
        "SELECT 1 FROM audit_log WHERE action = 'sync.consolidated_report'"
        " AND json_extract(detail, '$.period_end') = ? LIMIT 1", (period.end.isoformat(),)))


def deadline_status(store: Store, now: dt.datetime | None = None,
                    settings: ReportSettings | None = None) -> DeadlineStatus:
    """Whether this week's report is done, due soon (within 24 h) or late (the plans fault late reports)."""
    if unit_id(store) is None:
        return DeadlineStatus("none", "")
    now = now or store.now()
    settings = settings or get_settings(store)
    noun, not_done, done = _weekly_duty(store)
    last = previous_week(now, settings)
    if last.due_at and now - last.due_at < dt.timedelta(days=7) and not _done(store, last):
        late = now - last.due_at
        hours = int(late.total_seconds() // 3600)
        return DeadlineStatus("late", (
            f"{noun} {date_text(last.start)}–{date_text(last.end)} {not_done}, đã quá hạn "
            f"{time_date_text(last.due_at)} ({hours} giờ)."))
    week = current_week(now, settings)
    if _done(store, week):
        return DeadlineStatus("issued", f"{done} {date_text(week.start)}–{date_text(week.end)}.")
    left = week.due_at - now
    text = f"{noun} {date_text(week.start)}–{date_text(week.end)} {not_done}; hạn {time_date_text(week.due_at)}"
    if left <= dt.timedelta(hours=24):
        hours, minutes = divmod(int(left.total_seconds() // 60), 60)
        return DeadlineStatus("soon", f"{text} (còn {hours} giờ {minutes:02d} phút).")
    return DeadlineStatus("upcoming", f"{text}.")
