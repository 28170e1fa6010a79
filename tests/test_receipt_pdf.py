"""The applicant's receipt slip: content in reading order with intact Vietnamese, embedded fonts, a QR
code holding the dossier number, Decree 30 date format, one page on A4 and A5, same bytes for the same
data, and a rendering that is not blank where the header and QR code should be."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader

from exporters.receipt_pdf import ReceiptData, place_and_date, write_receipt


def _data(**overrides) -> ReceiptData:
    values = dict(
        header_lines=["Công an tỉnh Kiên Giang", "Công an xã Vĩnh Hòa Hưng"],
        place="Kiên Giang",
        dossier_number="HS-2025-000123",
        organization_name="Công ty TNHH Một thành viên Thương mại Dịch vụ Đức Ước",
        received_at=dt.datetime(2025, 1, 9, 9, 30),
        due_date=dt.date(2025, 1, 14),
        officer_name="Nguyễn Thị Ánh Tuyết",
        papers=["Tờ khai TK02 (bản chính)", "Bản sao Giấy chứng nhận đăng ký doanh nghiệp",
                "Giấy ủy quyền của người đại diện theo pháp luật"],
        tax_code="0100233488",
        address="Số 12 đường Nguyễn Trung Trực, ấp Phước Hưng, xã Vĩnh Hòa Hưng",
        legal_rep="Trần Văn Ước",
        rep_phone="0912345678",
        rep_email="uoc@example.vn",
        channel="Trực tiếp tại đơn vị",
    )
    values.update(overrides)
    return ReceiptData(**values)


def _pdf(data: ReceiptData, page_size: str = "A4") -> bytes:
    buffer = io.BytesIO()
    write_receipt(data, buffer, page_size=page_size)
    return buffer.getvalue()


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_content_in_reading_order_with_vietnamese_intact(size):
    pdf = _pdf(_data(), size)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, "a usual receipt fits on one sheet"
    text = _text(pdf)
    expected_in_order = [
        "CÔNG AN TỈNH KIÊN GIANG", "CÔNG AN XÃ VĨNH HÒA HƯNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Kiên Giang, ngày 09 tháng 01 năm 2025",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mã hồ sơ: HS-2025-000123",
        "Công ty TNHH Một thành viên Thương mại Dịch vụ Đức Ước", "0100233488", "Trần Văn Ước", "0912345678",
        "Tờ khai TK02 (bản chính)", "Giấy ủy quyền của người đại diện theo pháp luật",
        "09 giờ 30 phút, ngày 09/01/2025", "thứ Ba, ngày 14/01/2025", "NGƯỜI NỘP HỒ SƠ", "CÁN BỘ TIẾP NHẬN",
        "Nguyễn Thị Ánh Tuyết",
    ]
    position = 0
    for piece in expected_in_order:
        found = text.find(piece, position)
        assert found >= 0, f"«{piece}» missing or out of order in: {text[position:position + 200]}"
        position = found + len(piece)


@pytest.mark.parametrize("size, expected_mm", [("A4", (210, 297)), ("A5", (210, 148))])
def test_page_size_and_only_embedded_fonts(size, expected_mm):
    reader = PdfReader(io.BytesIO(_pdf(_data(), size)))
    page = reader.pages[0]
    width_mm = float(page.mediabox.width) * 25.4 / 72
    height_mm = float(page.mediabox.height) * 25.4 / 72
    assert (round(width_mm), round(height_mm)) == expected_mm
    fonts = page["/Resources"]["/Font"]
    names = set()
    for ref in fonts.values():
        font = ref.get_object()
        names.add(str(font["/BaseFont"]))
        descendant = font.get("/DescendantFonts")
        descriptor = (descendant[0].get_object() if descendant else font)["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
    assert all("LiberationSerif" in name for name in names), names
    assert any(name.endswith("LiberationSerif-Italic") for name in names), "place and date in italics"


def _qr_rectangles(text: str) -> int:
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Group, Rect

    def count(node) -> int:
        if isinstance(node, Group):
            return sum(count(child) for child in node.contents)
        return 1 if isinstance(node, Rect) else 0

    return count(QrCodeWidget(text, barLevel="M", barBorder=2).draw())


@pytest.mark.parametrize("number", ["HS-2025-000777", "HS-2025-012345"])
def test_qr_code_holds_the_dossier_number(number):
    # The page draws no rectangle other than the QR modules, so the rectangles on the page are exactly
    # the modules of the QR symbol encoding the dossier number (what a scanner reads back).
    content = PdfReader(io.BytesIO(_pdf(_data(dossier_number=number)))).pages[0].get_contents().get_data()
    expected = _qr_rectangles(number)
    assert expected > 50
    assert content.count(b" re\n") + content.count(b" re ") == expected


def test_same_data_gives_same_bytes_and_different_data_different_bytes():
    first, second = _pdf(_data()), _pdf(_data())
    assert first == second
    assert _pdf(_data(due_date=dt.date(2025, 1, 15))) != first


@pytest.mark.parametrize("day, expected", [
    (dt.date(2025, 1, 9), "Kiên Giang, ngày 09 tháng 01 năm 2025"),
    (dt.date(2025, 2, 28), "Kiên Giang, ngày 28 tháng 02 năm 2025"),
    (dt.date(2025, 3, 5), "Kiên Giang, ngày 05 tháng 3 năm 2025"),
    (dt.date(2025, 12, 10), "Kiên Giang, ngày 10 tháng 12 năm 2025"),
])
def test_place_and_date_leading_zeros(day, expected):
    assert place_and_date("Kiên Giang", day) == expected


def test_group4_without_tax_code_and_without_due_date_or_papers():
    data = _data(tax_code=None, founding_decision="Quyết định số 15/QĐ-UBND ngày 02/3/2020",
                 due_date=None, papers=[], organization_name="Chi hội Người cao tuổi ấp Phước Hưng")
    text = _text(_pdf(data))
    assert "Mã số thuế" not in text
    assert "Quyết định thành lập: Quyết định số 15/QĐ-UBND" in text
    assert "không có giấy tờ kèm theo" in text
    assert "sau khi xác minh xong" in text


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_long_name_address_and_every_usual_paper_still_fit_one_sheet(size):
    from models.dossiers.records import DEFAULT_PAPERS

    data = _data(organization_name="CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN THƯƠNG MẠI DỊCH VỤ XUẤT NHẬP KHẨU "
                                   "NÔNG SẢN ĐỨC ƯỚC", tax_code="0312687878-001", papers=list(DEFAULT_PAPERS),
                 address="Số 12 đường Nguyễn Trung Trực, khu phố Vĩnh Phước, phường Vĩnh Thanh Vân, thành phố Rạch "
                         "Giá, tỉnh Kiên Giang", rep_email="uoc.tran@congtyducuoc.com.vn")
    pdf = _pdf(data, size)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = _text(pdf)
    assert "Nguyễn Thị Ánh Tuyết" in text, "the signatures stay on the sheet"
    assert ("(5) Giấy tờ khác" if size == "A5" else "5. Giấy tờ khác") in text


def test_many_papers_flow_to_a_numbered_second_page():
    papers = [f"Giấy tờ bổ sung số {i} — bản sao có chứng thực" for i in range(1, 41)]
    pdf = _pdf(_data(papers=papers))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    second = reader.pages[1].extract_text()
    assert second.strip().splitlines()[0].strip() == "2", "page number at the top of page 2"
    assert "40. Giấy tờ bổ sung số 40" in _text(pdf)


def test_text_with_markup_characters_is_printed_literally():
    text = _text(_pdf(_data(organization_name="Công ty <b>A&B</b> & Cộng sự")))
    assert "Công ty <b>A&B</b> & Cộng sự" in text


def test_unknown_page_size_is_refused():
    with pytest.raises(ValueError, match="A4 hoặc A5"):
        _pdf(_data(), "Letter")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("size", ["A4", "A5"])
def test_renders_with_ink_in_header_and_qr_areas(tmp_path, size):
    from PySide6.QtGui import QImage

    pdf_path = tmp_path / f"receipt-{size}.pdf"
    pdf_path.write_bytes(_pdf(_data(), size))
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(pdf_path), str(tmp_path / "page")],
                   check=True, timeout=60)
    image = QImage(str(tmp_path / "page.png"))
    assert not image.isNull()
    w, h = image.width(), image.height()

    def dark_pixels(x0, y0, x1, y1) -> int:
        return sum(1 for x in range(int(x0 * w), int(x1 * w)) for y in range(int(y0 * h), int(y1 * h))
                   if image.pixelColor(x, y).lightness() < 128)

    margin_mm_to_frac = 20 / (297 if size == "A4" else 148)
    assert dark_pixels(0, 0, 1, margin_mm_to_frac * 0.8) == 0, "nothing printed in the top margin"
    assert dark_pixels(0.15, margin_mm_to_frac, 0.5, margin_mm_to_frac + 0.08) > 20, "unit header"
    assert dark_pixels(0.5, margin_mm_to_frac, 1, margin_mm_to_frac + 0.08) > 20, "national motto"
    # QR area: right edge of the content, below the title; a QR is about half dark.
    qr_dark = dark_pixels(0.78, 0.2 if size == "A4" else 0.35, 0.93, 0.35 if size == "A4" else 0.6)
    assert qr_dark > 100, "QR code drawn"
