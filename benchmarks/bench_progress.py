"""Progress budgets (issue 4): a campaign's figures over 200,000 dossiers and 100 areas in ≤ 200 ms;
the dashboard (figures, weekly series, cards, four charts, tables) opens in ≤ 500 ms.

The data (``tests/progress_data.bulk_generate``: 200,000 dossiers, ~174,000 organizations, 100 areas,
30 officers over 180 days, the Kiên Giang campaign scaled to the unit and allocated) is generated once
into ``benchmarks/out/progress-200k.sqlite`` (about a minute: the progress triggers run per row) and
reused. Median of several runs after a warm-up.

Usage: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_progress.py [--runs 7] [--fresh]``
Prints one JSON line per case and exits 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from models.campaigns.progress import compute_progress, weekly_series  # noqa: E402
from models.campaigns.targets import allocate_proportionally, effective_target, list_targets  # noqa: E402
from models.campaigns.templates import create_from_template  # noqa: E402
from models.core.store import Store  # noqa: E402
from tests.progress_data import bulk_generate  # noqa: E402

AS_OF = dt.date(2025, 3, 13)
BUDGETS = {"compute_progress": 0.200, "dashboard_open": 0.500}


def build(path: Path, dossiers: int, areas: int) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store(path, clock=lambda: dt.datetime(2025, 3, 13, 9, 30))
    try:
        bulk_generate(store, dossiers=dossiers, areas=areas)
        campaign_id = create_from_template(store, "kien_giang_374", make_current=True)
        for target in list_targets(store, campaign_id):
            if effective_target(store, target).value is not None:
                allocate_proportionally(store, target["id"])
        store.execute("ANALYZE")
    finally:
        store.close()


def timed(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--areas", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    args = parser.parse_args(argv)
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"progress-{args.dossiers // 1000}k-{args.areas}.sqlite"
    if args.fresh or not path.exists():
        start = time.perf_counter()
        build(path, args.dossiers, args.areas)
        print(json.dumps({"case": "generate", "seconds": round(time.perf_counter() - start, 1)}), flush=True)
    store = Store(path, clock=lambda: dt.datetime(2025, 3, 13, 9, 30))
    failed = False
    try:
        results = {
            "compute_progress": timed(lambda: compute_progress(store, as_of=AS_OF), args.runs),
            "weekly_series": timed(lambda: weekly_series(store, None, until=AS_OF), args.runs),
        }
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([])
        from ui.context import AppContext
        from ui.pages.progress import ProgressPage

        ctx = AppContext.create(store)

        def open_dashboard():
            page = ProgressPage(ctx)
            page.resize(1280, 820)
            page.show()
            app.processEvents()
            page.close()
            page.deleteLater()
            app.processEvents()

        results["dashboard_open"] = timed(open_dashboard, max(3, args.runs // 2))
        ctx.changes.detach()
        for case, seconds in results.items():
            budget = BUDGETS.get(case)
            ok = budget is None or seconds <= budget
            failed |= not ok
            print(json.dumps({"case": case, "dossiers": args.dossiers, "areas": args.areas,
                              "ms": round(seconds * 1000, 1), "budget_ms": budget and budget * 1000, "ok": ok}),
                  flush=True)
    finally:
        store.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
