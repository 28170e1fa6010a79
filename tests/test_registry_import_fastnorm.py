"""The fast normalisers used by the bulk import give exactly the reference results."""

from __future__ import annotations

import random
import unicodedata

from faker import Faker

from models.registry import organizations
from models.registry.importing import fastnorm
from models.text import normalize as textnorm

ODD = ["", " ", "ĐĐ đ ð Ð", "Cty  TNHH\u00a0MTV  1 thành viên", "cp cp cty cty", "HTX dv tm sx xd", "ubnd xã",
       "Ａｂｃ full width", "Straße ß", "Ǆemal ǅ", "İstanbul", "中文 名字", "emoji 😀 tên", "tab\tnew\nline",
       "a\u200bb\ufeffc", "A.B-C/D_E", "ầầầ ỹ Ỹ", "\u0301combining start", "café", "ﬁ ligature", "Ωmega ω",
       "Kelvin \u212a", "ǅ", "Ḁ ḁ", "Công ty CP", "CTCP Đầu tư", "DNTN", "Công ty TNHH một thành viên"]


def _samples(n=3000):
    fake = Faker("vi_VN")
    fake.seed_instance(11)
    rng = random.Random(11)
    out = list(ODD)
    for _ in range(n):
        text = rng.choice([fake.name(), fake.company(), fake.address(), fake.street_name()])
        if rng.random() < 0.3:
            text = unicodedata.normalize("NFD", text)
        if rng.random() < 0.3:
            text = text.upper()
        if rng.random() < 0.2:
            text = "  " + text.replace(" ", "   ") + " \u00a0"
        out.append(text)
    return out


def test_fold_and_clean_match_textnorm():
    for text in _samples():
        assert fastnorm.fold(text) == textnorm.fold(text), text
        assert fastnorm.clean(text) == textnorm.clean(text), text


def test_name_key_matches_organizations():
    for text in _samples():
        assert fastnorm.name_key(text) == organizations.name_key(text), text


def test_search_text_matches_organizations():
    fake = Faker("vi_VN")
    fake.seed_instance(5)
    for _ in range(500):
        record = {"name": textnorm.clean(fake.company()), "tax_code": "0100233488",
                  "rep_name": textnorm.clean(fake.name()), "address": textnorm.clean(fake.address()),
                  "short_name": None, "head_name": ""}
        assert fastnorm.search_text(record) == organizations.search_text(record)


def test_batch_versions_match_one_by_one():
    samples = _samples(1500)
    clean_samples = [textnorm.clean(s) for s in samples]
    # the raw samples hold "\n" (per-value path); cleaned ones don't (one pass over the batch)
    for batch in (samples, clean_samples, [s for s in clean_samples if s.isascii()],
                  [s for s in clean_samples if fastnorm.fold(s) == textnorm.fold(s) and "中" not in s], []):
        assert fastnorm.fold_many(batch) == [textnorm.fold(s) for s in batch]
        folded = fastnorm.fold_many(batch)
        assert fastnorm.name_keys_from_folded(folded) == [organizations.name_key(s) for s in batch]
    fake = Faker("vi_VN")
    fake.seed_instance(8)
    records = [{"name": textnorm.clean(fake.company()), "tax_code": "0100233488" if n % 2 else None,
                "rep_name": textnorm.clean(fake.name()), "address": textnorm.clean(fake.address()) if n % 3 else "",
                "short_name": "中文" if n == 7 else None, "head_name": ""} for n in range(400)]
    records.append({"name": "!!!", "address": "Số 1"})
    records.append({"name": "!!!"})
    assert fastnorm.search_texts(records) == [organizations.search_text(r) for r in records]
