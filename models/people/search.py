"""Finding persons by name (without diacritics) or by a fragment of the ID number (1,000,000 rows).

- words are folded (``normalize.fold``) and matched as word *prefixes* in ``person_fts`` ("nguyen van a"
  finds "Nguyễn Văn An");
- a run of 5 or more digits matches anywhere in the ID number (``person_id_fts`` trigrams: "07912" and
  "456789" both find 079123456789); 12 digits are looked up exactly; 1-4 digits are the start of the ID
  number (three digits anywhere would match a large share of all numbers);
- filters (commune, village, level, activated, agency, eligible at a date) are applied on the joined rows.

A text search returns the first ``cap`` matches sorted by name (``capped`` when more match: the screen
says "gõ thêm để thu hẹp"); browsing (no text) returns every id in name order.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from array import array
from dataclasses import dataclass, field

from models.core.permissions import require
from models.core.store import Store
from models.people.persons import eligible_born_on_or_before
from models.text.normalize import fold

SEARCH_CAP = 1000
SUBSTRING_DIGITS = 5  # digit runs this long match anywhere in the ID number; shorter ones are its start
_DIGITS_RE = re.compile(r"\d+")


@dataclass(frozen=True)
class Filters:
    area_code: str | None = None
    village: str | None = None
    level: int | None = None  # 0, 1, 2
    activated: bool | None = None
    agency_id: int | None = None
    eligible_on: dt.date | None = None  # only persons 14 or over on that day

    def where(self) -> tuple[list[str], list]:
        clauses, params = [], []
        if self.area_code:
            clauses.append("p.area_code = ?")
            params.append(self.area_code)
        if self.village:
            clauses.append("p.village = ?")
            params.append(self.village)
        if self.level is not None:
            clauses.append("p.account_level = ?")
            params.append(int(self.level))
        if self.activated is not None:
            clauses.append("p.activated_on IS NOT NULL" if self.activated else "p.activated_on IS NULL")
        if self.agency_id is not None:
            clauses.append("p.id IN (SELECT person_id FROM agency_staff WHERE agency_id = ?)")
            params.append(int(self.agency_id))
        if self.eligible_on is not None:
            clauses.append("p.birth_date <= ?")
            params.append(eligible_born_on_or_before(self.eligible_on))
        return clauses, params


@dataclass
class SearchResult:
    ids: array = field(default_factory=lambda: array("q"))
    capped: bool = False
    text: str = ""
    elapsed_ms: float = 0.0

    def __len__(self) -> int:
        return len(self.ids)


def _fts_words(words: list[str]) -> str:
    return " AND ".join(f'"{w}"*' for w in words)


def search_ids(store: Store, text: str = "", filters: Filters | None = None, *, cap: int = SEARCH_CAP) -> SearchResult:
    require(store, "people.view")
    started = time.perf_counter()
    filters = filters or Filters()
    clauses, params = filters.where()
    folded = fold(text)
    words = [w for w in folded.split() if not w.isdigit()]
    digits = _DIGITS_RE.findall(" ".join(w for w in folded.split() if w.isdigit()))
    # The first text condition drives the query (FTS rows joined to persons, stopping at the cap); the
    # others are checked on each joined row.
    driver, driver_params = "", []
    sources: list[str] = []
    source_params: list = []
    if words:
        driver, driver_params = "person_fts f JOIN persons p ON p.id = f.rowid", []
        sources.append("person_fts MATCH ?")
        source_params.append(_fts_words(words))
    for run in digits:
        if len(run) == 12:
            sources.append("p.id_number = ?")
            source_params.append(run)
        elif len(run) >= SUBSTRING_DIGITS:
            if not driver:
                driver = "person_id_fts f JOIN persons p ON p.id = f.rowid"
                sources.append("person_id_fts MATCH ?")
            else:
                sources.append("p.id IN (SELECT rowid FROM person_id_fts WHERE person_id_fts MATCH ?)")
            source_params.append(f'"{run}"')
        else:  # a short run matches too many numbers anywhere: it is the start of the ID number
            sources.append("p.id_number >= ? AND p.id_number < ?")
            source_params += [run, run + "\x7f"]
    driver = driver or "persons p"
    source_params = driver_params + source_params
    result = SearchResult(text=text)
    if not sources:
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        result.ids = array("q", (r[0] for r in store.execute(
            f"SELECT p.id FROM persons p {where} ORDER BY p.name_key, p.id", params)))
    else:
        where = " AND ".join(sources + clauses)
        rows = store.execute(f"SELECT p.id, p.name_key FROM {driver} WHERE {where} LIMIT ?",
                             (*source_params, *params, cap + 1)).fetchall()
        result.capped = len(rows) > cap
        rows = sorted(rows[:cap], key=lambda r: (r[1], r[0]))
        result.ids = array("q", (r[0] for r in rows))
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    return result


ROW_COLUMNS = ("id", "full_name", "id_number", "birth_date", "sex", "phone", "area_code", "village", "residence",
               "account_level", "level1_on", "level2_issued_on", "activated_on", "version")


def rows_for(store: Store, ids: list[int]) -> list[dict]:
    """The rows of ``ids`` in that order (a screenful for the lazy table)."""
    require(store, "people.view")
    if not ids:
        return []
    found = {r["id"]: r for r in store.query(
        f"SELECT {', '.join(ROW_COLUMNS)} FROM persons WHERE id IN ({','.join('?' * len(ids))})", list(ids))}
    return [found[i] for i in ids if i in found]
