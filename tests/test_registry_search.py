"""Search over the registry: folding (đ/Đ, NFD, case), tax-code substrings, filters, sorting, index upkeep."""

from __future__ import annotations

import unicodedata

import pytest

from models.registry import organizations
from models.registry import search as registry_search
from models.registry.search import Filters, search_ids
from tests.factories.registry import make_orgs, setup_unit, tax_codes


@pytest.fixture
def store(fresh_store):
    setup_unit(fresh_store)
    return fresh_store


def _org(store, name, tax=None, grp=1, **extra):
    record = {"grp": grp if tax or grp == 4 else 4, "name": name, "tax_code": tax, "area_code": "30742", **extra}
    return organizations.create(store, record)


def names(store, text, **kwargs):
    result = search_ids(store, text, **kwargs)
    rows = registry_search.fetch_rows(store, result.ids)
    return [rows[i]["name"] for i in result.ids]


def test_diacritics_case_and_d_are_ignored(store):
    t1, t2 = tax_codes(5, 2)
    _org(store, "Công ty TNHH Nguyễn Đức", t1, rep_name="Trần Thị Hà")
    _org(store, "Công ty TNHH Nguyên Du", t2)
    _org(store, "Chùa Phước Hưng", grp=4)
    assert names(store, "nguyen duc") == ["Công ty TNHH Nguyễn Đức"]
    assert names(store, "NGUYỄN ĐỨC") == ["Công ty TNHH Nguyễn Đức"]
    assert names(store, "Nguyen Đuc") == ["Công ty TNHH Nguyễn Đức"]
    # decomposed (NFD) input, as pasted from some Mac/Excel sources
    assert names(store, unicodedata.normalize("NFD", "Nguyễn Đức")) == ["Công ty TNHH Nguyễn Đức"]
    # đ folds to d: "duc" must not find "Du" but "du" (a prefix) finds both
    assert sorted(names(store, "nguyen du")) == ["Công ty TNHH Nguyên Du", "Công ty TNHH Nguyễn Đức"]
    assert names(store, "tran ha") == ["Công ty TNHH Nguyễn Đức"]  # legal representative
    assert names(store, "phuoc") == ["Chùa Phước Hưng"]
    assert names(store, "xyz") == []


def test_nfd_stored_name_is_found(store):
    _org(store, unicodedata.normalize("NFD", "Hội Nông dân xã Bình Sơn"), grp=4)
    assert names(store, "hoi nong dan binh son") == ["Hội Nông dân xã Bình Sơn"]


def test_tax_code_fragments_anywhere(store):
    _org(store, "Công ty A", "0100233488")
    _org(store, "Công ty B chi nhánh", "0312687878-001")
    _org(store, "Công ty C", "0314409058-002")
    assert names(store, "0100233") == ["Công ty A"]  # prefix
    assert names(store, "233488") == ["Công ty A"]  # inside
    assert names(store, "100233488") == ["Công ty A"]  # lost leading zero
    assert names(store, "0312687878-001") == ["Công ty B chi nhánh"]
    assert names(store, "687878") == ["Công ty B chi nhánh"]
    assert names(store, "cong ty 0314") == ["Công ty C"]
    assert names(store, "999999") == []
    # short digit runs are prefixes (of the tax code or of a house number), not substrings
    assert names(store, "031") == ["Công ty B chi nhánh", "Công ty C"]
    assert names(store, "233") == []


def test_filters_by_group_area_status_and_source(store):
    ids = make_orgs(store, 40, seed=3)
    everything = set(search_ids(store, "").ids)
    assert everything == set(ids)
    rows = registry_search.fetch_rows(store, ids, columns=("id", "grp", "area_code", "status"))
    for text in ("", "cong ty", "chua"):
        for filters, predicate in [
            (Filters(group=1), lambda r: r["grp"] == 1),
            (Filters(area_code="30760"), lambda r: r["area_code"] == "30760"),
            (Filters(status="suspended"), lambda r: r["status"] == "suspended"),
            (Filters(group=4, area_code="30742"), lambda r: r["grp"] == 4 and r["area_code"] == "30742"),
        ]:
            got = set(search_ids(store, text, filters).ids)
            base = set(search_ids(store, text).ids)
            assert got == {i for i in base if predicate(rows[i])}, (text, filters)
    htx = set(search_ids(store, "", Filters(source="htx")).ids)
    assert htx and htx == {i for i in ids if rows[i]["grp"] == 2}
    assert set(search_ids(store, "hop tac", Filters(source="htx")).ids) == htx
    assert set(search_ids(store, "hop tac", Filters(source="dkkd")).ids) == set()


def test_sorting_by_columns(store):
    make_orgs(store, 30, seed=4)
    for sort in ("name", "tax_code", "rep_name", "grp", "status", "address"):
        for text in ("", "cong ty"):
            result = search_ids(store, text, sort=sort)
            rows = registry_search.fetch_rows(store, result.ids, columns=("id", "name_key", "tax_code", "rep_name",
                                                                           "grp", "status", "address"))
            column = {"name": "name_key"}.get(sort, sort)
            values = [rows[i][column] for i in result.ids]
            present = [v for v in values if v is not None]
            assert present == sorted(present), (sort, text)
            desc = search_ids(store, text, sort=sort, descending=True)
            assert set(desc.ids) == set(result.ids)
            dvalues = [v for v in (rows[i][column] for i in desc.ids) if v is not None]
            assert dvalues == sorted(dvalues, reverse=True)


def test_search_is_capped_but_browsing_is_not(store):
    make_orgs(store, 30, seed=5)
    capped = search_ids(store, "cong ty", cap=5)
    assert capped.capped and len(capped) == 5
    full = search_ids(store, "cong ty")
    assert not full.capped and len(full) == 12
    browse = search_ids(store, "", cap=5)
    assert not browse.capped and len(browse) == 30


def test_merged_rows_are_hidden(store):
    t1, t2 = tax_codes(9, 2)
    a = _org(store, "Công ty Hòa Bình", t1)
    b = _org(store, "Công ty Hòa Bình Xanh", t2)
    store.execute("UPDATE organizations SET merged_into = ? WHERE id = ?", (a, b))
    assert list(search_ids(store, "hoa binh").ids) == [a]
    assert set(search_ids(store, "hoa binh", Filters(include_merged=True)).ids) == {a, b}


def test_index_follows_edits_and_deferred_bulk_writes(store):
    (t1,) = tax_codes(11, 1)
    org_id = _org(store, "Công ty Sao Mai", t1)
    organizations.update(store, org_id, {"name": "Công ty Biển Xanh", "status": "dissolved"})
    assert names(store, "sao mai") == []
    assert names(store, "bien xanh") == ["Công ty Biển Xanh"]
    assert names(store, "bien", filters=Filters(status="dissolved")) == ["Công ty Biển Xanh"]
    with store.atomic(), registry_search.deferred_index(store):
        store.execute("UPDATE organizations SET name = 'Công ty Đại Dương', search_text = 'cong ty dai duong' "
                      "WHERE id = ?", (org_id,))
        new_id = _org(store, "Chùa Kỳ Viên", grp=4)
        assert names(store, "ky vien") == []  # not indexed until the block ends
    assert names(store, "dai duong") == ["Công ty Đại Dương"]
    assert names(store, "bien xanh") == []
    assert names(store, "ky vien") == ["Chùa Kỳ Viên"]
    store.execute("DELETE FROM org_sources WHERE org_id = ?", (new_id,))
    assert registry_search.check_index(store)


def test_deferred_block_rolls_back_with_the_transaction(store):
    with pytest.raises(RuntimeError), store.atomic(), registry_search.deferred_index(store):
        _org(store, "Chùa Tam Bảo", grp=4)
        raise RuntimeError("boom")
    assert names(store, "tam bao") == []
    assert store.scalar("SELECT count(*) FROM org_index_queue") == 0
    assert store.scalar("SELECT count(*) FROM org_index_defer") == 0
    assert registry_search.check_index(store)


def test_search_rows_for_cli(store):
    (t1,) = tax_codes(12, 1)
    _org(store, "Công ty TNHH Nguyễn Đức", t1, rep_name="Lê Văn Tám", address="Số 1 Trần Phú")
    rows = registry_search.search(store, "nguyen duc", limit=5)
    assert [(r["name"], r["tax_code"], r["rep_name"]) for r in rows] == [("Công ty TNHH Nguyễn Đức", t1, "Lê Văn Tám")]
