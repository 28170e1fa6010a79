"""Province screen: drop the units' files, merge them, see per file accepted/refused and why; which
units have (not) sent their file for a week; the consolidated weekly report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.core.permissions import can
from models.reports.period import get_settings, previous_week, week_ending
from models.sync.consolidation import NOT_SENT, week_status
from models.sync.merge import (
    REFUSED,
    STATUS_LABELS,
    MergeResult,
    can_merge,
    declare_unit,
    is_lead_desk,
    is_province,
    set_lead_desk,
)
from models.text.vn_format import date_text, time_date_text
from services.consolidation import write_consolidated
from services.sync import merge_files
from ui.context import AppContext
from ui.dialogs.confirm import ask_yes_no
from ui.dialogs.reason_dialog import ReasonDialog
from ui.ops import BackgroundOp, run_mutation, show_error, show_message
from ui.pages.sync_keys_panel import UnitKeysPanel
from ui.tables.rows_model import RowsModel
from ui.widgets.date_edits import DateEdit
from ui.widgets.file_dialogs import default_folder, default_path

RESULT_COLUMNS = ["Tệp", "Đơn vị", "Kết quả", "Thêm mới", "Cập nhật", "Không đổi", "Lý do / ghi chú"]
UNIT_COLUMNS = ["Mã", "Đơn vị", "Tình trạng", "Tệp", "Số tệp", "Lập lúc", "Số liệu công dân"]
RED = ("#ffffff", "#b00020")  # (background, text) of a refused file or a unit that has not sent on time
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value


class ResultsModel(RowsModel):
    """One row per merged file, the reason as every cell's tooltip, refused files in red."""

    def __init__(self):
        super().__init__(RESULT_COLUMNS, right={3, 4, 5}, colors=self._color)
        self.results: list[MergeResult] = []

    def set_results(self, results: list[MergeResult]) -> None:
        self.results = results
        self.set_rows([[res.file, res.unit_name or "", STATUS_LABELS.get(res.status, res.status), str(res.inserted),
                        str(res.updated), str(res.unchanged), res.reason] for res in results])

    def _color(self, row: int, _column: int) -> tuple[str, str] | None:
        return RED if self.results[row].status == REFUSED else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole.value):
        if getattr(role, "value", role) == _TOOLTIP:
            return self.results[index.row()].reason or None
        return super().data(index, role)


def _table(name: str, model: RowsModel) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    return view


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> dt.date:
    return dt.date(qdate.year(), qdate.month(), qdate.day())


class FileDropList(QListWidget):
    """The files to merge: drop them here (several at once) or add them with the button."""

    files_added = Signal(list)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DropOnly)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setToolTip("Kéo thả các tệp .xlsx của đơn vị vào đây")

    def paths(self) -> list[Path]:
        return [Path(self.item(i).data(Qt.UserRole)) for i in range(self.count())]

    def add_paths(self, paths: list[str | Path]) -> list[Path]:
        known = {str(p) for p in self.paths()}
        added = []
        for path in map(Path, paths):
            if path.is_dir():
                candidates = sorted(path.glob("*.xlsx"))
            else:
                candidates = [path]
            for p in candidates:
                if str(p) in known:
                    continue
                known.add(str(p))
                self.addItem(p.name)
                self.item(self.count() - 1).setData(Qt.UserRole, str(p))
                self.item(self.count() - 1).setToolTip(str(p))
                added.append(p)
        if added:
            self.files_added.emit(added)
        return added

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.add_paths(urls)
            event.acceptProposedAction()
        else:
            super().dropEvent(event)

    def remove_selected(self) -> None:
        for item in self.selectedItems():
            self.takeItem(self.row(item))


class MergePanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.last_op: BackgroundOp | None = None
        self.results: list[MergeResult] = []
        self.result_paths: list[Path] = []  # the file of each result
        self._retrying: Path | None = None  # the one file merged again after the leader accepted it
        self._asked: set[tuple[Path, str]] = set()  # (file, problem) the leader already answered
        self._unsigned_ok: set[Path] = set()
        self.gap_dialog: ReasonDialog | None = None
        layout = QVBoxLayout(self)
        self.province_note = QLabel()
        self.province_note.setObjectName("syncProvinceNote")
        self.province_note.setWordWrap(True)
        layout.addWidget(self.province_note)
        # A unit with several desks: each keeps its own database, the lead desk merges the desks' files.
        self.lead_desk = QCheckBox("Máy này là &bàn chính của đơn vị: tổng hợp tệp đồng bộ của các bàn tiếp nhận")
        self.lead_desk.setObjectName("syncLeadDesk")
        self.lead_desk.toggled.connect(self._lead_desk_toggled)
        layout.addWidget(self.lead_desk)

        split = QSplitter(Qt.Vertical)
        split.addWidget(self._build_files())
        split.addWidget(self._build_units())
        self.keys_panel = UnitKeysPanel(ctx)
        # the key register shrinks first (its list scrolls) so the page fits a 1366×768 screen
        self.keys_panel.setMinimumHeight(90)
        split.addWidget(self.keys_panel)
        layout.addWidget(split, 1)

        self.setTabOrder(self.drop_list, self.add_button)
        self.setTabOrder(self.add_button, self.remove_button)
        self.setTabOrder(self.remove_button, self.password)
        self.setTabOrder(self.password, self.merge_button)
        store = self.ctx.store
        self.week_end.setDate(_qdate(previous_week(store.now(), get_settings(store)).end))
        self.refresh()

    # ---- building ---------------------------------------------------------------------------
    def _build_files(self) -> QGroupBox:
        files_box = QGroupBox("Tệp của các đơn vị (kéo thả vào danh sách hoặc bấm «Thêm tệp…»)")
        files = QVBoxLayout(files_box)
        self.drop_list = FileDropList()
        self.drop_list.setObjectName("syncDropList")
        files.addWidget(self.drop_list)
        buttons = QHBoxLayout()
        add = self.add_button = QPushButton("Thêm tệp…")
        add.clicked.connect(self.choose_files)
        remove = self.remove_button = QPushButton("Bỏ tệp đang chọn")
        remove.clicked.connect(self.drop_list.remove_selected)
        self.password = QLineEdit()
        self.password.setObjectName("syncMergePassword")
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText("mật khẩu (nếu tệp được mã hoá)")
        self.merge_button = QPushButton("Tổng hợp (Ctrl+M)")
        self.merge_button.setObjectName("syncMergeButton")
        self.merge_button.clicked.connect(lambda: self.start_merge())  # not clicked's «checked» as paths
        QShortcut(QKeySequence("Ctrl+M"), self, activated=lambda: self.start_merge(),
                  context=Qt.WidgetWithChildrenShortcut)
        for widget in (add, remove):
            buttons.addWidget(widget)
        buttons.addWidget(QLabel("Mật khẩu:"))
        buttons.addWidget(self.password, 1)
        buttons.addWidget(self.merge_button)
        files.addLayout(buttons)
        self.results_model = ResultsModel()
        self.results_table = _table("syncMergeResults", self.results_model)
        self.results_table.setWordWrap(True)
        files.addWidget(self.results_table)
        return files_box

    def _build_units(self) -> QGroupBox:
        units_box = QGroupBox("Đơn vị đã / chưa gửi tệp trong tuần")
        units = QVBoxLayout(units_box)
        week_row = QHBoxLayout()
        self.week_end = DateEdit()
        self.week_end.setObjectName("syncUnitsWeekEnd")
        self.week_end.setCalendarPopup(True)
        self.week_end.setDisplayFormat("dd/MM/yyyy")
        self.week_end.dateChanged.connect(self.refresh_units)
        self.week_label = QLabel()
        self.declare_code = QLineEdit()
        self.declare_code.setPlaceholderText("mã đơn vị")
        self.declare_name = QLineEdit()
        self.declare_name.setPlaceholderText("tên đơn vị phải gửi tệp")
        declare = QPushButton("Khai báo đơn vị")
        declare.clicked.connect(self.declare)
        self.report_button = QPushButton("Báo cáo tổng hợp (PDF, Excel)…")
        self.report_button.setObjectName("syncReportButton")
        self.report_button.clicked.connect(self.write_report)
        week_row.addWidget(QLabel("Tuần kết thúc ngày:"))
        week_row.addWidget(self.week_end)
        week_row.addWidget(self.week_label, 1)
        week_row.addWidget(self.report_button)
        units.addLayout(week_row)
        self.unit_statuses: list = []
        self.units_model = RowsModel(UNIT_COLUMNS, right={4}, colors=self._unit_color)
        self.units_table = _table("syncUnits", self.units_model)
        units.addWidget(self.units_table)
        declare_row = QHBoxLayout()
        declare_row.addWidget(self.declare_code)
        declare_row.addWidget(self.declare_name, 2)
        declare_row.addWidget(declare)
        units.addLayout(declare_row)
        return units_box

    # ---- state -----------------------------------------------------------------------------
    def is_province(self) -> bool:
        """Whether this desk merges files: a province desk, or a unit's lead desk (its other desks' files)."""
        return can_merge(self.ctx.store)

    def refresh(self) -> None:
        province = self.is_province()
        self.province_note.setText(
            "" if province else "Đơn vị sử dụng chương trình chưa được khai báo là đơn vị cấp tỉnh, và máy này "
                                "không phải bàn chính của đơn vị: chỉ đơn vị cấp tỉnh mới tổng hợp tệp của các đơn "
                                "vị, và chỉ bàn chính tổng hợp tệp của các bàn (đánh dấu ô «bàn chính» bên dưới).")
        self.province_note.setVisible(not province)
        self.lead_desk.blockSignals(True)
        self.lead_desk.setChecked(is_lead_desk(self.ctx.store))
        self.lead_desk.blockSignals(False)
        self.lead_desk.setVisible(not is_province(self.ctx.store))
        self.merge_button.setEnabled(province)
        self.report_button.setEnabled(province)
        self.refresh_units()
        self.keys_panel.refresh(province)

    def refresh_units(self) -> None:
        period = week_ending(_pydate(self.week_end.date()), get_settings(self.ctx.store))
        due = period.due_at
        statuses = week_status(self.ctx.store, period.end) if self.is_province() else []
        sent = sum(u.sent for u in statuses)
        self.week_label.setText(f"{date_text(period.start)}–{date_text(period.end)}, hạn {time_date_text(due)}: "
                                f"{sent}/{len(statuses)} đơn vị đã gửi")
        rows = []
        for unit in statuses:
            generated = unit.first_generated_at or ""
            state = f"{unit.state}; chuỗi băm không nối tiếp" if unit.record_warning else unit.state
            rows.append([unit.code, unit.name, state, unit.file_name or "", str(unit.sequence or ""),
                         f"{generated[8:10]}/{generated[5:7]}/{generated[0:4]} {generated[11:16]}" if generated else "",
                         ("có" if unit.citizens else "không") if unit.sent else ""])
        self.unit_statuses = statuses
        self.units_model.set_rows(rows, [unit.code for unit in statuses])

    def _unit_color(self, row: int, _column: int) -> tuple[str, str] | None:
        unit = self.unit_statuses[row]
        return RED if unit.state == NOT_SENT or unit.late or unit.record_warning else None

    # ---- actions ---------------------------------------------------------------------------
    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Chọn tệp đồng bộ của các đơn vị", default_folder(),
                                                "Bảng tính Excel (*.xlsx)")
        if names:
            self.drop_list.add_paths(names)

    def start_merge(self, paths: list[Path] | None = None, *, accept_unsigned: bool = False,
                    skip_gap_reason: str | None = None) -> BackgroundOp | None:
        """Merge the listed files (``paths``: one file merged again after the leader accepted it unsigned,
        or accepted skipping the files missing before it)."""
        if self.last_op is not None and self.last_op.is_running():
            return None
        retry = paths is not None
        paths = list(paths) if retry else self.drop_list.paths()
        if not paths:
            show_error(self, UserError("Chưa có tệp nào: kéo thả tệp của đơn vị vào danh sách hoặc bấm «Thêm tệp…»."))
            return None
        if not retry:
            self._asked.clear()
            self._unsigned_ok.clear()
        self._retrying = paths[0] if retry else None
        password = self.password.text() or None

        def work(store, progress):
            return merge_files(store, paths, password=password, progress=progress, accept_unsigned=accept_unsigned,
                               skip_gap_reason=skip_gap_reason)

        self.merge_button.setEnabled(False)
        op = BackgroundOp(self.ctx, work, title="Đang tổng hợp tệp của các đơn vị…", parent=self)
        op.success(lambda results: self._merged(results, paths)).with_progress()
        op.finished.connect(self._merge_finished)  # a bound slot: dropped if the panel is gone first
        self.last_op = op.run()
        return op

    def _merge_finished(self) -> None:
        self.merge_button.setEnabled(self.is_province())
        self._ask_next()  # once the worker is done: accepting a file merges it again

    def _merged(self, results: list[MergeResult], paths: list[Path] | None = None) -> None:
        paths = list(paths or self.drop_list.paths())
        if self._retrying is not None and self._retrying in self.result_paths:
            at = self.result_paths.index(self._retrying)
            self.results[at] = results[0]
        else:
            self.results, self.result_paths = list(results), paths[:len(results)]
        self._retrying = None
        self.results_model.set_results(self.results)
        self.results_table.resizeRowsToContents()
        done = {p for p, res in zip(self.result_paths, self.results, strict=False) if res.status != REFUSED}
        for i in range(self.drop_list.count() - 1, -1, -1):
            if Path(self.drop_list.item(i).data(Qt.UserRole)) in done:
                self.drop_list.takeItem(i)
        self.refresh_units()
        self.keys_panel.refresh(self.is_province())

    # ---- files the leader may accept explicitly (docs/sync.md#unsigned-files-and-gaps) ----------------
    def _ask_next(self) -> None:
        """A refused file the leader may still accept: an unsigned 1.x file, or one after lost files."""
        if not can(self.ctx.store.actor.role, "sync.override"):
            return
        for path, res in zip(self.result_paths, self.results, strict=False):
            if res.status != REFUSED or res.problem not in ("unsigned", "gap") or (path, res.problem) in self._asked:
                continue
            self._asked.add((path, res.problem))
            if res.problem == "unsigned":
                self.ask_unsigned(path, res)
            else:
                self.ask_gap(path, res)
            return

    def ask_unsigned(self, path: Path, res: MergeResult) -> None:
        if ask_yes_no(self, "Tệp chưa ký số",
                      f"Tệp «{path.name}» của đơn vị {res.unit_code} ({res.unit_name}) theo định dạng cũ, không có "
                      "chữ ký số: không có gì bảo đảm tệp do đơn vị lập và chưa bị sửa.\n\nChỉ chấp nhận khi đã gọi "
                      "điện xác nhận với đơn vị. Việc chấp nhận được ghi vào nhật ký, kèm tên tệp và đơn vị.\n\n"
                      "Chấp nhận tổng hợp tệp chưa ký này?", yes_text="&Chấp nhận tệp chưa ký", no_text="&Không"):
            self._unsigned_ok.add(path)
            self.start_merge([path], accept_unsigned=True)

    def ask_gap(self, path: Path, res: MergeResult) -> ReasonDialog:
        first, last = res.missing or (None, None)
        which = f"tệp số {first}" if first == last else f"các tệp số {first} đến {last}"
        dialog = self.gap_dialog = ReasonDialog(
            f"Bỏ qua {which} của đơn vị {res.unit_code}",
            f"Tỉnh chưa nhận {which} của đơn vị {res.unit_code} ({res.unit_name}); tệp «{path.name}» là số "
            f"{res.sequence}.\nNếu {which} đã mất hẳn (đơn vị xác nhận), nêu lý do để bỏ qua và tổng hợp tệp này. "
            "Lý do được ghi vào nhật ký.", self)
        dialog.accepted.connect(lambda: self.start_merge([path], accept_unsigned=path in self._unsigned_ok,
                                                         skip_gap_reason=dialog.reason()))
        dialog.open()
        dialog.text.setFocus()
        return dialog

    def _lead_desk_toggled(self, checked: bool) -> None:
        if not run_mutation(self, lambda: set_lead_desk(self.ctx.store, checked)):
            self.lead_desk.blockSignals(True)
            self.lead_desk.setChecked(not checked)  # refused (no unit, no permission): the box says so
            self.lead_desk.blockSignals(False)
        self.refresh()

    def declare(self) -> None:
        outcome = run_mutation(self, lambda: declare_unit(self.ctx.store, self.declare_code.text(),
                                                          self.declare_name.text()))
        if not outcome:
            return
        if not outcome.value:
            show_message(self, "Đã có", f"Đơn vị mã «{self.declare_code.text().strip()}» đã có trong danh sách.")
        self.declare_code.clear()
        self.declare_name.clear()
        self.refresh_units()

    def write_report(self) -> None:
        period = week_ending(_pydate(self.week_end.date()), get_settings(self.ctx.store))
        default = Path(self.ctx.store.path).parent / f"bao-cao-tong-hop_{period.end.strftime('%Y%m%d')}.pdf"
        name, _ = QFileDialog.getSaveFileName(self, "Lưu báo cáo tổng hợp", default_path(default), "PDF (*.pdf)")
        if not name:
            return
        pdf = Path(name).with_suffix(".pdf")
        if not run_mutation(self, lambda: write_consolidated(self.ctx.store, period, pdf=pdf,
                                                             xlsx=pdf.with_suffix(".xlsx"))):
            return
        show_message(self, "Đã lưu", f"Đã lưu báo cáo tổng hợp:\n{pdf}\n{pdf.with_suffix('.xlsx')}")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(pdf.parent)))
