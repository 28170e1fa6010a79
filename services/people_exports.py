"""Lists of people written to files: the agencies' staff who have no level-2 account yet (for the
commune police). Written through the output protocol (``services/output.py``).

ID numbers are masked unless the officer may see them in full (``personal_id.reveal``); a list with full
numbers is written to the log (``personal_id.export``: how many numbers, which agency).
"""

from __future__ import annotations

from pathlib import Path

from exporters.people_xlsx import write_staff_without_level2
from models.core.permissions import require
from models.core.store import Store
from models.people import agencies
from models.text.identifiers import mask_personal_id
from models.text.vn_format import date_text
from services.output import write_file


def export_staff_without_level2(store: Store, path: str | Path, *, agency_id: int | None = None,
                                full_ids: bool = False) -> tuple[Path, int]:
    """Write the list (one agency, or all); returns the path and the number of persons listed.
    ``full_ids`` asks for the whole ID numbers (permission ``personal_id.reveal``, logged)."""
    require(store, "people.view")
    if full_ids:
        require(store, "personal_id.reveal")
    rows = agencies.staff_without_level2(store, agency_id)
    name = None
    if agency_id is not None:
        found = store.query_one("SELECT name FROM agencies WHERE id = ?", (agency_id,))
        name = found["name"] if found else None
    out = [{"full_name": r["full_name"], "agency": r["agency"], "position": r["position"], "phone": r["phone"],
            "preferred_on": date_text(r["preferred_on"]) if r["preferred_on"] else "",
            "id_number": (r["id_number"] if full_ids else mask_personal_id(r["id_number"])) if r["id_number"] else ""}
           for r in rows]
    title = "DANH SÁCH CÁN BỘ, NHÂN VIÊN CHƯA ĐƯỢC CẤP TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ MỨC 2"
    subtitle = (f"{name} — " if name else "Tất cả cơ quan, đơn vị — ") + f"tính đến ngày {date_text(store.today())}"
    path = Path(path)

    def record(_value) -> None:  # inside the output protocol's transaction: logged only when written
        if full_ids and out:
            store.audit("personal_id.export", "agency" if agency_id is not None else "personal_id", agency_id,
                        detail={"count": len(out), "file": path.name})

    write_file(store, path, lambda partial: write_staff_without_level2(partial, out, title=title, subtitle=subtitle),
               record)
    return path, len(out)
