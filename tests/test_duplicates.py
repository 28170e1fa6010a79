"""Possible duplicates: merge (keep one, nothing deleted, audited) or keep both."""

from __future__ import annotations

import pytest

from models.core.errors import PermissionDenied, UserError
from models.core.store import Actor
from models.registry import duplicates, organizations
from models.registry import search as registry_search
from tests.factories.registry import setup_unit


@pytest.fixture
def pair(fresh_store):
    store = fresh_store
    setup_unit(store)
    a = organizations.create(store, {"grp": 4, "name": "Hội Nông dân phường Rạch Giá", "area_code": "30742",
                                     "rep_name": "Trần Văn Bình", "rep_phone": None}, source="dtcb")
    b = organizations.create(store, {"grp": 4, "name": "HỘI NÔNG DÂN PHƯỜNG RẠCH GIÁ", "area_code": "30742",
                                     "rep_phone": "0912345678", "address": "Ấp Rạch Sỏi"}, source="hoso")
    flag_id = duplicates.flag(store, b, a, "Cùng tên và cùng địa bàn")
    return store, a, b, flag_id


def test_flag_is_stored_once_smaller_id_first(pair):
    store, a, b, flag_id = pair
    assert duplicates.flag(store, a, b, "lặp lại") is None
    flags = duplicates.open_flags(store)
    assert [(f["id"], f["org_id"], f["other_org_id"]) for f in flags] == [(flag_id, a, b)]
    assert duplicates.count_open(store) == 1
    assert duplicates.open_flags(store, org_id=b)[0]["id"] == flag_id
    with pytest.raises(UserError):
        duplicates.flag(store, a, a, "x")


def test_merge_keeps_one_fills_blanks_and_deletes_nothing(pair, clock):
    store, a, b, flag_id = pair
    clock.advance(hours=1)
    result = duplicates.merge(store, flag_id, keep_id=a)
    assert result["kept"] == a and result["merged"] == b
    kept, merged = organizations.get(store, a), organizations.get(store, b)
    assert merged is not None and merged["merged_into"] == a  # not deleted
    assert kept["rep_phone"] == "0912345678" and kept["address"] == "Ấp Rạch Sỏi"  # blanks filled
    assert kept["rep_name"] == "Trần Văn Bình" and kept["name"] == "Hội Nông dân phường Rạch Giá"  # known values kept
    assert {s["source"] for s in organizations.sources_of(store, a)} == {"dtcb", "hoso"}
    assert store.query_one("SELECT status, resolved_by, resolved_at FROM duplicate_flags WHERE id = ?", (flag_id,)) \
        == {"status": "merged", "resolved_by": 1, "resolved_at": "2025-01-09 10:30:00"}
    actions = {r["action"] for r in store.query("SELECT action FROM audit_log")}
    assert {"organization.merge", "organization.merge_keep", "organization.merge_fill"} <= actions
    assert list(registry_search.search_ids(store, "hoi nong dan").ids) == [a]
    with pytest.raises(UserError, match="đã được xử lý"):
        duplicates.merge(store, flag_id, keep_id=a)


def test_merge_keeping_the_second(pair):
    store, a, b, flag_id = pair
    duplicates.merge(store, flag_id, keep_id=b)
    assert organizations.get(store, a)["merged_into"] == b
    assert organizations.get(store, b)["rep_name"] == "Trần Văn Bình"
    with pytest.raises(UserError):
        duplicates.merge(store, flag_id, keep_id=12345)


def test_keep_both_closes_the_flag(pair):
    store, a, b, flag_id = pair
    duplicates.keep_both(store, flag_id)
    assert duplicates.count_open(store) == 0
    assert organizations.get(store, a)["merged_into"] is None and organizations.get(store, b)["merged_into"] is None
    assert set(registry_search.search_ids(store, "hoi nong dan").ids) == {a, b}


def test_merge_needs_permission(pair):
    store, a, b, flag_id = pair
    store.execute("INSERT INTO officers(id, username, full_name, role, active, created_at) "
                  "VALUES (9, 'khoa', 'Cán bộ đã khoá', 'intake', 0, '2025-01-01')")
    store.actor = Actor(9, "khoa", "Cán bộ đã khoá", "intake")
    with pytest.raises(PermissionDenied):
        duplicates.merge(store, flag_id, keep_id=a)
    assert duplicates.count_open(store) == 1
