"""Test data for the weekly report: a unit with areas, organizations, dossiers and a campaign.

Messy on purpose: Vietnamese names with every tone and Ơ/Ư, dossiers without an area, an organization
with two dossiers (counts once), cancelled dossiers (never count), issue dates with a time part.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from faker import Faker

from models.campaigns.plans import add_phase, create_campaign
from models.campaigns.targets import create_target

AREA_WORDS = ["Vĩnh Hòa Hiệp", "Minh Lương", "Thạnh Lộc", "Mong Thọ", "Bình An", "Giục Tượng", "Phước Ưu",
              "Ngọc Chúc", "Tân Hội", "Hưng Yên", "Đông Thạnh", "Ơn Lợi", "Thới Quản", "Mỹ Lâm"]


def make_unit(store, n_areas: int = 20) -> list[str]:
    now = store.now_iso()
    with store.atomic():
        store.execute(
            "INSERT INTO units(id, code, name, short_name, parent_name, province_code, province_name, place_name,"
            " created_at) VALUES (1, 'CAH-CT', 'Công an huyện Châu Thành', 'CAH', 'Công an tỉnh Kiên Giang', '91',"
            " 'Kiên Giang', 'Kiên Giang', ?)", (now,))
        codes = []
        for i in range(n_areas):
            code = f"{30900 + i:05d}"
            word = AREA_WORDS[i % len(AREA_WORDS)]
            kind = "Phường" if i % 5 == 0 else "Xã"
            name = f"{kind} {word}" + (f" {i // len(AREA_WORDS) + 1}" if i >= len(AREA_WORDS) else "")
            store.execute("INSERT INTO areas(code, name, division_type, province_code, unit_id) VALUES (?,?,?,?,1)",
                          (code, name, kind, "91"))
            codes.append(code)
    store.set_setting("unit_id", 1)
    return codes


def make_dossiers(store, area_codes: list[str], n: int, start: dt.date, end: dt.date, seed: int = 5) -> None:
    """``n`` dossiers received between start and end, most issued a few days later."""
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    now = store.now_iso()
    span = (end - start).days
    with store.atomic():
        for i in range(n):
            grp = rnd.choices([1, 2, 3, 4], weights=[60, 8, 15, 17])[0]
            area = rnd.choice(area_codes) if rnd.random() > 0.03 else None
            org = store.execute(
                "INSERT INTO organizations(uuid, grp, name, area_code, first_seen, last_seen, created_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?)", (str(uuid.UUID(int=rnd.getrandbits(128))), grp,
                                              fake.company(), area, now, now, now, now)).lastrowid
            received = start + dt.timedelta(days=rnd.randint(0, span))
            issued = received + dt.timedelta(days=rnd.randint(0, 4))
            status = rnd.choices(["issued", "activated", "verifying", "cancelled", "refused"],
                                 weights=[60, 20, 10, 5, 5])[0]
            issued_on = issued.isoformat() if status in ("issued", "activated", "cancelled") else None
            if issued_on and rnd.random() < 0.2:
                issued_on += " 10:15:00"
            _dossier(store, f"HS-{i:05d}", org, grp, area, received, status, issued_on, now)
            if rnd.random() < 0.03:  # a second dossier of the same organization: counts once
                _dossier(store, f"HS-{i:05d}-B", org, grp, area, received, "issued", issued.isoformat(), now)


def _dossier(store, number, org, grp, area, received, status, issued_on, now) -> None:
    store.execute(
        "INSERT INTO dossiers(uuid, number, subject_type, org_id, grp, area_code, channel, received_at,"
        " received_on, officer_id, status, issued_on, created_at, updated_at) VALUES"
        " (?,?,'organization',?,?,?,'counter',?,?,1,?,?,?,?)",
        (str(uuid.uuid5(uuid.NAMESPACE_OID, number)), number, org, grp, area, f"{received} 08:00:00",
         received.isoformat(), status, issued_on, now, now))


def make_campaign(store, area_codes: list[str]) -> int:
    """Seed 001's plan, phase 1, with unit targets per group and an allocation per area."""
    campaign_id = create_campaign(store, {
        "name": "Kế hoạch cao điểm 374/KH-UBND", "plan_number": "374/KH-UBND", "plan_date": "2024-12-25",
        "start_on": "2024-12-30", "end_on": "2025-06-30", "counts": "issued"}, make_current=True)
    phase = add_phase(store, campaign_id, "Giai đoạn 1", "2024-12-30", "2025-01-31")
    targets = {}
    for grp, value in ((1, 300), (2, 20), (3, 60), (4, 40)):
        targets[grp] = create_target(store, phase, {"groups": str(grp), "kind": "absolute", "unit_value": value,
                                                    "value": value, "cumulative": True})
    from models.campaigns.targets import set_allocation

    for i, code in enumerate(area_codes):
        set_allocation(store, targets[1], code, 300 // len(area_codes) + (1 if i < 300 % len(area_codes) else 0))
    return campaign_id
