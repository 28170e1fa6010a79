"""Registering a unit's signing key at the province (or a unit's lead desk): docs/sync.md#registering-keys-in-the-window.

The unit hands over once the small key file its desk writes (page Đồng bộ → «Lưu tệp khoá…», or
``sync-key --export``). The officer opens it here, reads the fingerprint out on the phone group by group
with the unit's officer, ticks that it matched, and registers it (``models.sync.merge.register_unit_key``:
permission ``sync.register_key``, audited). Replacing a unit's key asks first, naming both fingerprints.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.sync import keys
from models.sync.merge import register_unit_key
from ui.context import AppContext
from ui.dialogs.confirm import ask_yes_no
from ui.ops import run_mutation, show_error
from ui.widgets.file_dialogs import default_folder

MAX_KEY_FILE = 64 * 1024  # a key file is a few hundred bytes


def spoken_groups(fingerprint: str) -> str:
    """The fingerprint as it is read out on the phone: two lines of four groups, each group numbered."""
    groups = fingerprint.split()
    numbered = [f"{i}. {g}" for i, g in enumerate(groups, start=1)]
    return "    ".join(numbered[:4]) + "\n" + "    ".join(numbered[4:])


class UnitKeyDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("unitKeyDialog")
        self.setWindowTitle("Đăng ký khoá ký của đơn vị gửi tệp")
        self.key_text: str | None = None
        self.result_info: dict | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Mở tệp khoá công khai do đơn vị gửi (tệp .txt lưu ở trang Đồng bộ của đơn vị, hoặc lệnh sync-key "
            "--export). Gọi điện cho cán bộ đơn vị, đọc lần lượt từng nhóm của dấu vân tay; chỉ đăng ký khi mọi "
            "nhóm đều khớp.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setObjectName("unitKeyPath")
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("chưa chọn tệp khoá")
        choose = QPushButton("Chọn tệp khoá…")
        choose.clicked.connect(self.choose_file)
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        layout.addLayout(row)
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setObjectName("unitKeyCode")
        self.name = QLineEdit()
        self.name.setObjectName("unitKeyName")
        form.addRow("Mã đơn vị:", self.code)
        form.addRow("Tên đơn vị:", self.name)
        layout.addLayout(form)
        self.fingerprint = QLabel("—")
        self.fingerprint.setObjectName("unitKeyFingerprint")
        font = QFont("monospace")
        font.setStyleHint(QFont.Monospace)
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.fingerprint.setFont(font)
        layout.addWidget(QLabel("Dấu vân tay (đọc qua điện thoại, từng nhóm 4 ký tự):"))
        layout.addWidget(self.fingerprint)
        self.matched = QCheckBox("Đã đọc đủ 8 nhóm với cán bộ đơn vị qua điện thoại: tất cả đều khớp")
        self.matched.setObjectName("unitKeyMatched")
        self.matched.setEnabled(False)
        layout.addWidget(self.matched)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText("Đăng ký khoá")
        self.buttons.button(QDialogButtonBox.Cancel).setText("Thôi")
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.register)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.matched.toggled.connect(self._update)
        self.code.textChanged.connect(self._update)
        self.resize(640, 360)

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn tệp khoá công khai của đơn vị", default_folder(),
                                              "Tệp khoá (*.txt *.key);;Mọi tệp (*)")
        if name:
            self.load_file(name)

    def load_file(self, path: str | Path) -> bool:
        """Read and check the key file; shows the unit it names and the fingerprint to read out."""
        path = Path(path)
        self.key_text = None
        self.matched.setChecked(False)
        try:
            if path.stat().st_size > MAX_KEY_FILE:
                raise UserError(f"Tệp «{path.name}» quá lớn, không phải tệp khoá công khai.")
            text = path.read_text(encoding="utf-8")
            parsed = keys.parse_key(text)
        except UserError as exc:
            show_error(self, exc, "Tệp khoá không hợp lệ")
            self._clear(path)
            return False
        except (OSError, UnicodeDecodeError) as exc:
            show_error(self, UserError(f"Không đọc được tệp khoá «{path.name}»: "
                                       f"{getattr(exc, 'strerror', None) or exc}"), "Tệp khoá không hợp lệ")
            self._clear(path)
            return False
        self.key_text = text
        self.path.setText(str(path))
        if parsed.unit_code:
            self.code.setText(parsed.unit_code)
        if parsed.unit_name:
            self.name.setText(parsed.unit_name)
        self.fingerprint.setText(spoken_groups(keys.fingerprint(parsed.public_key)))
        self.matched.setEnabled(True)
        self._update()
        return True

    def _clear(self, path: Path) -> None:
        self.path.setText(str(path))
        self.fingerprint.setText("—")
        self.matched.setEnabled(False)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.key_text and self.matched.isChecked() and self.code.text().strip()))

    def register(self) -> None:
        if not self.ok_button.isEnabled():
            return
        store = self.ctx.store
        code = self.code.text().strip()
        new = keys.fingerprint(keys.parse_key(self.key_text).public_key)
        old = store.scalar("SELECT public_key FROM remote_units WHERE code = ?", (code,))
        if old and keys.fingerprint(old) != new and not ask_yes_no(
                self, "Thay khoá của đơn vị",
                f"Đơn vị {code} đã đăng ký khoá có dấu vân tay\n{keys.fingerprint(old)}.\n\nThay bằng khoá mới\n{new}?\n\n"
                "Sau khi thay, tệp ký bằng khoá cũ sẽ bị từ chối. Chỉ thay khi đơn vị báo đã đổi máy hoặc lập lại "
                "khoá (việc thay được ghi vào nhật ký)."):
            return
        outcome = run_mutation(self, lambda: register_unit_key(store, code, self.key_text, self.name.text()),
                               title="Không đăng ký được khoá")
        if outcome:
            self.result_info = outcome.value
            self.accept()
