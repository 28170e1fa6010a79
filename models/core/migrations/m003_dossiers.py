"""Dossiers (hồ sơ) and their verification.

A dossier's subject is an organization today and a person (citizen accounts, seeds 003/004) later:
``subject_type`` says which, ``org_id``/``person_ref`` hold it. ``declared`` keeps what the applicant
declared (JSON of TK02 fields) beside the registry's values. Status dates are denormalised
(``issued_on`` …) so progress counts stay cheap; ``dossier_events`` keeps every transition.
``search_text`` (folded number, tax code, names) feeds the FTS5 table ``dossier_fts`` through triggers.

Holidays are not seeded here (tests use the empty ``holidays`` table as scratch space): see
``models.dossiers.calendar.ensure_seeded``.
"""

VERSION = 3


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)


SCHEMA = [
    # status: received | verifying | needs_papers | waiting_locality | verified | issued | activated
    #         | refused | cancelled
    """CREATE TABLE dossiers (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        number TEXT NOT NULL UNIQUE,
        subject_type TEXT NOT NULL DEFAULT 'organization' CHECK (subject_type IN ('organization', 'person')),
        org_id INTEGER REFERENCES organizations(id),
        person_ref TEXT,
        grp INTEGER,
        area_code TEXT REFERENCES areas(code),
        tax_code TEXT,
        channel TEXT NOT NULL,
        received_at TEXT NOT NULL,
        received_on TEXT NOT NULL,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        status TEXT NOT NULL DEFAULT 'received',
        needs_verification INTEGER NOT NULL DEFAULT 0,
        needs_verification_manual INTEGER,
        due_date TEXT,
        declared TEXT NOT NULL DEFAULT '{}',
        papers TEXT NOT NULL DEFAULT '[]',
        notes TEXT,
        online_ref TEXT UNIQUE,
        search_text TEXT NOT NULL DEFAULT '',
        refusal_reason TEXT,
        cancel_reason TEXT,
        verified_on TEXT,
        issued_on TEXT,
        activated_on TEXT,
        closed_on TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX dossiers_status ON dossiers(status, due_date, received_at)",
    "CREATE INDEX dossiers_org ON dossiers(org_id)",
    "CREATE INDEX dossiers_received ON dossiers(received_on)",
    "CREATE INDEX dossiers_issued ON dossiers(issued_on)",
    "CREATE INDEX dossiers_officer ON dossiers(officer_id, received_on)",
    "CREATE INDEX dossiers_area ON dossiers(area_code)",
    "CREATE INDEX dossiers_received_at ON dossiers(received_at)",
    "CREATE INDEX dossiers_status_received ON dossiers(status, received_at)",
    "CREATE INDEX dossiers_officer_status ON dossiers(officer_id, status)",
    "CREATE INDEX dossiers_tax_code ON dossiers(tax_code)",
    # Folded words of number, tax code, organization name, representative: worklist search.
    """CREATE VIRTUAL TABLE dossier_fts USING fts5(
        search_text, content='dossiers', content_rowid='id',
        tokenize='unicode61', prefix='1 2 3', detail=none
    )""",
    """CREATE TRIGGER dossiers_fts_insert AFTER INSERT ON dossiers BEGIN
        INSERT INTO dossier_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER dossiers_fts_delete AFTER DELETE ON dossiers BEGIN
        INSERT INTO dossier_fts(dossier_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER dossiers_fts_update AFTER UPDATE OF search_text ON dossiers
       WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO dossier_fts(dossier_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO dossier_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TABLE dossier_events (
        id INTEGER PRIMARY KEY,
        dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
        at TEXT NOT NULL,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        from_status TEXT,
        to_status TEXT NOT NULL,
        reason TEXT
    )""",
    "CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id)",
    # The status history is the dossier's record (seed 001 III.8.5: keep and preserve dossiers).
    """CREATE TRIGGER dossier_events_no_update BEFORE UPDATE ON dossier_events
       BEGIN SELECT RAISE(ABORT, 'Lịch sử trạng thái hồ sơ chỉ được ghi thêm, không được sửa'); END""",
    """CREATE TRIGGER dossier_events_no_delete BEFORE DELETE ON dossier_events
       BEGIN SELECT RAISE(ABORT, 'Lịch sử trạng thái hồ sơ chỉ được ghi thêm, không được xoá'); END""",
    # severity: blocking | warning | info. Replaced as a whole at each verification run.
    """CREATE TABLE verification_findings (
        id INTEGER PRIMARY KEY,
        dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
        code TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('blocking', 'warning', 'info')),
        message TEXT NOT NULL,
        checked_at TEXT NOT NULL
    )""",
    "CREATE INDEX verification_findings_dossier ON verification_findings(dossier_id)",
    """CREATE TABLE manual_checks (
        id INTEGER PRIMARY KEY,
        dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
        check_code TEXT NOT NULL,
        result TEXT NOT NULL,
        note TEXT,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        at TEXT NOT NULL
    )""",
    """CREATE TABLE verification_requests (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
        to_unit TEXT NOT NULL,
        sent_on TEXT NOT NULL,
        method TEXT NOT NULL,
        due_on TEXT NOT NULL,
        answered_on TEXT,
        result TEXT,
        note TEXT,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX verification_requests_open ON verification_requests(answered_on, due_on)",
    "CREATE INDEX verification_requests_dossier ON verification_requests(dossier_id)",
    "CREATE INDEX manual_checks_dossier ON manual_checks(dossier_id)",
    # Saturdays/Sundays the government turns into working days (to bridge a holiday), editable like
    # the holidays table (m001). The holiday list itself is seeded by models.dossiers.calendar.ensure_seeded.
    """CREATE TABLE make_up_days (
        day TEXT PRIMARY KEY,
        name TEXT NOT NULL
    )""",
    # Seed 001 III.8.5: the unit keeps its dossiers. One logged by mistake is cancelled with a reason.
    """CREATE TRIGGER dossiers_no_delete BEFORE DELETE ON dossiers
       BEGIN SELECT RAISE(ABORT, 'Hồ sơ không được xoá; hồ sơ nhập nhầm thì huỷ kèm lý do'); END""",
]
