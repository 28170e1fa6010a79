"""Dossier budgets (issue 3), with 1,000,000 organizations and 200,000 dossiers:

- saving a dossier with its verification (duplicate check + ``dossiers.create``): p95 ≤ 50 ms;
- a worklist opens (ids + counts + the first screen of rows): ≤ 200 ms, every list;
- finding an organization by tax code while typing (``dossiers.find_organizations``): p95 ≤ 30 ms.

The database is built once into ``benchmarks/out/dossiers-1000000-200000.sqlite`` (git-ignored): the
organizations with ``benchmarks/registry_data.build_database`` (the registry benchmark's generator), then
200,000 dossiers over 180 days written with ``executemany`` (rows, events, findings, audit lines), and
reused while its schema matches. Numbers are medians/p95 after a warm-up.

Usage: ``.venv/bin/python benchmarks/bench_dossiers.py [--fresh] [--orgs N] [--dossiers M]``
Prints one JSON line per case and exits 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.registry_data import OUT, build_database  # noqa: E402
from models.core.migrations import latest_version  # noqa: E402
from models.core.store import Actor, Store  # noqa: E402
from models.dossiers import records as dossiers  # noqa: E402
from models.dossiers import worklists  # noqa: E402
from models.dossiers.states import STATUSES  # noqa: E402
from models.text.normalize import fold  # noqa: E402

TODAY = dt.datetime(2025, 3, 13, 10, 0)
BUDGETS = {"save_p95": 0.050, "worklist_max": 0.200, "typeahead_p95": 0.030}
STATUS_WEIGHTS = {"received": 4, "verifying": 8, "needs_papers": 2, "waiting_locality": 2, "verified": 4,
                  "issued": 40, "activated": 34, "refused": 4, "cancelled": 2}
CHANNELS = dossiers.DEFAULT_CHANNELS


def _schema_matches(path: Path) -> bool:
    store = Store(path, migrate=False)
    try:
        return store.user_version == latest_version() and store.scalar(
            "SELECT count(*) FROM sqlite_master WHERE name = 'dossier_fts'") == 1
    finally:
        store.close()


def build(path: Path, orgs: int, count: int, seed: int = 11) -> dict:
    started = time.perf_counter()
    build_database(path, orgs, seed=7)
    store = Store(path, clock=lambda: TODAY)
    try:
        store.execute("PRAGMA synchronous=OFF")
        store.execute("PRAGMA cache_size=-400000")
        rng = random.Random(seed)
        with store.atomic():
            store.execute("INSERT INTO units(id, code, name, province_code, created_at) "
                          "VALUES (1, 'BENCH', 'Đơn vị đo', '91', '2025-01-01 00:00:00')")
            store.execute("UPDATE areas SET unit_id = 1 WHERE code IN (SELECT code FROM areas ORDER BY code LIMIT 12)")
            store.set_setting("unit_id", 1, audit=False)
            for i in range(20):
                store.execute("INSERT INTO officers(username, full_name, role, active, created_at) "
                              "VALUES (?, ?, 'intake', 1, '2025-01-01 00:00:00')", (f"cb{i}", f"Cán bộ số {i}"))
        officer_ids = [r[0] for r in store.execute("SELECT id FROM officers WHERE role = 'intake'")]
        org_rows = store.query("SELECT id, grp, name, tax_code, area_code, rep_name, rep_id_number FROM organizations "
                               f"WHERE id % {max(1, orgs // 150_000)} = 0")
        statuses = list(STATUS_WEIGHTS)
        weights = list(STATUS_WEIGHTS.values())
        rows, events, findings, audits = [], [], [], []
        for i in range(1, count + 1):
            org = rng.choice(org_rows)
            received = TODAY - dt.timedelta(days=rng.randint(0, 179), minutes=rng.randint(0, 600))
            received_on = received.date().isoformat()
            status = rng.choices(statuses, weights)[0]
            if received.date() >= TODAY.date() - dt.timedelta(days=5) and status in ("issued", "activated"):
                status = "received"
            number = f"HS-{received.year}-{i:06d}"
            declared = json.dumps({"name": org["name"], "tax_code": org["tax_code"], "rep_name": org["rep_name"],
                                   "rep_id_number": org["rep_id_number"]}, ensure_ascii=False)
            due = (received.date() + dt.timedelta(days=rng.choice((5, 5, 5, 15)))).isoformat()
            done_on = (received.date() + dt.timedelta(days=rng.randint(1, 5))).isoformat()
            stamp = received.isoformat(sep=" ", timespec="seconds")
            rows.append((i, str(uuid.UUID(int=(1 << 64) + i)), number, org["id"], org["grp"], org["area_code"],
                         org["tax_code"], rng.choice(CHANNELS), stamp, received_on, rng.choice(officer_ids), status,
                         due, declared, "[]",
                         done_on if status in ("verified", "issued", "activated") else None,
                         done_on if status in ("issued", "activated") else None,
                         done_on if status == "activated" else None,
                         done_on if status in ("issued", "refused", "cancelled") else None,
                         fold(f"{number} {org['tax_code'] or ''} {org['name']} {org['rep_name']}"),
                         stamp, stamp))
            events.append((i, stamp, rows[-1][10], None, "received"))
            if status != "received":
                events.append((i, stamp, rows[-1][10], "received", status))
            findings.append((i, "sources", "info", "Có trong danh sách", stamp))
            audits.append((stamp, rows[-1][10], "dossier.create", "dossier", str(i)))
            if len(rows) >= 20000:
                _flush(store, rows, events, findings, audits)
        _flush(store, rows, events, findings, audits)
        store.execute("ANALYZE")
    finally:
        store.close()
    return {"organizations": orgs, "dossiers": count, "build_s": round(time.perf_counter() - started, 1)}


def _flush(store, rows, events, findings, audits) -> None:
    with store.atomic():
        store.conn.executemany(
            "INSERT INTO dossiers(id, uuid, number, org_id, grp, area_code, tax_code, channel, received_at, received_on,"
            " officer_id, status, due_date, declared, papers, verified_on, issued_on, activated_on, closed_on,"
            " search_text, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        store.conn.executemany("INSERT INTO dossier_events(dossier_id, at, officer_id, from_status, to_status) "
                               "VALUES (?,?,?,?,?)", events)
        store.conn.executemany("INSERT INTO verification_findings(dossier_id, code, severity, message, checked_at) "
                               "VALUES (?,?,?,?,?)", findings)
        store.conn.executemany("INSERT INTO audit_log(at, officer_id, action, object_type, object_id) "
                               "VALUES (?,?,?,?,?)", audits)
    for buf in (rows, events, findings, audits):
        buf.clear()


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def bench(path: Path, runs: int) -> list[dict]:
    store = Store(path, clock=lambda: TODAY)
    officer = store.query_one("SELECT id, username, full_name, role FROM officers WHERE role = 'intake' LIMIT 1")
    store.actor = Actor(officer["id"], officer["username"], officer["full_name"], officer["role"])
    rng = random.Random(5)
    results = []
    try:
        max_id = store.scalar("SELECT max(id) FROM organizations")
        # type-ahead: every prefix length of a random tax code, as the officer types
        taxes = [store.scalar("SELECT tax_code FROM organizations WHERE id >= ? AND tax_code IS NOT NULL LIMIT 1",
                              (rng.randint(1, max_id),)) for _ in range(60)]
        times = []
        for tax in taxes:
            for n in range(3, len(tax) + 1):
                t = time.perf_counter()
                found = dossiers.find_organizations(store, tax[:n])
                times.append(time.perf_counter() - t)
            assert found and found[0]["tax_code"] == tax
        results.append({"case": "typeahead_tax_code", "n": len(times), "median_ms": round(statistics.median(times) * 1000, 2),
                        "p95_ms": round(_p95(times) * 1000, 2), "budget_ms": BUDGETS["typeahead_p95"] * 1000,
                        "ok": _p95(times) <= BUDGETS["typeahead_p95"]})
        # saving: duplicate flag check + create (automatic verification, due date, events, audit)
        times = []
        for _ in range(runs * 10):
            org = store.query_one("SELECT * FROM organizations WHERE id >= ? AND merged_into IS NULL LIMIT 1",
                                  (rng.randint(1, max_id),))
            declared = dossiers.prefill(store, org["id"])
            t = time.perf_counter()
            dossiers.open_dossiers_for(store, org_id=org["id"])
            dossiers.create(store, declared=declared, channel=CHANNELS[0], org_id=org["id"])
            times.append(time.perf_counter() - t)
        times = times[5:]
        results.append({"case": "save_with_verification", "n": len(times),
                        "median_ms": round(statistics.median(times) * 1000, 2), "p95_ms": round(_p95(times) * 1000, 2),
                        "budget_ms": BUDGETS["save_p95"] * 1000, "ok": _p95(times) <= BUDGETS["save_p95"]})
        # worklists: ids + counts + first 60 rows
        cases = [(k, "") for k in worklists.WORKLISTS] + [(f"status:{s}", "") for s in STATUSES]
        cases += [("all", "cong ty tnhh"), ("open", "nguyen van"), ("all", "0312")]
        worst = 0.0
        for key, text in cases:
            samples = []
            for _ in range(runs):
                t = time.perf_counter()
                ids = worklists.list_ids(store, key, text=text)
                worklists.counts(store)
                worklists.fetch_rows(store, ids[:60])
                samples.append(time.perf_counter() - t)
            median = statistics.median(samples[1:] if len(samples) > 1 else samples)
            worst = max(worst, median)
            results.append({"case": f"worklist {key}" + (f" «{text}»" if text else ""), "rows": len(ids),
                            "median_ms": round(median * 1000, 1), "budget_ms": BUDGETS["worklist_max"] * 1000,
                            "ok": median <= BUDGETS["worklist_max"]})
    finally:
        store.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"dossiers-{args.orgs}-{args.dossiers}.sqlite"
    if args.fresh or not path.exists() or not _schema_matches(path):
        print(json.dumps({"build": build(path, args.orgs, args.dossiers)}, ensure_ascii=False), flush=True)
    ok = True
    for result in bench(path, args.runs):
        ok = ok and result["ok"]
        print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
