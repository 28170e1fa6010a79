"""The dossier screen, driven through its widgets: status buttons from the model (and the role),
refusal/cancellation need a reason, findings with severities, declared vs registry highlighted,
manual checks, cross-locality request and answer, the timeline, and the stale-edit message."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from models.dossiers import records as dossier_model
from models.dossiers import states as dossier_states
from models.dossiers import status as dossier_status
from models.registry import organizations as orgs
from tests.factories.dossier_screens import add_officer, make_organizations, make_unit, store_as
from ui.context import AppContext
from ui.dialogs.dossier_view import DossierView


@pytest.fixture
def setup(fresh_store, qtbot):
    make_unit(fresh_store)
    organizations = make_organizations(fresh_store, 8)
    ctx = AppContext.create(fresh_store)
    yield ctx, organizations
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()
    ctx.changes.detach()


def _dossier(store, org, **declared_overrides) -> int:
    declared = {**dossier_model.prefill(store, org["id"]), **declared_overrides}
    return dossier_model.create(store, declared=declared, channel="Trực tiếp tại đơn vị", org_id=org["id"])


def _view(ctx, qtbot, dossier_id) -> DossierView:
    view = DossierView(ctx, dossier_id)
    qtbot.addWidget(view)
    view.show()
    return view


def _column(model, column: int) -> list[str]:
    return [model.text(r, column) for r in range(model.rowCount())]


def _visible_buttons(view) -> dict[str, bool]:
    return {k: b.isEnabled() for k, b in view.status_buttons.items() if b.isVisible()}


def test_status_buttons_follow_the_model_and_record_each_move(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[0])
    view = _view(ctx, qtbot, dossier_id)
    assert _visible_buttons(view) == {"verifying": True, "refused": True, "cancelled": True}
    qtbot.mouseClick(view.status_buttons["verifying"], Qt.LeftButton)
    assert dossier_model.get(ctx.store, dossier_id)["status"] == "verifying"
    expected = set(dossier_states.TRANSITIONS["verifying"])
    assert set(_visible_buttons(view)) == expected
    assert "Đang xác minh" in view.header.text()
    qtbot.mouseClick(view.status_buttons["verified"], Qt.LeftButton)
    assert dossier_model.get(ctx.store, dossier_id)["status"] == "verifying", "a confirmation comes first"
    qtbot.keyClick(view.step_dialog, Qt.Key_Return)  # «Xác nhận» is the default button
    qtbot.mouseClick(view.status_buttons["issued"], Qt.LeftButton)
    qtbot.keyClicks(view.step_dialog.account, "TC-0100233488")
    qtbot.keyClick(view.step_dialog.account, Qt.Key_Return)
    assert _visible_buttons(view) == {"activated": True}
    assert "Định danh tài khoản: <b>TC-0100233488</b>" in view.header.text()
    qtbot.mouseClick(view.status_buttons["activated"], Qt.LeftButton)
    qtbot.mouseClick(view.step_dialog.ok_button, Qt.LeftButton)
    assert _visible_buttons(view) == {}
    assert view.actions_box.title() == "Hồ sơ đã kết thúc"
    d = dossier_model.get(ctx.store, dossier_id)
    assert d["status"] == "activated" and d["issued_on"] == "2025-01-09" and d["activated_on"] == "2025-01-09"
    moves = [(e["from_status"], e["to_status"]) for e in dossier_status.events(ctx.store, dossier_id)]
    assert moves == [(None, "received"), ("received", "verifying"), ("verifying", "verified"),
                     ("verified", "issued"), ("issued", "activated")]
    titles = _column(view.history.model, 2)
    assert titles[0] == "Chuyển trạng thái: Đã kích hoạt"


def test_an_intake_officer_proposes_refusal_and_cannot_cancel(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[1])
    intake = add_officer(ctx.store, "tiepnhan1", "Phạm Thị Thu Hương", "intake")
    store = store_as(ctx.store, intake)
    try:
        view = _view(AppContext(store=store, changes=ctx.changes), qtbot, dossier_id)
        assert _visible_buttons(view) == {"verifying": True, "refused": True, "cancelled": False}
        assert view.status_buttons["refused"].text() == "Đề xuất từ chối"
        assert "chỉ huy duyệt" in view.status_buttons["refused"].toolTip()
        assert "không có quyền" in view.status_buttons["cancelled"].toolTip()
        view.close()
    finally:
        store.close()


def test_refusal_requires_a_reason(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[2])
    view = _view(ctx, qtbot, dossier_id)
    qtbot.mouseClick(view.status_buttons["refused"], Qt.LeftButton)
    dialog = view.reason_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled(), "no reason yet"
    qtbot.keyClicks(dialog.text, "   ")
    assert not dialog.ok_button.isEnabled(), "blanks are not a reason"
    qtbot.keyClick(dialog.text, Qt.Key_Return, Qt.ControlModifier)
    assert dialog.isVisible() and dossier_model.get(ctx.store, dossier_id)["status"] == "received"
    dialog.text.setPlainText("Nguoi nop khong phai nguoi dai dien, khong co giay uy quyen")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    d = dossier_model.get(ctx.store, dossier_id)
    assert d["status"] == "refused" and d["refusal_reason"].startswith("Nguoi nop khong phai")
    assert "Lý do từ chối" in view.header.text()
    assert _visible_buttons(view) == {}
    # the model refuses a reason-less refusal too (the rule is not only in the screen)
    other = _dossier(ctx.store, organizations[3])
    from models.core.errors import UserError

    with pytest.raises(UserError, match="lý do"):
        dossier_status.move(ctx.store, other, "refused", reason=" ")


def test_cancel_keeps_the_dossier_with_its_reason(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[2])
    view = _view(ctx, qtbot, dossier_id)
    qtbot.mouseClick(view.status_buttons["cancelled"], Qt.LeftButton)
    view.reason_dialog.text.setPlainText("Nhập nhầm tổ chức")
    qtbot.keyClick(view.reason_dialog.text, Qt.Key_Return, Qt.ControlModifier)
    d = dossier_model.get(ctx.store, dossier_id)
    assert d["status"] == "cancelled" and d["cancel_reason"] == "Nhập nhầm tổ chức"
    details = _column(view.history.model, 3)
    assert any("Lý do: Nhập nhầm tổ chức" in t for t in details)


def test_findings_with_severity_and_differences_highlighted(setup, qtbot):
    ctx, organizations = setup
    org = organizations[4]
    orgs.update(ctx.store, org["id"], {"status": "dissolved"})
    dossier_id = _dossier(ctx.store, org, rep_name="Nguyễn Văn Khác Hẳn", rep_phone="0987000111")
    view = _view(ctx, qtbot, dossier_id)
    found = {view.checks.findings.item(i).data(Qt.UserRole): view.checks.findings.item(i).data(Qt.UserRole + 1)
             for i in range(view.checks.findings.count())}
    assert found.get("status_blocking") == "blocking"
    assert found.get("rep_name_mismatch") in ("warning", "blocking")
    first = view.checks.findings.item(0)
    assert first.data(Qt.UserRole + 1) == "blocking" and first.foreground().color().name() == "#b3261e"
    assert not first.icon().isNull()
    assert "lỗi chặn" in view.tabs.tabText(1)
    model = view.comparison.model
    rows = {model.data(model.index(r, 0), Qt.UserRole): r for r in range(model.rowCount())}
    for field in ("rep_name", "rep_phone"):
        r = rows[field]
        assert model.data(model.index(r, 1), Qt.BackgroundRole).color().name() == "#ffe8a3", field
    assert model.data(model.index(rows["tax_code"], 1), Qt.BackgroundRole) is None
    assert "2 trường" in view.comparison.note.text()
    # a blocking finding stops verification: the button is disabled and says why; the model refuses too
    qtbot.mouseClick(view.status_buttons["verifying"], Qt.LeftButton)
    verified = view.status_buttons["verified"]
    assert verified.isVisible() and not verified.isEnabled() and "lỗi chặn" in verified.toolTip()
    assert view.status_buttons["refused"].isEnabled()
    view.move("verified")
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()]
    assert boxes and "lỗi chặn" in boxes[-1].text()
    assert dossier_model.get(ctx.store, dossier_id)["status"] == "verifying"


def test_editing_declared_values_and_reverifying(setup, qtbot):
    ctx, organizations = setup
    org = organizations[5]
    dossier_id = _dossier(ctx.store, org, rep_phone="0987000111")
    view = _view(ctx, qtbot, dossier_id)
    model = view.comparison.model
    rows = {model.data(model.index(r, 0), Qt.UserRole): r for r in range(model.rowCount())}
    assert model.setData(model.index(rows["rep_phone"], 1), org["rep_phone"])
    assert view.comparison.save_button.isEnabled()
    qtbot.mouseClick(view.comparison.save_button, Qt.LeftButton)
    d = dossier_model.get(ctx.store, dossier_id)
    assert d["declared"]["rep_phone"] == org["rep_phone"] and d["version"] == 2
    assert view.comparison.note.text() == "Kê khai khớp với sổ."


def test_stale_edit_is_explained_and_the_screen_reloads(setup, qtbot):
    ctx, organizations = setup
    org = organizations[6]
    dossier_id = _dossier(ctx.store, org)
    view = _view(ctx, qtbot, dossier_id)
    model = view.comparison.model
    rows = {model.data(model.index(r, 0), Qt.UserRole): r for r in range(model.rowCount())}
    assert model.setData(model.index(rows["rep_email"], 1), "moi@example.vn")
    assert view.editing
    # another desk (its own connection) changes the dossier meanwhile
    other_officer = add_officer(ctx.store, "ban2", "Trần Quốc Bảo", "intake")
    other = store_as(ctx.store, other_officer)
    try:
        dossier_model.update(other, dossier_id, {"notes": "Bàn 2 đã gọi điện cho người nộp"}, expected_version=1)
    finally:
        other.close()
    qtbot.waitUntil(lambda: view.stale_banner.isVisible())
    assert "đang sửa" in view.stale_banner.text()
    qtbot.mouseClick(view.comparison.save_button, Qt.LeftButton)
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "staleBox" and w.isVisible()]
    assert boxes and "người khác sửa" in boxes[-1].text() and "Ghi chú" in boxes[-1].text()
    assert dossier_model.get(ctx.store, dossier_id)["declared"].get("rep_email") == org["rep_email"]
    assert view.version == 2 and not view.editing
    # and a status move from a stale screen is refused the same way
    view.version = 1
    qtbot.mouseClick(view.status_buttons["verifying"], Qt.LeftButton)
    assert dossier_model.get(ctx.store, dossier_id)["status"] == "received"
    assert view.version == 2


def test_changes_from_elsewhere_reload_an_idle_screen(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[7])
    view = _view(ctx, qtbot, dossier_id)
    dossier_status.move(ctx.store, dossier_id, "verifying")
    qtbot.waitUntil(lambda: "Đang xác minh" in view.header.text())
    assert view.status_buttons["needs_papers"].isVisible()


def test_manual_checks_are_recorded_with_officer_and_time(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[0])
    view = _view(ctx, qtbot, dossier_id)
    view.tabs.setCurrentIndex(1)
    view.checks.check_code.setCurrentIndex(view.checks.check_code.findData("rep_id_card"))
    view.checks.check_result.setCurrentIndex(view.checks.check_result.findData("ok"))
    qtbot.keyClicks(view.checks.check_note, "CCCD ban goc, khop anh")
    qtbot.keyClick(view.checks.check_note, Qt.Key_Return)
    assert view.checks.manual_model.rowCount() == 1
    manual = view.checks.manual_model
    assert manual.text(0, 0) == "09/01/2025 09:30" and manual.text(0, 3) == "Khớp / đạt" and "căn cước" in manual.text(0, 2)
    titles = _column(view.history.model, 2)
    assert "Kiểm tra thủ công" in titles


def test_cross_locality_request_and_answer(setup, qtbot, clock):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[1])
    dossier_status.move(ctx.store, dossier_id, "verifying")
    view = _view(ctx, qtbot, dossier_id)
    view.tabs.setCurrentIndex(2)
    assert view.locality.req_due.date().toPython() > view.locality.req_sent.date().toPython()
    qtbot.keyClicks(view.locality.req_unit, "Cong an xa Minh Luong")
    qtbot.mouseClick(view.locality.req_button, Qt.LeftButton)
    assert dossier_model.get(ctx.store, dossier_id)["status"] == "waiting_locality"
    assert view.locality.model.rowCount() == 1
    assert view.locality.model.text(0, 0) == "Cong an xa Minh Luong"
    assert view.status_buttons["verified"].isVisible()
    # overdue requests are shown in red with the days late
    clock.advance(days=20)
    view.reload()
    requests = view.locality.model
    assert "quá" in requests.text(0, 3)
    assert requests.data(requests.index(0, 0), Qt.ForegroundRole).color().name() == "#b3261e"
    view.locality.ans_result.setCurrentIndex(view.locality.ans_result.findData("confirmed"))
    qtbot.mouseClick(view.locality.ans_button, Qt.LeftButton)
    assert view.locality.model.text(0, 5) == "Xác nhận thông tin đúng"
    assert dossier_model.get(ctx.store, dossier_id)["status"] == "verifying"


def test_receipt_can_be_saved_again_from_the_dossier(setup, qtbot, tmp_path):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[0])
    view = _view(ctx, qtbot, dossier_id)
    assert [a.text() for a in view.receipt_button.menu().actions()][:2] == ["In khổ A5…", "In khổ A4…"]
    written = view.save_receipt("A5", tmp_path / "lai.pdf")
    from pypdf import PdfReader

    text = " ".join(PdfReader(str(written)).pages[0].extract_text().split())
    assert dossier_model.get(ctx.store, dossier_id)["number"] in text


def test_timeline_reads_as_words_not_raw_data(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[3], rep_phone="0987000111")
    dossier_status.move(ctx.store, dossier_id, "verifying")
    from models.dossiers import locality_requests

    locality_requests.create_request(ctx.store, dossier_id, to_unit="Công an xã Minh Lương", method="Công văn")
    view = _view(ctx, qtbot, dossier_id)
    details = _column(view.history.model, 3)
    assert details and not any("{" in d or '"' in d for d in details), details
    assert any(d.startswith("Đề nghị xác minh:") and "Đơn vị: Công an xã Minh Lương" in d and "Hạn trả lời: " in d
               for d in details), details
    assert any(d.startswith("Kênh tiếp nhận: Trực tiếp tại đơn vị; Hạn giải quyết: 14/01/2025") for d in details)
    org_created = next(d for d in details if "Địa bàn:" in d)  # the organization's creation in the registry
    from models.registry import units

    area = units.area_names(ctx.store)[organizations[3]["area_code"]]
    assert f"Địa bàn: {area}" in org_created and organizations[3]["area_code"] not in org_created
    assert any(d.startswith("Trạng thái: Đã tiếp nhận → Đang xác minh") for d in details)


def test_area_channel_papers_and_notes_are_edited_from_the_dossier(setup, qtbot):
    ctx, organizations = setup
    store = ctx.store
    dossier_id = _dossier(store, organizations[2])
    before = dossier_model.get(store, dossier_id)
    view = _view(ctx, qtbot, dossier_id)
    assert not view.comparison.save_button.isEnabled()  # filling the screen is not an edit

    other_area = next(view.comparison.edit_area.itemData(i) for i in range(1, view.comparison.edit_area.count())
                      if view.comparison.edit_area.itemData(i) != before["declared"].get("area_code"))
    view.comparison.edit_area.setFocus()
    view.comparison.edit_area.setCurrentIndex(view.comparison.edit_area.findData(other_area))
    view.comparison.edit_channel.setCurrentText("Tổ lưu động")
    view.comparison.edit_papers.setFocus()
    view.comparison.edit_papers.setCurrentRow(1)
    qtbot.keyClick(view.comparison.edit_papers, Qt.Key_Space)
    view.comparison.edit_notes.setFocus()
    qtbot.keyClicks(view.comparison.edit_notes, "Nop bo sung ban sao dieu le")
    assert view.comparison.save_button.isEnabled() and view.editing
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    qtbot.keyClick(view.comparison.edit_notes, Qt.Key_S, Qt.ControlModifier)  # Ctrl+S saves from any field

    d = dossier_model.get(store, dossier_id)
    papers = dossier_model.papers_checklist(store)
    assert d["declared"]["area_code"] == other_area, (d["declared"], d["area_code"], d["channel"], d["notes"])
    assert d["area_code"] == other_area
    assert d["channel"] == "Tổ lưu động"
    assert before["papers"] == [] and d["papers"] == [papers[1]]
    assert d["notes"] == "Nop bo sung ban sao dieu le"
    assert d["version"] == before["version"] + 1  # one save, one version
    # the screen reloaded from the saved dossier
    assert view.comparison.edit_channel.currentText() == "Tổ lưu động" and view.comparison.edit_area.currentData() == other_area
    assert view.comparison.edit_notes.toPlainText() == "Nop bo sung ban sao dieu le"
    assert not view.comparison.save_button.isEnabled() and not view.editing
    model = view.comparison.model
    rows = {model.data(model.index(r, 0), Qt.UserRole): r for r in range(model.rowCount())}
    assert model.text(rows["area_code"], 1) == view.comparison.edit_area.currentText().replace(
        " (ngoài địa bàn)", "")
    # unchecking every paper saves an empty list
    for i in range(view.comparison.edit_papers.count()):
        view.comparison.edit_papers.item(i).setCheckState(Qt.Unchecked)
    assert view.save_declared()
    assert dossier_model.get(store, dossier_id)["papers"] == []


def test_closed_dossier_cannot_be_edited_from_the_screen(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[3])
    dossier_status.cancel(ctx.store, dossier_id, "Nhập nhầm tổ chức")
    view = _view(ctx, qtbot, dossier_id)
    assert not view.comparison.edit_area.isEnabled() and not view.comparison.edit_channel.isEnabled()
    assert view.comparison.edit_notes.isReadOnly()
    assert not view.comparison.edit_papers.item(0).flags() & Qt.ItemIsUserCheckable
    assert view.comparison.model.headerData(1, Qt.Horizontal) == "Kê khai"  # no "(sửa được)" on a closed dossier


def test_ctrl_s_keeps_a_cell_still_being_typed(setup, qtbot):
    ctx, organizations = setup
    org = organizations[4]
    dossier_id = _dossier(ctx.store, org)
    view = _view(ctx, qtbot, dossier_id)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    assert QApplication.focusWidget() is view.comparison.table  # opens on the data, not on a status button
    model = view.comparison.model
    rows = {model.data(model.index(r, 0), Qt.UserRole): r for r in range(model.rowCount())}
    view.comparison.table.setCurrentIndex(model.index(rows["rep_email"], 1))
    qtbot.keyClick(view.comparison.table, Qt.Key_F2)  # open the cell editor
    editor = QApplication.focusWidget()
    assert editor is not view.comparison.table and view.comparison.table.viewport().isAncestorOf(editor)
    editor.selectAll()
    qtbot.keyClicks(editor, "ketoan@example.vn")
    qtbot.keyClick(editor, Qt.Key_S, Qt.ControlModifier)  # no Enter first
    assert dossier_model.get(ctx.store, dossier_id)["declared"]["rep_email"] == "ketoan@example.vn"


def test_personal_id_numbers_are_masked_until_revealed_and_the_reveal_is_logged(setup, qtbot):
    ctx, organizations = setup
    store = ctx.store
    org = next(o for o in organizations if o.get("rep_id_number"))
    dossier_id = _dossier(store, org)
    view = _view(ctx, qtbot, dossier_id)
    model = view.comparison.model
    rows = {model.data(model.index(r, 0), Qt.UserRole): r for r in range(model.rowCount())}
    r = rows["rep_id_number"]
    full = org["rep_id_number"]
    masked = full[:3] + "******" + full[-3:]
    assert model.text(r, 1) == masked and model.text(r, 2) == masked
    assert not model.flags(model.index(r, 1)) & Qt.ItemIsEditable
    assert view.comparison.reveal_button.isVisible()
    qtbot.mouseClick(view.comparison.reveal_button, Qt.LeftButton)
    assert model.text(r, 1) == full and model.text(r, 2) == full
    assert model.flags(model.index(r, 1)) & Qt.ItemIsEditable and not view.comparison.reveal_button.isVisible()
    logged = store.query("SELECT object_type, object_id FROM audit_log WHERE action = 'personal_id.reveal'")
    assert logged == [{"object_type": "dossier", "object_id": str(dossier_id)}]


def test_own_move_reloads_the_screen_without_the_other_desk_banner(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[0])
    view = _view(ctx, qtbot, dossier_id)
    qtbot.mouseClick(view.status_buttons["verifying"], Qt.LeftButton)
    assert "Đang xác minh" in view.header.text() and view.version == 2
    assert not view.stale_banner.isVisible(), view.stale_banner.text()
    # another desk's move still reloads the screen and says so
    dossier_status.move(ctx.store, dossier_id, "needs_papers")
    assert view.version == 3 and view.stale_banner.isVisible() and "vừa được cập nhật" in view.stale_banner.text()


def test_an_unexpected_failure_is_shown_in_vietnamese_and_changes_nothing(setup, qtbot, monkeypatch):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[1])
    view = _view(ctx, qtbot, dossier_id)

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(dossier_status, "move", broken)
    qtbot.mouseClick(view.status_buttons["verifying"], Qt.LeftButton)
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()]
    assert boxes and "không mong muốn" in boxes[-1].text() and "division" not in boxes[-1].text()
    assert boxes[-1].windowTitle() == "Không chuyển được trạng thái"
    assert dossier_model.get(ctx.store, dossier_id)["status"] == "received" and view.version == 1


def test_dossier_tables_are_views_over_row_models(setup, qtbot):
    from PySide6.QtWidgets import QTableView, QTableWidget, QTreeWidget

    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[2], rep_phone="0987000111")
    dossier_model.update(ctx.store, dossier_id, {"notes": "Ghi chú rất dài " * 60}, expected_version=1)
    view = _view(ctx, qtbot, dossier_id)
    assert not view.findChildren(QTableWidget) and not view.findChildren(QTreeWidget)
    tables = {t.objectName(): t.model() for t in view.findChildren(QTableView)}
    assert {"comparisonTable", "manualChecks", "localityRequests", "timeline"} <= set(tables)
    timeline = tables["timeline"]
    row = next(r for r in range(timeline.rowCount()) if "Ghi chú rất dài" in timeline.text(r, 3))
    tip = timeline.data(timeline.index(row, 3), Qt.ToolTipRole)
    cut = timeline.text(row, 3)
    assert len(cut) == 400 and cut.endswith("…") and len(tip) > 400 and tip.startswith(cut[:-1])


def test_an_answer_needs_a_request_chosen_first(setup, qtbot):
    ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[3])
    dossier_status.move(ctx.store, dossier_id, "verifying")
    view = _view(ctx, qtbot, dossier_id)
    assert view.locality.selected_request() is None
    qtbot.mouseClick(view.locality.ans_button, Qt.LeftButton)
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()]
    assert boxes and "Hãy chọn yêu cầu" in boxes[-1].text()
