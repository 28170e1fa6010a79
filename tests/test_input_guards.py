"""Size guards on input files (``models.tabular.guard``) and "a refused file writes nothing" in the importers.

The end-to-end corpus (every importer × every broken file, in subprocesses) is ``tests/test_bad_inputs.py``;
these are the fast unit checks of the rules themselves. Files that would make calamine abort are only ever
given to the guard here (never to calamine in this process).
"""

from __future__ import annotations

import time

import pytest
import xlsxwriter

from models.core.errors import UserError
from models.dossiers import online_import as dossier_import
from models.registry import units
from models.sync.merge import REFUSED, merge_file
from models.sync.reader import read_sync_file
from models.tabular import UnreadableFile, guard, read_table
from tests.factories.bad_inputs import _SHEET_END, HEADER, _cell, _handmade_xlsx, _sheet_start
from tests.factories.dossiers import setup_unit


def _sheet(rows_xml: list[str], dimension: str | None = None) -> bytes:
    return _handmade_xlsx([_sheet_start(dimension), *rows_xml, _SHEET_END])


def _write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _plain_rows(n: int) -> list[str]:
    return ["<row>" + "".join(_cell(h) for h in HEADER) + "</row>"] + [
        "<row>" + _cell(f"Công ty TNHH Số {i}") + _cell("1700123456") + "</row>" for i in range(n - 1)]


# ---- the workbook guard (before calamine) --------------------------------------------------------------
def test_a_far_cell_is_refused_before_calamine_sees_it(tmp_path):
    rows = ['<row r="1">' + _cell("Tên tổ chức") + "</row>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>cuối</t></is></c></row>']
    path = _write(tmp_path, "o-xa.xlsx", _sheet(rows))  # no <dimension>: only the cells say how big it is
    with pytest.raises(UserError) as info:
        guard.check_workbook_extent(path, path.name)
    message = str(info.value)
    assert "«o-xa.xlsx»" in message and "«Danh sách»" in message and "500.000 dòng" in message


def test_rows_out_of_order_are_still_caught(tmp_path):
    rows = ['<row r="900000"><c r="A900000" t="inlineStr"><is><t>x</t></is></c></row>',
            '<row r="1">' + _cell("Tên tổ chức") + "</row>"]
    path = _write(tmp_path, "lon-xon.xlsx", _sheet(rows))
    with pytest.raises(UserError, match="lon-xon.xlsx"):
        guard.check_workbook_extent(path, path.name)


def test_a_wide_and_long_grid_is_refused_but_a_wide_row_is_not(tmp_path):
    wide = '<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>'
    one_row = _write(tmp_path, "mot-dong-rong.xlsx", _sheet([wide.format(r=1)]))
    guard.check_workbook_extent(one_row, one_row.name)  # 16,384 cells: harmless
    many = _write(tmp_path, "rong-va-dai.xlsx", _sheet([wide.format(r=1), wide.format(r=2000)]))
    with pytest.raises(UserError) as info:
        guard.check_workbook_extent(many, many.name)  # 2,000 × 16,384 = 32.8 million cells
    assert "rong-va-dai.xlsx" in str(info.value) and "16.384 cột" in str(info.value)


def test_declared_huge_dimension_is_named_in_the_message(tmp_path):
    path = _write(tmp_path, "khai-bao.xlsx", _sheet(['<row r="1">' + _cell("Tên") + "</row>"], "A1:XFD1048576"))
    with pytest.raises(UserError, match=r"khai-bao\.xlsx.*A1:XFD1048576"):
        guard.check_workbook_extent(path, path.name)


def test_row_count_is_exact_across_chunk_boundaries(tmp_path, monkeypatch):
    path = _write(tmp_path, "bien.xlsx", _sheet(_plain_rows(40)))
    monkeypatch.setattr(guard, "_CHUNK", 7)  # every tag is cut between two reads
    monkeypatch.setattr(guard, "MAX_ROWS", 40)
    guard.check_workbook_extent(path, path.name)
    monkeypatch.setattr(guard, "MAX_ROWS", 39)
    with pytest.raises(UserError, match="bien.xlsx"):
        guard.check_workbook_extent(path, path.name)


def test_prefixed_elements_are_counted(tmp_path, monkeypatch):
    """Some writers (OpenXML SDK) prefix every element: <x:worksheet>, <x:row>, <x:c>."""
    rows = "".join(f'<x:row><x:c t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>{"<x:c/>" * (i % 3)}</x:row>'
                   for i in range(30))
    xml = ('<?xml version="1.0" encoding="UTF-8"?><x:worksheet '
           'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
           f"{rows}</x:sheetData></x:worksheet>")
    path = _write(tmp_path, "sdk.xlsx", _handmade_xlsx([xml]))
    monkeypatch.setattr(guard, "MAX_ROWS", 30)
    monkeypatch.setattr(guard, "MAX_CELLS", 90)  # 30 rows × 3 cells (the widest row, counted without r=)
    guard.check_workbook_extent(path, path.name)
    monkeypatch.setattr(guard, "MAX_CELLS", 89)
    with pytest.raises(UserError, match="sdk.xlsx"):
        guard.check_workbook_extent(path, path.name)
    monkeypatch.setattr(guard, "MAX_ROWS", 29)
    with pytest.raises(UserError, match="sdk.xlsx.*hơn 29 dòng"):
        guard.check_workbook_extent(path, path.name)


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_cells_without_reference_count_by_position(tmp_path, monkeypatch, chunk):
    """Without r="…" calamine places cells one after another: one 2,000-cell row makes every row that wide."""
    wide = "<row>" + "<c/>" * 1999 + _cell("cuối") + "</row>"
    short = [f"<row>{_cell('x')}</row>" for _ in range(59)]
    path = _write(tmp_path, "vi-tri.xlsx", _sheet([wide, *short]))
    monkeypatch.setattr(guard, "_CHUNK", chunk)  # 7: the wide row is cut into hundreds of pieces
    monkeypatch.setattr(guard, "MAX_CELLS", 120_000)  # 60 rows × 2,000 columns
    guard.check_workbook_extent(path, path.name)
    monkeypatch.setattr(guard, "MAX_CELLS", 119_999)
    with pytest.raises(UserError, match=r"vi-tri\.xlsx.*60 dòng × 2\.000 cột"):
        guard.check_workbook_extent(path, path.name)


def test_damaged_zip_is_refused_in_vietnamese(tmp_path):
    good = _sheet(_plain_rows(3))
    path = _write(tmp_path, "cat-doi.xlsx", good[: len(good) // 2])
    with pytest.raises(UserError, match="«cat-doi.xlsx» bị hỏng"):
        guard.check_workbook_extent(path, path.name)


def test_read_table_refuses_too_many_rows_early(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_ROWS", 1000)
    path = _write(tmp_path, "nhieu-dong.xlsx", _sheet(_plain_rows(1001)))
    with pytest.raises(UnreadableFile) as info:
        read_table(path)
    assert "nhieu-dong.xlsx" in str(info.value) and "hãy tách thành nhiều tệp" in str(info.value).lower()
    exactly = _write(tmp_path, "du-dong.xlsx", _sheet(_plain_rows(1000)))
    assert len(read_table(exactly).rows) == 1000


def test_the_real_million_row_sheet_is_refused_quickly():
    from tests.test_bad_inputs import CORPUS

    start = time.perf_counter()
    with pytest.raises(UnreadableFile, match="mot-trieu-dong.xlsx.*500.000 dòng"):
        read_table(CORPUS / "mot-trieu-dong.xlsx")
    assert time.perf_counter() - start < 20  # ~0.5 s alone; without the guard calamine takes > 10 s


def test_an_ordinary_workbook_passes_and_reads(tmp_path):
    path = tmp_path / "binh-thuong.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("DS")
    sheet.write_row(0, 0, HEADER)
    for r in range(1, 3001):
        sheet.write_row(r, 0, [r, f"Công ty TNHH Thương mại số {r}", "0100233488", "Rạch Giá"])
    book.close()
    guard.check_workbook_extent(path, path.name)
    table = read_table(path)
    assert len(table.rows) == 3001 and table.rows[3000][1] == "Công ty TNHH Thương mại số 3000"


# ---- the table guard (after reading, any format) -------------------------------------------------------
def test_a_cell_longer_than_excel_allows_is_refused_with_row_and_column(tmp_path):
    path = tmp_path / "dai.csv"
    path.write_text("Tên tổ chức,Ghi chú\nCông ty A," + "x" * 40_000 + "\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"«dai\.csv», dòng 2, cột B: ô dài 40\.000 ký tự"):
        read_table(path)
    path.write_text("Tên tổ chức,Ghi chú\nCông ty A," + "x" * 32_767 + "\n", encoding="utf-8")
    assert len(read_table(path).rows[1][1]) == 32_767


def test_csv_row_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_ROWS", 50)
    path = tmp_path / "dai-qua.csv"
    path.write_text("Tên\n" + "Công ty\n" * 50, encoding="utf-8")
    with pytest.raises(UnreadableFile, match="dai-qua.csv.*hơn 50 dòng"):
        read_table(path)


def test_area_list_reader_uses_the_guard(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_ROWS", 10)
    path = _write(tmp_path, "dia-ban.xlsx", _sheet(_plain_rows(11)))
    with pytest.raises(UserError, match="dia-ban.xlsx"):
        units.read_area_file(path)


# ---- sync files ---------------------------------------------------------------------------------------
def test_sync_reader_guards_before_calamine(tmp_path):
    rows = ['<row r="1">' + _cell("Thông tin") + "</row>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>']
    path = _write(tmp_path, "dong-bo-xa.xlsx", _sheet(rows))
    with pytest.raises(UserError, match="dong-bo-xa.xlsx"):
        read_sync_file(path)


def test_a_refused_merge_writes_nothing(fresh_store, tmp_path):
    units.save_unit(fresh_store, {"name": "Phòng Cảnh sát QLHC về TTXH", "kind": "province", "code": "PC06-KG"})
    path = _write(tmp_path, "khong-phai-dong-bo.xlsx", _sheet(_plain_rows(3)))
    before = fresh_store.scalar("SELECT count(*) FROM audit_log")
    result = merge_file(fresh_store, path)
    assert result.status == REFUSED and "khong-phai-dong-bo.xlsx" in result.reason
    assert fresh_store.scalar("SELECT count(*) FROM audit_log") == before


# ---- dossier import ------------------------------------------------------------------------------------
def test_dossier_file_whose_rows_are_all_refused_leaves_no_trace(fresh_store, tmp_path):
    setup_unit(fresh_store)
    path = tmp_path / "toan-loi.csv"
    path.write_text("Tên tổ chức,Mã số thuế\nCông ty A,0100233489\nCông ty B,123\n", encoding="utf-8")
    before = fresh_store.scalar("SELECT count(*) FROM audit_log")
    result = dossier_import.import_file(fresh_store, path)
    assert result.rejected == 2 and result.import_id is None
    assert any("«toan-loi.csv»" in w and "không nhập gì" in w for w in result.warnings)
    assert fresh_store.scalar("SELECT count(*) FROM imports") == 0
    assert fresh_store.scalar("SELECT count(*) FROM audit_log") == before


def test_dossier_messages_name_the_file(fresh_store, tmp_path):
    setup_unit(fresh_store)
    no_header = tmp_path / "khong-tieu-de.csv"
    no_header.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UserError, match="«khong-tieu-de.csv»: không tìm thấy dòng tiêu đề"):
        dossier_import.import_file(fresh_store, no_header)
    header_only = tmp_path / "chi-tieu-de.csv"
    header_only.write_text("Tên tổ chức,Mã số thuế\n,\n", encoding="utf-8")
    with pytest.raises(UserError, match="«chi-tieu-de.csv»: không có dòng dữ liệu"):
        dossier_import.import_file(fresh_store, header_only)
    assert fresh_store.scalar("SELECT count(*) FROM imports") == 0
