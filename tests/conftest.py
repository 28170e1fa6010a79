"""Shared fixtures: a fresh store per test, a fixed clock, the offscreen Qt platform."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_DATA_HOME", str(Path(__file__).resolve().parent / ".." / ".pytest-data"))

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models.core.store import Store  # noqa: E402


class FixedClock:
    """A clock tests can move: ``clock.set(2025, 1, 9, 10)`` or ``clock.advance(days=1)``."""

    def __init__(self, when: dt.datetime):
        self.when = when

    def __call__(self) -> dt.datetime:
        return self.when

    def set(self, *args) -> None:
        self.when = dt.datetime(*args)

    def advance(self, **kwargs) -> None:
        self.when = self.when + dt.timedelta(**kwargs)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2025, 1, 9, 9, 30, 0))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.sqlite"


@pytest.fixture
def fresh_store(db_path, clock):
    store = Store(db_path, clock=clock)
    yield store
    store.close()


@pytest.fixture
def run_cli(tmp_path):
    """Run ``python main.py ARGS`` in a subprocess; returns CompletedProcess (text, utf-8)."""
    import subprocess

    def run(*args, check=False, timeout=300, env=None, input=None):
        full_env = dict(os.environ)
        full_env.update({"PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"})
        full_env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
        if env:
            full_env.update(env)
        return subprocess.run(
            [sys.executable, str(ROOT / "main.py"), *map(str, args)],
            capture_output=True, text=True, encoding="utf-8", timeout=timeout, env=full_env,
            check=check, cwd=str(tmp_path), input=input,
        )

    return run


@pytest.fixture(scope="session", autouse=True)
def vietnamese_qt_strings(qapp):
    """The test application speaks Vietnamese like the real one (ui.shell.app.create_application installs the
    same translation): standard buttons, text-box menus, file dialogs."""
    from ui.shell.app import install_vietnamese_qt_strings

    return install_vietnamese_qt_strings(qapp)


@pytest.fixture(autouse=True)
def own_window_ini(tmp_path, monkeypatch):
    """Each test remembers window geometry in its own file (ui/widgets/window_fit.py): a window a test
    closed must not set the size and place of the next test's window."""
    monkeypatch.setenv("SO_DINH_DANH_WINDOW_INI", str(tmp_path / "window.ini"))


@pytest.fixture(autouse=True)
def unanswered_unsaved_question(request):
    """A «Thay đổi chưa lưu» question nobody answers (a test leaving an edited window that pytest-qt closes
    afterwards) is answered «Không lưu» after a second instead of waiting for ever; tests of the question
    answer it themselves at once (tests/test_unsaved_edits.py)."""
    if "qapp" not in request.fixturenames and "qtbot" not in request.fixturenames:
        yield
        return
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QPushButton

    seen: dict[int, int] = {}

    def check() -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "unsavedBox" and widget.isVisible():
                seen[id(widget)] = seen.get(id(widget), 0) + 1
                if seen[id(widget)] >= 5:  # about a second
                    widget.findChild(QPushButton, "discardChoice").click()

    timer = QTimer()
    timer.setInterval(200)
    timer.timeout.connect(check)
    timer.start()
    yield
    timer.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    """The test's own answers to «Thay đổi chưa lưu» (tests.factories.unsaved_answers) end with the test,
    before pytest-qt closes its widgets: a closing window must not be kept open by a previous test's
    «Ở lại»."""
    from tests.factories.unsaved_answers import Answers

    Answers.stop_all()
    return (yield)
