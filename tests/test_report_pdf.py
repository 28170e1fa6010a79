"""The report PDF read back: text order, Vietnamese, fonts, pages, page numbers, determinism; the workbook."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import unicodedata

import openpyxl
import pypdf
import pytest

from exporters.report_pdf import render_report_pdf
from exporters.report_xlsx import render_report_xlsx
from models.campaigns.progress import compute_progress
from models.reports.period import week_ending
from models.reports.weekly import collect_report
from models.text.vn_format import DASH, percent_text, thousands
from tests.factories.reports import make_campaign, make_dossiers, make_unit

D = dt.date
MM = 72 / 25.4
DIFFICULTIES = ("Nhiều doanh nghiệp đã ngừng hoạt động nhưng chưa làm thủ tục giải thể; người đại diện ở xa.\n"
                "Hợp tác xã Ưu Đãi Ở Ờ Ỡ Ợ: thiếu giấy tờ, chưa cập nhật người đứng đầu (Ẩm, Ễ, Ữ).")
PROPOSALS = "Đề nghị Công an tỉnh phối hợp Sở Tài chính cung cấp danh sách doanh nghiệp đã giải thể."


def _report(store, **kw):
    return collect_report(store, week_ending(D(2025, 1, 8)), number=12, difficulties=DIFFICULTIES,
                          proposals=PROPOSALS, signer_name="Thượng tá Nguyễn Văn Ứng", **kw)


@pytest.fixture
def campaign_store(fresh_store):
    codes = make_unit(fresh_store, 20)
    make_dossiers(fresh_store, codes, 500, D(2024, 12, 30), D(2025, 1, 8))
    fresh_store.campaign_id = make_campaign(fresh_store, codes)
    return fresh_store


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _text(pdf: bytes) -> tuple[pypdf.PdfReader, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return reader, [_flat(page.extract_text()) for page in reader.pages]


def _positions(page) -> list[tuple[float, float, str]]:
    """(x, y) in points of every text run on a page."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y, text.strip()))

    page.extract_text(visitor_text=visit)
    return found


def test_text_in_order_vietnamese_intact_and_figures_from_progress(campaign_store):
    store = campaign_store
    data = _report(store)
    rendered = render_report_pdf(data)
    reader, pages = _text(rendered.pdf)
    assert len(reader.pages) == rendered.pages >= 2
    text = " ".join(pages)
    order = ["CÔNG AN TỈNH KIÊN GIANG", "CÔNG AN HUYỆN CHÂU THÀNH", "Số: 12/BC-CAH",
             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             "Kiên Giang, ngày 09 tháng 01 năm 2025", "BÁO CÁO",
             "Kết quả cấp tài khoản định danh điện tử cho cơ quan, tổ chức, tuần từ ngày 02/01/2025 đến ngày 08/01/2025",
             "I. KẾT QUẢ THỰC HIỆN", "2. Kết quả theo nhóm đối tượng", "3. Kết quả theo địa bàn",
             "4. Tình hình tiếp nhận, giải quyết hồ sơ", "5. Tiến độ theo tuần", "II. KHÓ KHĂN, VƯỚNG MẮC",
             "Nhiều doanh nghiệp đã ngừng hoạt động", "Hợp tác xã Ưu Đãi Ở Ờ Ỡ Ợ", "III. ĐỀ XUẤT, KIẾN NGHỊ",
             "Đề nghị Công an tỉnh phối hợp", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TUẦN TỚI", "Trên đây là báo cáo",
             "Nơi nhận:", "KT. TRƯỞNG CÔNG AN", "PHÓ TRƯỞNG CÔNG AN", "Thượng tá Nguyễn Văn Ứng"]
    positions = [text.find(part) for part in order]
    assert all(p >= 0 for p in positions), [part for part, p in zip(order, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    for word in ("Xã Ơn Lợi", "Xã Phước Ưu", "Xã Giục Tượng", "(Ẩm, Ễ, Ữ)"):
        assert word in text
    # every group line shows compute_progress's figures
    progress = compute_progress(store, store.campaign_id, as_of=D(2025, 1, 8), week_start=D(2025, 1, 2))
    labels = {r.key: r.label for r in data.groups}
    for row in progress.by_group:
        f = row.figures
        line = " ".join([labels[row.key], thousands(f.this_week, DASH), thousands(f.achieved, DASH), thousands(f.target, DASH),
                         percent_text(f.percent, DASH), thousands(f.remaining, DASH)])
        assert _flat(line) in text, line
    for row in progress.by_area:
        f = row.figures
        assert f"{row.label} {thousands(f.this_week, DASH)} {thousands(f.achieved, DASH)} {thousands(f.target, DASH)}" in text
    total = data.group_total
    assert f"Tổng cộng {thousands(total.this_week, DASH)} {thousands(total.cumulative, DASH)} {thousands(total.target, DASH)}" in text


def test_fonts_embedded_no_base14(campaign_store):
    pdf = render_report_pdf(_report(campaign_store)).pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    names = sorted(str(n).split("+")[-1] for n in fonts)
    assert set(names) >= {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
                          "LiberationSerif-BoldItalic"}
    for name, font in fonts.items():
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} not embedded"
    if shutil.which("pdffonts"):
        out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        rows = out.splitlines()[2:]
        assert rows and all(" yes yes yes " in row for row in rows), out


def test_same_data_same_bytes(campaign_store):
    first = render_report_pdf(_report(campaign_store))
    second = render_report_pdf(_report(campaign_store))
    assert first.pdf == second.pdf
    assert hashlib.sha256(first.pdf).hexdigest() == first.sha256
    assert b"CreationDate" not in first.pdf or b"D:20000101000000" in first.pdf
    x1, x2 = render_report_xlsx(_report(campaign_store)), render_report_xlsx(_report(campaign_store))
    assert x1 == x2


def test_page_numbers_from_page_two_top_centre(campaign_store):
    pdf = render_report_pdf(_report(campaign_store)).pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4
    centre = 30 * MM + (width - 45 * MM) / 2  # left margin 30 mm, right 15 mm
    top_band = height - 20 * MM  # anything above this is in the top margin
    assert [t for x, y, t in _positions(reader.pages[0]) if y > top_band] == []
    for number, page in enumerate(reader.pages[1:], start=2):
        in_margin = [(x, y, t) for x, y, t in _positions(page) if y > top_band]
        assert [t for _, _, t in in_margin] == [str(number)]
        x, y, _ = in_margin[0]
        assert abs(x + 3 - centre) < 4  # the digit is ~6 pt wide, centred on the text area


def test_layout_margins(campaign_store):
    pdf = render_report_pdf(_report(campaign_store)).pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for x, y, text in _positions(page):
            assert x >= 30 * MM - 0.5, (x, text)
            assert y >= 20 * MM - 1, (y, text)


def test_long_area_table_breaks_with_repeated_header(fresh_store):
    codes = make_unit(fresh_store, 100)
    make_dossiers(fresh_store, codes, 800, D(2024, 12, 30), D(2025, 1, 8))
    data = _report(fresh_store)
    rendered = render_report_pdf(data)
    reader, pages = _text(rendered.pdf)
    area_pages = [i for i, t in enumerate(pages) if "STT Địa bàn Trong kỳ Lũy kế Chỉ tiêu Tỷ lệ đạt Còn lại" in t]
    assert len(area_pages) >= 3, pages
    assert area_pages == list(range(area_pages[0], area_pages[0] + len(area_pages)))
    text = " ".join(pages)
    for index, row in enumerate(data.areas, start=1):
        assert f"{index} {row.label} {row.this_week} {row.cumulative} — — —" in text
    # without a campaign: dashes in the target columns and no target sentence
    assert "chỉ tiêu được giao" not in text


def test_workbook_has_the_same_tables(campaign_store):
    data = _report(campaign_store)
    book = openpyxl.load_workbook(io.BytesIO(render_report_xlsx(data)))
    sheet = book["Báo cáo"]
    rows = [r for r in sheet.iter_rows(values_only=True)]
    groups = {r[1]: r for r in rows if r[1] in {g.label for g in data.groups}}
    for g in data.groups:
        row = groups[g.label]
        assert row[2:5] == (g.this_week, g.cumulative, g.target if g.target is not None else "—")
        assert row[5] == pytest.approx(g.percent / 100) if g.percent is not None else row[5] == "—"
    assert rows[2][0] == "Số: 12/BC-CAH" and rows[3][0] == "Kiên Giang, ngày 09 tháng 01 năm 2025"
    trend = list(book["Theo tuần"].iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in trend] == [p.cumulative for p in data.trend]
