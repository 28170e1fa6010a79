"""The weekly-report deadline banner: a label that says when this week's report is due, late or done.

``install_deadline_banner(window, ctx)`` puts it in the main window's status bar; the reports page
shows its own copy. It re-checks every minute and whenever reports or settings change.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from models.core.changes import Table
from models.reports.register import deadline_status
from ui.context import AppContext

STYLES = {
    "late": "background: #b71c1c; color: white; padding: 2px 8px; font-weight: bold;",
    "soon": "background: #f9a825; color: black; padding: 2px 8px; font-weight: bold;",
    "upcoming": "color: #444; padding: 2px 8px;",
    "issued": "color: #1b5e20; padding: 2px 8px;",
    "none": "",
}
WATCHED = {Table.REPORTS, Table.REPORT_SETTINGS, Table.SETTINGS, Table.UNITS}


class DeadlineBanner(QLabel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, quiet_states=("none",)):
        super().__init__(parent)
        self.ctx = ctx
        self.quiet_states = set(quiet_states)
        self.setObjectName("reportDeadline")
        self.state = "none"
        self._timer = QTimer(self)
        self._timer.setInterval(60_000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        ctx.changes.changed.connect(self._on_changes)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.store.closed:  # the session ended (sign-out, restore) before this widget was deleted
            self._timer.stop()
            return
        state, message = deadline_status(self.ctx.store)
        self.state = state
        self.setText(message)
        self.setStyleSheet(STYLES.get(state, ""))
        self.setVisible(state not in self.quiet_states and bool(message))

    def _on_changes(self, changes) -> None:
        if WATCHED & {c.table for c in changes}:
            self.refresh()


def install_deadline_banner(window: QMainWindow, ctx: AppContext) -> DeadlineBanner:
    """Show the banner in the window's status bar only when action is needed (due within 24 h or late)."""
    banner = DeadlineBanner(ctx, window, quiet_states=("none", "issued", "upcoming"))
    window.statusBar().addWidget(banner)
    banner.refresh()
    return banner
