"""Đơn vị & địa bàn: the unit using the app and the communes/wards it covers.

Pick the province, tick the covered communes/wards from the official list (filter box ignores
diacritics), add an area by hand, or load the unit's own list from a csv/xlsx file (code, name).
«Danh mục tại ngày» before 1 July 2025 lists the old communes with their districts instead: ticking one
ticks the current commune(s) it went into (``models.registry.divisions``); the areas saved are always
current communes.
Closing with changes (Huỷ, Esc, the close box) asks «Lưu / Không lưu / Ở lại» (``ui.dialogs.unsaved``).
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
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
from models.registry import divisions, units
from models.text.normalize import fold
from ui.context import AppContext
from ui.dialogs.unsaved import settle
from ui.ops import run_mutation, show_error
from ui.widgets.file_dialogs import default_folder

CODE_ROLE = Qt.UserRole
NAME_ROLE = Qt.UserRole + 1
NEW_ROLE = Qt.UserRole + 2  # an old commune's current commune codes (list before 1/7/2025)


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
        self._legacy = False  # the list shows the communes of before 1 July 2025
        self._ticked: set[str] = set()  # current codes ticked, while the list shows old communes
        self.province.currentIndexChanged.connect(self._province_changed)
        self.division_date.dateChanged.connect(lambda _d: self._province_changed(extra=set()))
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
        self.division_date = QDateEdit()
        self.division_date.setObjectName("divisionDate")
        self.division_date.setCalendarPopup(True)
        self.division_date.setDisplayFormat("dd/MM/yyyy")
        self.division_date.setDate(QDate(max(self.store.today(), divisions.MERGER_DATE)))
        self.division_date.setToolTip("Trước 01/07/2025: danh mục cũ (xã, phường thuộc quận, huyện); đánh dấu "
                                      "một xã cũ là chọn xã, phường hiện hành mà nó được sáp nhập vào")
        self.division_note = QLabel()
        self.division_note.setObjectName("divisionNote")
        self.division_note.setWordWrap(True)
        date_row = QHBoxLayout()
        date_row.addWidget(self.division_date)
        date_row.addWidget(self.division_note, 1)
        form = QFormLayout()
        form.addRow("&Tên đơn vị:", self.name)
        form.addRow("Đơn vị &cấp trên:", self.parent_name)
        form.addRow("Tỉnh, thành &phố:", self.province)
        date_label = QLabel("Danh mục tại &ngày:")
        date_label.setBuddy(self.division_date)
        form.addRow(date_label, date_row)
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
        self.list.itemChanged.connect(self._item_changed)
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
    def _province_changed(self, *, extra: set[str] | None = None) -> None:
        """Rebuild the list for the province and the date; ticked: what is ticked now and ``extra``
        (default: the unit's saved areas, ticked again when its province is chosen back)."""
        code = self.province.currentData()
        ticked = self.checked_codes() | (self._covered if extra is None else extra)
        self._legacy = bool(code) and divisions.is_before_merger(self.division_date.date().toPython())
        self._ticked = set(ticked)
        self.list.blockSignals(True)
        self.list.clear()
        known: set[str] = set()
        if code:
            current = units.official_wards(code)
            known = {ward.code for ward in current}
            if self._legacy:
                names = {ward.code: ward.name for ward in current}
                for old in divisions.old_wards(code):
                    now = ", ".join(names.get(c, c) for c in old.new_codes)
                    item = self._add_item(old.code, old.label, set(old.new_codes) <= ticked,
                                          text=f"{old.label}  ({old.code}) → nay: {now}")
                    item.setData(NEW_ROLE, list(old.new_codes))
            else:
                for ward in current:
                    self._add_item(ward.code, ward.name, ward.code in ticked)
            if not self.place_name.text().strip():
                self.place_name.setText(self.province.currentText())
        for area in self._custom:  # areas typed/imported before, or outside the official list
            if area["code"] not in known:
                item = self._add_item(area["code"], area["name"], area["code"] in ticked)
                item.setData(NEW_ROLE, [area["code"]])
        self.division_note.setText(
            "Danh mục cũ (trước 01/07/2025): đánh dấu xã, phường cũ để chọn xã, phường hiện hành tương ứng"
            if self._legacy else "Danh mục hiện hành (từ 01/07/2025)")
        self.list.blockSignals(False)
        self._apply_filter(self.filter.text())
        self._update_count()

    def _item_changed(self, item: QListWidgetItem) -> None:
        """In the old list, (un)ticking an old commune (un)ticks the current communes it went into, and
        every old commune shows ticked when all of its current communes are."""
        if self._legacy:
            new = set(item.data(NEW_ROLE) or [])
            if item.checkState() == Qt.Checked:
                self._ticked |= new
            else:
                self._ticked -= new
            self.list.blockSignals(True)
            for other in self.items():
                codes = set(other.data(NEW_ROLE) or [])
                other.setCheckState(Qt.Checked if codes and codes <= self._ticked else Qt.Unchecked)
            self.list.blockSignals(False)
        self._update_count()

    def _add_item(self, code: str, name: str, checked: bool, *, text: str | None = None) -> QListWidgetItem:
        item = QListWidgetItem(text or f"{name}  ({code})")
        item.setData(CODE_ROLE, code)
        item.setData(NAME_ROLE, name)
        item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
        item.setCheckState(Qt.Checked if checked else Qt.Unchecked)
        self.list.addItem(item)
        return item

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def checked_codes(self) -> set[str]:
        """The current communes ticked (in the old list: those the ticked old communes went into)."""
        if self._legacy:
            return set(self._ticked)
        return {i.data(CODE_ROLE) for i in self.items() if i.checkState() == Qt.Checked}

    def _apply_filter(self, text: str) -> None:
        needle = fold(text)
        for item in self.items():
            item.setHidden(bool(needle) and needle not in fold(item.text()))

    def _update_count(self) -> None:
        self.count.setText(f"Đã chọn {len(self.checked_codes())} địa bàn"
                           + (" (xã, phường hiện hành)" if self._legacy else ""))

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
        if self._legacy:  # typed or listed areas are current communes: tick them, show them in the list
            known = {c["code"] for c in self._custom}
            self._custom += [a for a in areas if a["code"] not in known]
            self._province_changed(extra={a["code"] for a in areas})
            return
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
        province = self.province.currentData()
        if self._legacy:  # the current communes the ticked old ones went into
            names = {w.code: w.name for w in units.official_wards(province)} if province else {}
            names.update({a["code"]: a["name"] for a in self._custom})
            areas = [{"code": c, "name": names.get(c, c), "province_code": province} for c in sorted(codes)]
        else:
            areas = [{"code": i.data(CODE_ROLE), "name": i.data(NAME_ROLE), "province_code": province}
                     for i in self.items() if i.data(CODE_ROLE) in codes]
        values = {"name": self.name.text(), "parent_name": self.parent_name.text(),
                  "province_code": self.province.currentData(), "place_name": self.place_name.text(),
                  "code": self.code.text()}
        if not run_mutation(self, lambda: units.save_unit_with_areas(self.store, values, areas, unit_id=self._unit_id)):
            return False
        self._loaded = self._state()
        self.accept()
        return True
