"""Shared plumbing for CLI commands: opening the store, printing JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from models.core.demo_clock import apply_demo_clock
from models.core.errors import UserError
from models.core.paths import default_db_path
from models.core.store import Store


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="đường dẫn tệp cơ sở dữ liệu", default=argparse.SUPPRESS)


def db_path(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "db", None) or default_db_path())


def open_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    """Opens (migrating if needed) the database named by ``--db``, on the demo's day for the demo database.

    Only commands that fill a database (imports) may ``create`` it: for the others a mistyped path is an
    error, not a new empty database that answers every question with nothing.
    """
    path = db_path(args)
    if not create and not path.exists():
        raise UserError(f"Không tìm thấy cơ sở dữ liệu «{path}» (kiểm tra lại --db)")
    store = Store(path)
    apply_demo_clock(store)
    return store


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
