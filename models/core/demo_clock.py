"""The demo database: its marker and its fixed clock (setting ``demo_today``), for the GUI and the CLI alike.

Only the demo builder writes setting ``demo_today``, so it marks a database as a demo one: the ``demo``
command and the GUI's ``--demo`` overwrite or open a file only when it is absent or carries the marker
(``models.core.db_probe``), never an officer's real database.

The demo is built around one moment, Thursday 13/03/2025 10:00 (report day, four hours before the
report's deadline). Both front ends start the store's clock at that moment, date *and* time of day, and
let it run from there while the program runs (so lockouts expire and new records keep their order): what
the demo shows (deadline banner, "late" or not, worklists) no longer depends on when it is run.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from models.core.store import Store

DEMO_SETTING = "demo_today"
# A marker written with only a date (demo databases built before the time of day was fixed) starts here.
DEMO_TIME_OF_DAY = dt.time(10, 0)


def parse_demo_start(value: object) -> dt.datetime | None:
    """The demo's starting moment from the setting's text: "2025-03-13 10:00:00", or "2025-03-13" (10:00)."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if len(text) <= 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), DEMO_TIME_OF_DAY)
        return dt.datetime.fromisoformat(text).replace(microsecond=0, tzinfo=None)
    except ValueError:
        return None


def demo_start(store: Store) -> dt.datetime | None:
    """The demo's starting moment, or None on a database that is not a demo one."""
    return parse_demo_start(store.get_setting(DEMO_SETTING))


def is_demo(store: Store) -> bool:
    return demo_start(store) is not None


def demo_clock(start: dt.datetime, *, ticks: Callable[[], float] = time.monotonic) -> Callable[[], dt.datetime]:
    """A clock that reads ``start`` when made and runs on with the seconds elapsed since (a monotonic
    count: neither the real date nor the real time of day, nor a change of the computer's clock, shows)."""
    origin = ticks()

    def clock() -> dt.datetime:
        return start + dt.timedelta(seconds=int(max(0.0, ticks() - origin)))

    return clock


def apply_demo_clock(store: Store) -> bool:
    """On a demo database, start the store's clock at the demo's moment. Returns True if so."""
    start = demo_start(store)
    if start is None:
        return False
    store.clock = demo_clock(start)
    return True
