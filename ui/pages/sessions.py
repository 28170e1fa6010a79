"""The «Thu nhận lưu động» page: mobile and agency intake sessions with their results (expected vs received
vs issued), planning, editing and cancelling them, the printable notice to the commune chair or the agency
head, and intake at a session (Enter on a row opens ``SessionIntakeDialog``). docs/intake.md."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.core.changes import Table
from models.core.errors import UserError
from models.people import sessions
from models.people.schedules import SESSION_STATUSES
from models.text.vn_format import date_text, thousands
from services import session_notice
from ui.context import AppContext, ChangeSignal
from ui.dialogs.reason_dialog import ReasonDialog
from ui.dialogs.session_editor import SessionEditor
from ui.dialogs.session_intake import SessionIntakeDialog
from ui.ops import show_error, show_message
from ui.widgets.file_dialogs import default_path

ctx_tables = ChangeSignal.tables
COLUMNS = ("Ngày", "Giờ", "Nơi thu nhận", "Địa điểm", "Dự kiến", "Đã tiếp nhận", "Đã cấp", "Tình trạng")


class SessionsPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.store = ctx.store
        self.rows: list[dict] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Thu nhận lưu động</h2>"))
        buttons = QHBoxLayout()
        self.intake_button = QPushButton("Thu nhận tại buổi (Enter)")
        self.intake_button.setObjectName("sessionIntakeButton")
        self.intake_button.clicked.connect(lambda _c=False: self.open_intake())
        self.new_button = QPushButton("Lập buổi mới…")
        self.new_button.setObjectName("newSessionButton")
        self.new_button.clicked.connect(lambda _c=False: self.edit())
        self.edit_button = QPushButton("Sửa…")
        self.edit_button.clicked.connect(lambda _c=False: self.edit(self.current_id()))
        self.cancel_button = QPushButton("Huỷ buổi…")
        self.cancel_button.clicked.connect(lambda _c=False: self.cancel_current())
        self.notice_button = QPushButton("Lưu thông báo lịch (PDF)…")
        self.notice_button.setObjectName("sessionNoticeButton")
        self.notice_button.clicked.connect(lambda _c=False: self.save_notice())
        for b in (self.intake_button, self.new_button, self.edit_button, self.cancel_button, self.notice_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("sessionsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_intake())
        layout.addWidget(self.table, 1)
        self.totals = QLabel()
        self.totals.setObjectName("sessionTotals")
        layout.addWidget(self.totals)
        enter = QShortcut(QKeySequence(Qt.Key_Return), self.table, activated=self.open_intake)
        enter.setContext(Qt.WidgetShortcut)
        ctx.changes.changed.connect(self._on_changes)
        self.reload()

    def _on_changes(self, changes) -> None:
        if self.isVisible() and ctx_tables(changes) & {Table.INTAKE_SESSIONS, Table.DOSSIERS}:
            self.reload()

    # ---- data ----------------------------------------------------------------------------------------
    def reload(self, *_args) -> None:
        current = self.current_id()
        self.rows = sessions.list_sessions(self.store)
        self.table.setRowCount(len(self.rows))
        for r, s in enumerate(self.rows):
            times = "–".join(t for t in (s["start_time"], s["end_time"]) if t)
            values = (date_text(s["held_on"]), times, s["target"], s["place"] or "",
                      "" if s["expected_people"] is None else thousands(s["expected_people"]),
                      thousands(s["received"]), thousands(s["issued"]), SESSION_STATUSES.get(s["status"], s["status"]))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c in (4, 5, 6):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
            if s["id"] == current:
                self.table.selectRow(r)
        if self.rows and self.current_id() is None:
            self.table.selectRow(0)
        live = [s for s in self.rows if s["status"] != "cancelled"]
        expected = sum(s["expected_people"] or 0 for s in live)
        self.totals.setText(f"{len(live)} buổi — dự kiến {thousands(expected)} người, đã tiếp nhận "
                            f"{thousands(sum(s['received'] for s in live))}, đã cấp {thousands(sum(s['issued'] for s in live))}")

    def current_id(self) -> int | None:
        row = self.table.currentRow() if hasattr(self, "table") else -1
        return self.rows[row]["id"] if 0 <= row < len(self.rows) else None

    def activated(self) -> None:
        self.reload()

    # ---- actions -------------------------------------------------------------------------------------
    def open_intake(self) -> SessionIntakeDialog | None:
        session_id = self.current_id()
        if session_id is None:
            return None
        dialog = SessionIntakeDialog(self.ctx, session_id, parent=self.window())
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: self.reload())
        dialog.open()
        dialog.id_edit.setFocus()
        return dialog

    def edit(self, session_id: int | None = None) -> None:
        dialog = SessionEditor(self.ctx, session_id, parent=self.window())
        if dialog.exec():
            self.reload()

    def cancel_current(self) -> None:
        session_id = self.current_id()
        if session_id is None:
            return
        dialog = ReasonDialog("Huỷ buổi thu nhận", "Lý do huỷ:", self)
        if not dialog.exec():
            return
        reason = dialog.reason()
        try:
            sessions.cancel_session(self.store, session_id, reason)
        except UserError as exc:
            show_error(self, exc, "Chưa huỷ được buổi thu nhận")
            return
        self.reload()

    def save_notice(self, path: str | None = None) -> None:
        session_id = self.current_id()
        if session_id is None:
            return
        if path is None:
            path, _f = QFileDialog.getSaveFileName(
                self, "Lưu thông báo lịch thu nhận",
                default_path(session_notice.default_file_name(self.store, session_id)), "Tệp PDF (*.pdf)")
            if not path:
                return
        try:
            written = session_notice.save_notice(self.store, session_id, path)
        except UserError as exc:
            show_error(self, exc, "Chưa lưu được thông báo")
            return
        show_message(self, "Đã lưu thông báo", f"Đã lưu thông báo lịch thu nhận: {written}")
