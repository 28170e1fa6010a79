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

Speed (a sheet of 5,000 residents ≤ 2 s): cells are plain strings wrapped once with ``simpleSplit`` (a
Paragraph per cell costs 5×), and the rows go into tables of ``CHUNK`` rows whose header row is repeated
only by the first one on a page (``_Chunk``): reportlab re-measures the rest of a table at every page
break, so one table of 5,000 rows costs quadratic time.
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
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
    TableStyle,
)

from exporters.decree30 import MOTTO, NATION, Rule, esc, letterhead_columns, name_paragraphs, side_by_side
from exporters.fonts import register_fonts
from models.people.worklists import AgencyLetter, Letterhead, WorklistDocument
from models.text.vn_format import date_text, thousands, written_date

MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
CELL_SIZE = 10.5
GREY = colors.Color(0.88, 0.88, 0.88)
CHUNK = 60
MIN_ROW = 17  # points: room to write the result of the visit by hand
PAD = 3
GAP = "&nbsp;" * 12  # the number is written by hand when the letter is registered


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
        """The list as tables of ``CHUNK`` rows (see the module docstring)."""
        s, regular = self.s, self.fonts["regular"]
        widths = [self.width * share for share in doc.shares]
        header = [Paragraph(esc(h), s["cell_head"]) for h in doc.headers]
        ncol = len(doc.headers)
        room = [w - 2 * PAD - 1 for w in widths]

        def cell(value, col: int) -> str:
            text = str(value)
            if col and stringWidth(text, regular, CELL_SIZE) > room[col]:
                return "\n".join(simpleSplit(text, regular, CELL_SIZE, room[col]))
            return text

        rows: list[tuple[str, list]] = []  # ("group"|"row"|"total", cells)
        for label, items in doc.groups:
            if label:
                rows.append(("group", [Paragraph(esc(f"{label} ({thousands(len(items))} {doc.unit_word})"),
                                                 s["cell_group"])] + [""] * (ncol - 1)))
            for item in items:
                rows.append(("row", [thousands(item[0]), *(cell(v, c) for c, v in enumerate(item[1:], start=1))]))
        if not doc.groups:
            rows.append(("group", [Paragraph("Không còn ai trong danh sách.", s["cell_group"])] + [""] * (ncol - 1)))
        rows.append(("group", [Paragraph(esc(f"Tổng cộng: {thousands(doc.count)} {doc.unit_word}"), s["cell_group"])]
                     + [""] * (ncol - 1)))
        base = [
            ("FONTNAME", (0, 0), (-1, -1), regular),
            ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
            ("LEADING", (0, 0), (-1, -1), CELL_SIZE * 1.2),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ]
        return [_Chunk(header, rows[start:start + CHUNK], widths, base, first=start == 0)
                for start in range(0, len(rows), CHUNK)]


class _Chunk(Flowable):
    """A piece of the list (``CHUNK`` rows). It starts with the header row when it is the first piece or
    when it starts a page; a piece continuing a page starts straight with its rows. Split at a page break,
    the rest is a piece of its own, so it starts the next page with the header."""

    def __init__(self, header: list, rows: list[tuple[str, list]], widths: list[float], base: list,
                 first: bool):
        super().__init__()
        self.header, self.rows, self.widths, self.base, self.first = header, rows, widths, base, first
        self._tables: dict[bool, Table] = {}

    def _table(self, with_header: bool) -> Table:
        if with_header not in self._tables:
            offset = 1 if with_header else 0
            data = ([self.header] if with_header else []) + [cells for _, cells in self.rows]
            style = list(self.base)
            if with_header:
                style.append(("BACKGROUND", (0, 0), (-1, 0), GREY))
            style += [("SPAN", (0, i), (-1, i)) for i, (kind, _) in enumerate(self.rows, start=offset)
                      if kind == "group"]
            heights = ([None] if with_header else []) + [
                MIN_ROW if kind == "row" and not any("\n" in c for c in cells if isinstance(c, str)) else None
                for kind, cells in self.rows]
            table = Table(data, colWidths=self.widths, rowHeights=heights)
            table.setStyle(TableStyle(style))
            self._tables[with_header] = table
        return self._tables[with_header]

    def _with_header(self) -> bool:
        frame = getattr(self, "_frame", None)
        return self.first or frame is None or frame._atTop

    def wrap(self, avail_width, avail_height):
        self._used = self._table(self._with_header())
        return self._used.wrap(avail_width, avail_height)

    def split(self, avail_width, avail_height):
        with_header = self._with_header()
        table = self._table(with_header)
        table.wrap(avail_width, avail_height)
        used, fit = (table._rowHeights[0] if with_header else 0), 0
        for h in table._rowHeights[1 if with_header else 0:]:
            if used + h > avail_height:
                break
            used += h
            fit += 1
        while fit and self.rows[fit - 1][0] == "group":  # a village's name stays with its first rows
            fit -= 1
        if fit == 0:
            return []
        head = _Chunk(self.header, self.rows[:fit], self.widths, self.base, first=with_header)
        rest = _Chunk(self.header, self.rows[fit:], self.widths, self.base, first=True)
        return [head, rest]

    def draw(self):
        self._used.drawOn(self.canv, 0, 0)


def render_worklist_pdf(doc: WorklistDocument) -> bytes:
    d = _Doc(landscape(A4), doc.title, doc.head.unit_name, doc.scope)
    s = d.s
    story: list[Flowable] = [d.letterhead(doc.head), Spacer(1, 6 * mm), Paragraph(esc(doc.title.upper()), s["title"]),
                             Paragraph(esc(doc.scope), s["scope"]), Rule(d.width * 0.25, space_before=3),
                             Spacer(1, 4 * mm), *d.table(doc), Spacer(1, 6 * mm)]
    left = [Paragraph(doc.signers[0], s["sign"]), Paragraph("(Ký, ghi rõ họ tên)", s["sign_note"])]
    right = [Paragraph(doc.signers[1], s["sign"]), Paragraph("(Ký, ghi rõ họ tên, đóng dấu)", s["sign_note"])]
    story.append(KeepTogether([side_by_side(left, right, (d.width / 2, d.width / 2), d.fonts["regular"])]))
    d.doc.build(story)
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
    d.doc.build(story)
    return d.out.getvalue()
