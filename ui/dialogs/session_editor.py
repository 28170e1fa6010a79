"""Planning or editing a mobile intake session: the commune and/or the agency, date, times, place, team,
expected people (an enterprise's session comes from its registration schedule list).
Saved through ``models.people.schedules.create_session`` / ``models.people.sessions.edit_session``
(permission ``session.manage``, audited)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.people import agencies, schedules, sessions
from models.text.vn_format import date_text
from models.text.vn_parse import parse_date
from ui.context import AppContext
from ui.ops import show_error
from ui.widgets.area_combo import fill_area_combo


class SessionEditor(QDialog):
    def __init__(self, ctx: AppContext, session_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.store
        self.session_id = session_id
        self.setObjectName("sessionEditor")
        self.setWindowTitle("Sửa buổi thu nhận lưu động" if session_id else "Lập buổi thu nhận lưu động")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.area = QComboBox()
        self.area.setObjectName("sessionArea")
        fill_area_combo(self.area, self.store)
        self.agency = QComboBox()
        self.agency.setObjectName("sessionAgency")
        self.agency.addItem("(không — buổi của xã/phường)", None)
        for a in agencies.list_agencies(self.store):
            self.agency.addItem(f"{a['name']} ({a['staff']} cán bộ, {a['level2']} đã có mức 2)", a["id"])
        self.day = QLineEdit()
        self.day.setObjectName("sessionDay")
        self.day.setPlaceholderText("dd/mm/yyyy")
        self.start = QLineEdit()
        self.start.setPlaceholderText("07:30")
        self.end = QLineEdit()
        self.end.setPlaceholderText("11:00")
        self.place = QLineEdit()
        self.place.setObjectName("sessionPlace")
        self.team = QLineEdit()
        self.team.setPlaceholderText("Họ tên các cán bộ, cách nhau bằng dấu phẩy")
        self.expected = QSpinBox()
        self.expected.setObjectName("sessionExpected")
        self.expected.setRange(0, 100_000)
        for label, widget in (("Xã/phường:", self.area), ("Cơ quan, đơn vị:", self.agency), ("Ngày:", self.day), ("Từ giờ:", self.start),
                              ("Đến giờ:", self.end), ("Địa điểm:", self.place), ("Tổ công tác:", self.team),
                              ("Số người dự kiến:", self.expected)):
            form.addRow(label, widget)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if session_id is not None:
            self._load()

    def _load(self) -> None:
        s = sessions.get_session(self.store, self.session_id)
        index = self.area.findData(s["area_code"])
        if index >= 0:
            self.area.setCurrentIndex(index)
        index = self.agency.findData(s["agency_id"])
        if index >= 0:
            self.agency.setCurrentIndex(index)
        self.day.setText(date_text(s["held_on"]))
        self.start.setText(s["start_time"] or "")
        self.end.setText(s["end_time"] or "")
        self.place.setText(s["place"] or "")
        self.team.setText(", ".join(s["team"]))
        self.expected.setValue(s["expected_people"] or 0)

    def values(self) -> dict:
        text = self.day.text().strip()
        try:
            day = parse_date(text)
        except (UserError, ValueError):
            day = None
        if day is None:
            raise UserError(f"Ngày thu nhận «{text}» không đọc được (dd/mm/yyyy)")
        return {"held_on": day, "area_code": self.area.currentData(), "agency_id": self.agency.currentData(),
                "start_time": self.start.text().strip() or None,
                "end_time": self.end.text().strip() or None, "place": self.place.text(),
                "team": [t for t in self.team.text().split(",") if t.strip()],
                "expected_people": self.expected.value() or None}

    def save(self) -> None:
        try:
            values = self.values()
            if self.session_id is None:
                self.session_id = schedules.create_session(self.store, **values)
            else:
                sessions.edit_session(self.store, self.session_id, values)
        except UserError as exc:
            show_error(self, exc, "Chưa lưu được buổi thu nhận")
            return
        self.accept()
