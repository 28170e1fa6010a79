"""Data for the dossier screen tests: a unit with areas, organizations from the four groups with messy
Vietnamese names (Faker vi_VN, seeded) and real tax codes, officers of each role."""

from __future__ import annotations

import random
from pathlib import Path

from faker import Faker

from models.core.store import Actor, Store
from models.registry import organizations as orgs
from models.registry import units as units_mod
from models.text.identifiers import check_tax_code

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
AREAS = [("30901", "Xã Vĩnh Hòa Hưng Bắc"), ("30902", "Phường Rạch Giá"), ("30903", "Xã Mong Thọ Ơn"),
         ("30904", "Xã Giục Tượng")]
OUTSIDE_AREA = ("30999", "Phường Đông Hồ")


def real_tax_codes() -> list[str]:
    codes = []
    for line in (FIXTURES / "real_tax_codes.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            value = check_tax_code(line.strip()).value
            if value and len(value) == 10 and value not in codes:
                codes.append(value)
    return codes


def make_unit(store: Store) -> int:
    unit_id = units_mod.save_unit(store, {"code": "CAH-CT", "name": "Công an huyện Châu Thành",
                                          "parent_name": "Công an tỉnh Kiên Giang", "place_name": "Kiên Giang"})
    units_mod.set_unit_areas(store, unit_id, [{"code": c, "name": n} for c, n in AREAS])
    units_mod.upsert_areas(store, [{"code": OUTSIDE_AREA[0], "name": OUTSIDE_AREA[1]}])
    return unit_id


def make_organizations(store: Store, n: int = 40, seed: int = 7) -> list[dict]:
    """``n`` organizations of groups 1–3 with real tax codes, reps with ID numbers, in the unit's areas."""
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    codes = real_tax_codes()
    made = []
    for i in range(n):
        grp = rnd.choice([1, 1, 1, 2, 3])
        prefix = {1: rnd.choice(["Công ty TNHH", "CÔNG TY CỔ PHẦN", "Cty TNHH MTV"]), 2: "Hợp tác xã",
                  3: "Trung tâm"}[grp]
        record = {
            "grp": grp,
            "name": f"{prefix} {fake.last_name()} {fake.first_name()} {rnd.choice(['Ước', 'Đức', 'Thịnh', 'Phát'])}",
            "tax_code": codes[i],
            "established_on": f"20{rnd.randint(0, 23):02d}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
            "address": f"Số {rnd.randint(1, 300)} đường {fake.street_name()}, {AREAS[i % len(AREAS)][1]}",
            "area_code": AREAS[i % len(AREAS)][0],
            "rep_name": fake.name(),
            "rep_id_number": f"091{rnd.randint(0, 3)}{rnd.randint(0, 99):02d}{rnd.randint(0, 999999):06d}",
            "rep_phone": f"09{rnd.randint(10000000, 99999999)}",
            "rep_email": f"lienhe{i}@example.vn",
        }
        source = orgs.DEFAULT_SOURCE_FOR_GROUP[grp]
        org_id = orgs.create(store, record, source=source)
        made.append(orgs.load(store, org_id))
    return made


def add_officer(store: Store, username: str, full_name: str, role: str) -> Actor:
    cur = store.execute(
        "INSERT INTO officers(username, full_name, role, active, created_at) VALUES (?,?,?,1,?)",
        (username, full_name, role, store.now_iso()))
    return Actor(id=cur.lastrowid, username=username, full_name=full_name, role=role)


def store_as(store: Store, actor: Actor) -> Store:
    """A second connection to the same file acting as ``actor`` (same clock and change bus)."""
    return Store(store.path, actor=actor, clock=store.clock, bus=store.bus, migrate=False)
