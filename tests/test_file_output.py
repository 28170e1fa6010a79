"""The output protocol (services/output.py): a file appears whole, together with its record, or not at all.

Each step is made to fail in turn — the writing, the record, the rename, the commit — and the chosen path
must then hold what it held before (nothing, or the old file), with no partial file beside it and no
record in the database.
"""

from __future__ import annotations

import errno
import os
import sqlite3

import pytest

from models.core.errors import UserError
from services import output
from services.output import OutputFile, partial_path, write_file, write_files


def _records(store) -> int:
    return store.scalar("SELECT count(*) FROM audit_log WHERE action = 'test.output'")


def _record(store, value=None):
    with store.atomic():
        store.audit("test.output", "file", None, detail={"value": value})
    return "recorded"


def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_file_and_its_record_appear_together(fresh_store, tmp_path):
    target = tmp_path / "sub" / "bao-cao.pdf"
    assert write_file(fresh_store, target, b"noi dung", lambda _v: _record(fresh_store)) == "recorded"
    assert target.read_bytes() == b"noi dung" and _records(fresh_store) == 1
    assert _leftovers(target.parent) == ["bao-cao.pdf"]


def test_a_writer_function_writes_the_partial_and_its_value_reaches_the_record(fresh_store, tmp_path):
    target = tmp_path / "a.csv"
    seen = []

    def writer(path):
        seen.append(path)
        assert not target.exists()  # nothing at the chosen path while writing
        path.write_text("x,y\n", encoding="utf-8")
        return 42

    write_file(fresh_store, target, writer, lambda value: _record(fresh_store, value))
    assert seen == [partial_path(target)] and seen[0].name == "a.csv.partial"
    assert target.read_text(encoding="utf-8") == "x,y\n"
    assert '"value": 42' in fresh_store.scalar("SELECT detail FROM audit_log WHERE action = 'test.output'")


def test_failure_while_writing_leaves_nothing(fresh_store, tmp_path):
    target = tmp_path / "a.xlsx"

    def writer(path):
        path.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with pytest.raises(UserError, match="Không ghi được tệp «.*a.xlsx»: ổ đĩa đã đầy"):
        write_file(fresh_store, target, writer, lambda _v: _record(fresh_store))
    assert _leftovers(tmp_path) == ["test.sqlite", "test.sqlite-shm", "test.sqlite-wal"]
    assert _records(fresh_store) == 0


def test_a_refused_record_leaves_nothing_and_keeps_the_old_file(fresh_store, tmp_path):
    target = tmp_path / "bao-cao.pdf"
    target.write_bytes(b"ban cu")

    def refuse(_value):
        _record(fresh_store)
        raise UserError("Số 1 năm 2025 đã dùng")

    with pytest.raises(UserError, match="đã dùng"):
        write_file(fresh_store, target, b"ban moi", refuse)
    assert target.read_bytes() == b"ban cu"  # the old file is untouched
    assert not partial_path(target).exists()
    assert _records(fresh_store) == 0  # the record written before the refusal is rolled back


def test_a_failed_rename_rolls_the_record_back(fresh_store, tmp_path, monkeypatch):
    target = tmp_path / "a.pdf"

    def locked(_src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))  # e.g. open in a PDF reader

    monkeypatch.setattr(output, "_rename", locked)
    with pytest.raises(UserError, match="Không ghi được tệp «.*a.pdf»: không có quyền ghi"):
        write_file(fresh_store, target, b"x", lambda _v: _record(fresh_store))
    assert not target.exists() and not partial_path(target).exists()
    assert _records(fresh_store) == 0


def test_a_failed_second_rename_removes_the_first_file_too(fresh_store, tmp_path, monkeypatch):
    pdf, xlsx = tmp_path / "a.pdf", tmp_path / "a.xlsx"
    real = os.replace

    def second_fails(src, dst):
        if str(dst).endswith(".xlsx"):
            raise OSError(errno.EROFS, "Read-only file system", str(dst))
        real(src, dst)

    monkeypatch.setattr(output, "_rename", second_fails)
    with pytest.raises(UserError, match="a.xlsx»: ổ đĩa hoặc thư mục chỉ cho phép đọc"):
        write_files(fresh_store, [OutputFile(pdf, b"p"), OutputFile(xlsx, b"x")], lambda _v: _record(fresh_store))
    assert _leftovers(tmp_path) == ["test.sqlite", "test.sqlite-shm", "test.sqlite-wal"]
    assert _records(fresh_store) == 0


def test_a_failed_commit_removes_the_renamed_file(fresh_store, tmp_path, monkeypatch):
    target = tmp_path / "a.pdf"
    real_execute = fresh_store.conn.execute

    class FailingCommit:
        def __getattr__(self, name):
            return getattr(fresh_store.__dict__["_real_conn"], name)

        def execute(self, sql, *args):
            if sql == "COMMIT":
                raise sqlite3.OperationalError("disk I/O error")
            return real_execute(sql, *args)

    fresh_store.__dict__["_real_conn"] = fresh_store.conn
    monkeypatch.setattr(fresh_store, "conn", FailingCommit())
    with pytest.raises(sqlite3.OperationalError):
        write_file(fresh_store, target, b"x", lambda _v: _record(fresh_store))
    monkeypatch.undo()
    assert not target.exists() and not partial_path(target).exists()
    assert _records(fresh_store) == 0


def test_unwritable_place_gives_a_vietnamese_error_naming_the_file(tmp_path):
    blocker = tmp_path / "la-tep"
    blocker.write_text("x")
    with pytest.raises(UserError, match="Không ghi được tệp «.*la-tep.*bao-cao.pdf»"):
        write_file(None, blocker / "bao-cao.pdf", b"x")
    assert _leftovers(tmp_path) == ["la-tep"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder(fresh_store, tmp_path):
    folder = tmp_path / "chi-doc"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(UserError, match="Không ghi được tệp «.*chi-doc.*a.pdf»: không có quyền ghi"):
            write_file(fresh_store, folder / "a.pdf", b"x", lambda _v: _record(fresh_store))
    finally:
        folder.chmod(0o700)
    assert _leftovers(folder) == [] and _records(fresh_store) == 0


def test_read_only_folder_as_the_system_reports_it(fresh_store, tmp_path, monkeypatch):
    """The same refusal where the tests run as root (which may write anywhere): the system's answer to
    opening the partial file is simulated."""
    real_open = open

    def refuse(path, mode="r", *args, **kwargs):
        if str(path).endswith(".partial") and "w" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    with pytest.raises(UserError, match="«.*a.pdf»: không có quyền ghi vào thư mục này"):
        write_file(fresh_store, tmp_path / "a.pdf", b"x", lambda _v: _record(fresh_store))
    monkeypatch.undo()
    assert not (tmp_path / "a.pdf").exists() and _records(fresh_store) == 0


def test_a_folder_in_the_way_and_twice_the_same_name_are_refused(fresh_store, tmp_path):
    (tmp_path / "a.pdf").mkdir()
    with pytest.raises(UserError, match="đã có một thư mục trùng tên"):
        write_file(fresh_store, tmp_path / "a.pdf", b"x")
    with pytest.raises(UserError, match="trùng tên"):
        write_files(fresh_store, [OutputFile(tmp_path / "b.pdf", b"1"), OutputFile(tmp_path / "b.pdf", b"2")])
    assert not (tmp_path / "b.pdf").exists()


def test_a_recorded_output_must_not_run_inside_another_transaction(fresh_store, tmp_path):
    with fresh_store.atomic(), pytest.raises(RuntimeError):
        write_file(fresh_store, tmp_path / "a.pdf", b"x", lambda _v: _record(fresh_store))
    assert not (tmp_path / "a.pdf").exists()


def test_a_leftover_partial_of_a_crash_is_replaced(tmp_path):
    target = tmp_path / "a.pdf"
    partial_path(target).write_bytes(b"rac tu lan truoc")
    write_file(None, target, b"moi")
    assert target.read_bytes() == b"moi" and not partial_path(target).exists()
