"""Citizens (issue 15): persons, the lists they came from, agencies and their staff, enterprises'
registration schedules, mobile intake sessions, and the record of every people-list import.

Tables
- ``persons``: one row per citizen. ``id_number`` is the 12-digit personal ID number (UNIQUE when
  present; NULL for a resident listed without one, matched then on folded name + birth date + commune).
  ``name_key`` is the folded full name (no case, no diacritics, đ→d: ``models.text.normalize.fold``);
  ``account_level`` 0 none, 1 self-registered in VNeID, 2 issued at the police; ``level1_on``,
  ``level2_issued_on``, ``activated_on`` are ISO dates (the earliest known wins; a list never clears one);
  ``residence`` 'permanent' | 'temporary'; ``sex`` 'M' | 'F'; ``village`` the "thôn / khu phố / tổ dân
  phố" as written (cleaned); ``sources`` mirrors the kinds of list the person appears in ("residents
  staff"), for filters. ``version`` goes up with each change (sync and optimistic edits).
- Field history: ``audit_log`` rows with object_type 'person', one per changed field (action
  'person.import' for lists, 'person.edit' for edits, 'person.activation' for the national lists) —
  the registry's mechanism, so history screens and sync read one table.
- ``person_sources``: which list, file and row a person came from (one row per person and import
  file name: re-importing the same file moves ``last_seen``/``import_id``/``row_number``).
- ``people_imports``: every import of a people list (kind 'residents' | 'staff' | 'schedule' |
  'activations', file, sha256, officer, counts JSON; ``unknown_ids`` JSON list of the activation list's
  ID numbers that match nobody — listed for the officer, never created as persons).
- ``agencies`` ("cơ quan, đơn vị": name, ``name_key`` folded and UNIQUE, type, address, head, liaison
  officer and phone, area); ``agency_staff`` (agency × person, UNIQUE: position, phone, preferred date
  for level-2 intake, the import it came from).
- ``enterprise_schedules``: an enterprise of the organization registry (``org_id``), its head or
  representative, number of staff, the chosen date and time (UNIQUE per org and date).
- ``intake_sessions``: mobile intake sessions (for the intake issue): a commune, an agency or an
  enterprise, date, times, place, team members (JSON list of names), expected people, status
  'planned' | 'held' | 'cancelled'. Dossiers will point at a session.

Search (``models/people/search.py``): FTS5 ``person_fts`` over ``name_key`` (unicode61, prefix indexes
1-6, detail=none: word prefixes; a Vietnamese syllable has at most 7 letters, and a prefix longer than the
longest prefix index makes FTS5 merge whole doclists: "nguyen"* over 1M names took 160 ms with 1-4) and ``person_id_fts`` trigrams of ``id_number`` (digits anywhere; detail=full, as a run of digits is a
phrase of trigrams), both
external-content tables kept in step by triggers, like the registry's ``org_fts``/``org_tax_fts``. Bulk
writers stage rows in TEMP tables and move them with one INSERT … SELECT / UPDATE … FROM, so the
triggers cost a few µs per row.
"""

VERSION = 14


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)


SCHEMA = [
    """CREATE TABLE people_imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('residents', 'staff', 'schedule', 'activations')),
        agency_id INTEGER REFERENCES agencies(id),
        file_name TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        sheet_name TEXT,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        counts TEXT,
        unknown_ids TEXT
    )""",
    """CREATE TABLE persons (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        id_number TEXT UNIQUE CHECK (id_number IS NULL OR (length(id_number) = 12
                                     AND id_number NOT GLOB '*[^0-9]*')),
        full_name TEXT NOT NULL,
        name_key TEXT NOT NULL DEFAULT '',
        birth_date TEXT,
        sex TEXT CHECK (sex IS NULL OR sex IN ('M', 'F')),
        phone TEXT,
        area_code TEXT REFERENCES areas(code),
        village TEXT,
        address TEXT,
        residence TEXT CHECK (residence IS NULL OR residence IN ('permanent', 'temporary')),
        account_level INTEGER NOT NULL DEFAULT 0 CHECK (account_level BETWEEN 0 AND 2),
        level1_on TEXT,
        level2_issued_on TEXT,
        activated_on TEXT,
        sources TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1
    )""",
    # Few indexes: each one costs every imported row. Name order (browsing, no-ID matching) and the
    # commune/village filter of the people screen; id_number and uuid have their UNIQUE indexes.
    "CREATE INDEX persons_name ON persons(name_key)",
    "CREATE INDEX persons_area ON persons(area_code, village, name_key)",
    """CREATE VIRTUAL TABLE person_fts USING fts5(
        name_key, content='persons', content_rowid='id',
        tokenize='unicode61', prefix='1 2 3 4 5 6', detail=none, columnsize=0
    )""",
    """CREATE VIRTUAL TABLE person_id_fts USING fts5(
        id_number, content='persons', content_rowid='id', tokenize='trigram', columnsize=0
    )""",
    """CREATE TRIGGER persons_fts_insert AFTER INSERT ON persons BEGIN
        INSERT INTO person_fts(rowid, name_key) VALUES (new.id, new.name_key);
        INSERT INTO person_id_fts(rowid, id_number) VALUES (new.id, new.id_number);
    END""",
    """CREATE TRIGGER persons_fts_delete AFTER DELETE ON persons BEGIN
        INSERT INTO person_fts(person_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
        INSERT INTO person_id_fts(person_id_fts, rowid, id_number) VALUES ('delete', old.id, old.id_number);
    END""",
    """CREATE TRIGGER persons_fts_update AFTER UPDATE OF name_key, id_number ON persons
       WHEN old.name_key IS NOT new.name_key OR old.id_number IS NOT new.id_number BEGIN
        INSERT INTO person_fts(person_fts, rowid, name_key) VALUES ('delete', old.id, old.name_key);
        INSERT INTO person_fts(rowid, name_key) VALUES (new.id, new.name_key);
        INSERT INTO person_id_fts(person_id_fts, rowid, id_number) VALUES ('delete', old.id, old.id_number);
        INSERT INTO person_id_fts(rowid, id_number) VALUES (new.id, new.id_number);
    END""",
    # kind: 'residents' | 'staff' | 'activations' | 'intake' | 'demo' | 'manual'.
    """CREATE TABLE person_sources (
        person_id INTEGER NOT NULL REFERENCES persons(id),
        kind TEXT NOT NULL,
        file_name TEXT NOT NULL DEFAULT '',
        import_id INTEGER REFERENCES people_imports(id),
        row_number INTEGER,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (person_id, kind, file_name)
    ) WITHOUT ROWID""",
    """CREATE TABLE agencies (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        agency_type TEXT,
        address TEXT,
        head_name TEXT,
        liaison_name TEXT,
        liaison_phone TEXT,
        area_code TEXT REFERENCES areas(code),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE agency_staff (
        id INTEGER PRIMARY KEY,
        agency_id INTEGER NOT NULL REFERENCES agencies(id),
        person_id INTEGER NOT NULL REFERENCES persons(id),
        position TEXT,
        phone TEXT,
        preferred_on TEXT,
        import_id INTEGER REFERENCES people_imports(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (agency_id, person_id)
    )""",
    "CREATE INDEX agency_staff_person ON agency_staff(person_id)",
    """CREATE TABLE enterprise_schedules (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organizations(id),
        representative TEXT,
        phone TEXT,
        staff_count INTEGER CHECK (staff_count IS NULL OR staff_count >= 0),
        scheduled_on TEXT NOT NULL,
        scheduled_time TEXT,
        notes TEXT,
        import_id INTEGER REFERENCES people_imports(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        UNIQUE (org_id, scheduled_on)
    )""",
    "CREATE INDEX enterprise_schedules_day ON enterprise_schedules(scheduled_on)",
    """CREATE TABLE intake_sessions (
        id INTEGER PRIMARY KEY,
        uuid TEXT NOT NULL UNIQUE,
        area_code TEXT REFERENCES areas(code),
        agency_id INTEGER REFERENCES agencies(id),
        org_id INTEGER REFERENCES organizations(id),
        held_on TEXT NOT NULL,
        start_time TEXT,
        end_time TEXT,
        place TEXT,
        team TEXT NOT NULL DEFAULT '[]',
        expected_people INTEGER CHECK (expected_people IS NULL OR expected_people >= 0),
        notes TEXT,
        status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX intake_sessions_day ON intake_sessions(held_on)",
]
