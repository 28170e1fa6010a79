"""The citizens' daily summary and the phase / final review (issue 16), as plain data for the Decree 30
renderer (``exporters/citizen_report_pdf.py``).

* ``collect_daily(store, campaign_id, as_of)``: one page: the unit's figures per target (today, the day's
  target, cumulative, target, rate, remaining), then, for the phase's main target (the first one counted
  over the residents), the table per commune and the table per area officer.
* ``collect_review(store, campaign_id)``: per phase (figures at the phase's end, or today while it
  runs): per target the target, the achieved, the rate, the remaining and the verdict, then per commune or
  agency.

Every figure is ``citizen_progress``'s (the dashboard's); the letterhead, signer and recipients are the
reporting settings' (as on the weekly report).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.campaigns.citizen_progress import CitizenProgress, CitizenRow, citizen_progress, default_campaign_id
from models.campaigns.citizen_targets import AGENCY_SCOPES
from models.campaigns.plans import get_campaign_row, list_phases
from models.core.permissions import require
from models.reports.citizen_section import (
    DECIMAL,
    INT,
    LEVEL_WHAT,
    PERCENT,
    TEXT,
    CitizenLine,
    CitizenTable,
    main_rows,
)
from models.reports.period import default_recipients, get_settings, letterhead_bodies, unit_id
from models.reports.weekly import plan_citation
from models.text.vn_format import date_text, written_date

DAILY_COLUMNS = [("Hôm nay", INT), ("Chỉ tiêu hôm nay", DECIMAL), ("Lũy kế", INT), ("Chỉ tiêu", INT),
                 ("Tỷ lệ đạt", PERCENT), ("Còn lại", INT)]
REVIEW_COLUMNS = [("Chỉ tiêu", INT), ("Đạt", INT), ("Tỷ lệ đạt", PERCENT), ("Còn lại", INT), ("Đánh giá", TEXT)]


@dataclass
class CitizenSheetData:
    """What the daily summary or the review prints; the letterhead attributes match ``ReportData``'s so
    the weekly report's renderer draws them."""

    kind: str                 # 'daily' | 'review'
    parent_body: str
    unit_name: str
    symbol: str
    place: str
    doc_date: str             # ISO
    subject: str
    intro: str
    tables: list[CitizenTable]
    campaign_id: int
    as_of: str                # ISO ('' for a review)
    recipients: list[str] = field(default_factory=list)
    signer_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    number: int | None = None
    title: str = "BÁO CÁO"
    record_head: str = ""

    @property
    def number_line(self) -> str:
        return f"Số: {'\u00a0' * 6}/{self.symbol}"

    @property
    def place_date(self) -> str:
        return f"{self.place}, {written_date(dt.date.fromisoformat(self.doc_date))}"

    @property
    def closing(self) -> str:
        return f"Trên đây là báo cáo {self.subject[:1].lower()}{self.subject[1:]} của {self.unit_name or 'đơn vị'}./."

    @staticmethod
    def text_lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _letterhead(store, doc_day: dt.date) -> dict:
    settings = get_settings(store)
    parent_body, issuing_body = letterhead_bodies(store, settings)
    unit = unit_id(store)
    row = (store.query_one("SELECT * FROM units WHERE id = ?", (unit,)) if unit else None) or {}
    return {"parent_body": parent_body, "unit_name": issuing_body, "symbol": settings.symbol,
            "place": row.get("place_name") or row.get("province_name") or "", "doc_date": doc_day.isoformat(),
            "recipients": list(settings.recipients) or default_recipients(parent_body, settings.symbol),
            "signer_authority": settings.signer_authority, "signer_title": settings.signer_title,
            "signer_name": settings.signer_name}


def _cite(store, campaign_id: int, name: str) -> str:
    return plan_citation(get_campaign_row(store, campaign_id)) or f"kế hoạch «{name}»"


def _line(r: CitizenRow, label: str | None = None) -> CitizenLine:
    return CitizenLine(label or r.label, [r.today, r.daily_target, r.cumulative, r.target, r.percent, r.remaining])


def main_target(progress: CitizenProgress):
    """The phase's main target: the first counted over the residents (else the first)."""
    residents = [t for t in progress.targets if t.scope not in AGENCY_SCOPES]
    return (residents or progress.targets or [None])[0]


def collect_daily(store, campaign_id: int | None = None, as_of=None) -> CitizenSheetData:
    """The daily summary of a citizens' campaign (default: the newest) on ``as_of`` (default: today)."""
    require(store, "report.view")
    campaign_id = campaign_id if campaign_id is not None else default_campaign_id(store)
    p = citizen_progress(store, campaign_id, as_of)
    tables = [CitizenTable("1. Kết quả chung của đơn vị", "Chỉ tiêu", list(DAILY_COLUMNS),
                           [_line(t.total, t.label) for t in p.targets])]
    main = main_target(p)
    if main is not None:
        level, rows = main_rows(main)
        tables.append(CitizenTable(f"2. {main.label}: theo {LEVEL_WHAT[level].split(',')[0].lower()}",
                                   LEVEL_WHAT[level], list(DAILY_COLUMNS), [_line(r) for r in rows]))
        officers = [r for r in sorted(main.rows["officer"], key=lambda r: r.label)]
        if officers:
            tables.append(CitizenTable(f"3. {main.label}: theo cán bộ Cảnh sát khu vực", LEVEL_WHAT["officer"],
                                       list(DAILY_COLUMNS), [_line(r) for r in officers]))
    days = "kể cả thứ Bảy, Chủ nhật" if p.every_day else "ngày làm việc"
    intro = (f"Thực hiện {_cite(store, campaign_id, p.name)}, số liệu đến hết ngày {date_text(p.as_of)} "
             f"(đến {date_text(p.phase_end or p.end)} còn {p.days_left} ngày, {days}):")
    return CitizenSheetData(kind="daily", subject=f"Kết quả định danh điện tử cho công dân ngày {date_text(p.as_of)}",
                            intro=intro, tables=tables, campaign_id=campaign_id, as_of=p.as_of.isoformat(),
                            title="BÁO CÁO NHANH", **_letterhead(store, p.as_of))


def collect_review(store, campaign_id: int | None = None) -> CitizenSheetData:
    """The review of a citizens' campaign: per phase, per target and per commune or agency, the figures at
    the phase's end (today for a phase still running)."""
    require(store, "report.view")
    campaign_id = campaign_id if campaign_id is not None else default_campaign_id(store)
    campaign = get_campaign_row(store, campaign_id)
    today = store.today()
    phases = [ph for ph in list_phases(store, campaign_id) if ph["kind"] == "phase"] or list_phases(store, campaign_id)
    spans = [(ph["name"], dt.date.fromisoformat(ph["start_on"]), dt.date.fromisoformat(ph["end_on"])) for ph in phases]
    if not spans:
        spans = [("Toàn kế hoạch", dt.date.fromisoformat(campaign["start_on"]),
                  dt.date.fromisoformat(campaign["end_on"]))]
    summary: list[CitizenLine] = []
    details: list[CitizenTable] = []
    finished = True
    for name, start, end in spans:
        day = max(min(end, today), start)
        finished = finished and today >= end
        p = citizen_progress(store, campaign_id, day)
        when = f"{date_text(start)}–{date_text(end)}" + ("" if today >= end else f", tính đến {date_text(day)}")
        for t in p.targets:
            r = t.total
            summary.append(CitizenLine(f"{name} ({when}): {t.label}",
                                       [r.target, r.cumulative, r.percent, r.remaining, r.status_label]))
            level, rows = main_rows(t)
            details.append(CitizenTable(
                f"{name} — {t.label}: theo {LEVEL_WHAT[level].split(',')[0].lower()}", LEVEL_WHAT[level],
                list(REVIEW_COLUMNS),
                [CitizenLine(x.label, [x.target, x.cumulative, x.percent, x.remaining, x.status_label]) for x in rows],
                CitizenLine("Toàn đơn vị", [r.target, r.cumulative, r.percent, r.remaining, r.status_label])))
    tables = [CitizenTable("1. Kết quả theo giai đoạn và chỉ tiêu", "Giai đoạn, chỉ tiêu", list(REVIEW_COLUMNS),
                           summary)]
    for i, table in enumerate(details, start=2):
        table.title = f"{i}. {table.title}"
        tables.append(table)
    what = "tổng kết" if finished else "sơ kết"
    intro = (f"Thực hiện {_cite(store, campaign_id, campaign['name'])} "
             f"({date_text(campaign['start_on'])}–{date_text(campaign['end_on'])}), kết quả {what} theo từng giai "
             "đoạn: chỉ tiêu được giao, số đã đạt, tỷ lệ, còn lại; chi tiết theo xã, phường hoặc cơ quan, đơn vị.")
    return CitizenSheetData(kind="review", subject=f"Kết quả {what} cấp, kích hoạt tài khoản định danh điện tử cho "
                                                   "công dân",
                            intro=intro, tables=tables, campaign_id=campaign_id, as_of="", **_letterhead(store, today))
