"""Importing organization lists: messy files in every format, validation, and the registry rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models.core.errors import Cancelled
from models.core.progress import Progress
from models.registry import organizations
from models.registry import search as registry_search
from models.registry.importing import analyse_file, apply_analysis, import_file, recognise_header, save_mapping
from models.registry.importing.values import make_date_value, status_value
from models.text.normalize import clean
from tests.factories import messy_files as mf

FIXTURES = Path(__file__).parent / "fixtures"
TABLES = ("organizations", "org_sources", "audit_log", "duplicate_flags", "imports")


@pytest.fixture
def store(fresh_store):
    mf.add_areas(fresh_store)
    return fresh_store


def snapshot(store) -> dict:
    return {t: store.query(f"SELECT * FROM {t} ORDER BY rowid") for t in TABLES}


# ---- header recognition ------------------------------------------------------------------------------
@pytest.mark.parametrize("header, field", [
    ("Mã số thuế", "tax_code"), ("MST", "tax_code"), ("Ma so thue", "tax_code"), ("MÃ SỐ THUẾ", "tax_code"),
    ("Tên doanh nghiệp", "name"), ("Tên tổ chức", "name"), ("TEN TO CHUC", "name"), ("Tên HTX", "name"),
    ("Người đại diện theo pháp luật", "rep_name"), ("Nguoi dai dien theo phap luat", "rep_name"),
    ("Số CCCD/Định danh", "rep_id_number"), ("So CCCD/Dinh danh", "rep_id_number"),
    ("Địa chỉ trụ sở", "address"), ("ĐỊA CHỈ TRỤ SỞ CHÍNH", "address"), ("Dia chi", "address"),
    ("Ngày thành lập", "established_on"), ("Ngay thanh lap", "established_on"),
    ("Tình trạng", "status"), ("Tình trạng hoạt động", "status"), ("Điện thoại", "rep_phone"),
    ("ĐIỆN THOẠI", "rep_phone"), ("Dien thoai", "rep_phone"), ("Email", "rep_email"), ("Thư điện tử", "rep_email"),
    ("Xã/Phường", "area_name"), ("Xa/Phuong", "area_name"), ("Đơn vị hành chính", "area_name"),
    ("Mã xã", "area_code"), ("Người đứng đầu", "head_name"), ("Tên viết tắt", "short_name"),
    ("Tên tiếng Anh", "foreign_name"), ("Tên hợp tác xã", "name"), ("Tên xã/phường", "area_name"),
    ("Tên đơn vị hành chính", "area_name"), ("Tên đơn vị", "name"), ("Phường", "area_name"), ("Mã số doanh nghiệp", "enterprise_code"), ("STT", ""), ("Ghi chú", ""),
])
def test_headers_are_recognised_with_or_without_diacritics(header, field):
    import unicodedata

    assert recognise_header(header) == field
    assert recognise_header(unicodedata.normalize("NFD", header)) == field
    assert recognise_header("  " + header.upper() + " ") == field


def test_d_with_stroke_folds_in_headers():
    # "Đ"/"đ" fold to "d": "ĐỊA CHỈ", "Địa chỉ", "dia chi" and "DIA CHI" are the same header
    assert {recognise_header(h) for h in ("ĐỊA CHỈ", "Địa chỉ", "dia chi", "DIA CHI", "đia chi")} == {"address"}
    assert recognise_header("Điện thoại") == recognise_header("dien thoai") == "rep_phone"
    assert recognise_header("Người đứng đầu") == recognise_header("NGUOI DUNG DAU") == "head_name"
    assert recognise_header("Xyz không rõ") is None


# ---- messy layouts in every format -------------------------------------------------------------------
LAYOUTS = {
    "plain": mf.Layout(),
    "two_row_header": mf.Layout(two_row_header=True, column_numbers=True),
    "ascii_upper": mf.Layout(ascii_headers=True, upper_headers=True, dates="text"),
    "nfd_spaces": mf.Layout(nfd=True, stray_spaces=True),
    "numeric_tax": mf.Layout(numeric_tax=True, dates="serial"),
    "hyphenless_blank_rows": mf.Layout(hyphenless=True, blank_every=3, title_rows=False),
    "repeated_rows": mf.Layout(repeat=[0, 4, 4], footer=True, blank_every=5),
}
FORMATS = ["xlsx", "csv-utf8", "csv-utf8-bom-semicolon", "csv-utf16-tab", "csv-cp1258"]


def _write(built, tmp_path, fmt) -> Path:
    if fmt == "xlsx":
        return mf.write_xlsx(built, tmp_path / "ds.xlsx")
    options = {"csv-utf8": ("utf-8", ","), "csv-utf8-bom-semicolon": ("utf-8-sig", ";"),
               "csv-utf16-tab": ("utf-16", "\t"), "csv-cp1258": ("cp1258", ",")}[fmt]
    return mf.write_csv(built, tmp_path / "ds.csv", encoding=options[0], delimiter=options[1])


def _expected(org: mf.Org) -> dict:
    return {"name": clean(org.name), "tax_code": org.tax_code, "established_on": org.established_on.isoformat(),
            "address": clean(org.address), "area_code": org.area_code, "rep_name": clean(org.rep_name),
            "rep_id_number": org.rep_id_number, "rep_phone": org.rep_phone, "rep_email": org.rep_email,
            "status": org.status}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout_name", list(LAYOUTS))
def test_messy_files_are_read_row_by_row(store, tmp_path, layout_name, fmt):
    layout = LAYOUTS[layout_name]
    orgs = mf.make_orgs(14, seed=len(layout_name), branches=0.3)
    built = mf.build(orgs, layout)
    path = _write(built, tmp_path, fmt)
    analysis = analyse_file(store, path, 1)
    assert analysis.guess.confident, analysis.guess.unsure
    assert analysis.read == len(built.rows)  # data rows only: no title, header, blank or footer rows
    assert analysis.rejected == 0, [i.as_dict() for i in analysis.errors]
    assert analysis.duplicates == len(layout.repeat)
    first_rows = [row for row, _org in built.rows.items()][: len(orgs)]
    assert [r.row for r in analysis.records] == first_rows  # row numbers as Excel shows them
    for record, org in zip(analysis.records, orgs, strict=True):
        assert record.values == _expected(org)
    # every tax code a number cell stripped of its leading zero is restored, and counted as a warning
    restored = sum(1 for org in built.rows.values() if layout.numeric_tax and (org.tax_code or "").startswith("0"))
    assert analysis.warnings == restored, [i.as_dict() for i in analysis.issues]
    assert all("mất số 0" in i.message for i in analysis.issues)
    assert restored or not layout.numeric_tax


@pytest.fixture(scope="module")
def office_files(tmp_path_factory):
    if mf.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("office")
    orgs = mf.make_orgs(10, seed=21)
    built = mf.build(orgs, mf.Layout(two_row_header=True, numeric_tax=True, repeat=[1], blank_every=4))
    xlsx = mf.write_xlsx(built, folder / "ds.xlsx")
    return orgs, built, {fmt: mf.convert(xlsx, fmt, folder) for fmt in ("xls", "ods")}


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_lists(store, office_files, fmt):
    orgs, built, paths = office_files
    result = import_file(store, paths[fmt], 1)
    restored = sum(1 for org in built.rows.values() if (org.tax_code or "").startswith("0"))
    assert result.counts() == {"read": 11, "inserted": 10, "updated": 0, "unchanged": 0, "duplicates": 1,
                               "rejected": 0, "warnings": restored}
    for org in orgs:
        row = organizations.find_by_tax_code(store, org.tax_code)
        assert {k: row[k] for k in _expected(org)} == _expected(org)


def test_real_tax_codes_from_python_stdnum_tests(store, tmp_path):
    codes = [line.strip() for line in (FIXTURES / "real_tax_codes.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert len(codes) > 100
    grid = [["Tên doanh nghiệp", "Mã số thuế"]] + [[f"Đơn vị {n}", code] for n, code in enumerate(codes)]
    path = mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "that.csv")
    analysis = analyse_file(store, path, 3)
    assert analysis.rejected == 0, [i.as_dict() for i in analysis.errors][:5]
    digits = {"".join(ch for ch in c if ch.isdigit()) for c in codes}
    assert analysis.duplicates == len(codes) - len(digits)
    for record in analysis.records:
        code = record.values["tax_code"]
        assert len(code) in (10, 14) and (len(code) == 10 or code[10] == "-")
    for doc in ("0100233488", "0312687878-001", "0314409058-002"):
        assert any(r.values["tax_code"] == doc for r in analysis.records)


def test_tax_codes_stored_as_numbers_get_their_leading_zero_back(store, tmp_path):
    grid = [["Tên doanh nghiệp", "Mã số thuế"], ["A", 100233488], ["B", 312687878001], ["C", "0312687878 - 001"],
            ["D", "0100233489"], ["E", "03126878780000"[:13]]]
    path = mf.write_xlsx(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "n.xlsx")
    analysis = analyse_file(store, path, 1)
    values = {r.row: r.values["tax_code"] for r in analysis.records}
    assert values == {2: "0100233488", 3: "0312687878-001"}
    assert analysis.duplicates == 1  # row 4 is the same code as row 3
    errors = {(i.row, i.column_letter): i.message for i in analysis.errors}
    assert "sai chữ số kiểm tra" in errors[(5, "B")]
    assert "000" in errors[(6, "B")]


def test_errors_name_row_column_value_and_reason(store, tmp_path):
    grid = [["DANH SÁCH"], [], ["Tên doanh nghiệp", "Mã số thuế", "Số CCCD", "Điện thoại", "Email", "Ngày thành lập"],
            ["Công ty A", "0100233488", "0791234", "0912345678", "a@b.vn", "05/03/2010"],
            ["Công ty B", "", "", "", "", ""],
            ["", "0312687878-001", "", "", "", ""],
            ["Công ty C", "0314409058-002", "", "12345", "khong-phai-email", "31/02/2010"],
            ["Công ty D", "0100112437", "999123456789", "+84 912 345 678", "", "2010-03-05"]]
    path = mf.write_xlsx(mf.Built(grid=grid, rows={}, header_rows=[3]), tmp_path / "e.xlsx")
    analysis = analyse_file(store, path, 1)
    errors = {(i.row, i.column_letter, i.header): i.message for i in analysis.errors}
    assert "12 chữ số" in errors[(4, "C", "Số CCCD")]
    assert "Thiếu mã số thuế" in errors[(5, "B", "Mã số thuế")]
    assert "Thiếu tên tổ chức" in errors[(6, "A", "Tên doanh nghiệp")]
    assert "Số điện thoại" in errors[(7, "D", "Điện thoại")]
    assert "Thư điện tử" in errors[(7, "E", "Email")]
    assert "không tồn tại" in errors[(7, "F", "Ngày thành lập")]  # 31/02 is no day, not a wrong format
    assert analysis.rejected == 4 and analysis.read == 5
    (record,) = analysis.records
    assert record.row == 8 and record.values["rep_phone"] == "0912345678"
    assert record.values["established_on"] == "2010-03-05"
    warnings = [i for i in analysis.issues if i.level == "warning"]
    assert len(warnings) == 1 and warnings[0].row == 8 and "mã tỉnh" in warnings[0].message


def test_status_texts_and_dates():
    assert status_value("Đang hoạt động")[0] == "active"
    assert status_value("TẠM NGỪNG KINH DOANH")[0] == "suspended"
    assert status_value("Đang làm thủ tục giải thể")[0] == "dissolving"
    assert status_value("Đã giải thể")[0] == "dissolved"
    assert status_value("NNT ngừng hoạt động và đã hoàn thành thủ tục chấm dứt hiệu lực MST")[0] == "dissolved"
    value, error, warnings = status_value("Lạ hoắc")
    assert value == "unknown" and error is None and warnings
    assert status_value("")[0] is None
    date = make_date_value(dt.date(2025, 1, 9))
    assert date(dt.datetime(2010, 3, 5))[0] == "2010-03-05"
    assert date(40242.0)[0] == "2010-03-05"  # Excel serial
    assert date("5/3/2010")[0] == "2010-03-05"
    assert date("05-03-2010")[0] == "2010-03-05"
    assert date("05.03.10")[0] == "2010-03-05"
    assert date("ngày 05 tháng 03 năm 2010")[0] == "2010-03-05"
    assert date("30/02/2010")[1]
    assert date("2030-01-01")[2]  # in the future: a warning


def test_area_by_name_code_or_address(store, tmp_path):
    grid = [["Tên tổ chức", "Xã/Phường"], ["A", "Vĩnh Thanh Vân"], ["B", "phuong vinh thanh van"], ["C", "30002"],
            ["D", "Xã Không Có"]]
    path = mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "a.csv")
    analysis = analyse_file(store, path, 4)
    assert [r.values.get("area_code") for r in analysis.records] == ["30001", "30001", "30002", None]
    assert [i.row for i in analysis.issues if i.level == "warning"] == [5]
    grid = [["Tên tổ chức", "Địa chỉ"], ["E", "Ấp 3, Xã Ơn Lợi, tỉnh An Giang"], ["F", "Số 5, Hà Nội"]]
    path = mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "b.csv")
    analysis = analyse_file(store, path, 4)
    assert [r.values.get("area_code") for r in analysis.records] == ["30005", None]


# ---- the registry rules ------------------------------------------------------------------------------
def test_reimport_changes_nothing(store, tmp_path, clock):
    built = mf.build(mf.make_orgs(25, seed=2), mf.Layout(two_row_header=True, repeat=[3]))
    path = mf.write_xlsx(built, tmp_path / "ds.xlsx")
    first = import_file(store, path, 1)
    assert first.counts() == {"read": 26, "inserted": 25, "updated": 0, "unchanged": 0, "duplicates": 1,
                              "rejected": 0, "warnings": 0}
    before = snapshot(store)
    clock.advance(days=3)
    second = import_file(store, path, 1)
    assert second.counts() == {"read": 26, "inserted": 0, "updated": 0, "unchanged": 25, "duplicates": 1,
                               "rejected": 0, "warnings": 0}
    after = snapshot(store)
    for table in ("organizations", "org_sources", "duplicate_flags"):
        assert after[table] == before[table], table
    assert len(after["imports"]) == 2
    # Only the import's own line is added to the log (issue 14: every import is in the record).
    assert [r for r in after["audit_log"] if r not in before["audit_log"]] == [
        r for r in after["audit_log"] if r["action"] == "registry.import" and r["object_id"] == str(second.import_id)]


def test_blank_never_erases_and_changes_are_audited(store, tmp_path, clock):
    orgs = mf.make_orgs(5, seed=4)
    import_file(store, mf.write_xlsx(mf.build(orgs, mf.Layout()), tmp_path / "v1.xlsx"), 1)
    target = orgs[2]
    before = organizations.find_by_tax_code(store, target.tax_code)
    audit_before = store.scalar("SELECT count(*) FROM audit_log")
    grid = [["Mã số thuế", "Tên doanh nghiệp", "Điện thoại", "Địa chỉ trụ sở", "Email"],
            [target.tax_code, target.name, "", "Số 9 đường Lê Lợi, Xã Mong Thọ", ""],
            [orgs[3].tax_code, "", "", "", ""]]
    clock.advance(days=1)
    path = mf.write_xlsx(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "v2.xlsx")
    result = import_file(store, path, 1)
    assert (result.updated, result.unchanged, result.rejected) == (1, 0, 1)  # row 3 has no name: rejected
    after = organizations.find_by_tax_code(store, target.tax_code)
    assert after["rep_phone"] == before["rep_phone"] and after["rep_email"] == before["rep_email"]
    assert after["address"] == "Số 9 đường Lê Lợi, Xã Mong Thọ"
    assert after["version"] == before["version"] + 1
    assert after["updated_at"] == "2025-01-10 09:30:00"
    lines = store.query("SELECT * FROM audit_log WHERE id > (SELECT max(id) FROM audit_log) - 10 "
                        "AND action = 'organization.import'")
    # the new address lies in another commune (no area column: the area is read from the address)
    assert after["area_code"] == "30002" != before["area_code"]
    assert sorted((r["object_type"], r["object_id"], r["field"], r["old_value"], r["new_value"]) for r in lines) == [
        ("organization", str(after["id"]), "address", before["address"], after["address"]),
        ("organization", str(after["id"]), "area_code", before["area_code"], "30002")]
    # the two changes and the import's own line (issue 14)
    assert store.scalar("SELECT count(*) FROM audit_log") == audit_before + 3
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'registry.import'") == 2
    history = organizations.history(store, after["id"])
    assert {h["field"] for h in history[:2]} == {"address", "area_code"}
    assert "đường Lê Lợi" in after["search_text"] or "duong le loi" in after["search_text"]


def test_sources_file_and_row_are_recorded(store, tmp_path):
    built = mf.build(mf.make_orgs(3, seed=8), mf.Layout())
    path = mf.write_xlsx(built, tmp_path / "dkkd.xlsx")
    result = import_file(store, path, 1)
    rows = store.query("SELECT o.tax_code, s.source, s.file_name, s.row_number, s.import_id FROM org_sources s "
                       "JOIN organizations o ON o.id = s.org_id ORDER BY s.row_number")
    assert [(r["tax_code"], r["row_number"]) for r in rows] == [(o.tax_code, n) for n, o in built.rows.items()]
    assert {(r["source"], r["file_name"], r["import_id"]) for r in rows} == {("dkkd", "dkkd.xlsx", result.import_id)}
    imp = store.query_one("SELECT * FROM imports WHERE id = ?", (result.import_id,))
    assert imp["grp"] == 1 and imp["finished_at"] and '"inserted": 3' in imp["counts"]


def test_group4_same_name_same_area_is_flagged(store, tmp_path):
    grid = [["Tên tổ chức", "Địa chỉ", "Xã/Phường", "Điện thoại"],
            ["Chi hội Phụ nữ ấp 3", "Ấp 3", "Xã Mong Thọ", "0912000001"],
            ["Câu lạc bộ Dưỡng sinh", "Ấp 1", "Xã Ơn Lợi", ""]]
    first = mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "g4.csv")
    assert import_file(store, first, 4).counts()["inserted"] == 2
    grid2 = [["Tên tổ chức", "Địa chỉ", "Xã/Phường", "Điện thoại"],
             ["CHI HỘI PHỤ NỮ ẤP 3", "Ấp 3", "Mong Thọ", "0912000002"],  # same name & area, other phone
             ["Chi hội Phụ nữ ấp 3", "Ấp 3", "Xã Đông Thạnh", ""],  # same name, other area: not flagged
             ["Câu lạc bộ Dưỡng sinh", "Ấp 1", "Xã Ơn Lợi", ""]]  # the same organization again
    result = import_file(store, mf.write_csv(mf.Built(grid=grid2, rows={}, header_rows=[1]), tmp_path / "g4b.csv"), 4)
    assert (result.inserted, result.unchanged, result.flagged) == (2, 1, 1)
    flags = store.query("SELECT * FROM duplicate_flags")
    assert len(flags) == 1 and flags[0]["status"] == "open"
    names = {store.scalar("SELECT rep_phone FROM organizations WHERE id = ?", (flags[0][k],))
             for k in ("org_id", "other_org_id")}
    assert names == {"0912000001", "0912000002"}
    again = import_file(store, tmp_path / "g4b.csv", 4)
    assert (again.inserted, again.unchanged) == (0, 3)
    assert store.scalar("SELECT count(*) FROM duplicate_flags") == 1


def test_group_kept_for_an_organization_already_registered(store, tmp_path):
    orgs = mf.make_orgs(2, seed=9)
    import_file(store, mf.write_xlsx(mf.build(orgs, mf.Layout()), tmp_path / "g1.xlsx"), 1)
    result = import_file(store, mf.write_xlsx(mf.build(orgs, mf.Layout()), tmp_path / "g3.xlsx"), 3)
    assert result.unchanged == 2 and result.warnings == 2
    assert store.scalar("SELECT count(*) FROM organizations WHERE grp = 1") == 2


def test_dry_run_and_strict_write_nothing(store, tmp_path):
    grid = [["Tên doanh nghiệp", "Mã số thuế"], ["Công ty A", "0100233488"], ["Công ty B", "0100233489"]]
    path = mf.write_xlsx(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "s.xlsx")
    before = snapshot(store)
    dry = apply_analysis(store, analyse_file(store, path, 1), dry_run=True)
    assert (dry.inserted, dry.rejected, dry.written) == (1, 1, False)
    strict = apply_analysis(store, analyse_file(store, path, 1), strict=True)
    assert (strict.inserted, strict.rejected, strict.written) == (0, 1, False)
    assert snapshot(store) == before
    normal = apply_analysis(store, analyse_file(store, path, 1))
    assert (normal.inserted, normal.rejected, normal.written) == (1, 1, True)


def test_cancel_mid_import_leaves_database_as_before(store, tmp_path):
    orgs = mf.make_orgs(30, seed=12)
    import_file(store, mf.write_xlsx(mf.build(orgs[:10], mf.Layout()), tmp_path / "a.xlsx"), 1)
    before = snapshot(store)
    changed = [mf.Org(**{**o.__dict__, "address": o.address + " (mới)"}) for o in orgs]
    analysis = analyse_file(store, mf.write_xlsx(mf.build(changed, mf.Layout()), tmp_path / "b.xlsx"), 1)
    calls = []

    def on_progress(done, total, message):
        calls.append(message)
        if "Đang ghi" in message or len(calls) > 2:
            progress.cancel()

    progress = Progress(on_progress, min_interval=0)
    with pytest.raises(Cancelled):
        apply_analysis(store, analysis, progress=progress)
    assert snapshot(store) == before
    assert registry_search.check_index(store)
    assert not store.in_transaction


def test_search_index_follows_the_import(store, tmp_path):
    orgs = mf.make_orgs(12, seed=13)
    import_file(store, mf.write_xlsx(mf.build(orgs, mf.Layout(nfd=True)), tmp_path / "a.xlsx"), 1)
    assert registry_search.check_index(store)
    target = orgs[5]
    from models.text.normalize import fold

    words = " ".join(fold(target.name).split()[-3:])
    found = registry_search.search(store, words, limit=5)
    assert target.tax_code in [r["tax_code"] for r in found]
    digits = target.tax_code[3:9]
    assert target.tax_code in [r["tax_code"] for r in registry_search.search(store, digits, limit=50)]
    changed = [mf.Org(**{**o.__dict__, "rep_name": "Đặng Thị Ưng"}) if o is target else o for o in orgs]
    import_file(store, mf.write_xlsx(mf.build(changed, mf.Layout()), tmp_path / "b.xlsx"), 1)
    assert registry_search.check_index(store)
    assert [r["tax_code"] for r in registry_search.search(store, "dang thi ung")] == [target.tax_code]


def test_saved_mapping_is_reused_for_the_same_header(store, tmp_path):
    grid = [["Cột 1", "Cột 2", "Số máy"], ["Công ty A", "0100233488", "0912345678"]]
    path = mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "m.csv")
    with pytest.raises(Exception, match="Tên tổ chức|tiêu đề"):
        analyse_file(store, path, 1)
    from models.registry.importing import load

    grid = [["Tên đơn vị", "Mã", "Số máy"], ["Công ty A", "0100233488", "0912345678"]]
    path = mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "m2.csv")
    table, guess = load(path, 1)
    assert not guess.confident
    save_mapping(store, guess.headers, {0: "name", 1: "tax_code", 2: "rep_phone"})
    analysis = analyse_file(store, path, 1)
    assert analysis.records[0].values == {"name": "Công ty A", "tax_code": "0100233488", "rep_phone": "0912345678"}


def test_fast_tax_code_path_agrees_with_identifiers():
    import random

    from models.registry.importing.values import tax_code_value
    from models.text.identifiers import check_tax_code

    rng = random.Random(3)
    samples = []
    for _ in range(20000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([9, 10, 10, 10, 12, 13])))
        samples += [digits, digits[:10] + "-" + digits[10:] if len(digits) == 13 else digits]
        if digits.isdigit():
            samples.append(int(digits))
            samples.append(float(int(digits)))
    samples += [mf.make_tax_code(rng), mf.make_tax_code(rng, branch=True), " 0100233488 ", "01002334880000"]
    valid = 0
    for raw in samples:
        value, error, _warnings = tax_code_value(raw)
        checked = check_tax_code(raw)
        assert (value, error) == (checked.value, checked.error), raw
        valid += value is not None
    assert valid > 1000  # the sample exercises the fast path, not only refusals


def test_enterprise_code_column_is_the_tax_code_for_cooperatives(store, tmp_path):
    grid = [["STT", "Tên hợp tác xã", "Mã số doanh nghiệp", "Ngày cấp"], [1, "HTX Nông nghiệp Ơn Lợi", "0100233488",
                                                                        "05/03/2010"]]
    path = mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "htx.csv")
    result = import_file(store, path, 2)
    assert result.inserted == 1
    row = organizations.find_by_tax_code(store, "0100233488")
    assert (row["grp"], row["established_on"]) == (2, "2010-03-05")
    assert store.scalar("SELECT source FROM org_sources WHERE org_id = ?", (row["id"],)) == "htx"


def test_import_needs_the_permission_of_an_active_account(fresh_store, tmp_path, clock):
    from models.core.errors import PermissionDenied
    from models.core.store import Actor, Store

    fresh_store.execute("INSERT INTO officers(id, username, full_name, role, active, created_at) "
                        "VALUES (7, 'an', 'Nguyễn Văn An', 'intake', 0, '2025-01-01')")
    path = mf.write_xlsx(mf.build(mf.make_orgs(2), mf.Layout()), tmp_path / "a.xlsx")
    officer = Store(fresh_store.path, actor=Actor(7, "an", "Nguyễn Văn An", "intake"), clock=clock)
    try:
        with pytest.raises(PermissionDenied):
            import_file(officer, path, 1)
        fresh_store.execute("UPDATE officers SET active = 1 WHERE id = 7")
        assert import_file(officer, path, 1).inserted == 2
        assert officer.scalar("SELECT officer_id FROM imports") == 7
    finally:
        officer.close()


def test_quick_comparison_settles_blank_changed_and_other_source_rows(store, tmp_path, clock):
    """Re-import compares one fingerprint per row in SQL; rows it cannot settle are compared field by field."""
    orgs = mf.make_orgs(4, seed=12)
    import_file(store, mf.write_xlsx(mf.build(orgs, mf.Layout()), tmp_path / "dkkd.xlsx"), 1)
    before = {o.tax_code: organizations.find_by_tax_code(store, o.tax_code) for o in orgs}
    grid = [["Mã số thuế", "Tên doanh nghiệp", "Điện thoại"],
            [orgs[0].tax_code, orgs[0].name, ""],  # blank phone: the registry keeps its phone, unchanged
            [orgs[1].tax_code, orgs[1].name, "0912345678"],  # another phone: updated
            [orgs[2].tax_code, orgs[2].name, orgs[2].rep_phone]]  # the same values: unchanged
    clock.advance(days=1)
    path = mf.write_xlsx(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "thue.xlsx")
    result = import_file(store, path, 3)  # the tax department's list: another source, another group
    assert (result.inserted, result.updated, result.unchanged, result.warnings) == (0, 1, 2, 3)
    after = {o.tax_code: organizations.find_by_tax_code(store, o.tax_code) for o in orgs}
    assert after[orgs[0].tax_code]["rep_phone"] == before[orgs[0].tax_code]["rep_phone"]
    assert after[orgs[1].tax_code]["rep_phone"] == "0912345678"
    assert after[orgs[1].tax_code]["version"] == before[orgs[1].tax_code]["version"] + 1
    assert after[orgs[2].tax_code]["version"] == before[orgs[2].tax_code]["version"]
    # the new source list reaches organizations.sources (trigger) and the search filter tags
    assert [after[o.tax_code]["sources"] for o in orgs] == ["dkkd thue"] * 3 + ["dkkd"]
    assert {after[o.tax_code]["grp"] for o in orgs} == {1}
    found = registry_search.search_ids(store, "", registry_search.Filters(source="thue")).ids
    assert sorted(found) == sorted(after[o.tax_code]["id"] for o in orgs[:3])
    text = orgs[1].name.split()[-1]
    assert after[orgs[1].tax_code]["id"] in registry_search.search_ids(
        store, text, registry_search.Filters(source="thue")).ids
    assert registry_search.check_index(store)


def test_cancel_stops_a_long_statement_at_once(store, tmp_path, monkeypatch):
    """Cancel pressed while SQLite runs one long statement (the search-index flush): it is stopped inside
    the statement, not at the next progress update, and the database is as before."""
    import sqlite3

    import_file(store, mf.write_xlsx(mf.build(mf.make_orgs(5, seed=21), mf.Layout()), tmp_path / "a.xlsx"), 1)
    before = snapshot(store)
    analysis = analyse_file(store, mf.write_xlsx(mf.build(mf.make_orgs(600, seed=22), mf.Layout()),
                                                 tmp_path / "b.xlsx"), 1)
    progress = Progress(min_interval=0)
    original = registry_search.flush_index_queue
    interrupted = []

    def flush_while_the_officer_cancels(s):
        progress.cancel()  # as the Cancel button does, from another thread, while the statement runs
        try:
            return original(s)
        except sqlite3.OperationalError as exc:
            interrupted.append(str(exc))
            raise

    monkeypatch.setattr(registry_search, "flush_index_queue", flush_while_the_officer_cancels)
    monkeypatch.setattr("models.core.store.INTERRUPT_CHECK_STEPS", 100)  # 600 rows are a short statement
    with pytest.raises(Cancelled):
        apply_analysis(store, analysis, progress=progress)
    assert interrupted == ["interrupted"]
    assert snapshot(store) == before
    assert registry_search.check_index(store)
    assert not store.in_transaction and not store.conn.in_transaction
    monkeypatch.setattr(registry_search, "flush_index_queue", original)
    assert apply_analysis(store, analysis).inserted == 600  # the connection is usable again


def test_conflicting_repeats_are_reported_as_the_officer_wrote_them(store, tmp_path):
    source = tmp_path / "trung.csv"
    source.write_text("Tên doanh nghiệp;Mã số thuế;Ngày thành lập;Xã/Phường;Tình trạng\n"
                      "Công ty TNHH Sao Mai;0100233488;01/05/2020;Xã Mong Thọ;Đang hoạt động\n"
                      "Công ty TNHH Sao Mai;0100233488;15/08/2021;Phường Rạch Giá;Giải thể\n", encoding="utf-8")
    analysis = analyse_file(store, source, 1)
    messages = {i.header: (i.value, i.message) for i in analysis.issues if i.level == "warning"}
    assert messages["Tình trạng"][0].startswith("Đã giải thể") and "«Đang hoạt động»" in messages["Tình trạng"][1]
    assert messages["Ngày thành lập"][0] == "15/08/2021" and "«01/05/2020»" in messages["Ngày thành lập"][1]
    assert messages["Xã/Phường"][0] == "Phường Rạch Giá" and "«Xã Mong Thọ»" in messages["Xã/Phường"][1]
    assert not any(code in str(messages) for code in ("30002", "30003", "dissolved", "active", "2020-05-01"))
