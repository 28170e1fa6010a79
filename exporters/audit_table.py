"""The audit log export laid out as a workbook or a CSV file, from plain data (headers and rows)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from exporters.cells import WORKBOOK_OPTIONS, neutralise, text_format


def write_audit_csv(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    """UTF-8 with a byte-order mark, so that Excel opens the Vietnamese text correctly; a text that a
    spreadsheet could run as a formula is written with a quote in front (``exporters.cells``)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows([neutralise(v) for v in row] for row in rows)


def write_audit_xlsx(path: str | Path, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, **WORKBOOK_OPTIONS})
    try:
        sheet = book.add_worksheet("Nhật ký")
        bold = book.add_format({"bold": True})
        text = book.add_format(text_format())
        sheet.write_row(0, 0, list(headers), bold)
        for i, row in enumerate(rows, start=1):
            sheet.write_row(i, 0, ["" if v is None else str(v) for v in row], text)
        sheet.set_column(0, 0, 20)
        sheet.set_column(1, 1, 24)
        sheet.set_column(3, 3, 28)
        sheet.set_column(7, 9, 40)
    finally:
        book.close()
