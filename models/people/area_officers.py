"""Area police officers in charge of villages ("CSKV phụ trách thôn / tổ dân phố").

One table for the campaign and the worklists: ``officer_areas(officer_id, area_code, village)`` of the
citizens' campaign (migration m021; ``village`` '' = the whole commune), written only through
``models.campaigns.citizen_targets.assign_officer`` / ``unassign_officer`` (permission ``campaign.manage``,
audited ``campaign.officer_area`` / ``campaign.officer_area_remove``). This module adds what the worklists
and the «Phân công thôn, tổ» dialog need: who is in charge of what, and ``assign`` that *moves* a village to
one officer ("5 rõ": one named person answers for each village).
"""

from __future__ import annotations

from models.campaigns.citizen_targets import assign_officer, unassign_officer
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.people.worklists import natural_key
from models.text.normalize import clean

PERMISSION = "campaign.manage"


def officers(store: Store) -> list[dict]:
    """The officers who may be put in charge of villages (active, not the built-in 'system'), by name."""
    return store.query("SELECT id, username, full_name, role FROM officers WHERE active = 1 AND role <> 'system'"
                       " ORDER BY full_name, username")


def officer_by_username(store: Store, username: str) -> dict | None:
    return store.query_one("SELECT id, username, full_name, rank, title FROM officers WHERE username = ?",
                           (username,))


def villages_of(store: Store, officer_id: int) -> list[tuple[str, str]]:
    """(area code, village) pairs the officer is in charge of ('' = the whole commune), by commune and
    village."""
    rows = store.query("SELECT area_code, village FROM officer_areas WHERE officer_id = ?", (int(officer_id),))
    return sorted(((r["area_code"], r["village"]) for r in rows), key=lambda p: (p[0], natural_key(p[1])))


def assignments(store: Store, area_code: str | None = None) -> list[dict]:
    """Every assignment (or one commune's): area code and name, village, officer id, username and name."""
    where, params = ("WHERE v.area_code = ?", (area_code,)) if area_code else ("", ())
    return store.query(
        "SELECT v.area_code, COALESCE(a.name, v.area_code) AS area_name, v.village, v.officer_id,"
        " o.username, o.full_name FROM officer_areas v JOIN officers o ON o.id = v.officer_id"
        f" LEFT JOIN areas a ON a.code = v.area_code {where} ORDER BY v.area_code, v.village, o.full_name", params)


def villages_in_area(store: Store, area_code: str) -> list[str]:
    """The villages residents of the commune live in (as the lists wrote them) and any already assigned."""
    rows = store.query(
        "SELECT DISTINCT village FROM persons WHERE area_code = ? AND village IS NOT NULL AND village <> ''"
        " UNION SELECT village FROM officer_areas WHERE area_code = ? AND village <> ''", (area_code, area_code))
    return sorted((r["village"] for r in rows), key=natural_key)


def assign(store: Store, officer_id: int, area_code: str, village: str) -> bool:
    """Put the officer in charge of the village, taking it from any other officer; False if it was his
    alone already."""
    require(store, PERMISSION)
    village = clean(village)
    if not village:
        raise UserError("Chưa nhập tên thôn, khu phố, tổ dân phố")
    officer = store.query_one("SELECT id, role, active FROM officers WHERE id = ?", (int(officer_id),))
    if officer is None or officer["role"] == "system" or not officer["active"]:
        raise UserError(f"Không có cán bộ số {officer_id} (hoặc tài khoản đã bị khoá)")
    with store.atomic():
        holders = [r["officer_id"] for r in store.query(
            "SELECT officer_id FROM officer_areas WHERE area_code = ? AND village = ?", (area_code, village))]
        if holders == [officer["id"]]:
            return False
        for other in holders:
            if other != officer["id"]:
                unassign_officer(store, other, area_code, village)
        if officer["id"] not in holders:
            assign_officer(store, officer["id"], area_code, village)
    return True


def unassign(store: Store, officer_id: int, area_code: str, village: str) -> bool:
    """The officer is no longer in charge of the village; False if he was not."""
    require(store, PERMISSION)
    if not store.scalar("SELECT 1 FROM officer_areas WHERE officer_id = ? AND area_code = ? AND village = ?",
                        (int(officer_id), area_code, village)):
        return False
    unassign_officer(store, int(officer_id), area_code, village)
    return True
