"""What the applicant's receipt slip prints for one dossier, as plain values.

The keys are the fields of ``exporters.receipt_pdf.ReceiptData`` (the screen builds it with
``ReceiptData(**receipt_fields(store, dossier_id))``). Declared values come first (they are what the
applicant wrote on TK02), the registry fills what the applicant left blank.
"""

from __future__ import annotations

import datetime as dt

from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers import records as dossiers
from models.registry import units as units_mod
from models.text.identifiers import check_tax_code


def receipt_fields(store: Store, dossier_id: int) -> dict:
    require(store, "dossier.view")
    d = dossiers.get(store, dossier_id)
    if d is None:
        raise UserError(f"Không tìm thấy hồ sơ số {dossier_id}")
    unit = units_mod.current_unit(store)
    if unit is None:
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình: vào mục Quản trị để khai báo trước khi in "
                        "giấy hẹn.")
    declared, org = d["declared"], d["org"] or {}

    def pick(key: str):
        return declared.get(key) or org.get(key) or None

    received = dt.datetime.fromisoformat(d["received_at"])
    header = [line for line in (unit.get("parent_name"), unit["name"]) if line]
    tax_code = pick("tax_code") or d.get("tax_code")
    return {
        "header_lines": header,
        "place": unit.get("place_name") or unit.get("province_name") or "",
        "dossier_number": d["number"],
        "organization_name": pick("name") or "",
        "received_at": received,
        "due_date": dt.date.fromisoformat(d["due_date"]) if d.get("due_date") else None,
        "officer_name": d["officer"],
        "papers": list(d["papers"]),
        "tax_code": (check_tax_code(tax_code).value or tax_code) if tax_code else None,
        "founding_decision": pick("founding_decision"),
        "address": pick("address"),
        "legal_rep": pick("rep_name"),
        "rep_phone": pick("rep_phone"),
        "rep_email": pick("rep_email"),
        "channel": d["channel"],
        "issued_on": received.date(),
    }

