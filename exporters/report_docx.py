"""The weekly report as an editable Word document (.docx, python-docx), from the same ``ReportData`` as the PDF.

Leaders edit a report before they sign it; the Word copy saves them retyping it. It has the PDF's
Decree 30/2020 layout (A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 13 pt; the
parent body over the issuing body, the number, the national title and motto, place and date; "BÁO CÁO" and
the subject; sections I–IV; "Nơi nhận" and the signature; page numbers in the header from page 2) and the
same tables, figure for figure. The weekly chart is given as its table of weeks (a table stays editable).
The closing sentence, "Nơi nhận" and the signature are kept with the paragraph before them ("keep with
next", rows that do not split). The PDF stays the record: the register keeps the PDF, not this file.

Deterministic: fixed document properties (the report's date) and fixed zip entry times, so the same data
gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from exporters.decree30 import MOTTO, NATION, fit_names
from exporters.fonts import register_fonts
from models.reports.citizen_section import value_text
from models.reports.figures import FigureRow
from models.reports.weekly import (
    NOTHING,
    RESULT_DOSSIERS,
    RESULT_GENERAL,
    RESULT_GROUPS,
    RESULT_TREND,
    SECTION_DIFFICULTIES,
    SECTION_PROPOSALS,
    SECTION_RESULTS,
    ReportData,
)
from models.text.vn_format import DASH, date_text, percent_text, thousands

HEAD_SIZES = (12.5, 12)  # parent body and issuing body: Decree 30 allows 12–13 pt
FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
WIDTH_MM = 210 - 30 - 15  # A4 less the left and right margins
NATION_MM = 94  # the right column holds the national title on one line (bold 12 pt is about 88 mm)
MOTTO_MM = 60  # the rule under the motto, as long as the motto (bold 13 pt)
FIGURE_HEADERS = ("STT", None, "Trong kỳ", "Lũy kế", "Chỉ tiêu", "Tỷ lệ đạt", "Còn lại")
FIGURE_WIDTHS_MM = (10, None, 19, 19, 19, 19, 19)


def render_report_docx(data: ReportData) -> bytes:
    return WordReport(data).render()


class WordReport:
    def __init__(self, data: ReportData):
        self.data = data
        self.doc = Document()

    # ---- public ---------------------------------------------------------------------------------
    def render(self) -> bytes:
        self.page_setup()
        self.header()
        self.body()
        self.ending()
        self.properties()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _fixed_zip(buffer.getvalue(), dt.date.fromisoformat(self.data.doc_date))

    # ---- page -------------------------------------------------------------------------------------
    def page_setup(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.header_distance = Mm(10)
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_PT)
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        # Decree 30: page numbers centred in the top margin, none on the first page.
        section.different_first_page_header_footer = True
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(number)

    def properties(self) -> None:
        d = self.data
        props = self.doc.core_properties
        when = dt.datetime.combine(dt.date.fromisoformat(d.doc_date), dt.time(0, 0))
        props.title = f"Báo cáo {d.number_line}"
        props.subject = d.subject
        props.author = d.unit_name
        props.last_modified_by = d.unit_name
        props.comments = "Sổ Định Danh: bản Word để chỉnh sửa; bản PDF là bản lưu."
        props.created = props.modified = when
        props.revision = 1
        props.language = "vi-VN"

    # ---- the letterhead -----------------------------------------------------------------------------
    def header(self) -> None:
        d = self.data
        table = self._borderless(2, [WIDTH_MM - NATION_MM, NATION_MM])
        left, right = table.rows[0].cells
        # the names break where the PDF breaks them (never inside a place name), at the same common size
        fonts = register_fonts()
        names = ([(d.parent_body.upper(), fonts["regular"], False)] if d.parent_body else []) + [
            (d.unit_name.upper(), fonts["bold"], True)]
        size, broken = fit_names([(text, font) for text, font, _ in names], Mm(WIDTH_MM - NATION_MM - 4).pt,
                                 HEAD_SIZES)
        for index, ((_, _, bold), lines) in enumerate(zip(names, broken, strict=True)):
            self._cell_line(left, "\n".join(lines), size=size, bold=bold, first=index == 0)
        _rule(left.add_paragraph(), width_mm=(WIDTH_MM - NATION_MM) * 0.35, cell_mm=WIDTH_MM - NATION_MM)
        self._cell_line(left, d.number_line, size=13, space_before=6)
        self._cell_line(right, NATION, size=12, bold=True, first=True)
        self._cell_line(right, MOTTO, size=13, bold=True)
        _rule(right.add_paragraph(), width_mm=MOTTO_MM, cell_mm=NATION_MM)
        self._cell_line(right, d.place_date, size=13, italic=True, space_before=6)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(12)
        self._centred(d.title, bold=True, size=14)
        self._centred(d.subject, bold=True, size=14)
        _rule(self.doc.add_paragraph(), width_mm=WIDTH_MM * 0.33, cell_mm=WIDTH_MM)
        self.doc.paragraphs[-1].paragraph_format.space_after = Pt(10)

    # ---- the body ---------------------------------------------------------------------------------
    def body(self) -> None:
        d = self.data
        if d.opening:
            self.paragraph(d.opening)
        self.heading(SECTION_RESULTS)
        self.heading(RESULT_GENERAL)
        self.paragraph(d.summary)
        self.heading(RESULT_GROUPS)
        self.figures_table(d.groups, d.group_total, "Nhóm đối tượng")
        self.heading(d.rows_title)
        self.figures_table(d.areas, d.area_total, d.row_label)
        for line in d.footnote_lines:
            self.note(line)
        if d.dossiers:
            self.heading(RESULT_DOSSIERS)
            rows = [[str(i), r.label, thousands(r.this_week), thousands(r.cumulative)]
                    for i, r in enumerate(d.dossiers, start=1)]
            self.grid(["STT", "Nội dung", "Trong kỳ", "Lũy kế"], rows, [10, None, 25, 25], left_columns={1})
            self.note(d.dossier_note)
        self.heading(RESULT_TREND)
        rows = [[date_text(p.week_start), date_text(p.week_end), thousands(p.count), thousands(p.cumulative),
                 thousands(p.target_cumulative, DASH)] for p in d.trend]
        self.grid(["Từ ngày", "Đến ngày", "Trong tuần", "Lũy kế", "Chỉ tiêu theo lộ trình"], rows,
                  [30, 30, None, 30, 40])
        if d.citizens:   # a citizens' campaign runs in the period (issue 16)
            self.heading(d.citizens.title)
            if d.citizens.intro:
                self.paragraph(d.citizens.intro)
            for table in d.citizens.tables:
                self.heading(table.title)
                lines = [table.rows, [table.total] if table.total else []]
                body = [[str(i) if i <= len(table.rows) else "", line.label,
                         *[value_text(kind, v) for (_, kind), v in zip(table.columns, line.values, strict=True)]]
                        for i, line in enumerate([*lines[0], *lines[1]], start=1)]
                self.grid(["STT", table.what, *(c[0] for c in table.columns)], body,
                          [10, None, *[18] * len(table.columns)], left_columns={1}, bold_last=bool(table.total))
        self.heading(SECTION_DIFFICULTIES)
        for line in d.text_lines(d.difficulties) or [NOTHING]:
            self.paragraph(line)
        self.heading(SECTION_PROPOSALS)
        for line in d.text_lines(d.proposals) or [NOTHING]:
            self.paragraph(line)
        self.heading(d.next_week_title)
        for line in d.text_lines(d.next_week) or [NOTHING]:
            self.paragraph(line)

    def ending(self) -> None:
        """The closing sentence, "Nơi nhận" and the signature, kept with the paragraph before them."""
        d = self.data
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        closing = self.paragraph(d.closing)
        closing.paragraph_format.keep_with_next = True
        closing.paragraph_format.space_after = Pt(6)
        table = self._borderless(2, [WIDTH_MM * 0.45, WIDTH_MM * 0.55])
        _cant_split(table.rows[0])
        left, right = table.rows[0].cells
        self._cell_line(left, "Nơi nhận:", size=12, bold=True, italic=True, first=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for recipient in d.recipients:
            self._cell_line(left, f"- {recipient.lstrip('- ').strip()}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        first = True
        for line in (d.signer_authority, d.signer_title):
            if line:
                self._cell_line(right, line.upper(), size=13, bold=True, first=first)
                first = False
        self._cell_line(right, d.signer_name, size=13, bold=True, first=first, space_before=68)
        for cell in (left, right):
            for paragraph in cell.paragraphs[:-1]:
                paragraph.paragraph_format.keep_with_next = True

    # ---- pieces -----------------------------------------------------------------------------------
    def paragraph(self, text: str):
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Mm(10)
        fmt.space_after = Pt(4)
        fmt.line_spacing = 1.15
        paragraph.add_run(text)
        return paragraph

    def heading(self, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Mm(10)
        fmt.space_before, fmt.space_after = Pt(4), Pt(4)
        fmt.keep_with_next = True
        paragraph.add_run(text).bold = True

    def note(self, text: str) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        run = paragraph.add_run(text)
        run.italic = True
        run.font.size = Pt(11)

    def _centred(self, text: str, *, bold: bool = False, size: float = BODY_PT) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)

    def figures_table(self, rows: list[FigureRow], total: FigureRow, what: str) -> None:
        headers = [h or what for h in FIGURE_HEADERS]
        body = [[str(i), *_figure_values(r)] for i, r in enumerate(rows, start=1)]
        body.append(["", *_figure_values(total)])
        self.grid(headers, body, list(FIGURE_WIDTHS_MM), left_columns={1}, bold_last=True)

    def grid(self, headers: list[str], rows: list[list[str]], widths_mm: list[float | None], *,
             left_columns: frozenset[int] | set[int] = frozenset(), bold_last: bool = False) -> None:
        known = sum(w for w in widths_mm if w)
        widths = [w if w else WIDTH_MM - known for w in widths_mm]
        table = self.doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _column_widths(table, widths)
        _cell_margins(table, 57)  # 1 mm each side: "STT" and the figures fit their narrow columns
        for index, line in enumerate([headers, *rows]):
            row = table.rows[index]
            _cant_split(row)
            if index == 0:
                _repeat_header(row)
            for col, (cell, text) in enumerate(zip(row.cells, line, strict=True)):
                cell.width = Mm(widths[col])
                paragraph = cell.paragraphs[0]
                paragraph.alignment = (WD_ALIGN_PARAGRAPH.LEFT if col in left_columns and index
                                       else WD_ALIGN_PARAGRAPH.CENTER)
                run = paragraph.add_run(text)
                run.font.size = Pt(TABLE_PT)
                run.bold = index == 0 or (bold_last and index == len(rows))
                if index == 0:
                    _shade(cell, "D9D9D9")
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)

    def _borderless(self, cols: int, widths_mm: list[float]):
        table = self.doc.add_table(rows=1, cols=cols)
        table.autofit = False
        _column_widths(table, widths_mm)
        for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
            cell.width = Mm(width)
        _cell_margins(table, 0)
        return table

    @staticmethod
    def _cell_line(cell, text: str, *, size: float, bold: bool = False, italic: bool = False, first: bool = False,
                   space_before: float = 0, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_before = Pt(space_before)
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)


def _figure_values(row: FigureRow) -> list[str]:
    return [row.label, thousands(row.this_week, DASH), thousands(row.cumulative, DASH), thousands(row.target, DASH),
            percent_text(row.percent, DASH), thousands(row.remaining, DASH)]


# ---- raw WordprocessingML bits python-docx has no API for ---------------------------------------------
def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _rule(paragraph, *, width_mm: float, cell_mm: float) -> None:
    """A short centred line (a bottom border on an empty paragraph indented from both sides)."""
    side = max((cell_mm - width_mm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm(side)
    fmt.space_after = Pt(2)
    paragraph.add_run().font.size = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _column_widths(table, widths_mm: list[float]) -> None:
    """Fixed column widths, in the grid as well as on the columns (Word and LibreOffice read either)."""
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)


def _cell_margins(table, twips: int) -> None:
    """Left and right cell margins of every cell of ``table`` (twentieths of a point)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _repeat_header(row) -> None:
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _cant_split(row) -> None:
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _fixed_zip(content: bytes, day: dt.date) -> bytes:
    """The same package with every entry dated ``day`` (python-docx stamps the current time)."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
