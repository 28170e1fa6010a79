"""The citizens' named worklists written to files (issue 16 item 3): an area officer's door-to-door sheet,
the letter to an agency head with its staff list annexed, the enterprises who did not come — PDF
(``exporters/worklist_pdf.py``) or Excel (``exporters/worklist_xlsx.py``) by the file's suffix, through the
output protocol (``services/output.py``).

Each file written is logged (``worklist.export``: which list, how many people, the file name). ID numbers
are masked unless ``full_ids`` (permission ``personal_id.reveal``; such a file is also logged as
``personal_id.export``).
"""

from __future__ import annotations

from pathlib import Path

from exporters.worklist_pdf import render_agency_letter, render_worklist_pdf
from exporters.worklist_xlsx import write_worklist_xlsx
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.people import worklists
from services.output import write_file

FORMATS = (".pdf", ".xlsx")


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"Không xuất được «{path.name}»: chỉ xuất được tệp .pdf hoặc .xlsx")
    return suffix


def _write(store: Store, path: Path, doc: worklists.WorklistDocument, pdf: bytes | None, kind: str,
           object_type: str, object_id, full_ids: bool) -> int:
    def record(_written) -> None:  # inside the output protocol's transaction: logged only when written
        store.audit("worklist.export", object_type, object_id,
                    detail={"list": kind, "count": doc.count, "file": path.name, "full_ids": full_ids})
        if full_ids and doc.count:
            store.audit("personal_id.export", object_type, object_id, detail={"count": doc.count, "file": path.name})

    if pdf is not None:
        write_file(store, path, pdf, record)
    else:
        write_file(store, path, lambda partial: write_worklist_xlsx(partial, doc), record)
    return doc.count


def export_door_to_door(store: Store, path: str | Path, *, officer_id: int | None = None,
                        area_code: str | None = None, full_ids: bool = False) -> int:
    """The door-to-door sheet of an officer (or a commune); returns how many residents are listed."""
    path = Path(path)
    suffix = _suffix(path)
    require(store, "people.view")
    if full_ids:
        require(store, "personal_id.reveal")
    doc = worklists.door_to_door_document(store, officer_id, area_code=area_code, full_ids=full_ids)
    pdf = render_worklist_pdf(doc) if suffix == ".pdf" else None
    return _write(store, path, doc, pdf, "door_to_door", "officer" if officer_id is not None else "area",
                  officer_id if officer_id is not None else area_code, full_ids)


def export_agency_letter(store: Store, path: str | Path, agency_id: int, *, full_ids: bool = False) -> int:
    """The letter to the agency head with the list annexed (.pdf), or the list alone (.xlsx)."""
    path = Path(path)
    suffix = _suffix(path)
    require(store, "people.view")
    if full_ids:
        require(store, "personal_id.reveal")
    letter = worklists.agency_letter(store, agency_id, full_ids=full_ids)
    pdf = render_agency_letter(letter) if suffix == ".pdf" else None
    return _write(store, path, letter.annex, pdf, "agency", "agency", agency_id, full_ids)


def export_no_shows(store: Store, path: str | Path) -> int:
    """The enterprises who chose a date that has passed and did not come."""
    path = Path(path)
    suffix = _suffix(path)
    doc = worklists.no_show_document(store)
    pdf = render_worklist_pdf(doc) if suffix == ".pdf" else None
    return _write(store, path, doc, pdf, "schedule_no_shows", "schedule", None, False)
