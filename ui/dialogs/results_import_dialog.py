"""Nhập kết quả hệ thống quốc gia: the lists of issued / activated organization accounts.

Choose a file (Ctrl+O) → the dry run in the background shows exactly what will change (each dossier's
move, accounts recorded, organizations not in the registry, rejected rows) → "Nhập" runs the import in the
background with a progress bar and Cancel (cancel changes nothing). Everything goes through
``services.imports`` (``import_results_list``); the model is ``models/dossiers/national_results.py``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from models.dossiers.national_results import ResultsImport
from models.text.vn_format import thousands
from services import imports
from ui.context import AppContext
from ui.ops import BackgroundOp, show_error, show_message
from ui.tables.rows_model import RowsModel
from ui.widgets.file_dialogs import default_folder

FILE_FILTER = "Bảng tính và CSV (*.xlsx *.xlsm *.xls *.ods *.csv);;Tất cả các tệp (*)"
PREVIEW_COLUMNS = ["Dòng", "Loại", "Nội dung"]
KIND_CHANGE, KIND_UNKNOWN, KIND_ERROR, KIND_WARNING = ("Sẽ thay đổi", "Không có trong sổ", "Bị loại",
                                                       "Lưu ý")


def counts_text(result: ResultsImport, *, done: bool) -> str:
    verb = "Đã cập nhật" if done else "Sẽ cập nhật"
    return (f"Đọc {thousands(result.read)} dòng: khớp {thousands(result.matched)} tổ chức; "
            f"{verb} {thousands(result.updated)}, không đổi {thousands(result.unchanged)}; "
            f"không có trong sổ tổ chức {thousands(result.unknown)}; dòng lỗi bị loại {thousands(result.rejected)}.")


def preview_rows(result: ResultsImport) -> list[list[str]]:
    rows = [[str(c.line), KIND_CHANGE, c.describe()] for c in result.changes]
    rows += [[str(u.line), KIND_UNKNOWN, u.describe()] for u in result.unknowns]
    rows += [["", KIND_ERROR, e] for e in result.errors]
    rows += [["", KIND_WARNING, w] for w in result.warnings]
    return rows


class ResultsImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.preview: ResultsImport | None = None
        self.result: ResultsImport | None = None
        self.op: BackgroundOp | None = None
        self.setWindowTitle("Nhập kết quả cấp tài khoản từ hệ thống quốc gia")
        self.resize(960, 560)
        layout = QVBoxLayout(self)
        intro = QLabel("Danh sách tổ chức đã được cấp hoặc đã kích hoạt tài khoản định danh điện tử do hệ thống "
                       "quốc gia trả về (cột Mã số thuế hoặc Mã định danh tổ chức, ngày, trạng thái). Hồ sơ khớp "
                       "được chuyển sang trạng thái tương ứng «theo danh sách hệ thống quốc gia»; tổ chức không "
                       "có trong sổ chỉ được liệt kê, không tự thêm.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(objectName="resultsPath")
        self.path_edit.setPlaceholderText("Tệp danh sách (.xlsx, .xls, .ods, .csv)")
        self.path_edit.returnPressed.connect(self.run_preview)
        self.browse_button = QPushButton("&Chọn tệp… (Ctrl+O)", objectName="resultsBrowse")
        self.browse_button.clicked.connect(self.browse)
        self.preview_button = QPushButton("&Xem trước", objectName="resultsPreview")
        self.preview_button.clicked.connect(self.run_preview)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        row.addWidget(self.preview_button)
        layout.addLayout(row)
        QShortcut(QKeySequence("Ctrl+O"), self, activated=self.browse)
        self.counts_label = QLabel("Chọn tệp để xem trước những gì sẽ thay đổi.", objectName="resultsCounts")
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)
        self.model = RowsModel(PREVIEW_COLUMNS)
        self.table = QTableView(objectName="resultsPreviewTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton("&Nhập vào sổ", objectName="resultsImport")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        close = QPushButton("Đó&ng", objectName="resultsClose")
        close.clicked.connect(self.reject)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    # ---- choosing and previewing -------------------------------------------------------------
    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn danh sách kết quả của hệ thống quốc gia",
                                              default_folder(), FILE_FILTER)
        if path:
            self.choose_file(path)

    def choose_file(self, path: str | Path) -> None:
        self.path_edit.setText(str(path))
        self.run_preview()

    def _path(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            show_message(self, "Chưa chọn tệp", "Hãy chọn tệp danh sách kết quả cần nhập.")
            return None
        return Path(text)

    def run_preview(self) -> None:
        path = self._path()
        if path is None:
            return
        self.import_button.setEnabled(False)
        self.preview_button.setEnabled(False)
        self.op = (BackgroundOp(self.ctx, lambda store, progress: imports.import_results_list(
                       store, path, dry_run=True, progress=progress),
                       title="Đang đọc và đối chiếu danh sách…", parent=self)
                   .success(self._previewed).failure(self._failed).cancelled(self._op_cancelled)
                   .with_progress().run())

    def _previewed(self, result: ResultsImport) -> None:
        self.preview_button.setEnabled(True)
        self.preview = result
        self.counts_label.setText(counts_text(result, done=False)
                                  + ("" if result.updated else " Không có gì để nhập."))
        self.model.set_rows(preview_rows(result))
        self.import_button.setEnabled(result.updated > 0)

    def _failed(self, exc: BaseException) -> None:
        self.preview_button.setEnabled(True)
        self.import_button.setEnabled(self.preview is not None and self.preview.updated > 0)
        show_error(self, exc)

    def _op_cancelled(self) -> None:
        self.preview_button.setEnabled(True)
        self.import_button.setEnabled(self.preview is not None and self.preview.updated > 0)

    # ---- importing -----------------------------------------------------------------------------
    def run_import(self) -> None:
        path = self._path()
        if path is None:
            return
        self.import_button.setEnabled(False)
        self.op = (BackgroundOp(self.ctx, lambda store, progress: imports.import_results_list(
                       store, path, progress=progress),
                       title="Đang cập nhật hồ sơ theo danh sách hệ thống quốc gia…", parent=self)
                   .success(self._imported).failure(self._failed).cancelled(self._import_cancelled)
                   .with_progress().run())

    def _imported(self, result: ResultsImport) -> None:
        self.result = result
        self.preview_button.setEnabled(True)
        self.counts_label.setText(counts_text(result, done=True))
        self.model.set_rows(preview_rows(result))
        show_message(self, "Đã nhập xong", counts_text(result, done=True))

    def _import_cancelled(self) -> None:
        self._op_cancelled()
        show_message(self, "Đã huỷ", "Đã huỷ nhập. Hồ sơ và sổ tổ chức được giữ nguyên như trước.")
