"""The one way the app writes a file (PDF, workbook, CSV, backup copy), so that the chosen path holds
either nothing new or the whole file together with its record, never a part of it.

For every file of one operation, in this order:

1. the content is written beside the target as ``NAME.partial`` (same folder, so the rename below is
   atomic on one file system) and flushed to the disk;
2. the operation's record (register row, export row, audit line…) is written inside ``store.atomic()``;
3. still inside that transaction, each partial file is renamed to its target;
4. the transaction commits.

A failure anywhere removes every partial file and anything already renamed, and rolls the record back:
a refusal at 2 (a report number already used), an error at 1 or 3 (read-only folder, full disk, a file
locked by another program), a failed commit after 3. An ``OSError`` comes out as a ``UserError`` in
Vietnamese naming the file. The one moment not covered is a crash (power cut, killed process) between
the rename and the commit, a window with no disk wait in it. Files nobody records (a draft, a receipt
slip, a copy) follow steps 1 and 3 only. Call it outside any transaction: the rename must belong to the
transaction that commits the record.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.core.errors import UserError
from models.core.store import Store

# Renaming goes through this name so that tests can make it fail.
_rename = os.replace

_REASONS = {
    getattr(errno, name): reason for name, reason in (
        ("EACCES", "không có quyền ghi vào thư mục này"),
        ("EPERM", "không có quyền ghi vào thư mục này"),
        ("EROFS", "ổ đĩa hoặc thư mục chỉ cho phép đọc"),
        ("ENOSPC", "ổ đĩa đã đầy"),
        ("EDQUOT", "đã hết dung lượng được phép trên ổ đĩa"),
        ("ENOENT", "thư mục không tồn tại"),
        ("ENOTDIR", "đường dẫn không phải là thư mục"),
        ("EISDIR", "đã có một thư mục trùng tên"),
        ("EEXIST", "trên đường dẫn thư mục có một tệp trùng tên, nên không tạo được thư mục"),
        ("ENAMETOOLONG", "tên tệp quá dài"),
    ) if hasattr(errno, name)  # not every one exists on every system
}


@dataclass(frozen=True)
class OutputFile:
    """One file to write: ``content`` is the bytes, or a function that writes the file at the path it is
    given (the partial file) and returns what the record needs (e.g. a checksum)."""

    target: Path
    content: bytes | Callable[[Path], Any]


def partial_path(target: str | Path) -> Path:
    target = Path(target)
    return target.with_name(target.name + ".partial")


# SQLite's own messages (it does not give the system's error number) in the officer's words.
_SQLITE_REASONS = (
    ("disk is full", "ổ đĩa đã đầy"),
    ("readonly database", "ổ đĩa hoặc thư mục chỉ cho phép đọc"),
    ("unable to open database file", "không mở được tệp để ghi (thư mục không tồn tại hoặc không có quyền ghi)"),
    ("disk i/o error", "lỗi đọc ghi ổ đĩa"),
    ("database is locked", "cơ sở dữ liệu đang bị một chương trình khác khóa ghi quá lâu; hãy đóng chương trình "
                           "đó (hoặc chờ máy kia ghi xong) rồi làm lại"),
    ("database table is locked", "cơ sở dữ liệu đang bị khóa ghi quá lâu; hãy làm lại sau ít phút"),
)


def sqlite_reason(exc: BaseException) -> str:
    """A SQLite error's reason in Vietnamese (its own text when it is not one of the known ones)."""
    text = str(exc).lower()
    return next((reason for key, reason in _SQLITE_REASONS if key in text), str(exc))


def unexpected_error(exc: BaseException) -> UserError | None:
    """The officer's message for a failure a command did not turn into one itself: a folder that cannot be
    written, a full disk, a write lock held by another program longer than the busy timeout."""
    if isinstance(exc, sqlite3.OperationalError):
        return UserError(f"Không thực hiện được: {sqlite_reason(exc)}.")
    os_error = os_error_in(exc)
    if os_error is not None:
        where = os_error.filename or "?"
        return write_error(where, os_error)
    return None


def os_error_in(exc: BaseException) -> OSError | None:
    """The ``OSError`` behind ``exc``: itself, its cause or context, or an argument (xlsxwriter wraps the
    error of a folder it cannot write in its own ``FileCreateError``)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError):
            return exc
        inner = next((a for a in getattr(exc, "args", ()) if isinstance(a, OSError)), None)
        if inner is not None:
            return inner
        exc = exc.__cause__ or exc.__context__
    return None


def write_error(target: str | Path, exc: OSError) -> UserError:
    """The officer's message for a file that could not be written."""
    reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    return UserError(f"Không ghi được tệp «{target}»: {reason}.")


def write_file[R](store: Store | None, target: str | Path, content: bytes | Callable[[Path], Any],
               record: Callable[[Any], R] | None = None) -> R | None:
    """One file; ``record(value)`` gets the writer's return value (None for bytes)."""
    return write_files(store, [OutputFile(Path(target), content)],
                       None if record is None else (lambda values: record(values[0])))


def write_files[R](store: Store | None, files: Sequence[OutputFile],
                record: Callable[[list[Any]], R] | None = None) -> R | None:
    """Write ``files`` by the protocol above; ``record(values)`` (one per file, in order) runs inside the
    transaction that the renames belong to, and its result is returned."""
    if record is not None and store is None:
        raise ValueError("a recorded output needs the store")
    if record is not None and store.in_transaction:
        raise RuntimeError("write_files must run outside a transaction: the rename belongs to the record's")
    targets = [Path(f.target) for f in files]
    if len(set(targets)) != len(targets):
        raise UserError("Hai tệp đầu ra trùng tên: " + ", ".join(f"«{t}»" for t in targets))
    for target in targets:
        try:
            is_dir = target.is_dir()
        except OSError as exc:  # a folder that may not even be looked into (no permission)
            raise write_error(target, exc) from exc
        if is_dir:
            raise UserError(f"Không ghi được tệp «{target}»: đã có một thư mục trùng tên.")
    partials: list[Path] = []
    renamed: list[Path] = []
    try:
        values = []
        for spec, target in zip(files, targets, strict=True):
            partial = partial_path(target)
            partials.append(partial)
            values.append(_write_partial(target, partial, spec.content))
        if record is None:
            _rename_all(partials, targets, renamed)
            return None
        with store.atomic():
            result = record(values)
            _rename_all(partials, targets, renamed)
        return result
    except BaseException:
        _remove(partials + renamed)
        raise


def _write_partial(target: Path, partial: Path, content: bytes | Callable[[Path], Any]) -> Any:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)  # a leftover of a crash: writers such as SQLite's would open it
        if isinstance(content, (bytes, bytearray, memoryview)):
            with open(partial, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            return None
        value = content(partial)
        with open(partial, "rb+") as fh:  # the writer closed it; make sure it reached the disk
            os.fsync(fh.fileno())
        return value
    except UserError:
        raise
    except Exception as exc:  # a writer's own error around the system's (read-only or full folder)
        os_error = os_error_in(exc)
        if os_error is None:
            raise
        raise write_error(target, os_error) from exc


def _rename_all(partials: list[Path], targets: list[Path], renamed: list[Path]) -> None:
    for partial, target in zip(partials, targets, strict=True):
        try:
            _rename(partial, target)
        except OSError as exc:
            raise write_error(target, exc) from exc
        renamed.append(target)


# What a writer may leave beside a partial file: SQLite's journal files (a backup copy on a full disk).
_SIDE_FILES = ("-journal", "-wal", "-shm")


def _remove(paths: list[Path]) -> None:
    for path in paths:
        for name in (path, *(path.with_name(path.name + side) for side in _SIDE_FILES)):
            with contextlib.suppress(OSError):  # the cleanup must not hide the reason
                name.unlink(missing_ok=True)
