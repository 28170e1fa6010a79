"""Chỉ tiêu & tiến độ: where each group, commune and officer stands against the campaign's targets.

Figures come from ``models.campaigns.progress`` (the same numbers as the weekly report and the CLI).
The week is the report's (``models.reports.figures.dashboard_week``): on opening, the week of the report
due next, up to its last day (or today while it runs); a picked date shows the report week containing
it, up to that date. A banner asks a leader to recompute targets whose registry baseline changed.
The as-of date is picked at the top; cards show the current phase's targets; charts show progress per
target, the weekly trend with the target line, areas and officers ranked. A click on a card, a bar or
a table row opens the list of dossiers behind that number.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
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

from models.campaigns.plans import COUNTS, current_campaign_id, list_campaigns
from models.campaigns.progress import (
    OUTSIDE_AREA,
    STATUS_LABELS,
    CampaignProgress,
    area_groups,
    compute_progress,
    dossier_ids,
    weekly_series,
)
from models.core.changes import Table
from models.core.errors import UserError
from models.core.permissions import can
from models.reports.figures import DashboardWeek, dashboard_week
from models.reports.period import WEEKDAYS
from models.reports.register import issued_for
from models.text.vn_format import DASH, date_text, decimal_text, percent_text, thousands, time_text
from ui.context import AppContext
from ui.dialogs.campaign_editor import CampaignEditor
from ui.dialogs.pending_dialog import PendingDialog
from ui.ops import show_error
from ui.pages.citizen_progress import CitizenProgressPanel
from ui.tables.rows_model import RowsModel
from ui.widgets.progress_widgets import (
    STATUS_COLORS,
    BaselineBanner,
    DossierListDialog,
    FigureCard,
    chart_view,
    ranked_bars,
    target_bars,
    weekly_chart,
)

WATCHED = {Table.DOSSIERS, Table.CAMPAIGNS, Table.CAMPAIGN_PHASES, Table.CAMPAIGN_TARGETS, Table.TARGET_ALLOCATIONS,
           Table.ORGANIZATIONS, Table.AREAS, Table.SETTINGS, Table.HOLIDAYS, Table.REPORT_SETTINGS}
CHART_AREAS = 20
CHART_OFFICERS = 15
TABLE_COLUMNS = ["Hạng", "Tên", "Đã đạt", "Chỉ tiêu", "Tỷ lệ", "Còn lại", "Cần/ngày LV", "Tuần này", "Đánh giá"]


REMAINING_COLUMN = TABLE_COLUMNS.index("Còn lại")   # Enter there: the organizations remaining


class ProgressPage(QWidget):
    drilled = Signal(str, list)   # title, dossier ids (emitted before the list opens)

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.progress: CampaignProgress | None = None
        self.week: DashboardWeek | None = None
        self.weeks: list = []
        self.cards: list[FigureCard] = []
        self.last_dialog: DossierListDialog | None = None
        self._dirty = True
        self._phase_rows: list = []
        outer = QVBoxLayout(self)   # two kinds of subject: «Tổ chức» (below) and «Công dân» (citizen_progress.py)
        outer.setContentsMargins(0, 0, 0, 0)
        self.subjects = QTabWidget()
        self.subjects.setObjectName("progressSubjects")
        organizations = QWidget()
        layout = QVBoxLayout(organizations)
        layout.addLayout(self._build_top())
        self.header = QLabel()
        self.header.setObjectName("progressHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.RichText)
        layout.addWidget(self.header)
        self.baseline_banner = BaselineBanner(ctx.store, self)
        layout.addWidget(self.baseline_banner)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        layout.addWidget(self.empty_label)
        layout.addWidget(self._build_cards())
        layout.addWidget(self._build_tabs(), 1)
        self.subjects.addTab(organizations, "Tổ chức")
        self.citizens = CitizenProgressPanel(ctx)
        self.subjects.addTab(self.citizens, "Công dân")
        outer.addWidget(self.subjects)
        self._wire()
        self.reload_campaigns()   # figures are computed when the page is first shown (fast start-up)

    def _build_top(self) -> QHBoxLayout:
        """Campaign chooser, as-of date with «Hôm nay», and «Sửa kế hoạch, chỉ tiêu…»."""
        self.campaign_combo = QComboBox()
        self.campaign_combo.setObjectName("campaignCombo")
        self.campaign_combo.setMinimumWidth(320)
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("asOfDate")
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        start = self._report_week().as_of   # the week of the report due next, as the report states it
        self.date_edit.setDate(QDate(start.year, start.month, start.day))
        self.today_button = QPushButton("T&uần báo cáo")
        self.today_button.setObjectName("reportWeekButton")
        self.today_button.setToolTip("Tuần của báo cáo đến hạn tiếp theo, như trang «Báo cáo tuần»")
        self.edit_button = QPushButton("Sửa &kế hoạch, chỉ tiêu…")
        self.edit_button.setObjectName("editCampaignButton")
        self.edit_button.setEnabled(can(self.ctx.store.actor.role, "campaign.manage"))
        date_label = QLabel("Tính đến &ngày:")
        date_label.setBuddy(self.date_edit)
        campaign_label = QLabel("Kế &hoạch:")
        campaign_label.setBuddy(self.campaign_combo)
        top = QHBoxLayout()
        top.addWidget(campaign_label)
        top.addWidget(self.campaign_combo, 1)
        top.addSpacing(12)
        top.addWidget(date_label)
        top.addWidget(self.date_edit)
        top.addWidget(self.today_button)
        top.addStretch()
        self.pending_button = QPushButton("Chưa đăng ký (còn &lại)…")
        self.pending_button.setObjectName("pendingButton")
        self.pending_button.setToolTip("Các tổ chức chưa có tài khoản của xã, phường đang chọn trong bảng «Theo địa bàn» "
                                       "(hoặc của cả đơn vị), để in cho Công an xã")
        self.pending_button.clicked.connect(lambda: self.open_pending())
        top.addWidget(self.pending_button)
        top.addWidget(self.edit_button)
        return top

    def _build_cards(self) -> QScrollArea:
        """The row of figure cards (current phase's targets), scrolling sideways."""
        self.cards_box = QWidget()
        self.cards_layout = QHBoxLayout(self.cards_box)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        cards_scroll = QScrollArea()
        cards_scroll.setWidgetResizable(True)
        cards_scroll.setWidget(self.cards_box)
        cards_scroll.setFixedHeight(178)
        cards_scroll.setFrameShape(QScrollArea.NoFrame)
        return cards_scroll

    def _build_tabs(self) -> QTabWidget:
        """Charts, then the tables by area, by officer and by phase."""
        self.charts = QWidget()
        self.charts_grid = QGridLayout(self.charts)
        self.charts_grid.setContentsMargins(0, 0, 0, 0)
        self.chart_views: dict[str, QWidget] = {}
        self.area_table = self._table("areaTable")
        self.officer_table = self._table("officerTable")
        self.phase_table = self._table("phaseTable", "STT")
        self.tabs = QTabWidget()
        charts_scroll = QScrollArea()
        charts_scroll.setWidgetResizable(True)
        charts_scroll.setFrameShape(QScrollArea.NoFrame)
        charts_scroll.setWidget(self.charts)
        self.tabs.addTab(charts_scroll, "&Biểu đồ")
        self.tabs.addTab(self.area_table, "Theo &địa bàn")
        self.tabs.addTab(self.officer_table, "Theo &cán bộ")
        self.tabs.addTab(self.phase_table, "Các giai đ&oạn")
        return self.tabs

    def _wire(self) -> None:
        self.date_edit.dateChanged.connect(lambda _d: self.refresh())
        self.today_button.clicked.connect(self._go_today)
        self.campaign_combo.activated.connect(lambda _i: self.refresh())
        self.edit_button.clicked.connect(self.open_editor)
        self.area_table.activated.connect(self._area_activated)
        self.officer_table.activated.connect(lambda index: self._drill_row("officer", index.row()))
        self.phase_table.activated.connect(lambda index: self._drill_phase_row(index.row()))
        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        self.ctx.changes.changed.connect(self._on_changes)

    # ---- data ------------------------------------------------------------------------------------
    def reload_campaigns(self) -> None:
        selected = self.campaign_combo.currentData()
        self.campaign_combo.clear()
        current = current_campaign_id(self.ctx.store)
        for row in list_campaigns(self.ctx.store, "organization"):
            label = row["name"] + (f" — {row['plan_number']}" if row["plan_number"] else "")
            if row["id"] == current:
                label += " (hiện hành)"
            self.campaign_combo.addItem(label, row["id"])
        wanted = selected if selected is not None else current
        index = self.campaign_combo.findData(wanted)
        self.campaign_combo.setCurrentIndex(max(index, 0))

    def as_of(self) -> dt.date:
        d = self.date_edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def set_as_of(self, day: dt.date) -> None:
        self.date_edit.setDate(QDate(day.year, day.month, day.day))

    def _go_today(self) -> None:
        """Back to the week of the report due next (the report's own figures)."""
        self.set_as_of(self._report_week().as_of)
        self.refresh()

    def _report_week(self) -> DashboardWeek:
        """The week of the report due next (a late one first), as the «Báo cáo tuần» screen proposes it."""
        store = self.ctx.store
        return dashboard_week(store, issued=lambda p: issued_for(store, "weekly", p.start, p.end) is not None)

    def refresh(self) -> None:
        self._dirty = False
        campaign_id = self.campaign_combo.currentData()
        if campaign_id is None:
            self._show_empty("Chưa có kế hoạch nào. Bấm «Sửa kế hoạch, chỉ tiêu…» để tạo kế hoạch từ mẫu "
                             "(Kiên Giang 374/KH-UBND, Cần Thơ) rồi nhập chỉ tiêu của đơn vị.")
            return
        try:
            self.week = dashboard_week(self.ctx.store, self.as_of())
            self.progress = compute_progress(self.ctx.store, campaign_id, as_of=self.as_of(),
                                             week_start=self.week.week_start)
            # after the campaign end the trend stops at the end (not months of empty weeks)
            self.weeks = weekly_series(self.ctx.store, campaign_id, until=min(self.as_of(), self.progress.end))
        except UserError as exc:
            self._show_empty(str(exc))
            return
        self.empty_label.hide()
        self.baseline_banner.update_for(campaign_id)
        self.setUpdatesEnabled(False)   # one layout and paint for the whole rebuild
        try:
            self._fill_header()
            self._fill_cards()
            self._fill_charts()
            self._fill_tables()
        finally:
            self.setUpdatesEnabled(True)

    def _show_empty(self, text: str) -> None:
        self.progress = None
        self.empty_label.setText(text)
        self.empty_label.show()
        self.header.clear()
        self.baseline_banner.update_for(None)
        self._clear_cards()
        self._clear_charts()
        for table in (self.area_table, self.officer_table, self.phase_table):
            table.model().set_rows([], [])

    def _on_changes(self, changes) -> None:
        if not {c.table for c in changes} & WATCHED:
            return
        if any(c.table == Table.CAMPAIGNS or (c.table == Table.SETTINGS and "current_campaign_id" in (c.ids or ()))
               for c in changes):
            self.reload_campaigns()
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def activated(self) -> None:
        if self._dirty:
            self.reload_campaigns()
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    # ---- header and cards ----------------------------------------------------------------------------
    def _fill_header(self) -> None:
        p = self.progress
        basis = ""
        if p.plan_number:
            basis = f"Kế hoạch số {p.plan_number}" + (f" ngày {date_text(p.plan_date)}" if p.plan_date else "")
        phase = p.current_phase
        parts = [f"<b>{p.name}</b>" + (f" — {basis}" if basis else ""),
                 f"Thời gian: {date_text(p.start)}–{date_text(p.end)} · Tính kết quả: {COUNTS[p.counts].lower()}, "
                 "mỗi tổ chức một lần"]
        totals = (f"Lũy kế toàn kế hoạch: <b>{thousands(p.achieved_in_campaign, DASH)}</b> · {self._week_text()}: "
                  f"<b>+{thousands(p.this_week, DASH)}</b>")
        if phase:
            state = {"upcoming": "chưa bắt đầu", "running": "đang thực hiện", "over": "đã kết thúc"}[phase.state]
            parts.append(f"<b>{phase.name}</b> ({date_text(phase.start)}–{date_text(phase.end)}, {state}): còn "
                         f"{phase.working_days_left} / {phase.working_days_total} ngày làm việc · {totals}")
        else:
            parts.append(totals)
        if not (phase and phase.targets):
            parts.append("<i>" + ("Giai đoạn này chưa có chỉ tiêu" if phase else "Kế hoạch chưa có giai đoạn")
                         + ": bấm «Sửa kế hoạch, chỉ tiêu…» (Alt+K) để nhập.</i>")
        self.header.setText("<br>".join(parts))

    def _week_text(self) -> str:
        """"Tuần báo cáo 06/03/2025–12/03/2025 (hạn 14:00 thứ năm 13/03/2025)"; "đến 13/03/2025" while it runs."""
        period, p = self.week.period, self.progress
        text = f"Tuần báo cáo {date_text(period.start)}–{date_text(period.end)}"
        due = period.due_at
        extra = [f"đến {date_text(p.as_of)}"] if p.as_of < period.end else []
        if due is not None:
            extra.append(f"hạn {time_text(due)} {WEEKDAYS[due.weekday()].lower()} {date_text(due.date())}")
        return text + (f" ({', '.join(extra)})" if extra else "")

    def _clear_cards(self) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        while self.cards_layout.count():
            self.cards_layout.takeAt(0)

    def _fill_cards(self) -> None:
        self._clear_cards()
        p = self.progress
        phase = p.current_phase
        items = []
        if phase:
            for t in phase.targets:
                sub = "Lũy kế từ đầu kế hoạch" if t.cumulative else f"Trong {phase.name.lower()}"
                items.append((t.label, t.figures, sub, dict(phase_id=phase.phase_id, groups=t.groups,
                                                            scope="campaign" if t.cumulative else "phase")))
            for ph in p.phases:     # one-day targets of the current phase's dates stay visible
                if ph.kind == "day" and ph.state != "upcoming" and ph.end >= phase.start:
                    for t in ph.targets:
                        items.append((t.label, t.figures, f"{ph.name}", dict(phase_id=ph.phase_id, groups=t.groups,
                                                                             scope="phase")))
        if not items:
            for row in p.by_group:
                items.append((row.label, row.figures, "Lũy kế", dict(groups=(int(row.key),), scope="campaign")))
        for title, figures, sub, query in items:
            card = FigureCard(title, figures, subtitle=sub)
            card.clicked.connect(lambda q=query, t=title: self.drill(t, **q))
            self.cards_layout.addWidget(card)
            self.cards.append(card)
        self.cards_layout.addStretch()

    # ---- charts -----------------------------------------------------------------------------------
    def _clear_charts(self) -> None:
        for view in self.chart_views.values():
            view.setParent(None)
            view.deleteLater()
        self.chart_views = {}

    def _fill_charts(self) -> None:
        self._clear_charts()
        p = self.progress
        phase = p.current_phase
        targets = phase.targets if phase else []
        if targets:
            labels = [t.label for t in targets]
            chart = target_bars(labels, [t.figures.achieved for t in targets], [t.figures.target for t in targets],
                                f"Kết quả so với chỉ tiêu — {phase.name}",
                                lambda i: self._drill_target(targets[i]))
        else:
            rows = p.by_group
            chart = target_bars([r.label for r in rows], [r.figures.achieved for r in rows],
                                [r.figures.target for r in rows], "Kết quả theo nhóm tổ chức",
                                lambda i: self.drill(rows[i].label, groups=(int(rows[i].key),)))
        self._add_chart("groups", chart, 0, 0)
        weeks = self.weeks[-16:]
        self._add_chart("weekly", weekly_chart(weeks, "Kết quả theo tuần và đường chỉ tiêu",
                                               lambda i: self._drill_week(weeks[i])), 0, 1)
        self.chart_views["weekly"].setRenderHint(QPainter.Antialiasing)   # lines; bars need none
        shown = [r for r in p.by_area if r.figures.target or r.figures.achieved]
        areas = shown[:CHART_AREAS]
        with_targets = any(r.figures.target for r in areas)
        values = [r.figures.percent or 0 for r in areas] if with_targets else [r.figures.achieved for r in areas]
        title = "Địa bàn: % chỉ tiêu giai đoạn" if with_targets else "Địa bàn: số đã đạt"
        if len(shown) > CHART_AREAS:
            title += f" ({CHART_AREAS} cao nhất / {len(shown)}; đủ ở thẻ «Theo địa bàn»)"
        self._add_chart("areas", ranked_bars(
            [r.label for r in areas], values, title,
            lambda i: self.drill(areas[i].label, area_code=areas[i].key, groups=self._area_groups()),
            suffix="%" if with_targets else "", color="#00897b"), 1, 0, bars=len(areas))
        officers = p.by_officer[:CHART_OFFICERS]
        self._add_chart("officers", ranked_bars(
            [r.label for r in officers], [r.figures.achieved_in_campaign for r in officers],
            "Cán bộ: số đã đạt từ đầu kế hoạch",
            lambda i: self.drill(officers[i].label, officer_id=int(officers[i].key)), color="#5e35b1"), 1, 1,
            bars=len(officers))

    def _add_chart(self, key: str, chart, row: int, col: int, *, bars: int = 0) -> None:
        view = chart_view(chart)
        view.setObjectName(f"chart_{key}")
        self.chart_views[key] = view
        if bars:   # ranked charts grow with their number of bars so that every label shows
            view.setFixedHeight(max(240, 22 * bars + 90))
            self.charts_grid.addWidget(view, row, col, Qt.AlignTop)
        else:
            self.charts_grid.addWidget(view, row, col)

    # ---- tables -----------------------------------------------------------------------------------------
    def _table(self, name: str, first_column: str = "Hạng") -> QTableView:
        """``first_column``: "Hạng" where rows are ranked (communes, officers), "STT" where they are listed."""
        table = QTableView()
        table.setObjectName(name)
        model = RowsModel([first_column, *TABLE_COLUMNS[1:]], right={0, 2, 3, 4, 5, 6, 7},
                          colors=lambda r, c: self._status_colors(table, r, c))
        table.setModel(model)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setSelectionMode(QAbstractItemView.SingleSelection)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()   # fixed widths: sizing to contents costs more than the figures
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        for column, width in enumerate([52, 0, 80, 80, 70, 80, 95, 80, 135]):
            if width:
                table.setColumnWidth(column, width)
        table.setToolTip("Enter hoặc bấm đúp một dòng để xem các hồ sơ được tính")
        if name == "areaTable":
            table.setToolTip("Enter hoặc bấm đúp một dòng để xem các hồ sơ được tính; ở ô «Còn lại»: các tổ chức "
                             "chưa đăng ký của xã, phường đó")
        return table

    @staticmethod
    def _status_colors(table: QTableView, row: int, column: int):
        if column != 8:
            return None
        return (STATUS_COLORS[table.model().keys[row]], "#ffffff")

    def _fill_rows(self, table: QTableView, rows: list[tuple[str, object]]) -> None:
        texts = [[str(r + 1), name, thousands(f.achieved, DASH), thousands(f.target, DASH),
                  percent_text(f.percent, DASH), thousands(f.remaining, DASH),
                  decimal_text(f.needed_per_working_day, DASH), thousands(f.this_week, DASH), STATUS_LABELS[f.status]]
                 for r, (name, f) in enumerate(rows)]
        table.model().set_rows(texts, [f.status for _, f in rows])

    def _fill_tables(self) -> None:
        p = self.progress
        self._fill_rows(self.area_table, [(r.label, r.figures) for r in p.by_area])
        self._fill_rows(self.officer_table, [(r.label, r.figures) for r in p.by_officer])
        phase_rows = []
        self._phase_rows = []
        for ph in p.phases:
            for t in ph.targets:
                phase_rows.append((f"{ph.name} ({date_text(ph.start)}–{date_text(ph.end)}): {t.label}", t.figures))
                self._phase_rows.append((ph, t))
        self._fill_rows(self.phase_table, phase_rows)

    # ---- drill-down ------------------------------------------------------------------------------------
    def _area_groups(self):
        return area_groups(self.progress) if self.progress else None

    def _drill_target(self, t) -> None:
        phase = self.progress.current_phase
        self.drill(t.label, phase_id=phase.phase_id, groups=t.groups, scope="campaign" if t.cumulative else "phase")

    def _drill_week(self, point) -> None:
        self.drill(f"Tuần {date_text(point.week_end - dt.timedelta(days=6))}–{date_text(point.week_end)}",
                   scope="week", as_of=point.week_end)

    def _drill_row(self, kind: str, row: int) -> None:
        p = self.progress
        if kind == "area":
            r = p.by_area[row]
            self.drill(r.label, area_code=r.key, groups=self._area_groups())
        else:
            r = p.by_officer[row]
            self.drill(r.label, officer_id=int(r.key))

    def _area_activated(self, index) -> None:
        """Enter on a commune: the dossiers counted; on its «Còn lại» cell: the organizations remaining."""
        if index.column() == REMAINING_COLUMN:
            self.open_pending(index.row())
        else:
            self._drill_row("area", index.row())

    def _drill_phase_row(self, row: int) -> None:
        ph, t = self._phase_rows[row]
        self.drill(f"{ph.name}: {t.label}", phase_id=ph.phase_id, groups=t.groups,
                   scope="campaign" if t.cumulative else "phase")

    def drill(self, title: str, *, scope: str = "campaign", as_of: dt.date | None = None, **query) -> None:
        """Open the list of the dossiers behind a number (the dossier screen if it can show a list)."""
        if self.progress is None:
            return
        try:
            ids = dossier_ids(self.ctx.store, self.progress.campaign_id, as_of=as_of or self.as_of(), scope=scope,
                              **query)
        except UserError as exc:
            show_error(self, exc)
            return
        self.drilled.emit(title, ids)
        window = self.ctx.window
        page = getattr(window, "pages", {}).get("dossiers") if window is not None else None
        if page is not None and hasattr(page, "show_dossier_ids"):
            window.show_page("dossiers")
            page.show_dossier_ids(ids, title)
            return
        opener = getattr(page, "open_dossier", None)
        try:
            dialog = DossierListDialog(self.ctx.store, f"Hồ sơ được tính — {title}", ids, self, on_open=opener)
        except UserError as exc:
            show_error(self, exc)
            return
        self.last_dialog = dialog
        dialog.open()

    def open_pending(self, row: int | None = None) -> PendingDialog:
        """The remaining list behind an area's «Còn lại» (the area selected in «Theo địa bàn», else the
        whole unit), for the same groups as the area's figures."""
        area = None
        if row is None and self.area_table.currentIndex().isValid():
            row = self.area_table.currentIndex().row()
        if self.progress is not None and row is not None and 0 <= row < len(self.progress.by_area):
            key = self.progress.by_area[row].key
            area = None if key == OUTSIDE_AREA else key
        dialog = PendingDialog(self.ctx, self, area_code=area, groups=self._area_groups())
        dialog.show()
        self.pending_dialog = dialog
        return dialog

    # ---- editor ----------------------------------------------------------------------------------------
    def open_editor(self) -> None:
        editor = CampaignEditor(self.ctx, self.campaign_combo.currentData(), self)
        self.editor = editor
        editor.finished.connect(lambda _r: (self.reload_campaigns(), self.refresh()))
        editor.open()
