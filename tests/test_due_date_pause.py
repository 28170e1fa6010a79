"""Due dates of real dossiers (issue 12): the appointment slip of a dossier received 08/01/2026 says 12/01; the
time limit stops while the unit waits for the applicant's papers and starts again, in full, from the day
complete papers arrive (Decree 69/2024: from a complete, valid dossier); a paused dossier is never overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from models.dossiers import receipt, verification, worklists
from models.dossiers import records as dossiers
from models.dossiers import status as ds
from tests.factories.dossiers import add_officers, declared_from, make_org, setup_unit

D = dt.date.fromisoformat


@pytest.fixture
def env(fresh_store):
    setup_unit(fresh_store)
    actors = add_officers(fresh_store)
    fresh_store.actor = actors["canbo1"]
    return fresh_store, make_org(fresh_store)


def _new(store, org_id, **kwargs) -> int:
    return dossiers.create(store, declared=declared_from(store, org_id), channel="Trực tiếp tại đơn vị",
                           org_id=org_id, **kwargs)


def _row(store, dossier_id) -> dict:
    return store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))


@pytest.mark.parametrize("received,due", [("2026-01-08 09:00:00", "2026-01-12"), ("2026-08-27 09:00:00", "2026-09-04")])
def test_the_issues_dossiers_are_due_on_the_right_day_and_the_slip_says_so(env, clock, received, due):
    """Data found in the registry: the 3-working-day limit (the 15-day one would be 23/01 and 11/09)."""
    store, org_id = env
    clock.set(*map(int, received[:10].split("-")), 9, 0)
    dossier_id = _new(store, org_id)
    row = _row(store, dossier_id)
    assert row["needs_verification"] == 0 and row["due_date"] == due
    assert receipt.receipt_fields(store, dossier_id)["due_date"] == D(due)


def test_waiting_for_papers_stops_the_clock_and_complete_papers_restart_it(env, clock):
    store, org_id = env
    clock.set(2025, 3, 3, 9, 0)                                   # Mon 03/03/2025
    paused = _new(store, org_id)
    running = _new(store, org_id)
    assert _row(store, paused)["due_date"] == "2025-03-06"        # Thu: 3 working days
    ds.move(store, paused, "verifying")
    ds.move(store, running, "verifying")
    clock.set(2025, 3, 4, 10, 0)
    ds.move(store, paused, "needs_papers")

    clock.set(2025, 3, 10, 9, 0)                                  # both past 06/03
    assert list(worklists.list_ids(store, "overdue")) == [running]
    assert worklists.counts(store)["overdue"] == 1
    rows = worklists.fetch_rows(store, [paused, running])
    assert rows[paused]["overdue"] is False and rows[paused]["paused"] is True
    assert rows[running]["overdue"] is True and rows[running]["paused"] is False

    clock.set(2025, 3, 12, 14, 0)                                 # Wed 12/03: complete papers arrive
    ds.move(store, paused, "verifying")
    assert _row(store, paused)["due_date"] == "2025-03-17"        # Thu 13, Fri 14, Mon 17
    audit = store.query_one("SELECT action, old_value, new_value FROM audit_log WHERE object_type = 'dossier' "
                            "AND object_id = ? AND field = 'due_date' ORDER BY id DESC LIMIT 1", (str(paused),))
    assert audit == {"action": "dossier.status", "old_value": "2025-03-06", "new_value": "2025-03-17"}
    assert ds.clock_start(store, _row(store, paused)) == D("2025-03-12")
    assert paused not in worklists.list_ids(store, "overdue")

    # Re-running the automatic verification keeps the restarted limit (it used to count from receipt again).
    verification.verify(store, paused)
    assert _row(store, paused)["due_date"] == "2025-03-17"

    clock.set(2025, 3, 18, 9, 0)
    assert set(worklists.list_ids(store, "overdue")) == {paused, running}


def test_the_fifteen_day_limit_restarts_too(env, clock):
    store, org_id = env
    clock.set(2025, 3, 3, 9, 0)
    dossier_id = _new(store, org_id)
    row = _row(store, dossier_id)
    dossiers.update(store, dossier_id, {"needs_verification": True}, expected_version=row["version"])
    assert _row(store, dossier_id)["due_date"] == "2025-03-18"    # 03/03 + 15 days
    ds.move(store, dossier_id, "verifying")
    ds.move(store, dossier_id, "needs_papers")
    clock.set(2025, 3, 20, 9, 0)
    assert worklists.counts(store)["overdue"] == 0
    ds.move(store, dossier_id, "verifying")
    assert _row(store, dossier_id)["due_date"] == "2025-04-04"    # 20/03 + 15 days, a Friday
    # Going to another locality keeps counting from the restart, not from receipt.
    ds.move(store, dossier_id, "waiting_locality")
    assert _row(store, dossier_id)["due_date"] == "2025-04-04"


def test_a_backdated_restart_counts_from_its_own_day(env, clock):
    """Imports and the demo move dossiers with ``at``: the limit restarts from that day, not from today."""
    store, org_id = env
    clock.set(2025, 3, 3, 9, 0)
    dossier_id = _new(store, org_id)
    ds.move(store, dossier_id, "verifying")
    ds.move(store, dossier_id, "needs_papers")
    clock.set(2025, 3, 20, 9, 0)
    ds.move(store, dossier_id, "verifying", at=dt.datetime(2025, 3, 7, 15, 0))   # Fri 07/03
    assert _row(store, dossier_id)["due_date"] == "2025-03-12"    # Mon 10, Tue 11, Wed 12
