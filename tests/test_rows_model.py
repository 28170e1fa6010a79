"""RowsModel: the read-only table model that replaced QTableWidgets filled cell by cell."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from ui.tables.rows_model import RowsModel, rows_view, selected_row


@pytest.fixture
def view(qtbot):
    model = RowsModel(["Tên", "Số"], right={1})
    widget = rows_view("table", model)
    qtbot.addWidget(widget)
    model.set_rows([[f"Tên {i}", str(i)] for i in range(5)], keys=[f"k{i}" for i in range(5)])
    return widget


def _select(view, row):
    view.selectionModel().setCurrentIndex(view.model().index(row, 0),
                                          QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)


@pytest.mark.parametrize("new_count, expected", [(5, 2), (7, 2), (3, 2), (2, 1), (0, None)])
def test_a_reload_keeps_the_selected_row_like_the_old_table_widgets(view, new_count, expected):
    _select(view, 2)
    view.model().set_rows([[f"Mới {i}", str(i)] for i in range(new_count)])
    assert selected_row(view) == expected
    assert view.model().rowCount() == new_count
    if new_count:
        assert view.model().data(view.model().index(new_count - 1, 0)) == f"Mới {new_count - 1}"


def test_keys_alignment_and_row_numbers(view):
    model = view.model()
    assert model.row_of("k3") == 3 and model.row_of("nope") is None
    assert model.data(model.index(0, 1), Qt.TextAlignmentRole) is not None
    assert model.data(model.index(0, 0), Qt.TextAlignmentRole) is None
    assert model.headerData(0, Qt.Horizontal) == "Tên" and model.headerData(4, Qt.Vertical) == "5"
    assert view.verticalHeader().isHidden()
