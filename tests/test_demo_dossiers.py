"""Demo dossiers: deterministic, every state, events/findings/requests, dates within ten weeks."""

from __future__ import annotations

import datetime as dt

import pytest

from demo import DEMO_TODAY, SEED
from demo import dossiers as demo_dossiers
from demo import officers as demo_officers
from demo import registry as demo_registry
from models.core.store import Store
from models.dossiers import worklists
from models.dossiers.states import PERSON_ONLY_STATUSES, STATUSES


def _build(path, count):
    store = Store(path, clock=lambda: DEMO_TODAY)
    demo_officers.build(store, seed=SEED)
    demo_registry.build(store, organizations=400, seed=SEED)
    summary = demo_dossiers.build(store, count=count, seed=SEED)
    return store, summary


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store, summary = _build(tmp_path_factory.mktemp("demo") / "a.sqlite", 600)
    yield store, summary
    store.close()


def test_every_state_and_counts(demo):
    store, summary = demo
    assert summary["dossiers"] == 600
    assert set(summary["dossier_states"]) == set(STATUSES)
    # every organization's state is shown; «Đã chuyển» is a citizen's level-2 step (the demo logs none yet)
    organization_states = {k: n for k, n in summary["dossier_states"].items() if k not in PERSON_ONLY_STATUSES}
    assert organization_states and all(n > 0 for n in organization_states.values()), summary["dossier_states"]
    assert store.scalar("SELECT count(*) FROM dossiers") == 600


def test_dates_within_ten_weeks_and_officers(demo):
    store, _ = demo
    first, last = store.query_one("SELECT min(received_at) a, max(received_at) b FROM dossiers").values()
    assert first >= (DEMO_TODAY.date() - dt.timedelta(weeks=10)).isoformat()
    assert last <= DEMO_TODAY.isoformat(sep=" ")
    assert store.scalar("SELECT max(at) FROM dossier_events") <= DEMO_TODAY.isoformat(sep=" ")
    officers = {r["username"] for r in store.query(
        "SELECT DISTINCT o.username FROM dossiers d JOIN officers o ON o.id = d.officer_id")}
    assert officers == {"canbo1", "canbo2", "canbo3"}
    refusers = {r["username"] for r in store.query(
        "SELECT DISTINCT o.username FROM dossier_events e JOIN officers o ON o.id = e.officer_id "
        "WHERE e.to_status IN ('refused', 'cancelled')")}
    assert refusers == {"chihuy"}


def test_worklists_have_content(demo):
    store, _ = demo
    counts = worklists.counts(store)
    assert counts["overdue"] > 0 and counts["waiting_locality"] > 0 and counts["today"] > 0
    assert counts["overdue"] < counts["all"] * 0.2
    assert store.scalar("SELECT count(*) FROM verification_requests") > 0
    assert store.scalar("SELECT count(*) FROM verification_findings") >= 600
    assert store.scalar("SELECT count(*) FROM manual_checks") > 0
    online = store.query("SELECT channel, online_ref FROM dossiers WHERE online_ref IS NOT NULL")
    assert online and {r["channel"] for r in online} == {"Ứng dụng VNeID", "Cổng vneid.gov.vn"}
    issued = store.query("SELECT issued_on, received_on FROM dossiers WHERE issued_on IS NOT NULL")
    assert all(r["issued_on"] >= r["received_on"] for r in issued)


def test_deterministic(tmp_path):
    def snapshot(path):
        store, _ = _build(path, 80)
        rows = store.query("SELECT number, org_id, channel, received_at, status, due_date, officer_id FROM dossiers "
                           "ORDER BY id")
        store.close()
        return rows

    assert snapshot(tmp_path / "x.sqlite") == snapshot(tmp_path / "y.sqlite")


def test_registry_lists_were_loaded_before_any_dossier(demo):
    """A dossier's timeline must not show its organization created in the registry after the intake."""
    store, _summary = demo
    later = store.scalar("SELECT count(*) FROM dossiers d JOIN organizations o ON o.id = d.org_id "
                         "WHERE o.first_seen > d.received_at")
    assert later == 0
    first_import = store.scalar("SELECT min(at) FROM audit_log WHERE action = 'organization.create'")
    assert first_import < store.scalar("SELECT min(received_at) FROM dossiers")


def test_foreign_and_short_names_translate_the_vietnamese_name(demo):
    from models.text.normalize import strip_marks

    store, _summary = demo
    rows = store.query("SELECT name, short_name, foreign_name FROM organizations WHERE foreign_name IS NOT NULL")
    assert len(rows) >= 5
    for row in rows:
        brand = strip_marks(next(b for b in demo_registry.BRANDS if row["name"].endswith(b)))
        assert row["foreign_name"].startswith(brand), row
        legal = "JSC" if row["foreign_name"].endswith("Joint Stock Company") else "CO., LTD"
        assert row["short_name"].endswith(legal) and row["short_name"][0] == brand[0], row


def test_no_organization_gets_two_accounts(demo):
    store, _summary = demo
    twice = store.scalar("SELECT count(*) FROM (SELECT org_id FROM dossiers WHERE status IN ('issued', 'activated') "
                         "AND org_id IS NOT NULL GROUP BY org_id HAVING count(*) > 1)")
    assert twice == 0
