"""Lazy table model over a worklist: holds only the id list; rows are read in blocks when shown."""

from __future__ import annotations

from array import array

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView

from models.core.store import Store
from models.dossiers import worklists
from models.registry.organizations import GROUP_SHORT
from models.text.vn_format import date_text, datetime_text

BLOCK = 200
CACHE_LIMIT = 5000

# (key in the row, header, sort key in worklists.SORT_COLUMNS or None)
COLUMNS = [
    ("number", "Số hồ sơ", "number"),
    ("organization", "Tổ chức", None),
    ("tax_code", "Mã số thuế", "tax_code"),
    ("grp", "Nhóm", None),
    ("status_label", "Trạng thái", "status"),
    ("received_at", "Tiếp nhận lúc", "received_at"),
    ("due_date", "Hạn trả", "due_date"),
    ("area_name", "Địa bàn", None),
    ("channel", "Kênh", None),
    ("officer", "Cán bộ", "officer"),
]
# On screen: what the worklists are about (status, due date) right after the dossier's number and organization,
# so they are in view without scrolling at 1280–1366 px; the model's column numbers do not change.
VISUAL_ORDER = ("number", "organization", "status_label", "due_date", "received_at", "tax_code", "grp",
                "area_name", "channel", "officer")
WIDTHS = {"number": 125, "organization": 250, "status_label": 180, "due_date": 85, "received_at": 120,
          "tax_code": 115, "grp": 105, "area_name": 150, "channel": 140}
_DISPLAY, _FOREGROUND, _TOOLTIP, _USER = (int(r) for r in (Qt.DisplayRole, Qt.ForegroundRole, Qt.ToolTipRole,
                                                                Qt.UserRole))
_ROLES = frozenset((_DISPLAY, _FOREGROUND, _TOOLTIP, _USER))
OVERDUE_BRUSH = QBrush(QColor("#b3261e"))
CLOSED_BRUSH = QBrush(QColor("#777777"))


def _display(key: str, value) -> str:
    if value in (None, ""):
        return ""
    if key == "received_at":
        return datetime_text(value)
    if key == "due_date":
        return date_text(value)
    if key == "grp":
        return GROUP_SHORT.get(value, str(value))
    return str(value)


def arrange_columns(view: QTableView) -> None:
    """Put the view's columns in ``VISUAL_ORDER`` with their ``WIDTHS`` (call after ``setModel``)."""
    header = view.horizontalHeader()
    keys = [key for key, _, _ in COLUMNS]
    for visual, key in enumerate(VISUAL_ORDER):
        header.moveSection(header.visualIndex(keys.index(key)), visual)
    for key, width in WIDTHS.items():
        view.setColumnWidth(keys.index(key), width)


class DossierTableModel(QAbstractTableModel):
    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.ids: array = array("q")
        self._rows: dict[int, dict] = {}
        self.fetches = 0  # blocks read from the database (tests check the table stays lazy)

    # ---- data ----------------------------------------------------------------------------------
    def set_ids(self, ids: array) -> None:
        self.beginResetModel()
        self.ids = ids
        self._rows.clear()
        self.endResetModel()

    def invalidate(self, ids=None) -> None:
        """Forget cached rows (all, or the given ids) and repaint."""
        if ids:
            for i in ids:
                self._rows.pop(i, None)
        else:
            self._rows.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def row_record(self, row: int) -> dict | None:
        if not 0 <= row < len(self.ids):
            return None
        dossier_id = self.ids[row]
        record = self._rows.get(dossier_id)
        if record is None:
            self._load_block(row)
            record = self._rows.get(dossier_id)
        return record

    def dossier_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, dossier_id: int) -> int:
        try:
            return self.ids.index(dossier_id)
        except ValueError:
            return -1

    def _load_block(self, row: int) -> None:
        if len(self._rows) > CACHE_LIMIT:
            self._rows.clear()
        start = max(0, row - BLOCK // 4)
        block = [i for i in self.ids[start:start + BLOCK] if i not in self._rows]
        self._rows.update(worklists.fetch_rows(self.store, block))
        self.fetches += 1

    # ---- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == _DISPLAY and orientation == Qt.Horizontal:
            return COLUMNS[section][1]
        return None

    def data(self, index, role=Qt.DisplayRole):
        # Called for every role of every visible cell: leave fast for the roles not answered.
        if role not in _ROLES or not index.isValid():
            return None
        row = index.row()
        record = self._rows.get(self.ids[row]) if 0 <= row < len(self.ids) else None
        if record is None:
            record = self.row_record(row)
            if record is None:
                return None
        if role == _DISPLAY:
            key = COLUMNS[index.column()][0]
            return _display(key, record.get(key))
        if role == _FOREGROUND:
            if record.get("overdue"):
                return OVERDUE_BRUSH
            if record.get("status") in ("refused", "cancelled"):
                return CLOSED_BRUSH
        if role == _TOOLTIP and record.get("overdue"):
            return "Quá hạn trả kết quả"
        if role == _TOOLTIP and record.get("paused"):
            return "Tạm dừng tính hạn: chờ bổ sung giấy tờ"
        if role == _USER:
            return record["id"]
        return None

    def sort_key(self, column: int) -> str | None:
        return COLUMNS[column][2]
