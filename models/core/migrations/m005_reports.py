"""Weekly reports: per-unit reporting settings and the register of issued reports.

``report_settings`` holds, per unit, when the weekly report is due (weekday 0=Monday … 6=Sunday and
time, default Thursday 14:00), the symbol used in the number ("BC-CAH"), the signer and the
recipients. ``reports`` is the register: every issued report with its number, period, the figures it
showed (JSON of ``ReportData``), the texts, the PDF itself (BLOB: reprinting gives the same bytes) and
its SHA-256, and whether it was issued before the deadline.
"""

VERSION = 5


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)


SCHEMA = [
    """CREATE TABLE report_settings (
        unit_id INTEGER PRIMARY KEY REFERENCES units(id),
        due_weekday INTEGER NOT NULL DEFAULT 3 CHECK (due_weekday BETWEEN 0 AND 6),
        due_time TEXT NOT NULL DEFAULT '14:00',
        symbol TEXT NOT NULL DEFAULT 'BC',
        signer_authority TEXT NOT NULL DEFAULT 'KT. TRƯỞNG CÔNG AN',
        signer_title TEXT NOT NULL DEFAULT 'PHÓ TRƯỞNG CÔNG AN',
        signer_name TEXT NOT NULL DEFAULT '',
        recipients TEXT NOT NULL DEFAULT '[]',
        updated_at TEXT NOT NULL
    )""",
    # kind: weekly | adhoc | phase | final
    """CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        unit_id INTEGER NOT NULL REFERENCES units(id),
        year INTEGER NOT NULL,
        number INTEGER NOT NULL,
        number_text TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('weekly', 'adhoc', 'phase', 'final')),
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        doc_date TEXT NOT NULL,
        campaign_id INTEGER,
        officer_id INTEGER NOT NULL REFERENCES officers(id),
        issued_at TEXT NOT NULL,
        due_at TEXT,
        on_time INTEGER,
        figures TEXT NOT NULL,
        difficulties TEXT NOT NULL DEFAULT '',
        proposals TEXT NOT NULL DEFAULT '',
        sha256 TEXT NOT NULL,
        pdf BLOB NOT NULL,
        pages INTEGER NOT NULL,
        saved_path TEXT,
        UNIQUE (unit_id, year, number)
    )""",
    "CREATE INDEX reports_period ON reports(unit_id, kind, period_end)",
    # The register proves what was sent: an issued report is never deleted nor rewritten (only where its
    # file was saved may change). A replacement is a new report.
    """CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
       BEGIN SELECT RAISE(ABORT, 'Sổ báo cáo đã ban hành không được xoá'); END""",
    """CREATE TRIGGER reports_no_update BEFORE UPDATE OF unit_id, year, number, number_text, kind, period_start,
       period_end, doc_date, campaign_id, officer_id, issued_at, due_at, on_time, figures, difficulties, proposals,
       sha256, pdf, pages ON reports
       BEGIN SELECT RAISE(ABORT, 'Báo cáo đã ban hành không được sửa'); END""",
]
