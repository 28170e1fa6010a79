"""Lazy table model of organizations: an id list plus a bounded cache of row blocks.

The id list for the current search/filter/sort (``registry_search.search_ids``; 8 bytes per row) is the
only thing proportional to the row count. Cells are fetched in blocks of ``BLOCK`` rows when first
painted and kept in an LRU cache of at most ``MAX_BLOCKS`` blocks, so 1,000,000 rows scroll smoothly
while never being in memory at once.
"""

from __future__ import annotations

from array import array

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from models.core.store import Store
from models.registry import pending as registry_pending
from models.registry import search as registry_search
from models.registry import units as units_mod
from models.registry.organizations import GROUP_SHORT, STATUSES
from models.text.identifiers import mask_personal_id
from ui.tables.block_cache import BLOCK, MAX_BLOCKS, BlockCache

# (key, header, sort column in registry_search.SORT_COLUMNS)
COLUMNS = [
    ("grp", "Nhóm", "grp"),
    ("name", "Tên tổ chức", "name"),
    ("tax_code", "Mã số thuế", "tax_code"),
    ("rep_name", "Người đại diện", "rep_name"),
    ("rep_id_number", "Số định danh", None),
    ("address", "Địa chỉ trụ sở", "address"),
    ("area", "Địa bàn", "area"),
    ("status", "Tình trạng", "status"),
    ("campaign", "Tài khoản định danh", None),
]
ID_ROLE = Qt.ItemDataRole(Qt.ItemDataRole.UserRole.value + 1)
# Looked up once: PySide6's old-style enum access (Qt.DisplayRole) costs ~7 µs per use, and data() runs
# for every cell and role on each paint.
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_HORIZONTAL = Qt.Orientation.Horizontal
_VERTICAL = Qt.Orientation.Vertical


class OrgTableModel(QAbstractTableModel):
    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.ids: array = array("q")
        self.capped = False
        self._cache = BlockCache(self._fetch, block=BLOCK, max_blocks=MAX_BLOCKS)
        self.area_names: dict[str, str] = {}

    # ---- data source ---------------------------------------------------------------------------
    def set_result(self, result: registry_search.SearchResult) -> None:
        self.beginResetModel()
        self.ids = result.ids
        self.capped = result.capped
        self._cache.clear()
        self.area_names = units_mod.area_names(self.store)
        self.endResetModel()

    def extend(self, result: registry_search.SearchResult) -> bool:
        """Replace a partial browse by its complete version: rows are appended (scroll position and
        selection stay) when the new list starts with the rows shown; otherwise the model is reset."""
        shown = len(self.ids)
        if len(result.ids) < shown or result.ids[:shown] != self.ids:
            self.set_result(result)
            return False
        if len(result.ids) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(result.ids) - 1)
            self.ids = result.ids
            self.endInsertRows()
        self.capped = result.capped
        return True

    def org_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, org_id: int) -> int | None:
        """Row showing ``org_id``: a scan of the id array in C (a few ms for 1,000,000 rows; a dict
        would cost ~100 MB at that size)."""
        try:
            return self.ids.index(org_id)
        except ValueError:
            return None

    def refresh_ids(self, ids) -> None:
        """Reload the given organizations' cells (after an edit) without touching other rows."""
        for org_id in ids:
            row = self.row_of(org_id)
            if row is None:
                continue
            block = self._cache.cached_block_of(row)
            if block is not None:
                fresh = self._fetch([org_id])
                if org_id in fresh:
                    block[org_id] = fresh[org_id]
                else:
                    block.pop(org_id, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _fetch(self, ids) -> dict[int, dict]:
        """Rows of one block with their campaign state (three set-wise queries per block, not per row)."""
        rows = registry_search.fetch_rows(self.store, ids)
        for org_id, state in registry_pending.org_states(self.store, rows).items():
            rows[org_id]["campaign"] = state
        return rows

    def clear_cache(self) -> None:
        """Forget the cached blocks (a dossier changed some organizations' state) and repaint."""
        self._cache.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

    def cached_blocks(self) -> int:
        return len(self._cache)

    @property
    def fetches(self) -> int:
        """Blocks read from the database (tests and benchmarks look at it)."""
        return self._cache.fetches

    def row_data(self, row: int) -> dict | None:
        return self._cache.row(self.ids, row)

    # ---- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=_DISPLAY):
        if role == _DISPLAY and orientation == _HORIZONTAL and 0 <= section < len(COLUMNS):
            return COLUMNS[section][1]
        if role == _DISPLAY and orientation == _VERTICAL:
            return str(section + 1)
        return None

    def data(self, index, role=_DISPLAY):
        if role != _DISPLAY and role != _TOOLTIP:
            if role == ID_ROLE:
                return self.org_id(index.row())
            return None
        record = self.row_data(index.row())
        if record is None:
            return "(đã xoá)" if index.column() == 1 else ""
        return self.display(record, COLUMNS[index.column()][0])

    def display(self, record: dict, key: str) -> str:
        if key == "grp":
            return GROUP_SHORT.get(record["grp"], str(record["grp"]))
        if key == "rep_id_number":
            return mask_personal_id(record.get("rep_id_number"))
        if key == "area":
            code = record.get("area_code")
            return self.area_names.get(code, code or "")
        if key == "status":
            return STATUSES.get(record["status"], record["status"])
        if key == "campaign":
            return registry_pending.STATES.get(record.get("campaign"), "")
        if key == "name" and record.get("merged_into"):
            return f"{record['name']} (đã gộp)"
        return record.get(key) or ""

    def sort_key_for(self, column: int) -> str | None:
        return COLUMNS[column][2] if 0 <= column < len(COLUMNS) else None
