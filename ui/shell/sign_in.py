"""Sign-in dialog, the first-start "create administrator" dialog, and the lock screen.

All three only collect what the officer types and call ``models.security.auth``; wrong passwords, lockouts
and account rules are decided (and logged) there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.core.store import Actor, Store
from models.security import auth


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("errorLabel")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.hide()
    return label


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.Password)
    return field


class SignInDialog(QDialog):
    """Username + password; ``actor`` is set when accepted. ``hint`` is shown above (demo accounts)."""

    def __init__(self, store: Store, *, hint: str | None = None, username: str = "", password: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.actor: Actor | None = None
        self.setObjectName("signInDialog")
        self.setWindowTitle("Đăng nhập — Sổ Định Danh")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        title = QLabel("<b>Sổ Định Danh</b><br>Đăng nhập bằng tài khoản cán bộ của anh/chị.")
        layout.addWidget(title)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setObjectName("hintLabel")
            hint_label.setWordWrap(True)
            hint_label.setStyleSheet("background: #fff8e1; padding: 6px;")
            layout.addWidget(hint_label)
        form = QFormLayout()
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = _password_field("password")
        self.password.setText(password)
        form.addRow("&Tên đăng nhập:", self.username)
        form.addRow("&Mật khẩu:", self.password)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Đăng &nhập", QDialogButtonBox.AcceptRole)
        self.ok_button.setObjectName("signInButton")
        self.ok_button.setDefault(True)
        cancel = buttons.addButton("Thoát", QDialogButtonBox.RejectRole)
        cancel.setObjectName("quitButton")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def try_sign_in(self) -> None:
        try:
            self.actor = auth.sign_in(self.store, self.username.text(), self.password.text())
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


class FirstAdminDialog(QDialog):
    """First start: nobody can sign in yet, so the person installing creates the administrator."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.actor: Actor | None = None
        self.setObjectName("firstAdminDialog")
        self.setWindowTitle("Tạo tài khoản quản trị — Sổ Định Danh")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel("Lần đầu sử dụng: hãy tạo tài khoản <b>quản trị viên</b>. Quản trị viên tạo tài khoản "
                       "cho các cán bộ khác, đổi cài đặt và khôi phục dữ liệu.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.rank = QLineEdit()
        self.rank.setObjectName("rank")
        self.rank.setPlaceholderText("ví dụ: Thượng úy")
        self.title_field = QLineEdit()
        self.title_field.setObjectName("title")
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText("chữ thường không dấu, ví dụ: quantri")
        self.password = _password_field("password")
        self.confirm = _password_field("confirm")
        form.addRow("&Họ và tên:", self.full_name)
        form.addRow("&Cấp bậc:", self.rank)
        form.addRow("&Chức vụ:", self.title_field)
        form.addRow("&Tên đăng nhập:", self.username)
        form.addRow("&Mật khẩu (ít nhất 8 ký tự):", self.password)
        form.addRow("&Nhập lại mật khẩu:", self.confirm)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("&Tạo tài khoản", QDialogButtonBox.AcceptRole)
        self.ok_button.setObjectName("createButton")
        self.ok_button.setDefault(True)
        buttons.addButton("Thoát", QDialogButtonBox.RejectRole)
        buttons.accepted.connect(self.try_create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.full_name.setFocus()

    def try_create(self) -> None:
        if self.password.text() != self.confirm.text():
            self._fail("Hai lần nhập mật khẩu không giống nhau")
            return
        try:
            auth.create_first_admin(self.store, self.username.text(), self.full_name.text(), self.password.text(),
                                    rank=self.rank.text(), title=self.title_field.text())
            self.actor = auth.sign_in(self.store, self.username.text(), self.password.text())
        except UserError as exc:
            self._fail(str(exc))
            return
        self.accept()

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


class LockScreen(QDialog):
    """Covers the main window until the same officer types the password again, or signs out.

    Modal, so the window's shortcuts and widgets receive nothing while locked; the window's content is
    hidden behind it by the caller (``ui.shell.lock.LockController``).
    """

    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent, Qt.Dialog | Qt.FramelessWindowHint)
        self.store = store
        self.setObjectName("lockScreen")
        self.setWindowTitle("Đã khoá — Sổ Định Danh")
        self.setModal(True)
        self.setAutoFillBackground(True)
        outer = QHBoxLayout(self)
        box = QWidget()
        box.setMaximumWidth(460)
        outer.addStretch(1)
        outer.addWidget(box)
        outer.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addStretch(1)
        actor = store.actor
        self.message = QLabel(
            f"<h2>Chương trình đang khoá</h2><p>Cán bộ đang làm việc: <b>{actor.full_name}</b> "
            f"({actor.username}).</p><p>Nhập mật khẩu để tiếp tục, hoặc đăng xuất để đổi cán bộ.</p>"
        )
        self.message.setAlignment(Qt.AlignCenter)
        layout.addWidget(self.message)
        form = QFormLayout()
        self.password = _password_field("lockPassword")
        form.addRow("&Mật khẩu:", self.password)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        self.unlock_button = QPushButton("&Mở khoá")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.sign_out_button = QPushButton("Đăng &xuất")
        self.sign_out_button.setObjectName("signOutButton")
        self.sign_out_button.clicked.connect(self._sign_out)
        layout.addWidget(self.unlock_button)
        layout.addWidget(self.sign_out_button)
        layout.addStretch(1)
        # Escape must not close the lock screen.
        QShortcut(QKeySequence(Qt.Key_Escape), self, activated=lambda: None)

    def reject(self) -> None:  # Escape / window close: stay locked
        return

    def try_unlock(self) -> None:
        try:
            auth.verify_current_officer(self.store, self.password.text())
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.password.clear()
            self.password.setFocus()
            return
        self.done(QDialog.Accepted)
        self.unlocked.emit()

    def _sign_out(self) -> None:
        """Asks the controller, which first asks about unsaved edits («Ở lại» keeps the screen locked)
        and then closes this screen (``close_for_sign_out``)."""
        self.sign_out_requested.emit()

    def close_for_sign_out(self) -> None:
        self.done(QDialog.Accepted)
