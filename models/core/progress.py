"""Progress reporting and cancellation for long operations, without any Qt dependency.

A long model function takes ``progress: Progress | None``. It calls ``progress.update(done, total,
message)`` now and then; ``update`` raises ``Cancelled`` when the officer asked to stop, so the
enclosing ``store.atomic()`` rolls everything back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from models.core.errors import Cancelled


class Progress:
    def __init__(self, callback: Callable[[int, int, str], None] | None = None, min_interval: float = 0.05):
        self._callback = callback
        self._cancel = threading.Event()
        self._min_interval = min_interval
        self._last = 0.0
        self.done = 0
        self.total = 0
        self.message = ""

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def update(self, done: int, total: int | None = None, message: str | None = None, force: bool = False) -> None:
        self.check()
        self.done = done
        if total is not None:
            self.total = total
        if message is not None:
            self.message = message
        now = time.monotonic()
        if self._callback and (force or now - self._last >= self._min_interval or done == self.total):
            self._last = now
            self._callback(self.done, self.total, self.message)


def null_progress() -> Progress:
    return Progress()
