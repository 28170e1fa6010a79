"""Demo registry: the unit, its real wards/communes, and about 3,000 organizations.

The unit is the intake desk of the provincial PC06 for the Rạch Giá area of An Giang province
(Kiên Giang merged into An Giang on 1 July 2025), covering 16 real communes/wards with their official
codes from ``vietnam-provinces``. Organizations of the four groups get valid tax codes (some 13-digit
branches), legal representatives with 12-digit personal ID numbers, statuses (mostly active), the
source list and file/row they came from, a little field history, and a few possible duplicates in
group 4. Everything is drawn from ``random.Random(seed)`` and ``Faker('vi_VN')`` seeded the same way
and written with fixed timestamps, so the same seed gives the same database content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid

from models.core.changes import Kind, Table
from models.core.store import Store
from models.registry import duplicates, organizations, units
from models.registry.organizations import DEFAULT_SOURCE_FOR_GROUP, ORG_FIELDS, name_key, search_text
from models.registry.search import deferred_index
from models.text.normalize import clean, fold, strip_marks
from models.text.vn_format import date_text

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

PROVINCE_CODE = "91"  # An Giang
AREA_CODES = ("30742", "30760", "30769", "30766", "30781", "30787", "30790", "30793", "30796", "30811",
              "30814", "30817", "30823", "30826", "30835", "30838")
UNIT = {
    "code": "AG-PC06-RG",
    "name": "Tổ tiếp nhận hồ sơ định danh điện tử khu vực Rạch Giá",
    "short_name": "Tổ tiếp nhận Rạch Giá",
    "parent_name": "Phòng Cảnh sát QLHC về TTXH - Công an tỉnh An Giang",
    "province_code": PROVINCE_CODE,
    "place_name": "An Giang",
    "kind": "local",
}

MIDDLE_MALE = ["Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh", "Hoàng", "Công", "Tấn", "Trung"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Mỹ", "Bích", "Hồng"]
GIVEN_MALE = ["An", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hòa", "Hùng", "Khang", "Khoa", "Lâm",
              "Long", "Lộc", "Nam", "Nghĩa", "Phát", "Phong", "Phúc", "Quang", "Sang", "Sơn", "Tài", "Thắng",
              "Thành", "Thịnh", "Toàn", "Trí", "Trung", "Tuấn", "Vinh", "Vũ"]
GIVEN_FEMALE = ["Anh", "Châu", "Diễm", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hương", "Lan", "Liên", "Linh",
                "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Quyên", "Tâm", "Thảo", "Thủy",
                "Trâm", "Trang", "Tuyết", "Vân", "Yến"]
TRADES = ["Thương mại", "Dịch vụ", "Xây dựng", "Vận tải", "Thủy sản", "Nông sản", "Du lịch", "Điện máy",
          "Vật liệu xây dựng", "Chế biến thực phẩm", "Xuất nhập khẩu", "Cơ khí", "Nội thất", "Dược phẩm",
          "Lương thực", "Khách sạn", "Nhựa", "Đầu tư", "Tư vấn thiết kế", "Công nghệ thông tin", "In ấn",
          "Môi trường", "Xăng dầu", "Nước mắm", "Hồ tiêu"]
TRADES_EN = {
    "Thương mại": "Trading", "Dịch vụ": "Services", "Xây dựng": "Construction", "Vận tải": "Transport",
    "Thủy sản": "Seafood", "Nông sản": "Agricultural Products", "Du lịch": "Tourism", "Điện máy": "Electronics",
    "Vật liệu xây dựng": "Building Materials", "Chế biến thực phẩm": "Food Processing",
    "Xuất nhập khẩu": "Import Export", "Cơ khí": "Mechanical Engineering", "Nội thất": "Furniture",
    "Dược phẩm": "Pharmaceutical", "Lương thực": "Food", "Khách sạn": "Hotel", "Nhựa": "Plastics",
    "Đầu tư": "Investment", "Tư vấn thiết kế": "Design Consulting", "Công nghệ thông tin": "Information Technology",
    "In ấn": "Printing", "Môi trường": "Environment", "Xăng dầu": "Petroleum", "Nước mắm": "Fish Sauce",
    "Hồ tiêu": "Pepper",
}
BRANDS = ["Phú Cường", "Hoàng Long", "Minh Phát", "Thành Đạt", "Kiên Hải", "Hà Tiên Xanh", "Mekong", "Sao Mai",
          "Tân Phú", "Việt Úc", "Đại Dương", "Bình Minh", "Phương Nam", "Ngọc Hiển", "Hải Âu", "Trường Thịnh",
          "Kim Ngân", "Đông Á", "An Phú", "Rạch Giá", "Biển Xanh", "Thiên Phúc", "Hưng Thịnh", "Gia Huy",
          "Tây Nam", "Vạn Lợi", "Hòa Bình", "Thuận Phát", "Lộc Tài", "Cửu Long"]
G1_FORMS = ["Công ty TNHH", "Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Doanh nghiệp tư nhân",
            "Công ty TNHH", "CTY TNHH", "Công ty Cổ phần"]
G2_KINDS = ["nông nghiệp", "dịch vụ nông nghiệp", "thủy sản", "nuôi trồng thủy sản", "vận tải", "khóm",
            "sản xuất lúa giống", "hồ tiêu", "muối", "đánh bắt xa bờ"]
G3_KINDS = ["Trường THCS", "Trường Tiểu học", "Trường Mầm non", "Trường THPT", "Trạm Y tế", "Ủy ban nhân dân",
            "Ban Quản lý chợ", "Trung tâm Văn hóa - Thể thao", "Ban Chỉ huy Quân sự", "Hội Liên hiệp Phụ nữ"]
HEROES = ["Nguyễn Trung Trực", "Lê Quý Đôn", "Trần Phú", "Võ Thị Sáu", "Nguyễn Du", "Chu Văn An", "Mạc Đĩnh Chi",
          "Phan Thị Ràng", "Nguyễn Bỉnh Khiêm", "Lý Tự Trọng", "Ngô Quyền", "Hoa Sen", "Sơn Ca", "Họa Mi"]
G4_KINDS = ["Chùa", "Chùa", "Hội Nông dân", "Hội Cựu chiến binh", "Nhà thờ Giáo xứ", "Câu lạc bộ Hưu trí",
            "Hội Chữ thập đỏ", "Hội Người cao tuổi", "Tịnh xá", "Miếu", "Đoàn Thanh niên", "Hội Khuyến học"]
PAGODA_NAMES = ["Phước Hưng", "Tam Bảo", "Phật Quang", "Sắc Tứ Tam Bảo", "Phổ Minh", "Láng Cát", "Kỳ Viên",
                "Ngọc Hải", "Hòa Quang", "Bửu Sơn", "Quan Âm", "Thiền Lâm", "Khmer Rạch Giá", "Long Phước"]
PAGODA_FIRST = ["Phước", "Bửu", "Long", "Thiền", "Phổ", "Quang", "Hưng", "Linh", "Kim", "Vạn", "Pháp", "Giác",
                "Minh", "Huệ", "Thanh", "Hòa"]
PAGODA_SECOND = ["Sơn", "Lâm", "Quang", "Hưng", "Minh", "Phước", "Thành", "An", "Hải", "Nghiêm", "Thọ", "Tường"]
HAMLETS = ["Tân Điền", "Hòa Lợi", "Kinh Xáng", "Vàm Răng", "Thuận Hòa", "Rạch Sỏi", "Xà Ngách", "Ba Hòn",
           "Tà Săng", "Hòa Hưng", "Kinh Tư", "Vĩnh Tây", "Rạch Vẹt", "Mũi Dinh", "Cái Lớn"]
STATUS_WEIGHTS = (("active", 88), ("suspended", 6), ("dissolving", 2), ("dissolved", 4))
SOURCE_FILES = {
    "dkkd": "DS doanh nghiep KG 12-2024.xlsx",
    "htx": "Danh sach HTX - Lien minh HTX.xls",
    "thue": "Cuc Thue - to chuc co MST khong DKKD.xlsx",
    "dtcb": "Dieu tra co ban to chuc nhom 4.xlsx",
}
IMPORT_AT = "2024-12-27 08:15:00"  # the lists were loaded before the campaign began (30/12/2024)


def make_tax_code(prefix: str, sequence: int) -> str | None:
    """A valid 10-digit tax code from a 2-digit prefix and a sequence (None when no check digit exists)."""
    body = f"{prefix}{sequence % 10_000_000:07d}"
    remainder = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return None
    return f"{body}{(10 - remainder) % 10}"


class _Maker:
    def __init__(self, seed: int, areas: list[dict]):
        from faker import Faker

        self.rng = random.Random(seed)
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)
        self.areas = areas
        self.used_tax: set[str] = set()
        self.used_names: set[str] = set()

    def person(self) -> tuple[str, str]:
        rng = self.rng
        male = rng.random() < 0.62
        middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
        given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
        name = f"{self.fake.last_name()} {middle} {given}"
        born = rng.randint(1955, 2000)
        century_sex = ("0" if male else "1") if born < 2000 else ("2" if male else "3")
        prefix = rng.choice(("091", "091", "089", "092", "079", "096"))
        id_number = f"{prefix}{century_sex}{born % 100:02d}{rng.randint(0, 999999):06d}"
        return name, id_number

    def phone(self) -> str:
        return self.rng.choice(("090", "091", "093", "094", "097", "098", "086", "032", "039", "070", "077", "081")) + \
            f"{self.rng.randint(0, 9999999):07d}"

    def tax_code(self, prefix: str) -> str:
        while True:
            code = make_tax_code(prefix, self.rng.randint(1, 9_999_999))
            if code and code not in self.used_tax:
                self.used_tax.add(code)
                return code

    def address(self, area: dict) -> str:
        rng = self.rng
        street = self.fake.street_name()
        if rng.random() < 0.3:
            return f"Ấp {rng.choice(HAMLETS)}, {area['name']}, tỉnh An Giang"
        return f"Số {rng.randint(1, 450)} đường {street}, {area['name']}, tỉnh An Giang"

    def email(self, name: str) -> str:
        return f"{fold(name).replace(' ', '')}{self.rng.randint(1, 99)}@{self.rng.choice(['gmail.com', 'yahoo.com.vn'])}"

    def established(self, start_year: int) -> str:
        day = dt.date(start_year, 1, 1) + dt.timedelta(days=self.rng.randint(0, (dt.date(2024, 12, 1) -
                                                                                   dt.date(start_year, 1, 1)).days))
        return day.isoformat()

    def status(self) -> str:
        return self.rng.choices([s for s, _ in STATUS_WEIGHTS], weights=[w for _, w in STATUS_WEIGHTS])[0]

    def organization(self, grp: int, parents: list[tuple[str, str]]) -> dict:
        rng = self.rng
        area = dict(rng.choice(self.areas))
        area["name"] = area["name"][0].lower() + area["name"][1:]  # "xã Bình Sơn" inside a sentence
        ward_short = area["name"].split(" ", 1)[1] if " " in area["name"] else area["name"]
        rep_name, rep_id = self.person()
        record: dict = {"grp": grp, "area_code": area["code"], "address": self.address(area), "status": self.status(),
                        "rep_name": rep_name, "rep_id_number": rep_id, "rep_phone": self.phone()}
        if rng.random() < 0.5:
            record["rep_email"] = self.email(rep_name)
        if grp == 1:
            form = rng.choice(G1_FORMS)
            trade = None
            if form == "Doanh nghiệp tư nhân":
                brand = rng.choice(BRANDS)
                name = f"{form} {rep_name.split()[-1]} {brand}"
            else:
                trade, brand = rng.choice(TRADES), rng.choice(BRANDS)
                name = f"{form} {trade} {brand}"
            if parents and rng.random() < 0.1:
                parent_tax, parent_name = rng.choice(parents)
                record["tax_code"] = f"{parent_tax}-{rng.randint(1, 12):03d}"
                if record["tax_code"] in self.used_tax:
                    record["tax_code"] = self.tax_code("17")
                else:
                    name = f"Chi nhánh {parent_name} tại {ward_short}"
            else:
                record["tax_code"] = self.tax_code(rng.choice(("17", "17", "17", "16")))
            self.used_tax.add(record["tax_code"])
            record["enterprise_code"] = record["tax_code"].replace("-", "")[:10] if "-" not in record["tax_code"] \
                else record["tax_code"].replace("-", "")
            record["established_on"] = self.established(1995)
            if rng.random() < 0.2 and trade is not None and name.startswith(("Công ty", "CTY")):
                # The registered English name translates the Vietnamese one; the short name abbreviates it.
                english = f"{strip_marks(brand)} {TRADES_EN[trade]}"
                legal = "Joint Stock Company" if "Cổ phần" in form else "Company Limited"
                record["foreign_name"] = f"{english} {legal}"
                initials = "".join(w[0] for w in english.split()).upper()
                record["short_name"] = f"{initials} {'JSC' if 'Cổ phần' in form else 'CO., LTD'}"
        elif grp == 2:
            name = f"{rng.choice(['Hợp tác xã', 'HTX'])} {rng.choice(G2_KINDS)} {rng.choice(BRANDS)}"
            record["tax_code"] = self.tax_code("17")
            record["established_on"] = self.established(2000)
        elif grp == 3:
            kind = rng.choice(G3_KINDS)
            name = f"{kind} {area['name']}"
            if kind.startswith("Trường") or name in self.used_names:  # one commune office per commune
                name = f"{rng.choice([k for k in G3_KINDS if k.startswith('Trường')])} {rng.choice(HEROES)}"
            record["tax_code"] = self.tax_code("17")
            record["head_name"] = record["rep_name"]
            record["established_on"] = self.established(1976)
        else:
            kind = rng.choice(G4_KINDS)
            if kind in ("Chùa", "Tịnh xá", "Miếu"):
                name = f"{kind} {rng.choice(PAGODA_NAMES)}"
                for _ in range(5):  # a few names recur in different communes, most do not
                    if name not in self.used_names:
                        break
                    name = f"{kind} {rng.choice(PAGODA_FIRST)} {rng.choice(PAGODA_SECOND)}"
            else:
                name = f"{kind} {area['name']}"
                if name in self.used_names:  # one association per commune; more are branches in hamlets
                    branch = kind.replace("Hội ", "Chi hội ", 1).replace("Đoàn ", "Chi đoàn ", 1)
                    name = f"{branch} ấp {rng.choice(HAMLETS)}, {area['name']}"
            record["head_name"] = record["rep_name"]
            number, day = rng.randint(10, 999), rng.randint(1, 28)
            month, year = rng.randint(1, 12), rng.randint(1990, 2023)
            record["founding_decision"] = f"Quyết định số {number}/QĐ-UBND ngày {date_text(dt.date(year, month, day))}"
        self.used_names.add(name)
        record["name"] = name
        return record


def build(store: Store, organizations: int = 3000, seed: int = 20241230, *, unit: dict = UNIT,
          area_codes: tuple[str, ...] = AREA_CODES) -> dict:
    """Unit, areas and organizations (see module doc); returns counts for the demo summary. ``unit`` and
    ``area_codes`` (wards of ``unit['province_code']``) let the province demo build its other units."""
    wards = {w.code: w for w in units.official_wards(unit.get("province_code") or PROVINCE_CODE)}
    chosen = [wards[c] for c in area_codes]
    with store.atomic():
        unit_id = units.save_unit(store, unit)
        units.set_unit_areas(store, unit_id, chosen)
        areas = units.unit_areas(store, unit_id)
        maker = _Maker(seed, areas)
        import_ids = _imports(store)
        counts = {1: round(organizations * 0.62), 2: round(organizations * 0.05), 3: round(organizations * 0.15)}
        counts[4] = organizations - sum(counts.values())
        records: list[dict] = []
        parents: list[tuple[str, str]] = []  # (tax code, name) of head offices that may have branches
        for grp in (1, 2, 3, 4):
            for _ in range(counts[grp]):
                record = maker.organization(grp, parents)
                if grp == 1 and "-" not in record["tax_code"] and not record["name"].startswith("Doanh nghiệp"):
                    parents.append((record["tax_code"], record["name"]))
                records.append(record)
        dup_pairs = _duplicate_twins(maker, records)
        with deferred_index(store):
            org_ids = _insert(store, maker, records, import_ids)
        flagged = 0
        for a, b in dup_pairs:
            if duplicates.flag(store, org_ids[a], org_ids[b],
                               "Cùng tên (đã chuẩn hoá) và cùng địa bàn, không có mã số thuế"):
                flagged += 1
        history = _history(store, maker, org_ids, records)
        store.notify(Table.ORGANIZATIONS, Kind.BULK)
    return {"unit": unit["name"], "areas": len(chosen), "organizations": len(records),
            "groups": {str(g): counts[g] for g in counts}, "possible_duplicates": flagged, "history_edits": history}


def _imports(store: Store) -> dict[str, int]:
    ids = {}
    for source, file_name in SOURCE_FILES.items():
        grp = {"dkkd": 1, "htx": 2, "thue": 3, "dtcb": 4}[source]
        cur = store.execute(
            "INSERT INTO imports(kind, grp, source, file_name, file_sha256, sheet_name, officer_id, started_at,"
            " finished_at, counts) VALUES ('organizations', ?, ?, ?, ?, 'Sheet1', 1, ?, ?, NULL)",
            (grp, source, file_name, hashlib.sha256(file_name.encode()).hexdigest(), IMPORT_AT, IMPORT_AT))
        ids[source] = cur.lastrowid
    return ids


def _duplicate_twins(maker: _Maker, records: list[dict]) -> list[tuple[int, int]]:
    """A few group-4 organizations entered twice by the survey (name spelled differently)."""
    rng = maker.rng
    group4 = [i for i, r in enumerate(records) if r["grp"] == 4]
    pairs = []
    for index in rng.sample(group4, min(8, len(group4))):
        original = records[index]
        twin = dict(original)
        twin["name"] = rng.choice([original["name"].upper(), original["name"].replace("Hội ", "HỘI "),
                                   "  " + original["name"] + " "])
        twin["rep_phone"] = maker.phone() if rng.random() < 0.5 else None
        twin["rep_email"] = None
        records.append(twin)
        pairs.append((index, len(records) - 1))
    return pairs


def _insert(store: Store, maker: _Maker, records: list[dict], import_ids: dict[str, int]) -> list[int]:
    rng = maker.rng
    cols = [*ORG_FIELDS, "uuid", "search_text", "name_key", "first_seen", "last_seen", "created_at", "updated_at"]
    next_id = (store.scalar("SELECT max(id) FROM organizations") or 0) + 1
    rows, sources, audits, ids = [], [], [], []
    row_numbers = {source: 7 for source in SOURCE_FILES}  # data starts under a letterhead and header
    for offset, record in enumerate(records):
        org_id = next_id + offset
        values = {k: (clean(record.get(k)) or None) if isinstance(record.get(k), str) else record.get(k)
                  for k in ORG_FIELDS}
        values["status"] = values["status"] or "active"
        row = {**values, "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
               "search_text": search_text(values), "name_key": name_key(values["name"]),
               "first_seen": IMPORT_AT, "last_seen": IMPORT_AT, "created_at": IMPORT_AT, "updated_at": IMPORT_AT}
        rows.append((org_id, *(row[c] for c in cols)))
        ids.append(org_id)
        source = DEFAULT_SOURCE_FOR_GROUP[values["grp"]]
        extra = ["thue"] if values["grp"] == 1 and rng.random() < 0.3 else []
        for src in (source, *extra):
            row_numbers[src] += 1
            sources.append((org_id, src, import_ids[src], SOURCE_FILES[src], row_numbers[src], IMPORT_AT, IMPORT_AT))
        audits.append((IMPORT_AT, 1, "organization.create", "organization", str(org_id),
                       json.dumps({k: v for k, v in values.items() if v}, ensure_ascii=False, sort_keys=True)))
    store.conn.executemany(
        f"INSERT INTO organizations(id, {', '.join(cols)}) VALUES ({', '.join('?' * (len(cols) + 1))})", rows)
    store.conn.executemany(
        "INSERT INTO org_sources(org_id, source, import_id, file_name, row_number, first_seen, last_seen) "
        "VALUES (?,?,?,?,?,?,?)", sources)
    store.conn.executemany(
        "INSERT INTO audit_log(at, officer_id, action, object_type, object_id, new_value) VALUES (?,?,?,?,?,?)", audits)
    return ids


def _history(store: Store, maker: _Maker, org_ids: list[int], records: list[dict]) -> int:
    """Re-imports and edits after the first load, so the detail panel has a history to show."""

    rng = maker.rng
    saved_clock = store.clock
    edits = 0
    try:
        for index in sorted(rng.sample(range(len(org_ids)), min(60, len(org_ids)))):
            when = dt.datetime(2025, 2, 3, 9, 0) + dt.timedelta(days=rng.randint(0, 35), minutes=rng.randint(0, 480))
            store.clock = lambda when=when: when
            area = dict(next(a for a in maker.areas if a["code"] == records[index]["area_code"]))
            area["name"] = area["name"][0].lower() + area["name"][1:]
            changes = rng.choice([
                {"address": maker.address(area)},
                {"rep_phone": maker.phone()},
                {"status": "suspended"},
                dict(zip(("rep_name", "rep_id_number"), maker.person(), strict=True)),
            ])
            if organizations.update(store, org_ids[index], changes, action="organization.import"):
                edits += 1
    finally:
        store.clock = saved_clock
    return edits
