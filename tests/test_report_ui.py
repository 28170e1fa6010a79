"""The reports page driven like an officer: period, texts, preview, issue, register, reopen, reprint."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pypdf
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMainWindow, QMessageBox

from models.core.store import Actor
from services.reports import ReportForm, issue_report
from tests.factories.reports import make_campaign, make_dossiers, make_unit
from ui.context import AppContext
from ui.pages.reports import ReportsPage
from ui.widgets.report_deadline import install_deadline_banner

LEADER = Actor(1, "system", "Hệ thống", "system")


@pytest.fixture
def ctx(fresh_store, qtbot):
    codes = make_unit(fresh_store, 10)
    make_dossiers(fresh_store, codes, 150, dt.date(2024, 12, 30), dt.date(2025, 1, 8))
    make_campaign(fresh_store, codes)
    context = AppContext.create(fresh_store)
    yield context
    context.changes.detach()
    for box in [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]:
        box.close()


@pytest.fixture
def page(ctx, qtbot):
    widget = ReportsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 900)
    widget.show()
    return widget


def _type(widget, text: str) -> None:
    """Type Vietnamese text key by key (QTest.keyClicks only knows ASCII and aborts on "ư")."""
    widget.setFocus()
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.NoModifier, ch))


def _wait(qtbot, page):
    qtbot.waitUntil(lambda: page.last_op is not None and not page.last_op.is_running(), timeout=20000)
    qtbot.wait(50)
    assert page.last_op.error is None, page.last_op.error


def test_defaults_follow_the_thursday_deadline(page):
    assert page.week_end.date().toString("dd/MM/yyyy") == "08/01/2025"
    assert "Từ 02/01/2025 đến 08/01/2025; hạn nộp 14:00 09/01/2025" == page.period_hint.text()
    assert page.number.value() == 1
    assert page.signer_authority.text() == "KT. TRƯỞNG CÔNG AN"
    assert page.banner.state == "late" and "26/12/2024–01/01/2025" in page.banner.text()
    assert page.issue_button.isEnabled()


def test_preview_issue_reopen_and_reprint(page, qtbot, tmp_path, monkeypatch):
    page.tabs.setCurrentIndex(1)
    assert page.register_empty.isVisible() and "Chưa ban hành báo cáo nào" in page.register_empty.text()
    assert not page.reopen_button.isEnabled() and not page.reprint_button.isEnabled()
    page.tabs.setCurrentIndex(0)
    _type(page.difficulties, "Người đại diện ở xa, chưa có tài khoản mức 2")
    _type(page.signer_name, "Thượng tá Lê Thị Ửng")
    qtbot.keyClick(page, Qt.Key_F5)
    _wait(qtbot, page)
    assert page.preview_widget.page_count() == page.current.pages >= 2
    assert page.current.data.difficulties == "Người đại diện ở xa, chưa có tài khoản mức 2"
    assert f"tổng trong kỳ {page.current.data.group_total.this_week}" in page.status.text()
    preview_sha = page.current.sha256

    target = tmp_path / "bao-cao" / "bc-1.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    qtbot.mouseClick(page.issue_button, Qt.LeftButton)
    _wait(qtbot, page)
    assert target.exists()
    reader = pypdf.PdfReader(target)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Số: 1/BC-CAH" in text and "Thượng tá Lê Thị Ửng" in text
    # the preview showed exactly the bytes that were issued (same number, same data)
    assert page.current.sha256 == preview_sha
    assert page.ctx.store.scalar("SELECT sha256 FROM reports") == hashlib.sha256(target.read_bytes()).hexdigest()
    qtbot.waitUntil(lambda: page.register_model.rowCount() == 1)
    assert page.register_model.text(0, 0) == "1/BC-CAH"
    assert page.register_model.text(0, 6) == "Đúng hạn"  # 09:30 < 14:00
    assert page.register_model.text(0, 5) == "09/01/2025 09:30"  # dd/mm/yyyy, not the ISO text
    sha_cell = page.register_model.index(0, 8)
    assert page.register_model.data(sha_cell, Qt.ToolTipRole) == page.current.sha256  # the whole digest
    assert not page.register_empty.isVisible() and page.reopen_button.isEnabled()
    assert page.number.value() == 2
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert any("Đã ban hành báo cáo Số: 1/BC-CAH" in b.text() for b in boxes)

    # reopen from the register: the stored bytes and the texts come back
    page.difficulties.clear()
    page.register_table.selectRow(0)
    qtbot.mouseClick(page.reopen_button, Qt.LeftButton)
    assert page.current.pdf == target.read_bytes()
    assert page.difficulties.toPlainText() == "Người đại diện ở xa, chưa có tài khoản mức 2"
    assert page.tabs.currentIndex() == 0

    # reprint through the (real) print dialog, accepted, printing to a PDF file
    printed = tmp_path / "printed.pdf"

    def accept(dialog):
        dialog.printer().setOutputFileName(str(printed))
        return QDialog.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    page.tabs.setCurrentIndex(1)
    page.register_table.selectRow(0)
    assert page.reprint_selected() == len(reader.pages)
    assert len(pypdf.PdfReader(printed).pages) == len(reader.pages)
    actions = [r["action"] for r in page.ctx.store.query("SELECT action FROM audit_log WHERE object_type = 'report'")]
    assert actions == ["report.issue", "report.view", "report.reprint"]
    assert page.save_copy_selected(tmp_path / "copy.pdf").read_bytes() == target.read_bytes()
    copied = page.ctx.store.query_one("SELECT detail FROM audit_log WHERE action = 'report.copy'")
    assert str(tmp_path / "copy.pdf") in copied["detail"]  # the copy is logged with where it went

    # a second issue for the same week asks first; "No" leaves the register alone
    monkeypatch.setattr("ui.pages.reports.ask_yes_no", lambda *a, **k: False)
    assert page.issue(tmp_path / "again.pdf") is None
    assert page.ctx.store.scalar("SELECT COUNT(*) FROM reports") == 1


def test_intake_officer_can_only_save_drafts(ctx, qtbot, tmp_path):
    ctx.store.actor = Actor(2, "canbo", "Cán bộ Nguyễn Thị Ơn", "intake")
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    assert not page.issue_button.isEnabled()
    draft = tmp_path / "nhap.pdf"
    page.save_draft(draft)
    _wait(qtbot, page)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(draft.read_bytes())).pages)
    assert "BÁO CÁO" in text and "Số: 1/" not in text
    assert ctx.store.scalar("SELECT COUNT(*) FROM reports") == 0


def test_phase_review_and_excel(page, qtbot, tmp_path):
    page.kind.setCurrentIndex(page.kind.findData("phase"))
    assert page.review_title.isVisible() and not page.week_end.isVisible()
    page.start_date.setDate(page.start_date.date().addDays(-3))
    _type(page.review_title, "giai đoạn 1")
    page.preview()
    _wait(qtbot, page)
    assert "sơ kết giai đoạn 1" in page.current.data.subject
    page.save_xlsx(tmp_path / "bc.xlsx")
    _wait(qtbot, page)
    assert (tmp_path / "bc.xlsx").stat().st_size > 0


def test_status_bar_banner(ctx, qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.statusBar()
    banner = install_deadline_banner(window, ctx)
    window.show()
    assert banner.state == "late" and banner.isVisible()
    assert "chưa ban hành" in banner.text()
    ctx.store.clock.set(2025, 1, 3, 9, 0)  # Friday: last week's report not needed any more… but was it sent?
    banner.refresh()
    assert banner.state == "late"
    ctx.store.clock.set(2024, 12, 27, 9, 0)  # the day after a deadline whose week had no dossiers at all
    from exporters.report_pdf import render_report_pdf
    from models.reports.period import get_settings, week_ending
    from models.reports.register import issue_report
    from models.reports.weekly import collect_report

    period = week_ending(dt.date(2024, 12, 25), get_settings(ctx.store))
    data = collect_report(ctx.store, period, number=1)
    rendered = render_report_pdf(data)
    with qtbot.waitSignal(ctx.changes.changed, timeout=5000):
        issue_report(ctx.store, data, rendered.pdf, rendered.pages, due_at=period.due_at)
    assert banner.state == "upcoming" and not banner.isVisible()


def test_after_the_deadline_the_late_week_comes_first(ctx, qtbot, clock):
    clock.set(2025, 1, 9, 15, 0)  # Thursday after 14:00: the report of 02/01–08/01 is now late
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.banner.state == "late" and "02/01/2025–08/01/2025" in page.banner.text()
    assert page.week_end.date().toString("dd/MM/yyyy") == "08/01/2025"  # not the week ending 15/01, still running
    assert page.period_hint.text() == "Từ 02/01/2025 đến 08/01/2025; hạn nộp 14:00 09/01/2025"


def test_preview_fits_the_pane_and_numbers_have_thousand_separators(page, qtbot):
    preview = page.preview_widget
    assert preview.empty_label.isVisible() and "Xem trước" in preview.empty_label.text()
    qtbot.keyClick(page, Qt.Key_F5)
    _wait(qtbot, page)
    assert not preview.empty_label.isVisible()
    width = preview.viewport().width()
    assert all(label.pixmap().width() <= width for label in preview.page_labels)  # no sideways scrolling
    first = preview.page_labels[0].pixmap().width()
    page.resize(1600, 900)
    qtbot.waitUntil(lambda: preview.page_labels[0].pixmap().width() > first)
    # a cumulative count over 999 is written the Vietnamese way
    data = page.current.data
    data.group_total.cumulative = 12345
    page._show_generated(page.current)
    assert "lũy kế 12.345" in page.status.text()


def _error_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() == "errorBox"]


def test_a_refused_number_leaves_no_file_at_the_chosen_path(page, qtbot, tmp_path, monkeypatch):
    """Number 1 of 2025 is already used (for another week): issuing with it is refused by the register,
    and the PDF the officer chose to write must not appear, nor any partial file beside it."""
    store = page.ctx.store
    from models.reports.period import get_settings, week_ending

    earlier = week_ending(dt.date(2025, 1, 1), get_settings(store))
    issue_report(store, earlier, ReportForm(doc_date=dt.date(2025, 1, 2)), 1)  # register only, no file
    page.number.setValue(1)
    chosen = tmp_path / "bao-cao" / "bc-so-1.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(chosen), "PDF (*.pdf)"))
    qtbot.mouseClick(page.issue_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.last_op is not None and not page.last_op.is_running(), timeout=20000)
    qtbot.waitUntil(lambda: bool(_error_boxes()), timeout=5000)
    assert "Số 1 năm 2025 đã dùng" in page.last_op.error.args[0]
    assert any("Số 1 năm 2025 đã dùng" in box.text() for box in _error_boxes())  # Vietnamese, no traceback
    assert not chosen.exists()
    assert list(chosen.parent.glob("*")) == []  # no partial file either
    assert store.scalar("SELECT COUNT(*) FROM reports") == 1


def test_next_week_letterhead_and_word_copy_from_the_page(page, qtbot, tmp_path, monkeypatch):
    """Issue 12: next week's tasks typed on the page reach the PDF and the Word copy ("Xuất Word…"); the
    letterhead fields show the parent body over the issuing body; a signer of another body asks first."""
    assert (page.parent_body.text(), page.issuing_body.text(), page.symbol.text()) == (
        "Công an tỉnh Kiên Giang", "Công an huyện Châu Thành", "BC-CAH")
    assert page.recipients.toPlainText().splitlines() == ["Lãnh đạo Công an tỉnh Kiên Giang (để báo cáo);",
                                                          "Lưu: VT, CAH."]
    _type(page.next_week, "Rà soát các tổ chức nhóm 4 ở xã Ơn Lợi")
    target = tmp_path / "bc.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Word (*.docx)"))
    qtbot.mouseClick(page.docx_button, Qt.LeftButton)
    _wait(qtbot, page)
    import docx

    paragraphs = [p.text for p in docx.Document(str(target)).paragraphs]
    assert paragraphs[paragraphs.index("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TUẦN TỚI") + 1] == \
        "Rà soát các tổ chức nhóm 4 ở xã Ơn Lợi"
    assert "Đã xuất Word" in page.status.text()

    page.signer_authority.setText("KT. TRƯỞNG PHÒNG")
    qtbot.keyClick(page, Qt.Key_F5)
    _wait(qtbot, page)
    assert "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TUẦN TỚI" in " ".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(page.current.pdf)).pages)
    assert "Lưu ý: Người ký «KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG CÔNG AN»" in page.status.text()
    asked = []
    monkeypatch.setattr("ui.pages.reports.ask_yes_no", lambda _parent, title, text: asked.append(text) or False)
    assert page.issue(tmp_path / "bc.pdf") is None
    assert "không thuộc cơ quan ban hành «Công an huyện Châu Thành»" in asked[0]
    assert page.ctx.store.scalar("SELECT COUNT(*) FROM reports") == 0 and not (tmp_path / "bc.pdf").exists()


def test_the_deadline_banner_outliving_its_store_stops_quietly(qtbot, tmp_path):
    """A banner whose session closed its store must not query it on its next minute tick (seen as a
    «Cannot operate on a closed database» error raised into whichever test ran next)."""
    from models.core.store import Store
    from ui.context import AppContext
    from ui.widgets.report_deadline import DeadlineBanner

    store = Store(tmp_path / "db.sqlite")
    ctx = AppContext.create(store)
    banner = DeadlineBanner(ctx)
    qtbot.addWidget(banner)
    store.close()
    banner.refresh()  # the timer's tick
    assert not banner._timer.isActive()
    ctx.changes.detach()
