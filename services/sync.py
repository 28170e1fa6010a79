"""Syncing with the province: the unit exports its workbook (encrypted with a password unless the officer
explicitly opts out, which is logged); the province merges the units' files (decrypting them with the
password).

Plaintext never touches the destination folder: the workbook is built in memory, xlsxwriter's own part
files go to a private temporary folder (0700, removed on the way out, whatever happens), and the encrypted
bytes go into the partial file beside the target, renamed when complete (``services/output.py``). The
opt-out writes the plain workbook into the partial file, its part files in a private folder too.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
import time
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
                    period: ReportPeriod | None = None, progress: Progress | None = None,
                    unencrypted: bool = False) -> ExportResult:
    """Write the sync workbook to ``out`` (a file, or a folder: a default name is chosen) and record it.
    Without ``password`` the export is refused unless ``unencrypted`` (the logged opt-out)."""
    password = password or None
    plan = prepare_export(store, out, full=full, password=password, period=period, unencrypted=unencrypted)

    def write(partial: Path) -> WrittenWorkbook:
        return _write(plan, partial, password, progress)

    return write_file(store, plan.path, write,
                      lambda written: record_export(store, plan, sha256=written.sha256, sheet_rows=written.rows))


PRIVATE_PREFIX = "sodinhdanh-"
STALE_AFTER_S = 6 * 3600  # no export runs that long: an older private folder is a killed export's


def sweep_private_folders(now: float | None = None) -> list[Path]:
    """Remove the private folders that killed exports left in the system's temporary folder (a process
    killed mid-write runs no cleanup; xlsxwriter's part files there hold the sheets' text). Returns them."""
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError):
        for folder in Path(tempfile.gettempdir()).glob(PRIVATE_PREFIX + "*"):
            with contextlib.suppress(OSError):
                if folder.is_dir() and not folder.is_symlink() and now - folder.stat().st_mtime > STALE_AFTER_S:
                    shutil.rmtree(folder)
                    removed.append(folder)
    return removed


def _write(plan: ExportPlan, partial: Path, password: str | None, progress: Progress | None) -> WrittenWorkbook:
    sweep_private_folders()
    with tempfile.TemporaryDirectory(prefix=PRIVATE_PREFIX) as private:  # mode 0700
        if not password:  # the logged opt-out
            written = write_sync_workbook(partial, plan.info, plan.sheets, progress, tmpdir=private,
                                          sign=plan.sign)
            _finishing(progress, "Đang hoàn tất…")
            return written
        plain = io.BytesIO()
        written = write_sync_workbook(plain, plan.info, plan.sheets, progress, tmpdir=private, sign=plan.sign)
    _finishing(progress, "Đang mã hoá tệp bằng mật khẩu…")
    with open(partial, "wb") as fh:
        encrypt_workbook(plain, fh, password)
    plain.seek(0)
    plain.truncate()
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
