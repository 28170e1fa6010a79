"""Export screen: write the sync workbook for the province (period, full/incremental, password), show
where it went and whether it is protected, and record the province's acknowledgement."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.reports.period import current_week, get_settings, previous_week, week_ending
from models.sync.export import (
    MIN_PASSWORD_LENGTH,
    PASSWORD_REQUIRED,
    ExportResult,
    acknowledge,
    last_acknowledged,
    list_exports,
)
from models.sync.keys import own_key
from models.text.vn_format import date_text, thousands, time_text
from services.sync import export_public_key, export_workbook
from ui.context import AppContext
from ui.ops import BackgroundOp, run_mutation, show_error, show_message
from ui.tables.rows_model import RowsModel
from ui.widgets.date_edits import DateEdit
from ui.widgets.file_dialogs import default_folder, default_path

FOLDER_SETTING = "sync_export_folder"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> dt.date:
    return dt.date(qdate.year(), qdate.month(), qdate.day())


class ExportPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.last_op: BackgroundOp | None = None
        self.last_result: ExportResult | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_form())
        layout.addLayout(self._build_result_row())
        layout.addWidget(self.warning_label)
        self.key_label = QLabel()
        self.key_label.setObjectName("syncKeyFingerprint")
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_label, 1)
        self.key_button = QPushButton("Lưu tệp khoá công khai…")
        self.key_button.setObjectName("syncSaveKeyButton")
        self.key_button.setToolTip("Tệp khoá gửi một lần cho tỉnh (hoặc bàn chính) để tỉnh đăng ký khoá ký của máy này")
        self.key_button.clicked.connect(lambda: self.save_key())  # not clicked's «checked» as the path
        key_row.addWidget(self.key_button)
        layout.addLayout(key_row)
        layout.addWidget(self._build_history(), 1)
        self.setTabOrder(self.week_end, self.incremental)
        self.setTabOrder(self.incremental, self.full)
        self.setTabOrder(self.full, self.password)
        self.setTabOrder(self.password, self.password2)
        self.setTabOrder(self.password2, self.folder)
        self.setTabOrder(self.folder, self.export_button)
        self.reset_form()

    # ---- building ---------------------------------------------------------------------------
    def _build_form(self) -> QGroupBox:
        form_box = QGroupBox("Xuất tệp đồng bộ gửi cấp trên")
        form = QFormLayout(form_box)
        self.week_end = DateEdit()
        self.week_end.setObjectName("syncWeekEnd")
        self.week_end.setCalendarPopup(True)
        self.week_end.setDisplayFormat("dd/MM/yyyy")
        self.week_end.dateChanged.connect(self._update_period_label)
        self.period_label = QLabel()
        period_row = QHBoxLayout()
        period_row.addWidget(self.week_end)
        period_row.addWidget(self.period_label, 1)
        form.addRow("Tuần kết thúc ngày:", period_row)

        self.incremental = QRadioButton("Gia tăng: chỉ những gì thay đổi từ tệp tỉnh đã xác nhận")
        self.incremental.setObjectName("syncIncremental")
        self.full = QRadioButton("Đầy đủ: toàn bộ hồ sơ và tổ chức")
        self.full.setObjectName("syncFull")
        group = QButtonGroup(self)
        group.addButton(self.incremental)
        group.addButton(self.full)
        self.incremental.setChecked(True)
        kind_box = QVBoxLayout()
        kind_box.addWidget(self.incremental)
        kind_box.addWidget(self.full)
        form.addRow("Loại tệp:", kind_box)

        self.password = QLineEdit()
        self.password.setObjectName("syncPassword")
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText(f"bắt buộc, ít nhất {MIN_PASSWORD_LENGTH} ký tự")
        self.password2 = QLineEdit()
        self.password2.setObjectName("syncPassword2")
        self.password2.setEchoMode(QLineEdit.Password)
        form.addRow("Mật khẩu tệp:", self.password)
        form.addRow("Nhập lại mật khẩu:", self.password2)
        self.password_hint = QLabel()
        self.password_hint.setObjectName("syncPasswordHint")
        self.password_hint.setWordWrap(True)
        form.addRow("", self.password_hint)
        # The explicit, logged opt-out: the file holds personal ID numbers (models/sync/export.py).
        self.unencrypted = QCheckBox("Xuất không mật khẩu (tệp có số định danh cá nhân; ghi vào nhật ký)")
        self.unencrypted.setObjectName("syncUnencrypted")
        form.addRow("", self.unencrypted)
        self.password.textChanged.connect(self._update_password_hint)
        self.password2.textChanged.connect(self._update_password_hint)
        self.unencrypted.toggled.connect(self._update_password_hint)

        self.folder = QLineEdit()
        self.folder.setObjectName("syncFolder")
        choose = QPushButton("Chọn…")
        choose.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(choose)
        form.addRow("Lưu vào thư mục:", folder_row)

        self.export_button = QPushButton("Xuất tệp (Ctrl+E)")
        self.export_button.setObjectName("syncExportButton")
        self.export_button.clicked.connect(self.start_export)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.start_export, context=Qt.WidgetWithChildrenShortcut)
        form.addRow("", self.export_button)
        return form_box

    def _build_result_row(self) -> QHBoxLayout:
        self.result_label = QLabel()
        self.result_label.setObjectName("syncExportResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.warning_label = QLabel()
        self.warning_label.setObjectName("syncExportWarning")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.warning_label.hide()
        self.open_folder_button = QPushButton("Mở thư mục")
        self.open_folder_button.setObjectName("syncOpenFolder")
        self.open_folder_button.clicked.connect(self.open_folder)
        self.open_folder_button.setEnabled(False)
        result_row = QHBoxLayout()
        result_row.addWidget(self.result_label, 1)
        result_row.addWidget(self.open_folder_button)
        return result_row

    def _build_history(self) -> QGroupBox:
        history_box = QGroupBox("Các tệp đã xuất")
        history = QVBoxLayout(history_box)
        self.history_model = RowsModel(["Số", "Lập lúc", "Kỳ đến ngày", "Loại", "Số hồ sơ", "Mật khẩu",
                                        "Tỉnh đã nhận"], right={0, 4})
        self.history = QTableView()
        self.history.setObjectName("syncExports")
        self.history.setModel(self.history_model)
        self.history.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.history.setSelectionMode(QAbstractItemView.SingleSelection)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.verticalHeader().hide()
        self.history_empty = QLabel("Chưa xuất tệp nào. Chọn tuần, đặt mật khẩu rồi bấm «Xuất tệp» "
                                    "(Ctrl+E); tệp đã xuất sẽ hiện ở đây để ghi nhận khi tỉnh xác nhận đã nhận.")
        self.history_empty.setObjectName("syncExportsEmpty")
        self.history_empty.setWordWrap(True)
        self.history_empty.setStyleSheet("color: #555; padding: 6px;")
        history.addWidget(self.history_empty)
        history.addWidget(self.history)
        self.ack_button = QPushButton("Ghi nhận tỉnh đã nhận tệp đang chọn")
        self.ack_button.setObjectName("syncAckButton")
        self.ack_button.clicked.connect(self.acknowledge_selected)
        history.addWidget(self.ack_button, 0, Qt.AlignLeft)
        return history_box

    # ---- state -----------------------------------------------------------------------------
    def reset_form(self) -> None:
        store = self.ctx.store
        settings = get_settings(store)
        week = current_week(store.now(), settings)
        if week.end >= store.today():
            # After Thursday's deadline the next week is still running: offer the week just ended until a
            # file for it has been exported.
            last = previous_week(store.now(), settings)
            if not any(str(r["period_end"])[:10] == last.end.isoformat() for r in list_exports(store)):
                week = last
        self.week_end.setDate(_qdate(week.end))
        folder = store.get_setting(FOLDER_SETTING) or str(Path(store.path).parent / "dong-bo")
        self.folder.setText(folder)
        self._update_password_hint()
        self.refresh()

    def save_key(self, path: str | Path | None = None) -> bool:
        """Write this desk's public key file (made the first time), handed once to the merging desk."""
        store = self.ctx.store
        if path is None:
            unit = store.scalar("SELECT code FROM units WHERE id = ?", (store.get_setting("unit_id"),)) or "don-vi"
            name, _ = QFileDialog.getSaveFileName(self, "Lưu tệp khoá công khai", default_path(f"khoa_{unit}.txt"),
                                                  "Tệp khoá (*.txt)")
            if not name:
                return False
            path = name
        outcome = run_mutation(self, lambda: export_public_key(store, path), title="Không lưu được tệp khoá")
        if not outcome:
            return False
        self.refresh()
        show_message(self, "Đã lưu tệp khoá", f"Đã lưu tệp khoá công khai:\n{path}\n\nDấu vân tay: "
                     f"{outcome.value.fingerprint}\n\nGửi tệp cho tỉnh, rồi gọi điện đọc dấu vân tay để tỉnh đối chiếu.")
        return True

    def refresh(self) -> None:
        store = self.ctx.store
        base = last_acknowledged(store)
        self.incremental.setText(
            f"Gia tăng: những gì thay đổi từ tệp số {base['sequence']} (tỉnh đã xác nhận)" if base else
            "Gia tăng (chưa có tệp nào được tỉnh xác nhận: sẽ xuất đầy đủ)")
        key = own_key(store)
        self.key_label.setText(
            f"Khoá ký tệp của máy này — dấu vân tay: {key.fingerprint}. Đọc dấu vân tay này cho cán bộ tỉnh khi "
            "gửi tệp khoá (nút «Lưu tệp khoá công khai…» hoặc lệnh sync-key --export)." if key else
            "Máy này chưa có khoá ký tệp: khoá được tạo khi xuất tệp đầu tiên.")
        rows = list_exports(store)
        self.history_model.set_rows([
            [str(row["sequence"]), _show_dt(row["generated_at"]), _show_date(row["period_end"]),
             "Đầy đủ" if row["kind"] == "full" else f"Gia tăng (từ số {row['base_sequence']})",
             thousands(json.loads(row["counts"] or "{}").get("HoSo")), "Có" if row["protected"] else "KHÔNG",
             _show_dt(row["acknowledged_at"]) if row["acknowledged_at"] else "Chưa"]
            for row in rows], [row["sequence"] for row in rows])
        self.history_empty.setVisible(not rows)
        self.ack_button.setEnabled(bool(rows))

    def _update_period_label(self) -> None:
        period = week_ending(_pydate(self.week_end.date()), get_settings(self.ctx.store))
        due = period.due_at
        self.period_label.setText(f"Kỳ từ {date_text(period.start)} đến {date_text(period.end)}"
                                  + (f", hạn gửi {time_text(due)} ngày {date_text(due)}" if due else ""))

    def _update_password_hint(self) -> None:
        first, second = self.password.text(), self.password2.text()
        if not first and not second:
            self.password_hint.setText(
                "Tệp sẽ KHÔNG có mật khẩu (trong tệp có số định danh cá nhân của người đại diện); việc này được ghi "
                "nhật ký." if self.unencrypted.isChecked() else
                "Hãy đặt mật khẩu: tệp có số định danh cá nhân của người đại diện.")
        elif len(first) < MIN_PASSWORD_LENGTH:
            self.password_hint.setText(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
        elif first != second:
            self.password_hint.setText("Hai lần nhập mật khẩu chưa khớp.")
        else:
            self.password_hint.setText("Tệp sẽ được mã hoá bằng mật khẩu; báo mật khẩu cho tỉnh qua kênh khác.")

    # ---- actions ---------------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục lưu tệp đồng bộ", default_folder(self.folder.text()))
        if folder:
            self.folder.setText(folder)

    def start_export(self) -> BackgroundOp | None:
        if self.last_op is not None and self.last_op.is_running():
            return None
        password, again = self.password.text(), self.password2.text()
        if password != again:
            show_error(self, UserError("Hai lần nhập mật khẩu không khớp; hãy nhập lại."))
            return None
        if not password and not self.unencrypted.isChecked():
            show_error(self, UserError(PASSWORD_REQUIRED))
            return None
        folder = Path(self.folder.text().strip() or ".")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            show_error(self, UserError(f"Không tạo được thư mục «{folder}»: {exc.strerror or exc}"))
            return None
        period = week_ending(_pydate(self.week_end.date()), get_settings(self.ctx.store))
        full = self.full.isChecked()
        unencrypted = self.unencrypted.isChecked() and not password
        self.ctx.store.set_setting(FOLDER_SETTING, str(folder), audit=False)

        def work(store, progress):
            return export_workbook(store, folder, full=full, password=password or None, period=period,
                                   progress=progress, unencrypted=unencrypted)

        self.export_button.setEnabled(False)
        op = BackgroundOp(self.ctx, work, title="Đang xuất tệp đồng bộ…", parent=self)
        op.success(self._exported).with_progress()
        op.finished.connect(self._export_finished)  # a bound slot: dropped if the panel is gone first
        self.last_op = op.run()
        return op

    def _export_finished(self) -> None:
        self.export_button.setEnabled(True)

    def _exported(self, result: ExportResult) -> None:
        self.last_result = result
        self.password.clear()
        self.password2.clear()
        self.unencrypted.setChecked(False)
        kind = "đầy đủ" if result.kind == "full" else f"gia tăng từ tệp số {result.base_sequence}"
        notes = " ".join(result.notes)
        self.result_label.setText(
            f"Đã xuất tệp số {result.sequence} ({kind}): {result.path}\n"
            f"{thousands(result.rows)} hồ sơ, {thousands(result.sheet_rows.get('ToChuc', 0))} tổ chức, "
            f"{thousands(result.sheet_rows.get('XacMinh', 0))} yêu cầu xác minh đang mở. SHA-256: {result.sha256}"
            + (f"\n{notes}" if notes else ""))
        self.warning_label.setText(("⚠ " + result.warning) if result.warning else "")
        self.warning_label.setVisible(bool(result.warning))
        self.open_folder_button.setEnabled(True)
        self.refresh()

    def open_folder(self) -> None:
        folder = Path(self.last_result.path).parent if self.last_result else Path(self.folder.text())
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def acknowledge_selected(self) -> None:
        selected = self.history.selectionModel().selectedRows()
        if not selected:
            show_error(self, UserError("Hãy chọn tệp mà tỉnh đã xác nhận nhận được."))
            return
        sequence = self.history_model.keys[selected[0].row()]
        run_mutation(self, lambda: acknowledge(self.ctx.store, sequence))  # the page refreshes on the change


def _show_dt(iso: str | None) -> str:
    if not iso:
        return ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]} {iso[11:16]}"


def _show_date(iso: str | None) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if iso else ""

