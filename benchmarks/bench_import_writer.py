"""Issue 17: the registry import's writer in bulk mode and the search index built after the commit.

    .venv/bin/python benchmarks/bench_import_writer.py [--rows 100000] [--repeat 3] [--keep DIR]

In one run, each figure the best (min) of ``--repeat`` and given as a ratio to python-calamine's read of
the same workbook (the machine is shared: ratios, not seconds, are comparable between runs):
- ``bulk_committed``: read + check + the bulk writer (``importing/bulk.py``) up to COMMIT (the rows are
  visible and found by search through the tail scan);
- ``bulk_searchable``: the same plus every search-index slice (``search_index.build_pending``);
- ``rows_committed``: the row-by-row path (TEMP staging + triggers) for comparison; committed = searchable;
- ``reimport_unchanged``: the same file again into the registry just built;
- ``search_while_indexing`` / ``search_while_slicing`` / ``search_after``: p50/p95 ms of the registry
  screen's keystroke queries (benchmarks/bench_search.py's list, ids + the first 40 rows) with all the
  new rows pending, while a second connection builds the slices, and once indexed; ``complete`` says
  every answer while pending equalled the answer once indexed;
- ``peak_rss_mb_one_import``: a child process doing one bulk import and its index (budget 400 MB);
  ``peak_rss_mb_this_benchmark`` of this process (every run and query answer).
The load of the machine (``os.getloadavg``) is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_import import calamine_read  # noqa: E402
from bench_search import QUERIES, percentile  # noqa: E402

from models.core.store import Store  # noqa: E402
from models.registry import search as registry_search  # noqa: E402
from models.registry import search_index  # noqa: E402
from models.registry.importing import analyse_file, apply_analysis, writer  # noqa: E402
from tests.factories.messy_files import add_areas, write_big_xlsx  # noqa: E402


def _fresh(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    add_areas(store)
    store.close()


def _import(db: Path, path: Path, *, bulk_min: int, build: bool) -> dict:
    writer.BULK_MIN = bulk_min
    store = Store(db)
    try:
        started = time.perf_counter()
        analysis = analyse_file(store, path, 1)
        analysed = time.perf_counter()
        result = apply_analysis(store, analysis)
        committed = time.perf_counter()
        if build:
            search_index.build_pending(store)
        return {"committed": committed - started, "searchable": time.perf_counter() - started,
                "read_and_check": analysed - started, "write": committed - analysed, "counts": result.counts()}
    finally:
        store.close()


def _import_rss(db: Path, path: Path) -> int:
    """Peak RSS (MB) of a process that does one bulk import into an empty registry and builds its index."""
    _fresh(db)
    code = ("import resource, sys; sys.path.insert(0, sys.argv[3]); from models.core.store import Store; "
            "from models.registry import search_index; from models.registry.importing import import_file; "
            "s = Store(sys.argv[1]); import_file(s, sys.argv[2], 1); search_index.build_pending(s); s.close(); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    done = subprocess.run([sys.executable, "-c", code, str(db), str(path), str(ROOT)], capture_output=True,
                          text=True, check=True)
    return int(done.stdout.split()[-1])


def _queries(store: Store) -> tuple[list[float], list[tuple]]:
    times, answers = [], []
    for _kind, text, filters in QUERIES:
        started = time.perf_counter()
        result = registry_search.search_ids(store, text, filters)
        registry_search.fetch_rows(store, result.ids[:40])
        times.append((time.perf_counter() - started) * 1000)
        answers.append((sorted(result.ids), result.capped))
    return times, answers


def _p(times: list[float]) -> dict:
    return {"p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1),
            "max_ms": round(max(times), 1), "queries": len(times)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="folder for the generated workbook (reused when present)")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-writer-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"to-chuc-{args.rows}.xlsx"
    if not source.exists():
        write_big_xlsx(source, args.rows)
    load_before = os.getloadavg()
    reads, bulk, rows, again = [], [], [], []
    searches: dict[str, list[float]] = {"search_while_indexing": [], "search_while_slicing": [], "search_after": []}
    complete = True
    for attempt in range(args.repeat):
        reads.append(calamine_read(source)[0])
        db = folder / f"writer-{attempt}.sqlite"
        _fresh(db)
        bulk.append(_import(db, source, bulk_min=0, build=False))
        store = Store(db)
        pending_times, pending_answers = _queries(store)  # every new row still pending: the tail scan
        searches["search_while_indexing"] += pending_times

        def slices(path=db) -> None:
            other = Store(path, migrate=False)
            try:
                search_index.build_pending(other)
            finally:
                other.close()

        builder = threading.Thread(target=slices)
        started = time.perf_counter()
        builder.start()
        while builder.is_alive():
            searches["search_while_slicing"] += _queries(store)[0]
        bulk[-1]["searchable"] = bulk[-1]["committed"] + (time.perf_counter() - started)
        after_times, after_answers = _queries(store)
        searches["search_after"] += after_times
        complete = complete and pending_answers == after_answers
        assert registry_search.check_index(store)
        store.close()
        again.append(_import(db, source, bulk_min=0, build=True))
        # the search index alone, without queries running beside it: committed + slices in this thread
        _fresh(db)
        alone = _import(db, source, bulk_min=0, build=True)
        bulk[-1]["searchable_alone"] = alone["searchable"]
        bulk[-1]["committed"] = min(bulk[-1]["committed"], alone["committed"])
        _fresh(db)
        rows.append(_import(db, source, bulk_min=10**12, build=True))
    read = min(reads)
    out = [{"measure": "calamine_read", "rows": args.rows, "seconds": round(read, 3)}]

    def line(name: str, seconds: float, **extra) -> None:
        out.append({"measure": name, "seconds": round(seconds, 3), "ratio": round(seconds / read, 2), **extra})

    line("bulk_committed", min(r["committed"] for r in bulk),
         write_seconds=round(min(r["write"] for r in bulk), 3),
         read_and_check_seconds=round(min(r["read_and_check"] for r in bulk), 3))
    line("bulk_searchable", min(r["searchable_alone"] for r in bulk))
    line("bulk_searchable_with_queries_beside", min(r["searchable"] for r in bulk))
    line("rows_committed", min(r["committed"] for r in rows), write_seconds=round(min(r["write"] for r in rows), 3))
    line("reimport_unchanged", min(r["committed"] for r in again))
    for name, times in searches.items():
        out.append({"measure": name, **_p(times), **({"complete": complete} if name != "search_after" else {})})
    out.append({"measure": "peak_rss_mb_one_import", "value": _import_rss(folder / "rss.sqlite", source)})
    out.append({"measure": "peak_rss_mb_this_benchmark",
                "value": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)})
    out.append({"measure": "load_average", "before": [round(x, 2) for x in load_before],
                "after": [round(x, 2) for x in os.getloadavg()]})
    for item in out:
        print(json.dumps(item, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
