"""Nhập danh sách công dân: the four kinds of people list (residents, an agency's staff, enterprises'
schedules, the national system's issued/activated accounts) → a dry run → import or not.

Steps (one dialog, pages in a QStackedWidget):
1. kind, agency (staff lists: an agency of the list or a new name; blank = the list's own «Cơ quan» column),
   file, «Chỉ nhập khi không có dòng lỗi» (strict);
2. the dry run's result (in the background: nothing is written, not even the import record): counts, the
   errors and warnings, «Lưu tệp lỗi…», and the choice: import, or nothing;
3. the import in the background with progress and «Huỷ» (cancel rolls everything back), its counts and
   the error workbook again.

Everything goes through ``services.people_imports``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.people.agencies import list_agencies
from models.people.importing import KINDS, Analysis, ImportResult
from services import people_imports
from ui.context import AppContext
from ui.ops import BackgroundOp, run_mutation, show_error, show_message
from ui.tables.rows_model import RowsModel
from ui.widgets.file_dialogs import default_folder, default_path

FILE_FILTER = "Bảng tính và CSV (*.xlsx *.xlsm *.xls *.ods *.csv);;Tất cả các tệp (*)"
ISSUE_LIMIT = 5000  # rows shown on screen; the error workbook has them all
ISSUE_COLUMNS = ["Dòng", "Cột", "Tiêu đề cột", "Giá trị", "Lý do", "Mức độ"]
PAGE_CHOOSE, PAGE_REVIEW, PAGE_DONE = range(3)


def describe_counts(result: ImportResult, *, done: bool) -> str:
    verbs = ("Đã thêm mới", "đã cập nhật") if done else ("Sẽ thêm mới", "sẽ cập nhật")
    text = (f"Đọc {result.read} dòng dữ liệu. {verbs[0]} {result.inserted}, {verbs[1]} {result.updated}, "
            f"không đổi {result.unchanged}, dòng lặp lại (đã gộp) {result.duplicates}, "
            f"dòng lỗi bị loại {result.rejected}, cảnh báo {result.warnings}.")
    if result.kind == "activations":
        text += (f" Khớp {result.matched} người; {result.unknown} số định danh không có trong sổ "
                 "(không tạo mới, có trong tệp lỗi).")
    return text


class PeopleImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, kind: str = "residents"):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("peopleImportDialog")
        self.setWindowTitle("Nhập danh sách công dân")
        self.resize(960, 620)
        self.analysis: Analysis | None = None
        self.checked: ImportResult | None = None
        self.result: ImportResult | None = None
        self.op: BackgroundOp | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_choose())
        self.stack.addWidget(self._build_review())
        self.stack.addWidget(self._build_done())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        QShortcut(QKeySequence("Ctrl+O"), self, activated=self.browse)

    # ---- page 1 --------------------------------------------------------------------------------
    def _build_choose(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(QLabel("<h3>Nhập danh sách công dân từ tệp Excel, LibreOffice hoặc CSV</h3>"))
        self.kind_combo = QComboBox(objectName="kindCombo")
        for key, label in KINDS.items():
            self.kind_combo.addItem(label, key)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())
        form.addRow("&Loại danh sách:", self.kind_combo)
        self.agency_combo = QComboBox(objectName="agencyCombo")
        self.agency_combo.setEditable(True)
        self.agency_combo.setInsertPolicy(QComboBox.NoInsert)
        self.agency_combo.lineEdit().setPlaceholderText("Chọn hoặc gõ tên cơ quan mới (để trống: theo cột «Cơ quan»)")
        self.agency_combo.addItem("")
        for agency in list_agencies(self.ctx.store):
            self.agency_combo.addItem(agency["name"])
        self.agency_label = QLabel("&Cơ quan, đơn vị:")
        self.agency_label.setBuddy(self.agency_combo)
        form.addRow(self.agency_label, self.agency_combo)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(objectName="pathEdit")
        self.path_edit.setPlaceholderText("Đường dẫn tệp .xlsx, .xls, .ods hoặc .csv")
        self.path_edit.returnPressed.connect(self.run_check)
        browse = QPushButton("&Chọn tệp… (Ctrl+O)", objectName="browseButton")
        browse.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("&Tệp:", row)
        self.strict_check = QCheckBox("Chỉ nhập khi &không có dòng lỗi nào", objectName="strictCheck")
        form.addRow(self.strict_check)
        hint = QLabel("Bước tiếp theo là chạy thử: chương trình đọc và kiểm tra mọi dòng, cho biết sẽ thêm, "
                      "cập nhật bao nhiêu người — chưa ghi gì vào sổ.")
        hint.setWordWrap(True)
        form.addRow(hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.check_button = QPushButton("&Chạy thử", objectName="checkButton")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.run_check)
        close = QPushButton("Đóng", objectName="closeButton")
        close.clicked.connect(self.reject)
        buttons.addWidget(self.check_button)
        buttons.addWidget(close)
        form.addRow(buttons)
        self._kind_changed()
        return page

    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    @property
    def agency(self) -> str | None:
        return self.agency_combo.currentText().strip() or None if self.kind == "staff" else None

    def _kind_changed(self) -> None:
        staff = self.kind_combo.currentData() == "staff"
        self.agency_combo.setVisible(staff)
        self.agency_label.setVisible(staff)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn tệp danh sách", default_folder(), FILE_FILTER)
        if path:
            self.path_edit.setText(path)

    # ---- page 2: dry run -----------------------------------------------------------------------
    def run_check(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            show_message(self, "Chưa chọn tệp", "Hãy chọn tệp danh sách cần nhập.")
            return
        path, kind, agency, strict = Path(text), self.kind, self.agency, self.strict_check.isChecked()
        self.check_button.setEnabled(False)

        def check(store, progress):
            analysis = people_imports.analyse_people_list(store, path, kind, progress=progress)
            return analysis, people_imports.import_people_list(store, analysis, agency=agency, dry_run=True,
                                                               strict=strict, progress=progress)

        self.op = (BackgroundOp(self.ctx, check, title="Đang đọc và kiểm tra danh sách…", parent=self)
                   .success(self._checked).failure(self._check_failed).cancelled(self._check_cancelled)
                   .with_progress().run())

    def _check_failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        show_error(self, exc)

    def _check_cancelled(self) -> None:
        self.check_button.setEnabled(True)

    def _build_review(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>Kết quả chạy thử (chưa ghi gì vào sổ)</h3>"))
        self.counts_label = QLabel(objectName="countsLabel")
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)
        self.issues_model = RowsModel(ISSUE_COLUMNS, right={0})
        self.issues_table = QTableView(objectName="issuesTable")
        self.issues_table.setModel(self.issues_model)
        self.issues_table.verticalHeader().setVisible(False)
        self.issues_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.issues_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        layout.addWidget(self.issues_table, 1)
        buttons = QHBoxLayout()
        back = QPushButton("&Quay lại", objectName="backButton")
        back.clicked.connect(lambda: self.stack.setCurrentIndex(PAGE_CHOOSE))
        self.save_errors_button = QPushButton("&Lưu tệp lỗi…", objectName="saveErrorsButton")
        self.save_errors_button.clicked.connect(self.save_errors)
        self.import_button = QPushButton("&Nhập vào sổ", objectName="importButton")
        self.import_button.clicked.connect(self.run_import)
        nothing = QPushButton("&Không nhập gì", objectName="nothingButton")
        nothing.clicked.connect(self.reject)
        self.nothing_button = nothing
        for b in (back, self.save_errors_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(nothing)
        layout.addLayout(buttons)
        return page

    def _show_issues(self, result: ImportResult) -> None:
        issues = sorted(result.issues, key=lambda i: (i.level != "error", i.row))
        self.issues_model.set_rows([[str(i.row), i.column_letter, i.header, str(i.value or ""), i.message,
                                     "Lỗi" if i.level == "error" else "Cảnh báo"] for i in issues[:ISSUE_LIMIT]])
        self.issues_table.resizeColumnsToContents()

    def _checked(self, outcome) -> None:
        self.check_button.setEnabled(True)
        self.analysis, self.checked = outcome
        result = self.checked
        self.counts_label.setText(describe_counts(result, done=False))
        self._show_issues(result)
        self.save_errors_button.setEnabled(bool(result.issues))
        refused = self.strict_check.isChecked() and result.rejected > 0
        accepted = result.inserted + result.updated + result.unchanged + result.matched
        self.import_button.setText("&Nhập các dòng hợp lệ" if result.rejected else "&Nhập vào sổ")
        self.import_button.setEnabled(accepted > 0 and not refused)
        if refused:
            self.counts_label.setText(self.counts_label.text() + " Có dòng lỗi: theo lựa chọn, không nhập gì.")
        self.stack.setCurrentIndex(PAGE_REVIEW)
        (self.import_button if self.import_button.isEnabled() else self.nothing_button).setFocus()

    def save_errors(self) -> None:
        source = Path(self.path_edit.text().strip())
        path, _ = QFileDialog.getSaveFileName(self, "Lưu tệp lỗi", default_path(source.stem + "-loi.xlsx", source.parent),
                                              "Excel (*.xlsx)")
        if path:
            self.save_errors_to(path)

    def save_errors_to(self, path: str | Path) -> Path | None:
        result = self.result or self.checked
        saved = run_mutation(self, lambda: people_imports.save_error_workbook(
            self.ctx.store, path, source_name=self.analysis.file_name, result=result, kind=self.analysis.kind),
            title="Không lưu được")
        if not saved:
            return None
        show_message(self, "Đã lưu tệp lỗi", f"Đã lưu danh sách lỗi vào «{saved.value}».")
        return saved.value

    # ---- page 3: import ------------------------------------------------------------------------
    def run_import(self) -> None:
        analysis, agency, strict = self.analysis, self.agency, self.strict_check.isChecked()
        self.import_button.setEnabled(False)

        def do_import(store, progress):
            return people_imports.import_people_list(store, analysis, agency=agency, strict=strict, progress=progress)

        self.op = (BackgroundOp(self.ctx, do_import, title="Đang nhập danh sách công dân…", parent=self)
                   .success(self._imported).failure(self._import_failed).cancelled(self._import_cancelled)
                   .with_progress().run())

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        show_error(self, exc)

    def _import_cancelled(self) -> None:
        self.import_button.setEnabled(True)
        show_message(self, "Đã huỷ", "Đã huỷ nhập. Danh sách công dân được giữ nguyên như trước.")

    def _build_done(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>Đã nhập xong</h3>"))
        self.done_label = QLabel(objectName="doneLabel")
        self.done_label.setWordWrap(True)
        layout.addWidget(self.done_label)
        self.done_issues = QLabel(objectName="doneIssues")
        layout.addWidget(self.done_issues)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.done_errors_button = QPushButton("&Lưu tệp lỗi…", objectName="doneErrorsButton")
        self.done_errors_button.clicked.connect(self.save_errors)
        self.finish_button = QPushButton("Đó&ng", objectName="finishButton")
        self.finish_button.clicked.connect(self.accept)
        buttons.addWidget(self.done_errors_button)
        buttons.addStretch(1)
        buttons.addWidget(self.finish_button)
        layout.addLayout(buttons)
        return page

    def _imported(self, result: ImportResult) -> None:
        self.result = result
        self.done_label.setText(describe_counts(result, done=True))
        errors = sum(1 for i in result.issues if i.level == "error")
        self.done_issues.setText(f"{errors} dòng lỗi, {result.warnings} cảnh báo — «Lưu tệp lỗi…» để gửi lại nơi lập danh sách."
                                 if result.issues else "Không có dòng lỗi.")
        self.done_errors_button.setEnabled(bool(result.issues))
        self.stack.setCurrentIndex(PAGE_DONE)
        self.finish_button.setFocus()


def open_people_import_dialog(ctx: AppContext, parent: QWidget | None = None, *, kind: str = "residents") -> PeopleImportDialog:
    """Open the dialog window-modally without blocking (the Công dân page's «Nhập danh sách…»)."""
    dialog = PeopleImportDialog(ctx, parent, kind=kind)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog
