"""The GUI import flow, driven like an officer would: pick a file, (map columns), check, import."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

import services.imports as imports_service
from tests.factories import messy_files as mf
from ui.context import AppContext
from ui.dialogs.import_dialog import PAGE_DONE, PAGE_MAPPING, PAGE_REVIEW, ImportDialog


@pytest.fixture
def ctx(fresh_store, qtbot):
    mf.add_areas(fresh_store)
    context = AppContext.create(fresh_store)
    yield context
    context.changes.detach()


@pytest.fixture
def dialog(ctx, qtbot):
    dlg = ImportDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _messy(tmp_path):
    built = mf.build(mf.make_orgs(12, seed=41), mf.Layout(two_row_header=True, repeat=[3], nfd=True))
    built.grid[min(built.rows)][2] = "0100233489"  # row of the second organization: wrong check digit
    return mf.write_xlsx(built, tmp_path / "danh-sach-dn.xlsx")


def _boxes():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _close_boxes():
    for box in _boxes():
        box.done(0)


def test_pick_check_save_errors_and_import_valid_rows(ctx, dialog, qtbot, tmp_path, monkeypatch):
    path = _messy(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog.group_combo.setCurrentIndex(dialog.group_combo.findData(1))
    qtbot.mouseClick(dialog.browse_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_REVIEW, timeout=20000)
    text = dialog.counts_label.text()
    assert "Đọc 13 dòng" in text and "Sẽ thêm mới 11" in text and "dòng lỗi bị loại 1" in text
    assert "dòng lặp lại (đã gộp) 1" in text
    assert dialog.issues_model.rowCount() == 1
    cells = [dialog.issues_model.text(0, c) for c in range(6)]
    assert cells[:4] == ["10", "C", "Mã số thuế", "0100233489"] and cells[5] == "Lỗi"
    assert ctx.store.scalar("SELECT count(*) FROM organizations") == 0  # checking writes nothing

    out = tmp_path / "loi.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(dialog.save_errors_button, Qt.LeftButton)
    assert out.exists()
    _close_boxes()

    assert dialog.import_button.text().replace("&", "") == "Nhập các dòng hợp lệ"
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_DONE, timeout=20000)
    assert "Đã thêm mới 11" in dialog.done_label.text()
    assert ctx.store.scalar("SELECT count(*) FROM organizations") == 11


def test_import_nothing(ctx, dialog, qtbot, tmp_path):
    dialog.choose_file(_messy(tmp_path))
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_REVIEW, timeout=20000)
    qtbot.mouseClick(dialog.nothing_button, Qt.LeftButton)
    assert not dialog.isVisible()
    assert ctx.store.scalar("SELECT count(*) FROM organizations") == 0
    assert ctx.store.scalar("SELECT count(*) FROM imports") == 0


def _unsure_csv(tmp_path, name):
    grid = [["Tên đơn vị", "Mã", "Số máy", "Ghi chép"], ["Công ty TNHH Ánh Dương", "0100233488", "0912345678", "x"],
            ["HTX Nông nghiệp Đức Hòa", "0312687878-001", "", "y"]]
    return mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / name)


def test_unsure_columns_show_mapping_with_preview_and_mapping_is_saved(ctx, qtbot, tmp_path):
    dlg = ImportDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.choose_file(_unsure_csv(tmp_path, "a.csv"))
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == PAGE_MAPPING, timeout=20000)
    assert "Không nhận ra cột «Mã»" in dlg.unsure_label.text()
    assert dlg.preview_model.rowCount() == 2
    assert dlg.preview_model.text(0, 0) == "Công ty TNHH Ánh Dương"
    assert dlg.preview_model.headerData(0, Qt.Horizontal, Qt.DisplayRole) == "A: Tên đơn vị"
    assert "0100233488" in dlg.mapping_model.text(1, 2)
    column_d = dlg.mapping_model.index(1, 3)
    assert dlg.mapping_table.indexWidget(dlg.mapping_model.index(0, 3)).currentData() == "name"  # recognised
    combo = dlg.mapping_table.indexWidget(column_d)
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("tax_code"))
    dlg.set_field(2, "rep_phone")
    assert dlg.save_mapping_check.isChecked()
    qtbot.mouseClick(dlg.check_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == PAGE_REVIEW, timeout=20000)
    assert "Sẽ thêm mới 2" in dlg.counts_label.text()
    qtbot.mouseClick(dlg.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.stack.currentIndex() == PAGE_DONE, timeout=20000)
    assert ctx.store.scalar("SELECT rep_phone FROM organizations WHERE tax_code = '0100233488'") == "0912345678"

    # Next time, a file with the same header goes straight to checking with the saved mapping.
    again = ImportDialog(ctx)
    qtbot.addWidget(again)
    again.show()
    again.choose_file(_unsure_csv(tmp_path, "b.csv"))
    qtbot.waitUntil(lambda: again.stack.currentIndex() == PAGE_REVIEW, timeout=20000)
    assert "không đổi 2" in again.counts_label.text()


def test_cancel_during_import_leaves_the_registry_as_before(ctx, dialog, qtbot, tmp_path, monkeypatch):
    dialog.choose_file(_messy(tmp_path))
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_REVIEW, timeout=20000)
    real = imports_service.apply_analysis

    def slow_apply(store, analysis, progress=None, **kwargs):
        deadline = time.monotonic() + 10
        while not progress.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)  # the officer presses Cancel while the import runs
        return real(store, analysis, progress=progress, **kwargs)

    monkeypatch.setattr(imports_service, "apply_analysis", slow_apply)
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    op = dialog.op
    with qtbot.waitSignal(op.finished, timeout=20000):
        op.cancel()
    assert op.was_cancelled
    assert ctx.store.scalar("SELECT count(*) FROM organizations") == 0
    assert ctx.store.scalar("SELECT count(*) FROM imports") == 0
    assert dialog.stack.currentIndex() == PAGE_REVIEW and dialog.import_button.isEnabled()
    assert any("giữ nguyên" in box.text() for box in _boxes())
    _close_boxes()


def test_unreadable_file_shows_the_reason(dialog, qtbot, tmp_path):
    path = tmp_path / "xuat-tu-web.xls"
    path.write_text("<html><table><tr><td>Tên</td></tr></table></html>")
    dialog.choose_file(path)
    qtbot.waitUntil(lambda: any("xuat-tu-web.xls" in b.text() for b in _boxes()), timeout=20000)
    assert dialog.next_button.isEnabled()
    _close_boxes()


def test_error_workbook_that_cannot_be_written_names_the_file_and_leaves_nothing(ctx, dialog, qtbot, tmp_path):
    dialog.choose_file(_messy(tmp_path))
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_REVIEW, timeout=20000)
    blocker = tmp_path / "khong-phai-thu-muc"
    blocker.write_text("x")  # a file where the folder should be: the workbook cannot be written there
    target = blocker / "loi.xlsx"
    assert dialog.save_errors_to(target) is None
    messages = [b.text() for b in _boxes()]
    assert any("Không ghi được tệp «" in m and "loi.xlsx" in m for m in messages), messages
    assert not any("Traceback" in m for m in messages)
    assert not target.exists() and list(tmp_path.glob("**/loi.xlsx*")) == []
    _close_boxes()
