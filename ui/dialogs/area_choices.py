"""Địa bàn cũ cần chọn: organizations imported with a commune of before 1 July 2025 that was split among
several current communes. Each row shows the old commune, the commune written for now and a list of the
candidates; «Ghi lựa chọn» records the officer's pick for every row (``divisions.choose_area``)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.core.permissions import can
from models.registry import divisions
from models.text.vn_format import thousands
from ui.context import AppContext
from ui.ops import run_mutation

COLUMNS = ["Tổ chức", "Địa chỉ", "Địa bàn cũ (trước 01/07/2025)", "Xã, phường hiện hành"]


class AreaChoicesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("areaChoicesDialog")
        self.setWindowTitle("Địa bàn cũ cần chọn")
        self.resize(1000, 520)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("areaChoicesSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("areaChoicesTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Close)
        self.save_button = buttons.button(QDialogButtonBox.Save)
        self.save_button.setText("&Ghi lựa chọn")
        self.save_button.setEnabled(can(ctx.store.actor.role, "registry.edit"))
        buttons.button(QDialogButtonBox.Close).setText("Đóng")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.combos: list[tuple[int, QComboBox]] = []
        self.reload()

    def reload(self) -> None:
        rows = divisions.open_choices(self.ctx.store)
        self.table.setRowCount(len(rows))
        self.combos = []
        for index, row in enumerate(rows):
            for col, text in enumerate((row["name"], row["address"] or "", row["old_name"])):
                self.table.setItem(index, col, QTableWidgetItem(text))
            combo = QComboBox()
            combo.setObjectName(f"areaChoice{row['id']}")
            for code, name in row["candidates"]:
                combo.addItem(name, code)
            combo.setCurrentIndex(max(0, combo.findData(row["area_code"])))
            self.table.setCellWidget(index, 3, combo)
            self.combos.append((row["id"], combo))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        self.table.setColumnWidth(3, 230)  # the longest current names ("Phường Châu Đốc") and the arrow
        self.summary.setText(
            f"{thousands(len(rows))} tổ chức ghi địa bàn cũ đã được chia cho nhiều xã, phường từ 01/07/2025. "
            "Chọn xã, phường đúng theo địa chỉ rồi bấm «Ghi lựa chọn»." if rows else
            "Không còn tổ chức nào cần chọn lại xã, phường.")
        self.save_button.setEnabled(bool(rows) and can(self.ctx.store.actor.role, "registry.edit"))

    def save(self) -> bool:
        picks = [(choice_id, combo.currentData()) for choice_id, combo in self.combos]

        def apply() -> int:
            with self.ctx.store.atomic():
                for choice_id, code in picks:
                    divisions.choose_area(self.ctx.store, choice_id, code)
            return len(picks)

        done = run_mutation(self, apply, title="Không ghi được lựa chọn")
        self.reload()
        return bool(done)


def open_area_choices(ctx: AppContext, parent: QWidget | None) -> None:
    AreaChoicesDialog(ctx, parent).exec()
