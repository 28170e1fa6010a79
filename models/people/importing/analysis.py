"""Reading a people list into validated records (no database writes).

``load(path, kind)`` reads the file with the guarded reader and finds its header; ``analyse`` converts
and checks every data row (blank rows, footer and signer rows skipped), merges rows that repeat an ID
number (later non-blank values win; a conflict is a warning) and keeps every problem as an ``Issue``
located as the officer sees it in Excel. Converters are the registry's (``registry.importing.values``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from models.core.progress import Progress
from models.people.importing.columns import FIELD_LABELS, KINDS, REQUIRED, HeaderGuess, detect_header
from models.registry.importing.analysis import Issue, file_sha256, is_footer_row
from models.registry.importing.fastnorm import clean, fold
from models.registry.importing.gcpause import paused_gc
from models.registry.importing.values import (
    AreaMatcher,
    cached,
    cell_text,
    make_date_value,
    personal_id_value,
    phone_value,
    tax_code_value,
    text_value,
)
from models.tabular import Table, UnreadableFile, read_table
from models.text.identifiers import PROVINCE_ID_PREFIXES

__all__ = ["Analysis", "Issue", "Record", "analyse", "load"]

Converted = tuple[object, str | None, list[str] | None]


@dataclass
class Record:
    row: int  # spreadsheet row of the first occurrence
    values: dict
    rows: list[int] = field(default_factory=list)


@dataclass
class Analysis:
    path: Path
    kind: str
    file_name: str
    sha256: str
    sheet_name: str | None
    table: Table
    guess: HeaderGuess
    mapping: dict[int, str]
    records: list[Record] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    read: int = 0
    duplicates: int = 0
    rejected: int = 0

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.level == "warning")

    @property
    def headers(self) -> list[str]:
        return self.guess.headers


def load(path: str | Path, kind: str) -> tuple[Table, HeaderGuess]:
    path = Path(path)
    if kind not in KINDS:
        raise UnreadableFile(f"Loại danh sách «{kind}» không có (residents, staff, schedule, activations)")
    with paused_gc():
        table = read_table(path)
    guess = detect_header(table.rows, kind)
    if guess is None:
        need = " hoặc ".join(f"«{FIELD_LABELS[f]}»" for f in REQUIRED[kind])
        raise UnreadableFile(f"Tệp «{path.name}»: không tìm thấy dòng tiêu đề của {KINDS[kind].lower()} "
                             f"(cần cột {need} và một cột khác trong 30 dòng đầu)")
    return table, guess


# ---- converters -------------------------------------------------------------------------------------
def id_value(raw: object) -> Converted:
    """``personal_id_value``, and the leading zeros a number cell lost ("001…" → 10 digits) put back with a
    warning: from a number cell always, from text only when the padded number has a known province prefix."""
    if raw.__class__ is str and len(raw) == 12 and raw.isdigit() and raw.isascii() and raw[:3] in PROVINCE_ID_PREFIXES:
        return raw, None, None  # the usual well-formed cell
    numeric = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    text = cell_text(raw)
    if (numeric or text.isdigit()) and text.isascii() and len(text) in (10, 11):
        padded = text.zfill(12)
        if numeric or padded[:3] in PROVINCE_ID_PREFIXES:
            value, error, warnings = personal_id_value(padded)
            if value and not error:
                return value, None, [*(warnings or []), f"Số định danh mất {12 - len(text)} số 0 ở đầu (ô kiểu số), "
                                                        "đã tự thêm lại"]
    return personal_id_value(raw)


def _sex(raw: object) -> Converted:
    folded = fold(cell_text(raw))
    if folded in ("nam", "m", "male", "trai"):
        return "M", None, None
    if folded in ("nu", "f", "female", "gai"):
        return "F", None, None
    if not folded:
        return None, None, None
    return None, None, [f"Giới tính «{cell_text(raw)}» không nhận ra (Nam/Nữ): bỏ qua"]


def _residence(raw: object) -> Converted:
    folded = fold(cell_text(raw))
    if not folded:
        return None, None, None
    if "tam tru" in folded:
        return "temporary", None, None
    if "thuong tru" in folded:
        return "permanent", None, None
    return None, None, [f"Cư trú «{cell_text(raw)}» không nhận ra (thường trú/tạm trú): bỏ qua"]


def _level(raw: object) -> Converted:
    text = cell_text(raw)
    digits = re.findall(r"\d", text)
    if len(digits) == 1 and digits[0] in "12":
        return int(digits[0]), None, None
    folded = fold(text)
    if folded in ("mot", "muc mot"):
        return 1, None, None
    if folded in ("hai", "muc hai"):
        return 2, None, None
    if not text:
        return None, None, None
    return None, f"Mức độ tài khoản «{text}» phải là 1 hoặc 2", None


def _status(raw: object) -> Converted:
    folded = fold(cell_text(raw))
    if not folded:
        return None, None, None
    if "chua kich hoat" in folded or "cho kich hoat" in folded:
        return "issued", None, None
    if "kich hoat" in folded or "hoat dong" in folded:
        return "activated", None, None
    if "da cap" in folded or "duyet" in folded:
        return "issued", None, None
    return None, None, [f"Trạng thái «{cell_text(raw)}» không nhận ra: bỏ qua"]


def _count(raw: object) -> Converted:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if raw >= 0 and float(raw).is_integer():
            return int(raw), None, None
    text = cell_text(raw)
    digits = re.sub(r"[.,\s]", "", text)
    if digits.isdigit():
        return int(digits), None, None
    match = re.match(r"\s*(\d+)\s*(nguoi|lao dong|cb|can bo)?\s*$", fold(text))
    if match:
        return int(match.group(1)), None, None
    return None, f"Số lao động «{text}» không phải là số", None


_TIME_RE = re.compile(r"\b(\d{1,2})\s*(?:h|g|gio|\s)\s*(\d{2})?\b")  # folded: "14:00" is "14 00"


def _time(raw: object) -> Converted:
    if isinstance(raw, dt.datetime):
        return raw.strftime("%H:%M"), None, None
    if isinstance(raw, dt.time):
        return raw.strftime("%H:%M"), None, None
    if isinstance(raw, dt.timedelta):
        minutes = int(raw.total_seconds() // 60) % (24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}", None, None
    if isinstance(raw, float) and 0 <= raw < 1:
        minutes = round(raw * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}", None, None
    text = fold(cell_text(raw))
    if not text:
        return None, None, None
    match = _TIME_RE.search(text)
    if match and int(match.group(1)) < 24 and int(match.group(2) or 0) < 60:
        hour = int(match.group(1))
        if "chieu" in text and hour < 12:
            hour += 12
        return f"{hour:02d}:{int(match.group(2) or 0):02d}", None, None
    if "sang" in text:
        return "07:30", None, [f"Giờ «{cell_text(raw)}»: ghi là 07:30 (buổi sáng)"]
    if "chieu" in text:
        return "13:30", None, [f"Giờ «{cell_text(raw)}»: ghi là 13:30 (buổi chiều)"]
    return None, None, [f"Giờ «{cell_text(raw)}» không nhận ra: bỏ qua"]


def _converters(areas: AreaMatcher, today: dt.date) -> dict:
    date_value = make_date_value(today)
    return {
        "id_number": id_value, "phone": phone_value, "tax_code": tax_code_value,
        "birth_date": date_value, "preferred_on": date_value, "scheduled_on": date_value, "issued_on": date_value,
        "activated_on": date_value, "date": date_value, "sex": cached(_sex), "residence": cached(_residence),
        "level": cached(_level), "status": cached(_status), "staff_count": _count, "scheduled_time": _time,
        "area_code": cached(areas.by_code), "area_name": cached(areas.by_area_name),
    }


def analyse(path: str | Path, kind: str, *, areas: list[dict] | None = None, today: dt.date,
            mapping: dict[int, str] | None = None, loaded: tuple[Table, HeaderGuess] | None = None,
            progress: Progress | None = None) -> Analysis:
    path = Path(path)
    table, guess = loaded or load(path, kind)
    mapping = dict(mapping if mapping is not None else guess.mapping)
    analysis = Analysis(path=path, kind=kind, file_name=path.name, sha256=file_sha256(path),
                        sheet_name=table.sheet_name, table=table, guess=guess, mapping=mapping)
    fields = [f for f in mapping.values() if f]
    if not any(f in fields for f in REQUIRED[kind]):
        need = " hoặc ".join(f"«{FIELD_LABELS[f]}»" for f in REQUIRED[kind])
        raise UnreadableFile(f"Tệp «{analysis.file_name}»: chưa có cột nào được ghép vào {need}")
    with paused_gc():
        _convert(analysis, AreaMatcher(areas or []), today, progress)
    return analysis


def _convert(analysis: Analysis, areas: AreaMatcher, today: dt.date, progress: Progress | None) -> None:
    kind = analysis.kind
    rows = analysis.table.rows
    headers = analysis.headers
    converters = _converters(areas, today)
    # Short texts repeat (villages, communes): cleaned once per distinct cell.
    repeated = {"village", "position", "agency", "notes"}
    columns = [(i, f, converters.get(f, text_value), {} if f in repeated else None)
               for i, f in sorted(analysis.mapping.items()) if f]
    mapped = sorted({i for i, _f, _c, _m in columns})
    column_of = {f: i for i, f, _c, _m in columns}
    id_col = column_of.get("id_number", column_of.get("tax_code"))
    issues = analysis.issues
    by_key: dict[object, Record] = {}
    total = len(rows)
    for index in range(analysis.guess.first_data_row, total):
        if progress is not None and index % 5000 == 0:
            progress.update(index, total, f"Đang kiểm tra dòng {index + 1}/{total}…")
        row = rows[index]
        width = len(row)
        for i in mapped:
            if i < width:
                c = row[i]
                if c != "" and c is not None and (c.__class__ is not str or not c.isspace()):
                    break
        else:
            continue  # blank row, or text only in ignored columns (section titles, notes)
        ident = row[id_col] if id_col is not None and id_col < width else None
        if not (ident.__class__ is str and len(ident) >= 9 and ident[:9].isdigit()) and is_footer_row(row, id_col):
            continue  # "Tổng cộng", "Người lập biểu", "…, ngày … tháng … năm …" under the table
        excel_row = index + 1
        analysis.read += 1
        values: dict = {}
        bad = False
        for col, name, convert, memo in columns:
            raw = row[col] if col < width else ""
            if raw == "" or raw is None:
                continue
            if convert is text_value and raw.__class__ is str:
                if memo is None:
                    value = clean(raw)
                else:
                    value = memo.get(raw)
                    if value is None:
                        value = memo[raw] = clean(raw)
                if value:
                    values[name] = value
                continue
            value, error, warnings = convert(raw)
            if error:
                issues.append(Issue(excel_row, col, headers[col], cell_text(raw), error))
                bad = True
            elif value is not None:
                values[name] = value
            if warnings:
                for message in warnings:
                    issues.append(Issue(excel_row, col, headers[col], cell_text(raw), message, "warning"))
        bad = _required(kind, values, excel_row, column_of, headers, issues) or bad
        if bad:
            analysis.rejected += 1
            continue
        area_name = values.pop("area_name", None)
        if area_name and "area_code" not in values:
            values["area_code"] = area_name
        key = _key(kind, values)
        earlier = by_key.get(key)
        if earlier is None:
            record = Record(excel_row, values, [excel_row])
            by_key[key] = record
            analysis.records.append(record)
            continue
        analysis.duplicates += 1
        earlier.rows.append(excel_row)
        for name, value in values.items():
            old = earlier.values.get(name)
            if kind == "activations" and name in ("level", "issued_on", "activated_on", "date", "status"):
                continue  # merged by the writer (highest level, earliest dates)
            if old is not None and old != value:
                col = column_of.get(name)
                issues.append(Issue(excel_row, col, headers[col] if col is not None else "", str(value),
                                    f"Trùng với dòng {earlier.row} nhưng khác {FIELD_LABELS.get(name, name).lower()} "
                                    f"«{old}»: lấy giá trị của dòng {excel_row}", "warning"))
            earlier.values[name] = value
        if kind == "activations":
            earlier.values.setdefault("_more", []).append(values)
    if progress is not None:
        progress.update(total, total, "Đã kiểm tra xong tệp")


def _required(kind: str, values: dict, row: int, column_of: dict, headers: list[str], issues: list[Issue]) -> bool:
    def missing(name: str, message: str) -> bool:
        col = column_of.get(name)
        issues.append(Issue(row, col, headers[col] if col is not None else "", "", message))
        return True

    if kind in ("residents", "staff") and "full_name" not in values:
        return missing("full_name", "Thiếu họ và tên")
    if kind in ("staff", "activations") and "id_number" not in values:
        return missing("id_number", "Thiếu số định danh cá nhân")
    if kind == "activations" and "level" not in values:
        return missing("level", "Thiếu mức độ tài khoản (1 hoặc 2)")
    if kind == "schedule":
        if "org_name" not in values and "tax_code" not in values:
            return missing("org_name", "Thiếu tên doanh nghiệp và mã số thuế")
        if "scheduled_on" not in values:
            return missing("scheduled_on", "Thiếu ngày doanh nghiệp đăng ký")
    return False


def _key(kind: str, values: dict) -> object:
    if kind == "schedule":
        who = values.get("tax_code") or fold(values.get("org_name"))
        return (who, values["scheduled_on"])
    if values.get("id_number"):
        return values["id_number"]
    return (fold(values.get("full_name")), values.get("birth_date"), values.get("area_code"), values.get("village"))
