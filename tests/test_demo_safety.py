"""Issue 12, items 2 and 7: ``demo`` never touches real data, ``init`` starts a database from the command line,
the province demo, and the demo clock fixed to a date *and* a time of day (13/03/2025 10:00)."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from models.core import demo_clock
from models.core.store import Store
from tests.factories.registry import setup_unit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = {"SODINHDANH_PASSWORD": "matkhau-quantri"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _real_database(path: Path) -> str:
    """A working database with an officer's data in it; returns its checksum."""
    store = Store(path)
    try:
        setup_unit(store)
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return _digest(path)


def _default_db(tmp_path: Path) -> Path:
    """The working database's default place for the CLI run by ``run_cli`` (its XDG_DATA_HOME)."""
    return tmp_path / "xdg" / "SoDinhDanh" / "so-dinh-danh.sqlite"


# ---- demo: refusals -------------------------------------------------------------------------------------
def test_demo_refuses_an_existing_database_that_is_not_a_demo(run_cli, tmp_path):
    real = tmp_path / "that.sqlite"
    before = _real_database(real)
    result = run_cli("demo", "--db", real)
    assert result.returncode == 2
    assert result.stderr.startswith("Lỗi:") and "không phải cơ sở dữ liệu trình diễn" in result.stderr
    assert result.stdout == ""
    assert _digest(real) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("that")) == ["that.sqlite"]


def test_demo_refuses_a_file_that_is_not_a_database(run_cli, tmp_path):
    other = tmp_path / "notes.sqlite"
    other.write_text("ghi chú của cán bộ", encoding="utf-8")
    result = run_cli("demo", "--province", "--db", other)
    assert result.returncode == 2 and "không phải cơ sở dữ liệu trình diễn" in result.stderr
    assert other.read_text(encoding="utf-8") == "ghi chú của cán bộ"


def test_demo_refuses_the_working_database_path_even_before_it_exists(run_cli, tmp_path):
    real = _default_db(tmp_path)
    result = run_cli("demo", "--db", real)
    assert result.returncode == 2 and "cơ sở dữ liệu làm việc của máy này" in result.stderr
    assert not real.exists()


def test_demo_without_db_writes_its_own_file_and_leaves_the_real_one(run_cli, tmp_path):
    real = _default_db(tmp_path)
    real.parent.mkdir(parents=True)
    before = _real_database(real)
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    demo_file = Path(summary["db"])
    assert demo_file == tmp_path / "xdg" / "SoDinhDanh" / "demo.sqlite"
    assert _digest(real) == before
    # the demo's own file is a demo database: building again over it is allowed
    rebuilt = run_cli("demo", "--db", demo_file)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert json.loads(rebuilt.stdout)["organizations"] == summary["organizations"]
    assert _digest(real) == before


# ---- demo --province ------------------------------------------------------------------------------------
def test_province_demo_merges_the_units_files(run_cli, tmp_path):
    path = tmp_path / "tinh.sqlite"
    result = run_cli("demo", "--province", "--db", path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["kind"] == "province" and summary["units_declared"] == 4
    assert [f["late"] for f in summary["files_merged"]] == [False, False, True]
    # the units' 2.3 files carry their citizens' figures and mobile sessions (issue 16)
    assert all(f["citizen_rows"] > 0 and f["sessions"] > 0 for f in summary["files_merged"])
    # on the demo's moment (13/03/2025 10:00) the week whose deadline last passed is the merged one
    units = run_cli("sync-units", "--db", path)
    assert units.returncode == 0, units.stderr
    listed = json.loads(units.stdout)
    assert listed["week_end"] == "2025-03-05"
    states = sorted(u["state"] for u in listed["units"])
    assert states == ["chưa gửi tệp", "gửi muộn", "đúng hạn", "đúng hạn"]
    assert sorted(u["citizens"] for u in listed["units"]) == [False, True, True, True]
    report = run_cli("sync-report", "--db", path, "--pdf", tmp_path / "tonghop.pdf")
    assert report.returncode == 0, report.stderr
    printed = json.loads(report.stdout)
    assert printed["cumulative"] > 0
    citizens = printed["citizens"]
    assert citizens["reported"] == 3
    assert {(t["measure"], t["population"]) for t in citizens["tables"]} >= {("activated", "residents")}
    assert all(t["cumulative"] > 0 for t in citizens["tables"])
    # a province demo is a demo database: `demo` may build over it
    again = run_cli("demo", "--province", "--db", path)
    assert again.returncode == 0, again.stderr


# ---- init -----------------------------------------------------------------------------------------------
def test_init_creates_a_unit_with_its_areas_and_administrator(run_cli, tmp_path):
    path = tmp_path / "donvi.sqlite"
    result = run_cli("init", "--db", path, "--name", "Công an phường Long Xuyên", "--parent", "Công an tỉnh An Giang",
                     "--place", "An Giang", "--areas", "30307,30292", env=PASSWORD)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["kind"] == "local" and out["areas"] == 2 and out["province_code"] == "91"
    assert out["name"] == "Công an phường Long Xuyên" and out["admin"] == "quantri"
    from models.security import auth

    store = Store(path)
    try:
        assert auth.sign_in(store, "quantri", "matkhau-quantri").role == "admin"
        assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'unit.create'") == 1
    finally:
        store.close()
    # the database now holds data: a second init refuses and changes nothing
    before = _digest(path)
    again = run_cli("init", "--db", path, "--name", "Khác", "--areas", "30307", env=PASSWORD)
    assert again.returncode == 2 and "đã có dữ liệu" in again.stderr
    assert _digest(path) == before


def test_init_province_desk_can_merge(run_cli, tmp_path):
    path = tmp_path / "tinh.sqlite"
    result = run_cli("init", "--db", path, "--province", "--name", "Phòng Cảnh sát QLHC về TTXH",
                     "--parent", "Công an tỉnh An Giang", "--place", "An Giang", env=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["kind"] == "province"
    units = run_cli("sync-units", "--db", path, "--declare", "AG-01", "Công an phường Long Xuyên",
                    "--user", "quantri", env=PASSWORD)
    assert units.returncode == 0, units.stderr
    assert json.loads(units.stdout)["declared"] is True


@pytest.mark.parametrize("args, message", [
    (("--name", "Công an xã A"), "--areas"),
    (("--name", "Công an xã A", "--areas", "99999"), "Không có xã, phường mã «99999»"),
    (("--name", "Công an xã A", "--areas", "30307,30307"), "bị lặp"),
    (("--name", "Công an xã A", "--areas", "30307,00004"), "nhiều tỉnh"),
    (("--name", "Công an xã A", "--areas", "30307", "--admin", "Quản Trị"), "Tên đăng nhập"),
])
def test_init_refuses_bad_arguments_and_writes_nothing(run_cli, tmp_path, args, message):
    path = tmp_path / "moi.sqlite"
    result = run_cli("init", "--db", path, *args, env=PASSWORD)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert result.stderr.startswith("Lỗi:")
    assert list(tmp_path.glob("moi.sqlite*")) == []


def test_init_refuses_a_short_password(run_cli, tmp_path):
    result = run_cli("init", "--db", tmp_path / "moi.sqlite", "--name", "A", "--areas", "30307",
                     env={"SODINHDANH_PASSWORD": "ngan"})
    assert result.returncode == 2 and "ít nhất 8 ký tự" in result.stderr
    assert list(tmp_path.glob("moi.sqlite*")) == []


def _without_terminal(tmp_path, *args, stdin: str):
    """The CLI in a new session (no controlling terminal): getpass reads standard input."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("SODINHDANH_PASSWORD", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], input=stdin, text=True,
                          encoding="utf-8", capture_output=True, env=env, start_new_session=True, timeout=120)


def test_init_asks_the_password_twice(tmp_path):
    path = tmp_path / "moi.sqlite"
    args = ("init", "--db", path, "--name", "Công an xã A", "--areas", "30307")
    differ = _without_terminal(tmp_path, *args, stdin="matkhau-123\nmatkhau-124\n")
    assert differ.returncode == 2 and "không giống nhau" in differ.stderr
    assert not path.exists()
    same = _without_terminal(tmp_path, *args, stdin="matkhau-123\nmatkhau-123\n")
    assert same.returncode == 0, same.stderr
    assert "matkhau-123" not in same.stdout + same.stderr
    assert json.loads(same.stdout)["admin"] == "quantri"


# ---- the GUI's --demo -----------------------------------------------------------------------------------
class _App:
    """The application's event loop, run until the session starts or start-up ends (the demo is built in
    a worker thread behind the start-up window)."""

    def __init__(self, opened: list, shown: list):
        self.opened, self.shown, self.code = opened, shown, None

    def exit(self, code: int) -> None:
        self.code = code

    def exec(self):
        from PySide6.QtCore import QDeadlineTimer, QThread
        from PySide6.QtWidgets import QApplication

        deadline = QDeadlineTimer(30000)
        while not (self.opened or self.shown or self.code is not None) and not deadline.hasExpired():
            QApplication.processEvents()
            QThread.msleep(10)
        return self.code or 0


def _run_gui(monkeypatch, tmp_path, **args):
    """``run_gui`` up to the session: returns (exit code, paths the session was given, messages shown)."""
    import demo as demo_package
    import ui.shell.session as session_module
    from ui.shell import app as app_module
    from ui.shell import startup as startup_module

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    opened, shown = [], []

    class FakeSession:
        def __init__(self, store, demo=False):
            opened.append(store.path)

        def start(self):
            pass

        def close(self):
            pass

    class FakeBox:
        Critical = 0

        def __init__(self, _icon, title, text):
            shown.append(text)

        def exec(self):
            return 0

    def fake_build(path, **_kwargs):  # a demo database without the 10-second build
        store = Store(path)
        store.set_setting("demo_today", "2025-03-13 10:00:00", audit=False)
        store.close()

    monkeypatch.setattr(app_module, "create_application", lambda *a: _App(opened, shown))
    monkeypatch.setattr(app_module, "QMessageBox", FakeBox)
    monkeypatch.setattr(startup_module, "QMessageBox", FakeBox)
    monkeypatch.setattr(session_module, "Session", FakeSession)
    monkeypatch.setattr(demo_package, "build_demo", fake_build)
    code = app_module.run_gui(argparse.Namespace(db=args.get("db"), demo=args.get("demo", False)))
    return code, opened, shown


def test_gui_demo_keeps_its_own_file(monkeypatch, tmp_path, qapp):
    from models.core.paths import default_db_path, demo_db_path

    code, opened, shown = _run_gui(monkeypatch, tmp_path, demo=True)
    assert code == 0 and not shown
    assert opened == [demo_db_path()] and opened[0] != default_db_path()
    assert demo_db_path().parent == default_db_path().parent


def test_gui_demo_never_opens_the_working_database(monkeypatch, tmp_path, qapp):
    from models.core.paths import default_db_path

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    real = default_db_path()
    real.parent.mkdir(parents=True)
    before = _real_database(real)
    code, opened, shown = _run_gui(monkeypatch, tmp_path, demo=True, db=str(real))
    assert code == 2 and opened == [] and "cơ sở dữ liệu làm việc" in shown[0]
    other = tmp_path / "khac.sqlite"
    _real_database(other)
    code, opened, shown = _run_gui(monkeypatch, tmp_path, demo=True, db=str(other))
    assert code == 2 and opened == [] and "không phải cơ sở dữ liệu trình diễn" in shown[0]
    assert _digest(real) == before


# ---- item 7: the demo clock ----------------------------------------------------------------------------
class _RealClockAt(dt.datetime):
    """``datetime`` whose ``now()`` is a chosen moment: the computer's clock at any time of day."""

    moment = dt.datetime(2025, 6, 1, 23, 30)

    @classmethod
    def now(cls, tz=None):
        return cls.moment


def _real_time(monkeypatch, hour: int, minute: int = 0) -> None:
    _RealClockAt.moment = dt.datetime(2026, 1, 20, hour, minute, 17)
    monkeypatch.setattr(demo_clock, "dt", types.SimpleNamespace(
        datetime=_RealClockAt, date=dt.date, time=dt.time, timedelta=dt.timedelta))


def _demo_store(path: Path) -> Store:
    store = Store(path)
    setup_unit(store)
    store.set_setting("demo_today", "2025-03-13", audit=False)
    return store


@pytest.fixture(scope="module")
def built_demo(tmp_path_factory) -> Path:
    from demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo(path)
    return path


def test_demo_deadline_is_the_same_whatever_the_real_time_of_day(monkeypatch, built_demo):
    """The demo's Thursday: last week's report issued, this week's due at 14:00, four hours ahead — at any
    real time of day (before, the banner said "late" when the demo was opened after 14:00)."""
    from models.reports.register import deadline_status

    seen = set()
    for hour in (0, 6, 14, 23):
        _real_time(monkeypatch, hour, 30)
        store = Store(built_demo)
        try:
            assert demo_clock.apply_demo_clock(store)
            state = deadline_status(store)
            seen.add((state.state, state.message))
        finally:
            store.close()
    assert len(seen) == 1, seen
    ((state, message),) = seen
    assert state == "soon" and "hạn 14:00 13/03/2025" in message and "(còn 4 giờ 00 phút)" in message


def test_a_demo_marked_with_a_date_only_starts_at_ten():
    assert demo_clock.parse_demo_start("2025-03-13") == dt.datetime(2025, 3, 13, 10, 0)
    assert demo_clock.parse_demo_start("2025-03-06 16:40:00") == dt.datetime(2025, 3, 6, 16, 40)
    assert demo_clock.parse_demo_start(None) is None and demo_clock.parse_demo_start("không") is None


def test_cli_reads_the_demo_at_ten_oclock(monkeypatch, tmp_path):
    from cli.common import open_store

    _demo_store(tmp_path / "demo.sqlite").close()
    _real_time(monkeypatch, 22, 45)
    store = open_store(argparse.Namespace(db=str(tmp_path / "demo.sqlite")))
    try:
        assert store.now().replace(second=0) == dt.datetime(2025, 3, 13, 10, 0)
    finally:
        store.close()


def test_demo_clock_runs_on_from_its_start():
    ticks = iter([100.0, 100.0, 161.4, 3700.0])
    clock = demo_clock.demo_clock(dt.datetime(2025, 3, 13, 10, 0), ticks=lambda: next(ticks))
    assert clock() == dt.datetime(2025, 3, 13, 10, 0)
    assert clock() == dt.datetime(2025, 3, 13, 10, 1, 1)
    assert clock() == dt.datetime(2025, 3, 13, 11, 0)


def test_title_bar_shows_the_demo_date_and_time(monkeypatch, tmp_path, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from demo import officers as demo_officers
    from ui.shell.session import Session

    monkeypatch.setattr(QApplication, "quit", lambda *a: None)
    _real_time(monkeypatch, 17, 5)
    store = _demo_store(tmp_path / "demo.sqlite")
    demo_officers.build(store, seed=1)
    session = Session(store, demo=True)
    try:
        dialog = session.start()
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)  # the prefilled demo account
        assert session.window is not None
        assert session.window.windowTitle().endswith("— Chế độ trình diễn — 13/03/2025 10:00")
    finally:
        session._teardown_window()
        store.close()
