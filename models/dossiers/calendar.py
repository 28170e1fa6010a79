"""Working days and dossier due dates (Decree 69/2024/NĐ-CP, Art. 13).

- A working day is Monday–Friday, minus the ``holidays`` table, plus the ``make_up_days`` table
  (a Saturday the government turns into a working day to bridge a holiday).
- Counting starts the day AFTER receipt (Civil Code 2015, Art. 147): a dossier received on Thursday
  09/01/2025 with 3 working days is due Tuesday 14/01/2025.
- Data already in a database: ``FAST_DAYS`` = 3 *working* days (the decree says "ngày làm việc").
- Data that must be verified: the decree says "15 ngày" without "làm việc", which in Vietnamese law
  means calendar days; when the 15th day is not a working day the time limit ends on the next working
  day (Civil Code 2015, Art. 148(5)). Decision documented in docs/dossiers.md.

The two tables hold **official** days (``source = 'official'``: python-holidays plus the announced swaps
and make-up days of ``models/dossiers/official_days.py``, each with the document that announced it) and
the **unit's own** (``source = 'unit'``: a day it added, or an official day it renamed). ``refresh_official``
brings the official days up to the release's list whenever that list changes (a new release, a new
python-holidays, a new year) — on the first use of the calendar after opening — and never touches the
unit's own days nor brings back an official day the unit removed (``official_days_removed``).
"""

from __future__ import annotations

import datetime as dt

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import SYSTEM_ACTOR, Store
from models.dossiers import official_days
from models.text.normalize import clean
from models.text.vn_format import date_text
from models.text.vn_parse import parse_datetime

FAST_DAYS = 3
VERIFY_DAYS = 15
OFFICIAL_SETTING = "holidays.official"  # fingerprint of the official lists last written
TABLES = {"holiday": "holidays", "make_up": "make_up_days"}
SOURCE_LABELS = {
    "official": "Chính thức",
    "provisional": "Chính thức (tạm tính)",
    "added": "Đơn vị thêm",
    "renamed": "Đơn vị sửa tên",
    "removed": "Đơn vị bỏ",
}


def as_date(value) -> dt.date:
    """A date, datetime, ISO text ('2025-01-09', '2025-01-09 09:30:00') or a day as typed (dd/mm/yyyy);
    anything else is a ``UserError`` that quotes it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        parsed = parse_datetime(value)
        if parsed is None:
            raise UserError("Chưa nhập ngày") from None
        return parsed.date()




def _official_lists(store: Store) -> dict[str, dict[str, official_days.Entry]]:
    off, work = official_days.official_days(store.today())
    return {"holiday": {e.day: e for e in off}, "make_up": {e.day: e for e in work}}


def refresh_official(store: Store) -> dict[str, int]:
    """Write the release's official days into the tables when they changed since the last refresh.

    An official row no longer in the list is deleted, a new one inserted, a changed one (name, decision,
    provisional) updated; the unit's own rows and the official days it removed are left alone. Returns
    the counts (empty when nothing had to be done). System maintenance: no permission, one audit line."""
    stamp = official_days.fingerprint(store.today())
    if store.get_setting(OFFICIAL_SETTING) == stamp:
        return {}
    with store.atomic():
        if store.get_setting(OFFICIAL_SETTING) == stamp:  # another desk did it while we waited for the lock
            return {}
        counts = {"added": 0, "updated": 0, "removed": 0}
        years = {str(y) for y in official_days.listed_years(store.today())}
        for kind, official in _official_lists(store).items():
            table = TABLES[kind]
            rows = {r["day"]: r for r in store.query(f"SELECT day, name, source, decision, provisional FROM {table}")}
            removed_by_unit = {r[0] for r in store.execute(
                "SELECT day FROM official_days_removed WHERE kind = ?", (kind,))}
            for day, row in rows.items():
                # A year past this clock's range stays (a desk whose clock is behind must not undo another's).
                if row["source"] == "official" and day not in official and day[:4] in years:
                    store.execute(f"DELETE FROM {table} WHERE day = ?", (day,))
                    counts["removed"] += 1
            for day, entry in official.items():
                row = rows.get(day)
                values = {"day": day, "name": entry.name, "source": "official", "decision": entry.decision,
                          "provisional": int(entry.provisional)}
                if day in removed_by_unit or (row is not None and row["source"] == "unit"):
                    continue
                if row is None:
                    store.table(table).insert(values)
                    counts["added"] += 1
                elif (row["name"], row["decision"], row["provisional"]) != (entry.name, entry.decision,
                                                                           int(entry.provisional)):
                    store.table(table).upsert(values, pk="day")
                    counts["updated"] += 1
        store.set_setting(OFFICIAL_SETTING, stamp, audit=False)
        if any(counts.values()):
            # The program does this (a release's list), not the officer who happened to open the calendar.
            actor, store.actor = store.actor, SYSTEM_ACTOR
            try:
                store.audit("holidays.official", "official_days", None, detail={**counts, "version": stamp})
            finally:
                store.actor = actor
            store.notify(Table.HOLIDAYS, Kind.BULK)
    return counts


class Calendar:
    """Holidays and make-up days loaded once; use one instance per batch of computations."""

    def __init__(self, store: Store):
        refresh_official(store)
        self.holidays = {as_date(r[0]) for r in store.execute("SELECT day FROM holidays")}
        self.make_up = {as_date(r[0]) for r in store.execute("SELECT day FROM make_up_days")}

    def is_working_day(self, day) -> bool:
        day = as_date(day)
        if day in self.make_up:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` itself never counts)."""
        day = as_date(start)
        remaining = n
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def next_working_day(self, day) -> dt.date:
        """``day`` if it is a working day, else the first working day after it."""
        day = as_date(day)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def working_days_between(self, start, end) -> int:
        """Working days in (start, end]."""
        start, end = as_date(start), as_date(end)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def due_date(self, received_on, needs_verification: bool) -> dt.date:
        received = as_date(received_on)
        if needs_verification:
            return self.next_working_day(received + dt.timedelta(days=VERIFY_DAYS))
        return self.add_working_days(received, FAST_DAYS)


def is_working_day(store: Store, day) -> bool:
    return Calendar(store).is_working_day(day)


def add_working_days(store: Store, start, n: int) -> dt.date:
    return Calendar(store).add_working_days(start, n)


def working_days_between(store: Store, start, end) -> int:
    return Calendar(store).working_days_between(start, end)


def due_date(store: Store, received_on, needs_verification: bool) -> dt.date:
    return Calendar(store).due_date(received_on, needs_verification)


# ---- reading and editing the lists -------------------------------------------------------------
def _days(store: Store, kind: str, year: int | None) -> list[dict]:
    refresh_official(store)
    sql = f"SELECT day, name, source, decision, provisional FROM {TABLES[kind]}"
    if year is None:
        return store.query(sql + " ORDER BY day")
    return store.query(sql + " WHERE day LIKE ? ORDER BY day", (f"{int(year)}-%",))


def holidays(store: Store, year: int | None = None) -> list[dict]:
    """Days off (official and the unit's): ``day``, ``name``, ``source``, ``decision``, ``provisional``."""
    return _days(store, "holiday", year)


def make_up_days(store: Store, year: int | None = None) -> list[dict]:
    """Make-up working days, same columns as ``holidays``."""
    return _days(store, "make_up", year)


def entries(store: Store, year: int | None = None) -> list[dict]:
    """Both lists and the official days the unit removed, by day, for the screen that edits them: ``kind``
    (holiday / make_up), ``day``, ``name``, ``status`` (official, provisional, added, renamed, removed),
    ``status_label``, ``decision`` and ``official_name`` (the official name of a renamed or removed day)."""
    official = _official_lists(store)
    out = []
    for kind in TABLES:
        for row in _days(store, kind, year):
            entry = official[kind].get(row["day"])
            if row["source"] == "official":
                status = "provisional" if row["provisional"] else "official"
            else:
                status = "renamed" if entry is not None else "added"
            out.append({**row, "kind": kind, "status": status, "official_name": entry.name if entry else None,
                        "decision": row["decision"] or (entry.decision if entry else None)})
        removed = store.query("SELECT day, name FROM official_days_removed WHERE kind = ?"
                              + (" AND day LIKE ?" if year is not None else "") + " ORDER BY day",
                              (kind, f"{int(year)}-%") if year is not None else (kind,))
        for row in removed:
            entry = official[kind].get(row["day"])
            out.append({"kind": kind, "day": row["day"], "name": row["name"], "source": "official",
                        "status": "removed", "official_name": entry.name if entry else row["name"],
                        "decision": entry.decision if entry else None, "provisional": 0})
    for row in out:
        row["status_label"] = SOURCE_LABELS[row["status"]]
    out.sort(key=lambda r: (r["day"], r["kind"]))
    return out


def _set_day(store: Store, kind: str, day, name: str) -> None:
    """Add a day, or rename one: the row becomes the unit's own, which a refresh leaves alone."""
    require(store, "unit.manage")
    refresh_official(store)
    table = TABLES[kind]
    iso = as_date(day).isoformat()
    name = clean(name)
    if not name:
        raise UserError("Hãy ghi tên ngày nghỉ / ngày làm bù")
    with store.atomic():
        old = store.query_one(f"SELECT name, decision FROM {table} WHERE day = ?", (iso,))
        store.table(table).upsert({"day": iso, "name": name, "source": "unit",
                                   "decision": old["decision"] if old else None, "provisional": 0}, pk="day")
        store.execute("DELETE FROM official_days_removed WHERE day = ? AND kind = ?", (iso, kind))
        store.audit(f"{table}.set", table, iso, field="name", old=old["name"] if old else None, new=name)
        store.notify(Table.HOLIDAYS, Kind.UPDATE, (iso,))


def _remove_day(store: Store, kind: str, day) -> None:
    """Take a day off the list; an official one is remembered so that a refresh does not bring it back."""
    require(store, "unit.manage")
    refresh_official(store)
    table = TABLES[kind]
    iso = as_date(day).isoformat()
    with store.atomic():
        old = store.scalar(f"SELECT name FROM {table} WHERE day = ?", (iso,))
        if old is None:
            return
        store.execute(f"DELETE FROM {table} WHERE day = ?", (iso,))
        entry = _official_lists(store)[kind].get(iso)
        if entry is not None:
            store.execute("INSERT OR REPLACE INTO official_days_removed(day, kind, name, removed_at) VALUES (?,?,?,?)",
                          (iso, kind, entry.name, store.now_iso()))
        store.audit(f"{table}.remove", table, iso, field="name", old=old, new=None)
        store.notify(Table.HOLIDAYS, Kind.DELETE, (iso,))


def restore_official(store: Store, kind: str, day) -> None:
    """Undo the unit's edit of an official day (renamed or removed): the official day as the release has it."""
    require(store, "unit.manage")
    if kind not in TABLES:
        raise UserError(f"Loại ngày «{kind}» không tồn tại")
    table = TABLES[kind]
    iso = as_date(day).isoformat()
    entry = _official_lists(store)[kind].get(iso)
    if entry is None:
        raise UserError(f"Ngày {date_text(iso)} không có trong danh sách chính thức")
    with store.atomic():
        old = store.scalar(f"SELECT name FROM {table} WHERE day = ?", (iso,))
        store.execute("DELETE FROM official_days_removed WHERE day = ? AND kind = ?", (iso, kind))
        store.table(table).upsert({"day": iso, "name": entry.name, "source": "official", "decision": entry.decision,
                                   "provisional": int(entry.provisional)}, pk="day")
        store.audit("holidays.restore", table, iso, field="name", old=old, new=entry.name)
        store.notify(Table.HOLIDAYS, Kind.UPDATE, (iso,))


def set_holiday(store: Store, day, name: str) -> None:
    _set_day(store, "holiday", day, name)


def remove_holiday(store: Store, day) -> None:
    _remove_day(store, "holiday", day)


def set_make_up_day(store: Store, day, name: str) -> None:
    _set_day(store, "make_up", day, name)


def remove_make_up_day(store: Store, day) -> None:
    _remove_day(store, "make_up", day)
