"""The national system's result lists (issue 13 item 3): each organization's e-ID account as the national
system reports it, whether or not the unit holds a dossier for it.

* ``org_accounts``: one row per organization of the registry that has an account (``status`` issued or
  activated, never lowered by an older list), the account identifier the list gives, the dates, and the
  import (``imports`` row) that last changed it. An organization that applied on VNeID without a dossier
  at this desk is counted as having an account through this table.
"""

VERSION = 17

SCHEMA = [
    """CREATE TABLE org_accounts (
        org_id INTEGER PRIMARY KEY REFERENCES organizations(id),
        account_id TEXT,
        status TEXT NOT NULL CHECK (status IN ('issued', 'activated')),
        issued_on TEXT,
        activated_on TEXT,
        import_id INTEGER REFERENCES imports(id),
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX org_accounts_account ON org_accounts(account_id)",
]


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
