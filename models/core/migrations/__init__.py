"""Numbered schema migrations.

Each module ``mNNN_name.py`` defines ``VERSION = NNN`` and ``def up(store)``; they are applied in order
inside one transaction each, after a copy of the file has been taken. A database whose
``user_version`` is higher than the last known migration is refused (it was written by a newer
program and this one could damage it).

Ownership: m001 core (unit, areas, officers, audit, settings), m002 registry, m003 dossiers,
m004 campaigns, m005 reports, m006 sync, m007 security, m008 official vs the unit's own working days, m009
figures (frozen baselines, accounts under the registry's area), m010 signed sync files, m011 audit lines
masked, m013 the record chain, m016 the procedure's steps (account identifier, papers asked, proposals,
undo), m019 citizens' level-2 dossiers and sessions. Numbers are given per branch and may leave gaps. Until the first release, a migration may be
edited in place; after it, only new migrations are added.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sqlite3
from pathlib import Path
from types import ModuleType

from models.core.errors import SchemaTooNew


def all_migrations() -> list[ModuleType]:
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:4].isdigit():
            modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    modules.sort(key=lambda m: m.VERSION)
    versions = [m.VERSION for m in modules]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"Two migrations share a number: {versions}")
    return modules


def latest_version() -> int:
    migrations = all_migrations()
    return migrations[-1].VERSION if migrations else 0


def migrate_store(store, progress=None) -> list[int]:
    """Bring the store's schema to the latest version; returns the versions applied. ``progress``
    (``models.core.progress.Progress``) is told "migration n of m" before each one (the GUI's start-up
    runs this in a worker behind a progress dialog)."""
    migrations = all_migrations()
    current = store.user_version
    latest = migrations[-1].VERSION if migrations else 0
    if current > latest:
        raise SchemaTooNew(
            f"Cơ sở dữ liệu «{store.path}» có phiên bản cấu trúc {current}, mới hơn phiên bản {latest} "
            "mà chương trình này hiểu. Hãy dùng bản chương trình mới hơn; tệp không bị thay đổi."
        )
    pending = [m for m in migrations if m.VERSION > current]
    if not pending:
        return []
    if current > 0:
        stamp = store.now().strftime("%Y%m%d-%H%M%S")
        copy_file_before_migration(store.path, current, stamp)
    applied = []
    for number, module in enumerate(pending, start=1):
        if progress is not None:
            progress.update(number - 1, len(pending),
                            f"Đang nâng cấp cấu trúc cơ sở dữ liệu (bước {number}/{len(pending)})…", force=True)
        # atomic() takes the write lock first (BEGIN IMMEDIATE); re-reading the version under the lock
        # lets a second desk that opened the same old file at the same moment skip what the first did.
        with store.atomic():
            if store.user_version >= module.VERSION:
                continue
            module.up(store)
            store.set_user_version(module.VERSION)
        applied.append(module.VERSION)
    return applied


def copy_file_before_migration(path: Path, version: int, stamp: str) -> Path | None:
    """Plain file copy (db + wal) taken while no transaction is open, before any migration."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    target = path.with_name(f"{path.stem}.truoc-nang-cap-v{version}-{stamp}{path.suffix}")
    # A killed copy never looks like a whole one; and the name is this process's own: two desks that open
    # the same old file in the same second would otherwise write one partial file together ("disk I/O error").
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT, 0o600))  # owner-only, like the database
    os.chmod(partial, 0o600)
    src = sqlite3.connect(str(path))
    try:
        dest = sqlite3.connect(str(partial))
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()
    partial.replace(target)
    return target
