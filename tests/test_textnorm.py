"""Folding for search and matching: case, diacritics, đ/Đ, NFD input, spaces."""

from __future__ import annotations

import unicodedata

import pytest

from models.registry.organizations import name_key
from models.text.normalize import clean, fold


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Nguyễn Đức", "nguyen duc"),
        ("NGUYỄN  ĐỨC", "nguyen duc"),
        ("đường Đồng Khởi", "duong dong khoi"),
        (unicodedata.normalize("NFD", "Hợp tác xã Ơ Ư"), "hop tac xa o u"),
        ("Công ty TNHH Một Thành Viên", "cong ty tnhh mot thanh vien"),
        ("  Số 12, Trần Phú; P.5 ", "so 12 tran phu p 5"),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_clean_normalises_to_nfc_and_collapses_spaces():
    nfd = unicodedata.normalize("NFD", "Trường  THCS\u00a0Lê Lợi ")
    assert clean(nfd) == "Trường THCS Lê Lợi"
    assert unicodedata.is_normalized("NFC", clean(nfd))


@pytest.mark.parametrize(
    "a, b",
    [
        ("Công ty TNHH Thương mại Hoà Bình", "CTY TNHH TM HÒA BÌNH"),
        ("Hợp tác xã Nông nghiệp Tân Hiệp", "HTX nông nghiệp Tân Hiệp"),
        ("Công ty Cổ phần Xây dựng Kiên Giang", "CTCP XD Kiên Giang"),
    ],
)
def test_legal_form_abbreviations_match(a, b):
    assert name_key(a) == name_key(b)
