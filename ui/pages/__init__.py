"""The screens of the main window, in the order of the navigation bar.

Each entry: (key, Vietnamese title, "module:ClassName"). A page class takes ``(ctx: AppContext)``,
is a QWidget, and may define ``activated()`` (called when shown). Ctrl+1…9 switch pages in this order.
Planned order: registry, dossiers, progress, reports, sync, audit, admin.
"""

PAGES: list[tuple[str, str, str]] = [
    ("registry", "Sổ tổ chức", "ui.pages.registry:RegistryPage"),
    ("dossiers", "Hồ sơ", "ui.pages.dossiers:DossiersPage"),
    ("progress", "Chỉ tiêu & tiến độ", "ui.pages.progress:ProgressPage"),
    ("reports", "Báo cáo tuần", "ui.pages.reports:ReportsPage"),
    ("sync", "Đồng bộ", "ui.pages.sync:SyncPage"),
    ("audit", "Nhật ký", "ui.pages.audit:AuditPage"),
    ("admin", "Quản trị", "ui.pages.admin:AdminPage"),
    ("people", "Công dân", "ui.pages.people:PeoplePage"),
    ("sessions", "Thu nhận lưu động", "ui.pages.sessions:SessionsPage"),
]
