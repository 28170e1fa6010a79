"""Personal data at rest and in transit (issue 14): masked audit lines and the m011 rewrite, backups 0600,
sync files encrypted unless an explicit logged opt-out, nothing plain left by a failed export."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import tempfile

import msoffcrypto
import pytest

from models.core.errors import UserError
from models.core.store import Store
from models.security.audit import AuditFilter, query_audit
from models.text.identifiers import mask_personal_ids
from services import sync as sync_service
from services.backups import backup_to_folder
from services.sync import export_workbook
from tests.factories.sync import make_data, make_unit

FULL = "091085000123"


def _unit(tmp_path, clock) -> Store:
    store = Store(tmp_path / "unit.sqlite", clock=clock, backup_dir=tmp_path / "backups")
    make_data(store, make_unit(store), 25, seed=3)
    return store


def test_masking_reaches_every_depth_and_leaves_other_numbers():
    value = {"declared": {"rep_id_number": FULL, "tax_code": "0100233488"}, "list": [{"id_number": FULL}],
             "sha256": "ab091085000123cd"}
    masked = mask_personal_ids(value)
    assert masked["declared"] == {"rep_id_number": "091******123", "tax_code": "0100233488"}
    assert masked["list"] == [{"id_number": "091******123"}] and masked["sha256"] == value["sha256"]
    assert mask_personal_ids(FULL, "rep_id_number") == "091******123"
    assert mask_personal_ids(FULL, "rep_phone") == FULL
    text = json.dumps({"rep_id_number": FULL})
    assert FULL not in mask_personal_ids(text)


def test_audit_lines_are_written_masked_and_search_finds_no_full_number(fresh_store):
    fresh_store.audit("dossier.create", "dossier", 1, new={"declared": {"rep_id_number": FULL}})
    fresh_store.audit("organization.update", "organization", 1, field="rep_id_number", old=FULL, new="079203001234")
    raw = " ".join(str(v) for r in fresh_store.query("SELECT old_value, new_value, detail FROM audit_log")
                   for v in r.values())
    assert FULL not in raw and "079203001234" not in raw and "091******123" in raw and "079******234" in raw
    assert query_audit(fresh_store, AuditFilter(text=FULL)) == []
    assert len(query_audit(fresh_store, AuditFilter(text="091******123"))) == 2


def test_m011_rewrites_old_lines_masked_and_keeps_the_log_append_only(db_path, clock):
    from models.core.migrations import all_migrations

    store = Store(db_path, clock=clock, migrate=False)  # a database as version 10 left it
    for module in all_migrations():
        if module.VERSION <= 10:
            with store.atomic():
                module.up(store)
                store.set_user_version(module.VERSION)
    # lines as the program wrote them before m011 (straight into the table)
    store.execute("INSERT INTO audit_log(at, officer_id, action, object_type, object_id, field, old_value, new_value,"
                  " detail) VALUES ('2025-01-02 08:00:00', 1, 'dossier.create', 'dossier', '7', NULL, NULL, ?, ?)",
                  (json.dumps({"declared": {"rep_id_number": FULL, "rep_name": "Lê Văn Tám"}}), '{"version": 1}'))
    store.execute("INSERT INTO audit_log(at, officer_id, action, object_type, object_id, field, old_value, new_value)"
                  " VALUES ('2025-01-03 08:00:00', 1, 'organization.update', 'organization', '3', 'rep_id_number',"
                  " ?, '079203001234')", (FULL,))
    store.execute("INSERT INTO audit_log(at, officer_id, action, object_type, object_id, detail)"
                  " VALUES ('2025-01-03 09:00:00', 1, 'sync.export', 'sync_export', '1', ?)",
                  ('{"sha256": "1234567890123456"}',))
    store.close()
    store = Store(db_path, clock=clock)  # migrates: m011 (and whatever follows it)
    try:
        rows = store.query("SELECT action, old_value, new_value, detail FROM audit_log ORDER BY id")
        text = json.dumps(rows, ensure_ascii=False)
        assert FULL not in text and "079203001234" not in text
        create = json.loads(rows[0]["new_value"])
        assert create["declared"] == {"rep_id_number": "091******123", "rep_name": "Lê Văn Tám"}
        assert rows[1]["old_value"] == "091******123" and rows[1]["new_value"] == "079******234"
        assert rows[2]["detail"] == '{"sha256": "1234567890123456"}'  # untouched
        with pytest.raises(sqlite3.DatabaseError, match="chỉ được ghi thêm"):
            store.execute("UPDATE audit_log SET detail = 'x' WHERE id = 1")
        with pytest.raises(sqlite3.DatabaseError, match="chỉ được ghi thêm"):
            store.execute("DELETE FROM audit_log WHERE id = 1")
    finally:
        store.close()


def test_backups_and_new_databases_are_readable_by_their_owner_only(tmp_path, clock):
    store = _unit(tmp_path, clock)
    try:
        info = backup_to_folder(store, tmp_path / "usb")
        assert stat.S_IMODE(os.stat(info.path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    finally:
        store.close()


def test_export_without_password_is_refused_unless_the_opt_out_which_is_logged(tmp_path, clock):
    store = _unit(tmp_path, clock)
    try:
        with pytest.raises(UserError, match="phải đặt mật khẩu"):
            export_workbook(store, tmp_path / "a.xlsx", full=True)
        assert not (tmp_path / "a.xlsx").exists()
        plain = export_workbook(store, tmp_path / "a.xlsx", full=True, unencrypted=True)
        locked = export_workbook(store, tmp_path / "b.xlsx", full=True, password="mat-khau-1")
        details = [json.loads(r["detail"]) for r in store.query(
            "SELECT detail FROM audit_log WHERE action = 'sync.export' ORDER BY id")]
        assert details[0]["unencrypted_opt_out"] is True and details[0]["protected"] is False
        assert "unencrypted_opt_out" not in details[1] and details[1]["protected"] is True
        assert plain.warning and not locked.warning
        with open(locked.path, "rb") as fh:
            assert msoffcrypto.OfficeFile(fh).is_encrypted()
    finally:
        store.close()


@pytest.mark.parametrize("where", ["writing a sheet", "encrypting"])
def test_a_failed_export_leaves_nothing_plain_anywhere(tmp_path, clock, monkeypatch, where):
    temp = tmp_path / "system-temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    out = tmp_path / "usb"
    out.mkdir()
    store = _unit(tmp_path, clock)
    seen_private: list[str] = []
    if where == "encrypting":
        def fail(source, target, password):
            target.write(source.getvalue()[:4096])
            raise OSError(28, "No space left on device")
        monkeypatch.setattr(sync_service, "encrypt_workbook", fail)
    else:
        real = sync_service.write_sync_workbook

        def fail(out_, info, sheets, progress=None, *, tmpdir=None, sign=None):
            seen_private.append(tmpdir)
            assert stat.S_IMODE(os.stat(tmpdir).st_mode) == 0o700

            original = sheets[1].rows

            def rows():
                for n, row in enumerate(original):
                    if n == 5:
                        raise OSError(5, "Input/output error")
                    yield row
            sheets[1].rows = rows()
            return real(out_, info, sheets, progress, tmpdir=tmpdir, sign=sign)
        monkeypatch.setattr(sync_service, "write_sync_workbook", fail)
    try:
        with pytest.raises((UserError, OSError)):
            export_workbook(store, out / "dongbo.xlsx", full=True, password="mat-khau-1")
        assert list(out.iterdir()) == []  # no partial, no plain workbook, no target
        assert list(temp.iterdir()) == []  # the private folder and xlsxwriter's part files are gone
        assert store.scalar("SELECT count(*) FROM sync_exports") == 0
        assert all(not os.path.exists(p) for p in seen_private)
    finally:
        store.close()


def test_the_cli_refuses_an_export_without_password_and_accepts_the_opt_out(tmp_path, clock, run_cli):
    store = _unit(tmp_path, clock)
    store.close()
    refused = run_cli("export", "--db", tmp_path / "unit.sqlite", "--out", tmp_path / "a.xlsx", "--full")
    assert refused.returncode == 2 and "--unencrypted" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "a.xlsx").exists()
    done = run_cli("export", "--db", tmp_path / "unit.sqlite", "--out", tmp_path / "a.xlsx", "--full", "--unencrypted")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["protected"] is False


def test_organizations_get_masks_unless_a_permitted_reveal_which_is_logged(fresh_store):
    from models.core.errors import PermissionDenied
    from models.registry import organizations as orgs
    from tests.factories.dossiers import add_officers, make_org, setup_unit

    setup_unit(fresh_store)
    officers = add_officers(fresh_store)
    org_id = make_org(fresh_store, rep_id=FULL)
    assert orgs.get(fresh_store, org_id)["rep_id_number"] == "091******123"
    assert orgs.load(fresh_store, org_id)["rep_id_number"] == FULL  # the models' own logic
    fresh_store.actor = officers["quantri"]  # administrators see numbers masked only
    assert orgs.get(fresh_store, org_id)["rep_id_number"] == "091******123"
    with pytest.raises(PermissionDenied):
        orgs.get(fresh_store, org_id, reveal=True)
    fresh_store.actor = officers["canbo1"]
    assert orgs.get(fresh_store, org_id, reveal=True)["rep_id_number"] == FULL
    line = fresh_store.query_one("SELECT * FROM audit_log WHERE action = 'personal_id.reveal' ORDER BY id DESC")
    assert line["officer_id"] == officers["canbo1"].id and line["object_id"] == str(org_id)
    assert FULL not in json.dumps(line)


KILLED_EXPORT = """
import sys, time
sys.path.insert(0, sys.argv[3])
from models.core.store import Store
from services import sync
real = sync.write_sync_workbook

def slow(out, info, sheets, progress=None, *, tmpdir=None, sign=None):
    original = sheets[2].rows  # ToChuc: the representatives' numbers

    def rows():
        for n, row in enumerate(original):
            if n == 10:
                print("READY", flush=True)
                time.sleep(120)
            yield row
    sheets[2].rows = rows()
    return real(out, info, sheets, progress, tmpdir=tmpdir, sign=sign)

sync.write_sync_workbook = slow
store = Store(sys.argv[1])
sync.export_workbook(store, sys.argv[2], full=True, password="mat-khau-1")
"""


def test_a_killed_export_leaves_no_plain_text_at_the_destination_and_its_private_folder_is_swept(tmp_path, clock):
    import subprocess
    import sys
    from pathlib import Path

    store = _unit(tmp_path, clock)
    ids = {r["rep_id_number"] for r in store.query("SELECT rep_id_number FROM organizations WHERE rep_id_number "
                                                   "IS NOT NULL")}
    store.close()
    temp, out = tmp_path / "system-temp", tmp_path / "usb"
    temp.mkdir()
    out.mkdir()
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-c", KILLED_EXPORT, str(tmp_path / "unit.sqlite"), str(out / "d.xlsx"),
                             str(root)], stdout=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)})
    try:
        assert proc.stdout.readline().strip() == "READY"
    finally:
        proc.kill()
        proc.wait()
    assert list(out.iterdir()) == []  # nothing plain (nor anything at all) on the stick
    left = list(temp.glob("sodinhdanh-*"))
    assert len(left) == 1 and stat.S_IMODE(os.stat(left[0]).st_mode) == 0o700  # a private folder, owner only
    assert any(any(i.encode() in p.read_bytes() for i in ids) for p in left[0].rglob("*") if p.is_file())
    os.utime(left[0], (0, 0))  # hours later: the next export sweeps it
    old_tempdir = tempfile.tempdir
    tempfile.tempdir = str(temp)
    try:
        assert sync_service.sweep_private_folders() == left
    finally:
        tempfile.tempdir = old_tempdir
    assert not left[0].exists()
