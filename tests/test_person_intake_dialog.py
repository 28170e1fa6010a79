"""Citizens' intake by keyboard through the real widgets: Ctrl+Shift+N on the dossiers page, the ID number,
Enter, Enter (counted key presses); an unknown citizen's name; inline messages that keep the focus; the
session intake dialog (ID, Enter — a running count, focus always back in the ID field); the Sessions page."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QPushButton

from models.core.errors import UserError
from models.people import level2, persons, schedules
from tests.factories.dossier_screens import AREAS, make_unit
from tests.test_intake_dialog import Keys
from ui.context import AppContext
from ui.dialogs.person_intake import PersonIntakeDialog
from ui.dialogs.session_intake import SessionIntakeDialog
from ui.pages.dossiers import DossiersPage
from ui.pages.sessions import SessionsPage

KNOWN = ["079085001234", "001190004567", "038095000111"]


@pytest.fixture
def ctx(fresh_store):
    make_unit(fresh_store)
    for number, name in zip(KNOWN, ("Nguyễn Thị Ánh Tuyết", "Trần Văn Bình", "Lê Hoàng Yến"), strict=True):
        persons.create_person(fresh_store, {"id_number": number, "full_name": name, "birth_date": "1990-02-03"},
                              source="residents")
    context = AppContext.create(fresh_store)
    yield context
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()
    context.changes.detach()


def _show(qtbot, ctx, widget):
    window = QMainWindow()
    ctx.window = window
    window.setCentralWidget(widget(ctx) if callable(widget) else widget)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, window.centralWidget()


def _focused_dialog(qtbot, cls):
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), cls))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.id_edit)
    return dialog


def test_keyboard_only_intake_of_a_known_citizen(ctx, qtbot):
    window, page = _show(qtbot, ctx, DossiersPage)
    page.table.setFocus()
    keys = Keys(qtbot)
    keys.press(Qt.Key_N, Qt.ControlModifier | Qt.ShiftModifier, "Ctrl+Shift+N")
    dialog = _focused_dialog(qtbot, PersonIntakeDialog)
    saved = []
    dialog.saved.connect(saved.append)
    keys.type("0790 8500 1234")
    keys.press(Qt.Key_Return, name="Enter")
    assert "Nguyễn Thị Ánh Tuyết" in dialog.person_label.text()
    assert QApplication.focusWidget() is dialog.save_button
    keys.press(Qt.Key_Return, name="Enter")
    assert saved, (keys.log, dialog.message.text())
    assert QApplication.focusWidget() is dialog.id_edit and dialog.id_edit.text() == ""
    assert "hẹn trả kết quả 14/01/2025" in dialog.message.text()
    keys.press(Qt.Key_Escape, name="Esc")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert keys.count == 4, keys.log  # Ctrl+Shift+N, Enter, Enter, Esc
    d = level2.get(ctx.store, saved[0])
    assert d["person_ref"] == KNOWN[0] and d["id_card_valid"] == 1 and d["channel"] == "Tại bàn tiếp nhận"
    # the dossier shows in the page's list, filtered to citizens
    page.subject_filter.setCurrentIndex(page.subject_filter.findData("person"))
    qtbot.waitUntil(lambda: page.model.row_of(saved[0]) >= 0)


def test_unknown_citizen_without_card_and_inline_errors(ctx, qtbot):
    dialog = PersonIntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.id_edit)
    keys = Keys(qtbot)
    keys.type("12345")
    keys.press(Qt.Key_Return, name="Enter")
    assert "12 chữ số" in dialog.message.text() or "không hợp lệ" in dialog.message.text()
    assert QApplication.focusWidget() is dialog.id_edit  # the message did not take the focus
    dialog.id_edit.clear()
    keys.type("092190007777")
    keys.press(Qt.Key_Return, name="Enter")
    assert QApplication.focusWidget() is dialog.name_edit
    keys.press(Qt.Key_T, Qt.AltModifier, "Alt+T")  # no valid chip card: 7 working days
    assert not dialog.card_box.isChecked()
    dialog.name_edit.setFocus()
    keys.type("Pham Thi Thu")
    keys.press(Qt.Key_Return, name="Enter")
    assert dialog.saved_id is not None, dialog.message.text()
    d = level2.get(ctx.store, dialog.saved_id)
    assert d["full_name"] == "Pham Thi Thu" and d["due_date"] == "2025-01-20" and d["id_card_valid"] == 0
    assert ctx.store.scalar("SELECT sources FROM persons WHERE id_number = '092190007777'") == "intake"
    keys.type("092190007777")
    keys.press(Qt.Key_Return, name="Enter")
    assert "đang có hồ sơ mức 2" in dialog.message.text()
    assert QApplication.focusWidget() is dialog.id_edit


def test_session_intake_is_id_then_enter_with_a_running_count(ctx, qtbot):
    session = schedules.create_session(ctx.store, held_on=dt.date(2025, 1, 9), area_code=AREAS[0][0],
                                       place="Nhà văn hoá ấp 3", expected_people=50)
    window, page = _show(qtbot, ctx, SessionsPage)
    assert page.table.rowCount() == 1 and page.table.item(0, 4).text() == "50"
    page.table.setFocus()
    page.table.selectRow(0)
    keys = Keys(qtbot)
    keys.press(Qt.Key_Return, name="Enter")
    dialog = _focused_dialog(qtbot, SessionIntakeDialog)
    for number in KNOWN:
        keys.type(number)
        keys.press(Qt.Key_Return, name="Enter")
        assert QApplication.focusWidget() is dialog.id_edit, dialog.message.text()
    assert keys.count == 1 + len(KNOWN)
    assert "Lần này: 3 hồ sơ" in dialog.count_label.text() and "cả buổi: 3/50 dự kiến" in dialog.count_label.text()
    keys.type(KNOWN[0])
    keys.press(Qt.Key_Return, name="Enter")
    assert "đang có hồ sơ mức 2" in dialog.message.text() and len(dialog.saved_ids) == 3
    rows = ctx.store.query("SELECT session_id, channel FROM dossiers")
    assert rows == [{"session_id": session, "channel": "Tổ lưu động"}] * 3
    dialog.close()
    page.reload()
    assert page.table.item(0, 5).text() == "3" and page.table.item(0, 7).text() == "Đã thực hiện"
    window.grab().save(str(ctx.store.path.parent / "sessions.png"))


def test_a_person_dossier_opens_in_its_own_view_with_its_moves(ctx, qtbot):
    dossier = level2.intake(ctx.store, KNOWN[1], id_card_valid=False)
    window, page = _show(qtbot, ctx, DossiersPage)
    view = page.open_dossier(dossier)
    assert type(view).__name__ == "PersonDossierView"
    assert "0011•••••567" in view.summary.text() and "20/01/2025" in view.summary.text()
    names = {b.objectName() for b in view.findChildren(QPushButton) if b.objectName().startswith("personMove_")}
    assert names == {"personMove_sent", "personMove_issued", "personMove_refused", "personMove_cancelled"}
    qtbot.mouseClick(view.findChild(QPushButton, "personMove_sent"), Qt.LeftButton)
    assert ctx.store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier,)) == "sent"
    assert view.move("issued", on="2025-01-09")
    assert ctx.store.scalar("SELECT account_level FROM persons WHERE id_number = ?", (KNOWN[1],)) == 2
    assert view.history.count() == 3 and "Đã cấp tài khoản" in view.history.item(2).text()
    view.close()


def test_session_editor_plans_and_edits_a_session(ctx, qtbot):
    from models.people import agencies, sessions
    from ui.dialogs.session_editor import SessionEditor

    agency = agencies.create_agency(ctx.store, {"name": "Trường THPT Nguyễn Trãi"})
    editor = SessionEditor(ctx)
    qtbot.addWidget(editor)
    editor.area.setCurrentIndex(editor.area.findData(AREAS[1][0]))
    editor.agency.setCurrentIndex(editor.agency.findData(agency))
    editor.day.setText("32/01/2025")
    with pytest.raises(UserError, match="không đọc được"):
        editor.values()
    editor.day.setText("18/01/2025")
    editor.start.setText("07:30")
    editor.place.setText("Hội trường nhà trường")
    editor.team.setText("Trần Quốc Dũng, , Lý Thị Ngọc Hân")
    editor.expected.setValue(240)
    editor.save()
    assert editor.result() and editor.session_id is not None
    s = sessions.get_session(ctx.store, editor.session_id)
    assert (s["held_on"], s["agency_id"], s["area_code"], s["team"], s["expected_people"]) == \
        ("2025-01-18", agency, AREAS[1][0], ["Trần Quốc Dũng", "Lý Thị Ngọc Hân"], 240)
    again = SessionEditor(ctx, editor.session_id)
    qtbot.addWidget(again)
    assert again.place.text() == "Hội trường nhà trường" and again.agency.currentData() == agency
    again.expected.setValue(250)
    again.save()
    assert sessions.get_session(ctx.store, editor.session_id)["expected_people"] == 250
    assert ctx.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'intake_session.edit'") == 1
