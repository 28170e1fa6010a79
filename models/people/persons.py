"""Persons: reading, editing, eligibility.

The same 12-digit personal ID number is the same person. Edits (``edit_person``) and imports record one
audit line per changed field (object_type 'person'); a blank value never erases a known one in an
import, while an edit may clear a field on purpose.
"""

from __future__ import annotations

import datetime as dt

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.security.personal_data import display_id_number
from models.text.identifiers import check_personal_id, check_phone
from models.text.normalize import clean, fold
from models.text.vn_parse import parse_date

ELIGIBLE_AGE = 14  # Decree 69/2024: citizens aged 14 and over may have an e-ID account

LEVELS = {0: "Chưa có tài khoản", 1: "Mức 1", 2: "Mức 2"}
SEXES = {"M": "Nam", "F": "Nữ"}
RESIDENCES = {"permanent": "Thường trú", "temporary": "Tạm trú"}
SOURCE_KINDS = {"residents": "Danh sách dân cư", "staff": "Danh sách cán bộ của cơ quan",
                "activations": "Danh sách cấp, kích hoạt", "intake": "Tiếp nhận tại bàn", "demo": "Dữ liệu mẫu",
                "manual": "Nhập tay"}

# Fields an import or an edit may set (account fields come from the national lists or intake).
PERSON_FIELDS = ("id_number", "full_name", "birth_date", "sex", "phone", "area_code", "village", "address",
                 "residence")
ACCOUNT_FIELDS = ("account_level", "level1_on", "level2_issued_on", "activated_on")
FIELD_LABELS = {
    "id_number": "Số định danh cá nhân", "full_name": "Họ và tên", "birth_date": "Ngày sinh", "sex": "Giới tính",
    "phone": "Số điện thoại", "area_code": "Xã/phường", "village": "Thôn/khu phố/tổ dân phố", "address": "Địa chỉ",
    "residence": "Cư trú", "account_level": "Mức tài khoản", "level1_on": "Ngày đăng ký mức 1",
    "level2_issued_on": "Ngày cấp mức 2", "activated_on": "Ngày kích hoạt",
}


def age_at(birth_date: str | dt.date | None, day: dt.date) -> int | None:
    """Whole years of age on ``day`` (None when the birth date is unknown)."""
    if not birth_date:
        return None
    born = dt.date.fromisoformat(birth_date) if isinstance(birth_date, str) else birth_date
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return years


def is_eligible(birth_date: str | dt.date | None, day: dt.date) -> bool | None:
    """14 or over on ``day``; None when the birth date is unknown (the screens say "chưa rõ")."""
    age = age_at(birth_date, day)
    return None if age is None else age >= ELIGIBLE_AGE


def eligible_born_on_or_before(day: dt.date) -> str:
    """The latest ISO birth date of someone eligible on ``day`` (for SQL filters: birth_date <= this).
    Born 29 February: 14 years later is 1 March in a common year, as ``age_at`` counts."""
    try:
        return day.replace(year=day.year - ELIGIBLE_AGE).isoformat()
    except ValueError:  # 29 February
        return dt.date(day.year - ELIGIBLE_AGE, 2, 28).isoformat()


def get_person(store: Store, person_id: int, *, reveal: bool = False) -> dict | None:
    """The person as a screen or a file may show them: the ID number masked (``091******123``) unless
    ``reveal``, which needs ``personal_id.reveal`` and is logged (``models.security.personal_data``)."""
    require(store, "people.view")
    row = store.query_one("SELECT * FROM persons WHERE id = ?", (person_id,))
    if row is not None and row.get("id_number"):
        row["id_number"] = display_id_number(store, row["id_number"], reveal, object_type="person",
                                             object_id=person_id)
    return row


def find_by_id_number(store: Store, id_number: str) -> dict | None:
    """The person with this ID number (any spelling the checker accepts), or None."""
    require(store, "people.view")
    checked = check_personal_id(id_number)
    if not checked.ok or not checked.value:
        return None
    return store.query_one("SELECT * FROM persons WHERE id_number = ?", (checked.value,))


def sources_of(store: Store, person_id: int) -> list[dict]:
    require(store, "people.view")
    return store.query("SELECT kind, file_name, row_number, import_id, first_seen, last_seen FROM person_sources "
                       "WHERE person_id = ? ORDER BY first_seen, kind", (person_id,))


def _canonical(changes: dict) -> dict:
    out: dict = {}
    for key, value in changes.items():
        if key not in PERSON_FIELDS:
            raise UserError(f"Không sửa được trường «{key}» của công dân")
        if value is None or (isinstance(value, str) and not clean(value)):
            if key == "full_name":
                raise UserError("Họ và tên không được để trống")
            out[key] = None
            continue
        if key == "id_number":
            checked = check_personal_id(value)
            if checked.error:
                raise UserError(checked.error)
            value = checked.value
        elif key == "phone":
            checked = check_phone(value)
            if checked.error:
                raise UserError(checked.error)
            value = checked.value
        elif key == "birth_date":
            value = (value if isinstance(value, dt.date) else parse_date(str(value))).isoformat()
        elif key == "sex" and value not in SEXES:
            raise UserError(f"Giới tính «{value}» không hợp lệ (Nam/Nữ)")
        elif key == "residence" and value not in RESIDENCES:
            raise UserError(f"Cư trú «{value}» không hợp lệ (thường trú/tạm trú)")
        else:
            value = clean(value) if isinstance(value, str) else value
        out[key] = value
    return out


def create_person(store: Store, values: dict, *, source: str = "manual") -> int:
    """A person entered by hand or at intake; refuses an ID number already known."""
    require(store, "people.edit")
    fields = _canonical(values)
    if not fields.get("full_name"):
        raise UserError("Họ và tên không được để trống")
    with store.atomic():
        if fields.get("id_number") and store.scalar("SELECT 1 FROM persons WHERE id_number = ?",
                                                    (fields["id_number"],)):
            raise UserError(f"Số định danh {fields['id_number']} đã có trong danh sách công dân")
        now = store.now_iso()
        keys = [k for k in PERSON_FIELDS if fields.get(k) is not None]
        cur = store.execute(
            f"INSERT INTO persons(uuid, {', '.join(keys)}, name_key, sources, created_at, updated_at) "
            f"VALUES (?, {', '.join('?' * len(keys))}, ?, ?, ?, ?)",
            (store.new_uuid(), *[fields[k] for k in keys], fold(fields["full_name"]), source, now, now))
        person_id = cur.lastrowid
        store.execute("INSERT INTO person_sources(person_id, kind, first_seen, last_seen) VALUES (?,?,?,?)",
                      (person_id, source, now, now))
        store.audit("person.create", "person", person_id, detail={"source": source})
        store.notify(Table.PERSONS, Kind.INSERT, (person_id,))
    return person_id


def edit_person(store: Store, person_id: int, changes: dict, *, expected_version: int | None = None) -> list[str]:
    """Change some fields (None or "" clears one, except the name); returns the changed fields."""
    require(store, "people.edit")
    fields = _canonical(changes)
    with store.atomic():
        current = store.query_one("SELECT * FROM persons WHERE id = ?", (person_id,))
        if current is None:
            raise UserError("Không tìm thấy công dân (có thể đã bị xoá ở máy khác)")
        if expected_version is not None and current["version"] != expected_version:
            raise UserError("Thông tin công dân vừa được sửa ở nơi khác; hãy mở lại rồi sửa")
        if fields.get("id_number") and fields["id_number"] != current["id_number"] and store.scalar(
                "SELECT 1 FROM persons WHERE id_number = ? AND id <> ?", (fields["id_number"], person_id)):
            raise UserError(f"Số định danh {fields['id_number']} đã thuộc về một công dân khác")
        changed = {k: v for k, v in fields.items() if current[k] != v}
        if not changed:
            return []
        sets = ", ".join(f"{k} = ?" for k in changed)
        extra = ", name_key = ?" if "full_name" in changed else ""
        params = [*changed.values()] + ([fold(changed["full_name"])] if extra else [])
        store.execute(f"UPDATE persons SET {sets}{extra}, updated_at = ?, version = version + 1 WHERE id = ?",
                      (*params, store.now_iso(), person_id))
        store.audit_changes("person", person_id, {k: current[k] for k in changed}, changed, "person.edit")
        store.notify(Table.PERSONS, Kind.UPDATE, (person_id,))
    return sorted(changed)
