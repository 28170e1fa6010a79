"""Signed sync files, step one (issue 14): each desk's Ed25519 key pair, the province's register of keys.

* ``sync_keys``: this desk's one key pair (``id = 1``): the private key (raw 32 bytes) never leaves the
  database; the public key (hex) is what the province registers. Made at ``init`` or, on an existing
  database, the first time it is needed (``models/sync/keys.py``).
* ``remote_units.public_key`` / ``key_registered_at``: the public key the province registered for a unit
  (``sync-register``), and when.
* indexes on the UUIDs of ``remote_dossiers`` / ``remote_orgs``: a file reusing another unit's UUIDs is refused.
"""

VERSION = 10

SCHEMA = [
    """CREATE TABLE sync_keys (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        private_key BLOB NOT NULL,
        public_key TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "ALTER TABLE remote_units ADD COLUMN public_key TEXT",
    "ALTER TABLE remote_units ADD COLUMN key_registered_at TEXT",
    # a UUID is unique across units: the merge looks for another unit's rows with the file's UUIDs
    "CREATE INDEX remote_dossiers_uuid ON remote_dossiers(uuid)",
    "CREATE INDEX remote_orgs_uuid ON remote_orgs(uuid)",
]


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
