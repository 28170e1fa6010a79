"""A database made by the code before issue 12 (holidays seeded once, an officer's own edits) gets the
corrected official days when opened by this release, and keeps the officer's edits, shown apart."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from models.core.store import Store
from models.dossiers import calendar as wd
from tests.conftest import FixedClock

D = dt.date.fromisoformat
FIXTURE = Path(__file__).parent / "fixtures" / "v7_holidays.sql"


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    conn.commit()
    conn.close()
    return path


def test_the_fixture_is_what_the_old_code_left(old_db):
    conn = sqlite3.connect(old_db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 7
    names = dict(conn.execute("SELECT day, name FROM holidays"))
    assert "2026-01-02" not in names and "2026-08-31" not in names  # the defect
    assert "2027-09-03" not in names and names["2026-06-15"] == "Nghỉ theo quyết định của UBND tỉnh"
    conn.close()


def test_opening_an_old_database_corrects_the_official_days_and_keeps_the_officers_edits(old_db):
    store = Store(old_db, clock=FixedClock(dt.datetime(2026, 1, 5, 8, 0)))
    try:
        assert store.user_version >= 8
        # The corrected days reach this desk: the two dossiers are due on the right days.
        assert wd.due_date(store, D("2026-01-08"), False) == D("2026-01-12")
        assert wd.due_date(store, D("2026-08-27"), False) == D("2026-09-04")
        holidays = {r["day"]: r for r in wd.holidays(store)}
        make_up = {r["day"]: r for r in wd.make_up_days(store)}
        assert holidays["2026-01-02"]["source"] == "official" and "12729/VPCP-KGVX" in holidays["2026-01-02"]["decision"]
        assert make_up["2026-01-10"]["source"] == make_up["2026-08-22"]["source"] == "official"
        # A wrong day of the old seed is gone (Tết 2027 is 04–10/02, not 05–11/02) …
        assert "2027-02-11" not in holidays and "2027-02-04" in holidays
        # … an old official name is corrected …
        assert holidays["2024-02-08"]["name"] == "Tết Nguyên đán Giáp Thìn (trước giao thừa)"
        # … and what the officer did stays: renamed, added, removed, added make-up day.
        assert holidays["2026-04-27"] == {**holidays["2026-04-27"], "source": "unit",
                                          "name": "Nghỉ bù Giỗ Tổ (đơn vị ghi theo công văn tỉnh)"}
        assert holidays["2026-06-15"]["source"] == "unit"
        assert "2027-09-03" not in holidays and wd.is_working_day(store, D("2027-09-03"))
        assert make_up["2026-06-20"]["source"] == "unit"
        # Shown apart on the screen's list.
        status = {(e["kind"], e["day"]): e["status"] for e in wd.entries(store)}
        assert status[("holiday", "2026-04-27")] == "renamed"
        assert status[("holiday", "2026-06-15")] == "added"
        assert status[("holiday", "2027-09-03")] == "removed"
        assert status[("make_up", "2026-06-20")] == "added"
        assert status[("holiday", "2026-01-02")] == "official"
        assert status[("holiday", "2027-01-01")] == "provisional"
        # One audit line says what the refresh changed; the old setting is gone.
        line = store.query_one("SELECT * FROM audit_log WHERE action = 'holidays.official'")
        assert line is not None and '"added"' in line["detail"]
        assert store.get_setting("holidays.seeded") is None
    finally:
        store.close()


def test_a_later_release_with_a_changed_list_reaches_the_desk_again(old_db, monkeypatch):
    """The next release (another announcement) is applied on the next open; the officer's edits stay."""
    store = Store(old_db, clock=FixedClock(dt.datetime(2026, 11, 2, 8, 0)))
    try:
        wd.refresh_official(store)
        extra = wd.official_days.Announcement("Công văn thử nghiệm (năm 2027)", days_off={
            "2027-04-29": "Nghỉ hoán đổi (làm bù thứ Bảy 08/5/2027)"}, make_up={"2027-05-08": "Làm bù"})
        monkeypatch.setattr(wd.official_days, "ANNOUNCEMENTS", (*wd.official_days.ANNOUNCEMENTS, extra))
        wd.official_days._official.cache_clear()
        assert wd.refresh_official(store) == {"added": 2, "updated": 0, "removed": 0}
        assert not wd.is_working_day(store, D("2027-04-29")) and wd.is_working_day(store, D("2027-05-08"))
        assert store.scalar("SELECT source FROM holidays WHERE day = '2026-04-27'") == "unit"
        assert store.scalar("SELECT count(*) FROM holidays WHERE day = '2027-09-03'") == 0
    finally:
        wd.official_days._official.cache_clear()
        store.close()


def test_restoring_an_official_day_undoes_the_officers_edit(old_db):
    store = Store(old_db, clock=FixedClock(dt.datetime(2026, 1, 5, 8, 0)))
    try:
        wd.restore_official(store, "holiday", "2027-09-03")
        wd.restore_official(store, "holiday", "27/04/2026")
        rows = {r["day"]: r for r in wd.holidays(store)}
        assert rows["2027-09-03"]["source"] == rows["2026-04-27"]["source"] == "official"
        assert rows["2026-04-27"]["name"] == "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)"
        assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'holidays.restore'") == 2
        with pytest.raises(wd.UserError, match="không có trong danh sách chính thức"):
            wd.restore_official(store, "holiday", "2026-06-15")
    finally:
        store.close()
