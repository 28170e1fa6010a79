"""The search index of a large import, built after its commit in short slices (issue 17, item 2).

A bulk import (``models/registry/importing/bulk.py``) commits its new organizations without indexing
them and, in the same transaction, one ``org_index_pending`` row (migration m020) naming their id range.
``build_slice`` then indexes ``SLICE`` rows per transaction (about 0.2 s each), so a second desk writing
to the registry waits at most one slice; ``build_pending`` runs slices until nothing is pending. A crash
or a closed program leaves the pending row: ``start_background`` (the app's start, the registry screen
after an import) resumes at ``next_id``. Until then ``models.registry.search`` scans the pending rows'
``search_text`` and merges them with the FTS results, so answers are always complete; ``progress``
gives the share indexed for the screen ("đang lập chỉ mục tìm kiếm (n%)").
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from models.core.store import Store

SLICE = 20_000


def pending_ranges(store: Store) -> list[tuple[int, int]]:
    """(first id not indexed, last id) of every pending range."""
    return [(r[0], r[1]) for r in store.execute(
        "SELECT next_id, high_id FROM org_index_pending WHERE next_id <= high_id ORDER BY next_id")]


def progress(store: Store) -> float | None:
    """Share of the pending imports' rows already indexed (0.0–1.0), or None when nothing is pending."""
    row = store.execute("SELECT sum(next_id - low_id), sum(high_id - low_id + 1) FROM org_index_pending").fetchone()
    if not row or not row[1]:
        return None
    return row[0] / row[1]


def add_pending(store: Store, import_id: int, low_id: int, high_id: int) -> None:
    """Record new rows ``low_id``..``high_id`` as not indexed (inside the import's transaction)."""
    if high_id >= low_id:
        store.execute("INSERT INTO org_index_pending(import_id, low_id, next_id, high_id) VALUES (?, ?, ?, ?)",
                      (import_id, low_id, low_id, high_id))


def build_slice(store: Store, rows: int = SLICE) -> bool:
    """Index the next ``rows`` pending ids in one transaction; True while more remain."""
    with store.atomic():  # BEGIN IMMEDIATE: two desks never index the same slice
        row = store.execute("SELECT import_id, next_id, high_id FROM org_index_pending "
                            "ORDER BY next_id LIMIT 1").fetchone()
        if row is None:
            return False
        import_id, start, high = row
        end = min(high, start + rows - 1)
        # rowid order: FTS5 appends instead of flushing a segment per row (see search.flush_index_queue)
        store.execute("INSERT INTO org_fts(rowid, doc) SELECT id, doc FROM org_search_doc "
                      "WHERE id BETWEEN ? AND ? ORDER BY id", (start, end))
        store.execute("INSERT INTO org_tax_fts(rowid, tax_code) SELECT id, tax_code FROM organizations "
                      "WHERE id BETWEEN ? AND ? ORDER BY id", (start, end))
        if end >= high:
            store.execute("DELETE FROM org_index_pending WHERE import_id = ?", (import_id,))
        else:
            store.execute("UPDATE org_index_pending SET next_id = ? WHERE import_id = ?", (end + 1, import_id))
        return store.scalar("SELECT 1 FROM org_index_pending LIMIT 1") is not None


def build_pending(store: Store, *, rows: int = SLICE, stop: Callable[[], bool] | None = None,
                  on_slice: Callable[[float | None], None] | None = None) -> bool:
    """Run slices until nothing is pending (True) or ``stop()`` says so (False: the rest stays pending).
    The WAL is checkpointed once at the end instead of after every slice."""
    if store.scalar("SELECT 1 FROM org_index_pending LIMIT 1") is None:
        return True
    with no_autocheckpoint(store):
        while True:
            if stop is not None and stop():
                return False
            more = build_slice(store, rows)
            if on_slice is not None:
                on_slice(progress(store))
            if not more:
                return True


@contextlib.contextmanager
def no_autocheckpoint(store: Store) -> Iterator[None]:
    """``wal_autocheckpoint = 0`` while importing; one checkpoint after the outermost commit."""
    if store.conn.in_transaction:  # an outer caller owns the commit
        yield
        return
    before = store.scalar("PRAGMA wal_autocheckpoint")
    store.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        store.execute(f"PRAGMA wal_autocheckpoint = {int(before)}")
        if not store.conn.in_transaction:
            with contextlib.suppress(Exception):  # another desk reading: PASSIVE does what it can
                store.execute("PRAGMA wal_checkpoint(PASSIVE)")


def clear_pending(store: Store) -> None:
    """After a full rebuild of the FTS tables nothing is pending any more."""
    store.execute("DELETE FROM org_index_pending")


_threads: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def start_background(path: str | Path, *, rows: int = SLICE) -> threading.Thread | None:
    """Build the pending slices of the database at ``path`` in a thread with its own connection (one
    thread per file; None when nothing is pending or a thread already runs)."""
    key = str(Path(path).resolve())
    with _lock:
        running = _threads.get(key)
        if running is not None and running.is_alive():
            return None
        probe = Store(path, migrate=False)
        try:
            if progress(probe) is None:
                return None
        finally:
            probe.close()

        def run() -> None:
            store = Store(path, migrate=False)
            try:
                build_pending(store, rows=rows)
            finally:
                store.close()

        thread = threading.Thread(target=run, name="search-index", daemon=True)
        _threads[key] = thread
        thread.start()
        return thread

