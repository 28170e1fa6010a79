"""The store: migrations, schema version, refusal of newer schemas, atomicity, audit, changes."""

from __future__ import annotations

import sqlite3

import pytest

from models.core.errors import SchemaTooNew
from models.core.migrations import latest_version
from models.core.store import Store


def test_fresh_store_is_migrated_with_wal_and_foreign_keys(fresh_store):
    assert fresh_store.user_version == latest_version() >= 1
    assert fresh_store.scalar("PRAGMA journal_mode") == "wal"
    assert fresh_store.scalar("PRAGMA foreign_keys") == 1


def test_newer_schema_is_refused_and_file_untouched(db_path, clock):
    Store(db_path, clock=clock).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNew, match="mới hơn"):
        Store(db_path, clock=clock)
    assert db_path.read_bytes() == before


def test_copy_taken_before_migrating_an_older_schema(db_path, clock):
    Store(db_path, clock=clock).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 1")  # pretend later migrations were never applied
    conn.close()
    if latest_version() == 1:
        pytest.skip("only one migration exists")
    with pytest.raises(sqlite3.OperationalError):
        Store(db_path, clock=clock)  # re-running m002 on existing tables fails: must roll back
    copies = list(db_path.parent.glob("*truoc-nang-cap-v1-*"))
    assert len(copies) == 1
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_atomic_rolls_back_everything_and_drops_notifications(fresh_store):
    seen = []
    fresh_store.bus.subscribe(seen.extend)
    with pytest.raises(RuntimeError):
        with fresh_store.atomic():
            fresh_store.execute("INSERT INTO holidays(day, name) VALUES ('2025-01-01', 'Tết Dương lịch')")
            fresh_store.notify("holidays", "insert", ("2025-01-01",))
            with fresh_store.atomic():
                fresh_store.execute("INSERT INTO holidays(day, name) VALUES ('2025-04-30', 'Giải phóng')")
            raise RuntimeError("boom")
    assert fresh_store.scalar("SELECT count(*) FROM holidays") == 0
    assert seen == []


def test_nested_savepoint_rollback_keeps_outer_work(fresh_store):
    seen = []
    fresh_store.bus.subscribe(seen.extend)
    with fresh_store.atomic():
        fresh_store.execute("INSERT INTO holidays(day, name) VALUES ('2025-01-01', 'Tết Dương lịch')")
        fresh_store.notify("holidays", "insert", ("2025-01-01",))
        with pytest.raises(ValueError):
            with fresh_store.atomic():
                fresh_store.execute("INSERT INTO holidays(day, name) VALUES ('2025-04-30', 'x')")
                raise ValueError
    assert fresh_store.scalar("SELECT count(*) FROM holidays") == 1
    assert [c.table for c in seen] == ["holidays"]


def test_audit_log_is_append_only(fresh_store):
    fresh_store.audit("test.action", "thing", 1, field="name", old="a", new="b")
    with pytest.raises(sqlite3.DatabaseError, match="chỉ được ghi thêm"):
        fresh_store.execute("UPDATE audit_log SET action = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="chỉ được ghi thêm"):
        fresh_store.execute("DELETE FROM audit_log")
    row = fresh_store.query_one("SELECT * FROM audit_log WHERE action = 'test.action'")
    assert row["officer_id"] == 1 and row["old_value"] == "a" and row["new_value"] == "b"
    assert row["at"] == "2025-01-09 09:30:00"


def test_settings_round_trip_and_audit(fresh_store):
    fresh_store.set_setting("report.weekday", 3)
    assert fresh_store.get_setting("report.weekday") == 3
    assert fresh_store.get_setting("missing", "mặc định") == "mặc định"
    rows = fresh_store.query("SELECT * FROM audit_log WHERE object_type = 'setting'")
    assert rows[-1]["new_value"] == "3"


def test_backup_to_is_consistent_copy(fresh_store, tmp_path):
    fresh_store.execute("INSERT INTO holidays(day, name) VALUES ('2025-09-02', 'Quốc khánh')")
    target = fresh_store.backup_to(tmp_path / "copy" / "b.sqlite")
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT name FROM holidays").fetchone()[0] == "Quốc khánh"
    conn.close()


def test_migrations_are_numbered_one_to_n_and_match_their_file_names():
    from models.core.migrations import all_migrations

    modules = all_migrations()
    versions = [m.VERSION for m in modules]
    # numbers are assigned per branch and may leave gaps (helper brief); they start at 1, rise, never repeat
    assert versions[:10] == list(range(1, 11)) and versions == sorted(set(versions))
    for module in modules:
        assert module.__name__.rsplit(".", 1)[1].startswith(f"m{module.VERSION:03d}_")


def test_two_desks_opening_the_same_new_file_at_once_migrate_it_once(tmp_path):
    """Several processes open one fresh file simultaneously: each migration runs once, nobody fails."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    db = tmp_path / "shared.sqlite"
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from models.core.store import Store; "
            "s = Store(sys.argv[2]); print(s.user_version); s.close()")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(root), str(db)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    assert {out.strip() for out, _ in results} == {str(latest_version())}
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM officers WHERE username = 'system'").fetchone()[0] == 1
    conn.close()


def test_data_version_moves_only_for_another_connections_commit(fresh_store):
    store = fresh_store
    before = store.data_version()
    store.set_setting("idle_lock_minutes", 5, audit=False)
    assert store.data_version() == before  # our own write
    other = store.clone()
    try:
        other.set_setting("idle_lock_minutes", 6, audit=False)
    finally:
        other.close()
    assert store.data_version() != before
