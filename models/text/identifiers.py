"""Vietnamese identifiers: tax code (MST), personal ID number (CCCD), phone number.

Each ``check_*`` returns a ``Checked`` with the canonical value (or None), an error (Vietnamese,
blocking) or warnings (Vietnamese, informative). Spreadsheet quirks are repaired here: a tax code
stored as a number loses its leading zero (100233488 → 0100233488), a 13-digit code may come with or
without its hyphen, a phone may start with +84.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from stdnum.vn import mst as _mst

from models.text.normalize import clean, digits_only

# Old-rule province-of-registration prefixes of personal ID numbers (001..096, odd gaps are real).
PROVINCE_ID_PREFIXES = {
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022",
    "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042",
    "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066",
    "067", "068", "070", "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087",
    "089", "091", "092", "093", "094", "095", "096",
}

# Digit 4 of a personal ID number: century of birth (even: male, odd: female).
CENTURY_BY_DIGIT = {"0": 1900, "1": 1900, "2": 2000, "3": 2000}

MOBILE_PREFIXES = ("03", "05", "07", "08", "09")


@dataclass
class Checked:
    value: str | None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def _number_to_text(raw: object) -> str:
    """Spreadsheet numbers come back as floats (100233488.0); render them without the '.0'."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    return clean(raw)


def check_tax_code(raw: object) -> Checked:
    """Validate and canonicalise a tax code: ``0100233488`` or ``0312687878-001``.

    A code stored as a number loses its leading zero: 9 digits get it back, and so do 12 digits that do
    not start with 0 (a dependent unit's 13-digit code). Twelve digits starting with 0 are a personal ID
    number (the tax code of an individual or a household business since 1 July 2025), never a dependent
    unit's code: refused with a message saying so, as are 11 digits from a number cell (the same number
    that lost its zero).
    """
    text = _number_to_text(raw)
    if not text:
        return Checked(None)
    digits = digits_only(text)
    warnings: list[str] = []
    plain = not any(ch.isalpha() for ch in text) and "-" not in text.strip("-")
    if plain and len(digits) == 12 and digits.startswith("0"):
        return Checked(None, f"«{text}» có 12 chữ số, giống số định danh cá nhân (mã số thuế của cá nhân, hộ "
                             "kinh doanh), không phải mã số thuế của tổ chức (10 hoặc 13 chữ số)")
    if plain and len(digits) == 11 and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Checked(None, f"«{text}» giống số định danh cá nhân bị mất số 0 ở đầu (12 chữ số), không phải "
                             "mã số thuế của tổ chức")
    if len(digits) in (9, 12) and not any(ch.isalpha() for ch in text):
        # A leading zero eaten by a spreadsheet ("100233488" for "0100233488").
        digits = "0" + digits
        warnings.append("Mã số thuế mất số 0 ở đầu, đã tự thêm lại")
    if len(digits) not in (10, 13) or any(ch.isalpha() for ch in text):
        return Checked(None, f"Mã số thuế «{text}» phải có 10 hoặc 13 chữ số")
    canonical = digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"
    if not _mst.is_valid(canonical):
        if len(digits) == 13 and digits[10:] == "000":
            return Checked(None, f"Mã số thuế «{text}»: đuôi 000 không hợp lệ")
        return Checked(None, f"Mã số thuế «{text}» sai chữ số kiểm tra")
    return Checked(canonical, None, warnings)


def check_personal_id(raw: object, *, today: dt.date | None = None) -> Checked:
    """12 digits; what the old numbering rules say is checked as warnings, never a rejection: the
    province prefix (digits 1–3), the century and sex code (digit 4: 0/1 the 1900s, 2/3 the 2000s; 4–9
    would be born after 2099) and the birth year (digits 5–6, not after this year)."""
    text = _number_to_text(raw)
    if not text:
        return Checked(None)
    digits = digits_only(text)
    if len(digits) == 11 and not any(ch.isalpha() for ch in text):
        digits = "0" + digits
    if len(digits) != 12 or any(ch.isalpha() for ch in text):
        return Checked(None, f"Số định danh cá nhân «{text}» phải có đúng 12 chữ số")
    return Checked(digits, None, personal_id_warnings(digits, today=today))


def personal_id_warnings(digits: str, *, today: dt.date | None = None) -> list[str]:
    """The old numbering rules a 12-digit number breaks (Vietnamese warnings)."""
    warnings = []
    masked = mask_personal_id(digits)
    if digits[:3] not in PROVINCE_ID_PREFIXES:
        warnings.append(f"Số định danh {masked}: mã tỉnh «{digits[:3]}» không có trong danh mục")
    century = CENTURY_BY_DIGIT.get(digits[3])
    if century is None:
        warnings.append(f"Số định danh {masked}: chữ số thứ 4 «{digits[3]}» (thế kỷ và giới tính) chỉ có thể "
                        "là 0–3 với người sinh từ 1900 đến 2099")
    else:
        year = century + int(digits[4:6])
        this_year = (today or dt.date.today()).year
        if year > this_year:
            warnings.append(f"Số định danh {masked}: năm sinh {year} (chữ số 4–6) ở tương lai")
    return warnings


# Representatives' papers other than a personal ID number (kept, with a warning, on import).
OLD_ID_CARD_RE = re.compile(r"\d{9}")
PASSPORT_RE = re.compile(r"[A-Z]{1,2}\d{6,8}|[A-Z0-9]{6,9}")


def check_representative_id(raw: object, *, today: dt.date | None = None) -> Checked:
    """The representative's paper number as lists carry it: a 12-digit personal ID number (checked as
    ``check_personal_id``), an old 9-digit ID card number ("CMND") or a foreign representative's
    passport number, both kept with a warning (the organization is still imported)."""
    text = _number_to_text(raw)
    if not text:
        return Checked(None)
    compact = re.sub(r"[\s.\-]", "", text).upper()
    if OLD_ID_CARD_RE.fullmatch(compact):
        return Checked(compact, None, [f"«{text}» là số chứng minh nhân dân cũ (9 chữ số): giữ nguyên, "
                                       "nên bổ sung số định danh cá nhân 12 chữ số"])
    if (any(ch.isalpha() for ch in compact) and PASSPORT_RE.fullmatch(compact)
            and sum(ch.isdigit() for ch in compact) >= 5):
        return Checked(compact, None, [f"«{text}» giống số hộ chiếu (người đại diện là người nước ngoài): "
                                       "giữ nguyên"])
    return check_personal_id(raw, today=today)


def check_phone(raw: object) -> Checked:
    """Vietnamese numbers: 10 digits starting with 0, or +84 followed by 9 digits."""
    text = _number_to_text(raw)
    if not text:
        return Checked(None)
    digits = digits_only(text)
    if text.strip().startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    elif len(digits) == 9 and not text.strip().startswith("0"):
        digits = "0" + digits  # lost leading zero
    if len(digits) != 10 or not digits.startswith("0"):
        return Checked(None, f"Số điện thoại «{text}» phải có 10 chữ số, bắt đầu bằng 0")
    warnings = []
    if not digits.startswith(MOBILE_PREFIXES) and not digits.startswith("02"):
        warnings.append(f"Số điện thoại «{text}» có đầu số lạ")
    return Checked(digits, None, warnings)


def check_email(raw: object) -> Checked:
    text = clean(raw)
    if not text:
        return Checked(None)
    text = text.lower()
    local, _, domain = text.partition("@")
    if not local or "." not in domain or " " in text:
        return Checked(None, f"Thư điện tử «{text}» không hợp lệ")
    return Checked(text)


def mask_personal_id(value: str | None) -> str:
    """``091******123`` — first three and last three digits visible."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 6) + value[-3:]


# Names under which a personal ID number is recorded (a field, or a key of a JSON value or detail).
PERSONAL_ID_KEYS = frozenset({"rep_id_number", "id_number", "personal_id"})


def mask_personal_ids(value, field: str | None = None):
    """``value`` (a plain value, a dict/list, or JSON text) with every personal ID number masked: the value
    of a field named in ``PERSONAL_ID_KEYS``, and such keys at any depth of a dict, list or JSON text.
    What the audit log stores (``Store.audit``): the full number is never written there."""
    if value is None:
        return None
    if field in PERSONAL_ID_KEYS and isinstance(value, str) and "*" not in value:
        return mask_personal_id(value)
    if isinstance(value, dict):
        return {k: mask_personal_ids(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_personal_ids(v) for v in value]
    if isinstance(value, str) and value[:1] in "{[" and any(k in value for k in PERSONAL_ID_KEYS):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return json.dumps(mask_personal_ids(decoded), ensure_ascii=False, default=str, sort_keys=True)
    return value
