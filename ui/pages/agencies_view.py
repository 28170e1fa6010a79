"""«Cơ quan, đơn vị» (tab of the Công dân page): every agency with its staff count, how many have a
level-2 account and how many not yet; the selected agency's staff and the list of those without level 2,
which «Xuất Excel…» writes for the commune police (``services.people_exports``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core.changes import Table
from models.core.permissions import can
from models.people import agencies as agencies_mod
from models.people.agencies import AGENCY_TYPES
from models.text.identifiers import mask_personal_id
from models.text.vn_format import date_text, thousands
from services.people_exports import export_staff_without_level2
from ui.context import AppContext
from ui.ops import run_mutation, show_message
from ui.tables.person_table_model import LEVEL_SHORT
from ui.tables.rows_model import RowsModel, rows_view, selected_row
from ui.widgets.file_dialogs import default_path

AGENCY_COLUMNS = ["Cơ quan, đơn vị", "Loại", "Cán bộ", "Đã có mức 2", "Chưa có mức 2", "Liên hệ", "Điện thoại"]
STAFF_COLUMNS = ["Họ và tên", "Số định danh", "Chức vụ", "Điện thoại", "Ngày đăng ký", "Tài khoản"]
MISSING_COLUMNS = ["Họ và tên", "Số định danh", "Chức vụ", "Điện thoại", "Ngày đăng ký"]


class AgenciesView(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.store = ctx.store
        self.agencies: list[dict] = []
        self._dirty = False
        self.summary = QLabel()
        self.summary.setObjectName("agenciesSummary")
        self.model = RowsModel(AGENCY_COLUMNS, right={2, 3, 4},
                               colors=lambda r, c: ("#FFF4E5", "#8A4B00") if c == 4 and self._missing(r) else None)
        self.table = rows_view("agenciesTable", self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setStretchLastSection(False)
        for col, width in ((1, 92), (2, 52), (3, 84), (4, 96), (5, 140), (6, 92)):
            header.resizeSection(col, width)
        self.table.setWordWrap(False)
        self.table.selectionModel().selectionChanged.connect(lambda _n, _o: self.show_selected())
        self.staff_model = RowsModel(STAFF_COLUMNS)
        self.staff_table = rows_view("agencyStaffTable", self.staff_model, row_numbers=True)
        self.missing_model = RowsModel(MISSING_COLUMNS)
        self.missing_table = rows_view("missingLevel2Table", self.missing_model, row_numbers=True)
        for table in (self.staff_table, self.missing_table):
            table.setWordWrap(False)
            for col, width in enumerate((150, 95, 100, 88)):
                table.horizontalHeader().resizeSection(col, width)
        for table in (self.table, self.staff_table, self.missing_table):
            table.verticalHeader().setDefaultSectionSize(24)
        self.side_tabs = QTabWidget()
        self.side_tabs.setObjectName("agencySideTabs")
        self.side_tabs.addTab(self.missing_table, "Chưa có mức 2")
        self.side_tabs.addTab(self.staff_table, "Tất cả cán bộ")
        self.all_check = QCheckBox("Mọi cơ quan")
        self.all_check.setObjectName("exportAllAgencies")
        self.all_check.setToolTip("Xuất danh sách chưa có mức 2 của tất cả cơ quan, đơn vị")
        self.full_ids = QCheckBox("Ghi đủ số định danh")
        self.full_ids.setObjectName("exportFullIds")
        self.full_ids.setToolTip("Ghi số định danh đầy đủ (được ghi vào nhật ký); nếu không, số được che")
        self.full_ids.setVisible(can(self.store.actor.role, "personal_id.reveal"))
        self.export_button = QPushButton("&Xuất Excel danh sách chưa có mức 2…")
        self.export_button.setObjectName("exportMissingButton")
        self.export_button.clicked.connect(self.export)
        self.agency_title = QLabel("Chọn một cơ quan, đơn vị")
        self.agency_title.setObjectName("agencyTitle")
        self.agency_title.setWordWrap(True)
        self.agency_title.setStyleSheet("font-weight: bold; font-size: 11pt")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 0, 0)
        side_layout.addWidget(self.agency_title)
        side_layout.addWidget(self.side_tabs, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_check)
        buttons.addWidget(self.full_ids)
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        side_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setSizes([790, 530])
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        ctx.changes.changed.connect(self._on_changes)
        self.reload()

    def _missing(self, row: int) -> bool:
        return 0 <= row < len(self.agencies) and self.agencies[row]["staff"] > self.agencies[row]["level2"]

    def reload(self) -> None:
        self._dirty = False
        keep = self.current_id()
        self.agencies = agencies_mod.list_agencies(self.store)
        self.model.set_rows([[a["name"], AGENCY_TYPES.get(a["agency_type"], a["agency_type"] or ""),
                              thousands(a["staff"]), thousands(a["level2"]), thousands(a["staff"] - a["level2"]),
                              a["liaison_name"] or "", a["liaison_phone"] or ""] for a in self.agencies],
                            [a["id"] for a in self.agencies])
        staff = sum(a["staff"] for a in self.agencies)
        level2 = sum(a["level2"] for a in self.agencies)
        self.summary.setText(f"{thousands(len(self.agencies))} cơ quan, đơn vị — {thousands(staff)} cán bộ, "
                             f"đã có mức 2: {thousands(level2)}, chưa có: {thousands(staff - level2)}")
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self.table.selectRow(row)
        self.show_selected()

    def current_id(self) -> int | None:
        row = selected_row(self.table)
        return self.agencies[row]["id"] if row is not None and row < len(self.agencies) else None

    def select_agency(self, agency_id: int) -> None:
        row = self.model.row_of(agency_id)
        if row is not None:
            self.table.selectRow(row)

    def show_selected(self) -> None:
        agency_id = self.current_id()
        if agency_id is None:
            self.agency_title.setText("Chọn một cơ quan, đơn vị")
            self.staff_model.set_rows([])
            self.missing_model.set_rows([])
            self.side_tabs.setTabText(0, "Chưa có mức 2")
            self.side_tabs.setTabText(1, "Tất cả cán bộ")
            return
        agency = next(a for a in self.agencies if a["id"] == agency_id)
        head = f" — thủ trưởng: {agency['head_name']}" if agency["head_name"] else ""
        self.agency_title.setText(agency["name"] + head)
        staff = agencies_mod.staff_of(self.store, agency_id)
        self.staff_model.set_rows([[s["full_name"], mask_personal_id(s["id_number"]) if s["id_number"] else "",
                                    s["position"] or "", s["staff_phone"] or s["phone"] or "",
                                    date_text(s["preferred_on"]) if s["preferred_on"] else "",
                                    LEVEL_SHORT.get(s["account_level"], "")] for s in staff],
                                  [s["id"] for s in staff])
        missing = agencies_mod.staff_without_level2(self.store, agency_id)
        self.missing_model.set_rows([[m["full_name"], mask_personal_id(m["id_number"]) if m["id_number"] else "",
                                      m["position"] or "", m["phone"] or "",
                                      date_text(m["preferred_on"]) if m["preferred_on"] else ""] for m in missing],
                                    [m["id"] for m in missing])
        self.side_tabs.setTabText(0, f"Chưa có mức 2 ({thousands(len(missing))})")
        self.side_tabs.setTabText(1, f"Tất cả cán bộ ({thousands(len(staff))})")

    def export(self) -> None:
        agency_id = None if self.all_check.isChecked() else self.current_id()
        if agency_id is None and not self.all_check.isChecked():
            show_message(self, "Chưa chọn cơ quan", "Hãy chọn một cơ quan, đơn vị, hoặc đánh dấu «Mọi cơ quan».")
            return
        name = "chua-co-muc-2.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Xuất danh sách chưa có mức 2", default_path(name), "Excel (*.xlsx)")
        if path:
            self.export_to(path, agency_id)

    def export_to(self, path: str | Path, agency_id: int | None) -> Path | None:
        full = self.full_ids.isVisible() and self.full_ids.isChecked()
        outcome = run_mutation(self, lambda: export_staff_without_level2(self.store, path, agency_id=agency_id,
                                                                          full_ids=full), title="Không xuất được")
        if not outcome:
            return None
        written, count = outcome.value
        show_message(self, "Đã xuất danh sách", f"Đã ghi {thousands(count)} người chưa có mức 2 vào «{written}».")
        return written

    def _on_changes(self, changes) -> None:
        if {c.table for c in changes} & {Table.AGENCIES, Table.AGENCY_STAFF, Table.PERSONS}:
            if self.isVisible():
                self.reload()
            else:
                self._dirty = True

    def showEvent(self, event) -> None:
        if self._dirty:
            self.reload()
        super().showEvent(event)
