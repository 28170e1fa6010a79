"""Opening the database at start-up without leaving the officer in front of nothing.

When the demo database must first be built (``main.py --demo`` on a computer without one, several
seconds) or the database's structure must be upgraded (migrations of a file written by an older
version), a start-up window (``StartupProgressDialog``) is shown at once and the work runs in a worker
thread with its own database connection, reporting its steps ("bước n/m"); widgets stay on the main
thread. Building the demo can be cancelled (the builder writes a partial file beside the target and
removes it: nothing is left); an upgrade cannot (each migration is one transaction, but a half-upgraded
program start is not something to offer). Then the store is opened on the main thread and the session
(sign-in, main window) starts.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from models.core.errors import Cancelled, UserError
from models.core.migrations import latest_version, migrate_store
from models.core.progress import Progress
from models.core.store import Store
from models.security import auth
from ui.dialogs.startup_progress import StartupProgressDialog

log = logging.getLogger(__name__)

DEMO_HEADING = ("Lần đầu mở chế độ trình diễn: đang tạo cơ sở dữ liệu trình diễn (cơ quan, tổ chức, hồ sơ, "
                "công dân). Việc này chỉ làm một lần, mất khoảng 10 giây.")
MIGRATION_HEADING = ("Đang nâng cấp cơ sở dữ liệu cho phiên bản mới của chương trình (đã sao lưu tệp trước "
                     "khi nâng cấp). Xin đừng tắt máy trong lúc này.")
MIGRATION_DIALOG_DELAY_MS = 300  # a new, empty database is set up faster than that: no window flashes


def schema_version_on_disk(path: Path) -> int | None:
    """``PRAGMA user_version`` read from the file's header without opening it through SQLite (no lock,
    no journal). ``None`` when there is no such database yet. A version still in the write-ahead log may
    be missed: then the upgrade merely runs behind the start-up window and finds nothing to do."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\0"):
        return None
    return int.from_bytes(header[60:64], "big")


def migrations_pending(path: Path) -> bool:
    version = schema_version_on_disk(path)
    return version is None or version < latest_version()


class _Worker(QThread):
    progressed = Signal(int, int, str)
    succeeded = Signal()
    failed = Signal(object, str)
    was_cancelled = Signal()

    def __init__(self, fn: Callable[[Progress], None]):
        super().__init__()
        self._fn = fn
        self.progress = Progress(callback=lambda done, total, message: self.progressed.emit(done, total, message))

    def run(self) -> None:  # worker thread: no widgets here
        try:
            self._fn(self.progress)
        except Cancelled:
            self.was_cancelled.emit()
        except BaseException as exc:
            self.failed.emit(exc, traceback.format_exc())
        else:
            self.succeeded.emit()


class Startup(QObject):
    """``start()`` then the event loop; ``exit_code`` is set when start-up ended without a session
    (cancelled: 0; the database could not be built, upgraded or opened: 2, after a message)."""

    session_started = Signal(object)  # the Session (its sign-in dialog is shown)
    ended = Signal(int)  # start-up ended without a session

    def __init__(self, path: Path, *, demo: bool):
        super().__init__()
        self.path = Path(path)
        self.demo = demo
        self.store: Store | None = None
        self.session = None
        self.dialog: StartupProgressDialog | None = None
        self.worker: _Worker | None = None
        self.exit_code: int | None = None
        self.steps: list[str] = []  # the steps the worker reported, in order
        self.started_at = time.monotonic()

    # ---- deciding --------------------------------------------------------------------------------
    def start(self) -> None:
        # The first password check's Argon2 work, off the main thread, while the officer looks at a window.
        threading.Thread(target=auth.warm_up, name="argon2-warm-up", daemon=True).start()
        if self.demo and not self.path.exists():
            self._in_background(self._build_demo, DEMO_HEADING, cancellable=True, delay_ms=0)
        elif migrations_pending(self.path):
            self._in_background(self._migrate, MIGRATION_HEADING, cancellable=False,
                                delay_ms=MIGRATION_DIALOG_DELAY_MS)
        else:
            self._open()

    # ---- worker side -----------------------------------------------------------------------------
    def _build_demo(self, progress: Progress) -> None:
        from demo import build_demo  # imported late: only a first demo start builds one (pulls in PDF output)

        build_demo(self.path, progress=progress)

    def _migrate(self, progress: Progress) -> None:
        store = Store(self.path, migrate=False)  # this thread's own connection
        try:
            migrate_store(store, progress=progress)
        finally:
            store.close()

    # ---- main thread -----------------------------------------------------------------------------
    def _in_background(self, fn: Callable[[Progress], None], heading: str, *, cancellable: bool,
                       delay_ms: int) -> None:
        self.dialog = StartupProgressDialog(heading, cancellable=cancellable)
        worker = self.worker = _Worker(fn)
        worker.progressed.connect(self._on_progress, Qt.QueuedConnection)
        worker.succeeded.connect(self._on_succeeded, Qt.QueuedConnection)
        worker.failed.connect(self._on_failed, Qt.QueuedConnection)
        worker.was_cancelled.connect(self._on_cancelled, Qt.QueuedConnection)
        self.dialog.cancel_requested.connect(worker.progress.cancel)
        if delay_ms:
            QTimer.singleShot(delay_ms, self._show_dialog)
        else:
            self._show_dialog()
        worker.start()

    def _show_dialog(self) -> None:
        if self.dialog is None or self.dialog.isVisible():
            return
        self.dialog.show()
        self.dialog.raise_()
        log.info("Start-up window shown %.2f s after start-up began", time.monotonic() - self.started_at)
        # The screens' modules load while the worker builds, not after it.
        QTimer.singleShot(50, self._preload_session)

    def _preload_session(self) -> None:
        # imported late: loads the screens while the worker runs, not after it
        import ui.shell.session  # noqa: F401

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if message and (not self.steps or self.steps[-1] != message):
            self.steps.append(message)
        if self.dialog is not None:
            self.dialog.report(done, total, message)

    def _close_dialog(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.hide()
            dialog.deleteLater()

    def _on_succeeded(self) -> None:
        self._finish_worker()
        self._open()  # the sign-in dialog is shown before the start-up window goes: always a window
        self._close_dialog()

    def _on_cancelled(self) -> None:
        self._finish_worker()
        self._close_dialog()
        log.info("Building the demo database was cancelled; no file was left")
        self._end(0)

    def _on_failed(self, exc: BaseException, tb: str) -> None:
        self._finish_worker()
        self._close_dialog()
        if not isinstance(exc, UserError):
            log.error("Start-up failed:\n%s", tb)
        self._fail(exc)

    def _finish_worker(self) -> None:
        if self.worker is not None:
            self.worker.wait()
            self.worker = None

    def _open(self) -> None:
        try:
            self.store = Store(self.path)
        except UserError as exc:
            self._fail(exc)
            return
        from ui.shell.session import Session  # imported late: the self-check needs the application, not every screen

        # Sign-in (or first administrator) before any window; demo clock, idle lock, change watcher, backups.
        self.session = Session(self.store, demo=self.demo)
        self.session.start()
        self.session_started.emit(self.session)

    def _fail(self, exc: BaseException) -> None:
        from ui.ops import error_text  # imported late: only a failed start-up shows it

        QMessageBox(QMessageBox.Critical, "Không mở được cơ sở dữ liệu", error_text(exc)).exec()
        self._end(2)

    def _end(self, code: int) -> None:
        self.exit_code = code
        self.ended.emit(code)  # run_gui ends the event loop with it

    def close(self) -> None:
        """After the event loop: stop a worker still running, end the session, close the store."""
        if self.worker is not None:
            self.worker.progress.cancel()
            self.worker.wait()
            self.worker = None
        if self.session is not None:
            self.session.close()
        if self.store is not None:
            self.store.close()
