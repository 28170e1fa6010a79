"""Answering the «Thay đổi chưa lưu» question (``ui.dialogs.unsaved``) the way an officer would: the box is
modal and waits, so the answer is given from a timer running inside its event loop."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

BUTTONS = {"save": "saveChoice", "discard": "discardChoice", "stay": "stayChoice"}


class Answers:
    """Answers every question with the next of ``answers`` ("save", "discard", "stay", or "esc"/"enter"
    for the keys; «Ở lại» once they are used up) and records what each question said (``asked``: text,
    buttons, default, title). The latest one answers: creating one stops those made before."""

    _live: list["Answers"] = []

    def __init__(self, *answers: str):
        for earlier in Answers._live:
            earlier.stop()
        Answers._live[:] = [self]
        self.answers = list(answers)
        self.asked: list[dict] = []
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._check)
        self._timer.start()

    def _check(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() != "unsavedBox" or not widget.isVisible() or not isinstance(widget, QMessageBox):
                continue
            if any(entry["box"] is widget for entry in self.asked):
                continue
            self.asked.append({"box": widget, "text": widget.text(), "title": widget.windowTitle(),
                               "buttons": [b.text() for b in widget.buttons()],
                               "default": widget.defaultButton().objectName() if widget.defaultButton() else None})
            answer = self.answers.pop(0) if self.answers else "stay"
            if answer == "esc":
                QTest.keyClick(widget, Qt.Key_Escape)
            elif answer == "enter":
                QTest.keyClick(widget, Qt.Key_Return)
            else:
                button = widget.findChild(QPushButton, BUTTONS[answer])
                assert button is not None, f"no «{answer}» button in {self.asked[-1]['buttons']}"
                button.click()

    @property
    def count(self) -> int:
        return len(self.asked)

    def stop(self) -> None:
        self._timer.stop()

    @classmethod
    def stop_all(cls) -> None:
        for answers in cls._live:
            answers.stop()
        cls._live.clear()
