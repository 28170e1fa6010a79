"""What the procedure's printed papers say, as plain values (issue 13, item 2; the one-stop paperwork of
docs/dossiers.md): the request for more papers ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"), the refusal
notice ("Phiếu từ chối tiếp nhận, giải quyết hồ sơ") and the unit's intake register book for a period
("Sổ theo dõi tiếp nhận hồ sơ"). The exporters (``exporters/procedure_pdf.py``) lay them out.
"""

from __future__ import annotations

import datetime as dt
import json

from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers import rows as dossier_rows
from models.dossiers.calendar import as_date
from models.dossiers.states import STATUSES
from models.registry import units as units_mod
from models.reports.period import get_settings
from models.text.identifiers import check_tax_code
from models.text.vn_format import date_text

PROCEDURE = "Cấp tài khoản định danh điện tử cho cơ quan, tổ chức"


def _unit(store: Store) -> dict:
    unit = units_mod.current_unit(store)
    if unit is None:
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình: vào mục Quản trị để khai báo trước khi in.")
    return unit


def _letterhead(unit: dict) -> dict:
    return {"header_lines": [line for line in (unit.get("parent_name"), unit["name"]) if line],
            "place": unit.get("place_name") or unit.get("province_name") or ""}


def _dossier(store: Store, dossier_id: int) -> dict:
    d = dossier_rows.get(store, dossier_id)
    if d is None:
        raise UserError(f"Không tìm thấy hồ sơ số {dossier_id}")
    return d


def _applicant(d: dict) -> dict:
    declared, org = d["declared"], d["org"] or {}

    def pick(key: str):
        return declared.get(key) or org.get(key) or None

    tax = pick("tax_code") or d.get("tax_code")
    return {"organization_name": pick("name") or "", "tax_code": (check_tax_code(tax).value or tax) if tax else None,
            "address": pick("address"), "legal_rep": pick("rep_name"), "rep_phone": pick("rep_phone")}


def _last_event(store: Store, dossier_id: int, to_status: str) -> dict | None:
    return store.query_one(
        "SELECT e.at, e.reason, e.detail, o.full_name AS officer FROM dossier_events e JOIN officers o "
        "ON o.id = e.officer_id WHERE e.dossier_id = ? AND e.to_status = ? AND e.undo_of IS NULL "
        "ORDER BY e.id DESC LIMIT 1", (dossier_id, to_status))


def papers_request_fields(store: Store, dossier_id: int) -> dict:
    """The request for more papers: the papers asked for at the last «Yêu cầu bổ sung giấy tờ»."""
    require(store, "dossier.view")
    d = _dossier(store, dossier_id)
    papers = json.loads(d.get("missing_papers") or "[]")
    if not papers:
        raise UserError(f"Hồ sơ {d['number']} chưa có yêu cầu bổ sung giấy tờ nào (chưa chọn giấy tờ cần bổ sung)")
    event = _last_event(store, dossier_id, "needs_papers")
    day = as_date(event["at"]) if event else store.today()
    return {**_letterhead(_unit(store)), **_applicant(d), "dossier_number": d["number"],
            "received_at": dt.datetime.fromisoformat(d["received_at"]), "papers": papers, "day": day,
            "officer_name": event["officer"] if event else d["officer"], "procedure": PROCEDURE}


def refusal_fields(store: Store, dossier_id: int) -> dict:
    """The refusal notice: the reason, signed by the leader who refused (or approved the refusal)."""
    require(store, "dossier.view")
    d = _dossier(store, dossier_id)
    if d["status"] != "refused":
        raise UserError(f"Hồ sơ {d['number']} không ở trạng thái «Từ chối»: chưa có phiếu từ chối để in")
    event = _last_event(store, dossier_id, "refused")
    settings = get_settings(store)
    return {**_letterhead(_unit(store)), **_applicant(d), "dossier_number": d["number"],
            "received_at": dt.datetime.fromisoformat(d["received_at"]), "reason": d["refusal_reason"] or "",
            "day": as_date(d["closed_on"] or (event["at"] if event else store.today())),
            "signer_authority": settings.signer_authority, "signer_title": settings.signer_title,
            "signer_name": event["officer"] if event else "", "procedure": PROCEDURE}


def _result(d: dict) -> str:
    """Decree 61/2018's register column "trả kết quả": trước hạn / đúng hạn / quá hạn (or still open)."""
    end = d["issued_on"] if d["status"] in ("issued", "activated") else None
    if end is None or not d["due_date"]:
        return ""
    if end < d["due_date"]:
        return "Trước hạn"
    return "Đúng hạn" if end == d["due_date"] else "Quá hạn"


def register_book(store: Store, start: dt.date | str, end: dt.date | str) -> dict:
    """The intake register book: every dossier received from ``start`` to ``end`` (inclusive, cancelled ones
    too, marked: the book keeps what was logged), in the order received."""
    require(store, "dossier.view")
    start, end = as_date(start), as_date(end)
    if end < start:
        raise UserError(f"Khoảng thời gian không hợp lệ: từ {date_text(start)} đến {date_text(end)}")
    unit = _unit(store)
    rows = []
    for r in store.query(
        "SELECT d.id, d.number, d.status, d.tax_code, d.channel, d.received_at, d.due_date, d.issued_on, "
        "d.closed_on, d.refusal_reason, d.cancel_reason, d.account_id, d.missing_papers, d.declared, "
        "g.name AS org_name, g.rep_name AS org_rep, g.rep_phone AS org_phone, g.address AS org_address, "
        "o.full_name AS officer FROM dossiers d JOIN officers o ON o.id = d.officer_id "
        "LEFT JOIN organizations g ON g.id = d.org_id "
        "WHERE d.received_on >= ? AND d.received_on <= ? ORDER BY d.received_at, d.id",
        (start.isoformat(), end.isoformat()),
    ):
        declared = json.loads(r["declared"] or "{}")
        note = ""
        if r["status"] == "refused":
            note = f"Từ chối: {r['refusal_reason'] or ''}"
        elif r["status"] == "cancelled":
            note = f"Huỷ (nhập nhầm): {r['cancel_reason'] or ''}"
        elif r["account_id"]:
            note = f"Định danh tài khoản: {r['account_id']}"
        elif r["status"] == "needs_papers" and r["missing_papers"]:
            note = "Chờ bổ sung: " + "; ".join(json.loads(r["missing_papers"]))
        tax = declared.get("tax_code") or r["tax_code"]
        rows.append({
            "number": r["number"],
            "organization": declared.get("name") or r["org_name"] or "",
            "tax_code": (check_tax_code(tax).value or tax) if tax else "",
            "representative": declared.get("rep_name") or r["org_rep"] or "",
            "phone": declared.get("rep_phone") or r["org_phone"] or "",
            "channel": r["channel"],
            "received_at": dt.datetime.fromisoformat(r["received_at"]),
            "due_date": as_date(r["due_date"]) if r["due_date"] else None,
            "status": STATUSES.get(r["status"], r["status"]),
            "finished_on": as_date(r["closed_on"]) if r["closed_on"] else None,
            "result": _result(r),
            "officer": r["officer"],
            "note": note,
        })
    return {**_letterhead(unit), "start": start, "end": end, "rows": rows, "procedure": PROCEDURE,
            "day": store.today()}
