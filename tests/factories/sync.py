"""Test data for syncing: units with areas, messy organizations, dossiers in every state, open
verification requests, and a provincial desk.

Messy on purpose: tax codes and area codes with leading zeros, personal ID numbers starting with 0,
names with every Vietnamese tone mark, values with leading/trailing spaces, line breaks, text that looks
like a number or a formula, received times at midnight and at 23:59:59.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from faker import Faker

from models.core.store import Store
from models.sync.format import signed_payload
from models.sync.keys import ensure_key
from models.sync.keys import signer as keys_signer
from models.sync.merge import register_unit_key

STATUSES = ["received", "verifying", "needs_papers", "waiting_locality", "verified", "issued", "activated",
            "refused", "cancelled"]
CHANNELS = ["truc_tiep", "vneid", "luu_dong"]
TRICKY_NAMES = ["  Công ty TNHH Ơn Lợi  ", "HTX Nông nghiệp Ưu Đãi\nẤp 3", "=SUM(A1:A2)", "00123",
                "Cơ sở 'Bà Tư' \"Hẻm 5\"", "Tổ chức Ỹ Ễ Ặ Ữ Ượ Đđ", "1e5", "TRUE"]


def make_unit(store, code: str = "CAH-CT", name: str = "Công an huyện Châu Thành", *, n_areas: int = 6,
              kind: str = "local", area_prefix: str = "0") -> list[str]:
    """The unit using this database (setting unit_id) and its areas; returns the area codes."""
    now = store.now_iso()
    with store.atomic():
        unit = store.execute(
            "INSERT INTO units(code, name, short_name, parent_name, province_code, province_name, place_name, kind,"
            " created_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (code, name, code.split("-")[0], "Công an tỉnh Kiên Giang", "91", "Kiên Giang", "Kiên Giang", kind,
             now)).lastrowid
        codes = []
        for i in range(n_areas):
            area = f"{area_prefix}{3090 + i + 10 * unit:04d}"
            store.execute("INSERT INTO areas(code, name, division_type, province_code, unit_id) VALUES (?,?,?,?,?)",
                          (area, f"Xã Vĩnh Hòa Hiệp {unit}-{i}", "Xã", "91", unit))
            codes.append(area)
    store.set_setting("unit_id", unit)
    return codes


def make_province(store, code: str = "PC06-KG", name: str = "Phòng PC06 Công an tỉnh Kiên Giang") -> None:
    make_unit(store, code, name, n_areas=0, kind="province")


def make_officer(store, full_name: str = "Nguyễn Thị Ánh Tuyết") -> int:
    return store.execute(
        "INSERT INTO officers(username, full_name, role, created_at) VALUES (?,?,?,?)",
        (f"cb{random.randint(0, 10**9)}", full_name, "intake", store.now_iso())).lastrowid


def _tax_code(rnd: random.Random) -> str:
    return f"0{rnd.randint(100000000, 999999999)}" if rnd.random() < 0.5 else f"{rnd.randint(10**9, 10**10 - 1)}"


def make_data(store, areas: list[str], n_dossiers: int, *, seed: int = 7, start: dt.date = dt.date(2024, 12, 30),
              days: int = 10, verifications: int = 3) -> None:
    """Organizations with one dossier each (bulk inserted), in every state, and open requests."""
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    now = store.now_iso()
    officer = make_officer(store, fake.name())
    names = [fake.company() for _ in range(min(n_dossiers, 500))] + TRICKY_NAMES
    people = [fake.name() for _ in range(200)]
    orgs, dossiers = [], []
    first_org = (store.scalar("SELECT MAX(id) FROM organizations") or 0) + 1
    first_dossier = (store.scalar("SELECT MAX(id) FROM dossiers") or 0) + 1
    used_tax = set()
    for i in range(n_dossiers):
        grp = rnd.choice([1, 1, 1, 2, 3, 4])
        area = rnd.choice(areas) if areas and rnd.random() > 0.05 else None
        tax = None
        if grp != 4:
            tax = _tax_code(rnd)
            while tax in used_tax:
                tax = _tax_code(rnd)
            used_tax.add(tax)
            if rnd.random() < 0.05:
                tax = f"{tax}-00{rnd.randint(1, 9)}"
        org_id = first_org + i
        rep_id = f"0{rnd.randint(10**10, 10**11 - 1)}"
        established = (dt.date(1990, 1, 1) + dt.timedelta(days=rnd.randint(0, 12000))).isoformat()
        orgs.append((org_id, str(uuid.UUID(int=rnd.getrandbits(128))), grp, rnd.choice(names), tax, area,
                     rnd.choice(["active", "active", "suspended", "unknown"]),
                     f"Số {rnd.randint(1, 300)} đường 3/2, {rnd.choice(['Ấp Ông Quế', 'Khu phố 1'])}",
                     established, rnd.choice(people), rep_id, f"09{rnd.randint(10**7, 10**8 - 1)}",
                     rnd.choice([None, "lienhe@example.vn"]), now, now, now, now))
        status = rnd.choice(STATUSES)
        day = start + dt.timedelta(days=rnd.randint(0, days - 1))
        received_at = dt.datetime.combine(day, dt.time(rnd.choice([0, 8, 10, 23]), rnd.choice([0, 15, 59]),
                                                       rnd.choice([0, 30, 59])))
        order = STATUSES.index(status)
        verified = (day + dt.timedelta(days=1)).isoformat() if 4 <= order <= 6 else None
        issued = (day + dt.timedelta(days=2)).isoformat() if order in (5, 6) else None
        activated = (day + dt.timedelta(days=3)).isoformat() if order == 6 else None
        closed = (day + dt.timedelta(days=2)).isoformat() if status in ("refused", "cancelled") else None
        dossiers.append((first_dossier + i, str(uuid.UUID(int=rnd.getrandbits(128))), f"HS-{first_dossier + i:06d}",
                         org_id, grp, area, tax, rnd.choice(CHANNELS), received_at.isoformat(sep=" "),
                         day.isoformat(), officer, status, (day + dt.timedelta(days=15)).isoformat(),
                         f"VNEID{first_dossier + i:09d}" if rnd.random() < 0.3 else None,
                         "Không đủ giấy tờ\nthiếu TK02" if status == "refused" else None,
                         verified, issued, activated, closed, now, now))
    with store.atomic():
        store.conn.executemany(
            "INSERT INTO organizations(id, uuid, grp, name, tax_code, area_code, status, address, established_on,"
            " rep_name, rep_id_number, rep_phone, rep_email, first_seen, last_seen, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", orgs)
        store.conn.executemany(
            "INSERT INTO dossiers(id, uuid, number, org_id, grp, area_code, tax_code, channel, received_at,"
            " received_on, officer_id, status, due_date, online_ref, refusal_reason, verified_on, issued_on,"
            " activated_on, closed_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            dossiers)
        for j in range(min(verifications, n_dossiers)):
            store.execute(
                "INSERT INTO verification_requests(uuid, dossier_id, to_unit, sent_on, method, due_on, note,"
                " officer_id, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (str(uuid.UUID(int=rnd.getrandbits(128))), first_dossier + j, "Công an phường 01, TP. Rạch Giá",
                 start.isoformat(), "công văn", (start + dt.timedelta(days=15)).isoformat(),
                 "Xác minh trụ sở\n(gấp)", officer, now))


def touch_dossiers(store, n: int, *, status: str = "issued", issued_on: str = "2025-01-08") -> list[str]:
    """Move ``n`` not-yet-issued dossiers to ``status`` now (as an officer would); returns their UUIDs."""
    rows = store.query("SELECT id, uuid FROM dossiers WHERE status IN ('received', 'verifying', 'verified') "
                       "ORDER BY id LIMIT ?", (n,))
    with store.atomic():
        for row in rows:
            store.execute("UPDATE dossiers SET status = ?, issued_on = ?, verified_on = COALESCE(verified_on, ?),"
                          " updated_at = ?, version = version + 1 WHERE id = ?",
                          (status, issued_on, issued_on, store.now_iso(), row["id"]))
    return [r["uuid"] for r in rows]


def trust(province, *units) -> None:
    """The province (or lead desk) registers each unit's signing key, as ``sync-register`` does; ``units``
    are stores or database paths."""
    for unit in units:
        store = unit if hasattr(unit, "execute") else Store(unit)
        try:
            key = ensure_key(store)
            row = store.query_one("SELECT code, name FROM units WHERE id = ?", (store.get_setting("unit_id"),))
            code, name = row["code"], row["name"]
        finally:
            if store is not unit:
                store.close()
        if hasattr(province, "execute"):
            register_unit_key(province, code, key.public_key, name)
        else:
            target = Store(province)
            try:
                register_unit_key(target, code, key.public_key, name)
            finally:
                target.close()


def signer(unit, info: dict):
    """``sign(sha256)`` for ``write_sync_workbook``: a file hand-made in a test, signed with the unit's own
    key as its program would (``info``: the file's ThongTin values)."""
    sign_bytes = keys_signer(unit)
    return lambda sha256: sign_bytes(signed_payload(info["unit_code"], info["sequence"], sha256))


def nothing_merged(province) -> bool:
    """No file, row or sequence recorded at the province (registered units' keys aside)."""
    tables = ("sync_files", "remote_dossiers", "remote_orgs", "remote_verifications", "remote_summaries")
    return (all(not province.scalar(f"SELECT COUNT(*) FROM {t}") for t in tables)
            and not province.scalar("SELECT COUNT(*) FROM remote_units WHERE last_sequence IS NOT NULL"))
