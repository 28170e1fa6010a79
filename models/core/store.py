"""The one object that owns the SQLite database.

- numbered migrations (``models/migrations``), schema version in ``PRAGMA user_version``;
- a copy of the file before migrating, refusal to open a schema newer than this program knows;
- WAL, foreign keys, a busy timeout so that two programs on one file wait instead of failing;
- refusal of a file on a network share (SMB/CIFS, NFS, a UNC path): WAL needs every program that opens
  the file on one machine (``models.core.paths.network_share``);
- nothing else in the process opens the database file: SQLite's locks are POSIX advisory locks, owned by
  the process, and closing *any* descriptor of the file drops them all (another program may then delete
  the live -wal/-shm). Checks go through SQLite (``models/security/backups.py``), hashes are taken of
  copies, and file dialogs never open in a database's folder (``database_folders``);
- ``atomic()``: savepoint-nested transactions; change notifications are delivered only after the
  outermost transaction commits;
- the acting officer (``actor``) and the clock, so that every write can be audited and tested.

Background workers use ``store.clone()``: a second connection to the same file sharing the actor,
clock and change bus (SQLite connections must not cross threads).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from models.core.changes import Change, ChangeBus, Kind, Table
from models.core.errors import Cancelled, UserError
from models.core.migrations import migrate_store
from models.core.paths import network_database_message, network_share
from models.security import record_chain
from models.text.identifiers import mask_personal_ids

INTERRUPT_CHECK_STEPS = 20_000  # SQLite VM steps between two looks at the Cancel button (~0.1 ms)

Clock = Callable[[], dt.datetime]

_DATABASE_FOLDERS: set[Path] = set()  # the folder of every database this process opened


def database_folders() -> frozenset[Path]:
    """Folders holding a database this process opened: nothing but SQLite may open files there (a file
    dialog showing such a folder opens and closes the files it lists, dropping SQLite's locks)."""
    return frozenset(_DATABASE_FOLDERS)


def _enable_wal(conn: sqlite3.Connection, timeout: float = 30.0) -> None:
    """``PRAGMA journal_mode=WAL``, waiting while another desk holds the file: SQLite answers "database
    is locked" at once to this pragma (its busy handler does not apply), e.g. when several desks open a
    new file together and one of them is migrating it."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def system_clock() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Actor:
    """Who performs an operation. ``id`` is a row of ``officers``; role decides permissions."""

    id: int
    username: str
    full_name: str
    role: str  # "intake" | "leader" | "admin" | "system"


SYSTEM_ACTOR = Actor(id=1, username="system", full_name="Hệ thống (dòng lệnh)", role="system")


class Store:
    def __init__(
        self,
        path: str | Path,
        *,
        actor: Actor = SYSTEM_ACTOR,
        clock: Clock = system_clock,
        bus: ChangeBus | None = None,
        migrate: bool = True,
        backup_dir: str | Path | None = None,
        uuid_factory: Callable[[], str] | None = None,
    ):
        self.path = Path(path)
        self.actor = actor
        self.clock = clock
        self.uuid_factory = uuid_factory or (lambda: str(uuid.uuid4()))
        self.bus = bus or ChangeBus()
        self._pending: list[Change] = []
        self._depth = 0
        self._thread = threading.get_ident()
        share = network_share(self.path)
        if share:
            raise UserError(network_database_message(self.path, share))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _DATABASE_FOLDERS.add(self.path.parent.resolve())
        if not self.path.exists():
            private_file(self.path)  # a new database is the owner's only (0600); -wal/-shm follow it
        conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False, isolation_level=None)
        self.db = sqlite_utils.Database(conn)
        self.conn = conn
        record_chain.register(conn)  # the triggers that chain the record call it (models/security/record_chain.py)
        _enable_wal(conn)
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=30000")
        # A deleted or overwritten value (a corrected ID number) is zeroed where that costs no extra I/O
        # instead of lingering in free space (docs/security.md).
        self.conn.execute("PRAGMA secure_delete=FAST")
        self.backup_dir = Path(backup_dir) if backup_dir else self.path.parent / "backups"
        if migrate:
            migrate_store(self)

    # ---- lifecycle -------------------------------------------------------------------------
    def clone(self) -> "Store":
        """A new connection to the same file for another thread; shares actor, clock and bus."""
        return Store(self.path, actor=self.actor, clock=self.clock, bus=self.bus, migrate=False,
                     backup_dir=self.backup_dir, uuid_factory=self.uuid_factory)

    closed = False  # set by close(): a timer of a screen that outlived its store checks it

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            # Bounded: without analysis_limit, ANALYZE reads whole tables (minutes on a million rows).
            self.conn.execute("PRAGMA analysis_limit = 400")
            self.conn.execute("PRAGMA optimize")
        self.conn.close()
        self.closed = True

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- schema version ----------------------------------------------------------------------
    @property
    def user_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def set_user_version(self, version: int) -> None:
        self.conn.execute(f"PRAGMA user_version = {int(version)}")

    # ---- transactions ----------------------------------------------------------------------
    @contextlib.contextmanager
    def atomic(self) -> Iterator["Store"]:
        """All writes inside happen or none do; nested blocks are savepoints.

        Use it for every multi-row write. Changes notified inside are published after commit.
        The outermost block starts with BEGIN IMMEDIATE: it takes the write lock up front (waiting up to
        the busy timeout while another desk writes) instead of failing with "database is locked" when a
        read inside it is followed by a write after another connection committed.
        """
        outer = not self.conn.in_transaction
        if outer:
            self.conn.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            with self.db.atomic():
                yield self
            if outer:
                self.conn.execute("COMMIT")
        except BaseException:
            self._depth -= 1
            if outer and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if self._depth == 0:
                self._pending.clear()
            raise
        self._depth -= 1
        if self._depth == 0:
            pending, self._pending = self._pending, []
            self.bus.publish(pending)

    @contextlib.contextmanager
    def interruptible(self, progress, every: int | None = None) -> Iterator["Store"]:
        """Let Cancel stop a long SQL statement too, not only between two ``progress.update`` calls.

        One ``INSERT … SELECT`` of 100,000 rows or a search-index flush runs for seconds without
        returning to Python; SQLite calls the handler every ``every`` virtual-machine steps (well under
        a millisecond apart) and stops the statement when the officer has pressed Cancel. SQLite then
        rolls the whole transaction back itself; the interruption comes out as ``Cancelled``. Use it
        outside ``atomic()`` so that the rollback bookkeeping has run when ``Cancelled`` arrives.
        """
        if progress is None:
            yield self
            return
        every = every or INTERRUPT_CHECK_STEPS
        self.conn.set_progress_handler(lambda: 1 if progress.cancelled else 0, every)
        try:
            yield self
        except sqlite3.OperationalError as exc:
            if progress.cancelled and "interrupt" in str(exc):
                raise Cancelled() from exc
            raise
        finally:
            self.conn.set_progress_handler(None, every)

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def data_version(self) -> int:
        """SQLite's ``data_version``: moves whenever *another* connection commits to the file."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def notify(self, table: Table, kind: Kind, ids: tuple | list = ()) -> None:
        change = Change(table, kind, tuple(ids))
        if self._depth:
            self._pending.append(change)
        else:
            self.bus.publish([change])

    # ---- helpers ---------------------------------------------------------------------------
    def now(self) -> dt.datetime:
        return self.clock()

    def now_iso(self) -> str:
        return self.clock().isoformat(sep=" ", timespec="seconds")

    def today(self) -> dt.date:
        return self.clock().date()

    def new_uuid(self) -> str:
        """A new stable identifier; injectable like the clock so the demo database is reproducible."""
        return self.uuid_factory()

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Any = ()) -> list[dict]:
        cur = self.conn.execute(sql, params)
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=False)) for row in cur.fetchall()]

    def query_one(self, sql: str, params: Any = ()) -> dict | None:
        cur = self.conn.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cur.description], row, strict=False))

    def scalar(self, sql: str, params: Any = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def table(self, name: str) -> sqlite_utils.db.Table:
        """sqlite-utils' handle on an existing table, for ``upsert`` / ``insert_all``. Unlike ``db[name]``
        it never creates the table: a misspelt name fails as a hand-written statement would."""
        if self.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)) is None:
            raise sqlite3.OperationalError(f"no such table: {name}")
        return sqlite_utils.db.Table(self.db, name)

    # ---- settings (JSON values) ------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any, *, audit: bool = True) -> None:
        old = self.get_setting(key)
        if old == value:
            return
        with self.atomic():
            self.table("settings").upsert({"key": key, "value": json.dumps(value, ensure_ascii=False)}, pk="key")
            if audit:
                self.audit("setting.update", "setting", key, field=key, old=old, new=value)
            self.notify(Table.SETTINGS, Kind.UPDATE, (key,))

    # ---- audit -------------------------------------------------------------------------------
    def audit(
        self,
        action: str,
        object_type: str | None = None,
        object_id: Any = None,
        *,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        detail: Any = None,
    ) -> None:
        """Append one line to the audit log (append-only: triggers refuse UPDATE and DELETE; a trigger chains
        it into ``record_chain`` in the same statement, models/security/record_chain.py). Personal ID
        numbers in ``old``/``new``/``detail`` are stored masked (``mask_personal_ids``)."""
        self.conn.execute(
            "INSERT INTO audit_log(at, officer_id, action, object_type, object_id, field, old_value,"
            " new_value, detail) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                self.now_iso(),
                self.actor.id,
                action,
                object_type,
                None if object_id is None else str(object_id),
                field,
                _audit_text(mask_personal_ids(old, field)),
                _audit_text(mask_personal_ids(new, field)),
                _audit_text(mask_personal_ids(detail)),
            ),
        )

    def audit_changes(self, object_type: str, object_id: Any, old: dict, new: dict, action: str) -> list[str]:
        """One audit line per field whose value changed; returns the changed field names."""
        changed = []
        for key, new_value in new.items():
            old_value = old.get(key)
            if _norm(old_value) != _norm(new_value):
                changed.append(key)
                self.audit(action, object_type, object_id, field=key, old=old_value, new=new_value)
        return changed

    # ---- backups -----------------------------------------------------------------------------
    def backup_to(self, target: str | Path) -> Path:
        """Consistent online copy of the database (SQLite backup API) written at ``target``, verified with
        ``PRAGMA integrity_check`` (``UserError`` when it fails). ``target`` is the file being written: the
        backups (``services/backups.py``) give the partial file of the output protocol, which removes it on
        any failure and renames it into place once the backup is recorded."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # the backup API would copy into an existing database
        private_file(target)  # owner-only (0600) before the first byte; SQLite's journal files follow it
        dest = sqlite3.connect(str(target))
        try:
            self.conn.backup(dest)
            ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dest.close()
        if ok != "ok":
            raise UserError(f"Bản sao lưu «{target}» không vượt qua kiểm tra toàn vẹn: {ok}")
        return target


def private_file(path: str | Path) -> Path:
    """Create ``path`` empty and readable by its owner only (0600), or make an existing one so: SQLite gives
    its -wal, -shm and -journal files the permissions of the database file. (On Windows the mode only
    sets the read-only flag; the folder's ACL protects the file.)"""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def _audit_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _norm(value: Any) -> Any:
    if value == "":
        return None
    return value



