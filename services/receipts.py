"""The applicant's receipt slip (giấy hẹn) of a dossier: rendered as PDF (A5 or A4) to print or save."""

from __future__ import annotations

import io
from pathlib import Path

from exporters.receipt_pdf import ReceiptData, write_receipt
from models.core.store import Store
from models.dossiers.receipt import receipt_fields
from models.people import level2
from services.output import write_file

PAGE_SIZES = ("A5", "A4")


def receipt_pdf(store: Store, dossier_id: int, page_size: str = "A5") -> bytes:
    """The slip of an organization's dossier, or of a citizen's level-2 dossier (ID number masked)."""
    buffer = io.BytesIO()
    subject = store.scalar("SELECT subject_type FROM dossiers WHERE id = ?", (dossier_id,))
    fields = level2.receipt_fields(store, dossier_id) if subject == "person" else receipt_fields(store, dossier_id)
    write_receipt(ReceiptData(**fields), buffer, page_size=page_size)
    return buffer.getvalue()


def default_file_name(store: Store, dossier_id: int) -> str:
    number = store.scalar("SELECT number FROM dossiers WHERE id = ?", (dossier_id,)) or str(dossier_id)
    return f"giay-hen-{number}.pdf"


def save_receipt(store: Store, dossier_id: int, page_size: str, path: str | Path) -> Path:
    """Write the slip to ``path`` (``.pdf`` added when missing); returns the path written."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    write_file(store, path, receipt_pdf(store, dossier_id, page_size))
    return path
