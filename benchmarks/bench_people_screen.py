"""The Công dân screen on 1,000,000 persons, offscreen: time to first paint (budget < 1 s), peak RSS of
the process (budget < 400 MB), scrolling and jumping, typing a search (name without diacritics, ID
fragment), the filters, selecting rows with the detail panel.

    .venv/bin/python benchmarks/bench_people_screen.py [--persons 1000000]

Reuses the cached database of bench_people.py under benchmarks/out/people/ (or builds it, 1-2 minutes,
in a child process so its memory does not count in this one's peak). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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
    parser.add_argument("--persons", type=int, default=1_000_000)
    args = parser.parse_args()
    code = (f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'benchmarks')!r}]; "
            f"from bench_people import million_db; print(million_db({args.persons}))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    path = out.strip().splitlines()[-1]

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])

    from models.core.store import Store
    from ui.context import AppContext
    from ui.pages.people import PeoplePage

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
    page = PeoplePage(ctx)
    page.resize(1366, 768)
    view = page.people
    spy = PaintSpy()
    view.table.viewport().installEventFilter(spy)
    constructed = time.perf_counter()
    page.show()
    while spy.painted_at is None and time.perf_counter() - started < 30:
        app.processEvents()
    first_paint = spy.painted_at - started
    first_rows = view.model.rowCount()
    fetches_first_paint = view.model.fetches
    while view.loading and time.perf_counter() - started < 60:
        app.processEvents()
        time.sleep(0.005)
    all_loaded = time.perf_counter() - started
    rows = view.model.rowCount()

    bar = view.table.verticalScrollBar()
    page_times = []
    for _ in range(200):
        t = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        view.table.viewport().repaint()
        page_times.append((time.perf_counter() - t) * 1000)
    jump_times = []
    for fraction in (0.1, 0.5, 0.9, 1.0, 0.25, 0.75, 0.0, 0.33, 0.66, 0.999):
        t = time.perf_counter()
        bar.setValue(int(bar.maximum() * fraction))
        view.table.viewport().repaint()
        jump_times.append((time.perf_counter() - t) * 1000)

    def timed(action) -> dict:
        t = time.perf_counter()
        action()
        view.table.viewport().repaint()
        shown = time.perf_counter()  # the first screenful is painted; a browse reads the rest in a thread
        while view.loading:
            app.processEvents()
            time.sleep(0.002)
        return {"painted_ms": round((shown - t) * 1000, 1), "all_ids_ms": round((time.perf_counter() - t) * 1000, 1),
                "rows": view.model.rowCount()}

    typing = []
    for text in ("ng", "nguyen", "nguyen van", "nguyen van hung", "tran thi mai", "0581", "123456", ""):
        view.search.setText(text)
        typing.append({"text": text, **timed(view.requery)})
    filters = []
    area = view.area.itemData(1)
    filters.append({"filter": "xã", **timed(lambda: view.area.setCurrentIndex(1))})
    filters.append({"filter": "xã + thôn", **timed(lambda: view.village.setCurrentIndex(1))})
    filters.append({"filter": "xã + thôn + mức 2", **timed(lambda: view.level.setCurrentIndex(3))})
    view.village.setCurrentIndex(0)
    view.level.setCurrentIndex(0)
    view.area.setCurrentIndex(0)
    while view.loading:
        app.processEvents()
        time.sleep(0.002)
    filters.append({"filter": "chưa kích hoạt", **timed(lambda: view.activation.setCurrentIndex(2))})
    filters.append({"filter": "chưa kích hoạt, từ 14 tuổi", **timed(lambda: view.eligible.setChecked(True))})
    t = time.perf_counter()
    for row in range(50):
        view.select_row(row)
        app.processEvents()
    select_ms = (time.perf_counter() - t) * 1000 / 50

    summary = {
        "benchmark": "people_screen",
        "persons": args.persons,
        "database": Path(path).name,
        "rows_at_first_paint": first_rows,
        "blocks_fetched_at_first_paint": fetches_first_paint,
        "rows_in_table": rows,
        "all_rows_loaded_s": round(all_loaded, 3),
        "construct_s": round(constructed - started, 3),
        "first_paint_s": round(first_paint, 3),
        "budget_first_paint_s": 1.0,
        "scroll_page_ms": {"p50": round(statistics.median(page_times), 1), "max": round(max(page_times), 1)},
        "scroll_jump_ms": {"p50": round(statistics.median(jump_times), 1), "max": round(max(jump_times), 1)},
        "blocks_cached": view.model.cached_blocks(),
        "blocks_fetched": view.model.fetches,
        "typing": typing,
        "filters": filters,
        "filter_area": area,
        "select_row_with_detail_ms": round(select_ms, 1),
        "rss_before_page_mb": round(rss_before, 1),
        "rss_end_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "budget_peak_rss_mb": 400,
        "load_average": os.getloadavg()[0],
    }
    summary["ok"] = summary["first_paint_s"] < 1.0 and summary["peak_rss_mb"] < 400
    print(json.dumps(summary, ensure_ascii=False))
    ctx.changes.detach()
    store.close()
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
