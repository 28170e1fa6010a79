"""Instant search and browsing over the organization registry (built for 1,000,000 rows).

Matching ignores case and diacritics, đ included: the query is folded with ``textnorm.fold`` and
compared with the folded ``organizations.search_text`` (name, abbreviations, foreign name, tax and
enterprise code, legal representative, head, address).

How a query runs:
- every word of the query is a word *prefix* ("nguyen du" finds "Nguyễn Đức"): FTS5 table
  ``org_fts`` (unicode61 tokens, prefix indexes for 1-6 characters, ``detail=none``);
- a run of 5 or more digits also matches anywhere inside a tax code ("0100233" and "233488" both
  find 0100233488): FTS5 trigram table ``org_tax_fts``; shorter runs are prefixes like words (three
  digits would match a large share of all tax codes);
- filters (group, area, status, source) and the hiding of merged rows are applied on the joined row.

Index consistency: triggers on ``organizations`` (migration m002) update both FTS tables on every
INSERT, DELETE and UPDATE of ``search_text``/``tax_code``, so writers only have to store a correct
``search_text`` (``models.registry.organizations.search_text(record)``). One FTS write per SQL statement is
slow (FTS5 flushes at every statement: ~50-200 µs per row with ``executemany``), so bulk writers
(imports, sync) wrap their statements in ``deferred_index(store)``::

    with store.atomic(), registry_search.deferred_index(store):
        store.conn.executemany("INSERT INTO organizations(...) VALUES (...)", rows)
        store.conn.executemany("UPDATE organizations SET ..., search_text = ? WHERE id = ?", changes)

Inside the block the triggers only queue the touched ids; on leaving it the queue is indexed with four
set-wise statements (100,000 rows in well under a second). If the block raises, the transaction
rolls back together with the queue. ``rebuild_index`` rebuilds everything (after raw writes with the
triggers dropped); ``check_index`` runs the FTS5 integrity check.

Index after the commit (issue 17): a bulk import (``importing/bulk.py``) commits its new rows without
indexing them, with an ``org_index_pending`` range (m020); ``search_index`` indexes them in slices after
the commit. Until a row is indexed, ``_search`` finds it by a tail scan (``_pending_matches``: the same
document, each word a word prefix, a digit run also inside the tax code, the same filters) merged with
the FTS answer, so a search while indexing is complete (p95 well under 150 ms for 100,000 pending rows).

Two result shapes, both plain id lists (``array('q')``) for the lazy table model:
- *browsing* (no text): every matching row in the chosen order, read from an index (1M ids in a
  few hundred ms, 8 MB); never capped;
- *searching* (text): the first ``cap`` matches in index order, then sorted by the chosen column. When
  more rows match, ``SearchResult.capped`` is true and the screen says "hơn N kết quả — gõ thêm để
  thu hẹp". Reading each match's row costs ~5 µs, so the cap (1,000) is what keeps every keystroke
  under the 30 ms budget (benchmarks/bench_search.py).
"""

from __future__ import annotations

import contextlib
import itertools
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from models.core.migrations.m002_registry import search_doc
from models.core.store import Store
from models.registry import pending, search_index
from models.text.normalize import fold

SEARCH_CAP = 1000
SUBSTRING_DIGITS = 5  # digit runs this long also match inside tax codes; shorter ones are prefixes

# Sortable columns: key → SQL expression on organizations (alias o).
SORT_COLUMNS = {
    "name": "o.name_key",
    "tax_code": "o.tax_code",
    "grp": "o.grp",
    "area": "o.area_code",
    "status": "o.status",
    "rep_name": "o.rep_name",
    "address": "o.address",
    "id": "o.id",
}

# Columns the registry table shows (fetched per block by the lazy model).
ROW_COLUMNS = (
    "id", "grp", "name", "tax_code", "address", "area_code", "status", "rep_name", "rep_id_number",
    "rep_phone", "version", "merged_into",
)


@dataclass(frozen=True)
class Filters:
    group: int | None = None
    area_code: str | None = None
    status: str | None = None
    source: str | None = None
    include_merged: bool = False
    state: str | None = None  # campaign state or "pending" (models/registry/pending.py), set-wise

    def where(self, source_check: str = "exists") -> tuple[list[str], list]:
        """SQL conditions on organizations (alias o). ``source_check``: 'in' (browsing: one set from the
        index), 'exists' (few candidate rows), 'tags' (already checked by the FTS filter tags)."""
        clauses: list[str] = []
        params: list = []
        if not self.include_merged:
            clauses.append("o.merged_into IS NULL")
        if self.group is not None:
            clauses.append("o.grp = ?")
            params.append(int(self.group))
        if self.area_code:
            clauses.append("o.area_code = ?")
            params.append(self.area_code)
        if self.status:
            clauses.append("o.status = ?")
            params.append(self.status)
        if self.source and source_check == "in":
            clauses.append("o.id IN (SELECT org_id FROM org_sources WHERE source = ?)")
            params.append(self.source)
        elif self.source and source_check == "exists":
            clauses.append("EXISTS (SELECT 1 FROM org_sources s WHERE s.org_id = o.id AND s.source = ?)")
            params.append(self.source)
        if self.state:  # browsing tests every row: the id sets once; a search few rows: per-row look-ups
            clauses.extend(pending.state_clauses(self.state, per_row=source_check != "in"))
        return clauses, params


@dataclass
class SearchResult:
    ids: array = field(default_factory=lambda: array("q"))
    capped: bool = False  # more rows match than ``ids`` holds (text searches only)
    complete: bool = True  # False: a browse cut at ``first``; the rest is still to be read
    text: str = ""
    elapsed_ms: float = 0.0

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]  # matched as word prefixes
    digit_runs: tuple[str, ...]  # runs of >= SUBSTRING_DIGITS digits: word prefix OR inside a tax code

    @property
    def empty(self) -> bool:
        return not self.words and not self.digit_runs


def parse_query(text: str) -> ParsedQuery:
    words: list[str] = []
    digits: list[str] = []
    for token in fold(text).split():
        if token.isdigit() and len(token) >= SUBSTRING_DIGITS:
            if token not in digits:
                digits.append(token)
        elif token not in words:
            words.append(token)
    return ParsedQuery(tuple(words), tuple(digits))


def _fts_words(words: tuple[str, ...]) -> str:
    # Folded tokens are [0-9a-z]+ only, so quoting cannot be broken out of.
    return " AND ".join(f'"{w}"*' for w in words)


def search_ids(store: Store, text: str = "", filters: Filters | None = None, sort: str = "name",
               descending: bool = False, cap: int = SEARCH_CAP, first: int | None = None) -> SearchResult:
    """Ids of the organizations matching ``text`` and ``filters`` in ``sort`` order (see module doc).

    ``first``: when browsing, read only the first ``first`` ids (``complete`` is False if there may be
    more) so that a screen can paint at once and read the rest in the background.
    """
    started = time.perf_counter()
    filters = filters or Filters()
    if sort not in SORT_COLUMNS:
        raise ValueError(f"unknown sort column {sort!r}")
    parsed = parse_query(text)
    if parsed.empty:
        ids = _browse(store, filters, sort, descending, first)
        result = SearchResult(ids=ids, capped=False, text=text, complete=first is None or len(ids) < first)
    else:
        ids, capped = _search(store, parsed, filters, sort, descending, cap)
        result = SearchResult(ids=ids, capped=capped, text=text)
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


def _browse(store: Store, filters: Filters, sort: str, descending: bool, first: int | None = None) -> array:
    clauses, params = filters.where(source_check="in")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    direction = "DESC" if descending else "ASC"
    # Ties are broken by name, then id: the partial indexes (grp|area_code|status, name_key) give
    # this order without sorting.
    keys = [SORT_COLUMNS[sort]]
    if sort in ("grp", "area", "status"):
        keys.append("o.name_key")
    if sort != "id":
        keys.append("o.id")
    order = ", ".join(f"{k} {direction}" for k in keys)
    limit = f" LIMIT {int(first)}" if first is not None else ""
    cur = store.execute(f"SELECT o.id FROM organizations o {where} ORDER BY {order}{limit}", params)
    return array("q", itertools.chain.from_iterable(cur))


def _search(store: Store, parsed: ParsedQuery, filters: Filters, sort: str, descending: bool,
            cap: int) -> tuple[array, bool]:
    params: list = []
    clauses: list[str] = []
    if parsed.words:
        source = "org_fts f CROSS JOIN organizations o ON o.id = f.rowid"
        clauses.append("org_fts MATCH ?")
        params.append(" AND ".join(filter(None, [_fts_words(parsed.words), _filter_tags(filters)])))
        digit_runs = parsed.digit_runs
    else:
        first, *rest = parsed.digit_runs
        source = (f"({_digit_set_sql()}) f CROSS JOIN organizations o ON o.id = f.rowid")
        params.extend([f'"{first}"*', f'"{first}"'])
        digit_runs = tuple(rest)
    for run in digit_runs:
        clauses.append(f"o.id IN ({_digit_set_sql()})")
        params.extend([f'"{run}"*', f'"{run}"'])
    filter_clauses, filter_params = filters.where(source_check="tags" if parsed.words else "exists")
    clauses.extend(filter_clauses)
    params.extend(filter_params)
    sort_expr = SORT_COLUMNS[sort]
    sql = (f"SELECT o.id, {sort_expr} FROM {source} WHERE {' AND '.join(clauses)} LIMIT ?")
    params.append(cap + 1)
    rows = store.execute(sql, params).fetchall()
    if len(rows) <= cap and (ranges := search_index.pending_ranges(store)):
        rows += _pending_matches(store, ranges, parsed, filters, sort_expr, cap + 1 - len(rows))
    capped = len(rows) > cap
    if capped:
        rows = rows[:cap]
    rows.sort(key=lambda r: (r[1] is None, r[1] if r[1] is not None else 0, r[0]), reverse=descending)
    return array("q", (r[0] for r in rows)), capped


def _pending_matches(store: Store, ranges: list[tuple[int, int]], parsed: ParsedQuery, filters: Filters,
                     sort_expr: str, limit: int) -> list[tuple]:
    """The tail scan while a bulk import's index is being built (``search_index``): the rows not yet in
    FTS5 matched on the same document (folded text + filter tags), a word as a word prefix, a digit run
    also inside the tax code. None of these rows is in the FTS tables (m020's triggers), so nothing is
    found twice."""
    clauses = ["(" + " OR ".join("o.id BETWEEN ? AND ?" for _r in ranges) + ")"]
    params: list = [v for r in ranges for v in r]
    for word in parsed.words:
        if word.startswith("z"):  # may be the start of a filter tag (zzg1, zzsactive…): the whole document
            clauses.append("(' ' || " + search_doc("o.") + ") LIKE ?")
            params.append(f"% {word}%")
        else:  # a word prefix of the folded text: at its start or after a space (no string built per row)
            clauses.append("(substr(o.search_text, 1, ?) = ? OR instr(o.search_text, ?) > 0)")
            params.extend([len(word), word, " " + word])
    for run in parsed.digit_runs:
        clauses.append("(substr(o.search_text, 1, ?) = ? OR instr(o.search_text, ?) > 0 OR instr(o.tax_code, ?) > 0)")
        params.extend([len(run), run, " " + run, run])
    filter_clauses, filter_params = filters.where(source_check="exists")
    clauses.extend(filter_clauses)
    params.extend(filter_params)
    params.append(limit)
    return store.execute(f"SELECT o.id, {sort_expr} FROM organizations o WHERE {' AND '.join(clauses)} LIMIT ?",
                         params).fetchall()


def _filter_tags(filters: Filters) -> str:
    """Filter tags indexed with each document (see migration m002 ``search_doc``)."""
    tags = []
    if filters.group is not None:
        tags.append(f'"zzg{int(filters.group)}"')
    if filters.status:
        tags.append(f'"zzs{fold(filters.status).replace(" ", "")}"')
    if filters.area_code:
        tags.append(f'"zza{filters.area_code.encode().hex().lower()}"')
    if filters.source:
        tags.append(f'"zzq{fold(filters.source).replace(" ", "")}"')
    return " AND ".join(tags)


def _digit_set_sql() -> str:
    return ("SELECT rowid FROM org_fts WHERE org_fts MATCH ? "
            "UNION SELECT rowid FROM org_tax_fts WHERE org_tax_fts MATCH ?")


def fetch_rows(store: Store, ids, columns: tuple[str, ...] = ROW_COLUMNS) -> dict[int, dict]:
    """Rows for the given ids (one block of the lazy table), keyed by id."""
    ids = list(ids)
    if not ids:
        return {}
    cols = ", ".join(columns)
    out: dict[int, dict] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        cur = store.execute(f"SELECT {cols} FROM organizations WHERE id IN ({','.join('?' * len(part))})", part)
        names = [c[0] for c in cur.description]
        for row in cur.fetchall():
            record = dict(zip(names, row, strict=True))
            out[record["id"]] = record
    return out


def search(store: Store, text: str, *, limit: int = 50, filters: Filters | None = None,
           sort: str = "name") -> list[dict]:
    """Full rows of the first ``limit`` matches (CLI, dossier intake look-ups)."""
    result = search_ids(store, text, filters, sort=sort, first=limit)
    ids = list(result.ids[:limit])
    rows = fetch_rows(store, ids, columns=("id", "grp", "tax_code", "name", "address", "rep_name", "status",
                                           "area_code", "short_name", "rep_id_number"))
    return [rows[i] for i in ids if i in rows]


@contextlib.contextmanager
def deferred_index(store: Store) -> Iterator[None]:
    """Queue index updates of the rows written inside the block; index them set-wise on exit."""
    with store.atomic():
        if store.scalar("SELECT 1 FROM org_index_defer"):
            yield  # an outer block is deferring already and will flush
            return
        store.execute("INSERT INTO org_index_defer(id) VALUES (1)")
        yield
        store.execute("DELETE FROM org_index_defer")
        flush_index_queue(store)


def flush_index_queue(store: Store) -> int:
    """Index the queued rows (see ``deferred_index``); returns how many were queued."""
    with store.atomic():
        queued = store.scalar("SELECT count(*) FROM org_index_queue") or 0
        if not queued:
            return 0
        # Rows go to FTS5 in rowid order: a rowid lower than the previous one makes FTS5 flush its
        # pending terms (one tiny segment per row). Without CROSS JOIN/ORDER BY the planner read the
        # tax codes from their index, in tax-code order: 1.3 s instead of 0.15 s for 100,000 rows.
        store.execute("INSERT INTO org_fts(org_fts, rowid, doc) "
                      "SELECT 'delete', id, old_doc FROM org_index_queue WHERE had_old = 1 ORDER BY id")
        store.execute("INSERT INTO org_tax_fts(org_tax_fts, rowid, tax_code) "
                      "SELECT 'delete', id, old_tax FROM org_index_queue WHERE had_old = 1 ORDER BY id")
        store.execute("INSERT INTO org_fts(rowid, doc) SELECT d.id, d.doc "
                      "FROM org_index_queue q CROSS JOIN org_search_doc d ON d.id = q.id ORDER BY q.id")
        store.execute("INSERT INTO org_tax_fts(rowid, tax_code) SELECT o.id, o.tax_code "
                      "FROM org_index_queue q CROSS JOIN organizations o ON o.id = q.id ORDER BY q.id")
        store.execute("DELETE FROM org_index_queue")
        return queued


def rebuild_index(store: Store) -> None:
    """Rebuild both FTS indexes from ``organizations`` (after raw writes that bypassed the triggers)."""
    with store.atomic():
        store.execute("INSERT INTO org_fts(org_fts) VALUES ('rebuild')")
        store.execute("INSERT INTO org_tax_fts(org_tax_fts) VALUES ('rebuild')")
        search_index.clear_pending(store)  # every row is in the index now


def check_index(store: Store) -> bool:
    """True when both FTS indexes agree with ``organizations`` (FTS5 integrity-check); a bulk import's
    pending slices are built first (until then the index lacks those rows by design)."""
    import sqlite3

    search_index.build_pending(store)

    try:
        store.execute("INSERT INTO org_fts(org_fts, rank) VALUES ('integrity-check', 1)")
        store.execute("INSERT INTO org_tax_fts(org_tax_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        return False
    return True
