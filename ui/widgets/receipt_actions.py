"""Printing or saving the applicant's receipt slip for a dossier (A4 or A5)."""

from __future__ import annotations

import io
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from exporters.receipt_pdf import ReceiptData, write_receipt
from models.core.store import Store
from models.dossiers.receipt import receipt_fields
from ui.dialogs.pdf_preview import print_pdf

PAGE_SIZES = ("A5", "A4")


def receipt_pdf(store: Store, dossier_id: int, page_size: str = "A5") -> bytes:
    buffer = io.BytesIO()
    write_receipt(ReceiptData(**receipt_fields(store, dossier_id)), buffer, page_size=page_size)
    return buffer.getvalue()


def default_file_name(store: Store, dossier_id: int) -> str:
    number = store.scalar("SELECT number FROM dossiers WHERE id = ?", (dossier_id,)) or str(dossier_id)
    return f"giay-hen-{number}.pdf"


def save_receipt(parent: QWidget | None, store: Store, dossier_id: int, page_size: str,
                 path: str | Path | None = None) -> Path | None:
    """Write the slip to ``path`` (asks for a file name when None); returns the path or None if cancelled."""
    if path is None:
        chosen, _filter = QFileDialog.getSaveFileName(parent, "Lưu giấy hẹn", default_file_name(store, dossier_id),
                                                      "Tệp PDF (*.pdf)")
        if not chosen:
            return None
        path = chosen
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    path.write_bytes(receipt_pdf(store, dossier_id, page_size))
    return path


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
