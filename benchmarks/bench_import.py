"""Import budget (issue 2): importing a 100,000-row, 10-column workbook takes at most 2x the time
python-calamine alone needs to read the same file, measured in the same run.

    .venv/bin/python benchmarks/bench_import.py [--rows 100000] [--keep DIR]

Prints one JSON line per measurement: calamine read time, import time on an empty database, import
time of the same file again (re-import: everything unchanged), and each ratio to the calamine time.
Each figure is the best of ``--repeat`` runs (the machine is shared; the best run is the least
disturbed one). Exit code 1 if a ratio exceeds the budget.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.registry_import import import_file  # noqa: E402
from models.store import Store  # noqa: E402
from tests.factories.messy_files import add_areas, write_big_xlsx  # noqa: E402

BUDGET = 2.0


def calamine_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    elapsed = time.perf_counter() - started
    assert len(rows) > 0
    return elapsed


def import_once(db: Path, path: Path) -> tuple[float, dict]:
    store = Store(db)
    try:
        started = time.perf_counter()
        result = import_file(store, path, 1)
        return time.perf_counter() - started, result.counts()
    finally:
        store.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", help="folder for the generated workbook (reused when present)")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"to-chuc-{args.rows}.xlsx"
    if not source.exists():
        write_big_xlsx(source, args.rows)
    reads, fresh, again = [], [], []
    counts_fresh = counts_again = None
    for attempt in range(args.repeat):
        reads.append(calamine_read(source))
        db = folder / f"bench-{attempt}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        store = Store(db)
        add_areas(store)
        store.close()
        elapsed, counts_fresh = import_once(db, source)
        fresh.append(elapsed)
        elapsed, counts_again = import_once(db, source)
        again.append(elapsed)
    read = min(reads)
    report = [
        {"measure": "calamine_read", "rows": args.rows, "seconds": round(read, 3)},
        {"measure": "import_empty_db", "seconds": round(min(fresh), 3), "ratio": round(min(fresh) / read, 2),
         "counts": counts_fresh},
        {"measure": "reimport_same_file", "seconds": round(min(again), 3), "ratio": round(min(again) / read, 2),
         "counts": counts_again},
    ]
    for line in report:
        print(json.dumps(line, ensure_ascii=False))
    ok = all(line.get("ratio", 0) <= BUDGET for line in report)
    print(json.dumps({"budget_ratio": BUDGET, "within_budget": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
