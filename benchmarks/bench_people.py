"""Citizens' budgets (issue 15), measured in one run:

- importing a 320,000-row resident list: rows committed ≤ 4.5x python-calamine's read of the same file,
  fully searchable ≤ 6x (the search index is written by the triggers inside the same transaction, so the
  two figures are one), re-import unchanged ≤ 3x;
- importing a 20,000-row activation list into 1,000,000 persons ≤ 2 s;
- searching by name or ID-number fragment over 1,000,000 persons: p95 ≤ 30 ms.

    .venv/bin/python benchmarks/bench_people.py [--rows 320000] [--persons 1000000] [--repeat 2]

Generated files are cached in benchmarks/out/people/ (git-ignored): the resident list (xlsx written
with xlsxwriter) and the 1,000,000-person database (about 1-2 minutes the first time). Prints one JSON
line per measurement and exits 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.core.migrations import latest_version, m014_people  # noqa: E402
from models.core.store import Store  # noqa: E402
from models.people import search as people_search  # noqa: E402
from models.people.importing import analyse_file, apply_analysis  # noqa: E402
from models.registry.importing.fastnorm import fold_many  # noqa: E402
from tests.factories.messy_files import AREAS, add_areas  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "people"
BUDGETS = {"import_ratio": 4.5, "searchable_ratio": 6.0, "reimport_ratio": 3.0, "activations_seconds": 2.0,
           "search_p95_ms": 30.0}
SURNAMES = ["Nguyễn"] * 6 + ["Trần"] * 3 + ["Lê"] * 2 + [
    "Phạm", "Huỳnh", "Hoàng", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh",
    "Trương", "Lâm", "Thái", "Châu", "Mai", "Cao", "Quách", "Tạ"]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Quốc", "Thanh", "Hữu", "Xuân", "Hoàng", "Kim", "Gia", "Thu",
           "Mỹ", "Bích", "Công", "Tấn", "Trung", "Hồng", "Diệu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngân", "Nhung", "Phong", "Phúc", "Quang", "Sơn",
         "Tâm", "Thảo", "Thắng", "Trâm", "Trang", "Trung", "Tuấn", "Vân", "Vinh", "Yến", "Khoa", "Lộc", "Phát",
         "Quyên", "Thịnh", "Toàn", "Trí", "Tuyết", "Uyên", "Việt", "Xuân", "Ý"]
PREFIXES = ["058", "058", "058", "079", "001", "038", "091", "092", "096", "052"]  # mostly Ninh Thuận (058)
VILLAGES = [f"Thôn {n}" for n in range(1, 9)] + [f"Khu phố {n}" for n in range(1, 7)] + ["Tổ dân phố Đông Hải"]


def person(i: int, rng: random.Random) -> tuple:
    """(id_number, full_name, birth_date, sex, phone, area_name, village, residence) of person ``i``."""
    male = rng.random() < 0.5
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randint(0, 30000))
    middle = rng.choice(MIDDLES) if male or rng.random() < 0.5 else "Thị"
    name = f"{rng.choice(SURNAMES)} {middle} {rng.choice(GIVEN)}"
    id_number = PREFIXES[i % len(PREFIXES)] + f"{(i * 104729) % 10**9:09d}"  # unique for i < 10**9
    phone = f"09{rng.randint(0, 99999999):08d}" if rng.random() < 0.7 else ""
    return (id_number, name, born, "Nam" if male else "Nữ", phone, AREAS[i % len(AREAS)][1], rng.choice(VILLAGES),
            "Thường trú" if rng.random() < 0.9 else "Tạm trú")


def write_residents(path: Path, rows: int, seed: int = 15) -> None:
    import xlsxwriter

    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["UBND TỈNH NINH THUẬN", "", "", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    sheet.write_row(2, 1, ["DANH SÁCH CÔNG DÂN CHƯA KÍCH HOẠT TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ"])
    sheet.write_row(4, 0, ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Xã/phường",
                           "Thôn/khu phố", "Cư trú"])
    for i in range(rows):
        id_number, name, born, sex, phone, area, village, residence = person(i, rng)
        r = 5 + i
        sheet.write_number(r, 0, i + 1)
        sheet.write_string(r, 1, name)
        sheet.write_datetime(r, 2, dt.datetime(born.year, born.month, born.day), date)
        sheet.write_string(r, 3, sex)
        sheet.write_string(r, 4, id_number)
        if phone:
            sheet.write_string(r, 5, phone)
        sheet.write_string(r, 6, area)
        sheet.write_string(r, 7, village)
        sheet.write_string(r, 8, residence)
    sheet.write_row(5 + rows + 1, 1, ["Người lập biểu"])
    workbook.close()


def calamine_read(path: Path) -> tuple[float, float]:
    """(wall, cpu) seconds for python-calamine alone to read the sheet into Python rows."""
    from python_calamine import CalamineWorkbook

    started, cpu = time.perf_counter(), time.process_time()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    assert rows
    return time.perf_counter() - started, time.process_time() - cpu


def fresh_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store(path)
    add_areas(store)
    store.close()


def import_once(db: Path, path: Path, kind: str) -> tuple[float, dict, float]:
    """(wall seconds, counts, cpu seconds of this process: SQLite works in it too)."""
    store = Store(db)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        result = apply_analysis(store, analyse_file(store, path, kind))
        return time.perf_counter() - started, result.counts(), time.process_time() - cpu
    finally:
        store.close()


def million_db(persons: int) -> Path:
    """The ``persons``-person database (cached while its count and schema version match)."""
    # Named after the people schema too: m014 may still be edited in place before the first release.
    persons_sql = [sql for sql in m014_people.SCHEMA if "persons" in sql and "person_sources" not in sql]
    schema = hashlib.sha1("".join(persons_sql).encode()).hexdigest()[:8]
    path = OUT / f"persons-{persons}-{schema}.sqlite"
    if path.exists():
        store = Store(path)
        try:
            if store.user_version == latest_version() and store.scalar("SELECT count(*) FROM persons") == persons:
                return path
        finally:
            store.close()
    fresh_db(path)
    store = Store(path)
    rng = random.Random(1_000_000)
    started = time.perf_counter()
    try:
        store.execute("CREATE TEMP TABLE stage (id INTEGER PRIMARY KEY, uuid, id_number, full_name, name_key, "
                      "birth_date, sex, phone, area_code, village, residence, account_level)")
        chunk = 100_000
        for start in range(0, persons, chunk):
            people = [person(i, rng) for i in range(start, min(persons, start + chunk))]
            keys = fold_many([p[1] for p in people])
            rows = [(start + n + 1, f"00000000-0000-4000-8000-{start + n + 1:012x}", p[0], p[1], keys[n],
                     p[2].isoformat(), "M" if p[3] == "Nam" else "F", p[4] or None, AREAS[(start + n) % len(AREAS)][0],
                     p[6], "permanent", rng.choice((0, 0, 0, 1, 2))) for n, p in enumerate(people)]
            with store.atomic():
                store.execute("DELETE FROM temp.stage")
                store.conn.executemany("INSERT INTO temp.stage VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
                store.execute("INSERT INTO persons(id, uuid, id_number, full_name, name_key, birth_date, sex, phone, "
                              "area_code, village, residence, account_level, sources, created_at, updated_at) "
                              "SELECT *, 'residents', '2025-01-01 08:00:00', '2025-01-01 08:00:00' FROM temp.stage "
                              "ORDER BY id")
        store.execute("INSERT INTO person_fts(person_fts) VALUES ('optimize')")
        store.execute("INSERT INTO person_id_fts(person_id_fts) VALUES ('optimize')")
        store.execute("ANALYZE")
    finally:
        store.close()
    print(json.dumps({"measure": "generated_persons_db", "persons": persons,
                      "seconds": round(time.perf_counter() - started, 1)}), flush=True)
    return path


def write_activations(path: Path, db: Path, rows: int, persons: int, seed: int = 20) -> None:
    import xlsxwriter

    rng = random.Random(seed)
    picks = rng.sample(range(persons), rows)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 1, ["DANH SÁCH TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ ĐÃ KÍCH HOẠT"])
    sheet.write_row(2, 0, ["STT", "Số định danh", "Họ tên", "Mức độ", "Ngày kích hoạt", "Trạng thái"])
    for n, i in enumerate(picks):
        id_number = PREFIXES[i % len(PREFIXES)] + f"{(i * 104729) % 10**9:09d}"
        if n % 50 == 0:
            id_number = "099" + id_number[3:]  # 2% unknown to this unit
        r = 3 + n
        sheet.write_number(r, 0, n + 1)
        sheet.write_string(r, 1, id_number)
        sheet.write_string(r, 2, "")
        sheet.write_string(r, 3, f"Mức {1 + n % 2}")
        day = dt.datetime(2025, 1, 2) + dt.timedelta(days=n % 60)
        sheet.write_datetime(r, 4, day, date)
        sheet.write_string(r, 5, "Đã kích hoạt")
    workbook.close()


def search_queries() -> list[str]:
    out = []
    for text in ("nguyen van hung", "Trần Thị Mai", "le thi", "pham quoc", "huynh ngoc tram", "Đặng Văn",
                 "vo thanh son", "bui xuan"):
        out += [text[:i] for i in range(2, len(text) + 1)]
    for digits in ("058000104", "0790", "12345", "987654", "0010", "58209"):
        out += [digits[:i] for i in range(3, len(digits) + 1)]
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=320_000)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--activations", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    report = []
    source = OUT / f"dan-cu-{args.rows}.xlsx"
    if not source.exists():
        write_residents(source, args.rows)
    reads, fresh, again = [], [], []
    for attempt in range(args.repeat):
        reads.append(calamine_read(source))
        db = OUT / f"residents-{attempt}.sqlite"
        fresh_db(db)
        fresh.append(import_once(db, source, "residents"))
        again.append(import_once(db, source, "residents"))
    # The best of the runs (the machine is shared: the best run is the least disturbed one); CPU seconds
    # of this process too, which other processes disturb less.
    read, read_cpu = min(r[0] for r in reads), min(r[1] for r in reads)
    report.append({"measure": "calamine_read", "rows": args.rows, "seconds": round(read, 3),
                   "cpu_seconds": round(read_cpu, 3)})
    first = min(fresh)
    report.append({"measure": "residents_import", "seconds": round(first[0], 3), "ratio": round(first[0] / read, 2),
                   "cpu_seconds": round(min(r[2] for r in fresh), 3),
                   "cpu_ratio": round(min(r[2] for r in fresh) / read_cpu, 2),
                   "budget": f"≤ {BUDGETS['import_ratio']}x committed, ≤ {BUDGETS['searchable_ratio']}x searchable "
                             "(one figure: indexed in the same transaction)", "counts": first[1]})
    second = min(again)
    report.append({"measure": "residents_reimport_unchanged", "seconds": round(second[0], 3),
                   "ratio": round(second[0] / read, 2), "cpu_seconds": round(min(r[2] for r in again), 3),
                   "cpu_ratio": round(min(r[2] for r in again) / read_cpu, 2),
                   "budget": f"≤ {BUDGETS['reimport_ratio']}x", "counts": second[1]})
    ok = (first[0] / read <= BUDGETS["import_ratio"] and second[0] / read <= BUDGETS["reimport_ratio"])

    big = million_db(args.persons)
    activations = OUT / f"kich-hoat-{args.activations}.xlsx"
    if not activations.exists():
        write_activations(activations, big, args.activations, args.persons)
    work = OUT / "persons-work.sqlite"
    times = []
    for _ in range(args.repeat):
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        shutil.copyfile(big, work)
        times.append(import_once(work, activations, "activations"))
    best = min(times)
    report.append({"measure": "activations_into_persons", "persons": args.persons, "rows": args.activations,
                   "seconds": round(best[0], 3), "cpu_seconds": round(min(t[2] for t in times), 3),
                   "budget": f"≤ {BUDGETS['activations_seconds']} s", "counts": best[1]})
    ok = ok and best[0] <= BUDGETS["activations_seconds"]

    store = Store(big)
    try:
        timings = []
        queries = search_queries()
        for _ in range(3):
            for query in queries:
                started = time.perf_counter()
                result = people_search.search_ids(store, query)
                people_search.rows_for(store, list(result.ids[:40]))
                timings.append((time.perf_counter() - started) * 1000)
        filtered = []
        for query in ("nguyen", "tran thi", "0790", "le van"):
            started = time.perf_counter()
            result = people_search.search_ids(store, query, people_search.Filters(area_code=AREAS[2][0], level=0))
            people_search.rows_for(store, list(result.ids[:40]))
            filtered.append((time.perf_counter() - started) * 1000)
    finally:
        store.close()
    p95 = percentile(timings, 95)
    report.append({"measure": "search", "persons": args.persons, "queries": len(timings),
                   "p50_ms": round(statistics.median(timings), 2), "p95_ms": round(p95, 2),
                   "max_ms": round(max(timings), 2), "filtered_max_ms": round(max(filtered), 2),
                   "budget": f"p95 ≤ {BUDGETS['search_p95_ms']} ms"})
    ok = ok and p95 <= BUDGETS["search_p95_ms"]
    for line in report:
        print(json.dumps(line, ensure_ascii=False))
    print(json.dumps({"within_budget": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
