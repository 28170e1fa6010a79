"""Finding the header of a source list and recognising its columns from Vietnamese headers.

Real files put a letterhead and a title above the header ("UBND TỈNH…", "DANH SÁCH DOANH NGHIỆP…"),
sometimes a two-row header whose upper cells are merged ("Người đại diện theo pháp luật" over "Họ và
tên | Số CCCD | Điện thoại"), and a row of column numbers "(1) (2) (3)…" under it. Headers are compared
folded (no case, no diacritics, đ→d), so "Mã số thuế", "MA SO THUE" and "Ma so thue" are the same.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from models.registry.importing.fastnorm import clean, fold
from models.registry.organizations import FIELD_LABELS

# Target fields of an import column ("area_name" is matched against the areas table).
IMPORT_FIELDS = (
    "name", "short_name", "foreign_name", "tax_code", "enterprise_code", "founding_decision", "established_on",
    "address", "area_code", "area_name", "district", "status", "head_name", "rep_name", "rep_id_number", "rep_phone",
    "rep_email",
)
IMPORT_FIELD_LABELS = {**FIELD_LABELS, "area_code": "Mã xã/phường", "area_name": "Xã/phường",
                       "district": "Quận/huyện (trước 1/7/2025)"}  # only narrows an old commune, not stored
IGNORE = ""  # mapping value of a column that is not imported

# (field, rule) in priority order; a rule is a tuple of alternatives, each alternative a tuple of
# words that must all occur (as whole words, in order) in the folded header.
_RULES: list[tuple[str, tuple[tuple[str, ...], ...]]] = [
    ("", (("stt",), ("so tt",), ("so thu tu",), ("ghi chu",), ("tt",), ("chuc vu",), ("nganh nghe",), ("von",),
          ("loai hinh",), ("ma nganh",), ("fax",), ("website",), ("lao dong",), ("nhom",))),
    ("established_on", (("ngay thanh lap",), ("ngay cap",), ("ngay dang ky",), ("nam thanh lap",),
                        ("ngay thanh",), ("ngay tl",))),
    ("rep_id_number", (("cccd",), ("cmnd",), ("dinh danh",), ("can cuoc",), ("ho chieu",), ("so giay to",))),
    ("rep_phone", (("dien thoai",), ("sdt",), ("so dt",), ("dt",), ("di dong",), ("phone",))),
    ("rep_email", (("email",), ("e mail",), ("thu dien tu",), ("mail",))),
    ("tax_code", (("ma so thue",), ("mst",), ("ma thue",), ("tax",))),
    ("enterprise_code", (("ma so doanh nghiep",), ("ma doanh nghiep",), ("ma so dn",), ("so dkkd",),
                         ("ma so dang ky",), ("so giay chung nhan dang ky",))),
    ("area_code", (("ma xa",), ("ma phuong",), ("ma dia ban",), ("ma dvhc",), ("ma don vi hanh chinh",))),
    ("founding_decision", (("quyet dinh",), ("giay phep",), ("van ban thanh lap",))),
    ("status", (("tinh trang",), ("trang thai",))),
    ("short_name", (("ten viet tat",), ("viet tat",))),
    ("foreign_name", (("ten nuoc ngoai",), ("ten tieng anh",), ("ten giao dich",), ("ten quoc te",),
                      ("ten tieng nuoc ngoai",))),
    ("head_name", (("nguoi dung dau",), ("thu truong",), ("chu tich",), ("giam doc",), ("truong ban",))),
    ("rep_name", (("nguoi dai dien",), ("dai dien",), ("ho va ten",), ("ho ten",), ("nguoi dung ten",))),
    ("address", (("dia chi",), ("tru so",))),
    ("area_name", (("xa phuong",), ("phuong xa",), ("dia ban",), ("don vi hanh chinh",))),
    ("district", (("quan", "huyen"), ("huyen",), ("thi xa",))),
    ("name", (("ten doanh nghiep",), ("ten to chuc",), ("ten co quan",), ("ten hop tac xa",), ("ten htx",),
              ("ten don vi",), ("ten dn",))),
    ("area_name", (("xa",), ("phuong",))),
    ("name", (("ten",), ("doanh nghiep",), ("to chuc",), ("hop tac xa",), ("co quan",), ("don vi",))),
]
_RULE_RES = [(fieldname, [re.compile(r"\b" + r"\b.*\b".join(map(re.escape, alt)) + r"\b") for alt in alts])
             for fieldname, alts in _RULES]


def recognise_header(text: object) -> str | None:
    """The field a header cell names ("" = a column to ignore such as STT), or None if unknown."""
    folded = fold(text)
    if not folded:
        return None
    for fieldname, patterns in _RULE_RES:
        if any(p.search(folded) for p in patterns):
            return fieldname
    return None


def header_signature(headers: list[str]) -> str:
    """Identifies a layout of columns: the folded header texts, in order (for saved mappings)."""
    joined = "|".join(fold(h) for h in headers)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


@dataclass
class HeaderGuess:
    header_rows: list[int]  # 0-based rows forming the header (1 or 2)
    headers: list[str]  # one text per column (upper + lower cell of a two-row header)
    mapping: dict[int, str]  # column index → field ("" = ignored)
    first_data_row: int  # 0-based
    unsure: list[str] = field(default_factory=list)  # why the officer should check the mapping

    @property
    def confident(self) -> bool:
        return not self.unsure


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return clean(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _row_texts(rows: list[list], index: int, width: int) -> list[str]:
    row = rows[index] if index < len(rows) else []
    return [_text(row[c]) if c < len(row) else "" for c in range(width)]


def _score(texts: list[str]) -> tuple[int, set[str]]:
    found = set()
    for text in texts:
        if text and len(text) <= 80 and not _looks_like_data(text):
            fieldname = recognise_header(text)
            if fieldname:
                found.add(fieldname)
    return len(found), found


def _looks_like_data(text: str) -> bool:
    return sum(ch.isdigit() for ch in text) >= 6


def detect_header(rows: list[list], group: int, *, scan: int = 30) -> HeaderGuess | None:
    """Find the header (one or two rows) in the first ``scan`` rows; None if nothing looks like one."""
    width = max((len(r) for r in rows[: scan + 2]), default=0)
    best, best_score = None, 0
    for index in range(min(scan, len(rows))):
        texts = _row_texts(rows, index, width)
        score, found = _score(texts)
        if score >= 2 and ("name" in found or "tax_code" in found) and score > best_score:
            best, best_score = index, score
    if best is None:
        # Nothing recognisable: take the first row of several short texts as the header and let the
        # officer map its columns (the mapping dialog); the CLI refuses a file without a name column.
        for index in range(min(scan, len(rows))):
            texts = [t for t in _row_texts(rows, index, width) if t]
            if len(texts) >= 2 and not any(_looks_like_data(t) or len(t) > 80 for t in texts):
                best = index
                break
        else:
            return None
    upper = _row_texts(rows, best, width)
    header_rows = [best]
    headers = list(upper)
    lower = _row_texts(rows, best + 1, width) if best + 1 < len(rows) else [""] * width
    if _is_sub_header(upper, lower):
        header_rows.append(best + 1)
        filled = _fill_merged(upper, lower)
        headers = [" ".join(p for p in (u, lo) if p) for u, lo in zip(filled, lower, strict=True)]
    first_data = header_rows[-1] + 1
    if first_data < len(rows) and _is_column_number_row(_row_texts(rows, first_data, width)):
        first_data += 1
    mapping, unsure = _map_columns(headers, lower if len(header_rows) == 2 else None, group)
    return HeaderGuess(header_rows, headers, mapping, first_data, unsure)


def _is_sub_header(upper: list[str], lower: list[str]) -> bool:
    """The row under the header is a second header row (texts under a merged/blank upper cell)."""
    filled = [i for i, t in enumerate(lower) if t]
    if not filled or any(_looks_like_data(lower[i]) for i in filled):
        return False
    if _is_column_number_row(lower):
        return False
    # Every lower text sits under a blank upper cell or under a group title spanning several columns.
    under_group = 0
    for i in filled:
        if recognise_header(lower[i]) is None:
            return False
        if not upper[i] or (i + 1 < len(upper) and not upper[i + 1] and lower[i + 1]) or \
                (i > 0 and not upper[i] and upper[i - 1]):
            under_group += 1
    return under_group > 0 or len(filled) >= 2


def _fill_merged(upper: list[str], lower: list[str]) -> list[str]:
    """Spread a group title over the blank upper cells to its right that have a lower text."""
    filled = list(upper)
    current = ""
    for i, text in enumerate(upper):
        if text:
            current = text
        elif lower[i] and current:
            filled[i] = current
        else:
            current = ""
    return filled


def _is_column_number_row(texts: list[str]) -> bool:
    values = [t for t in texts if t]
    if len(values) < 2:
        return False
    return all(re.fullmatch(r"\(?\d{1,2}\)?|\(?[a-zA-Z]\)?", v) for v in values)


def _map_columns(headers: list[str], lower: list[str] | None, group: int) -> tuple[dict[int, str], list[str]]:
    mapping: dict[int, str] = {}
    unsure: list[str] = []
    used: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        fieldname = recognise_header(header)
        if lower is not None and lower[index]:
            # In a two-row header the lower cell is the precise one ("Họ và tên" under "Người đại diện").
            sub = recognise_header(lower[index])
            if sub is not None:
                fieldname = fieldname if sub == "rep_name" and fieldname in ("head_name", "rep_name") else sub
        if fieldname is None:
            unsure.append(f"Không nhận ra cột «{header}»")
            mapping[index] = IGNORE
            continue
        if fieldname and fieldname in used:
            unsure.append(f"Cột «{header}» và cột «{headers[used[fieldname]]}» cùng là "
                          f"«{IMPORT_FIELD_LABELS[fieldname]}»")
            mapping[index] = IGNORE
            continue
        if fieldname:
            used[fieldname] = index
        mapping[index] = fieldname
    if "tax_code" not in used and "enterprise_code" in used and group in (1, 2):
        # An enterprise's or cooperative's registration code is its tax code.
        mapping[used["enterprise_code"]] = "tax_code"
        used["tax_code"] = used.pop("enterprise_code")
    if "name" not in used:
        unsure.insert(0, "Không tìm thấy cột tên tổ chức")
    if group in (1, 2, 3) and "tax_code" not in used:
        unsure.insert(0, "Không tìm thấy cột mã số thuế")
    return mapping, unsure
