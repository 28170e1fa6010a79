"""Campaign figures: achieved against targets, per phase, target, area, officer and group.

THE figures API (docs/api-progress.md): the dashboard, the ``progress`` CLI, the weekly report and the
sync workbook read these dataclasses. The rule of every figure is written once, here
(``percent_of``, ``remaining_of``, ``combine``; docs/progress.md "Overshoot"):

* one target (a group, one area's share of one target): rate = achieved / target (may pass 100 %),
  remaining = max(target − achieved, 0);
* several targets together (a total line, an area with shares of several groups' targets): target and
  achieved are sums; remaining is the sum of the parts' remaining (each floored at 0: a part ahead of its
  target never makes up for one behind); rate = (target − remaining) / target, i.e. the accounts
  counted up to each part's own target. Rate and remaining of a total therefore always agree.

An account counts under its organization's area in the registry (``progress_firsts.area_code``, m009);
areas outside the unit make one row, ``OUTSIDE_AREA`` ("Ngoài địa bàn"), after the unit's communes. Counting is done in SQL in one pass: for every subject
(organization, or person for citizen dossiers) the date of its first counted event, bucketed by the
dates the figures need (campaign and phase starts, phase ends, this week, the 28-day pace window);
everything else is sums over those buckets.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from models.campaigns.calendar import WorkingCalendar
from models.campaigns.plans import get_campaign_row, list_phases, resolve_campaign_id
from models.campaigns.targets import effective_target, list_targets, parse_groups, unit_area_codes
from models.core.permissions import require
from models.dossiers.calendar import as_date
from models.registry.organizations import GROUP_SHORT

STATUS_LABELS = {
    "done": "Đã đạt",
    "on_track": "Đúng tiến độ",
    "at_risk": "Có nguy cơ chậm",
    "behind": "Chậm tiến độ",
    "not_met": "Không đạt (đã kết thúc)",
    "no_target": "Không có chỉ tiêu",
}
PACE_DAYS = 28
AT_RISK_SHARE = 0.9
NO_AREA = ""
NO_AREA_LABEL = "(Chưa rõ địa bàn)"
OUTSIDE_AREA = "ngoai-dia-ban"   # the one row of every area outside the unit (never a real area code)
OUTSIDE_LABEL = "Ngoài địa bàn"
ALL_GROUPS = (1, 2, 3, 4)


# ---- the one definition of each figure -----------------------------------------------------------
def percent_of(achieved: int, target: int | None) -> float | None:
    """Rate of one target: achieved / target × 100, one decimal; None without a target (or target 0)."""
    return round(achieved * 100 / target, 1) if target else None


def remaining_of(target: int | None, achieved: int) -> int | None:
    """Remaining of one target: max(target − achieved, 0); None without a target."""
    return max(target - achieved, 0) if target is not None else None


@dataclass(frozen=True)
class Combined:
    """Several targets together (see the module docstring)."""

    target: int | None
    achieved: int
    within_target: int | None   # Σ min(achieved, target) over the parts with a target
    remaining: int | None       # Σ max(target − achieved, 0) = target − within_target
    percent: float | None       # within_target / target
    achieved_with_target: int = 0   # achieved by the parts that have a target

    @property
    def overshoot(self) -> int:
        """Accounts above their own part's target (counted in ``achieved``, not in the rate)."""
        return 0 if self.within_target is None else self.achieved_with_target - self.within_target


def combine(parts) -> Combined:
    """``parts``: (target or None, achieved) pairs, or (target, achieved, remaining) when a part is itself
    combined (its remaining already summed over its own parts). Parts without a target add to
    ``achieved`` only."""
    parts = [(p[0], p[1], p[2] if len(p) > 2 else remaining_of(p[0], p[1])) for p in parts]
    achieved = sum(a for _, a, _ in parts)
    with_target = [(t, a, r) for t, a, r in parts if t is not None]
    if not with_target:
        return Combined(None, achieved, None, None, None)
    target = sum(t for t, _, _ in with_target)
    remaining = sum(r for _, _, r in with_target)
    within = target - remaining
    return Combined(target, achieved, within, remaining, percent_of(within, target),
                    sum(a for _, a, _ in with_target))


@dataclass(frozen=True)
class Figures:
    target: int | None
    achieved: int
    achieved_in_phase: int
    achieved_in_campaign: int
    this_week: int
    percent: float | None
    remaining: int | None
    working_days_left: int
    needed_per_working_day: float | None
    pace_per_working_day: float
    projected: int | None
    status: str
    within_target: int | None = None   # achieved counted up to the target (each part's, when combined)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class TargetProgress:
    target_id: int
    label: str
    groups: tuple[int, ...]
    cumulative: bool
    target_source: str
    baseline: int | None
    figures: Figures
    areas: list[Row]
    allocated_total: int


@dataclass(frozen=True)
class PhaseProgress:
    phase_id: int
    name: str
    kind: str
    start: dt.date
    end: dt.date
    state: str
    working_days_total: int
    working_days_left: int
    achieved_in_phase: int
    this_week: int
    targets: list[TargetProgress]


@dataclass(frozen=True)
class CampaignProgress:
    campaign_id: int
    name: str
    plan_number: str | None
    plan_date: dt.date | None
    counts: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    week_start: dt.date
    current_phase_id: int | None
    achieved_in_campaign: int
    this_week: int
    phases: list[PhaseProgress]
    by_group: list[Row]
    by_area: list[Row]
    by_officer: list[Row]

    def phase(self, phase_id: int) -> PhaseProgress:
        return next(p for p in self.phases if p.phase_id == phase_id)

    @property
    def current_phase(self) -> PhaseProgress | None:
        return next((p for p in self.phases if p.phase_id == self.current_phase_id), None)

    def to_dict(self) -> dict:
        """JSON-ready: dates ISO, each ``figures`` merged into its row/target."""
        return _flatten(dataclasses.asdict(self))


@dataclass(frozen=True)
class WeekPoint:
    week_end: dt.date
    achieved: int
    cumulative: int
    target_line: int | None


def _flatten(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "figures" and isinstance(item, dict):
                out.update(_flatten(item))
            else:
                out[key] = _flatten(item)
        return out
    if isinstance(value, list | tuple):
        return [_flatten(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# ---- counting ---------------------------------------------------------------------------------------
# Organizations' figures: citizens' level-2 accounts (subject 'p' || ID number, issue 15) are counted in the
# same table but not here; the citizens' campaign (issue 16) counts them on its own. The index
# progress_firsts_day carries ``subject`` (m019), so the filter costs no row lookups.
ORG_SUBJECTS = "subject NOT LIKE 'p%'"
def _firsts_sql() -> str:
    """Per subject: its first counted event up to :cap_next (exclusive) in the campaign's way of counting,
    with the group/area/officer of the dossier that carried it (table progress_firsts, kept by triggers)."""
    return ("SELECT d, dossier_id AS id, grp, area_code, officer_id FROM progress_firsts"
            f" WHERE counts = :counts AND d < :cap_next AND {ORG_SUBJECTS}")


class _Buckets:
    """Counts of first events per (group, area, officer) in date intervals [B[k], B[k+1])."""

    def __init__(self, store, counts: str, start: dt.date, cap: dt.date, boundaries: set[dt.date]):
        end_next = max(cap + dt.timedelta(days=1), start)     # as_of before the start: no bucket at all
        self.bounds = sorted(b for b in boundaries | {start, end_next} if start <= b <= end_next)
        self.n = len(self.bounds) - 1
        self.grp: dict[int, list[int]] = defaultdict(lambda: [0] * self.n)
        self.grp_area: dict[tuple, list[int]] = defaultdict(lambda: [0] * self.n)
        self.officer: dict[int, list[int]] = defaultdict(lambda: [0] * self.n)
        # One small range query per bucket (the day index gives the range; each GROUP BY sorts only its
        # bucket): about twice as fast as one query grouping on a computed bucket number.
        for bucket in range(self.n):
            params = (counts, self.bounds[bucket].isoformat(), self.bounds[bucket + 1].isoformat())
            for grp, area, count in store.execute(
                    "SELECT grp, area_code, COUNT(*) FROM progress_firsts WHERE counts = ? AND d >= ? AND d < ?"
                    f" AND {ORG_SUBJECTS} GROUP BY grp, area_code", params):
                self.grp[grp][bucket] += count
                self.grp_area[(grp, area or NO_AREA)][bucket] += count
            for officer, count in store.execute(
                    "SELECT officer_id, COUNT(*) FROM progress_firsts WHERE counts = ? AND d >= ? AND d < ?"
                    f" AND {ORG_SUBJECTS} GROUP BY officer_id", params):
                self.officer[officer][bucket] += count

    def index(self, day: dt.date) -> int:
        return bisect.bisect_left(self.bounds, day)

    def span(self, first: dt.date, last: dt.date) -> tuple[int, int]:
        """Bucket slice for [first, last] (both boundaries by construction, clipped to the data range)."""
        first = max(first, self.bounds[0])
        last_next = min(last + dt.timedelta(days=1), self.bounds[-1])
        if last_next <= first:
            return (0, 0)
        return (self.index(first), self.index(last_next))


@dataclass
class _Counts:
    in_phase: int = 0
    in_campaign: int = 0
    week: int = 0
    pace: int = 0


def compute_progress(store, campaign_id: int | None = None, as_of: dt.date | None = None,
                     week_start: dt.date | None = None) -> CampaignProgress:
    """Figures of a campaign (default: the current one) as of a day (default: today)."""
    require(store, "progress.view")
    campaign_id = resolve_campaign_id(store, campaign_id)
    campaign = get_campaign_row(store, campaign_id)
    as_of = as_date(as_of) if as_of else store.today()
    week_start = as_date(week_start) if week_start else as_of - dt.timedelta(days=6)
    start, end = dt.date.fromisoformat(campaign["start_on"]), dt.date.fromisoformat(campaign["end_on"])
    cap = min(as_of, end)
    pace_start = max(as_of - dt.timedelta(days=PACE_DAYS - 1), start)
    cal = WorkingCalendar(store)
    phases = list_phases(store, campaign_id)
    targets = list_targets(store, campaign_id)

    boundaries = {week_start, pace_start}
    for p in phases:
        boundaries.add(dt.date.fromisoformat(p["start_on"]))
        boundaries.add(dt.date.fromisoformat(p["end_on"]) + dt.timedelta(days=1))
    buckets = _Buckets(store, campaign["counts"], start, cap, boundaries)
    campaign_span = buckets.span(start, cap)
    week_span = buckets.span(week_start, as_of)
    pace_span = buckets.span(pace_start, as_of)
    pace_days = cal.count(pace_start, min(as_of, end)) if as_of >= start else 0

    campaign_window = (campaign_span, campaign_span, week_span, pace_span)

    def window(p_start: dt.date, p_end: dt.date, cumulative: bool) -> tuple:
        """Spans (in phase, in campaign, this week, pace) for a phase's targets: everything is counted up
        to the phase end (a finished phase keeps its final result); a target counted within its phase
        only also has its week and pace clipped to the phase."""
        last = min(cap, p_end)
        first = start if cumulative else p_start
        return (buckets.span(p_start, last), buckets.span(start, last),
                buckets.span(max(week_start, first), last), buckets.span(max(pace_start, first), last))

    def window_pace_days(p_start: dt.date, p_end: dt.date, cumulative: bool) -> int:
        first = max(pace_start, start if cumulative else p_start)
        return cal.count(first, min(cap, p_end))

    def counts(series: list[int] | None, spans: tuple) -> _Counts:
        if series is None:
            return _Counts()
        return _Counts(*(sum(series[slice(*span)]) for span in spans))

    area_codes = unit_area_codes(store)
    seen_areas = {a for (_, a) in buckets.grp_area}
    outside = sorted(a for a in seen_areas if a not in area_codes and a != NO_AREA)

    def series_for(groups, area=None) -> list[int] | None:
        areas = outside if area == OUTSIDE_AREA else [area]
        parts = [buckets.grp.get(g) if area is None else buckets.grp_area.get((g, a)) for g in groups for a in areas]
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return [sum(col) for col in zip(*parts, strict=True)]

    # the unit's communes, then accounts without an area, then one row for every area outside the unit
    if NO_AREA in seen_areas:
        area_codes.append(NO_AREA)
    if outside:
        area_codes.append(OUTSIDE_AREA)
    area_names = {r["code"]: r["name"] for r in store.query("SELECT code, name FROM areas")}
    area_names[NO_AREA] = NO_AREA_LABEL
    area_names[OUTSIDE_AREA] = OUTSIDE_LABEL
    alloc: dict[int, dict[str, int]] = defaultdict(dict)
    for target_id, code, value in store.execute(
            "SELECT a.target_id, a.area_code, a.value FROM target_allocations a"
            " JOIN campaign_targets t ON t.id = a.target_id WHERE t.campaign_id = ?", (campaign_id,)):
        alloc[target_id][code] = value

    registry_cache: dict = {}
    phase_results: list[PhaseProgress] = []
    for p in phases:
        p_start, p_end = dt.date.fromisoformat(p["start_on"]), dt.date.fromisoformat(p["end_on"])
        days_left = cal.count(max(as_of + dt.timedelta(days=1), p_start), p_end)
        over = as_of > p_end
        phase_counts = counts(series_for(ALL_GROUPS), window(p_start, p_end, False))
        target_results = []
        for t in (t for t in targets if t["phase_id"] == p["id"]):
            groups = parse_groups(t["groups"])
            eff = effective_target(store, t, registry_counts=registry_cache)
            cumulative = bool(t["cumulative"])
            spans = window(p_start, p_end, cumulative)
            make = _FigureMaker(days_left, window_pace_days(p_start, p_end, cumulative), over)
            figures = make(eff.value, counts(series_for(groups), spans), cumulative)
            t_alloc = alloc.get(t["id"], {})     # only the unit's communes carry a share
            area_rows = [
                Row(code, area_names.get(code, code),
                    make(t_alloc.get(code) if code not in (NO_AREA, OUTSIDE_AREA) else None,
                         counts(series_for(groups, code), spans), cumulative))
                for code in area_codes
            ]
            target_results.append(TargetProgress(
                t["id"], t["label"], groups, cumulative, eff.source, eff.baseline, figures, area_rows,
                sum(t_alloc.values())))
        state = "upcoming" if as_of < p_start else ("over" if over else "running")
        phase_results.append(PhaseProgress(
            p["id"], p["name"], p["kind"], p_start, p_end, state, cal.count(p_start, p_end), days_left,
            phase_counts.in_phase, phase_counts.week, target_results))

    current = _current_phase(phase_results, as_of)
    total = counts(series_for(ALL_GROUPS), campaign_window)
    by_group, by_area = _group_and_area_rows(current, counts, series_for, area_codes, area_names,
                                             campaign_window, pace_days)
    officer_names = {r["id"]: r["full_name"] for r in store.query("SELECT id, full_name FROM officers")}
    no_target = _FigureMaker(0, pace_days, False)
    officer_rows = [
        Row(str(oid), officer_names.get(oid, f"Cán bộ #{oid}"), no_target(None, counts(series, campaign_window), True))
        for oid, series in buckets.officer.items()
    ]
    officer_rows = [r for r in officer_rows if r.figures.achieved_in_campaign or r.figures.this_week]
    officer_rows.sort(key=lambda r: (-r.figures.achieved_in_campaign, -r.figures.this_week, r.label))
    return CampaignProgress(
        campaign_id, campaign["name"], campaign["plan_number"],
        dt.date.fromisoformat(campaign["plan_date"]) if campaign["plan_date"] else None, campaign["counts"],
        start, end, as_of, week_start, current.phase_id if current else None, total.in_campaign, total.week,
        phase_results, by_group, by_area, officer_rows)


class _FigureMaker:
    """Builds Figures for one phase context (working days left, pace window, phase over)."""

    def __init__(self, days_left: int, pace_days: int, over: bool):
        self.days_left, self.pace_days, self.over = days_left, pace_days, over

    def __call__(self, target: int | None, c: _Counts, cumulative: bool) -> Figures:
        pace = round(c.pace / self.pace_days, 2) if self.pace_days else 0.0
        return self.figures(target, c.in_campaign if cumulative else c.in_phase, c, pace)

    def figures(self, target: int | None, achieved: int, c: _Counts, pace: float, *,
                combined: Combined | None = None) -> Figures:
        """One target's figures, or (``combined``) several targets' taken together by ``combine``."""
        if target is None:
            return Figures(None, achieved, c.in_phase, c.in_campaign, c.week, None, None, self.days_left, None,
                           pace, None, "no_target")
        if combined is None:
            remaining, percent, within = remaining_of(target, achieved), percent_of(achieved, target), min(achieved,
                                                                                                            target)
        else:
            remaining, percent, within = combined.remaining, combined.percent, combined.within_target
        # a finished phase needs nothing any more (its result is final), not "all of it in 0 days"
        needed = None if self.over else needed_per_day(remaining, self.days_left)
        projected = within + round(pace * self.days_left) if combined else achieved + round(pace * self.days_left)
        status = status_for(target, within if combined else achieved, projected, self.over)
        return Figures(target, achieved, c.in_phase, c.in_campaign, c.week, percent, remaining, self.days_left,
                       needed, pace, projected, status, within)


def needed_per_day(remaining: int, days_left: int) -> float:
    """remaining / working days left, rounded UP to one decimal (never understate: 1 left in 74 days
    is 0.1 a day, not 0); with no working day left, everything remaining is needed now."""
    if remaining <= 0:
        return 0.0
    if days_left <= 0:
        return float(remaining)
    return math.ceil(round(remaining * 10 / days_left, 6)) / 10


def status_for(target: int | None, achieved: int, projected: int | None, phase_over: bool) -> str:
    """done / on_track / at_risk / behind / not_met (docs/api-progress.md, "Status rule")."""
    if target is None:
        return "no_target"
    if achieved >= target:
        return "done"
    if phase_over:
        return "not_met"  # final: the phase ended short of its target ("behind" would suggest catching up)
    if projected >= target:
        return "on_track"
    if projected >= AT_RISK_SHARE * target:
        return "at_risk"
    return "behind"


def _current_phase(phases: list[PhaseProgress], as_of: dt.date) -> PhaseProgress | None:
    regular = [p for p in phases if p.kind == "phase"] or phases
    if not regular:
        return None
    for p in regular:
        if p.start <= as_of <= p.end:
            return p
    upcoming = [p for p in regular if p.start > as_of]
    return upcoming[0] if upcoming else regular[-1]


def _combine(rows: list[Figures], make: _FigureMaker) -> Figures:
    """Several targets' figures for one area (the allocated targets of the current phase), by ``combine``:
    the area's overshoot in one group does not make up for its shortfall in another."""
    together = combine((f.target, f.achieved, f.remaining) for f in rows)
    c = _Counts(sum(f.achieved_in_phase for f in rows), sum(f.achieved_in_campaign for f in rows),
                sum(f.this_week for f in rows), 0)
    return make.figures(together.target, together.achieved, c, round(sum(f.pace_per_working_day for f in rows), 2),
                        combined=together)


def _allocated_targets(phase: PhaseProgress | None) -> list[TargetProgress]:
    """The phase's targets that are allocated to at least one area."""
    if phase is None:
        return []
    return [t for t in phase.targets if any(r.figures.target is not None for r in t.areas)]


def area_groups(progress: CampaignProgress) -> tuple[int, ...]:
    """The groups ``by_area`` counts (for the drill-down behind an area's number): those of the current
    phase's allocated targets, or all groups when nothing is allocated."""
    groups = {g for t in _allocated_targets(progress.current_phase) for g in t.groups}
    return tuple(sorted(groups)) or ALL_GROUPS


def _group_and_area_rows(current, counts, series_for, area_codes, area_names, campaign_window, pace_days):
    days_left = current.working_days_left if current else 0
    make = _FigureMaker(days_left, pace_days, bool(current and current.state == "over"))
    by_group = []
    for g in ALL_GROUPS:
        single = [t for t in (current.targets if current else []) if t.groups == (g,)]
        if single:
            by_group.append(Row(str(g), GROUP_SHORT[g], single[0].figures))
        else:
            by_group.append(Row(str(g), GROUP_SHORT[g], make(None, counts(series_for((g,)), campaign_window), True)))
    # An area's figures are those of the allocated targets only (the same groups on both sides of its %);
    # an area without a share of them shows its achieved count without a target.
    allocated = _allocated_targets(current)
    by_area = []
    for i, code in enumerate(area_codes):
        if allocated:
            figures = _combine([t.areas[i].figures for t in allocated], make)
        else:
            figures = make(None, counts(series_for(ALL_GROUPS, code), campaign_window), True)
        if code == NO_AREA and not figures.achieved_in_campaign:
            continue
        by_area.append(Row(code, area_names.get(code, code), figures))
    # the unit's communes ranked by rate; accounts without an area, then outside the unit, always last
    by_area.sort(key=lambda r: ((r.key == NO_AREA) + 2 * (r.key == OUTSIDE_AREA),
                                -(r.figures.percent if r.figures.percent is not None else -1),
                                -r.figures.achieved, r.label))
    return by_group, by_area


# ---- weekly series ----------------------------------------------------------------------------------
def weekly_series(store, campaign_id: int | None, until: dt.date) -> list[WeekPoint]:
    """Weeks ending on ``until``, ``until`` − 7 … back to the campaign start (oldest first)."""
    require(store, "progress.view")
    campaign_id = resolve_campaign_id(store, campaign_id)
    campaign = get_campaign_row(store, campaign_id)
    until = as_date(until)
    start = dt.date.fromisoformat(campaign["start_on"])
    cap = min(until, dt.date.fromisoformat(campaign["end_on"]))
    if until < start:
        return []
    weeks = ((until - start).days // 7) + 1
    per_week: dict[int, int] = defaultdict(int)
    for day, count in store.execute(
            f"SELECT d, COUNT(*) FROM progress_firsts WHERE counts = ? AND d >= ? AND d < ? AND {ORG_SUBJECTS} GROUP BY d",
            (campaign["counts"], start.isoformat(), (cap + dt.timedelta(days=1)).isoformat())):
        per_week[(until - dt.date.fromisoformat(day)).days // 7] += count
    line = _TargetLine(store, campaign_id, start)
    points, cumulative = [], 0
    for k in range(weeks - 1, -1, -1):
        week_end = until - dt.timedelta(days=7 * k)
        achieved = per_week.get(k, 0)
        cumulative += achieved
        points.append(WeekPoint(week_end, achieved, cumulative, line.at(week_end)))
    return points


class _TargetLine:
    """The planned cumulative path: per group set, piecewise linear in working days between
    (campaign start, 0) and each phase end's target figure; summed over group sets."""

    def __init__(self, store, campaign_id: int, start: dt.date):
        self.cal = WorkingCalendar(store)
        self.start = start
        phases = {p["id"]: p for p in list_phases(store, campaign_id) if p["kind"] == "phase"}
        paths: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
        cache: dict = {}
        for t in list_targets(store, campaign_id):
            if t["phase_id"] not in phases or not t["cumulative"]:
                continue
            value = effective_target(store, t, registry_counts=cache).value
            if value is not None:
                paths[t["groups"]].append((dt.date.fromisoformat(phases[t["phase_id"]]["end_on"]), value))
        self.paths = [sorted(p) for p in paths.values()]

    def at(self, day: dt.date) -> int | None:
        if not self.paths:
            return None
        total = 0.0
        for path in self.paths:
            prev_day, prev_value = self.start - dt.timedelta(days=1), 0
            for end_day, value in path:
                if day <= end_day:
                    span = self.cal.count(prev_day + dt.timedelta(days=1), end_day)
                    done = self.cal.count(prev_day + dt.timedelta(days=1), day)
                    total += prev_value + (value - prev_value) * (done / span if span else 1)
                    break
                prev_day, prev_value = end_day, value
            else:
                total += prev_value
        return round(total)


# ---- drill-down -------------------------------------------------------------------------------------
def dossier_ids(store, campaign_id: int | None, *, as_of: dt.date, phase_id: int | None = None,
                groups=None, area_code: str | None = None, officer_id: int | None = None,
                week_start: dt.date | None = None, scope: str = "campaign") -> list[int]:
    """The dossiers behind a number: for each counted subject, the dossier with its first event.

    scope 'campaign' (since the campaign start), 'phase' (within ``phase_id``) or 'week'
    (``week_start`` or the 7 days ending ``as_of``). ``area_code`` '' means "no area", ``OUTSIDE_AREA`` every
    area outside the unit. The area is the organization's in the registry (``progress_firsts``, m009).
    """
    require(store, "progress.view")
    campaign_id = resolve_campaign_id(store, campaign_id)
    campaign = get_campaign_row(store, campaign_id)
    as_of = as_date(as_of)
    start, end = dt.date.fromisoformat(campaign["start_on"]), dt.date.fromisoformat(campaign["end_on"])
    first, last = start, min(as_of, end)
    if scope == "phase":
        if phase_id is None:
            raise ValueError("scope 'phase' needs phase_id")
        phase = store.query_one("SELECT start_on, end_on FROM campaign_phases WHERE id = ?", (phase_id,))
        first = max(first, dt.date.fromisoformat(phase["start_on"]))
        last = min(last, dt.date.fromisoformat(phase["end_on"]))
    elif scope == "week":
        first = max(first, as_date(week_start) if week_start else as_of - dt.timedelta(days=6))
        last = min(as_of, end)
    elif scope != "campaign":
        raise ValueError(f"unknown scope {scope!r}")
    where = ["d >= :first"]
    params = {"counts": campaign["counts"], "first": first.isoformat(),
              "cap_next": (last + dt.timedelta(days=1)).isoformat()}
    if groups:
        gs = parse_groups(groups)
        where.append(f"grp IN ({','.join(str(g) for g in gs)})")
    if area_code == OUTSIDE_AREA:
        inside = unit_area_codes(store)
        where.append("COALESCE(area_code, '') <> ''")
        if inside:
            where.append(f"area_code NOT IN ({','.join(f':in{i}' for i in range(len(inside)))})")
            params.update({f"in{i}": code for i, code in enumerate(inside)})
    elif area_code is not None:
        where.append("COALESCE(area_code, '') = :area")
        params["area"] = area_code
    if officer_id is not None:
        where.append("officer_id = :officer")
        params["officer"] = int(officer_id)
    sql = (f"WITH firsts AS ({_firsts_sql()})"
           f" SELECT id FROM firsts WHERE {' AND '.join(where)} ORDER BY d, id")
    return [r[0] for r in store.execute(sql, params)]


def drilldown_rows(store, ids: list[int]) -> list[dict]:
    """What the drill-down list shows for the dossiers behind a number (in the given order)."""
    require(store, "dossier.view")
    rows: dict[int, dict] = {}
    for start in range(0, len(ids), 500):
        chunk = [int(i) for i in ids[start:start + 500]]
        marks = ",".join("?" * len(chunk))
        for row in store.query(
                "SELECT d.id, d.number, COALESCE(o.name, d.person_ref, '') AS subject, d.tax_code, d.grp,"
                " COALESCE(a.name, d.area_code, '') AS area, COALESCE(f.full_name, '') AS officer, d.received_on,"
                " d.issued_on, d.activated_on, d.status FROM dossiers d"
                " LEFT JOIN organizations o ON o.id = d.org_id LEFT JOIN areas a ON a.code = d.area_code"
                f" LEFT JOIN officers f ON f.id = d.officer_id WHERE d.id IN ({marks})", chunk):
            rows[row["id"]] = row
    return [rows[i] for i in ids if i in rows]
