"""Date and date-time fields where Tab leaves the field (Qt's default steps through day, month, year,
hour, minute first — five Tabs to get past one field). Left/Right still move between the parts.
``display_date`` writes a stored date the way these fields show it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget


class DateTimeEdit(QDateTimeEdit):
    def focusNextPrevChild(self, next_child: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_child)


class DateEdit(QDateEdit):
    def focusNextPrevChild(self, next_child: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_child)


def display_date(iso: str | None) -> str:
    """'2024-03-05' → '05/03/2024' (anything else is shown as stored)."""
    if not iso:
        return ""
    try:
        return dt.date.fromisoformat(str(iso)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(iso)
