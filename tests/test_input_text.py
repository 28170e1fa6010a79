"""Text read from an imported file: control and XML-illegal characters are dropped at input (so a value never
comes back different from a workbook the app writes), and a CSV file in an encoding that is not Vietnamese
is refused instead of imported as mojibake."""

from __future__ import annotations

import pytest
import xlsxwriter

from models.core.store import Store
from models.sync.merge import merge_files
from models.tabular import read_table
from models.tabular.reader import UnreadableFile
from services.sync import export_workbook
from tests.factories import messy_files as mf
from tests.factories.sync import make_data, make_province, make_unit, trust

HOSTILE = "Công ty\x00 TNHH\x07 Hòa\x1b Bình\ufffe\uffff"
CLEAN = "Công ty TNHH Hòa Bình"


def test_nul_and_control_characters_after_the_first_4000_bytes_of_a_csv_are_dropped(tmp_path):
    lines = ["Tên tổ chức,Ghi chú"] + [f"Tổ chức số {i},dòng thường" for i in range(300)]
    lines.append(f'{HOSTILE},"cột\tcó TAB\r\nvà xuống dòng"')
    path = tmp_path / "danh-sach.csv"
    path.write_bytes("\n".join(lines).encode("utf-8"))
    assert path.read_bytes().index(b"\x00") > 4000
    table = read_table(path)
    assert table.rows[-1] == [CLEAN, "cột\tcó TAB\r\nvà xuống dòng"]


def test_control_characters_in_a_workbook_are_dropped(tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Danh sách")
    sheet.write_string(0, 0, "Tên tổ chức")
    sheet.write_string(1, 0, "Công ty\x00 TNHH\x07 Hòa\x1b Bình")  # written as _x0007_…, read back as the character
    book.close()
    table = read_table(path)
    assert table.rows[1][0] == CLEAN


def test_a_shift_jis_csv_with_an_ascii_header_is_refused(tmp_path):
    path = tmp_path / "nhat-ban.csv"
    path.write_bytes(b"ten,mst,dia chi\n" + "株式会社ヤマダ電機,0101234567,カタカナ\n".encode("shift_jis") * 5)
    with pytest.raises(UnreadableFile) as refused:
        read_table(path)
    assert "«nhat-ban.csv»" in str(refused.value) and "bảng mã" in str(refused.value)


def test_vietnamese_in_windows_1258_is_still_read(tmp_path):
    path = tmp_path / "cp1258.csv"
    path.write_bytes(mf.encode_cp1258("Tên tổ chức,Mã số thuế\nHợp tác xã Đồng Tháp,0301234567\n"))
    assert read_table(path).rows[1] == ["Hợp tác xã Đồng Tháp", "0301234567"]


def test_a_name_imported_with_u_fffe_does_not_block_the_units_sync_files(tmp_path, run_cli, clock):
    db = tmp_path / "donvi.sqlite"
    unit = Store(db, clock=clock)
    make_data(unit, make_unit(unit), 10, seed=2)
    mf.add_areas(unit)
    unit.close()
    orgs = mf.make_orgs(3, seed=12)
    orgs[0].name = "Công ty TNHH Thương\ufffe mại\x01 Sao Mai"
    source = mf.write_csv(mf.build(orgs, mf.Layout()), tmp_path / "danh-sach.csv")
    imported = run_cli("import-orgs", "--db", db, "--group", "1", source)
    assert imported.returncode == 0, imported.stderr
    unit = Store(db, clock=clock)
    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    try:
        assert unit.scalar("SELECT COUNT(*) FROM organizations WHERE name = 'Công ty TNHH Thương mại Sao Mai'") == 1
        result = export_workbook(unit, tmp_path / "dongbo.xlsx", full=True, unencrypted=True)
        make_province(province)
        trust(province, unit)
        [merged] = merge_files(province, [result.path])
        assert merged.status == "accepted", merged
    finally:
        unit.close()
        province.close()
