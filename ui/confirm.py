"""Questions and standard dialog buttons in Vietnamese.

Qt ships no Vietnamese translation of its standard buttons, so ``QMessageBox.question`` shows "Yes"/"No"
and ``QDialogButtonBox(Ok | Cancel)`` shows "OK"/"Cancel". Every standard button in the app goes through
``vietnamese_buttons`` (or one of the helpers here, which call it).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget

# By the standard button's name, so one table serves QMessageBox and QDialogButtonBox alike.
BUTTON_TEXTS = {
    "Ok": "Đồng ý",
    "Cancel": "Huỷ",
    "Yes": "&Có",
    "No": "&Không",
    "YesToAll": "Có với tất cả",
    "NoToAll": "Không với tất cả",
    "Close": "Đóng",
    "Save": "&Lưu",
    "SaveAll": "Lưu tất cả",
    "Open": "&Mở",
    "Discard": "&Bỏ",
    "Apply": "Áp dụng",
    "Reset": "Đặt lại",
    "RestoreDefaults": "Khôi phục mặc định",
    "Help": "Trợ giúp",
    "Abort": "Dừng",
    "Retry": "Thử lại",
    "Ignore": "Bỏ qua",
}


def vietnamese_buttons(box: QMessageBox | QDialogButtonBox) -> QMessageBox | QDialogButtonBox:
    """Give the box's standard buttons Vietnamese texts (call before renaming a button to its action)."""
    for button in box.buttons():
        text = BUTTON_TEXTS.get(getattr(box.standardButton(button), "name", ""))
        if text:
            button.setText(text)
    return box


def button_box(buttons, *, ok_text: str | None = None) -> QDialogButtonBox:
    """``QDialogButtonBox(buttons)`` with Vietnamese texts; ``ok_text`` names the Ok button's action."""
    box = vietnamese_buttons(QDialogButtonBox(buttons))
    if ok_text and box.button(QDialogButtonBox.Ok):
        box.button(QDialogButtonBox.Ok).setText(ok_text)
    return box


def message_box(icon, title: str, text: str, buttons=QMessageBox.Ok, parent: QWidget | None = None) -> QMessageBox:
    """A ``QMessageBox`` with Vietnamese buttons (the caller decides ``open()`` or ``exec()``)."""
    return vietnamese_buttons(QMessageBox(icon, title, text, buttons, parent))


def ask_yes_no(parent: QWidget | None, title: str, text: str, *, icon=QMessageBox.Question,
               yes_text: str = "&Có", no_text: str = "&Không", default_yes: bool = False) -> bool:
    """Ask and wait for the answer. «Không» is the Esc button and, unless ``default_yes``, the default."""
    box = message_box(icon, title, text, QMessageBox.Yes | QMessageBox.No, parent)
    box.setObjectName("confirmBox")
    box.button(QMessageBox.Yes).setText(yes_text)
    box.button(QMessageBox.No).setText(no_text)
    box.setDefaultButton(QMessageBox.Yes if default_yes else QMessageBox.No)
    box.setEscapeButton(QMessageBox.No)
    return box.exec() == QMessageBox.Yes

