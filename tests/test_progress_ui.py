"""The progress dashboard and the campaign editor, driven like an officer would (pytest-qt)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCharts import QBarSeries
from PySide6.QtCore import QDate, QPointF, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from models.campaigns.plans import list_phases
from models.campaigns.targets import list_targets, update_target
from models.campaigns.templates import create_from_template
from models.core.store import Actor
from tests.progress_data import add_dossier, add_officer, add_org, setup_unit
from ui.context import AppContext


@pytest.fixture
def data(fresh_store):
    """Kiên Giang campaign (plan figures) with a handful of results in January 2025."""
    s = fresh_store
    areas = setup_unit(s, 3)
    lan = add_officer(s, "lan", "Nguyễn Thị Lan")
    hung = add_officer(s, "hung", "Trần Văn Hùng")
    ent = [add_org(s, 1, areas[i % 3]) for i in range(12)]
    coop = [add_org(s, 2, areas[0]) for _ in range(4)]
    cid = create_from_template(s, "kien_giang_374", scale="province")
    ids = {}
    ids["ent_early"] = [add_dossier(s, o, received_on="2025-01-02", issued_on="2025-01-03", officer_id=lan)
                        for o in ent[:3]]
    ids["ent_week"] = [add_dossier(s, o, received_on="2025-01-06", issued_on="2025-01-08", officer_id=hung)
                       for o in ent[3:5]]
    ids["coop"] = [add_dossier(s, coop[0], received_on="2025-01-06", issued_on="2025-01-07", officer_id=lan)]
    add_dossier(s, ent[6], received_on="2025-01-08")          # received only: not counted
    return s, cid, areas, ids


@pytest.fixture
def page(qtbot, data):
    from ui.pages.progress import ProgressPage

    s = data[0]
    ctx = AppContext.create(s)
    widget = ProgressPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 820)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    ctx.changes.detach()


def card_texts(page):
    return {c.title_label.text().replace("<b>", "").replace("</b>", ""): c.value_label.text() for c in page.cards}


def close_dialog(page):
    if page.last_dialog is not None:
        page.last_dialog.close()


def test_cards_show_figures_and_follow_the_date(qtbot, page):
    # Thursday 09/01/2025 09:30, report due 14:00: the dashboard opens on the report's week, 02/01–08/01
    assert page.as_of() == dt.date(2025, 1, 8)
    assert "Tuần báo cáo 02/01/2025–08/01/2025" in page.header.text()
    texts = card_texts(page)
    assert texts["Doanh nghiệp"] == "5 / 2.816  (0,2%)"
    assert texts["Hợp tác xã"] == "1 / 130  (0,8%)"
    assert "Giai đoạn 1" in page.header.text()
    # type another date in the date field, as an officer would
    page.date_edit.setFocus()
    page.date_edit.setSelectedSection(page.date_edit.sectionAt(0))
    qtbot.keyClicks(page.date_edit, "05")
    qtbot.waitUntil(lambda: page.as_of() == dt.date(2025, 1, 5))
    assert card_texts(page)["Doanh nghiệp"] == "3 / 2.816  (0,1%)"
    assert card_texts(page)["Hợp tác xã"] == "0 / 130  (0,0%)"
    # after the phase end: phase 2 is the current one and its targets are shown
    page.date_edit.setDate(QDate(2025, 2, 3))
    assert card_texts(page)["Doanh nghiệp"] == "5 / 6.571  (0,1%)"
    assert "Giai đoạn 2" in page.header.text()


def test_card_click_opens_the_dossiers_behind_it(qtbot, page, data):
    ids = data[3]
    card = next(c for c in page.cards if "Doanh nghiệp" in c.title_label.text())
    with qtbot.waitSignal(page.drilled) as blocker:
        qtbot.mouseClick(card, Qt.LeftButton)
    assert sorted(blocker.args[1]) == sorted(ids["ent_early"] + ids["ent_week"])
    dialog = page.last_dialog
    assert dialog.isVisible()
    assert sorted(dialog.shown_ids()) == sorted(ids["ent_early"] + ids["ent_week"])
    assert dialog.model.rowCount() == 5
    assert dialog.model.text(0, 3) == "Doanh nghiệp"
    close_dialog(page)


def _click_bar(qtbot, page, index, value, offset=0.15) -> list[int]:
    """Click inside bar ``index`` (height ``value``) of the groups chart; the dossier ids it drills to."""
    view = page.chart_views["groups"]
    qtbot.waitUntil(lambda: view.isVisible() and view.width() > 300)
    series = next(s for s in view.chart().series() if isinstance(s, QBarSeries))
    chart = view.chart()
    scene_point = chart.mapToScene(chart.mapToPosition(QPointF(index + offset, value / 2), series))
    with qtbot.waitSignal(page.drilled) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=view.mapFromScene(scene_point))
    return blocker.args[1]


def test_click_on_a_bar_drills_down(qtbot, page, data):
    ids = data[3]
    # first category = enterprises: click inside its (tall) "Chỉ tiêu" bar, right of the centre line
    assert sorted(_click_bar(qtbot, page, 0, 2816)) == sorted(ids["ent_early"] + ids["ent_week"])
    close_dialog(page)
    # another day rebuilds the charts; the cooperatives' bar is clicked on the new chart
    page.date_edit.setDate(QDate(2025, 1, 10))
    assert _click_bar(qtbot, page, 1, 130) == ids["coop"]
    assert page.last_dialog.shown_ids() == ids["coop"]
    close_dialog(page)


def test_officer_table_row_drills_down_with_keyboard(qtbot, page, data):
    ids = data[3]
    page.tabs.setCurrentWidget(page.officer_table)
    table = page.officer_table
    model = table.model()
    assert [model.text(r, 1) for r in range(model.rowCount())] == ["Nguyễn Thị Lan", "Trần Văn Hùng"]
    assert model.text(0, 2) == "4"
    table.setFocus()
    table.setCurrentIndex(model.index(1, 1))
    with qtbot.waitSignal(page.drilled) as blocker:
        qtbot.keyClick(table, Qt.Key_Return)
    assert sorted(blocker.args[1]) == sorted(ids["ent_week"])
    close_dialog(page)


def test_new_results_refresh_the_open_dashboard(qtbot, page, data):
    s, cid, areas, _ = data
    org = add_org(s, 2, areas[1])
    with s.atomic():
        add_dossier(s, org, received_on="2025-01-08", issued_on="2025-01-08")   # in the report week shown
        s.notify("dossiers", "insert", ())
    qtbot.waitUntil(lambda: card_texts(page)["Hợp tác xã"] == "2 / 130  (1,5%)")


def test_editor_template_allocation_and_sum(qtbot, page, data):
    s, cid, areas, _ = data
    from ui.dialogs.campaign_editor import CampaignEditor

    editor = CampaignEditor(page.ctx, cid, page)
    qtbot.addWidget(editor)
    editor.show()
    # Cần Thơ from the template, scaled to the unit
    editor.template_button.click()
    dialog = editor.template_dialog
    dialog.combo.setCurrentIndex(dialog.combo.findData("can_tho"))
    dialog.accept()
    assert editor.name_edit.text().endswith("(Cần Thơ)")
    phase2 = next(p for p in list_phases(s, editor.campaign_id) if p["name"].startswith("Giai đoạn 2"))
    editor.phase_table.selectRow([p["id"] for p in editor._phases].index(phase2["id"]))
    assert editor.target_table.model().rowCount() == 2
    # 80 % of (12 enterprises + 4 cooperatives) = 12.8 → 13
    assert editor.target_table.model().text(0, 7) == "13"
    editor.target_table.selectRow(0)
    qtbot.mouseClick(editor.allocate_button, Qt.LeftButton)
    model = editor.alloc_model
    values = [model.text(r, 3) for r in range(model.rowCount())]
    assert values == ["7", "3", "3"]     # area weights 8, 4, 4 → 6.5, 3.25, 3.25 → 7, 3, 3
    assert "khớp" in editor.alloc_sum.text()
    # hand edit: type 5 in the second area's cell
    editor.alloc_table.setFocus()
    editor.alloc_table.setCurrentIndex(model.index(1, 3))
    qtbot.keyClicks(editor.alloc_table, "5")          # typing starts editing the cell
    cell_editor = editor.alloc_table.viewport().findChild(QLineEdit)
    assert cell_editor is not None and cell_editor.text() == "5"
    qtbot.keyClick(cell_editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: "thừa 2" in editor.alloc_sum.text())
    assert "15" in editor.alloc_sum.text()
    # the unit's own figure wins over the computed one
    editor.unit_value_edit.setText("20")
    qtbot.mouseClick(editor.save_target_button, Qt.LeftButton)
    assert editor.target_table.model().text(0, 7) == "20"
    assert "thiếu 5" in editor.alloc_sum.text()
    editor.close()


def test_editor_refuses_intake_officer(qtbot, data):
    s, cid, _, _ = data
    from ui.dialogs.campaign_editor import CampaignEditor

    tu = add_officer(s, "tu", "Lê Văn Tư", role="intake")
    s.actor = Actor(id=tu, username="tu", full_name="Lê Văn Tư", role="intake")
    ctx = AppContext.create(s)
    editor = CampaignEditor(ctx, cid)
    qtbot.addWidget(editor)
    editor.show()
    editor.name_edit.setText("Đổi tên")
    qtbot.mouseClick(editor.save_campaign_button, Qt.LeftButton)
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert "không có quyền quản lý kế hoạch và chỉ tiêu" in box.text()
    box.close()
    assert s.scalar("SELECT name FROM campaigns WHERE id = ?", (cid,)).endswith("(Kiên Giang)")
    ctx.changes.detach()


def test_page_without_campaign_explains_what_to_do(qtbot, fresh_store):
    from ui.pages.progress import ProgressPage

    ctx = AppContext.create(fresh_store)
    widget = ProgressPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.empty_label.isVisible()
    assert "Chưa có kế hoạch" in widget.empty_label.text()
    create_from_template(fresh_store, "kien_giang_374")
    qtbot.waitUntil(lambda: not widget.empty_label.isVisible())
    # phase 1's four targets, plus the one-day target of 30/12/2024 that falls in it
    assert len(widget.cards) == 5
    assert "Đơn vị Công an các cấp" in widget.cards[-1].title_label.text()
    ctx.changes.detach()


def test_unit_value_set_in_model_shows_on_card(qtbot, page, data):
    s, cid, _, _ = data
    ph1 = next(p for p in list_phases(s, cid) if p["name"] == "Giai đoạn 1")
    t = next(t for t in list_targets(s, cid) if t["phase_id"] == ph1["id"] and t["groups"] == "1")
    update_target(s, t["id"], {"unit_value": 10})
    qtbot.waitUntil(lambda: card_texts(page)["Doanh nghiệp"] == "5 / 10  (50,0%)")


def test_drill_down_row_opens_the_dossier_on_the_dossier_screen(qtbot, page, data):
    """With the dossier screen present, Enter on a listed dossier opens it there."""
    from types import SimpleNamespace

    ids = data[3]
    opened = []
    page.ctx.window = SimpleNamespace(pages={"dossiers": SimpleNamespace(open_dossier=opened.append)})
    page.drill("Hợp tác xã", groups=(2,))
    dialog = page.last_dialog
    assert dialog.shown_ids() == ids["coop"]
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(0, 1))
    qtbot.keyClick(dialog.table, Qt.Key_Return)
    assert opened == ids["coop"]
    page.ctx.window = None
    close_dialog(page)


def test_area_row_counts_and_lists_only_the_allocated_groups(qtbot, page, data):
    """Only the enterprises are allocated: an area's row compares enterprises with its share (not
    every group's result with the enterprises' share) and Enter lists exactly those dossiers."""
    from models.campaigns.targets import set_allocation

    s, cid, areas, ids = data
    phase = next(p for p in list_phases(s, cid) if p["name"] == "Giai đoạn 1")
    ent = next(t for t in list_targets(s, cid) if t["phase_id"] == phase["id"] and t["groups"] == "1")
    for code in areas:
        set_allocation(s, ent["id"], code, 2)
    page.tabs.setCurrentWidget(page.area_table)
    table = page.area_table
    model = table.model()
    # enterprises issued: areas[0] 2 (ent 0, 3), areas[1] 2 (ent 1, 4), areas[2] 1; the cooperative of
    # areas[0] is not part of its share
    qtbot.waitUntil(lambda: model.rowCount() == 3 and model.text(0, 3) == "2")
    rows = {model.text(r, 1): r for r in range(model.rowCount())}
    first = rows["Xã Thử A001"]
    assert [model.text(first, c) for c in (2, 3, 4)] == ["2", "2", "100,0%"]  # as printed in the report
    table.setFocus()
    table.setCurrentIndex(model.index(first, 1))
    with qtbot.waitSignal(page.drilled) as blocker:
        qtbot.keyClick(table, Qt.Key_Return)
    assert sorted(blocker.args[1]) == sorted([ids["ent_early"][0], ids["ent_week"][0]])
    close_dialog(page)


def test_editor_deletions_ask_first(qtbot, page, data):
    """A campaign (with its phases, targets and allocations) is deleted only after «Xoá» is confirmed."""
    s, cid, _, _ = data
    from ui.dialogs.campaign_editor import CampaignEditor

    editor = CampaignEditor(page.ctx, cid, page)
    qtbot.addWidget(editor)
    editor.show()
    phases = s.scalar("SELECT count(*) FROM campaign_phases")
    qtbot.mouseClick(editor.delete_phase_button, Qt.LeftButton)
    box = editor.confirm_box
    assert box.isVisible() and "Xoá giai đoạn «" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.No), Qt.LeftButton)
    assert s.scalar("SELECT count(*) FROM campaign_phases") == phases
    qtbot.mouseClick(editor.delete_button, Qt.LeftButton)
    box = editor.confirm_box
    assert "(Kiên Giang)" in box.text() and "chỉ tiêu" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.No)      # Enter does not delete
    qtbot.keyClick(box, Qt.Key_Escape)
    assert s.scalar("SELECT count(*) FROM campaigns") == 1
    qtbot.mouseClick(editor.delete_button, Qt.LeftButton)
    qtbot.mouseClick(editor.confirm_box.button(QMessageBox.Yes), Qt.LeftButton)
    qtbot.waitUntil(lambda: s.scalar("SELECT count(*) FROM campaigns") == 0)
    assert s.scalar("SELECT count(*) FROM campaign_targets") == 0
    assert editor.campaign_id is None
    editor.close()


def test_campaign_list_follows_the_current_campaign(qtbot, page, data):
    from models.campaigns.plans import set_current

    s = data[0]
    other = create_from_template(s, "can_tho")
    qtbot.waitUntil(lambda: page.campaign_combo.count() == 2)
    assert not page.campaign_combo.itemText(page.campaign_combo.findData(other)).endswith("(hiện hành)")
    set_current(s, other)
    qtbot.waitUntil(lambda: page.campaign_combo.itemText(page.campaign_combo.findData(other)).endswith("(hiện hành)"))


def test_campaign_without_phases_or_targets_says_what_is_missing(qtbot, fresh_store):
    from models.campaigns.plans import add_phase, create_campaign
    from ui.pages.progress import ProgressPage

    s = fresh_store
    areas = setup_unit(s, 2)
    cid = create_campaign(s, {"name": "Kế hoạch trống", "start_on": "2025-01-06", "end_on": "2025-03-30"})
    add_dossier(s, add_org(s, 1, areas[0]), received_on="2025-01-06", issued_on="2025-01-08")
    ctx = AppContext.create(s)
    widget = ProgressPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    header = widget.header.text()
    assert "Kế hoạch chưa có giai đoạn" in header and "Lũy kế toàn kế hoạch: <b>1</b>" in header
    assert [c.value_label.text() for c in widget.cards][:1] == ["1"]
    add_phase(s, cid, "Giai đoạn 1", "2025-01-06", "2025-03-30")
    qtbot.waitUntil(lambda: "Giai đoạn này chưa có chỉ tiêu" in widget.header.text())
    ctx.changes.detach()


def test_ranked_tables_say_rank_and_the_phase_list_says_number(page):
    def first_header(table):
        return table.model().headerData(0, Qt.Horizontal, Qt.DisplayRole)

    assert first_header(page.area_table) == first_header(page.officer_table) == "Hạng"
    assert first_header(page.phase_table) == "STT"


def test_editor_keeps_the_edited_phase_selected_and_refuses_a_wrong_target(qtbot, page, data):
    s, cid, _, _ = data
    from ui.dialogs.campaign_editor import CampaignEditor

    editor = CampaignEditor(page.ctx, cid, page)
    qtbot.addWidget(editor)
    editor.show()
    phases = list_phases(s, cid)
    assert len(phases) >= 2 and editor.phase_table.model().rowCount() == len(phases)
    second = phases[1]
    editor.phase_table.selectRow(1)
    assert editor.phase_id == second["id"] and editor.phase_name.text() == second["name"]
    editor.phase_name.setText("Giai đoạn hai (đã sửa)")
    qtbot.mouseClick(editor.save_phase_button, Qt.LeftButton)
    model = editor.phase_table.model()
    row = model.row_of(second["id"])
    assert model.text(row, 0) == "Giai đoạn hai (đã sửa)"
    assert editor.phase_id == second["id"]
    assert [i.row() for i in editor.phase_table.selectionModel().selectedRows()] == [row]
    shown_targets = [t["id"] for t in editor._targets]
    assert shown_targets == [t["id"] for t in list_targets(s, cid) if t["phase_id"] == second["id"]]
    # a value that is not a number is refused in Vietnamese; nothing is added
    before = len(list_targets(s, cid))
    editor.target_label.setText("Chỉ tiêu thử")
    editor.value_edit.setText("nhiều lắm")
    qtbot.mouseClick(editor.add_target_button, Qt.LeftButton)
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()]
    assert boxes and "Traceback" not in boxes[-1].text() and "nhiều lắm" in boxes[-1].text()
    for box in boxes:
        box.done(QMessageBox.Ok)
    assert len(list_targets(s, cid)) == before
    editor.close()
