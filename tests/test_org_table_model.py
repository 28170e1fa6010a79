"""The lazy organizations table model: row count without loading rows, block fetches, bounded cache."""

from __future__ import annotations

from PySide6.QtCore import Qt

from models.registry import organizations
from models.registry import search as registry_search
from tests.factories.registry import make_orgs, setup_unit
from ui.tables import org_table_model
from ui.tables.org_table_model import COLUMNS, OrgTableModel


def _bulk(store, count):
    """Many rows quickly (raw inserts in a deferred-index block)."""
    setup_unit(store)
    rows = [(i, f"u{i}", 4, f"Chùa Số {i}", "30742", f"chua so {i}", f"chua so {i}", f"091{i:09d}", "x", "x", "x",
             "x") for i in range(1, count + 1)]
    with store.atomic(), registry_search.deferred_index(store):
        store.conn.executemany(
            "INSERT INTO organizations(id, uuid, grp, name, area_code, search_text, name_key, rep_id_number,"
            " first_seen, last_seen, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def test_rowcount_without_loading_rows(fresh_store, qtbot, monkeypatch):
    _bulk(fresh_store, 5000)
    model = OrgTableModel(fresh_store)
    model.set_result(registry_search.search_ids(fresh_store, ""))
    assert model.rowCount() == 5000 and model.columnCount() == len(COLUMNS)
    assert model.fetches == 0 and model.cached_blocks() == 0
    name_col = [k for k, *_ in COLUMNS].index("name")
    assert model.data(model.index(0, name_col)) == "Chùa Số 1"
    assert model.fetches == 1
    model.data(model.index(1, name_col))
    model.data(model.index(org_table_model.BLOCK - 1, name_col))
    assert model.fetches == 1  # same block
    model.data(model.index(4999, name_col))
    assert model.fetches == 2


def test_cache_is_bounded(fresh_store, qtbot, monkeypatch):
    monkeypatch.setattr(org_table_model, "BLOCK", 10)
    monkeypatch.setattr(org_table_model, "MAX_BLOCKS", 3)
    _bulk(fresh_store, 200)
    model = OrgTableModel(fresh_store)
    model.set_result(registry_search.search_ids(fresh_store, ""))
    for row in range(0, 200, 10):
        assert model.data(model.index(row, 1))
    assert model.cached_blocks() == 3 and model.fetches == 20
    model.data(model.index(199, 1))  # most recent block still cached
    assert model.fetches == 20
    model.data(model.index(0, 1))  # evicted long ago
    assert model.fetches == 21


def test_display_masks_id_numbers_and_translates(fresh_store, qtbot):
    setup_unit(fresh_store)
    ids = make_orgs(fresh_store, 5, seed=2)
    model = OrgTableModel(fresh_store)
    model.set_result(registry_search.search_ids(fresh_store, "", sort="id"))
    keys = [k for k, *_ in COLUMNS]
    record = organizations.load(fresh_store, ids[0])
    masked = model.data(model.index(0, keys.index("rep_id_number")))
    assert masked == record["rep_id_number"][:3] + "******" + record["rep_id_number"][-3:]
    assert model.data(model.index(0, keys.index("grp"))) == "Doanh nghiệp"
    assert model.data(model.index(0, keys.index("area"))) == "Phường Rạch Giá"
    assert model.data(model.index(0, keys.index("status"))) == "Tạm ngừng kinh doanh"
    assert model.data(model.index(0, 0), org_table_model.ID_ROLE) == ids[0]
    assert model.headerData(1, Qt.Horizontal) == "Tên tổ chức"


def test_refresh_ids_updates_only_that_row(fresh_store, qtbot):
    setup_unit(fresh_store)
    ids = make_orgs(fresh_store, 5, seed=2)
    model = OrgTableModel(fresh_store)
    model.set_result(registry_search.search_ids(fresh_store, "", sort="id"))
    assert model.data(model.index(2, 1)) != "Công ty Mới"
    organizations.update(fresh_store, ids[2], {"name": "Công ty Mới"})
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.refresh_ids([ids[2]])
    assert blocker.args[0].row() == 2 and blocker.args[1].row() == 2
    assert model.data(model.index(2, 1)) == "Công ty Mới"


def test_extend_appends_rows_or_resets_when_the_prefix_changed(fresh_store, qtbot):
    _bulk(fresh_store, 50)
    model = OrgTableModel(fresh_store)
    model.set_result(registry_search.search_ids(fresh_store, "", first=20))
    assert model.rowCount() == 20
    full = registry_search.search_ids(fresh_store, "")
    assert full.complete and len(full) == 50
    with qtbot.waitSignal(model.rowsInserted) as blocker:
        assert model.extend(full) is True
    assert blocker.args[1:] == [20, 49] and model.rowCount() == 50
    model.set_result(registry_search.search_ids(fresh_store, "", first=20))
    reordered = registry_search.search_ids(fresh_store, "", sort="id", descending=True)
    with qtbot.waitSignal(model.modelReset):
        assert model.extend(reordered) is False
    assert list(model.ids) == list(reordered.ids)
