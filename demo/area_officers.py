"""The demo's area officers (issue 16): each intake officer is in charge of every village of one of the
unit's communes (the first three communes with residents), so «Danh sách vận động» opens on his own
door-to-door list when he signs in (docs/people.md, "Named worklists")."""

from __future__ import annotations

from models.core.store import Store

OFFICERS = ("canbo1", "canbo2", "canbo3")


def build(store: Store) -> dict:
    areas = [r["area_code"] for r in store.query(
        "SELECT DISTINCT area_code FROM persons WHERE area_code IS NOT NULL ORDER BY area_code LIMIT ?",
        (len(OFFICERS),))]
    now = store.now_iso()
    count = 0
    with store.atomic():
        for username, area in zip(OFFICERS, areas, strict=False):
            officer = store.scalar("SELECT id FROM officers WHERE username = ?", (username,))
            if officer is None:
                continue
            count += store.execute(
                "INSERT OR IGNORE INTO area_officer_villages(officer_id, area_code, village, assigned_at)"
                " SELECT DISTINCT ?, area_code, village, ? FROM persons WHERE area_code = ? AND village IS NOT NULL"
                " AND village <> ''", (officer, now, area)).rowcount
    return {"area_officer_villages": count}
