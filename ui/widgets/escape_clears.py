"""Esc empties a search field (issue 13): the first Esc clears what was typed, the next one does what Esc
does there otherwise (closes a dialog, etc.)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLineEdit


class _EscapeClears(QObject):
    def __init__(self, edit: QLineEdit, then: Callable[[], None] | None):
        super().__init__(edit)
        self.edit, self.then = edit, then

    def eventFilter(self, obj, event) -> bool:
        if obj is self.edit and event.type() == QEvent.KeyPress and event.key() == Qt.Key_Escape \
                and event.modifiers() == Qt.NoModifier and self.edit.text():
            self.edit.clear()
            if self.then is not None:
                self.then()
            return True
        return False


def escape_clears(edit: QLineEdit, then: Callable[[], None] | None = None) -> None:
    """Make Esc in ``edit`` empty it and call ``then`` (e.g. the search that follows typing)."""
    edit.installEventFilter(_EscapeClears(edit, then))
