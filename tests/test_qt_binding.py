"""Guards against a Qt binding that miscounts references to None.

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` on every call of a Qt method that
returns nothing; after a few thousand calls the interpreter aborts ("none_dealloc"). Python 3.12+
makes None immortal, so it only shows on 3.11. requirements.txt pins a release without the bug; this
test fails if an upgrade brings it back.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLineEdit


def test_qt_calls_do_not_leak_or_steal_references_to_none(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    before = sys.getrefcount(None)
    for _ in range(2000):
        edit.setText("Nguyễn Đức")
        edit.setStyleSheet("")
    assert sys.getrefcount(None) - before >= -10
