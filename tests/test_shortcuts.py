"""No two shortcuts or mnemonics (Alt+letter) on the same key where they are shown together: every page
of the main window with its menus, tab by tab, and the windows opened from it (issue 13: Alt+K, Ctrl+E)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from demo import DEMO_TODAY, build_demo
from models.core.store import Store
from tests.conftest import FixedClock
from tests.shortcut_walk import editing_key_shortcuts, keys_of, mnemonic, non_ascii, window_duplicates
from ui.context import AppContext


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "demo.sqlite"
    build_demo(path, organizations=150, dossiers=100, reports=False)
    return path


@pytest.fixture
def window(demo_file, tmp_path, qtbot):
    from ui.shell.main_window import MainWindow

    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    store = Store(path, clock=FixedClock(DEMO_TODAY))
    ctx = AppContext.create(store)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    ctx.changes.detach()
    QApplication.processEvents()
    store.close()


def _global_keys(win) -> list[tuple[str, str]]:
    """What the whole window answers to: the menu titles and the menu actions' shortcuts."""
    return keys_of(win.menuBar()) + [(k, w) for k, w in keys_of(win, actions=True) if w.startswith("action")]


def test_every_page_and_window_has_each_key_once(window, qtbot):
    glob = _global_keys(window)
    assert {"Alt+T", "Ctrl+Q", "Ctrl+1"} <= {k for k, _ in glob}   # the walk sees the menus
    problems = {}
    for key, page in window.pages.items():
        window.show_page(key)
        found = window_duplicates(window, [page], glob)
        if found:
            problems[key] = found
        assert not non_ascii(keys_of(page)), (key, non_ascii(keys_of(page)))
        assert not editing_key_shortcuts(page), (key, editing_key_shortcuts(page))
    from ui.dialogs.dossier_view import DossierView
    from ui.dialogs.intake_dialog import IntakeDialog
    from ui.dialogs.pending_dialog import PendingDialog

    ctx = window.ctx
    dossier_id = ctx.store.scalar("SELECT min(id) FROM dossiers WHERE status = 'received'")
    for dialog in (IntakeDialog(ctx, window), DossierView(ctx, dossier_id, window), PendingDialog(ctx, window)):
        qtbot.addWidget(dialog)
        dialog.show()
        found = window_duplicates(dialog, [dialog], [])
        if found:
            problems[type(dialog).__name__] = found
        assert not non_ascii(keys_of(dialog)) and not editing_key_shortcuts(dialog)
        dialog.hide()
    assert not problems, problems


def test_the_walk_finds_what_it_looks_for(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    field = QLineEdit()
    label = QLabel("&Kênh tiếp nhận:")
    label.setBuddy(field)
    for widget in (label, field, QPushButton("&Kiểm tra"), QPushButton("Mở th&ư mục"), QPushButton("Đơn vị && địa bàn")):
        layout.addWidget(widget)
    QShortcut(QKeySequence("Ctrl+E"), host)
    host.show()
    assert mnemonic("Đơn vị && địa bàn") is None and mnemonic("Sửa &kế hoạch") == "Alt+K"
    found = window_duplicates(host, [host], [])
    assert list(found) == ["ALT+K"] and len(found["ALT+K"]) == 2
    assert non_ascii(keys_of(host)) == ["button «Mở th&ư mục» (QPushButton)"]
    assert editing_key_shortcuts(host) == ["Ctrl+E: shortcut of QWidget"]


def test_esc_clears_the_search_fields(window, qtbot):
    from PySide6.QtCore import Qt

    for key in ("registry", "dossiers"):
        page = window.show_page(key)
        page.search.setFocus()
        qtbot.keyClicks(page.search, "hop tac")
        assert page.search.text() == "hop tac"
        qtbot.keyClick(page.search, Qt.Key_Escape)
        assert page.search.text() == "", key
