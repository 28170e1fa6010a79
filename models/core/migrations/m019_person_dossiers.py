"""Level-2 intake of citizens on the dossier engine, and the mobile intake sessions' lifecycle (issue 15).

* ``dossiers.person_id`` → ``persons``: the citizen of a person dossier (``subject_type = 'person'``);
  ``dossiers.person_ref`` holds the person's 12-digit ID number, the same on every desk, so the progress
  counts (``progress_firsts`` subject ``'p' || person_ref``, triggers of m004/m009) count a citizen once
  whichever desk logged them (m004 indexes ``person_ref`` for those triggers).
* ``dossiers.session_id`` → ``intake_sessions``: the mobile/agency session the dossier was logged at.
* ``dossiers.id_card_valid``: 1 the citizen has a valid chip ID card (level 2 due in 3 working days), 0 not
  (issued with the new card: 7 working days); NULL for organizations.
* ``dossiers.sent_on``: the day the dossier was sent on to the national system (status ``sent``, "Đã chuyển").
* ``progress_firsts_day`` also indexes ``subject``: the organizations' figures leave citizens out.
* ``intake_sessions.cancel_reason``: why a session was cancelled (audited like every edit).
* ``remote_dossiers``: the sync file's new person columns (docs/sync-format.md, 2.1).
"""

VERSION = 19

SCHEMA = [
    "ALTER TABLE dossiers ADD COLUMN person_id INTEGER REFERENCES persons(id)",
    "ALTER TABLE dossiers ADD COLUMN session_id INTEGER REFERENCES intake_sessions(id)",
    "ALTER TABLE dossiers ADD COLUMN id_card_valid INTEGER CHECK (id_card_valid IS NULL OR id_card_valid IN (0, 1))",
    "ALTER TABLE dossiers ADD COLUMN sent_on TEXT",
    "CREATE INDEX dossiers_person ON dossiers(person_id) WHERE person_id IS NOT NULL",
    "CREATE INDEX dossiers_session ON dossiers(session_id) WHERE session_id IS NOT NULL",
    "CREATE INDEX dossiers_subject ON dossiers(subject_type, status)",
    "ALTER TABLE intake_sessions ADD COLUMN cancel_reason TEXT",
    # Organizations' figures leave citizens' subjects ('p…') out: the day index carries the subject so the
    # filter is answered from the index (models/campaigns/progress.py ORG_SUBJECTS).
    "DROP INDEX progress_firsts_day",
    "CREATE INDEX progress_firsts_day ON progress_firsts(counts, d, grp, area_code, officer_id, subject)",
    "ALTER TABLE remote_dossiers ADD COLUMN person_id_number TEXT",
    "ALTER TABLE remote_dossiers ADD COLUMN person_name TEXT",
    "ALTER TABLE remote_dossiers ADD COLUMN person_birth_date TEXT",
    "ALTER TABLE remote_dossiers ADD COLUMN id_card_valid INTEGER",
    "ALTER TABLE remote_dossiers ADD COLUMN session_uuid TEXT",
    "ALTER TABLE remote_dossiers ADD COLUMN sent_on TEXT",
]


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
