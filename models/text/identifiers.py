"""Vietnamese identifiers: tax code (MST), personal ID number (CCCD), phone number.

Each ``check_*`` returns a ``Checked`` with the canonical value (or None), an error (Vietnamese,
blocking) or warnings (Vietnamese, informative). Spreadsheet quirks are repaired here: a tax code
stored as a number loses its leading zero (100233488 → 0100233488), a 13-digit code may come with or
without its hyphen, a phone may start with +84.
"""

from __future__ import annotations

import json
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
    """Validate and canonicalise a tax code: ``0100233488`` or ``0312687878-001``."""
    text = _number_to_text(raw)
    if not text:
        return Checked(None)
    digits = digits_only(text)
    warnings: list[str] = []
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


def check_personal_id(raw: object) -> Checked:
    """12 digits; a province prefix outside the old list is a warning, never a rejection."""
    text = _number_to_text(raw)
    if not text:
        return Checked(None)
    digits = digits_only(text)
    if len(digits) == 11 and not any(ch.isalpha() for ch in text):
        digits = "0" + digits
    if len(digits) != 12 or any(ch.isalpha() for ch in text):
        return Checked(None, f"Số định danh cá nhân «{text}» phải có đúng 12 chữ số")
    warnings = []
    if digits[:3] not in PROVINCE_ID_PREFIXES:
        warnings.append(f"Số định danh {mask_personal_id(digits)}: mã tỉnh «{digits[:3]}» không có trong danh mục")
    if digits[3] not in "0123456789":
        warnings.append("Số định danh: chữ số giới tính/thế kỷ bất thường")
    return Checked(digits, None, warnings)


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
