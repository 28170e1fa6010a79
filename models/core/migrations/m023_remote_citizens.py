"""The units' citizens' figures and mobile intake sessions at the merging desk (sync format 2.3, issue 16).

- ``remote_citizen_figures``: the ``CongDan`` lines of a unit's file (its citizens' campaign figures as of the
  period's end: per target, its communes and its total line);
- ``remote_sessions``: the ``BuoiThuNhan`` lines (its mobile intake sessions with expected, received, issued,
  refused).

Both are kept per unit and week: a newer file of a unit for the same week (``period_end``) replaces that
week's lines (``models/sync/merge.py``), earlier weeks keep theirs, so the consolidated report of any week
reads the newest file the unit sent for it.
"""

VERSION = 23


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)


SCHEMA = [
    """CREATE TABLE remote_citizen_figures (
        file_id INTEGER NOT NULL REFERENCES sync_files(id),
        row_no INTEGER NOT NULL,
        unit_code TEXT NOT NULL REFERENCES remote_units(code),
        period_end TEXT NOT NULL,
        target_label TEXT, measure TEXT, scope TEXT, since TEXT, code TEXT, name TEXT,
        target INTEGER, cumulative INTEGER, this_week INTEGER, percent REAL, remaining INTEGER,
        PRIMARY KEY (file_id, row_no)
    )""",
    "CREATE INDEX remote_citizen_figures_unit_week ON remote_citizen_figures(unit_code, period_end)",
    """CREATE TABLE remote_sessions (
        file_id INTEGER NOT NULL REFERENCES sync_files(id),
        unit_code TEXT NOT NULL REFERENCES remote_units(code),
        period_end TEXT NOT NULL,
        uuid TEXT NOT NULL,
        held_on TEXT, status TEXT, area_code TEXT, target TEXT, place TEXT,
        expected INTEGER, received INTEGER, issued INTEGER, refused INTEGER,
        PRIMARY KEY (unit_code, period_end, uuid)
    )""",
    "CREATE INDEX remote_sessions_file ON remote_sessions(file_id)",
]
