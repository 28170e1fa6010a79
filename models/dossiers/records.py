"""Logging and editing dossiers (form TK02): the organization, what the applicant declared, the channel,
the papers received, the receiving officer, a human number ("HS-2025-000123") and a stable UUID.

What the applicant declares is kept as declared (``dossiers.declared`` JSON), beside the registry's
values; the registry is only written when the organization is not in it yet (it is then created, source
'hoso'). Saving runs the automatic verification (``models.dossiers.verification``) and sets the due date.
"""

from __future__ import annotations

import datetime as dt
import json

from models.core.changes import Kind, Table
from models.core.errors import StaleEdit, UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers import verification
from models.dossiers.history import changes_since
from models.dossiers.rows import get, next_number
from models.dossiers.states import OPEN_STATUSES, STATUSES
from models.dossiers.status import write_row
from models.registry import organizations as orgs
from models.registry import search as registry_search
from models.text.identifiers import check_email, check_personal_id, check_phone, check_tax_code
from models.text.normalize import clean, fold
from models.text.vn_format import datetime_text
from models.text.vn_parse import date_iso_or_text, parse_datetime

DECLARED_FIELDS = (
    "name", "short_name", "foreign_name", "established_on", "address", "area_code", "tax_code",
    "enterprise_code", "founding_decision", "rep_name", "rep_id_number", "rep_phone", "rep_email",
)
DECLARED_LABELS = {k: orgs.FIELD_LABELS[k] for k in DECLARED_FIELDS}
DEFAULT_CHANNELS = ["Trực tiếp tại đơn vị", "Tổ lưu động", "Ứng dụng VNeID", "Cổng vneid.gov.vn"]
ONLINE_CHANNELS = ("Ứng dụng VNeID", "Cổng vneid.gov.vn")
DEFAULT_PAPERS = [
    "Tờ khai đề nghị cấp tài khoản định danh điện tử cho tổ chức (mẫu TK02)",
    "Giấy chứng nhận đăng ký doanh nghiệp / hợp tác xã hoặc quyết định thành lập (bản sao)",
    "Thẻ căn cước / căn cước công dân của người đại diện theo pháp luật (xuất trình)",
    "Văn bản uỷ quyền (khi người nộp không phải người đại diện)",
    "Giấy tờ khác",
]
CHANNELS_SETTING = "dossier.channels"
PAPERS_SETTING = "dossier.papers"
EDITABLE = ("declared", "channel", "received_at", "papers", "notes", "needs_verification")


# ---- configuration ---------------------------------------------------------------------------------
def channels(store: Store) -> list[str]:
    return list(store.get_setting(CHANNELS_SETTING) or DEFAULT_CHANNELS)


def papers_checklist(store: Store) -> list[str]:
    return list(store.get_setting(PAPERS_SETTING) or DEFAULT_PAPERS)


def _set_list(store: Store, key: str, items, what: str) -> None:
    require(store, "settings.manage")
    values = []
    for item in items:
        text = clean(item)
        if text and text not in values:
            values.append(text)
    if not values:
        raise UserError(f"Danh mục {what} phải có ít nhất một mục")
    store.set_setting(key, values)


def set_channels(store: Store, items) -> None:
    _set_list(store, CHANNELS_SETTING, items, "kênh tiếp nhận")


def set_papers_checklist(store: Store, items) -> None:
    _set_list(store, PAPERS_SETTING, items, "giấy tờ")


# ---- finding the organization ------------------------------------------------------------------------
_ORG_COLUMNS = "id, grp, name, tax_code, address, area_code, status, rep_name, rep_id_number, short_name"


def find_organizations(store: Store, text: str, limit: int = 10) -> list[dict]:
    """Type-ahead at intake: digits → tax code prefix (index range), words → folded name search."""
    require(store, "registry.view")
    text = clean(text)
    if not text:
        return []
    compact = text.replace("-", "").replace(" ", "").replace(".", "")
    if compact.isdigit():
        digits = compact
        prefix = digits if len(digits) <= 10 else f"{digits[:10]}-{digits[10:]}"
        rows = store.query(
            f"SELECT {_ORG_COLUMNS} FROM organizations WHERE tax_code >= ? AND tax_code < ? "
            "AND merged_into IS NULL ORDER BY tax_code LIMIT ?",
            (prefix, prefix + "\uffff", limit),
        )
        if rows or len(digits) < 9:
            return rows
        fixed = check_tax_code(digits).value  # a lost leading zero
        found = orgs.find_by_tax_code(store, fixed) if fixed else None
        return [found] if found else []
    return registry_search.search(store, text, limit=limit)


def prefill(store: Store, org_id: int) -> dict:
    """The TK02 fields as the registry knows them (the form starts from these)."""
    org = orgs.load(store, org_id)
    if org is None:
        raise UserError(f"Không tìm thấy tổ chức số {org_id}")
    return {k: org.get(k) for k in DECLARED_FIELDS}


def open_dossiers_for(store: Store, *, org_id: int | None = None, tax_code: str | None = None,
                      exclude_id: int | None = None) -> list[dict]:
    """Other dossiers of the same organization still being handled: the UI warns before saving."""
    require(store, "dossier.view")
    if org_id is None and tax_code:
        canonical = check_tax_code(tax_code).value or clean(tax_code)
        org = orgs.find_by_tax_code(store, canonical)
        org_id = org["id"] if org else None
    if org_id is not None:
        where, key = "d.org_id = ?", org_id
    elif tax_code:
        where, key = "d.tax_code = ?", canonical
    else:
        return []
    params = (key, exclude_id, *OPEN_STATUSES)
    rows = store.query(
        f"SELECT d.id, d.uuid, d.number, d.status, d.received_at, d.due_date, o.full_name AS officer "
        f"FROM dossiers d JOIN officers o ON o.id = d.officer_id WHERE {where} AND d.id IS NOT ? "
        f"AND d.status IN ({','.join('?' * len(OPEN_STATUSES))}) ORDER BY d.received_at",
        params,
    )
    for r in rows:
        r["status_label"] = STATUSES[r["status"]]
    return rows


# ---- normalisation -----------------------------------------------------------------------------------
CLOCK_SLACK = dt.timedelta(minutes=5)  # two desks' clocks may differ a little


def _received_time(store: Store, value) -> dt.datetime | None:
    """The time of receipt as typed; a time in the future (a mistyped year) is refused."""
    received = parse_datetime(value)
    if received is not None and received > store.now() + CLOCK_SLACK:
        raise UserError(f"Thời điểm tiếp nhận «{datetime_text(received)}» ở sau thời điểm hiện tại")
    return received


def normalize_declared(declared: dict) -> dict:
    """Clean the declared values; identifiers canonical when valid, kept as typed when not (the
    verification then reports them)."""
    out: dict = {}
    for key in DECLARED_FIELDS:
        value = declared.get(key)
        if key == "established_on":
            value = date_iso_or_text(value)  # kept as declared when not a date we can read
        elif key == "tax_code":
            value = check_tax_code(value).value or (clean(value) or None)
        elif key == "rep_id_number":
            value = check_personal_id(value).value or (clean(value) or None)
        elif key == "rep_phone":
            value = check_phone(value).value or (clean(value) or None)
        elif key == "rep_email":
            value = check_email(value).value or (clean(value) or None)
        else:
            value = clean(value) or None
        if value is not None:
            out[key] = value
    unknown = set(declared) - set(DECLARED_FIELDS)
    if unknown:
        raise UserError("Trường kê khai không có trong mẫu TK02: " + ", ".join(sorted(unknown)))
    return out


def _search_text(number: str, tax_code: str | None, org: dict | None, declared: dict, online_ref: str | None) -> str:
    parts = [number, tax_code, declared.get("name"), declared.get("short_name"), declared.get("rep_name"),
             online_ref]
    if org:
        parts += [org.get("name"), org.get("short_name")]
    return fold(" ".join(clean(p) for p in parts if p))


def _area_or_none(store: Store, code) -> str | None:
    code = clean(code)
    if not code:
        return None
    return code if store.scalar("SELECT 1 FROM areas WHERE code = ?", (code,)) else None


def _resolve_org(store: Store, declared: dict, org_id: int | None, grp: int | None) -> dict | None:
    if org_id is not None:
        org = orgs.load(store, org_id)
        if org is None:
            raise UserError(f"Không tìm thấy tổ chức số {org_id}")
    else:
        tax = declared.get("tax_code")
        valid_tax = check_tax_code(tax).value if tax else None
        if tax and not valid_tax:
            return None  # malformed tax code: no registry match; the verification blocks
        org = orgs.find_by_tax_code(store, valid_tax) if valid_tax else None
        if org is None and not valid_tax and declared.get("name"):
            org = store.query_one(
                "SELECT * FROM organizations WHERE name_key = ? AND area_code IS ? AND tax_code IS NULL "
                "AND merged_into IS NULL LIMIT 1",
                (orgs.name_key(declared["name"]), _area_or_none(store, declared.get("area_code"))),
            )
        if org is None:
            if not declared.get("name"):
                raise UserError("Hãy ghi tên tổ chức")
            group = grp if grp is not None else (None if valid_tax else 4)
            if group is None:
                raise UserError(f"Tổ chức có mã số thuế {valid_tax} chưa có trong sổ: hãy chọn nhóm tổ chức (1, 2 hoặc 3)")
            record = {k: declared.get(k) for k in orgs.ORG_FIELDS if k in declared}
            record.update(grp=group, tax_code=valid_tax, area_code=_area_or_none(store, declared.get("area_code")))
            new_id = orgs.create(store, record, source="hoso")
            org = orgs.load(store, new_id)
    while org is not None and org.get("merged_into"):
        org = orgs.load(store, org["merged_into"])
    return org


# ---- create / read / update -----------------------------------------------------------------------------
def create(store: Store, *, declared: dict, channel: str, org_id: int | None = None, grp: int | None = None,
           received_at=None, papers=(), notes: str | None = None, online_ref: str | None = None) -> int:
    """Log a dossier; returns its id (see docs/api-dossiers.md)."""
    require(store, "dossier.create")
    decl = normalize_declared(declared)
    channel = clean(channel)
    if channel not in channels(store):
        raise UserError(f"Kênh tiếp nhận «{channel}» không có trong danh mục: " + ", ".join(channels(store)))
    received = _received_time(store, received_at) or store.now()
    paper_list = _clean_papers(papers)
    online_ref = clean(online_ref) or None
    with store.atomic():
        if online_ref and store.scalar("SELECT 1 FROM dossiers WHERE online_ref = ?", (online_ref,)):
            raise UserError(f"Hồ sơ trực tuyến số {online_ref} đã được nhập")
        org = _resolve_org(store, decl, org_id, grp)
        number = next_number(store, received.year)
        now = store.now_iso()
        tax_code = (org or {}).get("tax_code") or decl.get("tax_code")
        row = {
            "uuid": store.new_uuid(), "number": number, "subject_type": "organization",
            "org_id": org["id"] if org else None,
            "grp": org["grp"] if org else (grp if grp in orgs.GROUPS else None),
            "area_code": _area_or_none(store, decl.get("area_code")) or (org or {}).get("area_code"),
            "tax_code": tax_code, "channel": channel,
            "received_at": received.isoformat(sep=" ", timespec="seconds"),
            "received_on": received.date().isoformat(), "officer_id": store.actor.id, "status": "received",
            "declared": json.dumps(decl, ensure_ascii=False, sort_keys=True),
            "papers": json.dumps(paper_list, ensure_ascii=False), "notes": clean(notes) or None,
            "online_ref": online_ref, "search_text": _search_text(number, tax_code, org, decl, online_ref),
            "created_at": now, "updated_at": now, "version": 1,
        }
        found, sets = verification.evaluate(store, {**row, "declared": decl})
        row.update(sets)
        cur = store.execute(f"INSERT INTO dossiers({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                            tuple(row.values()))
        dossier_id = cur.lastrowid
        verification.store_findings(store, dossier_id, found)
        store.execute(
            "INSERT INTO dossier_events(dossier_id, at, officer_id, from_status, to_status, reason) "
            "VALUES (?,?,?,NULL,'received',NULL)",
            (dossier_id, row["received_at"], store.actor.id),
        )
        store.audit("dossier.create", "dossier", dossier_id, new={
            "number": number, "uuid": row["uuid"], "org_id": row["org_id"], "channel": channel,
            "received_at": row["received_at"], "declared": decl, "papers": paper_list, "online_ref": online_ref,
            "due_date": row["due_date"],
        }, detail={"version": 1})
        store.notify(Table.DOSSIERS, Kind.INSERT, (dossier_id,))
    return dossier_id


def _clean_papers(papers) -> list[str]:
    out: list[str] = []
    for p in papers or ():
        text = clean(p)
        if text and text not in out:
            out.append(text)
    return out


def _same(field: str, a, b) -> bool:
    if field == "name":
        return orgs.name_key(a) == orgs.name_key(b)
    if field in ("rep_name", "address", "short_name", "foreign_name"):
        return fold(a) == fold(b)
    return clean(a) == clean(b)


def comparison(store: Store, dossier_id: int) -> list[dict]:
    """Declared vs registry, field by field: state 'same' | 'different' | 'declared_only' |
    'registry_only' | 'empty'; ``differs`` is True for 'different' (highlight it)."""
    d = get(store, dossier_id)
    if d is None:
        raise UserError(f"Không tìm thấy hồ sơ số {dossier_id}")
    org = d["org"] or {}
    out = []
    for key in DECLARED_FIELDS:
        declared, registry = d["declared"].get(key), org.get(key)
        if declared and registry:
            state = "same" if _same(key, declared, registry) else "different"
        elif declared:
            state = "declared_only"
        elif registry:
            state = "registry_only"
        else:
            state = "empty"
        out.append({"field": key, "label": DECLARED_LABELS[key], "declared": declared, "registry": registry,
                    "state": state, "differs": state == "different"})
    return out


def update(store: Store, dossier_id: int, changes: dict, *, expected_version: int) -> list[str]:
    """Edit a dossier; see docs/api-dossiers.md. Returns the changed columns."""
    require(store, "dossier.edit")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UserError("Không sửa được: " + ", ".join(sorted(unknown)))
    with store.atomic():
        row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))
        if row is None:
            raise UserError(f"Không tìm thấy hồ sơ số {dossier_id}")
        if row["version"] != expected_version:
            raise StaleEdit(
                f"Hồ sơ {row['number']} đã được người khác sửa sau khi anh/chị mở "
                f"(phiên bản {expected_version} → {row['version']}). Hãy mở lại để xem thay đổi.",
                changed=changes_since(store, dossier_id, expected_version),
            )
        if row["status"] not in OPEN_STATUSES:
            raise UserError(f"Hồ sơ {row['number']} đã «{STATUSES[row['status']]}»: không sửa được nữa")
        sets: dict = {}
        old_declared = json.loads(row["declared"])
        declared = old_declared
        if "declared" in changes:
            declared = normalize_declared({**old_declared, **(changes["declared"] or {})})
            sets["declared"] = json.dumps(declared, ensure_ascii=False, sort_keys=True)
            if row["org_id"] is None:
                # A corrected tax code links the dossier to the registry (never creates an organization).
                valid_tax = check_tax_code(declared.get("tax_code")).value if declared.get("tax_code") else None
                found = orgs.find_by_tax_code(store, valid_tax) if valid_tax else None
                if found is not None:
                    sets.update(org_id=found["id"], grp=found["grp"], tax_code=found["tax_code"])
                else:
                    sets["tax_code"] = declared.get("tax_code")
            org_id = sets.get("org_id", row["org_id"])
            org_area = store.scalar("SELECT area_code FROM organizations WHERE id = ?", (org_id,))
            sets["area_code"] = _area_or_none(store, declared.get("area_code")) or org_area
        if "channel" in changes:
            channel = clean(changes["channel"])
            if channel not in channels(store):
                raise UserError(f"Kênh tiếp nhận «{channel}» không có trong danh mục")
            sets["channel"] = channel
        if "received_at" in changes:
            received = _received_time(store, changes["received_at"])
            if received is None:
                raise UserError("Thời điểm tiếp nhận không được để trống")
            sets["received_at"] = received.isoformat(sep=" ", timespec="seconds")
            sets["received_on"] = received.date().isoformat()
        if "papers" in changes:
            sets["papers"] = json.dumps(_clean_papers(changes["papers"]), ensure_ascii=False)
        if "notes" in changes:
            sets["notes"] = clean(changes["notes"]) or None
        if "needs_verification" in changes:
            value = changes["needs_verification"]
            sets["needs_verification_manual"] = None if value is None else int(bool(value))
        org_id = sets.get("org_id", row["org_id"])
        org = orgs.load(store, org_id) if org_id else None
        sets["search_text"] = _search_text(row["number"], sets.get("tax_code", row["tax_code"]), org, declared,
                                           row["online_ref"])
        merged = {**row, **sets, "declared": declared}
        found, derived = verification.evaluate(store, merged)
        sets.update(derived)
        changed = write_row(store, dossier_id, row, sets, version=row["version"] + 1, action="dossier.update")
        verification.store_findings(store, dossier_id, found)
        if changed:
            store.notify(Table.DOSSIERS, Kind.UPDATE, (dossier_id,))
        return changed
