"""The search index of a large import is built after its commit, in short slices (issue 17, item 2).

``org_index_pending``: one row per import whose new organizations (ids ``low_id``..``high_id``, given
consecutively) are committed but not yet all in the FTS5 tables; ``next_id`` is the first id still to
index. The row is committed together with the imported rows, so a crash while indexing leaves it behind
and the next start resumes at ``next_id`` (``models/registry/search_index.py``). While a row exists,
search merges a scan of the pending rows' ``search_text`` with the FTS results (``models/registry/search.py``).

The FTS triggers of m002 are recreated with one more condition: a row inside a pending range is not in
the index yet, so an UPDATE or DELETE of it must not remove its (absent) entry, and an INSERT that reuses
such an id must not index it twice; the slice that reaches it indexes the row as it is then.
"""

from models.core.migrations.m002_registry import INDEXED_COLUMNS, search_doc

VERSION = 20


def not_pending(row: str) -> str:
    return (f"NOT EXISTS (SELECT 1 FROM org_index_pending p WHERE {row}.id BETWEEN p.next_id AND p.high_id)")


def _changed() -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in INDEXED_COLUMNS.split(", "))


DEFER = "EXISTS (SELECT 1 FROM org_index_defer)"

TRIGGERS = {
    "organizations_fts_insert": f"""CREATE TRIGGER organizations_fts_insert AFTER INSERT ON organizations
       WHEN NOT {DEFER} AND {not_pending('new')} BEGIN
        INSERT INTO org_fts(rowid, doc) VALUES (new.id, {search_doc('new.')});
        INSERT INTO org_tax_fts(rowid, tax_code) VALUES (new.id, new.tax_code);
    END""",
    "organizations_fts_insert_deferred": f"""CREATE TRIGGER organizations_fts_insert_deferred AFTER INSERT ON organizations
       WHEN {DEFER} AND {not_pending('new')} BEGIN
        INSERT OR IGNORE INTO org_index_queue(id, had_old) VALUES (new.id, 0);
    END""",
    "organizations_fts_delete": f"""CREATE TRIGGER organizations_fts_delete AFTER DELETE ON organizations
       WHEN NOT {DEFER} AND {not_pending('old')} BEGIN
        INSERT INTO org_fts(org_fts, rowid, doc) VALUES ('delete', old.id, {search_doc('old.')});
        INSERT INTO org_tax_fts(org_tax_fts, rowid, tax_code) VALUES ('delete', old.id, old.tax_code);
    END""",
    "organizations_fts_update": f"""CREATE TRIGGER organizations_fts_update AFTER UPDATE OF {INDEXED_COLUMNS} ON organizations
       WHEN ({_changed()}) AND NOT {DEFER} AND {not_pending('old')} BEGIN
        INSERT INTO org_fts(org_fts, rowid, doc) VALUES ('delete', old.id, {search_doc('old.')});
        INSERT INTO org_fts(rowid, doc) VALUES (new.id, {search_doc('new.')});
        INSERT INTO org_tax_fts(org_tax_fts, rowid, tax_code) VALUES ('delete', old.id, old.tax_code);
        INSERT INTO org_tax_fts(rowid, tax_code) VALUES (new.id, new.tax_code);
    END""",
    "organizations_fts_change_deferred": f"""CREATE TRIGGER organizations_fts_change_deferred AFTER UPDATE OF {INDEXED_COLUMNS} ON organizations
       WHEN ({_changed()}) AND {DEFER} AND {not_pending('old')} BEGIN
        INSERT OR IGNORE INTO org_index_queue(id, had_old, old_doc, old_tax)
        VALUES (old.id, 1, {search_doc('old.')}, old.tax_code);
    END""",
    "organizations_fts_delete_deferred": f"""CREATE TRIGGER organizations_fts_delete_deferred AFTER DELETE ON organizations
       WHEN {DEFER} AND {not_pending('old')} BEGIN
        INSERT OR IGNORE INTO org_index_queue(id, had_old, old_doc, old_tax)
        VALUES (old.id, 1, {search_doc('old.')}, old.tax_code);
    END""",
}


def up(store) -> None:
    store.execute("""CREATE TABLE org_index_pending (
        import_id INTEGER PRIMARY KEY REFERENCES imports(id),
        low_id INTEGER NOT NULL,
        next_id INTEGER NOT NULL,
        high_id INTEGER NOT NULL,
        CHECK (low_id <= next_id AND next_id <= high_id + 1)
    )""")
    for name, sql in TRIGGERS.items():
        store.execute(f"DROP TRIGGER {name}")
        store.execute(sql)
