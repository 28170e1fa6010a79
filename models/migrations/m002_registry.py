"""Organization registry: organizations, where each came from, imports, saved column mappings,
possible duplicates. Field history lives in ``audit_log`` (object_type 'organization')."""

VERSION = 2


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)


SCHEMA = [
    # grp: 1 enterprise, 2 cooperative, 3 body with tax code but no business registration, 4 others.
    # status: 'active' | 'suspended' | 'dissolving' | 'dissolved' | 'unknown'.
    # search_text: folded (no diacritics, lower case) name + short + foreign + tax code + rep + address.
    # name_key: folded name with legal-form abbreviations expanded, for matching and duplicates.
    """CREATE TABLE organizations (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        grp INTEGER NOT NULL CHECK (grp BETWEEN 1 AND 4),
        name TEXT NOT NULL,
        short_name TEXT,
        foreign_name TEXT,
        tax_code TEXT UNIQUE,
        enterprise_code TEXT,
        founding_decision TEXT,
        established_on TEXT,
        address TEXT,
        area_code TEXT REFERENCES areas(code),
        status TEXT NOT NULL DEFAULT 'active',
        head_name TEXT,
        rep_name TEXT,
        rep_id_number TEXT,
        rep_phone TEXT,
        rep_email TEXT,
        search_text TEXT NOT NULL DEFAULT '',
        name_key TEXT NOT NULL DEFAULT '',
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        merged_into INTEGER REFERENCES organizations(id)
    )""",
    "CREATE INDEX organizations_grp ON organizations(grp)",
    "CREATE INDEX organizations_area ON organizations(area_code)",
    "CREATE INDEX organizations_name_key ON organizations(name_key, area_code)",
    "CREATE INDEX organizations_rep_id ON organizations(rep_id_number)",
    # source: 'dkkd' (planning & investment), 'htx' (cooperative union), 'thue' (tax department),
    # 'dtcb' (commune police survey), 'hoso' (created at intake), 'dongbo' (sync), 'nhaptay' (manual).
    """CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        grp INTEGER,
        source TEXT,
        file_name TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        sheet_name TEXT,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        counts TEXT
    )""",
    """CREATE TABLE org_sources (
        org_id INTEGER NOT NULL REFERENCES organizations(id),
        source TEXT NOT NULL,
        import_id INTEGER REFERENCES imports(id),
        file_name TEXT,
        row_number INTEGER,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (org_id, source)
    )""",
    "CREATE INDEX org_sources_source ON org_sources(source)",
    """CREATE TABLE column_mappings (
        signature TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        mapping TEXT NOT NULL,
        saved_at TEXT NOT NULL
    )""",
    # status: 'open' | 'merged' | 'kept'
    """CREATE TABLE duplicate_flags (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organizations(id),
        other_org_id INTEGER NOT NULL REFERENCES organizations(id),
        reason TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',
        resolved_by INTEGER REFERENCES officers(id),
        resolved_at TEXT,
        UNIQUE (org_id, other_org_id)
    )""",
]
