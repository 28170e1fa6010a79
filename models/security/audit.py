"""Reading the audit log: sensitive-read logging, filters for the audit screen, export.

Writes to the log go through ``store.audit``; the table refuses UPDATE and DELETE (triggers in m001).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers.history import DOSSIER_FIELD_LABELS
from models.dossiers.states import STATUSES as DOSSIER_STATUSES
from models.dossiers.verification import MANUAL_CHECKS, MANUAL_RESULTS
from models.registry.organizations import FIELD_LABELS, GROUPS
from models.registry.organizations import STATUSES as ORG_STATUSES
from models.text.vn_format import date_text, datetime_text

ACTION_LABELS = {
    "auth.sign_in": "Đăng nhập",
    "auth.sign_out": "Đăng xuất",
    "auth.failed": "Đăng nhập sai",
    "auth.lockout": "Tạm khoá tài khoản (sai mật khẩu)",
    "auth.refused_locked": "Từ chối đăng nhập (đang khoá)",
    "auth.lock_screen": "Khoá màn hình",
    "auth.unlock_screen": "Mở khoá màn hình",
    "auth.password_check": "Xác nhận mật khẩu hiện tại (đổi mật khẩu)",
    "officer.create": "Tạo tài khoản",
    "officer.update": "Sửa tài khoản",
    "officer.role": "Đổi vai trò",
    "officer.deactivate": "Khoá tài khoản",
    "officer.activate": "Mở lại tài khoản",
    "officer.password": "Đặt mật khẩu",
    "officer.unlock": "Mở khoá tài khoản",
    "setting.update": "Đổi cài đặt",
    "personal_id.reveal": "Xem đầy đủ số định danh",
    "sensitive.read": "Xem dữ liệu nhạy cảm",
    "audit.export": "Xuất nhật ký",
    "pending.export": "Xuất danh sách tổ chức chưa đăng ký",
    "worklist.export": "Xuất danh sách vận động công dân",
    "campaign.officer_area": "Giao địa bàn cho cán bộ phụ trách (CSKV)",
    "campaign.officer_area_remove": "Bỏ giao địa bàn của cán bộ phụ trách (CSKV)",
    "backup.create": "Sao lưu",
    "backup.restore": "Khôi phục dữ liệu",
    "organization.create": "Thêm tổ chức",
    "organization.update": "Sửa tổ chức",
    "organization.area_choice": "Chọn xã, phường mới cho địa bàn cũ",
    "area_choice.open": "Địa bàn cũ cần chọn xã, phường mới",
    "area_choice.choose": "Đã chọn xã, phường mới cho địa bàn cũ",
    "organization.import": "Cập nhật tổ chức từ tệp",
    "organization.edit": "Sửa tổ chức",
    "organization.merge": "Gộp tổ chức trùng",
    "organization.merge_keep": "Giữ cả hai tổ chức",
    "organization.merge_fill": "Bổ sung thông tin khi gộp",
    "duplicate.flag": "Đánh dấu nghi trùng",
    "duplicate.keep_both": "Giữ cả hai (không trùng)",
    "dossier.create": "Tiếp nhận hồ sơ",
    "dossier.update": "Sửa hồ sơ",
    "dossier.status": "Chuyển trạng thái hồ sơ",
    "dossier.verify": "Kiểm tra tự động",
    "dossier.manual_check": "Kiểm tra thủ công",
    "dossier.locality_request": "Gửi yêu cầu xác minh",
    "dossier.locality_answer": "Nhận kết quả xác minh",
    "dossier.import": "Cập nhật hồ sơ từ danh sách tỉnh gửi",
    "dossier.import_file": "Nhập danh sách hồ sơ",
    "results.import": "Ghi nhận tài khoản theo danh sách hệ thống quốc gia",
    "results.import_file": "Nhập danh sách kết quả của hệ thống quốc gia",
    "dossier.propose": "Đề xuất cấp tài khoản / từ chối (chờ chỉ huy duyệt)",
    "dossier.proposal_rejected": "Chỉ huy không duyệt đề xuất",
    "dossier.undo": "Hoàn tác chuyển trạng thái hồ sơ",
    "dossier.register_book": "Xuất sổ theo dõi tiếp nhận hồ sơ",
    "campaign.create": "Tạo kế hoạch",
    "campaign.citizen_target_add": "Thêm chỉ tiêu vận động công dân",
    "campaign.citizen_allocate": "Phân bổ chỉ tiêu công dân",
    "campaign.citizen_allocation": "Sửa chỉ tiêu công dân được giao",
    "campaign.update": "Sửa kế hoạch",
    "campaign.delete": "Xoá kế hoạch",
    "campaign.phase_add": "Thêm giai đoạn",
    "campaign.phase_update": "Sửa giai đoạn",
    "campaign.phase_delete": "Xoá giai đoạn",
    "campaign.target_add": "Thêm chỉ tiêu",
    "campaign.target_update": "Sửa chỉ tiêu",
    "campaign.target_delete": "Xoá chỉ tiêu",
    "campaign.allocate": "Phân bổ chỉ tiêu theo tỷ lệ",
    "campaign.baseline_recompute": "Tính lại chỉ tiêu theo số tổ chức mới",
    "campaign.allocation_edit": "Sửa phân bổ chỉ tiêu",
    "report.issue": "Ban hành báo cáo",
    "report.save": "Ghi nơi lưu báo cáo",
    "report.view": "Xem báo cáo đã ban hành",
    "report.reprint": "In lại báo cáo",
    "report.copy": "Lưu bản sao báo cáo",
    "report_settings.update": "Sửa cài đặt báo cáo",
    "sync.export": "Xuất tệp đồng bộ",
    "sync.acknowledge": "Ghi nhận tỉnh đã nhận tệp",
    "sync.merge": "Tổng hợp tệp đơn vị",
    "sync.declare_unit": "Khai báo đơn vị",
    "sync.key_created": "Tạo khoá ký tệp đồng bộ",
    "sync.register_key": "Đăng ký khoá ký của đơn vị",
    "sync.accept_unsigned": "Chấp nhận tệp đồng bộ chưa ký",
    "sync.skip_gap": "Bỏ qua số tệp đồng bộ bị mất",
    "sync.consolidated_report": "Lập báo cáo tổng hợp",
    "unit.create": "Khai báo đơn vị",
    "unit.update": "Sửa thông tin đơn vị",
    "unit.areas": "Sửa danh sách địa bàn",
    "registry.import": "Nhập danh sách tổ chức",
    "holiday.update": "Sửa ngày nghỉ lễ",
    "holidays.set": "Thêm / sửa ngày nghỉ", "holidays.remove": "Bỏ ngày nghỉ",
    "make_up_days.set": "Thêm / sửa ngày làm bù", "make_up_days.remove": "Bỏ ngày làm bù",
    "holidays.official": "Cập nhật ngày nghỉ, làm bù chính thức", "holidays.restore": "Khôi phục ngày chính thức",
    "people.import": "Nhập danh sách công dân", "person.import": "Cập nhật công dân từ danh sách",
    "person.activation": "Cập nhật tài khoản theo danh sách cấp, kích hoạt", "person.create": "Thêm công dân",
    "person.edit": "Sửa thông tin công dân", "agency.create": "Thêm cơ quan, đơn vị",
    "agency.edit": "Sửa cơ quan, đơn vị", "intake_session.create": "Lập lịch thu nhận lưu động",
    "intake_session.edit": "Sửa lịch thu nhận lưu động", "intake_session.cancel": "Huỷ buổi thu nhận lưu động",
    "intake_session.held": "Buổi thu nhận lưu động đã thực hiện",
    "intake_session.notice": "Xuất thông báo lịch thu nhận lưu động",
    "person.level2": "Cập nhật tài khoản mức 2 theo hồ sơ",
}

OBJECT_LABELS = {
    "citizen_target": "Chỉ tiêu vận động công dân",
    "officer": "Cán bộ", "organization": "Tổ chức", "dossier": "Hồ sơ", "backup": "Sao lưu",
    "setting": "Cài đặt", "unit": "Đơn vị", "area": "Địa bàn", "personal_id": "Số định danh",
    "audit_log": "Nhật ký", "file": "Tệp", "campaign": "Kế hoạch", "report": "Báo cáo", "import": "Lần nhập",
    "campaign_target": "Chỉ tiêu", "campaign_phase": "Giai đoạn", "sync_export": "Tệp đồng bộ",
    "sync_file": "Tệp đơn vị gửi", "remote_unit": "Đơn vị cấp dưới", "sync_key": "Khoá ký tệp đồng bộ", "duplicate": "Nghi trùng",
    "holiday": "Ngày nghỉ", "holidays": "Ngày nghỉ", "make_up_days": "Ngày làm bù",
    "official_days": "Ngày nghỉ, làm bù chính thức", "report_settings": "Cài đặt báo cáo", "verification_request": "Yêu cầu xác minh",
    "person": "Công dân", "agency": "Cơ quan, đơn vị", "people_import": "Lần nhập danh sách công dân",
    "intake_session": "Buổi thu nhận lưu động", "enterprise_schedule": "Lịch đăng ký của doanh nghiệp",
    "person_list": "Danh sách công dân", "schedule": "Lịch hẹn của doanh nghiệp",
    "org_account": "Tài khoản định danh của tổ chức",
}

COLUMNS = [
    ("at", "Thời gian"), ("officer", "Cán bộ"), ("username", "Tên đăng nhập"), ("action", "Thao tác"),
    ("object_type", "Đối tượng"), ("object_id", "Số hồ sơ / tên / mã"), ("field", "Trường"),
    ("old_value", "Giá trị cũ"), ("new_value", "Giá trị mới"), ("detail", "Chi tiết"),
]


# Field names of the other records (campaigns, settings…) shown in the audit screen.
OTHER_FIELD_LABELS = {
    "account": "Tài khoản định danh điện tử",
    "plan_baseline": "Mốc tính (theo kế hoạch)",
    "baseline_frozen": "Số gốc đã chốt (theo danh sách)", "unit_value": "Chỉ tiêu giao cho đơn vị", "value": "Giá trị",
    "kind": "Loại", "label": "Tên chỉ tiêu", "groups": "Nhóm", "start_on": "Từ ngày", "end_on": "Đến ngày",
    "name": "Tên", "current_campaign_id": "Kế hoạch hiện hành", "role": "Vai trò", "active": "Đang hoạt động",
    "full_name": "Họ tên", "rank": "Cấp bậc", "title": "Chức vụ", "symbol": "Ký hiệu", "due_weekday": "Thứ nộp",
    "due_time": "Giờ nộp", "signer_name": "Người ký", "signer_title": "Chức vụ người ký",
    "signer_authority": "Thẩm quyền ký", "recipients": "Nơi nhận", "version": "Phiên bản",
    "number": "Số", "on_time": "Đúng hạn", "period": "Kỳ", "repeat_of": "Thay thế báo cáo", "sha256": "SHA-256",
    "parts": "Phân bổ", "total": "Tổng", "baseline_source": "Nguồn mốc tính", "baseline_as_of": "Mốc tính tại ngày",
    "cumulative": "Tính lũy kế", "counts": "Tính kết quả theo", "issuer": "Cơ quan ban hành", "rows": "Số dòng",
    "file": "Tệp", "what": "Nội dung", "reason": "Lý do", "path": "Đường dẫn",
    # cross-locality requests and manual checks (models.dossiers.locality_requests, models.dossiers.verification)
    "verification_request": "Yêu cầu xác minh", "verification_result": "Kết quả xác minh",
    "request_id": "Số yêu cầu", "to_unit": "Gửi đơn vị", "method": "Hình thức", "sent_on": "Ngày gửi",
    "due_on": "Hạn trả lời", "answered_on": "Ngày nhận kết quả", "note": "Ghi chú", "check": "Nội dung kiểm tra",
    "masked": "Số định danh (che)",
}


def field_label(field: str | None, object_type: str | None = None) -> str:
    """Vietnamese name of a changed field (organization, dossier or other record), else the raw name; a
    dossier's own names first for a dossier's line (its ``status`` is «Trạng thái»)."""
    if not field:
        return ""
    if object_type == "dossier" and field in DOSSIER_FIELD_LABELS:
        return DOSSIER_FIELD_LABELS[field]

    return (FIELD_LABELS.get(field) or DOSSIER_FIELD_LABELS.get(field) or OTHER_FIELD_LABELS.get(field)
            or MANUAL_CHECKS.get(field) or field)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")


def _readable_scalar(value) -> str:
    """Dates as dd/mm/yyyy (and hh:mm), everything else as text."""
    text = str(value)
    if _ISO_TIME.fullmatch(text):
        return datetime_text(text)
    if _ISO_DAY.fullmatch(text):
        return date_text(text)
    return text


def _readable_dict(value: dict) -> str:
    parts = []
    for key, item in value.items():
        if item is None or item == "":
            continue  # an empty note says nothing
        item = f"{len(item)} mục" if isinstance(item, (dict, list)) else _readable_scalar(item)
        parts.append(f"{OTHER_FIELD_LABELS.get(key) or field_label(key)}: {item}")
    return "; ".join(parts)


def readable_detail(text: str | None, limit: int = 160) -> str:
    """A JSON detail as "khoá: giá trị; …" on one line (the full JSON stays in the tooltip and exports)."""
    if not text:
        return ""
    try:
        value = json.loads(text)
    except ValueError:
        return text[:limit]
    text = _readable_dict(value) if isinstance(value, dict) else _readable_scalar(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def readable_value(field: str | None, text: str | None, limit: int = 160, object_type: str | None = None) -> str:
    """An old/new value as the officer reads it: a result label for a manual check, a status or group by
    its Vietnamese name, dates as dd/mm/yyyy, a recorded set of values ("Gửi đơn vị: …; Hạn trả lời: …")
    instead of its JSON."""
    if text is None or text == "":
        return ""

    if field in MANUAL_CHECKS:
        return MANUAL_RESULTS.get(text, text)
    if field == "status":
        labels = ORG_STATUSES if object_type == "organization" else DOSSIER_STATUSES
        return labels.get(text) or ORG_STATUSES.get(text) or text
    if field == "grp" and str(text).isdigit():
        return f"{text} — {GROUPS.get(int(text), '')}".rstrip(" —")
    if text.startswith("{"):
        return readable_detail(text, limit)
    text = _readable_scalar(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def object_label(object_type: str | None) -> str:
    return OBJECT_LABELS.get(object_type, object_type) if object_type else ""


def log_sensitive_read(store: Store, what: str, object: object = None, *, object_type: str | None = None,
                       detail: object = None) -> None:
    """Record that the acting officer read or took out sensitive data (export, report, full ID number).

    ``what`` is a short action name (e.g. ``"registry.export"``), logged as is when it contains a dot,
    else as ``sensitive.read`` with ``what`` in the detail.
    """
    action = what if "." in what else "sensitive.read"
    info = detail if "." in what else {"what": what, **({"detail": detail} if detail is not None else {})}
    with store.atomic():
        store.audit(action, object_type, object, detail=info)


@dataclass
class AuditFilter:
    officer_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    action: str | None = None  # exact action, or a prefix ending with '.' (e.g. "auth.")
    object_type: str | None = None
    object_id: str | None = None
    text: str | None = None  # searched in old/new value and detail

    def where(self) -> tuple[str, list]:
        parts, params = [], []
        if self.officer_id is not None:
            parts.append("a.officer_id = ?")
            params.append(self.officer_id)
        if self.date_from:
            parts.append("a.at >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to:
            parts.append("a.at < ?")
            params.append((self.date_to + dt.timedelta(days=1)).isoformat())
        if self.action:
            if self.action.endswith("."):
                parts.append("a.action LIKE ? ESCAPE '\\'")
                params.append(self.action.replace("_", "\\_") + "%")
            else:
                parts.append("a.action = ?")
                params.append(self.action)
        if self.object_type:
            parts.append("a.object_type = ?")
            params.append(self.object_type)
        if self.object_id:  # the row id, or a dossier's number as the screen shows it
            parts.append("(a.object_id = ? OR (a.object_type = 'dossier' AND a.object_id = "
                         "(SELECT CAST(d.id AS TEXT) FROM dossiers d WHERE d.number = ?)))")
            params += [str(self.object_id), str(self.object_id).strip()]
        if self.text:
            parts.append("(a.old_value LIKE ? OR a.new_value LIKE ? OR a.detail LIKE ?)")
            params += [f"%{self.text}%"] * 3
        return (" WHERE " + " AND ".join(parts)) if parts else "", params


# ``object_ref``: what the officer knows the object by — a dossier's number, an organization's name — instead
# of its row id (kept in ``object_id``).
_SELECT = ("SELECT a.id, a.at, a.officer_id, o.full_name AS officer, o.username, a.action, a.object_type, "
           "a.object_id, CASE a.object_type "
           "WHEN 'dossier' THEN (SELECT d.number FROM dossiers d WHERE d.id = CAST(a.object_id AS INTEGER)) "
           "WHEN 'organization' THEN (SELECT g.name FROM organizations g WHERE g.id = CAST(a.object_id AS INTEGER)) "
           "END AS object_ref, a.field, a.old_value, a.new_value, a.detail FROM audit_log a "
           "JOIN officers o ON o.id = a.officer_id")


def object_text(row: dict) -> str:
    """The object as the audit screen and export show it: «Hồ sơ» number, organization name, else its id."""
    ref, object_id = row.get("object_ref"), row.get("object_id")
    if ref:
        return f"{ref} (#{object_id})" if row.get("object_type") == "organization" else str(ref)
    return "" if object_id is None else str(object_id)


def query_audit(store: Store, filt: AuditFilter | None = None, *, limit: int = 1000, offset: int = 0) -> list[dict]:
    """Audit lines matching ``filt``, newest first."""
    require(store, "audit.view")
    where, params = (filt or AuditFilter()).where()
    # By time, then by id: lines written later about an earlier moment (a report issued for a past week
    # in the demo, a desk whose clock was behind) still sit where their time puts them.
    return store.query(f"{_SELECT}{where} ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?", (*params, limit, offset))


def count_audit(store: Store, filt: AuditFilter | None = None) -> int:
    require(store, "audit.view")
    where, params = (filt or AuditFilter()).where()
    return store.scalar(f"SELECT count(*) FROM audit_log a{where}", params)


def actions_in_log(store: Store) -> list[str]:
    require(store, "audit.view")
    return [r["action"] for r in store.query("SELECT DISTINCT action FROM audit_log ORDER BY action")]


def object_types_in_log(store: Store) -> list[str]:
    require(store, "audit.view")
    return [r["object_type"] for r in store.query(
        "SELECT DISTINCT object_type FROM audit_log WHERE object_type IS NOT NULL ORDER BY object_type")]


def officers_in_log(store: Store) -> list[dict]:
    require(store, "audit.view")
    return store.query("SELECT id, full_name, username FROM officers ORDER BY full_name COLLATE NOCASE")


@dataclass(frozen=True)
class AuditTable:
    """The lines an export writes, as plain data: Vietnamese headers and one list of cells per line."""

    headers: list[str]
    rows: list[list]


EXPORT_SUFFIXES = (".xlsx", ".csv")


def export_table(store: Store, filt: AuditFilter | None, path: str | Path) -> AuditTable:
    """The matching lines, oldest first, for an export to ``path`` (.xlsx or .csv)."""
    require(store, "audit.export")
    path = Path(path)
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        raise UserError(f"Chỉ xuất nhật ký ra tệp .xlsx hoặc .csv, không phải «{path.name}»")
    where, params = (filt or AuditFilter()).where()
    rows = store.query(f"{_SELECT}{where} ORDER BY a.id", params)
    return AuditTable([label for _, label in COLUMNS], [[_export_cell(r, k) for k, _ in COLUMNS] for r in rows])


def _nested_json(text) -> bool:
    if not isinstance(text, str) or text[:1] not in "{[":
        return False
    try:
        value = json.loads(text)
    except ValueError:
        return False
    items = value.values() if isinstance(value, dict) else value
    return isinstance(value, list) or any(isinstance(v, (dict, list)) for v in items)


def _export_cell(row: dict, key: str):
    """An exported cell in the officer's words (Vietnamese labels, dossier numbers); personal ID numbers are
    stored masked, so an export never holds a full one, whoever runs it."""
    value = row[key]
    if key == "action":
        return action_label(value)
    if key == "object_type":
        return object_label(value)
    if key == "object_id":
        return object_text(row)
    if key == "field":
        return field_label(value, row["object_type"]) or None
    if key in ("old_value", "new_value", "detail") and _nested_json(value):
        return value  # a whole record (a dossier's intake): its JSON in full, nothing summed up as "N mục"
    if key in ("old_value", "new_value"):
        return readable_value(row["field"], value, limit=32000, object_type=row["object_type"]) or None
    if key == "detail":
        return readable_detail(value, limit=32000) or None
    if key == "at" and value:
        return _readable_scalar(value)
    return value


def record_export(store: Store, filt: AuditFilter | None, path: str | Path, rows: int) -> None:
    """The export's own audit line, written in the transaction that puts the file in place: the file
    and its log line appear together."""
    with store.atomic():
        store.audit("audit.export", "audit_log", None,
                    detail={"file": Path(path).name, "rows": rows, "filter": _describe(filt)})


def _describe(filt: AuditFilter | None) -> dict:
    if filt is None:
        return {}
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in vars(filt).items() if v not in (None, "")}
