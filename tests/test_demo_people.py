"""Demo citizens' campaign: residents over villages, agencies with staff, enterprises' schedules, mobile
sessions, activations spread over weeks; deterministic and searchable."""

from __future__ import annotations

import datetime as dt

import pytest

from demo import DEMO_TODAY, SEED
from demo import officers as demo_officers
from demo import people as demo_people
from demo import registry as demo_registry
from models.core.store import Store
from models.people import search as people_search
from models.people.persons import eligible_born_on_or_before


def _build(path, count=3000):
    store = Store(path, clock=lambda: DEMO_TODAY, uuid_factory=_seeded_uuids())
    demo_officers.build(store, seed=SEED)
    demo_registry.build(store, organizations=300, seed=SEED)
    summary = demo_people.build(store, count=count, seed=SEED)
    return store, summary


def _seeded_uuids():
    import random
    import uuid

    rng = random.Random(7)
    return lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store, summary = _build(tmp_path_factory.mktemp("people") / "demo.sqlite")
    yield store, summary
    store.close()


def test_counts_and_villages(demo):
    store, summary = demo
    assert summary["persons"] == 3000 == store.scalar("SELECT count(*) FROM persons")
    assert (summary["agencies"], summary["enterprise_schedules"], summary["intake_sessions"]) == (40, 30, 25)
    per_area = store.query("SELECT area_code, count(DISTINCT village) AS villages FROM persons GROUP BY area_code")
    assert len(per_area) == 16 and all(5 <= r["villages"] <= 9 for r in per_area)
    villages = {r[0] for r in store.execute("SELECT DISTINCT village FROM persons")}
    assert any(v.startswith("Khu phố ") for v in villages) and any(v.startswith("Ấp ") for v in villages)
    names = [r[0] for r in store.execute("SELECT full_name FROM persons LIMIT 500")]
    assert len(set(names)) > 400 and all(len(n.split()) >= 3 for n in names)  # surname, middle, given
    assert sum(n.startswith("Nguyễn ") for n in names) > 50


def test_eligibility_activations_and_staff(demo):
    store, _ = demo
    limit = eligible_born_on_or_before(DEMO_TODAY.date())
    young = store.scalar("SELECT count(*) FROM persons WHERE birth_date > ?", (limit,))
    assert 300 < young < 900  # about one in six under 14
    assert store.scalar("SELECT count(*) FROM persons WHERE birth_date > ? AND account_level > 0", (limit,)) == 0
    weeks = {r[0] for r in store.execute(
        "SELECT (julianday(coalesce(level2_issued_on, level1_on)) - julianday('2025-01-02')) / 7 AS w FROM persons "
        "WHERE account_level > 0 AND coalesce(level2_issued_on, level1_on) >= '2025-01-02'")}
    assert len({int(w) for w in weeks}) >= 8  # activations spread over the campaign's weeks
    before = store.scalar("SELECT count(*) FROM persons WHERE coalesce(level2_issued_on, level1_on) < '2025-01-02'")
    assert 0.1 < before / 3000 < 0.25
    assert store.scalar("SELECT count(*) FROM people_imports WHERE kind = 'activations'") >= 8
    staff = store.query("SELECT agency_id, count(*) AS n FROM agency_staff GROUP BY agency_id")
    assert len(staff) == 40 and all(8 <= r["n"] <= 60 for r in staff)
    assert store.scalar("SELECT count(*) FROM persons WHERE sources = 'residents staff'") == \
        store.scalar("SELECT count(DISTINCT person_id) FROM agency_staff")


def test_schedules_and_sessions(demo):
    store, _ = demo
    assert store.scalar("SELECT count(*) FROM enterprise_schedules s JOIN organizations o ON o.id = s.org_id "
                        "WHERE o.grp = 1") == 30
    sessions = store.query("SELECT * FROM intake_sessions ORDER BY held_on")
    days = [dt.date.fromisoformat(s["held_on"]) for s in sessions]
    assert any(d.weekday() >= 5 for d in days)  # weekends included
    assert {s["status"] for s in sessions} == {"held", "planned"}
    assert all((s["status"] == "held") == (s["held_on"] < DEMO_TODAY.date().isoformat()) for s in sessions)
    assert any(s["agency_id"] for s in sessions) and any(s["org_id"] for s in sessions)


def test_searchable_and_deterministic(demo, tmp_path):
    store, _ = demo
    person = store.query_one("SELECT full_name, id_number FROM persons WHERE id_number IS NOT NULL ORDER BY id "
                             "LIMIT 1 OFFSET 100")
    hits = people_search.search_ids(store, person["id_number"][-7:])
    assert people_search.rows_for(store, list(hits.ids))[0]["id_number"] == person["id_number"]
    other, _ = _build(tmp_path / "again.sqlite", 3000)
    try:
        columns = "uuid, id_number, full_name, birth_date, village, account_level, activated_on"
        assert other.query(f"SELECT {columns} FROM persons ORDER BY id") == \
            store.query(f"SELECT {columns} FROM persons ORDER BY id")
    finally:
        other.close()


def test_level2_dossiers_at_sessions_and_desk_in_every_citizen_state(demo):
    from demo import person_dossiers

    store, _ = demo
    counts = person_dossiers.build(store, seed=SEED, per_session=6, at_desk=8)
    assert counts["level2_dossiers"] > 40
    states = {r["status"]: r["n"] for r in store.query(
        "SELECT status, count(*) n FROM dossiers WHERE subject_type = 'person' GROUP BY status")}
    assert {"sent", "issued", "activated", "refused"} <= set(states), states
    # every dossier logged at a session is in that session's commune; the person follows the dossier
    assert store.scalar("SELECT count(*) FROM dossiers d JOIN intake_sessions s ON s.id = d.session_id "
                        "JOIN persons p ON p.id = d.person_id WHERE p.area_code IS NOT s.area_code") == 0
    assert store.scalar("SELECT count(*) FROM dossiers d JOIN persons p ON p.id = d.person_id "
                        "WHERE d.status IN ('issued', 'activated') AND p.account_level < 2") == 0
    assert store.scalar("SELECT count(*) FROM dossiers WHERE subject_type = 'person' AND received_on > ?",
                        (DEMO_TODAY.date().isoformat(),)) == 0
