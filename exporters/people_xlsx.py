"""The staff of agencies who have no level-2 e-ID account yet, as a workbook the commune police take in
hand (seed 004, Appendix 1: the district police chase those who registered but did not come).

From plain rows (``models.people.agencies.staff_without_level2``); ID numbers as the service gives them
(masked, or in full for an officer allowed to see them). Text cells never become formulas (``cells``).
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from exporters.cells import WORKBOOK_OPTIONS, text_format

HEADERS = ["STT", "Họ và tên", "Số định danh", "Cơ quan, đơn vị", "Chức vụ", "Điện thoại", "Ngày đăng ký",
           "Ghi chú"]
WIDTHS = [6, 28, 16, 36, 22, 14, 14, 24]


def write_staff_without_level2(path: str | Path, rows: list[dict], *, title: str, subtitle: str) -> Path:
    """``rows``: dicts with full_name, id_number, agency, position, phone, preferred_on (dd/mm/yyyy text)."""
    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"in_memory": True, **WORKBOOK_OPTIONS})
    try:
        heading = book.add_format({"bold": True, "font_size": 13, "align": "center"})
        italic = book.add_format({"italic": True, "align": "center"})
        head = book.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1, "text_wrap": True,
                                "align": "center", "valign": "vcenter"})
        cell = book.add_format(text_format({"border": 1, "valign": "top", "text_wrap": True}))
        number = book.add_format({"border": 1, "valign": "top", "align": "center"})
        sheet = book.add_worksheet("Chưa có mức 2")
        last = len(HEADERS) - 1
        sheet.merge_range(0, 0, 0, last, title, heading)
        sheet.merge_range(1, 0, 1, last, subtitle, italic)
        sheet.write_row(3, 0, HEADERS, head)
        for n, row in enumerate(rows, start=1):
            r = 3 + n
            sheet.write_number(r, 0, n, number)
            for c, key in enumerate(("full_name", "id_number", "agency", "position", "phone", "preferred_on"), 1):
                sheet.write_string(r, c, str(row.get(key) or ""), cell)
            sheet.write_string(r, 7, "", cell)
        for c, width in enumerate(WIDTHS):
            sheet.set_column(c, c, width)
        sheet.repeat_rows(3)
        sheet.freeze_panes(4, 0)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
    finally:
        book.close()
    return path
