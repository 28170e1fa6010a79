"""Possible duplicates (``duplicate_flags``) and how an officer resolves them.

A flag pairs two organizations (typically group 4, same normalised name in the same area, no tax
code). The officer either merges them — one is kept, the other gets ``merged_into`` pointing at it and
disappears from lists; the kept one takes the other's values only where its own are blank — or keeps
both. Nothing is ever deleted and every step is audited.
"""

from __future__ import annotations

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.registry import organizations

FLAG_STATUSES = {"open": "Chưa xử lý", "merged": "Đã gộp", "kept": "Giữ cả hai"}


def flag(store: Store, org_id: int, other_org_id: int, reason: str) -> int | None:
    """Record a possible duplicate (smaller id first); returns the flag id, None if already flagged."""
    a, b = sorted((int(org_id), int(other_org_id)))
    if a == b:
        raise UserError("Không thể đánh dấu một tổ chức trùng với chính nó")
    with store.atomic():
        cur = store.execute(
            "INSERT OR IGNORE INTO duplicate_flags(org_id, other_org_id, reason) VALUES (?,?,?)", (a, b, reason))
        if not cur.rowcount:
            return None
        flag_id = cur.lastrowid
        store.audit("duplicate.flag", "organization", a, detail={"other": b, "reason": reason})
        store.notify(Table.DUPLICATE_FLAGS, Kind.INSERT, (flag_id,))
    return flag_id


def open_flags(store: Store, org_id: int | None = None) -> list[dict]:
    """Open flags with both names, oldest first (optionally only those involving ``org_id``)."""
    where = "f.status = 'open'"
    params: tuple = ()
    if org_id is not None:
        where += " AND (f.org_id = ? OR f.other_org_id = ?)"
        params = (org_id, org_id)
    return store.query(
        "SELECT f.id, f.org_id, f.other_org_id, f.reason, f.status, a.name AS org_name, b.name AS other_name, "
        "a.address AS org_address, b.address AS other_address, a.area_code "
        "FROM duplicate_flags f JOIN organizations a ON a.id = f.org_id JOIN organizations b ON b.id = f.other_org_id "
        f"WHERE {where} ORDER BY f.id", params)


def count_open(store: Store) -> int:
    return store.scalar("SELECT count(*) FROM duplicate_flags WHERE status = 'open'") or 0


def _open_flag(store: Store, flag_id: int) -> dict:
    row = store.query_one("SELECT * FROM duplicate_flags WHERE id = ?", (flag_id,))
    if row is None:
        raise UserError(f"Không tìm thấy cặp nghi trùng số {flag_id}")
    if row["status"] != "open":
        raise UserError(f"Cặp nghi trùng số {flag_id} đã được xử lý ({FLAG_STATUSES.get(row['status'])})")
    return row


def merge(store: Store, flag_id: int, keep_id: int) -> dict:
    """Keep ``keep_id``; the other organization of the flag is marked merged into it."""
    require(store, "registry.resolve_duplicates")
    with store.atomic():
        row = _open_flag(store, flag_id)
        if keep_id not in (row["org_id"], row["other_org_id"]):
            raise UserError("Tổ chức được giữ lại phải là một trong hai tổ chức của cặp nghi trùng")
        drop_id = row["other_org_id"] if keep_id == row["org_id"] else row["org_id"]
        keep = organizations.load(store, keep_id)
        drop = organizations.load(store, drop_id)
        if keep["merged_into"] or drop["merged_into"]:
            raise UserError("Một trong hai tổ chức đã được gộp vào tổ chức khác trước đó")
        filled = {k: drop[k] for k in organizations.ORG_FIELDS
                  if k != "grp" and drop[k] not in (None, "") and keep[k] in (None, "")}
        if "tax_code" in filled:
            filled.pop("tax_code")  # a tax code moves only by an explicit edit (it is unique)
        changed = organizations.update(store, keep_id, filled, allow_blank=False, action="organization.merge_fill")
        store.execute("UPDATE organizations SET merged_into = ?, version = version + 1, updated_at = ? WHERE id = ?",
                      (keep_id, store.now_iso(), drop_id))
        store.audit("organization.merge", "organization", drop_id, field="merged_into", old=None, new=keep_id)
        store.audit("organization.merge_keep", "organization", keep_id, detail={"merged": drop_id, "filled": changed})
        store.execute("INSERT OR IGNORE INTO org_sources(org_id, source, import_id, file_name, row_number, first_seen,"
                      " last_seen) SELECT ?, source, import_id, file_name, row_number, first_seen, last_seen "
                      "FROM org_sources WHERE org_id = ?", (keep_id, drop_id))
        _resolve(store, flag_id, "merged")
        store.notify(Table.ORGANIZATIONS, Kind.UPDATE, (keep_id, drop_id))
    return {"kept": keep_id, "merged": drop_id, "filled": changed}


def keep_both(store: Store, flag_id: int) -> None:
    """The two organizations are different: close the flag, keep both."""
    require(store, "registry.resolve_duplicates")
    with store.atomic():
        row = _open_flag(store, flag_id)
        _resolve(store, flag_id, "kept")
        store.audit("duplicate.keep_both", "organization", row["org_id"], detail={"other": row["other_org_id"]})


def _resolve(store: Store, flag_id: int, status: str) -> None:
    store.execute("UPDATE duplicate_flags SET status = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
                  (status, store.actor.id, store.now_iso(), flag_id))
    store.notify(Table.DUPLICATE_FLAGS, Kind.UPDATE, (flag_id,))
