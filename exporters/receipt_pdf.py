"""The applicant's receipt and appointment slip ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả").

Written from plain data (``ReceiptData``) to a binary file handle. Layout follows Decree 30/2020/NĐ-CP,
which allows receipts on A4 or A5: parent body over the issuing unit top left (capitals), the national
motto with a rule top right, place and date in italics; margins top/bottom 20 mm, left 30 mm, right
15 mm. A5 is printed landscape (half an A4 sheet), so the two header columns keep their A4 widths.
A QR code (``qr_text``, built by ``models.dossiers.receipt.qr_payload``) holds one line: the dossier
number, the organization, the due date and the unit, so a phone's scan tells the applicant what the slip
is about, and the desk's scan into the search field opens the dossier (the number comes first).

The output is deterministic (reportlab invariant mode, fixed metadata): the same data gives the same
bytes, so a reprinted slip can be compared with the first one.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import BinaryIO

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from exporters.decree30 import MOTTO, NATION, Rule, esc, letterhead_columns, name_paragraphs, side_by_side
from exporters.fonts import register_fonts
from models.text.vn_format import date_text, written_date

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
PROCEDURE = "cấp tài khoản định danh điện tử cho cơ quan, tổ chức"
PAGE_SIZES = {"A4": A4, "A5": landscape(A5)}
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


@dataclass
class ReceiptData:
    """Everything printed on the slip, already formatted as the officer should see it."""

    header_lines: list[str]  # parent body(ies) first, the issuing unit last, e.g. ["CÔNG AN TỈNH X", "CÔNG AN XÃ Y"]
    place: str  # "Kiên Giang" in "Kiên Giang, ngày 09 tháng 01 năm 2025"
    dossier_number: str
    organization_name: str
    received_at: dt.datetime
    due_date: dt.date | None
    officer_name: str
    papers: list[str] = field(default_factory=list)
    tax_code: str | None = None
    founding_decision: str | None = None  # group 4: the decision/licence that founded it
    address: str | None = None
    legal_rep: str | None = None
    rep_phone: str | None = None
    rep_email: str | None = None
    channel: str | None = None  # "Trực tiếp tại đơn vị", "Tổ lưu động", …
    issued_on: dt.date | None = None  # date of the slip; defaults to the day received
    qr_text: str | None = None  # what the QR code holds (receipt.qr_payload); defaults to the dossier number
    result_note: str = "Kết quả được gửi qua ứng dụng VNeID, tin nhắn SMS hoặc thư điện tử đã đăng ký."
    # A citizen's level-2 dossier (issue 15): the procedure's name, "Họ và tên" for "Tên tổ chức", and extra
    # lines (masked ID number, date of birth, ID card) printed under the name.
    procedure: str = PROCEDURE
    subject_label: str = "Tên tổ chức"
    subject_lines: list[str] = field(default_factory=list)
    applicant_name: str | None = None  # signs as «Người nộp hồ sơ» (default: the legal representative)


def place_and_date(place: str, day: dt.date) -> str:
    """"Kiên Giang, ngày 09 tháng 01 năm 2025": days 1–9 and months 1–2 take a leading zero."""
    return f"{place}, {written_date(day)}"


# Body sizes tried in turn until the slip fits one sheet (a long name, address or paper list shrinks
# the text a little rather than pushing the signatures to a second page).
BODY_SIZES = {"A4": (13, 12.5, 12), "A5": (11, 10.5, 10)}
HEAD_SIZES = (12,)  # parent body(ies) and unit name: Decree 30's smallest size keeps the header short
HEAD_GUTTER = 3 * mm  # kept free between the unit's name lines and the national title


def write_receipt(data: ReceiptData, fh: BinaryIO, *, page_size: str = "A4") -> None:
    """Write the slip as PDF to ``fh`` (opened in binary mode). ``page_size`` is "A4" or "A5"."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"Khổ giấy «{page_size}» không hỗ trợ; chọn A4 hoặc A5")
    for body in BODY_SIZES[page_size]:
        pdf, pages = _render(data, page_size, body)
        if pages == 1:
            break
    fh.write(pdf)


def _render(data: ReceiptData, page_size: str, body: float) -> tuple[bytes, int]:
    fonts = register_fonts()
    compact = page_size == "A5"
    styles = _Styles(fonts, compact, body)
    size = PAGE_SIZES[page_size]
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=size, leftMargin=30 * mm, rightMargin=15 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
        title=f"Giấy tiếp nhận hồ sơ {data.dossier_number}", author=_unit_name(data), subject=TITLE.capitalize(),
        creator="Sổ Định Danh", producer="Sổ Định Danh", invariant=1, lang="vi-VN",
        initialFontName=fonts["regular"], initialFontSize=styles.body_size,
    )
    width = doc.width
    story: list[Flowable] = [_header(data, styles, width), Spacer(1, 2 * mm if compact else 8 * mm)]
    story += [Paragraph(TITLE, styles.title), Paragraph(f"Mã hồ sơ: <b>{esc(data.dossier_number)}</b>", styles.center),
              Spacer(1, 2 * mm if compact else 5 * mm)]
    story.append(_details_with_qr(data, styles, width, compact))
    story += _papers(data, styles, compact)
    story += _times(data, styles, compact)
    story.append(Spacer(1, 1 * mm if compact else 6 * mm))
    story.append(KeepTogether([_signatures(data, styles, width, compact)]))

    def page_number(canvas, document) -> None:
        # Decree 30: page numbers centred in the top margin, none on the first page.
        if document.page > 1:
            canvas.saveState()
            canvas.setFont(fonts["regular"], 12 if compact else 13)
            canvas.drawCentredString(doc.leftMargin + width / 2, size[1] - 12 * mm, str(document.page))
            canvas.restoreState()

    frame = Frame(doc.leftMargin, doc.bottomMargin, width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=page_number)])
    doc.build(story)
    return out.getvalue(), doc.page


# ---- building blocks ------------------------------------------------------------------------------

class _Styles:
    def __init__(self, fonts: dict[str, str], compact: bool, body: float):
        lead = body * (1.12 if compact else 1.2)
        regular, bold, italic = fonts["regular"], fonts["bold"], fonts["italic"]
        self.fonts = fonts
        self.body_size = body
        self.body = ParagraphStyle("body", fontName=regular, fontSize=body, leading=lead, alignment=TA_JUSTIFY)
        self.left = ParagraphStyle("left", parent=self.body, alignment=TA_LEFT)
        self.item = ParagraphStyle("item", parent=self.body, leftIndent=6 * mm, firstLineIndent=0)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.title = ParagraphStyle("title", parent=self.center, fontName=bold, fontSize=13 if compact else 14,
                                    leading=(13 if compact else 14) * 1.25)
        self.head_parent = ParagraphStyle("headParent", parent=self.center, fontSize=12, leading=14.4)
        self.head_unit = ParagraphStyle("headUnit", parent=self.head_parent, fontName=bold)
        self.nation = ParagraphStyle("nation", parent=self.center, fontName=bold, fontSize=12, leading=14.4)
        self.motto = ParagraphStyle("motto", parent=self.center, fontName=bold, fontSize=13, leading=15.6)
        self.place_date = ParagraphStyle("placeDate", parent=self.center, fontName=italic,
                                         fontSize=12 if compact else 13, leading=15)
        self.sign_title = ParagraphStyle("signTitle", parent=self.center, fontName=bold, fontSize=body)
        self.sign_hint = ParagraphStyle("signHint", parent=self.center, fontName=italic, fontSize=body - 1)
        self.sign_name = ParagraphStyle("signName", parent=self.center, fontName=bold, fontSize=body)
        self.qr_caption = ParagraphStyle("qrCaption", parent=self.center, fontName=italic, fontSize=8 if compact else 9,
                                         leading=9.5 if compact else 10.5)


def _rule(length: float) -> Rule:
    return Rule(length, 4, height=1, line_y=0.5)


def _unit_name(data: ReceiptData) -> str:
    return data.header_lines[-1] if data.header_lines else ""


def _header(data: ReceiptData, s: _Styles, width: float) -> Table:
    *parents, unit = data.header_lines or [""]
    left_width, right_width = letterhead_columns(width, s.fonts["bold"])
    names = [(line.upper(), s.head_parent) for line in parents] + [(unit.upper(), s.head_unit)]
    left, size, lines = name_paragraphs(names, left_width - HEAD_GUTTER, HEAD_SIZES)
    unit_width = max([stringWidth(line, s.fonts["bold"], size) for line in lines[-1] if line] or [20 * mm])
    left.append(_rule(min(unit_width, 40 * mm) * 0.6))
    right: list[Flowable] = [
        Paragraph(NATION, s.nation),
        Paragraph(MOTTO, s.motto),
        _rule(stringWidth(MOTTO, s.fonts["bold"], 13)),
        Spacer(1, 1 * mm if s.body_size < 12 else 2 * mm),
        Paragraph(esc(place_and_date(data.place, data.issued_on or data.received_at.date())), s.place_date),
    ]
    return side_by_side(left, right, (left_width, right_width), s.fonts["regular"])


def _qr(text: str, side: float, font_name: str) -> Drawing:
    widget = QrCodeWidget(text, barLevel="M", barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.initialFontName = font_name  # else the drawing's state refers to (unembedded) Helvetica
    drawing.add(widget)
    return drawing


def _details_with_qr(data: ReceiptData, s: _Styles, width: float, compact: bool) -> Table:
    lines = [] if compact else [f"Đã tiếp nhận hồ sơ đề nghị {esc(data.procedure)} của:"]
    lines.append(f"{esc(data.subject_label)}: <b>{esc(data.organization_name)}</b>")
    lines += [esc(line) for line in data.subject_lines]
    if data.tax_code:
        lines.append(f"Mã số thuế: <b>{esc(data.tax_code)}</b>")
    if data.founding_decision:
        lines.append(f"Quyết định thành lập: {esc(data.founding_decision)}")
    if data.address:
        lines.append(f"Địa chỉ trụ sở chính: {esc(data.address)}")
    rep = [f"Người đại diện theo pháp luật: {esc(data.legal_rep)}" if data.legal_rep else "",
           f"điện thoại: {esc(data.rep_phone)}" if data.rep_phone else ""]
    if any(rep):
        lines.append(_sentence(rep))
    contact = [f"Thư điện tử: {esc(data.rep_email)}" if data.rep_email else "",
               f"hình thức nộp: {esc(data.channel)}" if data.channel else ""]
    if any(contact):
        lines.append(_sentence(contact))
    # the QR line (number, organization, due date, unit) makes a denser code than the number alone: a little
    # larger, so that a module stays about half a millimetre
    side = 25 * mm if compact else 32 * mm
    qr_cell = [_qr(data.qr_text or data.dossier_number, side, s.fonts["regular"]),
               Paragraph("Quét để tra cứu", s.qr_caption)]
    text_cell = [Paragraph(line, s.left) for line in lines]
    return side_by_side(text_cell, qr_cell, (width - side - 4 * mm, side + 4 * mm), s.fonts["regular"],
                        ("LEFTPADDING", (1, 0), (1, 0), 4 * mm))


def _sentence(parts: list[str]) -> str:
    """Join the non-blank parts with "; " and give the result a capital first letter."""
    text = "; ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]


def _papers(data: ReceiptData, s: _Styles, compact: bool) -> list[Flowable]:
    papers = [p for p in data.papers if p and p.strip()]
    if not papers:
        return [Paragraph("Giấy tờ đã nhận: <i>(không có giấy tờ kèm theo)</i>", s.left)]
    if compact:
        # A5: one wrapped paragraph keeps the slip on a single half sheet.
        listed = "; ".join(f"({i}) {esc(p)}" for i, p in enumerate(papers, 1))
        return [Paragraph(f"Giấy tờ đã nhận ({len(papers):02d} loại): {listed}.", s.body)]
    out: list[Flowable] = [Paragraph(f"Giấy tờ đã nhận ({len(papers):02d} loại):", s.left)]
    out += [Paragraph(f"{i}. {esc(p)}", s.item) for i, p in enumerate(papers, 1)]
    return out


def _times(data: ReceiptData, s: _Styles, compact: bool) -> list[Flowable]:
    at = data.received_at
    received = f"Thời gian nhận hồ sơ: {at.hour:02d} giờ {at.minute:02d} phút, ngày {date_text(at)}."
    if data.due_date:
        due = data.due_date
        appointment = (f"Hẹn trả kết quả: <b>{WEEKDAYS[due.weekday()]}, ngày {date_text(due)}</b>.")
    else:
        appointment = "Hẹn trả kết quả: sau khi xác minh xong, đơn vị sẽ báo cho người nộp."
    lines = [f"{received} {appointment}"] if compact else [received, appointment]
    return [Paragraph(line, s.left) for line in [*lines, esc(data.result_note)]]


def _signatures(data: ReceiptData, s: _Styles, width: float, compact: bool) -> Table:
    # room for the signatures; a little less when the text had to shrink to keep one sheet
    gap = Spacer(1, (9 if s.body_size >= 11 else 8) * mm if compact else 22 * mm)
    left = [Paragraph("NGƯỜI NỘP HỒ SƠ", s.sign_title), Paragraph("(Ký, ghi rõ họ tên)", s.sign_hint), gap,
            Paragraph(esc(data.applicant_name or data.legal_rep or ""), s.sign_name)]
    right = [Paragraph("CÁN BỘ TIẾP NHẬN", s.sign_title), Paragraph("(Ký, ghi rõ họ tên)", s.sign_hint), gap,
             Paragraph(esc(data.officer_name), s.sign_name)]
    return side_by_side(left, right, (width / 2, width / 2), s.fonts["regular"])
