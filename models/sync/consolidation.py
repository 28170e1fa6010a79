"""The province's consolidated weekly report: one row per unit, from the units' merged sync files.

Every figure comes from the ``TongHop`` sheets the units sent (their own weekly report figures), so the
consolidated report is exactly the sum of the units' reports. For a week, a unit's figures are those of
its newest merged file for that week; a unit without one is listed as not having sent its file, and a
unit whose first file for the week was written after the deadline (``report_period`` settings of the
province) as late. The result is a plain ``ReportData`` (units in place of areas) that the unit
report's exporters print unchanged (``services/consolidation.py`` writes the files).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from models.campaigns.citizen_targets import MEASURES
from models.core.permissions import require
from models.core.store import Store
from models.registry.organizations import GROUPS
from models.reports.figures import group_notes, total_row
from models.reports.period import ReportPeriod, due_datetime, get_settings, letterhead_bodies, unit_id
from models.reports.weekly import (
    SUBJECT_PREFIX,
    TREND_WEEKS,
    FigureRow,
    ReportData,
    TrendPoint,
    default_recipients,
)
from models.sync.format import CITIZEN_TOTAL, MEASURE_CODES, SECTION_GROUPS
from models.text.vn_format import date_text, percent_text, thousands, time_text

NOT_SENT = "chưa gửi tệp"
LATE = "gửi muộn"


@dataclass
class UnitWeek:
    code: str
    name: str
    declared: bool
    sent: bool
    late: bool = False
    file_id: int | None = None  # the newest file for the week (its figures are used)
    file_name: str | None = None
    sequence: int | None = None
    first_generated_at: str | None = None  # the first file for the week (decides "late")
    received_at: str | None = None
    total: FigureRow | None = None  # the unit's own total line (nhom/total)
    groups: dict[str, FigureRow] | None = None
    record_warning: str | None = None  # the unit's record chain did not extend its previous file's (merge.py)
    citizens: bool = False  # its file for the week carries citizens' figures (CongDan lines, format 2.3)

    @property
    def state(self) -> str:
        if not self.sent:
            return NOT_SENT
        return LATE if self.late else "đúng hạn"


def week_status(store: Store, week_end: dt.date) -> list[UnitWeek]:
    """Every expected unit (declared or known from a file) and what it sent for the week ending ``week_end``."""
    require(store, "report.view")
    end = week_end.isoformat()
    units = store.query("SELECT * FROM remote_units WHERE active = 1 ORDER BY name, code")
    files = store.query("SELECT * FROM sync_files WHERE period_end = ? ORDER BY unit_code, sequence", (end,))
    with_citizens = {r["unit_code"] for r in store.query(
        "SELECT DISTINCT unit_code FROM remote_citizen_figures WHERE period_end = ?", (end,))}
    by_unit: dict[str, list[dict]] = {}
    for f in files:
        by_unit.setdefault(f["unit_code"], []).append(f)
    out = []
    for unit in units:
        mine = by_unit.get(unit["code"], [])
        if not mine:
            out.append(UnitWeek(unit["code"], unit["name"], bool(unit["declared"]), sent=False))
            continue
        first, newest = mine[0], mine[-1]
        lines = store.query("SELECT * FROM remote_summaries WHERE file_id = ? AND section = ? ORDER BY row_no",
                            (newest["id"], SECTION_GROUPS))
        groups = {r["code"]: _figure(r) for r in lines if r["code"] and r["code"] != "total"}
        total = next((_figure(r) for r in lines if r["code"] == "total"), None)
        out.append(UnitWeek(unit["code"], unit["name"], bool(unit["declared"]), sent=True, late=bool(first["late"]),
                            file_id=newest["id"], file_name=newest["file_name"], sequence=newest["sequence"],
                            first_generated_at=first["generated_at"], received_at=newest["received_at"],
                            total=total, groups=groups, record_warning=unit.get("record_warning"),
                            citizens=unit["code"] in with_citizens))
    return out


def _figure(row: dict) -> FigureRow:
    return FigureRow(row["code"] or "", row["name"] or "", row["this_week"] or 0, row["cumulative"] or 0,
                     row["target"], row["percent"], row["remaining"])


def _sum_row(key: str, label: str, rows: list[FigureRow | None]) -> FigureRow:
    """One group over all units, by the rule of a unit's own total line (``report_figures.total_row``):
    "Còn lại" is the sum of the units' (one unit ahead of its target does not make up for another behind)."""
    return dataclasses.replace(total_row([r for r in rows if r is not None]), key=key, label=label)


def consolidated_report(store: Store, period: ReportPeriod) -> ReportData:
    require(store, "report.view")
    statuses = week_status(store, period.end)
    sent = [u for u in statuses if u.sent]
    groups = [_sum_row(str(g), label, [u.groups.get(str(g)) for u in sent]) for g, label in GROUPS.items()]
    group_total = total_row(groups)  # the printed table adds up
    rows = []
    for u in statuses:
        label = u.name if u.sent and not u.late else f"{u.name} ({u.state})"
        base = u.total or FigureRow(u.code, label, 0, 0)
        # a unit's line is its own total line: its rate and remaining by the rule of totals, as it sent them
        rows.append(FigureRow(u.code, label, base.this_week, base.cumulative, base.target, base.percent,
                              base.remaining))
    area_total = total_row(rows, partial_targets=True)
    unit = store.query_one("SELECT * FROM units WHERE id = ?", (unit_id(store),)) or {}
    settings = get_settings(store)
    # the same letterhead as the unit's own report: parent body over issuing body, each from its field
    parent_body, issuing_body = letterhead_bodies(store, settings)
    due = period.due_at or due_datetime(period.end, settings)
    doc_day = due.date()
    data = ReportData(
        kind=period.kind, period_start=period.start.isoformat(), period_end=period.end.isoformat(),
        parent_body=parent_body, unit_name=issuing_body,
        symbol=settings.symbol, number=None, place=unit.get("place_name") or unit.get("province_name") or "",
        doc_date=doc_day.isoformat(),
        subject=f"{SUBJECT_PREFIX} (tổng hợp các đơn vị), {period.subject_phrase}",
        summary=_summary(statuses, group_total, due),
        groups=groups, group_total=group_total, areas=rows, area_total=area_total,
        row_label="Đơn vị", rows_heading="Kết quả theo đơn vị",
        trend=_trend(store, period.end),
        # the units' own totals know the whole target even when some group has none of its own
        target_total=group_total.target if group_total.target is not None else _sum_row(
            "total", "", [u.total for u in sent]).target,
        recipients=list(settings.recipients) or default_recipients(parent_body, settings.symbol),
        signer_authority=settings.signer_authority, signer_title=settings.signer_title,
        signer_name=settings.signer_name,
        footnotes=group_notes(groups, group_total),
    )
    return data


def _summary(statuses: list[UnitWeek], total: FigureRow, due: dt.datetime) -> str:
    sent = [u for u in statuses if u.sent]
    missing = [u.name for u in statuses if not u.sent]
    late = [u.name for u in sent if u.late]
    text = (f"Tổng hợp từ tệp đồng bộ của {len(sent)}/{len(statuses)} đơn vị. Trong kỳ, các đơn vị đã cấp "
            f"{thousands(total.this_week)} tài khoản định danh điện tử cho cơ quan, tổ chức; "
            f"lũy kế {thousands(total.cumulative)} tài khoản.")
    if missing:
        text += f" Chưa gửi tệp: {', '.join(missing)}."
    if late:
        text += f" Gửi muộn (sau {time_text(due)} ngày {date_text(due)}): {', '.join(late)}."
    if not missing and not late:
        text += " Tất cả các đơn vị đã gửi tệp đúng hạn."
    return text


def _trend(store: Store, end: dt.date) -> list[TrendPoint]:
    """Per week: the sum of the units' total lines from their newest file for that week."""
    points = []
    for back in range(TREND_WEEKS - 1, -1, -1):
        week_end = end - dt.timedelta(days=7 * back)
        row = store.query_one(
            "SELECT SUM(s.this_week) AS week, SUM(s.cumulative) AS cum, COUNT(*) AS n FROM remote_summaries s"
            " JOIN sync_files f ON f.id = s.file_id"
            " WHERE f.period_end = ? AND s.section = ? AND s.code = 'total'"
            " AND f.sequence = (SELECT MAX(g.sequence) FROM sync_files g"
            "                   WHERE g.unit_code = f.unit_code AND g.period_end = f.period_end)",
            (week_end.isoformat(), SECTION_GROUPS))
        if row and row["n"]:
            points.append(TrendPoint((week_end - dt.timedelta(days=6)).isoformat(), week_end.isoformat(),
                                     row["week"] or 0, row["cum"] or 0, None))
    return points


# ---- citizens (sync format 2.3: the units' CongDan and BuoiThuNhan sheets) -----------------------------
NO_CITIZENS = "tệp không có số liệu công dân"
POPULATIONS = {"residents": "người dân", "agencies": "cán bộ các cơ quan, đơn vị",
               "enterprises": "người đứng đầu doanh nghiệp"}
_POPULATION_OF_SCOPE = {"all": "residents", "communes": "residents", "towns": "residents",
                        "agencies": "agencies", "enterprises": "enterprises"}


@dataclass
class CitizenTable:
    """One measure among one population (e.g. activations of residents): a line per unit, and the total."""

    measure: str
    population: str
    label: str
    rows: list[FigureRow]
    total: FigureRow


@dataclass
class SessionLine:
    """A unit's mobile intake sessions held in the week (its ``BuoiThuNhan`` lines), cancelled ones left out."""

    code: str
    label: str
    sessions: int = 0
    expected: int = 0
    received: int = 0
    issued: int = 0
    refused: int = 0


@dataclass
class CitizenConsolidation:
    period_start: str
    period_end: str
    tables: list[CitizenTable]
    sessions: list[SessionLine]
    session_total: SessionLine
    units: int  # expected units
    reported: list[str]  # codes of the units whose file for the week carries citizens' figures
    summary: str  # reporting rate and timeliness, as for organizations


def consolidated_citizens(store: Store, period: ReportPeriod) -> CitizenConsolidation:
    """The citizens' part of the consolidated report: per measure and population, one line per unit from the
    total lines of its newest file for the week (``remote_citizen_figures``, the unit's own
    ``citizen_progress`` figures), summed by the rule of totals; the units' sessions held in the week."""
    require(store, "report.view")
    statuses = week_status(store, period.end)
    end, start = period.end.isoformat(), period.start.isoformat()
    totals: dict[str, dict[tuple[str, str], list[dict]]] = {}
    for row in store.query("SELECT * FROM remote_citizen_figures WHERE period_end = ? AND code = ? "
                           "ORDER BY unit_code, row_no", (end, CITIZEN_TOTAL)):
        population = _POPULATION_OF_SCOPE.get(row["scope"], "residents")
        totals.setdefault(row["unit_code"], {}).setdefault((row["measure"], population), []).append(row)
    keys = sorted({k for unit in totals.values() for k in unit},
                  key=lambda k: (list(POPULATIONS).index(k[1]),
                                 MEASURE_CODES.index(k[0]) if k[0] in MEASURE_CODES else 99))
    tables = []
    for measure, population in keys:
        rows = []
        for u in statuses:
            lines = totals.get(u.code, {}).get((measure, population))
            label = _unit_label(u, u.code in totals)
            rows.append(_unit_figure(u.code, label, lines) if lines else FigureRow(u.code, label, 0, 0))
        tables.append(CitizenTable(measure, population, f"{MEASURES.get(measure, measure)} — {POPULATIONS[population]}",
                                   rows, total_row(rows, partial_targets=True)))
    by_unit = {r["unit_code"]: r for r in store.query(
        "SELECT unit_code, COUNT(*) AS sessions, SUM(COALESCE(expected, 0)) AS expected, SUM(received) AS received,"
        " SUM(issued) AS issued, SUM(refused) AS refused FROM remote_sessions WHERE period_end = ? AND held_on >= ?"
        " AND held_on <= ? AND status <> 'cancelled' GROUP BY unit_code", (end, start, end))}
    sessions = []
    for u in statuses:
        r = by_unit.get(u.code) or {}
        sessions.append(SessionLine(u.code, _unit_label(u, u.code in totals), r.get("sessions") or 0,
                                    r.get("expected") or 0, r.get("received") or 0, r.get("issued") or 0,
                                    r.get("refused") or 0))
    total = SessionLine("total", "Tổng cộng", *(sum(getattr(s, f) for s in sessions)
                                                for f in ("sessions", "expected", "received", "issued", "refused")))
    reported = [u.code for u in statuses if u.citizens]
    due = period.due_at or due_datetime(period.end, get_settings(store))
    return CitizenConsolidation(start, end, tables, sessions, total, len(statuses), reported,
                                _citizen_summary(statuses, set(totals), due))


def _unit_label(u: UnitWeek, has_figures: bool) -> str:
    if not u.sent:
        return f"{u.name} ({NOT_SENT})"
    if not has_figures:
        return f"{u.name} ({NO_CITIZENS})"
    return f"{u.name} ({LATE})" if u.late else u.name


def _unit_figure(code: str, label: str, lines: list[dict]) -> FigureRow:
    """A unit's line for one measure: its target over all residents when it has one, else its targets by kind
    of commune (xã, phường) together; for agencies and enterprises, its (first) target."""
    whole = [r for r in lines if r["scope"] == "all"]
    parts = [_figure(r) for r in (whole[:1] or lines)]
    line = parts[0] if len(parts) == 1 else total_row(parts, partial_targets=True)
    return FigureRow(code, label, line.this_week, line.cumulative, line.target, line.percent, line.remaining)


def _citizen_summary(statuses: list[UnitWeek], with_figures: set[str], due: dt.datetime) -> str:
    n = len(statuses)
    sent = [u for u in statuses if u.code in with_figures]
    late = [u.name for u in sent if u.late]
    rate = percent_text(len(sent) / n * 100 if n else 0.0)
    text = (f"Số liệu công dân: {len(sent)}/{n} đơn vị đã gửi kèm tệp đồng bộ ({rate}); "
            f"đúng hạn {len(sent) - len(late)}, gửi muộn {len(late)}.")
    if late:
        text += f" Gửi muộn (sau {time_text(due)} ngày {date_text(due)}): {', '.join(late)}."
    missing = [u.name for u in statuses if not u.sent]
    if missing:
        text += f" Chưa gửi tệp: {', '.join(missing)}."
    without = [u.name for u in statuses if u.sent and u.code not in with_figures]
    if without:
        text += f" Tệp không có số liệu công dân (chưa có kế hoạch cho công dân, hoặc chương trình cũ): {', '.join(without)}."
    return text


def record_consolidated(store: Store, period: ReportPeriod, *, pdf: str | Path | None = None,
                        xlsx: str | Path | None = None) -> None:
    """The audit line of a consolidated report written to ``pdf`` and/or ``xlsx`` (the use-case layer,
    ``services/consolidation.py``, writes the files and calls this in the same transaction)."""
    with store.atomic():
        store.audit("sync.consolidated_report", "report", None,
                    detail={"period_end": period.end.isoformat(), "pdf": str(pdf) if pdf else None,
                            "xlsx": str(xlsx) if xlsx else None})
