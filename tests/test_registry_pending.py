"""The "Chưa đăng ký" worklist (issue 13): one definition for the registry, the dashboard and the CLI."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from demo import build_demo
from models.core.store import Store
from models.registry import pending
from models.registry import search as registry_search


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("pending") / "demo.sqlite"
    build_demo(path, organizations=800, dossiers=600, reports=False)
    return path


@pytest.fixture
def store(demo_db):
    s = Store(demo_db)
    yield s
    s.close()


def _issued_org_ids(store) -> set[int]:
    """Independent of the model: organizations with a dossier (not cancelled) that has an issued account."""
    return {r[0] for r in store.execute(
        "SELECT DISTINCT org_id FROM dossiers WHERE org_id IS NOT NULL AND issued_on IS NOT NULL"
        " AND status <> 'cancelled'")}


def _busiest_area(store) -> str:
    return store.scalar(
        "SELECT o.area_code FROM dossiers d JOIN organizations o ON o.id = d.org_id WHERE d.issued_on IS NOT NULL"
        " GROUP BY o.area_code ORDER BY COUNT(*) DESC LIMIT 1")


def test_remaining_of_a_demo_commune_is_registry_minus_issued(store):
    area = _busiest_area(store)
    in_area = {r[0] for r in store.execute(
        "SELECT id FROM organizations WHERE area_code = ? AND merged_into IS NULL AND status <> 'dissolved'", (area,))}
    issued = _issued_org_ids(store)
    assert in_area & issued, "the demo commune must have issued accounts for the test to mean something"
    rows = pending.pending_rows(store, pending.PendingQuery(area_code=area))
    assert {r["id"] for r in rows} == in_area - issued
    assert len(rows) == len(in_area - issued)  # no duplicates
    # sorted for a visit: by address inside the commune
    keys = [(r["address"] or "").casefold() for r in rows]
    assert len(rows) > 3 and keys != sorted(keys, reverse=True)
    states = Counter(r["state"] for r in rows)
    assert set(states) <= {"none", "open"} and states["none"] > 0


def test_counts_per_area_equal_registry_counts_minus_issued(store):
    counts = pending.pending_counts(store)
    issued_per_area = Counter(r[0] or "" for r in store.execute(
        "SELECT o.area_code FROM organizations o WHERE o.merged_into IS NULL AND o.status <> 'dissolved'"
        " AND o.id IN (SELECT org_id FROM dossiers WHERE issued_on IS NOT NULL AND status <> 'cancelled')"))
    registry = Counter()
    for area, n in store.execute("SELECT area_code, SUM(n) FROM registry_counts GROUP BY area_code"):
        registry[area] += n
    assert {a: n for a, n in counts.items() if n} == {a: registry[a] - issued_per_area[a]
                                                     for a in registry if registry[a] - issued_per_area[a]}


def test_group_and_phase_filters(store):
    all_rows = pending.pending_rows(store)
    g4 = pending.pending_rows(store, pending.PendingQuery(groups=(4,)))
    assert g4 and all(r["grp"] == 4 for r in g4)
    assert {r["id"] for r in g4} == {r["id"] for r in all_rows if r["grp"] == 4}
    phase = store.query_one("SELECT p.id, t.groups FROM campaign_phases p JOIN campaign_targets t ON t.phase_id = p.id"
                            " WHERE t.groups NOT LIKE '%4%' LIMIT 1")
    if phase:
        rows = pending.pending_rows(store, pending.PendingQuery(phase_id=phase["id"]))
        allowed = set(pending.phase_groups(store, phase["id"]))
        assert rows and {r["grp"] for r in rows} <= allowed and len(allowed) < 4


def test_states_agree_with_the_registry_filter(store):
    ids = [r[0] for r in store.execute("SELECT id FROM organizations WHERE merged_into IS NULL")]
    dissolved = {r[0] for r in store.execute("SELECT id FROM organizations WHERE status = 'dissolved'")}
    assert dissolved, "the demo has dissolved organizations: the pending filter leaves them out"
    states = pending.org_states(store, ids)
    for state in pending.STATES:
        found = set(registry_search.search_ids(store, "", registry_search.Filters(state=state)).ids)
        assert found == {i for i, s in states.items() if s == state}, state
    assert all(Counter(states.values())[s] for s in pending.STATES)
    assert states.keys() - dissolved - {i for i, s in states.items() if s in ("issued", "activated")} == \
        set(registry_search.search_ids(store, "", registry_search.Filters(state=pending.PENDING)).ids)


def test_pending_cli(run_cli, demo_db, store):
    area = _busiest_area(store)
    result = run_cli("pending", "--db", demo_db, "--area", area, "--group", "1")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    expected = pending.pending_rows(store, pending.PendingQuery(area_code=area, groups=(1,)))
    assert [row["id"] for row in lines] == [r["id"] for r in expected] and lines
    assert all(row["group"] == 1 and row["area_code"] == area and row["state"] in ("none", "open") for row in lines)
    bad = run_cli("pending", "--db", demo_db, "--area", "khong-co")
    assert bad.returncode == 2 and "khong-co" in bad.stderr and "Traceback" not in bad.stderr


def test_state_filter_in_a_text_search_agrees_with_browsing(store):
    for state in (*pending.STATES, pending.PENDING):
        browse = set(registry_search.search_ids(store, "", registry_search.Filters(state=state)).ids)
        for text in ("cong ty", "phuong"):
            found = set(registry_search.search_ids(store, text, registry_search.Filters(state=state)).ids)
            every = set(registry_search.search_ids(store, text).ids)
            assert found == every & browse, (state, text)
    assert set(registry_search.search_ids(store, "cong ty", registry_search.Filters(state="issued")).ids)


def test_remaining_equals_a_whole_registry_targets_remaining(demo_db, tmp_path):
    """Where the two are comparable — a target of 100 % of the registry, allocated by the registry — each
    commune's «còn lại» on the dashboard is its number of organizations on the worklist."""
    import shutil

    from demo import DEMO_TODAY
    from models.campaigns.plans import current_campaign_id, list_phases
    from models.campaigns.progress import compute_progress
    from models.campaigns.targets import allocate_proportionally, create_target

    path = tmp_path / "copy.sqlite"
    shutil.copy(demo_db, path)
    s = Store(path)
    try:
        campaign = current_campaign_id(s)
        today = DEMO_TODAY.date().isoformat()
        phase = next(p for p in list_phases(s, campaign) if p["kind"] == "phase" and p["start_on"] <= today <= p["end_on"])
        target_id = create_target(s, phase["id"], {"label": "Toàn bộ doanh nghiệp", "groups": "1", "kind": "percent",
                                                   "value": 100, "baseline_source": "registry", "cumulative": 1})
        allocate_proportionally(s, target_id)
        progress = compute_progress(s, campaign, as_of=DEMO_TODAY.date())
        target = next(t for p in progress.phases for t in p.targets if t.target_id == target_id)
        counts = pending.pending_counts(s, (1,))
        assert target.figures.achieved > 0 and target.figures.remaining == sum(counts.values())
        assert {r.key: r.figures.remaining for r in target.areas} == {r.key: counts.get(r.key, 0) for r in target.areas}
        area = max(target.areas, key=lambda r: r.figures.remaining).key
        assert len(pending.pending_rows(s, pending.PendingQuery(area_code=area, groups=(1,)))) == counts[area]
    finally:
        s.close()
