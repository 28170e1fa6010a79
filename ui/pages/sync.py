"""Đồng bộ: the unit exports its workbook for the province; the province merges the units' files."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from models.core.changes import Table
from ui.context import AppContext
from ui.pages.sync_export_panel import ExportPanel
from ui.pages.sync_merge_panel import MergePanel

REFRESH_TABLES = {Table.SYNC_EXPORTS, Table.SYNC_FILES, Table.REMOTE_UNITS, Table.REMOTE_DOSSIERS, Table.UNITS,
                  Table.SETTINGS, Table.REPORT_SETTINGS}


class SyncPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Đồng bộ với cấp trên</h2>"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("syncTabs")
        self.export_panel = ExportPanel(ctx)
        self.merge_panel = MergePanel(ctx)
        self.tabs.addTab(self.export_panel, "Xuất tệp gửi cấp trên")
        self.tabs.addTab(self.merge_panel, "Tổng hợp tệp các đơn vị (cấp tỉnh)")
        layout.addWidget(self.tabs, 1)
        if self.merge_panel.is_province():
            self.tabs.setCurrentWidget(self.merge_panel)
        self._dirty = False
        ctx.changes.changed.connect(self._on_changes)

    def activated(self) -> None:
        if self._dirty:
            self._dirty = False
            self.export_panel.refresh()
            self.merge_panel.refresh()

    def _on_changes(self, changes) -> None:
        if {c.table for c in changes} & REFRESH_TABLES:
            if self.isVisible():
                self.export_panel.refresh()
                self.merge_panel.refresh()
            else:
                self._dirty = True
