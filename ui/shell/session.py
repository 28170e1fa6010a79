"""One officer's working session in the GUI: sign in (or create the first administrator), the main
window with its lock and change watcher, sign out back to the sign-in dialog, backups on the way out.

Non-blocking (dialogs are opened, not exec'd) so that tests can drive it with pytest-qt; ``run_gui``
starts it and runs the event loop.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QDialog

from models.core.demo_clock import apply_demo_clock
from models.core.errors import UserError
from models.core.store import Store
from models.security import auth
from services import backups
from ui.context import AppContext
from ui.shell.external_changes import ExternalChangeWatcher
from ui.shell.lock import LockController
from ui.shell.main_window import MainWindow
from ui.shell.sign_in import FirstAdminDialog, SignInDialog

log = logging.getLogger(__name__)

DEMO_HINT = ("Cơ sở dữ liệu trình diễn. Tài khoản: <b>quantri</b> (quản trị), <b>chihuy</b> (chỉ huy), "
             "<b>canbo1</b>, <b>canbo2</b>, <b>canbo3</b> (tiếp nhận); mật khẩu <b>demo1234</b>.")


class Session(QObject):
    window_shown = Signal(object)  # the MainWindow
    finished = Signal()

    def __init__(self, store: Store, *, demo: bool = False, idle_ms: int | None = None,
                 watch_interval_ms: int = 2000):
        super().__init__()
        self.store = store
        self.demo = demo
        self.demo_mode = apply_demo_clock(store)
        self.idle_ms = idle_ms
        self.watch_interval_ms = watch_interval_ms
        self.dialog: QDialog | None = None
        self.window = None
        self.ctx: AppContext | None = None
        self.lock = None
        self.watcher = None
        self.worked = False  # someone signed in: back up on exit

    # ---- signing in ----------------------------------------------------------------------------------
    def start(self) -> QDialog:
        if auth.needs_first_admin(self.store):
            dialog: QDialog = FirstAdminDialog(self.store)
        elif self.demo or self.demo_mode:
            dialog = SignInDialog(self.store, hint=DEMO_HINT, username="canbo1", password="demo1234")
        else:
            dialog = SignInDialog(self.store)
        dialog.accepted.connect(self._signed_in)
        dialog.rejected.connect(self._gave_up)
        self.dialog = dialog
        dialog.show()
        return dialog

    def _gave_up(self) -> None:
        self.dialog = None
        self.finished.emit()
        QApplication.instance().quit()

    def _signed_in(self) -> None:
        self.dialog = None
        self.worked = True

        self.ctx = AppContext.create(self.store)
        self.ctx.extras["session"] = self
        window = MainWindow(self.ctx)  # on the demo: "… — Chế độ trình diễn — 13/03/2025 10:00" in its title
        self.lock = LockController(self.ctx, window, idle_ms=self.idle_ms)
        self.lock.signed_out.connect(self.sign_out)
        self.watcher = ExternalChangeWatcher(self.ctx, interval_ms=self.watch_interval_ms, parent=window)
        self.window = window
        window.show()
        self._daily_backup()
        self.window_shown.emit(window)

    def _daily_backup(self) -> None:
        try:
            backups.daily_backup_if_due(self.store)
        except UserError as exc:  # a full disk must not stop the officer from working; it is logged
            log.warning("Daily backup failed: %s", exc)

    # ---- signing out ---------------------------------------------------------------------------------
    def _teardown_window(self) -> None:
        if self.lock is not None:
            self.lock.detach()
        if self.watcher is not None:
            self.watcher.stop()
        if self.ctx is not None:
            self.ctx.changes.detach()
        window, self.window = self.window, None
        self.lock = self.watcher = self.ctx = None
        if window is not None:
            window.hide()
            window.deleteLater()

    def sign_out(self) -> QDialog:
        auth.sign_out(self.store)
        dialog = self.start()  # shown before the window goes, so the application keeps a window
        self._teardown_window()
        return dialog

    def close(self) -> None:
        """On exit: end the session and take the automatic backup."""
        if self.store.actor.role != "system":
            auth.sign_out(self.store)
        self._teardown_window()
        if not self.worked:
            return
        try:
            backups.automatic_backup(self.store, "exit")
        except UserError as exc:
            log.warning("Backup on exit failed: %s", exc)
