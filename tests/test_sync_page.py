"""The Đồng bộ page driven like an officer would: export with/without password, acknowledge, drop files
onto the merge list, read the per-file results and the units that have not sent their file."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from models.core.store import Store
from models.sync.keys import ensure_key, own_key
from models.sync.merge import declare_unit
from services.sync import export_workbook
from tests.factories.sync import make_data, make_province, make_unit, trust
from ui.context import AppContext
from ui.pages.sync import SyncPage


@pytest.fixture
def unit_ctx(tmp_path, clock, qtbot):
    store = Store(tmp_path / "unit.sqlite", clock=clock)
    make_data(store, make_unit(store), 60, seed=3)
    ctx = AppContext.create(store)
    yield ctx
    ctx.changes.detach()
    QApplication.processEvents()  # deliver queued change signals while the store is still open
    store.close()


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _close_boxes() -> None:
    for box in _boxes():
        box.done(0)


def _run(qtbot, op) -> None:
    assert op is not None
    qtbot.waitUntil(lambda: not op.is_running() and (op.result is not None or op.error is not None), timeout=60000)


def test_export_screen_password_warning_and_acknowledgement(unit_ctx, qtbot, tmp_path):
    page = SyncPage(unit_ctx)
    qtbot.addWidget(page)
    page.show()
    panel = page.export_panel
    assert page.tabs.currentWidget() is panel
    panel.folder.setText(str(tmp_path / "gui"))

    qtbot.keyClicks(panel.password, "mat-khau-1")
    qtbot.keyClicks(panel.password2, "mat-khau-2")
    assert "chưa khớp" in panel.password_hint.text()
    assert panel.start_export() is None
    assert any("không khớp" in b.text() for b in _boxes())
    _close_boxes()

    panel.password2.clear()
    qtbot.keyClicks(panel.password2, "mat-khau-1")
    op = panel.start_export()
    _run(qtbot, op)
    assert op.error is None, op.error
    result = op.result
    assert result.protected and Path(result.path).exists()
    assert result.path in panel.result_label.text() and "60 hồ sơ" in panel.result_label.text()
    assert not panel.warning_label.isVisible()
    assert panel.open_folder_button.isEnabled()

    qtbot.mouseClick(panel.full, Qt.LeftButton)
    assert panel.start_export() is None  # no password: refused unless the opt-out is ticked
    assert "Hãy đặt mật khẩu" in panel.password_hint.text()
    panel.unencrypted.setChecked(True)
    assert "ghi" in panel.password_hint.text() and "KHÔNG" in panel.password_hint.text()
    op = panel.start_export()
    _run(qtbot, op)
    assert not op.result.protected and not panel.unencrypted.isChecked()
    assert panel.warning_label.isVisible() and "KHÔNG được đặt mật khẩu" in panel.warning_label.text()
    history = panel.history_model
    assert history.rowCount() == 2
    assert history.text(0, 5) == "KHÔNG" and history.text(1, 5) == "Có"

    panel.history.selectRow(1)  # export no. 1
    qtbot.mouseClick(panel.ack_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: history.text(1, 6) != "Chưa")  # refreshed by the change notification
    assert "từ tệp số 1" in panel.incremental.text()


def test_merge_screen_drop_files_results_and_units(tmp_path, clock, qtbot):
    files = []
    for i in range(2):
        store = Store(tmp_path / f"u{i}.sqlite", clock=clock)
        make_data(store, make_unit(store, f"CAX-0{i}", f"Công an xã Hòa Thuận {i}", area_prefix=str(i)), 20, seed=i)
        files.append(Path(export_workbook(store, tmp_path / f"u{i}.xlsx", full=True, unencrypted=True).path))
        store.close()
    book = openpyxl.load_workbook(files[1])
    book["HoSo"]["F2"] = "Tên bị sửa"
    bad = tmp_path / "u1-sua.xlsx"
    book.save(bad)

    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    make_province(province)
    trust(province, tmp_path / "u0.sqlite", tmp_path / "u1.sqlite")
    declare_unit(province, "CAX-99", "Công an xã Chưa Gửi")
    ctx = AppContext.create(province)
    try:
        page = SyncPage(ctx)
        qtbot.addWidget(page)
        page.show()
        panel = page.merge_panel
        assert page.tabs.currentWidget() is panel
        panel.week_end.setDate(panel.week_end.date().fromString("08/01/2025", "dd/MM/yyyy"))

        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(files[0])), QUrl.fromLocalFile(str(bad))])
        event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
        panel.drop_list.dropEvent(event)
        assert [panel.drop_list.item(i).text() for i in range(panel.drop_list.count())] == ["u0.xlsx", "u1-sua.xlsx"]

        op = panel.start_merge()
        _run(qtbot, op)
        table = panel.results_model
        assert table.rowCount() == 2
        assert table.text(0, 2) == "Đã tổng hợp" and table.text(0, 3) == "20"
        assert table.text(1, 2) == "Từ chối" and "đã bị sửa" in table.text(1, 6)
        refused = table.index(1, 0)
        assert "đã bị sửa" in table.data(refused, Qt.ToolTipRole)
        assert table.data(refused, Qt.ForegroundRole).color().name() == "#b00020"  # refused files in red
        assert table.data(table.index(0, 0), Qt.ForegroundRole) is None
        assert panel.drop_list.count() == 1  # the refused file stays in the list to be dealt with

        units = {panel.units_model.text(r, 0): panel.units_model.text(r, 2)
                 for r in range(panel.units_model.rowCount())}
        # a registered unit is expected, like a declared one
        assert units == {"CAX-00": "đúng hạn", "CAX-01": "chưa gửi tệp", "CAX-99": "chưa gửi tệp"}
        assert "1/3 đơn vị đã gửi" in panel.week_label.text()
        citizens = {panel.units_model.text(r, 0): panel.units_model.text(r, 6)
                    for r in range(panel.units_model.rowCount())}
        assert citizens == {"CAX-00": "không", "CAX-01": "", "CAX-99": ""}  # no citizens' campaign in its file
    finally:
        ctx.changes.detach()
        QApplication.processEvents()
        province.close()


def test_empty_history_says_what_to_do_and_the_week_just_ended_comes_first(unit_ctx, qtbot, tmp_path, clock):
    clock.set(2025, 1, 9, 16, 0)  # Thursday after the 14:00 deadline: the week 02/01–08/01 has ended
    page = SyncPage(unit_ctx)
    qtbot.addWidget(page)
    page.show()
    panel = page.export_panel
    assert panel.history_model.rowCount() == 0
    assert panel.history_empty.isVisible() and "Chưa xuất tệp nào" in panel.history_empty.text()
    assert not panel.ack_button.isEnabled()
    assert panel.week_end.date().toString("dd/MM/yyyy") == "08/01/2025"
    assert "ToChuc" not in panel.password_hint.text()

    panel.folder.setText(str(tmp_path / "gui"))
    panel.unencrypted.setChecked(True)
    op = panel.start_export()
    _run(qtbot, op)
    assert op.error is None, op.error
    qtbot.waitUntil(lambda: panel.history_model.rowCount() == 1)  # the result arrives through a queued signal
    _close_boxes()
    assert not panel.history_empty.isVisible() and panel.ack_button.isEnabled()
    assert panel.history_model.text(0, 2) == "08/01/2025"
    # that week's file exists: the form now offers the running week
    panel.reset_form()
    assert panel.week_end.date().toString("dd/MM/yyyy") == "15/01/2025"


def test_export_screen_shows_the_desk_key_fingerprint(unit_ctx, qtbot):
    assert own_key(unit_ctx.store) is None  # an older database: no key before its first export
    page = SyncPage(unit_ctx)
    qtbot.addWidget(page)
    label = page.export_panel.key_label
    assert "chưa có khoá" in label.text()
    key = ensure_key(unit_ctx.store)
    page.export_panel.refresh()
    assert key.fingerprint in label.text() and "sync-key --export" in label.text()
