"""Logging a dossier (form TK02), keyboard first.

For an organization already in the registry the whole path is: Ctrl+N (opens this dialog with the
cursor in the search field), the tax code, Enter (finds it and fills the form from the registry; the
cursor goes to "Lưu"), Enter or Ctrl+Enter (saves), Esc (closes) — or Enter again to print the slip.

What the applicant declares is typed over the prefilled values and kept as declared; the registry's
value stays visible in the right-hand column and turns amber when the two differ. A second open
dossier of the same organization is shown before saving and must be acknowledged (Space on the tick
box) before the save goes through. An organization in no list is created from the same form.

Esc (or «Đóng», or the close box) on a form with typed data asks «Lưu / Không lưu / Ở lại»
(``ui.dialogs.unsaved``; Esc again stays); a form untouched since it was filled from the registry closes
at once, so the keyboard path above stays four keys.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.dossiers import records as dossier_model
from models.dossiers import verification
from models.registry import organizations as orgs
from models.registry import units as units_mod
from models.security.personal_data import display_id_number
from models.text.identifiers import check_tax_code, mask_personal_id
from models.text.normalize import clean, fold
from models.text.vn_format import date_text, datetime_text, html_text
from models.text.vn_parse import date_iso_or_text
from ui.context import AppContext
from ui.dialogs.unsaved import settle
from ui.ops import error_text, run_mutation, show_error, show_message
from ui.widgets.area_combo import fill_area_combo
from ui.widgets.date_edits import DateTimeEdit
from ui.widgets.org_lookup import OrgLookup
from ui.widgets.receipt_actions import print_receipt, save_receipt
from ui.widgets.window_fit import fit_to_screen

# Fields in the order of form TK02; area_code is a list, the others are text.
FORM_FIELDS = dossier_model.DECLARED_FIELDS
DIFF_STYLE = "background: #ffe8a3; color: #5a3d00; border-radius: 3px; padding: 1px 4px;"
SAME_STYLE = "color: #666; padding: 1px 4px;"
BANNER_STYLE = "background: #fde2e1; color: #7a1410; border: 1px solid #e0a09c; padding: 6px;"


class IntakeDialog(QDialog):
    saved = Signal(int)  # dossier id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.store
        self.setObjectName("intakeDialog")
        self.setWindowTitle("Tiếp nhận hồ sơ")
        fit_to_screen(self, 980, 760)  # 1366×768 with a taskbar: the form scrolls instead
        self.org: dict | None = None  # the registry row, None for a new organization
        self.new_org = False
        self.duplicates: list[dict] = []
        self.saved_id: int | None = None
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self.registry_labels: dict[str, QLabel] = {}

        outer = QVBoxLayout(self)
        outer.addWidget(self._build_search())
        outer.addWidget(self._build_org_label())
        for widget in self._build_duplicate_warning():
            outer.addWidget(widget)
        outer.addWidget(self._build_form(), 1)
        outer.addWidget(self._build_status())
        outer.addWidget(self._build_buttons())
        outer.addWidget(self._build_after_save())
        self._build_shortcuts()
        self._set_form_enabled(False)
        self._baseline = self._snapshot()
        self.lookup.edit.setFocus()

    # ---- building ------------------------------------------------------------------------------
    def _build_search(self) -> QGroupBox:
        self.lookup = OrgLookup(self.store)
        self.lookup.picked.connect(self.use_organization)
        self.lookup.not_found.connect(self.start_new_organization)
        search_box = QGroupBox("1. Tìm tổ chức (mã số thuế hoặc tên)")
        QVBoxLayout(search_box).addWidget(self.lookup)
        return search_box

    def _build_org_label(self) -> QLabel:
        self.org_label = QLabel("Chưa chọn tổ chức.")
        self.org_label.setObjectName("orgLabel")
        self.org_label.setWordWrap(True)
        return self.org_label

    def _build_duplicate_warning(self) -> tuple[QLabel, QCheckBox]:
        """The banner naming the organization's open dossiers and the tick box that acknowledges them."""
        self.duplicate_banner = QLabel()
        self.duplicate_banner.setObjectName("duplicateBanner")
        self.duplicate_banner.setWordWrap(True)
        self.duplicate_banner.setStyleSheet(BANNER_STYLE)
        self.duplicate_accept = QCheckBox("Tôi đã xem, vẫn tiếp nhận hồ sơ mới cho tổ chức này")
        self.duplicate_accept.setObjectName("duplicateAccept")
        self.duplicate_banner.hide()
        self.duplicate_accept.hide()
        return self.duplicate_banner, self.duplicate_accept

    def _build_form(self) -> QScrollArea:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setFocusPolicy(Qt.NoFocus)  # Tab goes from the search field straight to the form
        form_host = QWidget()
        scroll.setWidget(form_host)
        form = QVBoxLayout(form_host)
        form.setContentsMargins(0, 0, 0, 0)
        form.addWidget(self._build_declared_box())
        form.addWidget(self._build_intake_box())
        return scroll

    def _build_status(self) -> QLabel:
        self.status_label = QLabel()
        self.status_label.setObjectName("intakeStatus")
        self.status_label.setWordWrap(True)
        return self.status_label

    def _build_shortcuts(self) -> None:
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self._print_shortcut)

    def _build_declared_box(self) -> QGroupBox:
        box = QGroupBox("2. Thông tin trên tờ khai TK02 (kê khai) — cột phải: giá trị trong sổ")
        grid = QGridLayout(box)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        head = QLabel("<b>Trong sổ</b>")
        grid.addWidget(head, 0, 2)
        self.group_combo = QComboBox()
        self.group_combo.setObjectName("groupCombo")
        for code, label in orgs.GROUPS.items():
            self.group_combo.addItem(f"{code}. {label}", code)
        self.group_label = QLabel("Nhóm tổ chức")
        grid.addWidget(self.group_label, 1, 0)
        grid.addWidget(self.group_combo, 1, 1)
        self.group_combo.currentIndexChanged.connect(self._update_group_hint)
        row = 2
        for key in FORM_FIELDS:
            label = QLabel(dossier_model.DECLARED_LABELS[key])
            if key == "area_code":
                widget: QLineEdit | QComboBox = QComboBox()
                fill_area_combo(widget, self.store)
                widget.currentIndexChanged.connect(lambda _i, k=key: self._mark_difference(k))
            else:
                widget = QLineEdit()
                if key == "established_on":
                    widget.setPlaceholderText("ngày/tháng/năm")
                widget.textChanged.connect(lambda _t, k=key: self._mark_difference(k))
            widget.setObjectName(f"declared_{key}")
            label.setBuddy(widget)
            registry = QLabel()
            registry.setObjectName(f"registry_{key}")
            registry.setWordWrap(True)
            registry.setTextInteractionFlags(Qt.TextSelectableByMouse)
            self.fields[key] = widget
            self.registry_labels[key] = registry
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1)
            grid.addWidget(registry, row, 2)
            row += 1
        return box

    def _build_intake_box(self) -> QGroupBox:
        box = QGroupBox("3. Tiếp nhận")
        grid = QGridLayout(box)
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        self.channel.addItems(dossier_model.channels(self.store))
        self.received_at = DateTimeEdit()
        self.received_at.setObjectName("receivedAt")
        self.received_at.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.received_at.setCalendarPopup(True)
        self.received_at.setDateTime(QDateTime(self.store.now()))
        self.papers = QListWidget()
        self.papers.setObjectName("papers")
        self.papers.setMaximumHeight(120)
        for index, paper in enumerate(dossier_model.papers_checklist(self.store)):
            item = QListWidgetItem(paper)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if index == 0 else Qt.Unchecked)  # the TK02 form itself
            self.papers.addItem(item)
        self.papers.setCurrentRow(0)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(60)
        self.notes.installEventFilter(self)  # Ctrl+Enter saves from the notes too (Enter is a new line)
        officer = QLabel(self.store.actor.full_name)
        officer.setObjectName("officerLabel")
        rows = [("Kênh tiếp nhận", self.channel), ("Thời điểm tiếp nhận", self.received_at),
                ("Cán bộ tiếp nhận", officer), ("Giấy tờ đã nhận (Space để đánh dấu)", self.papers),
                ("Ghi chú", self.notes)]
        for index, (text, widget) in enumerate(rows):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, index, 0)
            grid.addWidget(widget, index, 1)
        return box

    def _build_buttons(self) -> QWidget:
        host = QWidget()
        layout = QHBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        self.save_button = QPushButton("&Lưu hồ sơ (Ctrl+Enter)")
        self.save_button.setObjectName("saveButton")
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("Đóng (Esc)")
        self.close_button.setObjectName("closeButton")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.close_button)
        self.button_row = host
        return host

    def _build_after_save(self) -> QWidget:
        host = QGroupBox("Đã lưu")
        host.setObjectName("afterSave")
        layout = QHBoxLayout(host)
        self.result_label = QLabel()
        self.result_label.setObjectName("resultLabel")
        self.result_label.setWordWrap(True)
        self.page_size = QComboBox()
        self.page_size.setObjectName("pageSize")
        self.page_size.addItem("Khổ A5 (nửa tờ A4)", "A5")
        self.page_size.addItem("Khổ A4", "A4")
        self.print_button = QPushButton("&In giấy hẹn (Ctrl+P)")
        self.print_button.setObjectName("printButton")
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button = QPushButton("Lưu giấy hẹn &PDF…")
        self.pdf_button.setObjectName("pdfButton")
        self.pdf_button.setAutoDefault(False)
        self.pdf_button.clicked.connect(lambda: self.save_receipt_pdf())
        done = QPushButton("Đóng (Esc)")
        done.setAutoDefault(False)
        done.clicked.connect(self.accept)
        layout.addWidget(self.result_label, 1)
        layout.addWidget(self.page_size)
        layout.addWidget(self.print_button)
        layout.addWidget(self.pdf_button)
        layout.addWidget(done)
        host.hide()
        self.after_save = host
        return host

    # ---- organization ------------------------------------------------------------------------------
    def use_organization(self, org: dict) -> None:
        """Fill the form from the registry row; the declared values start equal to the registry's."""
        self.org = org
        self.new_org = False
        values = dossier_model.prefill(self.store, org["id"])
        if values.get("rep_id_number"):
            # Prefilling shows the registry's personal ID number in full: a reveal, logged like any other
            # (models.security.personal_data); without the permission the officer types it from the paper form.
            try:
                display_id_number(self.store, values["rep_id_number"], reveal=True, object_type="organization",
                                  object_id=org["id"])
            except UserError:
                values["rep_id_number"] = None
        for key in FORM_FIELDS:
            self._set_value(key, values.get(key))
            self.registry_labels[key].setText(self._registry_text(key, org.get(key)))
        self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(org["grp"])))
        self.group_combo.setEnabled(False)
        sources = ", ".join(orgs.SOURCES.get(s["source"], s["source"]) for s in orgs.sources_of(self.store, org["id"]))
        status = orgs.STATUSES.get(org["status"], org["status"])
        if org["status"] in orgs.BLOCKING_STATUSES:
            status = f"<span style='color:#b3261e'><b>{status} ⚠</b></span>"
        self.org_label.setText(
            f"<b>{html_text(org['name'])}</b> — {orgs.GROUPS[org['grp']]}; tình trạng: {status}; "
            f"nguồn: {html_text(sources) or 'chưa rõ'}")
        self.lookup.edit.setText(org.get("tax_code") or org["name"])
        self._set_form_enabled(True)
        self._baseline = self._snapshot()  # the registry's values are not the officer's typing
        self._check_duplicates()
        self.status_label.setText("Đã điền theo sổ. Sửa những gì người nộp kê khai khác, rồi Enter/Ctrl+Enter để lưu.")
        if self.duplicates:
            self.duplicate_accept.setFocus()
        else:
            self.save_button.setFocus()

    def start_new_organization(self, text: str) -> None:
        """Nothing in the registry: the same form creates the organization (group 4 or a new one)."""
        self.org = None
        self.new_org = True
        for key in FORM_FIELDS:
            self._set_value(key, None)
            self.registry_labels[key].setText("")
        tax = check_tax_code(text)
        looks_like_tax_code = text.replace("-", "").replace(".", "").replace(" ", "").isdigit()
        if tax.ok and tax.value:
            self._set_value("tax_code", tax.value)
            self.group_combo.setCurrentIndex(self.group_combo.findData(1))
        elif looks_like_tax_code:
            self._set_value("tax_code", text)  # kept as typed; saving records it as a blocking finding
            self.group_combo.setCurrentIndex(self.group_combo.findData(1))
        else:
            self._set_value("name", text)
            self.group_combo.setCurrentIndex(self.group_combo.findData(4))
        self.group_combo.setEnabled(True)
        self.org_label.setText("<b>Tổ chức chưa có trong sổ</b> — sẽ được thêm vào sổ khi lưu hồ sơ "
                               "(nguồn: tạo khi tiếp nhận hồ sơ). Chọn nhóm tổ chức.")
        self._set_form_enabled(True)
        self._check_duplicates()
        self._update_group_hint()
        self.status_label.setText("Tổ chức mới: chọn nhóm, điền tờ khai rồi Ctrl+Enter để lưu."
                                  + (f" Lưu ý: {tax.error}." if looks_like_tax_code and tax.error else ""))
        self.group_combo.setFocus()

    def _update_group_hint(self) -> None:
        is_group4 = self.group_combo.currentData() == 4
        self.fields["founding_decision"].setPlaceholderText(
            "Số, ngày quyết định/giấy phép thành lập" if is_group4 else "")
        self.fields["tax_code"].setPlaceholderText("" if is_group4 else "10 hoặc 13 chữ số")

    def _check_duplicates(self) -> None:
        tax_code = self._value("tax_code")
        self.duplicates = dossier_model.open_dossiers_for(
            self.store, org_id=self.org["id"] if self.org else None,
            tax_code=None if self.org else tax_code) if (self.org or tax_code) else []
        self.duplicate_accept.setChecked(False)
        if self.duplicates:
            lines = "; ".join(
                f"{d['number']} ({d['status_label']}, nhận {datetime_text(d['received_at'])}, cán bộ {d['officer']})"
                for d in self.duplicates)
            self.duplicate_banner.setText(f"⚠ Tổ chức này đang có hồ sơ chưa giải quyết xong: {lines}. "
                                          "Kiểm tra trước khi tiếp nhận hồ sơ thứ hai.")
        self.duplicate_banner.setVisible(bool(self.duplicates))
        self.duplicate_accept.setVisible(bool(self.duplicates))

    # ---- values ------------------------------------------------------------------------------------
    def _set_value(self, key: str, value) -> None:
        widget = self.fields[key]
        if isinstance(widget, QComboBox):
            index = widget.findData(value) if value else 0
            widget.setCurrentIndex(index if index >= 0 else 0)
        else:
            widget.setText(date_text(value) if key == "established_on" else (value or ""))

    def _value(self, key: str):
        widget = self.fields[key]
        if isinstance(widget, QComboBox):
            return widget.currentData()
        return clean(widget.text()) or None

    def declared(self) -> dict:
        return {key: self._value(key) for key in FORM_FIELDS if self._value(key) is not None}

    def _registry_text(self, key: str, value) -> str:
        if value in (None, ""):
            return "—"
        if key == "established_on":
            return date_text(value)
        if key == "area_code":
            return units_mod.area_names(self.store).get(value, value)
        if key == "rep_id_number":
            return mask_personal_id(value)  # the form above holds the number when it may be shown
        return str(value)

    def _mark_difference(self, key: str) -> None:
        label = self.registry_labels[key]
        differs = False
        if self.org is not None:
            registry = self.org.get(key)
            declared = self._value(key)
            differs = bool(declared or registry) and not _same(key, declared, registry)
        if label.property("differs") is differs:
            return  # restyling is the costly part of a keystroke: only when the state flips
        label.setStyleSheet(DIFF_STYLE if differs else SAME_STYLE)
        label.setProperty("differs", differs)
        label.setToolTip("Khác với giá trị kê khai" if differs else "")

    def differing_fields(self) -> list[str]:
        return [k for k, label in self.registry_labels.items() if label.property("differs")]

    def _set_form_enabled(self, enabled: bool) -> None:
        for widget in [*self.fields.values(), self.channel, self.received_at, self.papers, self.notes,
                       self.save_button]:
            widget.setEnabled(enabled)
        self.group_combo.setEnabled(enabled and self.new_org)

    # ---- leaving -------------------------------------------------------------------------------------
    def _snapshot(self) -> tuple:
        return (tuple(sorted(self.declared().items())), self.group_combo.currentData() if self.new_org else None,
                self.channel.currentText(), self.received_at.dateTime().toString("yyyy-MM-dd HH:mm"),
                tuple(self.checked_papers()), self.notes.toPlainText().strip())

    def is_dirty(self) -> bool:
        """True when closing would lose what the officer entered: a new organization or any value changed
        since the form was filled (from the registry, or empty)."""
        if self.saved_id is not None:
            return False
        return self.new_org or self._snapshot() != self._baseline

    def reject(self) -> None:
        """Esc, the Close button and the window's close box: «Lưu / Không lưu / Ở lại» before throwing
        away typed data («Lưu» saves the dossier and closes; a refused save keeps the form)."""
        if settle(self, self):
            super().reject()

    def discard(self) -> None:
        """Close without saving and without asking."""
        self.discard_changes()
        super().reject()

    # ---- unsaved edits (ui.dialogs.unsaved) -----------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self.is_dirty()

    def unsaved_title(self) -> str:
        return "Hồ sơ đang tiếp nhận"

    def save_changes(self) -> bool:
        return self.save() is not None

    def discard_changes(self) -> None:
        self._baseline = self._snapshot()
        self.new_org = False

    # ---- keyboard ------------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if (obj is self.notes and event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter)
                and event.modifiers() & Qt.ControlModifier):
            self.save()
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            if event.modifiers() & Qt.ControlModifier:
                self.save()
            elif self.saved_id is None:
                self.focusNextChild()  # Enter in a field goes to the next one, never saves by accident
            event.accept()
            return
        super().keyPressEvent(event)

    # ---- saving ------------------------------------------------------------------------------------
    def save(self) -> int | None:
        if self.saved_id is not None or not self.save_button.isEnabled():
            return None
        self._check_duplicates_before_save()
        if self.duplicates and not self.duplicate_accept.isChecked():
            self.status_label.setText("Tổ chức đang có hồ sơ chưa giải quyết xong: đánh dấu ô xác nhận "
                                      "(phím Space) rồi lưu lại, hoặc Esc để thôi.")
            self.duplicate_accept.setFocus()
            return None
        values = dict(declared=self.declared(), channel=self.channel.currentText(),
                      org_id=self.org["id"] if self.org else None,
                      grp=self.group_combo.currentData() if self.new_org else None,
                      received_at=self.received_at.dateTime().toPython().replace(second=0, microsecond=0),
                      papers=self.checked_papers(), notes=self.notes.toPlainText())
        outcome = run_mutation(self, lambda: dossier_model.create(self.store, **values), title="Chưa lưu được hồ sơ")
        if not outcome:
            self.status_label.setText(error_text(outcome.error))
            return None
        dossier_id = outcome.value
        self.saved_id = dossier_id
        self._show_saved(dossier_id)
        self.saved.emit(dossier_id)
        return dossier_id

    def _check_duplicates_before_save(self) -> None:
        accepted = self.duplicate_accept.isChecked()
        before = [d["id"] for d in self.duplicates]
        self._check_duplicates()
        if accepted and [d["id"] for d in self.duplicates] == before:
            self.duplicate_accept.setChecked(True)

    def checked_papers(self) -> list[str]:
        return [self.papers.item(i).text() for i in range(self.papers.count())
                if self.papers.item(i).checkState() == Qt.Checked]

    def _show_saved(self, dossier_id: int) -> None:
        d = dossier_model.get(self.store, dossier_id)
        found = verification.findings(self.store, dossier_id)
        blocking = [f for f in found if f["severity"] == "blocking"]
        warnings = [f for f in found if f["severity"] == "warning"]
        due = date_text(d["due_date"]) if d["due_date"] else "chưa xác định"
        summary = f"Hồ sơ <b>{d['number']}</b> đã lưu. Hạn trả kết quả: <b>{due}</b>"
        summary += " (cần xác minh, 15 ngày)." if d["needs_verification"] else " (3 ngày làm việc)."
        if blocking or warnings:
            summary += f" Kiểm tra tự động: {len(blocking)} lỗi chặn, {len(warnings)} cảnh báo."
        self.result_label.setText(summary)
        self._set_form_enabled(False)
        self.lookup.setEnabled(False)
        self.button_row.hide()
        self.after_save.show()
        self.status_label.setText("Enter: in giấy hẹn cho người nộp; Esc: đóng.")
        self.print_button.setFocus()

    # ---- receipt -------------------------------------------------------------------------------------
    def _print_shortcut(self) -> None:
        if self.saved_id is not None:
            self.print_receipt()

    def print_receipt(self) -> bool:
        try:
            return print_receipt(self, self.store, self.saved_id, self.page_size.currentData())
        except (UserError, OSError) as exc:
            show_error(self, exc if isinstance(exc, UserError) else UserError(str(exc)), "Không in được")
            return False

    def save_receipt_pdf(self, path=None):
        try:
            written = save_receipt(self, self.store, self.saved_id, self.page_size.currentData(), path)
        except (UserError, OSError) as exc:
            show_error(self, exc if isinstance(exc, UserError) else UserError(str(exc)), "Không lưu được")
            return None
        if written:
            show_message(self, "Đã lưu giấy hẹn", f"Đã lưu giấy hẹn vào «{written}».")
        return written


def _same(key: str, a, b) -> bool:
    if key == "established_on":
        return date_iso_or_text(a) == date_iso_or_text(b)
    if key == "name":
        return orgs.name_key(a) == orgs.name_key(b)
    if key in ("tax_code", "rep_id_number", "rep_phone"):
        return "".join(ch for ch in str(a or "") if ch.isalnum()) == "".join(ch for ch in str(b or "") if ch.isalnum())
    return fold(a) == fold(b)
