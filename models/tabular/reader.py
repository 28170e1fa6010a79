"""File-format detection and decoding for ``models.tabular`` (see the package docstring)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from models.core.errors import UserError
from models.tabular.guard import check_ods_extent, check_table, check_workbook_extent

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(UserError):
    """The file is missing, empty, damaged or not a table this program can read."""


@dataclass
class Table:
    """A grid of cells; ``rows[i]`` is spreadsheet row ``i + 1``; rows may differ in length."""

    rows: list[list]
    name: str  # file name (for messages)
    sheet_name: str | None = None
    file_format: str = ""  # "xlsx", "xls", "ods", "csv"
    encoding: str | None = None  # text files only
    delimiter: str | None = None  # text files only
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1), 0-based

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def read_table(path: str | Path, sheet: str | int | None = None) -> Table:
    """Read the first non-empty sheet (or ``sheet``) of a spreadsheet, or a CSV file."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"Không tìm thấy tệp «{path}»")
    if path.is_dir():
        raise UnreadableFile(f"«{path}» là một thư mục, không phải tệp")
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES + TEXT_SUFFIXES:
        raise UnreadableFile(
            f"Tệp «{path.name}»: chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv (tệp này có đuôi «{path.suffix or 'trống'}»)")
    try:
        size = path.stat().st_size
        if size == 0:
            raise UnreadableFile(f"Tệp «{path.name}» rỗng (0 byte)")
        if suffix in TEXT_SUFFIXES:
            return check_table(_clean(_read_text(path)), UnreadableFile)
        return check_table(_clean(_read_spreadsheet(path, suffix, sheet)), UnreadableFile)
    except OSError as exc:
        raise UnreadableFile(f"Không mở được tệp «{path.name}»: {exc.strerror or exc}") from exc


# Control characters other than TAB, LF and CR, and the two non-characters U+FFFE and U+FFFF: XML cannot hold
# them, so a value carrying one would come back different from a workbook the app writes (a sync file read
# as "altered"), and nobody types them. They are dropped as the file is read.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(table: Table) -> Table:
    search, sub = _ILLEGAL.search, _ILLEGAL.sub
    for row in table.rows:
        for c, value in enumerate(row):
            if type(value) is str and search(value):
                row[c] = sub("", value)
    return table


# ---- spreadsheets ---------------------------------------------------------------------------------
def _read_spreadsheet(path: Path, suffix: str, sheet: str | int | None) -> Table:
    from python_calamine import CalamineWorkbook

    with path.open("rb") as fh:
        head = fh.read(8)
    if suffix in (".xlsx", ".xlsm", ".ods") and not head.startswith(_ZIP_MAGIC):
        raise UnreadableFile(_not_a_spreadsheet(path, head))
    if suffix == ".xls" and not head.startswith(_OLE_MAGIC) and not head.startswith(_ZIP_MAGIC):
        raise UnreadableFile(_not_a_spreadsheet(path, head))
    if suffix in (".xlsx", ".xlsm"):
        check_workbook_extent(path, path.name, UnreadableFile)  # before calamine: it aborts on a sheet too large to hold
    if suffix == ".ods":
        check_ods_extent(path, path.name, UnreadableFile)  # the same for repeated rows and columns
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if not names:
            raise UnreadableFile(f"Tệp «{path.name}» không có trang tính nào")
        if sheet is None:
            chosen, rows, sheet_obj = None, [], None
            for name in names:
                sheet_obj = workbook.get_sheet_by_name(name)
                rows = sheet_obj.to_python(skip_empty_area=False)
                if any(any(c not in ("", None) for c in r) for r in rows):
                    chosen = name
                    break
            if chosen is None:
                raise UnreadableFile(f"Tệp «{path.name}» không có dữ liệu (mọi trang tính đều trống)")
        else:
            chosen = names[sheet] if isinstance(sheet, int) else sheet
            if chosen not in names:
                raise UnreadableFile(f"Tệp «{path.name}» không có trang tính «{sheet}»")
            sheet_obj = workbook.get_sheet_by_name(chosen)
            rows = sheet_obj.to_python(skip_empty_area=False)
        merged = _merged_ranges(sheet_obj)
    except UnreadableFile:
        raise
    except Exception as exc:  # calamine raises its own error types (zip, xml, cfb…) for damaged files
        raise UnreadableFile(f"Tệp «{path.name}» bị hỏng hoặc không phải bảng tính hợp lệ ({_short(exc)})") from exc
    return Table(rows=rows, name=path.name, sheet_name=chosen, file_format=suffix.lstrip("."), merged=merged)


def _merged_ranges(sheet_obj) -> list[tuple[int, int, int, int]]:
    """Merged ranges (None from calamine for formats that do not report them)."""
    ranges = sheet_obj.merged_cell_ranges or []
    return [(start[0], start[1], end[0], end[1]) for start, end in ranges]


def _not_a_spreadsheet(path: Path, head: bytes) -> str:
    lowered = head.lower()
    if lowered.startswith((b"<", b"\xef\xbb\xbf<")):
        return (f"Tệp «{path.name}» thực chất là trang HTML/XML đặt tên {path.suffix}, không phải bảng tính; "
                "hãy mở bằng Excel rồi lưu lại dưới dạng .xlsx")
    return f"Tệp «{path.name}» không phải bảng tính {path.suffix} hợp lệ (nội dung không đúng định dạng)"


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


# ---- text files -----------------------------------------------------------------------------------
def _read_text(path: Path) -> Table:
    raw = path.read_bytes()
    text, encoding = _decode(raw, path)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise UnreadableFile(f"Tệp «{path.name}» không có dữ liệu")
    lowered = text.lstrip()[:200].lower()
    if lowered.startswith(("<!doctype html", "<html", "<?xml")):
        raise UnreadableFile(f"Tệp «{path.name}» là trang HTML/XML, không phải tệp CSV")
    delimiter = _sniff_delimiter(text)
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise UnreadableFile(f"Tệp «{path.name}» không đúng định dạng CSV: {exc}") from exc
    # csv.reader drops nothing: an empty line is an empty list, so row numbers stay as in the file
    # (a quoted cell spanning lines is counted as one row, as spreadsheet programs do).
    return Table(rows=rows, name=path.name, file_format="csv", encoding=encoding, delimiter=delimiter)


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(raw[3:], "utf-8", path), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(raw, "utf-16", path), "utf-16"
    sample = raw[:4000]
    if len(sample) >= 4 and sample.count(b"\x00") >= len(sample) // 4:
        # UTF-16 without BOM: every other byte of ASCII text is zero.
        le = sample[1::2].count(0) > sample[0::2].count(0)
        return _strict(raw, "utf-16-le" if le else "utf-16-be", path), "utf-16-le" if le else "utf-16-be"
    if b"\x00" in sample:
        raise UnreadableFile(f"Tệp «{path.name}» là tệp nhị phân, không phải tệp CSV")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _is_shift_jis(raw):
        raise UnreadableFile(
            f"Tệp «{path.name}»: bảng mã ký tự không phải tiếng Việt (giống bảng mã Shift-JIS tiếng Nhật); đọc "
            "tiếp sẽ ra chữ sai. Hãy mở tệp bằng Excel rồi lưu lại dạng «CSV UTF-8».")
    for encoding in ("cp1258", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        # Windows-1258 writes most toned letters as letter + combining tone: compose them.
        return unicodedata.normalize("NFC", text), encoding
    raise UnreadableFile(f"Tệp «{path.name}»: không nhận ra bảng mã ký tự (không phải UTF-8, UTF-16 hay Windows-1258)")


def _is_shift_jis(raw: bytes) -> bool:
    """Not UTF-8 but clean Shift-JIS with double-byte characters: Japanese text, which Windows-1258 would
    turn into letters and symbols without an error. Vietnamese in Windows-1258 is not valid Shift-JIS (ô, ơ,
    ư, đ are bytes F0–FD, which Shift-JIS does not use as a first byte)."""
    try:
        text = raw.decode("shift_jis")
    except UnicodeDecodeError:
        return False
    return sum(1 for ch in text if ord(ch) > 0x2000) >= 2


def _strict(raw: bytes, encoding: str, path: Path) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"Tệp «{path.name}»: lỗi bảng mã {encoding.upper()} ở byte {exc.start}") from exc


def _looks_binary(text: str) -> bool:
    sample = text[:4000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > max(2, len(sample) // 100)


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = ",", -1.0
    for delimiter in (",", ";", "\t"):
        counts = [_count_outside_quotes(line, delimiter) for line in lines]
        if not counts or max(counts) == 0:
            continue
        # The separator appears on most lines, about as often as on the widest line.
        common = max(set(counts), key=counts.count)
        score = sum(1 for c in counts if c == common and c > 0) + max(counts) / 100
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count
