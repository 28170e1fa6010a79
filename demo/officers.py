"""Demo officers: one administrator, one leader, three intake officers.

Their demo passwords are set by the security module (``models.security.auth``) when present; see README.
"""

from __future__ import annotations

from models.core.changes import Kind, Table
from models.core.store import Store
from models.security.auth import set_password

DEMO_OFFICERS = [
    # username, full name, rank, title, role
    ("quantri", "Nguyễn Văn Quản", "Thượng úy", "Cán bộ kỹ thuật", "admin"),
    ("chihuy", "Trần Minh Chiến", "Thiếu tá", "Phó Trưởng phòng", "leader"),
    ("canbo1", "Lê Thị Hồng Nhung", "Trung úy", "Cán bộ tiếp nhận", "intake"),
    ("canbo2", "Phạm Quốc Đạt", "Thượng úy", "Cán bộ tiếp nhận", "intake"),
    ("canbo3", "Huỳnh Ngọc Trâm", "Đại úy", "Cán bộ tiếp nhận", "intake"),
]
DEMO_PASSWORD = "demo1234"


def build(store: Store, seed: int) -> dict:
    now = store.now_iso()
    with store.atomic():
        for username, full_name, rank, title, role in DEMO_OFFICERS:
            store.execute(
                "INSERT INTO officers(username, full_name, rank, title, role, active, created_at) "
                "VALUES (?,?,?,?,?,1,?)",
                (username, full_name, rank, title, role, now),
            )
        for username, *_ in DEMO_OFFICERS:
            officer_id = store.scalar("SELECT id FROM officers WHERE username = ?", (username,))
            set_password(store, officer_id, DEMO_PASSWORD)
        store.notify(Table.OFFICERS, Kind.BULK)
    return {"officers": len(DEMO_OFFICERS)}
