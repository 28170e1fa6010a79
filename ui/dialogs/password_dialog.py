"""Đổi mật khẩu: one's own (current password, new, new again) from the «Tệp» menu, and the administrator's
«Đặt lại mật khẩu» for another officer (new, new again). The model checks the rules and the current password
(``models.security.auth``); the dialog only refuses a confirmation that does not match."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from models.security import auth
from ui.context import AppContext
from ui.ops import run_mutation, show_message


class PasswordDialog(QDialog):
    """``own``: the signed-in officer's own password (asks the current one first)."""

    def __init__(self, parent: QWidget | None, *, own: bool, officer_name: str = ""):
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle("Đổi mật khẩu của tôi" if own else "Đặt lại mật khẩu")
        form = QFormLayout(self)
        if officer_name:
            form.addRow(QLabel(f"Tài khoản: <b>{officer_name}</b>"))
        self.current = self._field("currentPassword")
        if own:
            form.addRow("Mật khẩu &hiện tại:", self.current)
        self.new = self._field("newPassword")
        form.addRow("Mật khẩu &mới (ít nhất 8 ký tự):", self.new)
        self.confirm = self._field("confirmPassword")
        form.addRow("&Nhập lại mật khẩu mới:", self.confirm)
        self.error = QLabel()
        self.error.setObjectName("passwordError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(420)
        (self.current if own else self.new).setFocus()

    @staticmethod
    def _field(name: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setEchoMode(QLineEdit.Password)
        return field

    def accept(self) -> None:
        if not self.new.text():
            self._refuse("Nhập mật khẩu mới", self.new)
        elif self.confirm.text() != self.new.text():
            self._refuse("Mật khẩu nhập lại không khớp với mật khẩu mới", self.confirm)
        else:
            super().accept()

    def _refuse(self, message: str, field: QLineEdit) -> None:
        self.error.setText(message)
        self.error.show()
        field.selectAll()
        field.setFocus()


def change_own_password(ctx: AppContext, parent: QWidget | None) -> bool:
    """«Tệp › Đổi mật khẩu…»: the dialog, then ``auth.change_own_password``; True when changed."""
    dialog = PasswordDialog(parent, own=True, officer_name=ctx.store.actor.full_name or ctx.store.actor.username)
    if dialog.exec() != QDialog.Accepted:
        return False
    if not run_mutation(parent, lambda: auth.change_own_password(ctx.store, dialog.current.text(), dialog.new.text()),
                        title="Không đổi được mật khẩu"):
        return False
    show_message(parent, "Đổi mật khẩu", "Đã đổi mật khẩu. Lần đăng nhập sau dùng mật khẩu mới.",
                 name="passwordChangedBox")
    return True
