"""Identifiers as the law and real lists have them (issue 13 item 4): old ID cards and passports kept with a
warning, personal ID numbers in a tax-code column refused (never a dependent unit's code), digit 4 and the
birth year checked, the signer's block under a table skipped, the error workbook naming the organization."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from openpyxl import load_workbook

from models.registry import organizations
from models.registry.importing import analyse_file, import_file
from models.text.identifiers import check_personal_id, check_representative_id, check_tax_code
from services.imports import save_error_workbook
from tests.factories import messy_files as mf

HEADER = ["STT", "Tên doanh nghiệp", "Mã số thuế", "Người đại diện", "Số CCCD/Hộ chiếu", "Điện thoại"]


@pytest.fixture
def store(fresh_store):
    from tests.factories.dossiers import setup_unit

    setup_unit(fresh_store)
    return fresh_store


def test_twelve_digit_personal_ids_are_never_turned_into_branch_codes():
    """Every 12-digit number starting 0 (a personal ID, a household's tax code since 1/7/2025) is refused,
    whatever its check digit: before, "0" was put in front and 9% became a code ``00xxxxxxxx-xxx``."""
    refused = 0
    for serial in range(0, 2000):
        number = f"0911850{serial:05d}"
        checked = check_tax_code(number)
        assert checked.value is None and "định danh cá nhân" in checked.error, number
        refused += 1
    assert refused == 2000
    # the same number stored as a number cell (11 digits left): said what it looks like
    checked = check_tax_code(91185000123)
    assert checked.value is None and "định danh cá nhân" in checked.error
    # a dependent unit's code stored as a number keeps working, with the restoration reported
    branch = check_tax_code(312687878001)
    assert branch.value == "0312687878-001" and branch.warnings


@pytest.mark.parametrize("number, words", [
    ("091795001234", "chữ số thứ 4 «7»"),  # born in the 2200s: impossible
    ("091985001234", "chữ số thứ 4 «9»"),
    ("091399001234", "năm sinh 2099"),  # a woman born in 2099
    ("091230001234", "năm sinh 2030"),
])
def test_digit_four_and_birth_year_warn(number, words):
    checked = check_personal_id(number, today=dt.date(2025, 1, 9))
    assert checked.ok and checked.value == number  # kept: the current law only guarantees 12 digits
    assert any(words in w for w in checked.warnings), checked.warnings


@pytest.mark.parametrize("number", ["091085000123", "079185000456", "091205000789", "001300123456"])
def test_plausible_personal_ids_do_not_warn(number):
    assert check_personal_id(number, today=dt.date(2025, 1, 9)).warnings == []


@pytest.mark.parametrize("raw, kept, words", [
    ("123456789", "123456789", "chứng minh nhân dân cũ"),
    (123456789, "123456789", "chứng minh nhân dân cũ"),
    ("B1234567", "B1234567", "hộ chiếu"),
    ("c 8765 4321", "C87654321", "hộ chiếu"),
    ("E12345678", "E12345678", "hộ chiếu"),
])
def test_old_id_cards_and_passports_are_kept_with_a_warning(raw, kept, words):
    checked = check_representative_id(raw)
    assert checked.ok and checked.value == kept and any(words in w for w in checked.warnings)


@pytest.mark.parametrize("raw", ["ABC", "12345", "0912-abc", "=HYPERLINK(\"x\")"])
def test_what_is_no_paper_number_is_still_refused(raw):
    assert not check_representative_id(raw).ok


def _grid():
    return [
        ["DANH SÁCH DOANH NGHIỆP TRÊN ĐỊA BÀN"],
        [],
        HEADER,
        [1, "Công ty TNHH Sao Mai", "0100233488", "Nguyễn Văn Ánh", "091085000123", "0912345678"],
        [2, "Công ty CP Hải Âu", "0312687878", "Trần Thị Bé", "362145879", "0912345679"],  # old ID card
        [3, "Công ty TNHH Daewoo Mekong", "0314409058", "Kim Min Soo", "M12345678", ""],  # passport
        [4, "Hộ kinh doanh Bà Ba", "091185000123", "Lê Thị Ba", "091185000123", ""],  # personal ID as MST
        [5, "Công ty TNHH Ngày Sinh Lạ", "0101245486", "Phạm Văn Tư", "091795001234", ""],  # digit 4
        [6, "Công ty TNHH Số Điện Thoại", 100109106, "Võ Văn Năm", "", ""],  # leading zero lost
        ["Tổng cộng: 6 doanh nghiệp"],
        [],
        ["", "", "", "An Giang, ngày 08 tháng 01 năm 2025"],
        ["", "Người lập biểu", "", "Thủ trưởng đơn vị"],
        ["", "(Ký, ghi rõ họ tên)", "", "(Ký tên, đóng dấu)"],
        [],
        ["", "Nguyễn Thị Lập", "", "Trần Văn Trưởng"],
        ["", "Đại úy"],
    ]


def test_registry_import_keeps_reps_with_old_papers_and_skips_the_signers(store, tmp_path):
    path = mf.write_xlsx(mf.Built(grid=_grid(), rows={}, header_rows=[3]), tmp_path / "ds.xlsx")
    analysis = analyse_file(store, path, 1)
    assert analysis.read == 6, [i.as_dict() for i in analysis.issues]  # no signer, title or date read as a row
    assert analysis.rejected == 1
    (error,) = analysis.errors
    assert error.row == 7 and error.column_letter == "C" and "định danh cá nhân" in error.message
    assert error.name == "Hộ kinh doanh Bà Ba"
    warnings = {(i.row, i.column_letter): i.message for i in analysis.issues if i.level == "warning"}
    assert "chứng minh nhân dân cũ" in warnings[(5, "E")]
    assert "hộ chiếu" in warnings[(6, "E")]
    assert "chữ số thứ 4" in warnings[(8, "E")]
    assert "mất số 0" in warnings[(9, "C")]  # the restoration counts as a warning now
    result = import_file(store, path, 1)
    assert result.counts()["inserted"] == 5 and result.counts()["warnings"] == 4
    assert organizations.find_by_tax_code(store, "0312687878")["rep_id_number"] == "362145879"
    assert organizations.find_by_tax_code(store, "0314409058")["rep_id_number"] == "M12345678"
    assert store.scalar("SELECT count(*) FROM organizations WHERE tax_code LIKE '00%'") == 0
    assert store.scalar("SELECT count(*) FROM organizations WHERE name LIKE '%Lập%' OR name LIKE '%Đại úy%'") == 0
    # the error workbook says whose row each problem is on
    out = save_error_workbook(None, tmp_path / "loi.xlsx", source_name="ds.xlsx", result=result, group=1)
    sheet = load_workbook(out)["Lỗi"]
    assert sheet.cell(4, 7).value == "Tên tổ chức"
    names = {row[0]: row[6] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert names[7] == "Hộ kinh doanh Bà Ba" and names[5] == "Công ty CP Hải Âu"


def test_a_data_row_after_the_signers_is_still_read(store, tmp_path):
    """Only short lines are taken for the signer's block: a real row with a tax code is data."""
    grid = _grid()[:10] + [["", "Người lập biểu"], [7, "Công ty Ghi Sau", "1771284820", "Lê Sau", "", ""]]
    path = mf.write_xlsx(mf.Built(grid=grid, rows={}, header_rows=[3]), tmp_path / "sau.xlsx")
    analysis = analyse_file(store, path, 1)
    assert analysis.read == 7 and any(r.values.get("tax_code") == "1771284820" for r in analysis.records)


def test_no_valid_personal_id_prefix_becomes_a_tax_code():
    """Exhaustive over the 63 old province prefixes and both centuries: none passes as a tax code."""
    from models.text.identifiers import PROVINCE_ID_PREFIXES

    for prefix, digit in itertools.product(sorted(PROVINCE_ID_PREFIXES), "0123"):
        assert check_tax_code(f"{prefix}{digit}85000123").value is None


def test_names_that_look_like_footer_words_are_data_when_the_row_is_filled(store, tmp_path):
    grid = [["Tên doanh nghiệp", "Mã số thuế", "Người đại diện", "Địa chỉ"],
            ["Công ty TNHH Người Lập Trình", "0100233488", "Lê Văn A", "12 Trần Phú"],
            ["Công ty TNHH Ngày Tháng Năm", "0312687878", "Lê Văn B", "3 Lê Lợi"],
            ["Rạch Giá, ngày 08 tháng 01 năm 2025"],
            ["Người lập biểu", "", "Thủ trưởng đơn vị"],
            ["Nguyễn Thị Lập", "", "Trần Văn Trưởng"]]
    path = mf.write_xlsx(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "ten.xlsx")
    analysis = analyse_file(store, path, 1)
    assert analysis.read == 2 and analysis.rejected == 0, [i.as_dict() for i in analysis.issues]
    assert [r.values["name"] for r in analysis.records] == ["Công ty TNHH Người Lập Trình",
                                                            "Công ty TNHH Ngày Tháng Năm"]
