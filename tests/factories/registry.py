"""Registry test data: a unit with real An Giang wards and messy Vietnamese organizations."""

from __future__ import annotations

import random
import unicodedata

from faker import Faker

from demo.registry import make_tax_code
from models.registry import organizations, units

AREA_CODES = ("30742", "30760", "30769")


def setup_unit(store) -> list[str]:
    wards = {w.code: w for w in units.official_wards("91")}
    unit_id = units.save_unit(store, {"name": "Công an phường Rạch Giá", "parent_name": "Công an tỉnh An Giang",
                                      "province_code": "91"})
    units.set_unit_areas(store, unit_id, [wards[c] for c in AREA_CODES])
    return list(AREA_CODES)


def tax_codes(seed: int, count: int, prefix: str = "17") -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        code = make_tax_code(prefix, rng.randint(1, 9_999_999))
        if code and code not in out:
            out.append(code)
    return out


def make_orgs(store, count: int, seed: int = 1) -> list[int]:
    """``count`` organizations of mixed groups; some names in NFD, odd case and spacing."""
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    codes = iter(tax_codes(seed, count))
    ids = []
    for i in range(count):
        grp = (1, 1, 2, 3, 4)[i % 5]
        name = {1: "Công ty TNHH", 2: "Hợp tác xã nông nghiệp", 3: "Trường THCS", 4: "Chùa"}[grp]
        name = f"{name} {fake.last_name()} {rng.choice(['Phát', 'Hưng', 'Đạt', 'Lộc', 'Thịnh'])} {i}"
        if i % 7 == 0:
            name = unicodedata.normalize("NFD", name)
        if i % 11 == 0:
            name = "  " + name.upper() + " "
        record = {"grp": grp, "name": name, "area_code": AREA_CODES[i % 3],
                  "address": f"Số {i + 1} đường {fake.street_name()}, An Giang",
                  "rep_name": f"{fake.last_name()} Văn {rng.choice(['An', 'Bình', 'Cường'])}",
                  "rep_id_number": f"091{rng.randint(0, 1)}{rng.randint(60, 99)}{rng.randint(0, 999999):06d}",
                  "status": "active" if i % 10 else "suspended"}
        if grp != 4:
            record["tax_code"] = next(codes)
        ids.append(organizations.create(store, record, source=organizations.DEFAULT_SOURCE_FOR_GROUP[grp]))
    return ids
