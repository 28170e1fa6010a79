"""Area police officers in charge of villages ("CSKV phụ trách thôn / tổ dân phố", migration m022).

An officer of the ``officers`` table is put in charge of villages of the unit's communes; a village has at
most one officer (assigning it again moves it). The door-to-door worklist of an officer
(``models.people.worklists``) and the citizens' campaign per officer read ``area_officer_villages``.
Assigning and removing need ``unit.manage`` and are written to the log.
"""

from __future__ import annotations

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.people.worklists import natural_key
from models.text.normalize import clean


def officers(store: Store) -> list[dict]:
    """The officers who may be put in charge of villages (active, not the built-in 'system'), by name."""
    return store.query("SELECT id, username, full_name, role FROM officers WHERE active = 1 AND role <> 'system'"
                       " ORDER BY full_name, username")


def officer_by_username(store: Store, username: str) -> dict | None:
    return store.query_one("SELECT id, username, full_name, rank, title FROM officers WHERE username = ?",
                           (username,))


def villages_of(store: Store, officer_id: int) -> list[tuple[str, str]]:
    """(area code, village) pairs the officer is in charge of, by commune and village."""
    return [(r["area_code"], r["village"]) for r in store.query(
        "SELECT area_code, village FROM area_officer_villages WHERE officer_id = ? ORDER BY area_code, village",
        (int(officer_id),))]


def assignments(store: Store, area_code: str | None = None) -> list[dict]:
    """Every assignment (or one commune's): area code and name, village, officer id, username and name."""
    where, params = ("WHERE v.area_code = ?", (area_code,)) if area_code else ("", ())
    return store.query(
        "SELECT v.area_code, COALESCE(a.name, v.area_code) AS area_name, v.village, v.officer_id,"
        " o.username, o.full_name FROM area_officer_villages v JOIN officers o ON o.id = v.officer_id"
        f" LEFT JOIN areas a ON a.code = v.area_code {where} ORDER BY v.area_code, v.village", params)


def villages_in_area(store: Store, area_code: str) -> list[str]:
    """The villages residents of the commune live in (as the lists wrote them) and any already assigned."""
    rows = store.query(
        "SELECT DISTINCT village FROM persons WHERE area_code = ? AND village IS NOT NULL AND village <> ''"
        " UNION SELECT village FROM area_officer_villages WHERE area_code = ?", (area_code, area_code))
    return sorted((r["village"] for r in rows), key=natural_key)


def assign(store: Store, officer_id: int, area_code: str, village: str) -> bool:
    """Put the officer in charge of the village (moving it from another officer); False if already his."""
    require(store, "unit.manage")
    village = clean(village)
    if not village:
        raise UserError("Chưa nhập tên thôn, khu phố, tổ dân phố")
    officer = store.query_one("SELECT id, full_name, role, active FROM officers WHERE id = ?", (int(officer_id),))
    if officer is None or officer["role"] == "system" or not officer["active"]:
        raise UserError(f"Không có cán bộ số {officer_id} (hoặc tài khoản đã bị khoá)")
    area = store.query_one("SELECT code, name FROM areas WHERE code = ?", (area_code,))
    if area is None:
        raise UserError(f"Không có xã, phường mã «{area_code}»")
    with store.atomic():
        current = store.query_one("SELECT id, officer_id FROM area_officer_villages WHERE area_code = ? AND village = ?",
                                  (area_code, village))
        if current and current["officer_id"] == officer["id"]:
            return False
        if current:
            store.execute("UPDATE area_officer_villages SET officer_id = ?, assigned_at = ?, assigned_by = ? WHERE id = ?",
                          (officer["id"], store.now_iso(), store.actor.id, current["id"]))
            row_id, kind = current["id"], Kind.UPDATE
        else:
            row_id = store.execute(
                "INSERT INTO area_officer_villages(officer_id, area_code, village, assigned_at, assigned_by)"
                " VALUES (?,?,?,?,?)", (officer["id"], area_code, village, store.now_iso(), store.actor.id)).lastrowid
            kind = Kind.INSERT
        store.audit("area_officer.assign", "officer", officer["id"], field="village",
                    old=current["officer_id"] if current else None, new=f"{area['name']} — {village}",
                    detail={"area_code": area_code, "village": village})
        store.notify(Table.AREA_OFFICER_VILLAGES, kind, (row_id,))
    return True


def unassign(store: Store, area_code: str, village: str) -> bool:
    """Nobody in charge of the village any more; False if nobody was."""
    require(store, "unit.manage")
    with store.atomic():
        current = store.query_one("SELECT id, officer_id FROM area_officer_villages WHERE area_code = ? AND village = ?",
                                  (area_code, village))
        if current is None:
            return False
        store.execute("DELETE FROM area_officer_villages WHERE id = ?", (current["id"],))
        store.audit("area_officer.unassign", "officer", current["officer_id"], field="village", old=village,
                    detail={"area_code": area_code, "village": village})
        store.notify(Table.AREA_OFFICER_VILLAGES, Kind.DELETE, (current["id"],))
    return True
