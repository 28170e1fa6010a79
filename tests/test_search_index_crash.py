"""SIGKILL in both phases of a bulk import (issue 17, item 2): while the rows are written (all or
nothing, the suspended triggers and dropped indexes back) and while the search index is built in slices
(the pending row says where to resume; the next start finishes it and the index is exact)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.test_crash_safety import _copy_db, _integrity, _kill_at, _make_base, _python, _run_to_end

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform.startswith("win"), reason="SIGKILL")]

ROWS = 4_000

IMPORT = """
import sys
from models.core.store import Store
from models.registry.importing import import_file, writer
writer.BULK_MIN = 0
print("BEGIN", flush=True)
store = Store(sys.argv[1])
import_file(store, sys.argv[2], 1)
store.close()
"""

INDEX = """
import sys
from models.core.store import Store
from models.registry import search_index
store = Store(sys.argv[1])
print("BEGIN", flush=True)
search_index.build_pending(store, rows=250)
store.close()
"""


def _schema(db: Path) -> list:
    import sqlite3

    conn = sqlite3.connect(str(db))
    try:
        return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'").fetchall())
    finally:
        conn.close()


def _resume_and_check(db: Path, expect_rows: int) -> float | None:
    """What the next start does: finish the pending slices; then the index must be exact."""
    from models.core.store import Store
    from models.registry import search as registry_search
    from models.registry import search_index

    store = Store(db)
    try:
        left = search_index.progress(store)
        assert store.scalar("SELECT count(*) FROM organizations") == expect_rows
        search_index.build_pending(store)
        assert search_index.progress(store) is None
        assert registry_search.check_index(store)
        for tax, org_id in store.execute("SELECT tax_code, id FROM organizations WHERE id % 397 = 0").fetchall():
            assert org_id in registry_search.search_ids(store, tax).ids
        return left
    finally:
        store.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from models.core.store import Store
    from tests.factories.messy_files import add_areas, write_big_xlsx

    tmp = tmp_path_factory.mktemp("bulk-crash")
    base = _make_base(tmp / "base.sqlite")
    store = Store(base)
    add_areas(store)
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    workbook = write_big_xlsx(tmp / "danh-sach.xlsx", ROWS)
    return tmp, base, workbook


def _kills(tmp: Path, src: Path, argv_for, kills: int, check) -> int:
    work = tmp / "work.sqlite"
    _copy_db(src, work)
    duration = _run_to_end(argv_for(work), tmp)
    killed_inside, index = 0, 0
    for _attempt in range(3 * kills):
        if killed_inside == kills:
            break
        delay = duration * (0.03 + 0.9 * (index + 0.5) / kills)
        _copy_db(src, work)
        killed = _kill_at(argv_for(work), tmp, delay)
        assert _integrity(work) == "ok", f"integrity_check failed after a kill at {delay:.2f}s"
        check(work)
        if killed:
            killed_inside += 1
            index += 1
        else:
            duration = delay * 0.85
    return killed_inside


def test_kill_while_the_bulk_import_writes(files):
    tmp, base, workbook = files
    before = _schema(base)
    seen = set()

    def check(db):
        from tests.test_crash_safety import _scalar

        rows = _scalar(db, "SELECT count(*) FROM organizations")
        assert rows in (0, ROWS), f"partial import: {rows} rows"
        assert _schema(db) == before  # every dropped trigger and index is back (or was never dropped)
        seen.add(rows)
        if rows:
            _resume_and_check(db, ROWS)

    assert _kills(tmp, base, lambda db: _python(IMPORT, db, workbook), 6, check) == 6
    assert 0 in seen


def test_kill_while_the_index_is_built_resumes_at_the_next_start(files):
    tmp, base, workbook = files
    from models.core.store import Store
    from models.registry.importing import import_file, writer

    pending = tmp / "pending.sqlite"
    _copy_db(base, pending)
    store = Store(pending)
    old, writer.BULK_MIN = writer.BULK_MIN, 0
    try:
        import_file(store, workbook, 1)
    finally:
        writer.BULK_MIN = old
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    left_at_kill = set()

    def check(db):
        left_at_kill.add(_resume_and_check(db, ROWS))

    assert _kills(tmp, pending, lambda db: _python(INDEX, db), 6, check) == 6
    partial = {x for x in left_at_kill if x is not None}
    assert any(0 < x < 1 for x in partial), left_at_kill  # some kills landed between two slices
