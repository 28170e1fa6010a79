"""The attack (issue 14, "Personal ID numbers leak around the masking"): after a representative session —
intake of dossiers, a corrected ID number, a reveal, backups (automatic and to a stick), a sync export, an
interrupted sync export, audit exports — look for every full 12-digit ID number of the seeded data in every
file the app wrote: the database and its WAL (through SQLite: which tables and columns hold them),
backups (the same, plus their permissions), the sync files, the system temporary folder, the audit exports.

The only places a full number may be are the records themselves (the organization's representative, the
dossier's declared form: the database file is not encrypted at rest, see docs/security.md) and the
encrypted sync file.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import tempfile
from pathlib import Path

import pytest

from models.core.errors import UserError
from models.core.store import Actor, Store
from models.dossiers import records
from models.registry import organizations as orgs
from models.security.audit import AuditFilter, query_audit
from models.security.personal_data import display_id_number
from services import sync as sync_service
from services.audit_export import export_audit
from services.backups import automatic_backup, backup_to_folder
from services.sync import export_workbook
from tests.factories.dossiers import add_officers, declared_from, messy_orgs, setup_unit

PASSWORD = "mat-khau-tinh"
# Where the records keep the full number by design (table, column); everything else must hold none.
RECORD_COLUMNS = {("organizations", "rep_id_number"), ("dossiers", "declared")}


def _as(store: Store, actor: Actor) -> Store:
    store.actor = actor
    return store


def _full_ids(store: Store) -> set[str]:
    ids = {r["rep_id_number"] for r in store.query("SELECT rep_id_number FROM organizations") if r["rep_id_number"]}
    for r in store.query("SELECT declared FROM dossiers"):
        ids |= set(re.findall(r'"rep_id_number": "(\d{12})"', r["declared"]))
    assert len(ids) >= 20 and all(re.fullmatch(r"\d{12}", i) for i in ids), ids
    return ids


def _columns_holding(db: Path, ids: set[str]) -> set[tuple[str, str]]:
    """(table, column) pairs whose text holds a full number, read through SQLite (WAL included)."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    found = set()
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%'")]
        pattern = re.compile("|".join(sorted(ids)))
        for table in tables:
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            for col in cols:
                for (value,) in conn.execute(f'SELECT "{col}" FROM "{table}" WHERE "{col}" IS NOT NULL'):
                    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    if pattern.search(text):
                        found.add((table, col))
                        break
    finally:
        conn.close()
    return found


def _files_holding(folder: Path, ids: set[str]) -> list[str]:
    pattern = re.compile("|".join(sorted(ids)).encode())
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if pattern.search(path.read_bytes()):
            hits.append(str(path))
    return hits


@pytest.fixture
def system_temp(tmp_path, monkeypatch):
    """The system temporary folder of this session (xlsxwriter and friends write there by default)."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_no_full_id_number_in_any_file_the_app_writes(tmp_path, clock, system_temp, monkeypatch):
    db = tmp_path / "unit.sqlite"
    stick, outbox, exports = tmp_path / "usb", tmp_path / "gui-di", tmp_path / "nhat-ky"
    for folder in (stick, outbox, exports):
        folder.mkdir()
    store = Store(db, clock=clock, backup_dir=tmp_path / "backups")
    setup_unit(store)
    officers = add_officers(store)
    org_ids = messy_orgs(store, 30)

    # intake: dossiers for half the organizations, the declared form holding the representative's number
    _as(store, officers["canbo1"])
    for org_id in org_ids[:15]:
        records.create(store, declared=declared_from(store, org_id), channel="Trực tiếp tại đơn vị", org_id=org_id)
    # a corrected number (old and new go to the audit log) and a reveal (on screen, logged)
    orgs.update(store, org_ids[20], {"rep_id_number": "079203001234"})
    shown = display_id_number(store, "079203001234", reveal=True, object_type="organization", object_id=org_ids[20])
    assert shown == "079203001234"
    ids = _full_ids(store)

    # backups: automatic and to a USB stick
    _as(store, officers["quantri"])
    auto = automatic_backup(store, "daily")
    manual = backup_to_folder(store, stick)
    # sync export (with a password), and one interrupted halfway through encrypting
    _as(store, officers["chihuy"])
    export_workbook(store, outbox / "dongbo.xlsx", full=True, password=PASSWORD)

    def broken(source, target, password):
        target.write(source.getvalue()[:5000])
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(sync_service, "encrypt_workbook", broken)
        with pytest.raises(UserError, match="ổ đĩa đã đầy"):
            export_workbook(store, outbox / "dongbo-2.xlsx", full=True, password=PASSWORD)
    # the audit log exported by a leader (who may reveal) and searched for a full number
    export_audit(store, None, exports / "nhat-ky.csv")
    export_audit(store, None, exports / "nhat-ky.xlsx")
    assert query_audit(store, AuditFilter(text=sorted(ids)[0])) == []
    assert query_audit(store, AuditFilter(text="079203001234")) == []
    store.close()

    # the database and its WAL: only the records hold the numbers, never the audit log or anything else
    assert _columns_holding(db, ids) <= RECORD_COLUMNS, _columns_holding(db, ids) - RECORD_COLUMNS
    # backups: the same, and readable by their owner only (with the partial file they were written as)
    for backup in (Path(auto.path), Path(manual.path)):
        assert _columns_holding(backup, ids) <= RECORD_COLUMNS
        assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600, oct(os.stat(backup).st_mode)
    assert not list(stick.glob("*.partial")) and not list((tmp_path / "backups").glob("*.partial"))
    # sync files: encrypted; the interrupted one left nothing behind
    assert sorted(p.name for p in outbox.iterdir()) == ["dongbo.xlsx"]
    assert _files_holding(outbox, ids) == []
    # the system temporary folder and the audit exports: nothing at all
    assert _files_holding(system_temp, ids) == []
    assert _files_holding(exports, ids) == []
