"""The audit log export laid out as a workbook or a CSV file, from plain data (headers and rows)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter


def write_audit_csv(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    """UTF-8 with a byte-order mark, so that Excel opens the Vietnamese text correctly."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)


def write_audit_xlsx(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False})
    try:
        sheet = book.add_worksheet("Nhật ký")
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, list(headers), bold)
        for i, row in enumerate(rows, start=1):
            sheet.write_row(i, 0, ["" if v is None else str(v) for v in row])
        sheet.set_column(0, 0, 20)
        sheet.set_column(1, 1, 24)
        sheet.set_column(3, 3, 28)
        sheet.set_column(7, 9, 40)
    finally:
        book.close()
