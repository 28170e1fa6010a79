"""«Chưa đăng ký»: the organizations of a commune, group or phase without an issued account, in the order
of a visit (commune, address), to export to Excel or print as a PDF table for commune police.

The list is ``models.registry.pending.pending_rows`` (the one definition shared with the registry's
column and the dashboard's «còn lại»). Enter or a double-click shows the organization in «Sổ tổ chức».
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.campaigns.plans import current_campaign_id, list_phases
from models.core.changes import Table
from models.core.errors import UserError
from models.registry import units
from models.registry.organizations import GROUPS
from models.registry.pending import PendingQuery, describe, pending_rows
from models.text.vn_format import thousands
from services.pending import export_pending
from ui.context import AppContext
from ui.ops import BackgroundOp, show_error, show_message
from ui.tables.rows_model import RowsModel
from ui.widgets.file_dialogs import default_path
from ui.widgets.window_fit import fit_to_screen

COLUMNS = ["STT", "Xã, phường", "Tên tổ chức", "Mã số thuế", "Địa chỉ trụ sở", "Người đại diện", "Điện thoại",
           "Nhóm", "Tình trạng hồ sơ"]
ALL_AREAS = "__all__"


class PendingDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, area_code: str | None = None,
                 groups: tuple[int, ...] | None = None, phase_id: int | None = None):
        super().__init__(parent)
        self.setWindowFlag(Qt.Window, True)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setObjectName("pendingDialog")
        self.setWindowTitle("Tổ chức chưa đăng ký tài khoản định danh điện tử")
        self.ctx = ctx
        self.extra_groups = tuple(groups) if groups and len(groups) > 1 else None  # e.g. a phase's target groups
        self.last_op: BackgroundOp | None = None
        fit_to_screen(self, 1200, 620)

        self.area = QComboBox()
        self.area.setObjectName("pendingArea")
        self.area.addItem("Tất cả địa bàn", ALL_AREAS)
        for row in units.filter_areas(ctx.store):
            self.area.addItem(row["name"], row["code"])
        self.area.addItem("(Chưa rõ địa bàn)", "")
        self.group = QComboBox()
        self.group.setObjectName("pendingGroup")
        self.group.addItem("Tất cả nhóm" if not self.extra_groups else "Các nhóm có chỉ tiêu", None)
        for g, name in GROUPS.items():
            self.group.addItem(f"Nhóm {g}: {name}", g)
        self.phase = QComboBox()
        self.phase.setObjectName("pendingPhase")
        self.phase.addItem("Mọi giai đoạn", None)
        campaign = current_campaign_id(ctx.store)
        if campaign is not None:
            for p in list_phases(ctx.store, campaign):
                self.phase.addItem(p["name"], p["id"])
        for combo, value in ((self.area, ALL_AREAS if area_code is None else area_code), (self.phase, phase_id)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        if groups and len(groups) == 1:
            self.group.setCurrentIndex(max(0, self.group.findData(groups[0])))
        for combo in (self.area, self.group, self.phase):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
            combo.currentIndexChanged.connect(lambda _i: self.reload())

        self.count_label = QLabel()
        self.count_label.setObjectName("pendingCount")
        self.model = RowsModel(COLUMNS, right={0})
        self.table = QTableView()
        self.table.setObjectName("pendingTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setToolTip("Enter hoặc bấm đúp: xem tổ chức trong «Sổ tổ chức»")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        for column, width in enumerate((50, 140, 280, 100, 300, 160, 100, 110, 200)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.table.activated.connect(lambda index: self.show_in_registry(self.model.keys[index.row()]))

        self.xlsx_button = QPushButton("Xuất &Excel…")
        self.xlsx_button.setObjectName("pendingXlsx")
        self.pdf_button = QPushButton("In danh sách (&PDF)…")
        self.pdf_button.setObjectName("pendingPdf")
        self.close_button = QPushButton("Đóng")
        self.close_button.setObjectName("pendingClose")
        self.xlsx_button.clicked.connect(lambda: self.choose_export(".xlsx"))
        self.pdf_button.clicked.connect(lambda: self.choose_export(".pdf"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.xlsx_button, self.pdf_button, self.close_button):
            button.setAutoDefault(False)

        filters = QHBoxLayout()
        for text, combo in (("Địa &bàn:", self.area), ("&Nhóm:", self.group), ("&Giai đoạn:", self.phase)):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.xlsx_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+W"), self, activated=self.reject)
        ctx.changes.changed.connect(self._on_changes)
        self.reload()

    # ---- the list ----------------------------------------------------------------------------------
    def query(self) -> PendingQuery:
        area = self.area.currentData()
        group = self.group.currentData()
        return PendingQuery(area_code=None if area == ALL_AREAS else area,
                            groups=(group,) if group is not None else self.extra_groups,
                            phase_id=self.phase.currentData())

    def reload(self) -> None:
        try:
            rows = pending_rows(self.ctx.store, self.query())
            scope = describe(self.ctx.store, self.query())
        except UserError as exc:
            show_error(self, exc)
            return
        self.rows = rows
        self.model.set_rows([
            [thousands(n), r["area_name"], r["name"] or "", r["tax_code"] or "", r["address"] or "", r["rep_name"] or "",
             r["rep_phone"] or "", r["group_label"],
             f"{r['state_label']} ({r['open_dossier']})" if r["open_dossier"] else r["state_label"]]
            for n, r in enumerate(rows, start=1)], [r["id"] for r in rows])
        self.count_label.setText(f"<b>{thousands(len(rows))}</b> tổ chức chưa đăng ký — {scope}")
        self.xlsx_button.setEnabled(bool(rows))
        self.pdf_button.setEnabled(bool(rows))

    def _on_changes(self, changes) -> None:
        if {Table.DOSSIERS, Table.ORGANIZATIONS} & {c.table for c in changes}:
            self.reload()

    # ---- actions ---------------------------------------------------------------------------------
    def choose_export(self, suffix: str) -> None:
        name = f"chua-dang-ky-{self.ctx.store.today():%Y%m%d}{suffix}"
        kind = "PDF (*.pdf)" if suffix == ".pdf" else "Excel (*.xlsx)"
        path, _ = QFileDialog.getSaveFileName(self, "Lưu danh sách chưa đăng ký", default_path(name), kind)
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            self.export_to(path)

    def export_to(self, path: str | Path) -> BackgroundOp:
        query, path = self.query(), Path(path)
        op = BackgroundOp(self.ctx, lambda store, _progress: export_pending(store, query, path),
                          title="Đang ghi danh sách…", parent=self).success(
            lambda count: show_message(self, "Đã lưu danh sách",
                                       f"Đã ghi {thousands(count)} tổ chức chưa đăng ký vào «{path}».")).failure(
            lambda exc: show_error(self, exc)).run()
        self.last_op = op
        return op

    def show_in_registry(self, org_id: int) -> None:
        window = self.ctx.window
        page = getattr(window, "pages", {}).get("registry") if window is not None else None
        if page is not None and hasattr(page, "show_organization"):
            window.show_page("registry")
            page.show_organization(org_id)
