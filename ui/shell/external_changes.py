"""Noticing what the other desk wrote: ``PRAGMA data_version`` polled on a timer.

SQLite increments ``data_version`` on a connection whenever *another* connection commits to the file.
When it moves and the change did not come from this program's own change bus, every screen gets a
``bulk`` Change for every table so that it reloads (another desk's edits appear within a few seconds;
an edit started on an older version is still refused by the models' ``expected_version`` check).

Those changes are ``ExternalChange`` instances, so a screen can tell another desk's write (``is_external``)
from one made by this program (a save in another window, a background worker): only the former is
announced as "updated elsewhere".
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from models.core.changes import Change, Kind, Table
from ui.context import AppContext


@dataclass(frozen=True)
class ExternalChange(Change):
    """A change another connection (another desk, another program) committed: not this program's."""


def is_external(changes) -> bool:
    """Whether a batch of changes came from another desk (not from a write of this program)."""
    return any(isinstance(c, ExternalChange) for c in changes)


class ExternalChangeWatcher(QObject):
    external_change = Signal(list)  # the bulk changes it published

    def __init__(self, ctx: AppContext, *, interval_ms: int = 2000, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._local_write = False
        self._unsubscribe = ctx.store.bus.subscribe(self._on_local_changes)
        self._version = self._read_version()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def _on_local_changes(self, changes) -> None:  # any thread
        self._local_write = True

    def _read_version(self) -> int | None:
        try:
            return self.ctx.store.data_version()
        except sqlite3.Error:
            return None

    def poll(self) -> bool:
        """Returns True when another connection wrote since the last poll and screens were told."""
        if self.ctx.store.in_transaction:
            return False
        version = self._read_version()
        if version is None or version == self._version:
            self._local_write = False  # a write on this very connection does not move data_version
            return False
        self._version = version
        if self._local_write:
            # Our own background worker (another connection) wrote and already published its changes.
            self._local_write = False
            return False
        changes: list[Change] = [ExternalChange(table, Kind.BULK) for table in Table]  # which rows changed is unknown: reload all
        self.ctx.store.bus.publish(changes)
        self._local_write = False
        self.external_change.emit(changes)
        return True

    def stop(self) -> None:
        self.timer.stop()
        self._unsubscribe()
