"""Applying an ``Analysis`` to the registry, set-wise (100,000 rows in about a second).

Rules (the same as ``organizations.upsert_from_source``, applied in bulk):
- same tax code = same organization: changed fields are updated, each change is one audit line
  ('organization.import', field, old, new) and ``version`` goes up; a blank cell never erases a value;
- an organization already in the registry keeps its group (a warning says so when the list differs);
- group-4 rows without a tax code: a row equal (on every filled cell) to an organization with the same
  normalised name in the same area is that organization (unchanged); otherwise it is inserted and
  flagged as a possible duplicate of each such organization (``duplicate_flags``, status 'open');
- ``org_sources`` remembers the source list, file and row; re-importing a file already imported (same
  content) writes nothing to the registry, so the second run reports every row unchanged;
- the whole import is one transaction; ``Cancelled`` from the progress rolls it all back.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field

from models.core.bulk_write import big_page_cache, uuid_sequence
from models.core.changes import Kind, Table
from models.core.permissions import require
from models.core.progress import Progress
from models.core.store import Store
from models.registry import search as registry_search
from models.registry import search_index
from models.registry.importing.analysis import Analysis, Issue, Record
from models.registry.importing.bulk import (
    add_counts,
    dropped_indexes,
    refresh_sources,
    suspended_triggers,
    take_change_numbers,
)
from models.registry.importing.fastnorm import (
    fold,
    fold_many,
    name_key_from_folded,
    name_keys_from_folded,
    search_text,
    search_texts,
)
from models.registry.importing.gcpause import paused_gc
from models.registry.organizations import DEFAULT_SOURCE_FOR_GROUP, GROUPS, ORG_FIELDS
from models.text.identifiers import mask_personal_ids

BATCH = 5000
BULK_MIN = 2000  # new rows from which the bulk mode (bulk.py) is used; tests set 0 or a large number
_DATA_FIELDS = tuple(f for f in ORG_FIELDS if f != "grp")
_SELECT = "id, version, grp, " + ", ".join(_DATA_FIELDS)


@dataclass
class ImportResult:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    warnings: int = 0
    flagged: int = 0  # possible duplicates flagged for an officer (group 4)
    written: bool = False  # False for a dry run or a refused strict import
    import_id: int | None = None
    issues: list[Issue] = field(default_factory=list)

    def counts(self) -> dict:
        """The CLI's JSON contract."""
        return {"read": self.read, "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "duplicates": self.duplicates, "rejected": self.rejected, "warnings": self.warnings}


@dataclass
class _Plan:
    inserts: list[Record] = field(default_factory=list)
    updates: list[tuple[dict, Record, dict]] = field(default_factory=list)  # (existing, record, changes)
    unchanged: list[tuple[int, Record]] = field(default_factory=list)
    flags: list[tuple[int, int | Record]] = field(default_factory=list)  # (existing id, new record)
    flag_pairs_new: list[tuple[Record, Record]] = field(default_factory=list)  # both new (same file)
    name_keys: dict[int, str] = field(default_factory=dict)  # id(record) → name_key, when computed


def apply_analysis(store: Store, analysis: Analysis, *, dry_run: bool = False, strict: bool = False,
                   progress: Progress | None = None) -> ImportResult:
    """Plan and (unless ``dry_run`` or a strict import with rejected rows) write the import."""
    require(store, "registry.import")
    progress = progress or Progress()
    result = ImportResult(read=analysis.read, duplicates=analysis.duplicates, rejected=analysis.rejected,
                          warnings=analysis.warnings, issues=list(analysis.issues))
    with paused_gc(), big_page_cache(store), store.interruptible(progress), store.atomic():
        plan = _plan(store, analysis, result, progress)
        result.warnings = sum(1 for i in result.issues if i.level == "warning")
        result.inserted, result.updated, result.unchanged = len(plan.inserts), len(plan.updates), len(plan.unchanged)
        result.flagged = len(plan.flags) + len(plan.flag_pairs_new)
        if dry_run or (strict and analysis.rejected):
            if strict and analysis.rejected:
                result.inserted = result.updated = result.unchanged = 0
            return result
        _write(store, analysis, plan, result, progress)
        result.written = True
        # The import's own line (issue 14: every import is in the record, not only its per-field changes).
        store.audit("registry.import", "import", result.import_id, detail={
            "file": analysis.file_name, "sha256": analysis.sha256, "group": analysis.group,
            "sheet": analysis.sheet_name, **result.counts(), "flagged": result.flagged})
    return result




# ---- planning ---------------------------------------------------------------------------------------
def _plan(store: Store, analysis: Analysis, result: ImportResult, progress: Progress) -> _Plan:
    plan = _Plan()
    with_tax = [r for r in analysis.records if r.values.get("tax_code")]
    without_tax = [r for r in analysis.records if not r.values.get("tax_code")]
    # Compare on the columns the file can change only.
    fields = sorted({f for r in with_tax for f in r.values} | {"tax_code"})
    progress.update(0, len(analysis.records), "Đang so sánh với sổ tổ chức…", force=True)
    found = _match_by_tax(store, analysis.group, with_tax, [f for f in fields if f != "tax_code"])
    # Only the rows the quick comparison could not settle are read in full, as plain tuples.
    position = {f: i + 2 for i, f in enumerate(fields)}
    by_id = {row[0]: row for row in _fetch_tuples(store, ("id", "grp", *fields),
                                                  [org_id for org_id, same in found.values() if not same])}
    changed: list[tuple[int, Record, dict]] = []
    for n, record in enumerate(with_tax):
        match = found.get(n)
        if match is None:
            plan.inserts.append(record)
            continue
        org_id, same = match
        if same:
            plan.unchanged.append((org_id, record))
            continue
        current = by_id[org_id]
        changes = {k: v for k, v in record.values.items() if current[position[k]] != v}
        if current[1] != analysis.group:
            result.issues.append(Issue(
                record.row, None, "", record.values["tax_code"],
                f"Mã số thuế {record.values['tax_code']} đã có trong sổ ở nhóm {current[1]} "
                f"({GROUPS[current[1]]}): giữ nguyên nhóm", "warning", record.values.get("name", "")))
        if changes:
            changed.append((org_id, record, changes))
        else:
            plan.unchanged.append((org_id, record))
    if changed:
        full = {row["id"]: row for row in _fetch(store, "id", [org_id for org_id, _r, _c in changed])}
        plan.updates = [(full[org_id], record, changes) for org_id, record, changes in changed]
    if without_tax:
        _plan_without_tax(store, without_tax, plan)
    return plan


_ABSENT, _SEP = "\x1e", "\x1f"  # never inside a clean() value: str.split() treats them as white space


def _match_by_tax(store: Store, group: int, records: list[Record], fields: list[str]) -> dict[int, tuple[int, bool]]:
    """Index in ``records`` → (organization id, settled as unchanged) for the tax codes already known.

    Re-importing a list is mostly unchanged rows, and reading every compared value of 100,000 rows into
    Python costs ~1 s. So each record is staged with one fingerprint string of its values (absent = blank
    cell) and SQL compares it with the same string built from the row: equal and the same group means
    unchanged; anything else (a change, a value the file leaves blank, another group) is compared field
    by field by the caller.
    """
    if not records or store.scalar("SELECT 1 FROM organizations WHERE tax_code IS NOT NULL LIMIT 1") is None:
        return {}  # nothing to compare with (a unit's first list)
    store.execute("DROP TABLE IF EXISTS temp._regimp_keys")
    store.execute("CREATE TEMP TABLE _regimp_keys (n INTEGER PRIMARY KEY, tax_code TEXT NOT NULL, fp TEXT)")
    try:
        rows = []
        for n, record in enumerate(records):
            get = record.values.get
            try:
                fp = _SEP.join([get(f) or _ABSENT for f in fields])
            except TypeError:  # a value that is not text: compared field by field
                fp = None
            rows.append((n, get("tax_code"), fp))
        store.conn.executemany("INSERT INTO temp._regimp_keys VALUES (?, ?, ?)", rows)
        fp_sql = " || char(31) || ".join(f"coalesce(o.{f}, char(30))" for f in fields) or "''"
        cur = store.execute(f"SELECT k.n, o.id, o.grp = ? AND {fp_sql} IS k.fp FROM temp._regimp_keys k "
                            "CROSS JOIN organizations o ON o.tax_code = k.tax_code", (group,))
        return {n: (org_id, same == 1) for n, org_id, same in cur}
    finally:
        store.execute("DROP TABLE IF EXISTS temp._regimp_keys")


def _fetch_tuples(store: Store, columns: tuple[str, ...], ids: list[int]) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(ids), 20000):
        part = ids[start:start + 20000]
        rows.extend(store.execute(f"SELECT {', '.join(columns)} FROM organizations "
                                  f"WHERE id IN ({','.join('?' * len(part))})", part).fetchall())
    return rows


def _plan_without_tax(store: Store, records: list[Record], plan: _Plan) -> None:
    keys = plan.name_keys
    for record, key in zip(records, name_keys_from_folded(fold_many([r.values["name"] for r in records])),
                           strict=True):
        keys[id(record)] = key
    candidates: dict[tuple, list[dict]] = {}
    for row in _fetch(store, "name_key", list(set(keys.values())), extra="AND merged_into IS NULL"):
        candidates.setdefault((row["name_key"], row["area_code"]), []).append(row)
    new_by_key: dict[tuple, list[Record]] = {}
    for record in records:
        key = (keys[id(record)], record.values.get("area_code"))
        same = candidates.get(key, [])
        match = next((c for c in same if all(c[k] == v for k, v in record.values.items())), None)
        if match is not None:
            plan.unchanged.append((match["id"], record))
            continue
        plan.inserts.append(record)
        for other in same[:5]:
            plan.flags.append((other["id"], record))
        for other in new_by_key.get(key, [])[:5]:
            plan.flag_pairs_new.append((other, record))
        new_by_key.setdefault(key, []).append(record)


def _fetch(store: Store, column: str, keys: list[str], extra: str = "") -> list[dict]:
    rows: list[dict] = []
    select = _SELECT + (", name_key" if column == "name_key" else "")
    for start in range(0, len(keys), 20000):
        part = keys[start:start + 20000]
        cur = store.execute(f"SELECT {select} FROM organizations WHERE {column} IN ({','.join('?' * len(part))}) "
                            f"{extra}", part)
        names = [c[0] for c in cur.description]
        rows.extend(dict(zip(names, r, strict=True)) for r in cur.fetchall())
    return rows


# ---- writing ----------------------------------------------------------------------------------------
# Rows are first staged in TEMP tables (executemany, no triggers), then moved with one set-wise
# statement each: the search-index triggers on ``organizations`` cost ~250 µs per statement when fired
# by executemany, but a few µs per row inside a single INSERT … SELECT / UPDATE … FROM.
_INSERT_COLUMNS = ("id", "uuid", "grp", *_DATA_FIELDS, "search_text", "name_key", "first_seen", "last_seen",
                   "created_at", "updated_at", "version", "sources")  # sources: what org_sources' trigger sets
_STAGE_COLUMNS = ("id", "uuid", *_DATA_FIELDS, "search_text", "name_key")
_UPDATE_COLUMNS = ("id", *_DATA_FIELDS, "search_text", "name_key")


def _write(store: Store, analysis: Analysis, plan: _Plan, result: ImportResult, progress: Progress) -> None:
    now = store.now_iso()
    source = DEFAULT_SOURCE_FOR_GROUP[analysis.group]
    same_file_before = store.scalar(
        "SELECT 1 FROM imports WHERE kind = 'organizations' AND file_sha256 = ? AND grp = ? AND finished_at IS NOT NULL",
        (analysis.sha256, analysis.group))
    cur = store.execute(
        "INSERT INTO imports(kind, grp, source, file_name, file_sha256, sheet_name, officer_id, started_at) "
        "VALUES ('organizations', ?, ?, ?, ?, ?, ?, ?)",
        (analysis.group, source, analysis.file_name, analysis.sha256, analysis.sheet_name, store.actor.id, now))
    import_id = cur.lastrowid
    result.import_id = import_id
    total = len(plan.inserts) + len(plan.updates) + len(plan.unchanged)
    use_bulk = len(plan.inserts) >= max(BULK_MIN, 1)
    _create_stage(store)
    try:
        with contextlib.ExitStack() as suspended:
            if use_bulk:
                empty = store.scalar("SELECT 1 FROM organizations LIMIT 1") is None
                suspended.enter_context(suspended_triggers(store))
                with dropped_indexes(store) if empty else contextlib.nullcontext():
                    new_ids, low, high = _bulk_inserts(store, analysis.group, plan.inserts, now, progress, total)
            else:
                new_ids = _stage_inserts(store, plan.inserts, progress, total)
            audit_rows = _stage_updates(store, plan.updates, progress, len(plan.inserts), total)
            sources = [(new_ids[id(r)], r.row) for r in plan.inserts]
            sources += [(current["id"], record.row) for current, record, _c in plan.updates]
            if not same_file_before:
                sources += [(org_id, record.row) for org_id, record in plan.unchanged]
            store.conn.executemany("INSERT INTO temp._regimp_src(org_id, row_number) VALUES (?, ?)", sources)
            progress.update(total, total, "Đang ghi vào sổ tổ chức…", force=True)
            with registry_search.deferred_index(store):
                if not use_bulk:
                    # The values every new row shares are bound once here instead of staged per row.
                    store.execute(f"INSERT INTO organizations({', '.join(_INSERT_COLUMNS)}) "
                                  f"SELECT id, uuid, ?, {', '.join(_DATA_FIELDS)}, search_text, name_key, "
                                  "?, ?, ?, ?, 1, ? FROM temp._regimp_new ORDER BY id",
                                  (analysis.group, now, now, now, now, DEFAULT_SOURCE_FOR_GROUP[analysis.group]))
                if plan.updates:
                    sets = ", ".join(f"{f} = coalesce(s.{f}, organizations.{f})" for f in _DATA_FIELDS)
                    store.execute(
                        f"UPDATE organizations SET {sets}, search_text = s.search_text, name_key = s.name_key, "
                        "updated_at = ?, last_seen = ?, version = organizations.version + 1 "
                        "FROM temp._regimp_upd s WHERE organizations.id = s.id", (now, now))
                if plan.unchanged and not same_file_before:
                    store.conn.executemany("UPDATE organizations SET last_seen = ? WHERE id = ?",
                                           [(now, org_id) for org_id, _r in plan.unchanged])
                store.execute(
                    "INSERT INTO org_sources(org_id, source, import_id, file_name, row_number, first_seen, last_seen) "
                    "SELECT org_id, ?, ?, ?, row_number, ?, ? FROM temp._regimp_src WHERE true "
                    "ON CONFLICT(org_id, source) DO UPDATE SET import_id = excluded.import_id, "
                    "file_name = excluded.file_name, row_number = excluded.row_number, last_seen = excluded.last_seen",
                    (source, import_id, analysis.file_name, now, now))
                if use_bulk:
                    refresh_sources(store, low)
            if use_bulk:
                add_counts(store, low, high)
                search_index.add_pending(store, import_id, low, high)
    finally:
        _drop_stage(store)
    actor = store.actor.id
    store.conn.executemany(
        "INSERT INTO audit_log(at, officer_id, action, object_type, object_id, field, old_value, new_value) "
        "VALUES (?,?,?,?,?,?,?,?)", [(now, actor, *row) for row in audit_rows])
    _flag(store, plan, new_ids, now)
    progress.update(total, total, "Đang hoàn tất…", force=True)
    store.execute("UPDATE imports SET finished_at = ?, counts = ? WHERE id = ?",
                  (store.now_iso(), json.dumps({**result.counts(), "flagged": result.flagged}), import_id))
    if plan.inserts or plan.updates or (plan.unchanged and not same_file_before):
        store.notify(Table.ORGANIZATIONS, Kind.BULK)
    store.notify(Table.IMPORTS, Kind.INSERT, (import_id,))


def _create_stage(store: Store) -> None:
    _drop_stage(store)
    store.execute(f"CREATE TEMP TABLE _regimp_new AS SELECT {', '.join(_STAGE_COLUMNS)} FROM organizations WHERE 0")
    store.execute(f"CREATE TEMP TABLE _regimp_upd AS SELECT {', '.join(_UPDATE_COLUMNS)} FROM organizations WHERE 0")
    store.execute("CREATE TEMP TABLE _regimp_src (org_id INTEGER PRIMARY KEY, row_number INTEGER)")


def _drop_stage(store: Store) -> None:
    for table in ("_regimp_new", "_regimp_upd", "_regimp_src"):
        store.execute(f"DROP TABLE IF EXISTS temp.{table}")




def _stage_inserts(store: Store, records: list[Record], progress: Progress, total: int) -> dict[int, int]:
    """Stage the new organizations' own values (ids in folded-name order); returns id(record) → new id."""
    if not records:
        return {}
    next_id = (store.scalar("SELECT max(id) FROM organizations") or 0) + 1
    make_uuid = uuid_sequence()
    sql = f"INSERT INTO temp._regimp_new VALUES ({', '.join('?' * len(_STAGE_COLUMNS))})"
    new_ids: dict[int, int] = {}
    # Folding and name keys for the whole batch at once (fastnorm.*_many: a few C-level passes instead
    # of a Python call per value).
    values_list = [r.values for r in records]
    folded_names = fold_many([v["name"] for v in values_list])
    keys = name_keys_from_folded(folded_names)
    texts = search_texts(values_list, folded_names)
    # Ids follow the folded-name order: the indexes of ``organizations`` that start with name_key take
    # near-sequential instead of random inserts.
    order = sorted(range(len(records)), key=keys.__getitem__)
    head, tail = _DATA_FIELDS[:9], _DATA_FIELDS[10:]  # status (index 9) defaults to 'active'
    for start in range(0, len(order), BATCH):
        progress.update(start, total, f"Đang chuẩn bị tổ chức mới {start + 1}–{min(start + BATCH, len(order))}…")
        batch = []
        for offset, n in enumerate(order[start:start + BATCH], start=start):
            record = records[n]
            values = record.values
            get = values.get
            org_id = next_id + offset
            new_ids[id(record)] = org_id
            batch.append((org_id, make_uuid(offset), *[get(f) for f in head], get("status") or "active",
                          *[get(f) for f in tail], texts[n], keys[n]))
        store.conn.executemany(sql, batch)
    return new_ids


def _bulk_inserts(store: Store, group: int, records: list[Record], now: str, progress: Progress,
                  total: int) -> tuple[dict[int, int], int, int]:
    """Bulk mode: the new rows straight into ``organizations`` (insert triggers suspended), in the same
    ids, order and values as the staged path, with the change numbers its trigger would have given."""
    next_id = (store.scalar("SELECT max(id) FROM organizations") or 0) + 1
    seq = take_change_numbers(store, len(records)) + 1
    make_uuid = uuid_sequence()
    values_list = [r.values for r in records]
    folded_names = fold_many([v["name"] for v in values_list])
    keys = name_keys_from_folded(folded_names)
    texts = search_texts(values_list, folded_names)
    order = sorted(range(len(records)), key=keys.__getitem__)
    head, tail = _DATA_FIELDS[:9], _DATA_FIELDS[10:]
    source = DEFAULT_SOURCE_FOR_GROUP[group]
    columns = (*_INSERT_COLUMNS, "change_seq")
    sql = f"INSERT INTO organizations({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    new_ids: dict[int, int] = {}
    for start in range(0, len(order), BATCH):
        progress.update(start, total, f"Đang ghi tổ chức mới {start + 1}–{min(start + BATCH, len(order))}…")
        batch = []
        for offset, n in enumerate(order[start:start + BATCH], start=start):
            record = records[n]
            get = record.values.get
            org_id = next_id + offset
            new_ids[id(record)] = org_id
            batch.append((org_id, make_uuid(offset), group, *map(get, head), get("status") or "active",
                          *map(get, tail), texts[n], keys[n], now, now, now, now, 1, source, seq + offset))
        store.conn.executemany(sql, batch)
    return new_ids, next_id, next_id + len(records) - 1


def _stage_updates(store: Store, updates: list[tuple[dict, Record, dict]], progress: Progress, done: int,
                   total: int) -> list[tuple]:
    """Stage the changed fields (NULL = keep); returns the audit rows (one per changed field)."""
    audit_rows: list[tuple] = []
    staged = []
    for n, (current, _record, changes) in enumerate(updates):
        if n % BATCH == 0:
            progress.update(done + n, total, "Đang so sánh các tổ chức đã có…")
        merged = {**current, **changes}
        staged.append((current["id"], *[changes.get(f) for f in _DATA_FIELDS], search_text(merged),
                       name_key_from_folded(fold(merged["name"]))))
        org_id = str(current["id"])
        for f in sorted(changes):
            audit_rows.append(("organization.import", "organization", org_id, f,
                               _text(mask_personal_ids(current[f], f)), _text(mask_personal_ids(changes[f], f))))
    store.conn.executemany(f"INSERT INTO temp._regimp_upd VALUES ({', '.join('?' * len(_UPDATE_COLUMNS))})", staged)
    return audit_rows


def _flag(store: Store, plan: _Plan, new_ids: dict[int, int], now: str) -> None:
    pairs = [(other_id, new_ids[id(record)], record) for other_id, record in plan.flags]
    pairs += [(new_ids[id(a)], new_ids[id(b)], b) for a, b in plan.flag_pairs_new]
    if not pairs:
        return
    rows, audits = [], []
    for a, b, record in pairs:
        low, high = sorted((a, b))
        reason = f"Cùng tên chuẩn hoá và cùng địa bàn, không có mã số thuế (dòng {record.row})"
        rows.append((low, high, reason))
        audits.append((now, store.actor.id, "duplicate.flag", "organization", str(low),
                       json.dumps({"other": high, "reason": reason}, ensure_ascii=False, sort_keys=True)))
    store.conn.executemany("INSERT OR IGNORE INTO duplicate_flags(org_id, other_org_id, reason) VALUES (?,?,?)", rows)
    store.conn.executemany("INSERT INTO audit_log(at, officer_id, action, object_type, object_id, detail) "
                           "VALUES (?,?,?,?,?,?)", audits)
    store.notify(Table.DUPLICATE_FLAGS, Kind.BULK)


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
