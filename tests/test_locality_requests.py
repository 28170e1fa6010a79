"""Cross-locality verification requests: recording, answering, status moves, overdue list."""

from __future__ import annotations

import pytest

from models.core.errors import UserError
from models.dossiers import locality_requests as lr
from models.dossiers import records as dossiers
from models.dossiers import status as ds
from tests.factories.dossiers import OUTSIDE_AREA, add_officers, declared_from, make_org, setup_unit


@pytest.fixture
def env(fresh_store):
    setup_unit(fresh_store)
    add_officers(fresh_store)
    org_id = make_org(fresh_store, area=OUTSIDE_AREA)
    dossier_id = dossiers.create(fresh_store, declared=declared_from(fresh_store, org_id),
                                 channel="Trực tiếp tại đơn vị", org_id=org_id)
    return fresh_store, dossier_id


def test_request_moves_verifying_dossier_to_waiting(env):
    store, dossier_id = env
    ds.move(store, dossier_id, "verifying")
    request_id = lr.create_request(store, dossier_id, to_unit="Công an xã Ơn Lợi", method="Công văn")
    req = lr.requests_for(store, dossier_id)[0]
    assert req["id"] == request_id and req["sent_on"] == "2025-01-09"
    assert req["due_on"] == "2025-01-16"  # 5 working days
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == "waiting_locality"
    assert store.scalar("SELECT needs_verification FROM dossiers WHERE id = ?", (dossier_id,)) == 1


def test_request_on_received_dossier_keeps_status_but_needs_verification(env):
    store, dossier_id = env
    store.execute("UPDATE dossiers SET needs_verification = 0, due_date = '2025-01-14' WHERE id = ?", (dossier_id,))
    lr.create_request(store, dossier_id, to_unit="Công an xã Ơn Lợi", method="Điện thoại", due_on="2025-01-13")
    row = store.query_one("SELECT status, needs_verification, due_date FROM dossiers WHERE id = ?", (dossier_id,))
    assert row == {"status": "received", "needs_verification": 1, "due_date": "2025-01-24"}


def test_answer_of_last_request_returns_to_verifying(env, clock):
    store, dossier_id = env
    ds.move(store, dossier_id, "verifying")
    first = lr.create_request(store, dossier_id, to_unit="Công an xã Ơn Lợi", method="Công văn")
    second = lr.create_request(store, dossier_id, to_unit="Công an TP Hà Tiên", method="Thư điện tử")
    clock.advance(days=3)
    lr.answer(store, first, result="confirmed", note="Trụ sở có thật")
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == "waiting_locality"
    lr.answer(store, second, result="mismatch")
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,)) == "verifying"
    reqs = lr.requests_for(store, dossier_id)
    assert [r["answered_on"] for r in reqs] == ["2025-01-12", "2025-01-12"]
    assert reqs[0]["result_label"] == "Xác nhận thông tin đúng" and reqs[0]["note"] == "Trụ sở có thật"
    last = ds.events(store, dossier_id)[-1]
    assert last["to_status"] == "verifying" and "Hà Tiên" in last["reason"]


@pytest.mark.parametrize("as_of,expected", [
    ("2025-01-16", []), ("2025-01-17", ["Công an xã Ơn Lợi"]), ("2025-02-01", ["Công an xã Ơn Lợi"]),
])
def test_overdue_list(env, as_of, expected):
    store, dossier_id = env
    ds.move(store, dossier_id, "verifying")
    lr.create_request(store, dossier_id, to_unit="Công an xã Ơn Lợi", method="Công văn")
    rows = lr.overdue(store, as_of=as_of)
    assert [r["to_unit"] for r in rows] == expected
    if rows:
        assert rows[0]["number"] == "HS-2025-000001" and rows[0]["organization"].startswith("Công ty")
        assert rows[0]["days_late"] >= 1 and rows[0]["overdue"]


def test_answered_request_is_not_overdue(env, clock):
    store, dossier_id = env
    ds.move(store, dossier_id, "verifying")
    request_id = lr.create_request(store, dossier_id, to_unit="Công an xã Ơn Lợi", method="Công văn")
    clock.advance(days=20)
    assert len(lr.overdue(store)) == 1
    lr.answer(store, request_id, result="not_found")
    assert lr.overdue(store) == []
    with pytest.raises(UserError, match="đã có kết quả"):
        lr.answer(store, request_id, result="confirmed")


@pytest.mark.parametrize("kwargs,match", [
    ({"to_unit": " ", "method": "Công văn"}, "đơn vị"),
    ({"to_unit": "X", "method": ""}, "hình thức"),
    ({"to_unit": "X", "method": "Công văn", "due_on": "2025-01-01"}, "trước ngày gửi"),
])
def test_request_validation(env, kwargs, match):
    store, dossier_id = env
    with pytest.raises(UserError, match=match):
        lr.create_request(store, dossier_id, **kwargs)


def test_no_request_on_closed_dossier_and_bad_answers(env):
    store, dossier_id = env
    request_id = lr.create_request(store, dossier_id, to_unit="X", method="Công văn")
    with pytest.raises(UserError, match="Kết quả"):
        lr.answer(store, request_id, result="maybe")
    with pytest.raises(UserError, match="trước ngày gửi"):
        lr.answer(store, request_id, result="confirmed", answered_on="2025-01-01")
    ds.refuse(store, dossier_id, "Sai")
    with pytest.raises(UserError, match="không gửi xác minh"):
        lr.create_request(store, dossier_id, to_unit="X", method="Công văn")


def test_request_and_answer_are_in_the_audit(env):
    store, dossier_id = env
    request_id = lr.create_request(store, dossier_id, to_unit="Công an xã Ơn Lợi", method="Công văn")
    lr.answer(store, request_id, result="confirmed")
    actions = [r["action"] for r in store.query(
        "SELECT action FROM audit_log WHERE object_type = 'dossier' AND object_id = ?", (str(dossier_id),))]
    assert "dossier.locality_request" in actions and "dossier.locality_answer" in actions
