"""What a database file holds, read before deciding to write over it (``demo``, ``init``, the GUI's
``--demo``): read through SQLite in read-only mode, so nothing is migrated, backed up or written, and no
other handle on the file is ever opened."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from models.core.demo_clock import DEMO_SETTING, parse_demo_start
from models.core.errors import UserError
from models.core.paths import default_db_path, same_file

# Tables whose rows are an officer's work: a database with any of them is not "empty".
_DATA_QUERIES = (
    "SELECT 1 FROM units LIMIT 1",
    "SELECT 1 FROM officers WHERE role <> 'system' LIMIT 1",
    "SELECT 1 FROM organizations LIMIT 1",
    "SELECT 1 FROM dossiers LIMIT 1",
)


@dataclass(frozen=True)
class FileProbe:
    exists: bool
    is_database: bool = False
    demo: bool = False
    has_data: bool = False


def probe(path: str | Path) -> FileProbe:
    """``exists``; ``is_database`` (SQLite, or an empty file); ``demo`` (carries the demo builder's
    marker); ``has_data`` (a unit, an officer, an organization or a dossier)."""
    path = Path(path)
    if not path.exists():
        return FileProbe(exists=False)
    if not path.is_file():
        return FileProbe(exists=True)
    if path.stat().st_size == 0:
        return FileProbe(exists=True, is_database=True)
    # Without a -wal file beside it nobody is writing the database: "immutable" then reads it without
    # creating -wal/-shm files or taking locks. With one, a read-only connection shares them as usual.
    wal = Path(str(path) + "-wal").exists()
    mode = "mode=ro" if wal else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=5)
    except sqlite3.Error:
        return FileProbe(exists=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        demo = False
        if "settings" in tables:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (DEMO_SETTING,)).fetchone()
            demo = bool(row) and parse_demo_start(_json(row[0])) is not None
        has_data = False
        for query in _DATA_QUERIES:
            table = query.split(" FROM ")[1].split()[0]
            if table in tables and conn.execute(query).fetchone():
                has_data = True
                break
        return FileProbe(exists=True, is_database=True, demo=demo, has_data=has_data)
    except sqlite3.Error:  # not a database, encrypted, damaged
        return FileProbe(exists=True)
    finally:
        conn.close()


def is_demo_file(path: str | Path) -> bool:
    return probe(path).demo


def _json(text: object) -> object:
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return text


def check_demo_target(path: str | Path, *, for_opening: bool = False) -> FileProbe:
    """Refuse (``UserError``, in Vietnamese) to build the demo into — or, ``for_opening``, open as the demo —
    the real database of this computer or any file that is not a demo database. Returns the probe."""
    path = Path(path)
    if same_file(path, default_db_path()):
        raise UserError(f"«{path}» là cơ sở dữ liệu làm việc của máy này, không dùng làm cơ sở dữ liệu "
                        "trình diễn. Hãy chọn tệp khác với --db, hoặc bỏ --db để dùng tệp trình diễn riêng.")
    found = probe(path)
    if found.exists and not found.demo:
        what = "mở ở chế độ trình diễn" if for_opening else "ghi đè"
        raise UserError(f"Tệp «{path}» đã có và không phải cơ sở dữ liệu trình diễn: chương trình không {what} "
                        "để khỏi làm hỏng dữ liệu thật. Hãy chọn một tệp chưa có (ví dụ demo.sqlite).")
    return found
