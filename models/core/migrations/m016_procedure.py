"""The procedure's steps (issue 13, item 2): account identifier, papers asked for, leader's approval, undo.

* ``dossiers.account_id``: the identifier of the organization's e-ID account given when it is issued.
* ``dossiers.missing_papers``: JSON list of the papers the last "Yêu cầu bổ sung giấy tờ" asked for
  (chosen from the TK02 papers list); the request-for-papers slip prints them.
* ``dossier_events.detail`` (JSON: papers asked for, account identifier and date, the proposal approved,
  the columns as they were before the move) and ``dossier_events.undo_of`` (the event an undo reversed):
  the history stays append-only, an undo is one more event.
* ``dossier_proposals``: an intake officer's proposal to issue or refuse, waiting for the leader (one
  open proposal per dossier); decided ``approved`` / ``rejected``, or ``lapsed`` when the dossier moved
  on another way first.
"""

VERSION = 16

SCHEMA = [
    "ALTER TABLE dossiers ADD COLUMN account_id TEXT",
    "ALTER TABLE dossiers ADD COLUMN missing_papers TEXT",
    "ALTER TABLE dossier_events ADD COLUMN detail TEXT",
    "ALTER TABLE dossier_events ADD COLUMN undo_of INTEGER REFERENCES dossier_events(id)",
    """CREATE TABLE dossier_proposals (
        id INTEGER PRIMARY KEY,
        dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
        from_status TEXT NOT NULL,
        to_status TEXT NOT NULL CHECK (to_status IN ('issued', 'refused')),
        reason TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        proposed_by INTEGER NOT NULL REFERENCES officers(id),
        proposed_at TEXT NOT NULL,
        decision TEXT CHECK (decision IN ('approved', 'rejected', 'lapsed')),
        decided_by INTEGER REFERENCES officers(id),
        decided_at TEXT,
        decision_note TEXT,
        event_id INTEGER REFERENCES dossier_events(id)
    )""",
    "CREATE UNIQUE INDEX dossier_proposals_open ON dossier_proposals(dossier_id) WHERE decision IS NULL",
    "CREATE INDEX dossier_proposals_dossier ON dossier_proposals(dossier_id, id)",
    "CREATE INDEX dossiers_account_id ON dossiers(account_id) WHERE account_id IS NOT NULL",
    # A decided proposal is part of the dossier's record: it is never deleted.
    """CREATE TRIGGER dossier_proposals_no_delete BEFORE DELETE ON dossier_proposals
       BEGIN SELECT RAISE(ABORT, 'Đề xuất đã ghi không được xoá'); END""",
]


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
