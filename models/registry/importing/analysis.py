"""Reading a source list into validated organization records (no database writes).

``analyse(path, group, areas=…, today=…, mapping=…)`` reads the file once, finds the header, converts
and validates every data row, and merges rows that repeat a tax code. The result (``Analysis``) is
what the writer plans against the database, what the GUI previews, and what the error workbook lists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from models.core.progress import Progress
from models.registry.divisions import in_district
from models.registry.importing.columns import IMPORT_FIELD_LABELS, HeaderGuess, detect_header, header_signature
from models.registry.importing.fastnorm import clean, fold
from models.registry.importing.gcpause import paused_gc
from models.registry.importing.values import (
    AreaMatcher,
    cached,
    cell_text,
    email_value,
    make_date_value,
    personal_id_value,
    phone_value,
    status_value,
    tax_code_value,
    text_value,
)
from models.registry.organizations import GROUPS, STATUSES
from models.tabular import Table, UnreadableFile, column_letter, read_table
from models.text.vn_format import date_text

_FOOTER_RE = re.compile(
    r"^(tong cong(?! ty)|tong so\b|tong( \d+)*$|cong( \d+)*$|nguoi lap|lap bieu|ky ten|ky ghi ro|xac nhan cua|"
    r"thu truong don vi|.*\bngay\b.{0,12}\bthang\b.{0,12}\bnam\b)")


_LONG_NUMBER_RE = re.compile(r"\d{9}")


@dataclass
class Issue:
    """One problem in the file, located as the officer sees it in Excel."""

    row: int  # spreadsheet row number (1-based)
    column: int | None  # 0-based column index, None for the whole row
    header: str
    value: str
    message: str
    level: str = "error"  # "error" (row rejected) | "warning" (row imported)
    name: str = ""  # the organization's name on that row, so that the error workbook says whose row it is

    @property
    def column_letter(self) -> str:
        return column_letter(self.column) if self.column is not None else ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column_letter, "header": self.header, "value": self.value,
                "message": self.message, "level": self.level, "name": self.name}


@dataclass
class Record:
    row: int  # spreadsheet row of the first occurrence
    values: dict  # field → canonical value (blank cells absent)
    rows: list[int] = field(default_factory=list)  # every row merged into this record


@dataclass
class Analysis:
    path: Path
    file_name: str
    sha256: str
    sheet_name: str | None
    group: int
    table: Table
    guess: HeaderGuess
    mapping: dict[int, str]
    records: list[Record] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    read: int = 0
    duplicates: int = 0
    rejected: int = 0
    # rows (as recorded in org_sources) whose old commune was split on 1/7/2025: the officer chooses
    area_choices: dict = field(default_factory=dict)

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.level == "warning")

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def headers(self) -> list[str]:
        return self.guess.headers

    @property
    def signature(self) -> str:
        return header_signature(self.guess.headers)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load(path: str | Path, group: int) -> tuple[Table, HeaderGuess]:
    """Read the file and find its header (raises ``UnreadableFile`` naming the file)."""
    path = Path(path)
    if group not in GROUPS:
        raise UnreadableFile(f"Nhóm tổ chức phải là 1, 2, 3 hoặc 4 (không phải «{group}»)")
    with paused_gc():
        table = read_table(path)
    guess = detect_header(table.rows, group)
    if guess is None:
        raise UnreadableFile(
            f"Tệp «{path.name}»: không tìm thấy dòng tiêu đề (cần ít nhất cột tên tổ chức hoặc mã số thuế "
            "và một cột khác trong 30 dòng đầu)")
    return table, guess


def analyse(path: str | Path, group: int, *, areas: list[dict] | None = None, today: dt.date,
            mapping: dict[int, str] | None = None, loaded: tuple[Table, HeaderGuess] | None = None,
            progress: Progress | None = None) -> Analysis:
    """Convert and validate every data row (see module docstring). ``mapping`` overrides the guess."""
    analysis = new_analysis(path, group, mapping=mapping, loaded=loaded)
    with paused_gc():
        _convert_rows(analysis, AreaMatcher(areas or []), today, progress)
    return analysis


def new_analysis(path: str | Path, group: int, *, mapping: dict[int, str] | None = None,
                 loaded: tuple[Table, HeaderGuess] | None = None) -> Analysis:
    """The file read, its header found and the mapping checked; no row converted yet (``convert_batches``)."""
    path = Path(path)
    table, guess = loaded or load(path, group)
    mapping = dict(mapping if mapping is not None else guess.mapping)
    analysis = Analysis(path=path, file_name=path.name, sha256=file_sha256(path), sheet_name=table.sheet_name,
                        group=group, table=table, guess=guess, mapping=mapping)
    _check_mapping(analysis)
    return analysis


def _check_mapping(analysis: Analysis) -> None:
    fields = [f for f in analysis.mapping.values() if f]
    duplicated = {f for f in fields if fields.count(f) > 1}
    if duplicated:
        names = ", ".join(f"«{IMPORT_FIELD_LABELS[f]}»" for f in sorted(duplicated))
        raise UnreadableFile(f"Tệp «{analysis.file_name}»: nhiều cột cùng được ghép vào {names}")
    if "name" not in fields:
        raise UnreadableFile(f"Tệp «{analysis.file_name}»: chưa có cột nào được ghép vào «Tên tổ chức»")


def _convert_rows(analysis: Analysis, areas: AreaMatcher, today: dt.date, progress: Progress | None) -> None:
    for _batch in convert_batches(analysis, areas, today, progress, None):
        pass


def convert_batches(analysis: Analysis, areas: AreaMatcher, today: dt.date, progress: Progress | None = None,
                    size: int | None = 10_000):
    """``analyse``'s conversion, yielding every ``size`` rows the records that are final (``pipeline.py``):
    a record whose tax code occurs more than once in the file, or without a tax code, is held back until
    the last batch. ``size=None``: one batch at the end, exactly ``analyse``. ``analysis`` (from
    ``new_analysis``) is complete once the generator is exhausted."""
    group = analysis.group
    rows = analysis.table.rows
    headers = analysis.guess.headers
    date_value = make_date_value(today)
    converters = {
        "tax_code": tax_code_value, "rep_id_number": personal_id_value, "rep_phone": phone_value,
        "rep_email": email_value, "established_on": date_value, "status": cached(status_value),
        "area_code": cached(areas.by_code), "area_name": cached(areas.by_area_name),
    }
    columns = [(index, fieldname, converters.get(fieldname, text_value))
               for index, fieldname in sorted(analysis.mapping.items()) if fieldname]
    mapped = {index for index, _f, _c in columns}
    name_col = next(i for i, f, _c in columns if f == "name")
    tax_col = next((i for i, f, _c in columns if f == "tax_code"), None)
    has_area_column = any(f in ("area_code", "area_name") for _i, f, _c in columns)
    area_col = next((i for i, f, _c in columns if f == "area_name"), None)
    column_of_address = next((i for i, f, _c in columns if f == "address"), None)
    issues = analysis.issues
    by_tax: dict[str, Record] = {}
    by_content: dict[tuple, Record] = {}
    records = analysis.records
    total = len(rows)
    start = analysis.guess.first_data_row
    footer = FooterScan(tax_col)
    tax_first, repeated = None, set()
    if size is not None and tax_col is not None:
        # Every row's tax code first (the same converter, so the row loop takes it from here): which
        # codes repeat, so that their records wait for the last batch.
        tax_first = [tax_code_value(r[tax_col]) if tax_col < len(r) and r[tax_col] not in ("", None) else None
                     for r in rows[start:]]
        seen: set = set()
        for converted in tax_first:
            if converted is not None and converted[0]:
                (repeated if converted[0] in seen else seen).add(converted[0])
    held: list[Record] = []
    emitted = 0
    for index in range(start, total):
        if size is not None and (index - start) % size == 0 and index > start:
            fresh = records[emitted:]
            emitted = len(records)
            batch = [r for r in fresh if r.values.get("tax_code") and r.values["tax_code"] not in repeated]
            held.extend(r for r in fresh if not (r.values.get("tax_code") and r.values["tax_code"] not in repeated))
            if batch:
                yield batch
        if progress is not None and index % 2000 == 0:
            progress.update(index, total, f"Đang kiểm tra dòng {index + 1}/{total}…")
        row = rows[index]
        width = len(row)
        if not _has_data(row, mapped):
            continue  # blank row, or text only in ignored columns (section titles, notes)
        if footer.skip(row):
            continue
        excel_row = index + 1
        analysis.read += 1
        first_issue = len(issues)
        values: dict = {}
        row_errors = False
        for col, fieldname, convert in columns:
            raw = row[col] if col < width else ""
            if raw == "" or raw is None:
                continue
            if convert is text_value and raw.__class__ is str:
                value = clean(raw)  # the common case, inlined
                if value:
                    values[fieldname] = value
                continue
            if col == tax_col and tax_first is not None:
                value, error, warnings = tax_first[index - start]
            else:
                value, error, warnings = convert(raw)
            if error:
                issues.append(Issue(excel_row, col, headers[col], cell_text(raw), error))
                row_errors = True
            elif value is not None:
                values[fieldname] = value
            if warnings:
                for message in warnings:
                    issues.append(Issue(excel_row, col, headers[col], cell_text(raw), message, "warning"))
        if "name" not in values:
            issues.append(Issue(excel_row, name_col, headers[name_col], "", "Thiếu tên tổ chức"))
            row_errors = True
        if group != 4 and "tax_code" not in values and not row_errors:
            col = tax_col if tax_col is not None else name_col
            issues.append(Issue(excel_row, col, headers[col] if tax_col is not None else "", "",
                                f"Thiếu mã số thuế (bắt buộc với nhóm {group}: {GROUPS[group]})"))
            row_errors = True
        if len(issues) > first_issue:
            name = values.get("name") or cell_text(row[name_col] if name_col < width else "")
            for issue in issues[first_issue:]:
                issue.name = name
        if row_errors:
            analysis.rejected += 1
            continue
        area_name = values.pop("area_name", None)
        district = values.pop("district", None)  # lists of before 1/7/2025: narrows an old commune's name
        conversion = None
        if "area_code" not in values:
            if area_name:
                values["area_code"] = area_name
            elif not has_area_column and "address" in values:
                code = areas.from_address(values["address"])
                if code:
                    values["area_code"] = code
                else:  # an address of before 1/7/2025: old commune and district → the new commune
                    converted = areas.old_address(values["address"] + (f", {district}" if district else ""))
                    if converted is not None:
                        address_col = column_of_address
                        for message in converted[2] or []:
                            issues.append(Issue(excel_row, address_col, headers[address_col], values["address"],
                                                message, "warning"))
                        if converted[0]:
                            values["area_code"] = converted[0]
                            conversion = areas.conversions.get(
                                values["address"] + (f", {district}" if district else ""))
        if area_col is not None and area_col < width and (district or areas.conversions):
            area_text = cell_text(row[area_col])  # only an old district or an old commune needs it
            if district and area_text:  # an old district beside the commune: the list is in old terms
                conversion = _with_district(areas, area_text, district, values, issues, excel_row, area_col,
                                            headers) or conversion
            if conversion is None and areas.conversions:
                conversion = areas.conversions.get(area_text)
        tax_code = values.get("tax_code")
        if tax_code:
            earlier = by_tax.get(tax_code)
            if earlier is None:
                record = Record(excel_row, values, [excel_row])
                by_tax[tax_code] = record
                records.append(record)
            else:
                analysis.duplicates += 1
                merged_from = len(issues)
                _merge(earlier, values, excel_row, issues, headers, analysis.mapping, areas.names)
                record = earlier
                for issue in issues[merged_from:]:
                    issue.name = values.get("name") or earlier.values.get("name", "")
        else:
            key = tuple(sorted(values.items()))
            record = by_content.get(key)
            if record is None:
                record = Record(excel_row, values, [excel_row])
                by_content[key] = record
                records.append(record)
            else:
                analysis.duplicates += 1  # the very same row repeated (no tax code to tell them apart)
                record.rows.append(excel_row)
        if conversion is not None and conversion.needs_choice and record.values.get("area_code") in conversion.candidates:
            analysis.area_choices[record.row] = conversion
        elif "area_code" in values:  # a later row of the same organization names another commune
            analysis.area_choices.pop(record.row, None)
    if progress is not None:
        progress.update(total, total, "Đã kiểm tra xong tệp")
    fresh = records[emitted:]
    yield ([r for r in fresh if r.values.get("tax_code") and r.values["tax_code"] not in repeated] + held
           + [r for r in fresh if not (r.values.get("tax_code") and r.values["tax_code"] not in repeated)])


def _with_district(areas: AreaMatcher, area_text: str, district: str, values: dict, issues: list[Issue],
                   excel_row: int, area_col: int, headers: list[str]):
    """A commune in its own column and the old district in another (lists of before 1/7/2025): the old
    commune of that name in that district, even when the name is also a current commune's (old Xã Bình An
    of Huyện Kiên Lương is Xã Kiên Lương today, not today's Xã Bình An). The row's warning says so."""
    key = f"{area_text}, {district}"
    converted = areas.old_name(key)
    conversion = areas.conversions.get(key)
    if converted is None or not converted[0] or conversion is None:
        return None
    if not any(in_district(w, district) for w in conversion.old):
        return None
    values["area_code"] = converted[0]
    message = (converted[2] or [""])[0].replace(f"«{key}»", f"«{area_text}» ({district})", 1)
    prefix = f"«{area_text}» là địa bàn cũ"
    for issue in reversed(issues):  # the commune cell's own conversion warning, if any: the narrower one
        if issue.row != excel_row:
            break
        if issue.message.startswith(prefix):
            issue.message = message
            return conversion
    issues.append(Issue(excel_row, area_col, headers[area_col], area_text, message, "warning"))
    return conversion


def _has_data(row: list, mapped: set[int]) -> bool:
    for col, cell in enumerate(row):
        if cell != "" and cell is not None and col in mapped:
            if isinstance(cell, str) and not cell.strip():
                continue
            return True
    return False


def is_footer_row(row: list, tax_col: int | None) -> bool:
    """"Tổng cộng: 120", "Người lập biểu", "…, ngày 05 tháng 01 năm 2025" under the table."""
    return footer_kind(row, tax_col) is not None


_TOTAL_RE = re.compile(r"^(tong cong(?! ty)|tong so\b|tong( \d+)*$|cong( \d+)*$)")


def footer_kind(row: list, tax_col: int | None) -> str | None:
    """"total" for a totals line, "signature" for the signer's block or the place-and-date line, else None."""
    if tax_col is not None and tax_col < len(row):
        tax = row[tax_col]
        if isinstance(tax, (int, float)) and tax >= 1e8:
            return None
        if isinstance(tax, str) and _LONG_NUMBER_RE.search(tax):
            return None
    cells = [c for c in row if c != "" and c is not None and not (isinstance(c, str) and not c.strip())]
    if not cells:
        return None
    first = fold(cell_text(cells[0]))
    if not _FOOTER_RE.match(first):
        return None
    if _TOTAL_RE.match(first):
        return "total"
    # The signer's lines hold one or two signers side by side; a row filled across is data (an organization
    # called "Người Lập Trình" or "Ngày Tháng Năm" in a list without a row-number column).
    return "signature" if len(cells) <= 3 else None


class FooterScan:
    """Skips the lines under a table: totals, the place-and-date line, "Người lập biểu" / "Thủ trưởng đơn
    vị" and, once that signer's block has begun, the short lines under it (the signer's name and title,
    "(Ký, ghi rõ họ tên)") that no rule could tell from a data row on their own. A row carrying a long
    number (a tax code) is always data."""

    def __init__(self, tax_col: int | None) -> None:
        self.tax_col = tax_col
        self.in_signature = False

    def skip(self, row: list) -> bool:
        kind = footer_kind(row, self.tax_col)
        if kind is not None:
            self.in_signature = self.in_signature or kind == "signature"
            return True
        if not self.in_signature:
            return False
        cells = [c for c in row if c != "" and c is not None and not (isinstance(c, str) and not c.strip())]
        if len(cells) > 2:
            return False
        return not any(_LONG_NUMBER_RE.search(cell_text(c)) for c in cells)


def _merge(earlier: Record, values: dict, excel_row: int, issues: list[Issue], headers: list[str],
           mapping: dict[int, str], area_names: dict[str, str]) -> None:
    """A repeated tax code: later non-blank values win; a conflicting value is reported as a warning."""
    earlier.rows.append(excel_row)
    column_of = {f: i for i, f in mapping.items() if f}
    for key, value in values.items():
        old = earlier.values.get(key)
        if old is not None and old != value:
            col = column_of.get(key, column_of.get("area_name", column_of.get("address")))
            what = "" if col is not None else f" ({IMPORT_FIELD_LABELS.get(key, key)})"
            issues.append(Issue(excel_row, col, headers[col] if col is not None else "",
                                _shown(key, value, area_names),
                                f"Trùng mã số thuế với dòng {earlier.row} nhưng khác giá trị{what} "
                                f"«{_shown(key, old, area_names)}»: lấy giá trị của dòng {excel_row}", "warning"))
        earlier.values[key] = value


def _shown(field: str, value, area_names: dict[str, str]) -> str:
    """A stored value as the officer wrote or knows it: status label, commune name, dd/mm/yyyy."""
    if field == "status":
        return STATUSES.get(value, str(value))
    if field == "area_code":
        return area_names.get(value, str(value))
    if field == "established_on" and isinstance(value, str):
        return date_text(value)
    return str(value)
