"""Sync budgets (issue 6), measured in one run:

* export: writing the sync workbook of a unit with 200,000 dossiers takes at most 1.5× the time
  xlsxwriter alone needs to write the same rows (same cells, same formats, constant_memory, values
  already in memory as Python dates and strings — the bare writing cost);
* merge: 100 unit files of 2,000 dossiers each (full exports: HoSo and ToChuc 2,000 rows each) are
  merged by the province in at most 10 s.

Usage: ``.venv/bin/python benchmarks/bench_sync.py [--dossiers 200000] [--files 100] [--per-file 2000]``
Prints one JSON line per measurement and exits 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import xlsxwriter  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402

from exporters.sync_workbook import SheetData, write_sync_workbook  # noqa: E402
from models.core.store import Store  # noqa: E402
from models.sync.format import (  # noqa: E402
    DATE,
    DATETIME,
    DOSSIER_SHEET,
    INT,
    NUM,
    SHEET_COLUMNS,
    TEXT,
    signed_payload,
)
from models.sync.merge import merge_files, register_unit_key  # noqa: E402
from models.sync.reader import read_sync_file  # noqa: E402
from services.sync import export_workbook  # noqa: E402
from tests.factories.sync import make_data, make_province, make_unit  # noqa: E402

CLOCK = dt.datetime(2025, 1, 9, 9, 30)


def _python_value(value, kind):
    if value is None or value == "":
        return None
    if kind == DATE:
        return dt.date.fromisoformat(value[:10])
    if kind == DATETIME:
        return dt.datetime.fromisoformat(value[:19])
    return value


def xlsxwriter_alone(path: Path, sheets: list[tuple[str, list, list[list]]]) -> float:
    """The bare cost: the same cells written with xlsxwriter's typed calls, values already converted."""
    start = time.perf_counter()
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    fmt = {TEXT: wb.add_format({"num_format": "@"}), INT: wb.add_format({"num_format": "0"}),
           NUM: wb.add_format({"num_format": "0.0"}), DATE: wb.add_format({"num_format": "dd/mm/yyyy"}),
           DATETIME: wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})}
    for name, columns, rows in sheets:
        ws = wb.add_worksheet(name)
        kinds = [c.type for c in columns]
        for c, col in enumerate(columns):
            ws.write_string(0, c, col.header, fmt[TEXT])
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                kind = kinds[c]
                if kind == TEXT:
                    ws.write_string(r, c, value, fmt[TEXT])
                elif kind in (DATE, DATETIME):
                    ws.write_datetime(r, c, value, fmt[kind])
                else:
                    ws.write_number(r, c, value, fmt[kind])
    wb.close()
    return time.perf_counter() - start


def bench_export(tmp: Path, n: int) -> dict:
    store = Store(tmp / "unit.sqlite", clock=lambda: CLOCK)
    areas = make_unit(store, n_areas=30)
    t0 = time.perf_counter()
    make_data(store, areas, n, days=60)
    setup = time.perf_counter() - t0
    start, cpu = time.perf_counter(), time.process_time()
    result = export_workbook(store, tmp / "export.xlsx", full=True, unencrypted=True)
    export_s, export_cpu = time.perf_counter() - start, time.process_time() - cpu
    # the same rows, read back from the file and converted to Python values (not timed)
    sync = read_sync_file(tmp / "export.xlsx")
    sheets = []
    for name, columns in SHEET_COLUMNS.items():
        kinds = [c.type for c in columns]
        rows = [[_python_value(v, k) for v, k in zip(row, kinds, strict=True)] for row in sync.records[name]]
        sheets.append((name, columns, rows))
    cpu = time.process_time()
    alone_s = xlsxwriter_alone(tmp / "alone.xlsx", sheets)
    alone_cpu = time.process_time() - cpu
    store.close()
    ratio = export_s / alone_s
    return {"bench": "export", "dossiers": result.sheet_rows[DOSSIER_SHEET], "rows": result.sheet_rows,
            "export_s": round(export_s, 2), "xlsxwriter_alone_s": round(alone_s, 2), "ratio": round(ratio, 2),
            "budget_ratio": 1.5, "ok": ratio <= 1.5, "cpu_ratio": round(export_cpu / alone_cpu, 2),
            "setup_s": round(setup, 1)}


def _bench_key(code: str) -> Ed25519PrivateKey:
    """Each benchmark unit's signing key, derived from its code (a cache of files stays verifiable)."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"bench-{code}".encode()).digest())


def make_unit_files(tmp: Path, files: int, per_file: int) -> list[Path]:
    """One real export, then ``files`` copies as if from different units (codes and UUIDs changed)."""
    store = Store(tmp / "template.sqlite", clock=lambda: CLOCK)
    areas = make_unit(store, n_areas=12)
    make_data(store, areas, per_file, days=30)
    export_workbook(store, tmp / "template.xlsx", full=True, unencrypted=True)
    store.close()
    template = read_sync_file(tmp / "template.xlsx")
    paths = []
    for i in range(files):
        code = f"CAX-{i:03d}"
        info = {k: v for k, v in template.info.items() if not k.startswith(("rows_", "sha256"))}
        info.update(unit_code=code, unit_name=f"Công an xã số {i:03d}")

        def fresh(rows, uuid_positions, salt=code):
            out = []
            for row in rows:
                row = list(row)
                for p in uuid_positions:
                    if row[p]:
                        row[p] = str(uuid.uuid5(uuid.NAMESPACE_URL, salt + row[p]))
                out.append(row)
            return out

        sheets = [
            SheetData("TongHop", SHEET_COLUMNS["TongHop"], template.records["TongHop"]),
            SheetData("HoSo", SHEET_COLUMNS["HoSo"], fresh(template.records["HoSo"], (0, 4))),
            SheetData("ToChuc", SHEET_COLUMNS["ToChuc"], fresh(template.records["ToChuc"], (0,))),
            SheetData("XacMinh", SHEET_COLUMNS["XacMinh"], fresh(template.records["XacMinh"], (0, 1))),
            # 2.3: required from that version on (empty here: the template unit runs no citizens' campaign)
            SheetData("CongDan", SHEET_COLUMNS["CongDan"], template.records["CongDan"]),
            SheetData("BuoiThuNhan", SHEET_COLUMNS["BuoiThuNhan"], template.records["BuoiThuNhan"]),
        ]
        path = tmp / f"dongbo_{code}.xlsx"
        key = _bench_key(code)
        write_sync_workbook(path, info, sheets,
                            sign=lambda sha, info=info, key=key: key.sign(
                                signed_payload(info["unit_code"], info["sequence"], sha)).hex())
        paths.append(path)
    return paths


def bench_merge(tmp: Path, files: int, per_file: int, cache: Path | None = None) -> dict:
    t0 = time.perf_counter()
    cached = sorted(cache.glob("dongbo_*.xlsx")) if cache else []
    if cache and len(cached) == files:
        paths = cached
    else:
        paths = make_unit_files(cache or tmp, files, per_file)
    setup = time.perf_counter() - t0
    store = Store(tmp / "province.sqlite", clock=lambda: CLOCK)
    make_province(store)
    for i in range(files):  # every unit's key registered, as sync-register does
        code = f"CAX-{i:03d}"
        public = _bench_key(code).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
        register_unit_key(store, code, public, f"Công an xã số {i:03d}")
    cpu = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    results = merge_files(store, paths)
    merge_s = time.perf_counter() - start
    cpu_main = time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_readers = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    accepted = sum(r.status == "accepted" for r in results)
    rows = store.scalar("SELECT COUNT(*) FROM remote_dossiers")
    store.close()
    return {"bench": "merge", "files": files, "dossiers_per_file": per_file, "accepted": accepted,
            "remote_dossiers": rows, "merge_s": round(merge_s, 2), "budget_s": 10,
            "cpu_main_s": round(cpu_main, 2), "cpu_readers_s": round(cpu_readers, 2),
            "ok": merge_s <= 10 and accepted == files and rows == files * per_file, "setup_s": round(setup, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--per-file", type=int, default=2000)
    parser.add_argument("--only", choices=["export", "merge"])
    parser.add_argument("--cache", type=Path, help="keep the generated unit files here and reuse them")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.only in (None, "export"):
            result = bench_export(tmp, args.dossiers)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            ok &= result["ok"]
        if args.only in (None, "merge"):
            if args.cache:
                args.cache.mkdir(parents=True, exist_ok=True)
            result = bench_merge(tmp, args.files, args.per_file, args.cache)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            ok &= result["ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
