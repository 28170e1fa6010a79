"""Intake by keyboard, driven through the real widgets: Ctrl+N on the main window, the tax code, Enter,
save — counted key presses —, prefill from the registry, declared values kept beside the registry's,
the second-open-dossier flag, a new organization created from the same dialog, the receipt PDF."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMainWindow

from models.dossiers import records as dossier_model
from models.registry import organizations as orgs
from tests.factories.dossier_screens import make_organizations, make_unit
from tests.factories.unsaved_answers import Answers
from ui.context import AppContext
from ui.dialogs.intake_dialog import IntakeDialog
from ui.pages.dossiers import DossiersPage


class Keys:
    """Sends key presses to whatever widget has the keyboard focus, counting the non-data ones."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.count = 0
        self.log: list[str] = []

    def focus(self):
        widget = QApplication.focusWidget()
        assert widget is not None, "no widget has the keyboard focus"
        return widget

    def press(self, key, modifier=Qt.NoModifier, name: str = "") -> None:
        self.count += 1
        self.log.append(f"{name or key} → {self.focus().objectName() or type(self.focus()).__name__}")
        self.qtbot.keyClick(self.focus(), key, modifier)

    def type(self, text: str) -> None:  # typed data: not counted
        type_text(self.qtbot, self.focus(), text)


def type_text(qtbot, widget, text: str) -> None:
    """Type ``text`` key by key; non-ASCII letters (Vietnamese) arrive as key events carrying the text,
    the way an input method delivers them (QTest's character overload only knows ASCII)."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))


@pytest.fixture
def desk(fresh_store, qtbot):
    make_unit(fresh_store)
    organizations = make_organizations(fresh_store, 12)
    ctx = AppContext.create(fresh_store)
    window = QMainWindow()
    ctx.window = window
    page = DossiersPage(ctx)
    window.setCentralWidget(page)
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page.table.setFocus()
    yield ctx, window, page, organizations
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, IntakeDialog) and widget.isVisible():
            widget.discard()  # a half-filled form would ask «Lưu / Không lưu / Ở lại»
        elif widget is not window and widget.isVisible():
            widget.close()
    ctx.changes.detach()


def _open_intake_by_keyboard(qtbot, window, page, keys: Keys) -> IntakeDialog:
    keys.press(Qt.Key_N, Qt.ControlModifier, "Ctrl+N")
    qtbot.waitUntil(lambda: page.intake_dialog is not None and page.intake_dialog.isVisible())
    dialog = page.intake_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.lookup.edit)
    return dialog


def test_keyboard_only_intake_of_a_registered_organization(desk, qtbot):
    ctx, window, page, organizations = desk
    org = organizations[3]
    keys = Keys(qtbot)
    dialog = _open_intake_by_keyboard(qtbot, window, page, keys)
    saved = []
    dialog.saved.connect(saved.append)

    keys.type(org["tax_code"])
    keys.press(Qt.Key_Return, name="Enter")  # find it and prefill
    assert dialog.org is not None and dialog.org["id"] == org["id"]
    assert QApplication.focusWidget() is dialog.save_button
    keys.press(Qt.Key_Return, name="Enter")  # on "Lưu hồ sơ"
    assert saved, f"not saved; keys: {keys.log}; status: {dialog.status_label.text()}"
    assert QApplication.focusWidget() is dialog.print_button
    keys.press(Qt.Key_Escape, name="Esc")
    qtbot.waitUntil(lambda: page.intake_dialog is None or not page.intake_dialog.isVisible())

    assert keys.count <= 8, keys.log
    assert keys.count == 4, keys.log  # Ctrl+N, Enter, Enter, Esc
    d = dossier_model.get(ctx.store, saved[0])
    assert d["org_id"] == org["id"] and d["status"] == "received"
    assert d["declared"]["name"] == org["name"] and d["declared"]["rep_id_number"] == org["rep_id_number"]
    assert d["received_at"] == "2025-01-09 09:30:00" and d["channel"] == "Trực tiếp tại đơn vị"
    assert d["papers"] == [dossier_model.papers_checklist(ctx.store)[0]]
    assert d["due_date"] == "2025-01-14"  # 3 working days after Thu 09/01/2025
    # the page shows it in today's list
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.list_item("today").text().endswith("(1)")


def test_ctrl_enter_saves_from_any_field(desk, qtbot):
    ctx, window, page, organizations = desk
    keys = Keys(qtbot)
    dialog = _open_intake_by_keyboard(qtbot, window, page, keys)
    keys.type(organizations[0]["tax_code"])
    keys.press(Qt.Key_Return)
    dialog.fields["rep_phone"].setFocus()
    keys.press(Qt.Key_Return, Qt.ControlModifier, "Ctrl+Enter")
    assert dialog.saved_id is not None
    assert keys.count == 3


def test_prefill_shows_registry_values_and_keeps_declared_differences(desk, qtbot):
    ctx, window, page, organizations = desk
    org = organizations[5]
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.lookup.edit.setText(org["tax_code"])
    dialog.lookup.accept_current()
    for key in ("name", "address", "tax_code", "rep_name", "rep_id_number", "rep_phone", "rep_email"):
        assert dialog.fields[key].text() == org[key], key
        shown = org[key] if key != "rep_id_number" else org[key][:3] + "******" + org[key][-3:]
        assert dialog.registry_labels[key].text() == shown, key
    # the number in the form is a reveal of the registry's: logged
    reveals = ctx.store.query("SELECT object_type, object_id FROM audit_log WHERE action = 'personal_id.reveal'")
    assert reveals == [{"object_type": "organization", "object_id": str(org["id"])}]
    y, m, d = org["established_on"].split("-")
    assert dialog.fields["established_on"].text() == f"{d}/{m}/{y}"
    assert dialog.fields["area_code"].currentData() == org["area_code"]
    assert dialog.group_combo.currentData() == org["grp"] and not dialog.group_combo.isEnabled()
    assert dialog.differing_fields() == []

    # The applicant declares another phone and a differently written name (same legal form).
    dialog.fields["rep_phone"].setText("0987654321")
    dialog.fields["name"].setText(org["name"].upper().replace("CÔNG TY", "CTY"))
    assert dialog.differing_fields() == ["rep_phone"], "CTY = Công ty: not a difference"
    assert "ffe8a3" in dialog.registry_labels["rep_phone"].styleSheet()
    dossier_id = dialog.save()
    d = dossier_model.get(ctx.store, dossier_id)
    assert d["declared"]["rep_phone"] == "0987654321"
    assert orgs.load(ctx.store, org["id"])["rep_phone"] == org["rep_phone"], "registry unchanged"
    row = {r["field"]: r for r in dossier_model.comparison(ctx.store, dossier_id)}
    assert row["rep_phone"]["differs"] and not row["name"]["differs"]


def test_type_ahead_by_name_without_diacritics(desk, qtbot):
    ctx, window, page, organizations = desk
    org = organizations[2]
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    from models.text.normalize import fold

    words = fold(org["name"]).split()
    qtbot.keyClicks(dialog.lookup.edit, " ".join(words[-2:]))
    qtbot.waitUntil(lambda: dialog.lookup.results.count() > 0, timeout=3000)
    texts = [dialog.lookup.results.item(i).text() for i in range(dialog.lookup.results.count())]
    assert any(org["name"] in t for t in texts)
    # Down/Up choose, Enter takes the highlighted one
    target = next(i for i, t in enumerate(texts) if org["name"] in t)
    for _ in range(target):
        qtbot.keyClick(dialog.lookup.edit, Qt.Key_Down)
    qtbot.keyClick(dialog.lookup.edit, Qt.Key_Return)
    assert dialog.org["id"] == org["id"]


def test_second_open_dossier_is_flagged_and_must_be_acknowledged(desk, qtbot):
    ctx, window, page, organizations = desk
    org = organizations[1]
    first = dossier_model.create(ctx.store, declared=dossier_model.prefill(ctx.store, org["id"]),
                                 channel="Tổ lưu động", org_id=org["id"])
    first_number = dossier_model.get(ctx.store, first)["number"]
    keys = Keys(qtbot)
    dialog = _open_intake_by_keyboard(qtbot, window, page, keys)
    keys.type(org["tax_code"])
    keys.press(Qt.Key_Return)
    assert dialog.duplicate_banner.isVisible()
    assert first_number in dialog.duplicate_banner.text()
    assert QApplication.focusWidget() is dialog.duplicate_accept
    keys.press(Qt.Key_Return, Qt.ControlModifier, "Ctrl+Enter")  # refused: not acknowledged yet
    assert dialog.saved_id is None
    assert ctx.store.scalar("SELECT count(*) FROM dossiers") == 1
    assert "xác nhận" in dialog.status_label.text()
    keys.press(Qt.Key_Space, name="Space")
    assert dialog.duplicate_accept.isChecked()
    keys.press(Qt.Key_Return, Qt.ControlModifier, "Ctrl+Enter")
    assert dialog.saved_id is not None
    assert keys.count <= 8, keys.log
    assert ctx.store.scalar("SELECT count(*) FROM dossiers WHERE org_id = ?", (org["id"],)) == 2


def test_unknown_tax_code_creates_the_organization_from_the_same_dialog(desk, qtbot):
    ctx, window, page, organizations = desk
    from tests.factories.dossier_screens import real_tax_codes

    unused = real_tax_codes()[30]
    assert orgs.find_by_tax_code(ctx.store, unused) is None
    keys = Keys(qtbot)
    dialog = _open_intake_by_keyboard(qtbot, window, page, keys)
    keys.type(unused)
    keys.press(Qt.Key_Return)
    assert dialog.new_org and dialog.org is None
    assert QApplication.focusWidget() is dialog.group_combo and dialog.group_combo.isEnabled()
    assert dialog.fields["tax_code"].text() == unused
    keys.press(Qt.Key_Tab)
    keys.type("Công ty TNHH Thương mại Ánh Dương Ước")
    dialog.fields["rep_name"].setFocus()
    keys.type("Lê Thị Hằng")
    dialog.fields["rep_id_number"].setFocus()
    keys.type("091185000123")
    keys.press(Qt.Key_Return, Qt.ControlModifier)
    assert dialog.saved_id is not None, dialog.status_label.text()
    org = orgs.find_by_tax_code(ctx.store, unused)
    assert org is not None and org["grp"] == 1 and org["name"] == "Công ty TNHH Thương mại Ánh Dương Ước"
    assert [s["source"] for s in orgs.sources_of(ctx.store, org["id"])] == ["hoso"]
    d = dossier_model.get(ctx.store, dialog.saved_id)
    assert d["org_id"] == org["id"] and d["declared"]["rep_name"] == "Lê Thị Hằng"


def test_group4_organization_without_tax_code(desk, qtbot):
    ctx, window, page, organizations = desk
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.lookup.edit, "Chi hội Người cao tuổi ấp Phước Ưu")
    qtbot.keyClick(dialog.lookup.edit, Qt.Key_Return)
    assert dialog.new_org and dialog.group_combo.currentData() == 4
    assert dialog.fields["name"].text() == "Chi hội Người cao tuổi ấp Phước Ưu"
    assert "quyết định" in dialog.fields["founding_decision"].placeholderText().lower()
    dialog.fields["founding_decision"].setText("Quyết định số 15/QĐ-UBND ngày 02/3/2020")
    dialog.fields["area_code"].setCurrentIndex(dialog.fields["area_code"].findData("30903"))
    dossier_id = dialog.save()
    assert dossier_id
    d = dossier_model.get(ctx.store, dossier_id)
    assert d["org"]["grp"] == 4 and d["org"]["tax_code"] is None
    assert d["declared"]["founding_decision"].startswith("Quyết định số 15")


def test_enter_in_a_field_moves_on_and_never_saves(desk, qtbot):
    ctx, window, page, organizations = desk
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.use_organization(organizations[0])
    dialog.fields["name"].setFocus()
    qtbot.keyClick(dialog.fields["name"], Qt.Key_Return)
    assert dialog.saved_id is None
    assert QApplication.focusWidget() is not dialog.fields["name"]


def test_papers_notes_channel_and_time_are_saved(desk, qtbot):
    ctx, window, page, organizations = desk
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.use_organization(organizations[4])
    dialog.channel.setCurrentText("Tổ lưu động")
    dialog.papers.setFocus()
    dialog.papers.setCurrentRow(2)
    qtbot.keyClick(dialog.papers, Qt.Key_Space)
    from PySide6.QtCore import QDateTime

    dialog.received_at.setDateTime(QDateTime.fromString("08/01/2025 16:45", "dd/MM/yyyy HH:mm"))
    dialog.notes.setPlainText("Người nộp là kế toán, có giấy uỷ quyền")
    dossier_id = dialog.save()
    row = ctx.store.query_one("SELECT channel, received_at, papers, notes FROM dossiers WHERE id = ?", (dossier_id,))
    papers = dossier_model.papers_checklist(ctx.store)
    assert row["channel"] == "Tổ lưu động" and row["received_at"] == "2025-01-08 16:45:00"
    assert json.loads(row["papers"]) == [papers[0], papers[2]]
    assert row["notes"] == "Người nộp là kế toán, có giấy uỷ quyền"


def test_receipt_after_saving_is_written_as_pdf(desk, qtbot, tmp_path):
    ctx, window, page, organizations = desk
    org = organizations[6]
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.use_organization(org)
    dossier_id = dialog.save()
    assert dialog.after_save.isVisible() and dialog.print_button.isVisible()
    dialog.page_size.setCurrentIndex(dialog.page_size.findData("A4"))
    written = dialog.save_receipt_pdf(tmp_path / "giay-hen")
    assert written == tmp_path / "giay-hen.pdf"
    reader = PdfReader(str(written))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    number = dossier_model.get(ctx.store, dossier_id)["number"]
    assert f"Mã hồ sơ: {number}" in text
    assert org["name"] in text and "CÔNG AN TỈNH KIÊN GIANG" in text and "CÔNG AN HUYỆN CHÂU THÀNH" in text
    assert "Kiên Giang, ngày 09 tháng 01 năm 2025" in text and "14/01/2025" in text
    assert round(float(reader.pages[0].mediabox.height) * 25.4 / 72) == 297


def test_tab_order_follows_the_form(desk, qtbot):
    ctx, window, page, organizations = desk
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.use_organization(organizations[0])
    dialog.lookup.edit.setFocus()
    order = []
    for _ in range(20):
        widget = QApplication.focusWidget()
        order.append(widget.objectName())
        qtbot.keyClick(widget, Qt.Key_Tab)
    fields = [f"declared_{k}" for k in dossier_model.DECLARED_FIELDS]
    expected = ["orgSearch", *fields, "channel", "receivedAt", "papers", "notes", "saveButton", "closeButton"]
    assert order == expected, "one Tab per field, date-time included, no detour through containers"


def test_print_path_renders_the_slip_on_a_printer(desk, qtbot, tmp_path):
    """The real printing path minus the print dialog: a PDF printer receives the rendered A5 page."""
    from PySide6.QtPrintSupport import QPrinter

    from ui.dialogs.pdf_preview import print_pdf
    from ui.widgets.receipt_actions import make_printer, receipt_pdf

    ctx, window, page, organizations = desk
    dossier_id = dossier_model.create(ctx.store, declared=dossier_model.prefill(ctx.store, organizations[0]["id"]),
                                      channel="Trực tiếp tại đơn vị", org_id=organizations[0]["id"])
    printer = make_printer("A5")
    printer.setOutputFormat(QPrinter.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert print_pdf(receipt_pdf(ctx.store, dossier_id, "A5"), printer) == 1
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 210 and round(float(box.height) * 25.4 / 72) == 148


def test_mistyped_tax_code_is_kept_and_blocks(desk, qtbot):
    ctx, window, page, organizations = desk
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.lookup.edit, "0100233489")  # wrong check digit
    qtbot.keyClick(dialog.lookup.edit, Qt.Key_Return)
    assert dialog.new_org and dialog.fields["tax_code"].text() == "0100233489"
    assert "chữ số kiểm tra" in dialog.status_label.text()
    dialog.fields["name"].setText("Công ty TNHH Gõ Nhầm")
    dossier_id = dialog.save()
    assert dossier_id
    from models.dossiers import verification

    codes = {f["code"]: f["severity"] for f in verification.findings(ctx.store, dossier_id)}
    assert codes.get("tax_code_invalid") == "blocking"
    assert "1 lỗi chặn" in dialog.result_label.text()


def test_esc_on_a_typed_form_asks_save_discard_or_stay(desk, qtbot):
    ctx, window, page, organizations = desk
    keys = Keys(qtbot)
    dialog = _open_intake_by_keyboard(qtbot, window, page, keys)
    keys.type(organizations[2]["tax_code"])
    keys.press(Qt.Key_Return, name="Enter")
    dialog.fields["rep_phone"].setFocus()
    dialog.fields["rep_phone"].selectAll()
    keys.type("0912345678")
    dialog.fields["rep_phone"].setFocus()

    answers = Answers("esc", "stay")
    keys.press(Qt.Key_Escape, name="Esc")  # the question waits; a second Esc stays
    assert answers.count == 1
    asked = answers.asked[0]
    assert asked["text"] == "Hồ sơ đang tiếp nhận có thay đổi chưa lưu."
    assert sorted(asked["buttons"]) == ["&Không lưu", "&Lưu", "Ở &lại"] and asked["default"] == "saveChoice"
    assert dialog.isVisible() and dialog.fields["rep_phone"].text() == "0912345678"
    dialog.close_button.click()  # the Close button asks the same question; «Ở lại» keeps the form
    assert answers.count == 2 and dialog.isVisible() and dialog.fields["rep_phone"].text() == "0912345678"

    answers.answers = ["discard"]
    dialog.close_button.click()
    qtbot.waitUntil(lambda: page.intake_dialog is None or not page.intake_dialog.isVisible())
    assert answers.count == 3
    assert ctx.store.scalar("SELECT COUNT(*) FROM dossiers") == 0


def test_save_on_leaving_the_intake_form_saves_the_dossier(desk, qtbot):
    ctx, window, page, organizations = desk
    keys = Keys(qtbot)
    dialog = _open_intake_by_keyboard(qtbot, window, page, keys)
    keys.type(organizations[2]["tax_code"])
    keys.press(Qt.Key_Return, name="Enter")
    dialog.notes.setFocus()
    type_text(qtbot, dialog.notes, "Thiếu dấu giáp lai")
    answers = Answers("save")
    qtbot.keyClick(dialog.notes, Qt.Key_Escape)
    qtbot.waitUntil(lambda: page.intake_dialog is None or not page.intake_dialog.isVisible())
    assert answers.count == 1
    (dossier_id,) = [r["id"] for r in ctx.store.query("SELECT id FROM dossiers")]
    d = dossier_model.get(ctx.store, dossier_id)
    assert d["org_id"] == organizations[2]["id"] and d["notes"] == "Thiếu dấu giáp lai"


def test_a_refused_save_on_leaving_keeps_the_intake_form(desk, qtbot):
    """The organization has an open dossier: saving needs the tick box, so «Lưu» stays with the reason."""
    ctx, window, page, organizations = desk
    org = organizations[4]
    dossier_model.create(ctx.store, declared=dossier_model.prefill(ctx.store, org["id"]),
                         channel="Trực tiếp tại đơn vị", org_id=org["id"])
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.use_organization(org)
    dialog.notes.setPlainText("Hồ sơ thứ hai")
    answers = Answers("save")
    qtbot.keyClick(dialog, Qt.Key_Escape)
    assert answers.count == 1 and dialog.isVisible()
    assert "đánh dấu ô xác nhận" in dialog.status_label.text()
    assert ctx.store.scalar("SELECT COUNT(*) FROM dossiers") == 1
    dialog.discard()


def test_esc_closes_at_once_when_nothing_was_typed(desk, qtbot):
    ctx, window, page, organizations = desk
    answers = Answers()
    keys = Keys(qtbot)
    dialog = _open_intake_by_keyboard(qtbot, window, page, keys)
    keys.press(Qt.Key_Escape, name="Esc")
    qtbot.waitUntil(lambda: page.intake_dialog is None or not page.intake_dialog.isVisible())

    window.activateWindow()
    page.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    # an organization picked from the registry but nothing changed: nothing typed would be lost
    dialog = _open_intake_by_keyboard(qtbot, window, page, keys)
    keys.type(organizations[3]["tax_code"])
    keys.press(Qt.Key_Return, name="Enter")
    assert dialog.org is not None and not dialog.is_dirty()
    keys.press(Qt.Key_Escape, name="Esc")
    qtbot.waitUntil(lambda: page.intake_dialog is None or not page.intake_dialog.isVisible())
    assert answers.count == 0


def test_new_organization_or_notes_make_the_form_dirty(desk, qtbot):
    ctx, window, page, organizations = desk
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_new_organization("Hội Người cao tuổi ấp Tà Keo")
    assert dialog.is_dirty()
    answers = Answers("discard")
    qtbot.keyClick(dialog, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert answers.count == 1
    assert ctx.store.scalar("SELECT COUNT(*) FROM organizations WHERE name LIKE 'Hội Người cao tuổi%'") == 0

    other = IntakeDialog(ctx)
    qtbot.addWidget(other)
    other.show()
    other.use_organization(organizations[5])
    assert not other.is_dirty()
    other.notes.setFocus()
    type_text(qtbot, other.notes, "Thiếu dấu giáp lai")
    assert other.is_dirty()
    other.discard()


def test_a_failed_save_is_explained_and_the_form_is_kept(desk, qtbot, monkeypatch):
    ctx, window, page, organizations = desk
    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.use_organization(organizations[7])
    real_create = dossier_model.create

    def broken(*_args, **_kwargs):
        raise KeyError("declared")

    monkeypatch.setattr(dossier_model, "create", broken)
    assert dialog.save() is None
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()]
    assert boxes and boxes[-1].windowTitle() == "Chưa lưu được hồ sơ"
    assert "không mong muốn" in boxes[-1].text() and "KeyError" not in boxes[-1].text()
    assert "không mong muốn" in dialog.status_label.text()
    assert dialog.saved_id is None and dialog.save_button.isEnabled() and not dialog.after_save.isVisible()
    for box in boxes:
        box.close()
    monkeypatch.setattr(dossier_model, "create", real_create)
    dossier_id = dialog.save()  # the officer tries again with the same form
    assert dossier_id is not None and dialog.after_save.isVisible()
    assert dossier_model.get(ctx.store, dossier_id)["org_id"] == organizations[7]["id"]
