"""Citizens' progress budget (issue 16): a citizens' campaign's daily figures for 1,000,000 persons,
100 communes, 500 area officers and 200 agencies, as of any date: ≤ 200 ms.

The data starts from ``benchmarks/bench_people.py``'s cached 1,000,000-person database
(``benchmarks/out/people/persons-1000000-*.sqlite``, built there if missing), copied once into
``benchmarks/out/people/citizen-progress-1000000.sqlite`` and prepared: 100 communes of a unit (persons
spread over them, 15 villages each), accounts and activations dated like Ninh Thuận's (18 % activated
over the two years before 27/6/2023, 45 % during the 80 days, more afterwards; level 2 and portal
accounts too), 500 officers over the villages, 200 agencies with 150 staff each (20 of them
enterprises), and seed 003's campaign (``ninh_thuan_80_ngay``) with its targets allocated. The dates
are written with the m021 triggers dropped, then the daily tables are rebuilt and the triggers put back
(a bulk write of a million dates; the figures read the same tables either way).

Timed: ``citizen_progress`` as of dates before, during, at the end of and long after the campaign,
each several times after a warm-up; the budget applies to each date's median (wall clock; the CPU time is
printed too, the machine being shared). Usage::

    .venv/bin/python benchmarks/bench_citizen_progress.py [--runs 5] [--fresh]

Prints one JSON line per date and a summary; exits 1 when the budget is exceeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_people import OUT, million_db  # noqa: E402
from models.campaigns.citizen_progress import citizen_progress  # noqa: E402
from models.campaigns.citizen_targets import ENTERPRISE_TYPE  # noqa: E402
from models.campaigns.templates import create_citizen_campaign  # noqa: E402
from models.core.migrations import m021_citizen_campaigns as m021  # noqa: E402
from models.core.store import Store  # noqa: E402

PERSONS = 1_000_000
COMMUNES, VILLAGES, OFFICERS, AGENCIES, STAFF = 100, 15, 500, 200, 150
BUDGET = 0.200
PREPARED = "citizen-progress-v3"
DATES = [dt.date(2023, 6, 20), dt.date(2023, 6, 27), dt.date(2023, 7, 31), dt.date(2023, 9, 1),
         dt.date(2023, 9, 15), dt.date(2024, 3, 4), dt.date(2025, 12, 31)]


def _h(salt: int) -> str:
    """A deterministic pseudo-random 0..999 per person (SQL)."""
    return f"((id * {2654435761 + salt * 40503}) % 1000003) % 1000"


def prepare(path: Path) -> None:
    source = million_db(PERSONS)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copy(source, path)
    started = time.perf_counter()
    store = Store(path)
    try:
        with store.atomic():
            unit = store.scalar("SELECT id FROM units WHERE code = 'BENCH'") or store.execute(
                "INSERT INTO units(code, name, kind, created_at) VALUES ('BENCH', 'Công an tỉnh Ninh Thuận', 'local',"
                " '2023-06-01 08:00:00')").lastrowid
            store.set_setting("unit_id", unit, audit=False)
            store.conn.executemany(
                "INSERT OR REPLACE INTO areas(code, name, division_type, unit_id, name_fold) VALUES (?,?,?,?,?)",
                [(f"58{i:03d}", f"Xã Bench {i:03d}", "Xã" if i % 5 else "Phường", unit, f"xa bench {i:03d}")
                 for i in range(COMMUNES)])
            for trigger in [r[0] for r in store.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                    " AND (name LIKE 'person_daily_%' OR name LIKE 'staff_daily_%')")]:
                store.execute(f"DROP TRIGGER {trigger}")
            store.execute(
                "UPDATE persons SET area_code = printf('58%03d', id % 100),"
                f" village = 'Thôn ' || (1 + (id / 100) % {VILLAGES}),"
                f" activated_on = CASE WHEN {_h(1)} < 180 THEN date('2023-06-26', '-' || ({_h(2)} * 73 / 100) || ' days')"
                f"  WHEN {_h(1)} < 630 THEN date('2023-06-27', '+' || ({_h(2)} % 81) || ' days')"
                f"  WHEN {_h(1)} < 720 THEN date('2023-09-16', '+' || ({_h(2)} * 8 / 10) || ' days') END,"
                f" level2_issued_on = CASE WHEN {_h(3)} < 400 THEN date('2023-09-15', '-' || ({_h(4)}) || ' days') END,"
                f" level1_on = CASE WHEN {_h(5)} < 600 THEN date('2023-09-15', '-' || ({_h(6)}) || ' days') END,"
                f" portal_on = CASE WHEN {_h(7)} < 100 THEN date('2023-12-31', '-' || ({_h(8)}) || ' days') END")
            for sql in m021.backfill() + m021.triggers():
                store.execute(sql)
            store.conn.executemany(
                "INSERT INTO officers(username, full_name, role, created_at) VALUES (?,?,'intake','2023-06-01')",
                [(f"cskv{i:03d}", f"Cán bộ CSKV {i:03d}") for i in range(OFFICERS)])
            officers = [r[0] for r in store.execute("SELECT id FROM officers WHERE username LIKE 'cskv%' ORDER BY id")]
            places = [(f"58{c:03d}", f"Thôn {v}") for c in range(COMMUNES) for v in range(1, VILLAGES + 1)]
            store.conn.executemany("INSERT INTO officer_areas(officer_id, area_code, village) VALUES (?,?,?)",
                                   [(officers[i % OFFICERS], a, v) for i, (a, v) in enumerate(places)])
            for a in range(AGENCIES):
                kind = ENTERPRISE_TYPE if a % 10 == 0 else "state"
                agency = store.execute(
                    "INSERT INTO agencies(uuid, name, name_key, agency_type, created_at, updated_at)"
                    " VALUES (?,?,?,?,'2023-06-01','2023-06-01')",
                    (f"00000000-0000-4000-9000-{a:012x}", f"Cơ quan {a:03d}", f"co quan {a:03d}", kind)).lastrowid
                store.conn.executemany(
                    "INSERT INTO agency_staff(agency_id, person_id, created_at, updated_at)"
                    " VALUES (?,?,'2023-06-01','2023-06-01')",
                    [(agency, 1 + (a * STAFF + s) * 31 % PERSONS) for s in range(STAFF)])
        create_citizen_campaign(store, "ninh_thuan_80_ngay")
        store.execute("ANALYZE")
        store.set_setting("bench_prepared", PREPARED, audit=False)
    finally:
        store.close()
    print(json.dumps({"measure": "prepared", "seconds": round(time.perf_counter() - started, 1)}), flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"citizen-progress-{PERSONS}.sqlite"
    ready = False
    if path.exists() and not args.fresh:
        store = Store(path)
        try:
            ready = store.get_setting("bench_prepared") == PREPARED
        finally:
            store.close()
    if not ready:
        prepare(path)
    store = Store(path)
    worst = []
    try:
        counts = {"persons": store.scalar("SELECT COUNT(*) FROM persons"),
                  "communes": store.scalar("SELECT COUNT(*) FROM areas WHERE unit_id IS NOT NULL"),
                  "officers": store.scalar("SELECT COUNT(DISTINCT officer_id) FROM officer_areas"),
                  "agencies": store.scalar("SELECT COUNT(*) FROM agencies")}
        citizen_progress(store, None, DATES[2])    # warm-up: page cache, calendar
        for day in DATES:
            times, cpu = [], []
            for _ in range(args.runs):
                started, cpu_started = time.perf_counter(), time.process_time()
                progress = citizen_progress(store, None, day)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
            t = progress.targets[0]
            worst.append(statistics.median(times))
            print(json.dumps({"measure": "citizen_progress", "as_of": day.isoformat(), **counts,
                              "median_ms": round(statistics.median(times) * 1000, 1),
                              "max_ms": round(max(times) * 1000, 1),
                              "cpu_median_ms": round(statistics.median(cpu) * 1000, 1), "cumulative": t.total.cumulative,
                              "target": t.total.target, "villages": len(t.rows["village"]),
                              "officer_rows": len(t.rows["officer"])}), flush=True)
    finally:
        store.close()
    ok = max(worst) <= BUDGET
    print(json.dumps({"measure": "summary", "budget_ms": BUDGET * 1000,
                      "worst_median_ms": round(max(worst) * 1000, 1), "load": round(os.getloadavg()[0], 1),
                      "ok": ok}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
