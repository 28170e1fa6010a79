"""Backups, restore and check (models and CLI); personal ID masking; sensitive-read logging; audit queries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from models.core.errors import PermissionDenied, UserError
from models.core.store import Store
from models.security import audit as audit_query
from models.security import auth, backups
from models.security.audit import AuditFilter
from models.security.personal_data import display_id_number
from services import backups as backup_service
from services.audit_export import export_audit


def _holiday(store, day, name):
    with store.atomic():
        store.execute("INSERT INTO holidays(day, name) VALUES (?, ?)", (day, name))


# ---- CLI -----------------------------------------------------------------------------------------------
def test_cli_backup_restore_check_round_trip(run_cli, db_path, tmp_path, clock):
    store = Store(db_path, clock=clock)
    _holiday(store, "2025-09-02", "Quốc khánh")
    store.close()

    done = run_cli("backup", "--db", db_path, "--to", tmp_path / "usb")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    backup = tmp_path / "usb" / info["path"].rsplit("/", 1)[1]
    assert info["size"] == backup.stat().st_size
    assert info["sha256"] == hashlib.sha256(backup.read_bytes()).hexdigest()

    store = Store(db_path, clock=clock)
    _holiday(store, "2025-04-30", "Giải phóng miền Nam")  # written after the backup
    store.close()

    done = run_cli("restore", "--db", db_path, backup)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    kept = tmp_path / result["kept_aside"].rsplit("/", 1)[1]
    assert kept.exists() and "truoc-khoi-phuc" in kept.name
    if os.name == "posix":  # the restored database is the owner's only, like a new one (issue 14)
        assert stat.S_IMODE(Path(db_path).stat().st_mode) == 0o600
    conn = sqlite3.connect(db_path)
    assert [r[0] for r in conn.execute("SELECT name FROM holidays")] == ["Quốc khánh"]
    assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'backup.restore'").fetchone()[0] == 1
    conn.close()
    conn = sqlite3.connect(kept)  # the file kept aside is whole and holds the later write
    assert conn.execute("SELECT count(*) FROM holidays").fetchone()[0] == 2
    conn.close()

    done = run_cli("check", "--db", db_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["integrity_check"] == "ok" and report["foreign_key_check"] == "ok"
    assert report["audit_triggers"] is True and report["journal_mode"] == "wal"
    assert report["counts"]["holidays"] == 1 and report["schema_version"] == report["schema_latest"]


def test_cli_check_reports_problems(run_cli, db_path, clock, tmp_path):
    store = Store(db_path, clock=clock)
    store.close()
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DROP TRIGGER audit_log_chain")  # plain sqlite3 cannot append to the chained log otherwise
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO audit_log(at, officer_id, action) VALUES ('2025-01-09', 999, 'giả')")
    conn.commit()
    conn.close()
    done = run_cli("check", "--db", db_path)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert not report["ok"]
    assert any("trigger" in p for p in report["problems"])
    assert any("foreign_key_check" in p for p in report["problems"])
    assert "Lỗi:" in done.stderr and "Traceback" not in done.stderr

    junk = tmp_path / "rac.sqlite"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + b"rubbish" * 200)
    done = run_cli("check", "--db", junk)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert json.loads(done.stdout)["problems"]


def test_restore_refuses_damaged_or_newer_backup(run_cli, db_path, tmp_path, clock):
    Store(db_path, clock=clock).close()
    damaged = tmp_path / "hong.sqlite"
    damaged.write_bytes(db_path.read_bytes()[:3000])
    done = run_cli("restore", "--db", db_path, damaged)
    assert done.returncode == 2 and done.stderr.startswith("Lỗi: Không khôi phục")
    newer = tmp_path / "moi-hon.sqlite"
    store = Store(newer, clock=clock)
    store.set_user_version(store.user_version + 3)
    store.close()
    done = run_cli("restore", "--db", db_path, newer)
    assert done.returncode == 2 and "mới hơn" in done.stderr
    assert not list(tmp_path.glob("*truoc-khoi-phuc*"))  # nothing was moved aside
    assert run_cli("check", "--db", db_path).returncode == 0


def test_restore_refused_while_another_desk_has_the_file_open(fresh_store, tmp_path):
    backup = backup_service.backup_to_folder(fresh_store, tmp_path / "usb").path
    other_desk = Store(fresh_store.path, migrate=False)
    try:
        with pytest.raises(UserError, match="đang được mở"):
            backups.restore(fresh_store, backup)
        assert fresh_store.scalar("SELECT count(*) FROM officers") == 1  # reopened, still usable
    finally:
        other_desk.close()


def test_restore_of_an_older_schema_migrates_it(fresh_store, tmp_path, clock):
    from models.core.migrations import all_migrations

    old = tmp_path / "cu.sqlite"
    store = Store(old, clock=clock, migrate=False)
    for module in all_migrations()[:-1]:
        with store.atomic():
            module.up(store)
            store.set_user_version(module.VERSION)
    store.close()
    result = backups.restore(fresh_store, old)
    assert fresh_store.user_version == all_migrations()[-1].VERSION
    assert result["schema_version"] == fresh_store.user_version


# ---- automatic backups ------------------------------------------------------------------------------
def test_daily_backup_once_a_day_keeping_the_last_n(fresh_store, clock):
    fresh_store.set_setting("backups_keep", 3)
    made = []
    for _ in range(5):
        info = backup_service.daily_backup_if_due(fresh_store)
        assert info is not None
        made.append(info.path)
        assert backup_service.daily_backup_if_due(fresh_store) is None  # same day: nothing more
        clock.advance(days=1)
    kept = backups.list_automatic(fresh_store)
    assert kept == made[-3:]
    for path in kept:
        assert backups.check_file(path)["problems"] == []
    assert fresh_store.scalar("SELECT count(*) FROM audit_log WHERE action = 'backup.create'") == 5


def test_backup_to_folder_needs_permission(fresh_store, tmp_path):
    auth.create_first_admin(fresh_store, "quantri", "Quản Trị", "matkhau-quantri")
    fresh_store.actor = auth.sign_in(fresh_store, "quantri", "matkhau-quantri")
    auth.create_officer(fresh_store, "canbo1", "Cán Bộ Một", "intake", "matkhau-canbo1")
    auth.sign_in(fresh_store, "canbo1", "matkhau-canbo1")
    with pytest.raises(PermissionDenied):
        backup_service.backup_to_folder(fresh_store, tmp_path / "usb")
    with pytest.raises(PermissionDenied):
        backups.restore(fresh_store, tmp_path / "x.sqlite")
    assert not (tmp_path / "usb").exists()
    backup_service.automatic_backup(fresh_store)  # the automatic backup runs whoever is signed in


# ---- personal data, sensitive reads, audit queries --------------------------------------------------
def test_id_numbers_masked_in_lists_and_reveal_is_logged(fresh_store):
    assert display_id_number(fresh_store, "091085001234") == "091******234"
    assert display_id_number(fresh_store, None) == ""
    assert fresh_store.scalar("SELECT count(*) FROM audit_log") == 0
    full = display_id_number(fresh_store, "091085001234", reveal=True, object_type="organization", object_id=7)
    assert full == "091085001234"
    line = fresh_store.query_one("SELECT * FROM audit_log WHERE action = 'personal_id.reveal'")
    assert line["object_type"] == "organization" and line["object_id"] == "7"
    assert "091085001234" not in (line["detail"] or "")  # the log itself keeps it masked


def test_administrator_sees_id_numbers_masked_only(fresh_store):
    fresh_store.actor = auth.create_first_admin(fresh_store, "quantri", "Quản Trị", "matkhau-quantri")
    before = fresh_store.scalar("SELECT count(*) FROM audit_log")
    assert display_id_number(fresh_store, "091085001234") == "091******234"
    with pytest.raises(PermissionDenied, match="xem đầy đủ số định danh"):
        display_id_number(fresh_store, "091085001234", reveal=True)
    assert fresh_store.scalar("SELECT count(*) FROM audit_log") == before


def test_audit_log_cannot_be_changed(fresh_store):
    fresh_store.audit("test.action", "x", 1)
    with pytest.raises(sqlite3.IntegrityError, match="chỉ được ghi thêm"):
        fresh_store.execute("UPDATE audit_log SET action = 'khác'")
    with pytest.raises(sqlite3.IntegrityError, match="chỉ được ghi thêm"):
        fresh_store.execute("DELETE FROM audit_log")


def test_audit_filters_and_export(fresh_store, clock, tmp_path):
    audit_query.log_sensitive_read(fresh_store, "registry.export", "danh-sach.xlsx", object_type="file")
    audit_query.log_sensitive_read(fresh_store, "xem hồ sơ", 12, object_type="dossier")
    clock.advance(days=2)
    fresh_store.set_setting("idle_lock_minutes", 5)
    everything = audit_query.query_audit(fresh_store)
    assert [r["action"] for r in everything] == ["setting.update", "sensitive.read", "registry.export"]
    day = clock.when.date()
    assert audit_query.count_audit(fresh_store, AuditFilter(date_from=day, date_to=day)) == 1
    assert audit_query.count_audit(fresh_store, AuditFilter(date_to=day - dt.timedelta(days=1))) == 2
    assert audit_query.count_audit(fresh_store, AuditFilter(action="registry.")) == 1
    assert audit_query.count_audit(fresh_store, AuditFilter(object_type="dossier", object_id="12")) == 1
    assert audit_query.count_audit(fresh_store, AuditFilter(text="xem hồ sơ")) == 1
    assert audit_query.count_audit(fresh_store, AuditFilter(officer_id=99)) == 0
    out = tmp_path / "nhat-ky.xlsx"
    assert export_audit(fresh_store, AuditFilter(action="registry."), out) == 1
    from openpyxl import load_workbook

    sheet = load_workbook(out, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Thời gian" and rows[1][3] == "registry.export"
    exported = audit_query.query_audit(fresh_store, AuditFilter(action="audit.export"))
    assert len(exported) == 1 and "nhat-ky.xlsx" in exported[0]["detail"]
    with pytest.raises(UserError, match=".xlsx hoặc .csv"):
        export_audit(fresh_store, None, tmp_path / "nhat-ky.pdf")
