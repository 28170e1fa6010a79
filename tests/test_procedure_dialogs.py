"""The procedure's steps in the GUI (issue 13 item 2), driven by keyboard and mouse: the papers request
picked from the TK02 list, the account identifier when issuing, an intake officer's proposal and the
leader's approval or rejection (dossier screen and the «Chờ duyệt» worklist), undo with a reason, the
printed slips saved from the dossier screen, and the receipt's QR scanned into the search field."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from models.dossiers import procedure
from models.dossiers import records as dossier_model
from models.dossiers import status as dossier_status
from models.dossiers.receipt import receipt_fields
from tests.factories.dossier_screens import add_officer, make_organizations, make_unit, store_as
from ui.context import AppContext
from ui.dialogs.dossier_view import DossierView
from ui.pages.dossiers import DossiersPage


@pytest.fixture
def setup(fresh_store, qtbot):
    make_unit(fresh_store)
    organizations = make_organizations(fresh_store, 6)
    leader = add_officer(fresh_store, "chihuy", "Trần Minh Chiến", "leader")
    intake = add_officer(fresh_store, "tiepnhan1", "Phạm Thị Thu Hương", "intake")
    fresh_store.actor = leader
    ctx = AppContext.create(fresh_store)
    officer_store = store_as(fresh_store, intake)
    officer_ctx = AppContext(store=officer_store, changes=ctx.changes)
    yield ctx, officer_ctx, organizations
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()
    ctx.changes.detach()
    officer_store.close()


def _dossier(store, org, *steps) -> int:
    dossier_id = dossier_model.create(store, declared=dossier_model.prefill(store, org["id"]),
                                      channel="Trực tiếp tại đơn vị", org_id=org["id"])
    for step in steps:
        dossier_status.move(store, dossier_id, step)
    return dossier_id


def _view(ctx, qtbot, dossier_id) -> DossierView:
    view = DossierView(ctx, dossier_id)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    return view


def _status(store, dossier_id) -> str:
    return store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,))


def test_papers_request_by_keyboard_and_its_slip(setup, qtbot, tmp_path):
    ctx, _, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[0], "verifying")
    view = _view(ctx, qtbot, dossier_id)
    qtbot.mouseClick(view.status_buttons["needs_papers"], Qt.LeftButton)
    dialog = view.step_dialog
    assert dialog.objectName() == "papersRequestDialog" and dialog.isVisible()
    assert dialog.list.count() == len(dossier_model.papers_checklist(ctx.store))
    assert not dialog.ok_button.isEnabled(), "nothing chosen yet"
    qtbot.keyClick(dialog.list, Qt.Key_Return)  # Enter without a paper does not move the dossier
    assert _status(ctx.store, dossier_id) == "verifying"
    qtbot.keyClick(dialog.list, Qt.Key_Down)
    qtbot.keyClick(dialog.list, Qt.Key_Down)
    qtbot.keyClick(dialog.list, Qt.Key_Down)
    qtbot.keyClick(dialog.list, Qt.Key_Space)  # ticks «Văn bản uỷ quyền …»
    assert dialog.ok_button.isEnabled()
    dialog.other.setFocus()
    dialog.other.setText("  Bản sao điều lệ  hợp tác xã ")  # (QTest types ASCII only)
    qtbot.keyClick(dialog.other, Qt.Key_Return)
    assert not dialog.isVisible()
    d = dossier_model.get(ctx.store, dossier_id)
    asked = json.loads(d["missing_papers"])
    assert asked == ["Văn bản uỷ quyền (khi người nộp không phải người đại diện)", "Bản sao điều lệ hợp tác xã"]
    assert d["status"] == "needs_papers" and "Giấy tờ cần bổ sung" in view.header.text()
    assert view.papers_slip_action.isEnabled() and not view.refusal_notice_action.isEnabled()
    written = view.save_document("papers_request", tmp_path / "phieu")
    text = " ".join(PdfReader(written).pages[0].extract_text().split())
    assert "Bản sao điều lệ hợp tác xã" in text and "PHIẾU YÊU CẦU BỔ SUNG" in text
    # the papers arrived: the move back to «Đang xác minh» is confirmed first; Esc cancels
    qtbot.mouseClick(view.status_buttons["verifying"], Qt.LeftButton)
    assert "tính lại từ hôm nay" in view.step_dialog.label.text()
    qtbot.keyClick(view.step_dialog, Qt.Key_Escape)
    assert _status(ctx.store, dossier_id) == "needs_papers"


def test_officer_proposes_issue_leader_approves_from_the_worklist(setup, qtbot):
    ctx, officer_ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[1], "verifying", "verified")
    view = _view(officer_ctx, qtbot, dossier_id)
    button = view.status_buttons["issued"]
    assert button.isEnabled() and button.text() == "Đề xuất cấp tài khoản"
    qtbot.mouseClick(button, Qt.LeftButton)
    dialog = view.step_dialog
    assert dialog.objectName() == "issueDialog" and dialog.ok_button.text() == "&Gửi đề xuất"
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.account, "TC-0312687878")
    qtbot.keyClick(dialog.account, Qt.Key_Return)
    assert _status(ctx.store, dossier_id) == "verified"
    assert "Chờ chỉ huy duyệt" in view.header.text() and "TC-0312687878" in view.header.text()
    assert not view.status_buttons["issued"].isEnabled() and not view.approve_button.isVisible()
    view.close()
    # the leader's worklist
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.list_item("awaiting_approval").text().endswith("(1)")
    page.select_list("awaiting_approval")
    assert page.model.rowCount() == 1 and page.model.dossier_id(0) == dossier_id
    page.open_dossier(dossier_id)
    leader_view = page.views[dossier_id]
    assert leader_view.approve_button.isVisible() and leader_view.reject_button.isVisible()
    qtbot.mouseClick(leader_view.approve_button, Qt.LeftButton)
    assert "TC-0312687878" in leader_view.step_dialog.label.text()
    qtbot.keyClick(leader_view.step_dialog, Qt.Key_Return)
    d = dossier_model.get(ctx.store, dossier_id)
    assert (d["status"], d["account_id"]) == ("issued", "TC-0312687878")
    assert not leader_view.approve_button.isVisible()
    qtbot.waitUntil(lambda: page.list_item("awaiting_approval").text().endswith("(0)"), timeout=3000)


def test_leader_rejects_a_refusal_proposal_with_a_note(setup, qtbot):
    ctx, officer_ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[2], "verifying")
    officer_view = _view(officer_ctx, qtbot, dossier_id)
    qtbot.mouseClick(officer_view.status_buttons["refused"], Qt.LeftButton)
    officer_view.step_dialog.text.setPlainText("Tổ chức đã giải thể")
    qtbot.keyClick(officer_view.step_dialog.text, Qt.Key_Return, Qt.ControlModifier)
    assert procedure.open_proposal(ctx.store, dossier_id)["to_status"] == "refused"
    officer_view.close()
    view = _view(ctx, qtbot, dossier_id)
    qtbot.mouseClick(view.reject_button, Qt.LeftButton)
    view.step_dialog.text.setPlainText("Sở KH&ĐT xác nhận tổ chức vẫn hoạt động")
    qtbot.keyClick(view.step_dialog.text, Qt.Key_Return, Qt.ControlModifier)
    assert _status(ctx.store, dossier_id) == "verifying"
    assert "không duyệt" in view.header.text() and "vẫn hoạt động" in view.header.text()


def test_leader_undoes_a_wrong_issue_with_a_reason(setup, qtbot):
    ctx, _, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[3], "verifying", "verified")
    view = _view(ctx, qtbot, dossier_id)
    qtbot.mouseClick(view.status_buttons["issued"], Qt.LeftButton)
    qtbot.keyClicks(view.step_dialog.account, "TC-1")
    qtbot.mouseClick(view.step_dialog.ok_button, Qt.LeftButton)
    assert _status(ctx.store, dossier_id) == "issued" and view.undo_button.isVisible()
    qtbot.mouseClick(view.undo_button, Qt.LeftButton)
    dialog = view.step_dialog
    assert "Đã xác minh → Đã cấp tài khoản" in dialog.findChild(type(view.header)).text()
    qtbot.keyClick(dialog.text, Qt.Key_Return, Qt.ControlModifier)  # no reason yet: nothing happens
    assert _status(ctx.store, dossier_id) == "issued"
    dialog.text.setPlainText("Bấm nhầm hồ sơ, tài khoản chưa được duyệt trên hệ thống")
    qtbot.keyClick(dialog.text, Qt.Key_Return, Qt.ControlModifier)
    d = dossier_model.get(ctx.store, dossier_id)
    assert (d["status"], d["account_id"], d["issued_on"]) == ("verified", None, None)
    titles = [view.history.model.text(r, 2) for r in range(view.history.model.rowCount())]
    assert titles[0] == "Hoàn tác, trở lại: Đã xác minh"
    assert any(t.startswith("Chuyển trạng thái: Đã cấp tài khoản") for t in titles)
    assert not view.undo_button.isVisible()


def test_intake_officer_sees_no_undo(setup, qtbot):
    ctx, officer_ctx, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[4], "verifying")
    view = _view(officer_ctx, qtbot, dossier_id)
    assert not view.undo_button.isVisible()


def test_refusal_notice_saved_from_the_screen(setup, qtbot, tmp_path):
    ctx, _, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[5])
    view = _view(ctx, qtbot, dossier_id)
    qtbot.mouseClick(view.status_buttons["refused"], Qt.LeftButton)
    view.step_dialog.text.setPlainText("Không có văn bản uỷ quyền")
    qtbot.mouseClick(view.step_dialog.ok_button, Qt.LeftButton)
    assert view.refusal_notice_action.isEnabled()
    written = view.save_document("refusal", tmp_path / "tu-choi.pdf")
    text = " ".join(PdfReader(written).pages[0].extract_text().split())
    assert "Không có văn bản uỷ quyền" in text and "Trần Minh Chiến" in text


def test_scanned_qr_line_opens_the_dossier(setup, qtbot):
    ctx, _, organizations = setup
    dossier_id = _dossier(ctx.store, organizations[0])
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    # a scanner types the whole line (QTest types ASCII only, so the text is set, then Enter pressed)
    page.search.setText(receipt_fields(ctx.store, dossier_id)["qr_text"])
    qtbot.keyClick(page.search, Qt.Key_Return)
    assert dossier_id in page.views and page.views[dossier_id].isVisible()


def test_leader_decides_from_the_worklist_without_opening(setup, qtbot):
    ctx, officer_ctx, organizations = setup
    first = _dossier(ctx.store, organizations[0], "verifying", "verified")
    second = _dossier(ctx.store, organizations[1], "verifying")
    procedure.propose(officer_ctx.store, first, "issued", account_id="TC-0100233488")
    procedure.propose(officer_ctx.store, second, "refused", reason="Trụ sở không có thật")
    officer_page = DossiersPage(officer_ctx)
    qtbot.addWidget(officer_page)
    officer_page.show()
    officer_page.select_list("awaiting_approval")
    assert officer_page.model.rowCount() == 2 and not officer_page.approval_bar.isVisible()
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.select_list("awaiting_approval")
    assert page.approval_bar.isVisible()
    rows = {page.model.dossier_id(r): r for r in range(page.model.rowCount())}
    page.table.setCurrentIndex(page.model.index(rows[second], 0))
    qtbot.mouseClick(page.reject_button, Qt.LeftButton)
    page.step_dialog.text.setPlainText("Đã xác minh: trụ sở có thật")
    qtbot.keyClick(page.step_dialog.text, Qt.Key_Return, Qt.ControlModifier)
    assert _status(ctx.store, second) == "verifying" and procedure.open_proposal(ctx.store, second) is None
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.mouseClick(page.approve_button, Qt.LeftButton)
    assert "TC-0100233488" in page.step_dialog.label.text()
    qtbot.keyClick(page.step_dialog, Qt.Key_Return)
    assert _status(ctx.store, first) == "issued"
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=3000)
    officer_page.close()
