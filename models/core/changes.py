"""Change notifications from the model layer to whoever listens (the GUI, tests).

Model operations call ``store.notify(Change(...))``. Inside a transaction the changes are queued and
delivered once the outermost transaction commits (dropped if it rolls back), so a view never refreshes
on data that was not written. The GUI adapts ``ChangeBus`` to a Qt signal so that listeners always run
on the main thread, even when the change happened in a background worker's connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    table: str  # e.g. "organizations", "dossiers"
    kind: str  # "insert" | "update" | "delete" | "bulk"
    ids: tuple = field(default_factory=tuple)  # empty for bulk changes (reload)


Listener = Callable[[list[Change]], None]


class ChangeBus:
    """Thread-safe fan-out of committed change batches to listeners."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, changes: list[Change]) -> None:
        if not changes:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(list(changes))
