"""The demo database's fixed "today" (setting ``demo_today``), for the GUI and the CLI alike.

The demo is built around one day (a Thursday, report day); a desk opening it on another date would see
every deadline and report period shifted. Both front ends fix the store's clock on that day, keeping the
real time of day so that deadlines look as planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from models.core.store import Store


def demo_clock(day: dt.date) -> Callable[[], dt.datetime]:
    def clock() -> dt.datetime:
        return dt.datetime.combine(day, dt.datetime.now().time()).replace(microsecond=0)

    return clock


def apply_demo_clock(store: Store) -> bool:
    """On a database with setting ``demo_today``, fix the store's clock on that day. Returns True if so."""
    demo_today = store.get_setting("demo_today")
    if not demo_today:
        return False
    store.clock = demo_clock(dt.date.fromisoformat(str(demo_today)[:10]))
    return True
