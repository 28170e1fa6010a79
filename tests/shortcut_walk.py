"""Walk a window's keyboard shortcuts and mnemonics (Alt+letter) to find two on the same key in the same
scope (tests/test_shortcuts.py)."""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenuBar, QTabBar, QTabWidget, QWidget

_MNEMONIC = re.compile(r"&([^&\s])")
# Keys a text field takes for itself on a Linux desktop (Qt's X11 key bindings) or everywhere: a window
# shortcut on them never fires while the cursor is in a field (Ctrl+E was "end of line", not «Xuất tệp»).
EDITING_KEYS = {"Ctrl+A", "Ctrl+C", "Ctrl+V", "Ctrl+X", "Ctrl+Z", "Ctrl+Y", "Ctrl+Shift+Z", "Ctrl+E", "Ctrl+K",
                "Ctrl+U", "Ctrl+B", "Ctrl+D", "Ctrl+H", "Ctrl+Ins", "Shift+Ins", "Shift+Del"}


def mnemonic(text: str) -> str | None:
    """The Alt key of a label text ("Sửa &kế hoạch" → "Alt+K"), None without one; "&&" is a literal &."""
    match = _MNEMONIC.search(text.replace("&&", ""))
    if not match:
        return None
    letter = match.group(1).upper()
    return f"Alt+{'D' if letter == 'Đ' else letter}"


def _key(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.PortableText)


def keys_of(root: QWidget, *, visible_to: QWidget | None = None, actions: bool = False) -> list[tuple[str, str]]:
    """(key, what) for every mnemonic and shortcut of ``root`` and its children (only those shown together
    when ``visible_to`` is given: a widget on another tab or a hidden panel cannot take its key);
    ``actions``: also the QAction shortcuts (a window's menus)."""
    found: list[tuple[str, str]] = []
    widgets = [root, *root.findChildren(QWidget)]
    if visible_to is not None:
        widgets = [w for w in widgets if w is visible_to or w.isVisibleTo(visible_to)]
    for w in widgets:
        name = w.objectName() or type(w).__name__
        if isinstance(w, QAbstractButton) and (key := mnemonic(w.text())):
            found.append((key, f"button «{w.text()}» ({name})"))
        elif isinstance(w, QLabel) and w.buddy() is not None and (key := mnemonic(w.text())):
            found.append((key, f"label «{w.text()}» ({name})"))
        elif isinstance(w, QGroupBox) and (key := mnemonic(w.title())):
            found.append((key, f"group «{w.title()}» ({name})"))
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if key := mnemonic(w.tabText(i)):
                    found.append((key, f"tab «{w.tabText(i)}» ({name})"))
        elif isinstance(w, QMenuBar):
            for action in w.actions():
                if key := mnemonic(action.text()):
                    found.append((key, f"menu «{action.text()}»"))
    if actions:
        for action in set(root.findChildren(QAction)):
            if not action.shortcut().isEmpty():
                found.append((_key(action.shortcut()), f"action «{action.text()}»"))
    for shortcut in root.findChildren(QShortcut):
        if shortcut.key().isEmpty() or shortcut.context() == Qt.ShortcutContext.WidgetShortcut:
            continue
        if visible_to is not None and not (shortcut.parent() is visible_to or shortcut.parent().isVisibleTo(visible_to)):
            continue
        found.append((_key(shortcut.key()), f"shortcut of {shortcut.parent().objectName() or type(shortcut.parent()).__name__}"))
    return found


def tab_views(root: QWidget):
    """Set each QTabWidget under ``root`` to each of its tabs in turn (yields once per tab, and once for
    a root without tabs), so that the keys shown together can be read at every step."""
    tabs = root.findChildren(QTabWidget)
    if not tabs:
        yield
        return
    for tab in tabs:
        current = tab.currentIndex()
        for i in range(tab.count()):
            tab.setCurrentIndex(i)
            yield
        tab.setCurrentIndex(current)


def window_duplicates(window: QWidget, roots: list[QWidget], global_keys: list[tuple[str, str]]) -> dict:
    """Keys taken twice among ``global_keys`` and what each root shows at once, tab by tab."""
    out: dict[str, list[str]] = {}
    for root in roots:
        for _ in tab_views(root):
            for key, what in duplicates(global_keys + keys_of(root, visible_to=window)).items():
                out[key] = sorted(set(out.get(key, [])) | set(what))
    return out


def non_ascii(found: list[tuple[str, str]]) -> list[str]:
    """Mnemonics on a letter no keyboard has as such (Alt+Ư, Alt+Á): the officer cannot type them."""
    return [what for key, what in found if key.startswith("Alt+") and not key[4:].isascii()]


def duplicates(found: list[tuple[str, str]]) -> dict[str, list[str]]:
    by_key: dict[str, list[str]] = defaultdict(list)
    for key, what in dict.fromkeys(found):   # the same shortcut seen twice is one
        by_key[key.upper()].append(what)
    return {k: v for k, v in by_key.items() if len(v) > 1}


def editing_key_shortcuts(root: QWidget) -> list[str]:
    """Shortcuts of ``root`` on a key its text fields take for themselves."""
    return [f"{key}: {what}" for key, what in keys_of(root) if key in EDITING_KEYS and "shortcut" in what]
