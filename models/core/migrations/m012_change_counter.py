"""A change counter kept by the database, for incremental sync exports (issue 14; docs/sync.md#incremental-exports).

Incremental exports used to select the rows ``updated_at >= changed_since``: both times came from the
desks' wall clocks, so a desk whose clock was behind the one that made the previous export wrote changes
"before" it, and they were never sent. Now every row the sync file carries has a number from one counter
that only goes up:

* ``change_counter``: one row (``id = 1``), the last number handed out;
* ``dossiers.change_seq`` / ``organizations.change_seq``: the number of the row's last change, set by
  triggers after every INSERT and every UPDATE of a column the sync file carries (``_TRACKED``; an
  organization renamed also renumbers its dossiers: the HoSo sheet carries the organization's name). SQLite runs one writer at a time, so numbers follow the order
  in which changes were committed, whatever the clocks say;
* ``sync_exports.changes_after`` / ``changes_through``: the counter range an export covers: an
  incremental export sends the rows numbered after the last acknowledged export's ``changes_through``
  (an export made before this migration has none: the next export is full);
* ``sync_files.changes_after`` / ``changes_through``: the same figures as read from a unit's file;
* ``sync_gap_skips``: sequence numbers of a unit's files the merging desk's leader accepted as lost
  (with the reason; ``models/sync/merge.py`` ``skip_gap``).

Existing rows are numbered in the order of their ``updated_at`` (a one-off: from now on the counter decides).
"""

VERSION = 12

_TABLES = ("dossiers", "organizations")
# An UPDATE setting any of these columns is a change the sync file carries: the columns of HoSo / ToChuc,
# ``updated_at`` and ``version`` (every edit through the models sets them), ``merged_into`` (a merged
# organization leaves ToChuc). Bookkeeping alone (``last_seen`` of an organization found again in an
# imported list, the search index) is not a change: re-importing a list does not resend it.
_TRACKED = {
    "dossiers": "uuid, number, subject_type, org_id, grp, area_code, tax_code, channel, received_at, received_on, "
                "officer_id, status, due_date, online_ref, refusal_reason, verified_on, issued_on, activated_on, "
                "closed_on, updated_at, version",
    "organizations": "uuid, grp, name, short_name, foreign_name, tax_code, enterprise_code, founding_decision, "
                     "established_on, address, area_code, status, head_name, rep_name, rep_id_number, rep_phone, "
                     "rep_email, updated_at, version, merged_into",
}


def _triggers(table: str) -> list[str]:
    bump = f"""
        UPDATE change_counter SET value = value + 1 WHERE id = 1;
        UPDATE {table} SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;"""
    return [
        f"CREATE TRIGGER {table}_change_seq_insert AFTER INSERT ON {table} BEGIN {bump} END",
        # the trigger's own UPDATE sets change_seq only, so it does not fire itself again
        f"""CREATE TRIGGER {table}_change_seq_update AFTER UPDATE OF {_TRACKED[table]} ON {table}
            BEGIN {bump} END""",
    ]


SCHEMA = [
    """CREATE TABLE change_counter (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        value INTEGER NOT NULL
    )""",
    "INSERT INTO change_counter(id, value) VALUES (1, 0)",
    *(f"ALTER TABLE {t} ADD COLUMN change_seq INTEGER" for t in _TABLES),
    "ALTER TABLE sync_exports ADD COLUMN changes_after INTEGER",
    "ALTER TABLE sync_exports ADD COLUMN changes_through INTEGER",
    "ALTER TABLE sync_files ADD COLUMN changes_after INTEGER",
    "ALTER TABLE sync_files ADD COLUMN changes_through INTEGER",
    """CREATE TABLE sync_gap_skips (
        id INTEGER PRIMARY KEY,
        unit_code TEXT NOT NULL REFERENCES remote_units(code),
        from_sequence INTEGER NOT NULL,
        to_sequence INTEGER NOT NULL CHECK (to_sequence >= from_sequence),
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        at TEXT NOT NULL
    )""",
    "CREATE INDEX sync_gap_skips_unit ON sync_gap_skips(unit_code, from_sequence)",
]

_RENAME_TRIGGER = """CREATE TRIGGER organizations_change_seq_rename AFTER UPDATE OF name ON organizations
    WHEN NEW.name IS NOT OLD.name BEGIN
        UPDATE change_counter SET value = value + 1 WHERE id = 1;
        UPDATE dossiers SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE org_id = NEW.id;
    END"""


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
    offset = 0
    for table in _TABLES:  # number the existing rows once, oldest change first
        store.execute(
            f"UPDATE {table} SET change_seq = (SELECT n FROM (SELECT id, ? + ROW_NUMBER() OVER "
            f"(ORDER BY updated_at, id) AS n FROM {table}) AS r WHERE r.id = {table}.id)", (offset,))
        offset = store.scalar(f"SELECT COALESCE(MAX(change_seq), ?) FROM {table}", (offset,))
    store.execute("UPDATE change_counter SET value = ? WHERE id = 1", (offset,))
    for table in _TABLES:
        store.execute(f"CREATE INDEX {table}_change_seq ON {table}(change_seq)")
        for sql in _triggers(table):
            store.execute(sql)
    store.execute(_RENAME_TRIGGER)
