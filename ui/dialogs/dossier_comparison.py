"""The dossier's first tab: what the applicant declared beside the registry's values, field by field
(differences in amber), editable while the dossier is open; under it the declared area, channel, papers
and notes. Edits are staged here and saved by the dossier screen in one version step (Ctrl+S)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core.store import Store
from models.dossiers import records as dossier_model
from models.dossiers import states as dossier_states
from models.dossiers import status as dossier_status
from models.registry import units as units_mod
from models.security.personal_data import display_id_number
from models.text.identifiers import mask_personal_id
from models.text.normalize import clean
from models.text.vn_format import date_text
from ui.ops import run_mutation
from ui.tables.rows_model import RowsModel
from ui.widgets.area_combo import fill_area_combo

DECLARED_COLUMN = 1
DIFF_COLOUR = "#ffe8a3"
EDITED_COLOUR = "#dbeafe"
DIFF_TIP = "Kê khai khác với sổ"

_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_EDIT = Qt.ItemDataRole.EditRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_USER = Qt.ItemDataRole.UserRole.value


def headers(editable: bool) -> list[str]:
    return ["Trường", "Kê khai (sửa được)" if editable else "Kê khai", "Trong sổ"]


class ComparisonModel(RowsModel):
    """Rows: field label, declared value, registry value; each row's key is the field. The declared cell
    is editable on the rows ``set_comparison`` allows; an edit is kept (not saved) and tinted blue until
    ``edited_declared`` hands it to the screen. ``UserRole`` gives the field."""

    def __init__(self, on_edit=None):
        super().__init__(headers(True), on_edit=on_edit)
        self.shown: list[str] = []  # the declared text as loaded: an unchanged cell is not an edit
        self.editable_rows: set[int] = set()
        self.differs: set[int] = set()
        self.edited: set[int] = set()
        self.tips: dict[tuple[int, int], str] = {}

    def set_comparison(self, rows: list[list[str]], fields: list[str], *, editable_rows: set[int],
                       differs: set[int], tips: dict[tuple[int, int], str], editable: bool) -> None:
        self.headers = headers(editable)
        self.headerDataChanged.emit(Qt.Horizontal, 0, len(self.headers) - 1)
        self.shown = [row[DECLARED_COLUMN] for row in rows]
        self.editable_rows, self.differs, self.tips, self.edited = set(editable_rows), set(differs), dict(tips), set()
        self.set_rows(rows, fields)

    def row_of(self, field: str) -> int:
        return self.keys.index(field)

    def field(self, row: int) -> str:
        return self.keys[row]

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        value = getattr(role, "value", role)
        if value == _BACKGROUND:
            row = index.row()
            if index.column() == DECLARED_COLUMN and row in self.edited:
                return QBrush(QColor(EDITED_COLOUR))
            return QBrush(QColor(DIFF_COLOUR)) if row in self.differs else None
        if value == _TOOLTIP:
            return self.tips.get((index.row(), index.column()))
        if value == _USER:
            return self.keys[index.row()]
        return super().data(index, role)

    def flags(self, index: QModelIndex):
        if not index.isValid():
            return Qt.NoItemFlags
        if index.column() == 0:
            return Qt.ItemIsEnabled
        flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if index.column() == DECLARED_COLUMN and index.row() in self.editable_rows:
            flags |= Qt.ItemIsEditable
        return flags

    def setData(self, index: QModelIndex, value, role: int = Qt.EditRole) -> bool:
        if (getattr(role, "value", role) != _EDIT or not index.isValid() or index.column() != DECLARED_COLUMN
                or index.row() not in self.editable_rows):
            return False
        row, text = index.row(), str(value)
        if text == self.rows[row][DECLARED_COLUMN]:
            return True  # the editor closed on the same text: not an edit
        self.rows[row][DECLARED_COLUMN] = text
        self.edited.add(row)
        self.dataChanged.emit(index, index)
        if self.on_edit:
            self.on_edit(row, DECLARED_COLUMN, text)
        return True

    def edited_declared(self) -> dict:
        """Declared values typed over what was shown: field → new value (None when emptied)."""
        changes = {}
        for row in sorted(self.editable_rows):
            text = clean(self.rows[row][DECLARED_COLUMN])
            if text != clean(self.shown[row]):
                changes[self.keys[row]] = text or None
        return changes


class ComparisonPanel(QWidget):
    """``edited`` is emitted when the officer changes anything here (the screen then keeps the edit
    through changes from other desks); ``save_button`` is the screen's to connect."""

    edited = Signal()

    def __init__(self, store: Store, dossier_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.dossier_id = dossier_id
        self.dossier: dict | None = None
        self.ids_revealed = False  # personal ID numbers masked until the officer asks (logged)
        self.differences = 0
        self._filling = False
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_table(), 1)
        layout.addWidget(self._build_intake_edit_box())
        layout.addLayout(self._build_buttons())

    # ---- building ----------------------------------------------------------------------------------
    def _build_table(self) -> QTableView:
        self.model = ComparisonModel(on_edit=lambda _row, _column, _text: self._mark_editing())
        self.table = QTableView()
        self.table.setObjectName("comparisonTable")
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)  # one line per field; the full text is in the cell's tooltip
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed)
        return self.table

    def _build_intake_edit_box(self) -> QGroupBox:
        """What the officer recorded at intake besides the form: the declared area, channel, papers, notes."""
        box = QGroupBox("Địa bàn kê khai, kênh, giấy tờ và ghi chú (sửa được khi hồ sơ chưa kết thúc)")
        box.setObjectName("intakeEditBox")
        grid = QHBoxLayout(box)
        form = QFormLayout()
        self.edit_area = QComboBox()
        self.edit_area.setObjectName("editArea")
        fill_area_combo(self.edit_area, self.store)
        self.edit_channel = QComboBox()
        self.edit_channel.setObjectName("editChannel")
        self.edit_notes = QPlainTextEdit()
        self.edit_notes.setObjectName("editNotes")
        self.edit_notes.setTabChangesFocus(True)
        self.edit_notes.setFixedHeight(52)
        for text, widget in (("Địa &bàn:", self.edit_area), ("Kênh t&iếp nhận:", self.edit_channel),
                             ("&Ghi chú:", self.edit_notes)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.edit_papers = QListWidget()
        self.edit_papers.setObjectName("editPapers")
        self.edit_papers.setFixedHeight(112)
        self.edit_papers.setToolTip("Giấy tờ đã nhận: Space để đánh dấu")
        papers_label = QLabel("Giấy tờ đã &nhận:")
        papers_label.setBuddy(self.edit_papers)
        papers = QVBoxLayout()
        papers.addWidget(papers_label)
        papers.addWidget(self.edit_papers)
        grid.addLayout(form, 2)
        grid.addLayout(papers, 3)
        self.edit_area.currentIndexChanged.connect(lambda _i: self._mark_editing())
        self.edit_channel.currentIndexChanged.connect(lambda _i: self._mark_editing())
        self.edit_notes.textChanged.connect(self._mark_editing)
        self.edit_papers.itemChanged.connect(lambda _item: self._mark_editing())
        return box

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.note = QLabel()
        self.note.setObjectName("comparisonNote")
        row.addWidget(self.note, 1)
        self.save_button = QPushButton("Lưu thay đổi (Ctrl+S)")
        self.save_button.setObjectName("saveDeclared")
        self.save_button.setToolTip("Lưu kê khai đã sửa, địa bàn, kênh, giấy tờ và ghi chú (Ctrl+S)")
        self.save_button.setAutoDefault(False)
        self.save_button.setEnabled(False)
        self.reveal_button = QPushButton("Hiện số định danh đầy đủ")
        self.reveal_button.setObjectName("revealIdsButton")
        self.reveal_button.setToolTip("Số định danh cá nhân được che; xem đầy đủ sẽ được ghi vào nhật ký")
        self.reveal_button.setAutoDefault(False)
        self.reveal_button.clicked.connect(self.reveal_ids)
        row.addWidget(self.reveal_button)
        row.addWidget(self.save_button)
        return row

    # ---- filling -----------------------------------------------------------------------------------
    def fill(self, dossier: dict) -> None:
        self.dossier = dossier
        editable = dossier["status"] in dossier_states.OPEN_STATUSES
        self._fill_comparison(editable)
        self._fill_intake_edits(editable)
        self.save_button.setEnabled(False)

    def _fill_comparison(self, editable: bool) -> None:
        rows = dossier_model.comparison(self.store, self.dossier_id)
        areas = units_mod.area_names(self.store)
        allowed = dossier_status.actor_can(self.store, "personal_id.reveal")
        has_ids = any(r["field"] == "rep_id_number" and (r["declared"] or r["registry"]) for r in rows)
        self.reveal_button.setVisible(allowed and has_ids and not self.ids_revealed)
        can_reveal = allowed and self.ids_revealed  # masked until the officer asks (and the reveal is logged)
        cells, fields, editable_rows, differs, tips = [], [], set(), set(), {}
        for r, row in enumerate(rows):
            field = row["field"]
            declared = self._shown(field, row["declared"], areas, can_reveal)
            registry = self._shown(field, row["registry"], areas, can_reveal)
            masked = field == "rep_id_number" and not can_reveal
            if editable and field != "area_code" and not masked:
                editable_rows.add(r)
            if field == "area_code" and editable:
                tips[(r, 1)] = "Sửa ở ô «Địa bàn» bên dưới"
            if declared:
                tips[(r, 1)] = declared
            if registry:
                tips[(r, 2)] = registry
            if row["differs"]:
                differs.add(r)
                for column in range(3):
                    tips[(r, column)] = DIFF_TIP
            elif row["state"] == "declared_only" and self.dossier["org"]:
                registry = "— (sổ chưa có)"
            cells.append([row["label"], declared, registry])
            fields.append(field)
        self.model.set_comparison(cells, fields, editable_rows=editable_rows, differs=differs, tips=tips,
                                  editable=editable)
        self.differences = len(differs)
        if not self.dossier["org"]:
            note = "Tổ chức chưa được gắn với sổ."
        elif differs:
            note = f"{len(differs)} trường kê khai khác với sổ (tô vàng)."
        else:
            note = "Kê khai khớp với sổ."
        self.note.setText(note)

    def _fill_intake_edits(self, editable: bool) -> None:
        d = self.dossier
        self._filling = True
        try:
            area = d["declared"].get("area_code")
            index = self.edit_area.findData(area) if area else 0
            if index < 0:
                self.edit_area.addItem(area, area)
                index = self.edit_area.count() - 1
            self.edit_area.setCurrentIndex(index)
            self.edit_channel.clear()
            choices = dossier_model.channels(self.store)
            self.edit_channel.addItems(choices if d["channel"] in choices else [*choices, d["channel"]])
            self.edit_channel.setCurrentText(d["channel"])
            self.edit_papers.clear()
            stored = list(d["papers"] or [])
            for paper in [*dossier_model.papers_checklist(self.store), *stored]:
                if self.edit_papers.findItems(paper, Qt.MatchExactly):
                    continue
                item = QListWidgetItem(paper)
                flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
                if editable:
                    flags |= Qt.ItemIsUserCheckable
                item.setFlags(flags)
                item.setCheckState(Qt.Checked if paper in stored else Qt.Unchecked)
                self.edit_papers.addItem(item)
            self.edit_notes.setPlainText(d.get("notes") or "")
        finally:
            self._filling = False
        for widget in (self.edit_area, self.edit_channel, self.edit_notes):
            widget.setEnabled(editable)
        self.edit_notes.setReadOnly(not editable)

    def _shown(self, field: str, value, areas: dict, can_reveal: bool) -> str:
        if value in (None, ""):
            return ""
        if field == "established_on":
            return date_text(value)
        if field == "area_code":
            return areas.get(value, value)
        if field == "rep_id_number" and not can_reveal:
            return mask_personal_id(value)
        return str(value)

    # ---- editing -----------------------------------------------------------------------------------
    def _mark_editing(self) -> None:
        if self._filling:
            return
        self.save_button.setEnabled(True)
        self.edited.emit()

    def edited_intake(self) -> dict:
        """Area, channel, papers and notes that differ from the loaded dossier."""
        d = self.dossier
        changes: dict = {}
        area = self.edit_area.currentData()
        if area != (d["declared"].get("area_code") or None):
            changes["area_code"] = area
        if self.edit_channel.currentText() != d["channel"]:
            changes["channel"] = self.edit_channel.currentText()
        papers = [self.edit_papers.item(i).text() for i in range(self.edit_papers.count())
                  if self.edit_papers.item(i).checkState() == Qt.Checked]
        if papers != list(d["papers"] or []):
            changes["papers"] = papers
        notes = clean(self.edit_notes.toPlainText())
        if notes != clean(d.get("notes") or ""):
            changes["notes"] = notes
        return changes

    def changes(self) -> dict:
        """Everything edited, as ``records.update`` takes it (the declared area goes with the declared values)."""
        self.commit_open_editor()
        declared = self.model.edited_declared()
        other = self.edited_intake()
        if "area_code" in other:
            declared["area_code"] = other.pop("area_code")
        return {**({"declared": declared} if declared else {}), **other}

    def commit_open_editor(self) -> None:
        """Ctrl+S while a cell is still being typed in: keep what was typed (Qt commits only on Enter/Tab)."""
        editor = QApplication.focusWidget()
        if (self.table.state() == QAbstractItemView.EditingState and editor is not None
                and self.table.viewport().isAncestorOf(editor)):
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.NoHint)

    def reveal_ids(self) -> None:
        """Show the personal ID numbers of this dossier in full; the reveal is logged (models.security.personal_data)."""
        rows = {r["field"]: r for r in dossier_model.comparison(self.store, self.dossier_id)}
        row = rows.get("rep_id_number") or {}
        value = row.get("declared") or row.get("registry")
        if not run_mutation(self, lambda: display_id_number(self.store, value, reveal=True, object_type="dossier",
                                                            object_id=self.dossier_id)):
            return
        self.ids_revealed = True
        self._fill_comparison(self.dossier["status"] in dossier_states.OPEN_STATUSES)
