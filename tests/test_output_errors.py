"""An output folder that cannot take the file — read-only, full, a path through an existing file — or a write
lock held by another program longer than the busy timeout: the command says so in Vietnamese, exits with 2,
shows no traceback and leaves nothing behind (``export``, ``import-orgs --errors``, ``sync-report``,
``backup``). The system's refusal is simulated where a test cannot cause it (a root user writes anywhere)."""

from __future__ import annotations

import errno
import pathlib
import sqlite3
import time

import pytest
import xlsxwriter.workbook

import cli
import services.output
from models.core.store import Store
from tests.factories import messy_files as mf
from tests.factories.sync import make_data, make_province, make_unit

REASONS = {errno.EROFS: "chỉ cho phép đọc", errno.EACCES: "không có quyền ghi", errno.ENOSPC: "ổ đĩa đã đầy"}


@pytest.fixture
def dbs(tmp_path, clock):
    unit = Store(tmp_path / "donvi.sqlite", clock=clock)
    make_data(unit, make_unit(unit), 20, seed=4)
    unit.close()
    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    make_province(province)
    province.close()
    messy = mf.write_xlsx(mf.build(mf.make_orgs(6, seed=8), mf.Layout()), tmp_path / "danh-sach.xlsx")
    messy_grid = mf.build(mf.make_orgs(6, seed=9), mf.Layout())
    messy_grid.grid[min(messy_grid.rows)][2] = "0100233489"  # a bad tax code: one line in the error workbook
    bad = mf.write_xlsx(messy_grid, tmp_path / "co-loi.xlsx")
    return {"unit": tmp_path / "donvi.sqlite", "province": tmp_path / "tinh.sqlite", "orgs": messy, "bad": bad}


def _commands(dbs, out):
    return {
        "export": ["export", "--db", dbs["unit"], "--out", out / "dongbo.xlsx", "--full", "--unencrypted"],
        "import-orgs": ["import-orgs", "--db", dbs["unit"], "--group", "1", dbs["bad"], "--errors",
                        out / "loi.xlsx"],
        "sync-report": ["sync-report", "--db", dbs["province"], "--week-end", "2025-01-08",
                        "--pdf", out / "tonghop.pdf", "--xlsx", out / "tonghop.xlsx"],
        "backup": ["backup", "--db", dbs["unit"], "--to", out],
    }


def _run(argv, capsys) -> tuple[int, str]:
    rc = cli.main([str(a) for a in argv])
    return rc, capsys.readouterr().err


def _refuse_writes_in(monkeypatch, folder, code: int) -> None:
    """Every file opened for writing under ``folder`` fails with the system error ``code``, whoever opens it
    (xlsxwriter's zip file, the protocol's own ``open``, SQLite through the backup's ``copy``)."""
    def refuse(path):
        if str(path).startswith(str(folder)):
            raise OSError(code, "simulated", str(path))

    real_zip = xlsxwriter.workbook.ZipFile

    def zip_file(file, mode="r", *args, **kwargs):
        if mode != "r":
            refuse(file)
        return real_zip(file, mode, *args, **kwargs)

    real_open = open

    def open_(file, mode="r", *args, **kwargs):
        if any(m in mode for m in "wax+"):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    real_backup = Store.backup_to

    def backup_to(self, target):
        refuse_sqlite = str(target).startswith(str(folder))
        if refuse_sqlite:  # what SQLite leaves and says on a full or read-only disk
            target.with_name(target.name + "-journal").write_bytes(b"\0" * 512)
            target.write_bytes(b"\0" * 4096)
            raise sqlite3.OperationalError({errno.ENOSPC: "database or disk is full",
                                            errno.EACCES: "unable to open database file"}.get(
                                               code, "attempt to write a readonly database"))
        return real_backup(self, target)

    monkeypatch.setattr(xlsxwriter.workbook, "ZipFile", zip_file)
    monkeypatch.setattr(services.output, "open", open_, raising=False)
    monkeypatch.setattr(Store, "backup_to", backup_to)


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.ENOSPC])
@pytest.mark.parametrize("command", ["export", "import-orgs", "sync-report", "backup"])
def test_a_folder_that_refuses_the_file_is_a_message(dbs, tmp_path, capsys, monkeypatch, command, code):
    out = tmp_path / "usb"
    out.mkdir()
    _refuse_writes_in(monkeypatch, out, code)
    rc, err = _run(_commands(dbs, out)[command], capsys)
    assert rc == 2, err
    assert err.startswith("Lỗi: Không ghi được") and REASONS[code] in err and str(out) in err, err
    assert "Traceback" not in err
    assert list(out.iterdir()) == []  # no partial file, no journal


@pytest.mark.parametrize("command", ["export", "import-orgs", "sync-report", "backup"])
def test_a_folder_path_through_a_file_is_a_message(dbs, tmp_path, capsys, command):
    blocker = tmp_path / "o-dia-usb"
    blocker.write_text("không phải thư mục")
    rc, err = _run(_commands(dbs, blocker)[command], capsys)
    assert rc == 2, err
    assert err.startswith("Lỗi: ") and "File exists" not in err and "Traceback" not in err, err
    assert "thư mục" in err and str(blocker) in err


@pytest.mark.parametrize("command", ["export", "import-orgs", "sync-report", "backup"])
def test_a_folder_that_may_not_be_looked_into_is_a_message(dbs, tmp_path, capsys, monkeypatch, command):
    """A folder without the permission to list it (chmod 000 on another user's folder): even asking whether
    the target is a folder fails with EACCES."""
    out = tmp_path / "cua-nguoi-khac"
    out.mkdir()
    real_is_dir = pathlib.Path.is_dir

    def is_dir(self):
        if str(self).startswith(str(out) + "/"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_is_dir(self)

    monkeypatch.setattr(pathlib.Path, "is_dir", is_dir)
    rc, err = _run(_commands(dbs, out)[command], capsys)
    assert rc == 2, err
    assert err.startswith("Lỗi: Không ghi được tệp «") and "không có quyền ghi" in err, err
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_a_write_lock_held_past_the_busy_timeout_is_a_message(dbs, run_cli):
    holder = sqlite3.connect(dbs["unit"], isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE settings SET value = value WHERE 0")
        started = time.monotonic()
        done = run_cli("backup", "--db", dbs["unit"], "--to", dbs["unit"].parent / "usb", timeout=240)
        assert time.monotonic() - started >= 25
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 2, done.stderr
    assert "khóa ghi quá lâu" in done.stderr and "Traceback" not in done.stderr
    assert not any((dbs["unit"].parent / "usb").glob("*")) if (dbs["unit"].parent / "usb").exists() else True
