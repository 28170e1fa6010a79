"""The procedure's printed papers (issue 13, item 2): the request-for-papers slip and the refusal notice of a
dossier, and the unit's intake register book for a period; rendered as PDF and written through
``services.output`` (the register book, which lists applicants' names and phone numbers, is audited)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from exporters.procedure_pdf import write_papers_request, write_refusal, write_register_book
from models.core.errors import UserError
from models.core.store import Store
from models.dossiers import documents
from services.output import write_file

KINDS = {
    "papers_request": (documents.papers_request_fields, write_papers_request, "phieu-yeu-cau-bo-sung"),
    "refusal": (documents.refusal_fields, write_refusal, "phieu-tu-choi"),
}


def _pdf_path(path: str | Path) -> Path:
    path = Path(path)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def document_pdf(store: Store, dossier_id: int, kind: str) -> bytes:
    if kind not in KINDS:
        raise UserError(f"Loại phiếu «{kind}» không có")
    fields, writer, _ = KINDS[kind]
    buffer = io.BytesIO()
    writer(fields(store, dossier_id), buffer)
    return buffer.getvalue()


def default_file_name(store: Store, dossier_id: int, kind: str) -> str:
    number = store.scalar("SELECT number FROM dossiers WHERE id = ?", (dossier_id,)) or str(dossier_id)
    return f"{KINDS[kind][2]}-{number}.pdf"


def save_document(store: Store, dossier_id: int, kind: str, path: str | Path) -> Path:
    """Write the slip or notice of one dossier to ``path`` (``.pdf`` added when missing)."""
    path = _pdf_path(path)
    write_file(store, path, document_pdf(store, dossier_id, kind))
    return path


def register_book_pdf(store: Store, start: dt.date | str, end: dt.date | str) -> tuple[bytes, int]:
    data = documents.register_book(store, start, end)
    buffer = io.BytesIO()
    write_register_book(data, buffer)
    return buffer.getvalue(), len(data["rows"])


def save_register_book(store: Store, start: dt.date | str, end: dt.date | str, path: str | Path) -> dict:
    """Write the register book to ``path``; the export is audited with the period and the row count."""
    path = _pdf_path(path)
    pdf, count = register_book_pdf(store, start, end)

    def record(_value) -> None:
        store.audit("dossier.register_book", "dossier", None,
                    detail={"from": str(start)[:10], "to": str(end)[:10], "rows": count, "path": str(path)})

    write_file(store, path, pdf, record)
    return {"path": str(path), "rows": count}
