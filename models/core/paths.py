"""Where the database lives by default: the user's data folder (``--db`` overrides it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "SoDinhDanh"
DB_FILE_NAME = "so-dinh-danh.sqlite"


def user_data_dir() -> Path:
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


def default_db_path() -> Path:
    return user_data_dir() / DB_FILE_NAME


DEMO_DB_FILE_NAME = "demo.sqlite"


def demo_db_path() -> Path:
    """The demo's own file (``main.py --demo`` and ``main.py demo`` without ``--db``): beside the real
    database, never the same file."""
    return user_data_dir() / DEMO_DB_FILE_NAME


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file (the same path written differently, or a link to it)."""
    a, b = Path(a), Path(b)
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
    except OSError:
        pass
    return os.path.normcase(str(a.resolve())) == os.path.normcase(str(b.resolve()))
