"""The sign-in, first-administrator, lock and audit screens, driven like an officer would."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from models.core.permissions import ROLE_LABELS
from models.core.store import SYSTEM_ACTOR
from models.security import auth
from ui.shell.session import Session


@pytest.fixture
def officers_store(fresh_store):
    auth.create_first_admin(fresh_store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
    fresh_store.actor = auth.sign_in(fresh_store, "quantri", "matkhau-quantri")
    auth.create_officer(fresh_store, "canbo1", "Lê Thị Hồng Nhung", "intake", "matkhau-canbo1")
    auth.create_officer(fresh_store, "chihuy", "Trần Minh Chiến", "leader", "matkhau-chihuy")
    auth.sign_out(fresh_store)
    return fresh_store


@pytest.fixture
def session(officers_store, qtbot, monkeypatch):
    monkeypatch.setattr(QApplication, "quit", lambda *a: None)  # giving up must not end the test's app
    created = []

    def make(**kwargs):
        s = Session(officers_store, watch_interval_ms=100, **kwargs)
        created.append(s)
        return s

    yield make
    for s in created:
        s._teardown_window()


def _sign_in(qtbot, dialog, username, password):
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key_Return)


def test_wrong_password_message_then_lockout(session, qtbot, clock):
    s = session()
    dialog = s.start()
    qtbot.addWidget(dialog)
    _sign_in(qtbot, dialog, "canbo1", "sai-mat-khau")
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in dialog.error.text()
    assert dialog.password.text() == ""  # cleared for the next try
    for _ in range(4):
        _sign_in(qtbot, dialog, "canbo1", "sai-mat-khau")
    assert "tạm khoá" in dialog.error.text()
    _sign_in(qtbot, dialog, "canbo1", "matkhau-canbo1")  # right password, still locked
    assert "tạm khoá" in dialog.error.text() and s.window is None
    clock.advance(minutes=15)
    _sign_in(qtbot, dialog, "canbo1", "matkhau-canbo1")
    assert s.window is not None and s.window.isVisible()
    assert "Lê Thị Hồng Nhung" in s.window.officer_label.text()


def test_first_start_creates_administrator(tmp_path, qtbot, clock, monkeypatch):
    from models.core.store import Store

    monkeypatch.setattr(QApplication, "quit", lambda *a: None)
    store = Store(tmp_path / "new.sqlite", clock=clock)
    s = Session(store)
    try:
        dialog = s.start()
        assert dialog.objectName() == "firstAdminDialog"
        dialog.full_name.setText("Nguyễn Văn Quản")  # QTest types ASCII only
        qtbot.keyClicks(dialog.username, "quantri")
        qtbot.keyClicks(dialog.password, "matkhau-quantri")
        qtbot.keyClicks(dialog.confirm, "matkhau-khac")
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
        assert "không giống nhau" in dialog.error.text()
        dialog.confirm.clear()
        qtbot.keyClicks(dialog.confirm, "matkhau-quantri")
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
        assert s.window is not None and store.actor.role == "admin"
        assert not auth.needs_first_admin(store)
    finally:
        s._teardown_window()
        store.close()


def _signed_in_window(session, qtbot, username="chihuy", password="matkhau-chihuy", **kwargs):
    s = session(**kwargs)
    dialog = s.start()
    _sign_in(qtbot, dialog, username, password)
    assert s.window is not None
    qtbot.waitExposed(s.window)
    return s


def test_ctrl_l_locks_and_same_password_unlocks(session, qtbot):
    s = _signed_in_window(session, qtbot)
    window = s.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.nav, Qt.Key_L, Qt.ControlModifier)
    qtbot.waitUntil(lambda: s.lock.is_locked)
    screen = s.lock.screen
    assert screen.isVisible() and not window.centralWidget().isVisible()
    assert "Trần Minh Chiến" in screen.message.text()
    qtbot.keyClick(screen, Qt.Key_Escape)  # Escape does not unlock
    assert s.lock.is_locked
    qtbot.keyClicks(screen.password, "matkhau-sai")
    qtbot.keyClick(screen.password, Qt.Key_Return)
    assert s.lock.is_locked and "không đúng" in screen.error.text()
    qtbot.keyClicks(screen.password, "matkhau-chihuy")
    qtbot.keyClick(screen.password, Qt.Key_Return)
    assert not s.lock.is_locked and window.centralWidget().isVisible()
    actions = [r["action"] for r in s.store.query("SELECT action FROM audit_log WHERE action LIKE 'auth.%' ORDER BY id")]
    assert actions[-3:] == ["auth.lock_screen", "auth.failed", "auth.unlock_screen"], actions


def test_idle_time_locks_and_sign_out_switches_officer(session, qtbot):
    s = _signed_in_window(session, qtbot, idle_ms=300)
    qtbot.waitUntil(lambda: s.lock.is_locked, timeout=5000)
    screen = s.lock.screen
    qtbot.mouseClick(screen.sign_out_button, Qt.LeftButton)
    assert s.window is None and s.store.actor == SYSTEM_ACTOR
    dialog = s.dialog
    assert dialog is not None and dialog.isVisible()
    _sign_in(qtbot, dialog, "canbo1", "matkhau-canbo1")
    assert s.store.actor.username == "canbo1"


def test_audit_screen_filters_by_officer_and_action_and_exports(session, qtbot, tmp_path):
    s = _signed_in_window(session, qtbot)
    page = s.window.show_page("audit")
    assert page.table.isVisible()
    all_rows = page.table.model().rowCount()
    assert all_rows >= 5
    page.officer.setCurrentIndex(page.officer.findText("Lê Thị Hồng Nhung (canbo1)"))
    qtbot.mouseClick(page.apply_button, Qt.LeftButton)
    assert page.table.model().rowCount() == 0  # canbo1 has not done anything yet
    page.officer.setCurrentIndex(0)
    page.action.setCurrentIndex(page.action.findData("officer.create"))
    qtbot.mouseClick(page.apply_button, Qt.LeftButton)
    assert page.table.model().rowCount() == 3
    model = page.table.model()
    texts = {model.text(r, 2) for r in range(model.rowCount())}
    assert texts == {"Tạo tài khoản"}
    action = model.index(0, 2)
    assert model.data(action, Qt.ToolTipRole) == "officer.create"  # the raw value on hover
    assert model.data(model.index(0, 0), Qt.ToolTipRole) is None
    assert "3 dòng" in page.summary.text()
    # the date range excludes everything before yesterday
    page.date_from.setDate(page.date_to.date().addDays(1))
    qtbot.mouseClick(page.apply_button, Qt.LeftButton)
    assert page.table.model().rowCount() == 0
    page.date_from.setDate(page.date_to.date())
    target = tmp_path / "nhat-ky.csv"
    op = page.export_to(target)
    qtbot.waitUntil(lambda: not op.is_running() and op.result is not None, timeout=10000)
    assert target.read_text(encoding="utf-8-sig").count("Tạo tài khoản") == 3
    assert s.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'audit.export'") == 1


def test_intake_officer_sees_no_audit_or_admin(session, qtbot):
    s = _signed_in_window(session, qtbot, "canbo1", "matkhau-canbo1")
    audit_page = s.window.show_page("audit")
    assert audit_page.denied.isVisible() and not audit_page.table.isVisible()
    admin_page = s.window.show_page("admin")
    assert admin_page.denied.isVisible() and not admin_page.tabs.isVisible()


def test_admin_page_creates_officer_and_checks_database(session, qtbot, monkeypatch):
    from ui.pages import admin as admin_module

    s = _signed_in_window(session, qtbot, "quantri", "matkhau-quantri")
    page = s.window.show_page("admin")

    def fill(dialog_self):
        dialog_self.username.setText("canbo2")
        dialog_self.full_name.setText("Phạm Quốc Đạt")
        dialog_self.password.setText("matkhau-canbo2")
        return admin_module.QDialog.Accepted

    monkeypatch.setattr(admin_module.OfficerDialog, "exec", fill)
    qtbot.mouseClick(page.add_button, Qt.LeftButton)
    model = page.officers.model()
    usernames = [model.text(r, 1) for r in range(model.rowCount())]
    assert "canbo2" in usernames
    page.select_officer("canbo2")
    page.role_combo.setCurrentIndex(page.role_combo.findData("leader"))
    qtbot.mouseClick(page.role_button, Qt.LeftButton)
    assert s.store.scalar("SELECT role FROM officers WHERE username='canbo2'") == "leader"
    # the table heard the change: the new role is shown and the same officer stays selected
    row = usernames.index("canbo2")
    assert model.text(row, 4) == ROLE_LABELS["leader"]
    assert page.selected_officer_id() == s.store.scalar("SELECT id FROM officers WHERE username='canbo2'")
    page.select_officer("quantri")
    qtbot.mouseClick(page.active_button, Qt.LeftButton)  # cannot lock oneself
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()]
    assert any("tự khoá" in b.text() for b in boxes)
    page.tabs.setCurrentIndex(2)
    qtbot.mouseClick(page.check_button, Qt.LeftButton)
    assert "Cơ sở dữ liệu tốt" in page.check_result.text()
    page.tabs.setCurrentIndex(1)
    page.idle_spin.setValue(3)
    qtbot.mouseClick(page.save_settings_button, Qt.LeftButton)
    assert auth.idle_lock_minutes(s.store) == 3
    assert s.lock.idle_ms == 3 * 60_000


def test_demo_database_shows_demo_mode_and_hint(tmp_path, qtbot, monkeypatch):
    from demo import officers as demo_officers
    from models.core.store import Store

    monkeypatch.setattr(QApplication, "quit", lambda *a: None)
    store = Store(tmp_path / "demo.sqlite")
    demo_officers.build(store, seed=1)
    store.set_setting("demo_today", "2025-03-13", audit=False)
    s = Session(store, demo=True)
    try:
        dialog = s.start()
        hint = dialog.findChild(QLabel, "hintLabel")
        assert "demo1234" in hint.text() and "quantri" in hint.text()
        assert store.today() == dt.date(2025, 3, 13)
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)  # prefilled demo account
        assert isinstance(s.window, QMainWindow)
        assert "Chế độ trình diễn" in s.window.windowTitle()
    finally:
        s._teardown_window()
        store.close()


def test_admin_restores_a_backup_then_signs_in_again(session, qtbot, tmp_path):
    s = _signed_in_window(session, qtbot, "quantri", "matkhau-quantri")
    page = s.window.show_page("admin")
    page.backup_to_folder(tmp_path / "usb")
    backup = next((tmp_path / "usb").iterdir())
    auth.create_officer(s.store, "canbo9", "Người Sau Sao Lưu", "intake", "matkhau-canbo9")
    assert page.restore_from(backup)
    assert s.window is None and s.dialog is not None and s.dialog.isVisible()  # asked to sign in again
    assert s.store.scalar("SELECT count(*) FROM officers WHERE username = 'canbo9'") == 0
    assert s.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'backup.restore'") == 1
    kept = list(s.store.path.parent.glob("*truoc-khoi-phuc*"))
    assert len(kept) == 1
    _sign_in(qtbot, s.dialog, "quantri", "matkhau-quantri")
    assert s.window is not None


def test_restore_dialog_says_what_will_be_lost_and_declining_changes_nothing(session, qtbot, tmp_path, monkeypatch):
    import ui.pages.admin as admin_page

    s = _signed_in_window(session, qtbot, "quantri", "matkhau-quantri")
    page = s.window.show_page("admin")
    page.backup_to_folder(tmp_path / "usb")
    backup = next((tmp_path / "usb").iterdir())
    auth.create_officer(s.store, "canbo9", "Người Sau Sao Lưu", "intake", "matkhau-canbo9")
    monkeypatch.setattr(admin_page.QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    asked: list[str] = []
    monkeypatch.setattr(admin_page, "ask_yes_no", lambda parent, title, text, **k: asked.append(text) or False)
    page._choose_restore()
    assert len(asked) == 1 and "thay đổi ghi trong nhật ký sẽ mất" in asked[0], asked
    assert s.window is not None  # declined: still signed in, nothing restored
    assert s.store.scalar("SELECT count(*) FROM officers WHERE username = 'canbo9'") == 1


def test_esc_in_the_audit_search_empties_it_and_lists_again(session, qtbot):
    s = _signed_in_window(session, qtbot)
    page = s.window.show_page("audit")
    all_rows = page.table.model().rowCount()
    page.text.setText("không-có-dòng-nào-như-thế")
    qtbot.mouseClick(page.apply_button, Qt.LeftButton)
    assert page.table.model().rowCount() == 0
    page.text.setFocus()
    qtbot.keyClick(page.text, Qt.Key_Escape)
    assert page.text.text() == "" and page.table.model().rowCount() >= all_rows
