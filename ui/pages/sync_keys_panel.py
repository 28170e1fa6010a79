"""Province (or lead desk): the units whose files this desk accepts and their keys' fingerprints; registering
a unit's key from the file the unit exported (``ui.dialogs.unit_key_dialog``)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core.permissions import can
from models.sync.merge import registered_units
from ui.context import AppContext
from ui.dialogs.unit_key_dialog import UnitKeyDialog
from ui.tables.rows_model import RowsModel

KEY_COLUMNS = ["Mã", "Đơn vị", "Dấu vân tay khoá ký", "Đăng ký lúc", "Tệp gần nhất"]
NO_KEY = "chưa đăng ký khoá: tệp của đơn vị bị từ chối"
RED = ("#ffffff", "#b00020")


class UnitKeysPanel(QGroupBox):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__("Khoá ký của các đơn vị gửi tệp", parent)
        self.ctx = ctx
        self.dialog: UnitKeyDialog | None = None
        self.units: list[dict] = []
        layout = QVBoxLayout(self)
        self.model = RowsModel(KEY_COLUMNS, right={4}, colors=self._color)
        self.table = table = QTableView()
        table.setObjectName("syncUnitKeys")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().hide()
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("syncUnitKeysSummary")
        self.register_button = QPushButton("Đăng ký khoá của đơn vị…")
        self.register_button.setObjectName("syncRegisterKeyButton")
        self.register_button.clicked.connect(self.open_dialog)
        row.addWidget(self.summary, 1)
        row.addWidget(self.register_button)
        layout.addLayout(row)

    def refresh(self, merging: bool) -> None:
        self.units = registered_units(self.ctx.store) if merging else []
        rows = []
        for unit in self.units:
            at = unit["key_registered_at"] or ""
            rows.append([unit["code"], unit["name"], unit["fingerprint"] or NO_KEY,
                         f"{at[11:16]} {at[8:10]}/{at[5:7]}/{at[0:4]}" if at else "",
                         f"số {unit['last_sequence']}" if unit["last_sequence"] else ""])
        self.model.set_rows(rows, [u["code"] for u in self.units])
        with_key = sum(1 for u in self.units if u["fingerprint"])
        self.summary.setText(f"{with_key}/{len(self.units)} đơn vị đã đăng ký khoá ký." if self.units else
                             "Chưa có đơn vị nào: đăng ký khoá của đơn vị trước khi tổng hợp tệp của đơn vị đó.")
        self.register_button.setEnabled(merging and can(self.ctx.store.actor.role, "sync.register_key"))

    def _color(self, row: int, _column: int) -> tuple[str, str] | None:
        return RED if not self.units[row]["fingerprint"] else None

    def open_dialog(self) -> UnitKeyDialog:
        dialog = self.dialog = UnitKeyDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self.refresh(True))
        dialog.open()
        return dialog
