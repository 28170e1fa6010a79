"""Sổ tổ chức: search, filter and browse the organization registry; details, history, duplicates.

Keyboard: Ctrl+F search box (typing filters after a short pause; ↓ moves into the table; Esc empties
it), Ctrl+I import a list, Enter in the table opens the detail form, Ctrl+S saves an edit.

Each organization shows its campaign state («Tài khoản định danh»: no dossier / dossier open / account
issued / activated, ``models.registry.pending``) with a filter; the detail's «Hồ sơ» tab lists its
dossiers (Enter opens one); «Chưa đăng ký…» opens the worklist for commune police.

An edit in the detail form is never dropped without a word: choosing another row (or a pair of possible
duplicates) or another page asks «Lưu / Không lưu / Ở lại» (``ui.dialogs.unsaved``); a search that
no longer lists the organization, or a change made elsewhere, leaves the form as typed.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from models.core.changes import Kind, Table
from models.core.errors import StaleEdit, UserError
from models.core.permissions import can
from models.dossiers.states import STATUSES as DOSSIER_STATUSES
from models.registry import duplicates, organizations, search_index, units
from models.registry import pending as registry_pending
from models.registry import search as registry_search
from models.registry.organizations import FIELD_LABELS, GROUPS, SOURCES, STATUSES
from models.text.identifiers import mask_personal_id
from models.text.vn_format import date_text, datetime_text, thousands
from models.text.vn_parse import parse_date
from ui.context import AppContext
from ui.dialogs.import_dialog import open_import_dialog
from ui.dialogs.pending_dialog import PendingDialog
from ui.dialogs.unit_dialog import UnitDialog
from ui.dialogs.unsaved import settle
from ui.ops import run_mutation, show_error, show_message
from ui.tables.org_table_model import COLUMNS, OrgTableModel
from ui.tables.rows_model import RowsModel, rows_view, selected_row

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150
FIRST_ROWS = 2000  # browsing: rows read before the first paint; the rest comes from a worker thread
SOURCE_COLUMNS = ["Nguồn", "Tệp", "Dòng", "Lần cuối"]
DOSSIER_COLUMNS = ["Số hồ sơ", "Trạng thái", "Ngày nhận", "Ngày cấp", "Ngày kích hoạt"]
HISTORY_COLUMNS = ["Thời điểm", "Cán bộ", "Trường", "Giá trị cũ", "Giá trị mới"]
DUPLICATE_COLUMNS = ["Bản thứ nhất", "Bản thứ hai", "Lý do"]
HISTORY_ACTIONS = {"organization.create": "Tạo mới", "organization.merge_keep": "Nhận gộp",
                   "duplicate.flag": "Nghi trùng", "duplicate.keep_both": "Giữ cả hai"}
EDITABLE = ("name", "short_name", "foreign_name", "enterprise_code", "founding_decision", "established_on",
            "address", "status", "head_name", "rep_name", "rep_id_number", "rep_phone", "rep_email")


class DetailPanel(QWidget):
    """All fields of one organization (editable), its source lists and its field history."""

    def __init__(self, page: "RegistryPage"):
        super().__init__()
        self.page = page
        self.store = page.ctx.store
        self.record: dict | None = None
        self._loaded: dict = {}  # the fields as shown when loaded: what «có thay đổi chưa lưu» compares with
        self.id_revealed = False  # the shown organization's personal ID number is masked until «Hiện»
        self.title = QLabel("Chọn một tổ chức trong bảng để xem chi tiết")
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_fields(), "Thông tin")
        self.tabs.addTab(self._build_sources(), "Nguồn danh sách")
        self.tabs.addTab(self._build_history(), "Lịch sử thay đổi")
        self.tabs.addTab(self._build_dossiers(), "Hồ sơ")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save, context=Qt.WidgetWithChildrenShortcut)
        self.setEnabled(False)

    def _build_fields(self) -> QWidget:
        """The «Thông tin» tab: read-only facts, the editable fields and «Lưu thay đổi», in a scroll area."""
        form_host = QWidget()
        form = QFormLayout(form_host)
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)  # in a narrow panel a long label goes above its field
        self.info = {}
        for key in ("grp", "tax_code", "area_code", "merged_into", "first_seen", "last_seen", "version"):
            label = QLabel()
            label.setObjectName(f"info_{key}")
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            label.setWordWrap(True)  # a long group name wraps instead of widening the panel
            self.info[key] = label
        form.addRow("Nhóm:", self.info["grp"])
        form.addRow("Mã số thuế:", self.info["tax_code"])
        self.fields: dict[str, QWidget] = {}
        for key in EDITABLE:
            widget = self._field_widget(key)
            if key == "rep_id_number":
                form.addRow(FIELD_LABELS[key] + ":", self._id_number_row(widget))
            else:
                form.addRow(FIELD_LABELS[key] + ":", widget)
        form.addRow("Địa bàn:", self.info["area_code"])
        form.addRow("Gộp vào:", self.info["merged_into"])
        form.addRow("Lần đầu có trong danh sách:", self.info["first_seen"])
        form.addRow("Lần cuối có trong danh sách:", self.info["last_seen"])
        form.addRow("Phiên bản:", self.info["version"])
        self.save_button = QPushButton("&Lưu thay đổi (Ctrl+S)")
        self.save_button.setObjectName("saveButton")
        self.save_button.clicked.connect(self.save)
        form.addRow(self.save_button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # fields narrow with the panel
        scroll.setWidget(form_host)
        return scroll

    def _field_widget(self, key: str) -> QWidget:
        if key == "status":
            widget = QComboBox()
            for code, label in STATUSES.items():
                widget.addItem(label, code)
        else:
            widget = QLineEdit()
        widget.setObjectName(f"field_{key}")
        self.fields[key] = widget
        return widget

    def _id_number_row(self, widget: QWidget) -> QHBoxLayout:
        """The ID number with «Hiện»: masked; shown in full (and logged) only on request."""
        self.reveal_button = QPushButton("Hiện")
        self.reveal_button.setObjectName("revealIdButton")
        self.reveal_button.setToolTip("Hiện số định danh đầy đủ để xem hoặc sửa (được ghi vào nhật ký)")
        self.reveal_button.setAutoDefault(False)
        self.reveal_button.clicked.connect(self.reveal_id)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(widget, 1)
        row.addWidget(self.reveal_button)
        return row

    def _build_sources(self) -> QTableView:
        self.sources_model = RowsModel(SOURCE_COLUMNS)
        self.sources = rows_view("sourcesTable", self.sources_model, row_numbers=True, select_rows=False)
        return self.sources

    def _build_history(self) -> QTableView:
        self.history_model = RowsModel(HISTORY_COLUMNS)
        self.history = rows_view("historyTable", self.history_model, row_numbers=True, select_rows=False)
        return self.history

    def _build_dossiers(self) -> QWidget:
        """The «Hồ sơ» tab: the campaign state and the organization's dossiers (Enter opens one)."""
        host = QWidget()
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 4, 0, 0)
        self.state_label = QLabel()
        self.state_label.setObjectName("orgStateLabel")
        self.dossiers_model = RowsModel(DOSSIER_COLUMNS)
        self.dossiers = rows_view("orgDossiersTable", self.dossiers_model, row_numbers=True)
        self.dossiers.setToolTip("Enter hoặc bấm đúp để mở hồ sơ")
        self.dossiers.activated.connect(lambda index: self.open_dossier(self.dossiers_model.keys[index.row()]))
        layout.addWidget(self.state_label)
        layout.addWidget(self.dossiers, 1)
        return host

    def fill_dossiers(self, org_id: int | None) -> None:
        if org_id is None or not can(self.store.actor.role, "dossier.view"):
            self.dossiers_model.set_rows([])
            self.state_label.setText("")
            return
        try:
            rows = registry_pending.org_dossiers(self.store, org_id)
        except UserError:  # e.g. the account was locked meanwhile: the tab stays empty, saving says why
            self.dossiers_model.set_rows([])
            self.state_label.setText("")
            return
        self.dossiers_model.set_rows([
            [r["number"], DOSSIER_STATUSES.get(r["status"], r["status"]), date_text(r["received_on"]),
             date_text(r["issued_on"]), date_text(r["activated_on"])] for r in rows], [r["id"] for r in rows])
        state = registry_pending.org_states(self.store, [org_id])[org_id]
        self.state_label.setText(f"Tài khoản định danh: <b>{registry_pending.STATES[state]}</b> — "
                                 f"{thousands(len(rows))} hồ sơ")
        self.tabs.setTabText(3, f"Hồ sơ ({thousands(len(rows))})" if rows else "Hồ sơ")

    def open_dossier(self, dossier_id: int) -> None:
        """Open a dossier in its window (through the dossier screen, which keeps one window per dossier)."""
        window = self.page.ctx.window
        page = getattr(window, "pages", {}).get("dossiers") if window is not None else None
        opener = getattr(page, "open_dossier", None)
        if opener is not None:
            opener(dossier_id)

    def can_reveal(self) -> bool:
        return can(self.store.actor.role, "personal_id.reveal")

    def show_org(self, org_id: int | None) -> None:
        record = organizations.get(self.store, org_id) if org_id is not None else None
        self.record = record
        self.setEnabled(record is not None)
        if record is None:
            self.title.setText("Chọn một tổ chức trong bảng để xem chi tiết")
            self.sources_model.set_rows([])
            self.history_model.set_rows([])
            self.fill_dossiers(None)
            return
        self.title.setText(record["name"])
        areas = self.page.model.area_names
        self.info["grp"].setText(f"{record['grp']} — {GROUPS.get(record['grp'], '')}")
        self.info["tax_code"].setText(record["tax_code"] or "(không có)")
        self.info["area_code"].setText(areas.get(record["area_code"], record["area_code"] or ""))
        merged = record["merged_into"]
        if merged:
            target = organizations.get(self.store, merged)
            self.info["merged_into"].setText(f"{target['name'] if target else merged}")
        else:
            self.info["merged_into"].setText("—")
        self.info["first_seen"].setText(datetime_text(record["first_seen"]))
        self.info["last_seen"].setText(datetime_text(record["last_seen"]))
        self.info["version"].setText(str(record["version"]))
        for key, widget in self.fields.items():
            value = record.get(key)
            if key == "status":
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif key == "rep_id_number":
                self.id_revealed = False
                widget.setText(mask_personal_id(value) if value else "")
                widget.setReadOnly(bool(value))  # an empty number can be typed in; a known one is revealed first
                self.reveal_button.setVisible(bool(value) and self.can_reveal())
                self.reveal_button.setEnabled(True)
            elif key == "established_on":
                widget.setText(date_text(value))
            else:
                widget.setText(value or "")
            if isinstance(widget, QLineEdit):
                widget.setCursorPosition(0)  # a long address shows its beginning, not its tail
        self.save_button.setEnabled(can(self.store.actor.role, "registry.edit") and not merged)
        self._loaded = self._shown_values()
        self._fill_sources(record["id"])
        self._fill_history(record["id"])
        self.fill_dossiers(record["id"])

    def _fill_sources(self, org_id: int) -> None:
        self.sources_model.set_rows([
            [SOURCES.get(row["source"], row["source"]), row["file_name"] or "",
             "" if row["row_number"] is None else str(row["row_number"]), datetime_text(row["last_seen"])]
            for row in organizations.sources_of(self.store, org_id)])

    def _fill_history(self, org_id: int) -> None:
        rows = []
        for row in organizations.history(self.store, org_id):
            field = row["field"]
            label = FIELD_LABELS.get(field, field) if field else HISTORY_ACTIONS.get(row["action"], row["action"])
            rows.append([datetime_text(row["at"]), row["officer"], label,
                         self._history_value(field, row["old_value"]), self._history_value(field, row["new_value"])])
        self.history_model.set_rows(rows)

    def _history_value(self, field: str | None, value: str | None) -> str:
        """Readable value: labels for status/group, masked ID numbers, and field lists (creation)."""
        if not value:
            return ""
        if field is None and value.startswith("{"):
            try:
                data = json.loads(value)
            except ValueError:
                return value
            if isinstance(data, dict):
                return "; ".join(f"{FIELD_LABELS.get(k, k)}: {self._history_value(k, str(v))}"
                                 for k, v in data.items() if k in FIELD_LABELS)
        if field == "rep_id_number":
            return mask_personal_id(value)  # in full only through «Hiện» (logged)
        if field == "status":
            return STATUSES.get(value, value)
        if field == "grp" and value.isdigit():
            return GROUPS.get(int(value), value)
        if field == "established_on":
            return date_text(value)
        return value

    def reveal_id(self) -> None:
        """The full personal ID number, logged as ``personal_id.reveal`` (models.security.personal_data)."""
        if self.record is None or not self.record.get("rep_id_number"):
            return
        record = self.record
        outcome = run_mutation(self, lambda: organizations.get(self.store, record["id"], reveal=True))
        if not outcome or outcome.value is None:
            return
        full = outcome.value["rep_id_number"]
        self.id_revealed = True
        widget = self.fields["rep_id_number"]
        widget.setText(full)
        self._loaded["rep_id_number"] = full  # shown in full is not an edit
        widget.setReadOnly(False)
        self.reveal_button.setEnabled(False)

    def form_values(self) -> dict:
        values = {}
        for key, widget in self.fields.items():
            if key == "status":
                values[key] = widget.currentData()
            elif key == "rep_id_number" and self.record and self.record.get("rep_id_number") and not (
                    self.id_revealed and self.can_reveal()):
                continue  # still masked: the number is not being edited
            elif key == "established_on":
                values[key] = _vn_to_iso(widget.text())
            else:
                values[key] = widget.text()
        return values

    def save(self) -> bool:
        """Save the form through ``organizations.edit`` (which checks the ID number, phone and e-mail);
        a refusal is shown and nothing changes (False), an edit made elsewhere meanwhile is listed."""
        if self.record is None or not self.save_button.isEnabled():
            return False
        record = self.record
        outcome = run_mutation(self, lambda: organizations.edit(
            self.store, record["id"], self.form_values(), expected_version=record["version"]), stale=self._stale)
        if not outcome:
            return False
        changed = outcome.value
        self.page.status.setText(
            f"Đã lưu {thousands(len(changed))} thay đổi." if changed else "Không có gì thay đổi.")
        self.show_org(record["id"])
        return True

    # ---- unsaved edits (ui.dialogs.unsaved) ---------------------------------------------------------
    def _shown_values(self) -> dict:
        return {key: widget.currentData() if isinstance(widget, QComboBox) else widget.text()
                for key, widget in self.fields.items()}

    def shown_id(self) -> int | None:
        return self.record["id"] if self.record is not None else None

    def has_unsaved_changes(self) -> bool:
        """A field differs from what was loaded, and this officer may save it."""
        return (self.record is not None and self.save_button.isEnabled()
                and self._shown_values() != self._loaded)

    def unsaved_title(self) -> str:
        return f"Tổ chức «{self.record['name']}»" if self.record is not None else "Tổ chức"

    def save_changes(self) -> bool:
        return self.save()

    def discard_changes(self) -> None:
        self.show_org(self.shown_id())

    def _stale(self, exc: StaleEdit) -> None:
        details = "\n".join(f"• {FIELD_LABELS.get(k, k)}: «{v['old'] or ''}» → «{v['new'] or ''}» "
                            f"({datetime_text(v['at'])})" for k, v in exc.changed.items())
        show_message(self, "Tổ chức đã được sửa ở nơi khác",
                     f"{exc}\n\nNhững thay đổi đã có:\n{details or '(không rõ)'}", name="staleBox")
        if self.record is not None:
            self.show_org(self.record["id"])


def _vn_to_iso(text: str) -> str | None:
    """The founding date as typed (``vn_parse.parse_date``) → ISO; the message names the field."""
    try:
        day = parse_date(text)
    except UserError:
        raise UserError(f"Ngày thành lập «{text.strip()}» phải có dạng ngày/tháng/năm, ví dụ 09/01/2025") from None
    return day.isoformat() if day else None


class DuplicatesPanel(QWidget):
    """Open possible-duplicate pairs with "Gộp" (keep one) and "Giữ cả hai"."""

    def __init__(self, page: "RegistryPage"):
        super().__init__()
        self.page = page
        self.store = page.ctx.store
        self.model = RowsModel(DUPLICATE_COLUMNS)
        self.table = rows_view("duplicatesTable", self.model, row_numbers=True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.selectionModel().selectionChanged.connect(lambda _new, _old: self._selected())
        self.keep_first = QPushButton("Gộp, giữ &bản thứ nhất")
        self.keep_first.setObjectName("mergeKeepFirst")
        self.keep_second = QPushButton("Gộp, giữ bản thứ &hai")
        self.keep_second.setObjectName("mergeKeepSecond")
        self.keep_both = QPushButton("Giữ &cả hai")
        self.keep_both.setObjectName("keepBoth")
        self.keep_first.clicked.connect(lambda: self._merge(first=True))
        self.keep_second.clicked.connect(lambda: self._merge(first=False))
        self.keep_both.clicked.connect(self._keep_both)
        buttons = QHBoxLayout()
        for b in (self.keep_first, self.keep_second, self.keep_both):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Các cặp tổ chức nghi trùng (cùng tên, cùng địa bàn, không có mã số thuế):"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.flags: list[dict] = []
        self.reload()

    def reload(self) -> None:
        self.flags = duplicates.open_flags(self.store)
        self.model.set_rows([[f"{flag['org_name']} — {flag['org_address'] or ''}",
                              f"{flag['other_name']} — {flag['other_address'] or ''}", flag["reason"]]
                             for flag in self.flags], [flag["id"] for flag in self.flags])
        self._selected()

    def current(self) -> dict | None:
        row = selected_row(self.table)
        return self.flags[row] if row is not None and row < len(self.flags) else None

    def _selected(self) -> None:
        flag = self.current()
        for b in (self.keep_first, self.keep_second, self.keep_both):
            b.setEnabled(flag is not None)
        # A pair chosen by the officer shows its first organization; a reload of the pairs (a change made
        # elsewhere) while the tab is hidden leaves an edited form alone.
        if flag and (self.isVisible() or not self.page.detail.has_unsaved_changes()):
            self.page.show_in_detail(flag["org_id"])

    def _merge(self, first: bool) -> None:
        flag = self.current()
        if flag is None:
            return
        keep = flag["org_id"] if first else flag["other_org_id"]
        outcome = run_mutation(self, lambda: duplicates.merge(self.store, flag["id"], keep))
        if outcome:
            result = outcome.value
            self.page.status.setText(f"Đã gộp: giữ tổ chức số {result['kept']}, tổ chức số {result['merged']} "
                                     "được đánh dấu đã gộp (không xoá).")

    def _keep_both(self) -> None:
        flag = self.current()
        if flag is None:
            return
        if run_mutation(self, lambda: duplicates.keep_both(self.store, flag["id"])):
            self.page.status.setText("Đã ghi nhận: hai tổ chức khác nhau, giữ cả hai.")


class _Loader(QObject):
    """Carries the background id list back to the main thread."""

    loaded = Signal(int, object)
    failed = Signal(int, object)


class RegistryPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.sort = "name"
        self.descending = False
        top, info = self._build_filters()
        self._build_table()
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self._build_side())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([880, 520])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(info)
        layout.addWidget(splitter, 1)
        self._build_loading()
        self._restoring_row = False  # putting the edited organization's row back after «Ở lại»
        self._wire()
        self.reload_areas()
        self.requery()

    def _build_filters(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """The search box with «Nhập danh sách» and «Đơn vị & địa bàn», then the filters and the counts."""
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Tìm theo tên, mã số thuế, người đại diện, địa chỉ… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.group = self._combo("groupFilter", "Tất cả nhóm", [(g, f"Nhóm {g}: {n}") for g, n in GROUPS.items()])
        self.area = self._combo("areaFilter", "Tất cả địa bàn", [])
        self.status_filter = self._combo("statusFilter", "Mọi tình trạng", list(STATUSES.items()))
        self.source = self._combo("sourceFilter", "Mọi nguồn", list(SOURCES.items()))
        self.state_filter = self._combo("stateFilter", "Mọi trạng thái tài khoản",
                                        list(registry_pending.FILTER_LABELS.items()))
        self.import_button = QPushButton("&Nhập danh sách… (Ctrl+I)")
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self.open_import)
        self.unit_button = QPushButton("Đơn vị && địa bàn…")
        self.unit_button.setObjectName("unitButton")
        self.unit_button.clicked.connect(self.open_unit_dialog)
        self.pending_button = QPushButton("Chưa đăng &ký…")
        self.pending_button.setObjectName("pendingButton")
        self.pending_button.setToolTip("Danh sách tổ chức chưa có tài khoản, theo xã, phường, để in cho Công an xã")
        self.pending_button.clicked.connect(self.open_pending)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.pending_button)
        top.addWidget(self.import_button)
        top.addWidget(self.unit_button)

        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.status = QLabel()
        self.status.setObjectName("statusLabel")
        info = QHBoxLayout()
        for w in (self.group, self.area, self.status_filter, self.source, self.state_filter):
            w.setMinimumContentsLength(14)
            w.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            info.addWidget(w)
        info.addSpacing(12)
        info.addWidget(self.count_label)
        info.addStretch(1)
        self.index_label = QLabel()  # "đang lập chỉ mục tìm kiếm (n%)" while a bulk import's index is built
        self.index_label.setObjectName("indexLabel")
        self.index_label.hide()
        info.addWidget(self.index_label)
        info.addWidget(self.status)
        return top, info

    def _index_tick(self) -> None:
        """Once a second while the search index of a bulk import is being built (search_index.py)."""
        try:
            share = search_index.progress(self.ctx.store)
        except sqlite3.Error:  # the store was closed (window closing)
            return
        if share is None:
            self.index_label.hide()
            return
        self._index_timer.start()
        if not self.index_label.isVisible():
            search_index.start_background(self.ctx.store.path)  # also resumes one a crash left behind
        self.index_label.setText(f"đang lập chỉ mục tìm kiếm ({int(share * 100)}%)")
        self.index_label.show()

    def _build_table(self) -> None:
        """The lazy organization table (ids + block cache) with sortable headers."""
        self.model = OrgTableModel(self.ctx.store, self)
        self.table = QTableView()
        self.table.setObjectName("orgTable")
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
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(1, Qt.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        for col, width in enumerate((118, 320, 120, 170, 110, 320, 140, 130, 130)):  # «Cơ quan có MST» whole
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(lambda _index: self.detail.fields["name"].setFocus())

    def _build_side(self) -> QTabWidget:
        """«Chi tiết» (the selected organization) and «Nghi trùng» (open possible duplicates)."""
        self.detail = DetailPanel(self)
        self.duplicates = DuplicatesPanel(self)
        self.side = QTabWidget()
        self.side.setObjectName("sideTabs")
        self.side.addTab(self.detail, "Chi tiết")
        self.side.addTab(self.duplicates, "Nghi trùng")
        self._update_duplicates_tab()
        return self.side

    def _build_loading(self) -> None:
        """The debounce timer of the search box and the carrier of the background id list."""
        self._generation = 0
        self.loading = False
        self._loader = _Loader()
        self._loader.loaded.connect(self._rest_loaded, Qt.QueuedConnection)
        self._loader.failed.connect(self._rest_failed, Qt.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.requery)
        self._index_timer = QTimer(self)  # armed only while a bulk import's index is being built
        self._index_timer.setSingleShot(True)
        self._index_timer.setInterval(1000)
        self._index_timer.timeout.connect(self._index_tick)
        QTimer.singleShot(0, self._index_tick)

    def _wire(self) -> None:
        """Search and filters, shortcuts (Ctrl+F, Ctrl+I, ↓ from the search box), Tab order, changes."""
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._search_enter)
        for combo in (self.group, self.area, self.status_filter, self.source, self.state_filter):
            combo.currentIndexChanged.connect(lambda _i: self.requery())
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search, context=Qt.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self.open_import, context=Qt.WidgetWithChildrenShortcut)
        self.search.installEventFilter(self)
        self.setTabOrder(self.search, self.group)
        self.setTabOrder(self.group, self.area)
        self.setTabOrder(self.area, self.status_filter)
        self.setTabOrder(self.status_filter, self.source)
        self.setTabOrder(self.source, self.state_filter)
        self.setTabOrder(self.state_filter, self.table)
        self.ctx.changes.changed.connect(self._on_changes)

    def _combo(self, name: str, all_label: str, items: list[tuple]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(all_label, None)
        for data, label in items:
            combo.addItem(label, data)
        return combo

    # ---- querying ----------------------------------------------------------------------------
    def filters(self) -> registry_search.Filters:
        return registry_search.Filters(group=self.group.currentData(), area_code=self.area.currentData(),
                                       status=self.status_filter.currentData(), source=self.source.currentData(),
                                       state=self.state_filter.currentData())

    def requery(self) -> None:
        """Run the search now. Browsing reads the first rows at once and the rest in a background
        thread (its own connection), so the table paints immediately even over 1,000,000 rows."""
        self._timer.stop()
        self._generation += 1
        keep = self.current_org_id()
        text, filters = self.search.text(), self.filters()
        try:
            result = registry_search.search_ids(self.ctx.store, text, filters, sort=self.sort,
                                                descending=self.descending, first=FIRST_ROWS)
        except UserError as exc:
            show_error(self, exc)
            return
        self.model.set_result(result)
        self._show_count(result)
        if not result.complete:
            self._load_rest(self._generation, text, filters)
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.select_row(row)
        elif not self.detail.has_unsaved_changes():  # an edited form stays, listed or not
            self.detail.show_org(None)

    def _show_count(self, result: registry_search.SearchResult) -> None:
        if not result.complete:
            self.count_label.setText(f"Đang đọc danh sách… (đã có {thousands(len(result))} tổ chức đầu)")
        elif result.capped:
            self.count_label.setText(f"Hơn {thousands(len(result))} tổ chức khớp — đang hiện "
                                     f"{thousands(len(result))} kết quả đầu; gõ thêm để thu hẹp")
        else:
            self.count_label.setText(f"{thousands(len(result))} tổ chức")

    def _load_rest(self, generation: int, text: str, filters: registry_search.Filters) -> None:
        store, sort, descending = self.ctx.store, self.sort, self.descending
        self.loading = True

        def work() -> None:  # worker thread: no widgets here
            clone = store.clone()
            try:
                result = registry_search.search_ids(clone, text, filters, sort=sort, descending=descending)
            except Exception as exc:  # reported on the main thread
                self._loader.failed.emit(generation, exc)
            else:
                self._loader.loaded.emit(generation, result)
            finally:
                clone.close()

        threading.Thread(target=work, name="registry-ids", daemon=True).start()

    def _rest_loaded(self, generation: int, result) -> None:
        if generation != self._generation:
            return  # the officer searched again meanwhile
        self.loading = False
        self.model.extend(result)
        self._show_count(result)

    def _rest_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.loading = False
            log.error("Reading the registry ids failed: %r", exc)
            show_error(self, exc)

    def current_org_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.org_id(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 1)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self.table.scrollTo(index)

    def _row_changed(self, current, _previous) -> None:
        if self._restoring_row:
            return
        org_id = self.model.org_id(current.row()) if current.isValid() else None
        if self.detail.has_unsaved_changes():
            if org_id == self.detail.shown_id():
                return  # the same organization selected again (after a search): the edit stays
            if not settle(self, self.detail):
                self._restore_row()
                QTimer.singleShot(0, self._restore_row)  # a click selects its row after this signal
                return
        self.detail.show_org(org_id)
        if current.isValid():
            self.side.setCurrentWidget(self.detail)

    def _restore_row(self) -> None:
        """Back to the row of the organization being edited (none when the search no longer lists it)."""
        self._restoring_row = True
        try:
            row = self.model.row_of(self.detail.shown_id()) if self.detail.shown_id() is not None else None
            if row is not None:
                self.select_row(row)
            else:
                self.table.selectionModel().clear()
        finally:
            self._restoring_row = False
        self.side.setCurrentWidget(self.detail)

    def show_in_detail(self, org_id: int | None) -> bool:
        """Show an organization in «Chi tiết» (from the duplicates tab), asking first about an edit."""
        if org_id != self.detail.shown_id() and not settle(self, self.detail):
            self.side.setCurrentWidget(self.detail)
            return False
        self.detail.show_org(org_id)
        return True

    # ---- unsaved edits (ui.dialogs.unsaved; asked by the main window) ----------------------------------
    def has_unsaved_changes(self) -> bool:
        return self.detail.has_unsaved_changes()

    def unsaved_title(self) -> str:
        return self.detail.unsaved_title()

    def save_changes(self) -> bool:
        return self.detail.save_changes()

    def discard_changes(self) -> None:
        self.detail.discard_changes()

    def _sort_changed(self, column: int, order) -> None:
        key = self.model.sort_key_for(column)
        if key is None:
            self.status.setText("Cột này không sắp xếp được.")
            return
        self.sort = key
        self.descending = order == Qt.DescendingOrder
        self.requery()

    def _search_enter(self) -> None:
        self.requery()
        if self.model.rowCount():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.select_row(0)

    def eventFilter(self, obj, event) -> bool:
        from PySide6.QtCore import QEvent

        if obj is self.search and event.type() == QEvent.KeyPress and event.key() == Qt.Key_Escape \
                and self.search.text():
            self.search.clear()  # Esc empties the search (a second Esc goes on as usual)
            self.requery()
            return True
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

    def reload_areas(self) -> None:
        current = self.area.currentData()
        self.area.blockSignals(True)
        self.area.clear()
        self.area.addItem("Tất cả địa bàn", None)
        for row in units.filter_areas(self.ctx.store):
            self.area.addItem(row["name"], row["code"])
        index = self.area.findData(current)
        self.area.setCurrentIndex(max(0, index))
        self.area.blockSignals(False)

    def _update_duplicates_tab(self) -> None:
        count = duplicates.count_open(self.ctx.store)
        self.side.setTabText(1, f"Nghi trùng ({count})" if count else "Nghi trùng")

    # ---- change notifications ------------------------------------------------------------------
    def _on_changes(self, changes) -> None:
        if any(change.table == Table.ORGANIZATIONS for change in changes) and not self._index_timer.isActive():
            self._index_timer.start()  # an import may have left its index to build
        requery = False
        refresh: set[int] = set()
        for change in changes:
            if change.table == Table.ORGANIZATIONS:
                if change.kind == Kind.UPDATE and change.ids:
                    refresh.update(change.ids)
                else:
                    requery = True
            elif change.table == Table.DUPLICATE_FLAGS:
                self.duplicates.reload()
                self._update_duplicates_tab()
            elif change.table in (Table.AREAS, Table.UNITS):
                self.reload_areas()
            elif change.table == Table.DOSSIERS:
                # a dossier moves its organization's state: the filter may no longer list it
                if self.state_filter.currentData():
                    requery = True
                self.model.clear_cache()
                if not self.detail.has_unsaved_changes():
                    self.detail.fill_dossiers(self.detail.shown_id())
        if requery:
            self.requery()
        elif refresh:
            states = registry_search.fetch_rows(self.ctx.store, refresh, columns=("id", "merged_into"))
            if any(r["merged_into"] for r in states.values()):
                self.requery()  # a merged organization leaves the list
                return
            self.model.refresh_ids(refresh)
            current = self.current_org_id()
            if current in refresh and not self.detail.has_unsaved_changes():
                self.detail.show_org(current)  # an edited form is kept: saving it reports the other change

    # ---- actions -----------------------------------------------------------------------------
    def open_import(self) -> None:
        open_import_dialog(self.ctx, self)

    def open_pending(self) -> PendingDialog:
        group = self.group.currentData()
        dialog = PendingDialog(self.ctx, self, area_code=self.area.currentData(),
                               groups=(group,) if group is not None else None)
        dialog.show()
        self.pending_dialog = dialog
        return dialog

    def show_organization(self, org_id: int) -> None:
        """Show one organization (from the worklist or a dossier): its row when listed, its detail always."""
        row = self.model.row_of(org_id)
        if row is None and (self.search.text() or self.filters() != registry_search.Filters()):
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            for combo in (self.group, self.area, self.status_filter, self.source, self.state_filter):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
            self.requery()
            row = self.model.row_of(org_id)
        if row is not None:
            self.select_row(row)
        if self.detail.shown_id() != org_id and not self.show_in_detail(org_id):
            return
        self.side.setCurrentWidget(self.detail)

    def open_unit_dialog(self) -> None:
        dialog = UnitDialog(self.ctx, self)
        dialog.open()
        self._unit_dialog = dialog

    def activated(self) -> None:
        self.search.setFocus()


__all__ = ["RegistryPage", "COLUMNS"]
