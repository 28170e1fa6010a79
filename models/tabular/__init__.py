"""Reading a spreadsheet or CSV file into a plain grid of cell values.

``read_table(path)`` → ``Table``: ``rows[i]`` is the row the officer sees as row ``i + 1`` in Excel
or LibreOffice (blank rows are kept, so row numbers in error messages match the file).

- xlsx / xlsm / xls / ods: python-calamine (about 7x faster than openpyxl). Cells come back as
  ``str``, ``float``/``int``, ``bool``, ``datetime.date``/``datetime`` (or ``""`` when empty). The merged
  ranges of the sheet are kept (two-row headers use them).
- csv / txt / tsv: UTF-8 with or without BOM, UTF-16 (BOM or not), else Windows-1258 (Vietnamese
  ANSI), else Windows-1252; the separator (comma, semicolon or tab) is sniffed. All cells are ``str``.

Anything that cannot be read raises ``UnreadableFile`` (a ``UserError`` naming the file, Vietnamese).
"""

from __future__ import annotations

from models.tabular.guard import column_letter
from models.tabular.reader import SPREADSHEET_SUFFIXES, TEXT_SUFFIXES, Table, UnreadableFile, read_table

__all__ = ["SPREADSHEET_SUFFIXES", "TEXT_SUFFIXES", "Table", "UnreadableFile", "read_table", "column_letter"]
