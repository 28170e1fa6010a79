"""Lazy table model of persons: an id list plus a bounded cache of row blocks (as ``OrgTableModel``).

The id list of the current search/filter (``models.people.search.search_ids``; 8 bytes per row) is the
only thing proportional to the number of persons. Cells are read in blocks of ``BLOCK`` rows when first
painted (``search.rows_for``) and kept in an LRU cache of at most ``MAX_BLOCKS`` blocks. ID numbers are
always masked here; the full number is shown only in the detail panel, on request, and logged.
"""

from __future__ import annotations

from array import array

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from models.core.store import Store
from models.people import search as people_search
from models.people.persons import SEXES
from models.text.identifiers import mask_personal_id
from models.text.vn_format import date_text
from ui.tables.block_cache import BLOCK, MAX_BLOCKS, BlockCache

COLUMNS = [
    ("full_name", "Họ và tên"),
    ("id_number", "Số định danh"),
    ("birth_date", "Ngày sinh"),
    ("sex", "Giới tính"),
    ("area", "Xã/phường"),
    ("village", "Thôn/khu phố/tổ"),
    ("account_level", "Tài khoản"),
    ("activated_on", "Kích hoạt"),
]
LEVEL_SHORT = {0: "Chưa có", 1: "Mức 1", 2: "Mức 2"}
ID_ROLE = Qt.ItemDataRole(Qt.ItemDataRole.UserRole.value + 1)
_DISPLAY = Qt.ItemDataRole.DisplayRole
_HORIZONTAL = Qt.Orientation.Horizontal
_VERTICAL = Qt.Orientation.Vertical


class PersonTableModel(QAbstractTableModel):
    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.ids: array = array("q")
        self.capped = False
        self._cache = BlockCache(lambda ids: {r["id"]: r for r in people_search.rows_for(self.store, ids)},
                                 block=BLOCK, max_blocks=MAX_BLOCKS)
        self.area_names: dict[str, str] = {}

    def set_ids(self, ids: array, *, capped: bool = False) -> None:
        self.beginResetModel()
        self.ids = ids
        self.capped = capped
        self._cache.clear()
        self.endResetModel()

    def extend(self, ids: array, *, capped: bool = False) -> bool:
        """Replace a partial browse by the whole list: rows are appended (scroll and selection stay) when
        the new list starts with the rows shown; otherwise the model is reset."""
        shown = len(self.ids)
        if len(ids) < shown or ids[:shown] != self.ids:
            self.set_ids(ids, capped=capped)
            return False
        if len(ids) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self.ids = ids
            self.endInsertRows()
        self.capped = capped
        return True

    def person_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, person_id: int) -> int | None:
        try:
            return self.ids.index(person_id)
        except ValueError:
            return None

    def cached_blocks(self) -> int:
        return len(self._cache)

    @property
    def fetches(self) -> int:
        """Blocks read from the database (tests and the benchmark look at it)."""
        return self._cache.fetches

    @property
    def rows_fetched(self) -> int:
        return self._cache.rows_fetched

    def invalidate(self) -> None:
        """Forget the cached cells (after a change): they are read again when painted."""
        self._cache.clear()
        if self.ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.ids) - 1, len(COLUMNS) - 1))

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
        if role != _DISPLAY:
            if role == ID_ROLE:
                return self.person_id(index.row())
            return None
        record = self.row_data(index.row())
        if record is None:
            return "(đã xoá)" if index.column() == 0 else ""
        return self.display(record, COLUMNS[index.column()][0])

    def display(self, record: dict, key: str) -> str:
        if key == "id_number":
            return mask_personal_id(record["id_number"]) if record["id_number"] else "(chưa có)"
        if key == "birth_date":
            return date_text(record["birth_date"]) if record["birth_date"] else ""
        if key == "sex":
            return SEXES.get(record["sex"], "")
        if key == "area":
            code = record["area_code"]
            return self.area_names.get(code, code or "")
        if key == "account_level":
            return LEVEL_SHORT.get(record["account_level"], str(record["account_level"]))
        if key == "activated_on":
            return date_text(record["activated_on"]) if record["activated_on"] else "Chưa"
        return record[key] or ""
