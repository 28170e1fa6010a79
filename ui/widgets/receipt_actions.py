"""Printing or saving the applicant's receipt slip for a dossier (A4 or A5); the slip itself comes from
``services.receipts``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from models.core.store import Store
from services import receipts
from services.receipts import receipt_pdf
from ui.dialogs.pdf_preview import print_pdf
from ui.widgets.file_dialogs import default_path


def save_receipt(parent: QWidget | None, store: Store, dossier_id: int, page_size: str,
                 path: str | Path | None = None) -> Path | None:
    """Write the slip to ``path`` (asks for a file name when None); returns the path or None if cancelled."""
    if path is None:
        chosen, _filter = QFileDialog.getSaveFileName(parent, "Lưu giấy hẹn",
                                                      default_path(receipts.default_file_name(store, dossier_id)),
                                                      "Tệp PDF (*.pdf)")
        if not chosen:
            return None
        path = chosen
    return receipts.save_receipt(store, dossier_id, page_size, path)


def make_printer(page_size: str) -> QPrinter:
    printer = QPrinter(QPrinter.HighResolution)
    size = QPageSize(QPageSize.A5 if page_size == "A5" else QPageSize.A4)
    orientation = QPageLayout.Landscape if page_size == "A5" else QPageLayout.Portrait
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))
    printer.setFullPage(True)  # the PDF carries the Decree 30 margins itself
    printer.setDocName(f"Giấy hẹn ({page_size})")
    return printer


def print_receipt(parent: QWidget | None, store: Store, dossier_id: int, page_size: str) -> bool:
    """Ask for a printer and print the slip; False when the officer cancelled the print dialog."""

    pdf = receipt_pdf(store, dossier_id, page_size)
    printer = make_printer(page_size)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("In giấy hẹn")
    if dialog.exec() != QDialog.Accepted:
        return False
    print_pdf(pdf, printer)
    return True
