"""Issue 12, item 4: the report as Decree 30/2020 and the plans want it.

Re-read from the PDF (pypdf) and the Word copy (python-docx): the parent body over the issuing body, each
from its own field; issuing body, symbol and signer consistent; "Nơi nhận" never the issuer itself; the
plan cited by number and date; the sections (results with the dossier figures, difficulties, proposals,
next week's tasks); no page holding only the closing and the signature (on the demo's report and on
reports with many areas); fonts embedded; the command line end to end.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import unicodedata

import docx
import openpyxl
import pypdf
import pytest

from demo import build_demo
from demo.reports import DIFFICULTIES, PROPOSALS
from exporters.report_docx import render_report_docx
from exporters.report_pdf import render_report_pdf
from exporters.report_xlsx import render_report_xlsx
from models.core.demo_clock import apply_demo_clock
from models.core.errors import UserError
from models.core.store import Store
from models.reports.dossier_figures import collect_dossier_figures
from models.reports.period import (
    default_recipients,
    derive_bodies,
    get_settings,
    letterhead_bodies,
    letterhead_problems,
    recipient_problems,
    save_settings,
    week_ending,
)
from models.reports.register import get_report
from models.reports.weekly import collect_report
from models.text.vn_format import DASH, percent_text, thousands
from services.reports import ReportForm, build_report, issue_report
from tests.factories.reports import make_campaign, make_dossiers, make_unit

D = dt.date
DEMO_WEEK_END = D(2025, 3, 12)
NEXT_WEEK = ("Tiếp tục tiếp nhận hồ sơ tại trụ sở và tổ lưu động; ưu tiên doanh nghiệp nhóm 1.\n"
             "Phối hợp Công an các xã, phường rà soát danh sách các tổ chức còn lại (nhóm 4).")
SECTIONS = ["I. KẾT QUẢ THỰC HIỆN", "1. Kết quả chung", "2. Kết quả theo nhóm đối tượng", "3. Kết quả theo địa bàn",
            "4. Tình hình tiếp nhận, giải quyết hồ sơ", "5. Tiến độ theo tuần", "II. KHÓ KHĂN, VƯỚNG MẮC",
            "III. ĐỀ XUẤT, KIẾN NGHỊ", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TUẦN TỚI"]
CITATION = "Kế hoạch số 374/KH-UBND ngày 25/12/2024"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _pages(pdf: bytes) -> list[str]:
    return [_flat(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def _left_column(pdf: bytes) -> list[str]:
    """Page 1's letterhead left column, top to bottom (runs left of the national title)."""
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    runs = []

    def visit(text, cm, tm, font, size):
        x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and y > 700 and x < 250:
            runs.append((-round(y), x, text.strip()))

    page.extract_text(visitor_text=visit)
    return [text for _, _, text in sorted(runs)]


def assert_ending_not_orphaned(pages: list[str], signer: str) -> None:
    """The closing sentence, "Nơi nhận" and the signature are on the last page, and that page also holds
    lines of the report before them: no page holds only the closing and the signature."""
    closing = [i for i, text in enumerate(pages) if "Trên đây là báo cáo" in text]
    assert closing == [len(pages) - 1], closing
    last = pages[-1]
    assert "Nơi nhận:" in last and signer in last
    before = re.sub(r"^\d+\s*", "", last.split("Trên đây là báo cáo")[0]).strip()  # less the page number
    assert before, f"page {len(pages)} holds only the closing and the signature"


# ---- the demo's report ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo(path)
    store = Store(path)
    apply_demo_clock(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def demo_report(demo_store):
    form = ReportForm(difficulties=DIFFICULTIES, proposals=PROPOSALS, next_week=NEXT_WEEK)
    period = week_ending(DEMO_WEEK_END, get_settings(demo_store))
    return build_report(demo_store, period, form, number=11)


def test_demo_letterhead_parent_body_over_issuing_body(demo_report):
    """The demo unit is a team ("Tổ tiếp nhận…") of the PC06 office of the provincial police: the report is
    issued by the office, under the provincial police, and signed by the office's deputy head."""
    left = _left_column(demo_report.pdf)
    assert left[:3] == ["CÔNG AN TỈNH AN GIANG", "PHÒNG CẢNH SÁT", "QLHC VỀ TTXH"], left
    assert left[-1].startswith("Số:") and left[-1].endswith("/BC-PC06")
    text = " ".join(_pages(demo_report.pdf))
    assert "TỔ TIẾP NHẬN" not in text.upper().split("BÁO CÁO")[0]
    assert "KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG" in text
    data = demo_report.data
    assert (data.parent_body, data.unit_name, data.symbol) == (
        "Công an tỉnh An Giang", "Phòng Cảnh sát QLHC về TTXH", "BC-PC06")
    assert demo_report.warnings == []


def test_demo_recipients_never_the_issuer(demo_report):
    text = " ".join(_pages(demo_report.pdf))
    recipients = text.split("Nơi nhận:")[1].split("KT. TRƯỞNG PHÒNG")[0]
    assert "PC06) (để báo cáo)" not in recipients
    assert "- Lãnh đạo Công an tỉnh An Giang (để báo cáo);" in recipients
    assert "- Lưu: VT, PC06." in recipients


def test_demo_plan_cited_by_number_and_date(demo_report):
    text = " ".join(_pages(demo_report.pdf))
    assert (f"Thực hiện {CITATION} của UBND tỉnh Kiên Giang, Phòng Cảnh sát QLHC về TTXH báo cáo kết quả cấp tài "
            "khoản định danh điện tử cho cơ quan, tổ chức, tuần từ ngày 06/03/2025 đến ngày 12/03/2025 như sau:") in text
    assert f"Lũy kế từ khi thực hiện {CITATION} của UBND tỉnh Kiên Giang đến ngày 12/03/2025" in text
    assert "Cao điểm triển khai định danh điện tử cho cơ quan, tổ chức (Kiên Giang)" not in text


def test_demo_sections_in_order_with_dossier_figures(demo_report):
    text = " ".join(_pages(demo_report.pdf))
    order = [*SECTIONS[:7], DIFFICULTIES[:40], SECTIONS[7], PROPOSALS[:40], SECTIONS[8],
             NEXT_WEEK.splitlines()[0], NEXT_WEEK.splitlines()[1], "Trên đây là báo cáo", "Nơi nhận:"]
    positions = [text.find(part) for part in order]
    assert all(p >= 0 for p in positions), [part for part, p in zip(order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    rows = demo_report.data.dossiers
    assert [r.key for r in rows] == ["received", "open", "overdue", "refused"]
    for index, row in enumerate(rows, start=1):
        assert f"{index} {row.label} {thousands(row.this_week)} {thousands(row.cumulative)}" in text
    received, still_open, overdue, refused = rows
    assert received.this_week > 0 and refused.cumulative > 0 and still_open.cumulative > 0
    assert overdue.cumulative <= still_open.cumulative <= received.cumulative


def test_demo_no_page_with_only_the_signature_and_fonts_embedded(demo_report):
    pages = _pages(demo_report.pdf)
    assert_ending_not_orphaned(pages, demo_report.data.signer_name)
    reader = pypdf.PdfReader(io.BytesIO(demo_report.pdf))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert str(font["/BaseFont"]).split("+")[-1].startswith("LiberationSerif")
            assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_demo_word_copy_has_the_same_sections_and_figures(demo_report):
    data = demo_report.data
    document = docx.Document(io.BytesIO(render_report_docx(data)))
    paragraphs = [_flat(p.text) for p in document.paragraphs if p.text.strip()]
    headings = [p for p in paragraphs if p in SECTIONS]
    assert headings == SECTIONS
    assert paragraphs[paragraphs.index(SECTIONS[-1]) + 1:][:3] == [*NEXT_WEEK.splitlines(), data.closing]
    assert any(CITATION in p for p in paragraphs[:4])
    letterhead = document.tables[0].rows[0].cells[0].text.splitlines()
    assert letterhead[:3] == ["CÔNG AN TỈNH AN GIANG", "PHÒNG CẢNH SÁT", "QLHC VỀ TTXH"]
    # every row of the PDF's tables, figure for figure, is a row of a Word table
    pdf_text = " ".join(_pages(demo_report.pdf))
    word_rows = [[_flat(c.text) for c in row.cells] for table in document.tables[1:] for row in table.rows]
    expected = []
    for rows, total in ((data.groups, data.group_total), (data.areas, data.area_total)):
        for index, row in enumerate(rows, start=1):
            expected.append([str(index), row.label, thousands(row.this_week, DASH), thousands(row.cumulative, DASH),
                             thousands(row.target, DASH), percent_text(row.percent, DASH),
                             thousands(row.remaining, DASH)])
        expected.append(["", total.label, thousands(total.this_week, DASH), thousands(total.cumulative, DASH),
                         thousands(total.target, DASH), percent_text(total.percent, DASH),
                         thousands(total.remaining, DASH)])
    for index, row in enumerate(data.dossiers, start=1):
        expected.append([str(index), row.label, thousands(row.this_week), thousands(row.cumulative)])
    for row in expected:
        assert row in word_rows, row
        assert " ".join(part for part in row if part) in pdf_text, row
    signature = document.tables[-1].rows[0].cells[1].text.splitlines()
    assert [line for line in signature if line] == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", data.signer_name]
    # the same data gives the same bytes (fixed properties and zip times)
    assert render_report_docx(data) == render_report_docx(data)


def test_demo_workbook_has_the_sections_and_dossier_figures(demo_report):
    data = demo_report.data
    book = openpyxl.load_workbook(io.BytesIO(render_report_xlsx(data)))
    cells = [c for row in book["Báo cáo"].iter_rows(values_only=True) for c in row if c is not None]
    assert cells[:2] == ["CÔNG AN TỈNH AN GIANG", "PHÒNG CẢNH SÁT QLHC VỀ TTXH"]
    strings = [c for c in cells if isinstance(c, str)]
    assert [s for s in strings if s in SECTIONS] == SECTIONS
    assert NEXT_WEEK in strings and data.opening in strings
    rows = [r for r in book["Báo cáo"].iter_rows(values_only=True) if r[1] in {d.label for d in data.dossiers}]
    assert [(r[1], r[2], r[3]) for r in rows] == [(d.label, d.this_week, d.cumulative) for d in data.dossiers]


def test_footnotes_under_the_tables_in_pdf_workbook_and_word(demo_report):
    """``ReportData.footnotes`` (filled by the figures' rules) is printed under the tables everywhere."""
    note = "(*) Nhóm 4 vượt chỉ tiêu 66 tài khoản; phần vượt không bù cho nhóm khác."
    data = dataclasses.replace(demo_report.data)
    data.footnotes = [note]
    line = f"Ghi chú: {note}"
    pdf_text = " ".join(_pages(render_report_pdf(data).pdf))
    assert pdf_text.index("Tổng cộng") < pdf_text.index(line) < pdf_text.index(SECTIONS[4])
    book = openpyxl.load_workbook(io.BytesIO(render_report_xlsx(data)))
    assert line in [c for row in book["Báo cáo"].iter_rows(values_only=True) for c in row]
    assert line in [p.text for p in docx.Document(io.BytesIO(render_report_docx(data))).paragraphs]


# ---- pages: the closing never opens a page -----------------------------------------------------------------
@pytest.fixture(scope="module")
def many_areas(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("areas") / "a.sqlite", clock=lambda: dt.datetime(2025, 1, 9, 9, 30))
    codes = make_unit(store, 100)
    make_dossiers(store, codes, 900, D(2024, 12, 30), D(2025, 1, 8))
    make_campaign(store, codes)
    yield store
    store.close()


@pytest.mark.parametrize("lines", range(0, 14))
def test_many_areas_no_page_with_only_the_signature(many_areas, lines):
    """However long the last section is, the closing and the signature go over with its last lines."""
    text = "\n".join(f"Nhiệm vụ {i + 1}: tiếp tục rà soát, vận động các tổ chức trên địa bàn đăng ký tài khoản "
                     "định danh điện tử, kịp thời báo cáo vướng mắc." for i in range(lines))
    data = collect_report(many_areas, week_ending(D(2025, 1, 8)), number=3, next_week=text,
                          signer_name="Nguyễn Văn Ứng")
    pages = _pages(render_report_pdf(data).pdf)
    assert len(pages) >= 4
    assert_ending_not_orphaned(pages, "Nguyễn Văn Ứng")


# ---- issuing body, symbol, signer, recipients -------------------------------------------------------------
def test_bodies_from_the_unit_and_from_their_own_fields(fresh_store):
    assert derive_bodies("Tổ tiếp nhận Rạch Giá", "Phòng Cảnh sát QLHC về TTXH - Công an tỉnh An Giang") == (
        "Công an tỉnh An Giang", "Phòng Cảnh sát QLHC về TTXH")
    assert derive_bodies("Công an xã Hòn Đất", "Công an tỉnh An Giang") == ("Công an tỉnh An Giang",
                                                                             "Công an xã Hòn Đất")
    make_unit(fresh_store, 2)
    settings = get_settings(fresh_store)
    assert letterhead_bodies(fresh_store, settings) == ("Công an tỉnh Kiên Giang", "Công an huyện Châu Thành")
    saved = save_settings(fresh_store, dataclasses.replace(
        settings, parent_body="Công an tỉnh An Giang", issuing_body="Công an xã Bình An", symbol="BC-CAX"))
    assert letterhead_bodies(fresh_store, saved) == ("Công an tỉnh An Giang", "Công an xã Bình An")
    data = collect_report(fresh_store, week_ending(D(2025, 1, 8)))
    assert (data.parent_body, data.unit_name) == ("Công an tỉnh An Giang", "Công an xã Bình An")
    left = _left_column(render_report_pdf(data).pdf)
    assert left[:2] == ["CÔNG AN TỈNH AN GIANG", "CÔNG AN XÃ BÌNH AN"]
    assert fresh_store.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'setting.update'") >= 1


def test_a_team_is_no_issuing_body_and_the_signer_belongs_to_the_issuer(fresh_store):
    assert letterhead_problems("Phòng Cảnh sát QLHC về TTXH", "BC-PC06", "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG") == []
    assert letterhead_problems("Công an tỉnh An Giang", "BC-CAT", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC") == []
    assert letterhead_problems("Công an xã Bình An", "BC-CAX", "", "TRƯỞNG CÔNG AN") == []
    [team] = letterhead_problems("Tổ tiếp nhận hồ sơ khu vực Rạch Giá", "BC-PC06", "KT. TRƯỞNG PHÒNG",
                                 "PHÓ TRƯỞNG PHÒNG")
    assert "không phải cơ quan ban hành" in team
    [signer] = letterhead_problems("Công an xã Bình An", "BC-CAX", "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")
    assert "không thuộc cơ quan ban hành «Công an xã Bình An»" in signer
    [symbol] = letterhead_problems("Phòng Cảnh sát QLHC về TTXH", "KH-PC06", "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")
    assert "phải bắt đầu bằng «BC»" in symbol
    # the defaults cannot be saved as a team issuing a report signed for an office
    make_unit(fresh_store, 2)
    with pytest.raises(UserError, match="không phải cơ quan ban hành"):
        save_settings(fresh_store, dataclasses.replace(get_settings(fresh_store), issuing_body="Tổ tiếp nhận"))
    with pytest.raises(UserError, match="không thuộc cơ quan ban hành"):
        save_settings(fresh_store, dataclasses.replace(get_settings(fresh_store), signer_authority="KT. TRƯỞNG PHÒNG",
                                                       signer_title="PHÓ TRƯỞNG PHÒNG"))


def test_recipients_naming_the_issuer_are_flagged():
    assert recipient_problems(["Công an tỉnh (qua PC06) (để báo cáo);", "Lưu: VT, PC06."],
                              "Phòng Cảnh sát QLHC về TTXH", "BC-PC06") == [
        "Nơi nhận «Công an tỉnh (qua PC06) (để báo cáo);» là chính cơ quan ban hành báo cáo."]
    assert recipient_problems(default_recipients("Công an tỉnh An Giang", "BC-PC06"),
                              "Phòng Cảnh sát QLHC về TTXH", "BC-PC06") == []
    assert recipient_problems(["Công an xã Bình An Hải (để phối hợp);"], "Công an xã Bình An", "BC-CAX") == []


def test_inconsistent_report_is_built_with_warnings(fresh_store):
    make_unit(fresh_store, 2)
    form = ReportForm(signer_authority="KT. TRƯỞNG PHÒNG", signer_title="PHÓ TRƯỞNG PHÒNG",
                      recipients=["Công an huyện Châu Thành (để biết);"])
    built = build_report(fresh_store, week_ending(D(2025, 1, 8)), form)
    assert len(built.warnings) == 2 and "Người ký" in built.warnings[0] and "Nơi nhận" in built.warnings[1]


# ---- the dossier figures ------------------------------------------------------------------------------------
def _add(store, number, received, status, *, due=None, issued=None, closed=None, events=()):
    dossier = store.execute(
        "INSERT INTO dossiers(uuid, number, subject_type, grp, channel, received_at, received_on, officer_id,"
        " status, due_date, issued_on, closed_on, created_at, updated_at) VALUES"
        " (?,?,'organization',1,'counter',?,?,1,?,?,?,?,?,?)",
        (f"u-{number}", number, f"{received} 08:00:00", received, status, due, issued, closed, "x", "x")).lastrowid
    for at, to_status in (((f"{received} 08:00:00", "received"),) + tuple(events)):
        store.execute("INSERT INTO dossier_events(dossier_id, at, officer_id, to_status) VALUES (?,?,1,?)",
                      (dossier, at, to_status))


def test_dossier_figures_in_the_period_and_cumulative(fresh_store):
    store = fresh_store
    make_unit(store, 2)
    with store.atomic():
        _add(store, "A", "2025-01-03", "issued", issued="2025-01-05", due="2025-01-08")
        _add(store, "B", "2025-01-04", "verifying", due="2025-01-07", events=[("2025-01-04 09:00:00", "verifying")])
        _add(store, "C", "2025-01-06", "needs_papers", due="2025-01-07",
             events=[("2025-01-06 10:00:00", "verifying"), ("2025-01-06 11:00:00", "needs_papers")])
        _add(store, "D", "2024-12-31", "refused", closed="2025-01-03", due="2025-01-03")
        _add(store, "E", "2025-01-05", "cancelled", closed="2025-01-05")  # logged by mistake: never counts
        _add(store, "F", "2025-01-07", "issued", issued="2025-01-10 09:00:00", due="2025-01-10")
        _add(store, "G", "2024-12-20", "verifying", due="2024-12-23")  # before the campaign: not cumulative
        _add(store, "H", "2024-12-30", "refused", closed="2025-01-10", due="2025-01-02")  # refused after the end
        _add(store, "I", "2025-01-03", "verifying", due="2025-01-06",  # waiting for papers at the end
             events=[("2025-01-06 09:00:00", "needs_papers"), ("2025-01-09 08:00:00", "verifying")])
    rows = collect_dossier_figures(store, D(2025, 1, 2), D(2025, 1, 8), since=D(2024, 12, 30))
    got = {r.key: (r.this_week, r.cumulative) for r in rows}
    assert got == {"received": (5, 7), "open": (4, 5), "overdue": (1, 2), "refused": (1, 1)}
    assert rows[1].label == "Hồ sơ đang xác minh, chưa có kết quả (đến hết ngày 08/01/2025)"
    everything = {r.key: r.cumulative for r in collect_dossier_figures(store, D(2025, 1, 2), D(2025, 1, 8))}
    assert everything == {"received": 8, "open": 6, "overdue": 3, "refused": 1}


# ---- stored with the report, the command line --------------------------------------------------------------
def test_next_week_is_stored_with_the_issued_report(fresh_store):
    make_unit(fresh_store, 2)
    generated = issue_report(fresh_store, week_ending(D(2025, 1, 8)), ReportForm(next_week=NEXT_WEEK), 4)
    _row, data = get_report(fresh_store, generated.report_id)
    assert data.next_week == NEXT_WEEK and data.dossiers == generated.data.dossiers
    assert SECTIONS[-1] in " ".join(_pages(generated.pdf))
    # its Word copy comes from the figures the register kept, number included
    from services.reports import save_issued_word

    word = save_issued_word(fresh_store, generated.report_id, fresh_store.path.parent / "bc-4.docx")
    document = docx.Document(str(word))
    assert "Số: 4/BC-CAH" in document.tables[0].rows[0].cells[0].text
    assert NEXT_WEEK.splitlines()[0] in [p.text for p in document.paragraphs]


def test_report_command_writes_the_word_copy(fresh_store, db_path, run_cli, tmp_path):
    codes = make_unit(fresh_store, 6)
    make_dossiers(fresh_store, codes, 120, D(2024, 12, 30), D(2025, 1, 8))
    make_campaign(fresh_store, codes)
    out, word = tmp_path / "bc.pdf", tmp_path / "word" / "bc.docx"
    result = run_cli("report", "--db", db_path, "--week-ending", "2025-01-08", "--out", out, "--docx", word,
                     "--next-week", NEXT_WEEK, "--issue")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["docx"] == str(word) and info["warnings"] == [] and info["report_id"]
    pdf_text = " ".join(_pages(out.read_bytes()))
    document = docx.Document(str(word))
    paragraphs = [p.text for p in document.paragraphs]
    assert NEXT_WEEK.splitlines()[1] in paragraphs and NEXT_WEEK.splitlines()[1] in pdf_text
    assert "Kế hoạch số 374/KH-UBND ngày 25/12/2024" in pdf_text
    assert [c.text for c in document.tables[1].rows[-1].cells][1:3] == ["Tổng cộng", pdf_text.split(
        "Tổng cộng ")[1].split()[0]]
    row = fresh_store.query_one("SELECT figures FROM reports WHERE id = ?", (info["report_id"],))
    assert json.loads(row["figures"])["next_week"] == NEXT_WEEK
    # the Word copy never takes the PDF's name: refused, nothing written
    bad = run_cli("report", "--db", db_path, "--week-ending", "2025-01-08", "--out", tmp_path / "x.pdf",
                  "--docx", tmp_path / "x.pdf")
    assert bad.returncode == 2 and "trùng tên" in bad.stderr and not (tmp_path / "x.pdf").exists()
