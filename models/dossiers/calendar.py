"""Working days and dossier due dates (Decree 69/2024/NĐ-CP, Art. 13).

- A working day is Monday–Friday, minus the ``holidays`` table, plus the ``make_up_days`` table
  (a Saturday the government turns into a working day to bridge a holiday). Both lists are editable.
- Counting starts the day AFTER receipt (Civil Code 2015, Art. 147): a dossier received on Thursday
  09/01/2025 with 3 working days is due Tuesday 14/01/2025.
- Data already in a database: ``FAST_DAYS`` = 3 *working* days (the decree says "ngày làm việc").
- Data that must be verified: the decree says "15 ngày" without "làm việc", which in Vietnamese law
  means calendar days; when the 15th day is not a working day the time limit ends on the next working
  day (Civil Code 2015, Art. 148(5)). Decision documented in docs/dossiers.md.

The holiday list is seeded once (``ensure_seeded``) with the days off of 2024–2027: fixed public
holidays, Tết and the Hùng Kings' day (lunar dates converted), compensatory days when a holiday falls
on a weekend, and the bridging swaps the government announced for 2024 and 2025.
"""

from __future__ import annotations

import datetime as dt

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.text.normalize import clean
from models.text.vn_parse import parse_datetime

FAST_DAYS = 3
VERIFY_DAYS = 15
SEEDED_SETTING = "holidays.seeded"

# Weekdays off (days falling on a weekend are omitted unless they matter for a swap).
SEED_HOLIDAYS: list[tuple[str, str]] = [
    # 2024
    ("2024-01-01", "Tết Dương lịch"),
    ("2024-02-08", "Tết Nguyên đán Giáp Thìn (28 tháng Chạp)"),
    ("2024-02-09", "Tết Nguyên đán Giáp Thìn (29 tháng Chạp)"),
    ("2024-02-12", "Tết Nguyên đán Giáp Thìn (mùng 3)"),
    ("2024-02-13", "Tết Nguyên đán Giáp Thìn (mùng 4)"),
    ("2024-02-14", "Tết Nguyên đán Giáp Thìn (mùng 5, nghỉ bù)"),
    ("2024-04-18", "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    ("2024-04-29", "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)"),
    ("2024-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    ("2024-05-01", "Ngày Quốc tế Lao động"),
    ("2024-09-02", "Quốc khánh"),
    ("2024-09-03", "Quốc khánh (ngày liền kề)"),
    # 2025
    ("2025-01-01", "Tết Dương lịch"),
    ("2025-01-27", "Tết Nguyên đán Ất Tỵ (28 tháng Chạp)"),
    ("2025-01-28", "Tết Nguyên đán Ất Tỵ (29 tháng Chạp)"),
    ("2025-01-29", "Tết Nguyên đán Ất Tỵ (mùng 1)"),
    ("2025-01-30", "Tết Nguyên đán Ất Tỵ (mùng 2)"),
    ("2025-01-31", "Tết Nguyên đán Ất Tỵ (mùng 3)"),
    ("2025-04-07", "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    ("2025-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    ("2025-05-01", "Ngày Quốc tế Lao động"),
    ("2025-05-02", "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)"),
    ("2025-09-01", "Quốc khánh (ngày liền kề)"),
    ("2025-09-02", "Quốc khánh"),
    # 2026 (bridging swaps not yet announced when seeded: edit the list when they are)
    ("2026-01-01", "Tết Dương lịch"),
    ("2026-02-16", "Tết Nguyên đán Bính Ngọ (29 tháng Chạp)"),
    ("2026-02-17", "Tết Nguyên đán Bính Ngọ (mùng 1)"),
    ("2026-02-18", "Tết Nguyên đán Bính Ngọ (mùng 2)"),
    ("2026-02-19", "Tết Nguyên đán Bính Ngọ (mùng 3)"),
    ("2026-02-20", "Tết Nguyên đán Bính Ngọ (mùng 4)"),
    ("2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch là Chủ nhật 26/4)"),
    ("2026-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    ("2026-05-01", "Ngày Quốc tế Lao động"),
    ("2026-09-01", "Quốc khánh (ngày liền kề)"),
    ("2026-09-02", "Quốc khánh"),
    # 2027
    ("2027-01-01", "Tết Dương lịch"),
    ("2027-02-05", "Tết Nguyên đán Đinh Mùi (29 tháng Chạp)"),
    ("2027-02-08", "Tết Nguyên đán Đinh Mùi (mùng 3)"),
    ("2027-02-09", "Tết Nguyên đán Đinh Mùi (mùng 4)"),
    ("2027-02-10", "Nghỉ bù Tết (mùng 1 là thứ Bảy)"),
    ("2027-02-11", "Nghỉ bù Tết (mùng 2 là Chủ nhật)"),
    ("2027-04-16", "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    ("2027-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    ("2027-05-03", "Nghỉ bù Ngày Quốc tế Lao động (1/5 là thứ Bảy)"),
    ("2027-09-02", "Quốc khánh"),
    ("2027-09-03", "Quốc khánh (ngày liền kề)"),
]
SEED_MAKE_UP_DAYS: list[tuple[str, str]] = [
    ("2024-05-04", "Làm bù cho ngày nghỉ 29/4/2024"),
    ("2025-04-26", "Làm bù cho ngày nghỉ 02/5/2025"),
]


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




def ensure_seeded(store: Store) -> int:
    """Seed the holiday and make-up lists once; a day the unit removed later is not re-added."""
    if store.get_setting(SEEDED_SETTING):
        return 0
    with store.atomic():
        before = store.scalar("SELECT count(*) FROM holidays") + store.scalar("SELECT count(*) FROM make_up_days")
        store.table("holidays").insert_all(({"day": d, "name": n} for d, n in SEED_HOLIDAYS), ignore=True)
        store.table("make_up_days").insert_all(({"day": d, "name": n} for d, n in SEED_MAKE_UP_DAYS), ignore=True)
        after = store.scalar("SELECT count(*) FROM holidays") + store.scalar("SELECT count(*) FROM make_up_days")
        store.set_setting(SEEDED_SETTING, sorted({d[:4] for d, _ in SEED_HOLIDAYS}), audit=False)
        store.notify(Table.HOLIDAYS, Kind.BULK)
    return after - before


class Calendar:
    """Holidays and make-up days loaded once; use one instance per batch of computations."""

    def __init__(self, store: Store):
        ensure_seeded(store)
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


# ---- editing the lists ------------------------------------------------------------------------
def holidays(store: Store, year: int | None = None) -> list[dict]:
    ensure_seeded(store)
    if year is None:
        return store.query("SELECT day, name FROM holidays ORDER BY day")
    return store.query("SELECT day, name FROM holidays WHERE day LIKE ? ORDER BY day", (f"{int(year)}-%",))


def make_up_days(store: Store, year: int | None = None) -> list[dict]:
    ensure_seeded(store)
    if year is None:
        return store.query("SELECT day, name FROM make_up_days ORDER BY day")
    return store.query("SELECT day, name FROM make_up_days WHERE day LIKE ? ORDER BY day", (f"{int(year)}-%",))


def _set_day(store: Store, table: str, day, name: str) -> None:
    require(store, "unit.manage")
    ensure_seeded(store)
    iso = as_date(day).isoformat()
    name = clean(name)
    if not name:
        raise UserError("Hãy ghi tên ngày nghỉ / ngày làm bù")
    with store.atomic():
        old = store.scalar(f"SELECT name FROM {table} WHERE day = ?", (iso,))
        store.table(table).upsert({"day": iso, "name": name}, pk="day")
        store.audit(f"{table}.set", table, iso, field="name", old=old, new=name)
        store.notify(Table.HOLIDAYS, Kind.UPDATE, (iso,))


def _remove_day(store: Store, table: str, day) -> None:
    require(store, "unit.manage")
    ensure_seeded(store)
    iso = as_date(day).isoformat()
    with store.atomic():
        old = store.scalar(f"SELECT name FROM {table} WHERE day = ?", (iso,))
        if old is None:
            return
        store.execute(f"DELETE FROM {table} WHERE day = ?", (iso,))
        store.audit(f"{table}.remove", table, iso, field="name", old=old, new=None)
        store.notify(Table.HOLIDAYS, Kind.DELETE, (iso,))


def set_holiday(store: Store, day, name: str) -> None:
    _set_day(store, "holidays", day, name)


def remove_holiday(store: Store, day) -> None:
    _remove_day(store, "holidays", day)


def set_make_up_day(store: Store, day, name: str) -> None:
    _set_day(store, "make_up_days", day, name)


def remove_make_up_day(store: Store, day) -> None:
    _remove_day(store, "make_up_days", day)

