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
        """Working days in [start, end], both inclusive; 0 when end < start."""
        if end < start:
            return 0
        return sum(self.is_working_day(start + dt.timedelta(days=i)) for i in range((end - start).days + 1))


def working_days(store, start: dt.date, end: dt.date) -> int:
    return WorkingCalendar(store).count(start, end)
