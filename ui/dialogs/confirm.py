"""Asking the officer a yes/no question.

The buttons' Vietnamese texts come from the project's Qt translation (``ui.shell.app.install_vietnamese_qt_strings``,
resources/translations/qtbase_vi.ts), as for every standard button; this adds what a question needs
on top: the buttons named after their action, «Không» as the default and as the Esc button.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_yes_no(parent: QWidget | None, title: str, text: str, *, icon=QMessageBox.Question,
               yes_text: str = "&Có", no_text: str = "&Không", default_yes: bool = False) -> bool:
    """Ask and wait for the answer. «Không» is the Esc button and, unless ``default_yes``, the default."""
    box = QMessageBox(icon, title, text, QMessageBox.Yes | QMessageBox.No, parent)
    box.setObjectName("confirmBox")
    box.button(QMessageBox.Yes).setText(yes_text)
    box.button(QMessageBox.No).setText(no_text)
    box.setDefaultButton(QMessageBox.Yes if default_yes else QMessageBox.No)
    box.setEscapeButton(QMessageBox.No)
    return box.exec() == QMessageBox.Yes
