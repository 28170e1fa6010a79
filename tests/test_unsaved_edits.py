"""No edit is lost without a word (issue 12, item 6): every editor asks «Lưu / Không lưu / Ở lại» when the
officer leaves it with changes — another row of the registry, another page, Esc on a dossier, closing the
campaign editor or the unit dialog, Ctrl+Q, signing out from the lock screen — and nothing when nothing
changed. Each path is driven through the real widgets: «Ở lại» keeps the edit and the place, «Không lưu»
leaves and writes nothing, «Lưu» writes (read back through models/) and leaves."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from models.campaigns import plans as cm
from models.core.store import SYSTEM_ACTOR
from models.dossiers import records as dossier_model
from models.registry import duplicates, organizations, units
from models.security import auth
from tests.factories.dossier_screens import make_organizations, make_unit
from tests.factories.registry import make_orgs, setup_unit
from tests.factories.unsaved_answers import Answers
from ui.context import AppContext
from ui.dialogs.unsaved import ask_save_discard_stay
from ui.shell.session import Session

NOTE = "Người nộp hẹn bổ sung giấy phép vào thứ Hai"


# ---- the question --------------------------------------------------------------------------------------
@pytest.mark.parametrize("answer, expected", [("save", "save"), ("discard", "discard"), ("stay", "stay"),
                                              ("esc", "stay"), ("enter", "save")])
def test_the_question_has_vietnamese_buttons_save_by_default_and_esc_stays(qtbot, answer, expected):
    answers = Answers(answer)
    assert ask_save_discard_stay(None, "Hồ sơ HS-2025-000123") == expected
    asked = answers.asked[0]
    assert asked["title"] == "Thay đổi chưa lưu" and asked["text"] == "Hồ sơ HS-2025-000123 có thay đổi chưa lưu."
    assert sorted(asked["buttons"]) == ["&Không lưu", "&Lưu", "Ở &lại"] and asked["default"] == "saveChoice"


def test_without_a_place_to_save_the_question_offers_discard_or_stay(qtbot):
    answers = Answers("enter")
    assert ask_save_discard_stay(None, "Báo cáo đang soạn", can_save=False) == "stay"
    assert sorted(answers.asked[0]["buttons"]) == ["&Không lưu", "Ở &lại"]
    assert answers.asked[0]["default"] == "stayChoice"


# ---- the registry: another row -------------------------------------------------------------------------
@pytest.fixture
def registry(fresh_store, qtbot):
    from ui.pages.registry import RegistryPage

    setup_unit(fresh_store)
    make_orgs(fresh_store, 12, seed=8)
    ctx = AppContext.create(fresh_store)
    page = RegistryPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    yield page
    ctx.changes.detach()


def _click_row(qtbot, page, row: int) -> None:
    rect = page.table.visualRect(page.model.index(row, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.wait(20)  # the row is put back after the click has finished


def _selected_rows(page) -> list[int]:
    return sorted({index.row() for index in page.table.selectionModel().selectedRows()})


def test_registry_another_row_asks_and_stay_keeps_the_edit_and_the_row(registry, qtbot):
    page, store = registry, registry.ctx.store
    _click_row(qtbot, page, 0)
    org_id = page.current_org_id()
    before = organizations.get(store, org_id)
    page.detail.fields["address"].setText("Số 9 đường Lâm Quang Ky")
    answers = Answers("stay")
    _click_row(qtbot, page, 2)
    assert answers.count == 1 and answers.asked[0]["text"].startswith(f"Tổ chức «{before['name']}»")
    assert page.current_org_id() == org_id and _selected_rows(page) == [0]
    assert page.detail.record["id"] == org_id
    assert page.detail.fields["address"].text() == "Số 9 đường Lâm Quang Ky"
    assert organizations.get(store, org_id) == before
    qtbot.keyClick(page.table, Qt.Key_Down)  # the keyboard asks the same
    assert answers.count == 2 and page.current_org_id() == org_id


def test_registry_another_row_discard_moves_on_and_writes_nothing(registry, qtbot):
    page, store = registry, registry.ctx.store
    _click_row(qtbot, page, 0)
    org_id = page.current_org_id()
    before = organizations.get(store, org_id)
    page.detail.fields["address"].setText("Số 9 đường Lâm Quang Ky")
    answers = Answers("discard")
    _click_row(qtbot, page, 2)
    assert answers.count == 1
    assert page.current_org_id() == page.model.org_id(2) == page.detail.record["id"]
    assert organizations.get(store, org_id) == before
    _click_row(qtbot, page, 0)  # back: the stored value, and no question (nothing changed)
    assert answers.count == 1 and page.detail.fields["address"].text() == (before["address"] or "")


def test_registry_another_row_save_writes_and_moves_on(registry, qtbot):
    page, store = registry, registry.ctx.store
    _click_row(qtbot, page, 1)
    org_id = page.current_org_id()
    page.detail.fields["rep_phone"].setText("0912 345 678")
    answers = Answers("save")
    _click_row(qtbot, page, 3)
    assert answers.count == 1
    assert organizations.get(store, org_id)["rep_phone"] == "0912345678"
    assert page.current_org_id() == page.model.org_id(3) == page.detail.record["id"]


def test_registry_a_refused_save_stays_with_the_message(registry, qtbot):
    page, store = registry, registry.ctx.store
    _click_row(qtbot, page, 1)
    org_id = page.current_org_id()
    before = organizations.get(store, org_id)
    page.detail.fields["rep_phone"].setText("12345")
    answers = Answers("save")
    _click_row(qtbot, page, 3)
    assert answers.count == 1
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible())
    assert "12345" in box.text()
    box.done(QMessageBox.Ok)
    assert page.current_org_id() == org_id and page.detail.fields["rep_phone"].text() == "12345"
    assert organizations.get(store, org_id) == before


def test_registry_no_question_without_changes_and_a_search_keeps_the_edit(registry, qtbot):
    page = registry
    answers = Answers()
    for row in (0, 1, 2):
        _click_row(qtbot, page, row)
    qtbot.keyClick(page.table, Qt.Key_Down)
    assert answers.count == 0
    org_id = page.current_org_id()
    page.detail.fields["address"].setText("Địa chỉ đang sửa")
    page.search.setText("khong co to chuc nao ten nhu vay")  # the organization leaves the list
    page.requery()
    assert page.model.rowCount() == 0 and page.detail.record["id"] == org_id
    page.search.clear()
    page.requery()  # back in the list: the same organization, the edit still there
    assert answers.count == 0
    assert page.detail.record["id"] == org_id and page.detail.fields["address"].text() == "Địa chỉ đang sửa"


def test_registry_a_duplicate_pair_asks_before_replacing_the_edit(registry, qtbot):
    page, store = registry, registry.ctx.store
    a = organizations.create(store, {"grp": 4, "name": "Hội Nông dân ấp Tà Keo", "area_code": "30742"}, source="dtcb")
    b = organizations.create(store, {"grp": 4, "name": "HỘI NÔNG DÂN ẤP TÀ KEO", "area_code": "30742"}, source="dtcb")
    duplicates.flag(store, a, b, "Cùng tên và cùng địa bàn")
    _click_row(qtbot, page, 0)
    org_id = page.current_org_id()
    page.detail.fields["address"].setText("Địa chỉ đang sửa")
    answers = Answers("stay")
    page.side.setCurrentWidget(page.duplicates)
    page.duplicates.table.selectRow(0)
    assert answers.count == 1
    assert page.detail.record["id"] == org_id and page.side.currentWidget() is page.detail
    assert page.detail.fields["address"].text() == "Địa chỉ đang sửa"


# ---- the dossier: Esc, the close box, a status move -----------------------------------------------------
@pytest.fixture
def dossier(fresh_store, qtbot):
    make_unit(fresh_store)
    orgs = make_organizations(fresh_store, 4)
    org = orgs[0]
    dossier_id = dossier_model.create(fresh_store, declared=dossier_model.prefill(fresh_store, org["id"]),
                                      channel="Trực tiếp tại đơn vị", org_id=org["id"])
    ctx = AppContext.create(fresh_store)
    yield ctx, dossier_id
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.objectName() == "dossierView":
            widget.discard_changes()
            widget.close()
    ctx.changes.detach()


def _open_view(ctx, qtbot, dossier_id):
    from ui.dialogs.dossier_view import DossierView

    view = DossierView(ctx, dossier_id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def _type_note(qtbot, view, text=NOTE):
    view.comparison.edit_notes.setFocus()
    view.comparison.edit_notes.setPlainText(text)


def test_esc_on_a_dossier_with_an_unsaved_note_asks_and_stay_keeps_it(dossier, qtbot):
    ctx, dossier_id = dossier
    view = _open_view(ctx, qtbot, dossier_id)
    number = view.dossier["number"]
    _type_note(qtbot, view)
    answers = Answers("stay", "esc")
    qtbot.keyClick(view.comparison.edit_notes, Qt.Key_Escape)
    assert answers.count == 1 and answers.asked[0]["text"] == f"Hồ sơ {number} có thay đổi chưa lưu."
    assert view.isVisible() and view.comparison.edit_notes.toPlainText() == NOTE
    view.close()  # the close box asks too; Esc on the question stays
    assert answers.count == 2 and view.isVisible()
    assert not dossier_model.get(ctx.store, dossier_id).get("notes")


def test_esc_on_a_dossier_discard_closes_and_writes_nothing(dossier, qtbot):
    ctx, dossier_id = dossier
    view = _open_view(ctx, qtbot, dossier_id)
    version = view.version
    _type_note(qtbot, view)
    answers = Answers("discard")
    qtbot.keyClick(view.comparison.edit_notes, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert answers.count == 1
    d = dossier_model.get(ctx.store, dossier_id)
    assert not d.get("notes") and d["version"] == version
    view = _open_view(ctx, qtbot, dossier_id)  # nothing changed: Esc closes without a question
    qtbot.keyClick(view.comparison.table, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert answers.count == 1


def test_esc_on_a_dossier_save_writes_the_note_and_the_declared_value_then_closes(dossier, qtbot):
    ctx, dossier_id = dossier
    view = _open_view(ctx, qtbot, dossier_id)
    model = view.comparison.model
    row = model.row_of("rep_phone")
    model.setData(model.index(row, 1), "0987 654 321")
    _type_note(qtbot, view)
    answers = Answers("save")
    qtbot.keyClick(view.comparison.edit_notes, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible())
    assert answers.count == 1
    d = dossier_model.get(ctx.store, dossier_id)
    assert d["notes"] == NOTE and d["declared"]["rep_phone"] == "0987654321"


def test_a_status_move_asks_first_about_the_unsaved_note(dossier, qtbot):
    ctx, dossier_id = dossier
    view = _open_view(ctx, qtbot, dossier_id)
    _type_note(qtbot, view)
    answers = Answers("stay", "save")
    view.status_buttons["verifying"].click()
    assert answers.count == 1 and dossier_model.get(ctx.store, dossier_id)["status"] == "received"
    assert view.comparison.edit_notes.toPlainText() == NOTE
    view.status_buttons["verifying"].click()
    d = dossier_model.get(ctx.store, dossier_id)
    assert answers.count == 2 and d["status"] == "verifying" and d["notes"] == NOTE


# ---- the campaign editor and the unit dialog: closing ----------------------------------------------------
@pytest.fixture
def campaign(fresh_store, qtbot):
    from ui.dialogs.campaign_editor import CampaignEditor

    campaign_id = cm.create_campaign(fresh_store, {"name": "Kế hoạch 374/KH-UBND", "start_on": "2024-12-30",
                                                   "end_on": "2025-06-30"})
    cm.add_phase(fresh_store, campaign_id, "Giai đoạn 1", "2024-12-30", "2025-01-31")
    ctx = AppContext.create(fresh_store)
    editor = CampaignEditor(ctx, campaign_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    yield ctx, editor, campaign_id
    ctx.changes.detach()


@pytest.mark.parametrize("answer", ["stay", "discard", "save"])
def test_closing_the_campaign_editor_with_an_edited_plan(campaign, qtbot, answer):
    ctx, editor, campaign_id = campaign
    editor.issuer_edit.setText("UBND tỉnh Kiên Giang")
    editor.phase_name.setText("Giai đoạn cao điểm 1")
    answers = Answers(answer)
    qtbot.keyClick(editor, Qt.Key_Escape)
    assert answers.count == 1 and "thông tin kế hoạch, giai đoạn" in answers.asked[0]["text"]
    row = cm.get_campaign_row(ctx.store, campaign_id)
    phase = cm.list_phases(ctx.store, campaign_id)[0]
    if answer == "stay":
        assert editor.isVisible() and editor.issuer_edit.text() == "UBND tỉnh Kiên Giang"
        assert not row["issuer"] and phase["name"] == "Giai đoạn 1"
        editor.discard_changes()
    elif answer == "discard":
        assert not editor.isVisible() and not row["issuer"] and phase["name"] == "Giai đoạn 1"
    else:
        assert not editor.isVisible()
        assert row["issuer"] == "UBND tỉnh Kiên Giang" and phase["name"] == "Giai đoạn cao điểm 1"


def test_the_campaign_editor_asks_before_showing_another_plan_and_not_when_unchanged(campaign, qtbot):
    ctx, editor, campaign_id = campaign
    other = cm.create_campaign(ctx.store, {"name": "Kế hoạch Cần Thơ", "start_on": "2025-01-01",
                                           "end_on": "2025-06-30"})
    editor.reload_campaigns(campaign_id)
    answers = Answers("stay")
    editor._choose_campaign(other)  # nothing changed: no question
    assert answers.count == 0 and editor.campaign_id == other
    editor._choose_campaign(campaign_id)
    editor.name_edit.setText("Kế hoạch đổi tên")
    editor._choose_campaign(other)
    assert answers.count == 1 and editor.campaign_id == campaign_id
    assert editor.campaign_combo.currentData() == campaign_id and editor.name_edit.text() == "Kế hoạch đổi tên"
    editor.discard_changes()
    qtbot.keyClick(editor, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert answers.count == 1


@pytest.fixture
def unit_dialog(fresh_store, qtbot):
    from ui.dialogs.unit_dialog import UnitDialog

    wards = {w.code: w for w in units.official_wards("91")}
    unit_id = units.save_unit(fresh_store, {"name": "Công an xã Hòn Đất", "province_code": "91"})
    units.set_unit_areas(fresh_store, unit_id, [wards["30817"], wards["30823"]])
    ctx = AppContext.create(fresh_store)
    dialog = UnitDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield ctx, dialog
    ctx.changes.detach()


@pytest.mark.parametrize("answer", ["stay", "discard", "save"])
def test_closing_the_unit_dialog_with_changes(unit_dialog, qtbot, answer):
    from ui.dialogs.unit_dialog import UnitDialog

    ctx, dialog = unit_dialog
    dialog.parent_name.setText("Công an tỉnh An Giang")
    answers = Answers(answer)
    dialog.close()
    assert answers.count == 1 and answers.asked[0]["text"].startswith("Thông tin đơn vị và địa bàn")
    saved = units.current_unit(ctx.store)["parent_name"]
    if answer == "stay":
        assert dialog.isVisible() and dialog.parent_name.text() == "Công an tỉnh An Giang" and not saved
        dialog.discard_changes()
    elif answer == "discard":
        assert not dialog.isVisible() and not saved
    else:
        assert not dialog.isVisible() and saved == "Công an tỉnh An Giang"
        assert {a["code"] for a in units.unit_areas(ctx.store)} == {"30817", "30823"}
    again = UnitDialog(ctx)  # nothing changed: Esc closes without a question
    qtbot.addWidget(again)
    again.show()
    qtbot.keyClick(again, Qt.Key_Escape)
    assert answers.count == 1 and not again.isVisible()


# ---- the main window: pages, Ctrl+Q, signing out from the lock screen ------------------------------------
@pytest.fixture
def desk(fresh_store, qtbot, monkeypatch):
    make_unit(fresh_store)
    orgs = make_organizations(fresh_store, 6)
    dossier_id = dossier_model.create(fresh_store, declared=dossier_model.prefill(fresh_store, orgs[0]["id"]),
                                      channel="Trực tiếp tại đơn vị", org_id=orgs[0]["id"])
    auth.create_first_admin(fresh_store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
    fresh_store.actor = auth.sign_in(fresh_store, "quantri", "matkhau-quantri")
    auth.create_officer(fresh_store, "chihuy", "Trần Minh Chiến", "leader", "matkhau-chihuy")
    auth.sign_out(fresh_store)
    monkeypatch.setattr(QApplication, "quit", lambda *a: None)
    app = QApplication.instance()
    quits = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)
    session = Session(fresh_store, watch_interval_ms=100)
    dialog = session.start()
    dialog.username.setText("chihuy")
    dialog.password.setText("matkhau-chihuy")
    dialog.try_sign_in()
    window = session.window
    qtbot.waitExposed(window)
    yield session, window, dossier_id
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.objectName() in ("dossierView", "signInDialog"):
            if hasattr(widget, "discard_changes"):
                widget.discard_changes()
            widget.hide()
    session._teardown_window()
    app.setQuitOnLastWindowClosed(quits)


def _activate(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _note_in_a_dossier(qtbot, window, dossier_id, text=NOTE):
    view = window.pages["dossiers"].open_dossier(dossier_id)
    qtbot.waitExposed(view)
    _type_note(qtbot, view, text)
    return view


def test_ctrl_q_with_an_unsaved_dossier_note_stay_then_save(desk, qtbot):
    session, window, dossier_id = desk
    view = _note_in_a_dossier(qtbot, window, dossier_id)
    _activate(qtbot, window)
    answers = Answers("stay", "save")
    window.show_page("progress")  # another page: the dossier window stays open, nothing asked
    assert answers.count == 0 and view.isVisible()
    qtbot.keyClick(window.nav, Qt.Key_Q, Qt.ControlModifier)
    assert answers.count == 1 and answers.asked[0]["text"].startswith("Hồ sơ HS-")
    assert window.isVisible() and view.isVisible() and view.comparison.edit_notes.toPlainText() == NOTE
    assert not dossier_model.get(session.store, dossier_id).get("notes")
    _activate(qtbot, window)
    qtbot.keyClick(window.nav, Qt.Key_Q, Qt.ControlModifier)
    assert answers.count == 2 and not window.isVisible()
    assert dossier_model.get(session.store, dossier_id)["notes"] == NOTE


def test_signing_out_from_the_lock_screen_with_an_unsaved_note(desk, qtbot):
    session, window, dossier_id = desk
    _note_in_a_dossier(qtbot, window, dossier_id)
    session.lock.lock("manual")
    screen = session.lock.screen
    answers = Answers("stay", "discard")
    screen.sign_out_button.click()
    assert answers.count == 1
    assert session.lock.is_locked and screen.isVisible() and session.window is window
    assert not window.centralWidget().isVisible()  # still locked: nothing shown behind the question
    assert session.store.actor.username == "chihuy"
    screen.sign_out_button.click()
    assert answers.count == 2 and session.window is None and session.store.actor == SYSTEM_ACTOR
    assert not dossier_model.get(session.store, dossier_id).get("notes")


def test_quitting_asks_nothing_when_nothing_changed_but_a_typed_note_is_asked_about(desk, qtbot):
    session, window, dossier_id = desk
    view = _note_in_a_dossier(qtbot, window, dossier_id, text="")  # typed and wiped: nothing changed
    answers = Answers("discard")
    window.pages["registry"].select_row(0)
    window.close()
    assert answers.count == 0 and not window.isVisible()
    window.show()
    _type_note(qtbot, view)
    window.close()
    assert answers.count == 1 and not window.isVisible()


def test_signing_out_saves_the_note_when_asked_to(desk, qtbot):
    session, window, dossier_id = desk
    _note_in_a_dossier(qtbot, window, dossier_id)
    session.lock.lock("manual")
    answers = Answers("save")
    session.lock.screen.sign_out_button.click()
    assert answers.count == 1 and session.window is None
    assert dossier_model.get(session.store, dossier_id)["notes"] == NOTE


def test_page_switch_with_an_edited_registry_field(desk, qtbot):
    session, window, _dossier_id = desk
    store = session.store
    page = window.show_page("registry")
    _activate(qtbot, window)
    page.select_row(0)
    org_id = page.current_org_id()
    before = organizations.get(store, org_id)
    page.detail.fields["address"].setText("Số 5 đường Nguyễn Trung Trực")
    answers = Answers("stay", "discard", "save")
    qtbot.keyClick(window.nav, Qt.Key_2, Qt.ControlModifier)  # «Ở lại»
    qtbot.wait(20)
    assert answers.count == 1 and window.stack.currentWidget() is page and window.nav.currentRow() == 0
    assert page.detail.fields["address"].text() == "Số 5 đường Nguyễn Trung Trực"
    _activate(qtbot, window)  # the question took the keyboard for a while
    qtbot.keyClick(window.nav, Qt.Key_2, Qt.ControlModifier)  # «Không lưu»
    assert answers.count == 2 and window.stack.currentWidget() is window.pages["dossiers"]
    assert organizations.get(store, org_id) == before
    _activate(qtbot, window)
    qtbot.keyClick(window.nav, Qt.Key_1, Qt.ControlModifier)  # back: nothing changed, no question
    assert answers.count == 2 and page.detail.fields["address"].text() == (before["address"] or "")
    page.detail.fields["address"].setText("Số 5 đường Nguyễn Trung Trực")
    item = window.nav.item(1)  # the navigation bar, by mouse: «Lưu»
    qtbot.mouseClick(window.nav.viewport(), Qt.LeftButton, pos=window.nav.visualItemRect(item).center())
    assert answers.count == 3 and window.stack.currentWidget() is window.pages["dossiers"]
    assert organizations.get(store, org_id)["address"] == "Số 5 đường Nguyễn Trung Trực"


def test_page_switch_stay_by_mouse_keeps_the_navigation_bar_on_the_page(desk, qtbot):
    session, window, _dossier_id = desk
    page = window.show_page("registry")
    page.select_row(0)
    page.detail.fields["address"].setText("Đang sửa")
    answers = Answers("stay")
    item = window.nav.item(3)
    qtbot.mouseClick(window.nav.viewport(), Qt.LeftButton, pos=window.nav.visualItemRect(item).center())
    qtbot.wait(30)
    assert answers.count == 1 and window.stack.currentWidget() is page
    assert window.nav.currentRow() == 0 and [i.row() for i in window.nav.selectedIndexes()] == [0]
    page.detail.discard_changes()


def test_typed_report_texts_survive_a_page_switch_and_are_asked_about_on_quit(desk, qtbot):
    session, window, _dossier_id = desk
    reports = window.show_page("reports")
    reports.difficulties.setPlainText("Nhiều tổ chức nhóm 4 chưa có con dấu")
    answers = Answers("stay", "discard")
    window.show_page("registry")
    assert answers.count == 0 and window.stack.currentWidget() is window.pages["registry"]
    window.show_page("reports")
    assert reports.difficulties.toPlainText() == "Nhiều tổ chức nhóm 4 chưa có con dấu"
    window.show_page("registry")
    window.close()
    assert answers.count == 1 and window.isVisible() and window.stack.currentWidget() is reports
    assert sorted(answers.asked[0]["buttons"]) == ["&Không lưu", "Ở &lại"]
    window.close()
    assert answers.count == 2 and not window.isVisible()
