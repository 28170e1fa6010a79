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
    """The pages of a PDF one under the other, at screen size."""

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
        self.pdf: bytes | None = None

    def set_pdf(self, pdf: bytes | None, scale: float = 1.25) -> None:
        for label in self.page_labels:
            self._layout.removeWidget(label)
            label.deleteLater()
        self.page_labels = []
        self.pdf = pdf
        if not pdf:
            return
        for number, image in enumerate(render_pages(pdf, scale), start=1):
            label = QLabel()
            label.setObjectName(f"previewPage{number}")
            label.setPixmap(QPixmap.fromImage(image))
            label.setStyleSheet("border: 1px solid #999; background: white;")
            label.setAccessibleName(f"Trang {number}")
            self._layout.addWidget(label)
            self.page_labels.append(label)

    def page_count(self) -> int:
        return len(self.page_labels)
