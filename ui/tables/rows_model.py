"""A read-only table model over plain rows, for QTableView.

Used instead of filling a QTableWidget cell by cell: one model reset instead of thousands of
``setItem`` calls (faster, and each void PySide6 6.12 call on Python 3.11 also drops a reference to
``None`` — see docs/progress.md, "Known problem").
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableView

# Roles as plain ints: Qt asks data() thousands of times while sizing columns, and comparing with
# enum members costs far more than the rest of the call.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_EDIT = Qt.ItemDataRole.EditRole.value
_ALIGN = Qt.ItemDataRole.TextAlignmentRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)


class RowsModel(QAbstractTableModel):
    """``rows``: lists of display strings; ``keys``: one value per row (e.g. a dossier id) for callers;
    ``right``: columns aligned right; ``colors``: (row, column) → (background, foreground) hex or None;
    ``editable``: columns the user may type in, handed to ``on_edit(row, column, text)`` (which saves
    and usually reloads the rows); ``tooltips``: (row, column) → the cell's tooltip or None."""

    def __init__(self, headers: list[str], *, right: set[int] | None = None,
                 colors: Callable[[int, int], tuple[str, str] | None] | None = None,
                 editable: set[int] | None = None, on_edit: Callable[[int, int, str], None] | None = None,
                 tooltips: Callable[[int, int], str | None] | None = None):
        super().__init__()
        self.headers = headers
        self.rows: list[list[str]] = []
        self.keys: list = []
        self.right = right or set()
        self.colors = colors
        self.editable = editable or set()
        self.on_edit = on_edit
        self.tooltips = tooltips

    def set_rows(self, rows: list[list[str]], keys: list | None = None) -> None:
        """Replace the rows the way ``QTableWidget.setRowCount`` + ``setItem`` did: rows past the new end
        are removed, new ones appended, the rest changed in place, so the view keeps its current and
        selected row across a reload (an officer working down a list stays where he was)."""
        keys = list(keys) if keys is not None else list(range(len(rows)))
        old, new = len(self.rows), len(rows)
        if new < old:
            self.beginRemoveRows(QModelIndex(), new, old - 1)
            self.rows, self.keys = rows, keys
            self.endRemoveRows()
        elif new > old:
            self.beginInsertRows(QModelIndex(), old, new - 1)
            self.rows, self.keys = rows, keys
            self.endInsertRows()
        else:
            self.rows, self.keys = rows, keys
        if new and self.headers:
            self.dataChanged.emit(self.index(0, 0), self.index(new - 1, len(self.headers) - 1))

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent=None) -> int:
        return len(self.headers)

    def data(self, index: QModelIndex, role: int = _DISPLAY):
        role = getattr(role, "value", role)
        if role == _DISPLAY or role == _EDIT:
            return self.rows[index.row()][index.column()]
        if role == _ALIGN:
            return _RIGHT if index.column() in self.right else None
        if (role == _BACKGROUND or role == _FOREGROUND) and self.colors is not None:
            pair = self.colors(index.row(), index.column())
            if pair:
                return QBrush(QColor(pair[0] if role == _BACKGROUND else pair[1]))
        if role == _TOOLTIP and self.tooltips is not None:
            return self.tooltips(index.row(), index.column())
        return None

    def flags(self, index: QModelIndex):
        base = super().flags(index)
        if index.isValid() and index.column() in self.editable:
            return base | Qt.ItemIsEditable
        return base

    def setData(self, index: QModelIndex, value, role: int = Qt.EditRole) -> bool:
        if role != Qt.EditRole or not index.isValid() or index.column() not in self.editable or not self.on_edit:
            return False
        self.on_edit(index.row(), index.column(), str(value))
        return True

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if role == Qt.DisplayRole:
            return self.headers[section] if orientation == Qt.Horizontal else str(section + 1)
        return None

    def text(self, row: int, column: int) -> str:
        return self.rows[row][column]

    def row_of(self, key) -> int | None:
        """The row whose key is ``key``, or None."""
        try:
            return self.keys.index(key)
        except ValueError:
            return None


def rows_view(name: str, model: RowsModel, *,
              selection_mode: QAbstractItemView.SelectionMode = QAbstractItemView.SingleSelection,
              row_numbers: bool = False, select_rows: bool = True) -> QTableView:
    """A read-only QTableView over ``model`` (last column stretched): what the screens used to build
    from a QTableWidget. ``row_numbers`` shows 1…n on the left; ``select_rows`` selects whole rows
    rather than one cell."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectRows if select_rows else QAbstractItemView.SelectItems)
    view.setSelectionMode(selection_mode)
    view.verticalHeader().setVisible(row_numbers)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def selected_row(view: QTableView) -> int | None:
    """The first selected row of ``view``, or None when nothing is selected."""
    model = view.selectionModel()
    rows = model.selectedRows() if model is not None else []
    return min(index.row() for index in rows) if rows else None
