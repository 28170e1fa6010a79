"""Asking for one date (dd/mm/yyyy, with a calendar), e.g. the national system's date of an account."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


class DateDialog(QDialog):
    """A date field (today's date by default, never after ``latest``) with «Xác nhận» / «Thôi»."""

    def __init__(self, title: str, prompt: str, initial: dt.date, parent: QWidget | None = None, *,
                 latest: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("dateDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        layout.addWidget(label)
        self.edit = QDateEdit(QDate(initial.year, initial.month, initial.day))
        self.edit.setObjectName("dateEdit")
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setCalendarPopup(True)
        if latest is not None:
            self.edit.setMaximumDate(QDate(latest.year, latest.month, latest.day))
        label.setBuddy(self.edit)
        layout.addWidget(self.edit)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Xác nhận")
        buttons.button(QDialogButtonBox.Cancel).setText("Thôi")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def date(self) -> dt.date:
        return self.edit.date().toPython()
