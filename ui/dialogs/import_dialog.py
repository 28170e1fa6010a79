"""Nhập danh sách tổ chức: choose a file → (if unsure) map its columns → check → import or not.

Steps (one dialog, pages in a QStackedWidget):
1. group and file (Ctrl+O opens the file picker);
2. column mapping with a preview, shown when the columns were not all recognised (or on request);
   the mapping can be saved for files with the same header;
3. the result of checking (a dry run in the background): counts, the list of errors and warnings,
   "Lưu tệp lỗi…", and the choice: import the valid rows, or nothing;
4. the import itself in the background with a progress bar and Cancel (cancel changes nothing).

Reading, checking, importing and the error workbook go through ``services.imports``.
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

from models.registry.importing import (
    IGNORE,
    IMPORT_FIELD_LABELS,
    IMPORT_FIELDS,
    Analysis,
    ImportResult,
    save_mapping,
    saved_mapping,
)
from models.registry.importing.values import cell_text
from models.registry.organizations import GROUPS
from models.tabular import column_letter
from models.text.vn_format import thousands
from services import imports
from ui.context import AppContext
from ui.ops import BackgroundOp, run_mutation, show_error, show_message
from ui.tables.rows_model import RowsModel
from ui.widgets.file_dialogs import default_folder, default_path

FILE_FILTER = "Bảng tính và CSV (*.xlsx *.xlsm *.xls *.ods *.csv);;Tất cả các tệp (*)"
PREVIEW_ROWS = 8
ISSUE_LIMIT = 5000  # rows shown on screen; the error workbook has them all
ISSUE_COLUMNS = ["Dòng", "Cột", "Tiêu đề cột", "Giá trị", "Lý do", "Mức độ"]
MAPPING_COLUMNS = ["Cột", "Tiêu đề trong tệp", "Ví dụ giá trị", "Ghép vào"]
PAGE_CHOOSE, PAGE_MAPPING, PAGE_REVIEW, PAGE_DONE = range(4)


def describe_counts(result: ImportResult, *, done: bool) -> str:
    verbs = ("Đã thêm mới", "đã cập nhật") if done else ("Sẽ thêm mới", "sẽ cập nhật")
    n = thousands
    return (f"Đọc {n(result.read)} dòng dữ liệu. {verbs[0]} {n(result.inserted)}, {verbs[1]} {n(result.updated)}, "
            f"không đổi {n(result.unchanged)}, dòng lặp lại (đã gộp) {n(result.duplicates)}, "
            f"dòng lỗi bị loại {n(result.rejected)}, cảnh báo {n(result.warnings)}."
            + (f" Nghi trùng cần xử lý: {n(result.flagged)}." if result.flagged else "")
            # old communes split on 1/7/2025 (models.registry.importing.apply_analysis sets the count)
            + (f" Địa bàn cũ cần chọn lại xã, phường: {n(choices)} (Tệp › Địa bàn cũ cần chọn…)."
               if (choices := getattr(result, "area_choices", 0)) else ""))


class ImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, group: int | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("importDialog")
        self.setWindowTitle("Nhập danh sách tổ chức")
        self.resize(980, 640)
        self.loaded = None  # (Table, HeaderGuess)
        self.analysis: Analysis | None = None
        self.checked: ImportResult | None = None
        self.result: ImportResult | None = None
        self.op: BackgroundOp | None = None
        self.mapping: dict[int, str] = {}

        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_choose())
        self.stack.addWidget(self._build_mapping())
        self.stack.addWidget(self._build_review())
        self.stack.addWidget(self._build_done())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        if group:
            self.group_combo.setCurrentIndex(self.group_combo.findData(group))
        QShortcut(QKeySequence("Ctrl+O"), self, activated=self.browse)

    # ---- page 1: group and file ---------------------------------------------------------------
    def _build_choose(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.addRow(QLabel("<h3>Nhập danh sách tổ chức từ tệp Excel, LibreOffice hoặc CSV</h3>"))
        self.group_combo = QComboBox(objectName="groupCombo")
        for number, label in GROUPS.items():
            self.group_combo.addItem(f"Nhóm {number}: {label}", number)
        form.addRow("&Nhóm tổ chức:", self.group_combo)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(objectName="pathEdit")
        self.path_edit.setPlaceholderText("Đường dẫn tệp .xlsx, .xls, .ods hoặc .csv")
        self.path_edit.returnPressed.connect(self.load_file)
        self.browse_button = QPushButton("&Chọn tệp… (Ctrl+O)", objectName="browseButton")
        self.browse_button.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow("&Tệp:", row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.next_button = QPushButton("&Tiếp tục", objectName="nextButton")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.load_file)
        close = QPushButton("Đóng", objectName="closeButton")
        close.clicked.connect(self.reject)
        buttons.addWidget(self.next_button)
        buttons.addWidget(close)
        form.addRow(buttons)
        return page

    @property
    def group(self) -> int:
        return int(self.group_combo.currentData())

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn tệp danh sách tổ chức", default_folder(), FILE_FILTER)
        if path:
            self.choose_file(path)

    def choose_file(self, path: str | Path) -> None:
        """Set the file and read it (what picking a file in the file dialog does)."""
        self.path_edit.setText(str(path))
        self.load_file()

    def load_file(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            show_message(self, "Chưa chọn tệp", "Hãy chọn tệp danh sách cần nhập.")
            return
        path, group = Path(text), self.group
        self.next_button.setEnabled(False)
        self.op = (BackgroundOp(self.ctx, lambda store, progress: imports.read_org_list(path, group),
                                title="Đang đọc tệp…",
                                parent=self)
                   .success(self._loaded).failure(self._failed).cancelled(self._op_cancelled).with_progress().run())

    def _failed(self, exc: BaseException) -> None:
        self.next_button.setEnabled(True)
        self.check_button.setEnabled(True)
        show_error(self, exc)

    def _op_cancelled(self) -> None:
        self.next_button.setEnabled(True)
        self.check_button.setEnabled(True)

    def _loaded(self, loaded) -> None:
        self.next_button.setEnabled(True)
        self.loaded = loaded
        _table, guess = loaded
        saved = saved_mapping(self.ctx.store, guess.headers)
        self.mapping = saved if saved is not None else dict(guess.mapping)
        self._fill_mapping(saved is not None)
        if saved is not None or guess.confident:
            self.run_check()
        else:
            self.stack.setCurrentIndex(PAGE_MAPPING)
            self.mapping_table.setFocus()

    # ---- page 2: column mapping --------------------------------------------------------------
    def _build_mapping(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>Ghép cột của tệp với thông tin tổ chức</h3>"))
        self.unsure_label = QLabel(objectName="unsureLabel")
        self.unsure_label.setWordWrap(True)
        layout.addWidget(self.unsure_label)
        self.mapping_model = RowsModel(MAPPING_COLUMNS)
        self.mapping_table = QTableView(objectName="mappingTable")
        self.mapping_table.setModel(self.mapping_model)
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        self.mapping_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        layout.addWidget(self.mapping_table, 2)
        layout.addWidget(QLabel("Xem trước các dòng đầu tiên:"))
        self.preview_model = RowsModel([])
        self.preview_table = QTableView(objectName="previewTable")
        self.preview_table.setModel(self.preview_model)
        layout.addWidget(self.preview_table, 1)
        self.save_mapping_check = QCheckBox("&Lưu cách ghép cột này cho các tệp có cùng tiêu đề",
                                            objectName="saveMappingCheck")
        self.save_mapping_check.setChecked(True)
        layout.addWidget(self.save_mapping_check)
        buttons = QHBoxLayout()
        back = QPushButton("&Quay lại", objectName="backButton")
        back.clicked.connect(lambda: self.stack.setCurrentIndex(PAGE_CHOOSE))
        self.check_button = QPushButton("&Kiểm tra dữ liệu", objectName="checkButton")
        self.check_button.clicked.connect(self.confirm_mapping)
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        layout.addLayout(buttons)
        return page

    def _fill_mapping(self, from_saved: bool) -> None:
        table, guess = self.loaded
        reasons = ([] if from_saved else guess.unsure)
        if from_saved:
            self.unsure_label.setText("Dùng cách ghép cột đã lưu cho tệp có tiêu đề này.")
        elif reasons:
            self.unsure_label.setText("Chưa nhận diện chắc chắn các cột — hãy kiểm tra:\n• " + "\n• ".join(reasons))
        else:
            self.unsure_label.setText("Đã nhận diện đủ các cột.")
        samples = _samples(table.rows, guess.first_data_row, len(guess.headers))
        self.mapping_model.set_rows([[column_letter(index), header, " | ".join(samples[index]), ""]
                                     for index, header in enumerate(guess.headers)])
        self.combos: list[QComboBox] = []
        for index, header in enumerate(guess.headers):
            combo = QComboBox()
            combo.addItem("— Bỏ qua —", IGNORE)
            for fieldname in IMPORT_FIELDS:
                combo.addItem(IMPORT_FIELD_LABELS[fieldname], fieldname)
            combo.setCurrentIndex(max(0, combo.findData(self.mapping.get(index, IGNORE))))
            combo.setAccessibleName(f"Cột {column_letter(index)}: {header}")
            self.mapping_table.setIndexWidget(self.mapping_model.index(index, 3), combo)
            self.combos.append(combo)
        self.mapping_table.resizeColumnsToContents()
        rows = [r for r in table.rows[guess.first_data_row:] if any(c not in ("", None) for c in r)][:PREVIEW_ROWS]
        self.preview_model.headers = [f"{column_letter(i)}: {h}" if h else column_letter(i)
                                      for i, h in enumerate(guess.headers)]
        self.preview_model.set_rows([[cell_text(row[c]) if c < len(row) else "" for c in range(len(guess.headers))]
                                     for row in rows])

    def set_field(self, column: int, fieldname: str) -> None:
        """Choose the field of a column (what the officer does with the combo box)."""
        combo = self.combos[column]
        combo.setCurrentIndex(combo.findData(fieldname))

    def current_mapping(self) -> dict[int, str]:
        return {i: combo.currentData() for i, combo in enumerate(self.combos)}

    def confirm_mapping(self) -> None:
        mapping = self.current_mapping()
        fields = [f for f in mapping.values() if f]
        duplicated = sorted({f for f in fields if fields.count(f) > 1})
        if duplicated:
            show_message(self, "Ghép cột trùng", "Mỗi thông tin chỉ được ghép với một cột: "
                         + ", ".join(IMPORT_FIELD_LABELS[f] for f in duplicated) + ".")
            return
        if "name" not in fields:
            show_message(self, "Thiếu cột tên", "Hãy chọn cột chứa tên tổ chức.")
            return
        self.mapping = mapping
        if self.save_mapping_check.isChecked():
            # A refusal is shown to the officer; the check still runs with this mapping.
            run_mutation(self, lambda: save_mapping(self.ctx.store, self.loaded[1].headers, mapping))
        self.run_check()

    # ---- page 3: the result of checking -------------------------------------------------------
    def run_check(self) -> None:
        path, group, mapping, loaded = Path(self.path_edit.text().strip()), self.group, dict(self.mapping), self.loaded
        self.check_button.setEnabled(False)

        def check(store, progress):
            return imports.check_org_list(store, path, group, mapping=mapping, loaded=loaded, progress=progress)

        self.op = (BackgroundOp(self.ctx, check, title="Đang kiểm tra dữ liệu…", parent=self)
                   .success(self._checked).failure(self._failed).cancelled(self._op_cancelled)
                   .with_progress().run())

    def _build_review(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>Kết quả kiểm tra</h3>"))
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
        self.mapping_button = QPushButton("Sửa cách &ghép cột…", objectName="mappingButton")
        self.mapping_button.clicked.connect(lambda: self.stack.setCurrentIndex(PAGE_MAPPING))
        self.save_errors_button = QPushButton("&Lưu tệp lỗi…", objectName="saveErrorsButton")
        self.save_errors_button.clicked.connect(self.save_errors)
        self.import_button = QPushButton("&Nhập các dòng hợp lệ", objectName="importButton")
        self.import_button.clicked.connect(self.run_import)
        self.nothing_button = QPushButton("&Không nhập gì", objectName="nothingButton")
        self.nothing_button.clicked.connect(self.reject)
        buttons.addWidget(self.mapping_button)
        buttons.addWidget(self.save_errors_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.nothing_button)
        layout.addLayout(buttons)
        return page

    def _checked(self, outcome) -> None:
        self.check_button.setEnabled(True)
        self.analysis, self.checked = outcome
        result = self.checked
        self.counts_label.setText(describe_counts(result, done=False))
        issues = sorted(result.issues, key=lambda i: (i.level != "error", i.row))
        self.issues_model.set_rows([[str(issue.row), issue.column_letter, issue.header, issue.value, issue.message,
                                     "Lỗi" if issue.level == "error" else "Cảnh báo"]
                                    for issue in issues[:ISSUE_LIMIT]])
        self.issues_table.resizeColumnsToContents()
        self.save_errors_button.setEnabled(bool(issues))
        accepted = result.inserted + result.updated + result.unchanged
        self.import_button.setText("&Nhập các dòng hợp lệ" if result.rejected else "&Nhập vào sổ")
        self.import_button.setEnabled(accepted > 0)
        self.stack.setCurrentIndex(PAGE_REVIEW)
        (self.import_button if accepted else self.nothing_button).setFocus()

    def save_errors(self) -> None:
        name = Path(self.path_edit.text().strip()).stem + "-loi.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Lưu tệp lỗi", default_path(name, Path(self.path_edit.text().strip()).parent), "Excel (*.xlsx)")
        if path:
            self.save_errors_to(path)

    def save_errors_to(self, path: str | Path) -> Path | None:
        """Write the error workbook; None (the reason shown, nothing left at ``path``) when it failed."""
        result = self.result or self.checked
        saved = run_mutation(self, lambda: imports.save_error_workbook(
            self.ctx.store, path, source_name=self.analysis.file_name, result=result, group=self.group),
            title="Không lưu được")
        if not saved:
            return None
        show_message(self, "Đã lưu tệp lỗi", f"Đã lưu danh sách lỗi vào «{saved.value}».")
        return saved.value

    # ---- page 4: import -----------------------------------------------------------------------
    def run_import(self) -> None:
        analysis = self.analysis
        self.import_button.setEnabled(False)

        def do_import(store, progress):
            return imports.import_org_list(store, analysis, progress=progress)

        self.op = (BackgroundOp(self.ctx, do_import, title="Đang nhập danh sách tổ chức…", parent=self)
                   .success(self._imported).failure(self._import_failed).cancelled(self._import_cancelled)
                   .with_progress().run())

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        show_error(self, exc)

    def _import_cancelled(self) -> None:
        self.import_button.setEnabled(True)
        show_message(self, "Đã huỷ", "Đã huỷ nhập. Sổ tổ chức được giữ nguyên như trước.")

    def _build_done(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("<h3>Đã nhập xong</h3>"))
        self.done_label = QLabel(objectName="doneLabel")
        self.done_label.setWordWrap(True)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.done_errors_button = QPushButton("&Lưu tệp lỗi…", objectName="doneErrorsButton")
        self.done_errors_button.clicked.connect(self.save_errors)
        finish = QPushButton("Đó&ng", objectName="finishButton")
        finish.clicked.connect(self.accept)
        buttons.addWidget(self.done_errors_button)
        buttons.addStretch(1)
        buttons.addWidget(finish)
        layout.addLayout(buttons)
        self.finish_button = finish
        return page

    def _imported(self, result: ImportResult) -> None:
        self.result = result
        self.done_label.setText(describe_counts(result, done=True))
        self.done_errors_button.setEnabled(bool(result.issues))
        self.stack.setCurrentIndex(PAGE_DONE)
        self.finish_button.setFocus()


def _samples(rows: list[list], start: int, width: int, count: int = 3) -> list[list[str]]:
    samples: list[list[str]] = [[] for _ in range(width)]
    for row in rows[start:start + 200]:
        for c in range(min(width, len(row))):
            if len(samples[c]) < count:
                text = cell_text(row[c])
                if text:
                    samples[c].append(text[:40])
    return samples


def open_import_dialog(ctx: AppContext, parent: QWidget | None = None, *, group: int | None = None) -> ImportDialog:
    """Open the dialog window-modally without blocking (the registry screen's "Nhập danh sách…")."""
    dialog = ImportDialog(ctx, parent, group=group)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog
