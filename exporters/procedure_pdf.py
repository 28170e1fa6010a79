"""The procedure's printed papers besides the receipt, in the Decree 30/2020 layout with the same fonts and
letterhead as the weekly report and the receipt (``exporters/fonts.py``, ``exporters/decree30.py``):

* ``write_papers_request``: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" (A4 portrait): the applicant, the
  dossier, the numbered list of papers missing, who to contact; signed by the officer who asked.
* ``write_refusal``: "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" (A4 portrait): the reason, signed by the
  leader (authority and title from the report settings).
* ``write_register_book``: "SỔ THEO DÕI TIẾP NHẬN HỒ SƠ" for a period (A4 landscape): one row per dossier
  received, header row repeated on every page, page numbers top centre from page 2.

Deterministic (reportlab invariant mode, fixed metadata). Input is plain dicts from
``models/dossiers/documents.py``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
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
    TableStyle,
)

from exporters.decree30 import MOTTO, NATION, Rule, esc, letterhead_columns, name_paragraphs, side_by_side
from exporters.fonts import register_fonts
from models.text.vn_format import date_text, thousands, written_date

PAPERS_TITLE = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
REFUSAL_TITLE = "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ"
BOOK_TITLE = "SỔ THEO DÕI TIẾP NHẬN HỒ SƠ"
MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
GREY = colors.Color(0.9, 0.9, 0.9)


class _Doc:
    """One document: page template with Decree 30 margins and page numbers, the styles, the letterhead."""

    def __init__(self, pagesize, title: str, author: str, body: float = 13):
        self.fonts = register_fonts()
        self.pagesize = pagesize
        self.out = io.BytesIO()
        f = self.fonts
        self.doc = BaseDocTemplate(
            self.out, pagesize=pagesize, leftMargin=MARGINS["left"], rightMargin=MARGINS["right"],
            topMargin=MARGINS["top"], bottomMargin=MARGINS["bottom"], title=title, author=author,
            subject=title.capitalize(), creator="Sổ Định Danh", producer="Sổ Định Danh", invariant=1,
            lang="vi-VN", initialFontName=f["regular"], initialFontSize=body)
        self.width = self.doc.width
        frame = Frame(self.doc.leftMargin, self.doc.bottomMargin, self.width, self.doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._page_number)])
        base = ParagraphStyle("body", fontName=f["regular"], fontSize=body, leading=body * 1.3, alignment=TA_JUSTIFY)
        center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
        self.s = {
            "body": base,
            "indent": ParagraphStyle("indent", parent=base, firstLineIndent=10 * mm, spaceAfter=3),
            "item": ParagraphStyle("item", parent=base, leftIndent=10 * mm, spaceAfter=2),
            "left": ParagraphStyle("left", parent=base, alignment=TA_LEFT),
            "center": center,
            "title": ParagraphStyle("title", parent=center, fontName=f["bold"], fontSize=14, leading=17),
            "subtitle": ParagraphStyle("subtitle", parent=center, fontName=f["bold"], fontSize=13, leading=16),
            "italic_center": ParagraphStyle("italicCenter", parent=center, fontName=f["italic"]),
            "head_parent": ParagraphStyle("headParent", parent=center, fontSize=12.5, leading=15),
            "head_unit": ParagraphStyle("headUnit", parent=center, fontName=f["bold"], fontSize=12.5, leading=15),
            "nation": ParagraphStyle("nation", parent=center, fontName=f["bold"], fontSize=12, leading=15),
            "motto": ParagraphStyle("motto", parent=center, fontName=f["bold"], fontSize=13, leading=16),
            "place_date": ParagraphStyle("placeDate", parent=center, fontName=f["italic"], fontSize=13, leading=16),
            "sign": ParagraphStyle("sign", parent=center, fontName=f["bold"], fontSize=13, leading=16),
            "sign_hint": ParagraphStyle("signHint", parent=center, fontName=f["italic"], fontSize=12, leading=15),
            "recipients_title": ParagraphStyle("recipientsTitle", fontName=f["bolditalic"], fontSize=12, leading=14),
            "recipients": ParagraphStyle("recipients", fontName=f["regular"], fontSize=11, leading=13),
            "cell": ParagraphStyle("cell", fontName=f["regular"], fontSize=9.5, leading=11.5, alignment=TA_LEFT),
            "cell_center": ParagraphStyle("cellCenter", fontName=f["regular"], fontSize=9.5, leading=11.5,
                                          alignment=TA_CENTER),
            "cell_head": ParagraphStyle("cellHead", fontName=f["bold"], fontSize=9.5, leading=11.5,
                                        alignment=TA_CENTER),
        }

    def _page_number(self, canvas, doc) -> None:
        """Decree 30: page numbers centred in the top margin, none on the first page."""
        if doc.page > 1:
            canvas.saveState()
            canvas.setFont(self.fonts["regular"], 13)
            canvas.drawCentredString(MARGINS["left"] + self.width / 2, self.pagesize[1] - 12 * mm, str(doc.page))
            canvas.restoreState()

    def letterhead(self, header_lines: list[str], place: str, day: dt.date, number_line: str | None = None) -> Table:
        *parents, unit = header_lines or [""]
        left_width, right_width = letterhead_columns(self.width, self.fonts["bold"])
        if self.width > 200 * mm:  # landscape: the unit's name needs no more than a third of the line
            left_width = right_width = self.width / 2
        names = [(line.upper(), self.s["head_parent"]) for line in parents] + [(unit.upper(), self.s["head_unit"])]
        left, size, lines = name_paragraphs(names, left_width - 3 * mm, (12.5, 12))
        unit_width = max((stringWidth(line, self.fonts["bold"], size) for line in lines[-1] if line), default=0)
        left.append(Rule(unit_width * 0.4 if unit_width else 20 * mm, space_before=4, height=1, line_y=0.5))
        if number_line:
            left += [Spacer(1, 2 * mm), Paragraph(esc(number_line), self.s["center"])]
        right: list[Flowable] = [
            Paragraph(NATION, self.s["nation"]), Paragraph(MOTTO, self.s["motto"]),
            Rule(stringWidth(MOTTO, self.fonts["bold"], 13), space_before=1), Spacer(1, 3 * mm),
            Paragraph(esc(f"{place}, {written_date(day)}" if place else written_date(day).capitalize()),
                      self.s["place_date"]),
        ]
        return side_by_side(left, right, (left_width, right_width), self.fonts["regular"])

    def build(self, story: list[Flowable]) -> bytes:
        self.doc.build(story)
        return self.out.getvalue()


def _applicant_lines(data: dict) -> list[str]:
    lines = [f"Tên tổ chức: <b>{esc(data['organization_name'])}</b>"]
    if data.get("tax_code"):
        lines.append(f"Mã số thuế: {esc(data['tax_code'])}")
    if data.get("address"):
        lines.append(f"Địa chỉ trụ sở chính: {esc(data['address'])}")
    rep = data.get("legal_rep")
    if rep:
        phone = f"; điện thoại: {esc(data['rep_phone'])}" if data.get("rep_phone") else ""
        lines.append(f"Người đại diện theo pháp luật: {esc(rep)}{phone}")
    at = data["received_at"]
    lines.append(f"Hồ sơ số <b>{esc(data['dossier_number'])}</b>, tiếp nhận lúc {at.hour:02d} giờ {at.minute:02d} "
                 f"phút, ngày {date_text(at)}; thủ tục: {esc(data['procedure'].lower())}.")
    return lines


def _two_signatures(doc: _Doc, left: list[Flowable], right: list[Flowable]) -> Table:
    return side_by_side(left, right, (doc.width / 2, doc.width / 2), doc.fonts["regular"])


def write_papers_request(data: dict, fh: BinaryIO) -> None:
    """The request for more papers (A4): every paper missing, numbered, once."""
    doc = _Doc(A4, f"Phiếu yêu cầu bổ sung hồ sơ {data['dossier_number']}", data["header_lines"][-1])
    s = doc.s
    story: list[Flowable] = [doc.letterhead(data["header_lines"], data["place"], data["day"]), Spacer(1, 8 * mm),
                             Paragraph(PAPERS_TITLE, s["title"]), Rule(doc.width * 0.3, space_before=7, height=1, line_y=0.5),
                             Spacer(1, 5 * mm)]
    story.append(Paragraph(f"{esc(data['header_lines'][-1])} đã tiếp nhận hồ sơ của:", s["indent"]))
    story += [Paragraph(line, s["item"]) for line in _applicant_lines(data)]
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph("Để hồ sơ đủ điều kiện giải quyết, đề nghị tổ chức bổ sung, hoàn thiện "
                           f"{len(data['papers']):02d} giấy tờ sau:", s["indent"]))
    story += [Paragraph(f"{i}. {esc(p)}", s["item"]) for i, p in enumerate(data["papers"], 1)]
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph("Thời hạn giải quyết hồ sơ được tính lại từ ngày nhận đủ giấy tờ bổ sung. Trong quá trình "
                           "hoàn thiện hồ sơ, nếu có vướng mắc, đề nghị liên hệ cán bộ tiếp nhận "
                           f"{esc(data['officer_name'])} tại {esc(data['header_lines'][-1])} để được hướng dẫn.",
                           s["indent"]))
    story.append(Spacer(1, 6 * mm))
    gap = Spacer(1, 22 * mm)
    story.append(KeepTogether([_two_signatures(
        doc,
        [Paragraph("NGƯỜI NỘP HỒ SƠ", s["sign"]), Paragraph("(Ký, ghi rõ họ tên)", s["sign_hint"]), gap,
         Paragraph(esc(data.get("legal_rep") or ""), s["sign"])],
        [Paragraph("NGƯỜI HƯỚNG DẪN", s["sign"]), Paragraph("(Ký, ghi rõ họ tên)", s["sign_hint"]), gap,
         Paragraph(esc(data["officer_name"]), s["sign"])])]))
    fh.write(doc.build(story))


def write_refusal(data: dict, fh: BinaryIO) -> None:
    """The refusal notice (A4): says why, signed by the leader."""
    doc = _Doc(A4, f"Phiếu từ chối hồ sơ {data['dossier_number']}", data["header_lines"][-1])
    s = doc.s
    story: list[Flowable] = [doc.letterhead(data["header_lines"], data["place"], data["day"]), Spacer(1, 8 * mm),
                             Paragraph(REFUSAL_TITLE, s["title"]), Rule(doc.width * 0.3, space_before=7, height=1, line_y=0.5),
                             Spacer(1, 5 * mm)]
    story.append(Paragraph(f"{esc(data['header_lines'][-1])} đã tiếp nhận hồ sơ của:", s["indent"]))
    story += [Paragraph(line, s["item"]) for line in _applicant_lines(data)]
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph("Sau khi kiểm tra, xác minh, đơn vị từ chối giải quyết hồ sơ này với lý do cụ thể như sau:",
                           s["indent"]))
    story.append(Paragraph(f"<b>{esc(data['reason'])}</b>", s["item"]))
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph("Xin thông báo để tổ chức được biết. Khi khắc phục được lý do trên, tổ chức có thể nộp "
                           "hồ sơ mới theo quy định./.", s["indent"]))
    story.append(Spacer(1, 6 * mm))
    right: list[Flowable] = []
    if data.get("signer_authority"):
        right.append(Paragraph(esc(data["signer_authority"].upper()), s["sign"]))
    if data.get("signer_title"):
        right.append(Paragraph(esc(data["signer_title"].upper()), s["sign"]))
    right += [Paragraph("(Ký, ghi rõ họ tên, đóng dấu)", s["sign_hint"]), Spacer(1, 22 * mm),
              Paragraph(esc(data.get("signer_name") or ""), s["sign"])]
    left: list[Flowable] = [Paragraph("Nơi nhận:", s["recipients_title"]),
                            Paragraph(f"- {esc(data['organization_name'])};", s["recipients"]),
                            Paragraph("- Lưu: hồ sơ.", s["recipients"])]
    story.append(KeepTogether([side_by_side(left, right, (doc.width * 0.45, doc.width * 0.55), doc.fonts["regular"])]))
    fh.write(doc.build(story))


BOOK_COLUMNS = (  # (heading, width in mm; None takes the rest: 36 mm on A4 landscape)
    ("STT", 8), ("Mã hồ sơ", 26), ("Tên tổ chức, mã số thuế", None), ("Người đại diện, điện thoại", 27),
    ("Kênh nộp", 20), ("Ngày, giờ nhận", 18), ("Hẹn trả kết quả", 18), ("Tình trạng", 18),
    ("Ngày kết thúc", 18), ("Trả kết quả", 13), ("Cán bộ tiếp nhận", 20), ("Ghi chú", 30),
)


def write_register_book(data: dict, fh: BinaryIO) -> None:
    """The intake register book for a period (A4 landscape), one row per dossier received."""
    start, end = data["start"], data["end"]
    doc = _Doc(landscape(A4), f"Sổ theo dõi tiếp nhận hồ sơ {date_text(start)}–{date_text(end)}",
               data["header_lines"][-1], body=12)
    s = doc.s
    story: list[Flowable] = [doc.letterhead(data["header_lines"], data["place"], data["day"]), Spacer(1, 5 * mm),
                             Paragraph(BOOK_TITLE, s["title"]),
                             Paragraph(f"Thủ tục: {esc(data['procedure'].lower())}", s["subtitle"]),
                             Paragraph(f"Từ ngày {date_text(start)} đến ngày {date_text(end)}", s["italic_center"]),
                             Spacer(1, 4 * mm)]
    cell, center = s["cell"], s["cell_center"]
    table_data = [[Paragraph(h, s["cell_head"]) for h, _ in BOOK_COLUMNS]]
    for i, r in enumerate(data["rows"], 1):
        at = r["received_at"]
        org = esc(r["organization"]) + (f"<br/>MST: {esc(r['tax_code'])}" if r["tax_code"] else "")
        rep = esc(r["representative"]) + (f"<br/>{esc(r['phone'])}" if r["phone"] else "")
        table_data.append([
            Paragraph(thousands(i), center), Paragraph(esc(r["number"]), cell), Paragraph(org, cell),
            Paragraph(rep, cell), Paragraph(esc(r["channel"]), cell),
            Paragraph(f"{date_text(at)}<br/>{at:%H:%M}", center),
            Paragraph(date_text(r["due_date"]) if r["due_date"] else "", center), Paragraph(esc(r["status"]), cell),
            Paragraph(date_text(r["finished_on"]) if r["finished_on"] else "", center),
            Paragraph(esc(r["result"]), center), Paragraph(esc(r["officer"]), cell), Paragraph(esc(r["note"]), cell),
        ])
    if not data["rows"]:
        table_data.append([Paragraph("Không có hồ sơ nào được tiếp nhận trong khoảng thời gian này.", cell)]
                          + [""] * (len(BOOK_COLUMNS) - 1))
    widths = [w * mm if w else None for _, w in BOOK_COLUMNS]
    widths[2] = doc.width - sum(w for w in widths if w)
    table = Table(table_data, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), doc.fonts["regular"]),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), GREY),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    if not data["rows"]:
        style.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(style))
    gap = Spacer(1, 18 * mm)
    # the count and the signatures stay together (a page never holds only the signatures without the count)
    story += [table, Spacer(1, 3 * mm), KeepTogether([
        Paragraph(f"Sổ này có {thousands(len(data['rows']))} hồ sơ.", s["left"]), Spacer(1, 3 * mm),
        _two_signatures(
            doc, [Paragraph("NGƯỜI LẬP SỔ", s["sign"]), Paragraph("(Ký, ghi rõ họ tên)", s["sign_hint"]), gap],
            [Paragraph("CHỈ HUY ĐƠN VỊ", s["sign"]), Paragraph("(Ký, ghi rõ họ tên)", s["sign_hint"]), gap])])]
    fh.write(doc.build(story))
