"""Bulk mode of the registry import (issue 17, items 1 and 2): the database after a bulk import, once its
search index is built in slices, is identical to the one the row-by-row path makes; while the index is
pending, search is complete; a crash while indexing resumes."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from models.core.errors import Cancelled
from models.core.progress import Progress
from models.core.store import Store
from models.registry import search as registry_search
from models.registry import search_index
from models.registry.importing import UnreadableFile, import_file, writer
from tests.factories import messy_files as mf

BAD_INPUTS = Path(__file__).parent / "bad_inputs"


def _corpus(folder: Path) -> list[tuple[Path, int]]:
    """Messy files in several layouts and formats, overlapping: new rows, changed rows, other groups,
    rows without a tax code (possible duplicates), the same file again."""
    orgs = mf.make_orgs(260, seed=3)
    changed = [dataclasses.replace(o, address=o.address + " (đã đổi)", rep_phone="0912345678")
               if i % 3 == 0 else o for i, o in enumerate(orgs[100:220])]
    no_tax = mf.make_orgs(60, seed=5, with_tax=False)
    files = [
        (mf.write_xlsx(mf.build(orgs[:150], mf.Layout(repeat=[0, 4, 4], footer=True, blank_every=5)),
                       folder / "a.xlsx"), 1),
        (mf.write_csv(mf.build(changed + orgs[220:], mf.Layout(two_row_header=True, nfd=True, stray_spaces=True)),
                      folder / "b.csv", encoding="utf-8-sig", delimiter=";"), 1),
        (mf.write_xlsx(mf.build(orgs[40:90] + mf.make_orgs(30, seed=9), mf.Layout(numeric_tax=True, dates="serial")), folder / "c.xlsx"), 2),
        (mf.write_xlsx(mf.build(no_tax + no_tax[:10], mf.Layout(ascii_headers=True, dates="text")),
                       folder / "d.xlsx"), 4),
        (mf.write_xlsx(mf.build(no_tax[5:40], mf.Layout()), folder / "e.xlsx"), 4),
        (folder / "a.xlsx", 1),  # the same file again: unchanged
    ]
    for path in sorted(BAD_INPUTS.glob("*.csv")):
        files.append((path, 3))  # the few readable ones import, the rest are refused alike
    return files


def _run(store: Store, files, counts: list) -> None:
    for path, group in files:
        try:
            result = import_file(store, path, group)
        except UnreadableFile as exc:
            counts.append(("refused", path.name, str(exc)))
            continue
        counts.append(result.counts())
        search_index.build_pending(store, rows=37)  # odd slice size: ranges cut anywhere


def _schema(store: Store) -> list[tuple]:
    return sorted(store.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall(),
                  key=lambda r: (r[0], r[1]))


def _contents(store: Store) -> dict:
    out = {}
    for (name,) in store.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                                 "'CREATE VIRTUAL%' AND name NOT LIKE 'org_fts%' AND name NOT LIKE "
                                 "'org_tax_fts%' AND name NOT LIKE 'sqlite_%'").fetchall():
        cur = store.execute(f"SELECT * FROM {name}")
        cols = [c[0] for c in cur.description]
        rows = [tuple(None if c == "uuid" else v for c, v in zip(cols, row, strict=True)) for row in cur]
        out[name] = sorted(rows, key=repr)
    for fts in ("org_fts", "org_tax_fts"):
        store.execute(f"CREATE VIRTUAL TABLE temp.v_{fts} USING fts5vocab(main, {fts}, instance)")
        out[fts] = store.execute(f"SELECT * FROM temp.v_{fts} ORDER BY 1, 2, 3, 4").fetchall()
        store.execute(f"DROP TABLE temp.v_{fts}")
    return out


def test_bulk_import_gives_the_same_database_as_the_row_by_row_path(tmp_path, clock, monkeypatch):
    files = _corpus(tmp_path)
    results = {}
    for mode, minimum in (("rows", 10**9), ("bulk", 0)):
        monkeypatch.setattr(writer, "BULK_MIN", minimum)
        store = Store(tmp_path / f"{mode}.sqlite", clock=clock)
        mf.add_areas(store)
        counts: list = []
        _run(store, files, counts)
        assert registry_search.check_index(store)
        assert search_index.progress(store) is None
        results[mode] = (counts, _schema(store), _contents(store))
        store.close()
    rows, bulk = results["rows"], results["bulk"]
    assert any(isinstance(c, dict) and c["inserted"] > 100 for c in rows[0])
    assert rows[0] == bulk[0]  # the same counts
    assert rows[1] == bulk[1]  # triggers, indexes, tables: the same SQL
    assert set(rows[2]) == set(bulk[2])
    for table in rows[2]:
        assert rows[2][table] == bulk[2][table], table
    assert len(bulk[2]["organizations"]) > 300 and bulk[2]["org_fts"] and bulk[2]["registry_counts"]


@pytest.fixture
def store(fresh_store, monkeypatch):
    monkeypatch.setattr(writer, "BULK_MIN", 0)
    mf.add_areas(fresh_store)
    return fresh_store


def _import(store, tmp_path, orgs, name="ds.xlsx", group=1):
    return import_file(store, mf.write_xlsx(mf.build(orgs, mf.Layout()), tmp_path / name), group)


def test_search_while_indexing_is_complete(store, tmp_path):
    old = mf.make_orgs(120, seed=11)
    _import(store, tmp_path, old, "old.xlsx")
    search_index.build_pending(store)
    new = mf.make_orgs(400, seed=12)
    result = _import(store, tmp_path, new, "new.xlsx")
    assert result.inserted == 400
    assert search_index.progress(store) == 0.0
    search_index.build_slice(store, rows=150)
    assert 0.3 < search_index.progress(store) < 0.4
    queries = ["cong ty", new[-1].tax_code[2:9], new[-1].name.split()[-2], "tnhh", new[300].rep_name,
               old[5].name, "zzz khong co", "zzsactive", "z", new[7].tax_code[:4]]
    partial = {q: sorted(registry_search.search_ids(store, q, cap=5000).ids) for q in queries}
    partial_filtered = sorted(registry_search.search_ids(
        store, "cong", registry_search.Filters(status="active", area_code=new[0].area_code), cap=5000).ids)
    # a pending row changed and another deleted before the slice reaches them: the index stays exact
    last = store.scalar("SELECT max(id) FROM organizations")
    with store.atomic():
        store.execute("UPDATE organizations SET search_text = search_text || ' doisau' WHERE id = ?", (last,))
    assert registry_search.search_ids(store, "doisau").ids.tolist() == [last]
    search_index.build_pending(store)
    assert search_index.progress(store) is None
    assert registry_search.check_index(store)
    for q, ids in partial.items():
        assert sorted(registry_search.search_ids(store, q, cap=5000).ids) == ids, q
    assert partial[queries[0]] and partial[queries[1]] and partial[queries[4]] and not partial["zzz khong co"]
    assert sorted(registry_search.search_ids(
        store, "cong", registry_search.Filters(status="active", area_code=new[0].area_code),
        cap=5000).ids) == partial_filtered
    assert registry_search.search_ids(store, "doisau").ids.tolist() == [last]


def test_cancel_of_a_bulk_import_leaves_triggers_indexes_and_rows_as_before(store, tmp_path):
    before = _schema(store)

    seen = []

    class Stop(Progress):
        def update(self, done, total=None, message=None, force=False):
            seen.append(message)
            if message == "Đang ghi vào sổ tổ chức…":  # the new rows written, triggers suspended
                assert store.scalar("SELECT count(*) FROM organizations") == 300
                assert store.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'registry_counts_insert'") == 0
                raise Cancelled()

    path = mf.write_xlsx(mf.build(mf.make_orgs(300, seed=2), mf.Layout()), tmp_path / "x.xlsx")
    with pytest.raises(Cancelled):
        import_file(store, path, 1, progress=Stop())
    assert "Đang ghi vào sổ tổ chức…" in seen
    assert _schema(store) == before
    assert store.scalar("SELECT count(*) FROM organizations") == 0
    assert search_index.progress(store) is None


def test_indexing_stopped_between_slices_resumes_at_next_start(store, tmp_path, db_path, clock):
    _import(store, tmp_path, mf.make_orgs(250, seed=21))
    calls = []
    assert search_index.build_pending(store, rows=100, stop=lambda: len(calls) > 0,
                                      on_slice=calls.append) is False
    assert calls == [pytest.approx(100 / 250)]
    store.close()
    again = Store(db_path, clock=clock)
    thread = search_index.start_background(db_path, rows=60)
    assert thread is not None
    thread.join(30)
    assert search_index.progress(again) is None and registry_search.check_index(again)
    assert again.scalar("SELECT count(*) FROM org_fts WHERE org_fts MATCH 'cong*'") > 0
    again.close()


def test_pending_row_is_committed_with_the_rows(store, tmp_path, db_path):
    _import(store, tmp_path, mf.make_orgs(50, seed=31))
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT low_id, next_id, high_id FROM org_index_pending").fetchall() == [(1, 1, 50)]
    other.close()


def test_registry_screen_says_the_index_is_being_built(store, tmp_path, qtbot, monkeypatch):
    from ui.context import AppContext
    from ui.pages.registry import RegistryPage

    _import(store, tmp_path, mf.make_orgs(300, seed=41))
    search_index.build_slice(store, rows=120)
    started = []
    monkeypatch.setattr(search_index, "start_background", lambda path, **kw: started.append(path))
    page = RegistryPage(AppContext.create(store))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.index_label.isVisible())
    assert page.index_label.text() == "đang lập chỉ mục tìm kiếm (40%)"
    assert started == [store.path]
    last = store.scalar("SELECT tax_code FROM organizations WHERE tax_code IS NOT NULL ORDER BY id DESC LIMIT 1")
    page.search.setText(last)  # a row not indexed yet is found
    page.requery()
    assert page.model.rowCount() == 1
    search_index.build_pending(store)
    qtbot.waitUntil(lambda: not page.index_label.isVisible(), timeout=3000)


def test_import_orgs_command_builds_the_index_before_it_answers(run_cli, tmp_path):
    import json

    workbook = mf.write_big_xlsx(tmp_path / "lon.xlsx", 2500)  # over writer.BULK_MIN: bulk mode
    db = tmp_path / "so.sqlite"
    done = run_cli("import-orgs", "--db", db, "--group", "1", workbook)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert list(counts) == ["read", "inserted", "updated", "unchanged", "duplicates", "rejected", "warnings"]
    assert counts["inserted"] > 2000
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM org_index_pending").fetchone()[0] == 0
        tax = conn.execute("SELECT tax_code FROM organizations ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM org_tax_fts WHERE org_tax_fts MATCH ?",
                            (f'"{tax}"',)).fetchone()[0] == 1
        assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")} >= {
            "organizations_fts_insert", "registry_counts_insert", "organizations_change_seq_insert",
            "org_sources_insert"}
    finally:
        conn.close()
