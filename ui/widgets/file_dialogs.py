"""Where a file dialog opens: never in a database's folder.

A file dialog that shows a folder may open the files it lists (to guess their type and icon) and close
them again. Closing any handle of the live database in this process drops SQLite's file locks (POSIX
locks belong to the process), after which another program that opens the database may delete its live
-wal/-shm and what was saved is lost (docs/security.md, "Database file safety"). So every ``QFileDialog``
call in ``ui/`` takes its starting folder from here (``tests/test_db_file_safety.py`` checks it):

* ``default_folder(prefer)``: ``prefer`` (the folder a screen remembers for that purpose, e.g. the last
  report folder or the backup folder) when it exists and is not a database's folder, else the user's
  Documents folder, else the home folder;
* ``default_path(name, prefer)``: that folder joined with a suggested file name, for save dialogs (a bare
  name would make the dialog open in the working folder, often the database's).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from models.core.store import database_folders

FALLBACK_FOLDER_NAME = "SoDinhDanh-tep"  # only when Documents and home are both a database's folder


def documents_folder() -> Path:
    """The user's Documents folder (``~/Documents``, ``~/Tài liệu``, ``%USERPROFILE%\\Documents``…)."""
    location = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    return Path(location) if location else Path.home()


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def is_database_folder(folder: str | Path) -> bool:
    return _resolved(Path(folder)) in database_folders()


def default_folder(prefer: str | Path | None = None) -> str:
    """The folder a file dialog starts in: never the folder of a database this process opened."""
    candidates = [Path(prefer)] if prefer else []
    candidates += [documents_folder(), Path.home()]
    for folder in candidates:
        if folder.is_dir() and not is_database_folder(folder):
            return str(folder)
    fallback = Path.home() / FALLBACK_FOLDER_NAME
    fallback.mkdir(parents=True, exist_ok=True)
    return str(fallback)


def default_path(name: str | Path, prefer: str | Path | None = None) -> str:
    """A save dialog's suggestion: ``name``'s file name in ``default_folder``. ``prefer`` defaults to the
    folder ``name`` already carries, if any."""
    name = Path(name)
    if prefer is None and name.parent != Path("."):
        prefer = name.parent
    return str(Path(default_folder(prefer)) / name.name)
