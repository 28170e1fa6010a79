"""Windows fit 1366×768 with a taskbar (1280×720 available) and the main window remembers its geometry."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication

from demo import DEMO_TODAY, build_demo
from models.core.store import Store
from tests.conftest import FixedClock
from ui.context import AppContext
from ui.widgets import window_fit

SMALL = QRect(0, 0, 1280, 720)   # 1366×768 less a taskbar and the window manager's margins


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("fit") / "demo.sqlite"
    build_demo(path, organizations=200, dossiers=120, reports=False)
    return path


@pytest.fixture
def ctx(demo_file, tmp_path, monkeypatch):
    monkeypatch.setattr(window_fit, "available_rect", lambda widget=None: SMALL)
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    store = Store(path, clock=FixedClock(DEMO_TODAY))
    context = AppContext.create(store)
    yield context
    context.changes.detach()
    QApplication.processEvents()
    store.close()


def _fits(widget) -> None:
    size = widget.size()
    assert size.width() + window_fit.FRAME.width() <= SMALL.width(), size
    assert size.height() + window_fit.FRAME.height() <= SMALL.height(), size
    hint = widget.minimumSizeHint()
    assert hint.width() <= size.width() and hint.height() <= size.height(), (hint, size)


def test_fit_size_rule():
    assert window_fit.fit_size(QSize(1280, 800), SMALL) == QSize(1264, 680)
    assert window_fit.fit_size(QSize(900, 500), SMALL) == QSize(900, 500)
    assert window_fit.fit_size(QSize(1280, 800), SMALL, QSize(1270, 300)) == QSize(1270, 680)


def test_main_window_intake_and_dossier_fit_and_the_main_window_remembers(ctx, qtbot):
    from ui.dialogs.dossier_view import DossierView
    from ui.dialogs.intake_dialog import IntakeDialog
    from ui.shell.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert not window.restored_geometry
    _fits(window)
    for key in window.pages:   # every page fits the window's client area
        page = window.show_page(key)
        assert page.minimumSizeHint().width() <= window.stack.width() or not window.isVisible()
    intake = IntakeDialog(ctx, window)
    qtbot.addWidget(intake)
    _fits(intake)
    dossier = DossierView(ctx, ctx.store.scalar("SELECT min(id) FROM dossiers"), window)
    qtbot.addWidget(dossier)
    _fits(dossier)

    window.resize(760, 670)
    window.move(40, 30)
    window.show()
    qtbot.waitExposed(window)
    saved = window.geometry()
    assert saved.height() == 670   # not the default size (680), so the restore below means something
    window.close()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    # the offscreen screen is 800 px wide: Qt narrows a restored geometry to it; height and place are kept
    assert again.restored_geometry and again.height() == 670 and again.y() == saved.y()
