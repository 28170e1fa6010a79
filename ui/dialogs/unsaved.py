"""Leaving an editor that holds unsaved changes: «Lưu», «Không lưu» or «Ở lại».

Every screen or window where an officer types something that is written only on «Lưu» speaks one small
protocol (duck-typed, see ``UnsavedEditor``):

- ``has_unsaved_changes() -> bool``: what is on screen differs from what was loaded;
- ``unsaved_title() -> str``: what the question is about («Hồ sơ HS-2025-000123», «Tổ chức «…»»);
- ``save_changes() -> bool``: write through the model (``ui.ops.run_mutation``); False when the write was
  refused (a ``UserError``, an edit made elsewhere meanwhile): the message has been shown and the officer
  stays where the edit is;
- ``discard_changes() -> None``: throw the edits away (reload what is stored);
- optionally ``unsaved_can_save = False`` when there is nowhere to save to (the report being written is
  kept only by issuing it or saving a draft): the question then offers «Không lưu» and «Ở lại» only.

``settle(parent, editor)`` asks the question when the editor has changes and carries out the answer;
the caller leaves (changes row, page, closes, quits, signs out) only when it returns True. «Lưu» is the
default button, Esc is «Ở lại». The main window asks every open editor in turn (``settle_all``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

SAVE, DISCARD, STAY = "save", "discard", "stay"


class UnsavedEditor(Protocol):
    def has_unsaved_changes(self) -> bool: ...

    def unsaved_title(self) -> str: ...

    def save_changes(self) -> bool: ...

    def discard_changes(self) -> None: ...


def is_editor(widget: object) -> bool:
    return callable(getattr(widget, "has_unsaved_changes", None)) and callable(getattr(widget, "save_changes", None))


def ask_save_discard_stay(parent: QWidget | None, what: str, *, can_save: bool = True) -> str:
    """Ask and wait: ``"save"``, ``"discard"`` or ``"stay"``. «Lưu» is the default (Enter), Esc is «Ở lại».
    Without ``can_save`` the officer chooses between «Không lưu» and «Ở lại» («Ở lại» is then the default)."""
    box = QMessageBox(parent)
    box.setObjectName("unsavedBox")
    box.setIcon(QMessageBox.Warning if not can_save else QMessageBox.Question)
    box.setWindowTitle("Thay đổi chưa lưu")
    box.setText(f"{what} có thay đổi chưa lưu.")
    if can_save:
        box.setInformativeText("«Lưu»: ghi lại rồi tiếp tục. «Không lưu»: bỏ những thay đổi này. "
                               "«Ở lại»: quay lại sửa tiếp.")
    else:
        box.setInformativeText("Nội dung này chỉ được giữ khi ban hành hoặc lưu bản nháp. «Không lưu»: bỏ nội "
                               "dung đã nhập. «Ở lại»: quay lại để ban hành hoặc lưu bản nháp.")
    save = None
    if can_save:
        save = box.addButton("&Lưu", QMessageBox.AcceptRole)
        save.setObjectName("saveChoice")
    discard = box.addButton("&Không lưu", QMessageBox.DestructiveRole)
    discard.setObjectName("discardChoice")
    stay = box.addButton("Ở &lại", QMessageBox.RejectRole)
    stay.setObjectName("stayChoice")
    box.setDefaultButton(save if save is not None else stay)
    box.setEscapeButton(stay)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if save is not None and clicked is save:
        return SAVE
    if clicked is discard:
        return DISCARD
    return STAY


def settle(parent: QWidget | None, editor: UnsavedEditor) -> bool:
    """True when the caller may leave ``editor``: nothing unsaved, saved, or discarded. A refused save
    (its message already shown) and «Ở lại» give False."""
    if not editor.has_unsaved_changes():
        return True
    answer = ask_save_discard_stay(parent, editor.unsaved_title(),
                                   can_save=getattr(editor, "unsaved_can_save", True))
    if answer == SAVE:
        return bool(editor.save_changes())
    if answer == DISCARD:
        editor.discard_changes()
        return True
    return False


def open_editors(root: QWidget) -> list:
    """The windows opened over ``root`` (its child dialogs, shown) that speak the protocol."""
    return [w for w in root.findChildren(QDialog) if w.isVisible() and is_editor(w)]


def settle_all(parent: QWidget | None, editors: Iterable) -> bool:
    """Ask each editor with changes in turn; False as soon as one says «Ở lại» or cannot save."""
    for editor in editors:
        if not editor.has_unsaved_changes():
            continue
        if isinstance(editor, QDialog):
            editor.raise_()
            editor.activateWindow()
        if not settle(editor if isinstance(editor, QDialog) else parent, editor):
            return False
    return True
