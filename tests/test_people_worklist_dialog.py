"""«Danh sách vận động» driven like an officer would (issue 16: "an area officer can print his door-to-door
list and an agency head's letter in two clicks"): the Công dân page's button, then «In»; the agency's letter;
the Excel export; the villages' assignment dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from models.core.store import Actor
from models.people import area_officers, worklists
from tests.factories import worklist_data as wd
from ui.context import AppContext
from ui.dialogs import people_worklist_dialog as dialog_module
from ui.dialogs.area_officers_dialog import AreaOfficersDialog
from ui.dialogs.people_worklist_dialog import AGENCY, OFFICER, PeopleWorklistDialog
from ui.pages.people import PeoplePage


def _as(store, username: str) -> None:
    row = store.query_one("SELECT id, username, full_name, role FROM officers WHERE username = ?", (username,))
    store.actor = Actor(**row)


def _close_boxes():
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            w.done(0)


@pytest.fixture
def env(fresh_store, tmp_path, monkeypatch, qtbot):
    info = wd.seed(fresh_store, 300)
    _as(fresh_store, "cskv1")
    opened: list[Path] = []
    monkeypatch.setattr(dialog_module, "default_folder", lambda prefer=None: str(tmp_path))
    monkeypatch.setattr(PeopleWorklistDialog, "opener", staticmethod(opened.append))
    ctx = AppContext.create(fresh_store)
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    page.resize(1366, 720)
    page.show()
    qtbot.waitExposed(page)
    yield fresh_store, info, page, opened
    _close_boxes()
    ctx.changes.detach()


def _wait(qtbot, dialog):
    qtbot.waitUntil(lambda: dialog.last_op is not None and dialog.last_op.result is not None
                    or dialog.last_op is not None and dialog.last_op.error is not None, timeout=20000)
    assert dialog.last_op.error is None, dialog.last_op.error


def test_area_officer_prints_his_sheet_in_two_clicks(env, qtbot, tmp_path):
    store, info, page, opened = env
    qtbot.mouseClick(page.people.worklist_button, Qt.LeftButton)  # click 1
    dialog = page.people.worklist_dialog
    qtbot.waitExposed(dialog)
    assert dialog.kind() == OFFICER and dialog.officer.currentData() == info["officers"]["cskv1"]
    expected = worklists.officer_worklist(store, info["officers"]["cskv1"])
    assert dialog.model.rowCount() == len(expected) > 0
    assert str(len(expected)) in dialog.count_label.text()
    qtbot.mouseClick(dialog.pdf_button, Qt.LeftButton)  # click 2
    _wait(qtbot, dialog)
    assert opened == [dialog.last_path] and dialog.last_path.parent == tmp_path
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(dialog.last_path)).pages).split())
    assert "DANH SÁCH CÔNG DÂN CHƯA KÍCH HOẠT" in text and f"Tổng cộng: {len(expected)} người" in text
    # printing again never overwrites the first sheet
    first = dialog.last_path
    qtbot.mouseClick(dialog.pdf_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_path != first, timeout=20000)
    assert first.exists() and dialog.last_path.exists()
    dialog.grab().save(str(tmp_path / "dialog.png"))


def test_agency_letter_and_excel(env, qtbot, tmp_path):
    store, info, page, opened = env
    page.people.open_worklists()
    dialog = page.people.worklist_dialog
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.kind_buttons[AGENCY], Qt.LeftButton)
    assert dialog.kind() == AGENCY
    assert dialog.model.rowCount() == len(worklists.agency_worklist(store, info["agency_id"]))
    assert dialog.model.headers[-1] == "Tình trạng"
    qtbot.mouseClick(dialog.pdf_button, Qt.LeftButton)
    _wait(qtbot, dialog)
    first_page = PdfReader(str(dialog.last_path)).pages[0].extract_text()
    assert "Kính gửi" in first_page and "V/v" in first_page
    _close_boxes()
    out = tmp_path / "co-quan.xlsx"
    dialog.last_op = None
    dialog.export_to(out)
    _wait(qtbot, dialog)
    assert out.exists() and len(opened) == 1  # Excel is not opened


def test_officer_without_villages_gets_assignment_hint_and_leader_assigns(env, qtbot):
    store, info, page, _ = env
    _as(store, "chihuy")
    store.execute("DELETE FROM officer_areas")
    dialog = PeopleWorklistDialog(page.ctx, page)
    qtbot.addWidget(dialog)
    assert dialog.officer.count() == 0 and dialog.kind() == AGENCY
    assert dialog.assign_button.isEnabled()
    assign = AreaOfficersDialog(page.ctx, dialog, officer_id=info["officers"]["cskv2"])
    qtbot.addWidget(assign)
    assign.area.setCurrentIndex(assign.area.findData(info["areas"][1]))
    villages = [assign.villages.item(i) for i in range(assign.villages.count())]
    assert villages and {v.data(Qt.UserRole) for v in villages} >= {"Thôn Đông", "Khu phố 10"}
    chosen = sorted((info["areas"][1], v.data(Qt.UserRole)) for v in villages[:2])
    for item in villages[:2]:
        item.setCheckState(Qt.Checked)
    assign.save()
    assert sorted(area_officers.villages_of(store, info["officers"]["cskv2"])) == chosen
    qtbot.waitUntil(lambda: dialog.officer.count() == 1)
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'campaign.officer_area'") >= 2


def test_intake_officer_cannot_open_assignments(env):
    _, _, page, _ = env
    page.people.open_worklists()
    assert not page.people.worklist_dialog.assign_button.isEnabled()
