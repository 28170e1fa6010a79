"""The registry screen on 1,000,000 organizations, offscreen: time to first paint (budget < 1 s), peak
RSS of the process (budget < 400 MB), scrolling page by page and jumping, typing a search.

    .venv/bin/python benchmarks/bench_registry_screen.py [--count 1000000]

Reuses (or first builds) the database of bench_search.py under benchmarks/out/. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    # Build (or check) the database in a child process so its memory does not count in this one's peak.
    import subprocess

    code = (f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'benchmarks')!r}]; import json; "
            f"from registry_data import ensure_database; p, b = ensure_database({args.count}); "
            "print(json.dumps([str(p), b]))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    path, build = json.loads(out.strip().splitlines()[-1])

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])

    from models.core.store import Store
    from ui.context import AppContext
    from ui.pages.registry import RegistryPage

    class PaintSpy(QObject):
        painted_at: float | None = None

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint and self.painted_at is None:
                self.painted_at = time.perf_counter()
            return False

    rss_before = rss_mb()
    started = time.perf_counter()
    store = Store(path)
    ctx = AppContext.create(store)
    page = RegistryPage(ctx)
    page.resize(1400, 850)
    spy = PaintSpy()
    page.table.viewport().installEventFilter(spy)
    constructed = time.perf_counter()
    page.show()
    while spy.painted_at is None and time.perf_counter() - started < 30:
        app.processEvents()
    first_paint = spy.painted_at - started
    first_rows = page.model.rowCount()
    while page.loading and time.perf_counter() - started < 60:  # the rest of the ids, read in the background
        app.processEvents()
        time.sleep(0.005)
    all_loaded = time.perf_counter() - started
    rows = page.model.rowCount()
    count_text = page.count_label.text()

    # scroll page by page from the top, then jump around like dragging the scroll bar
    bar = page.table.verticalScrollBar()
    page_times = []
    for _ in range(200):
        t = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        page.table.viewport().repaint()
        page_times.append((time.perf_counter() - t) * 1000)
    jump_times = []
    for fraction in (0.1, 0.5, 0.9, 1.0, 0.25, 0.75, 0.0, 0.33, 0.66, 0.999):
        t = time.perf_counter()
        bar.setValue(int(bar.maximum() * fraction))
        page.table.viewport().repaint()
        jump_times.append((time.perf_counter() - t) * 1000)
    last_row_name = page.model.data(page.model.index(rows - 1, 1))

    # typing a search and clearing it (each requery as after the debounce)
    type_times = []
    for text in ("ng", "nguy", "nguyen", "nguyen van", "nguyen van hung", ""):
        t = time.perf_counter()
        page.search.setText(text)
        page.requery()
        page.table.viewport().repaint()
        while page.loading:
            app.processEvents()
            time.sleep(0.002)
        type_times.append({"text": text, "ms": round((time.perf_counter() - t) * 1000, 1),
                           "rows": page.model.rowCount()})
    # select rows with the keyboard: detail panel + history for each
    t = time.perf_counter()
    for row in range(0, 50):
        page.select_row(row)
        app.processEvents()
    select_ms = (time.perf_counter() - t) * 1000 / 50

    summary = {
        "benchmark": "registry_screen",
        "organizations": args.count,
        "build": build,
        "rows_at_first_paint": first_rows,
        "rows_in_table": rows,
        "all_rows_loaded_s": round(all_loaded, 3),
        "count_label": count_text,
        "construct_s": round(constructed - started, 3),
        "first_paint_s": round(first_paint, 3),
        "budget_first_paint_s": 1.0,
        "scroll_page_ms": {"p50": round(statistics.median(page_times), 1), "max": round(max(page_times), 1)},
        "scroll_jump_ms": {"p50": round(statistics.median(jump_times), 1), "max": round(max(jump_times), 1)},
        "blocks_cached": page.model.cached_blocks(),
        "blocks_fetched": page.model.fetches,
        "last_row": last_row_name,
        "typing": type_times,
        "select_row_with_detail_ms": round(select_ms, 1),
        "rss_before_page_mb": round(rss_before, 1),
        "rss_end_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "budget_peak_rss_mb": 400,
    }
    summary["ok"] = summary["first_paint_s"] < 1.0 and summary["peak_rss_mb"] < 400
    print(json.dumps(summary, ensure_ascii=False))
    ctx.changes.detach()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
