"""Agencies ("cơ quan, đơn vị") and their staff lists (seed 004, Appendix 1).

An agency is known by its folded name (``name_key``, UNIQUE): "UBND xã Quảng Bình" and "ubnd xa quang binh"
are the same agency. Staff are persons linked to an agency with their position, phone and the date they
chose for level-2 intake (``agency_staff``); ``staff_without_level2`` is the list the district police
chase.
"""

from __future__ import annotations

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.text.identifiers import check_phone
from models.text.normalize import clean, fold

AGENCY_FIELDS = ("name", "agency_type", "address", "head_name", "liaison_name", "liaison_phone", "area_code")
AGENCY_TYPES = {"state": "Cơ quan nhà nước", "party": "Cơ quan Đảng, đoàn thể", "school": "Trường học",
                "health": "Cơ sở y tế", "armed": "Lực lượng vũ trang", "other": "Khác"}


def _canonical(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if key not in AGENCY_FIELDS:
            raise UserError(f"Không có trường «{key}» của cơ quan, đơn vị")
        value = clean(value) if isinstance(value, str) else value
        if key == "liaison_phone" and value:
            checked = check_phone(value)
            if checked.error:
                raise UserError(checked.error)
            value = checked.value
        out[key] = value or None
    return out


def find_agency(store: Store, name: str) -> dict | None:
    require(store, "people.view")
    return store.query_one("SELECT * FROM agencies WHERE name_key = ?", (fold(name),))


def create_agency(store: Store, values: dict) -> int:
    require(store, "people.edit")
    fields = _canonical(values)
    if not fields.get("name"):
        raise UserError("Tên cơ quan, đơn vị không được để trống")
    with store.atomic():
        if store.scalar("SELECT 1 FROM agencies WHERE name_key = ?", (fold(fields["name"]),)):
            raise UserError(f"Cơ quan, đơn vị «{fields['name']}» đã có")
        now = store.now_iso()
        keys = [k for k in AGENCY_FIELDS if fields.get(k) is not None]
        cur = store.execute(f"INSERT INTO agencies(uuid, name_key, {', '.join(keys)}, created_at, updated_at) "
                            f"VALUES (?, ?, {', '.join('?' * len(keys))}, ?, ?)",
                            (store.new_uuid(), fold(fields["name"]), *[fields[k] for k in keys], now, now))
        agency_id = cur.lastrowid
        store.audit("agency.create", "agency", agency_id, detail={"name": fields["name"]})
        store.notify(Table.AGENCIES, Kind.INSERT, (agency_id,))
    return agency_id


def edit_agency(store: Store, agency_id: int, changes: dict) -> list[str]:
    require(store, "people.edit")
    fields = _canonical(changes)
    with store.atomic():
        current = store.query_one("SELECT * FROM agencies WHERE id = ?", (agency_id,))
        if current is None:
            raise UserError("Không tìm thấy cơ quan, đơn vị")
        changed = {k: v for k, v in fields.items() if current[k] != v}
        if "name" in changed:
            if not changed["name"]:
                raise UserError("Tên cơ quan, đơn vị không được để trống")
            if store.scalar("SELECT 1 FROM agencies WHERE name_key = ? AND id <> ?", (fold(changed["name"]), agency_id)):
                raise UserError(f"Cơ quan, đơn vị «{changed['name']}» đã có")
        if not changed:
            return []
        sets = ", ".join(f"{k} = ?" for k in changed)
        store.execute(f"UPDATE agencies SET {sets}, name_key = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                      (*changed.values(), fold(changed.get("name", current["name"])), store.now_iso(), agency_id))
        store.audit_changes("agency", agency_id, current, changed, "agency.edit")
        store.notify(Table.AGENCIES, Kind.UPDATE, (agency_id,))
    return sorted(changed)


def list_agencies(store: Store) -> list[dict]:
    """Every agency with its staff count and how many of them have a level-2 account."""
    require(store, "people.view")
    return store.query(
        "SELECT a.*, count(s.id) AS staff, coalesce(sum(p.account_level = 2), 0) AS level2 FROM agencies a "
        "LEFT JOIN agency_staff s ON s.agency_id = a.id LEFT JOIN persons p ON p.id = s.person_id "
        "GROUP BY a.id ORDER BY a.name_key")


def staff_of(store: Store, agency_id: int) -> list[dict]:
    require(store, "people.view")
    return store.query(
        "SELECT s.id AS staff_id, s.position, s.phone AS staff_phone, s.preferred_on, p.* FROM agency_staff s "
        "JOIN persons p ON p.id = s.person_id WHERE s.agency_id = ? ORDER BY p.name_key", (agency_id,))


def staff_without_level2(store: Store, agency_id: int | None = None) -> list[dict]:
    """Staff who have not got a level-2 account yet (all agencies, or one), by preferred date."""
    require(store, "people.view")
    where = "AND s.agency_id = ?" if agency_id is not None else ""
    params = (agency_id,) if agency_id is not None else ()
    return store.query(
        "SELECT a.name AS agency, s.position, s.preferred_on, p.id, p.full_name, p.id_number, p.phone "
        "FROM agency_staff s JOIN persons p ON p.id = s.person_id JOIN agencies a ON a.id = s.agency_id "
        f"WHERE p.account_level < 2 {where} ORDER BY s.preferred_on IS NULL, s.preferred_on, a.name_key, p.name_key",
        params)
