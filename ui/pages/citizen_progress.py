"""«Công dân» tab of «Chỉ tiêu & tiến độ»: a citizens' campaign's daily figures.

Figures come from ``models.campaigns.citizen_progress.citizen_progress`` (the same numbers as the
``citizen-progress`` CLI). At the top: the citizens' campaign, the as-of day and the target shown; cards
per target of the phase (cumulative / target, today, the day's target, status); charts of communes
and area officers ranked by rate; tables per commune, village, area officer, agency and enterprise.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.campaigns.citizen_progress import LEVEL_LABELS, CitizenProgress, citizen_campaigns, citizen_progress
from models.campaigns.progress import STATUS_LABELS
from models.core.changes import Table
from models.core.errors import UserError
from models.text.vn_format import DASH, date_text, decimal_text, percent_text, thousands
from services.citizen_reports import save_daily
from ui.context import AppContext
from ui.ops import run_mutation, show_message
from ui.tables.rows_model import RowsModel
from ui.widgets.file_dialogs import default_path
from ui.widgets.progress_widgets import STATUS_COLORS, chart_view, ranked_bars

WATCHED = {Table.PERSONS, Table.AGENCY_STAFF, Table.AGENCIES, Table.CAMPAIGNS, Table.CAMPAIGN_PHASES,
           Table.CAMPAIGN_TARGETS, Table.AREAS, Table.HOLIDAYS}
COLUMNS = ["Hạng", "Tên", "Hôm nay", "Lũy kế", "Chỉ tiêu", "Tỷ lệ", "Còn lại", "Chỉ tiêu hôm nay", "Cần/ngày",
           "Dự kiến", "Đánh giá"]
TABLE_LEVELS = [("commune", "Theo &xã, phường"), ("village", "Theo t&hôn, khu phố"), ("officer", "Theo CS&KV"),
                ("agency", "Theo cơ &quan"), ("enterprise", "Doanh nghiệ&p")]
CHART_ROWS = 20


class CitizenProgressPanel(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.progress: CitizenProgress | None = None
        self._dirty = True
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.campaign_combo = QComboBox()
        self.campaign_combo.setObjectName("citizenCampaignCombo")
        self.campaign_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.campaign_combo.setMinimumContentsLength(24)
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("citizenAsOf")
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        today = ctx.store.today()
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("citizenTargetCombo")
        self.target_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.target_combo.setMinimumContentsLength(20)
        for text, widget, stretch in (("Kế hoạch:", self.campaign_combo, 2), ("Tính đến ngày:", self.date_edit, 0),
                                      ("Chỉ tiêu:", self.target_combo, 2)):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget, stretch)
        self.daily_button = QPushButton("Báo cáo &ngày (PDF)…")
        self.daily_button.setObjectName("citizenDailyButton")
        self.daily_button.setToolTip("Báo cáo nhanh một trang: hôm nay, lũy kế, theo xã và theo CSKV (mẫu Nghị định 30)")
        self.daily_button.clicked.connect(self.print_daily)
        top.addWidget(self.daily_button)
        layout.addLayout(top)
        self.header = QLabel()
        self.header.setObjectName("citizenHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.RichText)
        layout.addWidget(self.header)
        self.cards = QWidget()
        self.cards_layout = QHBoxLayout(self.cards)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        cards_scroll = QScrollArea()
        cards_scroll.setWidgetResizable(True)
        cards_scroll.setFrameShape(QScrollArea.NoFrame)
        cards_scroll.setFixedHeight(118)
        cards_scroll.setWidget(self.cards)
        layout.addWidget(cards_scroll)
        self.tabs = QTabWidget()
        self.charts = QWidget()
        self.charts_grid = QGridLayout(self.charts)
        self.charts_grid.setContentsMargins(0, 0, 0, 0)
        charts_scroll = QScrollArea()
        charts_scroll.setWidgetResizable(True)
        charts_scroll.setFrameShape(QScrollArea.NoFrame)
        charts_scroll.setWidget(self.charts)
        self.tabs.addTab(charts_scroll, "Biểu đồ")
        self.tables: dict[str, QTableView] = {}
        for level, title in TABLE_LEVELS:
            self.tables[level] = self._table(f"citizen_{level}")
            self.tabs.addTab(self.tables[level], title)
        layout.addWidget(self.tabs, 1)
        self.chart_views: list[QWidget] = []
        self.date_edit.dateChanged.connect(lambda _d: self.refresh())
        self.campaign_combo.activated.connect(lambda _i: self.refresh())
        self.target_combo.activated.connect(lambda _i: self._show_target())
        self.ctx.changes.changed.connect(self._on_changes)
        self.reload_campaigns()

    # ---- data ------------------------------------------------------------------------------------
    def reload_campaigns(self) -> None:
        selected = self.campaign_combo.currentData()
        self.campaign_combo.clear()
        for row in citizen_campaigns(self.ctx.store):
            label = row["name"] + (f" — {row['plan_number']}" if row["plan_number"] else "")
            self.campaign_combo.addItem(label, row["id"])
        index = self.campaign_combo.findData(selected)
        self.campaign_combo.setCurrentIndex(max(index, 0))

    def as_of(self) -> dt.date:
        d = self.date_edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def set_as_of(self, day: dt.date) -> None:
        self.date_edit.setDate(QDate(day.year, day.month, day.day))

    def refresh(self) -> None:
        self._dirty = False
        campaign_id = self.campaign_combo.currentData()
        if campaign_id is None:
            self._empty("Chưa có kế hoạch nào cho công dân (tạo từ mẫu Ninh Thuận «80 ngày, đêm» hoặc Quảng Xương "
                        "263/KH-UBND).")
            return
        try:
            self.progress = citizen_progress(self.ctx.store, campaign_id, self.as_of())
        except UserError as exc:
            self._empty(str(exc))
            return
        p = self.progress
        days = "ngày, kể cả thứ Bảy, Chủ nhật" if p.every_day else "ngày làm việc"
        self.header.setText(
            f"<b>{p.name}</b> ({date_text(p.start)}–{date_text(p.end)}) · {p.phase_name} · tính đến "
            f"{date_text(p.as_of)} · còn {thousands(p.days_left)} {days}")
        selected = self.target_combo.currentData()
        self.target_combo.clear()
        for i, t in enumerate(p.targets):
            self.target_combo.addItem(t.label, i)
        self.target_combo.setCurrentIndex(max(self.target_combo.findData(selected), 0))
        self.setUpdatesEnabled(False)
        try:
            self._fill_cards()
            self._show_target()
        finally:
            self.setUpdatesEnabled(True)

    def print_daily(self) -> None:
        if self.campaign_combo.currentData() is None:
            show_message(self, "Chưa có kế hoạch", "Chưa có kế hoạch nào cho công dân.")
            return
        name = f"bao-cao-ngay-{self.as_of().isoformat()}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Lưu báo cáo ngày", default_path(name), "PDF (*.pdf)")
        if path:
            self.save_daily_to(path)

    def save_daily_to(self, path) -> str | None:
        """The daily summary of the chosen campaign and day at ``path`` (``services.citizen_reports``)."""
        outcome = run_mutation(self, lambda: save_daily(self.ctx.store, path, self.campaign_combo.currentData(),
                                                        self.as_of()), title="Không lưu được báo cáo ngày")
        if not outcome:
            return None
        show_message(self, "Đã lưu báo cáo ngày", f"Đã ghi báo cáo ngày {date_text(self.as_of())} vào «{path}».")
        return str(path)

    def _empty(self, text: str) -> None:
        self.progress = None
        self.header.setText(text)
        self.target_combo.clear()
        self._clear(self.cards_layout)
        self._clear_charts()
        for table in self.tables.values():
            table.model().set_rows([], [])

    def _on_changes(self, changes) -> None:
        if not {c.table for c in changes} & WATCHED:
            return
        if Table.CAMPAIGNS in {c.table for c in changes}:
            self.reload_campaigns()
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # ---- cards, charts, tables ----------------------------------------------------------------------
    @staticmethod
    def _clear(layout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()

    def _fill_cards(self) -> None:
        self._clear(self.cards_layout)
        for t in self.progress.targets:
            r = t.total
            card = QFrame()
            card.setObjectName("citizenCard")
            card.setMinimumWidth(230)
            card.setStyleSheet(f"QFrame#citizenCard {{ border: 1px solid #cfd8dc; border-left: 6px solid "
                               f"{STATUS_COLORS[r.status]}; border-radius: 4px; background: white; }}")
            box = QVBoxLayout(card)
            box.setContentsMargins(10, 4, 8, 4)
            box.setSpacing(1)
            title = QLabel(f"<b>{t.label}</b>")
            title.setWordWrap(True)
            box.addWidget(title)
            box.addWidget(QLabel(f"<span style='font-size:15px'><b>{thousands(r.cumulative)}</b> / "
                                 f"{thousands(r.target, DASH)}</span> · {percent_text(r.percent, DASH)}"))
            box.addWidget(QLabel(f"Hôm nay {thousands(r.today)} · chỉ tiêu hôm nay {decimal_text(r.daily_target, DASH)}"
                                 f" · {STATUS_LABELS[r.status]}"))
            self.cards_layout.addWidget(card)
        self.cards_layout.addStretch()

    def _clear_charts(self) -> None:
        for view in self.chart_views:
            view.setParent(None)
            view.deleteLater()
        self.chart_views = []

    def current_target(self):
        if self.progress is None or not self.progress.targets:
            return None
        index = self.target_combo.currentData()
        return self.progress.targets[index if index is not None else 0]

    def _show_target(self) -> None:
        t = self.current_target()
        self._clear_charts()
        if t is None:
            for table in self.tables.values():
                table.model().set_rows([], [])
            return
        levels = (("commune", 0, "#00897b"), ("officer", 1, "#5e35b1")) if t.rows["commune"] else \
            (("agency", 0, "#00897b"), ("enterprise", 1, "#5e35b1"))
        for level, col, color in levels:
            rows = [r for r in t.rows[level] if r.target or r.cumulative][:CHART_ROWS]
            with_targets = any(r.target for r in rows)
            values = [r.percent or 0 for r in rows] if with_targets else [r.cumulative for r in rows]
            title = f"{LEVEL_LABELS[level]}: {'% chỉ tiêu' if with_targets else 'số đã đạt'}"
            view = chart_view(ranked_bars([r.label for r in rows], values, title, lambda _i: None,
                                          suffix="%" if with_targets else "", color=color))
            view.setObjectName(f"citizenChart_{level}")
            view.setFixedHeight(max(240, 22 * len(rows) + 90))
            self.charts_grid.addWidget(view, 0, col, Qt.AlignTop)
            self.chart_views.append(view)
        for level, _title in TABLE_LEVELS:
            rows = t.rows[level]
            texts = [[str(r.rank or ""), f"{r.label} ({r.parent})" if r.parent else r.label, thousands(r.today),
                      thousands(r.cumulative), thousands(r.target, DASH), percent_text(r.percent, DASH),
                      thousands(r.remaining, DASH), decimal_text(r.daily_target, DASH),
                      decimal_text(r.needed_per_day, DASH), thousands(r.projected, DASH), STATUS_LABELS[r.status]]
                     for r in rows]
            self.tables[level].model().set_rows(texts, [r.status for r in rows])

    def _table(self, name: str) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        model = RowsModel(COLUMNS, right=set(range(0, 10)) - {1},
                          colors=lambda r, c: (STATUS_COLORS[table.model().keys[r]], "#ffffff") if c == 10 else None)
        table.setModel(model)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        for column, width in enumerate([48, 0, 70, 80, 80, 62, 74, 112, 72, 80, 130]):
            if width:
                table.setColumnWidth(column, width)
        return table
