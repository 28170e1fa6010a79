"""Backups written by the output protocol: a manual copy to a folder (a USB stick), the automatic copies
(daily, on exit, on demand) in the database's backup folder. The copy is written and verified beside its
final name, recorded in the audit log, and renamed in that same transaction; a failed check, a full or
read-only disk leave nothing under the final name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from models.core.errors import UserError
from models.core.store import Store
from models.security import backups as domain
from models.security.backups import BackupInfo
from services.output import sqlite_reason, write_file


def _backup(store: Store, target: Path, reason: str | None) -> BackupInfo:
    def copy(partial: Path) -> BackupInfo:
        try:
            store.backup_to(partial)
        except sqlite3.Error as exc:
            raise UserError(f"Không ghi được bản sao lưu «{target}»: {sqlite_reason(exc)}.") from exc
        return BackupInfo(target, partial.stat().st_size, domain.sha256_of(partial))

    def record(info: BackupInfo) -> BackupInfo:
        domain.record_backup(store, info, reason=reason)
        return info

    return write_file(store, target, copy, record)


def backup_to_folder(store: Store, folder: str | Path) -> BackupInfo:
    """Manual backup: a copy of the whole database in ``folder``, logged with its SHA-256."""
    return _backup(store, domain.folder_target(store, folder), None)


def automatic_backup(store: Store, reason: str = "daily") -> BackupInfo:
    """A copy in the store's backup folder, then only the newest N automatic copies are kept."""
    info = _backup(store, domain.automatic_target(store), reason)
    domain.prune(store)
    return info


def daily_backup_if_due(store: Store) -> BackupInfo | None:
    if not domain.daily_backup_due(store):
        return None
    return automatic_backup(store, "daily")
