"""Issue 12, "one definition of every figure": the weekly report agrees with itself and with the dashboard.

* the demo's weekly report, read from ``ReportData`` and from the PDF's text: every total is the sum of its
  rows (rate and remaining by the rule of totals) or a footnote says why not;
* accounts count under the organization's registry area; areas outside the unit make one last row;
* an import mid-phase leaves every target as it was and shows "the baseline changed", which only a
  leader recomputes (audited);
* the dashboard opens on the week of the report due next, with the report's figures.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from demo import DEMO_TODAY, build_demo
from models.campaigns.progress import OUTSIDE_AREA, OUTSIDE_LABEL, combine, compute_progress, dossier_ids
from models.campaigns.targets import (
    allocation_table,
    baseline_changes,
    effective_target,
    list_targets,
    recompute_baselines,
    registry_count,
)
from models.campaigns.templates import create_from_template
from models.core.errors import PermissionDenied
from models.core.store import Actor, Store
from models.registry.importing import import_file
from models.reports.figures import dashboard_week
from models.reports.period import current_week, get_settings
from models.reports.weekly import collect_report
from services.reports import build_report
from tests.factories.dossiers import valid_tax_codes
from tests.progress_data import add_dossier, add_officer, add_org, setup_unit
from ui.context import AppContext

D = dt.date


# ---- the demo database, built once ------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo(path)
    return path


def _open(path, when: dt.datetime = DEMO_TODAY) -> Store:
    return Store(path, clock=lambda: when)


@pytest.fixture
def demo(demo_file):
    store = _open(demo_file)
    yield store
    store.close()


@pytest.fixture
def demo_copy(demo_file, tmp_path):
    path = tmp_path / "copy.sqlite"
    shutil.copy(demo_file, path)
    store = _open(path)
    yield store
    store.close()


def _pct(target, remaining):
    return round((target - remaining) * 100 / target, 1)


def _check_table(rows, total, notes: list[str], table: str) -> None:
    """Every column of the total is its rows' sum; the rate is (target − remaining) / target; where a
    reader's own cumulative / target gives another rate, a footnote on this table explains it."""
    assert total.this_week == sum(r.this_week for r in rows), table
    assert total.cumulative == sum(r.cumulative for r in rows), table
    targeted = [r for r in rows if r.target is not None]
    assert total.target == sum(r.target for r in targeted), table
    assert total.remaining == sum(r.remaining for r in targeted), table
    assert total.percent == _pct(total.target, total.remaining), table
    naive = round(sum(r.cumulative for r in targeted) * 100 / total.target, 1)
    if naive != total.percent:
        assert any(f"«Tổng cộng» theo {table}" in n for n in notes), (table, naive, total.percent, notes)


def test_demo_weekly_report_totals_add_up_or_carry_a_footnote(demo):
    period = current_week(demo.now(), get_settings(demo))
    assert (period.start, period.end) == (D(2025, 3, 6), D(2025, 3, 12))
    data = collect_report(demo, period)
    notes = data.footnotes
    _check_table(data.groups, data.group_total, notes, "nhóm")
    _check_table(data.areas, data.area_total, notes, "địa bàn")
    # the demo has a group over its target: the total's rate counts it only up to its target, and says so
    over = [r for r in data.groups if r.cumulative > r.target]
    assert over and data.group_total.percent < round(data.group_total.cumulative * 100 / data.group_total.target, 1)
    # the two tables: the same accounts; where "Còn lại" differs, a footnote gives both numbers
    assert data.area_total.cumulative == data.group_total.cumulative
    if data.area_total.remaining != data.group_total.remaining:
        assert any("khác bảng theo nhóm" in n for n in notes)
    # the summary states the same rate and remaining as the total line
    total = data.group_total
    assert f"đạt {total.percent:.1f}%".replace(".", ",") in data.summary
    assert f"còn {total.remaining} tài khoản" in data.summary.replace(".", "")


_NUM = r"\d[\d.]*"
_ROW = re.compile(rf"(?:^| )(\d+) ([^\d%—]+?) ({_NUM}) ({_NUM}) ({_NUM}|—) (\d+(?:,\d)?%|—) ({_NUM}|—)(?= |$)")
_TOTAL = re.compile(rf"Tổng cộng ({_NUM}) ({_NUM}) ({_NUM}|—) (\d+(?:,\d)?%|—) ({_NUM}|—)")


def _n(text: str):
    return None if text == "—" else int(text.replace(".", ""))


def _p(text: str):
    return None if text == "—" else float(text.rstrip("%").replace(",", "."))


def test_demo_weekly_report_pdf_read_back_adds_up(demo):
    """The printed tables, read from the PDF's text alone: each total is the sum of the rows above it."""
    period = current_week(demo.now(), get_settings(demo))
    generated = build_report(demo, period)
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(generated.pdf)).pages)
    groups_part = text[text.index("2. Kết quả theo nhóm"):text.index("3. Kết quả theo")]
    areas_part = text[text.index("3. Kết quả theo"):text.index("4. Tình hình tiếp nhận")]  # the dossier table next
    for part, expected_rows in ((groups_part, generated.data.groups), (areas_part, generated.data.areas)):
        rows = [m.groups() for m in _ROW.finditer(part)]
        assert len(rows) == len(expected_rows), part
        week, cum, target, pct, rem = _TOTAL.search(part).groups()
        assert _n(week) == sum(_n(r[2]) for r in rows)
        assert _n(cum) == sum(_n(r[3]) for r in rows)
        assert _n(target) == sum(_n(r[4]) for r in rows if r[4] != "—")
        assert _n(rem) == sum(_n(r[6]) for r in rows if r[6] != "—")
        assert _p(pct) == _pct(_n(target), _n(rem))
    # the footnotes are printed with the tables
    assert "Ghi chú:" in areas_part
    for note in generated.data.footnotes:
        assert " ".join(note.split())[:60] in text


# ---- accounts under the registry's area; one "Ngoài địa bàn" row, last -----------------------------------
def test_accounts_count_under_the_registry_area_and_outside_areas_make_one_last_row(fresh_store):
    s = fresh_store
    unit = setup_unit(s, 3)
    s.conn.executemany("INSERT INTO areas(code, name, division_type, name_fold) VALUES (?,?,?,?)",
                       [("B001", "Phường Ngoài Một", "Phường", "phuong ngoai mot"),
                        ("B002", "Xã Ngoài Hai", "Xã", "xa ngoai hai")])
    create_from_template(s, "kien_giang_374", scale="province")
    inside = [add_org(s, 1, unit[i % 3]) for i in range(6)]
    outside = [add_org(s, 1, "B001"), add_org(s, 2, "B002"), add_org(s, 4, "B002")]
    for org in inside:
        add_dossier(s, org, received_on="2025-01-06", issued_on="2025-01-07")
    for org in outside:
        add_dossier(s, org, received_on="2025-01-06", issued_on="2025-01-07")
    # the applicant declared an outside commune; the registry has the organization in the unit
    declared_elsewhere = add_org(s, 1, unit[0])
    add_dossier(s, declared_elsewhere, received_on="2025-01-06", issued_on="2025-01-08", area="B001")
    nowhere = add_org(s, 3, None)
    add_dossier(s, nowhere, received_on="2025-01-06", issued_on="2025-01-08")

    p = compute_progress(s, as_of=D(2025, 1, 8))
    keys = [r.key for r in p.by_area]
    assert keys[-2:] == ["", OUTSIDE_AREA]          # unknown area, then outside the unit, after the communes
    assert "B001" not in keys and "B002" not in keys
    by_key = {r.key: r.figures for r in p.by_area}
    assert by_key[OUTSIDE_AREA].achieved == 3
    assert by_key[unit[0]].achieved == 3            # two of its own + the one declared elsewhere
    ids = dossier_ids(s, p.campaign_id, as_of=D(2025, 1, 8), area_code=OUTSIDE_AREA)
    assert len(ids) == 3

    data = collect_report(s, current_week(s.now(), get_settings(s)))
    assert [r.label for r in data.areas][-1] == OUTSIDE_LABEL
    assert data.areas[-1].cumulative == 3 and data.areas[-1].target is None
    assert data.area_total.cumulative == data.group_total.cumulative == 11
    assert any(n.startswith(f"«{OUTSIDE_LABEL}»: 3 tài khoản") for n in data.footnotes)

    # the registry moves an organization into the unit: its account moves with it
    s.execute("UPDATE organizations SET area_code = ? WHERE id = ?", (unit[1], outside[0]))
    p = compute_progress(s, as_of=D(2025, 1, 8))
    by_key = {r.key: r.figures for r in p.by_area}
    assert by_key[OUTSIDE_AREA].achieved == 2


def test_an_area_ahead_in_one_group_does_not_make_up_for_another_group():
    """The rule of several targets together (an area with shares of two groups, a total line)."""
    both = combine([(10, 15), (10, 5)])
    assert (both.target, both.achieved, both.remaining, both.within_target, both.percent) == (20, 20, 5, 15, 75.0)
    assert both.overshoot == 5
    nested = combine([(20, 20, both.remaining), (4, 1), (None, 7)])   # a total over combined rows
    assert (nested.target, nested.achieved, nested.remaining, nested.percent) == (24, 28, 8, 66.7)


# ---- targets change only when a leader changes them ------------------------------------------------------
def _write_list(path, n: int) -> None:
    codes = valid_tax_codes(n, prefix="39")
    lines = ["Tên doanh nghiệp,Mã số thuế,Địa chỉ"]
    lines += [f"Công ty TNHH Mới Thành Lập {i + 1},{code},Số {i + 1} đường Mới" for i, code in enumerate(codes)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _figures_now(s):
    cid = compute_progress(s).campaign_id
    return {t["id"]: (effective_target(s, t).value, allocation_table(s, t["id"])["sum"])
            for t in list_targets(s, cid)}


def test_demo_import_mid_phase_keeps_the_targets_and_flags_the_baseline(demo_copy, tmp_path):
    s = demo_copy
    period = current_week(s.now(), get_settings(s))
    before_report = collect_report(s, period)
    before = _figures_now(s)
    cid = before_report.campaign_id
    enterprises = registry_count(s, "1")
    _write_list(tmp_path / "moi.csv", 7)
    result = import_file(s, tmp_path / "moi.csv", 1)
    assert result.counts()["inserted"] == 7
    assert registry_count(s, "1") == enterprises + 7
    # nothing moved: targets, allocations, the report's target column
    assert _figures_now(s) == before
    after_report = collect_report(s, period)
    assert [r.target for r in after_report.groups] == [r.target for r in before_report.groups]
    assert after_report.group_total.target == before_report.group_total.target
    assert after_report.area_total.target == before_report.area_total.target
    # … and the leader is told: group 1 of the running phase (phase 1 is over: its result is final)
    assert baseline_changes(s, before_report.campaign_id, as_of=D(2025, 1, 1)) != []   # phase 1 too, back then
    changes = baseline_changes(s, cid)
    assert [(c.phase_name, c.label) for c in changes] == [("Giai đoạn 2", "Doanh nghiệp")]
    change = changes[0]
    assert (change.frozen, change.current) == (enterprises, enterprises + 7)
    assert change.recomputed > change.value
    assert "Doanh nghiệp: số tổ chức trong danh sách" in change.text


def test_only_a_leader_recomputes_a_changed_baseline_and_it_is_audited(fresh_store):
    s = fresh_store
    unit = setup_unit(s, 3)
    for i in range(40):
        add_org(s, 1, unit[i % 3])
    cid = create_from_template(s, "kien_giang_374", scale="unit")
    phase1 = next(t for t in list_targets(s, cid) if t["groups"] == "1")
    from models.campaigns.targets import allocate_proportionally, update_target

    allocate_proportionally(s, phase1["id"])
    value = effective_target(s, phase1).value              # 2,816/9,387 × 40 = 12
    assert value == 12
    for _ in range(10):
        add_org(s, 1, unit[0])
    assert effective_target(s, phase1).value == 12         # the registry grew; the target did not
    # editing something else of the target keeps the frozen baseline
    update_target(s, phase1["id"], {"note": "Ghi chú mới"})
    assert effective_target(s, phase1).value == 12
    assert [c.target_id for c in baseline_changes(s, cid)][:1] == [phase1["id"]]
    intake = add_officer(s, "tu", "Lê Văn Tư")
    s.actor = Actor(id=intake, username="tu", full_name="Lê Văn Tư", role="intake")
    with pytest.raises(PermissionDenied):
        recompute_baselines(s, cid)
    assert effective_target(s, phase1).value == 12
    leader = add_officer(s, "chi", "Trần Chí", role="leader")
    s.actor = Actor(id=leader, username="chi", full_name="Trần Chí", role="leader")
    results = recompute_baselines(s, cid)
    first = next(r for r in results if r["target_id"] == phase1["id"])
    assert (first["baseline_before"], first["baseline_after"]) == (40, 50)
    assert (first["target_before"], first["target_after"], first["reallocated"]) == (12, 15, True)
    assert effective_target(s, next(t for t in list_targets(s, cid) if t["id"] == phase1["id"])).value == 15
    assert allocation_table(s, phase1["id"])["difference"] == 0
    assert baseline_changes(s, cid) == []
    audit = s.query("SELECT officer_id, field, old_value, new_value FROM audit_log"
                    " WHERE action = 'campaign.baseline_recompute' AND object_id = ?", (str(phase1["id"]),))
    assert len(audit) == 1 and audit[0]["officer_id"] == leader and audit[0]["field"] == "baseline_frozen"
    assert (audit[0]["old_value"], audit[0]["new_value"]) == ("40", "50")


# ---- the dashboard's week is the report's ---------------------------------------------------------------
def test_dashboard_week_is_the_report_week(demo, qtbot):
    from ui.pages.progress import ProgressPage

    period = current_week(demo.now(), get_settings(demo))
    report = collect_report(demo, period)
    ctx = AppContext.create(demo)
    page = ProgressPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.progress is not None)
    p = page.progress
    assert (p.week_start, p.as_of) == (D(2025, 3, 6), D(2025, 3, 12))
    assert p.this_week == report.group_total.this_week == 103
    assert p.achieved_in_campaign == report.group_total.cumulative
    assert "Tuần báo cáo 06/03/2025–12/03/2025" in page.header.text()
    assert "+103" in page.header.text()
    # a date picked on the dashboard shows the report week containing it
    page.set_as_of(D(2025, 3, 4))
    assert page.progress.week_start == D(2025, 2, 27)
    ctx.changes.detach()
    week = dashboard_week(demo)
    assert (week.period.start, week.period.end, week.as_of) == (period.start, period.end, D(2025, 3, 12))


def test_after_the_deadline_the_dashboard_follows_the_report_screen(demo_file, tmp_path):
    path = tmp_path / "late.sqlite"
    shutil.copy(demo_file, path)
    s = _open(path, dt.datetime(2025, 3, 13, 15, 0))     # the 06/03–12/03 report is late (not issued)
    try:
        from models.reports.register import issued_for

        week = dashboard_week(s, issued=lambda p: issued_for(s, "weekly", p.start, p.end) is not None)
        assert (week.period.start, week.as_of) == (D(2025, 3, 6), D(2025, 3, 12))
        plain = dashboard_week(s)        # once issued, the next week (up to today)
        assert (plain.period.start, plain.period.end, plain.as_of) == (D(2025, 3, 13), D(2025, 3, 19), D(2025, 3, 13))
    finally:
        s.close()


# ---- the banner: dashboard and campaign editor ------------------------------------------------------------
@pytest.fixture
def grown(fresh_store):
    """A campaign on the registry, then ten more enterprises in the registry."""
    s = fresh_store
    unit = setup_unit(s, 3)
    for i in range(40):
        add_org(s, 1, unit[i % 3])
    cid = create_from_template(s, "kien_giang_374", scale="unit")
    for _ in range(10):
        add_org(s, 1, unit[1])
    return s, cid


def _click_yes(qtbot, banner):
    qtbot.waitUntil(lambda: banner.confirm_box is not None and banner.confirm_box.isVisible())
    banner.confirm_box.button(QMessageBox.Yes).click()


def test_dashboard_banner_asks_the_leader_to_recompute(qtbot, grown):
    from ui.pages.progress import ProgressPage

    s, cid = grown
    ctx = AppContext.create(s)
    page = ProgressPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.progress is not None)
    banner = page.baseline_banner
    assert banner.isVisible() and banner.button.isVisible()
    assert "Số tổ chức trong danh sách đã thay đổi" in banner.label.text()
    assert "40 → 50" in banner.label.text()
    before = {t.label: t.figures.target for t in page.progress.current_phase.targets}
    qtbot.mouseClick(banner.button, Qt.LeftButton)
    _click_yes(qtbot, banner)
    qtbot.waitUntil(lambda: not banner.isVisible())
    after = {t.label: t.figures.target for t in page.progress.current_phase.targets}
    assert after["Doanh nghiệp"] > before["Doanh nghiệp"]
    assert s.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'campaign.baseline_recompute'") >= 1
    ctx.changes.detach()


def test_banner_for_an_intake_officer_has_no_button(qtbot, grown):
    from ui.pages.progress import ProgressPage

    s, cid = grown
    officer = add_officer(s, "tu", "Lê Văn Tư")
    s.actor = Actor(id=officer, username="tu", full_name="Lê Văn Tư", role="intake")
    ctx = AppContext.create(s)
    page = ProgressPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.progress is not None)
    assert page.baseline_banner.isVisible() and not page.baseline_banner.button.isVisible()
    assert "lãnh đạo đơn vị quyết định" in page.baseline_banner.label.text()
    ctx.changes.detach()


def test_campaign_editor_shows_the_baseline_prompt(qtbot, grown):
    from ui.dialogs.campaign_editor import CampaignEditor

    s, cid = grown
    ctx = AppContext.create(s)
    editor = CampaignEditor(ctx, cid)
    qtbot.addWidget(editor)
    editor.show()
    banner = editor.baseline_banner
    assert banner.isVisible() and "Doanh nghiệp" in banner.label.text()
    qtbot.mouseClick(banner.button, Qt.LeftButton)
    _click_yes(qtbot, banner)
    qtbot.waitUntil(lambda: not banner.isVisible())
    assert baseline_changes(s, cid) == []
    QApplication.processEvents()
    ctx.changes.detach()


# ---- an existing database (before m009) -------------------------------------------------------------------
def test_upgrade_freezes_existing_targets_and_counts_accounts_under_the_registry_area(tmp_path, clock, monkeypatch):
    from models.core import migrations

    every = migrations.all_migrations
    monkeypatch.setattr(migrations, "all_migrations", lambda: [m for m in every() if m.VERSION < 9])
    path = tmp_path / "old.sqlite"
    s = Store(path, clock=clock)
    assert s.user_version == 8
    unit = setup_unit(s, 2)
    s.conn.execute("INSERT INTO areas(code, name, division_type, name_fold) VALUES ('B001', 'Xã Ngoài', 'Xã', 'xa')")
    orgs = [add_org(s, 1, unit[0]) for _ in range(20)]
    s.execute("INSERT INTO campaigns(name, start_on, end_on, created_at, updated_at)"
              " VALUES ('Cũ', '2024-12-30', '2025-06-30', '', '')")
    s.execute("INSERT INTO campaign_phases(campaign_id, name, start_on, end_on) VALUES (1, 'GĐ', '2024-12-30',"
              " '2025-06-30')")
    s.execute("INSERT INTO campaign_targets(campaign_id, phase_id, label, groups, kind, value, baseline_source)"
              " VALUES (1, 1, 'Doanh nghiệp', '1', 'percent', 50, 'registry')")
    add_dossier(s, orgs[0], received_on="2025-01-06", issued_on="2025-01-07", area="B001")  # declared elsewhere
    s.close()
    monkeypatch.setattr(migrations, "all_migrations", every)

    s = Store(path, clock=clock)
    try:
        assert s.user_version >= 9
        target = s.query_one("SELECT * FROM campaign_targets WHERE id = 1")
        assert target["baseline_frozen"] == 20                     # the count it showed until the upgrade
        assert s.scalar("SELECT area_code FROM progress_firsts WHERE counts = 'issued'") == unit[0]
        for _ in range(5):
            add_org(s, 1, unit[1])
        assert effective_target(s, target).value == 10             # 50 % of the frozen 20, not of 25
        assert [(c.frozen, c.current) for c in baseline_changes(s, 1)] == [(20, 25)]
    finally:
        s.close()
