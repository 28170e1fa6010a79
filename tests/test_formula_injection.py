"""Texts a spreadsheet could run as formulas (OWASP CSV injection): every CSV and workbook the app writes
neutralises them, and the files read back give the officer's text, never a formula."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from exporters.audit_table import write_audit_csv, write_audit_xlsx
from exporters.error_workbook import write_error_workbook
from exporters.report_xlsx import render_report_xlsx
from models.reports.period import week_ending
from models.reports.weekly import collect_report
from models.sync.merge import merge_files
from services.sync import export_workbook
from tests.factories.reports import make_campaign, make_dossiers, make_unit
from tests.factories.sync import make_data, make_province, trust
from tests.factories.sync import make_unit as make_sync_unit

HOSTILE = ['=HYPERLINK("http://x.invalid","bấm")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
           "=cmd|' /C calc'!A0"]
HARMLESS = ["Công ty TNHH Hòa Bình", "— không có", "1-2", "a=b"]


def _no_formulas(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def _text_cells(book) -> dict[str, object]:
    return {c.value: c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_audit_csv_quotes_every_text_a_spreadsheet_could_run(tmp_path):
    path = tmp_path / "nhatky.csv"
    write_audit_csv(path, ["Thời điểm", "Nội dung"], [[f"2025-01-0{i + 1}", text] for i, text in
                                                     enumerate(HOSTILE + HARMLESS)])
    with open(path, encoding="utf-8-sig", newline="") as fh:
        cells = [row[1] for row in csv.reader(fh)][1:]
    assert cells == ["'" + t for t in HOSTILE] + HARMLESS


def test_audit_workbook_keeps_the_text_as_text(tmp_path):
    path = tmp_path / "nhatky.xlsx"
    write_audit_xlsx(path, ["Nội dung"], [[t] for t in HOSTILE + HARMLESS])
    _no_formulas(path.read_bytes())
    sheet = openpyxl.load_workbook(path).active
    column = [c for (c,) in sheet.iter_rows(min_row=2)]
    for cell in column[:len(HOSTILE)]:
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert [c.value for c in column[len(HOSTILE):]] == HARMLESS


def test_error_workbook_keeps_the_file_values_as_text(tmp_path):
    path = tmp_path / "loi.xlsx"
    issues = [{"row": n, "column": "B", "header": "Tên tổ chức", "value": t, "message": "Thiếu mã số thuế",
               "level": "error"} for n, t in enumerate(HOSTILE, start=2)]
    write_error_workbook(path, source_name="=danhsach.xlsx", issues=issues, counts={"read": 7})
    _no_formulas(path.read_bytes())
    sheet = openpyxl.load_workbook(path)["Lỗi"]
    values = [c for (c,) in sheet.iter_rows(min_row=5, min_col=4, max_col=4)]
    assert len(values) == len(HOSTILE) and all(c.data_type == "s" and c.quotePrefix for c in values)


def test_weekly_report_workbook_writes_difficulties_and_proposals_as_text(fresh_store):
    unit = make_unit(fresh_store)
    make_campaign(fresh_store, unit)
    make_dossiers(fresh_store, unit, 40, dt.date(2024, 12, 20), dt.date(2025, 1, 8), seed=5)
    data = dataclasses.replace(collect_report(fresh_store, week_ending(dt.date(2025, 1, 8)), number=3),
                               difficulties="=1+1", proposals="@SUM(A1:A9)", next_week="-3+4")
    raw = render_report_xlsx(data)
    _no_formulas(raw)
    cells = _text_cells(openpyxl.load_workbook(io.BytesIO(raw)))
    for text in ("=1+1", "@SUM(A1:A9)", "-3+4"):
        assert text in cells and cells[text].quotePrefix, text


def test_sync_workbook_marks_formula_text_and_still_merges(tmp_path, clock):
    from models.core.store import Store

    unit = Store(tmp_path / "unit.sqlite", clock=clock)
    province = Store(tmp_path / "province.sqlite", clock=clock)
    try:
        make_data(unit, make_sync_unit(unit), 30, seed=3)
        make_province(province)
        trust(province, unit)  # the province registered the unit's signing key
        result = export_workbook(unit, tmp_path / "dongbo.xlsx", full=True, unencrypted=True)
        _no_formulas(open(result.path, "rb").read())
        cells = _text_cells(openpyxl.load_workbook(result.path))
        assert cells["=SUM(A1:A2)"].quotePrefix
        [merged] = merge_files(province, [result.path])
        assert merged.status == "accepted"  # values unchanged: the checksum holds
        assert province.scalar("SELECT COUNT(*) FROM remote_orgs WHERE name = '=SUM(A1:A2)'") >= 1
    finally:
        unit.close()
        province.close()


@pytest.mark.parametrize("text", HOSTILE)
def test_one_rule_for_every_writer(text):
    from exporters.cells import neutralise

    assert neutralise(text) == "'" + text
    assert neutralise(5) == 5 and neutralise("Hà Nội") == "Hà Nội"
