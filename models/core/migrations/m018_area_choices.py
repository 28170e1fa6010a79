"""Old communes split on 1 July 2025 (issue 13, item 5): the officer's choice of the new commune.

An organization imported with a commune of before the merger that went into several current communes
(``models/registry/divisions.py``) is written in the first candidate the unit covers; ``area_choices``
keeps the old name and every candidate until the officer picks one (``chosen_code``, by whom, when).
"""

VERSION = 18

SCHEMA = [
    """CREATE TABLE area_choices (
        id INTEGER PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES organizations(id),
        import_id INTEGER REFERENCES imports(id),
        row_number INTEGER,
        old_name TEXT NOT NULL,
        old_codes TEXT NOT NULL,
        candidates TEXT NOT NULL,
        created_at TEXT NOT NULL,
        chosen_code TEXT,
        chosen_by INTEGER REFERENCES officers(id),
        chosen_at TEXT
    )""",
    "CREATE INDEX area_choices_open ON area_choices(org_id) WHERE chosen_code IS NULL",
]


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
