"""A dossier's timeline: its audit lines, its status events and its organization's changes.

Status moves appear once (from ``dossier_events``, which carries the reason); the audit lines of the
same moves (field ``status``) are folded into them.
"""

from __future__ import annotations

import json

from models.core.permissions import can, require
from models.core.store import Store
from models.dossiers.states import STATUSES
from models.registry.organizations import FIELD_LABELS
from models.text.identifiers import mask_personal_id

DOSSIER_FIELD_LABELS = {
    "declared": "Thông tin kê khai",
    "channel": "Kênh tiếp nhận",
    "received_at": "Thời điểm tiếp nhận",
    "papers": "Giấy tờ đã nhận",
    "notes": "Ghi chú",
    "status": "Trạng thái",
    "due_date": "Hạn giải quyết",
    "needs_verification": "Cần xác minh",
    "needs_verification_manual": "Cán bộ xác định cần xác minh",
    "verified_on": "Ngày xác minh xong",
    "issued_on": "Ngày cấp tài khoản",
    "activated_on": "Ngày kích hoạt",
    "closed_on": "Ngày kết thúc",
    "refusal_reason": "Lý do từ chối",
    "cancel_reason": "Lý do huỷ",
    "org_id": "Tổ chức",
    "area_code": "Địa bàn",
    "tax_code": "Mã số thuế",
    "grp": "Nhóm",
    "account_id": "Định danh tài khoản",
    "missing_papers": "Giấy tờ cần bổ sung",
    "proposal": "Đề xuất",
}
_ACTION_KIND = {
    "dossier.create": "create",
    "dossier.update": "field",
    "dossier.verify": "verification",
    "dossier.manual_check": "manual_check",
    "dossier.locality_request": "locality",
    "dossier.locality_answer": "locality",
    "dossier.import": "field",
    "dossier.propose": "status",
    "dossier.proposal_rejected": "status",
}
_ACTION_TITLE = {
    "dossier.create": "Tiếp nhận hồ sơ",
    "dossier.update": "Sửa hồ sơ",
    "dossier.verify": "Kiểm tra tự động",
    "dossier.manual_check": "Kiểm tra thủ công",
    "dossier.locality_request": "Gửi yêu cầu xác minh",
    "dossier.locality_answer": "Nhận kết quả xác minh",
    "dossier.import": "Cập nhật từ danh sách tỉnh gửi",
    "dossier.propose": "Đề xuất, chờ chỉ huy duyệt",
    "dossier.proposal_rejected": "Chỉ huy không duyệt đề xuất",
}


PERSONAL_ID_FIELDS = {"rep_id_number"}


def _mask_ids(value, field: str | None = None):
    """``value`` (an audit text: plain, or JSON) with every personal ID number masked."""
    if value is None:
        return None
    if field in PERSONAL_ID_FIELDS and isinstance(value, str):
        return mask_personal_id(value)
    if isinstance(value, dict):
        return {k: _mask_ids(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_ids(v) for v in value]
    if isinstance(value, str) and value[:1] in "{[" and any(f in value for f in PERSONAL_ID_FIELDS):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return json.dumps(_mask_ids(decoded), ensure_ascii=False, default=str, sort_keys=True)
    return value


def changes_since(store: Store, dossier_id: int, version: int) -> dict:
    """Fields changed after ``version`` (what a stale form missed): field → {old, new, at}."""
    rows = store.query(
        "SELECT field, old_value, new_value, at, detail FROM audit_log WHERE object_type = 'dossier' "
        "AND object_id = ? AND field IS NOT NULL ORDER BY id",
        (str(dossier_id),),
    )
    out: dict = {}
    for r in rows:
        try:
            row_version = json.loads(r["detail"]).get("version") if r["detail"] else None
        except (ValueError, AttributeError):
            row_version = None
        if row_version is None or row_version <= version:
            continue
        if r["field"] in out:
            out[r["field"]].update(new=r["new_value"], at=r["at"])
        else:
            out[r["field"]] = {"old": r["old_value"], "new": r["new_value"], "at": r["at"],
                               "label": DOSSIER_FIELD_LABELS.get(r["field"], r["field"])}
    return out


def _event_extra(detail: str | None) -> str:
    """What a move recorded besides its reason (papers asked for, account identifier, the proposal)."""
    d = json.loads(detail or "{}")
    parts = []
    if d.get("missing_papers"):
        parts.append("giấy tờ cần bổ sung: " + "; ".join(d["missing_papers"]))
    if d.get("account_id"):
        parts.append(f"định danh tài khoản {d['account_id']}")
    if d.get("proposal_id"):
        parts.append("theo đề xuất đã duyệt")
    return f" ({', '.join(parts)})" if parts else ""


def timeline(store: Store, dossier_id: int) -> list[dict]:
    """Newest first. Each entry: at, officer, kind, title, field, label, old, new, reason."""
    require(store, "dossier.view")
    entries: list[dict] = []
    for e in store.query(
        "SELECT e.id, e.at, e.from_status, e.to_status, e.reason, e.undo_of, e.detail, o.full_name AS officer "
        "FROM dossier_events e JOIN officers o ON o.id = e.officer_id WHERE e.dossier_id = ? ORDER BY e.id",
        (dossier_id,)
    ):
        title = (f"Hoàn tác, trở lại: {STATUSES.get(e['to_status'], e['to_status'])}" if e["undo_of"]
                 else f"Chuyển trạng thái: {STATUSES.get(e['to_status'], e['to_status'])}")
        extra = _event_extra(e["detail"])
        entries.append({
            "at": e["at"], "officer": e["officer"], "kind": "status",
            "title": title + extra,
            "field": "status", "label": "Trạng thái",
            "old": STATUSES.get(e["from_status"], e["from_status"]) if e["from_status"] else None,
            "new": STATUSES.get(e["to_status"], e["to_status"]), "reason": e["reason"], "_order": (e["at"], 1, e["id"]),
        })
    for a in store.query(
        "SELECT a.id, a.at, a.action, a.field, a.old_value, a.new_value, a.detail, o.full_name AS officer "
        "FROM audit_log a JOIN officers o ON o.id = a.officer_id "
        "WHERE a.object_type = 'dossier' AND a.object_id = ? ORDER BY a.id", (str(dossier_id),)
    ):
        if a["action"] in ("dossier.status", "dossier.undo"):
            if a["field"] == "status":
                continue  # shown by the dossier_events entry
            kind = "status"
            title = "Cập nhật khi chuyển trạng thái" if a["action"] == "dossier.status" else "Cập nhật khi hoàn tác"
        else:
            kind = _ACTION_KIND.get(a["action"], "field")
            title = _ACTION_TITLE.get(a["action"], a["action"])
        entries.append({
            "at": a["at"], "officer": a["officer"], "kind": kind, "title": title, "field": a["field"],
            "label": DOSSIER_FIELD_LABELS.get(a["field"], a["field"]) if a["field"] else None,
            "old": a["old_value"], "new": a["new_value"], "reason": None, "detail": a["detail"],
            "_order": (a["at"], 0, a["id"]),
        })
    org_id = store.scalar("SELECT org_id FROM dossiers WHERE id = ?", (dossier_id,))
    if org_id is not None:
        for a in store.query(
            "SELECT a.id, a.at, a.action, a.field, a.old_value, a.new_value, o.full_name AS officer "
            "FROM audit_log a JOIN officers o ON o.id = a.officer_id "
            "WHERE a.object_type = 'organization' AND a.object_id = ? ORDER BY a.id", (str(org_id),)
        ):
            entries.append({
                "at": a["at"], "officer": a["officer"], "kind": "organization",
                "title": "Thay đổi thông tin tổ chức trong sổ" if a["field"] else "Tạo tổ chức trong sổ",
                "field": a["field"], "label": FIELD_LABELS.get(a["field"], a["field"]) if a["field"] else None,
                "old": a["old_value"], "new": a["new_value"], "reason": None, "_order": (a["at"], 0, a["id"]),
            })
    entries.sort(key=lambda e: e["_order"], reverse=True)
    # Full personal ID numbers only for who may read them (the administrator may not).
    reveal = can(store.actor.role, "personal_id.reveal")
    for e in entries:
        del e["_order"]
        if not reveal:
            for key in ("old", "new", "detail"):
                e[key] = _mask_ids(e.get(key), e.get("field"))
    return entries
