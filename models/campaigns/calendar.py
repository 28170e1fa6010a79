"""Working-day counts for campaign figures ("needed per working day", pace, the target line).

What a working day is is decided by ``models/dossiers/calendar.py`` alone (Monday–Friday minus the unit's
``holidays`` plus its ``make_up_days``, the list dossier deadlines use), so an edited holiday changes
the progress figures too. This module only adds fast range counting on top of it: one progress
computation counts working days over hundreds of date ranges (each phase, each target's pace window,
each week of the target line), so counts come from prefix sums built once per computation instead of
walking the days each time (``Calendar.working_days_between`` walks them).
"""

from __future__ import annotations

import datetime as dt

from models.dossiers.calendar import Calendar


class WorkingCalendar(Calendar):
    """``Calendar`` plus ``count(start, end)``; one instance per progress computation (lists loaded once)."""

    _base: int | None = None
    _prefix: list[int]

    def count(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end], both inclusive; 0 when end < start."""
        if end < start:
            return 0
        self._cover(start, end)
        return self._prefix[end.toordinal() - self._base + 1] - self._prefix[start.toordinal() - self._base]

    def _cover(self, start: dt.date, end: dt.date) -> None:
        """Make ``_prefix[i]`` = working days in [base, base + i) cover [start, end] (a year of margin)."""
        base = self._base
        if base is not None and start.toordinal() >= base and end.toordinal() < base + len(self._prefix) - 1:
            return
        lo = min(start.toordinal(), base if base is not None else start.toordinal()) - 366
        hi = max(end.toordinal(), base + len(self._prefix) - 2 if base is not None else end.toordinal()) + 366
        prefix = [0]
        for ordinal in range(lo, hi + 1):
            prefix.append(prefix[-1] + self.is_working_day(dt.date.fromordinal(ordinal)))
        self._base, self._prefix = lo, prefix
