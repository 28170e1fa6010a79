"""Core schema: settings, units, areas, officers, the append-only audit log, holidays."""

VERSION = 1


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
    store.execute(
        "INSERT INTO officers(id, username, full_name, role, active, created_at) "
        "VALUES (1, 'system', 'Hệ thống (dòng lệnh)', 'system', 1, ?)",
        (store.now_iso(),),
    )


SCHEMA = [
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    # Units: the unit using the app (settings 'unit_id') and, on a provincial desk, the units it
    # collects files from. kind: 'local' (commune/district-level intake) or 'province'.
    """CREATE TABLE units (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        short_name TEXT,
        parent_name TEXT,
        province_code TEXT,
        province_name TEXT,
        place_name TEXT,
        kind TEXT NOT NULL DEFAULT 'local' CHECK (kind IN ('local', 'province')),
        created_at TEXT NOT NULL
    )""",
    # Areas (communes/wards) with official codes; unit_id set for the areas a unit covers.
    """CREATE TABLE areas (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        division_type TEXT,
        province_code TEXT,
        unit_id INTEGER REFERENCES units(id),
        name_fold TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX areas_unit ON areas(unit_id)",
    """CREATE TABLE officers (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        full_name TEXT NOT NULL,
        rank TEXT,
        title TEXT,
        role TEXT NOT NULL CHECK (role IN ('intake', 'leader', 'admin', 'system')),
        password_hash TEXT,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        action TEXT NOT NULL,
        object_type TEXT,
        object_id TEXT,
        field TEXT,
        old_value TEXT,
        new_value TEXT,
        detail TEXT
    )""",
    "CREATE INDEX audit_object ON audit_log(object_type, object_id)",
    "CREATE INDEX audit_at ON audit_log(at)",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'Nhật ký kiểm tra chỉ được ghi thêm, không được sửa'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'Nhật ký kiểm tra chỉ được ghi thêm, không được xoá'); END""",
    """CREATE TABLE holidays (
        day TEXT PRIMARY KEY,
        name TEXT NOT NULL
    )""",
]
