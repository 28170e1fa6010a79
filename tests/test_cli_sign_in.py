"""The command line signs in: commands that change records or write personal data out need ``--user`` and
the officer's password (no-echo prompt or ``SODINHDANH_PASSWORD``), run with that officer's permissions,
count wrong passwords toward the lockout and record the OS user and host. The lockout holds against
guessers running in parallel; one's own password is changed only with the old one."""

from __future__ import annotations

import getpass
import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from models.core.errors import UserError
from models.core.store import SYSTEM_ACTOR, Store
from models.security import auth
from tests.conftest import ROOT
from tests.factories.reports import make_unit

PASSWORDS = {"quantri": "matkhau-quantri", "chihuy": "matkhau-chihuy", "canbo1": "matkhau-canbo1"}


def _as(user: str, password: str | None = None) -> dict:
    return {"SODINHDANH_PASSWORD": PASSWORDS[user] if password is None else password}


@pytest.fixture
def unit_db(fresh_store, db_path):
    """A unit's database with its administrator, a leader and an intake officer."""
    make_unit(fresh_store, 3)
    fresh_store.actor = auth.create_first_admin(fresh_store, "quantri", "Nguyễn Văn Quản", PASSWORDS["quantri"])
    auth.create_officer(fresh_store, "chihuy", "Trần Minh Chiến", "leader", PASSWORDS["chihuy"])
    auth.create_officer(fresh_store, "canbo1", "Lê Thị Hồng Nhung", "intake", PASSWORDS["canbo1"])
    fresh_store.actor = SYSTEM_ACTOR
    return db_path


def _audit(store: Store, action: str) -> list[dict]:
    return store.query("SELECT a.*, o.username FROM audit_log a LEFT JOIN officers o ON o.id = a.officer_id "
                       "WHERE action = ? ORDER BY a.id", (action,))


def _refused(result, *words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("Lỗi:") and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert result.stdout == ""


def test_writing_commands_are_refused_without_sign_in(unit_db, fresh_store, run_cli, tmp_path):
    backup_dir = tmp_path / "usb"
    commands = [
        ("report", "--db", unit_db, "--week-ending", "2025-01-08", "--out", tmp_path / "a.pdf", "--issue"),
        ("export", "--db", unit_db, "--out", tmp_path / "dongbo.xlsx", "--full"),
        ("backup", "--db", unit_db, "--to", backup_dir),
        ("sync-ack", "--db", unit_db, "1"),
        ("lead-desk", "--db", unit_db),
        ("sync-units", "--db", unit_db, "--declare", "AG-01", "Công an phường Long Xuyên"),
        ("restore", "--db", unit_db, tmp_path / "khong-co.sqlite"),
        ("unlock", "--db", unit_db, "--account", "canbo1"),
    ]
    audit_lines = fresh_store.scalar("SELECT count(*) FROM audit_log")
    for command in commands:
        _refused(run_cli(*command, env={"SODINHDANH_PASSWORD": ""}), "--user", "đăng nhập")
    assert fresh_store.scalar("SELECT count(*) FROM reports") == 0
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "dongbo.xlsx").exists()
    assert not backup_dir.exists()
    assert fresh_store.scalar("SELECT count(*) FROM audit_log") == audit_lines
    # the read-only commands stay open
    assert run_cli("dossiers", "--db", unit_db).returncode == 0
    draft = run_cli("report", "--db", unit_db, "--week-ending", "2025-01-08", "--out", tmp_path / "nhap.pdf")
    assert draft.returncode == 0, draft.stderr


def test_an_intake_officer_cannot_issue_a_report_and_a_leader_can(unit_db, fresh_store, run_cli, tmp_path):
    refused = run_cli("report", "--db", unit_db, "--week-ending", "2025-01-08", "--out", tmp_path / "a.pdf",
                      "--issue", "--user", "canbo1", env=_as("canbo1"))
    _refused(refused, "ban hành báo cáo")
    assert fresh_store.scalar("SELECT count(*) FROM reports") == 0 and not (tmp_path / "a.pdf").exists()

    issued = run_cli("report", "--db", unit_db, "--week-ending", "2025-01-08", "--out", tmp_path / "a.pdf",
                     "--issue", "--user", "chihuy", env=_as("chihuy"))
    assert issued.returncode == 0, issued.stderr
    report_id = json.loads(issued.stdout)["report_id"]
    leader = fresh_store.scalar("SELECT id FROM officers WHERE username = 'chihuy'")
    assert fresh_store.scalar("SELECT officer_id FROM reports WHERE id = ?", (report_id,)) == leader
    issue_lines = [a for a in fresh_store.query("SELECT * FROM audit_log WHERE action LIKE 'report.%'")]
    assert issue_lines and all(a["officer_id"] == leader for a in issue_lines)
    sign_in = _audit(fresh_store, "auth.sign_in")[-1]
    assert sign_in["username"] == "chihuy"
    assert json.loads(sign_in["detail"]) == {"os_user": getpass.getuser(), "host": socket.gethostname(),
                                             "via": "cli", "command": "report"}
    # an administrator cannot export the sync file (it carries full ID numbers), even from the CLI
    _refused(run_cli("export", "--db", unit_db, "--out", tmp_path / "x.xlsx", "--user", "quantri", "--unencrypted",
                     env=_as("quantri")), "xuất tệp gửi cấp trên")
    # a command-line sign-in leaves no open session behind (a restore would take it for another desk)
    assert auth.open_sessions(fresh_store) == []


def test_wrong_passwords_from_the_cli_lock_the_account_and_an_administrator_unlocks_it(
        unit_db, fresh_store, run_cli, tmp_path):
    fresh_store.actor = auth.sign_in(fresh_store, "quantri", PASSWORDS["quantri"])
    auth.set_security_settings(fresh_store, attempts=3)
    fresh_store.actor = SYSTEM_ACTOR
    backup = ("backup", "--db", unit_db, "--to", tmp_path / "usb", "--user", "quantri")
    _refused(run_cli(*backup, env=_as("quantri", "sai-mat-khau")), "Còn 2 lần thử")
    _refused(run_cli(*backup, env=_as("quantri", "sai-mat-khau")), "Còn 1 lần thử")
    _refused(run_cli(*backup, env=_as("quantri", "sai-mat-khau")), "tạm khoá")
    _refused(run_cli(*backup, env=_as("quantri")), "tạm khoá")  # the right password, still locked
    assert not (tmp_path / "usb").exists()
    failed = _audit(fresh_store, "auth.failed") + _audit(fresh_store, "auth.lockout")
    assert len(failed) == 3 and all(json.loads(a["detail"])["via"] == "cli" for a in failed)
    assert all(json.loads(a["detail"])["os_user"] == getpass.getuser() for a in failed)

    # a second administrator (or the lock's expiry) lifts it: the only administrator is never stuck
    fresh_store.actor = auth.sign_in(fresh_store, "chihuy", PASSWORDS["chihuy"])
    _refused(run_cli("unlock", "--db", unit_db, "--user", "chihuy", "--account", "quantri", env=_as("chihuy")),
             "quản lý tài khoản cán bộ")
    admin_id = fresh_store.scalar("SELECT id FROM officers WHERE username = 'quantri'")
    fresh_store.actor = SYSTEM_ACTOR
    with fresh_store.atomic():
        fresh_store.execute("UPDATE officers SET role = 'admin' WHERE username = 'chihuy'")
    unlocked = run_cli("unlock", "--db", unit_db, "--user", "chihuy", "--account", "QuanTri", env=_as("chihuy"))
    assert unlocked.returncode == 0, unlocked.stderr
    assert json.loads(unlocked.stdout) == {"ok": True, "account": "quantri", "unlocked_by": "chihuy"}
    line = _audit(fresh_store, "officer.unlock")[-1]
    assert (line["username"], line["object_id"]) == ("chihuy", str(admin_id))
    done = run_cli(*backup, env=_as("quantri"))
    assert done.returncode == 0, done.stderr
    _refused(run_cli("unlock", "--db", unit_db, "--user", "quantri", "--account", "khongco", env=_as("quantri")),
             "Không có tài khoản «khongco»")


def test_parallel_guessers_get_no_more_than_the_allowed_tries(unit_db, fresh_store):
    """8 guessers, each on its own connection, each trying 4 wrong passwords at once: the counter is read
    and written in the same immediate transaction as the check, so together they get the allowed tries
    (5 by default) and every later try is refused as locked, without checking the password."""
    limit = auth.lockout_attempts(fresh_store)
    start = threading.Barrier(8)

    def guess(n: int) -> None:
        store = Store(unit_db, migrate=False, clock=fresh_store.clock)
        try:
            start.wait()
            for attempt in range(4):
                try:
                    auth.sign_in(store, "canbo1", f"doan-sai-{n}-{attempt}")
                except UserError:
                    pass
        finally:
            store.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = [a for a in _audit(fresh_store, "auth.failed") + _audit(fresh_store, "auth.lockout")
               if json.loads(a["detail"])["username"] == "canbo1"]
    assert len(checked) == limit
    assert len(_audit(fresh_store, "auth.refused_locked")) == 8 * 4 - limit


def test_changing_ones_own_password_needs_the_old_one(unit_db, fresh_store):
    fresh_store.actor = auth.sign_in(fresh_store, "quantri", PASSWORDS["quantri"])
    me = fresh_store.actor.id
    with pytest.raises(UserError, match="mật khẩu hiện tại"):
        auth.set_password(fresh_store, me, "mat-khau-moi-1")
    with pytest.raises(auth.WrongPassword):
        auth.change_own_password(fresh_store, "khong-phai", "mat-khau-moi-1")
    assert fresh_store.scalar("SELECT failed_attempts FROM officers WHERE id = ?", (me,)) == 1  # counted
    auth.change_own_password(fresh_store, PASSWORDS["quantri"], "mat-khau-moi-1")
    assert auth.sign_in(fresh_store, "quantri", "mat-khau-moi-1").id == me
    # an administrator still sets another officer's password without knowing it
    other = fresh_store.scalar("SELECT id FROM officers WHERE username = 'canbo1'")
    auth.set_password(fresh_store, other, "mat-khau-moi-2")
    assert auth.sign_in(fresh_store, "canbo1", "mat-khau-moi-2").username == "canbo1"


def test_the_only_administrator_locked_out_unlocks_himself_from_the_cli(unit_db, fresh_store, run_cli, tmp_path):
    backup = ("backup", "--db", unit_db, "--to", tmp_path / "usb", "--user", "quantri")
    for _ in range(auth.lockout_attempts(fresh_store)):  # someone keeps guessing the administrator's password
        run_cli(*backup, env=_as("quantri", "doan-mo"))
    _refused(run_cli(*backup, env=_as("quantri")), "tạm khoá")
    own = ("unlock", "--db", unit_db, "--user", "quantri", "--account", "quantri")
    _refused(run_cli(*own, env=_as("quantri", "doan-mo")), "vẫn bị tạm khoá")  # a guesser gains nothing
    _refused(run_cli("unlock", "--db", unit_db, "--user", "chihuy", "--account", "quantri", env=_as("chihuy")),
             "quản lý tài khoản cán bộ")
    done = run_cli(*own, env=_as("quantri"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"ok": True, "account": "quantri", "unlocked_by": "quantri"}
    line = _audit(fresh_store, "officer.unlock")[-1]
    assert line["username"] == "quantri"
    assert json.loads(line["detail"])["os_user"] == getpass.getuser()
    assert run_cli(*backup, env=_as("quantri")).returncode == 0
    # a locked intake officer cannot use that way: an administrator unlocks him
    for _ in range(auth.lockout_attempts(fresh_store)):
        run_cli("sync-ack", "--db", unit_db, "1", "--user", "canbo1", env=_as("canbo1", "doan-mo"))
    _refused(run_cli("unlock", "--db", unit_db, "--user", "canbo1", "--account", "canbo1", env=_as("canbo1")),
             "Chỉ quản trị viên")


def test_the_password_is_asked_without_echo_and_never_an_argument(unit_db, tmp_path):
    """Without ``SODINHDANH_PASSWORD`` the password is asked (getpass; without a terminal it reads standard
    input, so a script can pipe it in); there is no option to write it on the command line."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("SODINHDANH_PASSWORD", None)

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], input=stdin, text=True,
                              encoding="utf-8", capture_output=True, env=env, start_new_session=True, timeout=120)

    done = run("backup", "--db", unit_db, "--to", tmp_path / "usb", "--user", "quantri",
               stdin=PASSWORDS["quantri"] + "\n")
    assert done.returncode == 0, done.stderr
    assert PASSWORDS["quantri"] not in done.stdout + done.stderr
    _refused(run("backup", "--db", unit_db, "--to", tmp_path / "usb2", "--user", "quantri"), "Không đọc được mật khẩu")
    as_argument = run("backup", "--db", unit_db, "--to", tmp_path / "usb3", "--user", "quantri",
                      "--password", PASSWORDS["quantri"])
    assert as_argument.returncode == 2 and "Traceback" not in as_argument.stderr
    assert not (tmp_path / "usb2").exists() and not (tmp_path / "usb3").exists()
