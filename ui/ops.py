"""Background operations: run a model function off the UI thread with progress and cancel.

Modelled on Anki's ``QueryOp``/``CollectionOp``::

    BackgroundOp(ctx, lambda store, progress: import_file(store, path, progress=progress),
                 title="Đang nhập danh sách…", parent=self) \
        .success(self.on_imported).with_progress().run()

The function runs in a ``QThread`` on its own connection (``store.clone()``) and must not touch
widgets. Callbacks (``success``, ``failure``, ``cancelled``) run on the main thread. A ``UserError`` is
shown as its Vietnamese message; any other exception is logged with its traceback and shown as a
generic message (officers never see a traceback). ``Cancelled`` rolls back (the model functions do their
writes inside ``store.atomic()``) and says nothing was changed.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from models.core.errors import Cancelled, StaleEdit, UserError
from models.core.progress import Progress
from models.core.store import Store
from ui.context import AppContext

log = logging.getLogger(__name__)

_running: set["BackgroundOp"] = set()
_open_boxes: set[QMessageBox] = set()


class _Worker(QThread):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object, str)
    was_cancelled = Signal()

    def __init__(self, store: Store, fn: Callable[[Store, Progress], Any], progress: Progress):
        super().__init__()
        self._store = store
        self._fn = fn
        self._progress = progress

    def run(self) -> None:  # worker thread
        clone = None
        try:
            clone = self._store.clone()
            result = self._fn(clone, self._progress)
        except Cancelled:
            self.was_cancelled.emit()
        except BaseException as exc:
            self.failed.emit(exc, traceback.format_exc())
        else:
            self.succeeded.emit(result)
        finally:
            if clone is not None:
                clone.close()


class BackgroundOp(QObject):
    finished = Signal()

    def __init__(
        self,
        ctx: AppContext,
        fn: Callable[[Store, Progress], Any],
        *,
        title: str = "Đang xử lý…",
        parent: QWidget | None = None,
    ):
        super().__init__()
        self.ctx = ctx
        self.title = title
        self.parent_widget = parent
        self.progress = Progress(callback=self._report)
        self._fn = fn
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_cancelled: Callable[[], None] | None = None
        self._show_progress = False
        self._dialog: QProgressDialog | None = None
        self._worker: _Worker | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.was_cancelled = False

    # ---- builder -----------------------------------------------------------------------------
    def success(self, fn: Callable[[Any], None]) -> "BackgroundOp":
        self._on_success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> "BackgroundOp":
        self._on_failure = fn
        return self

    def cancelled(self, fn: Callable[[], None]) -> "BackgroundOp":
        self._on_cancelled = fn
        return self

    def with_progress(self) -> "BackgroundOp":
        self._show_progress = True
        return self

    # ---- running -----------------------------------------------------------------------------
    def run(self) -> "BackgroundOp":
        self._worker = _Worker(self.ctx.store, self._fn, self.progress)
        self._worker.progressed.connect(self._on_progress, Qt.QueuedConnection)
        self._worker.succeeded.connect(self._succeeded, Qt.QueuedConnection)
        self._worker.failed.connect(self._failed, Qt.QueuedConnection)
        self._worker.was_cancelled.connect(self._cancelled, Qt.QueuedConnection)
        self._worker.finished.connect(self._cleanup, Qt.QueuedConnection)
        self._focus = QApplication.focusWidget()  # given back when the progress dialog closes
        if self._show_progress:
            dialog = QProgressDialog(self.title, "Huỷ", 0, 0, self.parent_widget)
            dialog.setWindowTitle("Sổ Định Danh")
            dialog.setWindowModality(Qt.WindowModal)
            dialog.setMinimumDuration(300)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(self.cancel)
            self._dialog = dialog
        _running.add(self)
        self._worker.start()
        return self

    def cancel(self) -> None:
        self.progress.cancel()
        if self._dialog:
            self._dialog.setLabelText("Đang huỷ, dữ liệu sẽ được giữ nguyên như trước…")

    def is_running(self) -> bool:
        return self._worker is not None and self._worker.isRunning()

    def wait(self, msecs: int = 60000) -> bool:
        return self._worker.wait(msecs) if self._worker else True

    def _report(self, done: int, total: int, message: str) -> None:  # worker thread
        if self._worker is not None:
            self._worker.progressed.emit(done, total, message)

    # ---- main-thread slots ------------------------------------------------------------------
    def _on_progress(self, done: int, total: int, message: str) -> None:
        dialog = self._dialog
        if dialog is None or self.progress.cancelled:
            return
        # setValue() on a shown window-modal dialog processes events: the queued "succeeded" can run in it
        # and close the dialog (``_dialog`` becomes None), so it is the last call here.
        dialog.setMaximum(max(total, 0))
        if message:
            dialog.setLabelText(message)
        dialog.setValue(min(done, total) if total else 0)

    def _close_dialog(self) -> None:
        if self._dialog:
            shown = self._dialog.isVisible()
            self._dialog.reset()
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None
            if shown:
                self._give_focus_back()

    def _give_focus_back(self) -> None:
        """The keyboard goes back where the officer was before the progress dialog took it (the window
        manager does not always do it, and the page's shortcuts then reach nothing)."""
        widget = getattr(self, "_focus", None)
        current = QApplication.focusWidget()
        if widget is None or not shiboken6.isValid(widget) or not widget.isVisible():
            return
        if current is None or not current.isVisible():
            widget.window().activateWindow()
            widget.setFocus(Qt.OtherFocusReason)

    def _succeeded(self, result: Any) -> None:
        self._close_dialog()
        self.result = result
        if self._on_success:
            self._on_success(result)

    def _failed(self, exc: BaseException, tb: str) -> None:
        self._close_dialog()
        self.error = exc
        if not isinstance(exc, UserError):
            log.error("Background operation failed:\n%s", tb)
        if self._on_failure:
            self._on_failure(exc)
        else:
            show_error(self.parent_widget, exc)

    def _cancelled(self) -> None:
        self._close_dialog()
        self.was_cancelled = True
        if self._on_cancelled:
            self._on_cancelled()
        else:
            show_message(self.parent_widget, "Đã huỷ", "Đã huỷ. Dữ liệu được giữ nguyên như trước.")

    def _cleanup(self) -> None:
        _running.discard(self)
        self.finished.emit()


@dataclass
class Outcome:
    """What ``run_mutation`` did: ``ok`` with the model function's ``value``, or the ``error`` shown."""

    ok: bool
    value: Any = None
    error: BaseException | None = None

    def __bool__(self) -> bool:
        return self.ok


def run_mutation(parent: QWidget | None, fn: Callable[[], Any], *,
                 stale: Callable[[StaleEdit], None] | None = None,
                 title: str = "Không thực hiện được") -> Outcome:
    """Run one short model mutation (one transaction) on the main thread with the handling of
    ``BackgroundOp``: a ``UserError`` is shown as its Vietnamese message; a ``StaleEdit`` goes to
    ``stale`` when given (the screen reloads and says what changed); anything else is logged with its
    traceback and shown as the generic message. Views refresh from the store's change notifications,
    so the caller does not reload them by hand."""
    try:
        return Outcome(True, fn())
    except StaleEdit as exc:
        if stale is not None:
            stale(exc)
        else:
            show_error(parent, exc, title)
        return Outcome(False, error=exc)
    except UserError as exc:
        show_error(parent, exc, title)
        return Outcome(False, error=exc)
    except Exception as exc:
        log.error("Operation failed:\n%s", traceback.format_exc())
        show_error(parent, exc, title)
        return Outcome(False, error=exc)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return str(exc)
    return ("Đã xảy ra lỗi không mong muốn; dữ liệu không bị thay đổi. "
            "Chi tiết đã được ghi vào nhật ký chương trình.")


def show_error(parent: QWidget | None, exc: BaseException, title: str = "Không thực hiện được") -> QMessageBox:
    return show_message(parent, title, error_text(exc), icon=QMessageBox.Warning, name="errorBox")


def show_message(parent: QWidget | None, title: str, text: str, *, icon=QMessageBox.Information,
                 name: str = "messageBox") -> QMessageBox:
    """Window-modal but non-blocking message (tests find it among the top-level widgets)."""
    box = QMessageBox(icon, title, text, QMessageBox.Ok, parent)
    box.setObjectName(name)
    _open_boxes.add(box)  # a parentless box would be garbage-collected while still on screen
    box.finished.connect(lambda _result: _open_boxes.discard(box))
    box.open()
    return box
