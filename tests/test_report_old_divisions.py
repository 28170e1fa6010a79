"""Reports of periods before 1 July 2025 may name the communes as they were then (issue 13, item 5)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest

from exporters.report_pdf import render_report_pdf
from models.core.errors import PermissionDenied, UserError
from models.registry import units
from models.reports import old_divisions
from models.reports.period import week_ending
from models.reports.weekly import collect_report
from models.security import auth

D = dt.date


@pytest.fixture
def store(fresh_store):
    unit_id = units.save_unit(fresh_store, {"name": "Công an phường Rạch Giá", "parent_name": "Công an tỉnh An Giang",
                                            "province_code": "91"})
    wards = {w.code: w for w in units.official_wards("91")}
    units.set_unit_areas(fresh_store, unit_id, [wards["30742"], wards["30316"], {"code": "KP5", "name": "Khu phố 5"}])
    return fresh_store


def _labels(data) -> dict[str, str]:
    return {r.key: r.label for r in data.areas}


def test_current_names_by_default_old_names_by_period_when_chosen(store):
    before = week_ending(D(2025, 1, 8))
    assert _labels(collect_report(store, before))["30742"] == "Phường Rạch Giá"
    old_divisions.set_division_names(store, "auto")
    labels = _labels(collect_report(store, before))
    rach_gia = labels["30742"]
    assert rach_gia.startswith("P. An Bình, P. An Hòa, P. Rạch Sỏi") and rach_gia.endswith("(nay: Phường Rạch Giá)")
    assert "P. Vĩnh Thanh Vân" in rach_gia and rach_gia.count("P. ") == 9
    # Phường Châu Đốc took part of the old Xã Vĩnh Châu (split with Vĩnh Tế)
    assert "X. Vĩnh Châu (một phần)" in labels["30316"]
    assert labels["KP5"] == "Khu phố 5"  # not an official commune: as typed
    after = week_ending(D(2025, 7, 9))
    assert _labels(collect_report(store, after))["30742"] == "Phường Rạch Giá"
    pdf = render_report_pdf(collect_report(store, before)).pdf
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert "P. Vĩnh Thanh Vân" in text and "(nay: Phường Rạch Giá)" in text


def test_the_setting_is_the_administrators(store):
    with pytest.raises(UserError):
        old_divisions.set_division_names(store, "old")
    auth.create_officer(store, "canbo1", "Lê Thị Hồng Nhung", "intake", "matkhau-canbo1")
    store.actor = auth.sign_in(store, "canbo1", "matkhau-canbo1")
    with pytest.raises(PermissionDenied):
        old_divisions.set_division_names(store, "auto")
    assert old_divisions.division_names(store) == "current"


def test_administrator_chooses_the_names_on_the_settings_tab(store, qtbot):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ui.context import AppContext
    from ui.pages.admin import AdminPage

    auth.create_first_admin(store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
    store.actor = auth.sign_in(store, "quantri", "matkhau-quantri")
    ctx = AppContext.create(store)
    try:
        page = AdminPage(ctx)
        qtbot.addWidget(page)
        page.load_settings()
        combo = page.division_names_combo
        assert combo.currentData() == "current"
        combo.setCurrentIndex(combo.findData("auto"))
        page.save_settings()
        assert old_divisions.division_names(store) == "auto"
        assert store.scalar("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%report_division_names%' "
                            "OR field = 'report_division_names'") >= 1
    finally:
        for box in [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]:
            box.done(0)
        ctx.changes.detach()
