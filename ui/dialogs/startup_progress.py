"""The start-up window: shown at once when the program must first build the demo database or upgrade the
database's structure, with the step it is at ("bước n/m") and, where stopping is safe, "Huỷ".

Only the widget; the work runs in a worker thread (``ui.shell.startup``), which reports through
``report``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget


class StartupProgressDialog(QDialog):
    cancel_requested = Signal()

    def __init__(self, heading: str, *, cancellable: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("startupProgress")
        self.setWindowTitle("Sổ Định Danh — đang khởi động")
        self.setMinimumWidth(480)
        self.cancellable = cancellable
        self.cancelling = False
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>Sổ Định Danh</b><br>{heading}")
        title.setObjectName("startupHeading")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.label = QLabel("Đang chuẩn bị…")
        self.label.setObjectName("startupStep")
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.bar = QProgressBar()
        self.bar.setObjectName("startupBar")
        self.bar.setRange(0, 0)  # busy until the first step is reported
        self.bar.setTextVisible(False)
        layout.addWidget(self.bar)
        self.cancel_button = QPushButton("&Huỷ")
        self.cancel_button.setObjectName("startupCancel")
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.clicked.connect(self.request_cancel)
        layout.addWidget(self.cancel_button, alignment=Qt.AlignRight)

    def report(self, done: int, total: int, message: str) -> None:
        if self.cancelling:
            return
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if message:
            self.label.setText(message)

    def request_cancel(self) -> None:
        if not self.cancellable or self.cancelling:
            return
        self.cancelling = True
        self.cancel_button.setEnabled(False)
        self.label.setText("Đang huỷ, không để lại tệp dở dang…")
        self.cancel_requested.emit()

    # Escape and the window's close button cancel where that is safe, and are refused otherwise.
    def reject(self) -> None:
        self.request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()
        self.request_cancel()
