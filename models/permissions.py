"""Roles and permissions, enforced in the model layer (hidden buttons are only a courtesy).

Every model operation that changes data or reads sensitive data calls ``require(store, PERMISSION)``
with the store's acting officer. The CLI acts as the built-in 'system' officer, which may do
everything; the GUI acts as the officer who signed in.
"""

from __future__ import annotations

from models.errors import PermissionDenied

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
    "sync.export",
}
LEADER = INTAKE | {
    "campaign.manage", "report.issue", "dossier.refuse", "dossier.cancel", "sync.merge", "audit.view",
    "audit.export", "unit.manage",
}
ADMIN = LEADER | {"officers.manage", "settings.manage", "backup.create", "backup.restore"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    "intake": INTAKE,
    "leader": LEADER,
    "admin": ADMIN,
    "system": ADMIN | {"system"},
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
}


def can(role: str, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, set())


def require(store, permission: str) -> None:
    """Raise ``PermissionDenied`` (Vietnamese message) unless the acting officer may do this."""
    actor = store.actor
    if not can(actor.role, permission):
        what = PERMISSION_LABELS.get(permission, permission)
        raise PermissionDenied(
            f"Tài khoản {actor.full_name} ({ROLE_LABELS.get(actor.role, actor.role)}) không có quyền {what}."
        )
