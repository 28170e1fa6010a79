"""«Phân công cán bộ phụ trách thôn, tổ»: which area officer is in charge of which villages of a commune
(``models/people/area_officers.py`` over the citizens' campaign's ``officer_areas``, m021; permission
``campaign.manage``, every change logged).

Choose the officer and the commune: the commune's villages (those its residents live in) are listed, the
officer's own ticked, those of another officer named beside them. Ticking a village gives it to the officer
(taking it from the other one), unticking removes it; «Lưu» applies the changes in one go.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.people import area_officers
from models.registry import units
from ui.context import AppContext
from ui.ops import show_error


class AreaOfficersDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, officer_id: int | None = None):
        super().__init__(parent)
        self.setObjectName("areaOfficersDialog")
        self.setWindowTitle("Phân công cán bộ phụ trách thôn, tổ dân phố")
        self.ctx = ctx
        self.resize(620, 520)
        self.officer = QComboBox()
        self.officer.setObjectName("areaOfficer")
        for o in area_officers.officers(ctx.store):
            self.officer.addItem(f"{o['full_name']} ({o['username']})", o["id"])
        if officer_id is not None and self.officer.findData(officer_id) >= 0:
            self.officer.setCurrentIndex(self.officer.findData(officer_id))
        self.area = QComboBox()
        self.area.setObjectName("areaOfficerArea")
        for row in units.filter_areas(ctx.store):
            self.area.addItem(row["name"], row["code"])
        self.villages = QListWidget()
        self.villages.setObjectName("areaOfficerVillages")
        self.hint = QLabel("Đánh dấu các thôn, tổ dân phố cán bộ phụ trách; thôn đã giao cho cán bộ khác sẽ được "
                           "chuyển sang cán bộ này.")
        self.hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Cán bộ:", self.officer)
        form.addRow("&Xã, phường:", self.area)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText("&Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.villages, 1)
        layout.addWidget(buttons)
        self.officer.currentIndexChanged.connect(lambda _i: self.reload())
        self.area.currentIndexChanged.connect(lambda _i: self.reload())
        self.reload()

    def reload(self) -> None:
        self.villages.clear()
        area, officer_id = self.area.currentData(), self.officer.currentData()
        if area is None or officer_id is None:
            return
        owners: dict[str, list[dict]] = {}
        for r in area_officers.assignments(self.ctx.store, area):
            owners.setdefault(r["village"], []).append(r)
        for village in area_officers.villages_in_area(self.ctx.store, area):
            holders = owners.get(village, [])
            others = [h["full_name"] for h in holders if h["officer_id"] != officer_id]
            text = f"{village} — đang giao: {', '.join(others)}" if others else village
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, village)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            mine = any(h["officer_id"] == officer_id for h in holders)
            item.setCheckState(Qt.Checked if mine else Qt.Unchecked)
            self.villages.addItem(item)

    def save(self) -> None:
        store, area, officer_id = self.ctx.store, self.area.currentData(), self.officer.currentData()
        owners: dict[str, set[int]] = {}
        for r in area_officers.assignments(store, area):
            owners.setdefault(r["village"], set()).add(r["officer_id"])
        try:
            with store.atomic():
                for i in range(self.villages.count()):
                    item = self.villages.item(i)
                    village, ticked = item.data(Qt.UserRole), item.checkState() == Qt.Checked
                    holders = owners.get(village, set())
                    if ticked and holders != {officer_id}:
                        area_officers.assign(store, officer_id, area, village)
                    elif not ticked and officer_id in holders:
                        area_officers.unassign(store, officer_id, area, village)
        except UserError as exc:
            show_error(self, exc)
            return
        self.reload()
