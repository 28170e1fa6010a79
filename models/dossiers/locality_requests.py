"""Cross-locality verification: asking another unit to verify an organization whose head office (or
data) is outside this unit's reach, recording the answer, and listing the requests that are late.

Creating a request on a dossier being verified moves it to "waiting for another locality" and marks it
as needing verification (15-day limit). The answer to the last open request moves it back to
"verifying" so the officer can conclude.
"""

from __future__ import annotations

import datetime as dt

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers import states as dossier_states
from models.dossiers import status as dossier_status
from models.dossiers import verification
from models.dossiers.calendar import add_working_days, as_date
from models.dossiers.rows import get
from models.text.normalize import clean
from models.text.vn_format import date_text

METHODS = ["Công văn", "Thư điện tử", "Điện thoại", "Hệ thống nghiệp vụ", "Trực tiếp"]
RESULTS = {
    "confirmed": "Xác nhận thông tin đúng",
    "mismatch": "Thông tin không đúng",
    "not_found": "Không xác minh được",
}
DAYS_SETTING = "locality_request.days"
DEFAULT_DAYS = 5  # working days the other unit is given to answer (editable setting)


def _as_date(value, default: dt.date) -> dt.date:
    return default if value is None or value == "" else as_date(value)


def default_due(store: Store, sent_on: dt.date) -> dt.date:
    return add_working_days(store, sent_on, int(store.get_setting(DAYS_SETTING, DEFAULT_DAYS)))


def create_request(store: Store, dossier_id: int, *, to_unit: str, method: str, sent_on=None, due_on=None,
                   note: str | None = None) -> int:
    require(store, "verification.request")
    to_unit = clean(to_unit)
    method = clean(method)
    if not to_unit:
        raise UserError("Hãy ghi đơn vị được đề nghị xác minh")
    if not method:
        raise UserError("Hãy ghi hình thức gửi đề nghị xác minh")
    sent = _as_date(sent_on, store.today())
    due = _as_date(due_on, default_due(store, sent))
    if due < sent:
        raise UserError("Hạn trả lời không được trước ngày gửi")
    with store.atomic():
        row = store.query_one("SELECT id, number, status FROM dossiers WHERE id = ?", (dossier_id,))
        if row is None:
            raise UserError(f"Không tìm thấy hồ sơ số {dossier_id}")
        if row["status"] not in dossier_states.OPEN_STATUSES:
            raise UserError(f"Hồ sơ {row['number']} đã «{dossier_states.STATUSES[row['status']]}»: "
                            "không gửi xác minh được")
        cur = store.execute(
            "INSERT INTO verification_requests(uuid, dossier_id, to_unit, sent_on, method, due_on, note, officer_id,"
            " created_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (store.new_uuid(), dossier_id, to_unit, sent.isoformat(), method, due.isoformat(),
             clean(note) or None, store.actor.id, store.now_iso()),
        )
        request_id = cur.lastrowid
        store.audit("dossier.locality_request", "dossier", dossier_id, field="verification_request",
                    new={"to_unit": to_unit, "method": method, "sent_on": sent.isoformat(), "due_on": due.isoformat()},
                    detail={"request_id": request_id})
        if row["status"] == "verifying":
            dossier_status.move(store, dossier_id, "waiting_locality", reason=f"Gửi {to_unit} xác minh")
        else:
            _mark_needs_verification(store, dossier_id)
        store.notify(Table.VERIFICATION_REQUESTS, Kind.INSERT, (request_id,))
        store.notify(Table.DOSSIERS, Kind.UPDATE, (dossier_id,))
        return request_id


def _mark_needs_verification(store: Store, dossier_id: int) -> None:
    verification.apply(store, get(store, dossier_id))


def answer(store: Store, request_id: int, *, result: str, answered_on=None, note: str | None = None) -> None:
    require(store, "verification.request")
    if result not in RESULTS:
        raise UserError("Kết quả xác minh phải là: " + ", ".join(RESULTS.values()))
    with store.atomic():
        req = store.query_one("SELECT * FROM verification_requests WHERE id = ?", (request_id,))
        if req is None:
            raise UserError(f"Không tìm thấy yêu cầu xác minh số {request_id}")
        if req["answered_on"]:
            raise UserError(f"Yêu cầu xác minh gửi {req['to_unit']} đã có kết quả ngày "
                            f"{date_text(as_date(req['answered_on']))}")
        day = _as_date(answered_on, store.today())
        if day.isoformat() < req["sent_on"]:
            raise UserError("Ngày nhận kết quả không được trước ngày gửi")
        store.execute("UPDATE verification_requests SET answered_on = ?, result = ?, note = ? WHERE id = ?",
                      (day.isoformat(), result, clean(note) or req["note"], request_id))
        store.audit("dossier.locality_answer", "dossier", req["dossier_id"], field="verification_result",
                    new=RESULTS[result], detail={"request_id": request_id, "to_unit": req["to_unit"],
                                                 "answered_on": day.isoformat(), "note": clean(note) or None})
        still_open = store.scalar(
            "SELECT count(*) FROM verification_requests WHERE dossier_id = ? AND answered_on IS NULL",
            (req["dossier_id"],))
        status = store.scalar("SELECT status FROM dossiers WHERE id = ?", (req["dossier_id"],))
        if not still_open and status == "waiting_locality":
            dossier_status.move(store, req["dossier_id"], "verifying",
                                reason=f"{req['to_unit']}: {RESULTS[result]}")
        store.notify(Table.VERIFICATION_REQUESTS, Kind.UPDATE, (request_id,))
        store.notify(Table.DOSSIERS, Kind.UPDATE, (req["dossier_id"],))


def _decorate(rows: list[dict], today: dt.date) -> list[dict]:
    for r in rows:
        r["result_label"] = RESULTS.get(r["result"], "") if r["result"] else ""
        r["overdue"] = not r["answered_on"] and r["due_on"] < today.isoformat()
        r["days_late"] = (today - dt.date.fromisoformat(r["due_on"])).days if r["overdue"] else 0
    return rows


def requests_for(store: Store, dossier_id: int) -> list[dict]:
    require(store, "dossier.view")
    rows = store.query(
        "SELECT r.*, o.full_name AS officer FROM verification_requests r JOIN officers o ON o.id = r.officer_id "
        "WHERE r.dossier_id = ? ORDER BY r.sent_on, r.id", (dossier_id,))
    return _decorate(rows, store.today())


def overdue(store: Store, as_of=None) -> list[dict]:
    """Unanswered requests whose due date has passed, oldest due first, with the dossier and org."""
    require(store, "dossier.view")
    day = _as_date(as_of, store.today())
    rows = store.query(
        "SELECT r.*, d.number, d.uuid AS dossier_uuid, d.status AS dossier_status, "
        "coalesce(g.name, json_extract(d.declared, '$.name')) AS organization, o.full_name AS officer "
        "FROM verification_requests r JOIN dossiers d ON d.id = r.dossier_id "
        "JOIN officers o ON o.id = r.officer_id LEFT JOIN organizations g ON g.id = d.org_id "
        "WHERE r.answered_on IS NULL AND r.due_on < ? ORDER BY r.due_on, r.id", (day.isoformat(),))
    return _decorate(rows, day)
