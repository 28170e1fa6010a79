"""Quản trị → Ngày nghỉ, làm bù: the official days and the unit's own shown apart, edited like an officer would."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from models.dossiers import calendar as wd
from models.security import auth
from ui.context import AppContext
from ui.pages import admin as admin_module


@pytest.fixture
def page(fresh_store, clock, qtbot):
    clock.set(2026, 1, 5, 8, 0)
    auth.create_first_admin(fresh_store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
    fresh_store.actor = auth.sign_in(fresh_store, "quantri", "matkhau-quantri")
    ctx = AppContext.create(fresh_store)
    widget = admin_module.AdminPage(ctx)
    qtbot.addWidget(widget)
    widget.tabs.setCurrentIndex(3)
    yield widget
    ctx.changes.detach()


def _rows(page) -> dict[str, list[str]]:
    model = page.days_model
    return {f"{model.text(r, 0)} {model.text(r, 2)}": [model.text(r, c) for c in range(model.columnCount())]
            for r in range(model.rowCount())}


def test_the_year_lists_official_days_with_their_documents(page):
    assert page.tabs.tabText(3) == "Ngày ng&hỉ, làm bù" and page.year_spin.value() == 2026
    rows = _rows(page)
    assert rows["02/01/2026 Nghỉ"][1:5] == ["Thứ sáu", "Nghỉ", "Nghỉ hoán đổi Tết Dương lịch (làm bù thứ Bảy 10/01/2026)",
                                          "Chính thức"]
    assert "12729/VPCP-KGVX" in rows["02/01/2026 Nghỉ"][5]
    assert rows["10/01/2026 Làm bù"][1] == "Thứ bảy"
    page.year_spin.setValue(2027)
    assert all(r[4] == "Chính thức (tạm tính)" for r in _rows(page).values())


def test_the_units_own_days_are_added_renamed_removed_and_restored_apart(page, qtbot, monkeypatch):
    store = page.ctx.store

    def fill(day, kind, name):
        def exec_(dialog):
            if not dialog.day.isReadOnly():
                dialog.day.setText(day)
                dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
            dialog.name.setText(name)
            return admin_module.QDialog.Accepted
        monkeypatch.setattr(admin_module.DayDialog, "exec", exec_)

    fill("15/06/2026", "holiday", "Nghỉ theo quyết định của UBND tỉnh")
    qtbot.mouseClick(page.add_day_button, Qt.LeftButton)
    assert _rows(page)["15/06/2026 Nghỉ"][4] == "Đơn vị thêm"
    assert not wd.is_working_day(store, dt.date(2026, 6, 15))

    page.select_day("holiday", "2026-04-27")
    fill("", "holiday", "Nghỉ bù Giỗ Tổ (theo công văn tỉnh)")
    qtbot.mouseClick(page.rename_day_button, Qt.LeftButton)
    renamed = _rows(page)["27/04/2026 Nghỉ"]
    assert renamed[3] == "Nghỉ bù Giỗ Tổ (theo công văn tỉnh)"
    assert renamed[4] == "Đơn vị sửa tên (chính thức: Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch))"

    monkeypatch.setattr(admin_module, "ask_yes_no", lambda *a, **k: True)
    page.select_day("holiday", "2026-08-31")
    qtbot.mouseClick(page.remove_day_button, Qt.LeftButton)
    assert _rows(page)["31/08/2026 Nghỉ"][4].startswith("Đơn vị bỏ")
    assert wd.is_working_day(store, dt.date(2026, 8, 31))
    # Own days are coloured, official ones are not.
    row = page.days_model.row_of(("holiday", "2026-08-31"))
    assert page._day_colour(row, 0) == admin_module.DAY_COLOURS["removed"]
    assert page._day_colour(page.days_model.row_of(("holiday", "2026-01-02")), 0) is None

    qtbot.mouseClick(page.restore_day_button, Qt.LeftButton)
    assert _rows(page)["31/08/2026 Nghỉ"][4] == "Chính thức"
    assert not wd.is_working_day(store, dt.date(2026, 8, 31))
