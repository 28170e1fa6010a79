"""Personal ID numbers masked in the audit log already written (issue 14, personal data).

Since this version ``Store.audit`` stores every personal ID number masked (``091******123``); lines written
before it (``dossier.create`` held the declared number in full, ``organization.*`` the old and new number of
a changed ``rep_id_number``) are rewritten here the same way (``models.text.identifiers.mask_personal_ids``).
The append-only triggers are dropped for the rewrite and recreated from their own stored SQL in this same
transaction, so the log is never writable outside it. ``secure_delete`` makes SQLite overwrite the old page
content with zeros instead of leaving it in free pages. Runs before the hash chain (a later migration)
is built over the log.
"""

from models.text.identifiers import PERSONAL_ID_KEYS, mask_personal_ids

VERSION = 11

_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")


def _masked_row(row) -> tuple | None:
    """(old, new, detail) masked, or None when the line holds no personal ID number."""
    field = row["field"]
    out = (mask_personal_ids(row["old_value"], field), mask_personal_ids(row["new_value"], field),
           mask_personal_ids(row["detail"]))
    return out if out != (row["old_value"], row["new_value"], row["detail"]) else None


def up(store) -> None:
    keys = sorted(PERSONAL_ID_KEYS)
    params: list = []
    for key in keys:
        params += [f"%{key}%"] * 3
    where = " OR ".join([f"field IN ({', '.join('?' * len(keys))})",
                         *["old_value LIKE ? OR new_value LIKE ? OR detail LIKE ?"] * len(keys)])
    rows = store.query(f"SELECT id, field, old_value, new_value, detail FROM audit_log WHERE {where}",
                       (*keys, *params))
    updates = [(*masked, row["id"]) for row in rows if (masked := _masked_row(row)) is not None]
    if not updates:
        return
    triggers = {r["name"]: r["sql"] for r in store.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")}
    store.conn.execute("PRAGMA secure_delete = ON")
    for name in _TRIGGERS:
        if name in triggers:
            store.execute(f'DROP TRIGGER "{name}"')
    store.conn.executemany("UPDATE audit_log SET old_value = ?, new_value = ?, detail = ? WHERE id = ?", updates)
    for name in _TRIGGERS:
        if name in triggers:
            store.execute(triggers[name])
