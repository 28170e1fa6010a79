"""Sync upward: the unit's workbook and the province's merge (issue 6, docs/sync-format.md)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import msoffcrypto
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from exporters.sync_workbook import SheetData, write_sync_workbook
from models.core.errors import PermissionDenied, UserError
from models.core.store import SYSTEM_ACTOR, Actor, Store
from models.sync.export import acknowledge, list_exports
from models.sync.format import DOSSIER_COLUMNS, FORMAT_VERSION, ORG_COLUMNS, SHEET_COLUMNS, SUMMARY_SHEET
from models.sync.merge import merge_file, merge_files
from models.sync.reader import read_sync_file
from services.consolidation import write_consolidated
from services.sync import export_workbook
from tests.factories.sync import (
    make_data,
    make_officer,
    make_province,
    make_unit,
    nothing_merged,
    signer,
    touch_dossiers,
    trust,
)

PROVINCE_TABLES = ("remote_units", "sync_files", "remote_dossiers", "remote_orgs", "remote_verifications",
                   "remote_summaries")


@pytest.fixture
def unit(tmp_path, clock):
    store = Store(tmp_path / "unit.sqlite", clock=clock)
    areas = make_unit(store)
    make_data(store, areas, 240, seed=11)
    yield store
    store.close()


@pytest.fixture
def province(tmp_path, clock, request):
    store = Store(tmp_path / "province.sqlite", clock=clock)
    make_province(store)
    if "unit" in request.fixturenames:  # the unit's key, registered once (sync-register)
        trust(store, request.getfixturevalue("unit"))
    yield store
    store.close()


def snapshot(store) -> dict:
    return {t: store.query(f"SELECT * FROM {t} ORDER BY 1, 2") for t in PROVINCE_TABLES}


def expected_dossiers(store) -> dict[str, dict]:
    """What the unit holds, as the format promises to carry it (blank text = empty cell = None)."""
    rows = store.query(
        "SELECT d.*, o.uuid AS org_uuid, o.name AS org_name, f.full_name AS officer, p.id_number AS person_id_number, "
        "p.full_name AS person_name, p.birth_date AS person_birth_date, s.uuid AS session_uuid FROM dossiers d "
        "LEFT JOIN organizations o ON o.id = d.org_id LEFT JOIN officers f ON f.id = d.officer_id "
        "LEFT JOIN persons p ON p.id = d.person_id LEFT JOIN intake_sessions s ON s.id = d.session_id")
    out = {}
    for r in rows:
        r["refused_on"] = r["closed_on"] if r["status"] == "refused" else None
        r["cancelled_on"] = r["closed_on"] if r["status"] == "cancelled" else None
        out[r["uuid"]] = {c.key: (None if r[c.key] == "" else r[c.key]) for c in DOSSIER_COLUMNS}
    return out


# ---- round trip ----------------------------------------------------------------------------------
def test_round_trip_reproduces_every_dossier_and_organization_exactly(unit, province, tmp_path):
    result = export_workbook(unit, tmp_path / "dongbo.xlsx", full=True, unencrypted=True)
    assert result.kind == "full" and result.rows == 240 and not result.protected
    assert "KHÔNG được đặt mật khẩu" in result.warning

    [merged] = merge_files(province, [result.path])
    assert (merged.status, merged.inserted, merged.updated, merged.unchanged) == ("accepted", 240, 0, 0)

    expected = expected_dossiers(unit)
    remote = {r["uuid"]: r for r in province.query("SELECT * FROM remote_dossiers")}
    assert remote.keys() == expected.keys()
    mismatches = [(uuid, key, want, remote[uuid][key]) for uuid, row in expected.items()
                  for key, want in row.items() if remote[uuid][key] != want]
    assert mismatches == []
    assert {r["unit_code"] for r in remote.values()} == {"CAH-CT"}
    assert {r["file_id"] for r in remote.values()} == {merged.file_id}

    orgs = {r["uuid"]: r for r in unit.query("SELECT * FROM organizations")}
    remote_orgs = {r["uuid"]: r for r in province.query("SELECT * FROM remote_orgs")}
    assert remote_orgs.keys() == orgs.keys()
    diffs = [(u, c.key) for u, row in orgs.items() for c in ORG_COLUMNS if remote_orgs[u][c.key] != row[c.key]]
    assert diffs == []
    # leading zeros, line breaks, formula-looking text survive
    assert any(r["rep_id_number"].startswith("0") for r in remote_orgs.values())
    assert any(r["name"] == "=SUM(A1:A2)" for r in remote_orgs.values())
    assert any(r["area_code"] and r["area_code"].startswith("0") for r in remote.values())
    assert province.scalar("SELECT COUNT(*) FROM remote_verifications") == 3
    assert province.scalar("SELECT note FROM remote_verifications LIMIT 1") == "Xác minh trụ sở\n(gấp)"


def test_workbook_layout_text_codes_real_dates_frozen_header_filters(unit, tmp_path):
    path = tmp_path / "dongbo.xlsx"
    export_workbook(unit, path, full=True, unencrypted=True)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["ThongTin", "TongHop", "HoSo", "ToChuc", "XacMinh", "CongDan", "BuoiThuNhan"]
    sheet = book["HoSo"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    headers = [c.value for c in sheet[1]]
    assert headers == [c.header for c in DOSSIER_COLUMNS]
    area = sheet.cell(2, headers.index("Mã địa bàn") + 1)
    received = sheet.cell(2, headers.index("Ngày tiếp nhận") + 1)
    assert area.data_type == "s" and area.number_format == "@" and area.value.startswith("0")
    assert isinstance(received.value, dt.datetime) and received.number_format == "dd/mm/yyyy"
    assert sheet.column_dimensions["A"].width > 30
    info = {row[0].value: row[2].value for row in book["ThongTin"].iter_rows(min_row=2)}
    assert info["format_version"] == FORMAT_VERSION and info["unit_code"] == "CAH-CT" and info["export_kind"] == "full"
    assert info["rows_HoSo"] == 240 and len(info["sha256"]) == 64


def test_summary_sheet_carries_the_weekly_report_figures(unit, tmp_path):
    from models.reports.period import current_week, get_settings
    from models.reports.weekly import collect_report

    path = tmp_path / "dongbo.xlsx"
    export_workbook(unit, path, full=True, unencrypted=True)
    report = collect_report(unit, current_week(unit.now(), get_settings(unit)))
    lines = read_sync_file(path).dicts(SUMMARY_SHEET)
    groups = [ln for ln in lines if ln["section"] == "nhom"]
    assert [(g["code"], g["this_week"], g["cumulative"]) for g in groups] == \
        [(r.key, r.this_week, r.cumulative) for r in [*report.groups, report.group_total]]
    assert report.group_total.cumulative > 0


# ---- refusals ------------------------------------------------------------------------------------
def test_unchanged_resave_is_accepted_but_an_edited_cell_is_refused(unit, province, tmp_path):
    path = tmp_path / "dongbo.xlsx"
    export_workbook(unit, path, full=True, unencrypted=True)
    resaved = tmp_path / "resaved.xlsx"
    openpyxl.load_workbook(path).save(resaved)  # another writer, same values: checksum still holds
    assert read_sync_file(resaved).sha256 == read_sync_file(path).sha256

    tampered = tmp_path / "tampered.xlsx"
    book = openpyxl.load_workbook(path)
    cell = book["HoSo"].cell(5, [c.key for c in DOSSIER_COLUMNS].index("status") + 1)
    cell.value = "issued" if cell.value != "issued" else "refused"
    book.save(tampered)
    [result] = merge_files(province, [tampered])
    assert result.status == "refused"
    assert "đã bị sửa sau khi xuất" in result.reason and "HoSo" in result.reason and "tampered.xlsx" in result.reason
    assert nothing_merged(province)


def test_truncated_wrong_version_and_foreign_files_are_refused(unit, province, tmp_path):
    path = tmp_path / "dongbo.xlsx"
    export_workbook(unit, path, full=True, unencrypted=True)
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    newer = tmp_path / "v2.xlsx"
    sync = read_sync_file(path)
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256"))}
    write_sync_workbook(newer, {**info, "format_version": "3.0"},
                        [SheetData(n, SHEET_COLUMNS[n], sync.records[n]) for n in SHEET_COLUMNS],
                        sign=signer(unit, info))
    plain = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(plain)
    text = tmp_path / "notes.xlsx"
    text.write_text("không phải Excel", encoding="utf-8")

    results = merge_files(province, [truncated, newer, plain, text], workers=1)
    assert [r.status for r in results] == ["refused"] * 4
    assert "bị hỏng hoặc không đầy đủ" in results[0].reason
    assert "phiên bản 3.0, mới hơn" in results[1].reason and "cập nhật chương trình" in results[1].reason
    assert "không phải tệp đồng bộ" in results[2].reason
    assert "không phải bảng tính Excel" in results[3].reason
    assert nothing_merged(province)


def test_minor_version_additions_are_accepted(unit, province, tmp_path):
    path = tmp_path / "dongbo.xlsx"
    export_workbook(unit, path, full=True, unencrypted=True)
    sync = read_sync_file(path)
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256"))}
    columns = {**SHEET_COLUMNS}
    from models.sync.format import TEXT, Column

    columns["HoSo"] = (*SHEET_COLUMNS["HoSo"], Column("future", "Cột mới của bản 2.1", TEXT))
    sheets = [SheetData(n, columns[n], [(*r, "x") if n == "HoSo" else r for r in sync.records[n]])
              for n in SHEET_COLUMNS]
    newer = tmp_path / "v2_1.xlsx"
    write_sync_workbook(newer, {**info, "format_version": "2.1"}, sheets, sign=signer(unit, info))
    [result] = merge_files(province, [newer])
    assert result.status == "accepted" and result.inserted == 240


def test_password_protection(unit, province, tmp_path):
    path = tmp_path / "kin.xlsx"
    result = export_workbook(unit, path, full=True, password="Mat-khau-2025")
    assert result.protected and result.warning is None
    raw = path.read_bytes()
    assert not zipfile.is_zipfile(io.BytesIO(raw))
    assert msoffcrypto.OfficeFile(io.BytesIO(raw)).is_encrypted()
    with pytest.raises(UserError, match="ít nhất 6 ký tự"):
        export_workbook(unit, tmp_path / "short.xlsx", password="123")

    [no_password] = merge_files(province, [path])
    [wrong] = merge_files(province, [path], password="sai-mat-khau")
    assert no_password.status == wrong.status == "refused"
    assert "được bảo vệ bằng mật khẩu" in no_password.reason
    assert "Mật khẩu không đúng" in wrong.reason and "kin.xlsx" in wrong.reason
    assert nothing_merged(province)
    [right] = merge_files(province, [path], password="Mat-khau-2025")
    assert right.status == "accepted" and right.inserted == 240


def test_same_file_twice_changes_nothing(unit, province, tmp_path):
    path = tmp_path / "dongbo.xlsx"
    export_workbook(unit, path, full=True, unencrypted=True)
    merge_files(province, [path])
    before = snapshot(province)
    copy = tmp_path / "ban-sao.xlsx"
    shutil.copy(path, copy)
    [again] = merge_files(province, [copy])
    assert again.status == "unchanged"
    assert "đã được tổng hợp" in again.reason and "không có gì thay đổi" in again.reason
    assert snapshot(province) == before


# ---- order of files ------------------------------------------------------------------------------
def test_newer_file_supersedes_older_and_older_after_newer_is_refused(unit, province, tmp_path, clock):
    first = export_workbook(unit, tmp_path / "so1.xlsx", full=True, unencrypted=True)
    clock.advance(days=1)
    changed = touch_dossiers(unit, 7)
    second = export_workbook(unit, tmp_path / "so2.xlsx", full=True, unencrypted=True)
    assert (first.sequence, second.sequence) == (1, 2)

    r1, r2 = merge_files(province, [first.path, second.path])
    assert r1.status == r2.status == "accepted"
    assert (r2.inserted, r2.updated, r2.unchanged) == (0, 7, 233)
    files = province.query("SELECT sequence, status FROM sync_files ORDER BY sequence")
    assert files == [{"sequence": 1, "status": "superseded"}, {"sequence": 2, "status": "accepted"}]
    rows = province.query("SELECT uuid, status, issued_on, file_id, first_file_id FROM remote_dossiers")
    by_uuid = {r["uuid"]: r for r in rows}
    assert all(by_uuid[u]["status"] == "issued" and by_uuid[u]["file_id"] == r2.file_id for u in changed)
    assert sum(r["file_id"] == r1.file_id for r in rows) == 233  # rows keep the file they came from

    before = snapshot(province)
    [late] = merge_files(province, [first.path])
    assert late.status == "unchanged"  # the very same file: already merged
    older = tmp_path / "so1-ban-khac.xlsx"
    sync = read_sync_file(first.path)
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256"))}
    write_sync_workbook(older, {**info, "officer": "Người khác"},
                        [SheetData(n, SHEET_COLUMNS[n], sync.records[n]) for n in SHEET_COLUMNS],
                        sign=signer(unit, info))
    [refused] = merge_files(province, [older])
    assert refused.status == "refused" and "tệp số 2" in refused.reason
    assert snapshot(province) == before


def test_older_file_arriving_after_newer_is_refused(unit, province, tmp_path, clock):
    first = export_workbook(unit, tmp_path / "so1.xlsx", full=True, unencrypted=True)
    clock.advance(hours=2)
    touch_dossiers(unit, 3)
    second = export_workbook(unit, tmp_path / "so2.xlsx", full=True, unencrypted=True)
    [r2] = merge_files(province, [second.path])
    before = snapshot(province)
    [r1] = merge_files(province, [first.path])
    assert r2.status == "accepted" and r1.status == "refused"
    assert "có số nhỏ hơn tệp số 2" in r1.reason and "tệp cũ" in r1.reason
    assert snapshot(province) == before


def test_incremental_export_after_acknowledgement(unit, province, tmp_path, clock):
    clock.advance(minutes=5)  # rows changed in the very second of an export are sent again next time
    first = export_workbook(unit, tmp_path / "so1.xlsx", unencrypted=True)
    assert first.kind == "full" and first.notes  # nothing acknowledged yet
    clock.advance(days=1)
    touch_dossiers(unit, 5)
    not_acked = export_workbook(unit, tmp_path / "so2.xlsx", unencrypted=True)
    assert not_acked.kind == "full"
    assert acknowledge(unit, 1) is True and acknowledge(unit, 1) is False
    clock.advance(hours=1)
    changed = touch_dossiers(unit, 4)
    inc = export_workbook(unit, tmp_path / "so3.xlsx", unencrypted=True)
    assert (inc.kind, inc.base_sequence, inc.rows) == ("incremental", 1, 9)  # 5 + 4 changed since export 1
    assert {d["uuid"] for d in read_sync_file(inc.path).dicts("HoSo")} >= set(changed)
    assert [e["sequence"] for e in list_exports(unit)] == [3, 2, 1]

    [gap] = merge_files(province, [inc.path])
    assert gap.status == "refused" and "chưa tổng hợp tệp đó" in gap.reason
    r1, r3 = merge_files(province, [first.path, inc.path])
    assert r1.status == "accepted" and r3.status == "refused" and "thiếu tệp số 2" in r3.reason
    r2, r3 = merge_files(province, [not_acked.path, inc.path])  # the files in order: no gap
    assert r2.status == r3.status == "accepted"
    assert (r3.inserted, r3.updated) == (0, 4)  # 5 of the 9 rows already came in file 2
    assert province.scalar("SELECT COUNT(*) FROM remote_dossiers") == 240


def test_a_refused_file_does_not_stop_the_others(tmp_path, clock, province):
    paths = []
    for i in range(3):
        store = Store(tmp_path / f"u{i}.sqlite", clock=clock)
        make_data(store, make_unit(store, f"CAX-{i:02d}", f"Công an xã {i}", area_prefix=str(i)), 30, seed=i)
        trust(province, store)
        paths.append(export_workbook(store, tmp_path / f"u{i}.xlsx", full=True, unencrypted=True).path)
        store.close()
    book = openpyxl.load_workbook(paths[1])
    book["ToChuc"]["D2"] = "Tên đã sửa"
    book.save(paths[1])
    results = merge_files(province, paths, workers=2)  # read ahead in helper processes
    assert [r.status for r in results] == ["accepted", "refused", "accepted"]
    assert "ToChuc" in results[1].reason
    assert province.scalar("SELECT COUNT(DISTINCT unit_code) FROM remote_dossiers") == 2
    assert province.scalar("SELECT COUNT(*) FROM sync_files") == 2


# ---- permissions, audit, province check ----------------------------------------------------------
def test_permissions_and_audit(unit, province, tmp_path):
    officer = make_officer(unit)
    intake = Actor(officer, "cb", "Cán bộ tiếp nhận", "intake")
    unit.actor = intake
    result = export_workbook(unit, tmp_path / "dongbo.xlsx", full=True, unencrypted=True)
    audit = unit.query_one("SELECT * FROM audit_log WHERE action = 'sync.export'")
    assert audit["officer_id"] == officer and result.sha256 in audit["detail"]
    province.actor = Actor(make_officer(province), "cb2", "Cán bộ tiếp nhận tỉnh", "intake")
    with pytest.raises(PermissionDenied):
        merge_files(province, [result.path])
    unit.actor = SYSTEM_ACTOR
    with pytest.raises(UserError, match="cấp tỉnh"):
        merge_file(unit, result.path)


def test_export_needs_a_declared_unit(fresh_store, tmp_path):
    with pytest.raises(UserError, match="Chưa khai báo đơn vị"):
        export_workbook(fresh_store, tmp_path / "x.xlsx", unencrypted=True)


# ---- LibreOffice ---------------------------------------------------------------------------------
@pytest.mark.libreoffice
def test_libreoffice_opens_the_workbook_and_reads_back_codes_and_dates(unit, province, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = tmp_path / "dongbo.xlsx"
    export_workbook(unit, path, full=True, unencrypted=True)
    out = tmp_path / "lo"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    resaved = out / "dongbo.xlsx"
    book = CalamineWorkbook.from_path(str(resaved))
    assert book.sheet_names == ["ThongTin", "TongHop", "HoSo", "ToChuc", "XacMinh", "CongDan", "BuoiThuNhan"]
    rows = book.get_sheet_by_name("HoSo").to_python()
    header = rows[0]
    expected = expected_dossiers(unit)
    for row in rows[1:]:
        record = dict(zip(header, row, strict=False))
        want = expected[record["Mã định danh hồ sơ (UUID)"]]
        assert record["Mã địa bàn"] == (want["area_code"] or "")
        assert record["Mã số thuế"] == (want["tax_code"] or "")
        assert record["Ngày tiếp nhận"] == dt.date.fromisoformat(want["received_on"])
        assert isinstance(record["Thời điểm tiếp nhận"], dt.date)
    orgs = book.get_sheet_by_name("ToChuc").to_python()
    ids = [r[orgs[0].index("Số định danh người đại diện")] for r in orgs[1:]]
    assert any(i.startswith("0") and len(i) == 12 for i in ids)
    # LibreOffice re-saved every value unchanged: the province still accepts the file
    [result] = merge_files(province, [resaved])
    assert result.status == "accepted" and result.inserted == 240


# ---- consolidated report ---------------------------------------------------------------------------
def test_consolidated_report_is_the_sum_of_the_units_reports(tmp_path, clock, province):
    from pypdf import PdfReader

    from models.reports.period import get_settings, week_ending
    from models.reports.weekly import collect_report
    from models.sync.consolidation import consolidated_report
    from models.sync.merge import declare_unit

    unit_reports, paths = [], []
    for i, when in enumerate([(2025, 1, 9, 9, 0), (2025, 1, 9, 13, 59), (2025, 1, 9, 16, 30)]):
        clock.set(*when)
        store = Store(tmp_path / f"u{i}.sqlite", clock=clock)
        make_data(store, make_unit(store, f"CAX-{i:02d}", f"Công an xã Tân Hội {i}", area_prefix=str(i)),
                  80 + 10 * i, seed=20 + i)
        period = week_ending(dt.date(2025, 1, 8), get_settings(store))
        unit_reports.append(collect_report(store, period))
        trust(province, store)
        paths.append(export_workbook(store, tmp_path / f"u{i}.xlsx", full=True, period=period, unencrypted=True).path)
        store.close()
    declare_unit(province, "CAX-77", "Công an xã Chưa Gửi Tệp")
    clock.set(2025, 1, 10, 8, 0)
    assert [r.status for r in merge_files(province, paths)] == ["accepted"] * 3

    period = week_ending(dt.date(2025, 1, 8), get_settings(province))
    data = consolidated_report(province, period)
    for g, row in enumerate(data.groups):
        assert row.this_week == sum(r.groups[g].this_week for r in unit_reports)
        assert row.cumulative == sum(r.groups[g].cumulative for r in unit_reports)
    assert data.group_total.this_week == sum(r.group_total.this_week for r in unit_reports) > 0
    assert data.group_total.cumulative == sum(r.group_total.cumulative for r in unit_reports)
    by_code = {row.key: row for row in data.areas}
    assert set(by_code) == {"CAX-00", "CAX-01", "CAX-02", "CAX-77"}
    for i, report in enumerate(unit_reports):
        assert by_code[f"CAX-{i:02d}"].cumulative == report.group_total.cumulative
    assert data.area_total.cumulative == data.group_total.cumulative
    assert "(gửi muộn)" in by_code["CAX-02"].label and "(gửi muộn)" not in by_code["CAX-01"].label
    assert "(chưa gửi tệp)" in by_code["CAX-77"].label
    assert "Chưa gửi tệp: Công an xã Chưa Gửi Tệp" in data.summary and "3/4 đơn vị" in data.summary
    assert "Trong kỳ, các đơn vị đã cấp " in data.summary  # the prose keeps its commas

    pdf, xlsx = tmp_path / "tong-hop.pdf", tmp_path / "tong-hop.xlsx"
    write_consolidated(province, period, pdf=pdf, xlsx=xlsx)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "Công an xã Tân Hội 2 (gửi muộn)" in text and "tổng hợp các đơn vị" in text
    assert "Kết quả theo đơn vị" in text and "Kết quả theo địa bàn" not in text
    cells = [c for row in openpyxl.load_workbook(xlsx).worksheets[0].iter_rows(values_only=True) for c in row]
    assert "Công an xã Chưa Gửi Tệp (chưa gửi tệp)" in cells and "Đơn vị" in cells
    assert data.group_total.cumulative in cells


def test_checksum_follows_the_documented_definition(tmp_path):
    import hashlib

    from models.sync.format import DATE, DATETIME, NUM, TEXT, Column
    from models.sync.reader import _digest

    expected = hashlib.sha256('[["Mã","Ngày"],["0012",{"d":"2025-01-09"}]]'.encode()).hexdigest()
    assert _digest([["Mã", "Ngày"], ["0012", dt.date(2025, 1, 9)], ["", ""], ["", ""]]) == expected
    written = write_sync_workbook(tmp_path / "x.xlsx", {"format_version": "1.0"},
                                  [SheetData("Mau", [Column("code", "Mã", TEXT), Column("day", "Ngày", DATE)],
                                             [("0012", "2025-01-09")])])
    assert written.digests["Mau"] == expected
    mixed = '[["A","B","C"],[{"t":"2025-01-09T09:30:05"},{"d":"2025-01-09"},47.3],[null,null,3]]'
    assert _digest([["A", "B", "C"], [dt.datetime(2025, 1, 9, 9, 30, 4, 999_800), dt.datetime(2025, 1, 9), 47.3],
                    ["", "", 3.0]]) == hashlib.sha256(mixed.encode()).hexdigest()
    written = write_sync_workbook(tmp_path / "y.xlsx", {"format_version": "1.0"}, [SheetData(
        "Mau", [Column("a", "A", DATETIME), Column("b", "B", DATETIME), Column("c", "C", NUM)],
        [("2025-01-09 09:30:05", "2025-01-09 00:00:00", 47.3), (None, None, 3)])])
    assert written.digests["Mau"] == hashlib.sha256(mixed.encode()).hexdigest()


def test_cancelled_export_leaves_no_file_and_records_nothing(unit, tmp_path):
    from models.core.errors import Cancelled
    from models.core.progress import Progress

    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        export_workbook(unit, tmp_path, full=True, progress=progress, unencrypted=True)
    assert list(tmp_path.glob("*.xlsx")) == []
    assert unit.scalar("SELECT COUNT(*) FROM sync_exports") == 0


def test_read_ahead_in_helper_processes_gives_the_same_results_in_order(unit, tmp_path):
    from models.sync.read_worker import read_ahead

    good = tmp_path / "good.xlsx"
    export_workbook(unit, good, full=True, unencrypted=True)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:1000])
    paths = [good, broken, good, broken]
    results = list(read_ahead(paths, None, workers=2))
    assert [r[0] for r in results] == paths
    assert [r[1] is not None for r in results] == [True, False, True, False]
    assert "bị hỏng" in str(results[1][2]) and results[0][3] is None
    assert results[0][1].sha256 == read_sync_file(good).sha256
    assert results[0][1].records == read_sync_file(good).records


def test_consolidated_summary_groups_thousands_with_dots_only_in_numbers():
    import datetime as dt

    from models.reports.figures import FigureRow
    from models.sync.consolidation import UnitWeek, _summary

    units = [UnitWeek("CAX-01", "Công an xã A", True, sent=True), UnitWeek("CAX-02", "Công an xã B", True, sent=False)]
    text = _summary(units, FigureRow.make("total", "Tổng cộng", 1234, 56789, None), dt.datetime(2025, 1, 9, 14, 0))
    assert text.startswith("Tổng hợp từ tệp đồng bộ của 1/2 đơn vị. Trong kỳ, các đơn vị đã cấp 1.234 tài khoản")
    assert "lũy kế 56.789 tài khoản." in text and "Chưa gửi tệp: Công an xã B." in text


def test_consolidated_group_rows_do_not_let_one_unit_make_up_for_another():
    from models.reports.figures import FigureRow, total_row
    from models.sync.consolidation import _sum_row

    ahead = FigureRow.make("1", "Doanh nghiệp", 3, 15, 10)   # 5 over its target
    behind = FigureRow.make("1", "Doanh nghiệp", 1, 5, 10)   # 5 short
    group = _sum_row("1", "Doanh nghiệp", [ahead, behind, None])
    assert (group.cumulative, group.target, group.remaining) == (20, 20, 5)  # not 0
    other = _sum_row("2", "Hợp tác xã", [FigureRow.make("2", "Hợp tác xã", 0, 2, 4)])
    total = total_row([group, other])
    assert (total.cumulative, total.target, total.remaining) == (22, 24, 7)  # the column adds up


def test_only_a_province_desk_is_a_province(unit, province, fresh_store):
    from models.sync.merge import is_province

    assert [is_province(s) for s in (unit, province, fresh_store)] == [False, True, False]
