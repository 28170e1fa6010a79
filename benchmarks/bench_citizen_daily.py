"""Citizens' daily summary budget (issue 16): the one-page PDF (figures from ``citizen_progress``, then the
Decree 30 renderer) ≤ 0.5 s.

On the demo database (30,000 persons, 16 communes, 4 area officers, 40 agencies, the demo's citizens'
campaign), built with ``main.py demo`` into ``benchmarks/out/demo-citizens.sqlite`` when missing
(``--db`` for another one, e.g. ``bench_citizen_progress.py``'s million-person database, where the
officers' table runs over several pages). Timed: ``services.citizen_reports.build_daily`` for several days of
the campaign, each several times after a warm-up; the budget applies to each day's median (wall clock; CPU
time printed too, the machine being shared). Usage::

    .venv/bin/python benchmarks/bench_citizen_daily.py [--runs 5] [--db FILE] [--campaign ID]

Prints one JSON line per day and a summary; exits 1 when the budget is exceeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.core.store import Store  # noqa: E402
from services.citizen_reports import build_daily  # noqa: E402

BUDGET = 0.5
DEFAULT_DB = ROOT / "benchmarks" / "out" / "demo-citizens.sqlite"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--campaign", type=int, help="a citizens' campaign (default: the newest)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "main.py"), "demo", "--db", str(args.db)], check=True,
                       stdout=subprocess.DEVNULL)
    store = Store(args.db)
    try:
        campaign = store.query_one("SELECT id, start_on, end_on FROM campaigns WHERE subject_type = 'person'"
                                   " AND (? IS NULL OR id = ?) ORDER BY start_on DESC, id DESC LIMIT 1",
                                   (args.campaign, args.campaign))
        start, end = dt.date.fromisoformat(campaign["start_on"]), dt.date.fromisoformat(campaign["end_on"])
        today = store.today()
        days = sorted({start, start + (min(today, end) - start) / 2, min(today, end) - dt.timedelta(days=1),
                       min(today, end), end})
        build_daily(store, campaign["id"], days[0])   # warm-up: fonts, imports
        worst, results = 0.0, []
        for day in days:
            walls, cpus, pages = [], [], 0
            for _ in range(args.runs):
                w0, c0 = time.perf_counter(), time.process_time()
                report = build_daily(store, campaign["id"], day)
                walls.append(time.perf_counter() - w0)
                cpus.append(time.process_time() - c0)
                pages = report.pages
            median = statistics.median(walls)
            worst = max(worst, median)
            line = {"as_of": day.isoformat(), "median_s": round(median, 3), "max_s": round(max(walls), 3),
                    "cpu_median_s": round(statistics.median(cpus), 3), "pages": pages}
            results.append(line)
            print(json.dumps(line))
    finally:
        store.close()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(json.dumps({"db": str(args.db), "budget_s": BUDGET, "worst_median_s": round(worst, 3),
                      "load": load, "ok": worst <= BUDGET}))
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
