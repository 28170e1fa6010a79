"""The figures a report prints, taken from the progress computation.

With a campaign (the one asked for, else the current one) every row comes from
``models.campaigns.progress`` (``compute_progress`` ``by_group``/``by_area`` and ``weekly_series``): the
report and the progress screen cannot disagree. Without any campaign the report still shows the
counts, with the progress module's own counting rule (first issued account per organization or
person, cancelled dossiers never count) and empty target columns.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from models.campaigns.plans import current_campaign_id, get_campaign_row
from models.campaigns.progress import compute_progress, weekly_series
from models.core.errors import UserError
from models.core.store import Store
from models.registry.organizations import GROUPS
from models.reports.period import unit_id
from models.text.normalize import fold
from models.text.vn_format import date_text, day_month_text

UNKNOWN_AREA = "(Chưa rõ địa bàn)"
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
        """A row whose percent/remaining follow the progress rule (one decimal; none without target)."""
        percent = round(cumulative * 100.0 / target, 1) if target else None
        remaining = max(target - cumulative, 0) if target is not None else None
        return cls(key, label, this_week, cumulative, target, percent, remaining)


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


def collect_figures(store: Store, start: dt.date, end: dt.date, *, campaign_id: int | None = None,
                    trend_weeks: int = 12) -> Figures:
    explicit = campaign_id is not None
    campaign_id = campaign_id if explicit else current_campaign_id(store)
    if campaign_id is not None:
        campaign = get_campaign_row(store, campaign_id)
        if end.isoformat() >= campaign["start_on"]:
            return _from_progress(store, campaign_id, start, end)
        if explicit:
            raise UserError(f"Kỳ báo cáo kết thúc ngày {date_text(end)}, trước khi kế hoạch «{campaign['name']}» "
                            f"bắt đầu ({date_text(campaign['start_on'])}).")
    # no campaign, or the current one starts after this period: counts without targets
    return _plain_counts(store, start, end, trend_weeks)


def _area_order(row: FigureRow) -> tuple:
    """Areas alphabetically (Vietnamese folded), the unknown area last."""
    return (row.key == "", fold(row.label))


# ---- with a campaign: the progress module's figures ----------------------------------------------
def _from_progress(store: Store, campaign_id: int, start: dt.date, end: dt.date) -> Figures:
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
    return Figures(groups, total_row(groups), areas, total_row(areas, partial_targets=True), trend, campaign_id,
                   progress.name)


def _row(row, label: str) -> FigureRow:
    f = row.figures
    return FigureRow(str(row.key), label, f.this_week, f.achieved, f.target, f.percent, f.remaining)


def total_row(rows: list[FigureRow], *, partial_targets: bool = False) -> FigureRow:
    """The total line: every column is the sum of the rows' column, so the printed table adds up.

    "Còn lại" is the sum of the rows' "Còn lại" (each max(0, target − achieved)): a group ahead of its
    target does not make up for one behind. "Tỷ lệ đạt" is total achieved / total target.
    The target is the sum of the rows' targets when every row has one (groups: a group without a target
    of its own may be covered by a combined one, so a partial sum would mean nothing); with
    ``partial_targets`` (areas: an area without a share of the allocated targets has none to reach) it
    is the sum of the targets there are. The unknown-area row (key "") never has a target.
    """
    targets = [r.target for r in rows if r.key != ""]
    present = [t for t in targets if t is not None]
    complete = bool(targets) and len(present) == len(targets)
    target = sum(present) if present and (complete or partial_targets) else None
    total = FigureRow.make("total", "Tổng cộng", sum(r.this_week for r in rows), sum(r.cumulative for r in rows),
                           target)
    if target is not None:
        total.remaining = sum(r.remaining or 0 for r in rows if r.target is not None)
    return total


# ---- without a campaign: counts only --------------------------------------------------------------
# The documented rule of docs/api-progress.md ("What is counted"): once per subject (organization, else
# person, else the dossier itself) on the date of its first issued account; cancelled dossiers never
# count; the group and area are those of the dossier that carried that first event.
_FIRST_ISSUED = """
SELECT grp, area_code, substr(d, 1, 10) FROM (
    SELECT MIN(issued_on) AS d, grp, area_code FROM dossiers
    WHERE issued_on IS NOT NULL AND status <> 'cancelled' AND issued_on < :cap_next
    GROUP BY org_id, person_ref, CASE WHEN org_id IS NULL AND person_ref IS NULL THEN id END
)
"""


def _plain_counts(store: Store, start: dt.date, end: dt.date, trend_weeks: int) -> Figures:
    events = store.execute(_FIRST_ISSUED, {"cap_next": (end + dt.timedelta(days=1)).isoformat()}).fetchall()
    first, last = start.isoformat(), end.isoformat()
    week_g, cum_g, week_a, cum_a, days = Counter(), Counter(), Counter(), Counter(), Counter()
    for grp, area, day in events:
        area = area or ""
        cum_g[grp] += 1
        cum_a[area] += 1
        days[day] += 1
        if first <= day <= last:
            week_g[grp] += 1
            week_a[area] += 1
    groups = [FigureRow.make(str(g), label, week_g[g], cum_g[g], None) for g, label in GROUPS.items()]
    unit = unit_id(store)
    names = {r["code"]: r["name"] for r in store.query("SELECT code, name FROM areas")}
    codes = [r["code"] for r in store.query("SELECT code FROM areas WHERE unit_id = ?", (unit,))] if unit else []
    codes += sorted(c for c in cum_a if c and c not in codes)
    areas = [FigureRow.make(c, names.get(c, c), week_a[c], cum_a[c], None) for c in codes]
    if cum_a[""]:
        areas.append(FigureRow.make("", UNKNOWN_AREA, week_a[""], cum_a[""], None))
    areas.sort(key=_area_order)
    trend = []
    for back in range(trend_weeks - 1, -1, -1):
        week_end = end - dt.timedelta(days=7 * back)
        week_start = week_end - dt.timedelta(days=6)
        lo, hi = week_start.isoformat(), week_end.isoformat()
        trend.append(TrendPoint(lo, hi, sum(n for d, n in days.items() if lo <= d <= hi),
                                sum(n for d, n in days.items() if d <= hi), None))
    return Figures(groups, total_row(groups), areas, total_row(areas, partial_targets=True), trend)
