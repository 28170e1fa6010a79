"""The dossier's checks tab: the automatic findings (icon and colour per severity, blocking first) with
«Kiểm tra lại» (F5 on the dossier screen), and the manual checks the officers recorded."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from models.core.store import Store
from models.dossiers import verification
from models.text.vn_format import datetime_text
from ui.tables.tip_rows_model import TipRowsModel, detail_table

SEVERITY_COLOURS = {"blocking": "#b3261e", "warning": "#8a5a00", "info": "#1f5f99"}
SEVERITY_ICONS = {"blocking": QStyle.SP_MessageBoxCritical, "warning": QStyle.SP_MessageBoxWarning,
                  "info": QStyle.SP_MessageBoxInformation}
MANUAL_HEADERS = ["Lúc", "Cán bộ", "Nội dung", "Kết quả", "Ghi chú"]


class ChecksPanel(QWidget):
    """Writes go to the dossier screen through ``write``: (the model call, the title of its error box,
    what to do once it succeeded or None); the screen runs it and reloads."""

    write = Signal(object, str, object)

    def __init__(self, store: Store, dossier_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.dossier_id = dossier_id
        self.is_open = False
        self.rows: list[dict] = []  # the findings shown
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_top())
        self.findings = QListWidget()
        self.findings.setObjectName("findingsList")
        layout.addWidget(self.findings, 2)
        layout.addWidget(self._build_manual_form())
        self.manual_model = TipRowsModel(MANUAL_HEADERS)
        self.manual_table = detail_table("manualChecks", self.manual_model, (120, 170, 380, 110))
        layout.addWidget(self.manual_table, 1)

    def _build_top(self) -> QHBoxLayout:
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Kết quả kiểm tra tự động</b>"))
        top.addStretch(1)
        self.verify_button = QPushButton("Kiểm tra lại (F5)")
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setAutoDefault(False)
        self.verify_button.clicked.connect(self.run_verification)
        top.addWidget(self.verify_button)
        return top

    def _build_manual_form(self) -> QGroupBox:
        manual = QGroupBox("Kiểm tra thủ công đã làm")
        form = QHBoxLayout(manual)
        self.check_code = QComboBox()
        self.check_code.setObjectName("manualCheckCode")
        for code, label in verification.MANUAL_CHECKS.items():
            self.check_code.addItem(label, code)
        self.check_result = QComboBox()
        self.check_result.setObjectName("manualCheckResult")
        for code, label in verification.MANUAL_RESULTS.items():
            self.check_result.addItem(label, code)
        self.check_note = QLineEdit()
        self.check_note.setObjectName("manualCheckNote")
        self.check_note.setPlaceholderText("Ghi chú")
        self.check_button = QPushButton("Ghi nhận")
        self.check_button.setObjectName("manualCheckButton")
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.record_manual_check)
        self.check_note.returnPressed.connect(self.record_manual_check)
        form.addWidget(self.check_code, 3)
        form.addWidget(self.check_result, 1)
        form.addWidget(self.check_note, 2)
        form.addWidget(self.check_button)
        return manual

    # ---- filling -----------------------------------------------------------------------------------
    def fill(self, is_open: bool) -> int:
        """Read the findings and manual checks; returns the number of blocking findings."""
        self.is_open = is_open
        self._fill_findings()
        self._fill_manual_checks()
        for widget in (self.verify_button, self.check_button):
            widget.setEnabled(is_open)
        return sum(1 for f in self.rows if f["severity"] == "blocking")

    def _fill_findings(self) -> None:
        self.findings.clear()
        self.rows = verification.findings(self.store, self.dossier_id)
        style = self.style()
        for f in self.rows:
            item = QListWidgetItem(style.standardIcon(SEVERITY_ICONS[f["severity"]]),
                                   f"[{f['severity_label']}] {f['label']}: {f['message']}")
            item.setForeground(QBrush(QColor(SEVERITY_COLOURS[f["severity"]])))
            item.setData(Qt.UserRole, f["code"])
            item.setData(Qt.UserRole + 1, f["severity"])
            self.findings.addItem(item)
        if not self.rows:
            self.findings.addItem(QListWidgetItem("Không có phát hiện nào."))

    def _fill_manual_checks(self) -> None:
        self.manual_model.set_rows([
            [datetime_text(m["at"]), m["officer"], m["label"], m["result_label"], m["note"] or ""]
            for m in verification.manual_checks(self.store, self.dossier_id)])

    # ---- writing -----------------------------------------------------------------------------------
    def run_verification(self) -> None:
        if not self.is_open:
            return
        self.write.emit(lambda: verification.verify(self.store, self.dossier_id), "Không thực hiện được", None)

    def record_manual_check(self) -> None:
        code, result, note = self.check_code.currentData(), self.check_result.currentData(), self.check_note.text()
        self.write.emit(lambda: verification.record_manual_check(self.store, self.dossier_id, code, result, note),
                        "Không thực hiện được", self.check_note.clear)
