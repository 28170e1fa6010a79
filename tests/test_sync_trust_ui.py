"""The province's side of trust (issue 14), driven like an officer would: register a unit's key from the file
the unit saved (fingerprint read out in groups, confirmed), list the units with their fingerprints, accept an
unsigned 1.x file explicitly (naming file and unit, audited), accept skipping lost sequence numbers with a
reason (model function with permission check, audit line, CLI option)."""

from __future__ import annotations

import inspect
import json

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from exporters.sync_workbook import write_sync_workbook
from models.core.errors import PermissionDenied, UserError
from models.core.store import Actor, Store
from models.sync.export import acknowledge
from models.sync.format import SHEET_COLUMNS, SheetData
from models.sync.keys import ensure_key
from models.sync.merge import merge_files, registered_units, skip_gap
from models.sync.reader import read_sync_file
from services.sync import export_workbook
from tests.factories.sync import make_data, make_officer, make_province, make_unit, touch_dossiers, trust
from ui.context import AppContext
from ui.pages.sync import SyncPage
from ui.pages.sync_export_panel import ExportPanel


def _export(store, out, **kw):
    """``export_workbook`` without a password (these tests look inside the files): where an export is
    encrypted by default (issue 14, personal data) that takes the explicit opt-out."""
    if "unencrypted" in inspect.signature(export_workbook).parameters:
        kw.setdefault("unencrypted", True)
    return export_workbook(store, out, **kw)


def _leader(store, role: str = "leader") -> Actor:
    officer = make_officer(store, "Trần Minh Chiến")
    store.execute("UPDATE officers SET role = ? WHERE id = ?", (role, officer))
    return Actor(officer, f"u{role}", "Trần Minh Chiến", role)


@pytest.fixture
def unit(tmp_path, clock):
    store = Store(tmp_path / "unit.sqlite", clock=clock)
    make_data(store, make_unit(store, "CAX-01", "Công an xã Bình An", area_prefix="1"), 40, seed=4)
    yield store
    store.close()


@pytest.fixture
def province(tmp_path, clock):
    store = Store(tmp_path / "tinh.sqlite", clock=clock)
    make_province(store)
    store.actor = _leader(store)
    yield store
    store.close()


@pytest.fixture
def page(province, qtbot):
    ctx = AppContext.create(province)
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.show()
    yield page
    ctx.changes.detach()
    QApplication.processEvents()


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _close_boxes() -> None:
    for box in _boxes():
        box.done(0)


def _merge(qtbot, panel, op):
    assert op is not None
    qtbot.waitUntil(lambda: not op.is_running() and (op.result is not None or op.error is not None), timeout=60000)
    assert op.error is None, op.error
    QApplication.processEvents()


# ---- registering a unit's key ------------------------------------------------------------------------
def test_the_province_registers_a_unit_key_from_the_unit_file_after_reading_the_fingerprint(
        unit, province, page, qtbot, tmp_path, monkeypatch):
    unit_ctx = AppContext.create(unit)
    try:
        export = ExportPanel(unit_ctx)
        qtbot.addWidget(export)
        asked = []
        monkeypatch.setattr("ui.pages.sync_export_panel.QFileDialog.getSaveFileName",
                            lambda _parent, _title, suggested, _filter: asked.append(suggested)
                            or (str(tmp_path / "khoa_CAX-01.txt"), ""))
        export.key_button.click()  # the unit saves its key file in its window
        assert asked and asked[0].endswith("khoa_CAX-01.txt")
        assert any("Dấu vân tay" in b.text() for b in _boxes())
        _close_boxes()
    finally:
        unit_ctx.changes.detach()
    fingerprint = ensure_key(unit).fingerprint

    keys_panel = page.merge_panel.keys_panel
    assert keys_panel.model.rowCount() == 0 and "Chưa có đơn vị" in keys_panel.summary.text()
    dialog = keys_panel.open_dialog()
    # a key file edited on the way is refused before anything can be registered
    forged = tmp_path / "sua.txt"
    text = (tmp_path / "khoa_CAX-01.txt").read_text(encoding="utf-8")
    public = ensure_key(unit).public_key
    forged.write_text(text.replace(public, public[::-1]), encoding="utf-8")
    assert dialog.load_file(forged) is False
    assert any("vân tay" in b.text() for b in _boxes())
    _close_boxes()
    assert not dialog.ok_button.isEnabled()

    assert dialog.load_file(tmp_path / "khoa_CAX-01.txt")
    assert dialog.code.text() == "CAX-01" and dialog.name.text() == "Công an xã Bình An"
    shown = dialog.fingerprint.text()
    groups = fingerprint.split()
    assert shown.splitlines()[0].endswith(f"4. {groups[3]}") and shown.splitlines()[1].startswith(f"5. {groups[4]}")
    assert not dialog.ok_button.isEnabled()  # not before the officer confirms the phone call
    dialog.matched.setChecked(True)
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted, [b.text() for b in _boxes()]
    assert province.scalar("SELECT public_key FROM remote_units WHERE code = 'CAX-01'") == ensure_key(unit).public_key
    line = province.query_one("SELECT * FROM audit_log WHERE action = 'sync.register_key'")
    assert line["new_value"] == fingerprint and line["officer_id"] == province.actor.id
    QApplication.processEvents()
    assert keys_panel.model.rowCount() == 1 and fingerprint in keys_panel.model.text(0, 2)
    assert "1/1 đơn vị" in keys_panel.summary.text()


def test_an_intake_officer_cannot_register_a_key(unit, province):
    province.actor = _leader(province, "intake")
    with pytest.raises(PermissionDenied):
        trust(province, unit)
    assert registered_units(province) == []


# ---- an unsigned 1.x file: the leader accepts it explicitly --------------------------------------------
def _unsigned(unit, tmp_path):
    genuine = _export(unit, tmp_path / "so1.xlsx", full=True).path
    sync = read_sync_file(genuine)
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256", "key_", "changes_"))}
    old = tmp_path / "ban-cu.xlsx"
    write_sync_workbook(old, {**info, "format_version": "1.0"},
                        [SheetData(n, SHEET_COLUMNS[n], sync.records[n]) for n in SHEET_COLUMNS])
    return old


def test_an_unsigned_file_is_merged_only_when_the_leader_accepts_it_naming_file_and_unit(
        unit, province, page, qtbot, tmp_path, monkeypatch):
    trust(province, unit)
    old = _unsigned(unit, tmp_path)
    panel = page.merge_panel
    asked = []
    answer = [False]
    monkeypatch.setattr("ui.pages.sync_merge_panel.ask_yes_no",
                        lambda _parent, title, text, **_k: asked.append(text) or answer[0])
    panel.drop_list.add_paths([old])
    _merge(qtbot, panel, panel.start_merge())
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert len(asked) == 1 and "ban-cu.xlsx" in asked[0] and "CAX-01" in asked[0] and "Công an xã Bình An" in asked[0]
    assert panel.results[0].status == "refused" and province.scalar("SELECT COUNT(*) FROM sync_files") == 0
    assert province.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.accept_unsigned'") == 0

    answer[0] = True
    _merge(qtbot, panel, panel.start_merge())  # merged again: asked again, accepted this time
    qtbot.waitUntil(lambda: panel.results[0].status == "accepted", timeout=60000)
    assert len(asked) == 2 and panel.results[0].unsigned
    line = province.query_one("SELECT * FROM audit_log WHERE action = 'sync.accept_unsigned'")
    detail = json.loads(line["detail"])
    assert detail["file"] == "ban-cu.xlsx" and detail["unit"] == "CAX-01" and detail["format_version"] == "1.0"
    assert line["officer_id"] == province.actor.id
    assert panel.drop_list.count() == 0


def test_accepting_an_unsigned_file_needs_the_override_permission(unit, province, tmp_path):
    trust(province, unit)
    old = _unsigned(unit, tmp_path)
    province.actor = _leader(province, "intake")
    with pytest.raises(PermissionDenied):
        merge_files(province, [old], accept_unsigned=True)  # intake officers do not merge at all
    province.actor = _leader(province, "leader")
    [res] = merge_files(province, [old], accept_unsigned=True)
    assert res.status == "accepted" and res.unsigned


# ---- a sequence gap: the leader accepts skipping lost files with a reason -------------------------------
def _three_files(unit, tmp_path, clock):
    paths = []
    for n in (1, 2, 3):
        clock.advance(hours=1)
        touch_dossiers(unit, 2)
        paths.append(_export(unit, tmp_path / f"so{n}.xlsx").path)
    return paths


def test_a_gap_is_shown_and_the_leader_skips_it_with_a_reason(unit, province, page, qtbot, tmp_path, clock):
    trust(province, unit)
    first, _lost, third = _three_files(unit, tmp_path, clock)
    panel = page.merge_panel
    panel.drop_list.add_paths([first, third])
    panel.merge_button.click()
    _merge(qtbot, panel, panel.last_op)
    assert [r.status for r in panel.results] == ["accepted", "refused"]
    assert panel.results[1].problem == "gap" and panel.results[1].missing == [2, 2]
    qtbot.waitUntil(lambda: panel.gap_dialog is not None)
    dialog = panel.gap_dialog
    assert dialog is not None and dialog.isVisible() and "tệp số 2" in dialog.windowTitle()
    assert any("so3.xlsx" in label.text() and "CAX-01" in label.text() for label in dialog.findChildren(QLabel))
    assert not dialog.ok_button.isEnabled()  # a reason is required
    dialog.text.setPlainText("USB chứa tệp số 2 bị hỏng; đơn vị xác nhận qua điện thoại 09/01")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: panel.results[1].status == "accepted", timeout=60000)
    assert province.scalar("SELECT last_sequence FROM remote_units WHERE code = 'CAX-01'") == 3
    skip = province.query_one("SELECT * FROM sync_gap_skips")
    assert (skip["from_sequence"], skip["to_sequence"]) == (2, 2) and "USB" in skip["reason"]
    line = province.query_one("SELECT * FROM audit_log WHERE action = 'sync.skip_gap'")
    assert json.loads(line["detail"])["reason"].startswith("USB chứa tệp số 2") and line["officer_id"] == province.actor.id
    assert panel.drop_list.count() == 0


def test_skip_gap_model_checks_permission_reason_and_range(unit, province, tmp_path, clock):
    trust(province, unit)
    first, _lost, third = _three_files(unit, tmp_path, clock)
    with pytest.raises(UserError, match="Chưa tổng hợp tệp nào"):
        skip_gap(province, "CAX-01", 2, "mất")
    merge_files(province, [first])
    province.actor = _leader(province, "intake")
    with pytest.raises(PermissionDenied):
        skip_gap(province, "CAX-01", 2, "mất USB")
    province.actor = _leader(province, "leader")
    with pytest.raises(UserError, match="lý do"):
        skip_gap(province, "CAX-01", 2, "   ")
    with pytest.raises(UserError, match="không thiếu"):
        skip_gap(province, "CAX-01", 1, "mất USB")
    assert province.scalar("SELECT COUNT(*) FROM sync_gap_skips") == 0
    assert skip_gap(province, "CAX-01", 2, "mất USB") == {"code": "CAX-01", "from": 2, "to": 2, "reason": "mất USB"}
    [res] = merge_files(province, [third])
    assert res.status == "accepted"


def test_merge_skip_gap_on_the_command_line_needs_a_reason_and_is_audited(run_cli, unit, tmp_path, clock):
    first, _lost, third = _three_files(unit, tmp_path, clock)
    province = Store(tmp_path / "cli-tinh.sqlite", clock=clock)
    try:
        make_province(province)
        trust(province, unit)
    finally:
        province.close()
    db = tmp_path / "cli-tinh.sqlite"
    assert run_cli("merge", "--db", db, first).returncode == 0
    gap = run_cli("merge", "--db", db, third)
    assert gap.returncode == 1 and "--skip-gap" in json.loads(gap.stdout)["reason"]
    no_reason = run_cli("merge", "--db", db, third, "--skip-gap")
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr and "Traceback" not in no_reason.stderr
    ok = run_cli("merge", "--db", db, third, "--skip-gap", "--reason", "Tệp số 2 thất lạc")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["status"] == "accepted"
    check = Store(db, migrate=False)
    try:
        detail = json.loads(check.scalar("SELECT detail FROM audit_log WHERE action = 'sync.skip_gap'"))
        assert detail == {"unit": "CAX-01", "from_sequence": 2, "to_sequence": 2, "reason": "Tệp số 2 thất lạc"}
    finally:
        check.close()


def test_acknowledged_then_lost_incremental_files_still_join(unit, province, tmp_path, clock):
    """Skipping a lost file loses no change: the next incremental file starts from the last acknowledged one."""
    trust(province, unit)
    first = _export(unit, tmp_path / "so1.xlsx").path
    acknowledge(unit, 1)
    clock.advance(hours=1)
    lost_changes = touch_dossiers(unit, 3)
    _export(unit, tmp_path / "so2.xlsx")  # never arrives, never acknowledged
    clock.advance(hours=1)
    touch_dossiers(unit, 1)
    third = _export(unit, tmp_path / "so3.xlsx").path
    merge_files(province, [first])
    [res] = merge_files(province, [third], skip_gap_reason="Tệp số 2 thất lạc")
    assert res.status == "accepted"
    statuses = {province.scalar("SELECT status FROM remote_dossiers WHERE uuid = ?", (u,)) for u in lost_changes}
    assert statuses == {"issued"}


def test_sync_key_and_sync_register_need_a_sign_in_and_the_permission(run_cli, unit, tmp_path, clock):
    from models.security import auth

    db = tmp_path / "tinh-dn.sqlite"
    store = Store(db, clock=clock)
    try:
        make_province(store)
        store.actor = auth.create_first_admin(store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
        auth.create_officer(store, "chihuy", "Trần Minh Chiến", "leader", "matkhau-chihuy")
        auth.create_officer(store, "canbo1", "Lê Thị Hồng Nhung", "intake", "matkhau-canbo1")
    finally:
        store.close()
    public = ensure_key(unit).public_key
    args = ("sync-register", "--db", db, "--unit", "CAX-01", "--key", public, "--name", "Công an xã Bình An")
    for command in (args, ("sync-key", "--db", db)):
        refused = run_cli(*command, env={"SODINHDANH_PASSWORD": ""})
        assert refused.returncode == 2 and "--user" in refused.stderr and "Traceback" not in refused.stderr
    intake = run_cli(*args, "--user", "canbo1", env={"SODINHDANH_PASSWORD": "matkhau-canbo1"})
    assert intake.returncode == 2 and "đăng ký khoá ký" in intake.stderr
    ok = run_cli(*args, "--user", "chihuy", env={"SODINHDANH_PASSWORD": "matkhau-chihuy"})
    assert ok.returncode == 0, ok.stderr
    check = Store(db, migrate=False)
    try:
        line = check.query_one("SELECT a.*, o.username FROM audit_log a JOIN officers o ON o.id = a.officer_id "
                               "WHERE action = 'sync.register_key'")
        assert line["username"] == "chihuy"
        signed_in = json.loads(check.scalar("SELECT detail FROM audit_log WHERE action = 'auth.sign_in' "
                                            "ORDER BY id DESC LIMIT 1"))
        assert signed_in["command"] == "sync-register" and signed_in["via"] == "cli"
        assert signed_in["os_user"] and signed_in["host"]
    finally:
        check.close()
