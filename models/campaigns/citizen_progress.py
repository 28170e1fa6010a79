"""Citizens' campaign figures, daily: per commune, village, area officer, agency and enterprise.

THE API of the citizens' figures (docs/progress.md, "Citizens"): the dashboard's «Công dân» tab, the
``citizen-progress`` CLI and (next) the daily/weekly reports and the sync file read
``citizen_progress(store, campaign_id, as_of)``. Each figure follows the organizations' rule, written once
in ``models.campaigns.progress`` (``percent_of``, ``remaining_of``, ``needed_per_day``, ``status_for``).

What is counted: a person on the day of his event (persons' dates are the source of truth: level 1 = the
earlier of ``level1_on`` and ``level2_issued_on``; level 2 = ``level2_issued_on``; activation =
``activated_on``; portal = ``portal_on``), under his commune and village. Counts come from
``person_daily`` and the running totals of ``person_prefix`` at checkpoints (m021, kept by triggers on
persons; ``citizen_targets.ensure_checkpoints`` adds a campaign's), so a day's figures over a million
persons read a few thousand rows. Agencies and enterprises count their staff lists (``staff_daily``).

Per row (``CitizenRow``):
* ``today``: persons counted on ``as_of``; ``cumulative``: counted per the target's ``since`` ('all': to
  date; 'campaign': since the first day; 'phase': within the phase), up to ``as_of`` or the phase's end;
* ``percent``, ``remaining``: ``percent_of`` / ``remaining_of`` of the row's share of the target;
* ``daily_target``: the day's target ("chỉ tiêu hằng ngày"): what remained before ``as_of`` divided by the
  counted days left including ``as_of``; ``needed_per_day``: what remains after ``as_of`` divided by the
  days left after it (both ``needed_per_day``); counted days are working days, or every day when the
  campaign's ``every_day`` is set (seed 003's mobile teams);
* ``pace_per_day``: the last 7 days' count divided by the counted days among them; ``projected`` =
  cumulative + pace × days left; ``status`` by ``status_for``; ``on_track`` = done or on track;
* ``rank``: communes, villages, officers and agencies ranked by rate, then count.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

from models.campaigns.calendar import WorkingCalendar
from models.campaigns.citizen_targets import (
    AGENCY_SCOPES,
    ENTERPRISE_TYPE,
    MEASURES,
    allocations,
    list_targets,
    officer_assignments,
    scope_areas,
    target_value,
)
from models.campaigns.plans import get_campaign_row, list_phases
from models.campaigns.progress import STATUS_LABELS, needed_per_day, percent_of, remaining_of, status_for
from models.core.errors import UserError
from models.core.permissions import require
from models.dossiers.calendar import as_date

LEVELS = ("commune", "village", "officer", "agency", "enterprise")
LEVEL_LABELS = {"total": "Toàn đơn vị", "commune": "Xã, phường", "village": "Thôn, khu phố", "officer": "Cán bộ CSKV",
                "agency": "Cơ quan, đơn vị", "enterprise": "Doanh nghiệp"}
PACE_DAYS = 7
NO_VILLAGE = "(Chưa rõ thôn, khu phố)"


@dataclass(slots=True)
class CitizenRow:
    level: str          # 'total' | 'commune' | 'village' | 'officer' | 'agency' | 'enterprise'
    key: str            # area code, "code|village", officer id, agency id; 'total'
    label: str
    parent: str         # the commune's name for a village; '' otherwise
    today: int
    cumulative: int
    target: int | None
    percent: float | None
    remaining: int | None
    daily_target: float | None
    needed_per_day: float | None
    pace_per_day: float
    projected: int | None
    status: str
    on_track: bool | None
    rank: int | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class CitizenTargetProgress:
    target_id: int
    label: str
    measure: str
    scope: str
    since: str
    baseline: int | None
    total: CitizenRow
    rows: dict[str, list[CitizenRow]]   # level → rows (ranked where ranked)


@dataclass(frozen=True)
class CitizenProgress:
    campaign_id: int
    name: str
    plan_number: str | None
    start: dt.date
    end: dt.date
    as_of: dt.date
    every_day: bool
    phase_id: int | None
    phase_name: str
    phase_start: dt.date | None
    phase_end: dt.date | None
    days_left: int
    targets: list[CitizenTargetProgress] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready (dates ISO)."""
        return _plain(dataclasses.asdict(self))


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def citizen_campaigns(store) -> list[dict]:
    """The citizens' campaigns, newest first."""
    return store.query("SELECT * FROM campaigns WHERE subject_type = 'person' ORDER BY start_on DESC, id DESC")


def default_campaign_id(store) -> int:
    rows = citizen_campaigns(store)
    if not rows:
        raise UserError("Chưa có kế hoạch nào cho công dân. Hãy tạo kế hoạch từ mẫu (Ninh Thuận, Quảng Xương).")
    return rows[0]["id"]


# ---- counting -----------------------------------------------------------------------------------------
class _Days:
    """Counted days in a range: working days (``WorkingCalendar``) or every day."""

    def __init__(self, store, every_day: bool):
        self.every_day = every_day
        self.cal = None if every_day else WorkingCalendar(store)

    def count(self, first: dt.date, last: dt.date) -> int:
        if last < first:
            return 0
        return (last - first).days + 1 if self.every_day else self.cal.count(first, last)


def place_totals(store, measure: str, dates: list[dt.date]) -> dict[tuple[str, str], list[int]]:
    """(area code, village) → [persons who reached ``measure`` on or before D, for D in sorted ``dates``].

    Each D is read from the nearest checkpoint (``person_prefix``: running totals up to chosen days, the
    last one '9999-12-31' the live total): forward from the one before it (adding the days after it up
    to D) or backward from the one after it (taking off the days after D), whichever spans fewer days
    with data. Dates sharing an anchor are read in one query."""
    dates = sorted(set(dates))
    checkpoints = [r[0] for r in store.execute("SELECT d FROM person_checkpoints ORDER BY d")]
    last_day = store.scalar("SELECT MAX(d) FROM person_daily WHERE measure = ?", (measure,)) or "0001-01-01"
    plans: dict[tuple[str, bool], list[dt.date]] = {}
    for day in dates:
        iso = day.isoformat()
        i = bisect.bisect_right(checkpoints, iso)
        lower = checkpoints[i - 1] if i else None
        upper = checkpoints[i] if i < len(checkpoints) else None
        if lower == iso:
            anchor, ahead = lower, True
        else:
            forward = (day - dt.date.fromisoformat(lower)).days if lower else math.inf
            backward = max((dt.date.fromisoformat(min(upper, last_day)) - day).days, 0) if upper else math.inf
            anchor, ahead = (upper, False) if backward < forward else (lower, True)
        plans.setdefault((anchor, ahead), []).append(day)
    index = {d: i for i, d in enumerate(dates)}
    width = len(dates)
    out: dict[tuple[str, str], list[int]] = {}
    for (anchor, ahead), group in plans.items():
        slots = [index[d] for d in group]
        for area, village, n in store.execute(
                "SELECT area_code, village, n FROM person_prefix WHERE measure = ? AND d = ?", (measure, anchor)):
            if n:
                vector = out.get((area, village)) or out.setdefault((area, village), [0] * width)
                for i in slots:
                    vector[i] += n
        moving = [d for d in group if d.isoformat() != anchor]
        if not moving:
            continue
        isos = [d.isoformat() for d in moving]
        if ahead:     # base + days in (anchor, D]
            sums = ", ".join("SUM(CASE WHEN d <= ? THEN n ELSE 0 END)" for _ in isos)
            bounds, sign = (anchor, max(isos)), 1
        else:         # base − days in (D, anchor]
            sums = ", ".join("SUM(CASE WHEN d > ? THEN n ELSE 0 END)" for _ in isos)
            bounds, sign = (min(isos), anchor), -1
        moved = [index[d] for d in moving]
        for row in store.execute(f"SELECT area_code, village, {sums} FROM person_daily WHERE measure = ?"
                                 " AND d > ? AND d <= ? GROUP BY 1, 2", (*isos, measure, *bounds)):
            vector = out.get((row[0], row[1])) or out.setdefault((row[0], row[1]), [0] * width)
            for k, i in enumerate(moved):
                vector[i] += sign * row[2 + k]
    return out


def agency_totals(store, measure: str, dates: list[dt.date]) -> dict[int, tuple[str, str, list[int]]]:
    """agency id → (name, type, [staff who reached ``measure`` on or before D, for D in ``dates``])
    (``staff_daily``, kept by triggers)."""
    sums = ", ".join("SUM(CASE WHEN d <= ? THEN n ELSE 0 END)" for _ in dates)
    counts = {r[0]: list(r[1:]) for r in store.execute(
        f"SELECT agency_id, {sums} FROM staff_daily WHERE measure = ? AND d <= ? GROUP BY agency_id",
        (*[d.isoformat() for d in dates], measure, max(dates).isoformat()))}
    return {a: (name, kind, counts.get(a, [0] * len(dates))) for a, name, kind in store.execute(
        "SELECT id, name, COALESCE(agency_type, '') FROM agencies")}


# ---- the figures -----------------------------------------------------------------------------------------
def citizen_progress(store, campaign_id: int | None = None, as_of=None) -> CitizenProgress:
    """Figures of a citizens' campaign (default: the newest) as of a day (default: today), for the phase
    containing that day (else the next one, else the last)."""
    require(store, "progress.view")
    campaign_id = campaign_id if campaign_id is not None else default_campaign_id(store)
    campaign = get_campaign_row(store, campaign_id)
    if campaign["subject_type"] != "person":
        raise UserError(f"Kế hoạch «{campaign['name']}» là kế hoạch cho tổ chức; dùng «progress» cho kế hoạch này")
    as_of = as_date(as_of) if as_of else store.today()
    start, end = dt.date.fromisoformat(campaign["start_on"]), dt.date.fromisoformat(campaign["end_on"])
    days = _Days(store, bool(campaign["every_day"]))
    phases = [p for p in list_phases(store, campaign_id) if p["kind"] == "phase"] or list_phases(store, campaign_id)
    phase = _phase_for(phases, as_of)
    p_start = dt.date.fromisoformat(phase["start_on"]) if phase else start
    p_end = dt.date.fromisoformat(phase["end_on"]) if phase else end
    targets = [t for t in list_targets(store, campaign_id) if phase is None or t["phase_id"] == phase["id"]]
    result = CitizenProgress(campaign_id, campaign["name"], campaign["plan_number"], start, end, as_of,
                             bool(campaign["every_day"]), phase["id"] if phase else None,
                             phase["name"] if phase else "", p_start, p_end,
                             days.count(max(as_of + dt.timedelta(days=1), p_start), p_end))
    if not targets:
        return result
    ctx = _Context(store, days, as_of, start, p_start, p_end)
    for t in targets:
        result.targets.append(ctx.target(t))
    return result


def _phase_for(phases: list[dict], as_of: dt.date) -> dict | None:
    if not phases:
        return None
    for p in phases:
        if p["start_on"] <= as_of.isoformat() <= p["end_on"]:
            return p
    upcoming = [p for p in phases if p["start_on"] > as_of.isoformat()]
    return upcoming[0] if upcoming else phases[-1]


class _Context:
    """One computation: the dates every figure needs, counts per measure fetched once."""

    def __init__(self, store, days: _Days, as_of: dt.date, start: dt.date, p_start: dt.date, p_end: dt.date):
        self.store, self.days, self.as_of = store, days, as_of
        self.start, self.p_start, self.p_end = start, p_start, p_end
        self.cap = min(as_of, p_end)
        self.over = as_of > p_end
        one = dt.timedelta(days=1)
        self.pace_first = self.cap - dt.timedelta(days=PACE_DAYS - 1)
        self.dates = sorted({start - one, p_start - one, self.cap, as_of - one, as_of, self.pace_first - one})
        self._places: dict[str, dict] = {}
        self._agencies: dict[str, dict] = {}
        self.areas = {r["code"]: r["name"] for r in store.query("SELECT code, name FROM areas")}
        self.assignments = officer_assignments(store)
        self.officers = {r["id"]: r["full_name"] for r in store.query("SELECT id, full_name FROM officers")}
        self.left_after = days.count(max(as_of + one, p_start), p_end)
        self.left_with_today = days.count(max(as_of, p_start), p_end)
        self.ix = {d: i for i, d in enumerate(self.dates)}
        self.i_cap, self.i_today, self.i_yesterday = self.ix[self.cap], self.ix[as_of], self.ix[as_of - one]
        self.zeros = [0] * len(self.dates)
        self._windows: dict[str, tuple] = {}

    def places(self, measure: str) -> dict:
        if measure not in self._places:
            self._places[measure] = place_totals(self.store, measure, self.dates)
        return self._places[measure]

    def agencies(self, measure: str) -> dict:
        if measure not in self._agencies:
            self._agencies[measure] = agency_totals(self.store, measure, self.dates)
        return self._agencies[measure]

    def since_day(self, since: str) -> dt.date | None:
        """The day before counting starts (None: everything to date)."""
        one = dt.timedelta(days=1)
        return None if since == "all" else (self.start if since == "campaign" else self.p_start) - one

    # a row from its totals at self.dates ---------------------------------------------------------
    def _window(self, since: str) -> tuple:
        """(since day, counting today, day before the pace window, pace days) for a way of counting."""
        if since not in self._windows:
            since_day = self.since_day(since)
            counting = self.as_of <= self.p_end and (since_day is None or self.as_of > since_day)
            first = max(self.pace_first, since_day + dt.timedelta(days=1)) if since_day else self.pace_first
            self._windows[since] = (None if since_day is None else self.ix[since_day], counting,
                                    self.ix[self.pace_first - dt.timedelta(days=1)], self.days.count(first, self.cap))
        return self._windows[since]

    def row(self, level, key, label, parent, at: list[int], target: int | None, since: str) -> CitizenRow:
        """``at``: totals at ``self.dates`` (same order)."""
        i_since, counting, i_pace, pace_days = self._window(since)
        before = at[i_since] if i_since is not None else 0
        cumulative = max(at[self.i_cap] - before, 0)
        today = at[self.i_today] - at[self.i_yesterday] if counting else 0
        pace_count = max(at[self.i_cap] - max(at[i_pace], before), 0)
        pace = round(pace_count / pace_days, 2) if pace_days > 0 else 0.0
        if target is None:
            return CitizenRow(level, key, label, parent, today, cumulative, None, None, None, None, None, pace, None,
                              "no_target", None)
        remaining = remaining_of(target, cumulative)
        daily = None if self.over else needed_per_day(remaining_of(target, cumulative - today), self.left_with_today)
        needed = None if self.over else needed_per_day(remaining, self.left_after)
        projected = cumulative + round(pace * self.left_after)
        status = status_for(target, cumulative, projected, self.over)
        return CitizenRow(level, key, label, parent, today, cumulative, target, percent_of(cumulative, target),
                          remaining, daily, needed, pace, projected, status, status in ("done", "on_track"))

    def target(self, t: dict) -> CitizenTargetProgress:
        alloc = allocations(self.store, t["id"])
        agency_scope = t["scope"] in AGENCY_SCOPES
        rows: dict[str, list[CitizenRow]] = {level: [] for level in LEVELS}
        since = t["since"]
        # agencies and enterprises: staff lists
        width = len(self.dates)
        agency_sum = [0] * width
        for agency_id, (name, kind, at) in sorted(self.agencies(t["measure"]).items(), key=lambda i: i[1][0]):
            level = "enterprise" if kind == ENTERPRISE_TYPE else "agency"
            in_scope = agency_scope and (level == "enterprise") == (t["scope"] == "enterprises")
            share = alloc["agency"].get(str(agency_id)) if in_scope else None
            rows[level].append(self.row(level, str(agency_id), name, "", at, share, since))
            if in_scope:
                agency_sum = [a + b for a, b in zip(agency_sum, at, strict=True)]
        if agency_scope:
            total_at = agency_sum
        else:
            places = self.places(t["measure"])
            codes = scope_areas(self.store, t["scope"])
            in_scope = set(codes)
            villages = sorted({pv for pv in places if pv[0] in in_scope} |
                              {pv for pv in (tuple(k.split("|", 1)) for k in alloc["village"]) if pv[0] in in_scope})
            by_commune = {c: [0] * width for c in codes}
            for area, village in villages:
                at = places.get((area, village), self.zeros)
                commune = by_commune[area]
                for i in range(width):
                    commune[i] += at[i]
                key = f"{area}|{village}"
                rows["village"].append(self.row("village", key, village or NO_VILLAGE, self.areas.get(area, area), at,
                                                alloc["village"].get(key), since))
            for code in codes:
                rows["commune"].append(self.row("commune", code, self.areas.get(code, code), "", by_commune[code],
                                                alloc["commune"].get(code), since))
            for officer_id, places_of in sorted(self.assignments.items()):
                if not any(a in in_scope for a, _ in places_of):
                    continue
                at = [0] * width
                share: int | None = None
                for area, village in places_of:
                    if area not in in_scope:
                        continue
                    if village == "":      # the whole commune
                        counts, part = by_commune[area], alloc["commune"].get(area)
                    else:
                        counts, part = places.get((area, village), self.zeros), alloc["village"].get(f"{area}|{village}")
                    for i in range(width):
                        at[i] += counts[i]
                    if part is not None:
                        share = (share or 0) + part
                share = alloc["officer"].get(str(officer_id), share)
                rows["officer"].append(self.row("officer", str(officer_id),
                                                self.officers.get(officer_id, f"Cán bộ #{officer_id}"), "", at, share,
                                                since))
            if t["scope"] == "all":
                total_at = [sum(v[i] for v in places.values()) for i in range(width)]
            else:
                total_at = [sum(by_commune[c][i] for c in codes) for i in range(width)]
        baseline = t["baseline_frozen"]
        value = target_value(t, baseline)
        total = self.row("total", "total", LEVEL_LABELS["total"], "", total_at, value, since)
        for level in ("commune", "village", "officer", "agency", "enterprise"):
            rows[level] = _ranked(rows[level])
        return CitizenTargetProgress(t["id"], t["label"], t["measure"], t["scope"], since, baseline, total, rows)


def _ranked(rows: list[CitizenRow]) -> list[CitizenRow]:
    order = sorted(rows, key=lambda r: (r.percent is None, -(r.percent or 0), -r.cumulative, r.parent, r.label))
    for i, r in enumerate(order):
        r.rank = i + 1
    return order


def measure_label(measure: str) -> str:
    return MEASURES[measure]
