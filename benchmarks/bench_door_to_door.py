"""Door-to-door sheet budget (issue 16): the PDF of an area officer's 5,000 residents not yet activated
in ≤ 2 s. Measured end to end from the database: ``door_to_door_document`` (the worklist query, sorting,
masking) and ``render_worklist_pdf`` (layout, font subsetting), median of several runs after one warm-up;
the Excel export of the same list is reported too (no budget).

Usage: ``.venv/bin/python benchmarks/bench_door_to_door.py [--residents 5000] [--runs 3]``
Prints one JSON line and exits 1 when the budget is exceeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exporters.worklist_pdf import render_worklist_pdf  # noqa: E402
from exporters.worklist_xlsx import write_worklist_xlsx  # noqa: E402
from models.core.store import SYSTEM_ACTOR, Store  # noqa: E402
from models.people import area_officers  # noqa: E402
from models.people.worklists import door_to_door_document  # noqa: E402
from tests.factories import worklist_data  # noqa: E402

BUDGET = 2.0


def measure(residents: int, runs: int, tmp: Path) -> dict:
    store = Store(tmp / "bench.sqlite", clock=lambda: dt.datetime(2025, 1, 9, 9, 30))
    # seed about twice as many residents: about half are activated or under 14 and drop out of the list
    info = worklist_data.seed(store, int(residents * 1.56), seed=11)
    officer = info["officers"]["cskv1"]
    for area in info["areas"]:
        for village in worklist_data.VILLAGES:
            area_officers.assign(store, officer, area, village)
    store.actor = SYSTEM_ACTOR
    times, cpu_times, query_times, pages, count = [], [], [], 0, 0
    for run in range(runs + 1):
        start, cpu = time.perf_counter(), time.process_time()
        doc = door_to_door_document(store, officer)
        queried = time.perf_counter()
        pdf = render_worklist_pdf(doc)
        done = time.perf_counter()
        if run:
            times.append(done - start)
            cpu_times.append(time.process_time() - cpu)
            query_times.append(queried - start)
        pages, count = pdf.count(b"/Type /Page\n"), doc.count
    start = time.perf_counter()
    write_worklist_xlsx(tmp / "sheet.xlsx", doc)
    xlsx = time.perf_counter() - start
    store.close()
    return {"case": "door_to_door_pdf", "residents_listed": count, "pages": pages,
            "seconds": round(statistics.median(times), 3),
            "cpu_seconds": round(statistics.median(cpu_times), 3), "query_seconds": round(statistics.median(query_times), 3),
            "xlsx_seconds": round(xlsx, 3), "budget": BUDGET, "ok": statistics.median(times) <= BUDGET}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(args.residents, args.runs, Path(tmp))
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
