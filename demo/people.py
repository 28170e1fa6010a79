"""Demo citizens' campaign (issue 15): about 30,000 residents of the unit's communes, 40 agencies with
their staff lists, 30 enterprises' schedules, 25 mobile intake sessions and accounts activated week by
week since the campaign began.

Residents live in villages named the way An Giang names them (wards: "Khu phố …"; communes: "Ấp …"),
with Vietnamese names in Vietnamese order drawn from Faker vi_VN's name lists, ID numbers with the
province prefix 091 (a few born elsewhere), and a population pyramid that leaves about one in six
under 14 (not eligible). Everything comes from ``random.Random(seed)`` and fixed timestamps, so the
same seed gives the same database. Rows are written set-wise (staged in a TEMP table, moved with one
INSERT … SELECT) so the search-index triggers stay cheap: the 30,000 residents take about a second.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from faker.providers.person.vi_VN import Provider as VietnamesePersons

from demo.citizen_campaign import build as build_citizen_campaign
from demo.registry import GIVEN_FEMALE as REGISTRY_GIVEN_FEMALE
from demo.registry import GIVEN_MALE as REGISTRY_GIVEN_MALE
from demo.registry import MIDDLE_FEMALE as REGISTRY_MIDDLE_FEMALE
from demo.registry import MIDDLE_MALE as REGISTRY_MIDDLE_MALE
from models.core.changes import Kind, Table
from models.core.store import Store
from models.registry.importing.fastnorm import fold_many
from models.text.normalize import fold

PROVINCE_PREFIX = "091"
OTHER_PREFIXES = ("001", "079", "089", "092", "094", "096", "086", "038")
VILLAGE_WORDS = ["Phước Hòa", "Vĩnh Lạc", "An Hòa", "Tân Điền", "Bình An", "Mỹ Lộc", "Thạnh Lợi", "Hòa Thuận",
                 "Rạch Sỏi", "Cái Sắn", "Tà Lơn", "Ba Hòn", "Hòn Chông", "Kinh Mới", "Xẻo Rô", "Đông Thành",
                 "Tây Sơn", "Lình Huỳnh", "Vàm Rầy", "Thuận Yên"]
AGENCY_KINDS = [("UBND {area}", "state"), ("Công an {area}", "armed"), ("Trường THCS {word}", "school"),
                ("Trường Tiểu học {word}", "school"), ("Trạm Y tế {area}", "health"),
                ("Đảng ủy {area}", "party"), ("Trường Mầm non {word}", "school"), ("Bưu điện văn hóa {area}", "other")]
POSITIONS = ["Chuyên viên", "Cán bộ", "Phó Chủ tịch", "Kế toán", "Văn thư", "Giáo viên", "Nhân viên",
             "Trưởng phòng", "Phó trưởng phòng", "Y sĩ", "Điều dưỡng", "Bảo vệ"]
START = dt.date(2025, 1, 2)  # the campaign's first day (ten weeks before the demo's today)
LISTED_AT = "2025-01-02 08:00:00"


# Faker vi_VN's name lists, widened with the registry demo's and weighted the way surnames really are
# (about four in ten Vietnamese are Nguyễn, Trần or Lê).
LAST_NAMES = (["Nguyễn"] * 12 + ["Trần"] * 5 + ["Lê"] * 4 + list(VietnamesePersons.last_names)
              + ["Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm",
                 "Châu", "Tạ", "Thái", "Quách", "Lương", "Mai", "Cao", "Danh", "Thạch"])
MIDDLE_MALE = sorted(set(VietnamesePersons.middle_names) | set(REGISTRY_MIDDLE_MALE))
MIDDLE_FEMALE = sorted(set(REGISTRY_MIDDLE_FEMALE) | {"Thị", "Thùy", "Diệu", "Phương"})
GIVEN_MALE = sorted(set(VietnamesePersons.first_names_male) | set(REGISTRY_GIVEN_MALE))
GIVEN_FEMALE = sorted(set(VietnamesePersons.first_names_female) | set(REGISTRY_GIVEN_FEMALE))


def _name(rng: random.Random, male: bool) -> str:
    middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
    first = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    return f"{rng.choice(LAST_NAMES)} {middle} {first}"


def _villages(rng: random.Random, area: dict) -> list[str]:
    count = rng.randint(5, 9)
    if area.get("division_type") == "phường":
        return [f"Khu phố {n}" for n in range(1, count + 1)]
    return [f"Ấp {w}" for w in rng.sample(VILLAGE_WORDS, count)]


def _birth(rng: random.Random, today: dt.date) -> dt.date:
    age = rng.randint(0, 13) if rng.random() < 0.18 else min(int(rng.triangular(14, 95, 30)), 95)
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def build(store: Store, *, count: int = 30000, seed: int = 20241230) -> dict:
    rng = random.Random(seed + 15)
    today = store.today()
    areas = store.query("SELECT code, name, division_type FROM areas WHERE unit_id IS NOT NULL ORDER BY code")
    if not areas or count <= 0:
        return {"persons": 0}
    with store.atomic():
        summary = {"persons": _residents(store, rng, areas, count, today)}
        summary.update(_activations(store, rng, today))
        summary["agencies"], summary["agency_staff"] = _agencies(store, rng, areas, today)
        summary["enterprise_schedules"] = _schedules(store, rng, today)
        summary["intake_sessions"] = _sessions(store, rng, areas, today)
        summary["citizen_campaign"] = build_citizen_campaign(store)   # issue 16: targets on these residents
        for table in (Table.PERSONS, Table.AGENCIES, Table.AGENCY_STAFF, Table.ENTERPRISE_SCHEDULES,
                      Table.INTAKE_SESSIONS, Table.PEOPLE_IMPORTS):
            store.notify(table, Kind.BULK)
    return summary


def _import(store: Store, kind: str, file_name: str, at: str, counts: dict, agency_id: int | None = None) -> int:
    return store.execute(
        "INSERT INTO people_imports(kind, agency_id, file_name, file_sha256, sheet_name, officer_id, started_at, "
        "finished_at, counts) VALUES (?,?,?,?,?,1,?,?,?)",
        (kind, agency_id, file_name, f"demo-{fold(file_name).replace(' ', '-')}", "Sheet1", at, at,
         json.dumps(counts))).lastrowid


def _residents(store: Store, rng: random.Random, areas: list[dict], count: int, today: dt.date) -> int:
    weights = [rng.uniform(0.6, 1.6) for _ in areas]
    per_area = [int(count * w / sum(weights)) for w in weights]
    per_area[0] += count - sum(per_area)
    seen: set[str] = set()
    rows, sources = [], []
    base = store.new_uuid()  # one seeded UUID, then a counter in its last field (as the imports do)
    head, start = base[:24], int(base[24:], 16)
    person_id = (store.scalar("SELECT max(id) FROM persons") or 0)
    for area, n in zip(areas, per_area, strict=True):
        villages = _villages(rng, area)
        file_name = f"Danh sach dan cu {area['name']}.xlsx"
        import_id = _import(store, "residents", file_name, LISTED_AT,
                            {"read": n, "inserted": n, "updated": 0, "unchanged": 0, "duplicates": 0, "rejected": 0,
                             "warnings": 0})
        for row_number in range(8, 8 + n):
            male = rng.random() < 0.49
            born = _birth(rng, today)
            while True:
                prefix = PROVINCE_PREFIX if rng.random() < 0.9 else rng.choice(OTHER_PREFIXES)
                century = (0 if born.year < 2000 else 2) + (0 if male else 1)
                id_number = f"{prefix}{century}{born.year % 100:02d}{rng.randint(0, 999999):06d}"
                if id_number not in seen:
                    break
            seen.add(id_number)
            has_id = born <= today.replace(year=today.year - 14) or rng.random() < 0.5  # chip cards from age 0 since 2024
            name = _name(rng, male)
            phone = f"0{rng.choice('3579')}{rng.randint(0, 99999999):08d}" if rng.random() < 0.7 else None
            person_id += 1
            rows.append((person_id, f"{head}{(start + person_id) & 0xFFFFFFFFFFFF:012x}", id_number if has_id else None,
                         name, None,
                         born.isoformat(), "M" if male else "F", phone, area["code"], rng.choice(villages),
                         "permanent" if rng.random() < 0.9 else "temporary"))
            sources.append((person_id, "residents", file_name, import_id, row_number, LISTED_AT, LISTED_AT))
    keys = fold_many([r[3] for r in rows])
    rows = [(*r[:4], key, *r[5:]) for r, key in zip(rows, keys, strict=True)]
    store.execute("DROP TABLE IF EXISTS temp._demo_people")
    store.execute("CREATE TEMP TABLE _demo_people (id INTEGER PRIMARY KEY, uuid, id_number, full_name, name_key, "
                  "birth_date, sex, phone, area_code, village, residence)")
    store.conn.executemany("INSERT INTO temp._demo_people VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
    store.execute("INSERT INTO persons(id, uuid, id_number, full_name, name_key, birth_date, sex, phone, area_code, "
                  "village, residence, sources, created_at, updated_at) SELECT id, uuid, id_number, full_name, "
                  "name_key, birth_date, sex, phone, area_code, village, residence, 'residents', ?, ? "
                  "FROM temp._demo_people ORDER BY id", (LISTED_AT, LISTED_AT))
    store.execute("DROP TABLE temp._demo_people")
    store.conn.executemany("INSERT INTO person_sources(person_id, kind, file_name, import_id, row_number, first_seen, "
                           "last_seen) VALUES (?,?,?,?,?,?,?)", sources)
    return len(rows)


def _activations(store: Store, rng: random.Random, today: dt.date) -> dict:
    """Accounts before the campaign (about 18%, as Ninh Thuận had) and then week by week, faster as the
    campaign goes on; each week's national list is recorded as an activation import."""
    adult = today.replace(year=today.year - 14).isoformat()
    eligible = [r[0] for r in store.execute(
        "SELECT id FROM persons WHERE id_number IS NOT NULL AND birth_date <= ? ORDER BY id", (adult,))]
    weeks = max(1, (today - START).days // 7)
    updates = []
    per_week = [0] * (weeks + 1)
    for person_id in eligible:
        draw = rng.random()
        if draw < 0.18:
            week = None
            day = START - dt.timedelta(days=rng.randint(10, 400))
        elif draw < 0.62:
            week = min(weeks - 1, int(weeks * rng.random() ** 0.7))
            day = START + dt.timedelta(days=week * 7 + rng.randint(0, 6))
            if day >= today:
                continue
        else:
            continue
        level = 2 if rng.random() < 0.45 else 1
        activated = day + dt.timedelta(days=rng.randint(0, 6)) if level == 2 else day
        activated_on = activated.isoformat() if activated < today and rng.random() < 0.9 else None
        updates.append((level, day.isoformat() if level == 1 else None, day.isoformat() if level == 2 else None,
                        activated_on, person_id))
        if week is not None:
            per_week[week] += 1
    store.conn.executemany("UPDATE persons SET account_level = ?, level1_on = ?, level2_issued_on = ?, "
                           "activated_on = ? WHERE id = ?", updates)
    for week, n in enumerate(per_week):
        if n:
            at = (START + dt.timedelta(days=week * 7 + 7)).isoformat() + " 16:00:00"
            if at[:10] < today.isoformat():
                _import(store, "activations", f"Tai khoan da kich hoat tuan {week + 1}.xlsx", at,
                        {"read": n, "inserted": 0, "updated": n, "unchanged": 0, "duplicates": 0, "rejected": 0,
                         "warnings": 0, "matched": n, "unknown": 0})
    return {"accounts": len(updates), "eligible": len(eligible)}


def _agencies(store: Store, rng: random.Random, areas: list[dict], today: dt.date) -> tuple[int, int]:
    names: list[tuple[str, str, dict]] = []
    used = set()
    while len(names) < 40:
        area = rng.choice(areas)
        pattern, kind = rng.choice(AGENCY_KINDS)
        name = pattern.format(area=area["name"].replace("Phường", "phường").replace("Xã", "xã"),
                              word=rng.choice(VILLAGE_WORDS))
        if fold(name) not in used:
            used.add(fold(name))
            names.append((name, kind, area))
    candidates = [r[0] for r in store.execute(
        "SELECT id FROM persons WHERE id_number IS NOT NULL AND birth_date BETWEEN ? AND ? ORDER BY id",
        ((today.replace(year=today.year - 60)).isoformat(), (today.replace(year=today.year - 22)).isoformat()))]
    rng.shuffle(candidates)
    staff_rows = 0
    for name, kind, area in names:
        now = LISTED_AT
        head = _name(rng, rng.random() < 0.6)
        liaison = _name(rng, rng.random() < 0.5)
        agency_id = store.execute(
            "INSERT INTO agencies(uuid, name, name_key, agency_type, address, head_name, liaison_name, liaison_phone, "
            "area_code, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (store.new_uuid(), name, fold(name), kind, f"{area['name']}, tỉnh An Giang", head, liaison,
             f"09{rng.randint(0, 99999999):08d}", area["code"], now, now)).lastrowid
        size = rng.randint(8, 60)
        members, candidates = candidates[:size], candidates[size:]
        at = (START + dt.timedelta(days=rng.randint(0, 20))).isoformat() + " 09:00:00"
        import_id = _import(store, "staff", f"Danh sach can bo {name}.xlsx", at,
                            {"read": size, "inserted": size, "updated": 0, "unchanged": 0, "duplicates": 0,
                             "rejected": 0, "warnings": 0}, agency_id)
        rows = []
        for row_number, person_id in enumerate(members, start=7):
            preferred = START + dt.timedelta(days=rng.randint(7, 90))
            rows.append((agency_id, person_id, rng.choice(POSITIONS), f"09{rng.randint(0, 99999999):08d}",
                         preferred.isoformat(), import_id, at, at))
            store.execute("INSERT INTO person_sources(person_id, kind, file_name, import_id, row_number, first_seen, "
                          "last_seen) VALUES (?, 'staff', ?, ?, ?, ?, ?)",
                          (person_id, f"Danh sach can bo {name}.xlsx", import_id, row_number, at, at))
        store.conn.executemany("INSERT INTO agency_staff(agency_id, person_id, position, phone, preferred_on, "
                               "import_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)", rows)
        staff_rows += len(rows)
    store.execute("UPDATE persons SET sources = 'residents staff' WHERE id IN (SELECT person_id FROM agency_staff)")
    return len(names), staff_rows


def _schedules(store: Store, rng: random.Random, today: dt.date) -> int:
    orgs = store.query("SELECT id, rep_name, rep_phone FROM organizations WHERE grp = 1 AND status = 'active' "
                       "AND merged_into IS NULL AND area_code IS NOT NULL ORDER BY id")
    chosen = rng.sample(orgs, min(30, len(orgs)))
    at = (START + dt.timedelta(days=14)).isoformat() + " 10:00:00"
    import_id = _import(store, "schedule", "Lich dang ky cua doanh nghiep.xlsx", at,
                        {"read": len(chosen), "inserted": len(chosen), "updated": 0, "unchanged": 0, "duplicates": 0,
                         "rejected": 0, "warnings": 0})
    rows = []
    for org in chosen:
        day = today + dt.timedelta(days=rng.randint(-40, 30))
        rows.append((org["id"], org["rep_name"], org["rep_phone"], rng.randint(8, 220), day.isoformat(),
                     rng.choice(["07:30", "08:00", "09:00", "13:30", "14:00", "15:00"]), import_id, at, at))
    store.conn.executemany("INSERT INTO enterprise_schedules(org_id, representative, phone, staff_count, scheduled_on, "
                           "scheduled_time, import_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def _sessions(store: Store, rng: random.Random, areas: list[dict], today: dt.date) -> int:
    team_pool = [r[0] for r in store.execute("SELECT full_name FROM officers WHERE role IN ('intake', 'leader') "
                                             "ORDER BY id")] or ["Tổ công tác"]
    agencies = [r[0] for r in store.execute("SELECT id FROM agencies ORDER BY id")]
    orgs = [r[0] for r in store.execute("SELECT org_id FROM enterprise_schedules ORDER BY id")]
    for n in range(25):
        day = START + dt.timedelta(days=round(n * ((today - START).days + 21) / 25))  # weekends included
        target = n % 5
        area = rng.choice(areas)
        agency_id = rng.choice(agencies) if target == 3 and agencies else None
        org_id = rng.choice(orgs) if target == 4 and orgs else None
        place = (f"Hội trường UBND {area['name']}" if target < 3 else
                 "Hội trường cơ quan" if agency_id else "Văn phòng doanh nghiệp")
        start = rng.choice(["07:30", "08:00", "13:30", "18:30"])  # evenings too, for workers
        team = rng.sample(team_pool, min(len(team_pool), rng.randint(2, 3)))
        status = "held" if day < today else "planned"
        at = (day - dt.timedelta(days=5)).isoformat() + " 15:00:00"
        store.execute(
            "INSERT INTO intake_sessions(uuid, area_code, agency_id, org_id, held_on, start_time, end_time, place, team, "
            "expected_people, notes, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (store.new_uuid(), area["code"], agency_id, org_id, day.isoformat(), start,
             "11:30" if start < "12:00" else ("17:00" if start < "18:00" else "21:00"), place,
             json.dumps(team, ensure_ascii=False), rng.randint(40, 300), None, status, at, at))
    return 25
