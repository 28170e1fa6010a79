"""The registry screen driven like an officer would: type, filter, sort, select, edit, merge, keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from models.core.store import Actor, Store
from models.registry import duplicates, organizations
from models.text.identifiers import mask_personal_id
from tests.factories.registry import make_orgs, setup_unit
from ui.context import AppContext
from ui.pages.registry import RegistryPage
from ui.tables.org_table_model import COLUMNS

NAME = [k for k, *_ in COLUMNS].index("name")


@pytest.fixture
def page(fresh_store, qtbot):
    setup_unit(fresh_store)
    ids = make_orgs(fresh_store, 40, seed=8)
    a = organizations.create(fresh_store, {"grp": 4, "name": "Hội Cựu chiến binh phường Rạch Giá",
                                           "area_code": "30742", "rep_name": "Trần Văn Bình"}, source="dtcb")
    b = organizations.create(fresh_store, {"grp": 4, "name": "HỘI CỰU CHIẾN BINH PHƯỜNG RẠCH GIÁ",
                                           "area_code": "30742", "rep_phone": "0912345678"}, source="dtcb")
    duplicates.flag(fresh_store, a, b, "Cùng tên và cùng địa bàn")
    ctx = AppContext.create(fresh_store)
    widget = RegistryPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.ids = ids
    widget.pair = (a, b)
    yield widget
    ctx.changes.detach()


def visible_names(page):
    model = page.model
    return [model.data(model.index(r, NAME)) for r in range(model.rowCount())]


def test_typing_filters_after_a_pause(page, qtbot):
    assert page.count_label.text() == "42 tổ chức"
    page.table.setFocus()
    qtbot.keyClick(page, Qt.Key_F, Qt.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "hoi cuu chien")
    qtbot.waitUntil(lambda: page.count_label.text() == "2 tổ chức", timeout=2000)
    assert visible_names(page) == ["Hội Cựu chiến binh phường Rạch Giá", "HỘI CỰU CHIẾN BINH PHƯỜNG RẠCH GIÁ"]
    page.search.clear()
    page.search.insert("HỢP TÁC")  # typed with a Vietnamese input method (QTest only types ASCII)
    qtbot.waitUntil(lambda: page.count_label.text() == "8 tổ chức", timeout=2000)
    assert all(name.startswith("Hợp tác xã") or name.startswith("HỢP TÁC XÃ") for name in visible_names(page))


def test_filters_and_sorting(page, qtbot):
    page.group.setCurrentIndex(page.group.findData(3))
    assert page.count_label.text() == "8 tổ chức"
    page.area.setCurrentIndex(page.area.findData("30760"))
    rows = [organizations.load(page.ctx.store, page.model.org_id(r)) for r in range(page.model.rowCount())]
    assert rows and all(r["grp"] == 3 and r["area_code"] == "30760" for r in rows)
    page.group.setCurrentIndex(0)
    page.area.setCurrentIndex(0)
    page.source.setCurrentIndex(page.source.findData("htx"))
    assert page.count_label.text() == "8 tổ chức"
    page.source.setCurrentIndex(0)
    tax_col = [k for k, *_ in COLUMNS].index("tax_code")
    page.table.horizontalHeader().setSortIndicator(tax_col, Qt.DescendingOrder)
    codes = [page.model.data(page.model.index(r, tax_col)) for r in range(page.model.rowCount())]
    present = [c for c in codes if c]
    assert present == sorted(present, reverse=True)


def test_select_shows_detail_sources_and_history(page, qtbot, clock):
    org_id = page.ids[0]
    clock.advance(days=1)
    organizations.update(page.ctx.store, org_id, {"address": "Số 9 đường Lạc Hồng, phường Rạch Giá"})
    qtbot.keyClicks(page.search, organizations.load(page.ctx.store, org_id)["tax_code"])
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    qtbot.keyClick(page.search, Qt.Key_Down)  # into the table, first row selected
    assert page.table.hasFocus()
    assert page.detail.record["id"] == org_id
    assert page.detail.fields["address"].text() == "Số 9 đường Lạc Hồng, phường Rạch Giá"
    assert page.detail.sources.model().text(0, 0) == "Sở KH&ĐT (đăng ký doanh nghiệp)"
    history = [[page.detail.history.model().text(r, c) for c in range(5)]
               for r in range(page.detail.history.model().rowCount())]
    assert history[0][0] == "10/01/2025 09:30" and history[0][2] == "Địa chỉ trụ sở chính"
    assert history[0][4] == "Số 9 đường Lạc Hồng, phường Rạch Giá"
    assert history[-1][2] == "Tạo mới"
    record = organizations.load(page.ctx.store, org_id)
    assert f"Tên tổ chức: {record['name']}" in history[-1][4]  # readable, not JSON
    masked = record["rep_id_number"][:3] + "******" + record["rep_id_number"][-3:]
    # masked everywhere until «Hiện» (logged), even for an officer allowed to reveal it
    assert f"Số định danh người đại diện: {masked}" in history[-1][4]
    assert page.detail.fields["rep_id_number"].text() == masked
    assert page.detail.fields["rep_id_number"].isReadOnly() and page.detail.reveal_button.isVisible()
    # an administrator may not read personal ID numbers in full: masked in the form and the history
    page.ctx.store.execute("INSERT INTO officers(id, username, full_name, role, created_at) "
                           "VALUES (5, 'qt', 'Quản trị', 'admin', '2025-01-01')")
    page.ctx.store.actor = Actor(5, "qt", "Quản trị", "admin")
    page.detail.show_org(org_id)
    assert page.detail.fields["rep_id_number"].text() == masked
    assert page.detail.fields["rep_id_number"].isReadOnly()
    assert not page.detail.reveal_button.isVisible()  # no permission: no button
    last = page.detail.history.model().text(page.detail.history.model().rowCount() - 1, 4)
    assert record["rep_id_number"] not in last and masked in last


def test_reveal_shows_the_full_id_number_logs_it_and_allows_editing(page, qtbot):
    store = page.ctx.store
    page.select_row(2)
    record = page.detail.record
    full = organizations.load(store, record["id"])["rep_id_number"]
    assert record["rep_id_number"] == mask_personal_id(full)  # the panel's record never holds the full number
    field = page.detail.fields["rep_id_number"]
    assert full and field.text() != full and field.isReadOnly()
    before = store.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal_id.reveal'")
    qtbot.mouseClick(page.detail.reveal_button, Qt.LeftButton)
    assert field.text() == full and not field.isReadOnly() and not page.detail.reveal_button.isEnabled()
    logged = store.query("SELECT object_type, object_id FROM audit_log WHERE action = 'personal_id.reveal' "
                         "ORDER BY id DESC LIMIT 1")
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal_id.reveal'") == before + 1
    assert logged == [{"object_type": "organization", "object_id": str(record["id"])}]
    field.setFocus()
    field.setText("079203001234")
    qtbot.keyClick(field, Qt.Key_S, Qt.ControlModifier)
    assert organizations.load(store, record["id"])["rep_id_number"] == "079203001234"
    # saving another field while the number is still masked leaves the number alone
    page.select_row(3)
    other = page.detail.record
    other_full = organizations.load(store, other["id"])["rep_id_number"]
    page.detail.fields["address"].setFocus()
    page.detail.fields["address"].setText("Số 1 đường Mới")
    qtbot.keyClick(page.detail.fields["address"], Qt.Key_S, Qt.ControlModifier)
    assert organizations.load(store, other["id"])["address"] == "Số 1 đường Mới"
    assert organizations.load(store, other["id"])["rep_id_number"] == other_full


def test_an_invalid_date_is_reported_not_swallowed(page, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr("ui.ops.show_error", lambda parent, exc, *a, **k: shown.append(str(exc)))
    page.select_row(1)
    org_id, version = page.detail.record["id"], page.detail.record["version"]
    page.detail.fields["established_on"].setFocus()
    page.detail.fields["established_on"].setText("31/02/2020")
    qtbot.keyClick(page.detail.fields["established_on"], Qt.Key_S, Qt.ControlModifier)
    assert shown and "Ngày thành lập «31/02/2020»" in shown[0]
    assert organizations.load(page.ctx.store, org_id)["version"] == version


def test_keyboard_navigation_moves_the_detail(page, qtbot):
    page.table.setFocus()
    page.select_row(0)
    first = page.detail.record["id"]
    qtbot.keyClick(page.table, Qt.Key_Down)
    assert page.detail.record["id"] == page.model.org_id(1) != first
    qtbot.keyClick(page.table, Qt.Key_End, Qt.ControlModifier)
    assert page.detail.record["id"] == page.model.org_id(page.model.rowCount() - 1)


def test_edit_saves_and_refreshes_the_row(page, qtbot):
    page.select_row(3)
    org_id = page.detail.record["id"]
    page.detail.fields["name"].setFocus()
    page.detail.fields["name"].selectAll()
    page.detail.fields["name"].insert("Công ty TNHH Đổi Tên")
    qtbot.keyClick(page.detail.fields["name"], Qt.Key_S, Qt.ControlModifier)
    assert organizations.load(page.ctx.store, org_id)["name"] == "Công ty TNHH Đổi Tên"
    assert page.model.data(page.model.index(3, NAME)) == "Công ty TNHH Đổi Tên"
    assert page.status.text() == "Đã lưu 1 thay đổi."
    assert page.detail.history.model().text(0, 2) == "Tên tổ chức"


def test_stale_edit_says_what_changed(page, qtbot):
    page.select_row(0)
    org_id = page.detail.record["id"]
    other = Store(page.ctx.store.path, clock=page.ctx.store.clock)  # another desk: its own change bus
    try:
        organizations.update(other, org_id, {"rep_phone": "0987654321"})
    finally:
        other.close()
    page.detail.fields["address"].setText("Địa chỉ khác")
    page.detail.save_button.click()
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "staleBox" and w.isVisible())
    assert "Điện thoại" in box.text() and "0987654321" in box.text()
    assert organizations.load(page.ctx.store, org_id)["address"] != "Địa chỉ khác"
    box.done(QMessageBox.Ok)


def test_merge_from_duplicates_panel(page, qtbot):
    a, b = page.pair
    assert page.side.tabText(1) == "Nghi trùng (1)"
    page.side.setCurrentWidget(page.duplicates)
    page.duplicates.table.selectRow(0)
    page.duplicates.keep_first.click()
    assert organizations.load(page.ctx.store, b)["merged_into"] == a
    assert page.side.tabText(1) == "Nghi trùng"
    assert page.count_label.text() == "41 tổ chức"  # the merged one left the list
    assert page.duplicates.table.model().rowCount() == 0


def test_keep_both_from_duplicates_panel(page, qtbot):
    page.duplicates.table.selectRow(0)
    page.duplicates.keep_both.click()
    assert duplicates.count_open(page.ctx.store) == 0
    assert page.count_label.text() == "42 tổ chức"


def test_bulk_change_requeries_and_new_rows_appear(page, qtbot):
    organizations.create(page.ctx.store, {"grp": 4, "name": "Chùa Phật Quang", "area_code": "30742"})
    assert page.count_label.text() == "43 tổ chức"


def test_intake_officer_sees_masked_id_in_table(page, qtbot):
    record = organizations.load(page.ctx.store, page.model.org_id(0))
    id_col = [k for k, *_ in COLUMNS].index("rep_id_number")
    shown = page.model.data(page.model.index(0, id_col))
    if record["rep_id_number"]:
        assert shown != record["rep_id_number"] and shown.startswith(record["rep_id_number"][:3])
        assert "******" in shown


def test_locked_account_cannot_save(page, qtbot):
    store = page.ctx.store
    store.execute("INSERT INTO officers(id, username, full_name, role, active, created_at) "
                  "VALUES (9, 'khoa', 'Cán bộ bị khoá', 'intake', 0, '2025-01-01')")
    store.actor = Actor(9, "khoa", "Cán bộ bị khoá", "intake")
    page.select_row(0)
    org_id = page.detail.record["id"]
    page.detail.fields["address"].setText("Không được lưu")
    page.detail.save_button.click()
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible())
    assert "khoá" in box.text()
    assert organizations.load(store, org_id)["address"] != "Không được lưu"
    box.done(QMessageBox.Ok)


def test_ctrl_i_opens_the_import_dialog_and_unit_button_opens_units(page, qtbot, monkeypatch):
    calls = []
    monkeypatch.setattr("ui.pages.registry.open_import_dialog", lambda ctx, parent: calls.append((ctx, parent)))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key_I, Qt.ControlModifier)
    assert calls == [(page.ctx, page)]
    page.unit_button.click()
    dialog = page._unit_dialog
    assert dialog.isVisible() and dialog.name.text() == "Công an phường Rạch Giá"
    dialog.reject()


def test_browsing_paints_first_rows_then_loads_the_rest(page, qtbot, monkeypatch):
    import ui.pages.registry as registry_page

    monkeypatch.setattr(registry_page, "FIRST_ROWS", 10)
    page.select_row(3)
    selected = page.current_org_id()
    page.requery()
    assert page.model.rowCount() == 10 and page.count_label.text().startswith("Đang đọc danh sách")
    qtbot.waitUntil(lambda: page.count_label.text() == "42 tổ chức", timeout=5000)
    assert page.model.rowCount() == 42 and not page.loading
    assert page.current_org_id() == selected  # rows were appended, the selection stayed
    # a new search while loading wins over the stale background result
    page.requery()
    page.search.setText("hoi cuu chien")
    page.requery()
    qtbot.wait(200)
    assert page.count_label.text() == "2 tổ chức" and page.model.rowCount() == 2


def test_detail_fields_show_their_beginning_and_the_panel_does_not_scroll_sideways(page, qtbot):
    from PySide6.QtWidgets import QScrollArea

    page.ctx.store.execute("UPDATE organizations SET address = ? WHERE id = ?",
                           ("Số 422 đường Kinh Dương Vương, khu phố 3, phường Vĩnh Thanh Vân, tỉnh An Giang",
                            page.model.org_id(2)))
    page.select_row(2)
    address = page.detail.fields["address"]
    assert address.text().startswith("Số 422") and address.cursorPosition() == 0
    scroll = page.detail.tabs.widget(0)
    assert isinstance(scroll, QScrollArea) and scroll.horizontalScrollBarPolicy() == Qt.ScrollBarAlwaysOff


def test_a_wrong_phone_is_refused_by_the_rule_and_shown(page, qtbot):
    page.select_row(0)
    org_id = page.detail.record["id"]
    before = organizations.load(page.ctx.store, org_id)
    page.detail.fields["rep_phone"].setText("12345")
    page.detail.fields["address"].setText("Không được lưu")
    page.detail.save_button.click()
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible())
    assert box.text().startswith("Điện thoại: ") and "12345" in box.text()
    assert organizations.load(page.ctx.store, org_id) == before
    box.done(QMessageBox.Ok)
    page.detail.fields["rep_phone"].setText("+84 912 345 678")
    page.detail.save_button.click()
    assert organizations.load(page.ctx.store, org_id)["rep_phone"] == "0912345678"


def test_area_filter_lists_the_units_areas_first(page):
    from models.registry import units

    units.upsert_areas(page.ctx.store, [{"code": "99001", "name": "Ấp Ngoài Đơn Vị"}])
    names = [page.area.itemText(i) for i in range(1, page.area.count())]
    own = [a["name"] for a in units.unit_areas(page.ctx.store)]
    assert names == own + ["Ấp Ngoài Đơn Vị"]  # the outsider comes last although «Ấ» sorts first
    assert [a["code"] for a in units.filter_areas(page.ctx.store)][-1] == "99001"


def test_the_officer_works_down_the_duplicates_list_without_reselecting(page, qtbot):
    """After «Giữ cả hai» the next pair is selected and the buttons stay usable (as the old table did)."""
    ids = page.ids
    for left, right in ((ids[0], ids[1]), (ids[2], ids[3])):
        duplicates.flag(page.ctx.store, left, right, "Cùng tên")
    qtbot.waitUntil(lambda: page.duplicates.table.model().rowCount() == 3)
    page.duplicates.table.selectRow(1)
    page.duplicates.keep_both.click()
    qtbot.waitUntil(lambda: page.duplicates.table.model().rowCount() == 2)
    assert page.duplicates.table.selectionModel().selectedRows()[0].row() == 1
    assert page.duplicates.keep_both.isEnabled() and page.duplicates.keep_first.isEnabled()
    assert not page.duplicates.table.verticalHeader().isHidden()  # the row numbers of the old table
