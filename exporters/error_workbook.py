"""The error workbook of an import: one line per problem, located as the officer sees it in Excel.

Plain data in (no model objects): the source file name, the counts and a list of issues
``{"row", "column" (letter), "header", "value", "message", "level" ("error"|"warning"), "name"}`` (the
organization's name on that row, when the list has one).
Errors (rows not imported) come first, then warnings, each in row order.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from exporters.cells import WORKBOOK_OPTIONS, text_format
from models.text.vn_format import thousands

LEVEL_LABELS = {"error": "Lỗi — dòng không được nhập", "warning": "Cảnh báo — dòng vẫn được nhập"}
COUNT_LABELS = {
    "read": "Số dòng dữ liệu đã đọc", "inserted": "Thêm mới", "updated": "Cập nhật", "unchanged": "Không đổi",
    "duplicates": "Dòng lặp lại (đã gộp)", "rejected": "Dòng bị loại vì lỗi", "warnings": "Cảnh báo",
    "matched": "Công dân khớp số định danh", "unknown": "Số định danh không có trong danh sách",
}


def write_error_workbook(path: str | Path, *, source_name: str, issues: list[dict], counts: dict | None = None,
                         group_label: str = "") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(issues, key=lambda i: (i["level"] != "error", i["row"], i.get("column") or ""))
    # in_memory: the rows quoted (a representative's ID number among them) never go to the system's
    # temporary folder, where a crash would leave them
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True, **WORKBOOK_OPTIONS})
    try:
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 13})
        head = workbook.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1, "text_wrap": True,
                                    "valign": "top"})
        cell = workbook.add_format(text_format({"border": 1, "valign": "top", "text_wrap": True}))
        error = workbook.add_format({"border": 1, "valign": "top", "font_color": "#9C0006", "bg_color": "#FFC7CE"})
        warning = workbook.add_format({"border": 1, "valign": "top", "font_color": "#7F6000", "bg_color": "#FFEB9C"})
        text = workbook.add_format(text_format({"border": 1, "valign": "top", "num_format": "@"}))

        sheet = workbook.add_worksheet("Lỗi")
        sheet.write(0, 0, f"Các dòng có lỗi khi nhập tệp «{source_name}»" + (f" — {group_label}" if group_label else ""),
                    title)
        errors = sum(1 for i in issues if i["level"] == "error")
        sheet.write(1, 0, f"{thousands(errors)} lỗi, {thousands(len(issues) - errors)} cảnh báo. Số dòng và cột là số dòng, cột "
                          "nhìn thấy trong Excel khi mở tệp gốc.")
        headers = ["Dòng", "Cột", "Tiêu đề cột", "Giá trị trong tệp", "Lý do", "Mức độ", "Tên tổ chức"]
        sheet.write_row(3, 0, headers, head)
        for n, issue in enumerate(ordered, start=4):
            sheet.write_number(n, 0, issue["row"], cell)
            sheet.write_string(n, 1, issue.get("column") or "", cell)
            sheet.write_string(n, 2, issue.get("header") or "", cell)
            sheet.write_string(n, 3, str(issue.get("value") or ""), text)
            sheet.write_string(n, 4, issue["message"], cell)
            sheet.write_string(n, 5, LEVEL_LABELS.get(issue["level"], issue["level"]),
                               error if issue["level"] == "error" else warning)
            sheet.write_string(n, 6, issue.get("name") or "", cell)
        sheet.set_column(0, 1, 7)
        sheet.set_column(2, 2, 28)
        sheet.set_column(3, 3, 30)
        sheet.set_column(4, 4, 60)
        sheet.set_column(5, 5, 26)
        sheet.set_column(6, 6, 40)
        sheet.freeze_panes(4, 0)
        if ordered:
            sheet.autofilter(3, 0, 3 + len(ordered), len(headers) - 1)

        if counts:
            summary = workbook.add_worksheet("Tổng hợp")
            summary.write(0, 0, "Tổng hợp kết quả", title)
            for n, (key, label) in enumerate(COUNT_LABELS.items(), start=2):
                if key in counts:
                    summary.write_string(n, 0, label, bold)
                    summary.write_number(n, 1, counts[key])
            summary.set_column(0, 0, 32)
    finally:
        workbook.close()
    return path
