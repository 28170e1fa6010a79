"""The "Chưa đăng ký" worklist as an official PDF table (Decree 30 layout) and as a workbook, from
``models.registry.pending.PendingDocument``.

PDF: A4 landscape (eight columns), margins 20/20/30/15 mm like the report, Liberation Serif embedded;
the letterhead of the report (parent body over the unit, national title and motto, place and date), the
title and the list's scope, one table whose header row repeats on every page, a bold row per commune,
the total, the signature blocks; page numbers top centre from page 2. Deterministic (invariant mode).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import xlsxwriter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
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

from exporters.cells import WORKBOOK_OPTIONS, text_format
from exporters.decree30 import MOTTO, NATION, Rule, esc, letterhead_columns, name_paragraphs, side_by_side
from exporters.fonts import register_fonts
from models.registry.pending import PendingDocument
from models.text.vn_format import date_text, thousands, written_date

MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
TABLE_SIZE = 10.5
GREY = colors.Color(0.88, 0.88, 0.88)
# widths (share of the frame) of: STT, name, tax code, address, representative, phone, group, dossier
SHARES = (0.045, 0.195, 0.095, 0.215, 0.115, 0.095, 0.09, 0.15)


def render_pending_pdf(doc: PendingDocument) -> bytes:
    return _Renderer(doc).render()


class _Renderer:
    def __init__(self, doc: PendingDocument):
        self.doc = doc
        self.fonts = register_fonts()
        self.page_width, self.page_height = landscape(A4)
        self.width = self.page_width - MARGINS["left"] - MARGINS["right"]
        f = self.fonts
        center = ParagraphStyle("center", fontName=f["regular"], fontSize=13, leading=16, alignment=TA_CENTER)
        cell = ParagraphStyle("cell", fontName=f["regular"], fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.2,
                              alignment=TA_LEFT)
        self.s = {
            "head_parent": ParagraphStyle("headParent", parent=center, fontSize=12.5, leading=15),
            "head_unit": ParagraphStyle("headUnit", parent=center, fontName=f["bold"], fontSize=12.5, leading=15),
            "nation": ParagraphStyle("nation", parent=center, fontName=f["bold"], fontSize=12, leading=15),
            "motto": ParagraphStyle("motto", parent=center, fontName=f["bold"], fontSize=13, leading=16),
            "place_date": ParagraphStyle("placeDate", parent=center, fontName=f["italic"]),
            "title": ParagraphStyle("title", parent=center, fontName=f["bold"], fontSize=14, leading=17),
            "scope": ParagraphStyle("scope", parent=center, fontName=f["italic"]),
            "cell": cell,
            "cell_num": ParagraphStyle("cellNum", parent=cell, alignment=TA_CENTER),
            "cell_head": ParagraphStyle("cellHead", parent=cell, fontName=f["bold"], alignment=TA_CENTER),
            "cell_area": ParagraphStyle("cellArea", parent=cell, fontName=f["bold"]),
            "sign": ParagraphStyle("sign", parent=center, fontName=f["bold"]),
            "sign_note": ParagraphStyle("signNote", parent=center, fontName=f["italic"], fontSize=11, leading=13),
        }

    def render(self) -> bytes:
        buffer = io.BytesIO()
        d = self.doc
        template = BaseDocTemplate(
            buffer, pagesize=landscape(A4), leftMargin=MARGINS["left"], rightMargin=MARGINS["right"],
            topMargin=MARGINS["top"], bottomMargin=MARGINS["bottom"], title=d.title, author=d.unit_name,
            subject=d.scope, creator="Sổ Định Danh", producer="Sổ Định Danh", invariant=1, lang="vi-VN",
            initialFontName=self.fonts["regular"], initialFontSize=13)
        frame = Frame(template.leftMargin, template.bottomMargin, template.width, template.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        template.addPageTemplates([
            PageTemplate(id="first", frames=[frame], autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[frame], onPage=self.page_number),
        ])
        template.build(self.story())
        return buffer.getvalue()

    def page_number(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(self.fonts["regular"], 13)
        canvas.drawCentredString(MARGINS["left"] + self.width / 2, self.page_height - 12 * mm, str(doc.page))
        canvas.restoreState()

    def story(self) -> list[Flowable]:
        d, s = self.doc, self.s
        story: list[Flowable] = [self.header(), Spacer(1, 6 * mm), Paragraph(esc(d.title.upper()), s["title"]),
                                 Paragraph(esc(f"Phạm vi: {d.scope} — {thousands(d.count)} tổ chức"), s["scope"]),
                                 Rule(self.width * 0.25, space_before=3), Spacer(1, 4 * mm), self.table()]
        story.append(Spacer(1, 6 * mm))
        story.append(KeepTogether([self.signatures()]))
        return story

    def header(self) -> Table:
        d, s = self.doc, self.s
        left_width, right_width = letterhead_columns(self.width, self.fonts["bold"])
        left_width = min(left_width, self.width * 0.45)
        right_width = self.width - left_width
        names = [(d.parent_body.upper(), s["head_parent"])] if d.parent_body else []
        names.append(((d.unit_name or "ĐƠN VỊ").upper(), s["head_unit"]))
        left, size, lines = name_paragraphs(names, left_width - 3 * mm, (12.5, 12))
        unit_width = max((stringWidth(line, self.fonts["bold"], size) for line in lines[-1] if line), default=0)
        left.append(Rule(unit_width * 0.4 if unit_width else 20 * mm, space_before=1))
        day = dt.date.fromisoformat(d.doc_date)
        place_date = f"{d.place}, {written_date(day)}" if d.place else written_date(day)
        right: list[Flowable] = [Paragraph(NATION, s["nation"]), Paragraph(MOTTO, s["motto"]),
                                 Rule(stringWidth(MOTTO, self.fonts["bold"], 13), space_before=1),
                                 Spacer(1, 3 * mm), Paragraph(esc(place_date), s["place_date"])]
        return side_by_side(left, right, (left_width, right_width), self.fonts["regular"])

    def table(self) -> Table:
        d, s = self.doc, self.s
        data: list[list] = [[Paragraph(esc(h), s["cell_head"]) for h in d.headers]]
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.fonts["regular"]),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), GREY),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for area, rows in d.areas:
            style += [("SPAN", (0, len(data)), (-1, len(data)))]
            data.append([Paragraph(esc(f"{area} ({thousands(len(rows))} tổ chức)"), s["cell_area"])]
                        + [""] * (len(d.headers) - 1))
            for row in rows:
                data.append([Paragraph(esc(thousands(row[0])), s["cell_num"]),
                             *(Paragraph(esc(v), s["cell"]) for v in row[1:])])
        if not d.areas:
            style += [("SPAN", (0, 1), (-1, 1))]
            data.append([Paragraph("Không còn tổ chức nào chưa đăng ký.", s["cell"])] + [""] * (len(d.headers) - 1))
        data.append([Paragraph(esc(f"Tổng cộng: {thousands(d.count)} tổ chức"), s["cell_area"])]
                    + [""] * (len(d.headers) - 1))
        style += [("SPAN", (0, len(data) - 1), (-1, len(data) - 1))]
        table = Table(data, colWidths=[self.width * w for w in SHARES], repeatRows=1)
        table.setStyle(TableStyle(style))
        return table

    def signatures(self) -> Table:
        s = self.s
        left = [Paragraph("NGƯỜI LẬP DANH SÁCH", s["sign"]), Paragraph("(Ký, ghi rõ họ tên)", s["sign_note"])]
        right = [Paragraph("THỦ TRƯỞNG ĐƠN VỊ", s["sign"]), Paragraph("(Ký, ghi rõ họ tên, đóng dấu)", s["sign_note"])]
        return side_by_side(left, right, (self.width / 2, self.width / 2), self.fonts["regular"])


def write_pending_xlsx(path: str | Path, doc: PendingDocument) -> None:
    """One sheet: title and scope, the header, one row per organization with its commune in a column
    (so the officer can filter and sort in Excel), the total."""
    book = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    try:
        sheet = book.add_worksheet("Chưa đăng ký")
        bold = book.add_format({"bold": True})
        head = book.add_format({"bold": True, "border": 1, "bg_color": "#E0E0E0", "text_wrap": True,
                                "align": "center", "valign": "vcenter"})
        text = book.add_format(text_format({"border": 1, "text_wrap": True, "valign": "top"}))
        number = book.add_format({"border": 1, "valign": "top", "num_format": "#,##0"})
        sheet.write_string(0, 0, doc.title.upper(), bold)
        sheet.write_string(1, 0, f"{doc.unit_name} — Phạm vi: {doc.scope} — ngày {date_text(doc.doc_date)}")
        headers = [*doc.headers[:1], "Xã, phường", *doc.headers[1:]]
        sheet.write_row(3, 0, headers, head)
        r = 4
        for area, rows in doc.areas:
            for row in rows:
                sheet.write_number(r, 0, row[0], number)
                sheet.write_string(r, 1, area, text)
                for c, value in enumerate(row[1:], start=2):
                    sheet.write_string(r, c, str(value), text)
                r += 1
        sheet.write_string(r + 1, 0, f"Tổng cộng: {thousands(doc.count)} tổ chức", bold)
        sheet.freeze_panes(4, 0)
        if r > 4:
            sheet.autofilter(3, 0, r - 1, len(headers) - 1)
        for col, width in enumerate((6, 22, 40, 14, 44, 24, 13, 16, 28)):
            sheet.set_column(col, col, width)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.repeat_rows(3)
        sheet.fit_to_pages(1, 0)
    finally:
        book.close()
