"""Worklists: membership, counts, filters, folded search, order, row fetch; and the dossier timeline."""

from __future__ import annotations

import pytest

from models.core.errors import UserError
from models.dossiers import history as dossier_history
from models.dossiers import records as dossiers
from models.dossiers import states as dossier_states
from models.dossiers import status as ds
from models.dossiers import worklists
from models.registry import organizations as orgs
from tests.factories.dossiers import add_officers, declared_from, make_org, setup_unit


@pytest.fixture
def env(fresh_store, clock):
    store = fresh_store
    setup_unit(store)
    actors = add_officers(store)
    a = make_org(store)
    b = make_org(store, grp=2, tax="0312687878", name="Hợp tác xã Nông nghiệp Tân Hội", area="30742", source="htx",
                 rep_name="Đặng Thị Ưng", rep_id="079185000456")
    c = make_org(store, grp=4, tax=None, name="Chùa Phước Hưng", area="30781", source="dtcb", rep_name="Thích Minh Tâm",
                 rep_id="091060000321")
    ids = {}
    store.actor = actors["canbo1"]
    clock.set(2025, 1, 2, 8, 0)
    ids["old"] = dossiers.create(store, declared=declared_from(store, a), channel="Trực tiếp tại đơn vị", org_id=a)
    ds.move(store, ids["old"], "verifying")                       # overdue since 07/01
    clock.set(2025, 1, 6, 9, 0)
    ids["issued"] = dossiers.create(store, declared=declared_from(store, b), channel="Ứng dụng VNeID", org_id=b)
    for step in ("verifying", "verified"):
        ds.move(store, ids["issued"], step)
    store.actor = actors["chihuy"]  # issuing is the leader's (issue 13)
    ds.move(store, ids["issued"], "issued")
    store.actor = actors["canbo2"]
    clock.set(2025, 1, 8, 10, 0)
    ids["waiting"] = dossiers.create(store, declared=declared_from(store, c), channel="Tổ lưu động", org_id=c)
    ds.move(store, ids["waiting"], "verifying")
    ds.move(store, ids["waiting"], "waiting_locality")
    clock.set(2025, 1, 9, 9, 30)
    ids["today"] = dossiers.create(store, declared=declared_from(store, b), channel="Cổng vneid.gov.vn", org_id=b)
    store.actor = actors["chihuy"]
    ids["cancelled"] = dossiers.create(store, declared=declared_from(store, a), channel="Trực tiếp tại đơn vị",
                                       org_id=a)
    ds.cancel(store, ids["cancelled"], "Nhập nhầm")
    store.actor = actors["canbo1"]
    return store, actors, ids


def _names(ids_map, result):
    reverse = {v: k for k, v in ids_map.items()}
    return [reverse[i] for i in result]


@pytest.mark.parametrize("key,expected", [
    ("today", ["cancelled", "today"]),
    ("mine", ["old"]),
    ("to_verify", ["today", "old"]),
    ("waiting_locality", ["waiting"]),
    ("overdue", ["old"]),
    ("open", ["today", "waiting", "old"]),
    ("all", ["cancelled", "today", "waiting", "issued", "old"]),
    ("status:issued", ["issued"]),
    ("status:cancelled", ["cancelled"]),
    ("status:activated", []),
])
def test_worklist_membership_and_default_order(env, key, expected):
    store, _, ids = env
    assert _names(ids, worklists.list_ids(store, key)) == expected


def test_counts_agree_with_lists(env):
    store, _, _ = env
    counts = worklists.counts(store)
    for key in [*worklists.WORKLISTS, *(f"status:{s}" for s in dossier_states.STATUSES)]:
        assert counts[key] == len(worklists.list_ids(store, key)), key
    assert counts["overdue"] == 1 and counts["all"] == 5


def test_mine_depends_on_actor(env):
    store, actors, ids = env
    store.actor = actors["canbo2"]
    assert _names(ids, worklists.list_ids(store, "mine")) == ["today", "waiting"]
    assert worklists.counts(store)["mine"] == 2


@pytest.mark.parametrize("text,expected", [
    ("sao mai", ["cancelled", "old"]),
    ("SAO MAI", ["cancelled", "old"]),
    ("phuoc hung", ["waiting"]),
    ("Phước Hưng", ["waiting"]),
    ("tan hoi", ["today", "issued"]),
    ("0312687", ["today", "issued"]),
    ("000003", ["waiting"]),
    ("dang thi ung", ["today", "issued"]),
    ("không có", []),
])
def test_folded_text_search(env, text, expected):
    store, _, ids = env
    assert _names(ids, worklists.list_ids(store, "all", text=text)) == expected


@pytest.mark.parametrize("filters,expected", [
    (worklists.Filters(group=2), ["today", "issued"]),
    (worklists.Filters(area_code="30781"), ["waiting"]),
    (worklists.Filters(channel="Tổ lưu động"), ["waiting"]),
    (worklists.Filters(status="verifying"), ["old"]),
    (worklists.Filters(received_from="2025-01-06", received_to="2025-01-08"), ["waiting", "issued"]),
])
def test_filters(env, filters, expected):
    store, _, ids = env
    assert _names(ids, worklists.list_ids(store, "all", filters=filters)) == expected
    assert worklists.counts(store, filters)["all"] == len(expected)


def test_filter_by_officer(env):
    store, actors, ids = env
    result = worklists.list_ids(store, "all", filters=worklists.Filters(officer_id=actors["canbo1"].id))
    assert _names(ids, result) == ["issued", "old"]


@pytest.mark.parametrize("sort,descending,expected", [
    ("due_date", False, ["old", "issued", "today", "cancelled", "waiting"]),  # ties by id
    ("number", False, ["old", "issued", "waiting", "today", "cancelled"]),
])
def test_sorting(env, sort, descending, expected):
    store, _, ids = env
    assert _names(ids, worklists.list_ids(store, "all", sort=sort, descending=descending)) == expected


def test_text_search_is_capped_to_the_newest(env, monkeypatch):
    store, _, ids = env
    monkeypatch.setattr(worklists, "TEXT_CAP", 1)
    result = worklists.list_ids(store, "all", text="sao mai")
    assert _names(ids, result) == ["cancelled"] and result.capped
    exact = worklists.list_ids(store, "all", text="phuoc hung")
    assert not exact.capped and _names(ids, exact) == ["waiting"]


@pytest.mark.parametrize("key,filters", [
    ("all", None), ("status:received", None), ("all", worklists.Filters(status="received")),
    ("waiting_locality", None), ("open", None), ("open", worklists.Filters(group=1)),
])
@pytest.mark.parametrize("descending", [True, False])
def test_index_order_and_python_order_agree(env, clock, key, filters, descending):
    store, actors, ids = env
    org_id = make_org(store, tax="0101245486", name="Công ty Thêm")
    for hour in (8, 8, 11):  # equal received_at times are ordered by id
        clock.set(2025, 1, 9, hour, 0)
        dossiers.create(store, declared=declared_from(store, org_id), channel="Tổ lưu động", org_id=org_id)
    result = list(worklists.list_ids(store, key, filters=filters, descending=descending))
    rows = worklists.fetch_rows(store, result)
    keys = [(rows[i]["received_at"], i) for i in result]
    assert keys == sorted(keys, reverse=descending)
    assert len(result) == worklists.counts(store, filters)[key]


def test_unknown_list_or_sort(env):
    store, _, _ = env
    with pytest.raises(UserError):
        worklists.list_ids(store, "nope")
    with pytest.raises(UserError):
        worklists.list_ids(store, "all", sort="drop table")


def test_fetch_rows(env):
    store, _, ids = env
    rows = worklists.fetch_rows(store, [ids["old"], ids["waiting"]])
    old = rows[ids["old"]]
    assert old["organization"] == "Công ty TNHH Thương mại Sao Mai" and old["officer"] == "Lê Thị Hồng Nhung"
    assert old["overdue"] is True and old["status_label"] == "Đang xác minh" and old["area_name"] == "Phường Rạch Giá"
    assert rows[ids["waiting"]]["overdue"] is False and rows[ids["waiting"]]["due_date"] == "2025-01-23"
    assert set(worklists.ROW_COLUMNS) <= set(old)


# ---- timeline ----------------------------------------------------------------------------------------
def test_timeline_has_status_field_and_organization_changes(env, clock):
    store, actors, ids = env
    dossier_id = ids["old"]
    clock.set(2025, 1, 9, 11, 0)
    dossiers.update(store, dossier_id, {"notes": "Đã gọi điện"}, expected_version=2)
    org_id = store.scalar("SELECT org_id FROM dossiers WHERE id = ?", (dossier_id,))
    clock.set(2025, 1, 9, 11, 5)
    orgs.update(store, org_id, {"rep_phone": "0987654321"})
    timeline = dossier_history.timeline(store, dossier_id)
    assert [e["at"] for e in timeline] == sorted((e["at"] for e in timeline), reverse=True)
    first = timeline[0]
    assert first["kind"] == "organization" and first["field"] == "rep_phone" and first["new"] == "0987654321"
    assert first["label"] == "Điện thoại"
    notes = next(e for e in timeline if e["field"] == "notes")
    assert notes["kind"] == "field" and notes["officer"] == "Lê Thị Hồng Nhung" and notes["label"] == "Ghi chú"
    statuses = [e for e in timeline if e["kind"] == "status" and e["field"] == "status"]
    assert [e["new"] for e in statuses] == ["Đang xác minh", "Đã tiếp nhận"]
    assert timeline[-1]["kind"] in ("organization", "create", "status")
    assert any(e["kind"] == "create" for e in timeline)


def test_timeline_of_cancelled_dossier_keeps_reason(env):
    store, _, ids = env
    timeline = dossier_history.timeline(store, ids["cancelled"])
    cancel = next(e for e in timeline if e["kind"] == "status" and e["field"] == "status")
    assert cancel["new"] == "Đã huỷ (nhập nhầm)" and cancel["reason"] == "Nhập nhầm"
    assert cancel["officer"] == "Trần Minh Chiến"


def test_timeline_masks_personal_id_numbers_for_who_may_not_read_them(env):
    """The administrator has dossier.view but not personal_id.reveal: the history (creation, declared
    data edits, the registry's changes) must not show him a full personal ID number."""
    store, actors, ids = env
    dossier_id = ids["old"]
    version = store.scalar("SELECT version FROM dossiers WHERE id = ?", (dossier_id,))
    dossiers.update(store, dossier_id, {"declared": {"rep_id_number": "091085000999"}}, expected_version=version)
    org_id = store.scalar("SELECT org_id FROM dossiers WHERE id = ?", (dossier_id,))
    orgs.update(store, org_id, {"rep_id_number": "091085000777"})
    full = {"091085000999", "091085000777"}

    def texts(timeline):
        return " ".join(str(e.get(k)) for e in timeline for k in ("old", "new", "detail"))

    store.actor = actors["chihuy"]
    assert all(number in texts(dossier_history.timeline(store, dossier_id)) for number in full)
    store.actor = actors["quantri"]
    shown = texts(dossier_history.timeline(store, dossier_id))
    assert not any(number in shown for number in full)
    assert "091******999" in shown and "091******777" in shown
