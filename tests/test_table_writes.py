"""Single-table writes done through sqlite-utils (``store.table(name).upsert / insert_all``): the second
write of a key updates the row in place (not a second row, not a delete-and-reinsert that would reset the
other columns), a seed never overwrites what the unit typed, and a misspelt table is an error."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from models.campaigns.plans import add_phase, create_campaign
from models.campaigns.targets import allocate_proportionally, create_target, set_allocation
from models.dossiers import calendar as wd
from models.reports.period import get_settings, save_settings
from tests.factories.dossiers import setup_unit as setup_dossier_unit
from tests.progress_data import add_org
from tests.progress_data import setup_unit as setup_progress_unit


def test_store_table_never_creates_a_misspelt_table(fresh_store):
    assert fresh_store.table("settings").name == "settings"
    with pytest.raises(sqlite3.OperationalError, match="no such table: setings"):
        fresh_store.table("setings").upsert({"key": "k", "value": "1"}, pk="key")
    assert fresh_store.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'setings'") == 0


def test_setting_written_twice_is_one_row_with_two_audit_lines(fresh_store):
    fresh_store.set_setting("report.symbol", "BC")
    fresh_store.set_setting("report.symbol", {"ký hiệu": "BC-CAX"})
    assert fresh_store.query("SELECT key, value FROM settings WHERE key = 'report.symbol'") == [
        {"key": "report.symbol", "value": '{"ký hiệu": "BC-CAX"}'}]
    audit = fresh_store.query("SELECT old_value, new_value FROM audit_log WHERE object_type = 'setting' "
                              "AND object_id = 'report.symbol' ORDER BY id")
    assert audit == [{"old_value": None, "new_value": "BC"},
                     {"old_value": "BC", "new_value": '{"ký hiệu": "BC-CAX"}'}]


@pytest.mark.parametrize("setter,table", [(wd.set_holiday, "holidays"), (wd.set_make_up_day, "make_up_days")])
def test_renaming_a_day_updates_it_in_place(fresh_store, setter, table):
    setter(fresh_store, "2025-03-14", "Nghỉ theo quyết định của tỉnh")
    setter(fresh_store, "14/03/2025", "  Nghỉ bù ngày   Giỗ Tổ ")
    assert fresh_store.query(f"SELECT day, name FROM {table} WHERE day = '2025-03-14'") == [
        {"day": "2025-03-14", "name": "Nghỉ bù ngày Giỗ Tổ"}]
    audit = fresh_store.query("SELECT old_value, new_value FROM audit_log WHERE object_type = ? ORDER BY id",
                              (table,))
    assert audit == [{"old_value": None, "new_value": "Nghỉ theo quyết định của tỉnh"},
                     {"old_value": "Nghỉ theo quyết định của tỉnh", "new_value": "Nghỉ bù ngày Giỗ Tổ"}]


def test_official_refresh_keeps_the_name_the_unit_gave_a_day(fresh_store):
    off, work = wd.official_days.official_days(fresh_store.today())
    day = off[0].day
    fresh_store.execute("INSERT INTO holidays(day, name) VALUES (?, 'Tên do đơn vị đặt')", (day,))
    added = wd.refresh_official(fresh_store)["added"]
    assert added == len(off) - 1 + len(work)
    assert fresh_store.scalar("SELECT name FROM holidays WHERE day = ?", (day,)) == "Tên do đơn vị đặt"
    assert fresh_store.scalar("SELECT source FROM holidays WHERE day = ?", (day,)) == "unit"
    assert fresh_store.scalar("SELECT count(*) FROM holidays") == len(off)
    assert {r["day"] for r in wd.make_up_days(fresh_store)} == {e.day for e in work}


def test_report_settings_saved_twice_are_one_row_with_every_column_updated(fresh_store, clock):
    unit_id = setup_dossier_unit(fresh_store)
    # the factory's unit is a team ("Tổ …"): the report is issued by the police unit it belongs to
    first = save_settings(fresh_store, dataclasses.replace(get_settings(fresh_store), due_weekday=4,
                                                             signer_name="Trần Văn Bình",
                                                             issuing_body="Công an phường Rạch Giá"))
    clock.advance(hours=2)
    second = save_settings(fresh_store, dataclasses.replace(first, due_weekday=2, due_time="8:05", symbol="BC-X",
                                                              signer_authority="TRƯỞNG CÔNG AN",
                                                              signer_title="TRƯỞNG CÔNG AN", signer_name="Lê Thị Hoa",
                                                              recipients=("Như trên;", "Lưu: VT.")))
    rows = fresh_store.query("SELECT * FROM report_settings")
    assert rows == [{"unit_id": unit_id, "due_weekday": 2, "due_time": "08:05", "symbol": "BC-X",
                     "signer_authority": "TRƯỞNG CÔNG AN", "signer_title": "TRƯỞNG CÔNG AN",
                     "signer_name": "Lê Thị Hoa", "recipients": '["Như trên;", "Lưu: VT."]',
                     "updated_at": "2025-01-09 11:30:00"}]
    assert second.recipients == ("Như trên;", "Lưu: VT.")


def test_hand_edit_of_an_allocation_updates_or_adds_one_row(fresh_store):
    s = fresh_store
    areas = setup_progress_unit(s, 3)
    for area, n in zip(areas, (5, 3, 0), strict=True):
        for _ in range(n):
            add_org(s, 1, area)
    cid = create_campaign(s, {"name": "Thử", "start_on": "2025-01-01", "end_on": "2025-03-31"})
    phase = add_phase(s, cid, "Giai đoạn 1", "2025-01-01", "2025-03-31")
    tid = create_target(s, phase, {"groups": "1", "kind": "percent", "value": 100,
                                     "baseline_source": "registry"})
    assert allocate_proportionally(s, tid) == {areas[0]: 5, areas[1]: 3, areas[2]: 0}
    set_allocation(s, tid, areas[0], 4)          # an existing row: updated, marked edited
    set_allocation(s, tid, areas[2], 1)          # a row with a zero share: edited too
    rows = s.query("SELECT area_code, value, edited FROM target_allocations WHERE target_id = ? ORDER BY area_code",
                   (tid,))
    assert rows == [{"area_code": areas[0], "value": 4, "edited": 1}, {"area_code": areas[1], "value": 3, "edited": 0},
                    {"area_code": areas[2], "value": 1, "edited": 1}]
    s.execute("DELETE FROM target_allocations WHERE target_id = ? AND area_code = ?", (tid, areas[1]))
    set_allocation(s, tid, areas[1], 2)          # no row yet: inserted as edited
    assert s.query_one("SELECT value, edited FROM target_allocations WHERE target_id = ? AND area_code = ?",
                       (tid, areas[1])) == {"value": 2, "edited": 1}
