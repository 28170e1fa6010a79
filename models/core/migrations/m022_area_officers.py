"""Area police officers ("cán bộ Cảnh sát khu vực phụ trách thôn / tổ dân phố", issue 16, seed 003 IV.1.1):
which officer is in charge of which village of which commune.

``area_officer_villages(officer_id, area_code, village)``: one row per officer and village; ``village`` is
written as the persons' ``village`` column holds it (the people lists' "thôn / khu phố / tổ dân phố"),
compared exactly. A village has at most one officer in charge (UNIQUE ``(area_code, village)``): the
door-to-door list and the citizens' campaign allocation per officer ("giao chỉ tiêu cho từng CSKV") need a
single answer. Assigning and removing are audited (``area_officer.assign`` / ``area_officer.unassign``).
"""

VERSION = 22

SCHEMA = [
    """CREATE TABLE area_officer_villages (
        id INTEGER PRIMARY KEY,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        area_code TEXT NOT NULL REFERENCES areas(code),
        village TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        assigned_by INTEGER REFERENCES officers(id),
        UNIQUE (area_code, village)
    )""",
    "CREATE INDEX area_officer_villages_officer ON area_officer_villages(officer_id)",
]


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
