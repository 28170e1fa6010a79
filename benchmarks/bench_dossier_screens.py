"""Dossier SCREEN timings (issue 3) on the dossier benchmark database, measured through the real widgets
(offscreen Qt), on top of the model figures of ``bench_dossiers.py``:

- opening a worklist on the dossiers page: ``DossiersPage.reload()`` (ids, counts, model reset) plus
  painting the first screen of rows: ≤ 200 ms for every list;
- intake look-up: the tax code typed in the intake dialog and Enter (find, prefill the form, duplicate
  flag): p95 ≤ 30 ms;
- intake save from the dialog (duplicate check, ``dossiers.create`` with verification, the "saved" panel):
  p95 ≤ 50 ms.

Uses ``benchmarks/out/dossiers-<orgs>-<dossiers>.sqlite`` built by ``bench_dossiers.build`` (built here
when missing). Prints one JSON line per case; exit 1 when a budget is exceeded.

Usage: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_dossier_screens.py [--orgs N] [--dossiers M]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

from benchmarks.bench_dossiers import TODAY, _schema_matches, build  # noqa: E402
from benchmarks.registry_data import OUT  # noqa: E402
from models.core.store import Actor, Store  # noqa: E402
from models.dossiers import worklists  # noqa: E402
from models.dossiers.states import STATUSES  # noqa: E402

BUDGETS = {"worklist_ms": 200.0, "lookup_p95_ms": 30.0, "save_p95_ms": 50.0}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def bench(path: Path, runs: int) -> list[dict]:
    from ui.context import AppContext
    from ui.dialogs.intake_dialog import IntakeDialog
    from ui.pages.dossiers import DossiersPage

    app = QApplication.instance() or QApplication([])
    # work on a copy: the saves below must not change the shared benchmark database
    work = Path(tempfile.mkdtemp()) / path.name
    source, target = sqlite3.connect(str(path)), sqlite3.connect(str(work))
    try:
        source.backup(target)  # consistent copy, WAL included
    finally:
        target.close()
        source.close()
    store = Store(work, clock=lambda: TODAY)
    officer = store.query_one("SELECT id, username, full_name, role FROM officers WHERE role = 'intake' LIMIT 1")
    store.actor = Actor(officer["id"], officer["username"], officer["full_name"], officer["role"])
    ctx = AppContext.create(store)
    window = QMainWindow()
    ctx.window = window
    page = DossiersPage(ctx)
    window.setCentralWidget(page)
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    results = []
    try:
        keys = [*(k for k in worklists.WORKLISTS), *(f"status:{s}" for s in STATUSES)]
        for key in keys:
            samples, model_samples = [], []
            for _ in range(runs):
                # the model's share: ids and counts (what bench_dossiers.py measures)
                t = time.perf_counter()
                worklists.list_ids(store, key)
                worklists.counts(store)
                model_samples.append((time.perf_counter() - t) * 1000)
                # the screen: switching to the list (new ids, counts re-read as after a change) and painting
                page.model._rows.clear()
                t = time.perf_counter()
                page.current_list = key
                page.reload(counts=True)
                page.table.viewport().repaint()  # paints the visible rows: their block is fetched now
                samples.append((time.perf_counter() - t) * 1000)
            median = statistics.median(samples[1:] if len(samples) > 1 else samples)
            model_median = statistics.median(model_samples[1:] if len(model_samples) > 1 else model_samples)
            results.append({"case": f"page worklist {key}", "rows": page.model.rowCount(),
                            "median_ms": round(median, 1), "model_ids_counts_ms": round(model_median, 1),
                            "screen_overhead_ms": round(median - model_median, 1),
                            "budget_ms": BUDGETS["worklist_ms"], "ok": median <= BUDGETS["worklist_ms"]})

        rng = random.Random(3)
        max_id = store.scalar("SELECT max(id) FROM organizations")
        lookups, saves = [], []
        for _ in range(runs * 8):
            tax = store.scalar("SELECT tax_code FROM organizations WHERE id >= ? AND tax_code IS NOT NULL "
                               "AND merged_into IS NULL LIMIT 1", (rng.randint(1, max_id),))
            dialog = IntakeDialog(ctx, window)
            dialog.show()
            dialog.lookup.edit.setText(tax)
            t = time.perf_counter()
            dialog.lookup.accept_current()
            lookups.append((time.perf_counter() - t) * 1000)
            assert dialog.org is not None and dialog.org["tax_code"] == tax
            dialog.duplicate_accept.setChecked(True)
            t = time.perf_counter()
            saved = dialog.save()
            saves.append((time.perf_counter() - t) * 1000)
            assert saved is not None, dialog.status_label.text()
            dialog.close()
            dialog.deleteLater()
            app.processEvents()
        lookups, saves = lookups[3:], saves[3:]
        results.append({"case": "intake lookup (tax code + Enter → prefilled form)", "n": len(lookups),
                        "median_ms": round(statistics.median(lookups), 2), "p95_ms": round(_p95(lookups), 2),
                        "budget_ms": BUDGETS["lookup_p95_ms"], "ok": _p95(lookups) <= BUDGETS["lookup_p95_ms"]})
        results.append({"case": "intake save from the dialog", "n": len(saves),
                        "median_ms": round(statistics.median(saves), 2), "p95_ms": round(_p95(saves), 2),
                        "budget_ms": BUDGETS["save_p95_ms"], "ok": _p95(saves) <= BUDGETS["save_p95_ms"]})
    finally:
        ctx.changes.detach()
        window.close()
        store.close()
        shutil.rmtree(work.parent, ignore_errors=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"dossiers-{args.orgs}-{args.dossiers}.sqlite"
    if not path.exists() or not _schema_matches(path):
        print(json.dumps({"build": build(path, args.orgs, args.dossiers)}, ensure_ascii=False), flush=True)
    ok = True
    for result in bench(path, args.runs):
        ok = ok and result["ok"]
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
