"""The citizens' named worklists as workbooks (issue 16 item 3): the door-to-door list, an agency's staff,
the enterprises who did not come — one sheet, the title and scope, the header, one row per person with
its group (commune — village) in a column so the officer can filter and sort, the total. From
``models.people.worklists.WorklistDocument``; text cells never become formulas (``cells``)."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from exporters.cells import WORKBOOK_OPTIONS, text_format
from models.people.worklists import WorklistDocument
from models.text.vn_format import date_text, thousands


def write_worklist_xlsx(path: str | Path, doc: WorklistDocument, sheet_name: str = "Danh sách") -> Path:
    path = Path(path)
    book = xlsxwriter.Workbook(str(path), {"in_memory": True, **WORKBOOK_OPTIONS})
    try:
        sheet = book.add_worksheet(sheet_name[:31])
        heading = book.add_format({"bold": True, "font_size": 13})
        italic = book.add_format({"italic": True})
        head = book.add_format({"bold": True, "border": 1, "bg_color": "#E0E0E0", "text_wrap": True,
                                "align": "center", "valign": "vcenter"})
        text = book.add_format(text_format({"border": 1, "text_wrap": True, "valign": "top"}))
        number = book.add_format({"border": 1, "valign": "top", "align": "center"})
        bold = book.add_format({"bold": True})
        grouped = any(label for label, _ in doc.groups)
        sheet.write_string(0, 0, doc.title.upper(), heading)
        sheet.write_string(1, 0, f"{doc.head.unit_name} — {doc.scope} — ngày {date_text(doc.head.doc_date)}", italic)
        headers = [doc.headers[0], *(["Xã, phường — thôn, tổ"] if grouped else []), *doc.headers[1:]]
        sheet.write_row(3, 0, headers, head)
        r = 4
        for label, rows in doc.groups:
            for row in rows:
                sheet.write_number(r, 0, row[0], number)
                c = 1
                if grouped:
                    sheet.write_string(r, 1, label, text)
                    c = 2
                for value in row[1:]:
                    sheet.write_string(r, c, str(value), text)
                    c += 1
                r += 1
        sheet.write_string(r + 1, 0, f"Tổng cộng: {thousands(doc.count)} {doc.unit_word}", bold)
        sheet.freeze_panes(4, 0)
        if r > 4:
            sheet.autofilter(3, 0, r - 1, len(headers) - 1)
        total = 260
        sheet.set_column(0, 0, 6)
        if grouped:
            sheet.set_column(1, 1, 30)
        shares = doc.shares[1:]
        for i, share in enumerate(shares, start=2 if grouped else 1):
            sheet.set_column(i, i, max(10, round(total * (share or 0.1) / 1.6)))
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.repeat_rows(3)
        sheet.fit_to_pages(1, 0)
    finally:
        book.close()
    return path
