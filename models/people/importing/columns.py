"""Finding the header of a people list and recognising its columns (Vietnamese headers, folded).

The layouts the lists really come in: a letterhead and a title above the header, a two-row header whose
upper cells are merged ("Người đăng ký" over "Họ và tên | Số CCCD"), a row of column numbers "(1) (2)…"
under it. One rule table serves the four kinds; a field a kind does not take is ignored, and a few
fields are renamed per kind (an enterprise list's "Ngày đăng ký" is its chosen date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.registry.importing.fastnorm import clean, fold

KINDS = {
    "residents": "Danh sách dân cư",
    "staff": "Danh sách cán bộ, nhân viên của cơ quan, đơn vị",
    "schedule": "Lịch đăng ký của doanh nghiệp",
    "activations": "Danh sách tài khoản đã cấp, kích hoạt",
}

FIELD_LABELS = {
    "id_number": "Số định danh cá nhân", "full_name": "Họ và tên", "birth_date": "Ngày sinh", "sex": "Giới tính",
    "phone": "Số điện thoại", "area_code": "Mã xã/phường", "area_name": "Xã/phường",
    "village": "Thôn/khu phố/tổ dân phố", "address": "Địa chỉ", "residence": "Cư trú",
    "position": "Chức vụ", "preferred_on": "Ngày đăng ký", "agency": "Cơ quan, đơn vị",
    "org_name": "Tên doanh nghiệp", "tax_code": "Mã số thuế", "representative": "Người đại diện",
    "staff_count": "Số lao động", "scheduled_on": "Ngày đăng ký", "scheduled_time": "Giờ", "notes": "Ghi chú",
    "level": "Mức độ tài khoản", "issued_on": "Ngày cấp", "activated_on": "Ngày kích hoạt", "date": "Ngày",
    "status": "Trạng thái",
}

KIND_FIELDS = {
    "residents": {"id_number", "full_name", "birth_date", "sex", "phone", "area_code", "area_name", "village",
                  "address", "residence"},
    "staff": {"id_number", "full_name", "birth_date", "sex", "phone", "position", "preferred_on", "agency",
              "area_code", "area_name", "village", "address"},
    "schedule": {"org_name", "tax_code", "representative", "phone", "staff_count", "scheduled_on",
                 "scheduled_time", "notes"},
    "activations": {"id_number", "full_name", "birth_date", "level", "issued_on", "activated_on", "date", "status"},
}
# Per kind, a recognised field taken as another one.
KIND_ALIASES = {
    "schedule": {"preferred_on": "scheduled_on", "date": "scheduled_on", "agency": "org_name",
                 "full_name": "representative"},
    "staff": {"date": "preferred_on"},
}
REQUIRED = {"residents": ("full_name",), "staff": ("full_name",), "schedule": ("org_name", "tax_code"),
            "activations": ("id_number",)}

_RULES: list[tuple[str, tuple[tuple[str, ...], ...]]] = [
    ("", (("stt",), ("so tt",), ("so thu tu",), ("tt",))),
    ("notes", (("ghi chu",),)),
    ("activated_on", (("ngay kich hoat",), ("kich hoat ngay",), ("thoi gian kich hoat",))),
    ("issued_on", (("ngay cap",), ("ngay duyet",), ("thoi gian cap",))),
    ("preferred_on", (("ngay dang ky",), ("ngay du kien",), ("thoi gian dang ky",), ("ngay hen",),
                      ("thoi gian du kien",), ("ngay lam",))),
    ("birth_date", (("ngay sinh",), ("ngay thang nam sinh",), ("nam sinh",), ("sinh ngay",))),
    ("id_number", (("cccd",), ("cmnd",), ("dinh danh",), ("can cuoc",), ("so ddcn",), ("so cc",))),
    ("tax_code", (("ma so thue",), ("mst",), ("ma so doanh nghiep",), ("ma dn",))),
    ("phone", (("dien thoai",), ("sdt",), ("so dt",), ("dt",), ("di dong",))),
    ("sex", (("gioi tinh",), ("nam nu",), ("gioi",))),
    ("level", (("muc do",), ("muc tai khoan",), ("muc",), ("cap do",), ("level",))),
    ("status", (("trang thai",), ("tinh trang",))),
    ("position", (("chuc vu",), ("chuc danh",))),
    ("staff_count", (("so luong",), ("so lao dong",), ("so nguoi",), ("so can bo",), ("so cong nhan",),
                     ("tong so",))),
    ("scheduled_time", (("gio",), ("thoi gian",), ("buoi",))),
    ("address", (("dia chi",), ("noi o",), ("noi thuong tru",), ("noi cu tru",), ("cho o",))),
    ("residence", (("cu tru",), ("thuong tru",), ("tam tru",))),
    ("area_code", (("ma xa",), ("ma phuong",), ("ma dvhc",), ("ma dia ban",))),
    ("representative", (("nguoi dai dien",), ("dai dien",), ("nguoi dung dau",), ("giam doc",),
                        ("thu truong",), ("lanh dao",))),
    ("org_name", (("ten doanh nghiep",), ("doanh nghiep",), ("ten to chuc",), ("ten cong ty",))),
    ("agency", (("co quan",), ("don vi",))),
    ("village", (("thon",), ("khu pho",), ("to dan pho",), ("ap",), ("khom",), ("xom",), ("to",), ("ban",))),
    ("full_name", (("ho va ten",), ("ho ten",), ("ten",), ("cong dan",))),
    ("area_name", (("xa phuong",), ("phuong xa",), ("xa",), ("phuong",), ("thi tran",), ("dia ban",))),
    ("date", (("ngay",), ("thoi diem",))),
]
_RULE_RES = [(name, [re.compile(r"\b" + r"\b.*\b".join(map(re.escape, alt)) + r"\b") for alt in alts])
             for name, alts in _RULES]


def recognise(text: object, kind: str) -> str | None:
    """The field of ``kind`` a header cell names ("" = ignore), or None when nothing is recognised."""
    folded = fold(text)
    if not folded:
        return None
    for name, patterns in _RULE_RES:
        if any(p.search(folded) for p in patterns):
            name = KIND_ALIASES.get(kind, {}).get(name, name)
            return name if name in KIND_FIELDS[kind] else ""
    return None


@dataclass
class HeaderGuess:
    header_rows: list[int]  # 0-based
    headers: list[str]  # one text per column
    mapping: dict[int, str]  # column → field ("" ignored)
    first_data_row: int  # 0-based
    unsure: list[str] = field(default_factory=list)


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return clean(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _looks_like_data(text: str) -> bool:
    return sum(ch.isdigit() for ch in text) >= 6


def _texts(rows: list[list], index: int, width: int) -> list[str]:
    row = rows[index] if index < len(rows) else []
    return [_text(row[c]) if c < len(row) else "" for c in range(width)]


def _found(texts: list[str], kind: str) -> set[str]:
    out = set()
    for text in texts:
        if text and len(text) <= 80 and not _looks_like_data(text):
            name = recognise(text, kind)
            if name:
                out.add(name)
    return out


def _is_column_numbers(texts: list[str]) -> bool:
    values = [t for t in texts if t]
    return len(values) >= 2 and all(re.fullmatch(r"\(?\d{1,2}\)?|\(?[a-zA-Z]\)?", v) for v in values)


def _is_sub_header(upper: list[str], lower: list[str], kind: str) -> bool:
    """The row under ``upper`` is a second header row: every text in it is a known header and at least
    one sits under a blank (merged) upper cell."""
    filled = [i for i, t in enumerate(lower) if t]
    if not filled or _is_column_numbers(lower):
        return False
    if any(_looks_like_data(lower[i]) or recognise(lower[i], kind) is None for i in filled):
        return False
    return any(not upper[i] for i in filled)


def detect_header(rows: list[list], kind: str, *, scan: int = 30) -> HeaderGuess | None:
    """The header (one or two rows, upper cells possibly merged) in the first ``scan`` rows, or None."""
    width = max((len(r) for r in rows[: scan + 2]), default=0)
    best, best_found = None, set()
    for index in range(min(scan, len(rows))):
        upper = _texts(rows, index, width)
        found = _found(upper, kind)
        lower = _texts(rows, index + 1, width)
        if _is_sub_header(upper, lower, kind):
            found |= _found(lower, kind)  # a two-row header: the lower cells name the fields
        if len(found) >= 2 and any(r in found for r in REQUIRED[kind]) and len(found) > len(best_found):
            best, best_found = index, found
    if best is None:
        return None
    upper = _texts(rows, best, width)
    lower = _texts(rows, best + 1, width)
    header_rows = [best]
    headers = list(upper)
    if _is_sub_header(upper, lower, kind):
        header_rows.append(best + 1)
        current = ""
        for i in range(width):  # spread a merged group title over the cells under it
            if upper[i]:
                current = upper[i]
            elif lower[i] and current:
                upper[i] = current
            else:
                current = ""
        headers = [" ".join(p for p in (u, lo) if p) for u, lo in zip(upper, lower, strict=True)]
    first = header_rows[-1] + 1
    if first < len(rows) and _is_column_numbers(_texts(rows, first, width)):
        first += 1
    mapping: dict[int, str] = {}
    unsure: list[str] = []
    used: dict[str, int] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        name = None
        if len(header_rows) == 2 and lower[index]:
            name = recognise(lower[index], kind)  # the lower cell is the precise one
        if name is None:
            name = recognise(header, kind)
        if name is None:
            unsure.append(f"Không nhận ra cột «{header}»")
            name = ""
        if name and name in used:
            unsure.append(f"Cột «{header}» và cột «{headers[used[name]]}» cùng là «{FIELD_LABELS[name]}»: "
                          "chỉ lấy cột đầu")
            name = ""
        if name:
            used[name] = index
        mapping[index] = name
    return HeaderGuess(header_rows, headers, mapping, first, unsure)
