"""Date and date-time fields where Tab leaves the field (Qt's default steps through day, month, year,
hour, minute first — five Tabs to get past one field). Left/Right still move between the parts."""

from __future__ import annotations

from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget


class DateTimeEdit(QDateTimeEdit):
    def focusNextPrevChild(self, next_child: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_child)


class DateEdit(QDateEdit):
    def focusNextPrevChild(self, next_child: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_child)
