"""QA walkthrough of the weekly report (issue 5): totals that add up in the PDF, the Excel copy and the
sync workbook's TongHop sheet; the area table's total target; the summary's wording; one spelling of
"Lũy kế"; letterheads that never split a place name across lines (report and receipt)."""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import re
import unicodedata

import openpyxl
import pypdf
import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from exporters.receipt_pdf import ReceiptData, write_receipt
from exporters.report_pdf import render_report_pdf
from exporters.report_xlsx import render_report_xlsx
from models.reports.period import week_ending
from models.reports.weekly import collect_report
from models.text.vn_format import DASH, percent_text, thousands
from tests.factories.reports import make_campaign, make_dossiers, make_unit

D = dt.date
ROOT = pathlib.Path(__file__).resolve().parent.parent
LONG_PARENT = "Phòng Cảnh sát quản lý hành chính về trật tự xã hội - Công an tỉnh An Giang"
LONG_UNIT = "Tổ tiếp nhận hồ sơ định danh điện tử khu vực Rạch Giá"
# (parent body, unit, the place names that must each stay on one line)
LETTERHEADS = [
    ("Phòng Cảnh sát QLHC về TTXH - Công an tỉnh An Giang", LONG_UNIT, ["TỈNH AN GIANG", "KHU VỰC RẠCH GIÁ"]),
    (LONG_PARENT, LONG_UNIT, ["TỈNH AN GIANG", "KHU VỰC RẠCH GIÁ"]),
    ("Công an Thành phố Hồ Chí Minh",
     "Đội Cảnh sát quản lý hành chính về trật tự xã hội Công an phường Bình Hưng Hòa",
     ["THÀNH PHỐ HỒ CHÍ MINH", "PHƯỜNG BÌNH HƯNG HÒA"]),
    ("Công an tỉnh Thừa Thiên Huế", "Công an thị xã Hương Thủy - Đội tiếp nhận hồ sơ định danh điện tử lưu động",
     ["TỈNH THỪA THIÊN HUẾ", "THỊ XÃ HƯƠNG THỦY"]),
]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _report(store, end=D(2025, 1, 8)):
    return collect_report(store, week_ending(end), number=3)


@pytest.fixture
def overshoot_store(fresh_store):
    """A campaign where one group is far beyond its target while the others are behind theirs."""
    codes = make_unit(fresh_store, 20)
    make_dossiers(fresh_store, codes, 500, D(2024, 12, 30), D(2025, 1, 8))
    fresh_store.campaign_id = make_campaign(fresh_store, codes)
    fresh_store.codes = codes
    return fresh_store


# ---- 1. totals add up ---------------------------------------------------------------------------
def test_group_total_remaining_is_the_sum_of_the_rows(overshoot_store):
    data = _report(overshoot_store)
    rows, total = data.groups, data.group_total
    assert any(r.cumulative > r.target for r in rows), "fixture: one group overshoots its target"
    assert any(r.remaining for r in rows), "fixture: another group is behind"
    assert total.remaining == sum(r.remaining for r in rows)
    assert total.remaining > total.target - total.cumulative  # the old, cancelling computation
    assert total.target == sum(r.target for r in rows)
    assert total.cumulative == sum(r.cumulative for r in rows)
    # the rate of a total agrees with its remaining (issue 12): each group counted up to its own target
    assert total.percent == round((total.target - total.remaining) * 100 / total.target, 1)
    assert total.percent < round(total.cumulative * 100 / total.target, 1)
    assert any("không bù cho nhóm chưa đạt" in note for note in data.footnotes)
    assert f"còn {thousands(total.remaining, DASH)} tài khoản phải thực hiện" in data.summary


def test_totals_add_up_in_the_pdf_and_the_workbook(overshoot_store):
    data = _report(overshoot_store)
    total = data.group_total
    text = _flat("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_report_pdf(data).pdf)).pages))
    expected = " ".join(["Tổng cộng", thousands(total.this_week, DASH), thousands(total.cumulative, DASH), thousands(total.target, DASH),
                         percent_text(total.percent, DASH), thousands(sum(r.remaining for r in data.groups), DASH)])
    assert expected in text
    sheet = openpyxl.load_workbook(io.BytesIO(render_report_xlsx(data))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    totals = [v for v in values if "Tổng cộng" in v]
    group_line = totals[0]
    assert group_line[-1] == sum(r.remaining for r in data.groups)
    assert group_line[4] == total.target


def test_sync_summary_sheet_totals_add_up(overshoot_store, tmp_path):
    from models.sync.format import SUMMARY_SHEET
    from models.sync.reader import read_sync_file
    from services.sync import export_workbook

    path = tmp_path / "dongbo.xlsx"
    export_workbook(overshoot_store, path, full=True, unencrypted=True)
    lines = read_sync_file(path).dicts(SUMMARY_SHEET)
    for section in ("nhom", "diaban"):
        part = [ln for ln in lines if ln["section"] == section]
        rows, total = part[:-1], part[-1]
        assert total["code"] == "total"
        assert total["remaining"] == sum(r["remaining"] or 0 for r in rows if r["target"] is not None)
        assert total["target"] == sum(r["target"] for r in rows if r["target"] is not None)
    groups = [ln for ln in lines if ln["section"] == "nhom"]
    assert groups[-1]["remaining"] > groups[-1]["target"] - groups[-1]["cumulative"]


def test_area_total_target_is_the_sum_of_the_allocated_areas(fresh_store):
    """Only some areas have a share of the target: the total is the sum of the shares, not "—"."""
    codes = make_unit(fresh_store, 20)
    make_dossiers(fresh_store, codes, 500, D(2024, 12, 30), D(2025, 1, 8))
    make_campaign(fresh_store, codes[:12])
    data = _report(fresh_store)
    with_target = [r for r in data.areas if r.target is not None]
    without = [r for r in data.areas if r.target is None and r.key]
    assert len(with_target) == 12 and len(without) == 8
    total = data.area_total
    assert total.target == sum(r.target for r in with_target) == 300
    assert total.remaining == sum(r.remaining for r in with_target)
    assert total.cumulative == sum(r.cumulative for r in data.areas)
    assert total.percent == round((total.target - total.remaining) * 100 / total.target, 1)
    text = _flat("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render_report_pdf(data).pdf)).pages))
    area_part = text[text.index("Kết quả theo địa bàn"):]
    assert f"Tổng cộng {thousands(total.this_week, DASH)} {thousands(total.cumulative, DASH)} {thousands(total.target, DASH)} " \
           f"{percent_text(total.percent, DASH)} {thousands(total.remaining, DASH)}" in area_part


def test_without_campaign_the_totals_have_no_target(fresh_store):
    codes = make_unit(fresh_store, 5)
    make_dossiers(fresh_store, codes, 60, D(2024, 12, 30), D(2025, 1, 8))
    data = _report(fresh_store)
    for total in (data.group_total, data.area_total):
        assert (total.target, total.percent, total.remaining) == (None, None, None)
        assert total.cumulative > 0


# ---- 2. wording of the summary ----------------------------------------------------------------------
def test_summary_cites_the_plan_by_number_and_date_not_by_its_name(fresh_store):
    """Issue 12: the plan is cited as a document is ("Kế hoạch số 374/KH-UBND ngày 25/12/2024"), from the
    campaign's legal basis fields, never by the campaign's (invented) title."""
    from models.campaigns.plans import update_campaign

    codes = make_unit(fresh_store, 5)
    make_dossiers(fresh_store, codes, 80, D(2024, 12, 30), D(2025, 1, 8))
    campaign = make_campaign(fresh_store, codes)
    name = "Cao điểm triển khai định danh điện tử cho cơ quan, tổ chức (Kiên Giang)"
    update_campaign(fresh_store, campaign, {"name": name, "issuer": "UBND tỉnh Kiên Giang"})
    data = _report(fresh_store)
    citation = "Kế hoạch số 374/KH-UBND ngày 25/12/2024 của UBND tỉnh Kiên Giang"
    assert data.plan_citation == citation
    assert f"Lũy kế từ khi thực hiện {citation} đến ngày 08/01/2025: " in data.summary
    assert name not in data.summary


def test_plan_citation_from_the_legal_basis_fields():
    from models.reports.weekly import plan_citation

    assert plan_citation(None) == ""
    assert plan_citation({"plan_number": "374/KH-UBND", "plan_date": "2024-12-25", "issuer": ""}) == \
        "Kế hoạch số 374/KH-UBND ngày 25/12/2024"
    assert plan_citation({"plan_number": "12/CT-UBND", "plan_date": None, "issuer": "UBND tỉnh An Giang"}) == \
        "Chỉ thị số 12/CT-UBND của UBND tỉnh An Giang"
    # no number recorded: the campaign's name, quoted as typed
    assert plan_citation({"plan_number": None, "name": "  “Đợt cao điểm  90 ngày” "}) == "Kế hoạch “Đợt cao điểm 90 ngày”"


# ---- 3. one spelling of "Lũy kế" ---------------------------------------------------------------------
@pytest.mark.parametrize("path", ["models/reports/weekly.py", "models/reports/figures.py", "exporters/report_pdf.py",
                                  "exporters/report_xlsx.py", "ui/widgets/progress_widgets.py", "ui/pages/progress.py"])
def test_one_spelling_of_luy_ke(path):
    text = unicodedata.normalize("NFC", (ROOT / path).read_text(encoding="utf-8"))
    assert "uỹ" not in text.lower(), f"{path}: write “Lũy kế” as the report does"


# ---- 4. letterheads keep place names on one line -------------------------------------------------------
def _left_lines(pdf: bytes, right_edge: float) -> list[str]:
    """The text lines of page 1's letterhead left column (runs starting left of ``right_edge`` points,
    top 60 mm), top to bottom."""
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    top = float(page.mediabox.top)
    runs: dict[float, list[tuple[float, str]]] = {}

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if x < right_edge and y > top - 60 * mm:
            runs.setdefault(round(y, 1), []).append((x, text.strip()))

    page.extract_text(visitor_text=visit)
    return [_flat(" ".join(t for _, t in sorted(runs[y]))) for y in sorted(runs, reverse=True)]


def _assert_places_whole(lines: list[str], places: list[str]) -> None:
    joined = " ".join(lines)
    for place in places:
        assert place in joined, (place, lines)
        assert any(place in line for line in lines), f"{place!r} split across lines: {lines}"
    assert not any(line.startswith(("-", "–")) or line.endswith(("-", "–")) for line in lines), lines


@pytest.mark.parametrize("parent, unit, places", LETTERHEADS)
def test_report_letterhead_keeps_place_names_together(overshoot_store, parent, unit, places):
    data = _report(overshoot_store)
    data.parent_body, data.unit_name = parent, unit
    pdf = render_report_pdf(data).pdf
    lines = _left_lines(pdf, 30 * mm + 72 * mm)
    _assert_places_whole(lines, places)
    assert _flat(" ".join(lines)).replace(" -", "").startswith(_flat(parent.upper()).replace(" -", ""))


@pytest.mark.parametrize("size", ["A4", "A5"])
@pytest.mark.parametrize("parent, unit, places", LETTERHEADS)
def test_receipt_letterhead_keeps_place_names_together(parent, unit, places, size):
    data = ReceiptData(header_lines=[parent, unit], place="An Giang", dossier_number="HS-2025-000123",
                       organization_name="Công ty TNHH Thương mại Dịch vụ Đức Ước",
                       received_at=dt.datetime(2025, 1, 9, 9, 30), due_date=dt.date(2025, 1, 14),
                       officer_name="Nguyễn Thị Ánh Tuyết", papers=["Tờ khai TK02 (bản chính)"])
    out = io.BytesIO()
    write_receipt(data, out, page_size=size)
    lines = _left_lines(out.getvalue(), 30 * mm + 72 * mm)
    _assert_places_whole(lines, places)
    assert len(pypdf.PdfReader(io.BytesIO(out.getvalue())).pages) == 1


@pytest.mark.parametrize("width_mm", range(40, 92, 4))
def test_name_breaking_never_splits_a_place_at_any_width(width_mm):
    """Down to the width of the longest place name itself, at 12 pt as well as 12.5 pt."""
    from exporters.decree30 import fit_names
    from exporters.fonts import register_fonts

    fonts = register_fonts()
    for parent, unit, places in LETTERHEADS:
        names = [(parent.upper(), fonts["regular"]), (unit.upper(), fonts["bold"])]
        size, broken = fit_names(names, width_mm * mm, (12.5, 12))
        lines = [line for name in broken for line in name]
        for (_, font), name_lines in zip(names, broken, strict=True):
            assert all(stringWidth(line, font, size) <= width_mm * mm for line in name_lines), name_lines
        if all(stringWidth(p, fonts["bold"], 12) <= width_mm * mm for p in places):
            _assert_places_whole(lines, places)
