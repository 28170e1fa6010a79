"""Organizations: the four groups, their fields, and the single-row operations.

Rules that every writer (import, intake, sync, manual edit) follows:
- the same tax code is the same organization;
- a blank value never erases a known one;
- every changed field is written to the audit log (officer, time, field, old, new);
- ``version`` increases on every change, so an edit started on an older version is refused.

Bulk imports use ``registry_import`` which applies the same rules set-wise for speed.
"""

from __future__ import annotations

import re
from typing import Any

from models.core.changes import Kind, Table
from models.core.errors import StaleEdit, UserError
from models.core.permissions import require
from models.core.store import Store
from models.security.personal_data import display_id_number
from models.text.identifiers import check_email, check_phone, check_representative_id
from models.text.normalize import clean, fold

GROUPS = {
    1: "Doanh nghiệp",
    2: "Hợp tác xã",
    3: "Cơ quan, tổ chức có MST không đăng ký kinh doanh",
    4: "Các tổ chức còn lại",
}
GROUP_SHORT = {1: "Doanh nghiệp", 2: "Hợp tác xã", 3: "Cơ quan có MST", 4: "Tổ chức khác"}

STATUSES = {
    "active": "Đang hoạt động",
    "suspended": "Tạm ngừng kinh doanh",
    "dissolving": "Đang làm thủ tục giải thể",
    "dissolved": "Đã giải thể / chấm dứt hoạt động",
    "unknown": "Chưa rõ",
}
BLOCKING_STATUSES = {"suspended", "dissolved"}

SOURCES = {
    "dkkd": "Sở KH&ĐT (đăng ký doanh nghiệp)",
    "htx": "Liên minh HTX",
    "thue": "Cục Thuế",
    "dtcb": "Điều tra cơ bản (Công an xã)",
    "hoso": "Tạo khi tiếp nhận hồ sơ",
    "dongbo": "Đồng bộ từ đơn vị khác",
    "nhaptay": "Nhập tay",
}
DEFAULT_SOURCE_FOR_GROUP = {1: "dkkd", 2: "htx", 3: "thue", 4: "dtcb"}

# Fields an organization record carries (besides bookkeeping columns).
ORG_FIELDS = (
    "grp", "name", "short_name", "foreign_name", "tax_code", "enterprise_code", "founding_decision",
    "established_on", "address", "area_code", "status", "head_name", "rep_name", "rep_id_number",
    "rep_phone", "rep_email",
)
FIELD_LABELS = {
    "grp": "Nhóm",
    "name": "Tên tổ chức",
    "short_name": "Tên viết tắt",
    "foreign_name": "Tên nước ngoài",
    "tax_code": "Mã số thuế",
    "enterprise_code": "Mã số doanh nghiệp",
    "founding_decision": "Quyết định thành lập",
    "established_on": "Ngày thành lập",
    "address": "Địa chỉ trụ sở chính",
    "area_code": "Địa bàn",
    "status": "Tình trạng hoạt động",
    "head_name": "Người đứng đầu",
    "rep_name": "Người đại diện theo pháp luật",
    "rep_id_number": "Số định danh người đại diện",
    "rep_phone": "Điện thoại",
    "rep_email": "Thư điện tử",
}

# Legal-form abbreviations: "CTY TNHH" and "Công ty TNHH" (and "Hợp tác xã"/"HTX") are the same name.
_ABBREVIATIONS = [
    (r"\bcty\b", "cong ty"),
    (r"\bcong ty tnhh\b", "cong ty trach nhiem huu han"),
    (r"\btnhh\b", "trach nhiem huu han"),
    (r"\bmtv\b", "mot thanh vien"),
    (r"\b1 thanh vien\b", "mot thanh vien"),
    (r"\bcp\b", "co phan"),
    (r"\bctcp\b", "cong ty co phan"),
    (r"\bhtx\b", "hop tac xa"),
    (r"\bdntn\b", "doanh nghiep tu nhan"),
    (r"\bdv\b", "dich vu"),
    (r"\btm\b", "thuong mai"),
    (r"\bsx\b", "san xuat"),
    (r"\bxd\b", "xay dung"),
    (r"\bubnd\b", "uy ban nhan dan"),
]
_ABBREVIATION_RES = [(re.compile(p), r) for p, r in _ABBREVIATIONS]


def name_key(name: object) -> str:
    """Folded name with legal-form abbreviations expanded: the key names are compared on."""
    key = fold(name)
    for pattern, replacement in _ABBREVIATION_RES:
        key = pattern.sub(replacement, key)
    return " ".join(key.split())


def search_text(record: dict) -> str:
    parts = [record.get(k) for k in ("name", "short_name", "foreign_name", "tax_code", "enterprise_code",
                                      "rep_name", "head_name", "address")]
    return fold(" ".join(clean(p) for p in parts if p))


def _derived(record: dict) -> dict:
    return {"search_text": search_text(record), "name_key": name_key(record.get("name"))}


def get(store: Store, org_id: int, *, reveal: bool = False) -> dict | None:
    """The organization as callers outside the model see it: the representative's personal ID number
    masked (``091******123``), unless ``reveal`` — which needs the permission ``personal_id.reveal`` and
    writes ``personal_id.reveal`` to the audit log (``models.security.personal_data``)."""
    row = load(store, org_id)
    if row is not None and row.get("rep_id_number"):
        row["rep_id_number"] = display_id_number(store, row["rep_id_number"], reveal, object_type="organization",
                                                 object_id=org_id)
    return row


def load(store: Store, org_id: int) -> dict | None:
    """The full row, personal ID number included, for the models' own logic (updates, merges, the intake
    form's prefill, verification); what reaches a screen or a file goes through ``get``."""
    return store.query_one("SELECT * FROM organizations WHERE id = ?", (org_id,))


def find_by_tax_code(store: Store, tax_code: str) -> dict | None:
    return store.query_one("SELECT * FROM organizations WHERE tax_code = ?", (tax_code,))


def sources_of(store: Store, org_id: int) -> list[dict]:
    return store.query("SELECT * FROM org_sources WHERE org_id = ? ORDER BY first_seen", (org_id,))


def history(store: Store, org_id: int) -> list[dict]:
    """Field history, newest first: officer, time, field, old and new value."""
    return store.query(
        "SELECT a.at, a.action, a.field, a.old_value, a.new_value, o.full_name AS officer "
        "FROM audit_log a JOIN officers o ON o.id = a.officer_id "
        "WHERE a.object_type = 'organization' AND a.object_id = ? ORDER BY a.id DESC",
        (str(org_id),),
    )


def _validate(record: dict) -> None:
    if not clean(record.get("name")):
        raise UserError("Tên tổ chức không được để trống")
    if record.get("grp") not in GROUPS:
        raise UserError("Nhóm tổ chức phải là 1, 2, 3 hoặc 4")
    if record.get("grp") in (1, 2, 3) and not record.get("tax_code"):
        raise UserError(f"Tổ chức nhóm {record['grp']} ({GROUPS[record['grp']]}) phải có mã số thuế")
    if record.get("status", "active") not in STATUSES:
        raise UserError(f"Tình trạng hoạt động «{record.get('status')}» không hợp lệ")


def create(store: Store, record: dict, *, source: str = "nhaptay", import_id: int | None = None,
           file_name: str | None = None, row_number: int | None = None) -> int:
    """Insert a new organization (values already validated/canonical); returns its id."""
    values = {k: _blank_to_none(record.get(k)) for k in ORG_FIELDS}
    values["status"] = values["status"] or "active"
    _validate(values)
    now = store.now_iso()
    with store.atomic():
        if values["tax_code"] and find_by_tax_code(store, values["tax_code"]):
            raise UserError(f"Mã số thuế {values['tax_code']} đã có trong sổ")
        row = {**values, **_derived(values), "uuid": store.new_uuid(), "first_seen": now,
               "last_seen": now, "created_at": now, "updated_at": now, "version": 1}
        cols = ", ".join(row)
        cur = store.execute(f"INSERT INTO organizations({cols}) VALUES ({', '.join('?' * len(row))})",
                            tuple(row.values()))
        org_id = cur.lastrowid
        store.audit("organization.create", "organization", org_id, new={k: v for k, v in values.items() if v})
        touch_source(store, org_id, source, import_id=import_id, file_name=file_name, row_number=row_number)
        store.notify(Table.ORGANIZATIONS, Kind.INSERT, (org_id,))
    return org_id


def update(store: Store, org_id: int, changes: dict, *, expected_version: int | None = None,
           allow_blank: bool = True, action: str = "organization.update") -> list[str]:
    """Apply ``changes`` (field → value). Returns the changed fields.

    ``expected_version``: the version the officer's form was loaded from; if the row moved on since,
    ``StaleEdit`` says what changed. ``allow_blank=False`` (imports) keeps known values over blanks.
    """
    with store.atomic():
        current = load(store, org_id)
        if current is None:
            raise UserError(f"Không tìm thấy tổ chức số {org_id}")
        if expected_version is not None and current["version"] != expected_version:
            raise StaleEdit(
                f"Tổ chức «{current['name']}» đã được người khác sửa sau khi anh/chị mở "
                f"(phiên bản {expected_version} → {current['version']}). Hãy mở lại để xem thay đổi.",
                changed=_changes_since(store, org_id, expected_version),
            )
        new_values = {}
        for key, value in changes.items():
            if key not in ORG_FIELDS:
                raise UserError(f"Trường «{key}» không sửa được")
            value = _blank_to_none(value)
            if value is None and not allow_blank:
                continue
            if value != current[key]:
                new_values[key] = value
        if not new_values:
            return []
        merged = {**current, **new_values}
        _validate(merged)
        if "tax_code" in new_values and new_values["tax_code"]:
            other = find_by_tax_code(store, new_values["tax_code"])
            if other and other["id"] != org_id:
                raise UserError(f"Mã số thuế {new_values['tax_code']} đã thuộc tổ chức «{other['name']}»")
        sets = {**new_values, **_derived(merged), "updated_at": store.now_iso(), "version": current["version"] + 1}
        store.execute(
            f"UPDATE organizations SET {', '.join(f'{k} = ?' for k in sets)} WHERE id = ?",
            (*sets.values(), org_id),
        )
        changed = store.audit_changes("organization", org_id, {k: current[k] for k in new_values}, new_values, action)
        store.notify(Table.ORGANIZATIONS, Kind.UPDATE, (org_id,))
        return changed


# The representative's contact fields an officer types: checked and written in their canonical form.
# The ID number may be an old 9-digit ID card or a foreign representative's passport (kept, see identifiers).
CONTACT_CHECKS = {"rep_id_number": check_representative_id, "rep_phone": check_phone, "rep_email": check_email}


def checked_contacts(values: dict) -> dict:
    """``values`` with the representative's ID number, phone and e-mail checked and canonical
    ("+84 912 345 678" → "0912345678"); a wrong one is a ``UserError`` naming the field. Blank values
    and the other fields pass unchanged."""
    out = dict(values)
    for key, check in CONTACT_CHECKS.items():
        if key in out and out[key]:
            result = check(out[key])
            if result.error:
                raise UserError(f"{FIELD_LABELS[key]}: {result.error}")
            out[key] = result.value
    return out


def edit(store: Store, org_id: int, changes: dict, *, expected_version: int) -> list[str]:
    """An officer's edit from the registry screen: permission, the contact fields checked, then
    ``update`` with the form's version."""

    require(store, "registry.edit")
    return update(store, org_id, checked_contacts(changes), expected_version=expected_version,
                  action="organization.edit")


def upsert_from_source(store: Store, record: dict, *, source: str, import_id: int | None = None,
                       file_name: str | None = None, row_number: int | None = None) -> tuple[str, int]:
    """Single-row version of the import rule: same tax code → update non-blank changed fields."""
    with store.atomic():
        existing = find_by_tax_code(store, record["tax_code"]) if record.get("tax_code") else None
        if existing is None:
            return "inserted", create(store, record, source=source, import_id=import_id,
                                      file_name=file_name, row_number=row_number)
        changed = update(store, existing["id"], {k: v for k, v in record.items() if k in ORG_FIELDS},
                         allow_blank=False, action="organization.import")
        touch_source(store, existing["id"], source, import_id=import_id, file_name=file_name, row_number=row_number)
        store.execute("UPDATE organizations SET last_seen = ? WHERE id = ?", (store.now_iso(), existing["id"]))
        return ("updated" if changed else "unchanged"), existing["id"]


def touch_source(store: Store, org_id: int, source: str, *, import_id: int | None = None,
                 file_name: str | None = None, row_number: int | None = None) -> None:
    now = store.now_iso()
    store.execute(
        "INSERT INTO org_sources(org_id, source, import_id, file_name, row_number, first_seen, last_seen) "
        "VALUES (?,?,?,?,?,?,?) ON CONFLICT(org_id, source) DO UPDATE SET import_id = excluded.import_id, "
        "file_name = excluded.file_name, row_number = excluded.row_number, last_seen = excluded.last_seen",
        (org_id, source, import_id, file_name, row_number, now, now),
    )


def _changes_since(store: Store, org_id: int, version: int) -> dict:
    rows = store.query(
        "SELECT field, old_value, new_value, at FROM audit_log WHERE object_type = 'organization' "
        "AND object_id = ? AND field IS NOT NULL ORDER BY id DESC LIMIT 50",
        (str(org_id),),
    )
    return {r["field"]: {"old": r["old_value"], "new": r["new_value"], "at": r["at"]} for r in reversed(rows)}


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        value = clean(value)
        return value or None
    return value
