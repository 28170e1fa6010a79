"""Issue 16, reports: the citizens' daily summary (one A4 page), the citizens' section of the weekly report and
the phase / final review, in the weekly report's Decree 30 renderer; figures recomputed here with plain SQL
from the persons table and compared with what the PDF prints."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from pypdf import PdfReader

from models.campaigns import citizen_targets as ct
from models.campaigns.citizen_progress import citizen_progress
from models.campaigns.templates import create_citizen_campaign
from models.reports.citizen_sheets import collect_daily, collect_review
from models.reports.period import week_ending
from services import citizen_reports, reports
from tests.progress_data import add_officer, setup_unit
from tests.test_citizen_progress import _population, _sql_count

D = dt.date


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> set[str]:
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            found.add(str(font.get_object()["/BaseFont"]))
    return found


def _num(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@pytest.fixture
def campaign(fresh_store):
    s = fresh_store
    areas = setup_unit(s, 4)
    _population(s, areas, n=900, seed=21)
    cid = create_citizen_campaign(s, "ninh_thuan_80_ngay")
    a = add_officer(s, "cskv1", "Trần Văn Khu")
    b = add_officer(s, "cskv2", "Lê Thị Vực")
    ct.assign_officer(s, a, areas[0])
    ct.assign_officer(s, b, areas[1], "Thôn 1")
    return s, areas, cid, (a, b)


@pytest.mark.parametrize("as_of", [D(2023, 7, 15), D(2023, 9, 1)])
def test_daily_summary_figures_recomputed_from_persons_with_plain_sql(campaign, as_of):
    s, areas, cid, _officers = campaign
    report = citizen_reports.build_daily(s, cid, as_of)
    data = report.data
    main = data.tables[1]
    assert main.what.startswith("Xã")
    first, day = "2023-06-27", as_of.isoformat()
    names = dict(s.execute("SELECT code, name FROM areas"))
    by_label = {line.label: line for line in main.rows}
    for code in areas:
        line = by_label[names[code]]
        today, _daily, cumulative = line.values[:3]
        assert cumulative == _sql_count(s, "activated_on", area=code, first=first, last=day)
        assert today == _sql_count(s, "activated_on", area=code, first=day, last=day)
    # the unit's line (first table) counts the persons without a commune too
    unit_line = next(line for line in data.tables[0].rows if line.label.startswith("Kích hoạt"))
    assert unit_line.values[2] == _sql_count(s, "activated_on", first=first, last=day)
    # the officer of a whole commune: that commune's figures; the other one: his village only
    officer_lines = {line.label: line for line in data.tables[2].rows}
    assert officer_lines["Trần Văn Khu"].values[2] == _sql_count(s, "activated_on", area=areas[0], first=first,
                                                                   last=day)
    assert officer_lines["Lê Thị Vực"].values[2] == _sql_count(s, "activated_on", area=areas[1], village="Thôn 1",
                                                                 first=first, last=day)
    # and the PDF prints them: each commune's row as "name today … cumulative target …"
    text = _text(report.pdf)
    assert report.pages == 1
    for code in areas:
        line = by_label[names[code]]
        row = re.search(rf"{re.escape(names[code])}\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", text)
        assert row, names[code]
        assert row.group(1) == _num(line.values[0]) and row.group(3) == _num(line.values[2])
    assert "BÁO CÁO NHANH" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert as_of.strftime("%d/%m/%Y") in text


def test_daily_summary_equals_the_dashboard(campaign):
    s, _areas, cid, _officers = campaign
    day = D(2023, 8, 3)
    engine = citizen_progress(s, cid, day)
    data = collect_daily(s, cid, day)
    assert [line.values for line in data.tables[0].rows] == [
        [t.total.today, t.total.daily_target, t.total.cumulative, t.total.target, t.total.percent, t.total.remaining]
        for t in engine.targets]


def test_pdfs_embed_the_report_fonts_only(campaign):
    s, _areas, cid, _officers = campaign
    daily = citizen_reports.build_daily(s, cid, D(2023, 8, 3))
    review = citizen_reports.build_review(s, cid)
    for pdf in (daily.pdf, review.pdf):
        fonts = _fonts(pdf)
        assert fonts and all("Liberation" in f for f in fonts), fonts
        assert not any("Helvetica" in f for f in fonts)
    # deterministic: the same data gives the same bytes
    assert citizen_reports.build_daily(s, cid, D(2023, 8, 3)).pdf == daily.pdf
    text = _text(review.pdf)
    assert "sơ kết" in text or "tổng kết" in text
    assert "Nơi nhận" in text


def test_review_tables_per_phase_target_and_commune(campaign):
    from models.campaigns.plans import list_phases

    s, _areas, cid, _officers = campaign
    data = collect_review(s, cid)
    summary = data.tables[0]
    phases = [p for p in list_phases(s, cid) if p["kind"] == "phase"] or list_phases(s, cid)
    expected = []
    for phase in phases:
        start, end = D.fromisoformat(phase["start_on"]), D.fromisoformat(phase["end_on"])
        engine = citizen_progress(s, cid, max(min(end, s.today()), start))
        expected += [[t.total.target, t.total.cumulative, t.total.percent, t.total.remaining, t.total.status_label]
                     for t in engine.targets]
    assert [line.values for line in summary.rows] == expected
    # the phase's end result: activations 27/6–15/9 straight from the persons table
    assert s.today() > D(2023, 9, 15)
    assert summary.rows[0].values[1] == _sql_count(s, "activated_on", first="2023-06-27", last="2023-09-15")
    communes = data.tables[1]
    assert sum(line.values[0] for line in communes.rows) == summary.rows[0].values[0]   # shares add up
    assert communes.total.values[1] == summary.rows[0].values[1]
    assert "tổng kết" in data.subject


def test_weekly_report_carries_the_citizens_section_with_the_dashboards_figures(campaign):
    s, areas, cid, _officers = campaign
    period = week_ending(D(2023, 8, 10))
    generated = reports.build_report(s, period)
    section = generated.data.citizens
    assert section is not None and len(section.tables) == 2
    engine = citizen_progress(s, cid, period.end)
    table = section.tables[0]
    names = dict(s.execute("SELECT code, name FROM areas"))
    rows = {r.label: r for r in engine.targets[0].rows["commune"]}
    for line in table.rows:
        r = rows[line.label]
        assert line.values[1:] == [r.cumulative, r.target, r.percent, r.remaining]
    code = areas[2]
    week = _sql_count(s, "activated_on", area=code, first=period.start.isoformat(), last=period.end.isoformat())
    assert next(line for line in table.rows if line.label == names[code]).values[0] == week
    assert table.total.values[1] == engine.targets[0].total.cumulative
    text = _text(generated.pdf)
    assert "6. Kết quả cấp tài khoản định danh điện tử cho công dân" in text
    assert _num(engine.targets[0].total.cumulative) in text
    # the register keeps the section and gives it back
    from models.reports.weekly import ReportData

    again = ReportData.from_dict(json.loads(json.dumps(generated.data.to_dict())))
    assert again.citizens == section
    # the Word copy carries it too
    assert "công dân" in " ".join(p.text for p in _docx(generated.data).paragraphs)


def _docx(data):
    import docx

    from exporters.report_docx import render_report_docx

    return docx.Document(io.BytesIO(render_report_docx(data)))


def test_weekly_report_without_a_running_citizens_campaign_has_no_section(campaign):
    s, _areas, _cid, _officers = campaign
    generated = reports.build_report(s, week_ending(D(2024, 3, 7)))
    assert generated.data.citizens is None
    assert "citizens" not in generated.data.to_dict()
    assert "công dân" not in _text(generated.pdf)


def test_citizen_daily_and_review_cli(run_cli, db_path, clock, tmp_path):
    from models.core.store import Store

    s = Store(db_path, clock=clock)
    try:
        areas = setup_unit(s, 3)
        _population(s, areas, n=300, seed=5)
        cid = create_citizen_campaign(s, "ninh_thuan_80_ngay")
    finally:
        s.close()
    out = tmp_path / "ngay.pdf"
    result = run_cli("citizen-daily", "--db", db_path, "--as-of", "2023-08-01", "--out", str(out))
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["pages"] == 1 and info["campaign_id"] == cid and out.read_bytes()[:5] == b"%PDF-"
    s = Store(db_path, clock=clock)
    try:
        expected = _sql_count(s, "activated_on", first="2023-06-27", last="2023-08-01")
    finally:
        s.close()
    assert _num(expected) in _text(out.read_bytes())
    review = tmp_path / "so-ket.pdf"
    result = run_cli("citizen-review", "--db", db_path, "--campaign", str(cid), "--out", str(review))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pages"] >= 1 and review.exists()
    bad = run_cli("citizen-daily", "--db", db_path, "--as-of", "13/01/2023", "--out", str(tmp_path / "x.pdf"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and not (tmp_path / "x.pdf").exists()
    wrong = run_cli("citizen-review", "--db", db_path, "--campaign", "999", "--out", str(tmp_path / "y.pdf"))
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr


def test_week_across_the_campaign_start_counts_from_its_first_day(campaign):
    s, areas, _cid, _officers = campaign
    period = week_ending(D(2023, 6, 29))      # 23/6–29/6: the campaign starts on 27/6
    section = reports.build_report(s, period).data.citizens
    assert section is not None
    table = section.tables[0]
    assert table.total.values[0] == table.total.values[1] == _sql_count(s, "activated_on", first="2023-06-27",
                                                                        last=period.end.isoformat())
    names = dict(s.execute("SELECT code, name FROM areas"))
    line = next(line for line in table.rows if line.label == names[areas[0]])
    assert line.values[0] == _sql_count(s, "activated_on", area=areas[0], first="2023-06-27",
                                        last=period.end.isoformat())


def test_workbook_carries_the_citizens_section(campaign, tmp_path):
    from python_calamine import CalamineWorkbook

    from exporters.report_xlsx import render_report_xlsx

    s, _areas, cid, _officers = campaign
    period = week_ending(D(2023, 8, 10))
    data = reports.build_report(s, period).data
    path = tmp_path / "bc.xlsx"
    path.write_bytes(render_report_xlsx(data))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Báo cáo").to_python()
    totals = [r for r in rows if len(r) > 3 and r[1] == "Toàn đơn vị"]
    engine = citizen_progress(s, cid, period.end)
    assert [int(r[3]) for r in totals] == [t.total.cumulative for t in engine.targets]


def test_organizations_report_unchanged_by_a_citizens_campaign_in_another_period(fresh_store):
    s = fresh_store
    areas = setup_unit(s, 2)
    _population(s, areas, n=200, seed=8)
    period = week_ending(D(2024, 5, 9))
    before = reports.build_report(s, period)
    create_citizen_campaign(s, "ninh_thuan_80_ngay")      # 27/6–15/9/2023: not in that week
    after = reports.build_report(s, period)
    assert after.data.citizens is None
    assert after.pdf == before.pdf and after.data.to_dict() == before.data.to_dict()


def test_daily_summary_of_seven_targets_still_holds_on_one_page(fresh_store):
    s = fresh_store
    areas = setup_unit(s, 12)
    _population(s, areas, n=400, seed=9)
    cid = create_citizen_campaign(s, "quang_xuong_263")
    for i, area in enumerate(areas[:6]):
        ct.assign_officer(s, add_officer(s, f"cskv{i}", f"Cán bộ Khu Vực {i}"), area)
    report = citizen_reports.build_daily(s, cid, D(2022, 12, 5))
    assert len(report.data.tables[0].rows) == 7 and len(report.data.tables[1].rows) >= 12
    assert report.pages == 1
    text = _text(report.pdf)
    assert "Nơi nhận" in text and "Cán bộ Khu Vực 5" in text
