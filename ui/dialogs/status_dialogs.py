"""The small dialogs that confirm a dossier's status change with what it needs (issue 13, item 2).

* ``ConfirmMoveDialog``: a plain confirmation ("Xác nhận đã xác minh", "Đã kích hoạt", …): what the move
  means, «Xác nhận» is the default button (Enter), «Thôi» the Esc button.
* ``PapersRequestDialog``: "Yêu cầu bổ sung giấy tờ": the papers missing, ticked from the TK02 papers list
  (Space ticks the current line), plus any other paper typed in; «Xác nhận» stays disabled until one is
  chosen. The request-for-papers slip lists them.
* ``IssueDialog``: "Đã cấp tài khoản": the account's identifier and the day it was issued (not after today,
  not before the dossier was received); for an intake officer the same dialog makes a proposal.
* ``ReasonDialog`` (``reason_dialog.py``) asks the reason of a refusal, a cancellation, an undo, a rejection.

All are opened with ``open()`` (not ``exec()``) by the dossier screen, which keeps a reference
(``DossierView.step_dialog``) so that tests can drive them. Texts in Vietnamese.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.text.normalize import clean
from ui.widgets.date_edits import DateEdit


def _buttons(dialog: QDialog, ok_text: str = "&Xác nhận") -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    buttons.button(QDialogButtonBox.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.Cancel).setText("&Thôi")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ConfirmMoveDialog(QDialog):
    """A yes/no confirmation of one move, with a sentence saying what it does."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None, *, ok_text: str = "&Xác nhận"):
        super().__init__(parent)
        self.setObjectName("confirmMoveDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(420)
        layout.addWidget(self.label)
        self.buttons = _buttons(self, ok_text)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setDefault(True)
        layout.addWidget(self.buttons)
        self.ok_button.setFocus()


class PapersRequestDialog(QDialog):
    """Choose the missing papers from the TK02 list (and/or type another)."""

    def __init__(self, title: str, papers: list[str], parent: QWidget | None = None, *,
                 already: list[str] | None = None):
        super().__init__(parent)
        self.setObjectName("papersRequestDialog")
        self.setWindowTitle(title)
        self.resize(640, 380)
        layout = QVBoxLayout(self)
        prompt = QLabel("Giấy tờ người nộp cần &bổ sung (Space để chọn; phiếu yêu cầu sẽ ghi đúng các giấy tờ này, "
                        "thời hạn giải quyết tạm dừng đến khi nhận đủ):")
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        self.list = QListWidget()
        self.list.setObjectName("papersList")
        chosen = set(already or ())
        for paper in papers:
            item = QListWidgetItem(paper)
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if paper in chosen else Qt.Unchecked)
            self.list.addItem(item)
        prompt.setBuddy(self.list)
        layout.addWidget(self.list, 1)
        form = QFormLayout()
        self.other = QLineEdit()
        self.other.setObjectName("otherPaper")
        self.other.setPlaceholderText("ví dụ: Bản sao điều lệ hợp tác xã")
        form.addRow("Giấy tờ &khác:", self.other)
        layout.addLayout(form)
        self.buttons = _buttons(self)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        layout.addWidget(self.buttons)
        self.list.itemChanged.connect(self._update)
        self.other.textChanged.connect(self._update)
        self._update()
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.setFocus()

    def missing_papers(self) -> list[str]:
        out = [self.list.item(i).text() for i in range(self.list.count())
               if self.list.item(i).checkState() == Qt.Checked]
        other = clean(self.other.text())
        if other and other not in out:
            out.append(other)
        return out

    def _update(self, *_args) -> None:
        self.ok_button.setEnabled(bool(self.missing_papers()))

    def accept(self) -> None:
        if self.missing_papers():
            super().accept()


class IssueDialog(QDialog):
    """The account's identifier and the day it was issued; ``propose`` says the leader still has to approve."""

    def __init__(self, title: str, parent: QWidget | None = None, *, today: dt.date, received_on: dt.date,
                 propose: bool = False):
        super().__init__(parent)
        self.setObjectName("issueDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        text = ("Đề xuất chỉ huy duyệt: hồ sơ sẽ ở trạng thái «chờ chỉ huy duyệt» đến khi chỉ huy duyệt." if propose
                else "Ghi định danh của tài khoản định danh điện tử đã được cấp cho tổ chức trên hệ thống.")
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.account = QLineEdit()
        self.account.setObjectName("accountId")
        self.account.setMaxLength(64)
        self.account.setPlaceholderText("định danh tài khoản trên VNeID")
        form.addRow("&Định danh tài khoản:", self.account)
        self.date = DateEdit()
        self.date.setObjectName("accountDate")
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.date.setDateRange(_qdate(min(received_on, today)), _qdate(today))
        self.date.setDate(_qdate(today))
        form.addRow("&Ngày cấp:", self.date)
        layout.addLayout(form)
        self.buttons = _buttons(self, "&Gửi đề xuất" if propose else "&Xác nhận")
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setDefault(True)
        layout.addWidget(self.buttons)
        self.account.textChanged.connect(lambda: self.ok_button.setEnabled(bool(self.account_id())))
        self.ok_button.setEnabled(False)
        self.account.setFocus()

    def account_id(self) -> str:
        return clean(self.account.text())

    def account_date(self) -> dt.date:
        d = self.date.date()
        return dt.date(d.year(), d.month(), d.day())

    def accept(self) -> None:
        if self.account_id():
            super().accept()
