"""The «Công dân» tab of «Chỉ tiêu & tiến độ»: the citizens' campaign next to the organizations' one."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QLabel

from models.campaigns import citizen_targets as ct
from models.campaigns.citizen_progress import citizen_progress
from models.campaigns.templates import create_citizen_campaign
from tests.progress_data import add_officer, setup_unit
from tests.test_citizen_progress import _population
from ui.context import AppContext


@pytest.fixture
def page(qtbot, fresh_store):
    from ui.pages.progress import ProgressPage

    s = fresh_store
    areas = setup_unit(s, 3)
    _population(s, areas, n=600, seed=4)
    cid = create_citizen_campaign(s, "ninh_thuan_80_ngay")
    officer = add_officer(s, "cskv", "Phạm Văn Địa")
    ct.assign_officer(s, officer, areas[0])
    ctx = AppContext.create(s)
    widget = ProgressPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget, s, cid
    ctx.changes.detach()


def test_citizen_tab_shows_the_engine_figures(page, qtbot):
    widget, s, cid = page
    assert widget.subjects.tabText(1) == "Công dân"
    widget.subjects.setCurrentIndex(1)
    panel = widget.citizens
    panel.set_as_of(dt.date(2023, 8, 10))
    expected = citizen_progress(s, cid, dt.date(2023, 8, 10))
    assert panel.campaign_combo.currentData() == cid
    assert panel.target_combo.count() == len(expected.targets) == 2
    model = panel.tables["commune"].model()
    rows = expected.targets[0].rows["commune"]
    assert model.rowCount() == len(rows) == 3
    assert [model.rows[i][1] for i in range(3)] == [r.label for r in rows]
    assert model.rows[0][3] == f"{rows[0].cumulative:,}".replace(",", ".")
    officer_rows = panel.tables["officer"].model().rows
    assert officer_rows[0][1] == "Phạm Văn Địa"
    assert "80 ngày, đêm" in panel.header.text() and "kể cả thứ Bảy" in panel.header.text()
    # the agencies' target: the charts switch to agencies
    panel.target_combo.setCurrentIndex(1)
    panel.target_combo.activated.emit(1)
    assert {v.objectName() for v in panel.chart_views} == {"citizenChart_agency", "citizenChart_enterprise"}


def test_a_new_activation_refreshes_the_tab(page, qtbot):
    widget, s, cid = page
    widget.subjects.setCurrentIndex(1)
    panel = widget.citizens
    panel.set_as_of(dt.date(2023, 8, 10))
    before = citizen_progress(s, cid, dt.date(2023, 8, 10)).targets[0].total.today
    pid = s.scalar("SELECT id FROM persons WHERE activated_on IS NULL AND area_code IS NOT NULL LIMIT 1")
    from models.core.changes import Kind, Table

    with s.atomic():
        s.execute("UPDATE persons SET activated_on = '2023-08-10' WHERE id = ?", (pid,))
        s.notify(Table.PERSONS, Kind.UPDATE, (pid,))
    texts = lambda: [label.text() for label in panel.cards.findChildren(QLabel)]   # noqa: E731
    qtbot.waitUntil(lambda: any(t.startswith(f"Hôm nay {before + 1} ") for t in texts()), timeout=3000)


def test_daily_summary_button_writes_the_pdf(page, qtbot, tmp_path, monkeypatch):
    import io

    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog, QPushButton

    widget, s, cid = page
    widget.subjects.setCurrentIndex(1)
    panel = widget.citizens
    panel.set_as_of(dt.date(2023, 8, 10))
    button = panel.findChild(QPushButton, "citizenDailyButton")
    assert button is not None and button.isVisible()
    target = tmp_path / "bao-cao-ngay.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    button.click()
    qtbot.waitUntil(target.exists, timeout=5000)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(target.read_bytes())).pages)
    expected = citizen_progress(s, cid, dt.date(2023, 8, 10)).targets[0].total.cumulative
    assert "10/08/2023" in text and f"{expected:,}".replace(",", ".") in text
    assert not list(tmp_path.glob("*.part*"))
