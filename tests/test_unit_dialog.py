"""The "Đơn vị & địa bàn" dialog: province, ticking wards with the filter box, typed and file areas."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from models.registry import units
from ui.context import AppContext
from ui.dialogs.unit_dialog import CODE_ROLE, UnitDialog


@pytest.fixture
def ctx(fresh_store):
    context = AppContext.create(fresh_store)
    yield context
    context.changes.detach()


def _item(dialog, code):
    return next(i for i in dialog.items() if i.data(CODE_ROLE) == code)


def test_pick_province_filter_tick_and_save(ctx, qtbot, tmp_path):
    dialog = UnitDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Công an phường Rạch Giá")
    dialog.parent_name.setText("Công an tỉnh An Giang")
    dialog.province.setCurrentIndex(dialog.province.findData("91"))
    assert dialog.list.count() == 102 and dialog.place_name.text() == "An Giang"
    qtbot.keyClicks(dialog.filter, "rach gia")  # no diacritics needed
    shown = [i for i in dialog.items() if not i.isHidden()]
    assert [i.data(CODE_ROLE) for i in shown] == ["30742"]
    shown[0].setCheckState(Qt.Checked)
    dialog.filter.clear()
    _item(dialog, "30760").setCheckState(Qt.Checked)
    assert dialog.count.text() == "Đã chọn 2 địa bàn"
    qtbot.keyClicks(dialog.add_code, "KP5")
    dialog.add_name.insert("Khu phố 5 (tự đặt)")
    dialog.add_typed_area()
    area_file = tmp_path / "dia_ban.csv"
    area_file.write_text("Mã,Tên\n30769,Phường Hà Tiên\nAB1,Ấp Bến Nhứt\n", encoding="utf-8")
    assert dialog.load_file(str(area_file)) == 2
    assert dialog.count.text() == "Đã chọn 5 địa bàn"
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    unit = units.current_unit(ctx.store)
    assert unit["name"] == "Công an phường Rạch Giá" and unit["province_code"] == "91"
    assert {a["code"] for a in units.unit_areas(ctx.store)} == {"30742", "30760", "KP5", "30769", "AB1"}


def test_reopening_shows_ticked_areas_and_untick_saves(ctx, qtbot):
    wards = {w.code: w for w in units.official_wards("91")}
    unit_id = units.save_unit(ctx.store, {"name": "Công an xã Hòn Đất", "province_code": "91"})
    units.set_unit_areas(ctx.store, unit_id, [wards["30817"], wards["30823"]])
    dialog = UnitDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.checked_codes() == {"30817", "30823"} and dialog.name.text() == "Công an xã Hòn Đất"
    _item(dialog, "30823").setCheckState(Qt.Unchecked)
    dialog.save()
    assert [a["code"] for a in units.unit_areas(ctx.store)] == ["30817"]
    assert units.current_unit(ctx.store)["id"] == unit_id


def test_saving_without_areas_is_refused(ctx, qtbot):
    from PySide6.QtWidgets import QApplication, QMessageBox

    dialog = UnitDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.name.setText("Công an xã Thổ Châu")
    dialog.save()
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible())
    assert "ít nhất một" in box.text()
    assert units.current_unit(ctx.store) is None
    box.done(QMessageBox.Ok)


def test_areas_chosen_from_the_divisions_before_the_merger(ctx, qtbot):
    """«Danh mục tại ngày» before 1/7/2025: old communes with their districts; ticking one ticks the current
    commune it went into, and the unit saves current communes only."""
    import datetime as dt

    from PySide6.QtCore import QDate

    from ui.dialogs.unit_dialog import NEW_ROLE

    dialog = UnitDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("Công an thành phố Rạch Giá (cũ)")
    dialog.province.setCurrentIndex(dialog.province.findData("91"))
    assert dialog.division_date.date().toPython() == dt.date(2025, 7, 1)  # the test clock is in January 2025
    _item(dialog, "30316").setCheckState(Qt.Checked)  # Phường Châu Đốc, ticked in the current list
    dialog.division_date.setDate(QDate(2025, 3, 13))
    assert "Danh mục cũ" in dialog.division_note.text()
    assert dialog.list.count() > 250  # the old communes of An Giang and Kiên Giang
    qtbot.keyClicks(dialog.filter, "thanh pho rach gia")
    shown = [i for i in dialog.items() if not i.isHidden()]
    assert len(shown) == 11 and all("Thành phố Rạch Giá" in i.text() for i in shown)
    vinh_thanh_van = next(i for i in shown if i.data(CODE_ROLE) == "30742")
    assert "→ nay: Phường Rạch Giá" in vinh_thanh_van.text()
    vinh_thanh_van.setCheckState(Qt.Checked)
    rach_gia_old = [i for i in shown if i.data(NEW_ROLE) == ["30742"]]
    assert len(rach_gia_old) == 9 and all(i.checkState() == Qt.Checked for i in rach_gia_old)  # one ward now
    assert dialog.checked_codes() == {"30316", "30742"}
    dialog.filter.clear()
    # the old Xã Vĩnh Châu was split: ticking it adds both Phường Châu Đốc and Phường Vĩnh Tế
    vinh_chau = next(i for i in dialog.items() if i.text().startswith("Xã Vĩnh Châu, Thành phố Châu Đốc"))
    vinh_chau.setCheckState(Qt.Checked)
    assert dialog.checked_codes() == {"30316", "30325", "30742"}
    assert dialog.count.text() == "Đã chọn 3 địa bàn (xã, phường hiện hành)"
    vinh_chau.setCheckState(Qt.Unchecked)
    assert dialog.checked_codes() == {"30742"}
    with qtbot.waitSignal(dialog.accepted):
        dialog.save()
    assert [(a["code"], a["name"]) for a in units.unit_areas(ctx.store)] == [("30742", "Phường Rạch Giá")]
    # back to today's list: the current commune is ticked
    again = UnitDialog(ctx)
    qtbot.addWidget(again)
    assert again.checked_codes() == {"30742"} and _item(again, "30742").checkState() == Qt.Checked
