"""Incremental exports follow the database's change counter, not the desks' clocks (issue 14, m012).

The attack: two desks share one unit database; one desk's clock is 10 minutes off. A change made between
two exports must be in the next incremental file, whichever desk's clock was wrong and whichever desk
made the change or the export.
"""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

import models.core.migrations as migrations
from exporters.sync_workbook import write_sync_workbook
from models.core.store import Store
from models.registry import organizations
from models.sync.export import acknowledge
from models.sync.format import SHEET_COLUMNS, SheetData
from models.sync.merge import merge_files
from models.sync.reader import read_sync_file
from services.sync import export_workbook
from tests.conftest import FixedClock
from tests.factories.sync import make_data, make_province, make_unit, signer, touch_dossiers, trust

SKEW = dt.timedelta(minutes=10)


def _export(store, out, **kw):
    """``export_workbook`` without a password (these tests look inside the files): where an export is
    encrypted by default (issue 14, personal data) that takes the explicit opt-out."""
    if "unencrypted" in inspect.signature(export_workbook).parameters:
        kw.setdefault("unencrypted", True)
    return export_workbook(store, out, **kw)


@pytest.fixture
def desks(tmp_path):
    """Desk A with the right time and desk B on the same database file, B's clock set by the test."""
    real = FixedClock(dt.datetime(2025, 1, 9, 10, 0, 0))
    a = Store(tmp_path / "unit.sqlite", clock=real)
    make_data(a, make_unit(a), 60, seed=5)
    skewed = FixedClock(real.when)
    b = Store(tmp_path / "unit.sqlite", clock=skewed, migrate=False)
    yield real, skewed, a, b
    b.close()
    a.close()


def _org_of(store, dossier_uuid):
    return store.query_one("SELECT o.id, o.uuid, o.version FROM organizations o JOIN dossiers d ON d.org_id = o.id "
                           "WHERE d.uuid = ?", (dossier_uuid,))


@pytest.mark.parametrize("skew", [-SKEW, SKEW], ids=["clock-behind", "clock-ahead"])
@pytest.mark.parametrize("who_exports", ["right-clock", "wrong-clock"])
def test_a_change_made_under_a_skewed_clock_is_in_the_next_incremental_file(desks, tmp_path, skew, who_exports):
    real, skewed, a, b = desks
    exporter, changer = (a, b) if who_exports == "right-clock" else (b, a)
    skewed.when = real.when + skew
    first = _export(exporter, tmp_path / "so1.xlsx")
    assert acknowledge(exporter, first.sequence) is True
    # a few real minutes later the other desk makes a change: its (or the exporter's) clock is 10 minutes off
    real.advance(minutes=3)
    skewed.when = real.when + skew
    [changed] = touch_dossiers(changer, 1)
    org = _org_of(changer, changed)
    organizations.update(changer, org["id"], {"address": "Số 9 Đường 3 Tháng 2, Rạch Giá"},
                         expected_version=org["version"])
    real.advance(minutes=3)
    skewed.when = real.when + skew
    second = _export(exporter, tmp_path / "so2.xlsx")

    assert second.kind == "incremental" and second.base_sequence == first.sequence
    sync = read_sync_file(second.path)
    dossiers = {d["uuid"]: d for d in sync.dicts("HoSo")}
    orgs = {o["uuid"]: o for o in sync.dicts("ToChuc")}
    assert changed in dossiers and dossiers[changed]["status"] == "issued"
    assert orgs[org["uuid"]]["address"] == "Số 9 Đường 3 Tháng 2, Rạch Giá"
    # the file states the counter range it covers, continuing the acknowledged file's
    assert sync.info["changes_after"] == read_sync_file(first.path).info["changes_through"]
    assert sync.info["changes_through"] >= sync.info["changes_after"] + 2
    assert second.rows < 60  # still incremental: the unchanged dossiers stay out


def test_the_province_gets_the_change_and_a_discontinuous_file_is_refused(desks, tmp_path):
    real, skewed, a, b = desks
    province = Store(tmp_path / "tinh.sqlite", clock=real)
    try:
        make_province(province)
        trust(province, a)
        first = _export(a, tmp_path / "so1.xlsx")
        acknowledge(a, 1)
        real.advance(minutes=2)
        skewed.when = real.when - SKEW
        [changed] = touch_dossiers(b, 1)
        real.advance(minutes=2)
        second = _export(a, tmp_path / "so2.xlsx")
        r1, r2 = merge_files(province, [first.path, second.path])
        assert (r1.status, r2.status) == ("accepted", "accepted")
        assert (r2.inserted, r2.updated) == (0, 1)
        assert province.scalar("SELECT status FROM remote_dossiers WHERE uuid = ?", (changed,)) == "issued"
        files = province.query("SELECT sequence, changes_after, changes_through FROM sync_files ORDER BY sequence")
        assert files[0]["changes_after"] is None and files[1]["changes_after"] == files[0]["changes_through"]
    finally:
        province.close()


def test_counter_only_goes_up_and_numbers_every_insert_and_update(fresh_store):
    store = fresh_store
    make_data(store, make_unit(store), 20, seed=3)
    counter = store.scalar("SELECT value FROM change_counter")
    seqs = [r[0] for r in store.execute("SELECT change_seq FROM dossiers UNION ALL SELECT change_seq FROM organizations")]
    assert None not in seqs and len(set(seqs)) == len(seqs) and max(seqs) == counter
    dossier = store.query_one("SELECT id, org_id, change_seq FROM dossiers ORDER BY id LIMIT 1")
    store.execute("UPDATE dossiers SET online_ref = 'x' WHERE id = ?", (dossier["id"],))
    assert store.scalar("SELECT change_seq FROM dossiers WHERE id = ?", (dossier["id"],)) == counter + 1
    # a renamed organization renumbers its dossiers (HoSo carries the organization's name)
    store.execute("UPDATE organizations SET name = name || ' (đổi tên)' WHERE id = ?", (dossier["org_id"],))
    after = store.scalar("SELECT value FROM change_counter")
    assert after >= counter + 3
    assert store.scalar("SELECT MIN(change_seq) FROM dossiers WHERE org_id = ?", (dossier["org_id"],)) > counter + 1
    # the clock going backwards changes nothing
    store.clock = lambda: dt.datetime(2020, 1, 1)
    store.execute("UPDATE organizations SET address = 'A' WHERE id = ?", (dossier["org_id"],))
    assert store.scalar("SELECT value FROM change_counter") == after + 1
    # bookkeeping is no change: an organization seen again in an imported list is not sent again
    store.execute("UPDATE organizations SET last_seen = '2025-02-01 08:00:00', search_text = 'x'")
    assert store.scalar("SELECT value FROM change_counter") == after + 1


def test_an_older_database_is_numbered_and_its_next_export_is_full(tmp_path, monkeypatch, clock):
    every = migrations.all_migrations()
    monkeypatch.setattr(migrations, "all_migrations", lambda: [m for m in every if m.VERSION < 12])
    old = Store(tmp_path / "old.sqlite", clock=clock)
    make_data(old, make_unit(old), 25, seed=8)
    # what the program before m012 recorded for an export the province acknowledged
    old.execute("INSERT INTO sync_exports(sequence, kind, period_start, period_end, generated_at, officer_id,"
                " file_name, sha256, acknowledged_at) VALUES (1, 'full', '2025-01-03', '2025-01-09',"
                " '2025-01-09 09:30:00', 1, 'old1.xlsx', ?, '2025-01-09 11:00:00')", ("0" * 64,))
    assert "changes_through" not in old.query_one("SELECT * FROM sync_exports")
    old.close()
    monkeypatch.undo()

    store = Store(tmp_path / "old.sqlite", clock=clock)  # m012 runs
    try:
        assert store.scalar("SELECT COUNT(*) FROM dossiers WHERE change_seq IS NULL") == 0
        assert store.scalar("SELECT value FROM change_counter") == 25 + store.scalar("SELECT COUNT(*) FROM organizations")
        clock.advance(hours=1)
        second = _export(store, tmp_path / "old2.xlsx")
        assert second.kind == "full" and second.rows == 25
        assert any("bộ đếm thay đổi" in note for note in second.notes)
        acknowledge(store, second.sequence)
        touch_dossiers(store, 2)
        third = _export(store, tmp_path / "old3.xlsx")
        assert (third.kind, third.rows) == ("incremental", 2)
    finally:
        store.close()


def test_an_incremental_file_that_does_not_continue_its_base_counter_is_refused(tmp_path, clock):
    unit = Store(tmp_path / "unit.sqlite", clock=clock)
    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    try:
        make_data(unit, make_unit(unit), 30, seed=2)
        make_province(province)
        trust(province, unit)
        first = _export(unit, tmp_path / "so1.xlsx")
        acknowledge(unit, 1)
        clock.advance(hours=1)
        touch_dossiers(unit, 2)
        second = _export(unit, tmp_path / "so2.xlsx")
        sync = read_sync_file(second.path)
        info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256"))}
        info["changes_after"] += 7  # signed by the unit's own key: only the continuity check can see it
        bent = tmp_path / "so2-lech.xlsx"
        write_sync_workbook(bent, info, [SheetData(n, SHEET_COLUMNS[n], sync.records[n]) for n in SHEET_COLUMNS],
                            sign=signer(unit, info))
        r1, r2 = merge_files(province, [first.path, bent])
        assert r1.status == "accepted" and r2.status == "refused"
        assert "thay đổi ở giữa bị thiếu" in r2.reason and "--full" in r2.reason
        [ok] = merge_files(province, [second.path])
        assert ok.status == "accepted" and ok.updated == 2
    finally:
        province.close()
        unit.close()


def test_a_signed_2_0_file_without_counter_figures_is_still_merged(tmp_path, clock):
    unit = Store(tmp_path / "unit.sqlite", clock=clock)
    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    try:
        make_data(unit, make_unit(unit), 12, seed=6)
        make_province(province)
        trust(province, unit)
        sync = read_sync_file(_export(unit, tmp_path / "so1.xlsx").path)
        info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256", "changes_"))}
        info["format_version"] = "2.0"
        old = tmp_path / "ban-2.0.xlsx"
        write_sync_workbook(old, info, [SheetData(n, SHEET_COLUMNS[n], sync.records[n]) for n in SHEET_COLUMNS],
                            sign=signer(unit, info))
        assert "changes_through" not in read_sync_file(old).info or read_sync_file(old).info["changes_through"] is None
        [res] = merge_files(province, [old])
        assert res.status == "accepted" and res.inserted == 12
        assert province.scalar("SELECT format_version || '/' || IFNULL(changes_through, '-') FROM sync_files") == "2.0/-"
    finally:
        province.close()
        unit.close()
