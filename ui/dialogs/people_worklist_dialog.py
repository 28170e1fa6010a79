"""«Danh sách vận động»: the citizens' named worklists ("5 rõ", issue 16 item 3), opened from the Công dân
page. Three lists (``models/people/worklists.py`` holds their definitions):

- «Cán bộ phụ trách thôn, tổ»: the residents of an area officer's villages not yet activated (14 or over),
  printed as the door-to-door sheet; the signed-in officer is chosen when he is in charge of villages, so
  an area officer prints his own sheet in two clicks (the page's button, «In»);
- «Cơ quan, đơn vị»: an agency's staff without level 2 or not activated, printed as the letter to its head;
- «Doanh nghiệp chưa đến»: the enterprises whose chosen date has passed and who did not come.

«In (PDF)» writes the PDF straight into the Documents folder (a new name each time) and opens it in the
system's viewer to print; «Xuất Excel…» asks where. Both through ``services/worklists.py`` in the
background. «Phân công…» (permission ``campaign.manage``) opens the villages' assignment.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core.changes import Table
from models.core.errors import UserError
from models.core.permissions import can
from models.people import area_officers, worklists
from models.people.agencies import list_agencies
from models.text.identifiers import mask_personal_id
from models.text.vn_format import date_text, thousands
from services import worklists as worklist_service
from ui.context import AppContext
from ui.dialogs.area_officers_dialog import AreaOfficersDialog
from ui.ops import BackgroundOp, show_error, show_message
from ui.tables.rows_model import RowsModel
from ui.widgets.file_dialogs import default_folder, default_path
from ui.widgets.window_fit import fit_to_screen

OFFICER, AGENCY, SCHEDULE = "officer", "agency", "schedule"
COLUMNS = {
    OFFICER: ["STT", "Họ và tên", "Năm sinh", "Số định danh", "Xã, phường", "Thôn, tổ", "Địa chỉ", "Điện thoại"],
    AGENCY: ["STT", "Họ và tên", "Năm sinh", "Số định danh", "Chức vụ", "Điện thoại", "Tình trạng"],
    SCHEDULE: ["STT", "Doanh nghiệp", "Mã số thuế", "Người đại diện", "Điện thoại", "Ngày hẹn", "Số lao động"],
}
WIDTHS = {OFFICER: (50, 230, 70, 110, 180, 130, 330, 110), AGENCY: (50, 250, 70, 110, 200, 110, 260),
          SCHEDULE: (50, 330, 110, 220, 110, 130, 90)}
FILE_STEMS = {OFFICER: "van-dong-tung-nha", AGENCY: "cong-van-co-quan", SCHEDULE: "doanh-nghiep-chua-den"}


def open_in_viewer(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class PeopleWorklistDialog(QDialog):
    # replaced in tests: opening the system's PDF viewer
    opener: Callable[[Path], None] = staticmethod(open_in_viewer)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowFlag(Qt.Window, True)
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setObjectName("peopleWorklistDialog")
        self.setWindowTitle("Danh sách vận động công dân")
        self.ctx = ctx
        self.last_op: BackgroundOp | None = None
        self.last_path: Path | None = None
        self._widths_set = False
        fit_to_screen(self, 1200, 640)
        store = ctx.store

        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QRadioButton] = {}
        for kind, text in ((OFFICER, "Cán bộ phụ trách &thôn, tổ (vận động từng nhà):"),
                           (AGENCY, "&Cơ quan, đơn vị (công văn gửi thủ trưởng):"),
                           (SCHEDULE, "&Doanh nghiệp đã hẹn nhưng chưa đến")):
            button = QRadioButton(text)
            button.setObjectName(f"worklistKind_{kind}")
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
            button.toggled.connect(lambda on, _k=kind: on and self.reload())
        self.officer = QComboBox()
        self.officer.setObjectName("worklistOfficer")
        self.agency = QComboBox()
        self.agency.setObjectName("worklistAgency")
        for combo in (self.officer, self.agency):
            combo.setMinimumContentsLength(42)
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self._fill_officers()
        for a in list_agencies(store):
            self.agency.addItem(f"{a['name']} ({thousands(a.get('staff') or 0)} người)", a["id"])
        self.officer.currentIndexChanged.connect(lambda _i: self._choose(OFFICER))
        self.agency.currentIndexChanged.connect(lambda _i: self._choose(AGENCY))
        self.assign_button = QPushButton("&Phân công thôn, tổ…")
        self.assign_button.setObjectName("worklistAssign")
        self.assign_button.setEnabled(can(store.actor.role, area_officers.PERMISSION))
        self.assign_button.clicked.connect(self.open_assignments)

        self.count_label = QLabel()
        self.count_label.setObjectName("worklistCount")
        self.count_label.setWordWrap(True)
        self.model = RowsModel(COLUMNS[OFFICER], right={0})
        self.table = QTableView()
        self.table.setObjectName("worklistTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.pdf_button = QPushButton("&In (PDF)")
        self.pdf_button.setObjectName("worklistPrint")
        self.pdf_button.setDefault(True)
        self.xlsx_button = QPushButton("Xuất &Excel…")
        self.xlsx_button.setObjectName("worklistXlsx")
        close = QPushButton("Đóng")
        self.pdf_button.clicked.connect(self.print_pdf)
        self.xlsx_button.clicked.connect(self.choose_xlsx)
        close.clicked.connect(self.reject)
        for button in (self.xlsx_button, close, self.assign_button):
            button.setAutoDefault(False)

        grid = QGridLayout()
        grid.addWidget(self.kind_buttons[OFFICER], 0, 0)
        grid.addWidget(self.officer, 0, 1)
        grid.addWidget(self.assign_button, 0, 2)
        grid.addWidget(self.kind_buttons[AGENCY], 1, 0)
        grid.addWidget(self.agency, 1, 1)
        grid.addWidget(self.kind_buttons[SCHEDULE], 2, 0, 1, 2)
        grid.setColumnStretch(3, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)
        buttons.addWidget(self.xlsx_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+W"), self, activated=self.reject)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_pdf)
        ctx.changes.changed.connect(self._on_changes)

        mine = self.officer.findData(store.actor.id)
        start = OFFICER if self.officer.count() else (AGENCY if self.agency.count() else SCHEDULE)
        if mine >= 0:
            self.officer.setCurrentIndex(mine)
        self.kind_buttons[start].setChecked(True)

    def _fill_officers(self) -> None:
        current = self.officer.currentData()
        self.officer.blockSignals(True)
        self.officer.clear()
        counts = {r["officer_id"]: r["n"] for r in self.ctx.store.query(
            "SELECT officer_id, count(*) AS n FROM officer_areas GROUP BY officer_id")}
        for o in area_officers.officers(self.ctx.store):
            if o["id"] in counts:
                self.officer.addItem(f"{o['full_name']} ({o['username']}) — {counts[o['id']]} địa bàn", o["id"])
        if current is not None and self.officer.findData(current) >= 0:
            self.officer.setCurrentIndex(self.officer.findData(current))
        self.officer.blockSignals(False)

    # ---- the list ------------------------------------------------------------------------------------
    def kind(self) -> str:
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def _choose(self, kind: str) -> None:
        if self.kind_buttons[kind].isChecked():
            self.reload()
        else:
            self.kind_buttons[kind].setChecked(True)

    def reload(self) -> None:
        store, kind = self.ctx.store, self.kind()
        try:
            if kind == OFFICER:
                officer_id = self.officer.currentData()
                rows = worklists.officer_worklist(store, officer_id) if officer_id is not None else []
                shown = [[thousands(n), r["full_name"], (r["birth_date"] or "")[:4], mask_personal_id(r["id_number"]),
                          r["area_name"], r["village"], r["address"] or "", r["phone"] or ""]
                         for n, r in enumerate(rows, start=1)]
                what = "người chưa kích hoạt (từ 14 tuổi) ở các thôn, tổ cán bộ phụ trách" if officer_id is not None \
                    else "— chưa có cán bộ nào được phân công thôn, tổ: bấm «Phân công thôn, tổ…»"
            elif kind == AGENCY:
                agency_id = self.agency.currentData()
                rows = worklists.agency_worklist(store, agency_id) if agency_id is not None else []
                shown = [[thousands(n), r["full_name"], (r["birth_date"] or "")[:4], mask_personal_id(r["id_number"]),
                          r["position"] or "", r["staff_phone"] or r["phone"] or "", worklists.account_state(r)]
                         for n, r in enumerate(rows, start=1)]
                what = "cán bộ, nhân viên chưa có mức 2 hoặc chưa kích hoạt"
            else:
                rows = worklists.schedule_no_shows(store)
                shown = [[thousands(n), r["name"], r["tax_code"] or "", r["representative"], r["phone"],
                          date_text(r["scheduled_on"]) + (f" {r['scheduled_time']}" if r["scheduled_time"] else ""),
                          str(r["staff_count"] or "")] for n, r in enumerate(rows, start=1)]
                what = f"doanh nghiệp đã qua ngày hẹn (trước {date_text(store.today())}) mà chưa đến"
        except UserError as exc:
            show_error(self, exc)
            return
        self.rows = rows
        if self.model.headers != COLUMNS[kind] or not self._widths_set:
            self._widths_set = True
            self.model.beginResetModel()
            self.model.headers = COLUMNS[kind]
            self.model.rows, self.model.keys = [], []
            self.model.endResetModel()
            for column, width in enumerate(WIDTHS[kind]):
                self.table.setColumnWidth(column, width)
        self.model.set_rows(shown, [r["id"] for r in rows])
        self.count_label.setText(f"<b>{thousands(len(rows))}</b> {what}")
        has_choice = kind == SCHEDULE or (self.officer if kind == OFFICER else self.agency).currentData() is not None
        self.pdf_button.setEnabled(has_choice)
        self.xlsx_button.setEnabled(has_choice)

    def _on_changes(self, changes) -> None:
        tables = {c.table for c in changes}
        if Table.CAMPAIGN_TARGETS in tables:  # officer_areas changed (citizen_targets.assign_officer)
            self._fill_officers()
        if {Table.PERSONS, Table.AGENCY_STAFF, Table.CAMPAIGN_TARGETS, Table.DOSSIERS,
                Table.ENTERPRISE_SCHEDULES} & tables:
            self.reload()

    # ---- actions ----------------------------------------------------------------------------------------
    def _export(self, kind: str, path: Path):
        officer_id, agency_id = self.officer.currentData(), self.agency.currentData()
        if kind == OFFICER:
            return lambda store, _p: worklist_service.export_door_to_door(store, path, officer_id=officer_id)
        if kind == AGENCY:
            return lambda store, _p: worklist_service.export_agency_letter(store, path, agency_id)
        return lambda store, _p: worklist_service.export_no_shows(store, path)

    def _file_name(self, suffix: str) -> str:
        return f"{FILE_STEMS[self.kind()]}-{self.ctx.store.today():%Y%m%d}{suffix}"

    def print_pdf(self) -> BackgroundOp | None:
        """Write the PDF into the Documents folder (never over an older one) and open it to print."""
        if not self.pdf_button.isEnabled():
            return None
        folder = Path(default_folder())
        stem = Path(self._file_name(".pdf")).stem
        path, n = folder / f"{stem}.pdf", 2
        while path.exists():
            path, n = folder / f"{stem}-{n}.pdf", n + 1
        return self._run(self.kind(), path, open_after=True)

    def choose_xlsx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Lưu danh sách vận động", default_path(self._file_name(".xlsx")),
                                              "Excel (*.xlsx)")
        if path:
            if not path.lower().endswith(".xlsx"):
                path += ".xlsx"
            self.export_to(path)

    def export_to(self, path: str | Path) -> BackgroundOp:
        return self._run(self.kind(), Path(path), open_after=False)

    def _run(self, kind: str, path: Path, *, open_after: bool) -> BackgroundOp:
        def done(count: int) -> None:
            self.last_path = path
            if open_after:
                type(self).opener(path)
            show_message(self, "Đã lưu danh sách", f"Đã ghi {thousands(count)} dòng vào «{path}».")

        op = BackgroundOp(self.ctx, self._export(kind, path), title="Đang ghi danh sách…", parent=self).success(
            done).failure(lambda exc: show_error(self, exc)).run()
        self.last_op = op
        return op

    def open_assignments(self) -> None:
        dialog = AreaOfficersDialog(self.ctx, self, officer_id=self.officer.currentData())
        dialog.open()
        self.assignments_dialog = dialog
