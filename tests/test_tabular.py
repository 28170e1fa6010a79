"""models.tabular: every format and encoding officers receive, row numbers as Excel shows them,
and a clear Vietnamese refusal (naming the file) for anything unreadable."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import Workbook

from models.tabular import UnreadableFile, column_letter, read_table
from tests.factories import messy_files as mf

TEXT = "Công ty TNHH Thương mại Đức Ưng"


def _csv_grid():
    return [["Tên doanh nghiệp", "Mã số thuế", "Địa chỉ"], [TEXT, "0100233488", "Số 1, Phường Rạch Giá"],
            [], ["Hợp tác xã Ơn Lợi; Thủy sản", "0312687878-001", 'Ấp "3", xã Ơn Lợi']]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encodings_and_separators(tmp_path, encoding, delimiter):
    path = mf.write_csv(mf.Built(grid=_csv_grid(), rows={}, header_rows=[1]), tmp_path / "ds.csv",
                        encoding=encoding, delimiter=delimiter)
    table = read_table(path)
    assert table.delimiter == delimiter
    assert table.rows[0] == ["Tên doanh nghiệp", "Mã số thuế", "Địa chỉ"]
    # cp1258 stores some tones as combining marks: the text is the same after NFC
    import unicodedata
    assert unicodedata.normalize("NFC", table.rows[1][0]) == TEXT
    assert table.rows[2] == []  # the blank line keeps its row number
    assert table.rows[3] == ["Hợp tác xã Ơn Lợi; Thủy sản", "0312687878-001", 'Ấp "3", xã Ơn Lợi']


def test_xlsx_keeps_excel_row_numbers_and_types(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["B3"] = "Mã số thuế"
    ws["B5"] = 100233488
    ws["C5"] = dt.datetime(2010, 3, 5)
    ws["C5"].number_format = "dd/mm/yyyy"
    ws.merge_cells("B3:C3")
    wb.save(tmp_path / "a.xlsx")
    table = read_table(tmp_path / "a.xlsx")
    assert table.rows[2][1] == "Mã số thuế"  # row 3, column B
    assert table.rows[4][1] == 100233488
    assert table.rows[4][2] in (dt.date(2010, 3, 5), dt.datetime(2010, 3, 5))
    assert (2, 1, 2, 2) in table.merged
    assert table.sheet_name == "Sheet"


def test_first_non_empty_sheet_is_read(tmp_path):
    wb = Workbook()
    wb.active.title = "Trống"
    wb.create_sheet("Danh sách")["A1"] = "Tên tổ chức"
    wb.save(tmp_path / "b.xlsx")
    table = read_table(tmp_path / "b.xlsx")
    assert table.sheet_name == "Danh sách"
    assert table.rows[0][0] == "Tên tổ chức"


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == \
        ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]


def _truncated_xlsx(tmp_path):
    good = mf.write_xlsx(mf.build(mf.make_orgs(5), mf.Layout()), tmp_path / "good.xlsx")
    data = good.read_bytes()
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    return bad


@pytest.mark.parametrize("case", ["empty", "extension", "html_xls", "truncated", "junk_xlsx", "junk_csv",
                                  "junk_xls", "missing", "zip_not_xlsx"])
def test_unreadable_files_are_refused_with_the_file_name(tmp_path, case):
    if case == "empty":
        path = tmp_path / "rong.xlsx"
        path.write_bytes(b"")
    elif case == "extension":
        path = tmp_path / "danh-sach.pdf"
        path.write_bytes(b"%PDF-1.4 ...")
    elif case == "html_xls":
        path = tmp_path / "xuat-tu-web.xls"
        path.write_text("<html><body><table><tr><td>Tên</td></tr></table></body></html>", encoding="utf-8")
    elif case == "truncated":
        path = _truncated_xlsx(tmp_path)
    elif case == "junk_xlsx":
        path = tmp_path / "rac.xlsx"
        path.write_bytes(bytes(range(256)) * 20)
    elif case == "junk_csv":
        path = tmp_path / "rac.csv"
        path.write_bytes(bytes(range(256)) * 20)
    elif case == "junk_xls":
        path = tmp_path / "rac.xls"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4)
    elif case == "zip_not_xlsx":
        path = tmp_path / "nen.xlsx"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("readme.txt", "không phải bảng tính")
    else:
        path = tmp_path / "khong-co.xlsx"
    with pytest.raises(UnreadableFile) as info:
        read_table(path)
    assert path.name in str(info.value)
    assert any(ch in str(info.value) for ch in "ệểảờố")  # a Vietnamese sentence, not a library traceback


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    if mf.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("lo")
    built = mf.build(mf.make_orgs(12, seed=3), mf.Layout(two_row_header=True, blank_every=4, dates="date"))
    xlsx = mf.write_xlsx(built, folder / "ds.xlsx")
    return built, {fmt: mf.convert(xlsx, fmt, folder) for fmt in ("xls", "ods")}


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_read_like_xlsx(converted, fmt):
    built, paths = converted
    table = read_table(paths[fmt])
    assert table.file_format == fmt
    for excel_row, org in built.rows.items():
        assert table.rows[excel_row - 1][1] == org.name
        assert table.rows[excel_row - 1][2] == org.tax_code
