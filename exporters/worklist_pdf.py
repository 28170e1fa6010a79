"""The citizens' named worklists on paper (issue 16 item 3), Decree 30/2020 layout, Liberation Serif
embedded, deterministic (invariant mode), from ``models.people.worklists``' plain documents:

* ``render_worklist_pdf``: a list as a table, A4 landscape — the area officer's door-to-door sheet (STT,
  name, year of birth, masked ID number, village, address, phone, and a wide empty column for the result of
  the visit, written by hand), the enterprises who did not come. Letterhead (parent body over the unit,
  national title and motto, place and date), title, scope, one table whose header row repeats on every
  page with a bold row per village, the total, signatures; page numbers top centre from page 2.
* ``render_agency_letter``: the official letter ("Công văn") to an agency head, A4 portrait: number and
  "V/v" under the unit's name, "Kính gửi", the body, "Nơi nhận" and the signature; the staff list annexed
  on its own pages (its header names the letter).

Speed (a sheet of 5,000 residents ≤ 2 s): the list is a ``ListTable`` drawn straight on the canvas — cells
are plain strings wrapped once with ``simpleSplit``, all the text of a page goes into one text object and all
its rules into one ``lines`` call, and a page break only cuts a view of the rows. reportlab's ``Table`` with
a Paragraph per cell took 5× longer, and it re-measures the rest of a long table at every page break.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfdoc import PDFStream, PDFZCompress
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from exporters.decree30 import MOTTO, NATION, Rule, esc, letterhead_columns, name_paragraphs, side_by_side
from exporters.fonts import register_fonts
from models.people.worklists import AgencyLetter, Letterhead, WorklistDocument
from models.text.vn_format import date_text, thousands, written_date

MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
CELL_SIZE = 10.5
GREY = colors.Color(0.88, 0.88, 0.88)
MIN_ROW = 17  # points: room to write the result of the visit by hand
PAD = 3
GAP = "&nbsp;" * 12  # the number is written by hand when the letter is registered


class _FlateCanvas(Canvas):
    """Page streams compressed only (FlateDecode), not also ASCII85-encoded as reportlab does by default
    (``rl_config.useA85``, global): the pure-Python ASCII85 encoder took a quarter of a 200-page list's time.
    The file stays a plain PDF any reader opens."""

    def showPage(self):
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if page.stream and not page.Contents:
            stream = PDFStream()
            stream.filters = [PDFZCompress]
            stream.content = page.stream
            page.Contents = stream


class _Doc:
    def __init__(self, pagesize, title: str, author: str, subject: str):
        self.fonts = f = register_fonts()
        self.pagesize = pagesize
        self.out = io.BytesIO()
        self.doc = BaseDocTemplate(
            self.out, pagesize=pagesize, leftMargin=MARGINS["left"], rightMargin=MARGINS["right"],
            topMargin=MARGINS["top"], bottomMargin=MARGINS["bottom"], title=title, author=author, subject=subject,
            creator="Sổ Định Danh", producer="Sổ Định Danh", invariant=1, lang="vi-VN",
            initialFontName=f["regular"], initialFontSize=13)
        self.width = self.doc.width
        frame = Frame(self.doc.leftMargin, self.doc.bottomMargin, self.width, self.doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._page_number)])
        base = ParagraphStyle("body", fontName=f["regular"], fontSize=13, leading=17, alignment=TA_JUSTIFY)
        center = ParagraphStyle("center", parent=base, alignment=TA_CENTER, leading=16)
        self.s = {
            "body": base,
            "indent": ParagraphStyle("indent", parent=base, firstLineIndent=10 * mm, spaceAfter=4),
            "center": center,
            "head_parent": ParagraphStyle("headParent", parent=center, fontSize=12.5, leading=15),
            "head_unit": ParagraphStyle("headUnit", parent=center, fontName=f["bold"], fontSize=12.5, leading=15),
            "nation": ParagraphStyle("nation", parent=center, fontName=f["bold"], fontSize=12, leading=15),
            "motto": ParagraphStyle("motto", parent=center, fontName=f["bold"], fontSize=13, leading=16),
            "place_date": ParagraphStyle("placeDate", parent=center, fontName=f["italic"]),
            "number": ParagraphStyle("number", parent=center, fontSize=13),
            "subject": ParagraphStyle("subject", parent=center, fontSize=12, leading=14),
            "title": ParagraphStyle("title", parent=center, fontName=f["bold"], fontSize=14, leading=17),
            "scope": ParagraphStyle("scope", parent=center, fontName=f["italic"]),
            "to": ParagraphStyle("to", parent=base, alignment=TA_CENTER),
            "sign": ParagraphStyle("sign", parent=center, fontName=f["bold"]),
            "sign_note": ParagraphStyle("signNote", parent=center, fontName=f["italic"], fontSize=12, leading=14),
            "recipients_title": ParagraphStyle("recipientsTitle", fontName=f["bolditalic"], fontSize=12, leading=14),
            "recipients": ParagraphStyle("recipients", fontName=f["regular"], fontSize=11, leading=13),
            "cell_head": ParagraphStyle("cellHead", fontName=f["bold"], fontSize=CELL_SIZE, leading=CELL_SIZE * 1.2,
                                        alignment=TA_CENTER),
            "cell_group": ParagraphStyle("cellGroup", fontName=f["bold"], fontSize=CELL_SIZE, leading=CELL_SIZE * 1.2),
        }

    def _page_number(self, canvas, doc) -> None:
        if doc.page > 1:
            canvas.saveState()
            canvas.setFont(self.fonts["regular"], 13)
            canvas.drawCentredString(MARGINS["left"] + self.width / 2, self.pagesize[1] - 12 * mm, str(doc.page))
            canvas.restoreState()

    def letterhead(self, head: Letterhead, number_lines: list[str] | None = None) -> Table:
        s = self.s
        left_width, right_width = letterhead_columns(self.width, self.fonts["bold"])
        if self.width > 200 * mm:
            left_width = right_width = self.width / 2
        names = [(head.parent_body.upper(), s["head_parent"])] if head.parent_body else []
        names.append(((head.unit_name or "ĐƠN VỊ").upper(), s["head_unit"]))
        left, size, lines = name_paragraphs(names, left_width - 3 * mm, (12.5, 12))
        unit_width = max((stringWidth(line, self.fonts["bold"], size) for line in lines[-1] if line), default=0)
        left.append(Rule(unit_width * 0.4 if unit_width else 20 * mm, space_before=4, height=1, line_y=0.5))
        for n, line in enumerate(number_lines or []):
            text = esc(line).replace("&amp;nbsp;", "&nbsp;")
            left += [Spacer(1, 2 * mm if n == 0 else 0.5 * mm), Paragraph(text, s["number" if n == 0 else "subject"])]
        day = dt.date.fromisoformat(head.doc_date)
        right: list[Flowable] = [Paragraph(NATION, s["nation"]), Paragraph(MOTTO, s["motto"]),
                                 Rule(stringWidth(MOTTO, self.fonts["bold"], 13), space_before=1), Spacer(1, 3 * mm),
                                 Paragraph(esc(f"{head.place}, {written_date(day)}" if head.place
                                               else written_date(day).capitalize()), s["place_date"])]
        return side_by_side(left, right, (left_width, right_width), self.fonts["regular"])

    def signature(self, head: Letterhead, width: float) -> list[Flowable]:
        s = self.s
        out: list[Flowable] = []
        if head.signer_authority:
            out.append(Paragraph(esc(head.signer_authority.upper()), s["sign"]))
        if head.signer_title:
            out.append(Paragraph(esc(head.signer_title.upper()), s["sign"]))
        out += [Paragraph("(Ký, ghi rõ họ tên, đóng dấu)", s["sign_note"]), Spacer(1, 20 * mm),
                Paragraph(esc(head.signer_name), s["sign"])]
        return out

    def table(self, doc: WorklistDocument) -> list[Flowable]:
        """The list as one ``ListTable`` (see the module docstring)."""
        return [ListTable.of(doc, self.width, self.fonts)]


class ListTable(Flowable):
    """A ruled table drawn straight on the canvas: header row (bold, grey, repeated on every page), group rows
    (bold, spanning the width: the commune and village), body rows (plain text wrapped once, the first
    column centred, at least ``MIN_ROW`` high). Rows ``start:end`` of a shared list; a page break splits it
    into two such views (never right after a group row), so splitting costs nothing per row."""

    @classmethod
    def of(cls, doc: WorklistDocument, width: float, fonts: dict[str, str]) -> ListTable:
        regular, bold = fonts["regular"], fonts["bold"]
        widths = [width * share for share in doc.shares]
        room = [w - 2 * PAD for w in widths]

        def lines(text: object, col: int, font: str = regular) -> list[str]:
            text = str(text)
            if col == 0 or stringWidth(text, font, CELL_SIZE) <= room[col]:
                return [text]
            out = []
            for line in simpleSplit(text, font, CELL_SIZE, room[col]) or [""]:
                while len(line) > 1 and stringWidth(line, font, CELL_SIZE) > room[col]:  # one word wider than
                    cut = len(line) - 1                                                  # the column: cut it
                    while cut > 1 and stringWidth(line[:cut], font, CELL_SIZE) > room[col]:
                        cut -= 1
                    out.append(line[:cut])
                    line = line[cut:]
                out.append(line)
            return out

        header = [lines(h, c, bold) if c else [h] for c, h in enumerate(doc.headers)]
        rows: list[tuple[bool, list[list[str]]]] = []  # (is a group row, lines of each cell)
        for label, items in doc.groups:
            if label:
                rows.append((True, [simpleSplit(f"{label} ({thousands(len(items))} {doc.unit_word})", bold,
                                                CELL_SIZE, width - 2 * PAD)]))
            for item in items:
                rows.append((False, [[thousands(item[0])], *(lines(v, c) for c, v in enumerate(item[1:], start=1))]))
        if not doc.groups:
            rows.append((True, [["Không còn ai trong danh sách."]]))
        rows.append((True, [[f"Tổng cộng: {thousands(doc.count)} {doc.unit_word}"]]))
        heights = [cls._height(cells) for _, cells in rows]
        tops = [0.0]
        for h in heights:
            tops.append(tops[-1] + h)
        return cls(widths, fonts, header, rows, tops, 0, len(rows))

    @staticmethod
    def _height(cells: list[list[str]]) -> float:
        n = max(len(c) for c in cells)
        return max(MIN_ROW, n * CELL_SIZE * 1.2 + 5)

    def __init__(self, widths, fonts, header, rows, tops, start: int, end: int):
        super().__init__()
        self.widths, self.fonts, self.header, self.rows, self.tops = widths, fonts, header, rows, tops
        self.start, self.end = start, end
        self.header_height = max(self._height(header), 2 * CELL_SIZE * 1.2 + 5)

    def wrap(self, avail_width, avail_height):
        self.height = self.header_height + self.tops[self.end] - self.tops[self.start]
        self.width = sum(self.widths)
        return self.width, self.height

    def split(self, avail_width, avail_height):
        room = avail_height - self.header_height + self.tops[self.start]
        fit = bisect.bisect_right(self.tops, room, self.start, self.end + 1) - 1  # rows start:fit fit
        while fit > self.start and self.rows[fit - 1][0]:  # a group's name stays with its first rows
            fit -= 1
        if fit <= self.start or fit >= self.end:
            return []
        args = (self.widths, self.fonts, self.header, self.rows, self.tops)
        return [ListTable(*args, self.start, fit), ListTable(*args, fit, self.end)]

    def draw(self):
        canv, regular, bold = self.canv, self.fonts["regular"], self.fonts["bold"]
        total = sum(self.widths)
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        top = self.height
        canv.saveState()
        canv.setFillColor(GREY)
        canv.rect(0, top - self.header_height, total, self.header_height, stroke=0, fill=1)
        canv.setFillColor(colors.black)
        canv.setLineWidth(0.5)
        segments = [(0, top, total, top)]
        text = canv.beginText()
        code = text._code
        ascent = 0.891 * CELL_SIZE
        leading = CELL_SIZE * 1.2

        def put(cell: list[str], x0: float, x1: float, y_top: float, height: float, font: str, centred: bool):
            y = y_top - (height - len(cell) * leading) / 2 - (leading - CELL_SIZE) / 2 - ascent
            for line in cell:
                if centred:
                    x = (x0 + x1 - stringWidth(line, font, CELL_SIZE)) / 2
                else:
                    x = x0 + PAD
                # textOut() would also measure the string to move a cursor nobody reads, and fp_str()
                # is pure Python: the operators are written directly (reportlab is pinned).
                code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
                code.append(text._formatText(line))
                y -= leading

        text.setFont(bold, CELL_SIZE, leading)
        for c, cell in enumerate(self.header):
            put(cell, xs[c], xs[c + 1], top, self.header_height, bold, True)
        y = top - self.header_height
        segments.append((0, y, total, y))
        segments += [(x, top, x, y) for x in xs]
        font = bold
        run_top = None  # top of the current run of body rows: their column rules are drawn as one line each
        for i in range(self.start, self.end):
            is_group, cells = self.rows[i]
            h = self.tops[i + 1] - self.tops[i]
            if is_group:
                if font != bold:
                    text.setFont(bold, CELL_SIZE, leading)
                    font = bold
                if run_top is not None:
                    segments += [(x, run_top, x, y) for x in xs]
                    run_top = None
                put(cells[0], 0, total, y, h, bold, False)
                segments += [(0, y, 0, y - h), (total, y, total, y - h)]
            else:
                if font != regular:
                    text.setFont(regular, CELL_SIZE, leading)
                    font = regular
                for c, cell in enumerate(cells):
                    if cell and cell[0]:
                        put(cell, xs[c], xs[c + 1], y, h, regular, c == 0)
                if run_top is None:
                    run_top = y
            y -= h
            segments.append((0, y, total, y))
        if run_top is not None:
            segments += [(x, run_top, x, y) for x in xs]
        canv.drawText(text)
        canv.lines(segments)
        canv.restoreState()


def render_worklist_pdf(doc: WorklistDocument) -> bytes:
    d = _Doc(landscape(A4), doc.title, doc.head.unit_name, doc.scope)
    s = d.s
    story: list[Flowable] = [d.letterhead(doc.head), Spacer(1, 6 * mm), Paragraph(esc(doc.title.upper()), s["title"]),
                             Paragraph(esc(doc.scope), s["scope"]), Rule(d.width * 0.25, space_before=3),
                             Spacer(1, 4 * mm), *d.table(doc), Spacer(1, 6 * mm)]
    left = [Paragraph(doc.signers[0], s["sign"]), Paragraph("(Ký, ghi rõ họ tên)", s["sign_note"])]
    right = [Paragraph(doc.signers[1], s["sign"]), Paragraph("(Ký, ghi rõ họ tên, đóng dấu)", s["sign_note"])]
    story.append(KeepTogether([side_by_side(left, right, (d.width / 2, d.width / 2), d.fonts["regular"])]))
    d.doc.build(story, canvasmaker=_FlateCanvas)
    return d.out.getvalue()


def render_agency_letter(letter: AgencyLetter) -> bytes:
    head = letter.head
    d = _Doc(A4, f"Công văn gửi {letter.agency}", head.unit_name, letter.subject)
    s = d.s
    number = f"Số:{GAP}/{head.symbol_code}"
    story: list[Flowable] = [d.letterhead(head, [number, letter.subject]), Spacer(1, 8 * mm)]
    to = f"Kính gửi: Thủ trưởng {letter.agency}"
    if letter.agency_head:
        to += f" (Ông/Bà {letter.agency_head})"
    story += [Paragraph(esc(to), s["to"]), Spacer(1, 5 * mm)]
    missing = letter.annex.count
    day = date_text(head.doc_date)
    body = [
        "Thực hiện kế hoạch triển khai cấp, kích hoạt tài khoản định danh điện tử cho công dân trên địa bàn, "
        f"{head.unit_name} đề nghị 100% cán bộ, công chức, viên chức, người lao động của các cơ quan, đơn vị hoàn "
        "thành đăng ký tài khoản định danh điện tử mức độ 2 và kích hoạt tài khoản theo đúng tiến độ.",
        f"Tính đến ngày {day}, {letter.agency} có {thousands(letter.staff_total)} cán bộ, nhân viên trong danh "
        f"sách; đã được cấp tài khoản mức độ 2: {thousands(letter.level2_done)} người; đã kích hoạt: "
        f"{thousands(letter.activated)} người; còn {thousands(missing)} người chưa hoàn thành (danh sách kèm theo).",
        "Để bảo đảm tiến độ, đề nghị Thủ trưởng cơ quan, đơn vị chỉ đạo cán bộ, nhân viên có tên trong danh sách "
        "kèm theo đến Công an xã, phường nơi cư trú hoặc điểm cấp tài khoản lưu động để làm thủ tục, và tự kích "
        "hoạt tài khoản trên ứng dụng VNeID sau khi được cấp; Thủ trưởng cơ quan, đơn vị chịu trách nhiệm về kết "
        "quả thực hiện của cơ quan, đơn vị mình.",
    ]
    if letter.liaison:
        body.append(f"Đầu mối phối hợp của cơ quan, đơn vị: {letter.liaison}.")
    body.append(f"Trân trọng đề nghị {letter.agency} quan tâm, phối hợp thực hiện./.")
    story += [Paragraph(esc(p), s["indent"]) for p in body]
    story.append(Spacer(1, 6 * mm))
    recipients: list[Flowable] = [Paragraph("Nơi nhận:", s["recipients_title"])]
    recipients += [Paragraph(esc(f"- {r}"), s["recipients"]) for r in letter.recipients]
    story.append(KeepTogether([side_by_side(recipients, d.signature(head, d.width * 0.55),
                                            (d.width * 0.45, d.width * 0.55), d.fonts["regular"])]))
    annex = letter.annex
    story += [PageBreak(), Paragraph("PHỤ LỤC", s["title"]), Paragraph(esc(annex.title.upper()), s["title"]),
              Paragraph(f"(Kèm theo Công văn số{GAP}/{esc(head.symbol_code)} ngày {day} của {esc(head.unit_name)})",
                        s["scope"]),
              Paragraph(esc(annex.scope), s["scope"]), Rule(d.width * 0.3, space_before=3), Spacer(1, 4 * mm),
              *d.table(annex)]
    d.doc.build(story, canvasmaker=_FlateCanvas)
    return d.out.getvalue()
