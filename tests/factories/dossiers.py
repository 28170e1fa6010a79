"""Test data for dossiers: a unit with its areas (and a ward outside them), officers of each role,
organizations of the four groups with real-looking (valid) tax codes and messy Vietnamese names.
"""

from __future__ import annotations

import random

from faker import Faker

from models.core.store import Actor
from models.registry import organizations as orgs
from models.text.normalize import fold

AREAS = [("30742", "Phường Vĩnh Thanh Vân"), ("30760", "Phường Rạch Giá"), ("30769", "Phường Vĩnh Lạc"),
         ("30781", "Xã Châu Thành"), ("31000", "Xã Ơn Lợi (ngoài địa bàn)")]
UNIT_AREAS = ("30742", "30760", "30769", "30781")
OUTSIDE_AREA = "31000"
VALID_TAX_CODES = ["0100233488", "0312687878", "0314409058", "0101245486", "0100109106", "0301482443",
                   "1771284820", "1797597786"]
def valid_tax_codes(n: int, prefix: str = "17") -> list[str]:
    """``n`` distinct valid 10-digit tax codes (check digit computed by python-stdnum's rule)."""
    from models.text.identifiers import check_tax_code

    out, seq = [], 1
    while len(out) < n:
        body = f"{prefix}{seq % 10_000_000:07d}"
        for last in "0123456789":
            if check_tax_code(body + last).ok and body + last not in out:
                out.append(body + last)
                break
        seq += 7919
    return out


def setup_unit(store) -> int:
    now = store.now_iso()
    with store.atomic():
        store.execute(
            "INSERT INTO units(code, name, parent_name, province_code, place_name, created_at) "
            "VALUES ('AG-RG', 'Tổ tiếp nhận Rạch Giá', 'Công an tỉnh An Giang', '91', 'An Giang', ?)", (now,))
        unit_id = store.scalar("SELECT id FROM units WHERE code = 'AG-RG'")
        for code, name in AREAS:
            store.execute("INSERT INTO areas(code, name, unit_id, name_fold) VALUES (?,?,?,?)",
                          (code, name, unit_id if code in UNIT_AREAS else None, fold(name)))
    store.set_setting("unit_id", unit_id, audit=False)
    return unit_id


def add_officers(store) -> dict[str, Actor]:
    now = store.now_iso()
    out = {"system": store.actor}
    for username, name, role in (("canbo1", "Lê Thị Hồng Nhung", "intake"), ("canbo2", "Phạm Quốc Đạt", "intake"),
                                 ("chihuy", "Trần Minh Chiến", "leader"), ("quantri", "Nguyễn Văn Quản", "admin")):
        cur = store.execute("INSERT INTO officers(username, full_name, role, active, created_at) VALUES (?,?,?,1,?)",
                            (username, name, role, now))
        out[username] = Actor(cur.lastrowid, username, name, role)
    return out


def make_org(store, *, grp: int = 1, tax: str | None = "0100233488", name: str = "Công ty TNHH Thương mại Sao Mai",
             area: str | None = "30760", status: str = "active", source: str | None = "dkkd",
             rep_name: str = "Nguyễn Văn Ánh", rep_id: str = "091085000123") -> int:
    record = {"grp": grp, "name": name, "tax_code": tax, "area_code": area, "status": status,
              "rep_name": rep_name, "rep_id_number": rep_id, "address": "12 Trần Phú", "rep_phone": "0912345678"}
    org_id = orgs.create(store, record, source=source or "hoso")
    return org_id


def declared_from(store, org_id: int, **overrides) -> dict:
    from models.dossiers.records import prefill

    d = {k: v for k, v in prefill(store, org_id).items() if v is not None}
    d.update(overrides)
    return d


def messy_orgs(store, n: int, seed: int = 7) -> list[int]:
    """Organizations with Faker names, random groups/areas; returns ids."""
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    codes = valid_tax_codes(n)
    ids = []
    for i in range(n):
        grp = rng.choice((1, 1, 1, 2, 3, 4))
        name = rng.choice(("Công ty TNHH ", "CTY TNHH ", "Hợp tác xã ", "Công ty Cổ phần ")) + fake.last_name() + " " \
            + fake.first_name()
        ids.append(make_org(store, grp=grp, tax=codes[i] if grp != 4 else None, name=name,
                            area=rng.choice(UNIT_AREAS), rep_name=fake.name(),
                            rep_id=f"0{rng.randint(10, 96)}{rng.randint(0, 3)}{rng.randint(0, 99):02d}"
                                   f"{rng.randint(0, 999999):06d}",
                            source={1: "dkkd", 2: "htx", 3: "thue", 4: "dtcb"}[grp]))
    return ids
