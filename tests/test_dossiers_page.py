"""The dossiers page: worklist counts, the lazy table, search and filters, opening a dossier by Enter,
double-click or a scanned receipt number, and refreshing when dossiers change."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from models.dossiers import locality_requests
from models.dossiers import records as dossier_model
from models.dossiers import status as dossier_status
from tests.factories.dossier_screens import add_officer, make_organizations, make_unit, store_as
from ui.context import AppContext
from ui.pages.dossiers import DossiersPage


def _log(store, org, channel="Trực tiếp tại đơn vị") -> int:
    return dossier_model.create(store, declared=dossier_model.prefill(store, org["id"]), channel=channel,
                                org_id=org["id"])


@pytest.fixture
def desk(fresh_store, clock, qtbot):
    """Eleven dossiers: 4 from three weeks ago (1 issued, 1 refused, 2 still open → overdue), 1 waiting
    for another locality, 2 by another officer today, 4 of mine today."""
    store = fresh_store
    make_unit(store)
    organizations = make_organizations(store, 14)
    clock.set(2024, 12, 16, 8, 15)
    old = [_log(store, organizations[i]) for i in range(4)]
    dossier_status.move(store, old[0], "verifying")
    for target in ("verified", "issued"):
        dossier_status.move(store, old[0], target)
    dossier_status.move(store, old[1], "refused", reason="Không đủ giấy tờ")
    clock.set(2025, 1, 8, 14, 0)
    waiting = _log(store, organizations[4], channel="Tổ lưu động")
    dossier_status.move(store, waiting, "verifying")
    locality_requests.create_request(store, waiting, to_unit="Công an xã Minh Lương", method="Công văn")
    clock.set(2025, 1, 9, 9, 30)
    other = store_as(store, add_officer(store, "ban2", "Trần Quốc Bảo", "intake"))
    try:
        for i in (5, 6):
            _log(other, organizations[i])
    finally:
        other.close()
    mine = [_log(store, organizations[i], channel="Ứng dụng VNeID" if i == 7 else "Trực tiếp tại đơn vị")
            for i in range(7, 11)]
    ctx = AppContext.create(store)
    page = DossiersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    yield ctx, page, organizations, {"old": old, "waiting": waiting, "mine": mine}
    for widget in QApplication.topLevelWidgets():
        if widget is not page and widget.isVisible():
            widget.close()
    ctx.changes.detach()


def _count(page, key) -> int:
    text = page.list_item(key).text()
    return int(text.rsplit("(", 1)[1].rstrip(")").replace(".", ""))


def test_worklist_counts(desk):
    ctx, page, organizations, ids = desk
    expected = {"today": 6, "mine": 7, "to_verify": 8, "waiting_locality": 1, "overdue": 2, "open": 9, "all": 11,
                "status:refused": 1, "status:issued": 1, "status:received": 8, "status:cancelled": 0}
    assert {k: _count(page, k) for k in expected} == expected
    # mine = open dossiers I received: 4 today, 2 old still open, the one waiting


def test_each_list_shows_its_dossiers(desk):
    ctx, page, organizations, ids = desk
    page.select_list("overdue")
    shown = {page.model.dossier_id(r) for r in range(page.model.rowCount())}
    assert shown == {ids["old"][2], ids["old"][3]}
    assert all(page.model.row_record(r)["overdue"] for r in range(page.model.rowCount()))
    assert page.model.data(page.model.index(0, 0), Qt.ForegroundRole).color().name() == "#b3261e"
    page.select_list("waiting_locality")
    assert [page.model.dossier_id(r) for r in range(page.model.rowCount())] == [ids["waiting"]]
    page.select_list("status:refused")
    assert page.model.rowCount() == 1 and page.model.row_record(0)["status_label"] == "Từ chối"
    assert page.count_label.text() == "1 hồ sơ"


def test_search_and_filters(desk, qtbot):
    ctx, page, organizations, ids = desk
    page.select_list("all")
    org = organizations[8]
    qtbot.keyClicks(page.search, org["tax_code"][:7])
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.model.row_record(0)["tax_code"] == org["tax_code"]
    page.search.clear()
    page.reload()
    assert page.model.rowCount() == 11
    page.channel_filter.setCurrentIndex(page.channel_filter.findData("Tổ lưu động"))
    assert page.model.rowCount() == 1 and _count(page, "waiting_locality") == 1 and _count(page, "today") == 0
    page.channel_filter.setCurrentIndex(0)
    page.group_filter.setCurrentIndex(page.group_filter.findData(organizations[0]["grp"]))
    assert page.model.rowCount() == sum(1 for o in organizations[:11] if o["grp"] == organizations[0]["grp"])


def test_enter_and_double_click_open_the_dossier(desk, qtbot):
    ctx, page, organizations, ids = desk
    page.select_list("today")
    page.table.setFocus()
    page.table.selectRow(1)
    wanted = page.model.dossier_id(1)
    qtbot.keyClick(page.table, Qt.Key_Return)
    view = page.views[wanted]
    assert view.isVisible() and view.dossier_id == wanted
    assert dossier_model.get(ctx.store, wanted)["number"] in view.windowTitle()
    view.close()
    qtbot.waitUntil(lambda: wanted not in page.views or not page.views[wanted].isVisible())
    rect = page.table.visualRect(page.model.index(2, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.LeftButton, pos=rect.center())
    third = page.model.dossier_id(2)
    assert third in page.views and page.views[third].isVisible()


def test_scanned_receipt_number_opens_the_dossier(desk, qtbot):
    ctx, page, organizations, ids = desk
    number = dossier_model.get(ctx.store, ids["old"][3])["number"]
    page.select_list("today")
    qtbot.keyClicks(page.search, number.lower())
    qtbot.keyClick(page.search, Qt.Key_Return)
    assert ids["old"][3] in page.views and page.views[ids["old"][3]].isVisible()


def test_page_refreshes_when_a_dossier_changes(desk, qtbot, clock):
    ctx, page, organizations, ids = desk
    page.select_list("to_verify")
    before = page.model.rowCount()
    dossier_status.move(ctx.store, ids["mine"][0], "verifying")
    dossier_status.move(ctx.store, ids["mine"][0], "needs_papers")
    qtbot.waitUntil(lambda: page.model.rowCount() == before - 1, timeout=3000)
    assert _count(page, "status:needs_papers") == 1
    _log(ctx.store, organizations[12])
    qtbot.waitUntil(lambda: _count(page, "today") == 7, timeout=3000)


def test_table_is_lazy(desk, qtbot):
    ctx, page, organizations, ids = desk
    page.select_list("all")
    assert page.model.rowCount() == 11
    # all eleven rows fit in one block: one read for everything visible
    before = page.model.fetches
    for r in range(page.model.rowCount()):
        page.model.data(page.model.index(r, 1))
    assert page.model.fetches - before <= 1


def test_page_is_in_the_main_window_and_ctrl_n_opens_intake(fresh_store, qtbot):
    from ui.pages import PAGES
    from ui.shell.main_window import MainWindow

    keys = [k for k, _, _ in PAGES]
    assert "dossiers" in keys and keys.index("dossiers") <= 1
    make_unit(fresh_store)
    ctx = AppContext.create(fresh_store)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page = window.show_page("dossiers")
    qtbot.keyClick(window, Qt.Key_N, Qt.ControlModifier)
    qtbot.waitUntil(lambda: page.intake_dialog is not None and page.intake_dialog.isVisible())
    page.intake_dialog.close()
    ctx.changes.detach()


def test_due_dates_in_the_table_are_day_month_year(desk):
    ctx, page, organizations, ids = desk
    page.select_list("waiting_locality")
    row = page.model.row_record(0)
    due = dt.date.fromisoformat(row["due_date"])
    column = 6
    assert page.model.data(page.model.index(0, column)) == due.strftime("%d/%m/%Y")
    assert page.model.data(page.model.index(0, 5)) == "08/01/2025 14:00"


def test_requests_overdue_list(desk, clock):
    ctx, page, organizations, ids = desk
    assert _count(page, "requests_overdue") == 0
    clock.advance(days=10)  # the request sent on 08/01 had 5 working days to be answered
    page.activated()  # counts follow the clock when the page is shown (and once a minute)
    assert _count(page, "requests_overdue") == 1
    page.select_list("requests_overdue")
    assert _count(page, "requests_overdue") == 1
    assert [page.model.dossier_id(r) for r in range(page.model.rowCount())] == [ids["waiting"]]
    page.channel_filter.setCurrentIndex(page.channel_filter.findData("Ứng dụng VNeID"))
    assert page.model.rowCount() == 0 and _count(page, "requests_overdue") == 0


def test_main_window_lists_page_shortcuts_in_a_menu_and_fits_1280x800(fresh_store, qtbot):
    from ui.pages import PAGES
    from ui.shell.main_window import MainWindow

    make_unit(fresh_store)
    ctx = AppContext.create(fresh_store)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    actions = window.pages_menu.actions()
    assert [a.text() for a in actions] == [title for _, title, _ in PAGES[:9]]
    assert [a.shortcut().toString() for a in actions] == [f"Ctrl+{i + 1}" for i in range(len(actions))]
    qtbot.keyClick(window, Qt.Key_2, Qt.ControlModifier)
    assert window.stack.currentWidget() is window.pages[PAGES[1][0]]
    qtbot.keyClick(window, Qt.Key_1, Qt.ControlModifier)
    assert window.nav.currentRow() == 0
    # these pages fit an officer's 1280×800 screen beside the navigation bar (menus, status bar: ~90 px)
    side = window.nav.parentWidget().sizeHint().width()
    for key in ("dossiers", "reports", "sync"):
        hint = window.pages[key].minimumSizeHint()
        assert side + hint.width() <= 1280 and hint.height() <= 700, (key, side, hint)
    page = window.show_page("dossiers")
    assert "Ctrl+F" in page.search.placeholderText() and "QR" in page.search.toolTip()
    assert "Ctrl+N" in page.new_button.toolTip()
    ctx.changes.detach()
