"""Campaign editor: create from a template, edit the plan's data, phases, targets and the allocation
of each target to the communes (sum kept visible, "Phân bổ theo tỷ lệ" to split proportionally).

Every change goes through ``models.campaigns.plans`` / ``models.campaigns.targets``, which check ``campaign.manage``;
a refusal is shown as a message and nothing changes.

The plan's data, the selected phase and the selected target are forms saved with their own buttons;
leaving them edited (closing the editor, choosing another plan, phase or target, making another plan
current or creating one) asks «Lưu / Không lưu / Ở lại» (``ui.dialogs.unsaved``); «Lưu» saves every
edited form.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.campaigns import plans as cm
from models.campaigns import targets as tg
from models.campaigns.templates import create_from_template, template_choices
from models.registry.organizations import GROUPS
from models.text.vn_format import DASH, date_text, thousands
from ui.context import AppContext
from ui.dialogs.unsaved import settle
from ui.ops import run_mutation
from ui.tables.rows_model import RowsModel, rows_view
from ui.widgets.progress_widgets import BaselineBanner

PHASE_COLUMNS = ["Tên giai đoạn", "Loại", "Từ ngày", "Đến ngày"]
TARGET_COLUMNS = ["Chỉ tiêu", "Nhóm", "Cách tính", "Giá trị", "Số gốc KH", "Nguồn số gốc", "Giao cho đơn vị",
                  "Chỉ tiêu áp dụng"]
ALLOC_COLUMNS = ["Mã", "Địa bàn", "Số tổ chức", "Chỉ tiêu phân bổ"]


def _qdate(iso: str | None) -> QDate:
    d = dt.date.fromisoformat(iso) if iso else dt.date.today()
    return QDate(d.year, d.month, d.day)


def _iso(edit: QDateEdit) -> str:
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day()).isoformat()



def _date_edit() -> QDateEdit:
    edit = QDateEdit()
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


def _num(value) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


class TemplateDialog(QDialog):
    """Choose a built-in plan and how its figures apply to this unit."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("templateDialog")
        self.setWindowTitle("Tạo kế hoạch từ mẫu")
        self.combo = QComboBox()
        self.combo.setObjectName("templateCombo")
        for key, title in template_choices():
            self.combo.addItem(title, key)
        self.unit_scale = QRadioButton("Quy đổi chỉ tiêu theo danh sách tổ chức của đơn vị (cùng tỷ lệ với kế hoạch)")
        self.unit_scale.setChecked(True)
        self.province_scale = QRadioButton("Giữ nguyên số liệu của kế hoạch (cấp tỉnh/thành phố)")
        self.make_current = QCheckBox("Đặt làm kế hoạch hiện hành")
        self.make_current.setChecked(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Mẫu kế hoạch:"))
        layout.addWidget(self.combo)
        layout.addWidget(self.unit_scale)
        layout.addWidget(self.province_scale)
        layout.addWidget(QLabel("Sau khi tạo, có thể sửa mọi số liệu; nếu cấp trên đã giao chỉ tiêu cho đơn vị, "
                                "nhập vào ô «Chỉ tiêu giao cho đơn vị»."))
        layout.addWidget(self.make_current)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Tạo")
        buttons.button(QDialogButtonBox.Cancel).setText("Huỷ")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choice(self) -> tuple[str, str, bool]:
        return (self.combo.currentData(), "unit" if self.unit_scale.isChecked() else "province",
                self.make_current.isChecked())


class CampaignEditor(QDialog):
    def __init__(self, ctx: AppContext, campaign_id: int | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.store
        self.setObjectName("campaignEditor")
        self.setWindowTitle("Kế hoạch, chỉ tiêu và phân bổ")
        self.campaign_id = campaign_id
        self.phase_id: int | None = None
        self.target_id: int | None = None
        self._filling = False
        self.confirm_box: QMessageBox | None = None   # the open «Xác nhận xoá» question (tests use it)
        self._phases: list[dict] = []
        self._targets: list[dict] = []
        self._alloc_rows: list[dict] = []
        # The forms as last filled from the database: an edit is what differs (None: nothing to edit).
        self._loaded: dict[str, dict | None] = {"campaign": None, "phase": None, "target": None}
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(self._build_campaign_form())
        left.addWidget(self._build_phases())
        right = QVBoxLayout()
        # "the baseline changed, recompute?" (the same banner as the dashboard's)
        self.baseline_banner = BaselineBanner(self.store, self)
        self.baseline_banner.recomputed.connect(lambda: self._show_targets(self.target_id))
        right.addWidget(self.baseline_banner)
        right.addWidget(self._build_targets(), 3)
        right.addWidget(self._build_allocation(), 2)
        lw, rw = QWidget(), QWidget()
        lw.setLayout(left)
        rw.setLayout(right)
        grid.addWidget(lw, 0, 0)
        grid.addWidget(rw, 0, 1)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(0, 2)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText("Đóng")
        close.rejected.connect(self.reject)
        self.close_buttons = close
        # Fits a 1280×720 screen; on anything smaller the body scrolls, the plan chooser and «Đóng» stay.
        scroll = QScrollArea()
        scroll.setObjectName("campaignEditorScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_chooser())
        layout.addWidget(scroll, 1)
        layout.addWidget(close)
        self._fit_screen()
        self._wire()
        self.reload_campaigns(campaign_id)

    # ---- building ----------------------------------------------------------------------------------------
    def _build_chooser(self) -> QHBoxLayout:
        """The plan chooser with «Tạo từ mẫu», «Kế hoạch mới», «Đặt làm hiện hành», «Xoá kế hoạch»."""
        self.campaign_combo = QComboBox()
        self.campaign_combo.setObjectName("editorCampaignCombo")
        # Plan names are long ("Cao điểm triển khai định danh điện tử cho cơ quan, tổ chức (Kiên Giang)"): the
        # combo takes the room there is instead of widening the dialog past a 1280-px screen.
        self.campaign_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.campaign_combo.setMinimumContentsLength(24)
        self.template_button = QPushButton("Tạo từ &mẫu…")
        self.template_button.setObjectName("templateButton")
        self.new_button = QPushButton("Kế hoạch &mới")
        self.current_button = QPushButton("Đặt làm &hiện hành")
        self.delete_button = QPushButton("Xoá kế hoạch")
        top = QHBoxLayout()
        top.addWidget(QLabel("Kế hoạch:"))
        top.addWidget(self.campaign_combo, 1)
        for b in (self.template_button, self.new_button, self.current_button, self.delete_button):
            top.addWidget(b)
        return top

    def _build_campaign_form(self) -> QGroupBox:
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("campaignName")
        self.plan_number_edit = QLineEdit()
        self.plan_number_edit.setPlaceholderText("ví dụ 374/KH-UBND")
        self.plan_date_edit = QLineEdit()
        self.plan_date_edit.setPlaceholderText("dd/mm/yyyy")
        self.issuer_edit = QLineEdit()
        self.start_edit = _date_edit()
        self.end_edit = _date_edit()
        self.counts_combo = QComboBox()
        for key, label in cm.COUNTS.items():
            self.counts_combo.addItem(label, key)
        self.notes_edit = QLineEdit()
        self.save_campaign_button = QPushButton("&Lưu thông tin kế hoạch")
        self.save_campaign_button.setObjectName("saveCampaignButton")
        form = QFormLayout()
        form.addRow("&Tên kế hoạch:", self.name_edit)
        form.addRow("Số kế hoạch:", self.plan_number_edit)
        form.addRow("Ngày ký:", self.plan_date_edit)
        form.addRow("Cơ quan ban hành:", self.issuer_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel("đến"))
        dates.addWidget(self.end_edit)
        dates.addStretch()
        form.addRow("Thời gian:", dates)
        form.addRow("Tính kết quả theo:", self.counts_combo)
        form.addRow("Ghi chú:", self.notes_edit)
        form.addRow("", self.save_campaign_button)
        campaign_box = QGroupBox("Thông tin kế hoạch")
        campaign_box.setLayout(form)
        return campaign_box

    def _build_phases(self) -> QGroupBox:
        self.phase_model = RowsModel(PHASE_COLUMNS)
        self.phase_table = self._table("phaseTable", self.phase_model)
        self.phase_table.horizontalHeader().setStretchLastSection(False)
        self.phase_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.phase_name = QLineEdit()
        self.phase_kind = QComboBox()
        for key, label in cm.PHASE_KINDS.items():
            self.phase_kind.addItem(label, key)
        self.phase_start = _date_edit()
        self.phase_end = _date_edit()
        self.add_phase_button = QPushButton("Thêm giai đoạn")
        self.save_phase_button = QPushButton("Lưu giai đoạn")
        self.delete_phase_button = QPushButton("Xoá giai đoạn")
        phase_form = QGridLayout()
        phase_form.addWidget(QLabel("Tên:"), 0, 0)
        phase_form.addWidget(self.phase_name, 0, 1, 1, 3)
        phase_form.addWidget(self.phase_kind, 1, 0, 1, 2)
        phase_form.addWidget(self.phase_start, 1, 2)
        phase_form.addWidget(self.phase_end, 1, 3)
        buttons = QHBoxLayout()
        for b in (self.add_phase_button, self.save_phase_button, self.delete_phase_button):
            buttons.addWidget(b)
        phase_box = QGroupBox("Giai đoạn và chỉ tiêu trong ngày")
        pv = QVBoxLayout(phase_box)
        pv.addWidget(self.phase_table)
        pv.addLayout(phase_form)
        pv.addLayout(buttons)
        return phase_box

    def _build_targets(self) -> QGroupBox:
        self.target_model = RowsModel(TARGET_COLUMNS)
        self.target_table = self._table("targetTable", self.target_model)
        self.target_label = QLineEdit()
        self.group_checks = {g: QCheckBox(f"{g}. {name}") for g, name in GROUPS.items()}
        self.kind_combo = QComboBox()
        for key, label in tg.KINDS.items():
            self.kind_combo.addItem(label, key)
        self.value_edit = QLineEdit()
        self.value_edit.setObjectName("targetValue")
        self.plan_baseline_edit = QLineEdit()
        self.source_combo = QComboBox()
        for key, label in tg.BASELINE_SOURCES.items():
            self.source_combo.addItem(label, key)
        self.as_of_edit = QLineEdit()
        self.as_of_edit.setPlaceholderText("dd/mm/yyyy (để trống: toàn bộ danh sách)")
        self.unit_value_edit = QLineEdit()
        self.unit_value_edit.setObjectName("unitValue")
        self.unit_value_edit.setPlaceholderText("để trống: tính theo tỷ lệ")
        self.cumulative_check = QCheckBox("Tính lũy kế từ đầu kế hoạch")
        self.add_target_button = QPushButton("Thêm chỉ tiêu")
        self.save_target_button = QPushButton("Lưu chỉ tiêu")
        self.save_target_button.setObjectName("saveTargetButton")
        self.delete_target_button = QPushButton("Xoá chỉ tiêu")
        groups_row = QGridLayout()  # two by two: the four group names side by side are wider than the screen
        for index, check in enumerate(self.group_checks.values()):
            groups_row.addWidget(check, index // 2, index % 2)
        tform = QFormLayout()
        tform.addRow("Tên chỉ tiêu:", self.target_label)
        tform.addRow("Nhóm tổ chức:", groups_row)
        row = QHBoxLayout()
        row.addWidget(self.kind_combo)
        row.addWidget(QLabel("Giá trị:"))
        row.addWidget(self.value_edit)
        row.addWidget(QLabel("trên số gốc:"))
        row.addWidget(self.plan_baseline_edit)
        tform.addRow("Cách tính:", row)
        row2 = QHBoxLayout()
        row2.addWidget(self.source_combo)
        row2.addWidget(QLabel("chốt ngày:"))
        row2.addWidget(self.as_of_edit)
        tform.addRow("Số gốc lấy từ:", row2)
        tform.addRow("Chỉ tiêu giao cho đơn vị:", self.unit_value_edit)
        tform.addRow("", self.cumulative_check)
        tbuttons = QHBoxLayout()
        for b in (self.add_target_button, self.save_target_button, self.delete_target_button):
            tbuttons.addWidget(b)
        target_box = QGroupBox("Chỉ tiêu của giai đoạn đã chọn")
        tv = QVBoxLayout(target_box)
        tv.addWidget(self.target_table)
        tv.addLayout(tform)
        tv.addLayout(tbuttons)
        return target_box

    def _build_allocation(self) -> QGroupBox:
        self.alloc_model = RowsModel(ALLOC_COLUMNS, right={2, 3}, editable={3}, on_edit=self._allocation_edited,
                                     colors=self._allocation_colors)
        self.alloc_table = QTableView()
        self.alloc_table.setObjectName("allocationTable")
        self.alloc_table.setModel(self.alloc_model)
        self.alloc_table.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.alloc_table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.alloc_table.verticalHeader().hide()
        self.alloc_table.horizontalHeader().setStretchLastSection(True)
        self.alloc_table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                         | QAbstractItemView.AnyKeyPressed)
        self.alloc_sum = QLabel()
        self.alloc_sum.setObjectName("allocationSum")
        self.allocate_button = QPushButton("&Phân bổ theo tỷ lệ")
        self.allocate_button.setObjectName("allocateButton")
        alloc_box = QGroupBox("Phân bổ chỉ tiêu cho địa bàn")
        av = QVBoxLayout(alloc_box)
        # Two fixed lines, not word wrap: a wrapping label would make the scroll area below take the body's
        # preferred height (height-for-width) and scroll at 1280×720.
        av.addWidget(QLabel("Bấm «Phân bổ theo tỷ lệ» để chia theo số tổ chức của từng địa bàn,\n"
                            "rồi sửa trực tiếp ô «Chỉ tiêu phân bổ» nếu cần."))
        av.addWidget(self.alloc_table)
        av.addWidget(self.alloc_sum)
        av.addWidget(self.allocate_button)
        return alloc_box

    def _wire(self) -> None:
        self.campaign_combo.activated.connect(lambda _i: self._choose_campaign(self.campaign_combo.currentData()))
        self.template_button.clicked.connect(self.ask_template)
        self.new_button.clicked.connect(self.new_campaign)
        self.current_button.clicked.connect(self.make_current)
        self.delete_button.clicked.connect(self.delete_campaign)
        self.save_campaign_button.clicked.connect(self.save_campaign)
        self.phase_table.selectionModel().selectionChanged.connect(lambda _new, _old: self._phase_selected())
        self.add_phase_button.clicked.connect(lambda: self.save_phase(new=True))
        self.save_phase_button.clicked.connect(lambda: self.save_phase(new=False))
        self.delete_phase_button.clicked.connect(self.delete_phase)
        self.target_table.selectionModel().selectionChanged.connect(lambda _new, _old: self._target_selected())
        self.add_target_button.clicked.connect(lambda: self.save_target(new=True))
        self.save_target_button.clicked.connect(lambda: self.save_target(new=False))
        self.delete_target_button.clicked.connect(self.delete_target)
        self.allocate_button.clicked.connect(self.allocate)

    # ---- helpers -------------------------------------------------------------------------------------------
    def _fit_screen(self) -> None:
        """1180×820 where there is room; never larger than the screen's free area (1366×768, 1280×720)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry() if screen is not None else None
        width, height = 1180, 820
        if free is not None and free.width() > 0 and free.height() > 0:
            width, height = min(width, free.width() - 20), min(height, free.height() - 40)
        self.resize(max(width, self.minimumSizeHint().width()), max(height, self.minimumSizeHint().height()))

    @staticmethod
    def _table(name: str, model: RowsModel) -> QTableView:
        table = rows_view(name, model)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        return table

    def _fill(self, table: QTableView, rows: list[list[str]], keys: list[int]) -> None:
        """Replace a table's rows (selection signals ignored meanwhile)."""
        self._filling = True
        try:
            table.model().set_rows(rows, keys)
        finally:
            self._filling = False

    def _reselect(self, table: QTableView, ids: list[int], wanted: int | None, current: int | None) -> bool:
        """Select the wanted row, else the current one, else the first; False when the table is empty.
        The caller shows the selected row (selection signals ignored meanwhile)."""
        choice = wanted if wanted in ids else (current if current in ids else (ids[0] if ids else None))
        if choice is None:
            return False
        self._filling = True
        try:
            table.selectRow(ids.index(choice))
        finally:
            self._filling = False
        return True

    def _confirm(self, text: str, action) -> None:
        """Ask before a deletion (window-modal, non-blocking); «Không xoá» is the default and Esc."""
        box = QMessageBox(QMessageBox.Question, "Xác nhận xoá", text, QMessageBox.Yes | QMessageBox.No, self)
        box.setObjectName("confirmBox")
        box.button(QMessageBox.Yes).setText("&Xoá")
        box.button(QMessageBox.No).setText("&Không xoá")
        box.setDefaultButton(QMessageBox.No)
        box.setEscapeButton(QMessageBox.No)
        box.buttonClicked.connect(lambda button: action() if button is box.button(QMessageBox.Yes) else None)
        self.confirm_box = box
        box.open()

    def _try(self, fn) -> bool:
        """One change through the model (which checks ``campaign.manage``); a refusal is shown."""
        return bool(run_mutation(self, fn))

    # ---- unsaved edits (ui.dialogs.unsaved) ----------------------------------------------------------------
    def _edited(self) -> list[str]:
        current = {"campaign": self._campaign_data() if self.campaign_id is not None else None,
                   "phase": self._phase_data() if self.phase_id is not None else None,
                   "target": self._target_data() if self.target_id is not None else None}
        return [key for key, loaded in self._loaded.items()
                if loaded is not None and current[key] is not None and current[key] != loaded]

    def has_unsaved_changes(self) -> bool:
        return bool(self._edited())

    def unsaved_title(self) -> str:
        parts = {"campaign": "thông tin kế hoạch", "phase": "giai đoạn", "target": "chỉ tiêu"}
        return "Kế hoạch («" + ", ".join(parts[key] for key in self._edited()) + "»)"

    def save_changes(self) -> bool:
        """Save every edited form (target, phase, then the plan: each save reloads what is under it)."""
        edited = self._edited()
        steps = [("target", lambda: tg.update_target(self.store, self.target_id, self._target_data()),
                  self._target_data),
                 ("phase", lambda: cm.update_phase(self.store, self.phase_id, self._phase_data()), self._phase_data),
                 ("campaign", lambda: cm.update_campaign(self.store, self.campaign_id, self._campaign_data()),
                  self._campaign_data)]
        for key, write, data in steps:
            if key in edited:
                if not self._try(write):
                    return False
                self._loaded[key] = data()
        self.reload_campaigns(self.campaign_id)
        return True

    def discard_changes(self) -> None:
        self.reload_campaigns(self.campaign_id)

    def reject(self) -> None:
        """«Đóng», Esc and the close box: ask before dropping an edited form."""
        if settle(self, self):
            super().reject()

    def _choose_campaign(self, campaign_id: int | None) -> None:
        if campaign_id != self.campaign_id and not settle(self, self):
            self.campaign_combo.setCurrentIndex(self.campaign_combo.findData(self.campaign_id))
            return
        self.reload_campaigns(campaign_id)

    # ---- campaigns -----------------------------------------------------------------------------------------
    def reload_campaigns(self, select: int | None = None) -> None:
        self.campaign_combo.clear()
        for row in cm.list_campaigns(self.store, "organization"):
            self.campaign_combo.addItem(row["name"] + (" (hiện hành)" if row["current"] else ""), row["id"])
        if select is None and self.campaign_combo.count():
            select = self.campaign_combo.itemData(0)
        index = self.campaign_combo.findData(select)
        self.campaign_combo.setCurrentIndex(index)
        self.load_campaign(select if index >= 0 else None)

    def load_campaign(self, campaign_id: int | None) -> None:
        self.campaign_id = campaign_id
        self.baseline_banner.update_for(campaign_id)
        enabled = campaign_id is not None
        for w in (self.save_campaign_button, self.current_button, self.delete_button, self.add_phase_button):
            w.setEnabled(enabled)
        if campaign_id is None:
            self._fill(self.phase_table, [], [])
            self._phases = []
            self._show_targets()
            return
        row = cm.get_campaign_row(self.store, campaign_id)
        self.name_edit.setText(row["name"])
        self.plan_number_edit.setText(row["plan_number"] or "")
        self.plan_date_edit.setText(date_text(row["plan_date"]))
        self.issuer_edit.setText(row["issuer"] or "")
        self.start_edit.setDate(_qdate(row["start_on"]))
        self.end_edit.setDate(_qdate(row["end_on"]))
        self.counts_combo.setCurrentIndex(self.counts_combo.findData(row["counts"]))
        self.notes_edit.setText(row["notes"] or "")
        self._loaded["campaign"] = self._campaign_data()
        self._show_phases()

    def _campaign_data(self) -> dict:
        return {"name": self.name_edit.text(), "plan_number": self.plan_number_edit.text(),
                "plan_date": self.plan_date_edit.text(), "issuer": self.issuer_edit.text(),
                "start_on": _iso(self.start_edit), "end_on": _iso(self.end_edit),
                "counts": self.counts_combo.currentData(), "notes": self.notes_edit.text()}

    def save_campaign(self) -> None:
        if self.campaign_id is not None and self._try(
                lambda: cm.update_campaign(self.store, self.campaign_id, self._campaign_data())):
            self.reload_campaigns(self.campaign_id)

    def new_campaign(self) -> None:
        if not settle(self, self):
            return
        data = self._campaign_data()
        data["name"] = data["name"] or "Kế hoạch mới"
        if self.campaign_id is not None:
            data["name"] = "Kế hoạch mới"
        outcome = run_mutation(self, lambda: cm.create_campaign(self.store, data))
        if outcome:
            self.reload_campaigns(outcome.value)

    def ask_template(self) -> None:
        if not settle(self, self):
            return
        dialog = TemplateDialog(self)
        self.template_dialog = dialog
        dialog.accepted.connect(lambda: self.create_from_template(*dialog.choice()))
        dialog.open()

    def create_from_template(self, key: str, scale: str, make_current: bool) -> None:
        outcome = run_mutation(self, lambda: create_from_template(self.store, key, scale=scale,
                                                                  make_current=make_current))
        if outcome:
            self.reload_campaigns(outcome.value)

    def make_current(self) -> None:
        if not settle(self, self):
            return
        if self.campaign_id is not None and self._try(lambda: cm.set_current(self.store, self.campaign_id)):
            self.reload_campaigns(self.campaign_id)

    def delete_campaign(self) -> None:
        if self.campaign_id is None:
            return
        name = self.campaign_combo.currentText().removesuffix(" (hiện hành)")
        self._confirm(f"Xoá kế hoạch «{name}» cùng mọi giai đoạn, chỉ tiêu và phân bổ của nó? "
                      "Hồ sơ đã nhận không bị ảnh hưởng.", self._delete_campaign)

    def _delete_campaign(self) -> None:
        if self.campaign_id is not None and self._try(lambda: cm.delete_campaign(self.store, self.campaign_id)):
            self.reload_campaigns(None)

    # ---- phases --------------------------------------------------------------------------------------------
    def _show_phases(self, select: int | None = None) -> None:
        phases = cm.list_phases(self.store, self.campaign_id)
        self._phases = phases
        self._fill(self.phase_table, [[p["name"], cm.PHASE_KINDS[p["kind"]], date_text(p["start_on"]),
                                       date_text(p["end_on"])] for p in phases], [p["id"] for p in phases])
        if self._reselect(self.phase_table, [p["id"] for p in phases], select, self.phase_id):
            self._phase_selected()
        else:
            self.phase_id = None
            self._show_targets()

    def _phase_selected(self) -> None:
        rows = self.phase_table.selectionModel().selectedRows()
        if self._filling or not rows:
            return
        p = self._phases[rows[0].row()]
        if p["id"] != self.phase_id and self.has_unsaved_changes():
            if not settle(self, self):
                self._reselect(self.phase_table, [ph["id"] for ph in self._phases], self.phase_id, None)
                return
            self._show_phases(p["id"])  # saving or dropping reloaded the tables
            return
        self.phase_id = p["id"]
        self.phase_name.setText(p["name"])
        self.phase_kind.setCurrentIndex(self.phase_kind.findData(p["kind"]))
        self.phase_start.setDate(_qdate(p["start_on"]))
        self.phase_end.setDate(_qdate(p["end_on"]))
        self._loaded["phase"] = self._phase_data()
        self._show_targets()

    def _phase_data(self) -> dict:
        return {"name": self.phase_name.text(), "kind": self.phase_kind.currentData(),
                "start_on": _iso(self.phase_start), "end_on": _iso(self.phase_end)}

    def save_phase(self, *, new: bool) -> None:
        if self.campaign_id is None:
            return
        data = self._phase_data()
        if new:
            outcome = run_mutation(self, lambda: cm.add_phase(
                self.store, self.campaign_id, data["name"], data["start_on"], data["end_on"], kind=data["kind"]))
            if outcome:
                self._show_phases(outcome.value)
        elif self.phase_id is not None and self._try(lambda: cm.update_phase(self.store, self.phase_id, data)):
            self._show_phases(self.phase_id)

    def delete_phase(self) -> None:
        if self.phase_id is not None:
            self._confirm(f"Xoá giai đoạn «{self.phase_name.text()}» cùng các chỉ tiêu và phân bổ của nó?",
                          self._delete_phase)

    def _delete_phase(self) -> None:
        if self.phase_id is not None and self._try(lambda: cm.delete_phase(self.store, self.phase_id)):
            self.phase_id = None
            self._show_phases()

    # ---- targets -------------------------------------------------------------------------------------------
    def _show_targets(self, select: int | None = None) -> None:
        self.baseline_banner.update_for(self.campaign_id)   # a recomputation or an edit may settle it
        targets = [] if self.campaign_id is None else [
            t for t in tg.list_targets(self.store, self.campaign_id) if t["phase_id"] == self.phase_id]
        self._targets = targets
        cache: dict = {}
        rows = []
        for t in targets:
            eff = tg.effective_target(self.store, t, registry_counts=cache)
            value = _num(t["value"]) + ("%" if t["kind"] == "percent" and t["value"] is not None else "")
            rows.append([t["label"], t["groups"].replace(",", " + "), tg.KINDS[t["kind"]], value,
                         thousands(t["plan_baseline"], DASH), tg.BASELINE_SOURCES[t["baseline_source"]],
                         thousands(t["unit_value"], DASH), thousands(eff.value, DASH)])
        self._fill(self.target_table, rows, [t["id"] for t in targets])
        self.add_target_button.setEnabled(self.phase_id is not None)
        if self._reselect(self.target_table, [t["id"] for t in targets], select, self.target_id):
            self._target_selected()
        else:
            self.target_id = None
            self._show_allocation()

    def _target_selected(self) -> None:
        rows = self.target_table.selectionModel().selectedRows()
        if self._filling or not rows:
            return
        t = self._targets[rows[0].row()]
        if t["id"] != self.target_id and self.has_unsaved_changes():
            if not settle(self, self):
                self._reselect(self.target_table, [x["id"] for x in self._targets], self.target_id, None)
                return
            self._show_targets(t["id"])  # saving or dropping reloaded the tables
            return
        self.target_id = t["id"]
        self.target_label.setText(t["label"])
        groups = tg.parse_groups(t["groups"])
        for g, check in self.group_checks.items():
            check.setChecked(g in groups)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(t["kind"]))
        self.value_edit.setText(_num(t["value"]))
        self.plan_baseline_edit.setText(_num(t["plan_baseline"]))
        self.source_combo.setCurrentIndex(self.source_combo.findData(t["baseline_source"]))
        self.as_of_edit.setText(date_text(t["baseline_as_of"]))
        self.unit_value_edit.setText(_num(t["unit_value"]))
        self.cumulative_check.setChecked(bool(t["cumulative"]))
        self._loaded["target"] = self._target_data()
        self._show_allocation()

    def _target_data(self) -> dict:
        return {"label": self.target_label.text(),
                "groups": [g for g, c in self.group_checks.items() if c.isChecked()],
                "kind": self.kind_combo.currentData(), "value": self.value_edit.text(),
                "plan_baseline": self.plan_baseline_edit.text(), "baseline_source": self.source_combo.currentData(),
                "baseline_as_of": self.as_of_edit.text(), "unit_value": self.unit_value_edit.text(),
                "cumulative": self.cumulative_check.isChecked()}

    def save_target(self, *, new: bool) -> None:
        if self.phase_id is None:
            return
        data = self._target_data()
        if new:
            outcome = run_mutation(self, lambda: tg.create_target(self.store, self.phase_id, data))
            if outcome:
                self._show_targets(outcome.value)
        elif self.target_id is not None and self._try(lambda: tg.update_target(self.store, self.target_id, data)):
            self._show_targets(self.target_id)

    def delete_target(self) -> None:
        if self.target_id is not None:
            self._confirm(f"Xoá chỉ tiêu «{self.target_label.text()}» cùng phân bổ của nó?", self._delete_target)

    def _delete_target(self) -> None:
        if self.target_id is not None and self._try(lambda: tg.delete_target(self.store, self.target_id)):
            self.target_id = None
            self._show_targets()

    # ---- allocation ------------------------------------------------------------------------------------------
    def _show_allocation(self) -> None:
        self.allocate_button.setEnabled(self.target_id is not None)
        if self.target_id is None:
            self._alloc_rows = []
            self.alloc_model.set_rows([], [])
            self.alloc_sum.setText("")
            return
        table = tg.allocation_table(self.store, self.target_id)
        self._alloc_rows = table["rows"]
        self.alloc_model.set_rows(
            [[row["area_code"], row["area_name"], thousands(row["baseline"], DASH),
              "" if row["value"] is None else str(row["value"])] for row in table["rows"]],
            [row["area_code"] for row in table["rows"]])
        self.alloc_table.resizeColumnsToContents()
        self._show_sum(table)

    def _allocation_colors(self, row: int, column: int):
        if column == 3 and self._alloc_rows[row]["edited"]:
            return ("#fff8e1", "#000000")   # edited by hand
        return None

    def _show_sum(self, table: dict) -> None:
        target, total, diff = table["target"], table["sum"], table["difference"]
        if target is None:
            text = f"Tổng phân bổ: <b>{thousands(total, DASH)}</b> — chỉ tiêu chưa có số lượng"
        elif diff == 0:
            text = (f"Tổng phân bổ: <b>{thousands(total, DASH)}</b> / chỉ tiêu {thousands(target, DASH)} — "
                    "<span style='color:#2e7d32'>khớp</span>")
        else:
            word = "thừa" if diff > 0 else "thiếu"
            text = (f"Tổng phân bổ: <b>{thousands(total, DASH)}</b> / chỉ tiêu {thousands(target, DASH)} — "
                    f"<span style='color:#c62828'><b>{word} {thousands(abs(diff), DASH)}</b></span>")
        self.alloc_sum.setText(text)

    def allocate(self) -> None:
        if self.target_id is not None and self._try(lambda: tg.allocate_proportionally(self.store, self.target_id)):
            self._show_allocation()

    def _allocation_edited(self, row: int, _column: int, text: str) -> None:
        if self.target_id is None:
            return
        code = self._alloc_rows[row]["area_code"]
        self._try(lambda: tg.set_allocation(self.store, self.target_id, code, text.strip() or None))
        self._show_allocation()
