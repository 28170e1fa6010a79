"""Citizens' level-2 dossiers for the demo (issue 15): logged at the mobile sessions already held and at
the desk, through the same model calls as an officer (``models.people.level2``), with the store's clock
and actor switched to the session's day and an intake officer, then sent on, issued and activated on
later days so every step of a citizen's dossier is on the screens.
"""

from __future__ import annotations

import datetime as dt
import random

from demo.dossiers import _actor
from models.core.store import Store
from models.people import level2


def build(store: Store, *, seed: int = 20241230, per_session: int = 12, at_desk: int = 30) -> dict:
    rng = random.Random(seed + 19)
    today = store.today()
    saved_clock, saved_actor = store.clock, store.actor
    officers = [_actor(store, u) for u in ("canbo1", "canbo2", "canbo3")]
    leader = _actor(store, "chihuy")
    counts = {"level2_dossiers": 0, "sent": 0, "issued": 0, "activated": 0, "refused": 0}
    try:
        sessions = store.query(
            "SELECT id, area_code, held_on, start_time FROM intake_sessions WHERE status = 'held' "
            "AND area_code IS NOT NULL AND held_on < ? ORDER BY held_on, id", (today.isoformat(),))
        visits = [(s["id"], s["area_code"], dt.date.fromisoformat(s["held_on"]), s["start_time"]) for s in sessions]
        desk_days = sorted(today - dt.timedelta(days=rng.randint(1, 40)) for _ in range(at_desk))
        visits += [(None, None, day, "08:00") for day in desk_days]
        visits.sort(key=lambda v: v[2])
        taken: set[str] = set()
        for session_id, area_code, day, start in visits:
            eligible_before = dt.date(day.year - 14, day.month, min(day.day, 28)).isoformat()
            where, params = "account_level < 2 AND id_number IS NOT NULL AND birth_date <= ?", [eligible_before]
            if area_code:
                where += " AND area_code = ?"
                params.append(area_code)
            pool = [r["id_number"] for r in store.query(
                f"SELECT id_number FROM persons WHERE {where} ORDER BY id LIMIT 400", params)
                if r["id_number"] not in taken]
            chosen = rng.sample(pool, min(len(pool), per_session if session_id else 1))
            hour, minute = (int(p) for p in start.split(":"))
            for n, id_number in enumerate(chosen):
                at = dt.datetime.combine(day, dt.time(hour, minute)) + dt.timedelta(minutes=4 * n)
                store.clock = lambda at=at: at
                store.actor = rng.choice(officers)
                dossier_id = level2.intake(store, id_number, id_card_valid=rng.random() > 0.15,
                                           session_id=session_id, received_at=at)
                taken.add(id_number)
                counts["level2_dossiers"] += 1
                _follow(store, dossier_id, day, today, rng, leader, counts)
    finally:
        store.clock, store.actor = saved_clock, saved_actor
    return counts


def _follow(store: Store, dossier_id: int, day: dt.date, today: dt.date, rng: random.Random, leader,
            counts: dict) -> None:
    """Sent the next day, issued two to five days later, activated by most citizens within the week."""
    age = (today - day).days
    if age < 1:
        return
    if rng.random() < 0.03:
        store.clock = lambda: dt.datetime.combine(day + dt.timedelta(days=1), dt.time(10, 0))
        store.actor = leader
        level2.refuse(store, dossier_id, "Ảnh chân dung không đạt, đề nghị công dân chụp lại tại buổi sau")
        counts["refused"] += 1
        return
    sent = day + dt.timedelta(days=1)
    store.clock = lambda: dt.datetime.combine(sent, dt.time(9, 30))
    level2.send(store, dossier_id)
    counts["sent"] += 1
    issued = sent + dt.timedelta(days=rng.randint(2, 5))
    if issued >= today:
        return
    store.clock = lambda: dt.datetime.combine(issued, dt.time(15, 0))
    level2.issue(store, dossier_id)
    counts["issued"] += 1
    activated = issued + dt.timedelta(days=rng.randint(0, 6))
    if activated >= today or rng.random() < 0.25:
        return
    store.clock = lambda: dt.datetime.combine(activated, dt.time(19, 0))
    level2.activate(store, dossier_id)
    counts["activated"] += 1
