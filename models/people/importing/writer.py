"""Applying a checked people list, set-wise and in one transaction.

Rules:
- the same ID number is the same person; a resident listed without one is the person with the same
  folded name, birth date, commune and village (else a new person);
- changed fields are updated (one audit line per field, action 'person.import', ``version`` + 1); a blank
  cell never erases a value;
- ``person_sources`` remembers the list kind, file and row; re-importing a file already imported (same
  content, same kind) writes nothing, so the second run reports every row unchanged;
- staff lists: the person, then the agency × person link (position, phone, preferred date);
- schedules: the enterprise is found in the organization registry by tax code, else by its normalised
  name (one match); an enterprise not in the registry is an error on its row;
- activations: each person counted once (a repeated ID keeps the highest level and the earliest dates);
  account fields only move forward (level never goes down, a known date is kept when it is earlier);
  ID numbers that match nobody are listed (``unknown_ids`` and a warning per row), never created.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from models.core.bulk_write import big_page_cache, uuid_sequence
from models.core.changes import Kind, Table
from models.core.permissions import require
from models.core.progress import Progress
from models.core.store import Store
from models.people import agencies
from models.people.importing.analysis import Analysis, Issue, Record
from models.people.level2 import follow_national_lists
from models.registry.importing.fastnorm import fold, fold_many, name_key
from models.registry.importing.gcpause import paused_gc
from models.tabular import UnreadableFile

PERSON_COLUMNS = ("id_number", "full_name", "birth_date", "sex", "phone", "area_code", "village", "address",
                  "residence")
STAFF_COLUMNS = ("position", "phone", "preferred_on")
SCHEDULE_COLUMNS = ("representative", "phone", "staff_count", "scheduled_time", "notes")
ACCOUNT_COLUMNS = ("account_level", "level1_on", "level2_issued_on", "activated_on")
BATCH = 20000


@dataclass
class ImportResult:
    kind: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    warnings: int = 0
    matched: int = 0
    unknown: int = 0
    unknown_ids: list[str] = field(default_factory=list)
    dossiers_moved: dict[str, int] = field(default_factory=dict)
    written: bool = False
    import_id: int | None = None
    agency_id: int | None = None
    issues: list[Issue] = field(default_factory=list)

    def counts(self) -> dict:
        """The CLI's JSON contract."""
        out = {"read": self.read, "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
               "duplicates": self.duplicates, "rejected": self.rejected, "warnings": self.warnings}
        if self.kind == "activations":
            out.update(matched=self.matched, unknown=self.unknown)
        return out


def apply_analysis(store: Store, analysis: Analysis, *, agency: str | None = None, dry_run: bool = False,
                   strict: bool = False, progress: Progress | None = None) -> ImportResult:
    require(store, "people.import")
    progress = progress or Progress()
    result = ImportResult(kind=analysis.kind, read=analysis.read, duplicates=analysis.duplicates,
                          rejected=analysis.rejected, issues=list(analysis.issues))
    with paused_gc(), big_page_cache(store), store.interruptible(progress), store.atomic():
        import_id = None
        same_file_before = bool(store.scalar(
            "SELECT 1 FROM people_imports WHERE kind = ? AND file_sha256 = ? AND finished_at IS NOT NULL",
            (analysis.kind, analysis.sha256)))
        writer = _Writer(store, analysis, result, same_file_before=same_file_before, progress=progress)
        if analysis.kind == "schedule":
            writer.resolve_orgs()  # an enterprise missing from the registry rejects its row (and --strict)
        refused = strict and result.rejected > 0
        if not dry_run and not refused:
            cur = store.execute(
                "INSERT INTO people_imports(kind, file_name, file_sha256, sheet_name, officer_id, started_at) "
                "VALUES (?,?,?,?,?,?)", (analysis.kind, analysis.file_name, analysis.sha256, analysis.sheet_name,
                                         store.actor.id, store.now_iso()))
            import_id = result.import_id = writer.import_id = cur.lastrowid
            writer.write = True
        if analysis.kind in ("residents", "staff"):
            writer.persons(agency)
        elif analysis.kind == "schedule":
            writer.schedules()
        else:
            writer.activations()
            if writer.write and not refused:
                # open level-2 dossiers follow the list in the same transaction (received/sent → issued → activated)
                result.dossiers_moved = follow_national_lists(store)
        result.warnings = sum(1 for i in result.issues if i.level == "warning")
        if refused:
            result.inserted = result.updated = result.unchanged = 0
            result.matched = 0
        if import_id is not None:
            store.execute("UPDATE people_imports SET finished_at = ?, counts = ?, unknown_ids = ?, agency_id = ? "
                          "WHERE id = ?", (store.now_iso(), json.dumps(result.counts()),
                                           json.dumps(result.unknown_ids) if result.unknown_ids else None,
                                           result.agency_id, import_id))
            store.audit("people.import", "people_import", import_id,
                        detail={"kind": analysis.kind, "file": analysis.file_name, **result.counts()})
            store.notify(Table.PEOPLE_IMPORTS, Kind.INSERT, (import_id,))
            result.written = True
    return result






def _ids_in(store: Store, sql: str, keys: list, chunk: int = 30000) -> list[tuple]:
    """``sql`` with one ``{keys}`` placeholder list, run over ``keys`` in chunks."""
    out: list[tuple] = []
    for start in range(0, len(keys), chunk):
        part = keys[start:start + chunk]
        out.extend(store.execute(sql.format(keys=",".join("?" * len(part))), part).fetchall())
    return out


class _Writer:
    def __init__(self, store: Store, analysis: Analysis, result: ImportResult, *, same_file_before: bool,
                 progress: Progress):
        self.store, self.analysis, self.result = store, analysis, result
        self.same_file_before, self.progress = same_file_before, progress
        self.import_id: int | None = None
        self.write = False  # set once the import record is written (not for a dry run or a refused strict import)
        self.now = store.now_iso()
        self.kept: list[tuple[Record, int]] = []

    # ---- persons (residents, staff) ------------------------------------------------------------------
    def _match_persons(self, records: list[Record]) -> dict[int, tuple]:
        """Index in ``records`` → the existing person row (id, version, *PERSON_COLUMNS)."""
        store = self.store
        select = "id, version, " + ", ".join(PERSON_COLUMNS)
        found: dict[int, tuple] = {}
        with_id = [(n, r.values["id_number"]) for n, r in enumerate(records) if r.values.get("id_number")]
        if with_id and store.scalar("SELECT 1 FROM persons LIMIT 1"):
            store.execute("DROP TABLE IF EXISTS temp._pp_keys")
            store.execute("CREATE TEMP TABLE _pp_keys (id_number TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
            try:  # keyed by ID number: the join walks the persons' id_number index in order
                store.conn.executemany("INSERT INTO temp._pp_keys(n, id_number) VALUES (?, ?)",
                                       sorted(with_id, key=lambda k: k[1]))
                cols = ", ".join(f"p.{c}" for c in ("id", "version", *PERSON_COLUMNS))
                for row in store.execute(f"SELECT k.n, {cols} FROM temp._pp_keys k "
                                         "CROSS JOIN persons p ON p.id_number = k.id_number"):
                    found[row[0]] = row[1:]
            finally:
                store.execute("DROP TABLE IF EXISTS temp._pp_keys")
        without = [(n, r) for n, r in enumerate(records) if not r.values.get("id_number")]
        if without:
            keys = {n: fold(r.values["full_name"]) for n, r in without}
            candidates: dict[tuple, tuple] = {}
            for row in _ids_in(store, f"SELECT name_key, {select} FROM persons WHERE name_key IN ({{keys}}) "
                                      "AND id_number IS NULL", sorted(set(keys.values()))):
                by = dict(zip(PERSON_COLUMNS, row[3:], strict=True))
                candidates.setdefault((row[0], by["birth_date"], by["area_code"], by["village"]), row[1:])
            for n, record in without:
                v = record.values
                hit = candidates.get((keys[n], v.get("birth_date"), v.get("area_code"), v.get("village")))
                if hit is not None:
                    found[n] = hit
        return found

    def persons(self, agency: str | None) -> None:
        store, analysis, result = self.store, self.analysis, self.result
        records = analysis.records
        agency_id = None
        if analysis.kind == "staff":
            agency_id = self._agency(agency, records)
            result.agency_id = agency_id
        self.progress.update(0, len(records), "Đang so sánh với danh sách công dân…", force=True)
        found = self._match_persons(records)
        inserts: list[int] = []
        updates: list[tuple[tuple, dict]] = []
        person_of: dict[int, int] = {}
        changed_rows: set[int] = set()
        positions = tuple(enumerate(PERSON_COLUMNS, start=2))
        for n, record in enumerate(records):
            current = found.get(n)
            if current is None:
                inserts.append(n)
                continue
            person_of[n] = current[0]
            get = record.values.get
            changes = None
            for position, column in positions:
                value = get(column)
                if value is not None and value != current[position]:
                    if changes is None:
                        changes = {}
                    changes[column] = value
            if changes:
                updates.append((current, changes))
                changed_rows.add(n)
        audit_rows: list[tuple] = []
        if self.write:
            new_ids = self._insert_persons([records[n] for n in inserts])
            person_of.update({n: new_ids[i] for i, n in enumerate(inserts)})
            audit_rows = self._update_persons(updates)
            self._sources(records, person_of, set(inserts), skip=self.same_file_before)
        staff_new = staff_changed = set()
        if analysis.kind == "staff":
            staff_new, staff_changed = self._staff(records, person_of, agency_id, set(inserts))
        inserted = set(inserts) | staff_new
        result.inserted = len(inserted)
        result.updated = len((changed_rows | staff_changed) - inserted)
        result.unchanged = len(records) - result.inserted - result.updated
        if self.write:
            if audit_rows:
                store.conn.executemany(
                    "INSERT INTO audit_log(at, officer_id, action, object_type, object_id, field, old_value, "
                    "new_value) VALUES (?,?,?,?,?,?,?,?)", [(self.now, store.actor.id, *r) for r in audit_rows])
            if inserts or updates:
                store.notify(Table.PERSONS, Kind.BULK)

    def _insert_persons(self, records: list[Record]) -> list[int]:
        if not records:
            return []
        store = self.store
        next_id = (store.scalar("SELECT max(id) FROM persons") or 0) + 1
        make_uuid = uuid_sequence()
        keys = fold_many([r.values["full_name"] for r in records])
        order = sorted(range(len(records)), key=keys.__getitem__)  # ids in name order: near-sequential index writes
        ids = [0] * len(records)
        store.execute("DROP TABLE IF EXISTS temp._pp_new")
        store.execute(f"CREATE TEMP TABLE _pp_new (id INTEGER PRIMARY KEY, uuid TEXT, {', '.join(PERSON_COLUMNS)}, "
                      "name_key TEXT)")
        try:
            sql = f"INSERT INTO temp._pp_new VALUES ({', '.join('?' * (len(PERSON_COLUMNS) + 3))})"
            batch = []
            for offset, n in enumerate(order):
                ids[n] = next_id + offset
                get = records[n].values.get
                batch.append((next_id + offset, make_uuid(offset), *[get(c) for c in PERSON_COLUMNS], keys[n]))
                if len(batch) >= BATCH:
                    store.conn.executemany(sql, batch)
                    batch = []
            store.conn.executemany(sql, batch)
            store.execute(
                f"INSERT INTO persons(id, uuid, {', '.join(PERSON_COLUMNS)}, name_key, sources, created_at, "
                f"updated_at) SELECT id, uuid, {', '.join(PERSON_COLUMNS)}, name_key, ?, ?, ? FROM temp._pp_new "
                "ORDER BY id", (self.analysis.kind, self.now, self.now))
        finally:
            store.execute("DROP TABLE IF EXISTS temp._pp_new")
        return ids

    def _update_persons(self, updates: list[tuple[tuple, dict]]) -> list[tuple]:
        if not updates:
            return []
        store = self.store
        audit_rows = []
        staged = []
        for current, changes in updates:
            have = dict(zip(PERSON_COLUMNS, current[2:], strict=True))
            key = fold(changes["full_name"]) if "full_name" in changes else None
            staged.append((current[0], *[changes.get(c) for c in PERSON_COLUMNS], key))
            for f in sorted(changes):
                audit_rows.append(("person.import", "person", str(current[0]), f, have[f], changes[f]))
        store.execute("DROP TABLE IF EXISTS temp._pp_upd")
        store.execute(f"CREATE TEMP TABLE _pp_upd (id INTEGER PRIMARY KEY, {', '.join(PERSON_COLUMNS)}, name_key TEXT)")
        try:
            store.conn.executemany(f"INSERT INTO temp._pp_upd VALUES ({', '.join('?' * (len(PERSON_COLUMNS) + 2))})",
                                   staged)
            sets = ", ".join(f"{c} = coalesce(s.{c}, persons.{c})" for c in (*PERSON_COLUMNS, "name_key"))
            store.execute(f"UPDATE persons SET {sets}, updated_at = ?, version = persons.version + 1 "
                          "FROM temp._pp_upd s WHERE persons.id = s.id", (self.now,))
        finally:
            store.execute("DROP TABLE IF EXISTS temp._pp_upd")
        return audit_rows

    def _sources(self, records: list[Record], person_of: dict[int, int], new: set[int], *, skip: bool) -> None:
        if skip:
            return
        store, kind = self.store, self.analysis.kind
        rows = [(person_of[n], r.row, n not in new) for n, r in enumerate(records)]
        store.execute("DROP TABLE IF EXISTS temp._pp_src")
        store.execute("CREATE TEMP TABLE _pp_src (person_id INTEGER PRIMARY KEY, row_number INTEGER, known INTEGER)")
        try:
            store.conn.executemany("INSERT OR REPLACE INTO temp._pp_src VALUES (?, ?, ?)", rows)
            store.execute(
                "INSERT INTO person_sources(person_id, kind, file_name, import_id, row_number, first_seen, last_seen) "
                "SELECT person_id, ?, ?, ?, row_number, ?, ? FROM temp._pp_src WHERE true "
                "ON CONFLICT(person_id, kind, file_name) DO UPDATE SET import_id = excluded.import_id, "
                "row_number = excluded.row_number, last_seen = excluded.last_seen",
                (kind, self.analysis.file_name, self.import_id, self.now, self.now))
            # New persons were written with ``sources`` = this kind already.
            store.execute("UPDATE persons SET sources = trim(sources || ' ' || ?) WHERE id IN "
                          "(SELECT person_id FROM temp._pp_src WHERE known) AND instr(' ' || sources || ' ', ?) = 0",
                          (kind, f" {kind} "))
        finally:
            store.execute("DROP TABLE IF EXISTS temp._pp_src")

    # ---- staff ---------------------------------------------------------------------------------------
    def _agency(self, name: str | None, records: list[Record]) -> int | None:
        if not name:
            names = {r.values.get("agency") for r in records if r.values.get("agency")}
            if len(names) == 1:
                name = names.pop()
        if not name:
            raise UnreadableFile(f"Tệp «{self.analysis.file_name}»: chưa rõ danh sách của cơ quan, đơn vị nào "
                                 "(ghi --agency TÊN hoặc thêm cột «Cơ quan, đơn vị» có một tên)")
        found = agencies.find_agency(self.store, name)
        if found is not None:
            return found["id"]
        if not self.write:
            return None
        return agencies.create_agency(self.store, {"name": name})

    def _staff(self, records: list[Record], person_of: dict[int, int], agency_id: int | None,
               new_persons: set[int]) -> tuple[set[int], set[int]]:
        store = self.store
        current: dict[int, tuple] = {}
        if agency_id is not None:
            for row in _ids_in(store, f"SELECT person_id, id, {', '.join(STAFF_COLUMNS)} FROM agency_staff "
                                      f"WHERE agency_id = {int(agency_id)} AND person_id IN ({{keys}})",
                               [p for p in person_of.values()]):
                current[row[0]] = row[1:]
        new, changed = set(), set()
        inserts, updates = [], []
        for n, record in enumerate(records):
            person_id = person_of.get(n)
            values = [record.values.get(c) for c in STAFF_COLUMNS]
            have = current.get(person_id) if person_id is not None else None
            if have is None:
                new.add(n)
                inserts.append((agency_id, person_id, *values, self.import_id, self.now, self.now))
                continue
            diff = [v if v is not None and v != old else None for v, old in zip(values, have[1:], strict=True)]
            if any(d is not None for d in diff):
                changed.add(n)
                updates.append((*diff, self.import_id, self.now, have[0]))
        if self.write:
            store.conn.executemany(
                f"INSERT INTO agency_staff(agency_id, person_id, {', '.join(STAFF_COLUMNS)}, import_id, created_at, "
                "updated_at) VALUES (?,?,?,?,?,?,?,?)", inserts)
            sets = ", ".join(f"{c} = coalesce(?, {c})" for c in STAFF_COLUMNS)
            store.conn.executemany(f"UPDATE agency_staff SET {sets}, import_id = ?, updated_at = ? WHERE id = ?",
                                   updates)
            if inserts or updates:
                store.notify(Table.AGENCY_STAFF, Kind.BULK)
        return new, changed

    # ---- enterprise schedules ------------------------------------------------------------------------
    def resolve_orgs(self) -> None:
        analysis, result = self.analysis, self.result
        for record in analysis.records:
            org_id = self._org(record)
            if org_id is None:
                v = record.values
                col = next((i for i, f in analysis.mapping.items() if f in ("tax_code", "org_name")), None)
                result.issues.append(Issue(record.row, col, analysis.headers[col] if col is not None else "",
                                           v.get("tax_code") or v.get("org_name") or "",
                                           "Doanh nghiệp không có trong sổ tổ chức (hoặc trùng tên nhiều tổ chức): "
                                           "nhập danh sách tổ chức trước hoặc ghi mã số thuế"))
                result.rejected += 1  # the record's repeated rows are already counted as duplicates
                continue
            self.kept.append((record, org_id))

    def schedules(self) -> None:
        store, result = self.store, self.result
        for record, org_id in self.kept:
            values = [record.values.get(c) for c in SCHEDULE_COLUMNS]
            have = store.query_one(f"SELECT id, {', '.join(SCHEDULE_COLUMNS)} FROM enterprise_schedules "
                                   "WHERE org_id = ? AND scheduled_on = ?", (org_id, record.values["scheduled_on"]))
            if have is None:
                result.inserted += 1
                if self.write:
                    store.execute(
                        f"INSERT INTO enterprise_schedules(org_id, scheduled_on, {', '.join(SCHEDULE_COLUMNS)}, "
                        "import_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (org_id, record.values["scheduled_on"], *values, self.import_id, self.now, self.now))
                continue
            changes = {c: v for c, v in zip(SCHEDULE_COLUMNS, values, strict=True) if v is not None and v != have[c]}
            if not changes:
                result.unchanged += 1
                continue
            result.updated += 1
            if self.write:
                sets = ", ".join(f"{c} = ?" for c in changes)
                store.execute(f"UPDATE enterprise_schedules SET {sets}, import_id = ?, updated_at = ?, "
                              "version = version + 1 WHERE id = ?",
                              (*changes.values(), self.import_id, self.now, have["id"]))
                store.audit_changes("enterprise_schedule", have["id"], {c: have[c] for c in changes}, changes,
                                    "person.import")
        if self.write and (result.inserted or result.updated):
            store.notify(Table.ENTERPRISE_SCHEDULES, Kind.BULK)

    def _org(self, record: Record) -> int | None:
        store, values = self.store, record.values
        if values.get("tax_code"):
            org_id = store.scalar("SELECT coalesce(merged_into, id) FROM organizations WHERE tax_code = ?",
                                  (values["tax_code"],))
            if org_id is not None:
                return org_id
        if values.get("org_name"):
            rows = store.query("SELECT id FROM organizations WHERE name_key = ? AND merged_into IS NULL LIMIT 2",
                               (name_key(values["org_name"]),))
            if len(rows) == 1:
                return rows[0]["id"]
        return None

    # ---- activations ---------------------------------------------------------------------------------
    def activations(self) -> None:
        store, analysis, result = self.store, self.analysis, self.result
        records = analysis.records
        found: dict[int, tuple] = {}
        keys = [(n, r.values["id_number"]) for n, r in enumerate(records)]
        store.execute("DROP TABLE IF EXISTS temp._pp_keys")
        # Keyed by ID number: the join walks the persons' id_number index in order, not at random.
        store.execute("CREATE TEMP TABLE _pp_keys (id_number TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
        try:
            store.conn.executemany("INSERT INTO temp._pp_keys(n, id_number) VALUES (?, ?)",
                                   sorted(keys, key=lambda k: k[1]))
            for row in store.execute(f"SELECT k.n, p.id, {', '.join('p.' + c for c in ACCOUNT_COLUMNS)} "
                                     "FROM temp._pp_keys k CROSS JOIN persons p ON p.id_number = k.id_number"):
                found[row[0]] = row[1:]
        finally:
            store.execute("DROP TABLE IF EXISTS temp._pp_keys")
        id_col = next((i for i, f in analysis.mapping.items() if f == "id_number"), None)
        staged, audit_rows, matched = [], [], []
        for n, record in enumerate(records):
            current = found.get(n)
            if current is None:
                result.unknown_ids.append(record.values["id_number"])
                result.issues.append(Issue(record.row, id_col, analysis.headers[id_col] if id_col is not None else "",
                                           record.values["id_number"],
                                           "Số định danh không có trong danh sách công dân: không cập nhật",
                                           "warning"))
                continue
            matched.append(current[0])
            have = dict(zip(ACCOUNT_COLUMNS, current[1:], strict=True))
            want = _account_after(have, [record.values, *record.values.get("_more", [])])
            changes = {k: v for k, v in want.items() if have[k] != v}
            if not changes:
                result.unchanged += 1
                continue
            result.updated += 1
            staged.append((current[0], *[want[c] for c in ACCOUNT_COLUMNS]))
            # One line per person (not per field): a national list touches tens of thousands of persons.
            audit_rows.append((self.now, store.actor.id, "person.activation", "person", str(current[0]), "account",
                               json.dumps({f: have[f] for f in sorted(changes)}),
                               json.dumps({f: changes[f] for f in sorted(changes)})))
        result.matched = len(set(matched))
        result.unknown = len(set(result.unknown_ids))
        if not self.write or not staged:
            return
        store.execute("DROP TABLE IF EXISTS temp._pp_acc")
        store.execute(f"CREATE TEMP TABLE _pp_acc (id INTEGER PRIMARY KEY, {', '.join(ACCOUNT_COLUMNS)})")
        try:
            store.conn.executemany(f"INSERT INTO temp._pp_acc VALUES ({', '.join('?' * (len(ACCOUNT_COLUMNS) + 1))})",
                                   sorted(staged))
            sets = ", ".join(f"{c} = s.{c}" for c in ACCOUNT_COLUMNS)
            store.execute(f"UPDATE persons SET {sets}, updated_at = ?, version = persons.version + 1 "
                          "FROM temp._pp_acc s WHERE persons.id = s.id", (self.now,))
        finally:
            store.execute("DROP TABLE IF EXISTS temp._pp_acc")
        store.conn.executemany("INSERT INTO audit_log(at, officer_id, action, object_type, object_id, field, "
                               "old_value, new_value) VALUES (?,?,?,?,?,?,?,?)", audit_rows)
        store.notify(Table.PERSONS, Kind.BULK)


def _earliest(*days: str | None) -> str | None:
    known = [d for d in days if d]
    return min(known) if known else None


def _account_after(have: dict, rows: list[dict]) -> dict:
    """The account fields once the national list's rows for one person are applied (never backwards).

    Level 1 is registered and activated by the citizen in the app: its date is both. Level 2 is issued at
    the police: "Ngày cấp" (or the list's only date) is the issue date; it is activated when the row says so
    (status, or a "Ngày kích hoạt")."""
    want = dict(have)
    want["account_level"] = have["account_level"] or 0
    for v in rows:
        level = v.get("level")
        issued = v.get("issued_on") or (v.get("date") if not v.get("activated_on") else None)
        activated = v.get("activated_on")
        if activated is None and v.get("status") == "activated":
            activated = v.get("date") or v.get("issued_on")
        if level == 1:
            day = issued or activated or v.get("date")
            want["level1_on"] = _earliest(want["level1_on"], day)
            if v.get("status") != "issued":
                want["activated_on"] = _earliest(want["activated_on"], activated or day)
        elif level == 2:
            want["level2_issued_on"] = _earliest(want["level2_issued_on"], issued or activated)
            if activated:
                want["activated_on"] = _earliest(want["activated_on"], activated)
        if level:
            want["account_level"] = max(want["account_level"], level)
    return want
