"""Nhật ký: who did what and when — filter by officer, dates, action, object; export (itself logged)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core.permissions import can
from models.security import audit as audit_query
from models.security.audit import AuditFilter
from models.text.vn_format import thousands
from services.audit_export import export_audit
from ui.context import AppContext
from ui.ops import BackgroundOp, show_error, show_message
from ui.tables.rows_model import RowsModel, rows_view
from ui.widgets.escape_clears import escape_clears
from ui.widgets.file_dialogs import default_path

ROW_LIMIT = 2000
ACTION_GROUPS = [
    ("auth.", "Đăng nhập, khoá màn hình"),
    ("officer.", "Tài khoản cán bộ"),
    ("personal_id.", "Xem số định danh"),
    ("backup.", "Sao lưu, khôi phục"),
    ("organization.", "Tổ chức"),
    ("dossier.", "Hồ sơ"),
]
TOOLTIP_KEYS = {"action", "field", "detail", "old_value", "new_value"}  # the raw value in full on hover
TABLE_COLUMNS = [("at", "Thời gian"), ("officer", "Cán bộ"), ("action", "Thao tác"), ("object_type", "Đối tượng"),
                 ("object_id", "Hồ sơ / tên / mã"), ("field", "Trường"), ("old_value", "Giá trị cũ"), ("new_value", "Giá trị mới"),
                 ("detail", "Chi tiết")]


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> dt.date:
    return dt.date(qdate.year(), qdate.month(), qdate.day())


class AuditPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self._dirty = True
        self.last_op: BackgroundOp | None = None
        self._raw_rows: list[dict] = []
        layout = QVBoxLayout(self)
        title = QLabel("<h2>Nhật ký thao tác</h2>")
        layout.addWidget(title)
        self.denied = QLabel("Chỉ chỉ huy và quản trị viên được xem nhật ký.")
        self.denied.setObjectName("deniedLabel")
        layout.addWidget(self.denied)
        layout.addWidget(self._build_filters())
        layout.addWidget(self._build_table(), 1)
        self.summary = QLabel()
        self.summary.setObjectName("summaryLabel")
        layout.addWidget(self.summary)
        layout.addStretch(0)  # keeps the title at the top when the table is hidden (no permission)
        self._wire()
        today = ctx.store.today()
        self.date_from.setDate(_qdate(today - dt.timedelta(days=30)))
        self.date_to.setDate(_qdate(today))
        self._apply_permissions()
        if self.allowed:
            self._fill_choices()
            self.reload()

    def _build_filters(self) -> QWidget:
        """Officer and dates on the first row; action, object, object id, text, «Lọc» and «Xuất» on the second."""
        filters = QHBoxLayout()
        self.officer = QComboBox()
        self.officer.setObjectName("officerFilter")
        self.date_from = QDateEdit()
        self.date_from.setObjectName("dateFrom")
        self.date_to = QDateEdit()
        self.date_to.setObjectName("dateTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.action = QComboBox()
        self.action.setObjectName("actionFilter")
        self.object_type = QComboBox()
        self.object_type.setObjectName("objectFilter")
        self.object_id = QLineEdit()
        self.object_id.setObjectName("objectIdFilter")
        self.object_id.setPlaceholderText("Số hồ sơ hoặc mã")
        self.object_id.setMinimumWidth(110)
        self.text = QLineEdit()
        self.text.setObjectName("textFilter")
        self.text.setPlaceholderText("Tìm trong giá trị…")
        self.text.setMinimumWidth(160)
        self.apply_button = QPushButton("&Lọc")
        self.apply_button.setObjectName("applyFilter")
        self.export_button = QPushButton("&Xuất…")
        self.export_button.setObjectName("exportButton")
        # Two rows, so the page fits a 1280-pixel screen beside the navigation bar.
        for label, widget in (("Cán bộ:", self.officer), ("Từ:", self.date_from), ("đến:", self.date_to)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        second = QHBoxLayout()
        for label, widget in (("Thao tác:", self.action), ("Đối tượng:", self.object_type)):
            second.addWidget(QLabel(label))
            second.addWidget(widget)
        second.addWidget(self.object_id)
        second.addWidget(self.text, 1)
        second.addWidget(self.apply_button)
        second.addWidget(self.export_button)
        rows = QVBoxLayout()
        rows.setContentsMargins(0, 0, 0, 0)
        rows.addLayout(filters)
        rows.addLayout(second)
        self.filter_box = QWidget()
        self.filter_box.setLayout(rows)
        return self.filter_box

    def _build_table(self) -> QWidget:
        self.model = RowsModel([label for _, label in TABLE_COLUMNS], tooltips=self._tooltip)
        self.table = rows_view("auditTable", self.model, selection_mode=QAbstractItemView.ExtendedSelection)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        return self.table

    def _wire(self) -> None:
        self.apply_button.clicked.connect(self.reload)
        for edit in (self.object_id, self.text):  # Esc empties a filter field and lists again (issue 13)
            escape_clears(edit, self.reload)
        self.export_button.clicked.connect(self._choose_export)
        for edit in (self.object_id, self.text):
            edit.returnPressed.connect(self.reload)
        self.ctx.changes.changed.connect(self._on_changes)

    @property
    def allowed(self) -> bool:
        return can(self.ctx.store.actor.role, "audit.view")

    def _apply_permissions(self) -> None:
        self.denied.setVisible(not self.allowed)
        self.filter_box.setVisible(self.allowed)
        self.table.setVisible(self.allowed)
        self.export_button.setEnabled(can(self.ctx.store.actor.role, "audit.export"))

    def _fill_choices(self) -> None:
        store = self.ctx.store
        current = (self.officer.currentData(), self.action.currentData(), self.object_type.currentData())
        self.officer.clear()
        self.officer.addItem("Tất cả", None)
        for row in audit_query.officers_in_log(store):
            self.officer.addItem(f"{row['full_name']} ({row['username']})", row["id"])
        self.action.clear()
        self.action.addItem("Tất cả", None)
        for prefix, label in ACTION_GROUPS:
            self.action.addItem(f"[{label}]", prefix)
        for action in audit_query.actions_in_log(store):
            self.action.addItem(audit_query.action_label(action), action)
        self.object_type.clear()
        self.object_type.addItem("Tất cả", None)
        for name in audit_query.object_types_in_log(store):
            self.object_type.addItem(audit_query.object_label(name), name)
        for combo, value in zip((self.officer, self.action, self.object_type), current, strict=True):
            index = combo.findData(value)
            combo.setCurrentIndex(max(index, 0))

    def current_filter(self) -> AuditFilter:
        return AuditFilter(
            officer_id=self.officer.currentData(),
            date_from=_pydate(self.date_from.date()),
            date_to=_pydate(self.date_to.date()),
            action=self.action.currentData(),
            object_type=self.object_type.currentData(),
            object_id=self.object_id.text().strip() or None,
            text=self.text.text().strip() or None,
        )

    def reload(self) -> None:
        if not self.allowed:
            return
        filt = self.current_filter()
        rows = audit_query.query_audit(self.ctx.store, filt, limit=ROW_LIMIT)
        total = audit_query.count_audit(self.ctx.store, filt)
        self._raw_rows = rows
        self.model.set_rows([[self._cell(row, key) for key, _ in TABLE_COLUMNS] for row in rows],
                            [row.get("id") for row in rows])
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount() - 1):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 240))
        self.summary.setText(
            f"{thousands(total)} dòng" + ("" if total <= len(rows) else f" (hiển thị {thousands(len(rows))} dòng mới nhất)")
        )
        self._dirty = False

    @staticmethod
    def _cell(row: dict, key: str) -> str:
        """The readable text of one cell: labels for actions, objects and fields, dates dd/mm/yyyy."""
        value = row[key]
        if key == "action":
            value = audit_query.action_label(value)
        elif key == "object_type":
            value = audit_query.object_label(value)
        elif key == "at" and value:
            value = f"{value[8:10]}/{value[5:7]}/{value[:4]} {value[11:]}"
        elif key == "field":
            value = audit_query.field_label(value, row.get("object_type"))
        elif key == "detail":
            value = audit_query.readable_detail(value)
        elif key in ("old_value", "new_value"):
            value = audit_query.readable_value(row["field"], value, object_type=row.get("object_type"))
        elif key == "object_id":
            value = audit_query.object_text(row)
        return "" if value is None else str(value)

    def _tooltip(self, row: int, column: int) -> str | None:
        key = TABLE_COLUMNS[column][0]
        raw = self._raw_rows[row][key] if row < len(self._raw_rows) else None
        return str(raw)[:2000] if key in TOOLTIP_KEYS and raw else None

    def activated(self) -> None:
        self._apply_permissions()
        if self.allowed:
            self._fill_choices()
            self.reload()

    def _on_changes(self, changes) -> None:
        if self.isVisible() and self.allowed:
            self.reload()
        else:
            self._dirty = True

    def _choose_export(self) -> None:
        default = str(Path.home() / f"nhat-ky-{self.ctx.store.today():%Y%m%d}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "Xuất nhật ký", default_path(default), "Excel (*.xlsx);;CSV (*.csv)")
        if path:
            self.export_to(path)

    def export_to(self, path: str | Path) -> BackgroundOp:
        filt = self.current_filter()
        path = Path(path)

        def done(count: int) -> None:
            show_message(self, "Đã xuất nhật ký", f"Đã xuất {count} dòng nhật ký ra «{path}».")
            self.reload()

        op = BackgroundOp(self.ctx, lambda store, progress: export_audit(store, filt, path),
                          title="Đang xuất nhật ký…", parent=self).success(done).failure(
            lambda exc: show_error(self, exc)).run()
        self.last_op = op
        return op
