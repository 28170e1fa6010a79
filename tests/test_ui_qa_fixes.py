"""Defects found by the QA walkthrough at 1366×768 / 1280×720, driven through the real widgets:
page shortcuts right after switching pages, Vietnamese buttons in questions, the campaign editor and the
report form fitting small screens, the due date in view in the dossier list, a progress dialog closed while
it is being updated."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QWidget,
)

from models.security import auth
from models.text.vn_format import datetime_text
from tests.factories.reports import make_campaign, make_dossiers
from tests.factories.reports import make_unit as make_report_unit
from tests.factories.sync import make_data
from tests.factories.sync import make_unit as make_sync_unit
from ui.context import AppContext
from ui.ops import BackgroundOp, show_message

ROOT = Path(__file__).resolve().parent.parent


# ---- helpers ---------------------------------------------------------------------------------------------
def _close_boxes() -> None:
    for box in [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]:
        box.done(0)


def _press(qtbot, key, modifier=Qt.NoModifier) -> None:
    """A key as the officer types it: delivered to whatever widget has the focus."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _texts(buttons) -> list[str]:
    return [b.text().replace("&", "") for b in buttons]


def _on_modal(handle) -> None:
    """Run ``handle(dialog)`` on the next modal dialog (the code under test blocks in ``exec()``)."""

    def poll(tries=200):
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isVisible():
            try:
                handle(dialog)
            finally:
                if dialog.isVisible():
                    dialog.reject()  # never leave the test blocked in exec()
        elif tries:
            QTimer.singleShot(10, lambda: poll(tries - 1))

    QTimer.singleShot(0, poll)


def _click_button(dialog: QDialog, text: str) -> None:
    for button in dialog.findChildren(QAbstractButton):
        if button.text().replace("&", "") == text and button.isVisible():
            button.click()
            return
    raise AssertionError(f"no button {text!r} in {_texts(dialog.findChildren(QAbstractButton))}")


def _clipped_rect(widget: QWidget) -> QRect:
    """The part of ``widget`` not cut off by any of its parents (scroll viewports, the window's edge)."""
    rect = QRect(QPoint(0, 0), widget.size())
    current = widget
    while current.parentWidget() is not None:
        rect = rect.translated(current.pos()).intersected(QRect(QPoint(0, 0), current.parentWidget().size()))
        current = current.parentWidget()
    return rect


def _fully_visible(widget: QWidget) -> bool:
    return widget.isVisible() and _clipped_rect(widget).size() == widget.size()


@pytest.fixture
def window_for(fresh_store, qtbot):
    """A signed-in main window (system actor) on a unit with dossiers, at the given screen size."""
    from ui.shell.main_window import MainWindow

    make_data(fresh_store, make_sync_unit(fresh_store), 40, seed=11)
    contexts = []

    def make(width: int, height: int):
        ctx = AppContext.create(fresh_store)
        contexts.append(ctx)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(width, height)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        return window

    yield make
    _close_boxes()
    for ctx in contexts:
        ctx.changes.detach()
    QApplication.processEvents()


# ---- 1. page shortcuts right after switching pages -------------------------------------------------------
def test_ctrl_number_then_the_pages_own_shortcuts(window_for, qtbot, tmp_path, monkeypatch):
    window = window_for(1366, 768)
    window.nav.setFocus()  # as after a click in the navigation
    assert QApplication.focusWidget() is window.nav

    _press(qtbot, Qt.Key_2, Qt.ControlModifier)
    dossiers = window.pages["dossiers"]
    assert window.stack.currentWidget() is dossiers
    assert not dossiers.search.hasFocus()
    _press(qtbot, Qt.Key_F, Qt.ControlModifier)
    assert dossiers.search.hasFocus()

    _press(qtbot, Qt.Key_4, Qt.ControlModifier)
    reports = window.pages["reports"]
    assert window.stack.currentWidget() is reports
    asked = []
    monkeypatch.setattr(reports, "_ask_path", lambda *args: asked.append(args) and None)
    _press(qtbot, Qt.Key_S, Qt.ControlModifier)  # «Ban hành và lưu…» asks where to save
    assert len(asked) == 1
    _press(qtbot, Qt.Key_F5)
    assert reports.last_op is not None
    qtbot.waitUntil(lambda: not reports.last_op.is_running() and reports.current is not None, timeout=30000)

    _press(qtbot, Qt.Key_5, Qt.ControlModifier)
    sync = window.pages["sync"]
    assert window.stack.currentWidget() is sync
    sync.export_panel.folder.setText(str(tmp_path / "gui-export"))
    sync.export_panel.password.setText("mat-khau-tinh-2025")  # encrypted by default (issue 14)
    sync.export_panel.password2.setText("mat-khau-tinh-2025")
    sync.export_panel.folder.setFocus()
    _press(qtbot, Qt.Key_Return, Qt.ControlModifier)  # «Xuất tệp» (Ctrl+E was "end of line" in fields)
    op = sync.export_panel.last_op
    assert op is not None
    qtbot.waitUntil(lambda: not op.is_running() and op.result is not None, timeout=60000)
    assert op.error is None and (tmp_path / "gui-export").exists()


def test_click_in_navigation_then_f5_previews_the_report(window_for, qtbot):
    window = window_for(1366, 768)
    row = [window.nav.item(i).data(Qt.UserRole) for i in range(window.nav.count())].index("reports")
    rect = window.nav.visualItemRect(window.nav.item(row))
    qtbot.mouseClick(window.nav.viewport(), Qt.LeftButton, pos=rect.center())
    reports = window.pages["reports"]
    assert window.stack.currentWidget() is reports
    assert reports.isAncestorOf(QApplication.focusWidget())
    _press(qtbot, Qt.Key_F5)
    assert reports.last_op is not None
    qtbot.waitUntil(lambda: not reports.last_op.is_running() and reports.current is not None, timeout=30000)


def test_arrow_keys_in_the_navigation_keep_the_focus_there(window_for, qtbot):
    window = window_for(1366, 768)
    window.nav.setFocus()
    window.nav.setCurrentRow(0)
    _press(qtbot, Qt.Key_Down)
    assert window.stack.currentIndex() == 1
    assert QApplication.focusWidget() is window.nav  # browsing the list; Enter goes into the page
    _press(qtbot, Qt.Key_Return)
    assert window.stack.currentWidget().isAncestorOf(QApplication.focusWidget())


# ---- 2. Vietnamese buttons in questions ------------------------------------------------------------------
@pytest.fixture
def reports_ctx(fresh_store, qtbot):
    codes = make_report_unit(fresh_store, 8)
    make_dossiers(fresh_store, codes, 60, dt.date(2024, 12, 30), dt.date(2025, 1, 8))
    make_campaign(fresh_store, codes)
    ctx = AppContext.create(fresh_store)
    yield ctx
    _close_boxes()
    ctx.changes.detach()
    QApplication.processEvents()


def test_reissue_question_is_in_vietnamese_with_a_vietnamese_time(reports_ctx, qtbot, tmp_path):
    from ui.pages.reports import ReportsPage

    page = ReportsPage(reports_ctx)
    qtbot.addWidget(page)
    page.resize(1300, 900)
    page.show()
    op = page.issue(tmp_path / "so-1.pdf")
    qtbot.waitUntil(lambda: not op.is_running() and op.result is not None, timeout=30000)
    _close_boxes()
    issued_at = reports_ctx.store.scalar("SELECT issued_at FROM reports")
    assert issued_at == "2025-01-09 09:30:00"

    seen: list = []
    _on_modal(lambda box: (seen.append((box.windowTitle(), box.text(), _texts(box.buttons()))),
                                  _click_button(box, "Không")))
    assert page.issue(tmp_path / "so-2.pdf") is None  # «Không»: nothing issued
    title, text, buttons = seen[0]
    assert title == "Ban hành lại?"
    assert buttons == ["Có", "Không"]
    assert f"ban hành lúc {datetime_text(issued_at)}." in text and "09/01/2025 09:30" in text
    assert "2025-01-09" not in text
    assert reports_ctx.store.scalar("SELECT count(*) FROM reports") == 1


@pytest.fixture
def admin_ctx(fresh_store, qtbot):
    auth.create_first_admin(fresh_store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
    fresh_store.actor = auth.sign_in(fresh_store, "quantri", "matkhau-quantri")
    auth.create_officer(fresh_store, "canbo1", "Lê Thị Hồng Nhung", "intake", "matkhau-canbo1")
    ctx = AppContext.create(fresh_store)
    yield ctx
    _close_boxes()
    ctx.changes.detach()
    QApplication.processEvents()


def test_restore_question_has_vietnamese_buttons_and_no_keeps_the_data(admin_ctx, qtbot, tmp_path, monkeypatch):
    from ui.pages.admin import AdminPage

    page = AdminPage(admin_ctx)
    qtbot.addWidget(page)
    page.show()
    backup = admin_ctx.store.backup_to(tmp_path / "ban-sao.sqlite")  # a real backup: the restore previews it first
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    restored = []
    monkeypatch.setattr(page, "restore_from", lambda path: restored.append(path))
    seen: list = []
    _on_modal(lambda box: (seen.append((box.windowTitle(), _texts(box.buttons()), box.icon())),
                                  _click_button(box, "Không")))
    page._choose_restore()
    assert seen == [("Khôi phục dữ liệu", ["Có", "Không"], QMessageBox.Warning)]
    assert restored == []
    _on_modal(lambda box: _click_button(box, "Có"))
    page._choose_restore()
    assert restored == [str(backup)]


def test_reset_password_dialog_has_vietnamese_buttons(admin_ctx, qtbot):
    from ui.pages.admin import AdminPage

    page = AdminPage(admin_ctx)
    qtbot.addWidget(page)
    page.show()
    page.select_officer("canbo1")
    seen: list = []

    def fill(dialog):
        box = dialog.findChild(QDialogButtonBox)
        seen.append((dialog.windowTitle(), _texts(box.buttons())))
        dialog.findChild(QLineEdit, "newPassword").setText("mat-khau-moi-1")
        dialog.findChild(QLineEdit, "confirmPassword").setText("mat-khau-moi-1")
        _click_button(dialog, "Đồng ý")

    _on_modal(fill)
    qtbot.mouseClick(page.password_button, Qt.LeftButton)
    assert seen == [("Đặt lại mật khẩu", ["Đồng ý", "Huỷ"])]
    store = admin_ctx.store
    assert auth.sign_in(store, "canbo1", "mat-khau-moi-1").username == "canbo1"


def test_messages_and_about_box_have_vietnamese_buttons(window_for, qtbot):
    window = window_for(1280, 800)
    box = show_message(window, "Đã lưu", "Đã lưu.")
    assert _texts(box.buttons()) == ["Đồng ý"]
    box.done(0)
    window._about()
    about = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "aboutBox" and w.isVisible())
    assert _texts(about.buttons()) == ["Đồng ý"] and "Sổ Định Danh" in about.text()
    about.done(0)


def test_ui_uses_no_untranslated_static_dialog():
    """The screens ask through ui.dialogs.confirm.ask_yes_no («Không» by default and on Esc) and tell through
    ui.ops.show_message (non-blocking), not through Qt's static QMessageBox/QInputDialog helpers."""
    pattern = re.compile(r"QMessageBox\.(question|warning|information|critical|about)\(|QInputDialog\.get")
    offenders = [f"{path.relative_to(ROOT)}:{number}" for path in sorted((ROOT / "ui").rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []


# ---- 3. the campaign editor fits 1280×720 ----------------------------------------------------------------
def test_campaign_editor_fits_a_1280x720_screen(reports_ctx, qtbot):
    from models.campaigns.templates import create_from_template
    from ui.dialogs.campaign_editor import CampaignEditor

    # the template's plan has the long name that widened the chooser
    campaign_id = create_from_template(reports_ctx.store, "can_tho", scale="unit", make_current=True)
    editor = CampaignEditor(reports_ctx, campaign_id)
    qtbot.addWidget(editor)
    hint = editor.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
    editor.resize(1260, 680)  # a 1280×720 screen less the window frame and the taskbar
    editor.show()
    qtbot.waitExposed(editor)
    assert editor.width() <= 1280 and editor.height() <= 720
    scroll = editor.findChild(QScrollArea, "campaignEditorScroll")
    qtbot.waitUntil(lambda: not scroll.horizontalScrollBar().isVisible(), timeout=3000)  # nothing cut off
    for widget in (editor.delete_button, editor.save_target_button, editor.delete_target_button,
                   editor.allocate_button, editor.group_checks[4], editor.unit_value_edit):
        rect = _clipped_rect(widget)
        assert rect.width() == widget.width(), widget
    editor.close()


# ---- 4. the due date in view in the dossier list ---------------------------------------------------------
@pytest.mark.parametrize("size", [(1366, 768), (1280, 800)])
def test_due_date_and_status_in_view_without_scrolling(window_for, qtbot, size):
    from ui.tables.dossier_table import COLUMNS

    window = window_for(*size)
    page = window.show_page("dossiers")
    page.select_list("all")
    assert page.model.rowCount() > 0
    table = page.table
    keys = [key for key, _, _ in COLUMNS]
    assert table.horizontalHeader().count() == 10 and not any(table.isColumnHidden(c) for c in range(10))
    assert table.horizontalScrollBar().value() == 0
    for key in ("number", "organization", "status_label", "due_date"):
        column = keys.index(key)
        left = table.columnViewportPosition(column)
        assert 0 <= left and left + table.columnWidth(column) <= table.viewport().width(), (key, left)
    # sorting by the due date still uses the model's column
    column = keys.index("due_date")
    assert page.model.sort_key(column) == "due_date"
    assert page.model.headerData(column, Qt.Horizontal) == "Hạn trả"


# ---- 5. progress dialog closed while it is being updated -------------------------------------------------
def test_progress_update_survives_the_dialog_closing_inside_set_value(fresh_store, qtbot):
    """QProgressDialog.setValue on a shown window-modal dialog processes events: the queued «succeeded» runs
    inside it and closes the dialog; the update must not then touch the closed dialog."""
    ctx = AppContext.create(fresh_store)
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    gate = threading.Event()

    def work(store, progress):
        gate.wait(10)
        progress.update(1, 2, "Đang xuất tệp…")
        return 42

    op = BackgroundOp(ctx, work, title="Đang xuất…", parent=parent).with_progress().run()
    try:
        dialog = op._dialog
        dialog.forceShow()  # shown, as after its 300 ms
        gate.set()
        assert op.wait(10000)  # progress, success and finish are now queued, in that order
        qtbot.waitUntil(lambda: op.result == 42 and not op.is_running(), timeout=10000)
        QApplication.processEvents()
        assert op._dialog is None and op.error is None
    finally:
        gate.set()
        op.wait()
        ctx.changes.detach()


# ---- 6. the report form's actions on screen at 1366×768 ---------------------------------------------------
@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_report_actions_and_status_on_screen(window_for, qtbot, size):
    window = window_for(*size)
    page = window.show_page("reports")
    page.status.setText("Bản xem trước: Số: 1/BC-CAX, 3 trang; tổng trong kỳ 150, lũy kế 150. SHA-256: "
                        + "0123456789abcdef" * 4)
    qtbot.wait(20)
    for widget in (page.preview_button, page.issue_button, page.draft_button, page.print_button,
                   page.xlsx_button, page.folder_button, page.status):
        assert _fully_visible(widget), (widget.objectName(), _clipped_rect(widget), widget.size())
        top_left = widget.mapTo(window, QPoint(0, 0))
        assert QRect(top_left, widget.size()).bottom() < window.statusBar().mapTo(window, QPoint(0, 0)).y()


def test_changing_ones_own_password_on_the_admin_page_asks_for_the_current_one(admin_ctx, qtbot):
    from ui.pages.admin import AdminPage

    page = AdminPage(admin_ctx)
    qtbot.addWidget(page)
    page.show()
    page.select_officer("quantri")  # the administrator's own account
    seen: list = []

    def fill(current: str, *, refused: bool = False):
        def handle(dialog):
            seen.append((dialog.windowTitle(), dialog.findChild(QLineEdit, "currentPassword") is not None))
            dialog.findChild(QLineEdit, "currentPassword").setText(current)
            dialog.findChild(QLineEdit, "newPassword").setText("mat-khau-moi-1")
            dialog.findChild(QLineEdit, "confirmPassword").setText("mat-khau-moi-1")
            if refused:  # only then: a pending handler would answer a later test's dialog
                _on_modal(lambda box: (seen.append(box.text()), box.accept()))
            _click_button(dialog, "Đồng ý")
        return handle

    _on_modal(fill("khong-phai-mat-khau", refused=True))
    qtbot.mouseClick(page.password_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[0] == ("Đổi mật khẩu của tôi", True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in seen[1]
    store = admin_ctx.store
    row = store.query_one("SELECT password_hash, failed_attempts FROM officers WHERE username = 'quantri'")
    assert auth.verify_password(row["password_hash"], "matkhau-quantri") and row["failed_attempts"] == 1

    seen.clear()
    _on_modal(fill("matkhau-quantri"))
    qtbot.mouseClick(page.password_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(seen) >= 1)
    qtbot.wait(50)
    assert seen == [("Đổi mật khẩu của tôi", True)]
    assert auth.sign_in(store, "quantri", "mat-khau-moi-1").username == "quantri"
