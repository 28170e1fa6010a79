"""Asking for the reason of a refusal or a cancellation (the model refuses either without one)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from models.text.normalize import clean


class ReasonDialog(QDialog):
    """Asks for the reason of a refusal or cancellation; OK stays disabled while the reason is blank."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        self.text = QPlainTextEdit()
        self.text.setObjectName("reasonText")
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Xác nhận")
        self.buttons.button(QDialogButtonBox.Cancel).setText("Thôi")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setEnabled(False)
        self.text.textChanged.connect(lambda: self.ok_button.setEnabled(bool(self.reason())))
        self.text.installEventFilter(self)  # Ctrl+Enter confirms (plain Enter is a new line)

    def eventFilter(self, obj, event) -> bool:
        if (obj is self.text and event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter)
                and event.modifiers() & Qt.ControlModifier):
            self._ctrl_enter()
            return True
        return super().eventFilter(obj, event)

    def reason(self) -> str:
        return clean(self.text.toPlainText())

    def _ctrl_enter(self) -> None:
        if self.reason():
            self.accept()

    def accept(self) -> None:
        if not self.reason():
            return
        super().accept()
