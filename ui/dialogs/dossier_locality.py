"""The dossier's cross-locality tab: the verification requests sent to other units (overdue ones in red
with the days late), sending a new one (answer date proposed from the send date), recording an answer."""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.core.store import Store
from models.dossiers import locality_requests
from models.text.vn_format import date_text
from ui.ops import show_error
from ui.tables.tip_rows_model import TipRowsModel, detail_table
from ui.widgets.date_edits import DateEdit

HEADERS = ["Gửi đơn vị", "Ngày gửi", "Hình thức", "Hạn trả lời", "Ngày trả lời", "Kết quả", "Ghi chú"]
OVERDUE_COLOUR = "#b3261e"


def _date_edit(name: str) -> DateEdit:
    edit = DateEdit()
    edit.setObjectName(name)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    return edit


class LocalityPanel(QWidget):
    """Writes go to the dossier screen through ``write``: (the model call, the title of its error box,
    what to do once it succeeded or None); the screen runs it and reloads."""

    write = Signal(object, str, object)

    def __init__(self, store: Store, dossier_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.dossier_id = dossier_id
        layout = QVBoxLayout(self)
        self.model = TipRowsModel(HEADERS)
        self.table = detail_table("localityRequests", self.model, (220, 90, 110, 150, 100, 170))
        layout.addWidget(self.table, 1)
        layout.addWidget(self._build_send_box())
        layout.addWidget(self._build_answer_box())

    def _build_send_box(self) -> QGroupBox:
        send = QGroupBox("Gửi đề nghị xác minh")
        form = QFormLayout(send)
        self.req_unit = QLineEdit()
        self.req_unit.setObjectName("requestUnit")
        self.req_unit.setPlaceholderText("Ví dụ: Công an xã Minh Lương")
        self.req_method = QComboBox()
        self.req_method.setObjectName("requestMethod")
        self.req_method.addItems(locality_requests.METHODS)
        self.req_sent = _date_edit("requestSent")
        self.req_due = _date_edit("requestDue")
        self.req_sent.dateChanged.connect(self._update_default_due)
        self.req_note = QLineEdit()
        self.req_note.setObjectName("requestNote")
        self.req_button = QPushButton("Gửi đề nghị")
        self.req_button.setObjectName("requestButton")
        self.req_button.setAutoDefault(False)
        self.req_button.clicked.connect(self.send_request)
        form.addRow("Đơn vị được đề nghị", self.req_unit)
        form.addRow("Hình thức", self.req_method)
        form.addRow("Ngày gửi", self.req_sent)
        form.addRow("Hạn trả lời", self.req_due)
        form.addRow("Ghi chú", self.req_note)
        form.addRow("", self.req_button)
        return send

    def _build_answer_box(self) -> QGroupBox:
        answer = QGroupBox("Kết quả trả lời (chọn yêu cầu ở bảng trên)")
        row = QHBoxLayout(answer)
        self.ans_result = QComboBox()
        self.ans_result.setObjectName("answerResult")
        for code, label in locality_requests.RESULTS.items():
            self.ans_result.addItem(label, code)
        self.ans_date = _date_edit("answerDate")
        self.ans_note = QLineEdit()
        self.ans_note.setObjectName("answerNote")
        self.ans_note.setPlaceholderText("Ghi chú")
        self.ans_button = QPushButton("Ghi kết quả")
        self.ans_button.setObjectName("answerButton")
        self.ans_button.setAutoDefault(False)
        self.ans_button.clicked.connect(self.record_answer)
        row.addWidget(self.ans_result, 2)
        row.addWidget(self.ans_date)
        row.addWidget(self.ans_note, 2)
        row.addWidget(self.ans_button)
        return answer

    # ---- filling -----------------------------------------------------------------------------------
    def fill(self, is_open: bool) -> None:
        rows, ids, colours = [], [], {}
        for r, req in enumerate(locality_requests.requests_for(self.store, self.dossier_id)):
            due = date_text(req["due_on"])
            if req["overdue"]:
                colours[r] = OVERDUE_COLOUR
                due = f"{due} (quá {req['days_late']} ngày)"
            rows.append([req["to_unit"], date_text(req["sent_on"]), req["method"], due,
                         date_text(req["answered_on"]), req["result_label"], req["note"] or ""])
            ids.append(req["id"])
        self.model.set_rows(rows, ids, row_colours=colours)
        if rows:
            self.table.selectRow(len(rows) - 1)
        today = QDate(self.store.today())
        self.req_sent.setDate(today)
        self.ans_date.setDate(today)
        self._update_default_due()
        for widget in (self.req_button, self.ans_button):
            widget.setEnabled(is_open)

    def _update_default_due(self) -> None:
        sent = self.req_sent.date().toPython()
        self.req_due.setDate(QDate(locality_requests.default_due(self.store, sent)))

    def selected_request(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.keys[index.row()] if index.isValid() else None

    # ---- writing -----------------------------------------------------------------------------------
    def send_request(self) -> None:
        values = dict(to_unit=self.req_unit.text(), method=self.req_method.currentText(),
                      sent_on=self.req_sent.date().toPython(), due_on=self.req_due.date().toPython(),
                      note=self.req_note.text())
        self.write.emit(lambda: locality_requests.create_request(self.store, self.dossier_id, **values),
                        "Chưa gửi được đề nghị xác minh", self._clear_request)

    def _clear_request(self) -> None:
        self.req_unit.clear()
        self.req_note.clear()

    def record_answer(self) -> None:
        request_id = self.selected_request()
        if request_id is None:
            show_error(self, UserError("Hãy chọn yêu cầu xác minh cần ghi kết quả"))
            return
        values = dict(result=self.ans_result.currentData(), answered_on=self.ans_date.date().toPython(),
                      note=self.ans_note.text())
        self.write.emit(lambda: locality_requests.answer(self.store, request_id, **values), "Chưa ghi được kết quả",
                        self.ans_note.clear)
