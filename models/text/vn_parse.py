"""How the app reads numbers and dates that Vietnamese officers type or lists carry: the one parser.

- ``parse_date``: ISO "2025-01-09", dd/mm/yyyy with / - or . and stray spaces ("5/3/2010", "05 - 03 - 2010",
  "05.03.10": a 2-digit year is 20xx below 50, else 19xx), "ngày 05 tháng 03 năm 2010", a date or datetime,
  an Excel serial number; a time after the date is allowed (and dropped). ``loose=True`` is for the
  province's lists: the date may be followed by other text ("05/03/2010 (cấp lại)"), the words form may
  stand inside a sentence. ``iso_only=True`` is for the command line (YYYY-MM-DD, unambiguous in scripts).
- ``parse_datetime``: the same dates with a time "09:30[:00]" after (or before) them, ISO "2025-01-09T09:30:00".
- ``parse_number``: "12.345" → 12345, "12,5" → 12.5, "1.234,5" → 1234.5 ('.' between thousands, decimal comma).
- ``excel_serial_date``/``excel_serial_datetime``: Excel's day numbers (1900 date system).

Each raises ``UserError`` (Vietnamese, quoting the value) for what it cannot read; callers that name the
field catch it and say which. None and blank text read as None.

Imports nothing of the project but ``models.core.errors`` (a leaf) and ``models.text``, so every layer can use it.
"""

from __future__ import annotations

import datetime as dt
import re

from models.core.errors import UserError
from models.text.normalize import clean, fold

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 of Excel's 1900 date system (its phantom 29/02/1900 included)
EXCEL_SERIAL_END = 2958466  # serial of 01/01/10000: the first day Excel cannot show

_SEP = r"\s*[/\-.]\s*"
# The lists' grammar, matched at the start of the text (``loose``): the date may be followed by anything.
_YMD_RE = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})")
_DMY_RE = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{2,4}})")
_WORDS_RE = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
# Typed values (strict): the whole text is a date, with an optional time after it (or before it).
_TIME = r"(?P<{0}h>\d{{1,2}}):(?P<{0}m>\d{{1,2}})(?::(?P<{0}s>\d{{1,2}}))?"
_STRICT_RE = re.compile(
    rf"(?:{_TIME.format('a')}\s+)?"
    rf"(?:(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<d>\d{{1,2}})"
    rf"|(?P<dd>\d{{1,2}}){_SEP}(?P<mm>\d{{1,2}}){_SEP}(?P<yy>\d{{2,4}}))"
    rf"(?:(?:\s*T\s*|\s+){_TIME.format('b')})?"
)
_GROUPED = {".": re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+"), ",": re.compile(r"[1-9]\d{0,2}(?:,\d{3})+")}
_NUMBER_RE = re.compile(r"([+-]?)([\d.,]+)")


def _date_message(text: str, *, iso: bool = False) -> str:
    """Wrong shape, or the right shape naming a day the calendar lacks (31/02/2025: "không tồn tại");
    ``iso``: only yyyy-mm-dd is the right shape (the command line)."""
    if (_YMD_RE.fullmatch(text) is not None) if iso else _has_date_shape(text):
        return f"Ngày «{text}» không tồn tại (kiểm tra lại ngày và tháng)"
    return f"Ngày «{text}» không hợp lệ (cần dạng ngày/tháng/năm, ví dụ 05/03/2010)"


def _has_date_shape(text: str) -> bool:
    """Written as a date (dd/mm/yyyy, yyyy-mm-dd, "ngày … tháng … năm …") with a plausible year, whether
    or not that day exists."""
    dmy = _DMY_RE.fullmatch(text)
    if dmy is not None and len(dmy.group(3)) == 3:
        return False  # a 3-digit year is a typo, not a day the calendar lacks
    match = _YMD_RE.fullmatch(text) or dmy or _WORDS_RE.search(fold(text))
    if match is None:
        match = _STRICT_RE.fullmatch(text)
        return bool(match) and not _moment_exists(text)
    return True


def _moment_exists(text: str) -> bool:
    try:
        return _strict_moment(text) is not None
    except Exception:
        return False


def _year(text: str) -> int:
    """A day-first date's year: 2 digits → 20xx below 50, else 19xx; 3 digits are a typo."""
    year = int(text)
    if year < 100:
        return year + (2000 if year < 50 else 1900)
    if year < 1000:
        raise ValueError(text)
    return year


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---- Excel serials ---------------------------------------------------------------------------------
def excel_serial_datetime(serial: float) -> dt.datetime:
    """45667.395833 → 2025-01-09 09:30:00 (to the second)."""
    if not _is_number(serial) or not 1 <= serial < EXCEL_SERIAL_END:
        raise UserError(f"Ngày «{serial}» không hợp lệ (số ngày kiểu Excel ngoài khoảng)")
    start = dt.datetime(EXCEL_EPOCH.year, EXCEL_EPOCH.month, EXCEL_EPOCH.day)
    return start + dt.timedelta(seconds=round(serial * 86400))


def excel_serial_date(serial: float) -> dt.date:
    """40242 → 2010-03-05; the fraction (time of day) is dropped."""
    if not _is_number(serial) or not 1 <= serial < EXCEL_SERIAL_END:
        raise UserError(f"Ngày «{serial}» không hợp lệ (số ngày kiểu Excel ngoài khoảng)")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


# ---- dates and times -------------------------------------------------------------------------------
def _loose_date(text: str) -> dt.date | None:
    try:
        match = _YMD_RE.match(text)
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _DMY_RE.match(text)
        if match:
            return dt.date(_year(match.group(3)), int(match.group(2)), int(match.group(1)))
        match = _WORDS_RE.search(fold(text))
        if match:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    return None


def _strict_moment(text: str) -> tuple[dt.date, dt.time | None] | None:
    """(date, time or None) when the whole text is a date with an optional time; None otherwise."""
    try:
        match = _STRICT_RE.fullmatch(text)
        if match:
            if match["y"]:
                day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            else:
                day = dt.date(_year(match["yy"]), int(match["mm"]), int(match["dd"]))
            for p in ("a", "b"):
                if match[f"{p}h"]:
                    return day, dt.time(int(match[f"{p}h"]), int(match[f"{p}m"]), int(match[f"{p}s"] or 0))
            return day, None
        match = _WORDS_RE.fullmatch(fold(text))
        if match:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1))), None
    except ValueError:
        return None
    return None


def parse_date(value, *, loose: bool = False, iso_only: bool = False) -> dt.date | None:
    """A date from what an officer typed or a list carries (see the module's notes); None for None/blank."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if _is_number(value):
        return excel_serial_date(value)
    text = clean(value)
    if not text:
        return None
    if iso_only:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise UserError(_date_message(text, iso=True)) from None
    if loose:
        day = _loose_date(text)
    else:
        moment = _strict_moment(text)
        day = moment[0] if moment else None
    if day is None:
        raise UserError(_date_message(text))
    return day


def parse_datetime(value) -> dt.datetime | None:
    """ISO text, dd/mm/yyyy [hh:mm[:ss]], hh:mm dd/mm/yyyy, an Excel serial, a date or a datetime →
    datetime (seconds); a date alone is midnight. None for None/""; blank text is not a time."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if _is_number(value):
        return excel_serial_datetime(value)
    text = clean(value)
    moment = _strict_moment(text)
    if moment is None:
        if _has_date_shape(text):
            raise UserError(f"Thời điểm «{text}» không tồn tại (kiểm tra lại ngày, tháng, giờ)")
        raise UserError(f"Thời điểm «{text}» không đúng dạng ngày/tháng/năm giờ:phút")
    day, time = moment
    return dt.datetime.combine(day, time or dt.time(0, 0))


def date_iso_or_text(value) -> str | None:
    """A declared date (form TK02): ISO text when it reads as a date, else the text as typed (verification
    then reports it); None for None/blank."""
    try:
        day = parse_date(value)
    except UserError:
        return clean(value)
    return day.isoformat() if day else None


# ---- numbers ---------------------------------------------------------------------------------------
def parse_number(value, *, integer: bool = False) -> int | float | None:
    """A number as Vietnamese write it: "12.345" → 12345, "12,5" → 12.5, "1.234,5" → 1234.5, "1 500" → 1500.

    A single '.' followed by three digits ("1.500") groups thousands; otherwise it is a decimal point
    ("12.5", "0.125"). A single ',' is the decimal comma, except in a whole number where "1,234" is read
    as thousands (spreadsheets in English). ``integer``: the number must be whole (int returned);
    otherwise a trailing '%' is allowed ("12,5%"). None for None/blank."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise UserError(f"«{value}» không phải là số")
    if isinstance(value, (int, float)):
        number = value
    else:
        raw = clean(value)
        text = raw.replace(" ", "")
        if not integer and text.endswith("%"):
            text = text[:-1]
        if not text:
            return None
        match = _NUMBER_RE.fullmatch(text)
        if not match:
            raise UserError(f"«{raw}» không phải là số")
        sign, body = match.groups()
        number = _number_body(body, integer)
        if number is None:
            raise UserError(f"«{raw}» không phải là số")
        if sign == "-":
            number = -number
    if integer:
        if isinstance(number, float) and not number.is_integer():
            raise UserError(f"«{value}» không phải là số nguyên")
        return int(number)
    return number


def _number_body(body: str, integer: bool) -> int | float | None:
    """Digits with '.'/',' → the number, or None when the separators make no sense ("1.2.3", "1,,2")."""
    dots, commas = body.count("."), body.count(",")
    if not dots and not commas:
        return int(body)
    if dots and commas:
        decimal = "." if body.rfind(".") > body.rfind(",") else ","
        grouping = "," if decimal == "." else "."
        whole, _, fraction = body.rpartition(decimal)
        if decimal in whole or not fraction.isdigit() or not _GROUPED[grouping].fullmatch(whole):
            return None
        return float(whole.replace(grouping, "") + "." + fraction)
    sep = "." if dots else ","
    grouped = _GROUPED[sep].fullmatch(body)
    if dots + commas > 1 or grouped and (sep == "." or integer):
        return int(body.replace(sep, "")) if grouped else None
    whole, _, fraction = body.partition(sep)
    if not whole.isdigit() or not fraction.isdigit():
        return None
    return float(f"{whole}.{fraction}")
