"""A 1,000,000-organization database for the registry benchmarks, generated quickly and reused.

Rows are built from Vietnamese word lists with ``random.Random(seed)`` and written with one
``executemany`` (the FTS triggers of migration m002 index them as they go). The file is kept under
``benchmarks/out/`` (git-ignored) and reused while its row count and schema version match.
"""

from __future__ import annotations

import functools
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo.registry import make_tax_code  # noqa: E402
from models.core.migrations import latest_version  # noqa: E402
from models.core.store import Store  # noqa: E402
from models.registry.organizations import name_key  # noqa: E402
from models.registry.search import deferred_index  # noqa: E402
from models.text.normalize import fold  # noqa: E402

OUT = ROOT / "benchmarks" / "out"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Thái"]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Quốc", "Thanh", "Hữu", "Xuân", "Hoàng", "Kim", "Gia"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngân", "Nhung", "Phong", "Phúc",
         "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trâm", "Trang", "Trung", "Tuấn", "Vân", "Vinh", "Yến"]
FORMS = {
    1: ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân", "CTY TNHH"],
    2: ["Hợp tác xã nông nghiệp", "HTX dịch vụ", "Hợp tác xã thủy sản", "HTX vận tải"],
    3: ["Trường THCS", "Trường Tiểu học", "Trạm Y tế", "Ủy ban nhân dân", "Ban Quản lý dự án"],
    4: ["Chùa", "Hội Nông dân", "Hội Cựu chiến binh", "Nhà thờ", "Câu lạc bộ", "Hội Phụ nữ"],
}
TRADES = ["Thương mại", "Dịch vụ", "Xây dựng", "Vận tải", "Thủy sản", "Nông sản", "Du lịch", "Điện máy",
          "Vật liệu", "Chế biến", "Xuất nhập khẩu", "Cơ khí", "Nội thất", "Dược phẩm", "Lương thực"]
PLACES = ["Rạch Giá", "Hà Tiên", "Phú Quốc", "Kiên Lương", "Hòn Đất", "Tân Hiệp", "Châu Thành",
          "Giồng Riềng", "Gò Quao", "An Biên", "Long Xuyên", "Châu Đốc", "Tri Tôn", "Thoại Sơn", "Óc Eo",
          "Vĩnh Thông", "Mỹ Thới", "Bình Đức", "Đông Hưng", "Tây Yên"]
STREETS = ["Nguyễn Trung Trực", "Lạc Hồng", "Trần Phú", "Lê Lợi", "Mạc Cửu", "Ngô Quyền", "3 Tháng 2",
           "Nguyễn Huệ", "Huỳnh Thúc Kháng", "Lý Thường Kiệt", "Phan Chu Trinh", "Đống Đa"]
STATUSES = ["active"] * 90 + ["suspended"] * 5 + ["dissolving"] * 2 + ["dissolved"] * 3
SOURCE_OF = {1: "dkkd", 2: "htx", 3: "thue", 4: "dtcb"}
AREAS = ["30742", "30760", "30769", "30766", "30781", "30787", "30790", "30793", "30796", "30811",
         "30814", "30817", "30823", "30826", "30835", "30838"]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"


@functools.cache
def _fold(text: str) -> str:
    return fold(text)


@functools.cache
def _name_key(text: str) -> str:
    return name_key(text)


def generate_rows(count: int, seed: int = 7):
    """Yields (organization row tuple, group) for ``count`` organizations.

    Folding is memoised per component (the same few hundred words recur), which keeps generation at
    a few microseconds per row; the result equals ``organizations.search_text``/``name_key``.
    """
    rng = random.Random(seed)
    now = "2025-01-09 09:30:00"
    seq = 0
    choice = rng.choice
    for i in range(1, count + 1):
        grp = rng.choices((1, 2, 3, 4), weights=(70, 3, 12, 15))[0]
        form = choice(FORMS[grp])
        rest = f"{choice(TRADES)} {choice(PLACES)} {choice(GIVEN)} {i % 997}"
        name = f"{form} {rest}"
        tax = None
        if grp != 4:
            while tax is None:
                seq += 1
                tax = make_tax_code(choice(("17", "18", "03", "01", "15")), seq)
            if grp == 1 and rng.random() < 0.08:
                tax = f"{tax}-{rng.randint(1, 30):03d}"
        surname, middle, given = choice(SURNAMES), choice(MIDDLES), choice(GIVEN)
        rep = f"{surname} {middle} {given}"
        street, place = choice(STREETS), choice(PLACES)
        number = rng.randint(1, 400)
        address = f"Số {number} đường {street}, {place}, An Giang"
        folded = " ".join((
            _fold(form), _fold(rest), (tax or "").replace("-", " "), _fold(surname), _fold(middle), _fold(given),
            "so", str(number), "duong", _fold(street), _fold(place), "an giang",
        ))
        yield (
            i, str(uuid.UUID(int=i)), grp, name, tax, address, choice(AREAS),
            choice(STATUSES), rep, f"0{rng.randint(89, 96)}{rng.randint(0, 999999999):09d}",
            f"09{rng.randint(0, 99999999):08d}", " ".join(folded.split()), _name_key(form) + " " + _fold(rest),
            now, now, now, now, SOURCE_OF[grp],
        ), grp


def build_database(path: Path, count: int, seed: int = 7) -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    Store(path).close()  # schema via the real migrations
    store = Store(path, migrate=False)
    try:
        store.execute("PRAGMA journal_mode=OFF")
        store.execute("PRAGMA synchronous=OFF")
        store.execute("PRAGMA cache_size=-400000")
        rows = []
        sources = []
        with store.atomic(), deferred_index(store):
            from vietnam_provinces import Ward

            for code in AREAS:
                ward = Ward.from_code(int(code))
                store.execute("INSERT INTO areas(code, name, division_type, province_code, name_fold) "
                              "VALUES (?,?,?,?,?)", (code, ward.name, ward.division_type.value, "91", fold(ward.name)))
            for row, grp in generate_rows(count, seed):
                rows.append(row)
                sources.append((row[0], SOURCE_OF[grp], "2025-01-09 09:30:00", "2025-01-09 09:30:00"))
                if len(rows) >= 50000:
                    _flush(store, rows, sources)
            _flush(store, rows, sources)
        store.execute("ANALYZE")
        store.execute("PRAGMA journal_mode=WAL")
    finally:
        store.close()
    return {"organizations": count, "build_s": round(time.perf_counter() - started, 1)}


def _flush(store: Store, rows: list, sources: list) -> None:
    store.conn.executemany(
        "INSERT INTO organizations(id, uuid, grp, name, tax_code, address, area_code, status, rep_name,"
        " rep_id_number, rep_phone, search_text, name_key, first_seen, last_seen, created_at, updated_at, sources)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    store.conn.executemany(
        "INSERT INTO org_sources(org_id, source, first_seen, last_seen) VALUES (?,?,?,?)", sources)
    rows.clear()
    sources.clear()


def _schema(store: Store) -> list:
    """The registry's part of the schema (other modules' migrations change without affecting it)."""
    return sorted(r[0] for r in store.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND (tbl_name LIKE 'org%' "
        "OR tbl_name IN ('areas', 'units', 'duplicate_flags'))"))


def _fresh_schema() -> list:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "schema.sqlite")
        try:
            return _schema(store)
        finally:
            store.close()


def ensure_database(count: int = 1_000_000, seed: int = 7) -> tuple[Path, dict]:
    """The benchmark database, built once and reused while it still matches."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"registry-{count}.sqlite"
    if path.exists():
        store = Store(path, migrate=False)
        try:
            ok = (store.user_version <= latest_version() and _schema(store) == _fresh_schema()
                  and store.scalar("SELECT count(*) FROM organizations") == count)
        finally:
            store.close()
        if ok:
            Store(path).close()  # other modules' new migrations, if any
            for copy in OUT.glob(f"{path.stem}.truoc-nang-cap-*"):
                copy.unlink()  # the pre-migration copy is not needed for a generated file
            return path, {"organizations": count, "reused": True}
    info = build_database(path, count, seed)
    return path, info
