"""Qt's own texts in Vietnamese (resources/translations/qtbase_vi.ts → .qm, installed by ui.shell.app)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QLineEdit, QPlainTextEdit

from ui.shell.app import install_vietnamese_qt_strings

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "qtbase_vi.ts"
QM = ROOT / "resources" / "translations" / "qtbase_vi.qm"


@pytest.fixture
def vietnamese(qapp):
    """The translation conftest installs for every test (as ``create_application`` does)."""
    translator = install_vietnamese_qt_strings(qapp)
    assert translator is not None
    return translator


@pytest.fixture
def without_translation(qapp):
    """Qt as it ships, for one test; the translation is put back afterwards."""
    translator = install_vietnamese_qt_strings(qapp)
    qapp.removeTranslator(translator)
    del qapp._vietnamese_qt_strings
    yield
    install_vietnamese_qt_strings(qapp)


def _texts(menu) -> list[str]:
    return [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]


def test_text_box_menus_are_vietnamese(vietnamese, qtbot):
    line = QLineEdit("Công ty TNHH Sao Mai")
    qtbot.addWidget(line)
    assert _texts(line.createStandardContextMenu()) == [
        "&Hoàn tác", "&Làm lại", "&Cắt", "&Sao chép", "&Dán", "Xoá", "Chọn tất cả"]
    text = QPlainTextEdit("Ghi chú")
    qtbot.addWidget(text)
    assert "&Sao chép" in _texts(text.createStandardContextMenu())


def test_standard_buttons_are_vietnamese(vietnamese, qtbot):
    box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel | QDialogButtonBox.Yes
                           | QDialogButtonBox.No | QDialogButtonBox.Close)
    qtbot.addWidget(box)
    texts = {b.text() for b in box.buttons()}
    assert texts == {"Đồng ý", "Huỷ", "&Có", "&Không", "Đóng"}


def test_the_file_dialog_speaks_vietnamese(vietnamese, qtbot):
    dialog = QFileDialog(None, "Lưu báo cáo", str(ROOT))
    dialog.setOption(QFileDialog.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptSave)
    qtbot.addWidget(dialog)
    labels = {w.text() for w in dialog.findChildren(QLabel)}
    assert {"&Tìm trong:", "&Tên tệp:", "&Kiểu tệp:"} <= labels
    buttons = {b.text() for b in dialog.findChildren(QDialogButtonBox)[0].buttons()}
    assert buttons == {"&Lưu", "Huỷ"}


def test_without_it_qt_is_english(without_translation, qtbot):
    """Guards the tests above: the Vietnamese comes from our translation, not from somewhere else."""
    line = QLineEdit()
    qtbot.addWidget(line)
    assert "&Copy" in _texts(line.createStandardContextMenu())
    assert QApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_the_compiled_translation_matches_its_source(tmp_path):
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    out = tmp_path / "qtbase_vi.qm"
    subprocess.run([lrelease, str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == QM.read_bytes(), "run: pyside6-lrelease resources/translations/qtbase_vi.ts"


def test_the_application_installs_it_and_speaks_vietnamese_dates(without_translation, qtbot):
    from PySide6.QtCore import QDate, QLocale
    from PySide6.QtWidgets import QCalendarWidget, QToolButton

    from ui.shell.app import create_application

    app = QApplication.instance()
    before = QLocale()
    assert create_application() is app
    try:
        assert app._vietnamese_qt_strings is not None
        assert QApplication.translate("QPlatformTheme", "Cancel") == "Huỷ"
        assert QLocale().name() == "vi_VN"
        calendar = QCalendarWidget()
        qtbot.addWidget(calendar)
        calendar.setSelectedDate(QDate(2025, 3, 13))
        calendar.show()
        assert "Tháng 3" in [b.text() for b in calendar.findChildren(QToolButton)]
    finally:
        QLocale.setDefault(before)
