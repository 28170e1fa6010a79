"""Level-2 intake of citizens on the dossier engine (issue 15, item 3; docs/intake.md).

A citizen comes to the desk, a mobile session or an agency session with their 12-digit personal ID number;
the officer types it and presses Enter. A known person's data fills in (``lookup``); an unknown one is
created (source 'intake') from what the officer types. The dossier is an ordinary ``dossiers`` row with
``subject_type = 'person'``, ``person_id`` and ``person_ref`` = the ID number (the same on every desk, so
progress counts a citizen once: subject ``'p' || person_ref``), the channel, the session it was logged at
and ``id_card_valid``: level 2 is due in 3 working days with a valid chip ID card, 7 without (it is then
issued with the new card), on the unit's working-day calendar.

Statuses: received → sent ("Đã chuyển", to the national system) → issued → activated; refused (with a
reason) or cancelled (logged by mistake) before issue. ``persons.account_level``, ``level2_issued_on`` and
``activated_on`` follow the dossier (the earliest known date wins, as for the national lists).

Permissions: intake ``dossier.create``; sent/issued/activated record what the national system did
(``dossier.transition``); refused ``dossier.refuse``; cancelled ``dossier.cancel``.
"""

from __future__ import annotations

import datetime as dt
import json

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers.calendar import Calendar, as_date
from models.dossiers.receipt import qr_payload
from models.dossiers.rows import next_number
from models.dossiers.states import STATUSES
from models.dossiers.status import write_row
from models.people import persons as persons_mod
from models.registry import units as units_mod
from models.text.identifiers import check_personal_id
from models.text.normalize import clean, fold
from models.text.vn_format import date_text

DAYS_WITH_CARD = 3
DAYS_WITHOUT_CARD = 7
CHANNELS = {"desk": "Tại bàn tiếp nhận", "mobile": "Tổ lưu động", "agency": "Thu nhận tại cơ quan"}
PERSON_STATUSES = ("received", "sent", "issued", "activated", "refused", "cancelled")
OPEN = ("received", "sent")
MOVES = {
    "received": ("sent", "issued", "refused", "cancelled"),
    "sent": ("issued", "refused", "cancelled"),
    "issued": ("activated",),
}
PERMISSIONS = {"sent": "dossier.transition", "issued": "dossier.transition", "activated": "dossier.transition",
               "refused": "dossier.refuse", "cancelled": "dossier.cancel"}


def due_on(store: Store, received_on, id_card_valid: bool) -> dt.date:
    """The day level 2 is due: 3 working days after receipt with a valid chip ID card, 7 without."""
    return Calendar(store).add_working_days(as_date(received_on), DAYS_WITH_CARD if id_card_valid
                                             else DAYS_WITHOUT_CARD)


def canonical_id(id_number: str) -> str:
    checked = check_personal_id(id_number)
    if not checked.ok or not checked.value:
        raise UserError(checked.error or f"Số định danh cá nhân «{clean(id_number)}» không hợp lệ (12 chữ số)")
    return checked.value


def lookup(store: Store, id_number: str) -> dict:
    """What the intake form shows after the ID number: ``person`` (or None), ``open`` (an open level-2
    dossier of the person, or None) and ``level2`` (True when the person already has level 2)."""
    require(store, "people.view")
    number = canonical_id(id_number)
    person = store.query_one("SELECT * FROM persons WHERE id_number = ?", (number,))
    open_dossier = store.query_one(
        "SELECT id, number, status, received_on FROM dossiers WHERE person_ref = ? AND status IN ('received', 'sent') "
        "ORDER BY id LIMIT 1", (number,))
    return {"id_number": number, "person": person, "open": open_dossier,
            "level2": bool(person and person["account_level"] >= 2)}


def _session(store: Store, session_id: int) -> dict:
    row = store.query_one("SELECT * FROM intake_sessions WHERE id = ?", (session_id,))
    if row is None:
        raise UserError(f"Không tìm thấy buổi thu nhận số {session_id}")
    if row["status"] == "cancelled":
        raise UserError(f"Buổi thu nhận ngày {date_text(as_date(row['held_on']))} đã bị huỷ: không ghi hồ sơ vào được")
    return row


def intake(store: Store, id_number: str, *, id_card_valid: bool = True, channel: str = "desk",
           session_id: int | None = None, person: dict | None = None, received_at: dt.datetime | None = None,
           notes: str | None = None) -> int:
    """Log a citizen's level-2 dossier; returns its id.

    ``person``: the fields of an unknown person (``full_name`` required; birth date, sex, phone, commune,
    village…); ignored for a known one (their record is edited on the people screen). A session sets the
    channel ('agency' when it is an agency's, else 'mobile'). Refused: an invalid ID number, a person who
    already has level 2, a person with an open level-2 dossier, a cancelled session.
    """
    require(store, "dossier.create")
    number = canonical_id(id_number)
    if channel not in CHANNELS:
        raise UserError(f"Kênh tiếp nhận «{channel}» không có: " + ", ".join(CHANNELS))
    with store.atomic():
        session = _session(store, session_id) if session_id is not None else None
        if session is not None:
            channel = "agency" if session["agency_id"] else "mobile"
        row = store.query_one("SELECT id, full_name, area_code, account_level, level2_issued_on FROM persons "
                              "WHERE id_number = ?", (number,))
        if row is None:
            values = {k: v for k, v in (person or {}).items() if k in persons_mod.PERSON_FIELDS and k != "id_number"}
            if not clean(values.get("full_name")):
                raise UserError(f"Số định danh {number} chưa có trong danh sách công dân: hãy ghi họ và tên")
            person_id = persons_mod.create_person(store, {**values, "id_number": number}, source="intake")
            row = store.query_one("SELECT id, full_name, area_code, account_level, level2_issued_on FROM persons "
                                  "WHERE id = ?", (person_id,))
        elif row["account_level"] >= 2:
            issued = row["level2_issued_on"]
            raise UserError(f"Công dân {row['full_name']} ({number}) đã có tài khoản mức 2"
                            + (f" từ ngày {date_text(as_date(issued))}" if issued else ""))
        existing = store.query_one("SELECT number FROM dossiers WHERE person_ref = ? AND status IN ('received', 'sent') "
                                   "LIMIT 1", (number,))
        if existing is not None:
            raise UserError(f"Công dân {row['full_name']} ({number}) đang có hồ sơ mức 2 số {existing['number']} "
                            "chưa giải quyết xong")
        received = received_at or store.now()
        received_on = received.date()
        now = store.now_iso()
        dossier_number = next_number(store, received.year)
        values = {
            "uuid": store.new_uuid(), "number": dossier_number, "subject_type": "person",
            "person_id": row["id"], "person_ref": number,
            "area_code": (session or {}).get("area_code") or row["area_code"],
            "channel": CHANNELS[channel], "received_at": received.isoformat(sep=" ", timespec="seconds"),
            "received_on": received_on.isoformat(), "officer_id": store.actor.id, "status": "received",
            "due_date": due_on(store, received_on, id_card_valid).isoformat(),
            "id_card_valid": int(bool(id_card_valid)), "session_id": session_id,
            "notes": clean(notes) or None,
            "search_text": fold(f"{dossier_number} {number} {row['full_name']}"),
            "created_at": now, "updated_at": now, "version": 1,
        }
        cur = store.execute(f"INSERT INTO dossiers({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                            tuple(values.values()))
        dossier_id = cur.lastrowid
        store.execute("INSERT INTO dossier_events(dossier_id, at, officer_id, from_status, to_status) "
                      "VALUES (?,?,?,NULL,'received')", (dossier_id, values["received_at"], store.actor.id))
        if session is not None and session["status"] == "planned":
            store.execute("UPDATE intake_sessions SET status = 'held', updated_at = ?, version = version + 1 "
                          "WHERE id = ?", (now, session_id))
            store.audit("intake_session.held", "intake_session", session_id, field="status", old="planned",
                        new="held")
        store.audit("dossier.create", "dossier", dossier_id, new={
            "number": dossier_number, "uuid": values["uuid"], "subject_type": "person", "person_id": row["id"],
            "channel": values["channel"], "session_id": session_id, "id_card_valid": values["id_card_valid"],
            "received_at": values["received_at"], "due_date": values["due_date"]}, detail={"version": 1})
        store.notify(Table.DOSSIERS, Kind.INSERT, (dossier_id,))
    return dossier_id


def move(store: Store, dossier_id: int, to_status: str, *, reason: str | None = None,
         on: dt.date | str | None = None, expected_version: int | None = None) -> dict:
    """Move a person dossier (``MOVES``); ``on`` backdates the day (the national system's date). The
    person's account fields follow: issued → level 2 and ``level2_issued_on``; activated → ``activated_on``."""
    if to_status not in PERMISSIONS:
        raise UserError(f"Trạng thái «{to_status}» không áp dụng cho hồ sơ công dân")
    require(store, PERMISSIONS[to_status])
    reason = clean(reason) or None
    with store.atomic():
        row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))
        if row is None or row["subject_type"] != "person":
            raise UserError(f"Không tìm thấy hồ sơ công dân số {dossier_id}")
        if expected_version is not None and row["version"] != expected_version:
            raise UserError(f"Hồ sơ {row['number']} vừa được cập nhật ở nơi khác; hãy mở lại")
        current = row["status"]
        if to_status not in MOVES.get(current, ()):
            raise UserError(f"Hồ sơ {row['number']} đang «{STATUSES.get(current, current)}», "
                            f"không chuyển sang «{STATUSES[to_status]}» được")
        if to_status in ("refused", "cancelled") and not reason:
            raise UserError(f"Hãy ghi lý do khi chuyển hồ sơ sang «{STATUSES[to_status]}»")
        today = store.today()
        day = as_date(on) if on else today
        if day > today:
            raise UserError(f"Ngày {date_text(day)} là ngày trong tương lai")
        if day.isoformat() < row["received_on"]:
            raise UserError(f"Ngày {date_text(day)} trước ngày tiếp nhận hồ sơ")
        iso = day.isoformat()
        sets: dict = {"status": to_status}
        if to_status == "sent":
            sets["sent_on"] = iso
        elif to_status == "issued":
            sets.update(issued_on=iso, closed_on=iso)
        elif to_status == "activated":
            sets["activated_on"] = iso
        elif to_status == "refused":
            sets.update(refusal_reason=reason, closed_on=iso)
        elif to_status == "cancelled":
            sets.update(cancel_reason=reason, closed_on=iso)
        before = {k: row.get(k) for k in sets if row.get(k) != sets[k]}
        write_row(store, dossier_id, row, sets, version=row["version"] + 1, action="dossier.status")
        at = (store.now() if day == today else dt.datetime.combine(day, dt.time(12, 0)))
        store.execute(
            "INSERT INTO dossier_events(dossier_id, at, officer_id, from_status, to_status, reason, detail) "
            "VALUES (?,?,?,?,?,?,?)",
            (dossier_id, at.isoformat(sep=" ", timespec="seconds"), store.actor.id, current, to_status, reason,
             json.dumps({"before": before}, ensure_ascii=False)))
        if to_status in ("issued", "activated") and row["person_id"]:
            _person_in_step(store, row["person_id"], to_status, iso)
        store.notify(Table.DOSSIERS, Kind.UPDATE, (dossier_id,))
        return store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))


def _person_in_step(store: Store, person_id: int, to_status: str, iso: str) -> None:
    person = store.query_one("SELECT * FROM persons WHERE id = ?", (person_id,))
    if person is None:
        return
    changes: dict = {}
    if person["account_level"] < 2:
        changes["account_level"] = 2
    if not person["level2_issued_on"] or iso < person["level2_issued_on"]:
        changes["level2_issued_on"] = iso
    if to_status == "activated" and (not person["activated_on"] or iso < person["activated_on"]):
        changes["activated_on"] = iso
    if not changes:
        return
    sets = ", ".join(f"{k} = ?" for k in changes)
    store.execute(f"UPDATE persons SET {sets}, updated_at = ?, version = version + 1 WHERE id = ?",
                  (*changes.values(), store.now_iso(), person_id))
    store.audit_changes("person", person_id, {k: person[k] for k in changes}, changes, "person.level2")
    store.notify(Table.PERSONS, Kind.UPDATE, (person_id,))


def send(store: Store, dossier_id: int, **kw) -> dict:
    return move(store, dossier_id, "sent", **kw)


def issue(store: Store, dossier_id: int, **kw) -> dict:
    return move(store, dossier_id, "issued", **kw)


def activate(store: Store, dossier_id: int, **kw) -> dict:
    return move(store, dossier_id, "activated", **kw)


def refuse(store: Store, dossier_id: int, reason: str, **kw) -> dict:
    return move(store, dossier_id, "refused", reason=reason, **kw)


def cancel(store: Store, dossier_id: int, reason: str, **kw) -> dict:
    return move(store, dossier_id, "cancelled", reason=reason, **kw)


def get(store: Store, dossier_id: int) -> dict | None:
    """A person dossier with the person's name, ID number, birth date and the session."""
    require(store, "dossier.view")
    row = store.query_one(
        "SELECT d.*, p.full_name, p.birth_date, p.sex, p.phone, p.village, p.account_level, "
        "o.full_name AS officer, s.held_on AS session_day, s.place AS session_place "
        "FROM dossiers d LEFT JOIN persons p ON p.id = d.person_id JOIN officers o ON o.id = d.officer_id "
        "LEFT JOIN intake_sessions s ON s.id = d.session_id WHERE d.id = ? AND d.subject_type = 'person'",
        (dossier_id,))
    if row is not None:
        row["status_label"] = STATUSES.get(row["status"], row["status"])
    return row


def mask_id(id_number: str | None) -> str:
    """``0790•••••678``-like masking for papers and screens: the first 4 and last 3 digits shown."""
    if not id_number:
        return ""
    return id_number[:4] + "•" * (len(id_number) - 7) + id_number[-3:]


PROCEDURE = "cấp tài khoản định danh điện tử mức độ 2 cho công dân Việt Nam"


def receipt_fields(store: Store, dossier_id: int) -> dict:
    """The receipt slip's fields (``exporters.receipt_pdf.ReceiptData``) for a person dossier, the ID number
    masked (the slip is handed over and may be lost)."""
    d = get(store, dossier_id)
    if d is None:
        raise UserError(f"Không tìm thấy hồ sơ công dân số {dossier_id}")
    unit = units_mod.current_unit(store)
    if unit is None:
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình: vào mục Quản trị để khai báo trước khi in "
                        "giấy hẹn.")
    header = [line for line in (unit.get("parent_name"), unit["name"]) if line]
    received = dt.datetime.fromisoformat(d["received_at"])
    due = as_date(d["due_date"]) if d.get("due_date") else None
    lines = [f"Số định danh cá nhân: {mask_id(d['person_ref'])}"]
    if d.get("birth_date"):
        lines.append(f"Ngày sinh: {date_text(as_date(d['birth_date']))}")
    lines.append("Thẻ căn cước gắn chip: " + ("còn hiệu lực" if d["id_card_valid"] else
                                             "chưa có hoặc hết hiệu lực (cấp cùng thẻ căn cước)"))
    return {
        "header_lines": header,
        "place": unit.get("place_name") or unit.get("province_name") or "",
        "dossier_number": d["number"],
        "organization_name": d.get("full_name") or "",
        "received_at": received,
        "due_date": due,
        "officer_name": d["officer"],
        "papers": [],
        "applicant_name": d.get("full_name"),
        "channel": d["channel"],
        "issued_on": received.date(),
        "qr_text": qr_payload(d["number"], d.get("full_name") or "", due, header),
        "procedure": PROCEDURE,
        "subject_label": "Họ và tên",
        "subject_lines": lines,
    }


def follow_national_lists(store: Store, person_ids: list[int] | None = None) -> dict[str, int]:
    """Move open level-2 dossiers after the national system's lists (``import-people --kind activations``
    sets ``persons.level2_issued_on`` / ``activated_on``): received/sent → issued on the list's date, issued
    → activated. ``person_ids`` limits it to the persons a list touched. Returns ``{"issued", "activated"}``.
    A list date before the dossier was received (the account predates it) is left for the officer."""
    require(store, "dossier.transition")
    where, params = "", []
    if person_ids is not None:
        where, params = " AND d.person_id IN (SELECT value FROM json_each(?))", [json.dumps(list(person_ids))]
    counts = {"issued": 0, "activated": 0}
    with store.atomic():
        rows = store.query(
            "SELECT d.id, d.status, d.received_on, p.level2_issued_on, p.activated_on FROM dossiers d "
            "JOIN persons p ON p.id = d.person_id WHERE d.subject_type = 'person' "
            "AND d.status IN ('received', 'sent', 'issued') "
            f"AND (p.level2_issued_on IS NOT NULL OR p.activated_on IS NOT NULL){where} ORDER BY d.id", params)
        for r in rows:
            status = r["status"]
            if status in OPEN and r["level2_issued_on"] and r["level2_issued_on"] >= r["received_on"]:
                move(store, r["id"], "issued", on=r["level2_issued_on"])
                counts["issued"] += 1
                status = "issued"
            if status == "issued" and r["activated_on"] and r["activated_on"] >= r["received_on"]:
                move(store, r["id"], "activated", on=r["activated_on"])
                counts["activated"] += 1
    return counts
