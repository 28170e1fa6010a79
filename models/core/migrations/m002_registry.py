"""Organization registry: organizations, where each came from, imports, saved column mappings,
possible duplicates, and the search index. Field history lives in ``audit_log`` (object_type
'organization').

Search index (see ``models/registry/search.py``): two FTS5 tables with external content, kept in step
with ``organizations`` by triggers, so every writer (single-row, bulk import, sync, merge) keeps them
consistent (bulk writers should wrap their statements in ``registry_search.deferred_index``):
- ``org_fts``: words of the folded ``search_text`` plus filter tags (view ``org_search_doc``;
  unicode61, detail=none; prefix indexes for 1-6 characters, so a word being typed is looked up directly: a Vietnamese syllable has at most 7 letters);
- ``org_tax_fts``: trigrams of ``tax_code`` for "digits anywhere in the tax code" queries (detail=full:
  a run of digits is a phrase of trigrams, which detail=none cannot answer; columnsize=0).

Fewer prefix lengths make imports cheaper but not search: with prefix='1 2 3' a typed 5-letter word
("duong") merges the whole doclists of its terms and the 1M-row search p95 went from 13 ms to 271 ms.
"""

VERSION = 2

INDEXED_COLUMNS = "search_text, tax_code, grp, status, area_code, sources"


def search_doc(prefix: str) -> str:
    """SQL for the indexed document: the folded text plus filter tags (``zzg1``, ``zzsactive``,
    ``zza`` + hex of the area code, ``zzqdkkd`` per source list) so that "text AND filter" is one FTS query, fast even when the
    filter is selective. ``prefix`` is '' (view), 'new.' or 'old.' (triggers)."""
    p = prefix
    return (f"{p}search_text || ' zzg' || {p}grp || ' zzs' || {p}status || ' zza' || "
            f"hex(coalesce({p}area_code, '')) || replace(' ' || {p}sources, ' ', ' zzq')")


def _changed() -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in INDEXED_COLUMNS.split(", "))


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
        merged_into INTEGER REFERENCES organizations(id),
        sources TEXT NOT NULL DEFAULT ''
    )""",
    # Every index costs each imported row (100,000 new rows: 0.01-0.2 s CPU per index), so there is one
    # only where a query needs it. Sorting and browsing the live (not merged) rows; name_key order is
    # the folded-name order. live_name also serves the look-ups by name_key (duplicates, intake); the
    # UNIQUE tax_code index serves tax-code look-ups and prefixes (intake type-ahead). live_tax stays:
    # without it browsing 1M rows in tax-code order reads every row (2.6 s instead of 0.6 s).
    "CREATE INDEX organizations_live_name ON organizations(name_key) WHERE merged_into IS NULL",
    "CREATE INDEX organizations_live_grp ON organizations(grp, name_key) WHERE merged_into IS NULL",
    "CREATE INDEX organizations_live_area ON organizations(area_code, name_key) WHERE merged_into IS NULL",
    "CREATE INDEX organizations_live_tax ON organizations(tax_code) WHERE merged_into IS NULL",
    "CREATE INDEX organizations_live_status ON organizations(status, name_key) WHERE merged_into IS NULL",
    "CREATE INDEX organizations_live_rep ON organizations(rep_name) WHERE merged_into IS NULL",
    "CREATE INDEX organizations_live_address ON organizations(address) WHERE merged_into IS NULL",
    "CREATE INDEX organizations_merged ON organizations(merged_into) WHERE merged_into IS NOT NULL",
    f"CREATE VIEW org_search_doc AS SELECT id, {search_doc('')} AS doc FROM organizations",
    """CREATE VIRTUAL TABLE org_fts USING fts5(
        doc, content='org_search_doc', content_rowid='id',
        tokenize='unicode61', prefix='1 2 3 4 5 6', detail=none, columnsize=0
    )""",
    """CREATE VIRTUAL TABLE org_tax_fts USING fts5(
        tax_code, content='organizations', content_rowid='id', tokenize='trigram', columnsize=0
    )""",
    # Deferred indexing for bulk writers (registry_search.deferred_index): while org_index_defer has a
    # row, the triggers only queue the touched ids (with the values the index holds for them) and the
    # queue is indexed set-wise at the end, which is ~10x faster than one FTS write per statement.
    "CREATE TABLE org_index_defer (id INTEGER PRIMARY KEY CHECK (id = 1))",
    """CREATE TABLE org_index_queue (
        id INTEGER PRIMARY KEY,
        had_old INTEGER NOT NULL,
        old_doc TEXT,
        old_tax TEXT
    )""",
    f"""CREATE TRIGGER organizations_fts_insert AFTER INSERT ON organizations
       WHEN NOT EXISTS (SELECT 1 FROM org_index_defer) BEGIN
        INSERT INTO org_fts(rowid, doc) VALUES (new.id, {search_doc('new.')});
        INSERT INTO org_tax_fts(rowid, tax_code) VALUES (new.id, new.tax_code);
    END""",
    """CREATE TRIGGER organizations_fts_insert_deferred AFTER INSERT ON organizations
       WHEN EXISTS (SELECT 1 FROM org_index_defer) BEGIN
        INSERT OR IGNORE INTO org_index_queue(id, had_old) VALUES (new.id, 0);
    END""",
    f"""CREATE TRIGGER organizations_fts_delete AFTER DELETE ON organizations
       WHEN NOT EXISTS (SELECT 1 FROM org_index_defer) BEGIN
        INSERT INTO org_fts(org_fts, rowid, doc) VALUES ('delete', old.id, {search_doc('old.')});
        INSERT INTO org_tax_fts(org_tax_fts, rowid, tax_code) VALUES ('delete', old.id, old.tax_code);
    END""",
    f"""CREATE TRIGGER organizations_fts_update AFTER UPDATE OF {INDEXED_COLUMNS} ON organizations
       WHEN ({_changed()}) AND NOT EXISTS (SELECT 1 FROM org_index_defer) BEGIN
        INSERT INTO org_fts(org_fts, rowid, doc) VALUES ('delete', old.id, {search_doc('old.')});
        INSERT INTO org_fts(rowid, doc) VALUES (new.id, {search_doc('new.')});
        INSERT INTO org_tax_fts(org_tax_fts, rowid, tax_code) VALUES ('delete', old.id, old.tax_code);
        INSERT INTO org_tax_fts(rowid, tax_code) VALUES (new.id, new.tax_code);
    END""",
    f"""CREATE TRIGGER organizations_fts_change_deferred AFTER UPDATE OF {INDEXED_COLUMNS} ON organizations
       WHEN ({_changed()}) AND EXISTS (SELECT 1 FROM org_index_defer) BEGIN
        INSERT OR IGNORE INTO org_index_queue(id, had_old, old_doc, old_tax)
        VALUES (old.id, 1, {search_doc('old.')}, old.tax_code);
    END""",
    f"""CREATE TRIGGER organizations_fts_delete_deferred AFTER DELETE ON organizations
       WHEN EXISTS (SELECT 1 FROM org_index_defer) BEGIN
        INSERT OR IGNORE INTO org_index_queue(id, had_old, old_doc, old_tax)
        VALUES (old.id, 1, {search_doc('old.')}, old.tax_code);
    END""",
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
    # organizations.sources mirrors the org's source list ("dkkd thue") for the search filter tags. The
    # insert trigger writes only when the list changes: bulk imports store ``sources`` with the new rows,
    # and rewriting 100,000 rows just written cost 0.3 s.
    """CREATE TRIGGER org_sources_insert AFTER INSERT ON org_sources BEGIN
        UPDATE organizations SET sources = (SELECT group_concat(source, ' ') FROM
            (SELECT source FROM org_sources WHERE org_id = new.org_id ORDER BY source)) WHERE id = new.org_id
            AND sources IS NOT (SELECT group_concat(source, ' ') FROM
            (SELECT source FROM org_sources WHERE org_id = new.org_id ORDER BY source));
    END""",
    """CREATE TRIGGER org_sources_delete AFTER DELETE ON org_sources BEGIN
        UPDATE organizations SET sources = coalesce((SELECT group_concat(source, ' ') FROM
            (SELECT source FROM org_sources WHERE org_id = old.org_id ORDER BY source)), '') WHERE id = old.org_id;
    END""",
    """CREATE TRIGGER org_sources_update AFTER UPDATE OF org_id, source ON org_sources BEGIN
        UPDATE organizations SET sources = coalesce((SELECT group_concat(source, ' ') FROM
            (SELECT source FROM org_sources WHERE org_id = old.org_id ORDER BY source)), '') WHERE id = old.org_id;
        UPDATE organizations SET sources = (SELECT group_concat(source, ' ') FROM
            (SELECT source FROM org_sources WHERE org_id = new.org_id ORDER BY source)) WHERE id = new.org_id;
    END""",
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
    "CREATE INDEX duplicate_flags_status ON duplicate_flags(status, org_id)",
]
