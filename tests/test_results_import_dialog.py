"""The Hồ sơ page's "Nhập kết quả…": a leader previews a national result list, then imports it in the
background; an intake officer does not see the action."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from models.dossiers import national_results as nr
from tests.factories.national_results import ROWS, national_desk, write_results
from ui.context import AppContext
from ui.dialogs.results_import_dialog import KIND_CHANGE, KIND_ERROR, KIND_UNKNOWN, ResultsImportDialog
from ui.pages.dossiers import DossiersPage


def _close_boxes():
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            w.done(0)


@pytest.fixture
def env(fresh_store):
    return national_desk(fresh_store)


@pytest.fixture
def ctx(env, qtbot):
    context = AppContext.create(env["store"])
    yield context
    _close_boxes()
    context.changes.detach()


def test_leader_previews_then_imports_from_the_dossiers_page(env, ctx, qtbot, tmp_path, monkeypatch):
    store = env["store"]
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    assert page.import_results_button.isVisible()
    path = write_results(tmp_path / "ket_qua.xlsx", ROWS)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = page.open_results_import()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ResultsImportDialog)
    qtbot.mouseClick(dialog.browse_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
    text = dialog.counts_label.text()
    assert "Đọc 8 dòng" in text and "Sẽ cập nhật 4" in text and "không có trong sổ tổ chức 1" in text
    kinds = [dialog.model.text(r, 1) for r in range(dialog.model.rowCount())]
    assert kinds.count(KIND_CHANGE) == 4 and kinds.count(KIND_UNKNOWN) == 1 and kinds.count(KIND_ERROR) == 3
    contents = [dialog.model.text(r, 2) for r in range(dialog.model.rowCount())]
    assert any("«Đã tiếp nhận» → «Đã kích hoạt»" in c for c in contents)
    # the preview wrote nothing
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (env["d_open"],)) == "received"
    assert store.scalar("SELECT count(*) FROM org_accounts") == 0
    dialog.grab().save(str(tmp_path / "results_preview.png"))
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    _close_boxes()
    assert "Đã cập nhật 4" in dialog.counts_label.text()
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (env["d_open"],)) == "activated"
    events = store.query("SELECT reason FROM dossier_events WHERE dossier_id = ? ORDER BY id", (env["d_open"],))
    assert events[-1]["reason"] == nr.NATIONAL_REASON
    # a second preview of the same list: nothing left to import
    qtbot.mouseClick(dialog.preview_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.updated == 0, timeout=20000)
    assert not dialog.import_button.isEnabled() and "Không có gì để nhập" in dialog.counts_label.text()


def test_an_unreadable_file_is_said_and_nothing_changes(env, ctx, qtbot, tmp_path):
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    dialog = ResultsImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    shown = []
    import ui.dialogs.results_import_dialog as module

    original = module.show_error
    module.show_error = lambda parent, exc, *a, **k: shown.append(str(exc))
    try:
        dialog.choose_file(bad)
        qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    finally:
        module.show_error = original
    assert "hong.xlsx" in shown[0] and not dialog.import_button.isEnabled()


def test_intake_officers_do_not_see_the_action(env, qtbot):
    store = env["store"]
    store.actor = env["officers"]["canbo1"]
    context = AppContext.create(store)
    page = DossiersPage(context)
    qtbot.addWidget(page)
    page.show()
    try:
        assert not page.import_results_button.isVisible()
    finally:
        context.changes.detach()
