"""Sync upward (docs/sync-format.md, docs/sync.md).

Unit side: ``sync_exports`` remembers every workbook the unit wrote (sequence, kind, checksum) and
whether the province acknowledged it; incremental exports start from the last acknowledged one.

Province side: ``remote_units`` (the units expected to send files: declared, or known since their first
file), ``sync_files`` (every accepted file: who, which period, which sequence, its checksum),
and the merged rows keyed by their UUID with the file they last came from: ``remote_dossiers``,
``remote_orgs``, ``remote_verifications`` (the open requests of each unit's latest file) and
``remote_summaries`` (the TongHop lines of each file: the units' weekly figures).
"""

VERSION = 6


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)


_DOSSIER_COLUMNS = """
        number TEXT, subject_type TEXT, tax_code TEXT, org_uuid TEXT, org_name TEXT, grp INTEGER,
        area_code TEXT, channel TEXT, status TEXT, received_at TEXT, received_on TEXT, verified_on TEXT,
        issued_on TEXT, activated_on TEXT, refused_on TEXT, cancelled_on TEXT, due_date TEXT, officer TEXT,
        online_ref TEXT, refusal_reason TEXT, updated_at TEXT"""

_ORG_COLUMNS = """
        tax_code TEXT, enterprise_code TEXT, name TEXT, short_name TEXT, foreign_name TEXT, grp INTEGER,
        area_code TEXT, status TEXT, address TEXT, established_on TEXT, founding_decision TEXT,
        head_name TEXT, rep_name TEXT, rep_id_number TEXT, rep_phone TEXT, rep_email TEXT, updated_at TEXT"""

SCHEMA = [
    # ---- unit side ----------------------------------------------------------------------------
    # kind: 'full' | 'incremental'. changed_since: incremental rows are those updated at/after it.
    """CREATE TABLE sync_exports (
        sequence INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('full', 'incremental')),
        base_sequence INTEGER REFERENCES sync_exports(sequence),
        changed_since TEXT,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        file_name TEXT NOT NULL,
        path TEXT,
        sha256 TEXT NOT NULL,
        counts TEXT NOT NULL DEFAULT '{}',
        protected INTEGER NOT NULL DEFAULT 0,
        acknowledged_at TEXT,
        acknowledged_by INTEGER REFERENCES officers(id)
    )""",
    # ---- province side -------------------------------------------------------------------------
    """CREATE TABLE remote_units (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        parent_name TEXT,
        declared INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1,
        last_sequence INTEGER,
        last_file_id INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    # status: 'accepted' (its rows are current) | 'superseded' (a newer file of the unit came later).
    # late: 1 when the file was generated after the deadline of its period's weekly report.
    """CREATE TABLE sync_files (
        id INTEGER PRIMARY KEY,
        file_name TEXT NOT NULL,
        unit_code TEXT NOT NULL REFERENCES remote_units(code),
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        base_sequence INTEGER,
        export_kind TEXT NOT NULL,
        format_version TEXT NOT NULL,
        generated_at TEXT NOT NULL,
        officer TEXT,
        sha256 TEXT NOT NULL,
        received_at TEXT NOT NULL,
        merged_by INTEGER NOT NULL REFERENCES officers(id),
        due_at TEXT,
        late INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'accepted' CHECK (status IN ('accepted', 'superseded')),
        reason TEXT,
        counts TEXT NOT NULL DEFAULT '{}',
        UNIQUE (unit_code, sequence)
    )""",
    "CREATE INDEX sync_files_sha ON sync_files(sha256)",
    "CREATE INDEX sync_files_period ON sync_files(period_end, unit_code)",
    # Keyed by (unit, uuid): a unit's rows can never overwrite another unit's, and one file's rows sit
    # together in the key index (random UUIDs spread over the whole index made every merge rewrite
    # thousands of index pages).
    f"""CREATE TABLE remote_dossiers (
        unit_code TEXT NOT NULL REFERENCES remote_units(code),
        uuid TEXT NOT NULL,
        file_id INTEGER NOT NULL REFERENCES sync_files(id),
        first_file_id INTEGER NOT NULL REFERENCES sync_files(id),{_DOSSIER_COLUMNS},
        PRIMARY KEY (unit_code, uuid)
    )""",
    f"""CREATE TABLE remote_orgs (
        unit_code TEXT NOT NULL REFERENCES remote_units(code),
        uuid TEXT NOT NULL,
        file_id INTEGER NOT NULL REFERENCES sync_files(id),
        first_file_id INTEGER NOT NULL REFERENCES sync_files(id),{_ORG_COLUMNS},
        PRIMARY KEY (unit_code, uuid)
    )""",
    """CREATE TABLE remote_verifications (
        unit_code TEXT NOT NULL REFERENCES remote_units(code),
        uuid TEXT NOT NULL,
        file_id INTEGER NOT NULL REFERENCES sync_files(id),
        dossier_uuid TEXT, to_unit TEXT, sent_on TEXT, method TEXT, due_on TEXT, note TEXT, officer TEXT,
        PRIMARY KEY (unit_code, uuid)
    )""",
    """CREATE TABLE remote_summaries (
        file_id INTEGER NOT NULL REFERENCES sync_files(id),
        row_no INTEGER NOT NULL,
        section TEXT NOT NULL,
        code TEXT,
        name TEXT,
        this_week INTEGER,
        cumulative INTEGER,
        target INTEGER,
        percent REAL,
        remaining INTEGER,
        PRIMARY KEY (file_id, row_no)
    )""",
]
