"""Level-2 intake of a citizen (Ctrl+Shift+N), keyboard only (docs/intake.md).

Desk: the 12-digit ID number, Enter → the person's data fills in (a known citizen) and the cursor goes to
«Lưu»; Enter saves; Ctrl+P saves the slip (giấy hẹn) of the dossier just saved; Esc closes. An unknown ID
number opens the name/birth date fields (the cursor goes to the name); Enter there saves. The tick box
«Có thẻ căn cước gắn chip còn hiệu lực» (Alt+T) decides 3 or 7 working days.

Messages (already has level 2, an open dossier, an invalid number) are shown in the dialog, never in a
box that takes the focus away: the officer reads, corrects and carries on typing.
``SessionIntakeDialog`` (``ui/dialogs/session_intake.py``) is the same form in quick mode: a known
citizen is saved on the first Enter and the ID field is ready again, with a running count.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.people import level2
from models.text.vn_format import date_text, html_text
from ui.context import AppContext
from ui.ops import error_text

ERROR_STYLE = "color: #8a1510; font-weight: bold;"
OK_STYLE = "color: #1d5e20; font-weight: bold;"


class PersonIntakeDialog(QDialog):
    saved = Signal(int)  # dossier id
    quick = False  # session mode: a known citizen is saved on the first Enter

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, session_id: int | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.store
        self.session_id = session_id
        self.found: dict | None = None
        self.saved_id: int | None = None
        self.saved_ids: list[int] = []
        self.setObjectName("personIntakeDialog")
        self.setWindowTitle("Tiếp nhận hồ sơ định danh điện tử mức 2 của công dân")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        form = QFormLayout()
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("personIdField")
        self.id_edit.setPlaceholderText("12 chữ số, rồi Enter")
        self.id_edit.setMaxLength(20)
        self.id_edit.returnPressed.connect(self.on_id_entered)
        self.id_edit.textEdited.connect(self._on_id_edited)
        form.addRow("Số định danh cá nhân:", self.id_edit)
        self.person_label = QLabel("—")
        self.person_label.setObjectName("personFound")
        self.person_label.setWordWrap(True)
        form.addRow("Công dân:", self.person_label)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("personNameField")
        self.name_edit.setPlaceholderText("Họ và tên (công dân chưa có trong danh sách)")
        self.name_edit.returnPressed.connect(self.save)
        form.addRow("Họ và tên:", self.name_edit)
        self.birth_edit = QLineEdit()
        self.birth_edit.setObjectName("personBirthField")
        self.birth_edit.setPlaceholderText("dd/mm/yyyy")
        self.birth_edit.returnPressed.connect(self.save)
        form.addRow("Ngày sinh:", self.birth_edit)
        self.card_box = QCheckBox("Có thẻ căn cước gắn chip còn hiệu lực (Alt+T; hẹn 3 ngày làm việc, không có: 7 ngày)")
        self.card_box.setObjectName("idCardValid")
        self.card_box.setChecked(True)
        form.addRow("", self.card_box)
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("personChannel")
        for key, label in level2.CHANNELS.items():
            self.channel_combo.addItem(label, key)
        form.addRow("Kênh tiếp nhận:", self.channel_combo)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("intakeMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.count_label = QLabel()
        self.count_label.setObjectName("intakeCount")
        layout.addWidget(self.count_label)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Lưu (Enter)")
        self.save_button.setObjectName("personSaveButton")
        self.save_button.setAutoDefault(True)
        self.save_button.clicked.connect(self.save)
        self.receipt_button = QPushButton("Lưu giấy hẹn… (Ctrl+P)")
        self.receipt_button.setObjectName("personReceiptButton")
        self.receipt_button.setAutoDefault(False)
        self.receipt_button.setEnabled(False)
        self.receipt_button.clicked.connect(self.save_slip)
        close = QPushButton("Đóng (Esc)")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.receipt_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.save_slip)
        QShortcut(QKeySequence("Alt+T"), self, activated=self.card_box.toggle)
        self._set_new_person(False)
        if session_id is not None:
            self.channel_combo.setEnabled(False)
        self._show_header()
        self.id_edit.setFocus()

    # ---- display --------------------------------------------------------------------------------------
    def _show_header(self) -> None:
        self.header.setText("Gõ số định danh cá nhân rồi Enter. Công dân đã có trong danh sách được điền sẵn.")

    def _say(self, text: str, ok: bool = False) -> None:
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)

    def _set_new_person(self, new: bool) -> None:
        for widget in (self.name_edit, self.birth_edit):
            widget.setEnabled(new)
            if not new:
                widget.clear()

    def _on_id_edited(self, _text: str) -> None:
        if self.found is not None:
            self.found = None
            self.person_label.setText("—")
            self._set_new_person(False)

    # ---- the keyboard path ------------------------------------------------------------------------------
    def on_id_entered(self) -> None:
        try:
            found = level2.lookup(self.store, self.id_edit.text())
        except UserError as exc:
            self._say(error_text(exc))
            self.id_edit.selectAll()
            return
        self.found = found
        self.id_edit.setText(found["id_number"])
        person = found["person"]
        if person is None:
            self.person_label.setText("Chưa có trong danh sách công dân: ghi họ và tên (ngày sinh nếu có).")
            self._set_new_person(True)
            self._say("")
            self.name_edit.setFocus()
            return
        self._set_new_person(False)
        born = f", sinh {date_text(person['birth_date'])}" if person.get("birth_date") else ""
        self.person_label.setText(f"<b>{html_text(person['full_name'])}</b>{born}")
        if found["level2"]:
            self._say(f"Công dân {person['full_name']} đã có tài khoản mức 2.")
            self.id_edit.selectAll()
            return
        if found["open"]:
            self._say(f"Công dân đang có hồ sơ mức 2 số {found['open']['number']} chưa giải quyết xong.")
            self.id_edit.selectAll()
            return
        self._say("")
        if self.quick:
            self.save()
        else:
            self.save_button.setFocus()

    def save(self) -> None:
        if self.found is None:
            self.on_id_entered()
            if self.found is None or self.quick:
                return
        person = None
        if self.found["person"] is None:
            person = {"full_name": self.name_edit.text(), "birth_date": self.birth_edit.text() or None}
        try:
            dossier_id = level2.intake(self.store, self.found["id_number"], id_card_valid=self.card_box.isChecked(),
                                       channel=self.channel_combo.currentData(), session_id=self.session_id,
                                       person=person)
        except UserError as exc:
            self._say(error_text(exc))
            (self.name_edit if person is not None else self.id_edit).setFocus()
            return
        d = level2.get(self.store, dossier_id)
        self.saved_id = dossier_id
        self.saved_ids.append(dossier_id)
        self.receipt_button.setEnabled(True)
        self._say(f"Đã tiếp nhận hồ sơ {d['number']} — {d['full_name']}; hẹn trả kết quả "
                  f"{date_text(d['due_date'])}.", ok=True)
        self.saved.emit(dossier_id)
        self._after_save()

    def _after_save(self) -> None:
        """Desk: ready for the next citizen, the slip one Ctrl+P away."""
        self.found = None
        self.id_edit.clear()
        self.person_label.setText("—")
        self._set_new_person(False)
        self.card_box.setChecked(True)
        self.count_label.setText(f"Đã tiếp nhận trong lần mở này: {len(self.saved_ids)} hồ sơ")
        self.id_edit.setFocus()

    def save_slip(self) -> None:
        if self.saved_id is None:
            return
        from ui.widgets.receipt_actions import save_receipt  # imported late: Qt print support, only on demand

        try:
            path = save_receipt(self, self.store, self.saved_id, "A5")
        except UserError as exc:
            self._say(error_text(exc))
            return
        if path is not None:
            self._say(f"Đã lưu giấy hẹn: {path}", ok=True)
        self.id_edit.setFocus()

    def keyPressEvent(self, event) -> None:
        # Enter on the tick box or the channel list saves, as on the button; the dialog never closes on Enter.
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            if not isinstance(self.focusWidget(), (QLineEdit, QPushButton)):
                self.save()
            return
        super().keyPressEvent(event)
