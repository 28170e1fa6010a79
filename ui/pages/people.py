"""Công dân: the citizens' e-ID accounts (issue 15). Two tabs:

- «Danh sách công dân»: a lazy table over every person (ids + block cache, ``PersonTableModel``), search by
  name without diacritics or by a fragment of the ID number (typing searches after a short pause), filters
  by commune, village, account level, activation, agency and eligibility (14 or over today); the detail
  panel shows the selected person, the lists he came from and the field history. ID numbers are masked;
  «Hiện» shows one in full (permission ``personal_id.reveal``, written to the log).
- «Cơ quan, đơn vị»: ``ui.pages.agencies_view.AgenciesView`` (staff counts, who has no level 2 yet).

Keyboard: Ctrl+F search, ↓ from the search box into the table, Ctrl+I import a people list.
"""

from __future__ import annotations

import json
import logging
import threading

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core.changes import Table
from models.core.errors import UserError
from models.core.permissions import can
from models.people import agencies as agencies_mod
from models.people import browse
from models.people import search as people_search
from models.people.persons import FIELD_LABELS, LEVELS, RESIDENCES, SEXES, SOURCE_KINDS, age_at, get_person, sources_of
from models.registry import units
from models.text.identifiers import mask_personal_id
from models.text.vn_format import date_text, datetime_text, thousands
from ui.context import AppContext
from ui.dialogs.people_import_dialog import open_people_import_dialog
from ui.dialogs.people_worklist_dialog import PeopleWorklistDialog
from ui.ops import run_mutation, show_error
from ui.pages.agencies_view import AgenciesView
from ui.tables.person_table_model import COLUMNS, PersonTableModel
from ui.tables.rows_model import RowsModel, rows_view

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150
FIRST_ROWS = 2000  # browsing: rows read before the first paint; the whole id list comes from a worker thread
SOURCE_COLUMNS = ["Danh sách", "Tệp", "Dòng", "Lần đầu", "Lần cuối"]
HISTORY_COLUMNS = ["Thời điểm", "Cán bộ", "Trường", "Giá trị cũ", "Giá trị mới"]
HISTORY_ACTIONS = {"person.create": "Tạo mới", "personal_id.reveal": "Xem số định danh đầy đủ"}
ACCOUNT_FIELDS = {"account_level", "level1_on", "level2_issued_on", "activated_on"}


class PersonDetail(QWidget):
    """One person: the facts (ID number masked, «Hiện» logged), the lists he came from, the field history."""

    INFO = [("id_number", "Số định danh:"), ("birth_date", "Ngày sinh:"), ("sex", "Giới tính:"),
            ("phone", "Điện thoại:"), ("area", "Xã/phường:"), ("village", "Thôn/khu phố/tổ:"),
            ("address", "Địa chỉ:"), ("residence", "Cư trú:"), ("account", "Tài khoản định danh:"),
            ("level1_on", "Đăng ký mức 1:"), ("level2_issued_on", "Cấp mức 2:"), ("activated_on", "Kích hoạt:"),
            ("agencies", "Cơ quan, đơn vị:"), ("version", "Phiên bản:")]

    def __init__(self, page: "PeopleView"):
        super().__init__()
        self.page = page
        self.store = page.ctx.store
        self.record: dict | None = None
        self.title = QLabel("Chọn một công dân trong bảng để xem chi tiết")
        self.title.setObjectName("personTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_info(), "Thông tin")
        self.sources_model = RowsModel(SOURCE_COLUMNS)
        self.tabs.addTab(rows_view("personSources", self.sources_model, row_numbers=True, select_rows=False),
                         "Nguồn danh sách")
        self.history_model = RowsModel(HISTORY_COLUMNS)
        self.tabs.addTab(rows_view("personHistory", self.history_model, row_numbers=True, select_rows=False),
                         "Lịch sử thay đổi")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        self.setEnabled(False)

    def _build_info(self) -> QWidget:
        host = QWidget()
        form = QFormLayout(host)
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        self.info: dict[str, QLabel] = {}
        for key, label in self.INFO:
            value = QLabel()
            value.setObjectName(f"person_{key}")
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            value.setWordWrap(True)
            self.info[key] = value
            if key == "id_number":
                self.reveal_button = QPushButton("Hiện")
                self.reveal_button.setObjectName("revealPersonId")
                self.reveal_button.setToolTip("Hiện số định danh đầy đủ (được ghi vào nhật ký)")
                self.reveal_button.setAutoDefault(False)
                self.reveal_button.clicked.connect(self.reveal_id)
                row = QHBoxLayout()
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(value, 1)
                row.addWidget(self.reveal_button)
                form.addRow(label, row)
            else:
                form.addRow(label, value)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(host)
        return scroll

    def can_reveal(self) -> bool:
        return can(self.store.actor.role, "personal_id.reveal")

    def show_person(self, person_id: int | None) -> None:
        record = get_person(self.store, person_id) if person_id is not None else None
        self.record = record
        self.setEnabled(record is not None)
        if record is None:
            self.title.setText("Chọn một công dân trong bảng để xem chi tiết")
            for label in self.info.values():
                label.setText("")
            self.sources_model.set_rows([])
            self.history_model.set_rows([])
            return
        today = self.store.today()
        self.title.setText(record["full_name"])
        self.info["id_number"].setText(record["id_number"] or "(chưa có)")  # masked by the model
        self.reveal_button.setVisible(bool(record["id_number"]) and self.can_reveal())
        self.reveal_button.setEnabled(True)
        age = age_at(record["birth_date"], today)
        if age is None:
            born = "(chưa rõ — chưa xác định được đủ 14 tuổi)"
        else:
            born = f"{date_text(record['birth_date'])} ({age} tuổi; " + (
                "đủ điều kiện cấp tài khoản)" if age >= 14 else "chưa đủ 14 tuổi)")
        self.info["birth_date"].setText(born)
        self.info["sex"].setText(SEXES.get(record["sex"], ""))
        self.info["phone"].setText(record["phone"] or "")
        self.info["area"].setText(self.page.model.area_names.get(record["area_code"], record["area_code"] or ""))
        self.info["village"].setText(record["village"] or "")
        self.info["address"].setText(record["address"] or "")
        self.info["residence"].setText(RESIDENCES.get(record["residence"], ""))
        self.info["account"].setText(LEVELS.get(record["account_level"], str(record["account_level"])))
        for key in ("level1_on", "level2_issued_on", "activated_on"):
            self.info[key].setText(date_text(record[key]) if record[key] else "—")
        staff = browse.agencies_of(self.store, record["id"])
        self.info["agencies"].setText("; ".join(
            a["name"] + (f" ({a['position']})" if a["position"] else "") for a in staff) or "—")
        self.info["version"].setText(str(record["version"]))
        self.sources_model.set_rows([
            [SOURCE_KINDS.get(s["kind"], s["kind"]), s["file_name"] or "",
             "" if s["row_number"] is None else str(s["row_number"]), datetime_text(s["first_seen"]),
             datetime_text(s["last_seen"])] for s in sources_of(self.store, record["id"])])
        rows = []
        for h in browse.person_history(self.store, record["id"]):
            field = h["field"]
            label = FIELD_LABELS.get(field, field) if field else HISTORY_ACTIONS.get(h["action"], h["action"])
            if field == "account":
                label = "Tài khoản (danh sách cấp, kích hoạt)"
            rows.append([datetime_text(h["at"]), h["officer"] or "", label, history_value(field, h["old_value"]),
                         history_value(field, h["new_value"])])
        self.history_model.set_rows(rows)

    def reveal_id(self) -> None:
        """The full ID number, logged as ``personal_id.reveal`` (refused without the permission)."""
        if self.record is None or not self.record["id_number"]:
            return
        record = self.record
        outcome = run_mutation(self, lambda: get_person(self.store, record["id"], reveal=True))
        if not outcome or outcome.value is None:
            return
        self.info["id_number"].setText(outcome.value["id_number"])
        self.reveal_button.setEnabled(False)


def history_value(field: str | None, value: str | None) -> str:
    """Readable history value: ID numbers masked, dates Vietnamese, account changes as labels."""
    if not value:
        return ""
    if field == "id_number":
        return mask_personal_id(value)
    if field == "sex":
        return SEXES.get(value, value)
    if field == "residence":
        return RESIDENCES.get(value, value)
    if field in ("birth_date", "level1_on", "level2_issued_on", "activated_on"):
        return date_text(value)
    if field == "account_level" and value.isdigit():
        return LEVELS.get(int(value), value)
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except ValueError:
            return value
        if isinstance(data, dict):
            return "; ".join(f"{FIELD_LABELS.get(k, k)}: {history_value(k, str(v)) if v is not None else '—'}"
                             for k, v in data.items())
    return value


class _Loader(QObject):
    """Carries the background id list back to the main thread."""

    loaded = Signal(int, object)
    failed = Signal(int, object)


class PeopleView(QWidget):
    """The searchable, filterable list of persons with the detail panel."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        top, filters = self._build_filters()
        self._build_table()
        self.detail = PersonDetail(self)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([850, 470])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        self._generation = 0
        self.loading = False
        self._loader = _Loader()
        self._loader.loaded.connect(self._rest_loaded, Qt.QueuedConnection)
        self._loader.failed.connect(self._rest_failed, Qt.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.requery)
        self._wire()
        self.reload_choices()
        self.requery()

    def _build_filters(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        self.search = QLineEdit()
        self.search.setObjectName("peopleSearch")
        self.search.setPlaceholderText("Tìm theo họ tên (gõ không dấu được) hoặc một phần số định danh… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.import_button = QPushButton("&Nhập danh sách… (Ctrl+I)")
        self.import_button.setObjectName("peopleImportButton")
        self.import_button.clicked.connect(self.open_import)
        self.import_button.setEnabled(can(self.ctx.store.actor.role, "people.import"))
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.import_button)
        self.worklist_button = QPushButton("Danh sách &vận động…")  # issue 16: door-to-door sheet, agency letter
        self.worklist_button.setObjectName("peopleWorklistButton")
        self.worklist_button.clicked.connect(self.open_worklists)
        top.addWidget(self.worklist_button)
        self.area = self._combo("areaFilter", "Mọi xã/phường", [])
        self.village = self._combo("villageFilter", "Mọi thôn/khu phố", [])
        self.village.setEnabled(False)
        self.level = self._combo("levelFilter", "Mọi mức tài khoản",
                                 [(0, "Chưa có tài khoản"), (1, "Mức 1"), (2, "Mức 2")])
        self.activation = self._combo("activationFilter", "Kích hoạt: tất cả",
                                      [(True, "Đã kích hoạt"), (False, "Chưa kích hoạt")])
        self.agency = self._combo("agencyFilter", "Mọi cơ quan, đơn vị", [])
        self.eligible = QCheckBox("Từ 14 tuổi")
        self.eligible.setObjectName("eligibleFilter")
        self.eligible.setToolTip("Chỉ những người đủ 14 tuổi tính đến hôm nay (đủ điều kiện cấp tài khoản)")
        self.count_label = QLabel()
        self.count_label.setObjectName("peopleCount")
        self.count_label.setWordWrap(True)  # a long "đang đọc…" must not widen the window past 1366 px
        self.count_label.setMinimumWidth(120)
        row = QHBoxLayout()
        for combo in (self.area, self.village, self.level, self.activation, self.agency):
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            row.addWidget(combo)
        row.addWidget(self.eligible)
        row.addSpacing(8)
        row.addWidget(self.count_label, 1)
        return top, row

    def _combo(self, name: str, all_label: str, items: list[tuple]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(all_label, None)
        for data, label in items:
            combo.addItem(label, data)
        return combo

    def _build_table(self) -> None:
        self.model = PersonTableModel(self.ctx.store, self)
        self.table = QTableView()
        self.table.setObjectName("peopleTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vheader = self.table.verticalHeader()
        vheader.setSectionResizeMode(QHeaderView.Fixed)
        vheader.setDefaultSectionSize(24)
        vheader.hide()
        header = self.table.horizontalHeader()
        for col, width in enumerate((175, 105, 82, 62, 130, 112, 70, 80)):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    def _wire(self) -> None:
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._search_enter)
        self.search.installEventFilter(self)
        self.area.currentIndexChanged.connect(lambda _i: self._area_changed())
        for combo in (self.village, self.level, self.activation, self.agency):
            combo.currentIndexChanged.connect(lambda _i: self.requery())
        self.eligible.toggled.connect(lambda _on: self.requery())
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search, context=Qt.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self.open_import, context=Qt.WidgetWithChildrenShortcut)
        self.ctx.changes.changed.connect(self._on_changes)

    # ---- choices of the filters ----------------------------------------------------------------
    def reload_choices(self) -> None:
        store = self.ctx.store
        self.model.area_names = units.area_names(store)
        self._refill(self.area, "Mọi xã/phường", [(r["code"], r["name"]) for r in units.filter_areas(store)])
        self._refill(self.agency, "Mọi cơ quan, đơn vị",
                     [(a["id"], a["name"]) for a in agencies_mod.list_agencies(store)])

    def _refill(self, combo: QComboBox, all_label: str, items: list[tuple]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_label, None)
        for data, label in items:
            combo.addItem(label, data)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _area_changed(self) -> None:
        code = self.area.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem("Mọi thôn/khu phố", None)
        if code:
            for name in browse.villages_of(self.ctx.store, code):
                self.village.addItem(name, name)
        self.village.setEnabled(bool(code))
        self.village.blockSignals(False)
        self.requery()

    # ---- querying ------------------------------------------------------------------------------
    def filters(self) -> people_search.Filters:
        return people_search.Filters(
            area_code=self.area.currentData(), village=self.village.currentData(), level=self.level.currentData(),
            activated=self.activation.currentData(), agency_id=self.agency.currentData(),
            eligible_on=self.ctx.store.today() if self.eligible.isChecked() else None)

    def requery(self) -> None:
        """Search now. A text search is capped (fast); a browse paints its first rows at once and reads
        the whole id list in a background thread (its own connection)."""
        self._timer.stop()
        self._generation += 1
        keep = self.current_person_id()
        text, filters = self.search.text().strip(), self.filters()
        try:
            if text:
                result = people_search.search_ids(self.ctx.store, text, filters)
                self.model.set_ids(result.ids, capped=result.capped)
                self.loading = False
                self._show_count(len(result.ids), capped=result.capped, complete=True)
            else:
                first = browse.first_ids(self.ctx.store, filters, FIRST_ROWS)
                self.model.set_ids(first)
                complete = len(first) < FIRST_ROWS
                self._show_count(len(first), capped=False, complete=complete)
                if not complete:
                    self._load_rest(self._generation, filters)
                else:
                    self.loading = False
        except UserError as exc:
            show_error(self, exc)
            return
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.select_row(row)
        else:
            self.detail.show_person(None)

    def _show_count(self, count: int, *, capped: bool, complete: bool) -> None:
        if not complete:
            text = f"Đang đọc danh sách… (đã có {thousands(count)} người đầu)"
        elif capped:
            text = f"Hơn {thousands(count)} người khớp — đang hiện {thousands(count)} người đầu; gõ thêm để thu hẹp"
        else:
            text = f"{thousands(count)} người"
        self.count_label.setText(text)

    def _load_rest(self, generation: int, filters: people_search.Filters) -> None:
        store = self.ctx.store
        self.loading = True

        def work() -> None:  # worker thread: no widgets here
            clone = store.clone()
            try:
                result = browse.all_ids(clone, filters)
            except Exception as exc:  # reported on the main thread
                self._loader.failed.emit(generation, exc)
            else:
                self._loader.loaded.emit(generation, result)
            finally:
                clone.close()

        threading.Thread(target=work, name="people-ids", daemon=True).start()

    def _rest_loaded(self, generation: int, result) -> None:
        if generation != self._generation:
            return  # searched again meanwhile
        self.loading = False
        self.model.extend(result)
        self._show_count(len(result), capped=False, complete=True)

    def _rest_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.loading = False
            log.error("Reading the person ids failed: %r", exc)
            show_error(self, exc)

    def current_person_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.person_id(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self.table.scrollTo(index)

    def _row_changed(self, current, _previous) -> None:
        self.detail.show_person(self.model.person_id(current.row()) if current.isValid() else None)

    def _search_enter(self) -> None:
        self.requery()
        if self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.select_row(0)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.search and event.type() == QEvent.KeyPress and event.key() == Qt.Key_Down:
            if self._timer.isActive():
                self.requery()
            if self.model.rowCount():
                self.table.setFocus()
                if not self.table.currentIndex().isValid():
                    self.select_row(0)
            return True
        return super().eventFilter(obj, event)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_changes(self, changes) -> None:
        tables = {c.table for c in changes}
        if tables & {Table.AGENCIES, Table.AREAS, Table.UNITS}:
            self.reload_choices()
        if tables & {Table.PERSONS, Table.AGENCY_STAFF}:
            self._timer.start()  # a list import notifies once; a burst of edits is one requery

    def open_import(self) -> None:
        if self.import_button.isEnabled():
            self._import_dialog = open_people_import_dialog(self.ctx, self)

    def open_worklists(self) -> None:
        self.worklist_dialog = PeopleWorklistDialog(self.ctx, self)
        self.worklist_dialog.show()


class PeoplePage(QWidget):
    """«Công dân»: the list of persons and the agencies with their staff, as two tabs."""

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.people = PeopleView(ctx)
        self.agencies = AgenciesView(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("peopleTabs")
        self.tabs.addTab(self.people, "Danh sách công dân")
        self.tabs.addTab(self.agencies, "Cơ quan, đơn vị")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def activated(self) -> None:
        if self.tabs.currentWidget() is self.people:
            self.people.search.setFocus()


__all__ = ["PeoplePage", "PeopleView", "COLUMNS"]
