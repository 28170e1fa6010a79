"""Normalising Vietnamese text for storage, matching and search.

- ``clean`` : NFC, collapse white space, strip (what we store).
- ``fold``  : lower case, no diacritics, đ→d, punctuation to spaces (what we search and compare on).
  "Nguyễn Đức" and "NGUYEN  DUC" fold to the same "nguyen duc".
"""

from __future__ import annotations

import re
import unicodedata

_SPACE_RE = re.compile(r"\s+", re.UNICODE)
_NON_WORD_RE = re.compile(r"[^0-9a-z]+")
_D_TABLE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def clean(value: object) -> str:
    """NFC-normalised text with single spaces, or "" for None/blank."""
    if value is None:
        return ""
    text = str(value)
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\ufeff", "")
    text = text.replace("\u200b", "")
    return _SPACE_RE.sub(" ", text).strip()


def strip_marks(text: str) -> str:
    """Remove combining marks (tones, breve, circumflex, horn) and map đ to d; keeps case."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_TABLE_KEEP_CASE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_D_TABLE_KEEP_CASE = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def fold(value: object) -> str:
    """Search key: lower case ASCII words separated by single spaces."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFD", str(value).translate(_D_TABLE).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD_RE.sub(" ", text).strip()


def fold_words(value: object) -> list[str]:
    folded = fold(value)
    return folded.split() if folded else []


def digits_only(value: object) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())
