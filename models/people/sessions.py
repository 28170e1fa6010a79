"""Mobile intake sessions: editing, cancelling, results, and what the schedule notice prints (issue 15, item 4).

A session is created by ``models.people.schedules.create_session``; this module edits and cancels it
(permission ``session.manage``, one audit line per changed field), lists sessions with their results
(expected vs received vs issued: counted from the person dossiers logged against them, cancelled dossiers
left out) and gathers the fields of the printable notice to commune chairs and agency heads
(``services/session_notice.py`` renders it with ``exporters/session_notice_pdf.py``).
"""

from __future__ import annotations

import datetime as dt
import json

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers.calendar import as_date
from models.registry import units as units_mod
from models.reports.period import get_settings
from models.text.normalize import clean

EDITABLE = ("held_on", "start_time", "end_time", "place", "team", "expected_people", "notes", "area_code",
            "agency_id", "org_id")

_SELECT = (
    "SELECT s.*, ar.name AS area_name, ag.name AS agency_name, ag.head_name AS agency_head, o.name AS org_name, "
    "(SELECT COUNT(*) FROM dossiers d WHERE d.session_id = s.id AND d.status <> 'cancelled') AS received, "
    "(SELECT COUNT(*) FROM dossiers d WHERE d.session_id = s.id AND d.issued_on IS NOT NULL "
    " AND d.status <> 'cancelled') AS issued, "
    "(SELECT COUNT(*) FROM dossiers d WHERE d.session_id = s.id AND d.status = 'refused') AS refused "
    "FROM intake_sessions s LEFT JOIN areas ar ON ar.code = s.area_code LEFT JOIN agencies ag ON ag.id = s.agency_id "
    "LEFT JOIN organizations o ON o.id = s.org_id"
)


def _decode(row: dict | None) -> dict | None:
    if row is not None:
        row["team"] = json.loads(row["team"] or "[]")
        row["target"] = row.get("agency_name") or row.get("org_name") or row.get("area_name") or ""
    return row


def get_session(store: Store, session_id: int) -> dict | None:
    require(store, "people.view")
    return _decode(store.query_one(f"{_SELECT} WHERE s.id = ?", (session_id,)))


def list_sessions(store: Store, start: dt.date | None = None, end: dt.date | None = None, *,
                  include_cancelled: bool = True) -> list[dict]:
    """Sessions with their results (``expected_people``, ``received``, ``issued``, ``refused``), by day."""
    require(store, "people.view")
    where, params = ["1"], []
    if start:
        where.append("s.held_on >= ?")
        params.append(as_date(start).isoformat())
    if end:
        where.append("s.held_on <= ?")
        params.append(as_date(end).isoformat())
    if not include_cancelled:
        where.append("s.status <> 'cancelled'")
    rows = store.query(f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY s.held_on, s.start_time, s.id", params)
    return [_decode(r) for r in rows]


def results(store: Store, session_id: int) -> dict:
    """Expected vs received vs issued for one session."""
    row = get_session(store, session_id)
    if row is None:
        raise UserError(f"Không tìm thấy buổi thu nhận số {session_id}")
    return {"expected": row["expected_people"], "received": row["received"], "issued": row["issued"],
            "refused": row["refused"]}


def _canonical(changes: dict) -> dict:
    out: dict = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            raise UserError(f"Không sửa được trường «{key}» của buổi thu nhận")
        if key == "held_on":
            if not value:
                raise UserError("Ngày thu nhận không được để trống")
            value = as_date(value).isoformat()
        elif key == "team":
            value = json.dumps([clean(t) for t in value or [] if clean(t)], ensure_ascii=False)
        elif key == "expected_people":
            if value in (None, ""):
                value = None
            else:
                value = int(value)
                if value < 0:
                    raise UserError("Số người dự kiến không được âm")
        elif key in ("agency_id", "org_id"):
            value = int(value) if value not in (None, "") else None
        else:
            value = clean(value) or None
        out[key] = value
    return out


def edit_session(store: Store, session_id: int, changes: dict, *, expected_version: int | None = None) -> list[str]:
    """Change a planned or held session; returns the changed fields (audited one by one)."""
    require(store, "session.manage")
    fields = _canonical(changes)
    with store.atomic():
        current = store.query_one("SELECT * FROM intake_sessions WHERE id = ?", (session_id,))
        if current is None:
            raise UserError(f"Không tìm thấy buổi thu nhận số {session_id}")
        if expected_version is not None and current["version"] != expected_version:
            raise UserError("Buổi thu nhận vừa được sửa ở nơi khác; hãy mở lại rồi sửa")
        if current["status"] == "cancelled":
            raise UserError("Buổi thu nhận đã huỷ: không sửa được nữa")
        merged = {**current, **fields}
        if merged["area_code"] is None and merged["agency_id"] is None and merged["org_id"] is None:
            raise UserError("Buổi thu nhận lưu động phải ghi xã/phường, cơ quan hoặc doanh nghiệp")
        changed = {k: v for k, v in fields.items() if current[k] != v}
        if not changed:
            return []
        sets = ", ".join(f"{k} = ?" for k in changed)
        store.execute(f"UPDATE intake_sessions SET {sets}, updated_at = ?, version = version + 1 WHERE id = ?",
                      (*changed.values(), store.now_iso(), session_id))
        store.audit_changes("intake_session", session_id, {k: current[k] for k in changed}, changed,
                            "intake_session.edit")
        store.notify(Table.INTAKE_SESSIONS, Kind.UPDATE, (session_id,))
    return sorted(changed)


def cancel_session(store: Store, session_id: int, reason: str) -> None:
    """Cancel a session (with a reason). Dossiers already logged against it stay as they are."""
    require(store, "session.manage")
    reason = clean(reason)
    if not reason:
        raise UserError("Hãy ghi lý do huỷ buổi thu nhận")
    with store.atomic():
        current = store.query_one("SELECT * FROM intake_sessions WHERE id = ?", (session_id,))
        if current is None:
            raise UserError(f"Không tìm thấy buổi thu nhận số {session_id}")
        if current["status"] == "cancelled":
            raise UserError("Buổi thu nhận đã huỷ từ trước")
        store.execute("UPDATE intake_sessions SET status = 'cancelled', cancel_reason = ?, updated_at = ?, "
                      "version = version + 1 WHERE id = ?", (reason, store.now_iso(), session_id))
        store.audit_changes("intake_session", session_id, {"status": current["status"], "cancel_reason": None},
                            {"status": "cancelled", "cancel_reason": reason}, "intake_session.cancel")
        store.notify(Table.INTAKE_SESSIONS, Kind.UPDATE, (session_id,))


def notice_fields(store: Store, session_id: int, *, number: str = "", recipients: list[str] | None = None) -> dict:
    """The fields of the schedule notice ("THÔNG BÁO Lịch thu nhận hồ sơ định danh điện tử mức 2") for one
    session: the unit, the addressee (the commune's chair or the agency's head), date, times, place, team."""
    require(store, "people.view")
    s = get_session(store, session_id)
    if s is None:
        raise UserError(f"Không tìm thấy buổi thu nhận số {session_id}")
    if s["status"] == "cancelled":
        raise UserError("Buổi thu nhận đã huỷ: không in thông báo")
    unit = units_mod.current_unit(store)
    if unit is None:
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình: vào mục Quản trị để khai báo trước khi in "
                        "thông báo.")
    if recipients is None:
        recipients = []
        if s["agency_name"]:
            recipients.append(f"Thủ trưởng {s['agency_name']}")
        if s["org_name"]:
            recipients.append(f"Người đứng đầu {s['org_name']}")
        if s["area_name"]:
            recipients.append(f"Chủ tịch Uỷ ban nhân dân {s['area_name']}")
    settings = get_settings(store)
    return {
        "signer_authority": settings.signer_authority, "signer_title": settings.signer_title,
        "header_lines": [line for line in (unit.get("parent_name"), unit["name"]) if line],
        "place": unit.get("place_name") or unit.get("province_name") or "",
        "number": number,
        "issued_on": store.today(),
        "recipients": recipients,
        "target": s["target"],
        "held_on": as_date(s["held_on"]),
        "start_time": s["start_time"],
        "end_time": s["end_time"],
        "location": s["place"] or "",
        "team": list(s["team"]),
        "expected_people": s["expected_people"],
        "notes": s["notes"],
    }
