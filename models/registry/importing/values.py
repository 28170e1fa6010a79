"""Turning one spreadsheet cell into a canonical field value, an error, or warnings.

Each converter returns ``(value, error, warnings)``; ``value`` is None for a blank cell (a blank never
erases a known value). Messages are Vietnamese and say what is wrong with the value.
"""

from __future__ import annotations

import datetime as dt
import re

from models.core.errors import UserError
from models.registry.divisions import Conversion, OldWardIndex, convert
from models.registry.importing.fastnorm import clean, fold
from models.text.identifiers import (
    PROVINCE_ID_PREFIXES,
    check_email,
    check_phone,
    check_representative_id,
    check_tax_code,
)
from models.text.vn_format import date_text
from models.text.vn_parse import excel_serial_date, parse_date

Converted = tuple[object, str | None, list[str] | None]
_TAX10_RE = re.compile(r"\d{10}")
_TAX13_RE = re.compile(r"(\d{10})\s*-?\s*(\d{3})")
_SERIAL_RE = re.compile(r"\d{4,5}(\.0+)?")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]*\.[^@\s]*")


def cell_text(raw: object) -> str:
    """A cell as text: numbers without a trailing '.0', dates as dd/mm/yyyy."""
    if raw is None or raw == "":
        return ""
    if isinstance(raw, str):
        return clean(raw)
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.date):  # datetimes too
        return date_text(raw)
    return clean(str(raw))


def text_value(raw: object) -> Converted:
    text = cell_text(raw)
    return (text or None), None, None


def _check_digit_ok(d: str) -> bool:
    """The MST check digit (weights 31, 29, 23, 19, 17, 13, 7, 5, 3), written out: it runs per row."""
    if d[2:9] == "0000000":
        return False
    o = 48  # ord("0")
    total = (31 * (ord(d[0]) - o) + 29 * (ord(d[1]) - o) + 23 * (ord(d[2]) - o) + 19 * (ord(d[3]) - o)
             + 17 * (ord(d[4]) - o) + 13 * (ord(d[5]) - o) + 7 * (ord(d[6]) - o) + 5 * (ord(d[7]) - o)
             + 3 * (ord(d[8]) - o))
    return ord(d[9]) - o == 10 - total % 11


def tax_code_value(raw: object) -> Converted:
    """``identifiers.check_tax_code`` with a fast path for the usual well-formed codes.

    A code that lost its leading zero (a number cell, or a CSV saved from one) is repaired with a warning
    (counted in the import's warnings): the repaired code must still pass the check digit, so the repair
    cannot invent a code. Twelve digits starting with 0 (a personal ID number) and 11-digit numbers (the
    same that lost its zero) never become a dependent unit's code: ``check_tax_code`` refuses them.
    """
    restored = False
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if isinstance(raw, float) and not raw.is_integer():
            text = None
        else:
            text = str(int(raw))
            if len(text) in (9, 12):
                text = "0" + text
                restored = True
    else:
        text = raw.strip() if isinstance(raw, str) else None
        if text == "":
            return None, None, None
        if text is not None and len(text) in (9, 12) and text.isdigit() and text.isascii():
            if len(text) == 12 and text[0] == "0":
                text = None  # a personal ID number: check_tax_code says so
            else:
                text = "0" + text
                restored = True
    warnings = [RESTORED_ZERO] if restored else None
    if text is not None:
        if len(text) == 10 and _TAX10_RE.fullmatch(text):
            if _check_digit_ok(text):
                return text, None, warnings
        else:
            match = _TAX13_RE.fullmatch(text)
            if match and match.group(2) != "000" and _check_digit_ok(match.group(1)):
                return f"{match.group(1)}-{match.group(2)}", None, warnings
    checked = check_tax_code(raw)
    if checked.error:
        return None, checked.error, None
    return checked.value, None, (checked.warnings or None)


RESTORED_ZERO = "Mã số thuế mất số 0 ở đầu, đã tự thêm lại"


def personal_id_value(raw: object) -> Converted:
    """The representative's paper: a personal ID number (digit 4 and birth year checked as warnings), or
    an old 9-digit ID card / a passport number kept with a warning (the organization is still imported)."""
    if isinstance(raw, str) and len(raw) == 12 and raw.isdigit() and raw.isascii() and raw[:3] in PROVINCE_ID_PREFIXES \
            and raw[3] in "01":
        return raw, None, None
    checked = check_representative_id(raw)
    return checked.value, checked.error, (checked.warnings or None)


def phone_value(raw: object) -> Converted:
    if isinstance(raw, str) and len(raw) == 10 and raw.isdigit() and raw.isascii() and raw[0] == "0" \
            and raw[1] in "35789":
        return raw, None, None
    checked = check_phone(raw)
    return checked.value, checked.error, (checked.warnings or None)


def email_value(raw: object) -> Converted:
    if isinstance(raw, str) and raw.isascii() and _EMAIL_RE.fullmatch(raw):
        return raw.lower(), None, None
    checked = check_email(raw)
    return checked.value, checked.error, None


def make_date_value(today: dt.date):
    """A converter for dates: Excel dates/serials, dd/mm/yyyy (and -, .), yyyy-mm-dd, "ngày … tháng … năm"."""

    def date_value(raw: object) -> Converted:
        if raw is None or raw == "":
            return None, None, None
        day = None
        if isinstance(raw, dt.datetime):
            day = raw.date()
        elif isinstance(raw, dt.date):
            day = raw
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            if 1800 <= raw <= 2100 and float(raw).is_integer():
                return None, None, [f"Chỉ có năm «{int(raw)}», không rõ ngày tháng: bỏ qua"]
            try:
                day = excel_serial_date(raw)
            except UserError:
                return None, f"Ngày «{cell_text(raw)}» không hợp lệ", None
        else:
            text = clean(raw)
            if not text:
                return None, None, None
            if _SERIAL_RE.fullmatch(text):  # an Excel date saved to CSV without its format
                return date_value(float(text))
            try:
                day = parse_date(text, loose=True)
            except UserError as exc:
                if re.fullmatch(r"\d{4}", text):
                    return None, None, [f"Chỉ có năm «{text}», không rõ ngày tháng: bỏ qua"]
                return None, str(exc), None
        if day.year < 1900:
            return None, f"Ngày «{date_text(day)}» quá xa trong quá khứ", None
        if day > today:
            return day.isoformat(), None, [f"Ngày «{date_text(day)}» ở sau ngày hôm nay"]
        return day.isoformat(), None, None

    return date_value


# Operating status: the words officers and the source lists use → status code (first match wins).
_STATUS_RULES = [
    ("dissolving", ("dang lam thu tuc giai the", "dang giai the", "dang thu tuc giai the", "dang lam thu tuc cham dut")),
    ("suspended", ("tam ngung", "tam ngung kinh doanh", "tam dung", "tam nghi")),
    ("dissolved", ("da giai the", "giai the", "cham dut", "ngung hoat dong", "da dong cua", "thu hoi",
                   "dissolved")),
    ("unknown", ("khong hoat dong tai dia chi", "chua ro", "khong ro", "chua xac dinh", "unknown")),
    ("active", ("dang hoat dong", "hoat dong", "con hoat dong", "binh thuong", "active")),
]
_STATUS_CODES = {"active", "suspended", "dissolving", "dissolved", "unknown"}


def cached(convert):
    """Memoise a converter over the cell value: a list repeats a handful of statuses and communes."""
    cache: dict = {}

    def convert_cached(raw: object) -> Converted:
        key = (type(raw), raw)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = convert(raw)
        return hit

    return convert_cached


def status_value(raw: object) -> Converted:
    folded = fold(cell_text(raw))
    if not folded:
        return None, None, None
    if folded in _STATUS_CODES:
        return folded, None, None
    padded = f" {folded} "
    for code, phrases in _STATUS_RULES:
        if any(f" {p} " in padded for p in phrases):
            return code, None, None
    return "unknown", None, [f"Tình trạng «{cell_text(raw)}» không nhận ra: ghi là «Chưa rõ»"]


class AreaMatcher:
    """Finds an area code from a commune code, a commune name, or the tail of an address."""

    _PREFIXES = ("xa ", "phuong ", "thi tran ", "dac khu ", "tt ", "p ", "x ")

    def __init__(self, areas: list[dict]):
        self.codes = {a["code"] for a in areas}
        self.names = {a["code"]: a["name"] for a in areas}  # for messages: the name the officer knows
        # Names of before 1 July 2025 (models/registry/divisions.py): the provinces of the areas, the index
        # built only when a name is not a current one; what was converted, by the cell's text.
        self.provinces = {a["province_code"] for a in areas if a.get("province_code")}
        self._old_index: OldWardIndex | None = None
        self.conversions: dict[str, Conversion] = {}
        self.by_name: dict[str, str | None] = {}
        self.by_bare: dict[str, str | None] = {}
        for area in areas:
            folded = area.get("name_fold") or fold(area["name"])
            self._add(self.by_name, folded, area["code"])
            self._add(self.by_bare, self._bare(folded), area["code"])

    @staticmethod
    def _add(index: dict, key: str, code: str) -> None:
        if key in index and index[key] != code:
            index[key] = None  # ambiguous name: two areas share it
        else:
            index[key] = code

    def _bare(self, folded: str) -> str:
        for prefix in self._PREFIXES:
            if folded.startswith(prefix):
                return folded[len(prefix):]
        return folded

    @property
    def empty(self) -> bool:
        return not self.codes

    def by_code(self, raw: object) -> Converted:
        text = cell_text(raw)
        if not text:
            return None, None, None
        code = text.zfill(5) if text.isdigit() and len(text) < 5 else text
        if code in self.codes:
            return code, None, None
        return None, None, [f"Mã xã/phường «{text}» không có trong danh mục địa bàn"]

    def by_area_name(self, raw: object) -> Converted:
        text = cell_text(raw)
        if not text:
            return None, None, None
        if text.isdigit():
            return self.by_code(text)
        folded = fold(text)
        code = self.by_name.get(folded)
        if code is None:
            code = self.by_bare.get(self._bare(folded))
        if code:
            return code, None, None
        if self.empty:
            return None, None, None
        converted = self.old_name(text)
        if converted is not None:
            return converted
        return None, None, [f"Xã/phường «{text}» không có trong danh mục địa bàn của đơn vị"]

    def old_name(self, text: str) -> Converted | None:
        """A commune of before 1 July 2025 ("Xã Vĩnh Châu", "xã Vĩnh Châu, TP Châu Đốc", an address) →
        the current commune by the official conversion, with a warning that says so; a split commune →
        the first candidate the unit covers, recorded for the officer's choice (``conversions``)."""
        if not self.provinces:
            return None
        if self._old_index is None:
            self._old_index = OldWardIndex(self.provinces)
        conversion = convert(self._old_index, text, self.codes)
        if conversion is None:
            return None
        if not conversion.candidates:
            return None, None, [f"«{text}» là địa bàn cũ ({conversion.old_label}) nhưng xã, phường mới của nó "
                                "không có trong danh mục địa bàn: để trống xã/phường"]
        self.conversions[text] = conversion
        first = self.names.get(conversion.candidates[0], conversion.candidates[0])
        if conversion.needs_choice:
            others = ", ".join(f"«{self.names.get(c, c)}»" for c in conversion.candidates)
            return conversion.candidates[0], None, [
                f"«{text}» là địa bàn cũ ({conversion.old_label}) đã chia cho {others} từ 1/7/2025: tạm ghi "
                f"«{first}», cán bộ chọn lại ở «Địa bàn cũ cần chọn»"]
        return conversion.candidates[0], None, [
            f"«{text}» là địa bàn cũ ({conversion.old_label}): từ 1/7/2025 thuộc «{first}» "
            "(bảng chuyển đổi chính thức)"]

    def from_address(self, address: str) -> str | None:
        if self.empty or not address:
            return None
        for part in reversed(address.split(",")[-3:]):
            folded = fold(part)
            if folded:
                code = self.by_name.get(folded) or self.by_bare.get(self._bare(folded))
                if code:
                    return code
        return None

    def old_address(self, address: str) -> Converted | None:
        """``from_address`` for an address written with the old commune and district."""
        if self.empty or not address:
            return None
        return self.old_name(address)
