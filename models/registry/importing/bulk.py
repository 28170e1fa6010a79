"""Bulk mode of the registry import's writer (issue 17, item 1).

For a large import the per-row triggers on ``organizations`` and ``org_sources`` cost more than the rows
themselves, so inside the import's transaction:
- the INSERT triggers (FTS index, registry counts, change counter, ``org_sources`` → ``sources``) are
  dropped, and restored, with their exact SQL, before COMMIT; what they would have done is done
  set-wise by id range: the counts with one ``GROUP BY``, the change numbers bound with the rows, the
  ``sources`` of existing organizations with one UPDATE, and the search index after the commit in
  short slices (``models/registry/search_index.py``, pending row of migration m020 committed with the rows);
- the new rows go with ``executemany`` straight into ``organizations`` (no TEMP staging);
- into an empty registry the secondary indexes of ``organizations`` are dropped first and recreated
  (one sort each instead of 100,000 random inserts);
- ``wal_autocheckpoint`` is 0 while importing and the WAL is checkpointed once after the commit
  (``search_index.no_autocheckpoint``, also around the index slices).

DDL is transactional in SQLite: a crash or Cancel before COMMIT rolls the dropped triggers and indexes
back with the rows. ``tests/test_registry_import_bulk.py`` proves the database after a bulk import is
identical (rows, counts, sources, FTS content, triggers, indexes) to the row-by-row path's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from models.core.store import Store

# Triggers fired by INSERT into organizations / org_sources whose work bulk mode does set-wise.
SUSPENDED_TRIGGERS = ("organizations_fts_insert", "organizations_fts_insert_deferred", "registry_counts_insert",
                      "organizations_change_seq_insert", "org_sources_insert")


@contextlib.contextmanager
def suspended_triggers(store: Store, names: tuple[str, ...] = SUSPENDED_TRIGGERS) -> Iterator[None]:
    """Drop ``names`` inside the current transaction; recreate them with the same SQL on leaving."""
    assert store.conn.in_transaction, "bulk mode runs inside the import's transaction"
    saved = [(r[0], r[1]) for r in store.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({','.join('?' * len(names))}) "
        "ORDER BY rowid", names)]
    for name, _sql in saved:
        store.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        if store.conn.in_transaction:  # after a failure the rollback restores them anyway
            for _name, sql in saved:
                store.execute(sql)


@contextlib.contextmanager
def dropped_indexes(store: Store, table: str = "organizations") -> Iterator[None]:
    """Drop the secondary (non-UNIQUE-constraint) indexes of ``table``; recreate them on leaving."""
    saved = [(r[0], r[1]) for r in store.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
        "ORDER BY rowid", (table,))]
    for name, _sql in saved:
        store.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        if store.conn.in_transaction:
            for _name, sql in saved:
                store.execute(sql)


def add_counts(store: Store, low: int, high: int) -> None:
    """What ``registry_counts_insert`` does per row, for the new rows ``low``..``high`` at once."""
    store.execute(
        "INSERT INTO registry_counts(grp, area_code, n) SELECT grp, area, n FROM (SELECT grp, "
        "coalesce(area_code, '') AS area, count(*) AS n FROM organizations WHERE id BETWEEN ? AND ? "
        "AND merged_into IS NULL AND status <> 'dissolved' GROUP BY grp, coalesce(area_code, '')) WHERE true "
        "ON CONFLICT(grp, area_code) DO UPDATE SET n = n + excluded.n", (low, high))


def refresh_sources(store: Store, below: int) -> None:
    """What ``org_sources_insert`` does, for the organizations of ``temp._regimp_src`` older than ``below``
    (the new rows were written with their one source already)."""
    concat = ("(SELECT group_concat(source, ' ') FROM (SELECT source FROM org_sources "
              "WHERE org_id = organizations.id ORDER BY source))")
    store.execute(f"UPDATE organizations SET sources = {concat} "
                  "WHERE id IN (SELECT org_id FROM temp._regimp_src WHERE org_id < ?) "
                  f"AND sources IS NOT {concat}", (below,))


def take_change_numbers(store: Store, n: int) -> int:
    """Reserve ``n`` change numbers (m012's counter) for new rows; returns the last number before them."""
    before = store.scalar("SELECT value FROM change_counter WHERE id = 1")
    store.execute("UPDATE change_counter SET value = value + ? WHERE id = 1", (n,))
    return before
