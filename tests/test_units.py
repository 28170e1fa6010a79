"""The unit using the app and its areas: official divisions, typed and imported area lists."""

from __future__ import annotations

import csv

import pytest
import xlsxwriter

from models.core.errors import PermissionDenied, UserError
from models.core.store import Actor
from models.registry import units


def test_official_divisions_after_2025_merger():
    provinces = units.official_provinces()
    assert len(provinces) == 34
    an_giang = units.official_province("91")
    assert an_giang.name == "An Giang"
    wards = units.official_wards("91")
    by_code = {w.code: w for w in wards}
    # Kiên Giang merged into An Giang: Rạch Giá and Phú Quốc are now An Giang's
    assert by_code["30742"].name == "Phường Rạch Giá"
    assert by_code["31078"].division_type == "đặc khu"
    assert all(len(w.code) == 5 and w.province_code == "91" for w in wards)
    assert sum(len(units.official_wards(p.code)) for p in provinces) == 3321
    assert units.official_province("1").name == "Thành phố Hà Nội"
    with pytest.raises(UserError):
        units.official_province("99")


def test_save_unit_and_areas(fresh_store):
    store = fresh_store
    assert units.current_unit(store) is None
    unit_id = units.save_unit(store, {"name": "Công an phường Rạch Giá", "parent_name": "Công an tỉnh An Giang",
                                      "province_code": "91"})
    unit = units.current_unit(store)
    assert unit["id"] == unit_id and unit["province_name"] == "An Giang" and unit["place_name"] == "An Giang"
    wards = {w.code: w for w in units.official_wards("91")}
    result = units.set_unit_areas(store, unit_id, [wards["30742"], wards["30760"]])
    assert result == {"areas": 2, "added": 2, "removed": 0}
    assert [a["name"] for a in units.unit_areas(store)] == ["Phường Rạch Giá", "Phường Vĩnh Thông"]
    # a typed area outside the official list, and dropping one
    result = units.set_unit_areas(store, unit_id, [wards["30742"], {"code": "KP-05", "name": "Khu phố 5"}])
    assert result == {"areas": 2, "added": 1, "removed": 1}
    assert {a["code"] for a in units.unit_areas(store)} == {"30742", "KP-05"}
    assert store.scalar("SELECT unit_id FROM areas WHERE code = '30760'") is None  # kept, not covered
    # editing the unit keeps its id and code
    same = units.save_unit(store, {"name": "Công an phường Rạch Giá (mới)", "province_code": "91"}, unit_id=unit_id)
    assert same == unit_id and units.current_unit(store)["name"] == "Công an phường Rạch Giá (mới)"
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'unit.areas'") == 2
    with pytest.raises(UserError, match="lặp"):
        units.set_unit_areas(store, unit_id, [wards["30742"], wards["30742"]])
    hanoi = units.save_unit(store, {"name": "Công an phường Ba Đình", "province_code": "01"}, make_current=False)
    assert store.scalar("SELECT place_name FROM units WHERE id = ?", (hanoi,)) == "Hà Nội"
    assert units.current_unit(store)["id"] == unit_id
    with pytest.raises(UserError, match="Tên đơn vị"):
        units.save_unit(store, {"name": "  "})


def test_intake_officer_cannot_change_the_unit(fresh_store):
    store = fresh_store
    store.execute("INSERT INTO officers(id, username, full_name, role, created_at) "
                  "VALUES (7, 'canbo', 'Lê Thị Nhung', 'intake', '2025-01-01')")
    store.actor = Actor(7, "canbo", "Lê Thị Nhung", "intake")
    with pytest.raises(PermissionDenied):
        units.save_unit(store, {"name": "Công an xã Hòn Đất"})


def test_read_area_csv_with_bom_semicolon_and_lost_zero(tmp_path):
    path = tmp_path / "dia ban.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write("DANH SÁCH ĐỊA BÀN\n")
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["STT", "Mã địa bàn", "Tên xã, phường"])
        writer.writerow(["1", "30742", "Phường Rạch Giá"])
        writer.writerow(["", "", ""])
        writer.writerow(["2", "KP5", "Khu phố 5"])
        writer.writerow(["", "", "Tổng cộng"])
    areas = units.read_area_file(path)
    assert areas == [{"code": "30742", "name": "Phường Rạch Giá"}, {"code": "KP5", "name": "Khu phố 5"}]


def test_read_area_xlsx_and_errors_name_file_row_column(tmp_path):
    path = tmp_path / "dia_ban.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["Ma", "Ten"])
    sheet.write_row(1, 0, [8734, "Xã Ví Dụ"])  # official code stored as a number lost its zero
    sheet.write_row(2, 0, [30742, "Phường Rạch Giá"])
    sheet.write_row(3, 0, [30742, "Phường Rạch Giá lặp"])
    workbook.close()
    with pytest.raises(UserError) as info:
        units.read_area_file(path)
    assert "dia_ban.xlsx" in str(info.value) and "dòng 4" in str(info.value) and "cột A" in str(info.value)
    bad = tmp_path / "khong_tieu_de.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UserError, match="không tìm thấy dòng tiêu đề"):
        units.read_area_file(bad)


def test_imported_codes_get_their_leading_zero(fresh_store, tmp_path):
    store = fresh_store
    unit_id = units.save_unit(store, {"name": "Công an xã Ví Dụ"})
    units.set_unit_areas(store, unit_id, [{"code": "8734", "name": "Xã Ví Dụ"}])
    assert [a["code"] for a in units.unit_areas(store)] == ["08734"]


def test_save_unit_with_areas_is_one_transaction(fresh_store):
    store = fresh_store
    wards = {w.code: w for w in units.official_wards("91")}
    values = {"name": "Công an phường Rạch Giá", "province_code": "91"}
    with pytest.raises(UserError, match="ít nhất một xã, phường"):
        units.save_unit_with_areas(store, values, [])
    with pytest.raises(UserError, match="lặp"):  # the areas are refused: the unit is not saved either
        units.save_unit_with_areas(store, values, [wards["30742"], wards["30742"]])
    assert units.current_unit(store) is None and store.scalar("SELECT count(*) FROM units") == 0
    unit_id = units.save_unit_with_areas(store, values, [wards["30742"], wards["30760"]])
    assert units.current_unit(store)["id"] == unit_id
    assert {a["code"] for a in units.unit_areas(store)} == {"30742", "30760"}
    store.execute("INSERT INTO officers(id, username, full_name, role, created_at) "
                  "VALUES (7, 'canbo', 'Lê Thị Nhung', 'intake', '2025-01-01')")
    store.actor = Actor(7, "canbo", "Lê Thị Nhung", "intake")
    with pytest.raises(PermissionDenied):
        units.save_unit_with_areas(store, {"name": "Khác"}, [wards["30742"]], unit_id=unit_id)


def test_filter_areas_lists_the_units_own_first(fresh_store):
    store = fresh_store
    wards = {w.code: w for w in units.official_wards("91")}
    units.upsert_areas(store, [{"code": "99001", "name": "Ấp Ngoài"}])
    unit_id = units.save_unit_with_areas(store, {"name": "Công an phường Rạch Giá", "province_code": "91"},
                                         [wards["30760"], wards["30742"]])
    assert [a["code"] for a in units.filter_areas(store)] == ["30742", "30760", "99001"]
    assert units.unit_areas(store, unit_id)[0]["code"] == "30742"
