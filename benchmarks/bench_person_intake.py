"""Citizens' level-2 intake of a known person (issue 15 budget): ID number → the form filled
(``level2.lookup``) → saved (``level2.intake``), p95 ≤ 50 ms, over the 1,000,000-person database of
``bench_people.py`` (benchmarks/out/people/persons-1000000-*.sqlite, or ``--source FILE``); without one,
a 100,000-person database is generated with the same generator.

    .venv/bin/python benchmarks/bench_person_intake.py [--source DB] [--persons 1000000] [--n 1000]

The source database is copied (never changed); the copy is migrated, gets a unit, an intake officer and
a mobile session, then ``--n`` known persons without level 2 are taken in one by one (half at the desk,
half against the session). Prints one JSON line and exits 1 when the budget is exceeded.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from models.core.store import Actor, Store  # noqa: E402
from models.people import level2, schedules  # noqa: E402

OUT = ROOT / "benchmarks" / "out" / "people"
BUDGET_P95_MS = 50.0


def source_db(persons: int, given: str | None) -> Path:
    if given:
        return Path(given)
    found = sorted(OUT.glob(f"persons-{persons}-*.sqlite"))
    if found:
        return found[-1]
    import bench_people  # imported late: only to generate a database when none is cached

    return bench_people.million_db(min(persons, 100_000))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args(argv)
    source = source_db(args.persons, args.source)
    OUT.mkdir(parents=True, exist_ok=True)
    work = OUT / "intake-work.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, work)
    store = Store(work)  # migrates the copy to this branch's schema
    try:
        now = store.now_iso()
        with store.atomic():
            unit = store.execute("INSERT INTO units(code, name, parent_name, place_name, created_at) VALUES "
                                 "('CAX-BENCH', 'Công an xã Phước Dân', 'Công an tỉnh Ninh Thuận', 'Ninh Thuận', ?)",
                                 (now,)).lastrowid
            officer = store.execute("INSERT INTO officers(username, full_name, role, active, created_at) "
                                    "VALUES ('canbo', 'Lê Thị Hồng Nhung', 'intake', 1, ?)", (now,)).lastrowid
        store.set_setting("unit_id", unit, audit=False)
        total = store.scalar("SELECT count(*) FROM persons")
        area = store.scalar("SELECT area_code FROM persons WHERE area_code IS NOT NULL LIMIT 1")
        session = schedules.create_session(store, held_on=store.today(), area_code=area, expected_people=args.n)
        store.actor = Actor(officer, "canbo", "Lê Thị Hồng Nhung", "intake")
        rng = random.Random(19)
        ids: list[str] = []
        max_id = store.scalar("SELECT max(id) FROM persons")
        seen: set[str] = set()
        while len(ids) < args.n:
            row = store.query_one("SELECT id_number, account_level FROM persons WHERE id = ?",
                                  (rng.randint(1, max_id),))
            if row and row["id_number"] and row["account_level"] < 2 and row["id_number"] not in seen:
                seen.add(row["id_number"])
                ids.append(row["id_number"])
        times = []
        for n, number in enumerate(ids):
            started = time.perf_counter()
            found = level2.lookup(store, number)
            assert found["person"] is not None and found["open"] is None
            level2.intake(store, number, id_card_valid=bool(n % 3), session_id=session if n % 2 else None)
            times.append((time.perf_counter() - started) * 1000)
        p95 = percentile(times, 95)
        result = {"measure": "person_intake_known", "persons": total, "intakes": len(times),
                  "p50_ms": round(percentile(times, 50), 2), "p95_ms": round(p95, 2),
                  "max_ms": round(max(times), 2), "budget_p95_ms": BUDGET_P95_MS, "ok": p95 <= BUDGET_P95_MS,
                  "source": source.name}
        print(json.dumps(result), flush=True)
        return 0 if result["ok"] else 1
    finally:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
