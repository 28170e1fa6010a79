"""Security costs (issue 7): password hashing, sign-in, backup / check / restore of a database with
``--orgs`` organizations and ``--audit`` audit lines.

    .venv/bin/python benchmarks/bench_security.py [--orgs 100000] [--audit 500000] [--repeat 3]

Prints one JSON line per measurement (best of ``--repeat`` runs; the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.core.store import SYSTEM_ACTOR, Store  # noqa: E402
from models.security import auth, backups  # noqa: E402
from services.backups import backup_to_folder  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(min(times), 3)


def fill(path: Path, orgs: int, audit: int) -> None:
    conn = sqlite3.connect(str(path))
    with conn:
        conn.executemany(
            "INSERT INTO organizations(uuid, grp, name, tax_code, first_seen, last_seen, created_at, updated_at) "
            "VALUES (?,1,?,?,'2025-01-09','2025-01-09','2025-01-09','2025-01-09')",
            ((f"u{i}", f"Công ty TNHH Thử Nghiệm {i}", f"{1000000000 + i}") for i in range(orgs)))
        conn.executemany(
            "INSERT INTO audit_log(at, officer_id, action, object_type, object_id, field, old_value, new_value) "
            "VALUES ('2025-01-09 09:30:00',1,'organization.update','organization',?,'address',?,?)",
            ((str(i % max(orgs, 1)), f"Số {i} cũ", f"Số {i} mới") for i in range(audit)))
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--audit", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "bench.sqlite"
        store = Store(path)
        auth.create_first_admin(store, "quantri", "Quản Trị", "matkhau-quantri")
        print(json.dumps({"hash_password_s": best(lambda: auth.hash_password("matkhau-quantri"), args.repeat)}))

        def sign_in():
            auth.sign_in(store, "quantri", "matkhau-quantri")
            store.actor = SYSTEM_ACTOR

        print(json.dumps({"sign_in_s": best(sign_in, args.repeat)}))
        store.close()
        fill(path, args.orgs, args.audit)
        store = Store(path)
        size = path.stat().st_size
        out = tmp / "usb"
        print(json.dumps({"db_mb": round(size / 1e6, 1), "orgs": args.orgs, "audit": args.audit,
                          "backup_to_folder_s": best(lambda: backup_to_folder(store, out), args.repeat)}))
        print(json.dumps({"check_s": best(lambda: backups.check_file(path), args.repeat)}))
        source = sorted(out.iterdir())[0]
        print(json.dumps({"restore_s": best(lambda: backups.restore(store, source), args.repeat)}))
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
