"""Weekly report budgets (issue 5): figures + PDF for a unit with 20 areas and 4 groups in ≤ 0.5 s;
with 100 areas in ≤ 2 s. Measured end to end: ``collect_report`` (progress figures, trend) and
``render_report_pdf`` (layout, chart, font subsetting), median of several runs after one warm-up.

Usage: ``.venv/bin/python benchmarks/bench_report.py [--dossiers 5000] [--runs 5]``
Prints one JSON line per case and exits 1 when a budget is exceeded.
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

from exporters.report_pdf import render_report_pdf  # noqa: E402
from exporters.report_xlsx import render_report_xlsx  # noqa: E402
from models.core.store import Store  # noqa: E402
from models.reports.period import week_ending  # noqa: E402
from models.reports.weekly import collect_report  # noqa: E402
from tests.factories.reports import make_campaign, make_dossiers, make_unit  # noqa: E402

CASES = [(20, 0.5), (100, 2.0)]


def measure(areas: int, dossiers: int, runs: int, tmp: Path) -> dict:
    store = Store(tmp / f"bench-{areas}.sqlite", clock=lambda: dt.datetime(2025, 3, 13, 9, 30))
    codes = make_unit(store, areas)
    make_dossiers(store, codes, dossiers, dt.date(2024, 12, 30), dt.date(2025, 3, 12))
    make_campaign(store, codes)
    period = week_ending(dt.date(2025, 3, 12))
    times, pages = [], 0
    for run in range(runs + 1):
        start = time.perf_counter()
        data = collect_report(store, period, number=12, difficulties="Khó khăn, vướng mắc.", proposals="Đề xuất.")
        rendered = render_report_pdf(data)
        elapsed = time.perf_counter() - start
        pages = rendered.pages
        if run:  # the first run warms up fonts and caches
            times.append(elapsed)
    start = time.perf_counter()
    render_report_xlsx(data)
    xlsx = time.perf_counter() - start
    store.close()
    return {"areas": areas, "groups": 4, "dossiers": dossiers, "pages": pages,
            "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
            "xlsx_s": round(xlsx, 3)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=5000, help="dossiers per 20 areas (scaled with areas)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for areas, budget in CASES:
            result = measure(areas, args.dossiers * areas // 20, args.runs, Path(tmp))
            result.update(budget_s=budget, ok=result["median_s"] <= budget)
            failed |= not result["ok"]
            print(json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
