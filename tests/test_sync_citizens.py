"""Sync format 2.3 (issue 16, "Upward"): the unit's citizens' figures (CongDan, from ``citizen_progress``) and
mobile intake sessions (BuoiThuNhan) travel in the signed sync file, the province stores them per unit and
week (m023) and prints them in the consolidated report; older files are still merged; a forged CongDan cell
is refused."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from demo import build_demo
from exporters.sync_workbook import SheetData, write_sync_workbook
from models.campaigns.citizen_progress import citizen_progress
from models.core.store import Store
from models.people.sessions import list_sessions
from models.reports.period import get_settings, week_due_on
from models.sync.consolidation import consolidated_citizens
from models.sync.format import CITIZEN_COLUMNS, CITIZEN_SHEET, REQUIRED_SHEETS, SESSION_SHEET, SHEET_COLUMNS
from models.sync.merge import declare_unit, merge_files
from models.sync.reader import read_sync_file
from models.text.vn_format import thousands
from services.consolidation import write_consolidated
from services.sync import export_workbook
from tests.factories.sync import make_data, make_province, make_unit, nothing_merged, signer, trust

SENT_AT = dt.datetime(2025, 3, 6, 9, 20)
MERGED_AT = dt.datetime(2025, 3, 6, 10, 0)
REPORT_DUE = dt.date(2025, 3, 6)


@pytest.fixture(scope="module")
def built_unit(tmp_path_factory):
    path = tmp_path_factory.mktemp("unit") / "unit.sqlite"
    build_demo(path, organizations=60, dossiers=40, people=800, reports=False, today=SENT_AT)
    return path


@pytest.fixture
def unit(built_unit, tmp_path):
    path = tmp_path / "unit.sqlite"
    shutil.copy(built_unit, path)
    store = Store(path, clock=lambda: SENT_AT)
    yield store
    store.close()


@pytest.fixture
def province(tmp_path):
    store = Store(tmp_path / "tinh.sqlite", clock=lambda: MERGED_AT)
    make_province(store)
    yield store
    store.close()


def _period(store):
    return week_due_on(REPORT_DUE, get_settings(store))


def _export(store, path, **kw):
    return export_workbook(store, path, full=True, period=_period(store), unencrypted=True, **kw).path


def test_round_trip_unit_to_province_figures_equal_the_units_engine(unit, province, tmp_path):
    period = _period(unit)
    path = _export(unit, tmp_path / "so1.xlsx")
    sync = read_sync_file(path)
    assert sync.info["format_version"] == "2.3" and sync.info["citizen_campaign"]
    lines = sync.dicts(CITIZEN_SHEET)
    progress = citizen_progress(unit, None, period.end)
    totals = {r["target_label"]: r for r in lines if r["code"] == "total"}
    assert set(totals) == {t.label for t in progress.targets} and len(totals) == 3
    for t in progress.targets:
        line = totals[t.label]
        assert (line["measure"], line["scope"], line["target"], line["cumulative"], line["remaining"]) == (
            t.measure, t.scope, t.total.target, t.total.cumulative, t.total.remaining)
        communes = {r["code"]: r for r in lines if r["target_label"] == t.label and r["code"] != "total"}
        assert {r.key: r.cumulative for r in t.rows["commune"]} == {k: v["cumulative"] for k, v in communes.items()}
    # the week's count recomputed straight from the persons table (activation target: every resident, to date)
    start, end = period.start.isoformat(), period.end.isoformat()
    activated = totals["Kích hoạt tài khoản: 70% người đủ 14 tuổi"]
    assert activated["this_week"] == unit.scalar(
        "SELECT COUNT(*) FROM persons WHERE activated_on BETWEEN ? AND ?", (start, end)) > 0
    assert activated["cumulative"] == unit.scalar("SELECT COUNT(*) FROM persons WHERE activated_on <= ?", (end,))
    # sessions: every session up to the week's end with the results models.people.sessions counts
    sessions = {s["uuid"]: s for s in list_sessions(unit, end=period.end)}
    rows = sync.dicts(SESSION_SHEET)
    assert len(rows) == len(sessions) > 0
    for r in rows:
        s = sessions[r["uuid"]]
        assert (r["held_on"], r["expected"], r["received"], r["issued"], r["refused"]) == (
            s["held_on"], s["expected_people"], s["received"], s["issued"], s["refused"])
    assert sum(r["received"] for r in rows) > 0

    trust(province, unit)
    [result] = merge_files(province, [path])
    assert result.status == "accepted", result.reason
    assert result.sheets[CITIZEN_SHEET] == {"rows": len(lines)}
    keys = [c.key for c in CITIZEN_COLUMNS]
    stored = province.query(f"SELECT {', '.join(keys)} FROM remote_citizen_figures ORDER BY row_no")
    assert stored == lines
    assert province.scalar("SELECT SUM(received) FROM remote_sessions") == sum(r["received"] for r in rows)

    citizens = consolidated_citizens(province, period)
    by_key = {(t.measure, t.population): t for t in citizens.tables}
    table = by_key[("activated", "residents")]
    [line] = [r for r in table.rows if r.key == sync.info["unit_code"]]
    assert (line.cumulative, line.this_week, line.target) == (
        activated["cumulative"], activated["this_week"], activated["target"])
    assert table.total.cumulative == activated["cumulative"]
    assert ("level2", "agencies") in by_key
    assert "1/1 đơn vị" in citizens.summary and "đúng hạn 1, gửi muộn 0" in citizens.summary

    # a second file for the same week replaces that week's lines (no double count)
    unit.execute("UPDATE persons SET activated_on = ? WHERE id = (SELECT MIN(id) FROM persons "
                 "WHERE activated_on IS NULL AND level2_issued_on IS NOT NULL)", (end,))
    second = _export(unit, tmp_path / "so2.xlsx")
    [result] = merge_files(province, [second])
    assert result.status == "accepted", result.reason
    assert province.scalar("SELECT COUNT(*) FROM remote_citizen_figures") == len(lines)
    again = consolidated_citizens(province, period)
    line = next(r for t in again.tables if (t.measure, t.population) == ("activated", "residents")
                for r in t.rows if r.key == sync.info["unit_code"])
    assert line.cumulative == activated["cumulative"] + 1


def test_consolidated_report_prints_the_citizens_table_per_unit(unit, province, tmp_path):
    from pypdf import PdfReader

    path = _export(unit, tmp_path / "so1.xlsx")
    trust(province, unit)
    declare_unit(province, "CAX-99", "Công an xã Chưa Gửi")
    assert merge_files(province, [path])[0].status == "accepted"
    period = _period(province)
    pdf, xlsx = tmp_path / "tong-hop.pdf", tmp_path / "tong-hop.xlsx"
    write_consolidated(province, period, pdf=pdf, xlsx=xlsx)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    citizens = consolidated_citizens(province, period)
    assert "Kết quả cấp, kích hoạt tài khoản định danh điện tử cho công dân theo đơn vị" in text
    assert "Số liệu công dân: 1/2 đơn vị" in text and "Chưa gửi tệp: Công an xã Chưa Gửi" in text
    assert "Đã kích hoạt — người dân" in text and "Buổi thu nhận hồ sơ lưu động trong kỳ" in text
    activated = next(t for t in citizens.tables if (t.measure, t.population) == ("activated", "residents"))
    assert f"Tổng cộng {thousands(activated.total.this_week)} {thousands(activated.total.cumulative)}" in text
    assert "Công an xã Chưa Gửi (chưa gửi tệp)" in text
    assert text.index("công dân theo đơn vị") < text.index("KHÓ KHĂN, VƯỚNG MẮC")  # before the difficulties section
    sheet = openpyxl.load_workbook(xlsx)["Công dân"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert activated.total.cumulative in cells and "Công an xã Chưa Gửi (chưa gửi tệp)" in cells


def test_a_unit_without_a_citizens_campaign_writes_the_sheets_empty_with_their_header(tmp_path, province):
    store = Store(tmp_path / "u.sqlite", clock=lambda: SENT_AT)
    try:
        areas = make_unit(store, "CAX-01", "Công an xã Một")
        make_data(store, areas, 20)
        path = _export(store, tmp_path / "u.xlsx")
        book = openpyxl.load_workbook(path)
        assert [c.value for c in book[CITIZEN_SHEET][1]] == [c.header for c in CITIZEN_COLUMNS]
        assert book[CITIZEN_SHEET].max_row == 1 and book[SESSION_SHEET].max_row == 1
        sync = read_sync_file(path)
        assert sync.info["rows_CongDan"] == 0 and sync.info.get("citizen_campaign") is None
        trust(province, store)
        [result] = merge_files(province, [path])
        assert result.status == "accepted", result.reason
        citizens = consolidated_citizens(province, _period(province))
        assert citizens.tables == [] and "tệp không có số liệu công dân" in citizens.sessions[0].label
    finally:
        store.close()


def _downgrade(unit, source, target, version):
    """The same content as an older program would have written it: without the 2.3 sheets, under ``version``,
    signed with the unit's key (2.x) or not at all (1.x)."""
    sync = read_sync_file(source)
    info = {k: v for k, v in sync.info.items()
            if not k.startswith(("rows_", "sha256")) and k != "citizen_campaign"}
    info["format_version"] = version
    sheets = [SheetData(n, SHEET_COLUMNS[n], sync.records[n]) for n in REQUIRED_SHEETS]
    write_sync_workbook(target, info, sheets, sign=signer(unit, info) if version >= "2" else None)
    return target


@pytest.mark.parametrize("version", ["2.2", "2.1", "2.0", "1.0"])
def test_older_files_are_still_merged_without_citizens_figures(unit, province, tmp_path, version):
    old = _downgrade(unit, _export(unit, tmp_path / "so1.xlsx"), tmp_path / f"cu-{version}.xlsx", version)
    book = openpyxl.load_workbook(old)
    assert CITIZEN_SHEET not in book.sheetnames
    trust(province, unit)
    [result] = merge_files(province, [old], accept_unsigned=version.startswith("1"))
    assert result.status == "accepted", result.reason
    assert result.unsigned == version.startswith("1") and CITIZEN_SHEET not in result.sheets
    assert province.scalar("SELECT COUNT(*) FROM remote_dossiers") > 0
    assert province.scalar("SELECT COUNT(*) FROM remote_citizen_figures") == 0
    assert consolidated_citizens(province, _period(province)).tables == []


def test_a_23_file_without_its_citizens_sheet_is_refused(unit, province, tmp_path):
    sync = read_sync_file(_export(unit, tmp_path / "so1.xlsx"))
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256"))}
    sheets = [SheetData(n, SHEET_COLUMNS[n], sync.records[n]) for n in SHEET_COLUMNS if n != CITIZEN_SHEET]
    target = write_sync_workbook(tmp_path / "thieu.xlsx", info, sheets, sign=signer(unit, info)).path
    trust(province, unit)
    [result] = merge_files(province, [target])
    assert result.status == "refused" and "thiếu trang CongDan" in result.reason


def test_a_forged_citizens_cell_is_refused(unit, province, tmp_path):
    genuine = _export(unit, tmp_path / "so1.xlsx")
    trust(province, unit)
    # 1. a cell edited in Excel: the checksum no longer holds, the message names the sheet
    book = openpyxl.load_workbook(genuine)
    sheet = book[CITIZEN_SHEET]
    column = [c.value for c in sheet[1]].index("Luỹ kế") + 1
    sheet.cell(2, column).value = sheet.cell(2, column).value + 500
    edited = tmp_path / "sua-o.xlsx"
    book.save(edited)
    [result] = merge_files(province, [edited])
    assert result.status == "refused" and "trang CongDan không khớp" in result.reason
    # 2. the same edit with every checksum recomputed by the forger: the unit's signature no longer holds
    sync = read_sync_file(genuine)
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256"))}
    records = dict(sync.records)
    first = list(records[CITIZEN_SHEET][0])
    first[7] += 500
    records[CITIZEN_SHEET] = [tuple(first), *records[CITIZEN_SHEET][1:]]
    forged = write_sync_workbook(tmp_path / "gia.xlsx", info,
                                 [SheetData(n, SHEET_COLUMNS[n], records[n]) for n in SHEET_COLUMNS],
                                 sign=lambda _sha: sync.signature).path
    [result] = merge_files(province, [forged])
    assert result.status == "refused" and "chữ ký số không hợp lệ" in result.reason
    assert nothing_merged(province) and not province.scalar("SELECT COUNT(*) FROM remote_citizen_figures")
    # the genuine file still goes in
    assert merge_files(province, [genuine])[0].status == "accepted"


def test_a_resigned_file_whose_citizens_figures_contradict_themselves_is_refused(unit, province, tmp_path):
    """Signed with the unit's own key (its program bent): only the content check can refuse it."""
    sync = read_sync_file(_export(unit, tmp_path / "so1.xlsx"))
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256"))}
    records = dict(sync.records)
    total = next(i for i, r in enumerate(records[CITIZEN_SHEET]) if r[4] == "total")
    row = list(records[CITIZEN_SHEET][total])
    row[8] = row[7] + 1  # more this week than ever
    records[CITIZEN_SHEET] = [*records[CITIZEN_SHEET][:total], tuple(row), *records[CITIZEN_SHEET][total + 1:]]
    bent = write_sync_workbook(tmp_path / "lech.xlsx", info,
                               [SheetData(n, SHEET_COLUMNS[n], records[n]) for n in SHEET_COLUMNS],
                               sign=signer(unit, info)).path
    trust(province, unit)
    [result] = merge_files(province, [bent])
    assert result.status == "refused" and f"dòng {total + 2}" in result.reason and "CongDan" in result.reason
    assert nothing_merged(province)
