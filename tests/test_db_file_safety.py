"""Database file safety (issue 12, item 1).

* Nothing in the process opens the live database file except SQLite. SQLite's locks are POSIX advisory
  locks, owned by the process: closing *any* descriptor of the file drops them all, and the next program
  that opens the database believes it is alone and deletes the live -wal/-shm. What the running program
  then saves is invisible to the others and is lost (the defect "Saved dossiers lost (Linux)").
* File dialogs never start in a database's folder (a dialog opens the files it lists).
* A database on a network file system (SMB/CIFS, NFS, a UNC path) is refused: WAL needs one machine.
* Several desks of one unit each keep their own file; the lead desk merges their sync files.
"""

from __future__ import annotations

import ast
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import cli
from models.core import paths
from models.core.errors import PermissionDenied, UserError
from models.core.store import SYSTEM_ACTOR, Actor, Store, database_folders
from models.security import backups
from models.sync.merge import can_merge, is_lead_desk, set_lead_desk
from tests.factories.sync import make_data, make_unit
from tests.progress_data import add_officer
from ui.widgets import file_dialogs

ROOT = Path(__file__).resolve().parent.parent
posix_locks = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX advisory locks (Linux)")


# ---- the lost-lock case ------------------------------------------------------------------------------
def _other_program(db: Path, script: str) -> subprocess.CompletedProcess:
    """Another program on the same file (a second desk, or the app's own CLI): plain SQLite in WAL mode."""
    code = ("import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)\n"
            "c.execute('PRAGMA journal_mode=WAL')\n" + script + "\nc.close()\n")
    done = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


def _write_elsewhere(db: Path, key: str) -> None:
    _other_program(db, f"c.execute(\"INSERT INTO settings(key, value) VALUES ('{key}', '1')\")\n"
                       "c.execute('PRAGMA wal_checkpoint(TRUNCATE)')")


def _keys_seen_elsewhere(db: Path) -> set[str]:
    done = _other_program(db, "print('\\n'.join(r[0] for r in c.execute('SELECT key FROM settings')))")
    return set(done.stdout.split())


def _lost_lock_scenario(tmp_path: Path, between) -> dict:
    """The running program saves, ``between(store)`` runs in it, then other programs write and checkpoint
    while it keeps working. Returns what each side could see and what is left at the end."""
    tmp_path.mkdir()
    db = tmp_path / "so.sqlite"
    store = Store(db)
    store.set_setting("desk1-before", 1)
    between(store)
    _write_elsewhere(db, "desk2")  # a second desk (or `dossiers`/`export`) opens, writes, checkpoints, closes
    store.set_setting("desk1-after", 1)  # the officer saves the next dossier
    seen_while_open = _keys_seen_elsewhere(db)  # the CLI lists dossiers while the program runs
    _write_elsewhere(db, "desk3")
    store.set_setting("desk1-last", 1)
    store.close()
    final = _keys_seen_elsewhere(db)
    conn = sqlite3.connect(db)
    integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return {"seen_while_open": seen_while_open, "final": final, "integrity": integrity}


EVERY_WRITE = {"desk1-before", "desk2", "desk1-after", "desk3", "desk1-last"}


@posix_locks
def test_checking_the_open_database_keeps_its_locks(tmp_path):
    """Quản trị → "Kiểm tra cơ sở dữ liệu" on the running program, then another desk writes: nothing lost.

    First the control: the same scenario with a plain handle opened and closed on the live file (what the
    check used to do with ``open(path, 'rb')`` to read the header) hides "desk1-after" from the other
    program and loses "desk3" — so the scenario does catch the defect. Then the check itself."""

    def plain_handle(store):
        with open(store.path, "rb") as fh:
            fh.read(16)

    control = _lost_lock_scenario(tmp_path / "control", plain_handle)
    assert "desk1-after" not in control["seen_while_open"] or not EVERY_WRITE <= control["final"]

    result = _lost_lock_scenario(tmp_path / "check", lambda store: backups.check_store(store))
    assert {"desk1-before", "desk2", "desk1-after"} <= result["seen_while_open"]
    assert EVERY_WRITE <= result["final"]
    assert result["integrity"] == "ok"

    # the header is read by SQLite now: a file that is not a database is still named as such
    text = tmp_path / "van-ban.sqlite"
    text.write_text("không phải cơ sở dữ liệu " * 40, encoding="utf-8")
    assert backups.check_file(text)["problems"] == [f"Tệp «{text.name}» không phải cơ sở dữ liệu SQLite"]


# ---- file dialogs ----------------------------------------------------------------------------------
def test_file_dialogs_never_start_in_a_database_folder(tmp_path, monkeypatch):

    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(file_dialogs, "documents_folder", lambda: documents)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    store = Store(documents / "so.sqlite")  # the database kept in Documents itself
    try:
        assert documents.resolve() in database_folders()
        assert file_dialogs.default_folder() == str(tmp_path)
        assert file_dialogs.default_folder(documents) == str(tmp_path)  # a remembered folder: refused too
        assert file_dialogs.default_path("HS-2025-000001.pdf") == str(tmp_path / "HS-2025-000001.pdf")
        assert file_dialogs.default_path(documents / "bao-cao.pdf") == str(tmp_path / "bao-cao.pdf")
        reports = documents / "bao-cao"
        reports.mkdir()
        assert file_dialogs.default_path(reports / "bao-cao.pdf") == str(reports / "bao-cao.pdf")
        assert file_dialogs.default_folder(tmp_path / "khong-co") == str(tmp_path)  # missing: not the cwd
    finally:
        store.close()


DIALOG_FUNCTIONS = {"getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory",
                    "getOpenFileUrl", "getOpenFileUrls", "getSaveFileUrl", "getExistingDirectoryUrl"}


def _dialog_calls_without_default_folder(root: Path) -> list[str]:
    bad = []
    for path in sorted((root / "ui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in DIALOG_FUNCTIONS):
                continue
            directory = node.args[2] if len(node.args) > 2 else next(
                (k.value for k in node.keywords if k.keyword in ("dir", "directory")), None)
            named = (isinstance(directory, ast.Call) and isinstance(directory.func, ast.Name)
                     and directory.func.id in ("default_folder", "default_path"))
            if not named:
                bad.append(f"{path.relative_to(root)}:{node.lineno}")
    return bad


def test_every_file_dialog_takes_its_folder_from_the_helper(tmp_path):
    """Each QFileDialog call in ui/ starts in ``default_folder``/``default_path`` (an empty folder or a bare
    file name starts in the working folder, often the database's)."""
    (tmp_path / "ui").mkdir()  # the rule sees a call without the helper
    (tmp_path / "ui" / "page.py").write_text(
        "QFileDialog.getSaveFileName(self, 'Lưu', 'ten.pdf', 'PDF (*.pdf)')\n"
        "QFileDialog.getExistingDirectory(self, 'Chọn thư mục')\n"
        "QFileDialog.getOpenFileName(self, 'Mở', default_folder(), '*')\n", encoding="utf-8")
    assert _dialog_calls_without_default_folder(tmp_path) == ["ui/page.py:1", "ui/page.py:2"]
    assert _dialog_calls_without_default_folder(ROOT) == []


# ---- network file systems ----------------------------------------------------------------------------
def _mountinfo(share: Path, fstype: str = "cifs", source: str = "//may-chu/so-dinh-danh") -> str:
    return ("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
            "30 22 0:27 / /proc rw,nosuid shared:12 - proc proc rw\n"
            f"41 22 0:45 / {str(share).replace(' ', chr(92) + '040')} rw,relatime shared:30 - {fstype} {source} "
            "rw,vers=3.1.1,cache=strict\n")


@pytest.mark.parametrize("fstype", ["cifs", "smb3", "nfs", "nfs4", "fuse.sshfs"])
def test_network_mounts_are_recognised(tmp_path, fstype):
    share = tmp_path / "o mang"  # a space: written as \\040 in the mount table
    (share / "dia").mkdir(parents=True)
    table = _mountinfo(share, fstype)
    assert paths.network_share(share / "so.sqlite", platform="linux", mountinfo=table).startswith(fstype)
    assert paths.network_share(share / "moi" / "so.sqlite", platform="linux", mountinfo=table)  # not yet made
    assert paths.network_share(tmp_path / "so.sqlite", platform="linux", mountinfo=table) is None
    assert paths.network_share(tmp_path / "o mang2" / "so.sqlite", platform="linux", mountinfo=table) is None
    local_inside = table + f"52 41 8:2 / {share}/dia rw - ext4 /dev/sdb1 rw\n".replace(" mang", "\\040mang")
    assert paths.network_share(share / "dia" / "so.sqlite", platform="linux", mountinfo=local_inside) is None


@pytest.mark.parametrize("text, share", [
    (r"\\may-chu\chia-se\so.sqlite", r"UNC \\may-chu\chia-se"),
    ("//may-chu/chia-se/so.sqlite", r"UNC \\may-chu\chia-se"),
    (r"\\?\UNC\may-chu\chia-se\so.sqlite", r"UNC \\may-chu\chia-se"),
    (r"\\?\C:\SoDinhDanh\so.sqlite", None),
    (r"C:\Users\canbo\AppData\Roaming\SoDinhDanh\so.sqlite", None),
])
def test_unc_paths_are_network_shares(text, share):
    assert paths.network_share(text, platform="win32") == share


def test_store_refuses_a_database_on_a_network_share(tmp_path, monkeypatch, capsys):
    share = tmp_path / "chia-se"
    share.mkdir()
    fake = tmp_path / "mountinfo"
    fake.write_text(_mountinfo(share), encoding="utf-8")
    monkeypatch.setattr(paths, "MOUNTINFO", fake)
    with pytest.raises(UserError) as refused:
        Store(share / "so.sqlite")
    message = str(refused.value)
    assert "ổ mạng (cifs //may-chu/so-dinh-danh)" in message and "WAL" in message
    assert "cùng một máy" in message and "chép tệp về ổ đĩa của máy này" in message
    assert not (share / "so.sqlite").exists()
    Store(tmp_path / "so.sqlite").close()  # a local disk still opens

    (share / "so.sqlite").touch()
    assert cli.main(["dossiers", "--db", str(share / "so.sqlite")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: Không mở cơ sở dữ liệu") and "ổ mạng" in err and "Traceback" not in err


# ---- several desks of one unit -----------------------------------------------------------------------
def _desk(path: Path, code: str, name: str, prefix: str, n: int, clock) -> None:
    store = Store(path, clock=clock)
    make_data(store, make_unit(store, code, name, area_prefix=prefix), n, seed=n)
    store.execute("UPDATE units SET parent_name = 'Công an phường Rạch Giá'")  # the desk is a sub-unit
    store.close()


def test_lead_desk_merges_the_desks_files_through_the_cli(tmp_path, run_cli, clock):
    clock.set(2025, 1, 8, 16, 0)
    _desk(tmp_path / "ban1.sqlite", "CAP-RG-B1", "Công an phường Rạch Giá – bàn 1", "1", 30, clock)
    _desk(tmp_path / "ban2.sqlite", "CAP-RG-B2", "Công an phường Rạch Giá – bàn 2", "2", 20, clock)
    _desk(tmp_path / "chinh.sqlite", "CAP-RG", "Công an phường Rạch Giá", "3", 10, clock)

    files = []
    for name in ("ban1", "ban2", "chinh"):
        out = run_cli("export", "--db", tmp_path / f"{name}.sqlite", "--out", tmp_path, "--week-end", "2025-01-08", "--unencrypted")
        assert out.returncode == 0, out.stderr
        files.append(json.loads(out.stdout)["path"])

    refused = run_cli("merge", "--db", tmp_path / "chinh.sqlite", *files)
    assert refused.returncode == 2 and "bàn chính" in refused.stderr and "Traceback" not in refused.stderr

    lead = run_cli("lead-desk", "--db", tmp_path / "chinh.sqlite")
    assert lead.returncode == 0, lead.stderr
    assert json.loads(lead.stdout) == {"ok": True, "lead_desk": True, "changed": True}
    for name, code in (("ban1", "CAP-RG-B1"), ("ban2", "CAP-RG-B2")):  # the desks' keys, registered once
        exported = run_cli("sync-key", "--db", tmp_path / f"{name}.sqlite", "--export", tmp_path / f"{name}.key")
        assert exported.returncode == 0, exported.stderr
        registered = run_cli("sync-register", "--db", tmp_path / "chinh.sqlite", "--unit", code,
                             "--key", tmp_path / f"{name}.key")
        assert registered.returncode == 0, registered.stderr

    merged = run_cli("merge", "--db", tmp_path / "chinh.sqlite", *files)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    lines = [json.loads(x) for x in merged.stdout.splitlines()]
    assert [(x["unit_code"], x["status"], x["inserted"]) for x in lines] == [
        ("CAP-RG-B1", "accepted", 30), ("CAP-RG-B2", "accepted", 20), ("CAP-RG", "accepted", 10)]
    again = run_cli("merge", "--db", tmp_path / "chinh.sqlite", files[0])
    assert json.loads(again.stdout)["status"] == "unchanged"

    units = run_cli("sync-units", "--db", tmp_path / "chinh.sqlite", "--week-end", "2025-01-08")
    assert units.returncode == 0, units.stderr
    assert {u["code"]: u["sent"] for u in json.loads(units.stdout)["units"]} == {
        "CAP-RG-B1": True, "CAP-RG-B2": True, "CAP-RG": True}
    report = run_cli("sync-report", "--db", tmp_path / "chinh.sqlite", "--week-end", "2025-01-08",
                     "--xlsx", tmp_path / "tong-hop.xlsx")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["units"] == 3

    ordinary = run_cli("merge", "--db", tmp_path / "ban1.sqlite", files[1])  # a desk that is not the lead
    assert ordinary.returncode == 2
    assert run_cli("lead-desk", "--db", tmp_path / "chinh.sqlite", "--off").returncode == 0
    assert run_cli("merge", "--db", tmp_path / "chinh.sqlite", files[1]).returncode == 2


def test_lead_desk_setting_needs_the_permission_and_a_unit(fresh_store):
    with pytest.raises(UserError, match="Chưa khai báo đơn vị"):
        set_lead_desk(fresh_store, True)
    make_unit(fresh_store, "CAP-RG", "Công an phường Rạch Giá")
    assert not can_merge(fresh_store)
    intake = add_officer(fresh_store, "cb", "Lê Văn Tư", role="intake")
    fresh_store.actor = Actor(id=intake, username="cb", full_name="Lê Văn Tư", role="intake")
    with pytest.raises(PermissionDenied):
        set_lead_desk(fresh_store, True)
    fresh_store.actor = SYSTEM_ACTOR
    leader = add_officer(fresh_store, "ch", "Trần Thị Ngọc", role="leader")
    fresh_store.actor = Actor(id=leader, username="ch", full_name="Trần Thị Ngọc", role="leader")
    assert set_lead_desk(fresh_store, True) is True and set_lead_desk(fresh_store, True) is False
    assert is_lead_desk(fresh_store) and can_merge(fresh_store)
    assert fresh_store.scalar("SELECT count(*) FROM audit_log WHERE field = 'sync.lead_desk'") == 1


def test_lead_desk_box_on_the_sync_page(fresh_store, qtbot):
    from ui.context import AppContext
    from ui.pages.sync_merge_panel import MergePanel

    make_unit(fresh_store, "CAP-RG", "Công an phường Rạch Giá")
    panel = MergePanel(AppContext.create(fresh_store))
    qtbot.addWidget(panel)
    panel.show()
    assert panel.lead_desk.isVisible() and not panel.lead_desk.isChecked()
    assert not panel.merge_button.isEnabled()
    panel.lead_desk.click()
    assert is_lead_desk(fresh_store) and panel.merge_button.isEnabled() and panel.report_button.isEnabled()
    assert not panel.province_note.isVisible()
    panel.lead_desk.click()
    assert not is_lead_desk(fresh_store) and not panel.merge_button.isEnabled()
