"""Automatic verification of a dossier against the registry, and the officer's manual checks.

``check`` evaluates the rules and returns findings (blocking / warning / info) without writing;
``verify`` stores them (replacing the previous run), and decides whether the dossier *needs
verification* (15-day limit) or matches a database (3 working days), recomputing its due date.

A finding with ``needs_verification`` means the data is not (or not identically) in a database: the
organization is in no source list, its name / representative differs from the registry, or its head
office is outside the unit's areas (another locality has to verify it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers.calendar import as_date, due_date
from models.dossiers.rows import get
from models.dossiers.states import OPEN_STATUSES
from models.dossiers.status import write_row
from models.registry.organizations import BLOCKING_STATUSES, SOURCES, STATUSES, name_key
from models.text.identifiers import check_personal_id, check_tax_code, mask_personal_id
from models.text.normalize import clean, fold
from models.text.vn_format import date_text

SEVERITIES = {"blocking": "Chặn", "warning": "Cảnh báo", "info": "Thông tin"}
CODES = {
    "tax_code_invalid": "Mã số thuế không hợp lệ",
    "tax_code_missing": "Thiếu mã số thuế",
    "not_in_registry": "Không có trong danh sách nguồn",
    "sources": "Danh sách nguồn",
    "name_mismatch": "Tên khác sổ",
    "rep_name_mismatch": "Người đại diện khác sổ",
    "rep_id_mismatch": "Số định danh người đại diện khác sổ",
    "rep_id_invalid": "Số định danh không hợp lệ",
    "rep_id_missing": "Thiếu số định danh",
    "rep_name_missing": "Thiếu người đại diện",
    "rep_id_prefix": "Mã tỉnh của số định danh",
    "status_blocking": "Tổ chức ngừng hoạt động",
    "status_warning": "Tình trạng hoạt động cần xem",
    "outside_area": "Ngoài địa bàn",
    "area_unknown": "Chưa rõ địa bàn",
    "duplicate_open": "Trùng hồ sơ đang xử lý",
    "already_issued": "Đã được cấp tài khoản",
}
MANUAL_CHECKS = {
    "tk02_signed": "Tờ khai TK02 đủ nội dung, có chữ ký",
    "rep_id_card": "Đã đối chiếu thẻ căn cước của người đại diện",
    "business_registration": "Đã đối chiếu giấy chứng nhận đăng ký / quyết định thành lập",
    "authorization": "Giấy uỷ quyền hợp lệ (nếu người nộp không phải người đại diện)",
    "vneid_level2": "Người đại diện có tài khoản định danh điện tử mức 2",
    "head_office_visit": "Đã xác minh trụ sở tại địa bàn",
}
MANUAL_RESULTS = {"ok": "Khớp / đạt", "mismatch": "Không khớp", "not_applicable": "Không áp dụng"}
REGISTRY_SOURCES = {"dkkd", "htx", "thue", "dtcb", "dongbo"}
_SEVERITY_ORDER = {"blocking": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    field: str | None = None
    needs_verification: bool = False


def has_blocking(findings) -> bool:
    return any((f.severity if isinstance(f, Finding) else f["severity"]) == "blocking" for f in findings)


def unit_area_codes(store: Store) -> set[str]:
    unit_id = store.get_setting("unit_id")
    if unit_id is None:
        return set()
    return {r[0] for r in store.execute("SELECT code FROM areas WHERE unit_id = ?", (unit_id,))}


def _declared(dossier: dict) -> dict:
    declared = dossier.get("declared") or {}
    if isinstance(declared, str):
        declared = json.loads(declared)
    return declared


def check(store: Store, dossier: dict) -> list[Finding]:
    """Findings for ``dossier`` (a ``dossiers`` row, ``declared`` as dict or JSON). No writes."""
    d = _declared(dossier)
    out: list[Finding] = []
    org = None
    if dossier.get("org_id"):
        org = store.query_one("SELECT * FROM organizations WHERE id = ?", (dossier["org_id"],))
    grp = dossier.get("grp") or (org or {}).get("grp")

    # Tax code
    tax_raw = d.get("tax_code") or dossier.get("tax_code")
    if not clean(tax_raw):
        if grp in (1, 2, 3):
            out.append(Finding("tax_code_missing", "blocking",
                               f"Tổ chức nhóm {grp} phải có mã số thuế nhưng hồ sơ không ghi", "tax_code"))
        elif not clean(d.get("founding_decision")) and not (org or {}).get("founding_decision"):
            out.append(Finding("tax_code_missing", "warning",
                               "Không có mã số thuế và chưa ghi quyết định/giấy phép thành lập", "founding_decision"))
    else:
        checked = check_tax_code(tax_raw)
        if not checked.ok:
            out.append(Finding("tax_code_invalid", "blocking", checked.error, "tax_code"))

    # Source lists
    if org is None:
        out.append(Finding("not_in_registry", "warning",
                           "Tổ chức chưa có trong sổ: cần xác minh bằng cách khác", None, True))
    else:
        sources = [r[0] for r in store.execute("SELECT source FROM org_sources WHERE org_id = ? ORDER BY first_seen",
                                               (org["id"],))]
        listed = [s for s in sources if s in REGISTRY_SOURCES]
        if listed:
            names = ", ".join(SOURCES.get(s, s) for s in listed)
            out.append(Finding("sources", "info", f"Có trong danh sách: {names}"))
        else:
            out.append(Finding("not_in_registry", "warning",
                               "Tổ chức không có trong danh sách nào do tỉnh gửi (chỉ tạo khi tiếp nhận): "
                               "cần xác minh", None, True))

        # Name, representative: declared vs registry
        if clean(d.get("name")) and org.get("name") and name_key(d["name"]) != org["name_key"]:
            out.append(Finding("name_mismatch", "warning",
                               f"Tên khai «{clean(d['name'])}» khác tên trong sổ «{org['name']}»", "name", True))
        if clean(d.get("rep_name")) and org.get("rep_name") and fold(d["rep_name"]) != fold(org["rep_name"]):
            out.append(Finding("rep_name_mismatch", "warning",
                               f"Người đại diện khai «{clean(d['rep_name'])}» khác sổ «{org['rep_name']}»",
                               "rep_name", True))
        declared_id = check_personal_id(d.get("rep_id_number")).value
        if declared_id and org.get("rep_id_number") and declared_id != org["rep_id_number"]:
            out.append(Finding("rep_id_mismatch", "warning",
                               f"Số định danh người đại diện {mask_personal_id(declared_id)} khác sổ "
                               f"{mask_personal_id(org['rep_id_number'])}", "rep_id_number", True))
        status = org.get("status") or "active"
        if status in BLOCKING_STATUSES:
            out.append(Finding("status_blocking", "blocking",
                               f"Tổ chức đang ở tình trạng «{STATUSES.get(status, status)}»: không cấp tài khoản",
                               "status"))
        elif status != "active":
            out.append(Finding("status_warning", "warning",
                               f"Tình trạng hoạt động: «{STATUSES.get(status, status)}»", "status"))

    # Representative: the TK02 form and the account are in the legal representative's name
    if not clean(d.get("rep_name")):
        out.append(Finding("rep_name_missing", "warning", "Chưa ghi họ tên người đại diện theo pháp luật",
                           "rep_name"))
    rep_raw = d.get("rep_id_number")
    if not clean(rep_raw):
        out.append(Finding("rep_id_missing", "warning", "Chưa ghi số định danh cá nhân của người đại diện",
                           "rep_id_number"))
    else:
        checked = check_personal_id(rep_raw)
        if not checked.ok:
            out.append(Finding("rep_id_invalid", "blocking", checked.error, "rep_id_number"))
        for warning in checked.warnings:
            out.append(Finding("rep_id_prefix", "warning", warning, "rep_id_number"))

    # Head office inside the unit's areas
    area = d.get("area_code") or dossier.get("area_code") or (org or {}).get("area_code")
    areas = unit_area_codes(store)
    if not area:
        out.append(Finding("area_unknown", "warning", "Chưa xác định xã/phường của trụ sở chính", "area_code"))
    elif areas and area not in areas:
        name = store.scalar("SELECT name FROM areas WHERE code = ?", (area,)) or area
        out.append(Finding("outside_area", "warning",
                           f"Trụ sở ở {name}, ngoài địa bàn của đơn vị: cần địa phương khác xác minh",
                           "area_code", True))

    # Duplicates
    if dossier.get("org_id"):
        placeholders = ",".join("?" * len(OPEN_STATUSES))
        others = store.query(
            f"SELECT number FROM dossiers WHERE org_id = ? AND id IS NOT ? AND status IN ({placeholders}) "
            "ORDER BY id LIMIT 5",
            (dossier["org_id"], dossier.get("id"), *OPEN_STATUSES),
        )
        if others:
            out.append(Finding("duplicate_open", "warning",
                               "Tổ chức đang có hồ sơ khác chưa xử lý xong: "
                               + ", ".join(o["number"] for o in others)))
        issued = store.query(
            "SELECT number, issued_on FROM dossiers WHERE org_id = ? AND id IS NOT ? "
            "AND status IN ('issued', 'activated') ORDER BY issued_on LIMIT 1",
            (dossier["org_id"], dossier.get("id")),
        )
        if issued:
            number, day = issued[0]["number"], issued[0]["issued_on"]
            on = f" ngày {date_text(as_date(day))}" if day else ""
            out.append(Finding("already_issued", "warning", f"Tổ chức đã được cấp tài khoản theo hồ sơ {number}{on}"))
    out.sort(key=lambda f: _SEVERITY_ORDER[f.severity])
    return out


def evaluate(store: Store, dossier: dict) -> tuple[list[Finding], dict]:
    """Findings plus the columns they decide: ``needs_verification`` and ``due_date``."""
    found = check(store, dossier)
    # Waiting for another locality is verification by other means: the 15-day limit, whatever the findings.
    automatic = any(f.needs_verification for f in found) or dossier.get("status") == "waiting_locality"
    if not automatic and dossier.get("id"):
        automatic = bool(store.scalar("SELECT 1 FROM verification_requests WHERE dossier_id = ? LIMIT 1",
                                      (dossier["id"],)))
    manual = dossier.get("needs_verification_manual")
    needs = bool(manual) if manual is not None else automatic
    return found, {"needs_verification": int(needs),
                   "due_date": due_date(store, dossier["received_on"], needs).isoformat()}


def store_findings(store: Store, dossier_id: int, found: list[Finding]) -> None:
    """Replace the stored findings of a dossier by ``found``."""
    now = store.now_iso()
    store.execute("DELETE FROM verification_findings WHERE dossier_id = ?", (dossier_id,))
    store.conn.executemany(
        "INSERT INTO verification_findings(dossier_id, code, severity, message, checked_at) VALUES (?,?,?,?,?)",
        [(dossier_id, f.code, f.severity, f.message, now) for f in found],
    )


def apply(store: Store, dossier: dict) -> list[Finding]:
    """Evaluate, store the findings, and write needs_verification / due_date when they changed
    (audited, version bumped) while the dossier is open: a closed one keeps the time limit it was
    handled under. No permission check: callers hold one."""
    found, sets = evaluate(store, dossier)
    store_findings(store, dossier["id"], found)
    row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier["id"],))
    if row["status"] in OPEN_STATUSES and any(row[k] != v for k, v in sets.items()):
        write_row(store, row["id"], row, sets, version=row["version"] + 1, action="dossier.verify")
    return found


def verify(store: Store, dossier_id: int) -> list[Finding]:
    """Run the automatic verification now (the officer's "Kiểm tra lại" button)."""
    require(store, "dossier.edit")
    with store.atomic():
        dossier = get(store, dossier_id)
        if dossier is None:
            raise UserError(f"Không tìm thấy hồ sơ số {dossier_id}")
        found = apply(store, dossier)
        store.audit("dossier.verify", "dossier", dossier_id,
                    detail={"findings": [f"{f.severity}:{f.code}" for f in found]})
        store.notify("dossiers", "update", (dossier_id,))
    return found


def findings(store: Store, dossier_id: int) -> list[dict]:
    rows = store.query(
        "SELECT id, code, severity, message, checked_at FROM verification_findings WHERE dossier_id = ? "
        "ORDER BY CASE severity WHEN 'blocking' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, id",
        (dossier_id,),
    )
    for r in rows:
        r["severity_label"] = SEVERITIES[r["severity"]]
        r["label"] = CODES.get(r["code"], r["code"])
    return rows


def record_manual_check(store: Store, dossier_id: int, check_code: str, result: str, note: str | None = None) -> int:
    """The officer records a check done by hand (papers compared, ID card seen …)."""
    require(store, "dossier.edit")
    if check_code not in MANUAL_CHECKS:
        raise UserError(f"Nội dung kiểm tra «{check_code}» không có trong danh mục")
    if result not in MANUAL_RESULTS:
        raise UserError(f"Kết quả kiểm tra «{result}» không hợp lệ (khớp / không khớp / không áp dụng)")
    with store.atomic():
        if store.scalar("SELECT 1 FROM dossiers WHERE id = ?", (dossier_id,)) is None:
            raise UserError(f"Không tìm thấy hồ sơ số {dossier_id}")
        cur = store.execute(
            "INSERT INTO manual_checks(dossier_id, check_code, result, note, officer_id, at) VALUES (?,?,?,?,?,?)",
            (dossier_id, check_code, result, clean(note) or None, store.actor.id, store.now_iso()),
        )
        store.audit("dossier.manual_check", "dossier", dossier_id, field=check_code, new=result,
                    detail={"check": MANUAL_CHECKS[check_code], "note": clean(note) or None})
        store.notify("dossiers", "update", (dossier_id,))
        return cur.lastrowid


def manual_checks(store: Store, dossier_id: int) -> list[dict]:
    rows = store.query(
        "SELECT m.id, m.check_code, m.result, m.note, m.at, o.full_name AS officer FROM manual_checks m "
        "JOIN officers o ON o.id = m.officer_id WHERE m.dossier_id = ? ORDER BY m.id DESC",
        (dossier_id,),
    )
    for r in rows:
        r["label"] = MANUAL_CHECKS.get(r["check_code"], r["check_code"])
        r["result_label"] = MANUAL_RESULTS.get(r["result"], r["result"])
    return rows
