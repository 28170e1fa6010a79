"""Change notifications from the model layer to whoever listens (the GUI, tests).

Model operations call ``store.notify(Table.X, Kind.Y, ids)``: typed values, so a misspelt table is an
error where it is written, not a view that silently never refreshes. Inside a transaction the changes are queued and
delivered once the outermost transaction commits (dropped if it rolls back), so a view never refreshes
on data that was not written. The GUI adapts ``ChangeBus`` to a Qt signal so that listeners always run
on the main thread, even when the change happened in a background worker's connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Table(StrEnum):
    """The tables whose changes views listen to (values are the SQLite table names)."""

    AGENCIES = "agencies"
    AGENCY_STAFF = "agency_staff"
    AREAS = "areas"
    AUDIT_LOG = "audit_log"
    CAMPAIGN_PHASES = "campaign_phases"
    CAMPAIGN_TARGETS = "campaign_targets"
    CAMPAIGNS = "campaigns"
    DOSSIERS = "dossiers"
    DUPLICATE_FLAGS = "duplicate_flags"
    ENTERPRISE_SCHEDULES = "enterprise_schedules"
    HOLIDAYS = "holidays"
    IMPORTS = "imports"
    INTAKE_SESSIONS = "intake_sessions"
    OFFICERS = "officers"
    ORGANIZATIONS = "organizations"
    PEOPLE_IMPORTS = "people_imports"
    PERSONS = "persons"
    REMOTE_DOSSIERS = "remote_dossiers"
    REMOTE_UNITS = "remote_units"
    REPORT_SETTINGS = "report_settings"
    REPORTS = "reports"
    SESSIONS = "sessions"
    SETTINGS = "settings"
    SYNC_EXPORTS = "sync_exports"
    SYNC_FILES = "sync_files"
    TARGET_ALLOCATIONS = "target_allocations"
    UNITS = "units"
    VERIFICATION_REQUESTS = "verification_requests"

    @classmethod
    def known(cls, name: str) -> "Table | None":
        """The member for a SQLite table name, or None for a table no view listens to."""
        return cls._value2member_map_.get(name)  # type: ignore[return-value]


class Kind(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    BULK = "bulk"  # many rows or unknown ones: reload


@dataclass(frozen=True)
class Change:
    table: Table
    kind: Kind
    ids: tuple = field(default_factory=tuple)  # empty for bulk changes (reload)

    def __post_init__(self) -> None:
        # Plain strings are accepted where they name a member, so old call sites fail loudly if misspelt.
        object.__setattr__(self, "table", Table(self.table))
        object.__setattr__(self, "kind", Kind(self.kind))


def tables_of(changes: list[Change]) -> set[Table]:
    return {c.table for c in changes}


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
