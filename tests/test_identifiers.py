"""Tax codes, personal ID numbers, phones, e-mail: validation, canonical forms, spreadsheet repairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.text.identifiers import check_email, check_personal_id, check_phone, check_tax_code, mask_personal_id

REAL_TAX_CODES = [
    line.strip()
    for line in (Path(__file__).parent / "fixtures" / "real_tax_codes.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def test_fixture_has_the_real_numbers():
    assert len(REAL_TAX_CODES) >= 150


@pytest.mark.parametrize("raw", REAL_TAX_CODES)
def test_real_tax_codes_are_valid_and_canonical(raw):
    checked = check_tax_code(raw)
    assert checked.ok, checked.error
    digits = "".join(ch for ch in raw if ch.isdigit())
    expected = digits if len(digits) == 10 else f"{digits[:10]}-{digits[10:]}"
    assert checked.value == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        (100233488, "0100233488"),  # number that lost its leading zero
        (100233488.0, "0100233488"),  # the same read back as a float
        ("100233488", "0100233488"),
        ("0312687878001", "0312687878-001"),  # 13 digits without the hyphen
        ("0312687878-001", "0312687878-001"),
        (" 0100233488 ", "0100233488"),
        ("0100.233.488", "0100233488"),
    ],
)
def test_tax_code_repairs(raw, expected):
    assert check_tax_code(raw).value == expected


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("0100233480", "kiểm tra"),  # wrong check digit
        ("12345", "10 hoặc 13"),
        ("VV34567890", "10 hoặc 13"),
        ("0314409058-000", "000"),
        ("0100000008", "kiểm tra"),
    ],
)
def test_invalid_tax_codes_are_rejected_in_vietnamese(raw, fragment):
    checked = check_tax_code(raw)
    assert not checked.ok and fragment in checked.error


def test_blank_tax_code_is_not_an_error():
    assert check_tax_code(None).value is None and check_tax_code("  ").ok


@pytest.mark.parametrize(
    "raw, value, warns",
    [
        ("091203004123", "091203004123", False),
        (91203004123, "091203004123", False),  # lost leading zero
        ("999203004123", "999203004123", True),  # unknown province prefix: warning only
    ],
)
def test_personal_id(raw, value, warns):
    checked = check_personal_id(raw)
    assert checked.ok and checked.value == value and bool(checked.warnings) == warns


@pytest.mark.parametrize("raw", ["12345", "09120300412A", "0912030041234"])
def test_personal_id_rejects_wrong_length_or_letters(raw):
    assert not check_personal_id(raw).ok


@pytest.mark.parametrize(
    "raw, value",
    [("0912345678", "0912345678"), ("+84 912 345 678", "0912345678"), ("912345678", "0912345678"),
     ("0912.345.678", "0912345678"), ("84912345678", "0912345678")],
)
def test_phone(raw, value):
    assert check_phone(raw).value == value


@pytest.mark.parametrize("raw", ["12345", "091234567890", "abc"])
def test_phone_rejects(raw):
    assert not check_phone(raw).ok


def test_email_and_masking():
    assert check_email(" Ke.Toan@Cty.VN ").value == "ke.toan@cty.vn"
    assert not check_email("khong-co-a-cong").ok
    assert mask_personal_id("091203004123") == "091******123"
    assert mask_personal_id("") == ""
