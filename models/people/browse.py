"""What the people screen reads besides the search (``search.py``): the first screenful of a browse
before the whole id list is ready, a person's field history, the villages of a commune for the filter.
"""

from __future__ import annotations

from array import array

from models.core.permissions import require
from models.core.store import Store
from models.people.search import Filters


def first_ids(store: Store, filters: Filters | None = None, limit: int = 2000) -> array:
    """The first ``limit`` ids of a browse (no search text) in the order ``search_ids`` gives them
    (name, then id): the table paints these at once while the whole list is read in the background."""
    require(store, "people.view")
    clauses, params = (filters or Filters()).where()
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return array("q", (r[0] for r in store.execute(
        f"SELECT p.id FROM persons p {where} ORDER BY p.name_key, p.id LIMIT ?", (*params, int(limit)))))


def all_ids(store: Store, filters: Filters | None = None) -> array:
    """Every id of a browse (no search text) in name order, as ``search_ids`` gives them, read the cheapest
    way for the filters (1,000,000 persons, a loaded machine): no filter walks the covering name index
    (0.3 s); a commune reads its range of ``persons_area`` and sorts (0.25 s for 166,000 persons); an agency
    is a short list; other filters (level, activation, age) scan the table and sort (2.6 s) instead of
    walking the name index and fetching every row from it (9 s)."""
    require(store, "people.view")
    filters = filters or Filters()
    clauses, params = filters.where()
    if not clauses or filters.agency_id is not None:
        hint = ""
    elif filters.area_code:
        hint = "INDEXED BY persons_area"
    else:
        hint = "NOT INDEXED"
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return array("q", (r[0] for r in store.execute(
        f"SELECT p.id FROM persons p {hint} {where} ORDER BY p.name_key, p.id", params)))


def person_history(store: Store, person_id: int) -> list[dict]:
    """Field history of a person, newest first (imports, edits, activation lists, reveals)."""
    require(store, "people.view")
    return store.query(
        "SELECT a.at, a.action, a.field, a.old_value, a.new_value, o.full_name AS officer "
        "FROM audit_log a LEFT JOIN officers o ON o.id = a.officer_id "
        "WHERE a.object_type = 'person' AND a.object_id = ? ORDER BY a.id DESC", (str(person_id),))


def villages_of(store: Store, area_code: str) -> list[str]:
    """The villages ("thôn / khu phố / tổ dân phố") listed in a commune, for the filter (index range scan)."""
    require(store, "people.view")
    return [r[0] for r in store.execute(
        "SELECT DISTINCT village FROM persons WHERE area_code = ? AND village IS NOT NULL ORDER BY village",
        (area_code,))]


def agencies_of(store: Store, person_id: int) -> list[dict]:
    """The agencies listing this person as staff (name, position, preferred date)."""
    require(store, "people.view")
    return store.query(
        "SELECT a.id, a.name, s.position, s.preferred_on FROM agency_staff s JOIN agencies a ON a.id = s.agency_id "
        "WHERE s.person_id = ? ORDER BY a.name_key", (person_id,))
