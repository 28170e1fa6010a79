"""First start (issue 17 item 4): a window at once; the demo built, or the database upgraded, in a worker
behind the start-up window with its steps; cancelling the demo build leaves no file."""

from __future__ import annotations

import gc
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import demo as demo_package
from demo import STEPS, build_demo
from models.core.demo_clock import DEMO_SETTING
from models.core.errors import Cancelled
from models.core.migrations import all_migrations, latest_version
from models.core.progress import Progress
from models.core.store import Store
from ui.shell import startup as startup_module
from ui.shell.sign_in import FirstAdminDialog, SignInDialog
from ui.shell.startup import Startup, schema_version_on_disk


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_file())


# ---- the builder's steps ---------------------------------------------------------------------------------
def test_build_demo_reports_its_steps_in_order(tmp_path):
    seen = []
    progress = Progress(callback=lambda done, total, message: seen.append((done, total, message)))
    build_demo(tmp_path / "demo.sqlite", organizations=60, dossiers=30, people=0, reports=False,
               progress=progress)
    names = [n for n in STEPS if n not in ("people", "person_dossiers", "reports")]
    assert [m for _, _, m in seen] == [
        f"Đang tạo dữ liệu trình diễn: {STEPS[n][0]} (bước {i}/{len(names)})…" for i, n in enumerate(names, 1)]
    dones = [d for d, _, _ in seen]
    assert dones == sorted(dones) and dones[0] == 0
    assert {t for _, t, _ in seen} == {sum(STEPS[n][1] for n in names)}
    assert _files(tmp_path) == ["demo.sqlite"]


@pytest.mark.parametrize("stop_at", ["officers", "dossiers", "campaign"])
def test_cancelled_build_leaves_no_file_and_keeps_the_old_demo(tmp_path, stop_at):
    path = tmp_path / "demo.sqlite"
    old = Store(path)
    old.set_setting(DEMO_SETTING, "2025-03-13 10:00:00", audit=False)
    old.close()
    before = path.read_bytes()
    progress = Progress()

    def stop(_done, _total, message):
        if STEPS[stop_at][0] in message:
            progress.cancel()

    progress._callback = stop
    with pytest.raises(Cancelled):
        build_demo(path, organizations=40, dossiers=20, people=0, reports=False, progress=progress)
    assert not list(tmp_path.glob("demo.sqlite.building*"))
    assert path.read_bytes() == before  # the previous demo is untouched


# ---- reading the schema version without opening the file -----------------------------------------------
def test_schema_version_on_disk(tmp_path):
    assert schema_version_on_disk(tmp_path / "none.sqlite") is None
    (tmp_path / "text.sqlite").write_text("không phải cơ sở dữ liệu " * 10)
    assert schema_version_on_disk(tmp_path / "text.sqlite") is None
    store = Store(tmp_path / "real.sqlite")
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    assert schema_version_on_disk(tmp_path / "real.sqlite") == latest_version()
    conn = sqlite3.connect(tmp_path / "old.sqlite")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    assert schema_version_on_disk(tmp_path / "old.sqlite") == 3
    assert startup_module.migrations_pending(tmp_path / "old.sqlite")
    assert not startup_module.migrations_pending(tmp_path / "real.sqlite")


# ---- the start-up window --------------------------------------------------------------------------------
@pytest.fixture
def startups():
    made = []
    yield made
    for startup in made:
        session_dialog = startup.session.dialog if startup.session is not None else None
        startup.close()
        for dialog in (startup.dialog, session_dialog):
            if dialog is not None:
                dialog.hide()
                dialog.deleteLater()
    made.clear()
    # Collected here, on the main thread: a widget left to the garbage collector could otherwise be
    # destroyed in the next test's worker thread (Qt aborts).
    gc.collect()


def _windows(kind):
    from PySide6.QtWidgets import QApplication

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_window_is_shown_before_the_demo_is_built(qtbot, tmp_path, monkeypatch, startups):
    release = threading.Event()
    reached = threading.Event()

    def slow_build(path, *, progress=None, **_kwargs):  # stands for the real builder's seconds of work
        progress.update(0, 10, "Đang tạo dữ liệu trình diễn: cán bộ và tài khoản (bước 1/2)…", force=True)
        reached.set()
        assert release.wait(30)
        progress.update(5, 10, "Đang tạo dữ liệu trình diễn: hồ sơ (bước 2/2)…", force=True)
        store = Store(path)
        store.set_setting(DEMO_SETTING, "2025-03-13 10:00:00", audit=False)
        store.close()

    monkeypatch.setattr(demo_package, "build_demo", slow_build)
    path = tmp_path / "demo.sqlite"
    startup = Startup(path, demo=True)
    startups.append(startup)
    startup.start()
    dialog = startup.dialog
    assert dialog is not None and dialog.isVisible()  # shown by start(), before the event loop runs
    assert dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: dialog.label.text().endswith("(bước 1/2)…"), timeout=10000)
    assert reached.is_set() and startup.worker.isRunning() and not path.exists()
    assert startup.session is None and not _windows(SignInDialog)
    assert dialog.bar.maximum() == 10
    release.set()
    with qtbot.waitSignal(startup.session_started, timeout=20000):
        pass
    assert startup.steps == ["Đang tạo dữ liệu trình diễn: cán bộ và tài khoản (bước 1/2)…",
                             "Đang tạo dữ liệu trình diễn: hồ sơ (bước 2/2)…"]
    assert startup.dialog is None and not dialog.isVisible()
    assert startup.exit_code is None and startup.store.path == path
    assert _windows(FirstAdminDialog) or _windows(SignInDialog)  # the session's first dialog
    startup.session.dialog.reject = lambda: None  # closing it would quit the test's application


def test_cancelling_the_real_demo_build_leaves_nothing(qtbot, tmp_path, startups):
    path = tmp_path / "data" / "demo.sqlite"
    startup = Startup(path, demo=True)
    startups.append(startup)
    startup.start()
    dialog = startup.dialog
    qtbot.waitUntil(lambda: len(startup.steps) >= 2, timeout=30000)  # the partial file exists by now
    assert list(path.parent.glob("demo.sqlite.building*"))
    with qtbot.waitSignal(startup.ended, timeout=60000) as ended:
        qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
        assert dialog.label.text().startswith("Đang huỷ")
    assert ended.args == [0] and startup.exit_code == 0 and startup.session is None
    assert not path.exists() and not list(path.parent.glob("demo.sqlite*"))
    assert len(startup.steps) < len(STEPS)  # stopped between steps, not at the end


def test_upgrade_runs_behind_the_window_step_by_step(qtbot, tmp_path, startups):
    path = tmp_path / "so-dinh-danh.sqlite"  # a new working database: every migration from 0
    startup = Startup(path, demo=False)
    startups.append(startup)
    startup.start()
    assert startup.dialog is not None and not startup.dialog.cancel_button.isVisibleTo(startup.dialog)
    with qtbot.waitSignal(startup.session_started, timeout=30000):
        pass
    count = len(all_migrations())
    assert startup.steps == [f"Đang nâng cấp cấu trúc cơ sở dữ liệu (bước {n}/{count})…"
                             for n in range(1, count + 1)]
    assert startup.store.user_version == latest_version()
    assert _windows(FirstAdminDialog)
    startup.session.dialog.reject = lambda: None


def test_upgrade_cannot_be_cancelled_from_the_window(qtbot):
    from ui.dialogs.startup_progress import StartupProgressDialog

    dialog = StartupProgressDialog("Đang nâng cấp", cancellable=False)
    qtbot.addWidget(dialog)
    dialog.show()
    fired = []
    dialog.cancel_requested.connect(lambda: fired.append(1))
    dialog.close()  # the window's close button
    dialog.reject()  # Escape
    assert dialog.isVisible() and not fired
    dialog.report(3, 9, "Đang nâng cấp cấu trúc cơ sở dữ liệu (bước 4/9)…")
    assert (dialog.bar.value(), dialog.bar.maximum()) == (3, 9)
    assert dialog.label.text().endswith("(bước 4/9)…")
    dialog.hide()


def test_a_database_too_new_is_refused_with_a_message(qtbot, tmp_path, monkeypatch, startups):
    path = tmp_path / "moi-hon.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    conn.commit()
    conn.close()
    shown = []

    class FakeBox:
        Critical = 0

        def __init__(self, _icon, title, text):
            shown.append(text)

        def exec(self):
            return 0

    monkeypatch.setattr(startup_module, "QMessageBox", FakeBox)
    startup = Startup(path, demo=False)
    startups.append(startup)
    startup.start()
    assert startup.dialog is None and startup.exit_code == 2 and startup.session is None
    assert len(shown) == 1 and "mới hơn" in shown[0] and str(path) in shown[0]
