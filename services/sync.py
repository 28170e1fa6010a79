"""Syncing with the province: the unit exports its workbook (optionally under a password); the province
merges the units' files.

A password-protected workbook is built in memory and encrypted straight into the partial file beside the
target: the unencrypted workbook is never a file (xlsxwriter's own part files go to a private temporary
folder removed on the way out, whatever happens).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from pathlib import Path

from exporters.sync_workbook import WrittenWorkbook, encrypt_workbook, write_sync_workbook
from models.core.progress import Progress
from models.core.store import Store
from models.reports.period import ReportPeriod
from models.sync import keys, merge
from models.sync.export import ExportPlan, ExportResult, prepare_export, record_export
from services.output import write_file


def export_workbook(store: Store, out: str | Path, *, full: bool = False, password: str | None = None,
                    period: ReportPeriod | None = None, progress: Progress | None = None) -> ExportResult:
    """Write the sync workbook to ``out`` (a file, or a folder: a default name is chosen) and record it."""
    password = password or None
    plan = prepare_export(store, out, full=full, password=password, period=period)

    def write(partial: Path) -> WrittenWorkbook:
        return _write(plan, partial, password, progress)

    return write_file(store, plan.path, write,
                      lambda written: record_export(store, plan, sha256=written.sha256, sheet_rows=written.rows))


def _write(plan: ExportPlan, partial: Path, password: str | None, progress: Progress | None) -> WrittenWorkbook:
    if not password:
        written = write_sync_workbook(partial, plan.info, plan.sheets, progress, sign=plan.sign)
        _finishing(progress, "Đang hoàn tất…")
        return written
    with tempfile.TemporaryDirectory(prefix="sodinhdanh-") as private:
        plain = io.BytesIO()
        written = write_sync_workbook(plain, plan.info, plan.sheets, progress, tmpdir=private, sign=plan.sign)
    _finishing(progress, "Đang mã hoá tệp bằng mật khẩu…")
    with open(partial, "wb") as fh:
        encrypt_workbook(plain, fh, password)
    return written


def _finishing(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress.update(progress.total, progress.total, message, force=True)


def merge_files(store: Store, paths: Iterable[str | Path], *, password: str | None = None,
                progress: Progress | None = None, accept_unsigned: bool = False,
                skip_gap_reason: str | None = None) -> list[merge.MergeResult]:
    """Merge the units' files (read and checked in memory, decrypted there too); one result per file."""
    return merge.merge_files(store, paths, password=password, progress=progress, accept_unsigned=accept_unsigned,
                             skip_gap_reason=skip_gap_reason)


def export_public_key(store: Store, out: str | Path) -> keys.KeyInfo:
    """Write this desk's public key file (``sync-key --export``), handed once to the merging desk."""
    text = keys.public_key_text(store)
    write_file(store, out, text.encode("utf-8"))
    return keys.own_key(store)
