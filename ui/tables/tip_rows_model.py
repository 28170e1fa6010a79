"""``RowsModel`` with what the dossier screen's small tables add: a tooltip per cell (the full text of a
cell shown on one line) and a text colour per row (an overdue request in red)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ui.tables.rows_model import RowsModel

_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value


class TipRowsModel(RowsModel):
    """``set_rows(rows, keys, tips=…, row_colours=…)``: ``tips`` maps (row, column) to a tooltip,
    ``row_colours`` maps a row to the hex colour of its text."""

    def __init__(self, headers: list[str], **kwargs):
        super().__init__(headers, **kwargs)
        self.tips: dict[tuple[int, int], str] = {}
        self.row_colours: dict[int, QBrush] = {}

    def set_rows(self, rows: list[list[str]], keys: list | None = None, *,
                 tips: dict[tuple[int, int], str] | None = None,
                 row_colours: dict[int, str] | None = None) -> None:
        self.tips = dict(tips or {})
        self.row_colours = {row: QBrush(QColor(colour)) for row, colour in (row_colours or {}).items()}
        super().set_rows(rows, keys)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        value = getattr(role, "value", role)
        if value == _TOOLTIP:
            return self.tips.get((index.row(), index.column()))
        if value == _FOREGROUND and index.row() in self.row_colours:
            return self.row_colours[index.row()]
        return super().data(index, role)

    def tip(self, row: int, column: int) -> str | None:
        return self.tips.get((row, column))

    def colour(self, row: int) -> str | None:
        brush = self.row_colours.get(row)
        return brush.color().name() if brush is not None else None


def detail_table(name: str, model: RowsModel, widths: tuple[int, ...] = (), *, wrap: bool = False) -> QTableView:
    """A read-only table of whole rows over ``model``: ``widths`` for the first columns, the last one
    stretched; ``wrap`` lets a long cell take more lines (rows sized to their contents)."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(wrap)
    if wrap:
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    else:
        view.verticalHeader().setDefaultSectionSize(24)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    return view
