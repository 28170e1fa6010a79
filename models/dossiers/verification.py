"""Automatic verification of a dossier against the registry, and the officer's manual checks.

``check`` runs the small named rules of ``RULES`` in order and returns their findings (blocking /
warning / info) without writing; ``verify`` stores them (replacing the previous run), and decides
whether the dossier *needs verification* (15-day limit) or matches a database (3 working days),
recomputing its due date.

A finding with ``needs_verification`` means the data is not (or not identically) in a database: the
organization is in no source list, its name / representative differs from the registry, or its head
office is outside the unit's areas (another locality has to verify it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers.calendar import as_date, due_date
from models.dossiers.rows import get
from models.dossiers.states import OPEN_STATUSES
from models.dossiers.status import clock_start, write_row
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


@dataclass(frozen=True)
class Subject:
    """What the rules look at: the dossier, what it declares, and its registry organization (or None).

    ``store`` is only read by the rules that look at other tables (source lists, areas, other dossiers)."""

    store: Store | None
    dossier: dict
    declared: dict
    org: dict | None

    @property
    def grp(self):
        return self.dossier.get("grp") or (self.org or {}).get("grp")


def subject(store: Store, dossier: dict) -> Subject:
    org = None
    if dossier.get("org_id"):
        org = store.query_one("SELECT * FROM organizations WHERE id = ?", (dossier["org_id"],))
    return Subject(store, dossier, _declared(dossier), org)


Rule = Callable[[Subject], list[Finding]]


def tax_code_rule(s: Subject) -> list[Finding]:
    """Groups 1-3 must declare a valid tax code; others without one need a founding decision."""
    d, org, grp = s.declared, s.org, s.grp
    tax_raw = d.get("tax_code") or s.dossier.get("tax_code")
    if not clean(tax_raw):
        if grp in (1, 2, 3):
            return [Finding("tax_code_missing", "blocking",
                            f"Tổ chức nhóm {grp} phải có mã số thuế nhưng hồ sơ không ghi", "tax_code")]
        if not clean(d.get("founding_decision")) and not (org or {}).get("founding_decision"):
            return [Finding("tax_code_missing", "warning",
                            "Không có mã số thuế và chưa ghi quyết định/giấy phép thành lập", "founding_decision")]
        return []
    checked = check_tax_code(tax_raw)
    if not checked.ok:
        return [Finding("tax_code_invalid", "blocking", checked.error, "tax_code")]
    return []


def source_lists_rule(s: Subject) -> list[Finding]:
    """The organization is in a list sent by the province (else it needs verification by other means)."""
    if s.org is None:
        return [Finding("not_in_registry", "warning",
                        "Tổ chức chưa có trong sổ: cần xác minh bằng cách khác", None, True)]
    sources = [r[0] for r in s.store.execute("SELECT source FROM org_sources WHERE org_id = ? ORDER BY first_seen",
                                             (s.org["id"],))]
    listed = [source for source in sources if source in REGISTRY_SOURCES]
    if listed:
        names = ", ".join(SOURCES.get(source, source) for source in listed)
        return [Finding("sources", "info", f"Có trong danh sách: {names}")]
    return [Finding("not_in_registry", "warning",
                    "Tổ chức không có trong danh sách nào do tỉnh gửi (chỉ tạo khi tiếp nhận): "
                    "cần xác minh", None, True)]


def name_match_rule(s: Subject) -> list[Finding]:
    """The declared name matches the registry's up to spelling ("CTY TNHH" = "Công ty TNHH")."""
    d, org = s.declared, s.org
    if org is not None and clean(d.get("name")) and org.get("name") and name_key(d["name"]) != org["name_key"]:
        return [Finding("name_mismatch", "warning",
                        f"Tên khai «{clean(d['name'])}» khác tên trong sổ «{org['name']}»", "name", True)]
    return []


def rep_name_match_rule(s: Subject) -> list[Finding]:
    """The declared representative is the registry's (case and diacritics aside)."""
    d, org = s.declared, s.org
    if org is not None and clean(d.get("rep_name")) and org.get("rep_name") \
            and fold(d["rep_name"]) != fold(org["rep_name"]):
        return [Finding("rep_name_mismatch", "warning",
                        f"Người đại diện khai «{clean(d['rep_name'])}» khác sổ «{org['rep_name']}»",
                        "rep_name", True)]
    return []


def rep_id_match_rule(s: Subject) -> list[Finding]:
    """The declared representative's ID number (normalized) is the registry's."""
    org = s.org
    if org is None:
        return []
    declared_id = check_personal_id(s.declared.get("rep_id_number")).value
    if declared_id and org.get("rep_id_number") and declared_id != org["rep_id_number"]:
        return [Finding("rep_id_mismatch", "warning",
                        f"Số định danh người đại diện {mask_personal_id(declared_id)} khác sổ "
                        f"{mask_personal_id(org['rep_id_number'])}", "rep_id_number", True)]
    return []


def operating_status_rule(s: Subject) -> list[Finding]:
    """A dissolved / suspended organization gets no account; any other non-active status is a warning."""
    if s.org is None:
        return []
    status = s.org.get("status") or "active"
    if status in BLOCKING_STATUSES:
        return [Finding("status_blocking", "blocking",
                        f"Tổ chức đang ở tình trạng «{STATUSES.get(status, status)}»: không cấp tài khoản",
                        "status")]
    if status != "active":
        return [Finding("status_warning", "warning",
                        f"Tình trạng hoạt động: «{STATUSES.get(status, status)}»", "status")]
    return []


def rep_name_present_rule(s: Subject) -> list[Finding]:
    """The TK02 form and the account are in the legal representative's name: it must be declared."""
    if not clean(s.declared.get("rep_name")):
        return [Finding("rep_name_missing", "warning", "Chưa ghi họ tên người đại diện theo pháp luật",
                        "rep_name")]
    return []


def rep_id_present_rule(s: Subject) -> list[Finding]:
    """The representative's personal ID number must be declared."""
    if not clean(s.declared.get("rep_id_number")):
        return [Finding("rep_id_missing", "warning", "Chưa ghi số định danh cá nhân của người đại diện",
                        "rep_id_number")]
    return []


def rep_id_valid_rule(s: Subject) -> list[Finding]:
    """A declared ID number is well formed (blocking), its province prefix plausible (warnings)."""
    rep_raw = s.declared.get("rep_id_number")
    if not clean(rep_raw):
        return []
    checked = check_personal_id(rep_raw)
    out = [] if checked.ok else [Finding("rep_id_invalid", "blocking", checked.error, "rep_id_number")]
    out += [Finding("rep_id_prefix", "warning", warning, "rep_id_number") for warning in checked.warnings]
    return out


def head_office_area_rule(s: Subject) -> list[Finding]:
    """The head office's commune is known and one of the unit's (else another locality verifies it)."""
    area = s.declared.get("area_code") or s.dossier.get("area_code") or (s.org or {}).get("area_code")
    if not area:
        return [Finding("area_unknown", "warning", "Chưa xác định xã/phường của trụ sở chính", "area_code")]
    areas = unit_area_codes(s.store)
    if areas and area not in areas:
        name = s.store.scalar("SELECT name FROM areas WHERE code = ?", (area,)) or area
        return [Finding("outside_area", "warning",
                        f"Trụ sở ở {name}, ngoài địa bàn của đơn vị: cần địa phương khác xác minh",
                        "area_code", True)]
    return []


def duplicate_open_rule(s: Subject) -> list[Finding]:
    """No other dossier of the same organization is still being handled."""
    if not s.dossier.get("org_id"):
        return []
    placeholders = ",".join("?" * len(OPEN_STATUSES))
    others = s.store.query(
        f"SELECT number FROM dossiers WHERE org_id = ? AND id IS NOT ? AND status IN ({placeholders}) "
        "ORDER BY id LIMIT 5",
        (s.dossier["org_id"], s.dossier.get("id"), *OPEN_STATUSES),
    )
    if others:
        return [Finding("duplicate_open", "warning",
                        "Tổ chức đang có hồ sơ khác chưa xử lý xong: " + ", ".join(o["number"] for o in others))]
    return []


def already_issued_rule(s: Subject) -> list[Finding]:
    """The organization has not already been issued an account by another dossier."""
    if not s.dossier.get("org_id"):
        return []
    issued = s.store.query(
        "SELECT number, issued_on FROM dossiers WHERE org_id = ? AND id IS NOT ? "
        "AND status IN ('issued', 'activated') ORDER BY issued_on LIMIT 1",
        (s.dossier["org_id"], s.dossier.get("id")),
    )
    if issued:
        number, day = issued[0]["number"], issued[0]["issued_on"]
        on = f" ngày {date_text(as_date(day))}" if day else ""
        return [Finding("already_issued", "warning", f"Tổ chức đã được cấp tài khoản theo hồ sơ {number}{on}")]
    return []


# The order findings of equal severity are listed in.
RULES: tuple[Rule, ...] = (
    tax_code_rule,
    source_lists_rule,
    name_match_rule,
    rep_name_match_rule,
    rep_id_match_rule,
    operating_status_rule,
    rep_name_present_rule,
    rep_id_present_rule,
    rep_id_valid_rule,
    head_office_area_rule,
    duplicate_open_rule,
    already_issued_rule,
)


def check(store: Store, dossier: dict) -> list[Finding]:
    """Findings for ``dossier`` (a ``dossiers`` row, ``declared`` as dict or JSON). No writes.

    Every rule of ``RULES`` in order, then blocking first, warnings, information (stable)."""
    s = subject(store, dossier)
    out = [finding for rule in RULES for finding in rule(s)]
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
                   "due_date": due_date(store, clock_start(store, dossier), needs).isoformat()}


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
        store.notify(Table.DOSSIERS, Kind.UPDATE, (dossier_id,))
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
        store.notify(Table.DOSSIERS, Kind.UPDATE, (dossier_id,))
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
