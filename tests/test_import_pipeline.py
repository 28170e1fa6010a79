"""Converting in batches while a forked writer process writes (models/registry/importing/pipeline.py)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from models.core.errors import Cancelled, UserError
from models.core.store import Store
from models.registry.importing import analyse_file
from models.registry.importing.analysis import convert_batches, new_analysis
from models.registry.importing.pipeline import run_overlapped
from models.registry.importing.values import AreaMatcher
from tests.factories import messy_files as mf

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store(fresh_store):
    mf.add_areas(fresh_store)
    return fresh_store


def _areas(store):
    return store.query("SELECT code, name, name_fold, province_code FROM areas")


def _batched(store, path, group, size):
    analysis = new_analysis(path, group)
    batches = list(convert_batches(analysis, AreaMatcher(_areas(store)), store.today(), None, size))
    return analysis, batches


def _issues(analysis):
    return [i.as_dict() for i in analysis.issues]


def _corpus(tmp_path) -> list[tuple[Path, int]]:
    files = []
    for n, layout in enumerate([mf.Layout(repeat=[0, 4, 4, 9], footer=True, blank_every=5),
                                mf.Layout(numeric_tax=True, dates="serial", repeat=[2, 2, 11]),
                                mf.Layout(nfd=True, stray_spaces=True, two_row_header=True, column_numbers=True),
                                mf.Layout(hyphenless=True, blank_every=3, title_rows=False, repeat=[13])]):
        built = mf.build(mf.make_orgs(23, seed=n + 3, branches=0.3), layout, seed=n)
        files.append((mf.write_xlsx(built, tmp_path / f"ds{n}.xlsx"), 1))
        files.append((mf.write_csv(built, tmp_path / f"ds{n}.csv", encoding="cp1258"), 1))
    codes = [line.strip() for line in (FIXTURES / "real_tax_codes.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    grid = [["Tên doanh nghiệp", "Mã số thuế", "Ngày thành lập"]] + [
        [f"Đơn vị {n % 40}" if n % 7 else "", code, "31/02/2020" if n % 11 == 0 else "05/01/2020"]
        for n, code in enumerate(codes + ["0100233489", "01002334880", "", "0312687878-000"])]
    files.append((mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "stdnum.csv"), 3))
    files.append((mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "stdnum4.csv"), 4))
    return files


@pytest.mark.parametrize("size", [1, 3, 10_000])
def test_batches_are_exactly_the_analysis(store, tmp_path, size):
    """The same records, issues and counts as ``analyse``; each record once; repeats held to the end."""
    for path, group in _corpus(tmp_path):
        reference = analyse_file(store, path, group)
        analysis, batches = _batched(store, path, group, size)
        assert _issues(analysis) == _issues(reference), path.name
        assert (analysis.read, analysis.duplicates, analysis.rejected) == \
            (reference.read, reference.duplicates, reference.rejected)
        handed = [r for batch in batches for r in batch]
        assert sorted((r.row, r.rows, sorted(r.values.items())) for r in handed) == \
            sorted((r.row, r.rows, sorted(r.values.items())) for r in reference.records), path.name
        assert len({id(r) for r in handed}) == len(handed)
        merged = {r.values.get("tax_code") for r in reference.records if len(r.rows) > 1}
        for batch in batches[:-1]:  # a record that absorbs later rows only comes in the last batch
            assert not [r for r in batch if r.values.get("tax_code") in merged or not r.values.get("tax_code")]
        if size == 1 and group != 4:
            assert len(batches) > 3, path.name  # the rows really went out in several batches


# ---- the writer process ----------------------------------------------------------------------------
def _open(db):
    def open_store():
        return Store(db, migrate=False)
    return open_store


def _setup(db) -> None:
    store = Store(db, migrate=False)
    store.execute("CREATE TABLE t (n INTEGER, pid INTEGER)")
    store.close()


def _consume(store, batch):
    store.conn.executemany("INSERT INTO t VALUES (?, ?)", [(n, os.getpid()) for n in batch])


def _finish(store, summary):
    return {"rows": store.query_one("SELECT count(*) AS c FROM t")["c"], "summary": summary}


def _rows(db):
    store = Store(db, migrate=False)
    try:
        return store.query("SELECT n, pid FROM t ORDER BY rowid")
    finally:
        store.close()


def test_batches_are_written_in_order_by_another_process_in_one_transaction(tmp_path):
    db = tmp_path / "p.sqlite"
    _setup(db)
    result = run_overlapped(([k * 10 + i for i in range(10)] for k in range(7)), _open(db), _consume, _finish,
                            lambda: "done")
    assert result == {"rows": 70, "summary": "done"}
    rows = _rows(db)
    assert [r["n"] for r in rows] == list(range(70))
    assert {r["pid"] for r in rows} != {os.getpid()}


def test_writer_error_rolls_everything_back(tmp_path):
    db = tmp_path / "p.sqlite"
    _setup(db)

    def consume(store, batch):
        if batch[0] >= 30:
            raise UserError("Dòng 31: lỗi thử")
        _consume(store, batch)

    with pytest.raises(UserError, match="Dòng 31"):
        run_overlapped(([k * 10 + i for i in range(10)] for k in range(20)), _open(db), consume, _finish, lambda: 0)
    assert _rows(db) == []

    def finish(store, summary):
        raise ValueError("strict: rejected rows")

    with pytest.raises(RuntimeError, match="strict"):
        run_overlapped(([k] for k in range(5)), _open(db), _consume, finish, lambda: 0)
    assert _rows(db) == []


def test_cancel_while_converting_leaves_the_database_as_before(tmp_path):
    db = tmp_path / "p.sqlite"
    _setup(db)

    def batches():
        for k in range(50):
            if k == 4:
                raise Cancelled()
            yield [k]

    with pytest.raises(Cancelled):
        run_overlapped(batches(), _open(db), _consume, _finish, lambda: 0)
    assert _rows(db) == []
    store = Store(db, migrate=False)  # the write lock was released: another write goes through at once
    store.execute("INSERT INTO t VALUES (1, 1)")
    store.close()


def test_a_killed_writer_leaves_nothing_and_is_reported(tmp_path):
    db = tmp_path / "p.sqlite"
    _setup(db)

    def consume(store, batch):
        _consume(store, batch)
        if batch[0] == 3:
            os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(RuntimeError, match="dừng đột ngột"):
        run_overlapped(([k] for k in range(1000)), _open(db), consume, _finish, lambda: 0)
    assert _rows(db) == []
