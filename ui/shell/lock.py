"""Locking the main window: after an idle time (setting ``idle_lock_minutes``) and on Ctrl+L.

``LockController`` is an event filter installed on the QApplication: any key press, mouse click, mouse
move or wheel restarts the idle count. When the time is up (or on Ctrl+L) the window's content is
hidden and a modal ``LockScreen`` asks for the same officer's password; "Đăng xuất" hands over to the
session (``signed_out`` signal) so another officer can sign in, once every editor holding unsaved changes
has been answered «Lưu» or «Không lưu» (``MainWindow.settle_unsaved``).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow

from models.core.changes import Table
from models.security import auth
from ui.context import AppContext
from ui.shell.sign_in import LockScreen

ACTIVITY_EVENTS = {QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel, QEvent.TouchBegin}


class LockController(QObject):
    locked = Signal()
    unlocked = Signal()
    signed_out = Signal()

    def __init__(self, ctx: AppContext, window: QMainWindow, *, idle_ms: int | None = None,
                 check_ms: int = 5000):
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self._fixed_idle_ms = idle_ms
        self.idle_ms = idle_ms if idle_ms is not None else self._setting_ms()
        self.last_activity = time.monotonic()
        self.screen: LockScreen | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(min(check_ms, self.idle_ms) if self.idle_ms else check_ms)
        self.timer.timeout.connect(self._check_idle)
        self.timer.start()
        self.shortcut = QShortcut(QKeySequence("Ctrl+L"), window, activated=lambda: self.lock("manual"))
        self.shortcut.setContext(Qt.ApplicationShortcut)
        QApplication.instance().installEventFilter(self)
        ctx.changes.changed.connect(self._on_changes)

    def _setting_ms(self) -> int:
        return auth.idle_lock_minutes(self.ctx.store) * 60_000

    def _on_changes(self, changes) -> None:
        if self._fixed_idle_ms is None and any(c.table == Table.SETTINGS for c in changes):
            self.idle_ms = self._setting_ms()
            if self.idle_ms:
                self.timer.setInterval(min(5000, self.idle_ms))

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def eventFilter(self, obj, event) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self.last_activity = time.monotonic()
        return False

    def _check_idle(self) -> None:
        if self.idle_ms and not self.is_locked and (time.monotonic() - self.last_activity) * 1000 >= self.idle_ms:
            self.lock("idle")

    def lock(self, reason: str = "manual") -> None:
        if self.is_locked or not self.window.isVisible():
            return
        auth.record_screen_lock(self.ctx.store, "tự khoá khi không dùng" if reason == "idle" else "khoá theo yêu cầu")
        central = self.window.centralWidget()
        if central is not None:
            central.hide()
        self.window.menuBar().setEnabled(False)
        screen = LockScreen(self.ctx.store, self.window)
        screen.setGeometry(self.window.geometry())
        screen.unlocked.connect(self._on_unlocked)
        screen.sign_out_requested.connect(self._on_sign_out)
        self.screen = screen
        screen.open()
        screen.password.setFocus()
        self.locked.emit()

    def _restore_window(self) -> None:
        central = self.window.centralWidget()
        if central is not None:
            central.show()
        self.window.menuBar().setEnabled(True)
        if self.screen is not None:
            self.screen.deleteLater()
        self.screen = None
        self.last_activity = time.monotonic()

    def _on_unlocked(self) -> None:
        self._restore_window()
        self.unlocked.emit()

    def _on_sign_out(self) -> None:
        """«Đăng xuất» on the lock screen: the open editors with unsaved changes are asked first (over the
        lock screen, the window's content stays hidden); «Ở lại» or a refused save keeps the screen locked."""
        settle = getattr(self.window, "settle_unsaved", None)
        if settle is not None and not settle(self.screen):
            if self.screen is not None:
                self.screen.password.setFocus()
            return
        if self.screen is not None:
            self.screen.close_for_sign_out()
        self._restore_window()
        self.signed_out.emit()

    def detach(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
