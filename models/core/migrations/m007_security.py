"""Security: default lock/backup settings, sign-in sessions, audit indexes for the audit screen.

Officers (with password hash, failure counter and lock time) and the append-only ``audit_log`` are in
m001; this adds what the security features need on top.
"""

VERSION = 7

DEFAULT_SETTINGS = {
    "idle_lock_minutes": "10",  # the app locks itself after this many idle minutes (0 = never)
    "lockout_attempts": "5",  # wrong passwords in a row before the account is locked
    "lockout_minutes": "15",  # how long such a lock lasts
    "backups_keep": "10",  # automatic backups kept in the backup folder
}


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
    for key, value in DEFAULT_SETTINGS.items():
        store.execute("INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)", (key, value))


SCHEMA = [
    # One row per sign-in: which officer works at which desk (host, process) since when. ``ended_at``
    # stays NULL while signed in (or when the program was killed); the admin screen lists open ones.
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        ended_at TEXT
    )""",
    "CREATE INDEX sessions_open ON sessions(ended_at, last_seen_at)",
    "CREATE INDEX audit_officer ON audit_log(officer_id, at)",
    "CREATE INDEX audit_action ON audit_log(action, at)",
]
