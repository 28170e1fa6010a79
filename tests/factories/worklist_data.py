"""A unit with area officers, residents over villages (messy addresses, unknown birth dates, children),
an agency with staff and enterprises with chosen dates — for the named worklists' tests and benchmark."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from faker import Faker

from models.core.store import SYSTEM_ACTOR
from models.people import area_officers
from models.security import auth
from models.text.normalize import fold
from tests.factories.reports import make_unit

PASSWORDS = {"quantri": "matkhau-quantri", "chihuy": "matkhau-chihuy", "cskv1": "matkhau-cskv1",
             "cskv2": "matkhau-cskv2"}
VILLAGES = ["Thôn Đông", "Thôn Tây", "Khu phố 2", "Khu phố 10", "Tổ dân phố 3"]


def seed(store, n_people: int = 300, seed: int = 7) -> dict:
    """Returns {"areas", "officers": {username: id}, "agency_id", "people"}."""
    rng = random.Random(seed)
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    areas = make_unit(store, 3)
    store.actor = auth.create_first_admin(store, "quantri", "Nguyễn Văn Quản", PASSWORDS["quantri"])
    ids = {"chihuy": auth.create_officer(store, "chihuy", "Trần Minh Chiến", "leader", PASSWORDS["chihuy"]),
           "cskv1": auth.create_officer(store, "cskv1", "Lê Văn Khu", "intake", PASSWORDS["cskv1"]),
           "cskv2": auth.create_officer(store, "cskv2", "Phạm Thị Vực", "intake", PASSWORDS["cskv2"])}
    now = store.now_iso()
    rows = []
    with store.atomic():
        for i in range(n_people):
            born = None if i % 23 == 0 else dt.date(1945, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 78))
            given = fake.first_name_male() if i % 2 else fake.first_name_female()
            name = f"{fake.last_name()} {fake.middle_name()} {given}"
            area = areas[i % 3]
            village = VILLAGES[rng.randrange(len(VILLAGES))]
            act = rng.random()
            level = 2 if act < 0.2 else (1 if act < 0.45 else 0)
            activated = "2025-01-05" if act < 0.1 or 0.2 <= act < 0.35 else None
            id_number = None if i % 31 == 0 else f"091{rng.randint(0, 999999999):09d}"
            address = f"Số {rng.randint(1, 120)} {rng.choice(['đường', 'hẻm', 'ngõ'])} {fake.street_name()}" \
                if i % 11 else None
            rows.append((str(uuid.uuid4()), id_number, name, fold(name), born.isoformat() if born else None,
                         "0" + f"{rng.randint(300000000, 999999999)}", area, village, address, level,
                         "2025-01-03" if level == 2 else None, activated, now, now))
        store.conn.executemany(
            "INSERT OR IGNORE INTO persons(uuid, id_number, full_name, name_key, birth_date, phone, area_code, village,"
            " address, account_level, level2_issued_on, activated_on, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        agency_id = store.execute(
            "INSERT INTO agencies(uuid, name, name_key, head_name, liaison_name, liaison_phone, area_code,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (str(uuid.uuid4()), "Trường THCS Nguyễn Du", fold("Trường THCS Nguyễn Du"), "Võ Thị Hiệu",
             "Đỗ Văn Liên", "0912345678", areas[0], now, now)).lastrowid
        staff = store.query("SELECT id FROM persons ORDER BY id LIMIT 40")
        for n, r in enumerate(staff):
            store.execute("INSERT INTO agency_staff(agency_id, person_id, position, preferred_on, created_at,"
                          " updated_at) VALUES (?,?,?,?,?,?)",
                          (agency_id, r["id"], "Giáo viên" if n % 4 else "Tổ trưởng", "2025-01-15", now, now))
        for n in range(6):
            rep = rows[n * 7][1]
            org = store.execute(
                "INSERT INTO organizations(uuid, grp, name, tax_code, area_code, rep_name, rep_id_number, first_seen,"
                " last_seen, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (str(uuid.uuid4()), 3, f"Công ty TNHH {fake.last_name()} {n}", f"03{n:08d}", areas[n % 3],
                 rows[n * 7][2], rep, now, now, now, now)).lastrowid
            store.execute("INSERT INTO enterprise_schedules(org_id, representative, staff_count, scheduled_on,"
                          " scheduled_time, created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
                          (org, rows[n * 7][2], 10 + n, f"2025-01-0{n + 2}", "8h30", now, now))
    for village in VILLAGES[:3]:
        area_officers.assign(store, ids["cskv1"], areas[0], village)
    area_officers.assign(store, ids["cskv2"], areas[1], VILLAGES[0])
    store.actor = SYSTEM_ACTOR
    return {"areas": areas, "officers": ids, "agency_id": agency_id}
