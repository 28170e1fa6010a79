"""The "Chưa đăng ký" worklist written to a file for commune police: PDF (Decree 30 table) or Excel."""

from __future__ import annotations

from pathlib import Path

from exporters.pending_list import render_pending_pdf, write_pending_xlsx
from models.core.errors import UserError
from models.core.store import Store
from models.registry.pending import PendingQuery, pending_document
from services.output import write_file

FORMATS = {".pdf": "PDF", ".xlsx": "Excel"}


def export_pending(store: Store, query: PendingQuery | None, path: str | Path) -> int:
    """Write the worklist to ``path`` (.pdf or .xlsx, by its suffix); returns how many organizations."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"Không xuất được «{path.name}»: chỉ xuất được tệp .pdf hoặc .xlsx")
    doc = pending_document(store, query)

    def record(_written) -> None:
        store.audit("pending.export", "file", path.name,
                    detail={"file": str(path), "count": doc.count, "scope": doc.scope})

    if suffix == ".pdf":
        write_file(store, path, render_pending_pdf(doc), record)
    else:
        write_file(store, path, lambda partial: write_pending_xlsx(partial, doc), record)
    return doc.count
