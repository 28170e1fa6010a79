"""The Công dân page driven like an officer would (issue 15 item 5): typing a search (no diacritics, ID
fragments), the filters, the lazy table reading only the rows painted, the detail panel (sources, field
history), revealing an ID number (logged; refused for the administrator), the agencies tab and its export,
and the people-list import dialog (dry run writes nothing, cancel leaves nothing)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from models.core.store import Actor
from models.people.importing import import_file
from models.text.identifiers import mask_personal_id
from models.text.normalize import fold
from services import people_exports, people_imports
from tests.factories import messy_files as mf
from tests.factories import people_files as pf
from ui.context import AppContext
from ui.dialogs.people_import_dialog import PAGE_DONE, PAGE_REVIEW, PeopleImportDialog
from ui.pages.people import PeoplePage
from ui.tables import person_table_model
from ui.tables.person_table_model import COLUMNS

NAME = [k for k, _ in COLUMNS].index("full_name")
ID = [k for k, _ in COLUMNS].index("id_number")
TABLES = ("persons", "person_sources", "people_imports", "agencies", "agency_staff", "audit_log")


def _boxes():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _close_boxes():
    for box in _boxes():
        box.done(0)


def snapshot(store) -> dict:
    return {t: store.query(f"SELECT * FROM {t} ORDER BY 1") for t in TABLES}


@pytest.fixture
def seeded(fresh_store, tmp_path):
    store = fresh_store
    mf.add_areas(store)
    people = pf.make_people(80, 5)
    # a child (not yet 14 on the test's today, 09/01/2025) and a name to search without diacritics
    people[0] = dataclasses.replace(people[0], birth_date=dt.date(2015, 3, 1), full_name="Đặng Thị Ánh Tuyết")
    import_file(store, mf.write_xlsx(pf.residents_grid(people), tmp_path / "dan-cu.xlsx"), "residents")
    staff = people[10:22]
    import_file(store, mf.write_xlsx(pf.staff_grid(staff), tmp_path / "can-bo.xlsx"), "staff",
                agency="UBND xã Mong Thọ")
    acts = [(p.id_number, 2, dt.date(2025, 1, 6), p.full_name) for p in staff[:5]]
    acts += [(p.id_number, 1, dt.date(2025, 1, 7), p.full_name) for p in people[40:50]]
    import_file(store, mf.write_xlsx(pf.activations_grid(acts), tmp_path / "kich-hoat.xlsx"), "activations")
    # a second residents list changing one phone: a field history line
    changed = list(people)
    changed[3] = dataclasses.replace(changed[3], phone="0987654321")
    import_file(store, mf.write_xlsx(pf.residents_grid(changed[:10]), tmp_path / "dan-cu-2.xlsx"), "residents")
    return store, people


@pytest.fixture
def page(seeded, qtbot):
    store, people = seeded
    ctx = AppContext.create(store)
    widget = PeoplePage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 720)
    widget.show()
    qtbot.waitExposed(widget)
    widget.people_list = people
    yield widget
    ctx.changes.detach()


def names(view) -> list[str]:
    model = view.model
    return [model.data(model.index(r, NAME)) for r in range(model.rowCount())]


def person_row(store, id_number):
    return store.query_one("SELECT * FROM persons WHERE id_number = ?", (id_number,))


def test_browse_lists_everyone_by_name_with_masked_id_numbers(page, qtbot):
    view = page.people
    qtbot.waitUntil(lambda: not view.loading)
    assert view.model.rowCount() == 80
    shown = names(view)
    assert [fold(n) for n in shown] == sorted(fold(n) for n in shown)
    cell = view.model.data(view.model.index(0, ID))
    assert "*" in cell and len(cell) == 12
    assert "80 người" in view.count_label.text()


def test_typing_searches_without_diacritics_and_by_id_fragment(page, qtbot):
    view = page.people
    qtbot.keyClicks(view.search, "dang thi anh")
    assert view._timer.isActive()  # debounced: nothing searched yet
    qtbot.waitUntil(lambda: names(view) == ["Đặng Thị Ánh Tuyết"], timeout=3000)
    target = page.people_list[7]
    view.search.clear()
    qtbot.keyClicks(view.search, target.id_number[4:11])  # seven digits from the middle
    qtbot.waitUntil(lambda: target.full_name in names(view), timeout=3000)
    assert view.model.rowCount() < 5
    qtbot.keyClick(view.search, Qt.Key_Down)
    assert view.table.hasFocus() and view.detail.record is not None


def test_filters_commune_village_level_activation_agency_eligibility(page, qtbot):
    view, store = page.people, page.ctx.store
    qtbot.waitUntil(lambda: not view.loading)
    code = page.people_list[1].area_code
    view.area.setCurrentIndex(view.area.findData(code))
    expected = store.scalar("SELECT count(*) FROM persons WHERE area_code = ?", (code,))
    assert view.model.rowCount() == expected > 0
    assert view.village.isEnabled()
    village = page.people_list[1].village
    view.village.setCurrentIndex(view.village.findData(village))
    assert view.model.rowCount() == store.scalar(
        "SELECT count(*) FROM persons WHERE area_code = ? AND village = ?", (code, village))
    view.area.setCurrentIndex(0)
    assert not view.village.isEnabled() and view.model.rowCount() == 80
    view.level.setCurrentIndex(view.level.findData(2))
    qtbot.waitUntil(lambda: not view.loading)
    assert view.model.rowCount() == 5
    view.level.setCurrentIndex(0)
    view.activation.setCurrentIndex(view.activation.findData(True))
    assert view.model.rowCount() == store.scalar("SELECT count(*) FROM persons WHERE activated_on IS NOT NULL") > 0
    view.activation.setCurrentIndex(0)
    view.agency.setCurrentIndex(view.agency.findText("UBND xã Mong Thọ"))
    assert sorted(names(view)) == sorted(p.full_name for p in page.people_list[10:22])
    view.agency.setCurrentIndex(0)
    qtbot.waitUntil(lambda: not view.loading)
    view.eligible.setChecked(True)
    qtbot.waitUntil(lambda: not view.loading)
    assert "Đặng Thị Ánh Tuyết" not in names(view) and view.model.rowCount() == 79


def test_lazy_table_reads_only_the_rows_painted(seeded, qtbot, monkeypatch):
    store, _people = seeded
    # 6,000 more persons, inserted directly (a cheap stand-in for a big list)
    now = "2025-01-01 08:00:00"
    store.conn.executemany(
        "INSERT INTO persons(uuid, id_number, full_name, name_key, area_code, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?)",
        [(f"u-{i}", f"0580{i:08d}", f"Nguyễn Văn Số {i}", f"nguyen van so {i}", "30001", now, now)
         for i in range(6000)])
    store.conn.commit()
    ctx = AppContext.create(store)
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 720)
    page.show()
    qtbot.waitExposed(page)
    view = page.people
    assert view.model.rowCount() <= 2000  # the first screenful at once…
    qtbot.waitUntil(lambda: not view.loading, timeout=10000)
    assert view.model.rowCount() == 6080  # …the rest from the background thread
    qtbot.wait(50)
    assert view.model.fetches <= 2 and view.model.rows_fetched <= 2 * person_table_model.BLOCK
    view.table.scrollToBottom()
    qtbot.wait(50)
    assert view.model.fetches <= 4
    assert view.model.cached_blocks() <= person_table_model.MAX_BLOCKS
    ctx.changes.detach()


def test_detail_shows_sources_and_field_history(page, qtbot):
    view, store = page.people, page.ctx.store
    target = page.people_list[3]
    view.search.setText(target.id_number)
    view.requery()
    view.select_row(0)
    detail = view.detail
    assert detail.title.text() == target.full_name
    assert detail.info["id_number"].text() == mask_personal_id(target.id_number)
    files = [detail.sources_model.text(r, 1) for r in range(detail.sources_model.rowCount())]
    assert sorted(files) == ["dan-cu-2.xlsx", "dan-cu.xlsx"]
    history = [[detail.history_model.text(r, c) for c in range(5)] for r in range(detail.history_model.rowCount())]
    assert ["Số điện thoại", target.phone, "0987654321"] in [h[2:] for h in history]
    child = person_row(store, page.people_list[0].id_number)
    detail.show_person(child["id"])
    assert "chưa đủ 14 tuổi" in detail.info["birth_date"].text()
    staff = person_row(store, page.people_list[10].id_number)
    detail.show_person(staff["id"])
    assert "UBND xã Mong Thọ" in detail.info["agencies"].text()
    assert detail.info["account"].text() == "Mức 2"


def test_reveal_is_logged_and_refused_for_the_administrator(page, qtbot):
    view, store = page.people, page.ctx.store
    target = person_row(store, page.people_list[5].id_number)
    view.detail.show_person(target["id"])
    assert view.detail.reveal_button.isVisibleTo(view.detail)
    qtbot.mouseClick(view.detail.reveal_button, Qt.LeftButton)
    assert view.detail.info["id_number"].text() == target["id_number"]
    log = store.query("SELECT * FROM audit_log WHERE action = 'personal_id.reveal'")
    assert [(r["object_type"], r["object_id"]) for r in log] == [("person", str(target["id"]))]
    # the administrator: no «Hiện», and a forced reveal is refused and not logged
    store.execute("INSERT INTO officers(id, username, full_name, role, created_at) "
                  "VALUES (5, 'qt', 'Quản trị', 'admin', '2025-01-01')")
    store.actor = Actor(5, "qt", "Quản trị", "admin")
    view.detail.show_person(target["id"])
    assert not view.detail.reveal_button.isVisibleTo(view.detail)
    view.detail.reveal_id()
    assert any("không có quyền" in b.text() for b in _boxes())
    _close_boxes()
    assert view.detail.info["id_number"].text() == mask_personal_id(target["id_number"])
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal_id.reveal'") == 1


def test_agencies_tab_counts_missing_level2_and_exports(page, qtbot, tmp_path):
    from python_calamine import CalamineWorkbook

    agencies = page.agencies
    page.tabs.setCurrentWidget(agencies)
    assert agencies.model.rowCount() == 1
    assert [agencies.model.text(0, c) for c in (2, 3, 4)] == ["12", "5", "7"]
    agencies.table.selectRow(0)
    assert agencies.missing_model.rowCount() == 7 and agencies.staff_model.rowCount() == 12
    staff_names = {p.full_name for p in page.people_list[15:22]}
    assert {agencies.missing_model.text(r, 0) for r in range(7)} == staff_names
    assert "7" in agencies.side_tabs.tabText(0)
    written = agencies.export_to(tmp_path / "chua-co-muc-2.xlsx", agencies.current_id())
    _close_boxes()
    rows = CalamineWorkbook.from_path(str(written)).get_sheet_by_index(0).to_python()
    body = [r for r in rows[4:] if r[1]]
    assert {r[1] for r in body} == staff_names
    assert all("*" in r[2] for r in body)  # masked unless asked for in full
    assert page.ctx.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal_id.export'") == 0
    path, count = people_exports.export_staff_without_level2(page.ctx.store, tmp_path / "du.xlsx", full_ids=True)
    assert count == 7
    assert page.ctx.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'personal_id.export'") == 1


# ---- the import dialog ---------------------------------------------------------------------------
@pytest.fixture
def dialog(seeded, qtbot):
    store, _people = seeded
    ctx = AppContext.create(store)
    widget = PeopleImportDialog(ctx)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    _close_boxes()
    ctx.changes.detach()


def test_staff_list_dry_run_writes_nothing_then_imports(dialog, qtbot, tmp_path):
    store = dialog.ctx.store
    newcomers = pf.make_people(15, 99)
    path = mf.write_xlsx(pf.staff_grid(newcomers), tmp_path / "truong-thcs.xlsx")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("staff"))
    assert dialog.agency_combo.isVisible()
    dialog.agency_combo.setEditText("Trường THCS Mong Thọ")
    dialog.path_edit.setText(str(path))
    before = snapshot(store)
    qtbot.mouseClick(dialog.check_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_REVIEW, timeout=20000)
    assert snapshot(store) == before  # not even the import record or the new agency
    assert "Sẽ thêm mới 15" in dialog.counts_label.text()
    screen = PeoplePage(dialog.ctx)  # the open screen follows the import (change notifications)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: not screen.people.loading)
    assert screen.people.model.rowCount() == 80 and screen.agencies.model.rowCount() == 1
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_DONE, timeout=20000)
    assert "Đã thêm mới 15" in dialog.done_label.text()
    qtbot.waitUntil(lambda: screen.people.model.rowCount() == 95, timeout=5000)
    screen.tabs.setCurrentWidget(screen.agencies)
    assert screen.agencies.model.rowCount() == 2
    assert screen.people.agency.findText("Trường THCS Mong Thọ") > 0
    agency = store.query_one("SELECT * FROM agencies WHERE name = 'Trường THCS Mong Thọ'")
    assert store.scalar("SELECT count(*) FROM agency_staff WHERE agency_id = ?", (agency["id"],)) == 15


def test_activation_list_shows_unknown_ids_and_saves_the_error_workbook(dialog, qtbot, tmp_path, seeded):
    _store, people = seeded
    rows = [(p.id_number, 2, dt.date(2025, 1, 8), p.full_name) for p in people[60:64]]
    rows.append(("099123456789", 2, dt.date(2025, 1, 8), "Người lạ"))
    path = mf.write_xlsx(pf.activations_grid(rows), tmp_path / "kich-hoat-2.xlsx")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("activations"))
    assert not dialog.agency_combo.isVisible()
    dialog.path_edit.setText(str(path))
    dialog.run_check()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_REVIEW, timeout=20000)
    assert "Khớp 4 người; 1 số định danh" in dialog.counts_label.text()
    saved = dialog.save_errors_to(tmp_path / "loi.xlsx")
    assert saved is not None and saved.exists()


def test_cancel_during_import_leaves_everything_as_before(dialog, qtbot, tmp_path, monkeypatch):
    store = dialog.ctx.store
    path = mf.write_xlsx(pf.residents_grid(pf.make_people(20, 42)), tmp_path / "dan-cu-moi.xlsx")
    dialog.path_edit.setText(str(path))
    dialog.run_check()
    qtbot.waitUntil(lambda: dialog.stack.currentIndex() == PAGE_REVIEW, timeout=20000)
    before = snapshot(store)
    real = people_imports.apply_analysis

    def slow_apply(store, analysis, progress=None, **kwargs):
        deadline = time.monotonic() + 10
        while not progress.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)  # the officer presses «Huỷ» while the import runs
        return real(store, analysis, progress=progress, **kwargs)

    monkeypatch.setattr(people_imports, "apply_analysis", slow_apply)
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    op = dialog.op
    with qtbot.waitSignal(op.finished, timeout=20000):
        op.cancel()
    assert op.was_cancelled
    assert snapshot(store) == before
    assert dialog.stack.currentIndex() == PAGE_REVIEW and dialog.import_button.isEnabled()
    assert any("giữ nguyên" in box.text() for box in _boxes())


def test_browse_ids_are_the_search_order_for_every_kind_of_filter(seeded):
    from models.people import browse
    from models.people import search as people_search

    store, people = seeded
    agency = store.scalar("SELECT id FROM agencies")
    for filters in (people_search.Filters(), people_search.Filters(area_code=people[1].area_code),
                    people_search.Filters(area_code=people[1].area_code, village=people[1].village, level=0),
                    people_search.Filters(activated=False, eligible_on=dt.date(2025, 1, 9)),
                    people_search.Filters(level=1), people_search.Filters(agency_id=agency, level=2)):
        expected = list(people_search.search_ids(store, "", filters).ids)
        assert list(browse.all_ids(store, filters)) == expected and expected
        assert list(browse.first_ids(store, filters, 7)) == expected[:7]


def test_ctrl_8_opens_the_people_page_in_the_main_window(seeded, qtbot):
    from ui.pages import PAGES
    from ui.shell.main_window import MainWindow

    store, _people = seeded
    ctx = AppContext.create(store)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    number = [key for key, *_ in PAGES].index("people") + 1
    assert any(a.text().replace("&", "") == "Công dân" and a.shortcut().toString() == f"Ctrl+{number}"
               for a in window.pages_menu.actions())
    qtbot.keyClick(QApplication.focusWidget() or window, getattr(Qt, f"Key_{number}"), Qt.ControlModifier)
    page = window.pages["people"]
    assert window.stack.currentWidget() is page
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_F, Qt.ControlModifier)
    assert page.people.search.hasFocus()
    _close_boxes()
    ctx.changes.detach()
