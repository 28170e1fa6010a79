"""Cost of encrypting the database at rest: plain SQLite against SQLCipher, same machine, one run.

Runs with any Python that has ``sqlcipher3`` (``pip install sqlcipher3-binary``); the app does not depend
on it (docs/security.md, "Encryption at rest: measured, not adopted"). Self-contained (no project
imports) so it can run in a scratch virtual environment:

    python benchmarks/bench_encryption.py [--rows 100000] [--queries 300]

For each engine: bulk insert of organization-like rows (one transaction, an FTS5 index filled alongside),
FTS5 prefix search p50/p95 over random name words, opening the file (SQLCipher derives its key with
PBKDF2 on every open), whether WAL mode is on, and whether a seeded ID number can be read from the file.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

WORDS = ("Công ty", "TNHH", "Cổ phần", "Hợp tác xã", "Thương mại", "Dịch vụ", "Xây dựng", "Vận tải", "Nông nghiệp",
         "Minh Phát", "Hoàng Long", "An Khang", "Thành Đạt", "Phú Quý", "Sông Hồng", "Bắc Ninh", "Đại Việt",
         "Kim Ngân", "Thiên Phúc", "Hải Đăng", "Trường Sơn", "Tân Tiến", "Hưng Thịnh", "Ánh Dương", "Gia Bảo")
SCHEMA = (
    """CREATE TABLE organizations (id INTEGER PRIMARY KEY, uuid TEXT, tax_code TEXT, name TEXT, address TEXT,
       grp TEXT, area_code TEXT, status TEXT, rep_name TEXT, rep_id_number TEXT, rep_phone TEXT,
       updated_at TEXT)""",
    "CREATE VIRTUAL TABLE org_fts USING fts5(name, address, rep_name, tokenize='unicode61 remove_diacritics 2')",
    "CREATE INDEX org_tax ON organizations(tax_code)",
)
SECRET = "079123456789"  # looked for in the file afterwards


def rows(n: int, seed: int = 14):
    rnd = random.Random(seed)
    for i in range(n):
        name = " ".join(rnd.sample(WORDS, 4)) + f" {i}"
        rid = SECRET if i == n // 2 else f"0{rnd.randint(10, 96)}{rnd.randint(0, 999_999_999):09d}"
        yield (i + 1, f"uuid-{i:08d}", f"{rnd.randint(0, 9_999_999_999):010d}", name,
               f"Số {rnd.randint(1, 300)} đường {rnd.choice(WORDS)}, phường {rnd.randint(1, 30)}",
               rnd.choice("ABCDE"), f"P{rnd.randint(1, 30):02d}", "active", f"Nguyễn Văn {rnd.choice(WORDS)}",
               rid, f"09{rnd.randint(0, 99_999_999):08d}", "2026-12-01T08:00:00")


def connect(engine, path: Path, key: str | None):
    t = time.perf_counter()
    conn = engine.connect(str(path), isolation_level=None)
    if key is not None:
        conn.execute(f'PRAGMA key = "{key}"' if key.startswith("x'") else f"PRAGMA key = '{key}'")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # SQLCipher derives the key here
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn, time.perf_counter() - t, mode


def run(engine, name: str, folder: Path, n: int, queries: int, key: str | None) -> dict:
    path = folder / f"{name}.sqlite"
    conn, _open_new, mode = connect(engine, path, key)
    for sql in SCHEMA:
        conn.execute(sql)
    data = list(rows(n))
    t = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO organizations VALUES ({','.join('?' * 12)})", data)
    conn.executemany("INSERT INTO org_fts(rowid, name, address, rep_name) VALUES (?,?,?,?)",
                     ((r[0], r[3], r[4], r[8]) for r in data))
    conn.execute("COMMIT")
    insert_s = time.perf_counter() - t
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()

    conn, open_s, mode = connect(engine, path, key)
    rnd = random.Random(7)
    terms = [w.split()[-1][:4] for w in rnd.choices(WORDS, k=queries)]
    times = []
    for term in terms:
        t = time.perf_counter()
        conn.execute("SELECT o.id, o.name, o.tax_code FROM org_fts f JOIN organizations o ON o.id = f.rowid "
                     "WHERE org_fts MATCH ? ORDER BY f.rank LIMIT 50", (f'"{term}"*',)).fetchall()
        times.append((time.perf_counter() - t) * 1000)
    # a write lands in the WAL, readable by a second connection before any checkpoint
    conn.execute("UPDATE organizations SET status = 'closed' WHERE id = 1")
    other, _o, _m = connect(engine, path, key)
    wal_ok = (Path(str(path) + "-wal").exists()
              and other.execute("SELECT status FROM organizations WHERE id = 1").fetchone()[0] == "closed")
    other.close()
    conn.close()
    readable = SECRET.encode() in path.read_bytes()
    times.sort()
    return {"engine": name, "rows": n, "insert_s": round(insert_s, 2),
            "rows_per_s": round(n / insert_s), "fts_p50_ms": round(statistics.median(times), 2),
            "fts_p95_ms": round(times[int(len(times) * 0.95) - 1], 2), "open_ms": round(open_s * 1000, 1),
            "journal_mode": mode, "wal_second_reader_ok": wal_ok,
            "file_mb": round(os.path.getsize(path) / 1e6, 1), "id_number_readable_in_file": readable}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    results = {"sqlite_version": sqlite3.sqlite_version}
    with tempfile.TemporaryDirectory(prefix="bench-enc-") as tmp:
        folder = Path(tmp)
        results["plain"] = run(sqlite3, "plain", folder, args.rows, args.queries, None)
        try:
            import sqlcipher3.dbapi2 as sqlcipher  # optional: only this benchmark uses it
        except ImportError:
            results["sqlcipher"] = "sqlcipher3 not installed (pip install sqlcipher3-binary)"
        else:
            cipher = run(sqlcipher, "sqlcipher", folder, args.rows, args.queries, "x'" + "ab" * 32 + "'")
            probe = sqlcipher.connect(":memory:")
            cipher["cipher_version"] = probe.execute("PRAGMA cipher_version").fetchone()[0]
            probe.close()
            # the same with a passphrase: PBKDF2-HMAC-SHA512, 256,000 rounds on every open
            cipher["open_passphrase_ms"] = run(sqlcipher, "sqlcipher-pass", folder, 1000, 10,
                                               "mật khẩu cán bộ")["open_ms"]
            results["sqlcipher"] = cipher
            plain = results["plain"]
            results["ratio"] = {k: round(cipher[k] / plain[k], 2) for k in ("insert_s", "fts_p50_ms", "fts_p95_ms")}
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
