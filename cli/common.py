"""Shared plumbing for CLI commands: opening the store, printing JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from models.paths import default_db_path
from models.store import Store


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="đường dẫn tệp cơ sở dữ liệu", default=argparse.SUPPRESS)


def db_path(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "db", None) or default_db_path())


def open_store(args: argparse.Namespace) -> Store:
    """Opens (creating and migrating if needed) the database named by ``--db``."""
    return Store(db_path(args))


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
