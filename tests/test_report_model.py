"""Weekly report: periods, the report's plain data, figures equal to the progress module's, the register."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from models.campaigns.progress import compute_progress, weekly_series
from models.core.errors import PermissionDenied, UserError
from models.core.store import Actor
from models.reports.period import (
    ReportSettings,
    adhoc,
    current_week,
    get_settings,
    next_due,
    previous_week,
    save_settings,
    week_due_on,
    week_ending,
)
from models.reports.register import (
    deadline_status,
    get_report,
    issue_report,
    list_reports,
    next_number,
    report_pdf,
    set_saved_path,
)
from models.reports.weekly import ReportData, collect_report
from models.text.vn_format import DASH, percent_text, thousands, written_date
from tests.factories.reports import make_campaign, make_dossiers, make_unit

D = dt.date


@pytest.fixture
def unit_store(fresh_store):
    codes = make_unit(fresh_store, 20)
    make_dossiers(fresh_store, codes, 400, D(2024, 12, 30), D(2025, 1, 8))
    fresh_store.codes = codes
    return fresh_store


# ---- periods ------------------------------------------------------------------------------------
def test_weekly_period_is_the_week_before_the_thursday_deadline():
    settings = ReportSettings()
    week = current_week(dt.datetime(2025, 1, 9, 9, 30), settings)
    assert (week.start, week.end) == (D(2025, 1, 2), D(2025, 1, 8))
    assert week.due_at == dt.datetime(2025, 1, 9, 14, 0)
    # after 14:00 on Thursday the next report is next week's
    after = current_week(dt.datetime(2025, 1, 9, 14, 1), settings)
    assert (after.start, after.end) == (D(2025, 1, 9), D(2025, 1, 15))
    assert previous_week(dt.datetime(2025, 1, 9, 14, 1), settings).end == D(2025, 1, 8)
    assert next_due(dt.datetime(2025, 1, 9, 14, 0), settings) == dt.datetime(2025, 1, 9, 14, 0)


def test_friday_deadline_and_week_ending_any_day():
    friday = ReportSettings(due_weekday=4, due_time="10:30")
    week = week_due_on(D(2025, 1, 10), friday)
    assert (week.start, week.end, week.due_at) == (D(2025, 1, 3), D(2025, 1, 9), dt.datetime(2025, 1, 10, 10, 30))
    sunday_end = week_ending(D(2025, 1, 12), ReportSettings())
    assert sunday_end.start == D(2025, 1, 6)
    assert sunday_end.due_at == dt.datetime(2025, 1, 16, 14, 0)  # the first Thursday after
    assert "tuần từ ngày 06/01/2025 đến ngày 12/01/2025" == sunday_end.subject_phrase


def test_adhoc_and_reviews():
    review = adhoc(D(2024, 12, 30), D(2025, 1, 31), "phase", "giai đoạn 1")
    assert review.subject_phrase == "sơ kết giai đoạn 1 (từ ngày 30/12/2024 đến ngày 31/01/2025)"
    with pytest.raises(UserError, match="trước ngày bắt đầu"):
        adhoc(D(2025, 2, 1), D(2025, 1, 1))
    with pytest.raises(UserError):
        adhoc(D(2025, 1, 1), D(2025, 1, 2), "monthly")


def test_settings_saved_per_unit_and_audited(unit_store):
    store = unit_store
    assert get_settings(store).symbol == "BC-CAH"
    saved = save_settings(store, dataclasses.replace(get_settings(store), due_weekday=4, due_time="9:00",
                                                     signer_name="Đại tá Trần Thị Ượng",
                                                     recipients=("Phòng PC06;", " ", "Lưu: VT.")))
    assert (saved.due_weekday, saved.due_time, saved.recipients) == (4, "09:00", ("Phòng PC06;", "Lưu: VT."))
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'report_settings.update'") >= 3
    with pytest.raises(UserError, match="GG:PP"):
        save_settings(store, dataclasses.replace(saved, due_time="2 giờ"))
    store.actor = Actor(2, "cb", "Cán bộ A", "intake")
    with pytest.raises(PermissionDenied):
        save_settings(store, saved)


# ---- formatting ---------------------------------------------------------------------------------
def test_date_and_number_formatting():
    assert written_date(D(2025, 1, 9)) == "ngày 09 tháng 01 năm 2025"
    assert written_date(D(2025, 2, 28)) == "ngày 28 tháng 02 năm 2025"
    assert written_date(D(2025, 3, 5)) == "ngày 05 tháng 3 năm 2025"
    assert written_date(D(2025, 12, 15)) == "ngày 15 tháng 12 năm 2025"
    assert (thousands(11589), thousands(None, DASH), percent_text(30.0), percent_text(None, DASH)) == ("11.589", "—", "30,0%", "—")


# ---- the report's data --------------------------------------------------------------------------
def test_without_campaign_counts_are_shown_and_targets_empty(unit_store):
    store = unit_store
    data = collect_report(store, week_ending(D(2025, 1, 8)))
    assert data.campaign_id is None
    assert [r.key for r in data.groups] == ["1", "2", "3", "4"]
    assert all(r.target is None and r.percent is None and r.remaining is None for r in data.groups + data.areas)
    assert data.group_total.cumulative > 0
    assert data.group_total.cumulative == data.area_total.cumulative == sum(r.cumulative for r in data.areas)
    assert data.group_total.this_week == sum(r.this_week for r in data.groups)
    # the same counting rule: first issued account per organization, cancelled never count
    expected = store.scalar(
        "SELECT COUNT(DISTINCT org_id) FROM dossiers WHERE issued_on IS NOT NULL AND status <> 'cancelled'"
        " AND substr(issued_on, 1, 10) <= '2025-01-08'")
    assert data.group_total.cumulative == expected
    assert "chỉ tiêu" not in data.summary
    assert data.number_line.startswith("Số:") and data.number_line.endswith("/BC-CAH")


def test_figures_are_exactly_the_progress_figures(unit_store):
    store = unit_store
    campaign_id = make_campaign(store, store.codes)
    data = collect_report(store, week_ending(D(2025, 1, 8)), number=12)
    progress = compute_progress(store, campaign_id, as_of=D(2025, 1, 8), week_start=D(2025, 1, 2))
    assert [(r.key, r.this_week, r.cumulative, r.target, r.percent, r.remaining) for r in data.groups] == [
        (r.key, r.figures.this_week, r.figures.achieved, r.figures.target, r.figures.percent, r.figures.remaining)
        for r in progress.by_group]
    by_area = {r.key: r.figures for r in progress.by_area}
    assert len(data.areas) == len(by_area)
    for row in data.areas:
        f = by_area[row.key]
        assert (row.this_week, row.cumulative, row.target, row.percent, row.remaining) == (
            f.this_week, f.achieved, f.target, f.percent, f.remaining)
    series = weekly_series(store, campaign_id, until=D(2025, 1, 8))
    assert [(p.week_end, p.count, p.cumulative, p.target_cumulative) for p in data.trend] == [
        (s.week_end.isoformat(), s.achieved, s.cumulative, s.target_line) for s in series]
    assert data.group_total.target == 420
    assert f"đạt {percent_text(data.group_total.percent, DASH)} chỉ tiêu" in data.summary
    assert data.number_line == "Số: 12/BC-CAH"
    assert data.place_date == "Kiên Giang, ngày 09 tháng 01 năm 2025"
    assert data.subject == ("Kết quả cấp tài khoản định danh điện tử cho cơ quan, tổ chức, "
                            "tuần từ ngày 02/01/2025 đến ngày 08/01/2025")


def test_period_before_the_campaign_starts(unit_store):
    store = unit_store
    campaign_id = make_campaign(store, store.codes)  # starts 30/12/2024
    data = collect_report(store, week_ending(D(2024, 12, 25)))
    assert data.campaign_id is None and data.group_total.target is None
    with pytest.raises(UserError, match="trước khi kế hoạch"):
        collect_report(store, week_ending(D(2024, 12, 25)), campaign_id=campaign_id)


def test_report_data_round_trips_through_json(unit_store):
    data = collect_report(unit_store, week_ending(D(2025, 1, 8)), difficulties="Khó khăn: người đại diện ở xa")
    again = ReportData.from_dict(json.loads(json.dumps(data.to_dict(), ensure_ascii=False)))
    assert again == data


# ---- the register -------------------------------------------------------------------------------
def _issue(store, number, end=D(2025, 1, 8), **kw):
    from exporters.report_pdf import render_report_pdf

    period = week_ending(end, get_settings(store))
    data = collect_report(store, period, number=number)
    rendered = render_report_pdf(data)
    return issue_report(store, data, rendered.pdf, rendered.pages, due_at=period.due_at, **kw), rendered


def test_register_numbers_on_time_and_reprint(unit_store, clock):
    store = unit_store
    assert next_number(store) == 1
    report_id, rendered = _issue(store, 1)
    assert next_number(store) == 2
    row, data = get_report(store, report_id)
    assert (row["number_text"], row["on_time"], row["sha256"], row["pages"]) == (
        "1/BC-CAH", 1, rendered.sha256, rendered.pages)
    assert data.group_total.cumulative > 0 and data.number == 1
    assert report_pdf(store, report_id) == rendered.pdf
    with pytest.raises(UserError, match="đã dùng"):
        _issue(store, 1, end=D(2025, 1, 15))
    with pytest.raises(UserError, match="đã có báo cáo"):
        _issue(store, 2)
    clock.set(2025, 1, 16, 15, 0)  # after Thursday 14:00
    late_id, _ = _issue(store, 2, end=D(2025, 1, 15))
    assert get_report(store, late_id)[0]["on_time"] == 0
    assert [r["number_text"] for r in list_reports(store)] == ["2/BC-CAH", "1/BC-CAH"]
    assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'report.issue'") == 2


def test_issued_report_cannot_be_deleted_or_rewritten(unit_store):
    import sqlite3

    store = unit_store
    report_id, _ = _issue(store, 1)
    for sql in ("DELETE FROM reports WHERE id = ?", "UPDATE reports SET pdf = x'00' WHERE id = ?",
                "UPDATE reports SET figures = '{}' WHERE id = ?"):
        with pytest.raises(sqlite3.IntegrityError, match="không được"):
            store.execute(sql, (report_id,))
    set_saved_path(store, report_id, "/tmp/bao-cao.pdf")  # where the file was saved may change
    assert get_report(store, report_id)[0]["saved_path"] == "/tmp/bao-cao.pdf"


def test_tampered_file_is_refused(unit_store):
    store = unit_store
    report_id, _ = _issue(store, 1)
    # Only someone editing the database file by hand gets past the triggers.
    store.execute("DROP TRIGGER reports_no_update")
    store.execute("UPDATE reports SET pdf = ? WHERE id = ?", (b"%PDF-1.4 changed", report_id))
    with pytest.raises(UserError, match="SHA-256"):
        report_pdf(store, report_id)


def test_only_leaders_issue(unit_store):
    unit_store.actor = Actor(2, "cb", "Cán bộ A", "intake")
    with pytest.raises(PermissionDenied):
        _issue(unit_store, 1)


def test_deadline_status(unit_store, clock):
    store = unit_store
    clock.set(2025, 1, 7, 9, 0)  # Tuesday: the report for 26/12–01/01 was due last Thursday
    state, message = deadline_status(store)
    assert state == "late" and "26/12/2024–01/01/2025" in message
    _issue(store, 1, end=D(2025, 1, 1))
    assert deadline_status(store).state == "upcoming"
    clock.set(2025, 1, 8, 15, 0)
    state, message = deadline_status(store)
    assert state == "soon" and "còn 23 giờ 00 phút" in message
    _issue(store, 2)
    assert deadline_status(store).state == "issued"
    clock.set(2025, 1, 9, 14, 1)  # past the deadline: the week ending 08/01 is done, next week upcoming
    assert deadline_status(store).state == "upcoming"
    clock.set(2025, 1, 16, 14, 1)
    assert deadline_status(store).state == "late"


def test_deadline_status_without_unit(fresh_store):
    assert tuple(deadline_status(fresh_store)) == ("none", "")


@pytest.mark.parametrize(
    "name, symbol",
    [("Công an huyện", "CAH"), ("Công an huyện Châu Thành", "CAHCT"), ("Đội Cảnh sát QLHC", "DCSQLHC"),
     ("Phòng PC06", "PPC06"), ("Tổ tiếp nhận Rạch Giá", "TTNRG")],
)
def test_default_symbol_is_capital_initials(name, symbol):
    from models.reports.period import symbol_initials

    assert symbol_initials(name) == symbol


def test_a_province_desk_owes_the_consolidated_report_not_a_weekly_report(unit_store, clock):
    """A province desk issues no unit report: its banner speaks of the consolidated report (the province
    demo showed «Báo cáo tuần … chưa ban hành, đã quá hạn … (164 giờ)» although it had printed it)."""
    from models.reports.period import get_settings, previous_week
    from models.sync.consolidation import record_consolidated

    store = unit_store
    store.execute("UPDATE units SET kind = 'province' WHERE id = ?", (store.get_setting("unit_id"),))
    clock.set(2025, 1, 7, 9, 0)
    state, message = deadline_status(store)
    assert state == "late" and message.startswith("Báo cáo tổng hợp tuần 26/12/2024–01/01/2025 chưa in")
    record_consolidated(store, previous_week(store.now(), get_settings(store)), pdf="tong-hop.pdf")
    state, message = deadline_status(store)
    assert state == "upcoming" and message.startswith("Báo cáo tổng hợp tuần 02/01/2025–08/01/2025 chưa in")
