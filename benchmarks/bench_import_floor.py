"""What the import budget (issue 2) asks for, against what the work itself costs.

    .venv/bin/python benchmarks/bench_import_floor.py [--rows 100000] [--keep DIR]

The budget: importing a 100,000-row, 10-column workbook into the registry takes at most 2x the time
python-calamine alone needs to read it. This script measures, in one run and on the same file, each
piece of work an import into an empty registry cannot skip, each on its own and at its cheapest:

- ``calamine_read``: python-calamine reading the sheet into Python rows (the unit of the budget);
- ``python_convert``: converting and validating every row (tax codes, IDs, phones, dates, NFC), given
  the rows already read;
- ``python_derive``: the derived keys the registry stores (folded search text, name key), batch form;
- ``sqlite_rows``: inserting the finished rows (tuples built beforehand, not timed) into
  ``organizations`` with the indexes the registry screen, the filters and the campaign baselines use;
- ``sqlite_search_index``: indexing those rows for search (FTS5 word prefixes + tax-code trigrams);
- ``sqlite_sources_commit``: recording the source list per row and committing (the checkpoint that
  copies the WAL back into the database file is left out: it can happen later).

It then prints the sum (the floor of one core doing all of it), the database part alone (one SQLite
connection writes on one thread, so that part cannot be spread over cores), and the floor of this
machine's two cores if every piece could run in parallel with every other (which the dependencies
between them do not allow): the larger of the database part and half the sum. A floor above 2.0x
calamine means no scheduling of this work meets the budget on this machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.core.store import Store  # noqa: E402
from models.registry import search as registry_search  # noqa: E402
from models.registry.importing import analysis as import_analysis  # noqa: E402
from models.registry.importing.fastnorm import fold_many, name_keys_from_folded, search_texts  # noqa: E402
from models.registry.organizations import ORG_FIELDS  # noqa: E402
from models.tabular import read_table  # noqa: E402
from tests.factories.messy_files import add_areas, write_big_xlsx  # noqa: E402

BUDGET = 2.0


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def calamine_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    seconds, rows = _timed(lambda: CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
                           .to_python(skip_empty_area=False))
    assert rows
    return seconds


def measure(path: Path, folder: Path) -> dict:
    db = folder / "floor.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    try:
        add_areas(store)
        areas = store.query("SELECT code, name, name_fold FROM areas")
        figures = {"calamine_read": min(calamine_read(path) for _ in range(2))}
        table = read_table(path)
        guess = import_analysis.detect_header(table.rows, 1)
        figures["python_convert"], analysis = _timed(lambda: import_analysis.analyse(
            path, 1, areas=areas, today=store.today(), loaded=(table, guess)))
        values = [r.values for r in analysis.records]

        def derive():
            folded = fold_many([v["name"] for v in values])
            return name_keys_from_folded(folded), search_texts(values, folded)

        figures["python_derive"], (keys, texts) = _timed(derive)
        fields = [f for f in ORG_FIELDS if f != "grp"]
        now = store.now_iso()
        # Ids in name-key order, as the import assigns them: the name indexes then take appends.
        order = sorted(range(len(values)), key=keys.__getitem__)
        rows = [(i + 1, f"00000000-0000-4000-8000-{i:012x}", 1, *[values[n].get(f) for f in fields[:9]],
                 values[n].get("status") or "active", *[values[n].get(f) for f in fields[10:]], texts[n], keys[n],
                 now, now, now, now, 1, "dkkd") for i, n in enumerate(order)]
        columns = ("id", "uuid", "grp", *fields, "search_text", "name_key", "first_seen", "last_seen",
                   "created_at", "updated_at", "version", "sources")
        store.execute("CREATE TEMP TABLE floor_rows AS SELECT " + ", ".join(columns) + " FROM organizations WHERE 0")
        store.conn.executemany(f"INSERT INTO temp.floor_rows VALUES ({', '.join('?' * len(columns))})", rows)
        store.execute("PRAGMA cache_size = -131072")
        # The WAL is copied back into the database file later (at close or the next checkpoint): leave
        # that out of the commit so the floor stays a floor.
        store.execute("PRAGMA wal_autocheckpoint = 0")
        store.execute("BEGIN IMMEDIATE")
        store.execute("INSERT INTO org_index_defer(id) VALUES (1)")
        figures["sqlite_rows"], _ = _timed(lambda: store.execute(
            f"INSERT INTO organizations({', '.join(columns)}) SELECT * FROM temp.floor_rows ORDER BY id"))
        store.execute("DELETE FROM org_index_defer")
        figures["sqlite_search_index"], _ = _timed(lambda: registry_search.flush_index_queue(store))

        def sources_and_commit():
            store.execute("INSERT INTO imports(kind, grp, source, file_name, file_sha256, officer_id, started_at) "
                          "VALUES ('organizations', 1, 'dkkd', 'floor', '', 1, ?)", (now,))
            store.execute("INSERT INTO org_sources(org_id, source, import_id, file_name, row_number, first_seen, "
                          "last_seen) SELECT id, 'dkkd', last_insert_rowid(), 'floor', id, ?, ? FROM temp.floor_rows",
                          (now, now))
            store.execute("COMMIT")

        figures["sqlite_sources_commit"], _ = _timed(sources_and_commit)
        figures["rows"] = len(rows)
    finally:
        store.close()
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", help="folder for the generated workbook (reused when present)")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-floor-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"to-chuc-{args.rows}.xlsx"
    if not source.exists():
        write_big_xlsx(source, args.rows)
    figures = measure(source, folder)
    unit = figures["calamine_read"]
    pieces = ("calamine_read", "python_convert", "python_derive", "sqlite_rows", "sqlite_search_index",
              "sqlite_sources_commit")
    for name in pieces:
        print(json.dumps({"piece": name, "seconds": round(figures[name], 3), "x_calamine": round(figures[name] / unit, 2)}))
    total = sum(figures[name] for name in pieces)
    database = sum(figures[name] for name in pieces if name.startswith("sqlite_"))
    no_index = total - figures["sqlite_search_index"]
    print(json.dumps({
        "rows": figures["rows"], "budget_x_calamine": BUDGET,
        "one_core_floor_x": round(total / unit, 2),
        # One SQLite connection writes on one thread: the database part cannot be spread over cores.
        "database_part_x": round(database / unit, 2),
        "two_core_floor_x": round(max(database, total / 2) / unit, 2),
        "two_core_floor_without_search_index_x": round(
            max(database - figures["sqlite_search_index"], no_index / 2) / unit, 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
