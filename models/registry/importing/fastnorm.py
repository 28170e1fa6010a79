"""Table-driven equivalents of ``textnorm.clean``/``fold`` and ``organizations.name_key``/``search_text``.

The reference functions cost 5-40 µs per call (Python-level loops over characters); an import of
100,000 rows calls them a million times. These versions do the same work with C-level
``str.translate``/``unicodedata.normalize`` and give identical results
(``tests/test_registry_import_fastnorm.py`` compares them on generated Vietnamese text).
"""

from __future__ import annotations

import re
import unicodedata

from models.registry import organizations
from models.text import normalize as textnorm

_NON_WORD_RE = re.compile(r"[^0-9a-z]+")
# After NFD, Vietnamese text is ASCII plus combining marks; anything else takes the reference path.
_UNUSUAL_RE = re.compile(r"[^\x00-\x7f\u0300-\u036f]")
_BYTE_WORDS = bytes(b if (48 <= b <= 57 or 97 <= b <= 122) else 32 for b in range(256))


def clean(value: object) -> str:
    """Same as ``textnorm.clean``."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return " ".join(text.split())
    text = unicodedata.normalize("NFC", text)
    if "\ufeff" in text or "\u200b" in text:
        text = text.replace("\ufeff", "").replace("\u200b", "")
    return " ".join(text.split())


def fold(value: object) -> str:
    """Same as ``textnorm.fold``."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = text.replace("đ", "d").replace("Đ", "d")
        if "ð" in text or "Ð" in text:
            text = text.replace("ð", "d").replace("Ð", "d")
        text = unicodedata.normalize("NFD", text.lower())
        if _UNUSUAL_RE.search(text):
            return textnorm.fold(value)
        data = text.encode("ascii", "ignore")  # drops exactly the combining marks
    else:
        data = text.lower().encode("ascii")
    return " ".join(data.translate(_BYTE_WORDS).decode("ascii").split())


def _abbreviation_steps() -> list[tuple[str, str]]:
    """``organizations._ABBREVIATIONS`` as (" words ", " replacement ") pairs.

    A folded name is words of [0-9a-z] separated by single spaces, so ``\\bcty\\b`` matches exactly
    where " cty " occurs in the name padded with spaces.
    """
    steps = []
    for pattern, replacement in organizations._ABBREVIATIONS:
        literal = pattern.replace(r"\b", "")
        if not re.fullmatch(r"[0-9a-z]+( [0-9a-z]+)*", literal) or f" {literal} " in f" {replacement} ":
            raise ValueError(f"abbreviation pattern {pattern!r} is not a plain word sequence")
        steps.append((f" {literal} ", f" {replacement} "))
    return steps


_STEPS = _abbreviation_steps()


def name_key_from_folded(key: str) -> str:
    """``organizations.name_key`` given the already folded name."""
    padded = f" {key} "
    for literal, replacement in _STEPS:
        while literal in padded:  # str.replace skips a match that shares its leading space: repeat
            padded = padded.replace(literal, replacement)
    return " ".join(padded.split())


def name_key(name: object) -> str:
    """Same as ``organizations.name_key``."""
    return name_key_from_folded(fold(name))


_SEARCH_FIELDS = ("name", "short_name", "foreign_name", "tax_code", "enterprise_code", "rep_name", "head_name",
                  "address")


def search_text(record: dict) -> str:
    """Same as ``organizations.search_text`` for a record whose values are already ``clean``."""
    return fold(" ".join(v for v in (record.get(k) for k in _SEARCH_FIELDS) if v))


# ---- whole-batch versions: one C-level pass over all values joined by "\n" ----------------------------
_BYTE_WORDS_NL = bytes(b if (48 <= b <= 57 or 97 <= b <= 122 or b == 10) else 32 for b in range(256))


def fold_many(values: list[str]) -> list[str]:
    """``[fold(v) for v in values]`` for strings, in a few C-level passes over the joined batch.

    ``fold`` maps "\\n" to a space, so a value holding one would shift the pieces: such a batch takes the
    per-value path. Values with characters outside Vietnamese (after NFD) take the reference ``fold``.
    """
    if not values:
        return []
    blob = "\n".join(values)
    if blob.count("\n") != len(values) - 1:
        return [fold(v) for v in values]
    if blob.isascii():
        data = blob.lower().encode("ascii")
    else:
        text = blob.replace("đ", "d").replace("Đ", "d")
        if "ð" in text or "Ð" in text:
            text = text.replace("ð", "d").replace("Ð", "d")
        text = unicodedata.normalize("NFD", text.lower())
        if _UNUSUAL_RE.search(text):
            return [textnorm.fold(original) if _UNUSUAL_RE.search(piece)
                    else " ".join(piece.encode("ascii", "ignore").translate(_BYTE_WORDS).decode("ascii").split())
                    for original, piece in zip(values, text.split("\n"), strict=True)]
        data = text.encode("ascii", "ignore")  # drops exactly the combining marks
    return [" ".join(piece.split()) for piece in data.translate(_BYTE_WORDS_NL).decode("ascii").split("\n")]


def name_keys_from_folded(keys: list[str]) -> list[str]:
    """``[name_key_from_folded(k) for k in keys]``: the abbreviation steps run once over the joined batch.

    Folded keys hold only [0-9a-z ], so a step (" cty " → " cong ty ") never spans two keys padded with
    spaces and joined by "\\n", and each key ends up exactly as ``name_key_from_folded`` leaves it.
    """
    if not keys:
        return []
    blob = "\n".join(f" {k} " for k in keys)
    for literal, replacement in _STEPS:
        while literal in blob:
            blob = blob.replace(literal, replacement)
    return [" ".join(piece.split()) for piece in blob.split("\n")]


def search_texts(records: list[dict], folded_names: list[str] | None = None) -> list[str]:
    """``[search_text(r) for r in records]`` (values already ``clean``); ``folded_names``: ``fold_many`` of
    the names when the caller has it. fold(a + " " + b) is fold(a) and fold(b) joined by a space."""
    if folded_names is None:
        folded_names = fold_many([r.get("name") or "" for r in records])
    rest_fields = _SEARCH_FIELDS[1:]
    rests = fold_many([" ".join(v for v in (r.get(k) for k in rest_fields) if v) for r in records])
    return [f"{n} {r}" if n and r else (n or r) for n, r in zip(folded_names, rests, strict=True)]
