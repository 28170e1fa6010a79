"""Divisions before and after 1 July 2025: the official old → new conversion, at registry import, and the
officer's choice when an old commune was split (issue 13, item 5)."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from models.core.errors import UserError
from models.registry import divisions, units
from models.registry.importing import analyse_file, apply_analysis, import_file
from tests.factories.registry import tax_codes

# The unit: Rạch Giá (old Kiên Giang) and Châu Đốc / Vĩnh Tế / An Phú / Nhơn Hội (old An Giang).
UNIT_AREAS = ("30742", "30760", "30316", "30325", "30337", "30346")


@pytest.fixture
def store(fresh_store):
    unit_id = units.save_unit(fresh_store, {"name": "Phòng PC06 Công an tỉnh An Giang", "province_code": "91"})
    wards = {w.code: w for w in units.official_wards("91")}
    units.set_unit_areas(fresh_store, unit_id, [wards[c] for c in UNIT_AREAS])
    return fresh_store


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["DANH SÁCH DOANH NGHIỆP (số liệu tháng 01/2025)"])
        writer.writerow([])
        writer.writerow(header)
        writer.writerows(rows)
    return path


# ---- the library's official conversion on real communes -----------------------------------------------
def test_an_giang_is_made_of_the_old_an_giang_and_kien_giang():
    assert divisions.legacy_province_codes("91") == ["89", "91"]
    old = divisions.old_wards("91")
    assert {w.province_name for w in old} == {"Tỉnh An Giang", "Tỉnh Kiên Giang"}
    assert len(old) > 250 and all(len(w.code) == 5 and w.new_codes for w in old)


def test_an_old_ward_merged_whole_into_a_new_one():
    index = divisions.OldWardIndex({"91"})
    conversion = divisions.convert(index, "Phường Vĩnh Thanh Vân")
    assert conversion.candidates == ("30742",) and not conversion.needs_choice
    assert conversion.old_label == "Phường Vĩnh Thanh Vân, Thành phố Rạch Giá"
    # an old address: street, old ward, old city, old province — without diacritics and with "p."
    conversion = divisions.convert(index, "12 Le Loi, p. Vinh Thanh, TP Rach Gia, Kien Giang")
    assert conversion.candidates == ("30742",)
    assert "Phường Vĩnh Thanh Vân" in divisions.old_names_of("30742")
    assert divisions.old_names_of("99999") == ""


def test_a_split_commune_needs_the_officers_choice():
    index = divisions.OldWardIndex({"91"})
    conversion = divisions.convert(index, "xã Vĩnh Châu, thành phố Châu Đốc, tỉnh An Giang")
    assert conversion.needs_choice and conversion.candidates == ("30316", "30325")  # Châu Đốc, Vĩnh Tế
    # only the communes of the areas table count
    only_one = divisions.convert(index, "Xã Vĩnh Châu", {"30325"})
    assert only_one.candidates == ("30325",) and not only_one.needs_choice
    assert divisions.convert(index, "Xã Không Có Thật") is None
    assert divisions.is_before_merger("2025-06-30") and not divisions.is_before_merger(dt.date(2025, 7, 1))


def test_current_names_win_over_old_ones(store, tmp_path):
    # "Phường Rạch Giá" is a current ward: no conversion, no warning
    path = write_csv(tmp_path / "moi.csv", ["Mã số thuế", "Tên doanh nghiệp", "Xã/Phường"],
                     [[tax_codes(5, 1)[0], "Công ty TNHH Biển Xanh", "Phường Rạch Giá"]])
    analysis = analyse_file(store, path, 1)
    assert analysis.records[0].values["area_code"] == "30742"
    assert not analysis.issues and not analysis.area_choices


# ---- import of a source list with old districts and communes -------------------------------------------
def test_import_with_old_addresses_converts_and_records_the_split(store, tmp_path):
    codes = tax_codes(11, 4)
    path = write_csv(tmp_path / "dn-2024.csv", ["STT", "Mã số thuế", "Tên doanh nghiệp", "Địa chỉ trụ sở"], [
        [1, codes[0], "Công ty TNHH Thủy sản Vĩnh Thanh Vân", "25 Trần Phú, phường Vĩnh Thanh Vân, TP. Rạch Giá, "
                                                              "tỉnh Kiên Giang"],
        [2, codes[1], "Doanh nghiệp tư nhân Vĩnh Châu", "Tổ 3, xã Vĩnh Châu, thành phố Châu Đốc, tỉnh An Giang"],
        [3, codes[2], "Công ty CP Phú Hội", "Ấp Phú Thạnh, Xã Phú Hội, Huyện An Phú, An Giang"],
        [4, codes[3], "Công ty TNHH Ngoài Tỉnh", "1 Lê Duẩn, Quận 1, TP Hồ Chí Minh"],
    ])
    result = import_file(store, path, 1)
    assert result.written and result.inserted == 4 and result.area_choices == 2
    orgs = {r["tax_code"]: r for r in store.query("SELECT id, tax_code, area_code FROM organizations")}
    assert orgs[codes[0]]["area_code"] == "30742"  # merged whole into Phường Rạch Giá
    assert orgs[codes[1]]["area_code"] == "30316"  # split: the first candidate for now
    assert orgs[codes[2]]["area_code"] == "30337"
    assert orgs[codes[3]]["area_code"] is None  # another province: nothing to convert
    warnings = [i for i in result.issues if i.level == "warning"]
    by_row = {i.row: i for i in warnings}
    assert "Phường Vĩnh Thanh Vân, Thành phố Rạch Giá" in by_row[4].message and "«Phường Rạch Giá»" in by_row[4].message
    assert "«Phường Châu Đốc», «Phường Vĩnh Tế»" in by_row[5].message and by_row[5].column == 3
    assert 7 not in by_row
    choices = divisions.open_choices(store)
    assert [(c["name"], c["candidates"]) for c in choices] == [
        ("Công ty CP Phú Hội", [("30337", "Xã An Phú"), ("30346", "Xã Nhơn Hội")]),
        ("Doanh nghiệp tư nhân Vĩnh Châu", [("30316", "Phường Châu Đốc"), ("30325", "Phường Vĩnh Tế")]),
    ]
    vinh_chau = choices[1]
    assert vinh_chau["old_name"] == "Xã Vĩnh Châu, Thành phố Châu Đốc" and vinh_chau["area_name"] == "Phường Châu Đốc"

    # the officer picks Vĩnh Tế: the organization moves, the choice is closed, the audit says who and why
    with pytest.raises(UserError, match="không nằm trong"):
        divisions.choose_area(store, vinh_chau["id"], "30742")
    divisions.choose_area(store, vinh_chau["id"], "30325")
    assert store.scalar("SELECT area_code FROM organizations WHERE tax_code = ?", (codes[1],)) == "30325"
    assert [c["name"] for c in divisions.open_choices(store)] == ["Công ty CP Phú Hội"]
    actions = [r["action"] for r in store.query(
        "SELECT action FROM audit_log WHERE object_type = 'organization' AND object_id = ? ORDER BY id",
        (str(orgs[codes[1]]["id"]),))]
    assert actions[-3:] == ["area_choice.open", "organization.area_choice", "area_choice.choose"]

    # importing the same list again does not reopen the choice made
    import_file(store, path, 1)
    assert [c["name"] for c in divisions.open_choices(store)] == ["Công ty CP Phú Hội"]
    assert store.scalar("SELECT area_code FROM organizations WHERE tax_code = ?", (codes[1],)) == "30325"


def test_import_with_an_old_commune_column_and_a_dry_run(store, tmp_path):
    codes = tax_codes(12, 3)
    path = write_csv(tmp_path / "htx.csv", ["Mã số thuế", "Tên hợp tác xã", "Xã/Phường"], [
        [codes[0], "HTX Vĩnh Lạc", "P. Vĩnh Lạc"],
        [codes[1], "HTX Vĩnh Châu", "Xã Vĩnh Châu"],
        [codes[2], "HTX Không Rõ", "Xã Đâu Đó"],
        [codes[1], "HTX Vĩnh Châu", "Xã Vĩnh Châu"],  # repeated row of the same organization
    ])
    analysis = analyse_file(store, path, 2)
    values = {r.values["tax_code"]: r.values.get("area_code") for r in analysis.records}
    assert values == {codes[0]: "30742", codes[1]: "30316", codes[2]: None}
    assert list(analysis.area_choices) == [5]  # the row the organization is recorded with
    assert json.dumps([w.code for w in analysis.area_choices[5].old])
    messages = [i.message for i in analysis.issues]
    assert any("Xã Đâu Đó" in m and "không có trong danh mục" in m for m in messages)
    dry = apply_analysis(store, analysis, dry_run=True)
    assert not dry.written and store.scalar("SELECT COUNT(*) FROM area_choices") == 0
    apply_analysis(store, analysis)
    assert store.scalar("SELECT COUNT(*) FROM area_choices WHERE chosen_code IS NULL") == 1


# ---- the officer's choice in the GUI --------------------------------------------------------------------
def test_area_choices_dialog_records_the_officers_pick(store, tmp_path, qtbot):
    from PySide6.QtWidgets import QComboBox

    from ui.context import AppContext
    from ui.dialogs.area_choices import AreaChoicesDialog

    codes = tax_codes(13, 2)
    path = write_csv(tmp_path / "dn.csv", ["Mã số thuế", "Tên doanh nghiệp", "Địa chỉ"], [
        [codes[0], "Công ty TNHH Vĩnh Tế Xanh", "Khóm 2, xã Vĩnh Châu, TP Châu Đốc"],
        [codes[1], "Công ty CP Nhơn Hội", "Ấp 1, xã Phú Hội, huyện An Phú"],
    ])
    import_file(store, path, 1)
    ctx = AppContext.create(store)
    try:
        dialog = AreaChoicesDialog(ctx)
        qtbot.addWidget(dialog)
        assert dialog.table.rowCount() == 2 and dialog.summary.text().startswith("2 tổ chức")
        assert dialog.table.item(0, 2).text() == "Xã Phú Hội, Huyện An Phú"
        combo = dialog.table.cellWidget(0, 3)
        assert isinstance(combo, QComboBox) and combo.currentText() == "Xã An Phú"
        assert [combo.itemText(i) for i in range(combo.count())] == ["Xã An Phú", "Xã Nhơn Hội"]
        combo.setCurrentIndex(1)
        dialog.table.cellWidget(1, 3).setCurrentIndex(1)  # Vĩnh Châu → Phường Vĩnh Tế
        assert dialog.save()
        assert dialog.table.rowCount() == 0 and not dialog.save_button.isEnabled()
        areas = {r["tax_code"]: r["area_code"] for r in store.query("SELECT tax_code, area_code FROM organizations")}
        assert areas == {codes[0]: "30325", codes[1]: "30346"}
    finally:
        ctx.changes.detach()


def test_online_dossiers_with_an_old_commune(store, tmp_path):
    """The national system's dossier list written with the old commune: the dossier gets the new one."""
    from models.dossiers import online_import
    from models.dossiers import records as dossier_records
    from tests.factories.dossiers import add_officers

    add_officers(store)
    codes = tax_codes(21, 2)
    path = tmp_path / "hs.csv"
    path.write_text(
        "Mã hồ sơ trực tuyến;Ngày nộp;Kênh nộp;Tên tổ chức;Mã số thuế;Xã/Phường\n"
        f"G01-1;08/01/2025;VNeID;Công ty TNHH Vĩnh Quang;{codes[0]};P. Vĩnh Quang\n"
        f"G01-2;08/01/2025;VNeID;Công ty TNHH Vĩnh Châu;{codes[1]};Xã Vĩnh Châu\n",
        encoding="utf-8")
    result = online_import.import_file(store, path)
    assert result.inserted == 2, result.errors
    assert [dossier_records.get(store, i)["area_code"] for i in result.dossier_ids] == ["30742", "30316"]
    assert any("dòng 2" in w and "địa bàn cũ (Phường Vĩnh Quang, Thành phố Rạch Giá), nay là «Phường Rạch Giá»" in w
               for w in result.warnings)
    assert any("dòng 3" in w and "nay chia cho «Phường Châu Đốc», «Phường Vĩnh Tế»" in w for w in result.warnings)


def test_import_summary_names_the_choices_left(store, tmp_path):
    from ui.dialogs.import_dialog import describe_counts

    codes = tax_codes(31, 2)
    path = write_csv(tmp_path / "dn.csv", ["Mã số thuế", "Tên doanh nghiệp", "Xã/Phường"], [
        [codes[0], "Công ty TNHH Vĩnh Tế Xanh", "Xã Vĩnh Châu"],
        [codes[1], "Công ty TNHH Rạch Giá", "Phường Vĩnh Thanh Vân"],
    ])
    analysis = analyse_file(store, path, 1)
    dry = apply_analysis(store, analysis, dry_run=True)
    assert "Địa bàn cũ cần chọn lại xã, phường: 1 (Tệp › Địa bàn cũ cần chọn…)." in describe_counts(dry, done=False)
    plain = write_csv(tmp_path / "moi.csv", ["Mã số thuế", "Tên doanh nghiệp", "Xã/Phường"],
                      [[tax_codes(32, 1)[0], "Công ty Mới", "Phường Rạch Giá"]])
    assert "Địa bàn cũ" not in describe_counts(import_file(store, plain, 1), done=True)


def test_a_district_column_settles_old_communes_of_the_same_name(fresh_store, tmp_path):
    """Old Xã Bình An of Huyện Kiên Lương is Xã Kiên Lương today, while old Xã Bình An of Huyện Châu Thành
    is today's Xã Bình An: a list of before 1/7/2025 with a «Quận/Huyện» column says which."""
    from models.registry.importing import recognise_header

    unit_id = units.save_unit(fresh_store, {"name": "Phòng PC06 Công an tỉnh An Giang", "province_code": "91"})
    wards = {w.code: w for w in units.official_wards("91")}
    units.set_unit_areas(fresh_store, unit_id, [wards[c] for c in ("30898", "30787", "30742")])
    assert recognise_header("Quận/Huyện") == recognise_header("Huyện, thị xã") == "district"
    assert recognise_header("Tên cơ quan") == "name"  # "quan" alone is not a district
    codes = tax_codes(41, 4)
    path = write_csv(tmp_path / "htx-2024.csv", ["Mã số thuế", "Tên hợp tác xã", "Xã/Phường", "Quận/Huyện"], [
        [codes[0], "HTX Bình An Kiên Lương", "Xã Bình An", "Huyện Kiên Lương"],
        [codes[1], "HTX Bình An Châu Thành", "Xã Bình An", "H. Châu Thành"],
        [codes[2], "HTX Bình An Mới", "Xã Bình An", ""],  # no district: today's commune of that name
        [codes[3], "HTX Vĩnh Lạc", "P. Vĩnh Lạc", "TP Rạch Giá"],
    ])
    analysis = analyse_file(fresh_store, path, 2)
    assert analysis.mapping[3] == "district"
    areas = {r.values["tax_code"]: r.values["area_code"] for r in analysis.records}
    assert areas == {codes[0]: "30787", codes[1]: "30898", codes[2]: "30898", codes[3]: "30742"}
    assert all("district" not in r.values for r in analysis.records)  # never written to the registry
    by_row = {i.row: i.message for i in analysis.issues}
    assert by_row[4].startswith("«Xã Bình An» (Huyện Kiên Lương) là địa bàn cũ (Xã Bình An, Huyện Kiên Lương)")
    assert "«Xã Kiên Lương»" in by_row[4]
    assert 6 not in by_row
    assert "«P. Vĩnh Lạc» (TP Rạch Giá) là địa bàn cũ" in by_row[7]
    result = apply_analysis(fresh_store, analysis)
    assert result.inserted == 4 and not divisions.open_choices(fresh_store)
