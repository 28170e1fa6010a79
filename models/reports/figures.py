"""The figures a report prints, taken from the progress computation.

With a campaign (the one asked for, else the current one) every row comes from
``models.campaigns.progress`` (``compute_progress`` ``by_group``/``by_area`` and ``weekly_series``): the
report and the progress screen cannot disagree. Without any campaign the report still shows the
counts, with the progress module's own counting rule (first issued account per organization or
person, cancelled dossiers never count) and empty target columns.

Every total line is the sum of its rows, column by column, by the progress module's rule for several
targets together (``progress.combine``): "Còn lại" is the sum of the rows' "Còn lại", "Tỷ lệ đạt" is
(chỉ tiêu − còn lại) / chỉ tiêu. Where a reader's own arithmetic would give another number (a group over
its target, the area table against the group table, accounts outside the unit), ``footnotes`` says why,
with the numbers. The area table lists the unit's communes alphabetically, then "(Chưa rõ địa bàn)",
then one "Ngoài địa bàn" row. The dashboard's week is the report's (``dashboard_week``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from models.campaigns.plans import current_campaign_id, get_campaign_row
from models.campaigns.progress import (
    NO_AREA,
    NO_AREA_LABEL,
    OUTSIDE_AREA,
    OUTSIDE_LABEL,
    combine,
    compute_progress,
    percent_of,
    remaining_of,
    weekly_series,
)
from models.core.errors import UserError
from models.core.store import Store
from models.registry.organizations import GROUPS
from models.reports.period import (
    ReportPeriod,
    ReportSettings,
    current_week,
    get_settings,
    previous_week,
    unit_id,
    week_ending,
)
from models.text.normalize import fold
from models.text.vn_format import DASH, date_text, day_month_text, percent_text, thousands

UNKNOWN_AREA = NO_AREA_LABEL
MAX_TREND_POINTS = 26


@dataclass
class FigureRow:
    """One line of a results table. Target columns are ``None`` when no campaign sets a target.

    ``percent`` and ``remaining`` are copied from the progress figures (``models.campaigns.progress``)
    when a campaign exists, so the report shows exactly what the progress screen shows.
    """

    key: str  # group number ("1".."4") or area code; "total" for the total line
    label: str
    this_week: int
    cumulative: int
    target: int | None = None
    percent: float | None = None
    remaining: int | None = None

    @classmethod
    def make(cls, key: str, label: str, this_week: int, cumulative: int, target: int | None) -> "FigureRow":
        """A row of one target: the progress rule (``percent_of``, ``remaining_of``)."""
        return cls(key, label, this_week, cumulative, target, percent_of(cumulative, target),
                   remaining_of(target, cumulative))


@dataclass
class TrendPoint:
    week_start: str  # ISO dates
    week_end: str
    count: int  # accounts issued that week
    cumulative: int  # since the campaign (or the series) started, up to week_end
    target_cumulative: int | None = None  # where the plan says the cumulative should be by week_end

    @property
    def label(self) -> str:
        return day_month_text(dt.date.fromisoformat(self.week_end))


@dataclass
class Figures:
    groups: list[FigureRow]
    group_total: FigureRow
    areas: list[FigureRow]
    area_total: FigureRow
    trend: list[TrendPoint]
    campaign_id: int | None = None
    campaign_name: str = ""
    footnotes: list[str] = field(default_factory=list)


def collect_figures(store: Store, start: dt.date, end: dt.date, *, campaign_id: int | None = None,
                    trend_weeks: int = 12) -> Figures:
    explicit = campaign_id is not None
    campaign_id = campaign_id if explicit else current_campaign_id(store)
    if campaign_id is not None:
        campaign = get_campaign_row(store, campaign_id)
        if end.isoformat() >= campaign["start_on"]:
            figures, progress = _from_progress(store, campaign_id, start, end)
            figures.footnotes = footnotes(figures, _shared_targets(progress))
            return figures
        if explicit:
            raise UserError(f"Kỳ báo cáo kết thúc ngày {date_text(end)}, trước khi kế hoạch «{campaign['name']}» "
                            f"bắt đầu ({date_text(campaign['start_on'])}).")
    # no campaign, or the current one starts after this period: counts without targets
    figures = _plain_counts(store, start, end, trend_weeks)
    figures.footnotes = footnotes(figures)
    return figures


def _area_order(row: FigureRow) -> tuple:
    """The unit's communes alphabetically (Vietnamese folded), then the unknown area, then outside the unit."""
    return ((row.key == NO_AREA) + 2 * (row.key == OUTSIDE_AREA), fold(row.label))


# ---- the dashboard's week is the report's --------------------------------------------------------------
def report_week_containing(day: dt.date, settings: ReportSettings) -> ReportPeriod:
    """The weekly report period (the unit's deadline rule, ``models.reports.period``) that contains ``day``."""
    last_day = (settings.due_weekday - 1) % 7          # a report week ends the day before the due weekday
    return week_ending(day + dt.timedelta(days=(last_day - day.weekday()) % 7), settings)


@dataclass(frozen=True)
class DashboardWeek:
    period: ReportPeriod   # the report week
    as_of: dt.date         # figures up to this day (the week's end, or today while the week runs)

    @property
    def week_start(self) -> dt.date:
        return self.period.start


def dashboard_week(store: Store, day: dt.date | None = None, *,
                   issued: Callable[[ReportPeriod], bool] | None = None) -> DashboardWeek:
    """The week the dashboard shows. Without ``day``: the week of the report due next (the status bar's
    deadline), up to today at most; so on Thursday 13/03/2025 10:00 (due 14:00) it is 06/03–12/03,
    the week the report states. After the deadline, while that report is still not issued (``issued``
    says whether a period's report is in the register), it stays the late report's week, as on the
    report screen. With a ``day`` picked: the report week containing it, up to that day."""
    settings = get_settings(store)
    if day is not None:
        return DashboardWeek(report_week_containing(day, settings), day)
    now = store.now()
    period = current_week(now, settings)
    last = previous_week(now, settings)
    if (issued is not None and period.end >= store.today() and last.due_at is not None
            and now - last.due_at < dt.timedelta(days=7) and not issued(last)):
        period = last
    return DashboardWeek(period, min(period.end, store.today()))


# ---- with a campaign: the progress module's figures ----------------------------------------------
def _from_progress(store: Store, campaign_id: int, start: dt.date, end: dt.date) -> tuple[Figures, object]:
    progress = compute_progress(store, campaign_id, as_of=end, week_start=start)
    groups = [_row(r, GROUPS.get(int(r.key), r.label)) for r in progress.by_group]
    areas = sorted((_row(r, r.label) for r in progress.by_area), key=_area_order)
    series = weekly_series(store, campaign_id, until=end)[-MAX_TREND_POINTS:]
    trend = [
        TrendPoint(
            week_start=max(p.week_end - dt.timedelta(days=6), progress.start).isoformat(),
            week_end=p.week_end.isoformat(), count=p.achieved, cumulative=p.cumulative,
            target_cumulative=p.target_line,
        )
        for p in series
    ]
    figures = Figures(groups, total_row(groups), areas, total_row(areas, partial_targets=True), trend, campaign_id,
                      progress.name)
    return figures, progress


def _row(row, label: str) -> FigureRow:
    f = row.figures
    return FigureRow(str(row.key), label, f.this_week, f.achieved, f.target, f.percent, f.remaining)


def total_row(rows: list[FigureRow], *, partial_targets: bool = False) -> FigureRow:
    """The total line: every column is the sum of the rows' column, so the printed table adds up.

    By ``progress.combine``: "Còn lại" is the sum of the rows' "Còn lại" (a row ahead of its target does
    not make up for one behind); "Tỷ lệ đạt" is (total target − total remaining) / total target, i.e. the
    accounts counted up to each row's own target (``footnotes`` says so when a row is over its target).
    The target is the sum of the rows' targets when every row has one (groups: a group without a target
    of its own may be covered by a combined one, so a partial sum would mean nothing); with
    ``partial_targets`` (areas: an area without a share of the allocated targets has none to reach) it
    is the sum of the targets there are. The unknown-area and outside rows never have a target.
    """
    targets = [r.target for r in rows if r.key not in (NO_AREA, OUTSIDE_AREA)]
    present = [t for t in targets if t is not None]
    complete = bool(targets) and len(present) == len(targets)
    this_week, cumulative = sum(r.this_week for r in rows), sum(r.cumulative for r in rows)
    if not present or not (complete or partial_targets):
        return FigureRow("total", "Tổng cộng", this_week, cumulative)
    together = combine((r.target, r.cumulative, r.remaining) for r in rows)
    return FigureRow("total", "Tổng cộng", this_week, cumulative, together.target, together.percent,
                     together.remaining)


# ---- footnotes: why a total is not what a reader's own arithmetic gives ------------------------------
def _shared_targets(progress) -> list:
    """Targets of the current phase set on several groups together (no group row carries them)."""
    phase = progress.current_phase if progress is not None else None
    return [t for t in (phase.targets if phase else []) if len(t.groups) > 1]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def footnotes(figures: Figures, shared_targets: list | None = None) -> list[str]:
    """The notes printed under the tables (Vietnamese, with the numbers), in a fixed order."""
    return (group_notes(figures.groups, figures.group_total, shared_targets)
            + area_notes(figures.areas, figures.area_total, figures.group_total))


def group_notes(groups: list[FigureRow], gt: FigureRow, shared_targets: list | None = None) -> list[str]:
    """Notes on the table by group (also the province's consolidated one)."""
    notes: list[str] = []
    def overshoot(r: FigureRow) -> int:   # accounts above the row's target (its own parts' targets)
        return r.cumulative - (r.target - r.remaining) if r.target is not None and r.remaining is not None else 0

    over = [r for r in groups if overshoot(r) > 0]
    if gt.target and gt.remaining is not None and over:
        names = "; ".join(f"«{_lower_first(r.label)}» vượt {thousands(overshoot(r))}" for r in over)
        notes.append(
            f"Dòng «Tổng cộng» theo nhóm: tỷ lệ đạt và số còn lại tính mỗi nhóm tối đa bằng chỉ tiêu của nhóm; "
            f"số vượt chỉ tiêu ({names}) không bù cho nhóm chưa đạt: ({thousands(gt.target)} − "
            f"{thousands(gt.remaining)}) / {thousands(gt.target)} = {percent_text(gt.percent, DASH)} "
            f"(lũy kế {thousands(gt.cumulative)} tài khoản).")
    without = [r for r in groups if r.target is None]
    if any(r.target is not None for r in groups) and without:
        notes.append(
            "Nhóm " + ", ".join(f"«{_lower_first(r.label)}»" for r in without) + " không có chỉ tiêu riêng, nên dòng "
            "«Tổng cộng» theo nhóm không có chỉ tiêu, tỷ lệ đạt và số còn lại.")
    for t in shared_targets or []:
        f = t.figures
        notes.append(
            f"Chỉ tiêu giao chung cho các nhóm «{t.label}»: lũy kế {thousands(f.achieved)}/{thousands(f.target, DASH)}"
            f", đạt {percent_text(f.percent, DASH)}, còn lại {thousands(f.remaining, DASH)}.")
    return notes


def area_notes(areas: list[FigureRow], at: FigureRow, gt: FigureRow) -> list[str]:
    """Notes on the table by area, against the table by group."""
    notes: list[str] = []
    outside = next((r for r in areas if r.key == OUTSIDE_AREA), None)
    if outside is not None:
        notes.append(
            f"«{OUTSIDE_LABEL}»: {thousands(outside.cumulative)} tài khoản của tổ chức có trụ sở (theo danh sách tổ "
            "chức) ở xã, phường ngoài địa bàn của đơn vị; tính vào lũy kế của đơn vị, không có chỉ tiêu theo địa bàn.")
    if at.cumulative != gt.cumulative:
        notes.append(
            f"Lũy kế theo địa bàn ({thousands(at.cumulative)}) khác lũy kế theo nhóm ({thousands(gt.cumulative)}) vì "
            "bảng theo địa bàn chỉ tính các nhóm có chỉ tiêu phân bổ cho xã, phường.")
    if at.target is not None and gt.target is not None and at.target != gt.target:
        notes.append(
            f"Tổng chỉ tiêu phân bổ cho các xã, phường ({thousands(at.target)}) khác chỉ tiêu của đơn vị "
            f"({thousands(gt.target)}): phân bổ chưa đủ hoặc đã sửa tay, hoặc chỉ một số nhóm được phân bổ.")
    naive = percent_of(sum(r.cumulative for r in areas if r.target is not None), at.target)
    if at.target and (at.percent != naive or at.remaining != gt.remaining):
        text = (f"Dòng «Tổng cộng» theo địa bàn: số còn lại ({thousands(at.remaining)}) là tổng số còn lại của "
                "từng xã, phường, mỗi xã, phường tính theo phần chỉ tiêu được phân bổ của từng nhóm; xã, phường "
                "hoặc nhóm vượt chỉ tiêu không bù cho nơi chưa đạt; tỷ lệ đạt = "
                f"({thousands(at.target)} − {thousands(at.remaining)}) / {thousands(at.target)} = "
                f"{percent_text(at.percent, DASH)}")
        if gt.remaining is not None and at.remaining != gt.remaining:
            text += f". Vì vậy số còn lại khác bảng theo nhóm ({thousands(gt.remaining)})"
        notes.append(text + ".")
    return notes


# ---- without a campaign: counts only --------------------------------------------------------------
# The documented rule of docs/api-progress.md ("What is counted"): once per subject (organization, else
# person, else the dossier itself) on the date of its first issued account; cancelled dossiers never
# count; the group is that of the dossier that carried that first event, the area the organization's in
# the registry (table progress_firsts, kept by triggers; m009).
# Organizations only: citizens' accounts (subject 'p…', issue 15) are not the weekly report's.
_FIRST_ISSUED = ("SELECT grp, area_code, d FROM progress_firsts WHERE counts = 'issued' AND d < :cap_next"
                 " AND subject NOT LIKE 'p%'")


def _plain_counts(store: Store, start: dt.date, end: dt.date, trend_weeks: int) -> Figures:
    events = store.execute(_FIRST_ISSUED, {"cap_next": (end + dt.timedelta(days=1)).isoformat()}).fetchall()
    first, last = start.isoformat(), end.isoformat()
    unit = unit_id(store)
    codes = [r["code"] for r in store.query("SELECT code FROM areas WHERE unit_id = ?", (unit,))] if unit else []
    inside = set(codes)
    week_g, cum_g, week_a, cum_a, days = Counter(), Counter(), Counter(), Counter(), Counter()
    for grp, area, day in events:
        area = area or NO_AREA
        if inside and area != NO_AREA and area not in inside:
            area = OUTSIDE_AREA
        cum_g[grp] += 1
        cum_a[area] += 1
        days[day] += 1
        if first <= day <= last:
            week_g[grp] += 1
            week_a[area] += 1
    groups = [FigureRow.make(str(g), label, week_g[g], cum_g[g], None) for g, label in GROUPS.items()]
    names = {r["code"]: r["name"] for r in store.query("SELECT code, name FROM areas")}
    names.update({NO_AREA: NO_AREA_LABEL, OUTSIDE_AREA: OUTSIDE_LABEL})
    codes += sorted(c for c in cum_a if c not in codes and c not in (NO_AREA, OUTSIDE_AREA))
    codes += [c for c in (NO_AREA, OUTSIDE_AREA) if cum_a[c]]
    areas = [FigureRow.make(c, names.get(c, c), week_a[c], cum_a[c], None) for c in codes]
    areas.sort(key=_area_order)
    trend = []
    for back in range(trend_weeks - 1, -1, -1):
        week_end = end - dt.timedelta(days=7 * back)
        week_start = week_end - dt.timedelta(days=6)
        lo, hi = week_start.isoformat(), week_end.isoformat()
        trend.append(TrendPoint(lo, hi, sum(n for d, n in days.items() if lo <= d <= hi),
                                sum(n for d, n in days.items() if d <= hi), None))
    return Figures(groups, total_row(groups), areas, total_row(areas, partial_targets=True), trend)
