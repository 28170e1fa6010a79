"""Issue 14, item 2: a tamper-evident record. One attack per bullet of "The record can be rewritten and
`check` passes"; each is made the way an attacker with the file and plain ``sqlite3`` would make it, and
each passed `check` (or restore, or import) before the record chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3

import pytest

from models.core.errors import UserError
from models.core.store import Store
from models.dossiers import records as dossiers
from models.dossiers import status as ds
from models.reports.period import week_ending
from models.security import backups, record_chain
from models.sync.consolidation import week_status
from models.sync.export import _next_sequence
from models.sync.reader import read_sync_file
from services import backups as backup_service
from services.reports import ReportForm, issue_report
from services.sync import export_workbook, merge_files
from tests.factories.dossiers import add_officers, declared_from, make_org, setup_unit
from tests.factories.sync import make_data, make_province, trust
from tests.factories.sync import make_unit as make_sync_unit

D = dt.date


def _problems(path) -> list[str]:
    return backups.check_file(path)["problems"]


@pytest.fixture
def record(db_path, clock):
    """A unit's database with dossiers moved through their states and an issued weekly report; closed."""
    store = Store(db_path, clock=clock)
    setup_unit(store)
    add_officers(store)
    org_id = make_org(store)
    other = make_org(store, tax="0101243150", name="Hợp tác xã Nông nghiệp Đồng Tâm", rep_id="079190001234")
    ids = []
    for org in (org_id, other, org_id):
        dossier_id = dossiers.create(store, declared=declared_from(store, org), channel="Trực tiếp tại đơn vị",
                                     org_id=org)
        ds.move(store, dossier_id, "verifying")
        ids.append(dossier_id)
    ds.move(store, ids[0], "verified")
    ds.move(store, ids[0], "issued")
    ds.move(store, ids[2], "refused", reason="Khai sai thông tin người đại diện")
    issue_report(store, week_ending(D(2025, 1, 8)), ReportForm(difficulties="Mạng chậm"), 4)
    store.close()
    return db_path


def _raw(path) -> sqlite3.Connection:
    """The attacker's tool: plain sqlite3, none of the program's functions."""
    return sqlite3.connect(str(path), isolation_level=None)


def test_an_untouched_record_passes_and_plain_sqlite_cannot_append(record):
    assert _problems(record) == []
    conn = _raw(record)
    with pytest.raises(sqlite3.OperationalError, match="record_chain_hash"):
        conn.execute("INSERT INTO audit_log(at, officer_id, action) VALUES ('2025-01-02 08:00:00', 1, 'giả')")
    with pytest.raises(sqlite3.IntegrityError, match="chỉ được ghi thêm"):
        conn.execute("DELETE FROM record_chain WHERE seq = (SELECT MAX(seq) FROM record_chain)")
    conn.close()


# ---- "Backdated INSERTs into the audit log" -----------------------------------------------------------------
def test_backdated_audit_line_outside_the_chain_is_found(record):
    conn = _raw(record)
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log_chain'").fetchone()[0]
    conn.execute("DROP TRIGGER audit_log_chain")
    conn.execute("INSERT INTO audit_log(at, officer_id, action, object_type, object_id, detail) VALUES "
                 "('2025-01-02 08:15:00', 3, 'dossier.status', 'dossier', '1', 'Đã kiểm tra đủ giấy tờ')")
    conn.execute(trigger)
    conn.close()
    found = _problems(record)
    assert any("không nằm trong chuỗi băm" in p for p in found), found


def test_backdated_audit_line_chained_by_an_attacker_who_knows_the_algorithm_is_found(record):
    conn = _raw(record)
    record_chain.register(conn)  # the algorithm is public (docs/security.md)
    conn.execute("INSERT INTO audit_log(at, officer_id, action, object_type, object_id, detail) VALUES "
                 "('2025-01-02 08:15:00', 3, 'dossier.status', 'dossier', '1', 'Đã kiểm tra đủ giấy tờ')")
    conn.close()
    found = _problems(record)
    assert any("ghi lùi ngày" in p for p in found), found


# ---- "DROP TRIGGER, rewrite, recreate" --------------------------------------------------------------------
def test_audit_line_rewritten_behind_a_dropped_and_recreated_trigger_is_found(record):
    conn = _raw(record)
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_log_no_update'").fetchone()[0]
    conn.execute("DROP TRIGGER audit_log_no_update")
    changed = conn.execute("UPDATE audit_log SET officer_id = 2 WHERE action = 'dossier.status' "
                           "AND id = (SELECT MIN(id) FROM audit_log WHERE action = 'dossier.status')").rowcount
    conn.execute(trigger)
    conn.close()
    assert changed == 1
    found = _problems(record)
    assert any("không khớp" in p and "dòng nhật ký" in p for p in found), found
    assert not any("trigger" in p.lower() for p in found)  # the trigger itself is back as it was


def test_a_missing_or_altered_protective_trigger_is_found(record):
    conn = _raw(record)
    conn.execute("DROP TRIGGER dossier_events_no_delete")
    conn.execute("DROP TRIGGER reports_no_update")
    conn.execute("CREATE TRIGGER reports_no_update BEFORE UPDATE OF sha256 ON reports WHEN 0 "
                 "BEGIN SELECT RAISE(ABORT, 'Báo cáo đã ban hành không được sửa'); END")
    conn.close()
    found = _problems(record)
    assert any("Thiếu trigger bảo vệ «dossier_events_no_delete»" in p for p in found), found
    assert any("«reports_no_update»" in p and "thay đổi" in p for p in found), found


# ---- "deleting a dossier and its history" -------------------------------------------------------------------
def test_dossier_deleted_with_its_history_leaves_a_gap(record):
    conn = _raw(record)
    saved = {n: conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (n,)).fetchone()[0]
             for n in ("dossiers_no_delete", "dossier_events_no_delete")}
    for name in saved:
        conn.execute(f"DROP TRIGGER {name}")
    victim = conn.execute("SELECT id FROM dossiers WHERE status = 'refused'").fetchone()[0]
    for table in ("dossier_events", "verification_findings", "manual_checks"):
        conn.execute(f"DELETE FROM {table} WHERE dossier_id = ?", (victim,))
    conn.execute("DELETE FROM dossiers WHERE id = ?", (victim,))
    for sql in saved.values():
        conn.execute(sql)
    conn.close()
    found = _problems(record)
    assert any("đã bị xoá" in p and "sự kiện hồ sơ" in p for p in found), found


# ---- "replacing an issued report's PDF and its SHA-256" ----------------------------------------------------
def test_issued_report_pdf_replaced_with_its_sha256_is_found(record):
    forged = b"%PDF-1.4\n% bao cao da sua so lieu\n%%EOF\n"
    conn = _raw(record)
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'reports_no_update'").fetchone()[0]
    conn.execute("DROP TRIGGER reports_no_update")
    conn.execute("UPDATE reports SET pdf = ?, sha256 = ?", (forged, hashlib.sha256(forged).hexdigest()))
    conn.execute(trigger)
    conn.close()
    found = _problems(record)
    assert any("báo cáo đã ban hành" in p and "không khớp" in p for p in found), found


def test_pdf_replaced_alone_is_found(record):
    conn = _raw(record)
    conn.execute("DROP TRIGGER reports_no_update")
    conn.execute("UPDATE reports SET pdf = ?", (b"%PDF-1.4 khac\n",))
    conn.close()
    found = _problems(record)
    assert any("Tệp PDF của báo cáo" in p for p in found), found


# ---- "status changes made directly in SQLite leave no event" -----------------------------------------------
def test_status_changed_directly_in_sqlite_is_found(record):
    conn = _raw(record)
    conn.execute("UPDATE dossiers SET status = 'issued', issued_on = '2025-01-09' WHERE status = 'refused'")
    conn.close()
    found = _problems(record)
    assert any("có trạng thái «issued»" in p and "«refused»" in p for p in found), found


def test_the_whole_chain_recomputed_no_longer_matches_the_head_printed_on_the_report(record):
    """An attacker who rewrites a line and recomputes every hash after it: the chain is consistent again,
    but not with the head the issued report printed (nor with what the province stored)."""
    conn = _raw(record)
    record_chain.register(conn)
    printed = json.loads(conn.execute("SELECT figures FROM reports").fetchone()[0])["record_head"]
    for name in ("audit_log_no_update", "record_chain_no_update", "record_chain_no_delete"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE audit_log SET officer_id = 2 WHERE id = (SELECT MIN(id) FROM audit_log "
                 "WHERE action = 'dossier.status')")
    conn.execute("DELETE FROM record_chain")
    conn.execute("DROP TABLE record_chain")
    for name in record_chain.CHAIN_TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    with conn:
        record_chain.install(_NoAlter(conn))
    conn.close()
    found = _problems(record)
    assert printed and any(f"in mã kiểm tra {printed}" in p for p in found), found


class _NoAlter:
    """``install`` on a database that already has the province's columns."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql, params=()):
        if sql.startswith("ALTER TABLE remote_units"):
            return None
        return self.conn.execute(sql, params)


def test_cli_check_exits_non_zero_with_vietnamese_findings(record, run_cli):
    conn = _raw(record)
    conn.execute("UPDATE dossiers SET status = 'activated' WHERE status = 'issued'")
    conn.close()
    done = run_cli("check", "--db", record)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["record_chain"]["head"]["seq"] > 10
    assert any("trạng thái «activated»" in p for p in report["problems"])
    assert "Traceback" not in done.stderr and "Lỗi:" in done.stderr


# ---- restore ------------------------------------------------------------------------------------------------
def _backup(path, clock, folder) -> str:
    store = Store(path, clock=clock)
    try:
        return str(backup_service.backup_to_folder(store, folder).path)
    finally:
        store.close()


def test_restore_refuses_a_backup_whose_record_was_rewritten(record, clock, tmp_path):
    backup = _backup(record, clock, tmp_path / "usb")
    conn = _raw(backup)
    conn.execute("UPDATE dossiers SET status = 'issued' WHERE status = 'refused'")
    conn.close()
    store = Store(record, clock=clock)
    try:
        with pytest.raises(UserError, match="trạng thái"):
            backups.restore(store, backup, confirmed=True)
        assert store.scalar("SELECT COUNT(*) FROM dossiers WHERE status = 'refused'") == 1
    finally:
        store.close()


def _other_database(path, clock, *, code, kind="local") -> None:
    store = Store(path, clock=clock)
    with store.atomic():
        unit = store.execute("INSERT INTO units(code, name, kind, created_at) VALUES (?,?,?,?)",
                             (code, f"Đơn vị {code}", kind, store.now_iso())).lastrowid
    store.set_setting("unit_id", unit, audit=False)
    store.close()


@pytest.mark.parametrize("code, kind, words", [("CAX-BINHAN", "local", "mã CAX-BINHAN"),
                                               ("PC06-AG", "province", "Công an tỉnh")])
def test_restore_refuses_another_units_or_the_provinces_database(record, clock, tmp_path, code, kind, words):
    foreign = tmp_path / "khac.sqlite"
    _other_database(foreign, clock, code=code, kind=kind)
    backup = _backup(foreign, clock, tmp_path / "usb")
    store = Store(record, clock=clock)
    try:
        with pytest.raises(UserError, match=words):
            backups.restore(store, backup, confirmed=True)
        assert store.scalar("SELECT COUNT(*) FROM dossiers") == 3
    finally:
        store.close()


def test_restore_warns_what_is_lost_keeps_audit_lines_and_sync_numbers(record, clock, tmp_path):
    backup = _backup(record, clock, tmp_path / "usb")
    store = Store(record, clock=clock)
    org = store.scalar("SELECT MIN(id) FROM organizations")
    dossiers.create(store, declared=declared_from(store, org), channel="Trực tiếp tại đơn vị", org_id=org)
    export_workbook(store, tmp_path, full=True, unencrypted=True)  # a sync file sent after the backup: number 1
    sent = _next_sequence(store) - 1
    lines_after = store.query("SELECT action, object_id FROM audit_log WHERE action IN "
                              "('dossier.create', 'sync.export') ORDER BY id DESC LIMIT 2")
    preview = backups.restore_preview(store, backup)
    assert preview["lost"]["dossiers"] == 1 and "1 hồ sơ tạo mới" in preview["warning"]
    with pytest.raises(UserError, match="xác nhận"):
        backups.restore(store, backup)
    assert store.scalar("SELECT COUNT(*) FROM dossiers") == 4  # nothing changed without confirmation
    try:
        result = backups.restore(store, backup, confirmed=True)
        assert result["lost"]["dossiers"] == 1
        assert store.scalar("SELECT COUNT(*) FROM dossiers") == 3  # the backup's
        kept = store.query("SELECT action, object_id, detail FROM audit_log WHERE detail LIKE ? ORDER BY id",
                           (backups.KEPT_MARK + "%",))
        assert {(k["action"], k["object_id"]) for k in kept} >= {(r["action"], r["object_id"]) for r in lines_after}
        assert _next_sequence(store) == sent + 1  # number 1 was used: never again
    finally:
        store.close()
    assert _problems(record) == []  # the kept lines are chained like any other


def test_cli_restore_needs_yes(db_path, clock, tmp_path, run_cli):
    store = Store(db_path, clock=clock)
    setup_unit(store)
    store.close()
    backup = _backup(db_path, clock, tmp_path / "usb")
    store = Store(db_path, clock=clock)
    store.set_setting("idle_lock_minutes", "25")
    store.close()
    record = db_path
    done = run_cli("restore", "--db", record, backup)
    assert done.returncode == 2 and "--yes" in done.stderr, done.stderr
    done = run_cli("restore", "--db", record, backup, "--yes")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["lost"]["changes"] == 1


# ---- sync files carry the head; the province stores it ----------------------------------------------------
def test_sync_file_carries_the_head_and_the_province_flags_a_rewrite(tmp_path, clock):
    unit = Store(tmp_path / "unit.sqlite", clock=clock)
    province = Store(tmp_path / "province.sqlite", clock=clock)
    try:
        make_data(unit, make_sync_unit(unit), 12, seed=3)
        make_province(province)
        trust(province, unit)
        first = export_workbook(unit, tmp_path / "so1.xlsx", full=True, unencrypted=True)
        info = read_sync_file(first.path).info
        head = {"seq": info["record_seq"], "hash": info["record_hash"]}
        assert head["seq"] == record_chain.head(unit.conn)["seq"] - 1  # then the export's own audit line
        assert record_chain.hash_at(unit.conn, head["seq"]) == head["hash"]
        [merged] = merge_files(province, [first.path])
        assert merged.status == "accepted" and "Cảnh báo" not in merged.reason
        stored = province.query_one("SELECT record_seq, record_hash FROM remote_units WHERE code = 'CAH-CT'")
        assert stored == {"record_seq": head["seq"], "record_hash": head["hash"]}

        # The unit's record is rewritten and the whole chain recomputed (consistent again on its own).
        unit.close()
        conn = _raw(tmp_path / "unit.sqlite")
        for name in ("record_chain_no_update",):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE record_chain SET hash = ? WHERE seq = ?", ("f" * 64, head["seq"]))
        conn.close()
        unit = Store(tmp_path / "unit.sqlite", clock=clock)
        second = export_workbook(unit, tmp_path / "so2.xlsx", unencrypted=True)
        [merged] = merge_files(province, [second.path])
        assert merged.status == "accepted" and "không nối tiếp" in merged.reason
        warning = province.scalar("SELECT record_warning FROM remote_units WHERE code = 'CAH-CT'")
        assert "không nối tiếp" in warning
        shown = week_status(province, D.fromisoformat(second.period_end))  # the province's unit table
        assert [u.record_warning for u in shown if u.code == "CAH-CT"] == [warning]
    finally:
        unit.close()
        province.close()


def test_chain_heads_compare():
    stored = {"record_seq": 10, "record_hash": "a" * 64}
    assert record_chain.compare_heads(stored, {"record_seq": 15, "record_hash": "c" * 64, "record_prev_seq": 10,
                                               "record_prev_hash": "a" * 64}) is None
    assert "lùi lại" in record_chain.compare_heads(stored, {"record_seq": 4, "record_hash": "b" * 64})
    assert "không nối tiếp" in record_chain.compare_heads(stored, {"record_seq": 10, "record_hash": "b" * 64})
    assert record_chain.compare_heads(None, {"record_seq": 4}) is None


# ---- "Importing organizations writes no audit line" --------------------------------------------------------
def test_organizations_import_writes_its_audit_line(fresh_store, tmp_path):
    from models.registry import importing

    setup_unit(fresh_store)
    path = tmp_path / "dkkd.csv"
    path.write_text("Mã số thuế,Tên doanh nghiệp,Địa chỉ\n0100233488,Công ty TNHH Sao Mai,12 Trần Phú\n"
                    "0101243150,Công ty CP Đồng Tâm,5 Lê Lợi\n", encoding="utf-8")
    result = importing.import_file(fresh_store, path, 1)
    assert result.written
    line = fresh_store.query_one("SELECT * FROM audit_log WHERE action = 'registry.import'")
    assert line is not None and line["object_id"] == str(result.import_id)
    detail = json.loads(line["detail"])
    assert detail["file"] == "dkkd.csv" and detail["inserted"] == 2


def test_issued_report_file_replaced_where_it_was_saved_is_found(db_path, clock, tmp_path, run_cli):
    store = Store(db_path, clock=clock)
    setup_unit(store)
    out = tmp_path / "bao-cao" / "bc-tuan.pdf"
    out.parent.mkdir()
    issue_report(store, week_ending(D(2025, 1, 8)), ReportForm(), 7, out)
    store.close()
    assert run_cli("check", "--db", db_path).returncode == 0
    out.write_bytes(out.read_bytes().replace(b"/Producer", b"/Producex"))
    done = run_cli("check", "--db", db_path)
    assert done.returncode == 1
    assert any("bc-tuan.pdf" in p and "khác bản đã ban hành" in p for p in json.loads(done.stdout)["problems"])


def test_migration_chains_the_rows_an_older_program_wrote(db_path, clock):
    from models.core.migrations import all_migrations

    # every migration but m013, so today's model code can write the rows an older program wrote unchained
    store = Store(db_path, clock=clock, migrate=False)
    chain_migration = None
    for module in all_migrations():
        if module.VERSION == record_chain.VERSION:
            chain_migration = module
            continue
        with store.atomic():
            module.up(store)
            store.set_user_version(module.VERSION)
    setup_unit(store)
    add_officers(store)
    org = make_org(store)
    dossier_id = dossiers.create(store, declared=declared_from(store, org), channel="Trực tiếp tại đơn vị",
                                 org_id=org)
    ds.move(store, dossier_id, "verifying")
    clock.advance(days=1)
    issue_report(store, week_ending(D(2025, 1, 8)), ReportForm(), 2)
    rows = sum(store.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("audit_log", "dossier_events", "reports"))
    assert store.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'record_chain'") == 0
    with store.atomic():
        chain_migration.up(store)  # m013 over the rows already there
    store.close()

    store = Store(db_path, clock=clock)
    try:
        assert store.scalar("SELECT COUNT(*) FROM record_chain") == rows > 5
        kinds = [r["kind"] for r in store.query("SELECT kind FROM record_chain ORDER BY seq")]
        assert kinds.index("report") > kinds.index("event")  # oldest first
        assert record_chain.verify(store.conn) == []
    finally:
        store.close()


def test_a_desk_clock_put_back_once_is_one_finding_not_one_per_line(fresh_store, clock):
    for days in (0, 400, 1, 1, 2):  # the clock ran a year ahead for one line, then was corrected
        clock.when = dt.datetime(2025, 1, 9, 9, 30) + dt.timedelta(days=days)
        fresh_store.set_setting("idle_lock_minutes", str(days + 5))
    found = [p for p in record_chain.verify(fresh_store.conn) if "ghi lùi ngày" in p]
    assert len(found) == 1 and "đồng hồ máy bị chỉnh lùi" in found[0]


def test_the_head_in_a_sync_file_is_covered_by_its_checksum(tmp_path, clock):
    import openpyxl

    unit = Store(tmp_path / "unit.sqlite", clock=clock)
    try:
        make_data(unit, make_sync_unit(unit), 5, seed=4)
        sent = export_workbook(unit, tmp_path / "so1.xlsx", full=True, unencrypted=True)
    finally:
        unit.close()
    wb = openpyxl.load_workbook(sent.path)
    sheet = wb["ThongTin"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "record_hash")
    row[2].value = "0" * 64  # an older head, to hide a rewrite from the province
    wb.save(tmp_path / "sua.xlsx")
    with pytest.raises(UserError, match="đã bị sửa sau khi xuất"):
        read_sync_file(tmp_path / "sua.xlsx")
