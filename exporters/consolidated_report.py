"""The province's consolidated weekly report with its citizens' part (sync format 2.3): the unit report's
PDF and Excel renderers (``exporters/report_pdf.py``, ``exporters/report_xlsx.py``) unchanged, plus the
citizens' tables — one per measure and population, a line per unit and the total, the units' mobile
intake sessions of the week, and the reporting rate and timeliness of the units' citizens' figures
(``models.sync.consolidation.consolidated_citizens``).

In the PDF the citizens' part comes after the organizations' tables, before "Khó khăn, vướng mắc"; in
the workbook it is a sheet of its own, «Công dân».
"""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table

from exporters.decree30 import esc
from exporters.report_pdf import RenderedReport, ReportRenderer
from exporters.report_xlsx import render_report_xlsx
from models.reports.weekly import SECTION_DIFFICULTIES, ReportData
from models.sync.consolidation import CitizenConsolidation, SessionLine
from models.text.vn_format import DASH, thousands

CITIZENS_NUMBER = "6"  # after the unit report's "5. Tiến độ theo tuần"
CITIZENS_HEADING = "Kết quả cấp, kích hoạt tài khoản định danh điện tử cho công dân theo đơn vị"
SESSIONS_HEADING = "Buổi thu nhận hồ sơ lưu động trong kỳ theo đơn vị"
SESSION_HEADERS = ("STT", "Đơn vị", "Số buổi", "Dự kiến", "Đã nhận", "Đã cấp", "Từ chối")
FIGURE_HEADERS = ("STT", "Đơn vị", "Trong kỳ", "Lũy kế", "Chỉ tiêu", "Tỷ lệ đạt", "Còn lại")
NO_FIGURES = "Chưa đơn vị nào gửi số liệu công dân cho kỳ này."


def render_consolidated_pdf(data: ReportData, citizens: CitizenConsolidation) -> RenderedReport:
    return ConsolidatedRenderer(data, citizens).render()


class ConsolidatedRenderer(ReportRenderer):
    def __init__(self, data: ReportData, citizens: CitizenConsolidation):
        super().__init__(data)
        self.citizens = citizens

    def story(self) -> list[Flowable]:
        story = super().story()
        at = next((i for i, f in enumerate(story)
                   if isinstance(f, Paragraph) and getattr(f, "text", None) == SECTION_DIFFICULTIES), len(story))
        return story[:at] + self.citizen_section() + story[at:]

    def citizen_section(self) -> list[Flowable]:
        c, s = self.citizens, self.styles
        out: list[Flowable] = [CondPageBreak(35 * mm), Paragraph(esc(f"{CITIZENS_NUMBER}. {CITIZENS_HEADING}"), s["subheading"]),
                               Paragraph(esc(c.summary), s["body"])]
        if not c.tables:
            out.append(Paragraph(esc(NO_FIGURES), s["body"]))
        for index, table in enumerate(c.tables, start=1):
            out += [CondPageBreak(35 * mm), Paragraph(esc(f"{CITIZENS_NUMBER}.{index}. {table.label}"), s["table_heading"]),
                    self.figures_table(table.rows, table.total, "Đơn vị"), Spacer(1, 3 * mm)]
        number = f"{CITIZENS_NUMBER}.{len(c.tables) + 1}. "
        out += [CondPageBreak(35 * mm), Paragraph(esc(number + SESSIONS_HEADING), s["table_heading"]),
                self.session_table(), Spacer(1, 3 * mm)]
        return out

    def session_table(self) -> Table:
        s = self.styles
        data = [[Paragraph(h, s["cell_head"]) for h in SESSION_HEADERS]]
        for index, line in enumerate(self.citizens.sessions, start=1):
            data.append(self._session_cells(str(index), line, s["cell"], s["cell_num"]))
        data.append(self._session_cells("", self.citizens.session_total, s["cell_bold"], s["cell_bold_num"]))
        widths = [10 * mm, None, 19 * mm, 19 * mm, 19 * mm, 19 * mm, 19 * mm]
        widths[1] = self.width - sum(w for w in widths if w)
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(self.grid_style())
        return table

    @staticmethod
    def _session_cells(index: str, line: SessionLine, text_style, num_style) -> list:
        values = (line.sessions, line.expected, line.received, line.issued, line.refused)
        return ([Paragraph(index, num_style), Paragraph(esc(line.label), text_style)]
                + [Paragraph(thousands(v, DASH), num_style) for v in values])


def render_consolidated_xlsx(data: ReportData, citizens: CitizenConsolidation) -> bytes:
    """The unit report's workbook with a sheet «Công dân» added (the same tables as the PDF)."""
    book = openpyxl.load_workbook(io.BytesIO(render_report_xlsx(data)))
    sheet = book.create_sheet("Công dân")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold, head_fill = Font(name="Times New Roman", size=12, bold=True), PatternFill("solid", fgColor="D9D9D9")
    plain = Font(name="Times New Roman", size=12)
    for col, width in zip("ABCDEFG", (6, 46, 12, 12, 12, 12, 12), strict=True):
        sheet.column_dimensions[col].width = width
    row = 1

    def text(value: str, font=bold) -> None:
        nonlocal row
        sheet.cell(row, 1, value).font = font
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1

    def line(values: list, font=plain, fill=None) -> None:
        nonlocal row
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col, value)
            cell.font, cell.border = font, border
            if fill is not None:
                cell.fill = fill
            if isinstance(value, float) and col == 6:
                cell.number_format = "0.0%"
            elif isinstance(value, int):
                cell.number_format = "#,##0"
        row += 1

    text(CITIZENS_HEADING)
    text(citizens.summary, plain)
    sheet.row_dimensions[row - 1].height = 48
    if not citizens.tables:
        text(NO_FIGURES, plain)
    for index, table in enumerate(citizens.tables, start=1):
        row += 1
        text(f"{index}. {table.label}")
        line(list(FIGURE_HEADERS), bold, head_fill)
        for n, r in enumerate([*table.rows, table.total], start=1):
            last = n > len(table.rows)
            line(["" if last else n, r.label, r.this_week, r.cumulative, r.target,
                  None if r.percent is None else r.percent / 100, r.remaining], bold if last else plain)
    row += 1
    text(SESSIONS_HEADING)
    line(list(SESSION_HEADERS), bold, head_fill)
    for n, s in enumerate([*citizens.sessions, citizens.session_total], start=1):
        last = n > len(citizens.sessions)
        line(["" if last else n, s.label, s.sessions, s.expected, s.received, s.issued, s.refused],
             bold if last else plain)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
