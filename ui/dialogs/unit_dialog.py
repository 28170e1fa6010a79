"""Đơn vị & địa bàn: the unit using the app and the communes/wards it covers.

Pick the province, tick the covered communes/wards from the official list (filter box ignores
diacritics), add an area by hand, or load the unit's own list from a csv/xlsx file (code, name).
Closing with changes (Huỷ, Esc, the close box) asks «Lưu / Không lưu / Ở lại» (``ui.dialogs.unsaved``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.registry import units
from models.text.normalize import fold
from ui.context import AppContext
from ui.dialogs.unsaved import settle
from ui.ops import run_mutation, show_error
from ui.widgets.file_dialogs import default_folder

CODE_ROLE = Qt.UserRole
NAME_ROLE = Qt.UserRole + 1


class UnitDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.store
        self.setObjectName("unitDialog")
        self.setWindowTitle("Đơn vị và địa bàn quản lý")
        self.resize(720, 640)
        unit = units.current_unit(self.store) or {}

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_form(unit))
        layout.addWidget(QLabel("Địa bàn (xã, phường, đặc khu) đơn vị phụ trách — đánh dấu để chọn:"))
        self._build_area_list()
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.count)
        layout.addLayout(self._build_add_row())
        layout.addWidget(self._build_buttons())

        self._unit_id = unit.get("id")
        self._covered = {a["code"] for a in units.unit_areas(self.store, unit["id"])} if unit else set()
        self._custom = [a for a in units.unit_areas(self.store, unit["id"])] if unit else []
        self.province.currentIndexChanged.connect(self._province_changed)
        index = self.province.findData(unit.get("province_code")) if unit.get("province_code") else 0
        self.province.setCurrentIndex(max(0, index))
        self._province_changed()
        self._loaded = self._state()  # what closing without saving would drop is compared with this

    # ---- building ------------------------------------------------------------------------------
    def _build_form(self, unit: dict) -> QFormLayout:
        self.name = QLineEdit(unit.get("name") or "")
        self.name.setObjectName("unitName")
        self.name.setPlaceholderText("VD: Công an phường Rạch Giá")
        self.parent_name = QLineEdit(unit.get("parent_name") or "")
        self.parent_name.setObjectName("unitParent")
        self.parent_name.setPlaceholderText("VD: Công an tỉnh An Giang")
        self.place_name = QLineEdit(unit.get("place_name") or "")
        self.place_name.setObjectName("unitPlace")
        self.place_name.setPlaceholderText("Địa danh ghi ở đầu văn bản, VD: An Giang")
        self.code = QLineEdit(unit.get("code") or "")
        self.code.setObjectName("unitCode")
        self.code.setPlaceholderText("Tự sinh nếu để trống")
        self.province = QComboBox()
        self.province.setObjectName("provinceCombo")
        self.province.addItem("— Chọn tỉnh, thành phố —", None)
        for p in units.official_provinces():
            self.province.addItem(p.name, p.code)
        form = QFormLayout()
        form.addRow("&Tên đơn vị:", self.name)
        form.addRow("Đơn vị &cấp trên:", self.parent_name)
        form.addRow("Tỉnh, thành &phố:", self.province)
        form.addRow("Địa &danh:", self.place_name)
        form.addRow("&Mã đơn vị:", self.code)
        return form

    def _build_area_list(self) -> None:
        self.filter = QLineEdit()
        self.filter.setObjectName("areaFilterBox")
        self.filter.setPlaceholderText("Lọc xã, phường (không cần dấu)…")
        self.filter.textChanged.connect(self._apply_filter)
        self.list = QListWidget()
        self.list.setObjectName("areaList")
        self.list.itemChanged.connect(lambda _item: self._update_count())
        self.count = QLabel()
        self.count.setObjectName("areaCount")

    def _build_add_row(self) -> QHBoxLayout:
        self.add_code = QLineEdit()
        self.add_code.setObjectName("addAreaCode")
        self.add_code.setPlaceholderText("Mã")
        self.add_name = QLineEdit()
        self.add_name.setObjectName("addAreaName")
        self.add_name.setPlaceholderText("Tên xã, phường tự nhập")
        add_button = QPushButton("&Thêm")
        add_button.setObjectName("addAreaButton")
        add_button.clicked.connect(self.add_typed_area)
        file_button = QPushButton("Nhập từ &tệp…")
        file_button.setObjectName("areaFileButton")
        file_button.clicked.connect(self.choose_file)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_code, 1)
        add_row.addWidget(self.add_name, 3)
        add_row.addWidget(add_button)
        add_row.addWidget(file_button)
        return add_row

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Save).setText("&Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Huỷ")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        return buttons

    # ---- list ------------------------------------------------------------------------------------
    def _province_changed(self) -> None:
        code = self.province.currentData()
        ticked = self.checked_codes() | self._covered
        self.list.blockSignals(True)
        self.list.clear()
        known: set[str] = set()
        if code:
            for ward in units.official_wards(code):
                self._add_item(ward.code, ward.name, ward.code in ticked)
                known.add(ward.code)
            if not self.place_name.text().strip():
                self.place_name.setText(self.province.currentText())
        for area in self._custom:  # areas typed/imported before, or outside the official list
            if area["code"] not in known:
                self._add_item(area["code"], area["name"], area["code"] in ticked)
        self.list.blockSignals(False)
        self._apply_filter(self.filter.text())
        self._update_count()

    def _add_item(self, code: str, name: str, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(f"{name}  ({code})")
        item.setData(CODE_ROLE, code)
        item.setData(NAME_ROLE, name)
        item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
        item.setCheckState(Qt.Checked if checked else Qt.Unchecked)
        self.list.addItem(item)
        return item

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def checked_codes(self) -> set[str]:
        return {i.data(CODE_ROLE) for i in self.items() if i.checkState() == Qt.Checked}

    def _apply_filter(self, text: str) -> None:
        needle = fold(text)
        for item in self.items():
            item.setHidden(bool(needle) and needle not in fold(item.text()))

    def _update_count(self) -> None:
        self.count.setText(f"Đã chọn {len(self.checked_codes())} địa bàn")

    # ---- adding ----------------------------------------------------------------------------------
    def add_typed_area(self) -> None:
        code, name = self.add_code.text().strip(), self.add_name.text().strip()
        if not code or not name:
            show_error(self, UserError("Nhập cả mã và tên địa bàn"))
            return
        self._add_areas([{"code": code, "name": name}])
        self.add_code.clear()
        self.add_name.clear()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn tệp danh sách địa bàn", default_folder(),
                                              "Bảng tính (*.xlsx *.xls *.ods *.csv)")
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> int:
        try:
            areas = units.read_area_file(path)
        except UserError as exc:
            show_error(self, exc)
            return 0
        self._add_areas(areas)
        return len(areas)

    def _add_areas(self, areas: list[dict]) -> None:
        by_code = {i.data(CODE_ROLE): i for i in self.items()}
        for area in areas:
            item = by_code.get(area["code"])
            if item is None:
                item = self._add_item(area["code"], area["name"], True)
                self._custom.append(area)
            item.setCheckState(Qt.Checked)
        self._update_count()

    # ---- unsaved edits (ui.dialogs.unsaved) --------------------------------------------------------
    def _state(self) -> tuple:
        return (self.name.text().strip(), self.parent_name.text().strip(), self.province.currentData(),
                self.place_name.text().strip(), self.code.text().strip(), frozenset(self.checked_codes()))

    def has_unsaved_changes(self) -> bool:
        return self.isVisible() and self._state() != self._loaded

    def unsaved_title(self) -> str:
        return "Thông tin đơn vị và địa bàn"

    def save_changes(self) -> bool:
        return self.save()

    def discard_changes(self) -> None:
        self._loaded = self._state()

    def reject(self) -> None:
        """Huỷ, Esc and the close box: ask before dropping what was changed."""
        if settle(self, self):
            super().reject()

    # ---- saving ----------------------------------------------------------------------------------
    def save(self) -> bool:
        codes = self.checked_codes()
        areas = [{"code": i.data(CODE_ROLE), "name": i.data(NAME_ROLE), "province_code": self.province.currentData()}
                 for i in self.items() if i.data(CODE_ROLE) in codes]
        values = {"name": self.name.text(), "parent_name": self.parent_name.text(),
                  "province_code": self.province.currentData(), "place_name": self.place_name.text(),
                  "code": self.code.text()}
        if not run_mutation(self, lambda: units.save_unit_with_areas(self.store, values, areas, unit_id=self._unit_id)):
            return False
        self._loaded = self._state()
        self.accept()
        return True
