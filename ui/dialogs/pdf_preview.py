"""Showing and printing PDF bytes: pages rendered with PDFium (pypdfium2, Apache-2.0/BSD-3).

The PySide6 wheels in use ship without QtPdf, so pages are rendered to images: on screen in a
scrolling column, on paper at the printer's resolution through ``QPrinter`` + ``QPainter``.
"""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

PRINT_DPI = 300


def render_pages(pdf: bytes, scale: float) -> list[QImage]:
    """Each page as an RGB image (``scale`` 1.0 = 72 dpi)."""
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=scale, rev_byteorder=True)
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, QImage.Format_RGB888)
            images.append(image.copy())  # own the pixels: the PDFium buffer is freed below
            page.close()
        return images
    finally:
        document.close()


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print every page on ``printer`` (already set up by the print dialog); returns the page count."""
    dpi = min(printer.resolution(), PRINT_DPI)  # a 1200-dpi A4 page would be ~400 MB of pixels
    images = render_pages(pdf, dpi / 72.0)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("Không mở được máy in đã chọn.")
    try:
        for index, image in enumerate(images):
            if index:
                printer.newPage()
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.KeepAspectRatio)
            painter.drawImage(QRect(target.x(), target.y(), size.width(), size.height()), image)
    finally:
        painter.end()
    return len(images)


class PdfPreview(QScrollArea):
    """The pages of a PDF one under the other, scaled to the width of the pane (re-fitted on resize)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reportPreview")
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignHCenter)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self.setWidget(self._inner)
        self.page_labels: list[QLabel] = []
        self._images: list[QImage] = []
        self.pdf: bytes | None = None
        self.empty_label = QLabel("Chưa có bản xem trước. Chọn kỳ báo cáo rồi bấm «Xem trước» (F5).")
        self.empty_label.setObjectName("previewEmpty")
        self.empty_label.setAlignment(Qt.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #666; padding: 40px;")
        self._layout.addWidget(self.empty_label)

    def set_pdf(self, pdf: bytes | None, scale: float = 2.0) -> None:
        """Render at ``scale`` (1.0 = 72 dpi; 2.0 stays sharp when shrunk to the pane)."""
        for label in self.page_labels:
            self._layout.removeWidget(label)
            label.deleteLater()
        self.page_labels = []
        self._images = []
        self.pdf = pdf
        self.empty_label.setVisible(not pdf)
        if not pdf:
            return
        self._images = render_pages(pdf, scale)
        for number, _image in enumerate(self._images, start=1):
            label = QLabel()
            label.setObjectName(f"previewPage{number}")
            label.setStyleSheet("border: 1px solid #999; background: white;")
            label.setAccessibleName(f"Trang {number}")
            self._layout.addWidget(label)
            self.page_labels.append(label)
        self._fit()

    def _fit(self) -> None:
        margins = self._layout.contentsMargins()
        width = self.viewport().width() - margins.left() - margins.right() - 4
        for label, image in zip(self.page_labels, self._images, strict=True):
            target = max(200, min(width, image.width()))
            label.setPixmap(QPixmap.fromImage(image).scaledToWidth(target, Qt.SmoothTransformation))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._images:
            self._fit()

    def page_count(self) -> int:
        return len(self.page_labels)
