"""Working days and due dates across weekends, public holidays, Tết and make-up Saturdays."""

from __future__ import annotations

import datetime as dt

import pytest

from models.campaigns.calendar import WorkingCalendar
from models.core.errors import PermissionDenied
from models.dossiers import calendar as wd
from tests.factories.dossiers import add_officers

D = dt.date.fromisoformat


@pytest.mark.parametrize("received,expected", [
    ("2025-01-09", "2025-01-14"),   # Thu → Fri, Mon, Tue
    ("2025-01-10", "2025-01-15"),   # Fri → Mon, Tue, Wed
    ("2025-01-11", "2025-01-15"),   # Saturday (mobile team): Mon, Tue, Wed
    ("2025-01-12", "2025-01-15"),   # Sunday
    ("2024-12-30", "2025-01-03"),   # over New Year's Day (Wed 01/01): Tue, Thu, Fri
    ("2025-01-23", "2025-02-04"),   # Thu before Tết Ất Tỵ (27–31/01 off): Fri 24, Mon 03/02, Tue 04
    ("2025-01-24", "2025-02-05"),
    ("2025-04-03", "2025-04-09"),   # Hùng Kings Mon 07/04/2025: Fri 04, Tue 08, Wed 09
    ("2025-04-25", "2025-04-29"),   # Sat 26/04 is a make-up working day: Sat 26, Mon 28, Tue 29
    ("2025-08-28", "2025-09-04"),   # National Day Mon 01/09 + Tue 02/09
    ("2024-02-07", "2024-02-19"),   # Tết Giáp Thìn 08–14/02/2024
    ("2024-04-26", "2024-05-04"),   # 29/04–01/05/2024 off, Sat 04/05/2024 a working day
    ("2026-02-13", "2026-02-25"),   # Tết Bính Ngọ 16–20/02/2026
    ("2027-02-04", "2027-02-16"),   # Tết Đinh Mùi 05–11/02/2027 (compensation days)
])
def test_three_working_days(fresh_store, received, expected):
    assert wd.due_date(fresh_store, D(received), False) == D(expected)


@pytest.mark.parametrize("received,expected", [
    ("2025-01-09", "2025-01-24"),  # 15 calendar days, a Friday
    ("2025-01-10", "2025-02-03"),  # Sat 25/01 → Sun → Tết 27–31/01 → weekend → Mon 03/02
    ("2025-04-15", "2025-05-05"),  # 30/04, 01/05, 02/05 off, weekend → Mon 05/05
    ("2025-08-18", "2025-09-03"),  # 02/09 off → Wed 03/09
    ("2025-03-01", "2025-03-17"),  # Sun 16/03 → Mon 17/03
    ("2025-04-11", "2025-04-26"),  # Sat 26/04/2025 is a make-up working day
])
def test_fifteen_days_end_moves_to_next_working_day(fresh_store, received, expected):
    assert wd.due_date(fresh_store, D(received), True) == D(expected)


@pytest.mark.parametrize("day,working", [
    ("2025-01-01", False), ("2025-01-27", False), ("2025-01-31", False), ("2025-02-03", True),
    ("2025-04-26", True), ("2025-04-27", False), ("2025-05-02", False), ("2025-09-01", False),
    ("2024-05-04", True), ("2025-03-13", True), ("2025-03-15", False), ("2026-04-27", False),
    ("2027-04-16", False), ("2027-05-03", False),
])
def test_is_working_day(fresh_store, day, working):
    assert wd.is_working_day(fresh_store, D(day)) is working


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_each_year_has_the_statutory_holidays(fresh_store, year):
    days = {r["day"]: r["name"] for r in wd.holidays(fresh_store, year)}
    names = " | ".join(days.values())
    for needle in ("Tết Dương lịch", "Tết Nguyên đán", "Giỗ Tổ Hùng Vương", "Giải phóng", "Lao động", "Quốc khánh"):
        assert needle in names, (year, needle)
    tet_days = [d for d, n in days.items() if "Tết Nguyên đán" in n or "Nghỉ bù Tết" in n]
    assert len(tet_days) >= 5
    assert f"{year}-04-30" in days and f"{year}-09-02" in days


@pytest.mark.parametrize("day,name_part", [
    ("2024-04-18", "Hùng Vương"), ("2025-04-07", "Hùng Vương"), ("2026-04-27", "Hùng Vương"),
    ("2027-04-16", "Hùng Vương"), ("2025-01-29", "mùng 1"), ("2026-02-17", "mùng 1"),
])
def test_lunar_holidays_on_their_real_dates(fresh_store, day, name_part):
    assert name_part in {r["day"]: r["name"] for r in wd.holidays(fresh_store)}[day]


def test_seeded_once_and_removal_sticks(fresh_store):
    assert wd.ensure_seeded(fresh_store) == len(wd.SEED_HOLIDAYS) + len(wd.SEED_MAKE_UP_DAYS)
    assert wd.ensure_seeded(fresh_store) == 0
    wd.remove_holiday(fresh_store, "2025-04-07")
    assert wd.ensure_seeded(fresh_store) == 0
    assert wd.is_working_day(fresh_store, D("2025-04-07"))


def test_holiday_edit_changes_due_dates_and_is_audited(fresh_store):
    assert wd.due_date(fresh_store, D("2025-03-12"), False) == D("2025-03-17")
    wd.set_holiday(fresh_store, D("2025-03-14"), "Nghỉ theo quyết định của tỉnh")
    assert wd.due_date(fresh_store, D("2025-03-12"), False) == D("2025-03-18")
    wd.set_make_up_day(fresh_store, "2025-03-15", "Làm bù")
    assert wd.due_date(fresh_store, D("2025-03-12"), False) == D("2025-03-17")
    assert fresh_store.scalar("SELECT count(*) FROM audit_log WHERE object_type IN ('holidays', 'make_up_days')") == 2


@pytest.mark.parametrize("role", ["canbo1", "canbo2"])
def test_holiday_edit_needs_unit_manage(fresh_store, role):
    actors = add_officers(fresh_store)
    fresh_store.actor = actors[role]
    with pytest.raises(PermissionDenied):
        wd.set_holiday(fresh_store, "2025-03-14", "x")


def test_working_days_between_and_add(fresh_store):
    assert wd.working_days_between(fresh_store, D("2025-01-24"), D("2025-02-07")) == 5
    assert wd.add_working_days(fresh_store, D("2025-01-24"), 1) == D("2025-02-03")


def test_campaign_calendar_agrees(fresh_store):
    calendar = WorkingCalendar(fresh_store)
    for offset in range(60):
        day = D("2025-01-01") + dt.timedelta(days=offset)
        assert calendar.is_working_day(day) == wd.is_working_day(fresh_store, day)


def test_typed_days_are_read_and_bad_ones_refused_in_vietnamese(fresh_store):
    """The holiday editor passes what the officer typed: dd/mm/yyyy works, nonsense is a UserError
    (it used to escape as Python's English ValueError)."""
    from models.core.errors import UserError

    wd.set_holiday(fresh_store, "14/03/2025", "Nghỉ theo quyết định của tỉnh")
    assert not wd.is_working_day(fresh_store, "2025-03-14")
    with pytest.raises(UserError, match="«32/13/2025»"):
        wd.set_holiday(fresh_store, "32/13/2025", "x")
    with pytest.raises(UserError):
        wd.due_date(fresh_store, "không phải ngày", False)
