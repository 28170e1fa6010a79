"""Issue 13 item 2: the procedure's steps in the model — what each move records, the leader's approval of
issuing and refusing, undo with history kept, and the progress counts after an undo."""

from __future__ import annotations

import json

import pytest

from models.core.errors import PermissionDenied, UserError
from models.core.migrations.m009_figures import rebuild_sql
from models.dossiers import history, procedure, worklists
from models.dossiers import records as dossiers
from models.dossiers import status as ds
from tests.factories.dossiers import add_officers, declared_from, make_org, setup_unit


@pytest.fixture
def env(fresh_store):
    setup_unit(fresh_store)
    actors = add_officers(fresh_store)
    org_id = make_org(fresh_store)
    other = make_org(fresh_store, tax="0312687878", name="HTX Nông nghiệp  Tân   Hội", grp=2, area="30742")
    return fresh_store, actors, org_id, other


def _new(store, org_id, actor) -> int:
    store.actor = actor
    return dossiers.create(store, declared=declared_from(store, org_id), channel="Trực tiếp tại đơn vị",
                           org_id=org_id)


def _verified(store, actors, org_id) -> int:
    dossier_id = _new(store, org_id, actors["canbo1"])
    ds.move(store, dossier_id, "verifying")
    ds.move(store, dossier_id, "verified")
    return dossier_id


def _firsts(store) -> set[tuple]:
    return set(store.execute("SELECT subject, counts, d, dossier_id, grp, area_code FROM progress_firsts"))


def _rebuilt(store) -> set[tuple]:
    """What a full recomputation gives (the triggers must agree with it at every step; when they do, the
    table is left as it was)."""
    with store.atomic():
        for sql in rebuild_sql():
            store.execute(sql)
    return _firsts(store)


# ---- what each move records --------------------------------------------------------------------------
def test_papers_request_records_the_papers(env):
    store, actors, org_id, _ = env
    dossier_id = _new(store, org_id, actors["canbo1"])
    ds.move(store, dossier_id, "verifying")
    asked = ["  Văn bản uỷ quyền (khi người nộp không phải người đại diện)", "",
             "Giấy chứng nhận đăng ký doanh nghiệp / hợp tác xã hoặc quyết định thành lập (bản sao)"]
    row = ds.move(store, dossier_id, "needs_papers", missing_papers=asked)
    assert json.loads(row["missing_papers"]) == [asked[0].strip(), asked[2]]
    event = ds.events(store, dossier_id)[-1]
    assert json.loads(event["detail"])["missing_papers"] == [asked[0].strip(), asked[2]]


def test_leader_issues_directly_with_account_id_and_date(env, clock):
    store, actors, org_id, _ = env
    dossier_id = _verified(store, actors, org_id)
    clock.advance(days=2)
    store.actor = actors["chihuy"]
    row = ds.move(store, dossier_id, "issued", account_id=" TC-0100233488 ", account_date="2025-01-10")
    assert (row["status"], row["account_id"], row["issued_on"], row["closed_on"]) == \
        ("issued", "TC-0100233488", "2025-01-10", "2025-01-10")


@pytest.mark.parametrize("day,message", [("2025-02-01", "tương lai"), ("2025-01-02", "trước ngày tiếp nhận")])
def test_account_date_must_be_possible(env, day, message):
    store, actors, org_id, _ = env
    dossier_id = _verified(store, actors, org_id)
    store.actor = actors["chihuy"]
    with pytest.raises(UserError, match=message):
        ds.move(store, dossier_id, "issued", account_id="TC-1", account_date=day)
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == "verified"


# ---- approval ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["issued", "refused"])
def test_intake_officer_cannot_issue_or_refuse(env, target):
    store, actors, org_id, _ = env
    dossier_id = _verified(store, actors, org_id)
    store.actor = actors["canbo1"]
    with pytest.raises(PermissionDenied, match="không có quyền"):
        ds.move(store, dossier_id, target, reason="Thiếu giấy tờ", account_id="TC-1")
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == "verified"
    assert target not in ds.allowed_targets(store, "verified")
    assert target in procedure.proposable_targets(store, "verified")


def test_officer_proposes_leader_approves(env, clock):
    store, actors, org_id, _ = env
    dossier_id = _verified(store, actors, org_id)
    store.actor = actors["canbo1"]
    pid = procedure.propose(store, dossier_id, "issued", account_id="TC-0100233488", account_date="2025-01-09")
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == "verified"
    assert list(worklists.list_ids(store, "awaiting_approval")) == [dossier_id]
    assert worklists.counts(store)["awaiting_approval"] == 1
    assert "chờ chỉ huy duyệt" in worklists.fetch_rows(store, [dossier_id])[dossier_id]["status_label"]
    with pytest.raises(UserError, match="đã có một đề xuất"):
        procedure.propose(store, dossier_id, "refused", reason="Sai")
    with pytest.raises(PermissionDenied):
        procedure.approve(store, pid)  # the officer cannot approve his own proposal
    clock.advance(hours=2)
    store.actor = actors["chihuy"]
    row = procedure.approve(store, pid)
    assert (row["status"], row["account_id"], row["issued_on"]) == ("issued", "TC-0100233488", "2025-01-09")
    event = ds.events(store, dossier_id)[-1]
    assert event["officer"] == "Trần Minh Chiến"
    detail = json.loads(event["detail"])
    assert detail["proposal_id"] == pid and detail["proposed_by"] == actors["canbo1"].id
    p = procedure.proposals(store, dossier_id)[0]
    assert (p["decision"], p["decided_by_name"], p["event_id"]) == ("approved", "Trần Minh Chiến", event["id"])
    assert list(worklists.list_ids(store, "awaiting_approval")) == []
    with pytest.raises(UserError, match="đã được xử lý"):
        procedure.approve(store, pid)


def test_leader_rejects_a_proposal_and_dossier_stays(env):
    store, actors, org_id, _ = env
    dossier_id = _verified(store, actors, org_id)
    store.actor = actors["canbo1"]
    with pytest.raises(UserError, match="lý do từ chối"):
        procedure.propose(store, dossier_id, "refused", reason="   ")
    pid = procedure.propose(store, dossier_id, "refused", reason="Tổ chức đã giải thể theo Sở KH&ĐT")
    store.actor = actors["chihuy"]
    with pytest.raises(UserError, match="lý do không duyệt"):
        procedure.reject(store, pid, "")
    procedure.reject(store, pid, "Sở KH&ĐT xác nhận vẫn hoạt động")
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == "verified"
    assert procedure.open_proposal(store, dossier_id) is None
    assert procedure.proposals(store, dossier_id)[0]["decision"] == "rejected"
    # the officer may propose again after a rejection
    store.actor = actors["canbo1"]
    procedure.propose(store, dossier_id, "issued", account_id="TC-2")


def test_another_move_lapses_the_proposal(env):
    store, actors, org_id, _ = env
    dossier_id = _verified(store, actors, org_id)
    store.actor = actors["canbo1"]
    pid = procedure.propose(store, dossier_id, "issued", account_id="TC-3")
    store.actor = actors["chihuy"]
    ds.cancel(store, dossier_id, "Nhập trùng hồ sơ")
    assert procedure.proposals(store, dossier_id)[0]["decision"] == "lapsed"
    with pytest.raises(UserError, match="đã được xử lý"):
        procedure.approve(store, pid)


def test_proposal_of_impossible_move_is_refused(env):
    store, actors, org_id, _ = env
    dossier_id = _new(store, org_id, actors["canbo1"])  # received: not yet verified
    with pytest.raises(UserError, match="không đề xuất"):
        procedure.propose(store, dossier_id, "issued", account_id="TC-4")
    ds.move(store, dossier_id, "verifying")
    ds.move(store, dossier_id, "verified")
    with pytest.raises(UserError, match="định danh"):
        procedure.propose(store, dossier_id, "issued")


# ---- undo --------------------------------------------------------------------------------------------
def test_only_the_leader_undoes_and_needs_a_reason(env):
    store, actors, org_id, _ = env
    dossier_id = _verified(store, actors, org_id)
    with pytest.raises(PermissionDenied):
        procedure.undo_last(store, dossier_id, "Bấm nhầm")
    store.actor = actors["chihuy"]
    with pytest.raises(UserError, match="lý do hoàn tác"):
        procedure.undo_last(store, dossier_id, " ")


def test_undo_issue_keeps_history_and_progress(env, clock):
    store, actors, org_id, other = env
    dossier_id = _verified(store, actors, org_id)
    second = _verified(store, actors, other)
    store.actor = actors["chihuy"]
    clock.advance(days=1)
    ds.move(store, dossier_id, "issued", account_id="TC-0100233488")
    ds.move(store, second, "issued", account_id="TC-0312687878")
    issued = {r[0] for r in store.execute("SELECT dossier_id FROM progress_firsts WHERE counts = 'issued'")}
    assert issued == {dossier_id, second}
    events_before = len(ds.events(store, dossier_id))
    clock.advance(hours=1)
    row = procedure.undo_last(store, dossier_id, "Nhầm hồ sơ: tài khoản chưa được phê duyệt trên hệ thống")
    assert (row["status"], row["issued_on"], row["closed_on"], row["account_id"]) == ("verified", None, None, None)
    assert row["verified_on"] == "2025-01-09"
    events = ds.events(store, dossier_id)
    assert len(events) == events_before + 1
    assert [(e["from_status"], e["to_status"]) for e in events[-2:]] == [("verified", "issued"), ("issued", "verified")]
    assert events[-1]["undo_of"] == events[-2]["id"]
    # the count follows: only the other organization is counted, and the triggers agree with a rebuild
    issued = {r[0] for r in store.execute("SELECT dossier_id FROM progress_firsts WHERE counts = 'issued'")}
    assert issued == {second}
    assert _firsts(store) == _rebuilt(store)
    # nothing more to undo until the next move; the events stay append-only
    with pytest.raises(UserError, match="không có lần chuyển"):
        procedure.undo_last(store, dossier_id, "lần nữa")
    with pytest.raises(Exception, match="chỉ được ghi thêm"):
        store.execute("DELETE FROM dossier_events WHERE id = ?", (events[-2]["id"],))
    ds.move(store, dossier_id, "issued", account_id="TC-0100233488")
    assert _firsts(store) == _rebuilt(store)
    assert store.scalar("SELECT count(*) FROM progress_firsts WHERE counts = 'issued'") == 2


def test_undo_cancel_brings_the_dossier_back_into_the_counts(env):
    store, actors, org_id, _ = env
    dossier_id = _new(store, org_id, actors["canbo1"])
    assert store.scalar("SELECT count(*) FROM progress_firsts WHERE counts = 'received'") == 1
    store.actor = actors["chihuy"]
    ds.cancel(store, dossier_id, "Nhập nhầm")
    assert store.scalar("SELECT count(*) FROM progress_firsts WHERE counts = 'received'") == 0
    row = procedure.undo_last(store, dossier_id, "Hồ sơ đúng, huỷ nhầm")
    assert (row["status"], row["cancel_reason"], row["closed_on"]) == ("received", None, None)
    assert store.scalar("SELECT count(*) FROM progress_firsts WHERE counts = 'received'") == 1
    assert _firsts(store) == _rebuilt(store)


def test_undo_papers_request_restores_due_date_and_clock(env, clock):
    store, actors, org_id, _ = env
    dossier_id = _new(store, org_id, actors["canbo1"])
    ds.move(store, dossier_id, "verifying")
    due = store.scalar("SELECT due_date FROM dossiers WHERE id = ?", (dossier_id,))
    ds.move(store, dossier_id, "needs_papers", missing_papers=["Giấy tờ khác"])
    clock.advance(days=5)
    ds.move(store, dossier_id, "verifying")  # papers "arrived": the time limit restarts
    assert store.scalar("SELECT due_date FROM dossiers WHERE id = ?", (dossier_id,)) != due
    store.actor = actors["chihuy"]
    row = procedure.undo_last(store, dossier_id, "Người nộp chưa nộp đủ, bấm nhầm")
    assert row["status"] == "needs_papers"
    # the undone "papers arrived" no longer restarts the clock
    assert ds.clock_start(store, row).isoformat() == row["received_on"]
    titles = [e["title"] for e in history.timeline(store, dossier_id) if e["title"].startswith(("Chuyển", "Hoàn"))]
    assert titles[0] == "Hoàn tác, trở lại: Cần bổ sung giấy tờ"
    assert "giấy tờ cần bổ sung: Giấy tờ khác" in titles[2]


def test_undo_after_approval_goes_back_to_verified(env):
    store, actors, org_id, _ = env
    dossier_id = _verified(store, actors, org_id)
    store.actor = actors["canbo1"]
    pid = procedure.propose(store, dossier_id, "refused", reason="Người nộp không có giấy uỷ quyền")
    store.actor = actors["chihuy"]
    procedure.approve(store, pid)
    row = procedure.undo_last(store, dossier_id, "Đã có giấy uỷ quyền")
    assert (row["status"], row["refusal_reason"], row["closed_on"]) == ("verified", None, None)
