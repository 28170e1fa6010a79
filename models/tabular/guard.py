"""Size guards run before and after a table is read, so a hostile or absurd file is refused with a message.

python-calamine builds every sheet as one dense grid from the top-left to the bottom-right cell it finds:
a two-cell sheet with a cell in ``XFD1048576`` makes it allocate 17 billion cells (512 GB) and the process
aborts — no exception to catch. ``check_workbook_extent`` therefore streams each worksheet's XML out of the
xlsx zip *before* calamine sees it and refuses:

- more than ``MAX_ROWS`` rows (counted ``<row>`` elements, or a row number ``r="…"`` beyond the limit);
- a grid (last row × last column, from ``<dimension>`` and the cells' own ``r="…"``; for cells written
  without ``r``, the widest row's cell count) above ``MAX_CELLS``;
- a worksheet that decompresses to more than ``MAX_SHEET_XML_BYTES`` (a "zip bomb").

The worksheets are found as calamine finds them, through ``xl/_rels/workbook.xml.rels`` (a sheet part may
live anywhere in the zip), together with every part under ``xl/worksheets/``. The shared strings
(``xl/sharedStrings.xml`` or the part the relationships name) are measured as well; all the parts calamine
will inflate may not exceed ``MAX_TOTAL_XML_BYTES`` together, nor ``MAX_RATIO`` times their compressed size
once above ``RATIO_FLOOR`` (real workbooks compress 5–20 times; a zip bomb, a thousand times).

``check_ods_extent`` does the same for an .ods file: it streams ``content.xml`` and refuses a table whose
repeated rows and columns (``table:number-rows-repeated``, ``table:number-columns-repeated``) holding a
value would make calamine build a grid above the limits. Repeats of empty cells (LibreOffice ends each
sheet with a million of them) cost nothing and are not counted.

``check_table`` runs on the grid once read (any format: csv, xls, ods too): row limit and cell length.

The limits are far above any real list: a province's largest registry is about 12,000 organizations.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

from models.core.errors import UserError
from models.text.vn_format import thousands

MAX_ROWS = 500_000
MAX_CELLS = 20_000_000  # ~0.7 GB in calamine's grid: beyond it the desk computer would swap or abort
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell: a longer cell was not made by a spreadsheet
MAX_SHEET_XML_BYTES = 1 << 30
MAX_TOTAL_XML_BYTES = 1 << 30
MAX_SHARED_STRINGS_BYTES = 256 << 20  # ~20 times a province's largest registry
MAX_RATIO = 200
RATIO_FLOOR = 32 << 20
_CHUNK = 1 << 20

# Literal prefixes keep these fast (~0.05 s per 60 MB); attributes are matched as Excel and every other
# writer put them (a space, r=, double or single quotes).
_NS_ROW_TAG = re.compile(rb"<[A-Za-z_][\w.-]*:row[\s>/]")  # <x:row …> (OpenXML SDK writes a prefix)
_NS_CELL_TAG = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s>/]")
_PREFIXED_ROOT = re.compile(rb"<[A-Za-z_][\w.-]*:worksheet\b")
_ROW_START = re.compile(rb"<[A-Za-z_][\w.-]*:row\b")
_FAR_ROW = (re.compile(rb' r="(\d{4,})'), re.compile(rb" r='(\d{4,})"))  # row numbers ≥ 1000
_WIDE_CELL = (re.compile(rb' r="([A-Z]{3})\d'), re.compile(rb" r='([A-Z]{3})\d"))  # columns AAA (703)+
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*\bref\s*=\s*[\"']([A-Za-z0-9:$]+)")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")



def too_many_rows_message(name: str, sheet: str | None) -> str:
    where = f"«{name}», trang «{sheet}»" if sheet else f"«{name}»"
    return (f"Tệp {where} có hơn {thousands(MAX_ROWS)} dòng; chương trình chỉ nhận tối đa "
            f"{thousands(MAX_ROWS)} dòng một tệp (danh sách lớn nhất của một tỉnh khoảng 12.000 tổ chức). "
            "Hãy tách thành nhiều tệp.")


def column_number(letters: str) -> int:
    """"A" → 1, "Z" → 26, "AA" → 27, "XFD" → 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int] | None:
    """The last (row, column) of a ``ref`` such as ``A1:XFD1048576`` or ``B2``; None when unreadable."""
    match = _CELL_REF.fullmatch(ref.split(":")[-1].strip())
    if not match:
        return None
    return int(match.group(2)), column_number(match.group(1))


def check_workbook_extent(source: str | Path | BinaryIO, name: str, error: type[UserError] = UserError) -> None:
    """Refuse an xlsx/xlsm whose sheets are too large for calamine, before calamine opens it.

    ``source`` is a path or a binary file object (e.g. the decrypted bytes of a sync file); ``name`` is
    the file name for messages; ``error`` the ``UserError`` subclass to raise. A file that is not a
    readable zip is refused as damaged.
    """
    try:
        with zipfile.ZipFile(source) as zf:
            sheet_names, shared = _workbook_parts(zf)
            members = {info.filename: info for info in zf.infolist()}
            sheets = [part for part in members if part.startswith("xl/worksheets/") and part.endswith(".xml")
                      and "/_rels/" not in part]
            sheets += [part for part in sheet_names if part in members and part not in sheets]
            budget = _Budget(name, error)
            for part in shared:
                if part in members:
                    _check_shared_strings(zf, members[part], name, budget, error)
            for part in sheets:
                _check_sheet(zf, members[part], name, sheet_names.get(part, posixpath.basename(part)), error,
                             budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise error(f"Tệp «{name}» bị hỏng hoặc không đầy đủ (có thể bị cắt khi sao chép), "
                        "không đọc được") from exc
    except (OSError, RuntimeError, zlib.error) as exc:  # a damaged compressed member
        raise error(f"Tệp «{name}» bị hỏng, không giải nén được ({exc})") from exc


def _workbook_parts(zf: zipfile.ZipFile) -> tuple[dict[str, str], list[str]]:
    """(worksheet part → the sheet name the officer sees, e.g. "xl/worksheets/sheet1.xml" → "Danh sách";
    the shared-strings parts), as the workbook's relationships name them, wherever they are in the zip."""
    shared = ["xl/sharedStrings.xml"]
    try:
        rels = ElementTree.fromstring(_read_small(zf, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, ValueError):
        return {}, shared  # calamine cannot find a sheet without them either
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = part
        if rel.get("Type", "").endswith("/sharedStrings") and part not in shared:
            shared.append(part)
    names = {}
    try:
        workbook = ElementTree.fromstring(_read_small(zf, "xl/workbook.xml"))
    except (KeyError, ElementTree.ParseError, ValueError):
        workbook = None
    for element in workbook.iter() if workbook is not None else ():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            if rid in targets:
                names[targets[rid]] = element.get("name", "")
    for rid, part in targets.items():  # a worksheet relationship not listed in workbook.xml
        if part not in names and part.endswith(".xml") and rid is not None and part not in shared \
                and _is_worksheet_rel(rels, rid):
            names[part] = posixpath.basename(part)
    return names, shared


def _is_worksheet_rel(rels, rid: str) -> bool:
    return any(rel.get("Id") == rid and rel.get("Type", "").endswith("/worksheet") for rel in rels)


class _Budget:
    """The inflated bytes of every part measured so far, against ``MAX_TOTAL_XML_BYTES``."""

    def __init__(self, name: str, error: type[UserError]):
        self.total, self.name, self.error = 0, name, error

    def add(self, n: int, info: zipfile.ZipInfo, inflated: int) -> None:
        self.total += n
        if self.total > MAX_TOTAL_XML_BYTES:
            raise self.error(f"Tệp «{self.name}» quá lớn (giải nén ra hơn {MAX_TOTAL_XML_BYTES >> 20} MB); "
                             "hãy tách thành nhiều tệp.")
        if inflated > RATIO_FLOOR and inflated > MAX_RATIO * max(info.compress_size, 1):
            raise self.error(
                f"Tệp «{self.name}»: phần «{info.filename}» giải nén ra gấp hơn {MAX_RATIO} lần kích thước "
                "trong tệp, không phải bảng tính thật (có thể là tệp cố ý làm treo máy); không đọc tệp này.")


_TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TABLE, _ODS_ROW = _TABLE_NS + "table", _TABLE_NS + "table-row"
_ODS_CELLS = (_TABLE_NS + "table-cell", _TABLE_NS + "covered-table-cell")


class _CountingReader:
    """A part's stream that counts the inflated bytes against the limits as the XML parser reads it."""

    def __init__(self, fh, info: zipfile.ZipInfo, budget: _Budget, name: str, error: type[UserError]):
        self.fh, self.info, self.budget, self.name, self.error, self.total = fh, info, budget, name, error, 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n if 0 < n <= _CHUNK else _CHUNK)
        self.total += len(data)
        self.budget.add(len(data), self.info, self.total)
        if self.total > MAX_SHEET_XML_BYTES:
            raise self.error(f"Tệp «{self.name}» quá lớn (giải nén ra hơn {MAX_SHEET_XML_BYTES >> 20} MB); "
                             "hãy tách thành nhiều tệp.")
        return data


def _repeat(element, attribute: str) -> int:
    try:
        return max(1, int(element.get(_TABLE_NS + attribute, "1")))
    except ValueError:
        return 1


def check_ods_extent(source: str | Path | BinaryIO, name: str, error: type[UserError] = UserError) -> None:
    """Refuse an .ods whose repeated rows and columns holding a value would make calamine build a grid
    above the limits (before calamine opens it); the content is streamed, never held whole."""
    try:
        with zipfile.ZipFile(source) as zf:
            try:
                info = zf.getinfo("content.xml")
            except KeyError:
                return  # calamine refuses it as damaged, with its own message
            with zf.open(info) as fh:
                _check_ods_content(_CountingReader(fh, info, _Budget(name, error), name, error), name, error)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise error(f"Tệp «{name}» bị hỏng hoặc không đầy đủ (có thể bị cắt khi sao chép), "
                    "không đọc được") from exc
    except (OSError, RuntimeError, zlib.error) as exc:
        raise error(f"Tệp «{name}» bị hỏng, không giải nén được ({exc})") from exc
    except ElementTree.ParseError as exc:
        raise error(f"Tệp «{name}» bị hỏng, nội dung không đọc được ({exc})") from exc


def _check_ods_content(stream, name: str, error: type[UserError]) -> None:
    sheet, row_pos, last_row, last_col, col_pos, row_end = "", 0, 0, 0, 0, 0
    parents = []
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag
        if event == "start":
            parents.append(element)
            if tag == _ODS_TABLE:
                sheet, row_pos, last_row, last_col = element.get(_TABLE_NS + "name", ""), 0, 0, 0
            elif tag == _ODS_ROW:
                col_pos = row_end = 0
            continue
        parents.pop()
        if tag in _ODS_CELLS:
            col_pos += _repeat(element, "number-columns-repeated")
            if element.get(_OFFICE_NS + "value-type") is not None or len(element) or (element.text or "").strip():
                row_end = col_pos
            element.clear()
        elif tag == _ODS_ROW:
            rows = _repeat(element, "number-rows-repeated")
            row_pos += rows
            if row_end:
                last_row, last_col = row_pos, max(last_col, row_end)
                _refuse_if_too_large(name, sheet, last_row, last_col, None, error)
            element.clear()
            if parents:  # rows are removed as they are done: the parent never holds more than one
                with contextlib.suppress(ValueError):
                    parents[-1].remove(element)
        elif tag == _ODS_TABLE:
            element.clear()


def _check_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: _Budget,
                          error: type[UserError]) -> None:
    total = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            total += len(chunk)
            budget.add(len(chunk), info, total)
            if total > MAX_SHARED_STRINGS_BYTES:
                raise error(f"Tệp «{name}»: bảng chữ dùng chung (sharedStrings) giải nén ra hơn "
                            f"{MAX_SHARED_STRINGS_BYTES >> 20} MB, quá lớn để đọc; hãy tách thành nhiều tệp.")


def _read_small(zf: zipfile.ZipFile, part: str, limit: int = 4 << 20) -> bytes:
    if zf.getinfo(part).file_size > limit:
        raise ValueError(part)
    with zf.open(part) as fh:
        return fh.read(limit)


def _check_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str, error: type[UserError],
                 budget: _Budget | None = None) -> None:
    rows = last_row = last_col = widest = open_row = 0
    total = 0
    tail = b""
    prefixed = None  # the sheet's elements carry a namespace prefix (<x:row>), decided on the first chunk
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if budget is not None:
                budget.add(len(chunk), info, total)
            if total > MAX_SHEET_XML_BYTES:
                raise error(f"Tệp «{name}», trang «{sheet}» quá lớn (giải nén ra hơn "
                            f"{MAX_SHEET_XML_BYTES >> 20} MB); hãy tách thành nhiều tệp.")
            data = tail + chunk
            # keep the last bytes for the next round so a tag cut between two chunks is still seen whole;
            # only tags that end inside ``data[:cut]`` are counted now.
            cut = max(data.rfind(b">") + 1, 0)
            body, tail = data[:cut], data[cut:]
            if len(tail) > 65536:  # a single tag larger than 64 KB: not a spreadsheet anyone wrote
                tail = tail[-65536:]
            if prefixed is None:
                head = body[:65536]
                prefixed = _PREFIXED_ROOT.search(head) is not None
                dim = _DIMENSION.search(head)
                declared = parse_ref(dim.group(1).decode("ascii", "replace")) if dim else None
                if declared:
                    _refuse_if_too_large(name, sheet, declared[0], declared[1], dim.group(1).decode("ascii"), error)
            body_rows = _count_rows(body, prefixed)
            rows += body_rows
            # Short row numbers cannot pass a limit (MAX_CELLS / 16,384 columns > 1,000 rows); rows need not
            # be in order in a hostile file, so the largest number counts.
            for pattern in _FAR_ROW:
                last_row = max(last_row, max(map(int, pattern.findall(body)), default=0))
            for pattern in _WIDE_CELL:
                for letters in set(pattern.findall(body)):
                    last_col = max(last_col, column_number(letters.decode("ascii")))
            if _has_cells_without_ref(body, body_rows, prefixed):  # then a row is as wide as its cell count
                widest, open_row = _widest_row(body, widest, open_row, prefixed)
            _refuse_if_too_large(name, sheet, max(rows, last_row), max(last_col, widest), None, error)


def _count_rows(xml: bytes, prefixed: bool) -> int:
    if prefixed:
        return len(_NS_ROW_TAG.findall(xml))
    return xml.count(b"<row") - xml.count(b"<rowBreaks")  # (<rowBreaks> is the only other <row… element)


def _count_cells(xml: bytes, prefixed: bool) -> int:
    if prefixed:
        return len(_NS_CELL_TAG.findall(xml))
    return xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")


def _has_cells_without_ref(xml: bytes, rows: int, prefixed: bool) -> bool:
    """Excel writes ``r="B7"`` on every cell; other writers may leave it out (calamine then counts).

    Only cells and rows carry an ``r`` attribute: fewer of them than cells + rows means a cell without one.
    """
    return _count_cells(xml, prefixed) > xml.count(b" r=") - rows


def _widest_row(xml: bytes, widest: int, open_row: int, prefixed: bool) -> tuple[int, int]:
    """(widest row so far, cells of the row still open at the end of ``xml``), counting cells per row."""
    parts = _ROW_START.split(xml) if prefixed else xml.split(b"<row")
    open_row += _count_cells(parts[0], prefixed)  # the end of the row left open by the previous chunk
    widest = max(widest, open_row)
    for part in parts[1:]:
        open_row = _count_cells(part, prefixed)
        widest = max(widest, open_row)
    return widest, open_row


def _refuse_if_too_large(name: str, sheet: str, rows: int, cols: int, declared: str | None,
                         error: type[UserError]) -> None:
    if rows > MAX_ROWS:
        detail = f" (trang khai báo vùng {declared})" if declared else ""
        raise error(too_many_rows_message(name, sheet) + detail)
    if rows * cols > MAX_CELLS:
        what = f"khai báo vùng {declared}" if declared else "có ô nằm rất xa"
        raise error(
            f"Tệp «{name}», trang «{sheet}» {what} ({thousands(rows)} dòng × {thousands(cols)} cột), "
            "quá lớn để đọc; có thể tệp bị hỏng hoặc cả trang đã bị định dạng. Hãy mở bằng Excel, xoá các "
            "dòng, cột trống thừa ở cuối trang rồi lưu lại.")


def check_table(table, error: type[UserError] = UserError):
    """After reading (any format): refuse more than ``MAX_ROWS`` rows or a cell longer than Excel allows.

    ``table`` is a ``models.tabular.Table`` (rows, name, sheet_name); it is returned unchanged.
    """
    rows, name, sheet = table.rows, table.name, table.sheet_name
    if len(rows) > MAX_ROWS:
        raise error(too_many_rows_message(name, sheet))

    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if type(value) is str and len(value) > MAX_CELL_CHARS:
                where = f"trang «{sheet}», " if sheet else ""
                raise error(
                    f"Tệp «{name}», {where}dòng {r}, cột {column_letter(c)}: ô dài {thousands(len(value))} ký tự, "
                    f"quá giới hạn {thousands(MAX_CELL_CHARS)} ký tự của một ô Excel; tệp có thể bị hỏng. "
                    "Hãy kiểm tra lại ô này.")
    return table


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA" (the letters Excel shows above column ``index``)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
