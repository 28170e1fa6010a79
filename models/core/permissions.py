"""Roles and permissions, enforced in the model layer (hidden buttons are only a courtesy).

Every model operation that changes data or reads sensitive data calls ``require(store, PERMISSION)``
with the store's acting officer: the officer who signed in, in the window or on the command line
(``--user``). The built-in 'system' officer, which may do everything, acts only where nobody can sign
in: the read-only commands, and a database that has no administrator yet.
"""

from __future__ import annotations

from models.core.errors import PermissionDenied

ROLE_LABELS = {
    "intake": "Cán bộ tiếp nhận",
    "leader": "Chỉ huy",
    "admin": "Quản trị viên",
    "system": "Hệ thống",
}

INTAKE = {
    "registry.view", "registry.import", "registry.edit", "registry.resolve_duplicates",
    "dossier.view", "dossier.create", "dossier.edit", "dossier.transition", "dossier.import",
    "verification.request", "progress.view", "report.view", "report.draft", "personal_id.reveal",
    "sync.export", "dossier.propose", "people.view", "people.import", "people.edit", "session.manage",
}
# Issuing and refusing need the leader: an intake officer proposes (dossier.propose), the leader approves
# (dossier.approve) or issues directly (dossier.issue); only the leader undoes a wrong move (dossier.undo).
LEADER = INTAKE | {
    "dossier.issue", "dossier.approve", "dossier.undo",
    "campaign.manage", "report.issue", "dossier.refuse", "dossier.cancel", "sync.merge", "audit.view",
    "audit.export", "unit.manage", "sync.register_key", "sync.override",
    "results.import",  # the national system's result lists move dossiers to issued/activated (issue 13)
}
# The administrator runs the installation (accounts, settings, backups) and does not need to read
# personal ID numbers in full: lists show them masked, revealing one is refused, and so is exporting the
# sync workbook (it carries full ID numbers).
ADMIN = (LEADER - {"personal_id.reveal", "sync.export"}) | {"officers.manage", "settings.manage",
                                                            "backup.create", "backup.restore"}
# Intake officers see the audit of their own desk only through object histories, not the full log;
# exporting the log or copying the whole database to a USB stick is for leaders/administrators.

ROLE_PERMISSIONS: dict[str, set[str]] = {
    "intake": INTAKE,
    "leader": LEADER,
    "admin": ADMIN,
    "system": ADMIN | LEADER | {"system"},
}

PERMISSION_LABELS = {
    "registry.import": "nhập danh sách tổ chức",
    "registry.edit": "sửa thông tin tổ chức",
    "dossier.create": "tiếp nhận hồ sơ",
    "dossier.refuse": "từ chối hồ sơ",
    "dossier.cancel": "huỷ hồ sơ nhập nhầm",
    "campaign.manage": "quản lý kế hoạch và chỉ tiêu",
    "report.issue": "ban hành báo cáo",
    "sync.merge": "tổng hợp tệp của các đơn vị",
    "audit.view": "xem nhật ký",
    "officers.manage": "quản lý tài khoản cán bộ",
    "settings.manage": "thay đổi cài đặt",
    "backup.restore": "khôi phục dữ liệu",
    "backup.create": "sao lưu dữ liệu ra thư mục khác",
    "audit.export": "xuất nhật ký",
    "personal_id.reveal": "xem đầy đủ số định danh cá nhân",
    "registry.view": "xem danh sách tổ chức",
    "registry.resolve_duplicates": "xử lý tổ chức trùng",
    "dossier.view": "xem hồ sơ",
    "dossier.edit": "sửa hồ sơ",
    "dossier.transition": "chuyển trạng thái hồ sơ",
    "dossier.import": "nhập hồ sơ từ tệp",
    "verification.request": "gửi yêu cầu xác minh",
    "progress.view": "xem tiến độ",
    "report.view": "xem báo cáo",
    "report.draft": "soạn báo cáo",
    "sync.export": "xuất tệp gửi cấp trên",
    "unit.manage": "khai báo đơn vị và địa bàn",
    "sync.register_key": "đăng ký khoá ký của đơn vị gửi tệp",
    "sync.override": "chấp nhận tệp chưa ký, bỏ qua số tệp bị mất",
    "system": "thực hiện thao tác hệ thống",
    "results.import": "nhập danh sách kết quả của hệ thống quốc gia",
    "dossier.propose": "đề xuất cấp tài khoản hoặc từ chối hồ sơ",
    "dossier.issue": "xác nhận đã cấp tài khoản",
    "dossier.approve": "duyệt đề xuất cấp tài khoản hoặc từ chối",
    "dossier.undo": "hoàn tác chuyển trạng thái hồ sơ",
    "people.view": "xem danh sách công dân",
    "people.import": "nhập danh sách công dân",
    "people.edit": "sửa thông tin công dân",
    "session.manage": "lập, sửa, huỷ lịch thu nhận lưu động",
}


def can(role: str, permission: str) -> bool:
    """Whether ``role`` has ``permission``; unknown roles and unknown permissions have nothing."""
    return permission in ROLE_PERMISSIONS.get(role, set())


def permissions_of(role: str) -> set[str]:
    return set(ROLE_PERMISSIONS.get(role, set()))


def require(store, permission: str) -> None:
    """Raise ``PermissionDenied`` (Vietnamese message) unless the acting officer may do this."""
    actor = store.actor
    role = actor.role
    if role != "system":
        # The account as it is now: a role changed or an account deactivated at another desk takes
        # effect at once, not at the next sign-in.
        row = store.query_one("SELECT role, active FROM officers WHERE id = ?", (actor.id,))
        if row is not None:
            if not row["active"]:
                raise PermissionDenied(f"Tài khoản {actor.full_name} đã bị khoá; hãy đăng xuất.")
            role = row["role"]
    if not can(role, permission):
        what = PERMISSION_LABELS.get(permission, permission)
        raise PermissionDenied(
            f"Tài khoản {actor.full_name} ({ROLE_LABELS.get(role, role)}) không có quyền {what}."
        )
