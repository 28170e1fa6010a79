"""Logging and editing dossiers: organization lookup/creation, numbers, settings lists, duplicate flag,
side-by-side comparison, stale edits, permissions and audit."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from models.core.errors import PermissionDenied, StaleEdit, UserError
from models.core.store import Store
from models.dossiers import records as dossiers
from models.dossiers import rows as dossier_rows
from models.dossiers import status as ds
from models.registry import organizations as orgs
from tests.factories.dossiers import add_officers, declared_from, make_org, messy_orgs, setup_unit


@pytest.fixture
def env(fresh_store):
    setup_unit(fresh_store)
    actors = add_officers(fresh_store)
    return fresh_store, actors


def _log(store, org_id, **kw):
    return dossiers.create(store, declared=declared_from(store, org_id), channel="Trực tiếp tại đơn vị",
                           org_id=org_id, **kw)


def test_create_records_everything(env, clock):
    store, actors = env
    store.actor = actors["canbo1"]
    org_id = make_org(store)
    dossier_id = dossiers.create(
        store, declared=declared_from(store, org_id, rep_email="  ANH@Example.VN ", rep_phone="+84 912 345 678"),
        channel="Ứng dụng VNeID", org_id=org_id, papers=[dossiers.DEFAULT_PAPERS[0], " ", dossiers.DEFAULT_PAPERS[0]],
        notes="  Nộp   thay  ")
    d = dossiers.get(store, dossier_id)
    assert d["number"] == "HS-2025-000001"
    assert uuid.UUID(d["uuid"]).version == 4
    assert d["officer"] == "Lê Thị Hồng Nhung" and d["officer_id"] == actors["canbo1"].id
    assert d["received_at"] == "2025-01-09 09:30:00" and d["received_on"] == "2025-01-09"
    assert d["channel"] == "Ứng dụng VNeID" and d["status"] == "received" and d["status_label"] == "Đã tiếp nhận"
    assert d["declared"]["rep_email"] == "anh@example.vn" and d["declared"]["rep_phone"] == "0912345678"
    assert d["papers"] == [dossiers.DEFAULT_PAPERS[0]] and d["notes"] == "Nộp thay"
    assert d["org"]["id"] == org_id and d["grp"] == 1 and d["tax_code"] == "0100233488" and d["area_code"] == "30760"
    audit = store.query_one("SELECT * FROM audit_log WHERE action = 'dossier.create'")
    assert audit["object_type"] == "dossier" and audit["object_id"] == str(dossier_id)
    assert audit["officer_id"] == actors["canbo1"].id
    assert json.loads(audit["new_value"])["number"] == "HS-2025-000001"


def test_numbers_are_sequential_per_year(env, clock):
    store, _ = env
    org_id = make_org(store)
    numbers = [dossiers.get(store, _log(store, org_id))["number"] for _ in range(3)]
    assert numbers == ["HS-2025-000001", "HS-2025-000002", "HS-2025-000003"]
    late = _log(store, org_id, received_at="2024-12-31 16:00")
    assert dossiers.get(store, late)["number"] == "HS-2024-000001"
    assert dossier_rows.format_number(2025, 123) == "HS-2025-000123"


@pytest.mark.parametrize("typed", ["HS-2025-000001", "hs-2025-000001", " HS-2025-1 ", "HS - 2025 - 01"])
def test_get_by_number_for_qr_and_typing(env, typed):
    store, _ = env
    org_id = make_org(store)
    dossier_id = _log(store, org_id)
    assert dossier_rows.get_by_number(store, typed)["id"] == dossier_id
    assert dossier_rows.get_by_uuid(store, dossiers.get(store, dossier_id)["uuid"].upper())["id"] == dossier_id


@pytest.mark.parametrize("received_at,expected", [
    ("2025-01-08 14:05", "2025-01-08 14:05:00"), ("08/01/2025 14:05", "2025-01-08 14:05:00"),
    ("08/01/2025", "2025-01-08 00:00:00"), (dt.datetime(2025, 1, 8, 7, 1, 2, 999), "2025-01-08 07:01:02"),
    (dt.date(2025, 1, 7), "2025-01-07 00:00:00"), ("2025-01-08T10:00:00", "2025-01-08 10:00:00"),
])
def test_received_at_formats(env, received_at, expected):
    store, _ = env
    org_id = make_org(store)
    assert dossiers.get(store, _log(store, org_id, received_at=received_at))["received_at"] == expected


def test_bad_received_at_and_channel(env):
    store, _ = env
    org_id = make_org(store)
    with pytest.raises(UserError, match="ngày/tháng/năm"):
        _log(store, org_id, received_at="hôm qua")
    # A mistyped year would file the dossier under a future year's number and due date.
    with pytest.raises(UserError, match="«09/01/2052 09:30» ở sau thời điểm hiện tại"):
        _log(store, org_id, received_at="2052-01-09 09:30")
    with pytest.raises(UserError, match="Kênh tiếp nhận"):
        dossiers.create(store, declared=declared_from(store, org_id), channel="Bưu điện", org_id=org_id)
    with pytest.raises(UserError, match="TK02"):
        dossiers.create(store, declared={"name": "X", "favourite_colour": "đỏ"}, channel="Tổ lưu động")
    assert store.scalar("SELECT count(*) FROM dossiers") == 0


def test_channels_and_papers_are_configurable(env):
    store, actors = env
    assert dossiers.channels(store) == dossiers.DEFAULT_CHANNELS
    dossiers.set_channels(store, ["Trực tiếp tại đơn vị", " Bưu chính công ích ", "Trực tiếp tại đơn vị"])
    assert dossiers.channels(store) == ["Trực tiếp tại đơn vị", "Bưu chính công ích"]
    org_id = make_org(store)
    dossiers.create(store, declared=declared_from(store, org_id), channel="Bưu chính công ích", org_id=org_id)
    dossiers.set_papers_checklist(store, ["Tờ khai TK02"])
    assert dossiers.papers_checklist(store) == ["Tờ khai TK02"]
    with pytest.raises(UserError):
        dossiers.set_papers_checklist(store, ["  "])
    store.actor = actors["canbo1"]
    with pytest.raises(PermissionDenied):
        dossiers.set_channels(store, ["A"])


def test_new_group4_organization_is_created_in_registry(env):
    store, _ = env
    dossier_id = dossiers.create(store, declared={"name": "Chùa Phước Hưng", "area_code": "30760",
                                                 "rep_name": "Thích Minh Tâm", "rep_id_number": "091060000321"},
                                 channel="Tổ lưu động")
    d = dossiers.get(store, dossier_id)
    assert d["org"]["grp"] == 4 and d["org"]["name"] == "Chùa Phước Hưng"
    assert orgs.sources_of(store, d["org_id"])[0]["source"] == "hoso"
    # the same group-4 organization (same folded name and area) is found the next time
    again = dossiers.create(store, declared={"name": "CHÙA PHƯỚC HƯNG", "area_code": "30760"}, channel="Tổ lưu động")
    assert dossiers.get(store, again)["org_id"] == d["org_id"]


def test_new_organization_with_tax_code_needs_a_group(env):
    store, _ = env
    with pytest.raises(UserError, match="chọn nhóm"):
        dossiers.create(store, declared={"name": "Công ty Mới", "tax_code": "0312687878"}, channel="Tổ lưu động")
    dossier_id = dossiers.create(store, declared={"name": "Công ty Mới", "tax_code": "0312687878"},
                                 channel="Tổ lưu động", grp=1)
    assert dossiers.get(store, dossier_id)["org"]["tax_code"] == "0312687878"


def test_existing_org_found_by_declared_tax_code(env):
    store, _ = env
    org_id = make_org(store)
    dossier_id = dossiers.create(store, declared={"name": "CTY TNHH TM SAO MAI", "tax_code": "0100233488"},
                                 channel="Tổ lưu động")
    assert dossiers.get(store, dossier_id)["org_id"] == org_id
    assert orgs.load(store, org_id)["name"] == "Công ty TNHH Thương mại Sao Mai"  # registry not overwritten


def test_merged_org_is_followed(env):
    store, _ = env
    keep = make_org(store)
    gone = make_org(store, grp=4, tax=None, name="Sao Mai (trùng)", source="dtcb")
    store.execute("UPDATE organizations SET merged_into = ? WHERE id = ?", (keep, gone))
    dossier_id = dossiers.create(store, declared={"name": "Sao Mai"}, channel="Tổ lưu động", org_id=gone)
    assert dossiers.get(store, dossier_id)["org_id"] == keep


def test_find_organizations_by_tax_prefix_and_name(env):
    store, _ = env
    ids = messy_orgs(store, 30)
    target = orgs.load(store, ids[0])
    if target["tax_code"] is None:
        target = next(orgs.load(store, i) for i in ids if orgs.load(store, i)["tax_code"])
    found = dossiers.find_organizations(store, target["tax_code"][:7])
    assert target["id"] in [r["id"] for r in found]
    assert dossiers.find_organizations(store, target["tax_code"])[0]["id"] == target["id"]
    by_name = dossiers.find_organizations(store, target["name"].split()[-1].upper())
    assert target["id"] in [r["id"] for r in by_name]
    assert dossiers.find_organizations(store, "   ") == []


def test_lost_zero_tax_code_in_type_ahead(env):
    store, _ = env
    org_id = make_org(store)
    assert [r["id"] for r in dossiers.find_organizations(store, "100233488")] == [org_id]


def test_prefill_and_comparison(env):
    store, _ = env
    org_id = make_org(store)
    pre = dossiers.prefill(store, org_id)
    assert pre["name"] == "Công ty TNHH Thương mại Sao Mai" and pre["rep_id_number"] == "091085000123"
    dossier_id = dossiers.create(store, declared={**pre, "name": "CTY TNHH TM SAO MAI", "rep_name": "Trần Bình",
                                                  "rep_email": "a@b.vn", "rep_phone": None},
                                 channel="Tổ lưu động", org_id=org_id)
    rows = {r["field"]: r for r in dossiers.comparison(store, dossier_id)}
    assert rows["name"]["state"] == "same" and not rows["name"]["differs"]
    assert rows["rep_name"]["state"] == "different" and rows["rep_name"]["differs"]
    assert rows["rep_email"]["state"] == "declared_only"
    assert rows["rep_phone"]["state"] == "registry_only"
    assert rows["foreign_name"]["state"] == "empty"
    assert rows["rep_name"]["label"] == "Người đại diện theo pháp luật"


def test_open_dossier_flag_before_saving(env):
    store, actors = env
    org_id = make_org(store)
    assert dossiers.open_dossiers_for(store, org_id=org_id) == []
    store.actor = actors["canbo2"]
    first = _log(store, org_id)
    flagged = dossiers.open_dossiers_for(store, org_id=org_id)
    assert [f["number"] for f in flagged] == ["HS-2025-000001"] and flagged[0]["officer"] == "Phạm Quốc Đạt"
    assert dossiers.open_dossiers_for(store, tax_code="100233488")[0]["id"] == first  # typed without zero
    assert dossiers.open_dossiers_for(store, org_id=org_id, exclude_id=first) == []
    store.actor = actors["chihuy"]
    ds.cancel(store, first, "Nhập nhầm")
    assert dossiers.open_dossiers_for(store, org_id=org_id) == []


def test_open_dossier_flag_for_unknown_org_by_tax_code(env):
    store, _ = env
    dossiers.create(store, declared={"name": "Công ty Sai Mã", "tax_code": "0100233489"}, channel="Tổ lưu động")
    assert len(dossiers.open_dossiers_for(store, tax_code="0100233489")) == 1
    assert dossiers.open_dossiers_for(store) == []


def test_update_and_stale_edit(env):
    store, actors = env
    org_id = make_org(store)
    dossier_id = _log(store, org_id)
    changed = dossiers.update(store, dossier_id, {"notes": "Gọi lại sau", "papers": ["Tờ khai"],
                                                  "declared": {"rep_phone": "0987 654 321"}}, expected_version=1)
    assert set(changed) == {"notes", "papers", "declared"}
    d = dossiers.get(store, dossier_id)
    assert d["version"] == 2 and d["declared"]["rep_phone"] == "0987654321" and d["declared"]["name"]
    store.actor = actors["canbo2"]
    with pytest.raises(StaleEdit) as info:
        dossiers.update(store, dossier_id, {"notes": "x"}, expected_version=1)
    assert info.value.changed["notes"]["new"] == "Gọi lại sau"
    assert info.value.changed["notes"]["label"] == "Ghi chú"
    assert "HS-2025-000001" in str(info.value)
    assert dossiers.update(store, dossier_id, {"notes": "Gọi lại sau"}, expected_version=2) == []


def test_corrected_tax_code_links_to_the_registry(env):
    from models.dossiers import verification

    store, _ = env
    org_id = make_org(store)
    dossier_id = dossiers.create(store, declared={"name": "Công ty TNHH Thương mại Sao Mai", "tax_code": "0100233489",
                                                  "rep_id_number": "091085000123"}, channel="Tổ lưu động", grp=1)
    assert dossiers.get(store, dossier_id)["org_id"] is None
    assert "tax_code_invalid" in {f["code"] for f in verification.findings(store, dossier_id)}
    changed = dossiers.update(store, dossier_id, {"declared": {"tax_code": "0100233488"}}, expected_version=1)
    assert {"org_id", "tax_code", "declared"} <= set(changed)
    d = dossiers.get(store, dossier_id)
    assert d["org_id"] == org_id and d["tax_code"] == "0100233488" and d["area_code"] == "30760"
    assert "tax_code_invalid" not in {f["code"] for f in verification.findings(store, dossier_id)}


@pytest.mark.parametrize("changes,match", [
    ({"status": "issued"}, "Không sửa được"), ({"channel": "Fax"}, "Kênh"), ({"received_at": ""}, "trống"),
])
def test_update_rejects(env, changes, match):
    store, _ = env
    dossier_id = _log(store, make_org(store))
    with pytest.raises(UserError, match=match):
        dossiers.update(store, dossier_id, changes, expected_version=1)


def test_closed_dossier_cannot_be_edited(env):
    store, _ = env
    dossier_id = _log(store, make_org(store))
    ds.refuse(store, dossier_id, "Sai")
    with pytest.raises(UserError, match="không sửa được"):
        dossiers.update(store, dossier_id, {"notes": "x"}, expected_version=2)


def test_update_received_at_moves_due_date(env):
    store, _ = env
    dossier_id = _log(store, make_org(store))
    dossiers.update(store, dossier_id, {"received_at": "08/01/2025 08:00"}, expected_version=1)  # the day before
    d = dossiers.get(store, dossier_id)
    assert d["received_on"] == "2025-01-08" and d["due_date"] == "2025-01-13"
    with pytest.raises(UserError, match="ở sau thời điểm hiện tại"):
        dossiers.update(store, dossier_id, {"received_at": "10/01/2025 08:00"}, expected_version=2)


@pytest.mark.parametrize("role", ["canbo1", "chihuy", "quantri"])
def test_every_desk_role_may_log(env, role):
    store, actors = env
    org_id = make_org(store)
    store.actor = actors[role]
    dossier_id = _log(store, org_id)
    assert store.scalar("SELECT officer_id FROM dossiers WHERE id = ?", (dossier_id,)) == actors[role].id


def test_deactivated_officer_cannot_log(env):
    store, actors = env
    org_id = make_org(store)
    store.execute("UPDATE officers SET active = 0 WHERE id = ?", (actors["canbo1"].id,))
    store.actor = actors["canbo1"]
    with pytest.raises(PermissionDenied):
        _log(store, org_id)


def test_create_notifies_and_rolls_back_on_error(env):
    store, _ = env
    org_id = make_org(store)
    seen = []
    store.bus.subscribe(seen.extend)
    _log(store, org_id, online_ref="VNEID-1")
    assert [c.table for c in seen if c.table == "dossiers"] == ["dossiers"]
    with pytest.raises(UserError, match="đã được nhập"):
        _log(store, org_id, online_ref="VNEID-1")
    assert store.scalar("SELECT count(*) FROM dossiers") == 1


def test_search_text_is_folded(env):
    store, _ = env
    dossier_id = _log(store, make_org(store))
    text = store.scalar("SELECT search_text FROM dossiers WHERE id = ?", (dossier_id,))
    assert "thuong mai sao mai" in text and "0100233488" in text and "hs 2025 000001" in text


DESK = """
import sys
from models.dossiers import records as dossiers
from models.core.store import Store
store = Store(sys.argv[1], migrate=False)
for _ in range(int(sys.argv[3])):
    dossiers.create(store, declared={"name": "Công ty TNHH Thương mại Sao Mai"}, channel="Tổ lưu động",
                    org_id=int(sys.argv[2]))
store.close()
"""


def test_two_desks_get_distinct_sequential_numbers(db_path, clock):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    store = Store(db_path, clock=clock)
    setup_unit(store)
    org_id = make_org(store)
    store.close()
    procs = [subprocess.Popen([sys.executable, "-c", DESK, str(db_path), str(org_id), "15"], cwd=root)
             for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    store = Store(db_path, clock=clock)
    numbers = [r["number"] for r in store.query("SELECT number FROM dossiers ORDER BY id")]
    store.close()
    year = numbers[0][3:7]
    assert numbers == [dossier_rows.format_number(int(year), i) for i in range(1, 31)]


def test_dossiers_cannot_be_deleted(fresh_store):
    import sqlite3

    fresh_store.execute(
        "INSERT INTO dossiers(uuid, number, channel, received_at, received_on, officer_id, created_at, updated_at)"
        " VALUES ('u-1', 'HS-2025-000001', 'Trực tiếp tại đơn vị', '2025-01-09 09:00:00', '2025-01-09', 1,"
        " '2025-01-09 09:00:00', '2025-01-09 09:00:00')")
    with pytest.raises(sqlite3.DatabaseError, match="không được xoá"):
        fresh_store.execute("DELETE FROM dossiers")
    assert fresh_store.scalar("SELECT count(*) FROM dossiers") == 1
