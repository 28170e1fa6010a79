"""Cells that a spreadsheet program could run: the one place every CSV and workbook writer of the app
neutralises them (OWASP guidance on CSV injection).

A text that starts with ``=``, ``+``, ``-``, ``@``, a TAB or a CR can be taken as a formula by Excel or
LibreOffice (``=HYPERLINK(…)``, ``@SUM(…)``, DDE payloads). Such texts come from files the app imports
and from what officers type (an organization's name, the report's difficulties).

- In a CSV file there are no types: the text is written with a single quote in front (``'=1+1``), which
  the spreadsheet shows as text.
- In a workbook the cell is written as a string (never through xlsxwriter's formula detection, see
  ``WORKBOOK_OPTIONS``) with the "quote prefix" style, so the value stays what was typed and Excel still
  treats it as text when the officer edits the cell. Values are not changed, which keeps the sync
  workbook's checksum (computed over cell values) valid.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Options every xlsxwriter workbook of the app is opened with: strings are never turned into formulas or links.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """``value`` as a CSV cell: a text that a spreadsheet could run gets a single quote in front."""
    return "'" + value if looks_like_formula(value) else value


def text_format(props: dict | None = None) -> dict:
    """The properties of a workbook format for text cells: ``props`` with the quote prefix."""
    return {**(props or {}), "quote_prefix": True}
