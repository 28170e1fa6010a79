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
from models.dossiers.rows import QR_SEPARATOR
from models.registry import units as units_mod
from models.text.identifiers import check_tax_code
from models.text.vn_format import date_text


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
    due = dt.date.fromisoformat(d["due_date"]) if d.get("due_date") else None
    return {
        "header_lines": header,
        "place": unit.get("place_name") or unit.get("province_name") or "",
        "dossier_number": d["number"],
        "organization_name": pick("name") or "",
        "received_at": received,
        "due_date": due,
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
        "qr_text": qr_payload(d["number"], pick("name") or "", due, header),
    }


QR_MAX_NAME = 80  # characters of the organization's name kept in the QR code (a small code scans easily)


def qr_payload(number: str, organization: str, due: dt.date | None, unit_lines: list[str]) -> str:
    """What the receipt's QR code holds: one line a phone shows as it is and the desk's search field
    opens the dossier from (the number comes first), e.g.
    ``HS-2025-000123 · Công ty TNHH Sao Mai · Hẹn trả kết quả: 14/01/2025 · Tổ tiếp nhận Rạch Giá - Công an
    tỉnh An Giang``."""
    name = " ".join(organization.split())
    if len(name) > QR_MAX_NAME:
        name = name[:QR_MAX_NAME - 1].rstrip() + "…"
    parts = [number]
    if name:
        parts.append(name)
    parts.append(f"Hẹn trả kết quả: {date_text(due)}" if due else "Hẹn trả kết quả: sau khi xác minh xong")
    unit = " - ".join(reversed([" ".join(line.split()) for line in unit_lines if line and line.strip()]))
    if unit:
        parts.append(unit)
    # the separator never appears inside a part (it would cut the number off a scan)
    return QR_SEPARATOR.join(p.replace(QR_SEPARATOR.strip(), "-") for p in parts)

