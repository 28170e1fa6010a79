"""The report's tables as an Excel workbook (for units that edit before sending), from ``ReportData``.

Sheets: "Báo cáo" (the letterhead lines, parent body over issuing body; subject; the opening citing the plan;
the sections of the PDF: I. results with the summary, the group and area tables, their footnotes and the
dossier figures; II. difficulties; III. proposals; IV. next week's tasks), "Theo tuần" (the trend series).
Same numbers and headings as the PDF; missing targets are written "—". Deterministic: fixed document properties
(creation time = the report's date), so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter

from exporters.cells import WORKBOOK_OPTIONS, text_format
from models.reports.citizen_section import PERCENT
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
from models.text.vn_format import DASH

HEADERS = ["STT", None, "Trong kỳ", "Lũy kế", "Chỉ tiêu", "Tỷ lệ đạt", "Còn lại"]


def render_report_xlsx(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **WORKBOOK_OPTIONS})
    created = dt.datetime.combine(dt.date.fromisoformat(data.doc_date), dt.time(0, 0))
    book.set_properties({"title": data.subject, "author": data.unit_name, "company": data.parent_body,
                         "created": created, "comments": "Sổ Định Danh"})
    f = _formats(book)
    _report_sheet(book, data, f)
    _trend_sheet(book, data, f)
    book.close()
    return buffer.getvalue()


def _formats(book) -> dict:
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}

    def fmt(**extra):
        return book.add_format(text_format({**base, **extra}))

    return {
        "text": fmt(text_wrap=True),
        "bold": fmt(bold=True),
        "center_bold": fmt(bold=True, align="center", text_wrap=True),
        "center": fmt(align="center"),
        "italic": fmt(italic=True, align="center"),
        "head": fmt(bold=True, align="center", border=1, text_wrap=True, bg_color="#D9D9D9"),
        "cell": fmt(border=1, text_wrap=True),
        "int": fmt(border=1, num_format="#,##0", align="center"),
        "pct": fmt(border=1, num_format="0.0%", align="center"),
        "dash": fmt(border=1, align="center"),
        "total": fmt(border=1, bold=True),
        "total_int": fmt(border=1, bold=True, num_format="#,##0", align="center"),
        "total_pct": fmt(border=1, bold=True, num_format="0.0%", align="center"),
        "total_dash": fmt(border=1, bold=True, align="center"),
        "date": fmt(border=1, num_format="dd/mm/yyyy", align="center"),
        "note": fmt(italic=True, text_wrap=True, font_size=11),
    }


def _report_sheet(book, data: ReportData, f: dict) -> None:
    sheet = book.add_worksheet("Báo cáo")
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 42)
    sheet.set_column(2, 6, 12)
    row = 0
    for text, style in ((data.parent_body.upper(), "center"), (data.unit_name.upper(), "center_bold"),
                        (data.number_line, "center"), (data.place_date, "italic"), (data.title, "center_bold"),
                        (data.subject, "center_bold")):
        sheet.merge_range(row, 0, row, 6, text, f[style])
        row += 1
    sheet.set_row(row - 1, 32)
    row += 1
    if data.opening:
        row = _text_row(sheet, row, data.opening, f["text"]) + 1
    sheet.merge_range(row, 0, row, 6, SECTION_RESULTS, f["bold"])
    sheet.merge_range(row + 1, 0, row + 1, 6, RESULT_GENERAL, f["bold"])
    row = _text_row(sheet, row + 2, data.summary, f["text"]) + 1
    row = _table(sheet, row, RESULT_GROUPS, "Nhóm đối tượng", data.groups, data.group_total, f)
    row = _table(sheet, row + 1, data.rows_title, data.row_label, data.areas, data.area_total, f)
    for line in data.footnote_lines:  # the PDF's notes under the tables, one per row
        row = _text_row(sheet, row, line, f["note"])
    if data.dossiers:
        row += 1
        sheet.merge_range(row, 0, row, 6, RESULT_DOSSIERS, f["bold"])
        row += 1
        for col, head in ((0, "STT"), (2, "Trong kỳ"), (3, "Lũy kế")):
            sheet.write(row, col, head, f["head"])
        sheet.write(row, 1, "Nội dung", f["head"])
        row += 1
        for index, item in enumerate(data.dossiers, start=1):
            sheet.write_number(row, 0, index, f["int"])
            sheet.write_string(row, 1, item.label, f["cell"])
            sheet.write_number(row, 2, item.this_week, f["int"])
            sheet.write_number(row, 3, item.cumulative, f["int"])
            row += 1
        row = _text_row(sheet, row, data.dossier_note, f["note"])
    row += 1
    sheet.merge_range(row, 0, row, 6, RESULT_TREND, f["bold"])
    row = _text_row(sheet, row + 1, "Số liệu theo tuần: xem trang «Theo tuần».", f["text"])
    if data.citizens:   # a citizens' campaign runs in the period (issue 16)
        row = _citizens(sheet, row, data, f)
    for title, text in ((SECTION_DIFFICULTIES, data.difficulties), (SECTION_PROPOSALS, data.proposals),
                        (data.next_week_title, data.next_week)):
        row += 1
        sheet.merge_range(row, 0, row, 6, title, f["bold"])
        row = _text_row(sheet, row + 1, "\n".join(data.text_lines(text)) or NOTHING, f["text"])
    row += 1
    _text_row(sheet, row, data.closing, f["text"])
    sheet.fit_to_pages(1, 0)
    sheet.set_paper(9)  # A4


def _citizens(sheet, row: int, data: ReportData, f: dict) -> int:
    section = data.citizens
    row += 1
    sheet.merge_range(row, 0, row, 6, section.title, f["bold"])
    row += 1
    if section.intro:
        row = _text_row(sheet, row, section.intro, f["text"])
    for table in section.tables:
        row += 1
        sheet.merge_range(row, 0, row, 6, table.title, f["bold"])
        row += 1
        for col, head in enumerate(["STT", table.what, *(c[0] for c in table.columns)]):
            sheet.write(row, col, head, f["head"])
        row += 1
        lines = [*table.rows, *([table.total] if table.total else [])]
        for index, line in enumerate(lines, start=1):
            total = table.total is not None and index == len(lines)
            if not total:
                sheet.write_number(row, 0, index, f["int"])
            sheet.write_string(row, 1, line.label, f["cell"])
            for col, ((_, kind), value) in enumerate(zip(table.columns, line.values, strict=True), start=2):
                if value is None:
                    sheet.write_string(row, col, DASH, f["dash"])
                elif kind == PERCENT:
                    sheet.write_number(row, col, value / 100, f["pct"])
                elif isinstance(value, int | float):
                    sheet.write_number(row, col, value, f["int"])
                else:
                    sheet.write_string(row, col, str(value), f["cell"])
            row += 1
    return row


def _text_row(sheet, row: int, text: str, fmt) -> int:
    """``text`` across the sheet's width on one merged row tall enough for it; the next row."""
    sheet.merge_range(row, 0, row, 6, text, fmt)
    lines = sum(1 + len(part) // 95 for part in text.split("\n"))
    sheet.set_row(row, max(18, 16 * lines))
    return row + 1


def _table(sheet, row: int, title: str, what: str, rows: list[FigureRow], total: FigureRow, f: dict) -> int:
    sheet.merge_range(row, 0, row, 6, title, f["bold"])
    row += 1
    for col, head in enumerate(HEADERS):
        sheet.write(row, col, head or what, f["head"])
    row += 1
    for index, item in enumerate(rows, start=1):
        sheet.write_number(row, 0, index, f["int"])
        _figures(sheet, row, item, f, total=False)
        row += 1
    sheet.write_blank(row, 0, None, f["total"])
    _figures(sheet, row, total, f, total=True)
    return row + 1


def _figures(sheet, row: int, item: FigureRow, f: dict, *, total: bool) -> None:
    prefix = "total_" if total else ""
    sheet.write_string(row, 1, item.label, f["total" if total else "cell"])
    for col, value in ((2, item.this_week), (3, item.cumulative), (4, item.target), (6, item.remaining)):
        if value is None:
            sheet.write_string(row, col, DASH, f[prefix + "dash"])
        else:
            sheet.write_number(row, col, value, f[prefix + "int"])
    if item.percent is None:
        sheet.write_string(row, 5, DASH, f[prefix + "dash"])
    else:
        sheet.write_number(row, 5, round(item.percent / 100, 4), f[prefix + "pct"])


def _trend_sheet(book, data: ReportData, f: dict) -> None:
    sheet = book.add_worksheet("Theo tuần")
    sheet.set_column(0, 1, 14)
    sheet.set_column(2, 4, 16)
    for col, head in enumerate(["Từ ngày", "Đến ngày", "Trong tuần", "Lũy kế", "Chỉ tiêu theo lộ trình"]):
        sheet.write(0, col, head, f["head"])
    for row, point in enumerate(data.trend, start=1):
        sheet.write_datetime(row, 0, dt.datetime.fromisoformat(point.week_start), f["date"])
        sheet.write_datetime(row, 1, dt.datetime.fromisoformat(point.week_end), f["date"])
        sheet.write_number(row, 2, point.count, f["int"])
        sheet.write_number(row, 3, point.cumulative, f["int"])
        if point.target_cumulative is None:
            sheet.write_string(row, 4, DASH, f["dash"])
        else:
            sheet.write_number(row, 4, point.target_cumulative, f["int"])
    sheet.freeze_panes(1, 0)
