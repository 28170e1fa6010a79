"""Changing one's own password from the main window's menu, and the confirmation field when an
administrator sets another officer's password (issue 13, item 6)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMessageBox

from models.security import auth
from tests.test_security_ui import _signed_in_window
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


def _on_modal(handle) -> None:
    """Run ``handle(dialog)`` on the next modal dialog (the code under test blocks in ``exec()``)."""

    def poll(tries=300):
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and not isinstance(dialog, QMessageBox) and dialog.isVisible():
            try:
                handle(dialog)
            finally:
                if dialog.isVisible():
                    dialog.reject()  # never leave the test blocked in exec()
        elif tries:
            QTimer.singleShot(10, lambda: poll(tries - 1))

    QTimer.singleShot(0, poll)


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _close_boxes() -> None:
    for box in _boxes():
        box.done(0)


def _password_is(store, username: str, password: str) -> bool:
    """Checked without signing in (a sign-in would change the store's actor under the open window)."""
    row = store.query_one("SELECT password_hash FROM officers WHERE username = ?", (username,))
    return auth.verify_password(row["password_hash"], password)


def _fill(dialog, qtbot, current: str | None, new: str, confirm: str) -> None:
    if current is not None:
        qtbot.keyClicks(dialog.findChild(QLineEdit, "currentPassword"), current)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "newPassword"), new)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "confirmPassword"), confirm)


def test_officer_changes_own_password_from_the_menu(session, officers_store, qtbot):
    s = _signed_in_window(session, qtbot, "canbo1", "matkhau-canbo1")
    window = s.window
    assert window.password_action in window.file_menu.actions()
    seen: list = []

    def handle(dialog):
        seen.append((dialog.windowTitle(), dialog.findChild(QLineEdit, "currentPassword") is not None))
        _fill(dialog, qtbot, "matkhau-canbo1", "mat-khau-moi-2025", "mat-khau-moi-2024")  # a typo
        qtbot.keyClick(dialog.findChild(QLineEdit, "confirmPassword"), Qt.Key_Return)
        seen.append((dialog.isVisible(), dialog.error.text()))  # refused: still open, says why
        confirm = dialog.findChild(QLineEdit, "confirmPassword")
        confirm.clear()
        qtbot.keyClicks(confirm, "mat-khau-moi-2025")
        qtbot.keyClick(confirm, Qt.Key_Return)

    _on_modal(handle)
    window.password_action.trigger()
    assert seen == [("Đổi mật khẩu của tôi", True),
                    (True, "Mật khẩu nhập lại không khớp với mật khẩu mới")]
    qtbot.waitUntil(lambda: any(b.objectName() == "passwordChangedBox" for b in _boxes()))
    _close_boxes()
    store = officers_store
    assert not _password_is(store, "canbo1", "matkhau-canbo1")
    assert _password_is(store, "canbo1", "mat-khau-moi-2025")
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'officer.password'") == 1


def test_wrong_current_password_changes_nothing(session, officers_store, qtbot):
    s = _signed_in_window(session, qtbot, "chihuy", "matkhau-chihuy")

    def handle(dialog):
        _fill(dialog, qtbot, "khong-dung", "mat-khau-moi-2025", "mat-khau-moi-2025")
        qtbot.keyClick(dialog.findChild(QLineEdit, "confirmPassword"), Qt.Key_Return)

    _on_modal(handle)
    assert s.window.change_password() is False
    qtbot.waitUntil(lambda: bool(_boxes()))
    assert any("mật khẩu không đúng" in b.text() for b in _boxes())
    _close_boxes()
    row = officers_store.query_one("SELECT failed_attempts FROM officers WHERE username = 'chihuy'")
    assert row["failed_attempts"] == 1  # counted like a failed sign-in
    assert _password_is(officers_store, "chihuy", "matkhau-chihuy")


def test_administrator_sets_a_password_with_confirmation(session, officers_store, qtbot):
    s = _signed_in_window(session, qtbot, "quantri", "matkhau-quantri")
    from ui.pages.admin import AdminPage

    page = AdminPage(s.ctx)
    qtbot.addWidget(page)
    page.show()
    page.select_officer("canbo1")
    seen: list = []

    def mismatch(dialog):
        seen.append((dialog.windowTitle(), dialog.findChild(QLineEdit, "currentPassword") is not None))
        _fill(dialog, qtbot, None, "dat-lai-2025", "dat-lai-2026")
        qtbot.keyClick(dialog.findChild(QLineEdit, "confirmPassword"), Qt.Key_Return)
        seen.append(dialog.error.text())  # the finally of _on_modal then cancels

    _on_modal(mismatch)
    qtbot.mouseClick(page.password_button, Qt.LeftButton)
    assert seen == [("Đặt lại mật khẩu", False), "Mật khẩu nhập lại không khớp với mật khẩu mới"]
    assert _password_is(officers_store, "canbo1", "matkhau-canbo1")

    def matching(dialog):
        _fill(dialog, qtbot, None, "dat-lai-2025", "dat-lai-2025")
        qtbot.keyClick(dialog.findChild(QLineEdit, "confirmPassword"), Qt.Key_Return)

    _on_modal(matching)
    qtbot.mouseClick(page.password_button, Qt.LeftButton)
    assert _password_is(officers_store, "canbo1", "dat-lai-2025")
    assert not _password_is(officers_store, "canbo1", "matkhau-canbo1")
