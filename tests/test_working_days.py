"""Working days and due dates across weekends, public holidays, Tết and make-up Saturdays; the official
days (python-holidays + the announced swaps) apart from the unit's own edits."""

from __future__ import annotations

import datetime as dt

import pytest

from models.campaigns.calendar import WorkingCalendar
from models.core.errors import PermissionDenied
from models.dossiers import calendar as wd
from models.dossiers import official_days
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
    # Issue 12: Fri 02/01/2026 off, Sat 10/01 worked (12729/VPCP-KGVX): Fri 09, Sat 10, Mon 12 (not Tue 13)
    ("2026-01-08", "2026-01-12"),
    # Mon 31/08/2026 off, Sat 22/08 worked; 01–02/09 National Day: Fri 28, Thu 03, Fri 04 (not Thu 03)
    ("2026-08-27", "2026-09-04"),
    ("2026-08-20", "2026-08-24"),   # Sat 22/08/2026 is a make-up working day: Fri 21, Sat 22, Mon 24
    ("2026-12-31", "2027-01-06"),   # 01/01/2027 (provisional): Mon 04, Tue 05, Wed 06
    # Tết Đinh Mùi 04–10/02/2027 (provisional; python-holidays, as 2024 when mùng 1 was a Saturday too):
    ("2027-02-04", "2027-02-15"),   # Thu 11, Fri 12, Mon 15
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
    ("2026-01-08", "2026-01-23"),  # the 15-day limit of the same dossiers as in the issue: a Friday
    ("2026-08-27", "2026-09-11"),  # a Friday
    ("2025-12-26", "2026-01-10"),  # the 15th day, Sat 10/01/2026, is a make-up working day
])
def test_fifteen_days_end_moves_to_next_working_day(fresh_store, received, expected):
    assert wd.due_date(fresh_store, D(received), True) == D(expected)


@pytest.mark.parametrize("day,working", [
    ("2025-01-01", False), ("2025-01-27", False), ("2025-01-31", False), ("2025-02-03", True),
    ("2025-04-26", True), ("2025-04-27", False), ("2025-05-02", False), ("2025-09-01", False),
    ("2024-05-04", True), ("2025-03-13", True), ("2025-03-15", False), ("2026-04-27", False),
    ("2027-04-16", False), ("2027-05-03", False),
    ("2026-01-02", False), ("2026-01-10", True), ("2026-08-31", False), ("2026-08-22", True),
    ("2026-11-24", True),  # Ngày Văn hóa Việt Nam: python-holidays counts it, the Labour Code does not (yet)
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


def test_official_days_are_written_once_and_a_removal_sticks(fresh_store):
    off, work = official_days.official_days(fresh_store.today())
    assert wd.refresh_official(fresh_store) == {"added": len(off) + len(work), "updated": 0, "removed": 0}
    assert wd.refresh_official(fresh_store) == {}
    wd.remove_holiday(fresh_store, "2025-04-07")
    fresh_store.execute("DELETE FROM settings WHERE key = ?", (wd.OFFICIAL_SETTING,))  # as after a new release
    assert wd.refresh_official(fresh_store) == {"added": 0, "updated": 0, "removed": 0}
    assert wd.is_working_day(fresh_store, D("2025-04-07"))


def test_every_official_day_names_the_document_behind_it(fresh_store):
    rows = wd.holidays(fresh_store) + wd.make_up_days(fresh_store)
    assert rows and all(r["source"] == "official" and r["decision"] for r in rows)
    by_day = {r["day"]: r for r in rows}
    assert "12729/VPCP-KGVX" in by_day["2026-01-02"]["decision"]
    assert "12729/VPCP-KGVX" in by_day["2026-01-10"]["decision"]
    assert "2450/VPCP-KGVX" in by_day["2024-04-29"]["decision"]
    assert by_day["2026-08-22"]["name"] == "Làm bù cho ngày nghỉ 31/8/2026"
    # 2026 announced; 2027 not yet: provisional, and said so.
    assert not any(r["provisional"] for r in rows if r["day"] < "2027")
    assert all(r["provisional"] and "Chưa công bố" in r["decision"] for r in rows if r["day"].startswith("2027"))


def test_the_announcements_are_complete_and_consistent():
    """Every make-up Saturday is a Saturday and pairs with a weekday off of the same document; 2024–2026 are
    announced; the years python-holidays knows are all listed."""
    for a in official_days.ANNOUNCEMENTS:
        assert a.decision
        for day in a.make_up:
            assert D(day).weekday() == 5, day
        for day in a.days_off:
            assert D(day).weekday() < 5, day
        assert len(a.make_up) <= sum(1 for n in a.days_off.values() if n.startswith("Nghỉ hoán đổi"))
    years = {int(d[:4]) for a in official_days.ANNOUNCEMENTS for d in (*a.days_off, *a.make_up)}
    assert years == {2024, 2025, 2026} and official_days.LAST_ANNOUNCED_YEAR == 2026
    off, _ = official_days.official_days(D("2031-06-01"))
    assert {e.day[:4] for e in off} == {str(y) for y in range(2024, 2033)}


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


def test_next_year_is_listed_as_the_clock_reaches_it_and_a_clock_behind_removes_nothing(fresh_store, clock):
    clock.set(2028, 3, 2, 9, 0)
    wd.refresh_official(fresh_store)
    assert not wd.is_working_day(fresh_store, D("2029-01-01"))             # provisional, listed from 2028 on
    assert fresh_store.scalar("SELECT provisional FROM holidays WHERE day = '2029-01-01'") == 1
    clock.set(2025, 3, 13, 10, 0)                                          # a demo clock, behind
    wd.refresh_official(fresh_store)
    assert not wd.is_working_day(fresh_store, D("2029-01-01"))
