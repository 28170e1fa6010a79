"""Import pipeline (issue 17, item 1): reading + guard + conversion and the full import of a 100,000-row
workbook, × python-calamine's read of the same file, measured in one run (best of ``--repeat``), with the
peak RSS of the import (a child process, so the figure is the import's own). ``standin_serial`` /
``standin_overlapped``: reading + conversion + a stand-in writer (``executemany`` of the records into a
plain indexed table), one after the other vs overlapped in 10,000-row batches with a forked writer
(``models/registry/importing/pipeline.py``).

    .venv/bin/python benchmarks/bench_import_pipeline.py [--rows 100000] [--repeat 3] [--keep DIR] [--code DIR]

``--code DIR`` imports ``models`` from another checkout (e.g. the code before a change) so before and
after run against the same workbook with the same venv. When fastexcel and polars are importable (they are
not in requirements.txt: see docs/import.md "Columnar reading and conversion"), two more lines measure
fastexcel's read of the sheet into Arrow and a columnar conversion prototype (fastexcel + polars
expressions: tax-code zero restoring and check digit, text cleaning, dd/mm/yyyy and Excel dates, NFD
folding with đ for the search key, row tuples out), and count the cells where that prototype's value
differs from what the import accepts (``cells_differing``, the exactness gap). Prints one JSON line per
measure; exit 1 when the import's peak RSS exceeds 400 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RSS_BUDGET_MB = 400


def _setup_path(code: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    if code:
        sys.path.insert(0, str(Path(code).resolve()))


def calamine_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    elapsed = time.perf_counter() - started
    assert rows
    return elapsed


def guard_alone(path: Path) -> float:
    """The oversize guard of the xlsx (models/tabular/guard.py) on its own: what the read pays before calamine."""
    from models.tabular.guard import check_workbook_extent

    started = time.perf_counter()
    check_workbook_extent(path, path.name)
    return time.perf_counter() - started


def read_guard_convert(db: Path, path: Path) -> tuple[float, int]:
    from models.core.store import Store
    from models.registry.importing import analyse_file

    store = Store(db)
    try:
        started = time.perf_counter()
        analysis = analyse_file(store, path, 1)
        return time.perf_counter() - started, len(analysis.records)
    finally:
        store.close()


def full_import(db: Path, path: Path) -> dict:
    from models.core.store import Store
    from models.registry.importing import analyse_file, apply_analysis

    store = Store(db)
    try:
        started = time.perf_counter()
        result = apply_analysis(store, analyse_file(store, path, 1))
        return {"seconds": time.perf_counter() - started, "counts": result.counts()}
    finally:
        store.close()


def fresh_db(folder: Path, name: str) -> Path:
    from models.core.store import Store
    from tests.factories.messy_files import add_areas

    db = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    add_areas(store)
    store.close()
    return db


# ---- fastexcel + polars (optional) ----------------------------------------------------------------
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def fastexcel_read(path: Path) -> float:
    import fastexcel

    started = time.perf_counter()
    frame = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None).to_polars()
    elapsed = time.perf_counter() - started
    assert frame.height
    return elapsed


def columnar_prototype(path: Path, first_data_row: int) -> tuple[float, list[tuple]]:
    """fastexcel → polars expressions → row tuples, for the benchmark's 10 columns (see the docstring)."""
    import fastexcel
    import polars as pl

    started = time.perf_counter()
    frame = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, skip_rows=first_data_row).to_polars()
    c = [pl.col(name) for name in frame.columns]

    def clean(e):
        return e.str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars(" ")

    tax = c[1].cast(pl.String)
    tax = pl.when(tax.str.len_bytes().is_in([9, 12])).then(pl.lit("0") + tax).otherwise(tax)
    head = tax.str.slice(0, 10).str.to_integer(strict=False)
    total = sum(w * ((head // 10 ** (9 - i)) % 10) for i, w in enumerate(_WEIGHTS))
    tax_ok = (head % 10 == 10 - total % 11) & (((head // 10) % 10 ** 7) != 0)
    day = c[2].cast(pl.Date, strict=False) if frame.schema[frame.columns[2]] != pl.String else \
        c[2].str.to_date("%d/%m/%Y", strict=False)
    name = clean(c[0])
    folded = (name.str.to_lowercase().str.replace_all("đ", "d").str.normalize("NFD")
              .str.replace_all(r"[\u0300-\u036f]", "").str.replace_all(r"[^0-9a-z]+", " ").str.strip_chars(" "))
    out = frame.select(
        name.alias("name"), pl.when(tax_ok).then(tax).alias("tax_code"),
        day.dt.to_string("%Y-%m-%d").alias("established_on"), clean(c[3]).alias("address"),
        clean(c[4]).alias("area"), clean(c[5]).alias("rep_name"), c[6].alias("rep_id_number"),
        c[7].alias("rep_phone"), c[8].str.to_lowercase().alias("rep_email"), clean(c[9]).alias("status"),
        folded.alias("name_fold"))
    tuples = list(out.iter_rows())
    return time.perf_counter() - started, tuples


def cells_differing(tuples: list[tuple], records: list) -> int:
    fields = ("name", "tax_code", "established_on", "address", None, "rep_name", "rep_id_number", "rep_phone",
              "rep_email")
    by_row = {r.row: r.values for r in records}
    differing = 0
    for offset, row in enumerate(tuples):
        values = by_row.get(offset + 4)  # the benchmark workbook's first data row is row 4
        if values is None:
            differing += len(fields)
            continue
        differing += sum(1 for f, v in zip(fields, row, strict=False) if f and values.get(f) != v)
    return differing


# ---- the pipeline with a stand-in writer (the bulk writer of writer.py is the real consumer) -------------
_STANDIN_FIELDS = ("tax_code", "name", "address", "area_code", "rep_name", "rep_id_number", "rep_phone",
                   "rep_email", "established_on", "status")


def _standin_table(store) -> None:
    store.execute("CREATE TABLE IF NOT EXISTS standin (tax_code TEXT UNIQUE, name TEXT, address TEXT, area_code TEXT, "
                  "rep_name TEXT, rep_id_number TEXT, rep_phone TEXT, rep_email TEXT, established_on TEXT, "
                  "status TEXT)")
    store.execute("CREATE INDEX IF NOT EXISTS standin_name ON standin(name)")


def _standin_write(store, records) -> None:
    store.conn.executemany("INSERT INTO standin VALUES (?,?,?,?,?,?,?,?,?,?)",
                           [tuple(r.values.get(f) for f in _STANDIN_FIELDS) for r in records])


def _standin_finish(store, summary) -> int:
    return store.query_one("SELECT count(*) AS c FROM standin")["c"]


CPU_SPLIT: list[tuple[float, float]] = []  # (main process, writer process) CPU seconds per overlapped run


def standin_serial(db: Path, path: Path) -> float:
    from models.core.store import Store
    from models.registry.importing import analyse_file

    store = Store(db)
    try:
        started = time.perf_counter()
        analysis = analyse_file(store, path, 1)
        with store.atomic():
            _standin_table(store)
            _standin_write(store, analysis.records)
        return time.perf_counter() - started
    finally:
        store.close()


def standin_overlapped(db: Path, path: Path) -> float:
    from models.core.store import Store
    from models.registry.importing.analysis import convert_batches, new_analysis
    from models.registry.importing.pipeline import run_overlapped
    from models.registry.importing.values import AreaMatcher

    store = Store(db)
    try:
        with store.atomic():
            _standin_table(store)
        started, cpu = time.perf_counter(), time.process_time()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        analysis = new_analysis(path, 1)
        areas = AreaMatcher(store.query("SELECT code, name, name_fold, province_code FROM areas"))
        count = run_overlapped(convert_batches(analysis, areas, store.today(), None, 10_000),
                               partial(Store, store.path, migrate=False), _standin_write, _standin_finish,
                               lambda: None)
        assert count == len(analysis.records)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU_SPLIT.append((time.process_time() - cpu, after.ru_utime + after.ru_stime - children.ru_utime
                          - children.ru_stime))
        return time.perf_counter() - started
    finally:
        store.close()


def child_import(folder: Path, source: Path) -> None:
    db = fresh_db(folder, "bench-pipeline-rss.sqlite")
    result = full_import(db, source)
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over fork + exec, so a child started by a
    # parent that held 700 MB would report the parent's peak.
    status = Path("/proc/self/status").read_text()
    peak_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024 if "VmHWM:" in status else \
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": result["seconds"], "peak_rss_mb": round(peak_mb, 1)}))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="folder for the generated workbook (reused when present)")
    parser.add_argument("--code", help="checkout whose models/ to measure (default: this one)")
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    _setup_path(args.code)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.child_import:
        child_import(folder, Path(args.child_import))
        return 0
    from tests.factories.messy_files import write_big_xlsx

    source = folder / f"to-chuc-{args.rows}.xlsx"
    if not source.exists():
        write_big_xlsx(source, args.rows)
    try:
        import fastexcel  # noqa: F401
        import polars  # noqa: F401
        columnar = True
    except ImportError:
        columnar = False
    runs: dict[str, list[float]] = {"calamine_read": [], "guard": [], "read_guard_convert": [], "import_empty_db": [],
                                    "fastexcel_read": [], "fastexcel_polars_convert": []}
    try:
        from models.registry.importing import pipeline  # noqa: F401
        overlapped = True
    except ImportError:  # --code of a checkout without the pipeline
        overlapped = False
    runs.update({"standin_serial": [], "standin_overlapped": []})
    counts, records, tuples = None, None, None
    for attempt in range(args.repeat):
        runs["calamine_read"].append(calamine_read(source))
        runs["guard"].append(guard_alone(source))
        seconds, _n = read_guard_convert(fresh_db(folder, "bench-pipeline-read.sqlite"), source)
        runs["read_guard_convert"].append(seconds)
        result = full_import(fresh_db(folder, f"bench-pipeline-{attempt}.sqlite"), source)
        runs["import_empty_db"].append(result["seconds"])
        counts = result["counts"]
        if overlapped:
            runs["standin_serial"].append(standin_serial(fresh_db(folder, "bench-standin-a.sqlite"), source))
            runs["standin_overlapped"].append(standin_overlapped(fresh_db(folder, "bench-standin-b.sqlite"), source))
        if columnar:
            runs["fastexcel_read"].append(fastexcel_read(source))
            seconds, tuples = columnar_prototype(source, 3)
            runs["fastexcel_polars_convert"].append(seconds)
    unit = min(runs["calamine_read"])
    for name, values in runs.items():
        if values:
            print(json.dumps({"measure": name, "rows": args.rows, "seconds": round(min(values), 3),
                              "ratio": round(min(values) / unit, 2)}))
    if CPU_SPLIT:
        main_cpu, writer_cpu = min(CPU_SPLIT)
        print(json.dumps({"measure": "standin_overlapped_cpu", "main_seconds": round(main_cpu, 3),
                          "writer_seconds": round(writer_cpu, 3), "main_ratio": round(main_cpu / unit, 2),
                          "writer_ratio": round(writer_cpu / unit, 2)}))
    print(json.dumps({"measure": "import_counts", **counts}))
    if columnar and tuples is not None:
        from models.core.store import Store
        from models.registry.importing import analyse_file

        store = Store(fresh_db(folder, "bench-pipeline-read.sqlite"))
        try:
            records = analyse_file(store, source, 1).records
        finally:
            store.close()
        print(json.dumps({"measure": "cells_differing", "value": cells_differing(tuples, records)}))
    command = [sys.executable, __file__, "--rows", str(args.rows), "--keep", str(folder), "--child-import", str(source)]
    if args.code:
        command += ["--code", args.code]
    child = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    print(json.dumps({"measure": "import_peak_rss_mb", "value": child["peak_rss_mb"], "budget": RSS_BUDGET_MB}))
    return 0 if child["peak_rss_mb"] <= RSS_BUDGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
