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
