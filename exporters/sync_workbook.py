"""Write the sync workbook (docs/sync-format.md) from plain rows, computing its checksum on the way.

One pass, constant memory: rows stream from the caller (a database cursor) into xlsxwriter's
``constant_memory`` mode and into the per-sheet hashers; ``ThongTin`` (first sheet, but it holds the row
counts and digests) is filled last, which xlsxwriter allows since each sheet streams to its own file.
Cells are written with the typed calls (``write_string``/``write_number``) and dates as Excel serials
computed here (with a cache: dates repeat), which is what keeps the export close to xlsxwriter's speed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter

from exporters.cells import WORKBOOK_OPTIONS, text_format
from models.core.progress import Progress
from models.sync.format import (
    CHECKSUM_KEY,
    DATA_SHEETS,
    DATE,
    DATETIME,
    INFO_COLUMNS,
    INFO_KEYS,
    INFO_SHEET,
    INT,
    NUM,
    SIGNATURE_KEY,
    TEXT,
    UNHASHED_KEYS,
    SheetData,
    SheetHasher,
    canonical_cell,
    combine_digests,
    excel_serial,
)
from models.text.vn_format import thousands

MAX_CELL_TEXT = 32767  # Excel's limit; longer text would be cut by the writer, so cut it ourselves


__all__ = ["SheetData", "WrittenWorkbook", "encrypt_workbook", "write_sync_workbook"]


@dataclass
class WrittenWorkbook:
    path: Path | None  # None when written to a stream
    sha256: str
    rows: dict[str, int]
    digests: dict[str, str] = field(default_factory=dict)


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.header = wb.add_format({"bold": True, "num_format": "@", "bg_color": "#DDEBF7", "border": 1,
                                     "text_wrap": True, "valign": "top"})
        self.by_type = {
            TEXT: wb.add_format(text_format({"num_format": "@"})),  # values unchanged: checksum holds
            INT: wb.add_format({"num_format": "0"}),
            NUM: wb.add_format({"num_format": "0.0"}),
            DATE: wb.add_format({"num_format": "dd/mm/yyyy"}),
            DATETIME: wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"}),
        }


def write_sync_workbook(out: str | Path | BinaryIO, info: dict[str, Any], sheets: list[SheetData],
                        progress: Progress | None = None, *, tmpdir: str | Path | None = None,
                        sign: Callable[[str], str] | None = None) -> WrittenWorkbook:
    """Write the workbook to ``out`` (a path, or a binary stream such as ``BytesIO``); ``info`` holds the
    ThongTin values (rows/sha256 are filled here). ``tmpdir``: where xlsxwriter keeps its part files while
    it writes (default: the system's temporary folder). ``sign(sha256)`` returns the file's signature (hex),
    written on the last ThongTin row."""
    path = None if hasattr(out, "write") else Path(out)
    wb = xlsxwriter.Workbook(str(path) if path is not None else out, {
        "constant_memory": True, "strings_to_numbers": False, **WORKBOOK_OPTIONS, **({"tmpdir": str(tmpdir)} if tmpdir is not None else {})})
    fmts = _Formats(wb)
    info_ws = wb.add_worksheet(INFO_SHEET)
    total = sum(s.expected for s in sheets) or 0
    done = 0
    rows: dict[str, int] = {}
    digests: dict[str, str] = {}
    try:
        for sheet in sheets:
            ws = wb.add_worksheet(sheet.name)
            count, digest, done = _write_sheet(ws, fmts, sheet, progress, done, total)
            rows[sheet.name] = count
            digests[sheet.name] = digest
        values = dict(info)
        for name in DATA_SHEETS:
            if name in rows:
                values[f"rows_{name}"] = rows[name]
                values[f"sha256_{name}"] = digests[name]
        info_digest = _write_info(info_ws, fmts, values)
        ordered = [(INFO_SHEET, info_digest)] + [(s.name, digests[s.name]) for s in sheets]
        checksum = combine_digests(ordered)
        last = len(INFO_KEYS) - len(UNHASHED_KEYS)  # the hashed rows fill 1..last
        info_ws.write_string(last + 1, 0, CHECKSUM_KEY, fmts.by_type[TEXT])
        info_ws.write_string(last + 1, 1, _label(CHECKSUM_KEY), fmts.by_type[TEXT])
        info_ws.write_string(last + 1, 2, checksum, fmts.by_type[TEXT])
        if sign is not None:
            info_ws.write_string(last + 2, 0, SIGNATURE_KEY, fmts.by_type[TEXT])
            info_ws.write_string(last + 2, 1, _label(SIGNATURE_KEY), fmts.by_type[TEXT])
            info_ws.write_string(last + 2, 2, sign(checksum), fmts.by_type[TEXT])
        info_ws.activate()
    finally:
        wb.close()
    digests[INFO_SHEET] = info_digest
    return WrittenWorkbook(path, checksum, rows, digests)


def _label(key: str) -> str:
    return next(label for k, label, _t in INFO_KEYS if k == key)


def _write_info(ws, fmts: _Formats, values: dict[str, Any]) -> str:
    """ThongTin rows except ``sha256`` (written by the caller, last); returns the sheet digest."""
    hasher = SheetHasher()
    text = fmts.by_type[TEXT]
    for c, col in enumerate(INFO_COLUMNS):
        ws.write_string(0, c, col.header, fmts.header)
        ws.set_column(c, c, col.width, text)
    hasher.add_values([c.header for c in INFO_COLUMNS])
    r = 0
    for key, label, kind in INFO_KEYS:
        if key in UNHASHED_KEYS:
            continue
        r += 1
        value = values.get(key)
        ws.write_string(r, 0, key, text)
        ws.write_string(r, 1, label, text)
        canon = _write_cell(ws, r, 2, kind, value, fmts)
        hasher.add_canonical([key, label, canon])
    ws.freeze_panes(1, 0)
    return hasher.hexdigest()


def _write_cell(ws, r: int, c: int, kind: str, value: Any, fmts: _Formats) -> Any:
    if value is None or value == "":
        return None
    if kind == TEXT:
        value = str(value)[:MAX_CELL_TEXT]
        ws.write_string(r, c, value, fmts.by_type[TEXT])
        return value
    if kind in (DATE, DATETIME):
        iso = _iso(value)
        ws.write_number(r, c, excel_serial(iso), fmts.by_type[kind])
        return _canonical_iso(iso, kind)
    ws.write_number(r, c, value, fmts.by_type[kind])
    return canonical_cell(value)


def _iso(value: Any) -> str:
    text = str(value)
    if len(text) > 10:
        text = text[:10] + " " + text[11:19]
    return text


def _canonical_iso(iso: str, kind: str) -> dict:
    if kind == DATE or len(iso) == 10 or iso[11:19] in ("00:00:00", "00:00"):
        return {"d": iso[:10]}
    return {"t": iso[:10] + "T" + iso[11:19]}


def _write_sheet(ws, fmts: _Formats, sheet: SheetData, progress: Progress | None,
                 done: int, total: int) -> tuple[int, str, int]:
    columns = list(sheet.columns)
    hasher = SheetHasher()
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width, fmts.by_type[col.type])
        ws.write_string(0, c, col.header, fmts.header)
    hasher.add_values([c.header for c in columns])
    kinds = [c.type for c in columns]
    f_text, f_int, f_num = fmts.by_type[TEXT], fmts.by_type[INT], fmts.by_type[NUM]
    f_date, f_dt = fmts.by_type[DATE], fmts.by_type[DATETIME]
    write_string, write_number = ws.write_string, ws.write_number
    date_cache: dict[str, float] = {}
    batch: list[list] = []
    r = 0
    for row in sheet.rows:
        r += 1
        canon: list[Any] = []
        append = canon.append
        for c, value in enumerate(row):
            if value is None or value == "":
                append(None)
                continue
            kind = kinds[c]
            if kind is TEXT:
                if value.__class__ is not str:
                    value = str(value)
                if len(value) > MAX_CELL_TEXT:
                    value = value[:MAX_CELL_TEXT]
                write_string(r, c, value, f_text)
                append(value)
            elif kind is DATE:
                day = value[:10]
                serial = date_cache.get(day)
                if serial is None:
                    serial = date_cache[day] = excel_serial(day)
                write_number(r, c, serial, f_date)
                append({"d": day})
            elif kind is DATETIME:
                iso = _iso(value)
                day = iso[:10]
                serial = date_cache.get(day)
                if serial is None:
                    serial = date_cache[day] = excel_serial(day)
                clock = iso[11:19]
                if clock and clock != "00:00:00":
                    serial += (int(clock[0:2]) * 3600 + int(clock[3:5]) * 60 + int(clock[6:8] or 0)) / 86400
                    append({"t": day + "T" + clock})
                else:
                    append({"d": day})
                write_number(r, c, serial, f_dt)
            elif kind is INT:
                write_number(r, c, value, f_int)
                append(int(value))
            else:
                write_number(r, c, value, f_num)
                append(canonical_cell(value))
        batch.append(canon)
        if len(batch) == 2000:
            hasher.add_many(batch)
            batch = []
            if progress is not None:
                progress.update(done + r, total, f"Đang ghi trang {sheet.name}: {thousands(r)} dòng")
    hasher.add_many(batch)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r, 1), len(columns) - 1)
    return r, hasher.hexdigest(), done + r


def encrypt_workbook(source: BinaryIO, target: BinaryIO, password: str) -> None:
    """Office standard encryption (ECMA-376 Agile, AES-256) of an .xlsx, via msoffcrypto-tool: from one
    binary stream to another (the plain workbook need never be a file)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    source.seek(0)
    OOXMLFile(source).encrypt(password, target)
