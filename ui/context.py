"""What every screen gets: the store, the change signal, and a way to run background work."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from models.core.changes import Change, Table
from models.core.store import Store

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow


class ChangeSignal(QObject):
    """Delivers committed model changes on the main thread (queued when emitted from a worker)."""

    changed = Signal(list)  # list[Change]

    def __init__(self, store: Store):
        super().__init__()
        self._unsubscribe = store.bus.subscribe(self.changed.emit)

    def detach(self) -> None:
        self._unsubscribe()

    @staticmethod
    def tables(changes: list[Change]) -> set[Table]:
        return {c.table for c in changes}


@dataclass
class AppContext:
    store: Store
    changes: ChangeSignal
    window: "QMainWindow | None" = None
    extras: dict = field(default_factory=dict)

    @classmethod
    def create(cls, store: Store) -> "AppContext":
        return cls(store=store, changes=ChangeSignal(store))
