"""The tamper-evident record: one hash chain over audit lines, dossier events and issued reports.

Every row appended to ``audit_log``, ``dossier_events`` or ``reports`` gets an entry in ``record_chain``
(``seq``, ``kind``, ``row_id``, ``hash``) whose hash is SHA-256 (``hashlib``) over a canonical JSON
serialisation of the previous entry's hash, the kind, the row id and the row's columns
(``entry_hash``). The first entry follows ``GENESIS``.

Where the chain is appended: SQLite triggers (``CHAIN_TRIGGERS``, made by migration m013) that call the
SQL function ``record_chain_hash`` which ``register`` installs on every connection the program opens
(``Store.__init__``). Triggers rather than the model layer because

- the entry is written in the same statement, hence the same transaction, as the row, on every path that
  writes one (``Store.audit``, the registry import's bulk audit lines, status changes, imports, reports,
  migrations) — none can forget it;
- a plain ``sqlite3`` connection, which does not have the function, cannot append to the record at all
  ("no such function"). Dropping the trigger first leaves rows outside the chain, recreating it with
  other SQL leaves a trigger that differs from the expected one: ``verify`` finds both.

A hash chain has no secret: whoever controls the file can recompute it from the start. That is why its
head (``head``) leaves the file — printed on every weekly report, carried in every sync file and stored
by the province — so a rewrite older than a published head no longer matches it. ``verify`` (run by
``check`` and before a restore) recomputes the whole chain and also checks the protective triggers,
rows left outside the chain, entries whose row was deleted (a dossier deleted with its history),
backdated audit lines, every dossier's status against its last event, and every issued report's PDF against its
SHA-256. Messages are Vietnamese; every function here takes a plain ``sqlite3.Connection`` so the same
checks run on a backup opened read-only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

VERSION = 13  # the migration that builds the chain (m013_record_chain)
GENESIS = "0" * 64
FUNCTION = "record_chain_hash"
BACKDATE_TOLERANCE = dt.timedelta(hours=2)  # an audit line this much older than the one before it is "backdated"
DEMO_SETTING = "demo_today"  # models.core.demo_clock.DEMO_SETTING (which imports the store, hence the copy)
MAX_LISTED = 8  # problems of one kind listed before "... and N more"

# kind -> (table, columns hashed in this order, Vietnamese name of one row)
KINDS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "audit": ("audit_log", ("at", "officer_id", "action", "object_type", "object_id", "field", "old_value",
                            "new_value", "detail"), "dòng nhật ký"),
    "event": ("dossier_events", ("dossier_id", "at", "officer_id", "from_status", "to_status", "reason"),
              "sự kiện hồ sơ"),
    # The PDF itself is covered by its SHA-256 (checked against the stored bytes); saved_path may change.
    "report": ("reports", ("unit_id", "year", "number", "number_text", "kind", "period_start", "period_end",
                           "doc_date", "campaign_id", "officer_id", "issued_at", "due_at", "on_time", "figures",
                           "difficulties", "proposals", "sha256", "pages"), "báo cáo đã ban hành"),
}
TIME_COLUMN = {"audit": "at", "event": "at", "report": "issued_at"}

TABLE_SQL = """CREATE TABLE record_chain (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('audit', 'event', 'report')),
    row_id INTEGER NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (kind, row_id)
)"""


def _chain_trigger(kind: str) -> tuple[str, str]:
    table, columns, _ = KINDS[kind]
    values = ", ".join(f"NEW.{c}" for c in columns)
    name = f"{table}_chain"
    return name, (
        f"CREATE TRIGGER {name} AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO record_chain(kind, row_id, hash) VALUES ('{kind}', NEW.id, {FUNCTION}("
        f"COALESCE((SELECT hash FROM record_chain ORDER BY seq DESC LIMIT 1), '{GENESIS}'), '{kind}', NEW.id, "
        f"{values})); END"
    )


CHAIN_TRIGGERS = dict(_chain_trigger(kind) for kind in KINDS)

# Every trigger that protects the record, with its exact SQL (m013 recreates them from this text, so the
# expected SQL lives in one place; ``verify`` compares sqlite_master with it, whitespace aside).
PROTECTIVE_TRIGGERS: dict[str, str] = {
    "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'Nhật ký kiểm tra chỉ được ghi thêm, không được sửa'); END",
    "audit_log_no_delete": "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'Nhật ký kiểm tra chỉ được ghi thêm, không được xoá'); END",
    "dossier_events_no_update": "CREATE TRIGGER dossier_events_no_update BEFORE UPDATE ON dossier_events "
    "BEGIN SELECT RAISE(ABORT, 'Lịch sử trạng thái hồ sơ chỉ được ghi thêm, không được sửa'); END",
    "dossier_events_no_delete": "CREATE TRIGGER dossier_events_no_delete BEFORE DELETE ON dossier_events "
    "BEGIN SELECT RAISE(ABORT, 'Lịch sử trạng thái hồ sơ chỉ được ghi thêm, không được xoá'); END",
    "dossiers_no_delete": "CREATE TRIGGER dossiers_no_delete BEFORE DELETE ON dossiers "
    "BEGIN SELECT RAISE(ABORT, 'Hồ sơ không được xoá; hồ sơ nhập nhầm thì huỷ kèm lý do'); END",
    "reports_no_delete": "CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports "
    "BEGIN SELECT RAISE(ABORT, 'Sổ báo cáo đã ban hành không được xoá'); END",
    "reports_no_update": "CREATE TRIGGER reports_no_update BEFORE UPDATE OF unit_id, year, number, number_text, "
    "kind, period_start, period_end, doc_date, campaign_id, officer_id, issued_at, due_at, on_time, figures, "
    "difficulties, proposals, sha256, pdf, pages ON reports "
    "BEGIN SELECT RAISE(ABORT, 'Báo cáo đã ban hành không được sửa'); END",
    "record_chain_no_update": "CREATE TRIGGER record_chain_no_update BEFORE UPDATE ON record_chain "
    "BEGIN SELECT RAISE(ABORT, 'Chuỗi băm của hồ sơ lưu trữ chỉ được ghi thêm, không được sửa'); END",
    "record_chain_no_delete": "CREATE TRIGGER record_chain_no_delete BEFORE DELETE ON record_chain "
    "BEGIN SELECT RAISE(ABORT, 'Chuỗi băm của hồ sơ lưu trữ chỉ được ghi thêm, không được xoá'); END",
    **CHAIN_TRIGGERS,
}


# ---- hashing --------------------------------------------------------------------------------------------
def _canonical(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"sha256": hashlib.sha256(bytes(value)).hexdigest()}
    return str(value)


def entry_hash(prev: str, kind: str, row_id: int, values: tuple | list) -> str:
    """SHA-256 (hex) of ``[prev, kind, row_id, [values…]]`` as compact JSON, UTF-8, keys in order."""
    if not all(v is None or type(v) in (str, int) for v in values):  # fast path: text, integers, NULL
        values = [_canonical(v) for v in values]
    body = json.dumps([prev, kind, int(row_id), list(values)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _sql_hash(prev: str, kind: str, row_id: int, *values: Any) -> str:
    return entry_hash(prev, kind, row_id, values)


def register(conn: sqlite3.Connection) -> None:
    """Install ``record_chain_hash`` on a connection (every ``Store`` connection has it)."""
    conn.create_function(FUNCTION, -1, _sql_hash, deterministic=True)


# ---- building (migration) and reading the head -----------------------------------------------------------
def install(conn: sqlite3.Connection) -> int:
    """m013: the table, the triggers, and the chain over the rows already there (oldest first, by time
    then kind then id); returns the number of entries made. ``conn`` must have ``register``'s function."""
    conn.execute(TABLE_SQL)
    # One streaming query in chain order (memory stays flat on a million audit lines): every kind's key, then
    # each kind's columns from a LEFT JOIN that matches only its own rows.
    kinds = list(KINDS)
    keys = " UNION ALL ".join(f"SELECT {TIME_COLUMN[k]} AS t, {n} AS k, id FROM {KINDS[k][0]}"
                              for n, k in enumerate(kinds))
    joins = " ".join(f"LEFT JOIN {KINDS[k][0]} t{n} ON o.k = {n} AND t{n}.id = o.id" for n, k in enumerate(kinds))
    columns = ", ".join(f"t{n}.{c}" for n, k in enumerate(kinds) for c in KINDS[k][1])
    slices, at = [], 3
    for k in kinds:
        slices.append((at, at + len(KINDS[k][1])))
        at += len(KINDS[k][1])
    made = 0
    prev = GENESIS
    rows = conn.execute(f"SELECT o.t, o.k, o.id, {columns} FROM ({keys}) o {joins} "
                        "ORDER BY COALESCE(o.t, ''), o.k, o.id")
    for row in rows:
        kind = kinds[row[1]]
        first, last = slices[row[1]]
        prev = entry_hash(prev, kind, row[2], row[first:last])
        conn.execute("INSERT INTO record_chain(kind, row_id, hash) VALUES (?,?,?)", (kind, row[2], prev))
        made += 1
    for name, sql in PROTECTIVE_TRIGGERS.items():
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.execute(sql)
    # The province keeps each unit's last head (from its sync files) and what did not match it.
    for column in ("record_seq INTEGER", "record_hash TEXT", "record_warning TEXT"):
        conn.execute(f"ALTER TABLE remote_units ADD COLUMN {column}")
    return made


def head(conn: sqlite3.Connection) -> dict:
    """The chain's newest entry: ``{"seq": N, "hash": hex}`` (seq 0 and ``GENESIS`` when empty)."""
    try:
        row = conn.execute("SELECT seq, hash FROM record_chain ORDER BY seq DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:  # a database older than m013 (a backup being checked)
        row = None
    return {"seq": row[0], "hash": row[1]} if row else {"seq": 0, "hash": GENESIS}


def hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    """The stored hash of entry ``seq`` (None when there is no such entry)."""
    row = conn.execute("SELECT hash FROM record_chain WHERE seq = ?", (int(seq),)).fetchone()
    return row[0] if row else None


def short(head_value: dict) -> str:
    """The head as printed on a report: ``N-<first 16 hex digits>``."""
    return f"{head_value['seq']}-{head_value['hash'][:16]}"


# ---- the head outside the file: sync files and the province ------------------------------------------
MANIFEST_KEYS = ("record_seq", "record_hash", "record_prev_seq", "record_prev_hash")


def manifest(conn: sqlite3.Connection) -> dict:
    """The ThongTin fields of a sync file (signed with the rest): the head now, and the hash *now* at the
    head sent in the previous file (read from that export's audit line). The province compares the latter
    with the head it stored from the previous file: a rewrite of the record in between shows as a mismatch."""
    now = head(conn)
    prev_seq = conn.execute(
        "SELECT json_extract(detail, '$.record_seq') FROM audit_log WHERE action = 'sync.export' "
        "AND json_valid(detail) ORDER BY id DESC LIMIT 1").fetchone()
    prev_seq = prev_seq[0] if prev_seq and prev_seq[0] else None
    return {"record_seq": now["seq"], "record_hash": now["hash"], "record_prev_seq": prev_seq,
            "record_prev_hash": hash_at(conn, prev_seq) if prev_seq else None}


def compare_heads(stored: dict | None, info: dict) -> str | None:
    """At the province: does the file's chain extend the head stored from the unit's previous file?
    ``stored``: the unit's ``remote_units`` row (``record_seq``, ``record_hash``); ``info``: the file's
    ThongTin. Returns the Vietnamese warning, None when it extends it (or nothing can be compared)."""
    seq, digest = info.get("record_seq"), info.get("record_hash")
    last_seq, last_hash = (stored or {}).get("record_seq"), (stored or {}).get("record_hash")
    if seq in (None, "") or last_seq in (None, "") or not last_hash:
        return None
    seq, last_seq = int(seq), int(last_seq)
    prev_seq, prev_hash = info.get("record_prev_seq"), info.get("record_prev_hash")
    if seq < last_seq:
        return (f"Chuỗi băm hồ sơ lưu trữ của đơn vị lùi lại: tệp trước ghi mục {last_seq}, tệp này chỉ đến mục "
                f"{seq} (cơ sở dữ liệu đã bị khôi phục về bản cũ hoặc bị viết lại)")
    if seq == last_seq:
        same = digest == last_hash
    elif prev_seq not in (None, "") and int(prev_seq) == last_seq:
        same = prev_hash == last_hash
    else:
        return (f"Không đối chiếu được chuỗi băm hồ sơ lưu trữ: tệp trước ghi mục {last_seq}, tệp này nối tiếp "
                f"mục {prev_seq or '(không ghi)'}")
    if same:
        return None
    return (f"Chuỗi băm hồ sơ lưu trữ của đơn vị không nối tiếp tệp trước (mục {last_seq}: tỉnh lưu "
            f"{last_hash[:16]}, tệp này ghi {str(prev_hash if seq != last_seq else digest)[:16]}): nhật ký, "
            "lịch sử hồ sơ hoặc báo cáo của đơn vị đã bị viết lại")


def entry_of(conn: sqlite3.Connection, kind: str, row_id: int) -> dict | None:
    row = conn.execute("SELECT seq, hash FROM record_chain WHERE kind = ? AND row_id = ?", (kind, row_id)).fetchone()
    return {"seq": row[0], "hash": row[1]} if row else None


# ---- verifying ------------------------------------------------------------------------------------------
class _Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._counts: dict[str, int] = {}

    def add(self, group: str, text: str) -> None:
        n = self._counts.get(group, 0) + 1
        self._counts[group] = n
        if n <= MAX_LISTED:
            self.lines.append(text)

    def finish(self) -> list[str]:
        extra = [f"… và {n - MAX_LISTED} vấn đề cùng loại ({group})" for group, n in self._counts.items()
                 if n > MAX_LISTED]
        return self.lines + extra


def _normal_sql(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def _entries(conn: sqlite3.Connection, kind: str) -> Iterator[tuple]:
    table, columns, _ = KINDS[kind]
    cols = ", ".join(f"t.{c}" for c in columns)
    sql = (f"SELECT c.seq, c.kind, c.row_id, c.hash, t.id IS NOT NULL, {cols} FROM record_chain c "
           f"LEFT JOIN {table} t ON t.id = c.row_id WHERE c.kind = ? ORDER BY c.seq")
    yield from conn.execute(sql, (kind,))


def _parse_time(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value)[:19])
    except (TypeError, ValueError):
        return None


def verify(conn: sqlite3.Connection, *, protected_tables: bool = True) -> list[str]:
    """Everything ``check`` finds wrong with the record, in Vietnamese (empty: intact)."""
    problems = _Problems()
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "record_chain" not in tables:
        return ["Chưa có chuỗi băm của hồ sơ lưu trữ (bảng record_chain): cơ sở dữ liệu chưa được nâng cấp"]
    # The demo database's builder writes months of simulated history at made-up times: no backdating test
    # there (the demo shows itself as such everywhere; models/core/demo_clock.py DEMO_SETTING).
    simulated = conn.execute("SELECT 1 FROM settings WHERE key = ?", (DEMO_SETTING,)).fetchone() is not None
    _check_triggers(conn, tables, problems)
    _check_chain(conn, problems, backdating=not simulated)
    _check_unchained(conn, problems)
    if protected_tables:
        _check_statuses(conn, problems)
        _check_reports(conn, problems)
    return problems.finish()


def _check_triggers(conn: sqlite3.Connection, tables: set[str], problems: _Problems) -> None:
    present = {r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    for name, expected in PROTECTIVE_TRIGGERS.items():
        table = re.search(r" ON (\w+)", expected).group(1)
        if table not in tables:
            continue
        if name not in present:
            problems.add("trigger", f"Thiếu trigger bảo vệ «{name}» trên bảng {table}: "
                                    "bản ghi có thể đã bị sửa hoặc xoá trực tiếp trong SQLite")
        elif _normal_sql(present[name]) != _normal_sql(expected):
            problems.add("trigger", f"Trigger bảo vệ «{name}» trên bảng {table} đã bị thay đổi so với bản gốc")


def _check_chain(conn: sqlite3.Connection, problems: _Problems, *, backdating: bool = True) -> None:
    prev = GENESIS
    expected_seq = None
    previous_at: dt.datetime | None = None
    merged = heapq.merge(*(_entries(conn, kind) for kind in KINDS), key=lambda r: r[0])
    for seq, kind, row_id, stored, exists, *values in merged:
        name = KINDS[kind][2]
        if expected_seq is not None and seq != expected_seq:
            problems.add("gap", f"Chuỗi băm thiếu mục {expected_seq}–{seq - 1}: bản ghi đã bị xoá khỏi chuỗi")
        expected_seq = seq + 1
        if not exists:
            problems.add("deleted", f"Mục {seq} của chuỗi băm trỏ tới {name} số {row_id}, nhưng dòng này đã bị "
                                    "xoá (ví dụ hồ sơ bị xoá cùng lịch sử của nó)")
        else:
            if entry_hash(prev, kind, row_id, values) != stored:
                problems.add("hash", f"Mục {seq} của chuỗi băm ({name} số {row_id}) không khớp: dòng này hoặc "
                                     "chuỗi đã bị sửa trực tiếp trong SQLite")
            if kind == "audit" and backdating:  # (an event's time may be entered after the fact)
                at = _parse_time(values[0])
                # Against the line before it only: a desk clock corrected once gives one finding, not one per
                # line until the clock catches up.
                if at and previous_at and at < previous_at - BACKDATE_TOLERANCE:
                    problems.add("backdated", f"{name.capitalize()} số {row_id} ghi lúc {at:%H:%M %d/%m/%Y} nhưng "
                                              f"được thêm sau dòng lúc {previous_at:%H:%M %d/%m/%Y}: dòng ghi lùi ngày "
                                              "(hoặc đồng hồ máy bị chỉnh lùi)")
                if at:
                    previous_at = at
        prev = stored


def _check_unchained(conn: sqlite3.Connection, problems: _Problems) -> None:
    for kind, (table, _, name) in KINDS.items():
        rows = conn.execute(
            f"SELECT id FROM {table} WHERE id NOT IN (SELECT row_id FROM record_chain WHERE kind = ?) ORDER BY id",
            (kind,)).fetchall()
        if rows:
            ids = ", ".join(str(r[0]) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
            problems.add("unchained", f"{len(rows)} {name} không nằm trong chuỗi băm (ghi thẳng vào SQLite, "
                                      f"ngoài chương trình): số {ids}")


def _check_statuses(conn: sqlite3.Connection, problems: _Problems) -> None:
    rows = conn.execute(
        "SELECT d.id, d.number, d.status, e.to_status FROM dossiers d LEFT JOIN dossier_events e "
        "ON e.id = (SELECT MAX(id) FROM dossier_events WHERE dossier_id = d.id) "
        "WHERE e.to_status IS NOT d.status ORDER BY d.id")
    for dossier_id, number, status, last in rows:
        if last is None:
            problems.add("status", f"Hồ sơ {number} (số {dossier_id}) có trạng thái «{status}» nhưng không có "
                                   "sự kiện nào trong lịch sử")
        else:
            problems.add("status", f"Hồ sơ {number} (số {dossier_id}) có trạng thái «{status}» nhưng sự kiện cuối "
                                   f"cùng ghi «{last}»: trạng thái bị sửa trực tiếp trong SQLite")


def _check_reports(conn: sqlite3.Connection, problems: _Problems) -> None:
    """Each issued PDF against its SHA-256 (the SHA-256 itself is in the report's chain entry), and the
    chain head printed on it against the chain as it is now."""
    for report_id, number_text, sha256, pdf, figures in conn.execute(
            "SELECT id, number_text, sha256, pdf, figures FROM reports ORDER BY id"):
        actual = hashlib.sha256(bytes(pdf or b"")).hexdigest()
        if actual != sha256:
            problems.add("report", f"Tệp PDF của báo cáo {number_text} (số {report_id}) không khớp SHA-256 đã "
                                   "lưu: tệp đã bị thay")
        try:
            printed = str(json.loads(figures).get("record_head") or "")
        except (TypeError, ValueError, AttributeError):
            printed = ""
        match = re.fullmatch(r"(\d+)-([0-9a-f]{16})", printed)
        if match and int(match.group(1)) > 0:
            stored = hash_at(conn, int(match.group(1)))
            if stored is None or stored[:16] != match.group(2):
                problems.add("printed", f"Báo cáo {number_text} in mã kiểm tra {printed}, nhưng chuỗi băm hiện "
                                        f"tại ở mục {match.group(1)} là {(stored or '(không có)')[:16]}: hồ sơ lưu "
                                        "trữ đã bị viết lại sau khi báo cáo ban hành")


def saved_report_problems(conn: sqlite3.Connection, database: Path) -> list[str]:
    """Each issued report's PDF file where it was saved (``saved_path``) against the SHA-256 of the issued
    report: a file replaced there no longer matches. A file moved away is not a problem (the register keeps
    the PDF). Never opens the database's own files (``Store``: SQLite's locks)."""
    own = {Path(str(database) + suffix).resolve() for suffix in ("", "-wal", "-shm", "-journal")}
    problems = _Problems()
    for report_id, number_text, sha256, saved in conn.execute(
            "SELECT id, number_text, sha256, saved_path FROM reports WHERE saved_path IS NOT NULL ORDER BY id"):
        path = Path(saved)
        try:
            if path.resolve() in own or not path.is_file():
                continue
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            continue
        if digest.hexdigest() != sha256:
            problems.add("saved", f"Tệp «{path}» của báo cáo {number_text} (số {report_id}) khác bản đã ban hành "
                                  "(SHA-256 không khớp): tệp đã bị thay hoặc sửa sau khi ban hành")
    return problems.finish()
