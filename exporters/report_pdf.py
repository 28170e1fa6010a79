"""The weekly report as an official PDF (Decree 30/2020/NĐ-CP, Appendix I), from ``ReportData``.

Layout: A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Liberation Serif 2.x
(Times New Roman metrics, full Vietnamese) embedded. Top left the parent body over the issuing unit
(capitals) with a short rule, then the number and symbol; top right the national title (bold caps
12 pt) and the motto (bold 13 pt) with a rule of the motto's length, then place and date in italics;
"BÁO CÁO" and the subject line; the opening that cites the plan by number and date; I. results: the
summary, tables whose header row repeats on every page (groups, areas, then the footnotes), the dossier
figures, a chart of the cumulative result against the target's planned path; II. difficulties; III.
proposals; IV. next week's tasks; the closing sentence, "Nơi nhận:" bottom left and the signature block
bottom right, kept with the last lines before them; page numbers top centre from page 2.

Structured like pretix's invoice renderer: ``stylesheet()``, ``story()``, ``page templates`` are
separate methods of ``ReportRenderer``. Deterministic: reportlab's invariant mode and fixed metadata,
so the same data gives byte-identical files (the register's SHA-256 proves what was sent).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from reportlab.graphics.charts.legends import LineLegend, LineSwatch
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
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
from models.reports.citizen_section import TEXT, CitizenLine, CitizenTable, value_text
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
from models.text.vn_format import DASH, percent_text, thousands

MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
BODY_SIZE = 13
TABLE_SIZE = 11
HEAD_SIZES = (12.5, 12)  # parent body and unit name: Decree 30 allows 12–13 pt
HEAD_GUTTER = 3 * mm  # kept free between the unit's name lines and the national title
GREY = colors.Color(0.85, 0.85, 0.85)


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def render_report_pdf(data: ReportData) -> RenderedReport:
    return ReportRenderer(data).render()


class ReportRenderer:
    def __init__(self, data: ReportData):
        self.data = data
        self.fonts = register_fonts()
        self.page_width, self.page_height = A4
        self.width = self.page_width - MARGINS["left"] - MARGINS["right"]
        self.styles = self.stylesheet()

    # ---- public ---------------------------------------------------------------------------------
    def render(self) -> RenderedReport:
        buffer = io.BytesIO()
        doc = self.document(buffer)
        doc.build(self.story())
        return RenderedReport(buffer.getvalue(), doc.page)

    # ---- document and page templates ---------------------------------------------------------------
    def document(self, fh) -> BaseDocTemplate:
        d = self.data
        doc = BaseDocTemplate(
            fh, pagesize=A4, leftMargin=MARGINS["left"], rightMargin=MARGINS["right"],
            topMargin=MARGINS["top"], bottomMargin=MARGINS["bottom"],
            title=f"Báo cáo {d.number_line}", author=d.unit_name, subject=d.subject,
            creator="Sổ Định Danh", producer="Sổ Định Danh", invariant=1, lang="vi-VN",
            initialFontName=self.fonts["regular"], initialFontSize=BODY_SIZE,
        )
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([
            PageTemplate(id="first", frames=[frame], autoNextPageTemplate="later", onPage=self.record_footer),
            PageTemplate(id="later", frames=[frame], onPage=self.later_page),
        ])
        return doc

    def later_page(self, canvas, doc) -> None:
        self.page_number(canvas, doc)
        self.record_footer(canvas, doc)

    def record_footer(self, canvas, doc) -> None:
        """A small line in the bottom margin: the record chain's head when the report was made, so that the
        paper copy can later prove the unit's record was not rewritten before it (docs/security.md)."""
        if not self.data.record_head:
            return
        canvas.saveState()
        canvas.setFont(self.fonts["regular"], 7)
        canvas.setFillGray(0.35)
        canvas.drawRightString(MARGINS["left"] + self.width, 8 * mm,
                               f"Mã kiểm tra hồ sơ lưu trữ: {self.data.record_head}")
        canvas.restoreState()

    def page_number(self, canvas, doc) -> None:
        """Decree 30: page numbers centred in the top margin, none on the first page."""
        canvas.saveState()
        canvas.setFont(self.fonts["regular"], BODY_SIZE)
        canvas.drawCentredString(MARGINS["left"] + self.width / 2, self.page_height - 12 * mm, str(doc.page))
        canvas.restoreState()

    # ---- styles -----------------------------------------------------------------------------------
    def stylesheet(self) -> dict[str, ParagraphStyle]:
        f = self.fonts
        body = ParagraphStyle("body", fontName=f["regular"], fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3,
                              alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceBefore=0, spaceAfter=4)
        center = ParagraphStyle("center", parent=body, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=0)
        cell = ParagraphStyle("cell", fontName=f["regular"], fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.2,
                              alignment=TA_LEFT)
        return {
            "body": body,
            "center": center,
            "heading": ParagraphStyle("heading", parent=body, fontName=f["bold"], firstLineIndent=10 * mm,
                                      spaceBefore=4, keepWithNext=1),
            "subheading": ParagraphStyle("subheading", parent=body, fontName=f["bold"], keepWithNext=1),
            "table_heading": ParagraphStyle("tableHeading", parent=body, fontName=f["bold"]),
            "head_parent": ParagraphStyle("headParent", parent=center, fontSize=12.5, leading=15),
            "head_unit": ParagraphStyle("headUnit", parent=center, fontName=f["bold"], fontSize=12.5, leading=15),
            "number": ParagraphStyle("number", parent=center, fontSize=13, leading=16),
            "nation": ParagraphStyle("nation", parent=center, fontName=f["bold"], fontSize=12, leading=15),
            "motto": ParagraphStyle("motto", parent=center, fontName=f["bold"], fontSize=13, leading=16),
            "place_date": ParagraphStyle("placeDate", parent=center, fontName=f["italic"], fontSize=13, leading=16),
            "title": ParagraphStyle("title", parent=center, fontName=f["bold"], fontSize=14, leading=17),
            "subject": ParagraphStyle("subject", parent=center, fontName=f["bold"], fontSize=14, leading=17),
            "cell": cell,
            "cell_num": ParagraphStyle("cellNum", parent=cell, alignment=TA_CENTER),
            "cell_head": ParagraphStyle("cellHead", parent=cell, fontName=f["bold"], alignment=TA_CENTER),
            "cell_bold": ParagraphStyle("cellBold", parent=cell, fontName=f["bold"]),
            "cell_bold_num": ParagraphStyle("cellBoldNum", parent=cell, fontName=f["bold"], alignment=TA_CENTER),
            "caption": ParagraphStyle("caption", parent=center, fontName=f["italic"], fontSize=11, leading=13),
            "note": ParagraphStyle("note", fontName=f["italic"], fontSize=11, leading=13, alignment=TA_JUSTIFY,
                                   spaceBefore=1),
            "recipients_title": ParagraphStyle("recipientsTitle", fontName=f["bolditalic"], fontSize=12,
                                               leading=14),
            "recipients": ParagraphStyle("recipients", fontName=f["regular"], fontSize=11, leading=13),
            "sign": ParagraphStyle("sign", parent=center, fontName=f["bold"], fontSize=13, leading=16),
        }

    # ---- story ------------------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        d, s = self.data, self.styles
        story: list[Flowable] = [self.header(), Spacer(1, 8 * mm)]
        story += [Paragraph(esc(d.title), s["title"]), Paragraph(esc(d.subject), s["subject"]),
                  Rule(self.width * 0.33, space_before=3), Spacer(1, 5 * mm)]
        if d.opening:
            story.append(Paragraph(esc(d.opening), s["body"]))
        story.append(Paragraph(SECTION_RESULTS, s["heading"]))
        story.append(Paragraph(RESULT_GENERAL, s["subheading"]))
        story.append(Paragraph(esc(d.summary), s["body"]))
        # A table may break across pages (header row repeated); its heading needs the header and a few
        # rows below it on the same page, hence the conditional page break rather than keepWithNext.
        story += [CondPageBreak(35 * mm), Paragraph(RESULT_GROUPS, s["table_heading"]),
                  self.figures_table(d.groups, d.group_total, "Nhóm đối tượng"), Spacer(1, 3 * mm)]
        story += [CondPageBreak(35 * mm), Paragraph(esc(d.rows_title), s["table_heading"]),
                  self.figures_table(d.areas, d.area_total, d.row_label)]
        story += self.footnotes()
        story.append(Spacer(1, 3 * mm))
        if d.dossiers:
            story.append(KeepTogether([Paragraph(RESULT_DOSSIERS, s["table_heading"]), self.dossier_table(),
                                       Paragraph(esc(d.dossier_note), s["note"])]))
            story.append(Spacer(1, 3 * mm))
        story.append(KeepTogether([Paragraph(RESULT_TREND, s["subheading"]), self.trend_chart(),
                                   Paragraph(self.chart_caption(), s["caption"])]))
        story.append(Spacer(1, 3 * mm))
        if d.citizens:   # a citizens' campaign runs in the period (issue 16)
            story += self.citizen_section()
        story.append(Paragraph(SECTION_DIFFICULTIES, s["heading"]))
        story += self.text_block(d.difficulties)
        story.append(Paragraph(SECTION_PROPOSALS, s["heading"]))
        story += self.text_block(d.proposals)
        story.append(Paragraph(esc(d.next_week_title), s["heading"]))
        story += self.ending(self.text_block(d.next_week))
        return story

    def ending(self, last_section: list[Flowable]) -> list[Flowable]:
        """The last section's paragraphs, then the closing sentence, "Nơi nhận" and the signature. The
        closing and the signature are kept together with the last paragraph before them: when they do not
        fit on the page, that paragraph goes over with them (its heading follows, keepWithNext), so no page
        ever holds only the signature, and the signature always shows what it signs."""
        s = self.styles
        tail = KeepTogether([last_section[-1], Paragraph(esc(self.data.closing), s["body"]), Spacer(1, 4 * mm),
                             self.closing_block()])
        return [*last_section[:-1], tail]

    def footnotes(self) -> list[Flowable]:
        """Notes under the tables: why a total is not what the reader's own arithmetic gives
        (``models.reports.figures.footnotes``)."""
        return [Paragraph(esc(line), self.styles["note"]) for line in self.data.footnote_lines]

    def dossier_table(self) -> Table:
        s = self.styles
        data = [[Paragraph(h, s["cell_head"]) for h in ("STT", "Nội dung", "Trong kỳ", "Lũy kế")]]
        for index, row in enumerate(self.data.dossiers, start=1):
            data.append([Paragraph(str(index), s["cell_num"]), Paragraph(esc(row.label), s["cell"]),
                         Paragraph(thousands(row.this_week), s["cell_num"]),
                         Paragraph(thousands(row.cumulative), s["cell_num"])])
        widths = [10 * mm, None, 25 * mm, 25 * mm]
        widths[1] = self.width - sum(w for w in widths if w)
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(self.grid_style())
        return table

    def grid_style(self) -> TableStyle:
        return TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.fonts["regular"]),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), GREY),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ])

    def header(self) -> Table:
        d, s = self.data, self.styles
        left_width, right_width = letterhead_columns(self.width, self.fonts["bold"])
        names = [(d.parent_body.upper(), s["head_parent"])] if d.parent_body else []
        names.append((d.unit_name.upper(), s["head_unit"]))
        left, size, lines = name_paragraphs(names, left_width - HEAD_GUTTER, HEAD_SIZES)
        unit_width = max((stringWidth(line, self.fonts["bold"], size) for line in lines[-1] if line), default=0)
        left += [Rule(unit_width * 0.4 if unit_width else 20 * mm, space_before=1),
                 Spacer(1, 3 * mm), Paragraph(esc(d.number_line), s["number"])]
        right: list[Flowable] = [
            Paragraph(NATION, s["nation"]), Paragraph(MOTTO, s["motto"]),
            Rule(stringWidth(MOTTO, self.fonts["bold"], 13), space_before=1), Spacer(1, 3 * mm),
            Paragraph(esc(d.place_date), s["place_date"]),
        ]
        return side_by_side(left, right, (left_width, right_width), self.fonts["regular"])

    def figures_table(self, rows: list[FigureRow], total: FigureRow, what: str) -> Table:
        s = self.styles
        head = ["STT", what, "Trong kỳ", "Lũy kế", "Chỉ tiêu", "Tỷ lệ đạt", "Còn lại"]
        data = [[Paragraph(h, s["cell_head"]) for h in head]]
        for index, row in enumerate(rows, start=1):
            data.append(self._figure_cells(str(index), row, s["cell"], s["cell_num"]))
        data.append(self._figure_cells("", total, s["cell_bold"], s["cell_bold_num"]))
        widths = [10 * mm, None, 19 * mm, 19 * mm, 19 * mm, 19 * mm, 19 * mm]
        widths[1] = self.width - sum(w for w in widths if w)
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(self.grid_style())
        return table

    @staticmethod
    def _figure_cells(index: str, row: FigureRow, text_style, num_style) -> list:
        values = [thousands(row.this_week, DASH), thousands(row.cumulative, DASH), thousands(row.target, DASH),
                  percent_text(row.percent, DASH), thousands(row.remaining, DASH)]
        return ([Paragraph(index, num_style), Paragraph(esc(row.label), text_style)]
                + [Paragraph(v, num_style) for v in values])

    def trend_chart(self) -> Drawing:
        trend = self.data.trend
        height = 62 * mm
        drawing = Drawing(self.width, height, initialFontName=self.fonts["regular"], initialFontSize=9)
        chart = HorizontalLineChart()
        chart.x, chart.y = 16 * mm, 14 * mm
        chart.width, chart.height = self.width - 20 * mm, height - 24 * mm
        cumulative = [p.cumulative for p in trend] or [0]
        series = [cumulative]
        target_path = [p.target_cumulative for p in trend]
        has_path = any(v is not None for v in target_path)
        if has_path:
            series.append([v if v is not None else None for v in target_path])
        elif self.data.target_total:
            series.append([self.data.target_total] * len(cumulative))
        chart.data = series
        chart.categoryAxis.categoryNames = [p.label for p in trend] or [""]
        step = max(1, (len(trend) + 11) // 12)
        chart.categoryAxis.categoryNames = [p.label if i % step == 0 or i == len(trend) - 1 else ""
                                            for i, p in enumerate(trend)] or [""]
        for axis in (chart.categoryAxis, chart.valueAxis):
            axis.labels.fontName = self.fonts["regular"]
            axis.labels.fontSize = 9
        chart.categoryAxis.labels.boxAnchor = "n"
        top = max([v for line in series for v in line if v is not None] + [1])
        chart.valueAxis.valueMin = 0
        chart.valueAxis.valueMax = _nice_ceiling(top)
        chart.valueAxis.valueStep = chart.valueAxis.valueMax / 5
        chart.valueAxis.labelTextFormat = lambda v: thousands(int(round(v)))
        chart.valueAxis.visibleGrid = 1
        chart.valueAxis.gridStrokeColor = GREY
        chart.lines[0].strokeColor = colors.black
        chart.lines[0].strokeWidth = 1.4
        chart.lines[0].symbol = makeMarker("FilledCircle", size=3)
        if len(series) > 1:
            chart.lines[1].strokeColor = colors.Color(0.35, 0.35, 0.35)
            chart.lines[1].strokeWidth = 1
            chart.lines[1].strokeDashArray = (4, 3)
        drawing.add(chart)
        legend = LineLegend()
        legend.x, legend.y = 16 * mm, 4 * mm
        legend.fontName = self.fonts["regular"]
        legend.fontSize = 9
        legend.columnMaximum = 1
        legend.deltax = 70 * mm
        legend.dx = 8 * mm
        legend.alignment = "right"
        pairs = [(_swatch(colors.black, 1.4, None), "Lũy kế đạt được")]
        if len(series) > 1:
            pairs.append((_swatch(colors.Color(0.35, 0.35, 0.35), 1, (4, 3)),
                          "Chỉ tiêu theo lộ trình" if has_path else "Chỉ tiêu"))
        legend.colorNamePairs = pairs
        drawing.add(legend)
        drawing.add(String(2 * mm, height - 6 * mm, "Số tài khoản", fontName=self.fonts["italic"], fontSize=9))
        return drawing

    def chart_caption(self) -> str:
        trend = self.data.trend
        if not trend:
            return "Chưa có số liệu theo tuần."
        first, last = trend[0], trend[-1]
        return esc(f"Lũy kế số tài khoản đã cấp theo tuần, tuần kết thúc ngày {first.label} đến {last.label}; "
                  f"tuần này: {thousands(last.count)} tài khoản.")

    def citizen_section(self) -> list[Flowable]:
        section, s = self.data.citizens, self.styles
        out: list[Flowable] = [CondPageBreak(45 * mm), Paragraph(esc(section.title), s["subheading"])]
        if section.intro:
            out.append(Paragraph(esc(section.intro), s["body"]))
        for table in section.tables:
            out += [CondPageBreak(35 * mm), Paragraph(esc(table.title), s["table_heading"]),
                    self.citizen_table(table), Spacer(1, 3 * mm)]
        return out

    def citizen_table(self, table: CitizenTable, *, size: float = TABLE_SIZE, compact: bool = False) -> Table:
        """A citizens' table (``models.reports.citizen_section``): STT, the label, then its columns."""
        s = self.styles
        styles = {name: ParagraphStyle(f"{name}{size}", parent=s[name], fontSize=size, leading=size * 1.2)
                  for name in ("cell", "cell_num", "cell_head", "cell_bold", "cell_bold_num")}
        data = [[Paragraph(esc(h), styles["cell_head"]) for h in ["STT", table.what, *(c[0] for c in table.columns)]]]
        for index, row in enumerate(table.rows, start=1):
            data.append(self._citizen_cells(str(index), row, table, styles["cell"], styles["cell_num"]))
        if table.total is not None:
            data.append(self._citizen_cells("", table.total, table, styles["cell_bold"], styles["cell_bold_num"]))
        column = (15.5 if compact else 17 if len(table.columns) > 5 else 19) * mm
        widths = [10 * mm, None, *[30 * mm if kind == TEXT else column for _, kind in table.columns]]
        widths[1] = self.width - sum(w for w in widths if w)
        result = Table(data, colWidths=widths, repeatRows=1)
        result.setStyle(self.grid_style())
        if compact:   # the daily summary: one page
            result.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
        return result

    @staticmethod
    def _citizen_cells(index: str, row: CitizenLine, table: CitizenTable, text_style, num_style) -> list:
        cells = [Paragraph(index, num_style), Paragraph(esc(row.label), text_style)]
        for (_, kind), value in zip(table.columns, row.values, strict=True):
            text = esc(value_text(kind, value))
            cells.append(Paragraph(text, num_style))
        return cells

    def text_block(self, text: str) -> list[Flowable]:
        lines = self.data.text_lines(text) or [NOTHING]
        return [Paragraph(esc(line), self.styles["body"]) for line in lines]

    def closing_block(self) -> Table:
        d, s = self.data, self.styles
        left: list[Flowable] = [Paragraph("Nơi nhận:", s["recipients_title"])]
        left += [Paragraph(esc(f"- {r.lstrip('- ').strip()}"), s["recipients"]) for r in d.recipients]
        right: list[Flowable] = []
        if d.signer_authority:
            right.append(Paragraph(esc(d.signer_authority.upper()), s["sign"]))
        if d.signer_title:
            right.append(Paragraph(esc(d.signer_title.upper()), s["sign"]))
        right += [Spacer(1, 24 * mm), Paragraph(esc(d.signer_name), s["sign"])]
        left_width = self.width * 0.45
        return side_by_side(left, right, (left_width, self.width - left_width), self.fonts["regular"])


def _swatch(color, width: float, dash) -> LineSwatch:
    """A legend sample drawn like its line (solid or dashed)."""
    swatch = LineSwatch()
    swatch.strokeColor, swatch.strokeWidth, swatch.strokeDashArray = color, width, dash
    return swatch


def _nice_ceiling(value: float) -> float:
    """The smallest 'round' number ≥ value with five equal steps (1, 2, 2.5, 5 × 10^k per step)."""
    step = value / 5
    magnitude = 10 ** max(len(str(int(step))) - 1, 0)
    for factor in (1, 2, 2.5, 5, 10):
        if step <= factor * magnitude:
            return factor * magnitude * 5
    return value
