"""The dossier state machine: every allowed and forbidden move, permissions, reasons, dates, events."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.core.errors import PermissionDenied, StaleEdit, UserError
from models.dossiers import records as dossiers
from models.dossiers import rows as dossier_rows
from models.dossiers import states as dossier_states
from models.dossiers import status as ds
from tests.factories.dossiers import add_officers, declared_from, make_org, setup_unit

# Shortest route from 'received' to each status (so any status can be set up through the real API).
ROUTE = {
    "received": [],
    "verifying": ["verifying"],
    "needs_papers": ["verifying", "needs_papers"],
    "waiting_locality": ["verifying", "waiting_locality"],
    "verified": ["verifying", "verified"],
    "issued": ["verifying", "verified", "issued"],
    "activated": ["verifying", "verified", "issued", "activated"],
    "refused": ["refused"],
    "cancelled": ["cancelled"],
}
ALLOWED = {
    ("received", "verifying"), ("received", "refused"), ("received", "cancelled"),
    ("verifying", "needs_papers"), ("verifying", "waiting_locality"), ("verifying", "verified"),
    ("verifying", "refused"), ("verifying", "cancelled"),
    ("needs_papers", "verifying"), ("needs_papers", "refused"), ("needs_papers", "cancelled"),
    ("waiting_locality", "verifying"), ("waiting_locality", "verified"), ("waiting_locality", "refused"),
    ("waiting_locality", "cancelled"),
    ("verified", "issued"), ("verified", "refused"), ("verified", "cancelled"),
    ("issued", "activated"),
}
PAIRS = [(a, b) for a in dossier_states.STATUSES for b in dossier_states.STATUSES
         if a not in dossier_states.PERSON_ONLY_STATUSES]  # citizens' statuses: tests/test_person_intake.py


@pytest.fixture
def env(fresh_store):
    setup_unit(fresh_store)
    actors = add_officers(fresh_store)
    org_id = make_org(fresh_store)
    return fresh_store, actors, org_id


def _new(store, org_id) -> int:
    return dossiers.create(store, declared=declared_from(store, org_id), channel="Trực tiếp tại đơn vị",
                           org_id=org_id)


def _reach(store, dossier_id, status):
    for step in ROUTE[status]:
        ds.move(store, dossier_id, step, reason="lý do thử" if step in dossier_states.REASON_REQUIRED else None)


def test_transition_table_matches_the_issue():
    assert {(a, b) for a in dossier_states.TRANSITIONS for b in dossier_states.TRANSITIONS[a]} == ALLOWED


@pytest.mark.parametrize("from_status,to_status", PAIRS)
def test_every_pair_allowed_or_refused(env, from_status, to_status):
    store, _, org_id = env
    dossier_id = _new(store, org_id)
    _reach(store, dossier_id, from_status)
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == from_status
    events_before = store.scalar("SELECT count(*) FROM dossier_events WHERE dossier_id = ?", (dossier_id,))
    reason = "Khai sai thông tin" if to_status in dossier_states.REASON_REQUIRED else None
    if (from_status, to_status) in ALLOWED:
        row = ds.move(store, dossier_id, to_status, reason=reason)
        assert row["status"] == to_status
        assert store.scalar("SELECT count(*) FROM dossier_events WHERE dossier_id = ?", (dossier_id,)) \
            == events_before + 1
    else:
        with pytest.raises(UserError, match="không chuyển sang"):
            ds.move(store, dossier_id, to_status, reason=reason)
        assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == from_status
        assert store.scalar("SELECT count(*) FROM dossier_events WHERE dossier_id = ?", (dossier_id,)) \
            == events_before


@pytest.mark.parametrize("role,to_status,allowed", [
    ("canbo1", "refused", False), ("canbo1", "cancelled", False), ("canbo1", "verifying", True),
    ("chihuy", "refused", True), ("chihuy", "cancelled", True), ("quantri", "refused", True),
    ("quantri", "cancelled", True), ("system", "refused", True),
])
def test_refuse_and_cancel_need_their_permission(env, role, to_status, allowed):
    store, actors, org_id = env
    dossier_id = _new(store, org_id)
    store.actor = actors[role]
    if allowed:
        ds.move(store, dossier_id, to_status, reason="Lý do")
        assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == to_status
    else:
        with pytest.raises(PermissionDenied, match="không có quyền"):
            ds.move(store, dossier_id, to_status, reason="Lý do")
        assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == "received"


@pytest.mark.parametrize("role,expected", [
    ("canbo1", ["verifying"]), ("chihuy", ["verifying", "refused", "cancelled"]),
])
def test_allowed_targets_depend_on_role(env, role, expected):
    store, actors, _ = env
    store.actor = actors[role]
    assert ds.allowed_targets(store, "received") == expected


def test_deactivated_officer_gets_no_targets(env):
    store, actors, _ = env
    store.execute("UPDATE officers SET active = 0 WHERE id = ?", (actors["chihuy"].id,))
    store.actor = actors["chihuy"]
    assert ds.allowed_targets(store, "received") == []


@pytest.mark.parametrize("to_status", ["refused", "cancelled"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_refusal_and_cancel_need_a_reason(env, to_status, reason):
    store, _, org_id = env
    dossier_id = _new(store, org_id)
    with pytest.raises(UserError, match="lý do"):
        ds.move(store, dossier_id, to_status, reason=reason)


@pytest.mark.parametrize("status,column", [
    ("verified", "verified_on"), ("issued", "issued_on"), ("activated", "activated_on"),
    ("refused", "closed_on"), ("cancelled", "closed_on"), ("issued", "closed_on"),
])
def test_denormalised_dates(env, clock, status, column):
    store, _, org_id = env
    dossier_id = _new(store, org_id)
    clock.advance(days=2)
    _reach(store, dossier_id, status)
    assert store.scalar(f"SELECT {column} FROM dossiers WHERE id = ?", (dossier_id,)) == "2025-01-11"


def test_event_records_who_when_and_reason(env, clock):
    store, actors, org_id = env
    dossier_id = _new(store, org_id)
    clock.advance(hours=3)
    store.actor = actors["chihuy"]
    ds.refuse(store, dossier_id, "Người nộp không có giấy uỷ quyền")
    events = ds.events(store, dossier_id)
    assert [(e["from_status"], e["to_status"]) for e in events] == [(None, "received"), ("received", "refused")]
    assert events[-1]["officer"] == "Trần Minh Chiến"
    assert events[-1]["at"] == "2025-01-09 12:30:00"
    assert events[-1]["reason"] == "Người nộp không có giấy uỷ quyền"
    assert store.scalar("SELECT refusal_reason FROM dossiers WHERE id = ?", (dossier_id,)) == events[-1]["reason"]


def test_cancel_keeps_the_dossier_and_its_history(env):
    store, actors, org_id = env
    dossier_id = _new(store, org_id)
    ds.move(store, dossier_id, "verifying")
    store.actor = actors["chihuy"]
    ds.cancel(store, dossier_id, "Nhập trùng")
    row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))
    assert row["status"] == "cancelled" and row["cancel_reason"] == "Nhập trùng"
    assert len(ds.events(store, dossier_id)) == 3
    audit = store.query("SELECT field FROM audit_log WHERE object_type = 'dossier' AND object_id = ?",
                        (str(dossier_id),))
    assert {"status", "cancel_reason"} <= {a["field"] for a in audit}
    with pytest.raises(UserError):
        ds.move(store, dossier_id, "verifying")
    assert store.scalar("SELECT count(*) FROM dossiers") == 1


def test_blocking_finding_prevents_verification(env):
    store, _, _ = env
    org_id = make_org(store, tax="0312687878", name="Công ty TNHH Đã Giải Thể", status="dissolved")
    dossier_id = _new(store, org_id)
    ds.move(store, dossier_id, "verifying")
    with pytest.raises(UserError, match="lỗi chặn"):
        ds.move(store, dossier_id, "verified")
    ds.refuse(store, dossier_id, "Tổ chức đã giải thể")


def test_stale_version_is_refused(env):
    store, _, org_id = env
    dossier_id = _new(store, org_id)
    version = store.scalar("SELECT version FROM dossiers WHERE id = ?", (dossier_id,))
    ds.move(store, dossier_id, "verifying", expected_version=version)
    with pytest.raises(StaleEdit) as info:
        ds.move(store, dossier_id, "verified", expected_version=version)
    assert info.value.changed["status"]["new"] == "verifying"


def test_move_notifies_after_commit(env):
    store, _, org_id = env
    dossier_id = _new(store, org_id)
    seen = []
    store.bus.subscribe(seen.extend)
    ds.move(store, dossier_id, "verifying")
    assert any(c.table == "dossiers" and dossier_id in c.ids for c in seen)


def test_waiting_locality_switches_to_15_days(env):
    store, _, org_id = env
    dossier_id = _new(store, org_id)
    assert store.scalar("SELECT due_date FROM dossiers WHERE id = ?", (dossier_id,)) == "2025-01-14"
    _reach(store, dossier_id, "waiting_locality")
    row = store.query_one("SELECT needs_verification, due_date FROM dossiers WHERE id = ?", (dossier_id,))
    assert row["needs_verification"] == 1 and row["due_date"] == "2025-01-24"


def test_unknown_status_and_dossier(env):
    store, _, org_id = env
    with pytest.raises(UserError):
        ds.move(store, 999, "verifying")
    dossier_id = _new(store, org_id)
    with pytest.raises(UserError):
        ds.move(store, dossier_id, "archived")



def test_waiting_locality_keeps_15_days_after_an_edit(env):
    """An edit re-runs the verification; the dossier still waits for another locality, so its time
    limit must stay 15 days (it used to fall back to 3 working days when no finding asked for it)."""
    store, _, org_id = env
    dossier_id = _new(store, org_id)
    _reach(store, dossier_id, "waiting_locality")
    version = store.scalar("SELECT version FROM dossiers WHERE id = ?", (dossier_id,))
    dossiers.update(store, dossier_id, {"notes": "Đã gọi điện cho xã"}, expected_version=version)
    row = store.query_one("SELECT needs_verification, due_date FROM dossiers WHERE id = ?", (dossier_id,))
    assert row["needs_verification"] == 1 and row["due_date"] == "2025-01-24"


@pytest.mark.parametrize("sql", ["DELETE FROM dossier_events WHERE dossier_id = ?",
                                 "UPDATE dossier_events SET reason = 'sửa' WHERE dossier_id = ?"])
def test_status_events_cannot_be_deleted_or_rewritten(env, sql):
    store, _, org_id = env
    dossier_id = _new(store, org_id)
    ds.move(store, dossier_id, "verifying")
    with pytest.raises(Exception, match="không được"):
        store.execute(sql, (dossier_id,))
    assert len(ds.events(store, dossier_id)) == 2


def test_backdated_move_is_stamped_with_the_real_write_time(env, clock):
    """``at`` backdates the event and the status date, but ``updated_at`` is when the row was written:
    an incremental sync export selects rows by ``updated_at`` and must not miss a backdated move."""
    import datetime as dt

    store, _, org_id = env
    dossier_id = _new(store, org_id)
    clock.advance(days=5)
    ds.move(store, dossier_id, "verifying", at=dt.datetime(2025, 1, 10, 8, 0))
    row = store.query_one("SELECT updated_at FROM dossiers WHERE id = ?", (dossier_id,))
    assert row["updated_at"] == store.now_iso()
    assert ds.events(store, dossier_id)[-1]["at"] == "2025-01-10 08:00:00"


@pytest.mark.parametrize("role, may_reveal", [("canbo1", True), ("chihuy", True), ("quantri", False)])
def test_actor_can_follows_the_role_as_the_account_is_now(env, role, may_reveal):
    store, actors, _ = env
    store.actor = actors[role]
    assert ds.actor_can(store, "personal_id.reveal") is may_reveal
    store.execute("UPDATE officers SET role = 'admin' WHERE id = ?", (actors[role].id,))  # changed at another desk
    assert ds.actor_can(store, "personal_id.reveal") is False
    assert ds.actor_can(store, "officers.manage") is True
    store.execute("UPDATE officers SET active = 0 WHERE id = ?", (actors[role].id,))
    assert ds.actor_role(store) == "" and not ds.actor_can(store, "dossier.view")


def test_current_version_follows_each_write_and_needs_the_view_permission(env):
    store, actors, org_id = env
    dossier_id = _new(store, org_id)
    assert dossier_rows.current_version(store, dossier_id) == 1
    ds.move(store, dossier_id, "verifying")
    assert dossier_rows.current_version(store, dossier_id) == 2
    assert dossier_rows.current_version(store, dossier_id + 1000) is None
    store.execute("UPDATE officers SET active = 0 WHERE id = ?", (actors["canbo1"].id,))
    store.actor = actors["canbo1"]
    with pytest.raises(PermissionDenied):
        dossier_rows.current_version(store, dossier_id)


def test_dossier_writes_report_typed_changes():
    """``store.notify`` in the dossier models names its table and kind with ``Table``/``Kind`` members
    (a misspelt string would only fail when that line runs)."""
    import ast

    folder = Path(__file__).resolve().parent.parent / "models" / "dossiers"
    untyped = []
    for path in sorted(folder.glob("*.py")):
        if path.name == "verification.py":  # converted with the verification work
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "notify"
                    and any(isinstance(arg, ast.Constant) for arg in node.args[:2])):
                untyped.append(f"{path.name}:{node.lineno}")
    assert untyped == []
