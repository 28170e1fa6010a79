"""The citizens' figures as report tables (issue 16): plain data that the weekly report's PDF, workbook and
Word copy, the daily summary and the review print in the Decree 30 renderer.

Every number comes from ``models.campaigns.citizen_progress.citizen_progress`` (the dashboard's «Công
dân» tab and the ``citizen-progress`` CLI read the same function); nothing here counts persons.

``weekly_section(store, start, end)``: when a citizens' campaign runs in the week (its days overlap the
period), one table per target of the phase on the week's last day: per commune (or per agency for an
agency target), "Trong kỳ" = the cumulative on the last day minus the cumulative the day before the week
(the whole phase's count when the week began in another phase), "Lũy kế", "Chỉ tiêu", "Tỷ lệ đạt", "Còn
lại" as on the dashboard on that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from models.campaigns.citizen_progress import CitizenProgress, CitizenRow, CitizenTargetProgress, citizen_progress
from models.campaigns.citizen_targets import AGENCY_SCOPES
from models.text.vn_format import DASH, date_text, decimal_text, percent_text, thousands

# a column's kind tells the exporters how to print it
INT, PERCENT, DECIMAL, TEXT = "int", "percent", "decimal", "text"
WEEK_COLUMNS = [("Trong kỳ", INT), ("Lũy kế", INT), ("Chỉ tiêu", INT), ("Tỷ lệ đạt", PERCENT), ("Còn lại", INT)]
SECTION_TITLE = "6. Kết quả cấp tài khoản định danh điện tử cho công dân"


def value_text(kind: str, value) -> str:
    """A cell as printed (PDF, Word): thousands with '.', one decimal with ',', "—" for nothing."""
    if value in (None, ""):
        return DASH
    if kind == INT:
        return thousands(value, DASH)
    if kind == PERCENT:
        return percent_text(value, DASH)
    if kind == DECIMAL:
        return decimal_text(value, DASH)
    return str(value)


@dataclass
class CitizenLine:
    label: str
    values: list          # one per column: int | float | str | None (None prints "—")


@dataclass
class CitizenTable:
    title: str            # "Kích hoạt tài khoản — theo xã, phường"
    what: str             # the label column's header
    columns: list[tuple[str, str]]   # (header, kind)
    rows: list[CitizenLine]
    total: CitizenLine | None = None
    note: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "CitizenTable":
        data = dict(data)
        data["columns"] = [tuple(c) for c in data["columns"]]
        data["rows"] = [CitizenLine(**r) for r in data["rows"]]
        data["total"] = CitizenLine(**data["total"]) if data.get("total") else None
        return cls(**data)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CitizenSection:
    title: str = SECTION_TITLE
    intro: str = ""
    tables: list[CitizenTable] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict | None) -> "CitizenSection | None":
        if not data:
            return None
        return cls(data["title"], data["intro"], [CitizenTable.from_dict(t) for t in data["tables"]])


def running_campaign(store, start: dt.date, end: dt.date) -> dict | None:
    """The newest citizens' campaign whose days overlap [start, end], if any."""
    return store.query_one("SELECT * FROM campaigns WHERE subject_type = 'person' AND start_on <= ? AND end_on >= ?"
                           " ORDER BY start_on DESC, id DESC LIMIT 1", (end.isoformat(), start.isoformat()))


def main_rows(target: CitizenTargetProgress) -> tuple[str, list[CitizenRow]]:
    """(level, rows) a target is reported by: agencies/enterprises for a staff target, communes otherwise
    (rows without a target and without any count left out)."""
    if target.scope in AGENCY_SCOPES:
        level = "enterprise" if target.scope == "enterprises" else "agency"
    else:
        level = "commune"
    rows = [r for r in target.rows[level] if r.target is not None or r.cumulative or r.today]
    return level, sorted(rows, key=lambda r: r.label) if level == "commune" else rows


LEVEL_WHAT = {"commune": "Xã, phường, thị trấn", "agency": "Cơ quan, đơn vị", "enterprise": "Doanh nghiệp",
              "officer": "Cán bộ CSKV"}


def week_figures(store, start: dt.date, end: dt.date, campaign_id: int) -> tuple[CitizenProgress, dict]:
    """The dashboard's figures on ``end`` and, per (target id, level, key), the count within the week."""
    now = citizen_progress(store, campaign_id, end)
    before = citizen_progress(store, campaign_id, start - dt.timedelta(days=1))
    earlier = {}
    if before.phase_id == now.phase_id:
        for t in before.targets:
            earlier[(t.target_id, "total", "total")] = t.total.cumulative
            for level, rows in t.rows.items():
                for r in rows:
                    earlier[(t.target_id, level, r.key)] = r.cumulative
    week = {}
    for t in now.targets:
        for level, rows in [("total", [t.total]), *t.rows.items()]:
            for r in rows:
                week[(t.target_id, level, r.key)] = max(r.cumulative - earlier.get((t.target_id, level, r.key), 0), 0)
    return now, week


def weekly_section(store, start: dt.date, end: dt.date) -> CitizenSection | None:
    """The citizens' part of the weekly report for [start, end], or None without a citizens' campaign then."""
    campaign = running_campaign(store, start, end)
    if campaign is None:
        return None
    now, week = week_figures(store, start, end, campaign["id"])
    plan = f"«{now.name}»" + (f" ({now.plan_number})" if now.plan_number else "")
    section = CitizenSection(intro=(f"Thực hiện kế hoạch {plan}, {now.phase_name or 'giai đoạn hiện tại'}: trong kỳ từ "
                                    f"ngày {date_text(start)} đến ngày {date_text(end)}; lũy kế đến ngày "
                                    f"{date_text(end)}."))
    for t in now.targets:
        level, rows = main_rows(t)

        def line(r: CitizenRow, label: str, t=t) -> CitizenLine:
            return CitizenLine(label, [week[(t.target_id, r.level, r.key)], r.cumulative, r.target, r.percent,
                                       r.remaining])

        section.tables.append(CitizenTable(
            f"{t.label} — theo {LEVEL_WHAT[level].split(',')[0].lower()}", LEVEL_WHAT[level], list(WEEK_COLUMNS),
            [line(r, r.label) for r in rows], line(t.total, "Toàn đơn vị")))
    return section if section.tables else None     # a campaign without targets has no figures to report
