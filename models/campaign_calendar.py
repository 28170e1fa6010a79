"""Working days for campaign figures ("needed per working day", pace).

The one place that decides what a working day is for progress. When ``models/working_days.py``
(dossier deadlines: holidays plus make-up Saturdays) is present, its ``Calendar`` is used so that
deadlines and progress agree; otherwise Monday–Friday minus the ``holidays`` table (m001). Swap here only.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util


class WorkingCalendar:
    """Counts working days; loads the lists once (one instance per progress computation)."""

    def __init__(self, store):
        self._custom = None
        if importlib.util.find_spec("models.working_days") is not None:
            module = importlib.import_module("models.working_days")
            calendar_class = getattr(module, "Calendar", None)
            if calendar_class is not None:
                self._custom = calendar_class(store).is_working_day
        self._holidays = {dt.date.fromisoformat(r[0][:10]) for r in store.execute("SELECT day FROM holidays")}
        self._cache: dict[dt.date, bool] = {}

    def is_working_day(self, day: dt.date) -> bool:
        if day not in self._cache:
            if self._custom is not None:
                self._cache[day] = bool(self._custom(day))
            else:
                self._cache[day] = day.weekday() < 5 and day not in self._holidays
        return self._cache[day]

    def count(self, start: dt.date, end: dt.date) -> int:
        """Working days in [start, end], both inclusive; 0 when end < start (prefix sums, cached)."""
        if end < start:
            return 0
        self._cover(start, end)
        return self._prefix[end.toordinal() - self._base + 1] - self._prefix[start.toordinal() - self._base]

    def _cover(self, start: dt.date, end: dt.date) -> None:
        """Make ``_prefix[i]`` = working days in [base, base + i) cover [start, end]."""
        base = getattr(self, "_base", None)
        if base is not None and start.toordinal() >= base and end.toordinal() < base + len(self._prefix) - 1:
            return
        lo = min(start.toordinal(), base if base is not None else start.toordinal()) - 366
        hi = max(end.toordinal(), base + len(self._prefix) - 2 if base is not None else end.toordinal()) + 366
        prefix = [0]
        for ordinal in range(lo, hi + 1):
            prefix.append(prefix[-1] + self.is_working_day(dt.date.fromordinal(ordinal)))
        self._base, self._prefix = lo, prefix


def working_days(store, start: dt.date, end: dt.date) -> int:
    return WorkingCalendar(store).count(start, end)
