"""The "Chưa đăng ký" worklist in the GUI (issue 13): the registry's state column and filter, the
organization ↔ dossier links, the worklist dialog with its Excel and PDF, the dashboard's remaining list."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from demo import DEMO_TODAY, build_demo
from models.core.store import Store
from models.registry import pending
from models.text.vn_format import thousands
from tests.conftest import FixedClock
from ui.context import AppContext
from ui.tables.org_table_model import COLUMNS

STATE = [k for k, *_ in COLUMNS].index("campaign")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pending-ui") / "demo.sqlite"
    build_demo(path, organizations=500, dossiers=400, reports=False)
    return path


@pytest.fixture
def window(demo_file, tmp_path, qtbot):
    from ui.shell.main_window import MainWindow

    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file, path)
    store = Store(path, clock=FixedClock(DEMO_TODAY))
    ctx = AppContext.create(store)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1366, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            w.done(0)
        elif w is not win and w.isVisible() and w.objectName() in ("pendingDialog", "dossierView"):
            w.close()
    ctx.changes.detach()
    QApplication.processEvents()
    store.close()


def _busiest_area(store) -> str:
    return store.scalar(
        "SELECT o.area_code FROM dossiers d JOIN organizations o ON o.id = d.org_id WHERE d.issued_on IS NOT NULL"
        " GROUP BY o.area_code ORDER BY COUNT(*) DESC LIMIT 1")


def test_state_column_and_filter(window, qtbot):
    page = window.pages["registry"]
    store = page.ctx.store
    model = page.model
    shown = {model.data(model.index(r, STATE)) for r in range(min(model.rowCount(), 400))}
    assert {pending.STATES["none"], pending.STATES["issued"]} <= shown
    page.state_filter.setCurrentIndex(page.state_filter.findData(pending.PENDING))
    expected = pending.pending_rows(store)
    qtbot.waitUntil(lambda: page.count_label.text() == f"{thousands(len(expected))} tổ chức", timeout=5000)
    assert {model.org_id(r) for r in range(model.rowCount())} == {r["id"] for r in expected}
    assert all(model.data(model.index(r, STATE)) in (pending.STATES["none"], pending.STATES["open"])
               for r in range(model.rowCount()))


def test_esc_clears_the_search(window, qtbot):
    page = window.pages["registry"]
    window.show_page("registry")
    page.search.setFocus()
    qtbot.keyClicks(page.search, "cong ty")
    qtbot.keyClick(page.search, Qt.Key_Escape)
    assert page.search.text() == ""


def test_worklist_dialog_exports_and_shows_the_organization(window, qtbot, tmp_path):
    page = window.pages["registry"]
    store = page.ctx.store
    area = _busiest_area(store)
    page.area.setCurrentIndex(page.area.findData(area))
    dialog = page.open_pending()
    qtbot.waitExposed(dialog)
    expected = pending.pending_rows(store, pending.PendingQuery(area_code=area))
    assert dialog.model.keys == [r["id"] for r in expected] and expected
    assert dialog.count_label.text().startswith(f"<b>{thousands(len(expected))}</b> tổ chức chưa đăng ký")
    # a group narrows it
    dialog.group.setCurrentIndex(dialog.group.findData(1))
    assert dialog.model.keys == [r["id"] for r in expected if r["grp"] == 1]
    dialog.group.setCurrentIndex(0)

    for suffix in (".xlsx", ".pdf"):
        target = tmp_path / f"list{suffix}"
        op = dialog.export_to(target)
        qtbot.waitUntil(lambda op=op: not op.is_running(), timeout=30000)
        assert op.error is None and target.exists()
    assert (tmp_path / "list.pdf").read_bytes().startswith(b"%PDF")
    sheet = openpyxl.load_workbook(tmp_path / "list.xlsx").active
    names = [sheet.cell(row=r, column=3).value for r in range(5, 5 + len(expected))]
    assert names == [r["name"] for r in expected]
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'pending.export'") == 2

    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(2, 2))
    qtbot.keyClick(dialog.table, Qt.Key_Return)
    assert window.stack.currentWidget() is page
    assert page.detail.shown_id() == expected[2]["id"]


def test_organization_and_dossier_link_both_ways(window, qtbot):
    page = window.pages["registry"]
    store = page.ctx.store
    org_id, count = store.query_one(
        "SELECT org_id, COUNT(*) AS n FROM dossiers WHERE org_id IS NOT NULL GROUP BY org_id ORDER BY n DESC, org_id"
        " LIMIT 1").values()
    window.show_page("registry")
    page.show_organization(org_id)
    detail = page.detail
    assert detail.shown_id() == org_id
    assert detail.dossiers_model.rowCount() == count
    state = pending.org_states(store, [org_id])[org_id]
    assert pending.STATES[state] in detail.state_label.text()
    detail.dossiers.activated.emit(detail.dossiers_model.index(0, 0))
    view = window.pages["dossiers"].views.get(detail.dossiers_model.keys[0])
    assert view is not None and view.isVisible()
    assert view.org_link.isVisible()
    page.show_organization(next(i for i in page.model.ids if i != org_id))   # look elsewhere first
    view.org_link.linkActivated.emit("org")
    assert window.stack.currentWidget() is page and detail.shown_id() == org_id
    view.close()


def test_dashboard_offers_the_remaining_list_of_a_commune(window, qtbot):
    progress = window.show_page("progress")
    qtbot.waitUntil(lambda: progress.progress is not None, timeout=30000)
    store = progress.ctx.store
    rows = progress.progress.by_area
    row = next(i for i, r in enumerate(rows) if r.figures.remaining)
    progress.area_table.setCurrentIndex(progress.area_table.model().index(row, 1))
    dialog = progress.open_pending()
    groups = progress._area_groups()
    expected = pending.pending_rows(store, pending.PendingQuery(area_code=rows[row].key, groups=groups))
    assert dialog.model.keys == [r["id"] for r in expected] and expected
    assert dialog.area.currentData() == rows[row].key
    assert {r["grp"] for r in expected} <= set(groups)


def test_enter_on_a_communes_remaining_opens_its_worklist(window, qtbot):
    from PySide6.QtWidgets import QApplication as App

    from ui.pages.progress import REMAINING_COLUMN

    progress = window.show_page("progress")
    qtbot.waitUntil(lambda: progress.progress is not None, timeout=30000)
    rows = progress.progress.by_area
    row = next(i for i, r in enumerate(rows) if r.figures.remaining)
    table = progress.area_table
    table.setFocus()
    table.setCurrentIndex(table.model().index(row, REMAINING_COLUMN))
    qtbot.keyClick(table, Qt.Key_Return)
    dialogs = [w for w in App.topLevelWidgets() if w.objectName() == "pendingDialog" and w.isVisible()]
    assert dialogs and dialogs[-1].area.currentData() == rows[row].key
    assert window.stack.currentWidget() is progress   # the counted dossiers did not open instead
