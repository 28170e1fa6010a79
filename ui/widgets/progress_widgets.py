"""Widgets of the progress dashboard: figure cards, Qt Charts builders, the drill-down list, and the
"the baseline changed, recompute?" banner (also in the campaign editor)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from models.campaigns.progress import STATUS_LABELS, Figures, drilldown_rows
from models.campaigns.targets import baseline_changes, recompute_baselines
from models.core.errors import UserError
from models.core.permissions import can
from models.registry.organizations import GROUP_SHORT
from models.text.vn_format import DASH, date_text, day_month_text, decimal_text, percent_text, thousands
from ui.ops import run_mutation, show_message
from ui.tables.rows_model import RowsModel

STATUS_COLORS = {
    "done": "#2e7d32",
    "on_track": "#1565c0",
    "at_risk": "#ef6c00",
    "behind": "#c62828",
    "not_met": "#8e0000",
    "no_target": "#616161",
}
ACHIEVED_COLOR = QColor("#1565c0")
TARGET_COLOR = QColor("#b0bec5")


class FigureCard(QFrame):
    """One target (or total): achieved / target, %, remaining, needed per working day, status colour.
    A click (or Enter when focused) asks for the dossiers behind the number."""

    clicked = Signal()

    def __init__(self, title: str, figures: Figures, *, subtitle: str = ""):
        super().__init__()
        self.figures = figures
        self.setObjectName("figureCard")
        self.setFocusPolicy(Qt.StrongFocus)
        self.setCursor(Qt.PointingHandCursor)
        self.setFrameShape(QFrame.StyledPanel)
        color = STATUS_COLORS[figures.status]
        self.setStyleSheet(
            f"QFrame#figureCard {{ border: 1px solid #cfd8dc; border-left: 6px solid {color};"
            " border-radius: 4px; background: white; }"
            f" QFrame#figureCard:focus {{ border: 2px solid {color}; border-left: 6px solid {color}; }}"
        )
        self.setMinimumWidth(200)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.setSpacing(2)
        self.title_label = QLabel(f"<b>{title}</b>")
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        if subtitle:
            sub = QLabel(subtitle)
            sub.setStyleSheet("color: #607d8b; font-size: 11px;")
            layout.addWidget(sub)
        self.value_label = QLabel()
        self.value_label.setObjectName("cardValue")
        font = QFont(self.font())
        font.setPointSize(max(font.pointSize() + 6, 14))
        font.setBold(True)
        self.value_label.setFont(font)
        layout.addWidget(self.value_label)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.bar.setRange(0, 1000)
        self.bar.setStyleSheet(f"QProgressBar {{ border: none; background: #eceff1; }}"
                               f" QProgressBar::chunk {{ background: {color}; }}")
        layout.addWidget(self.bar)
        self.detail_label = QLabel()
        self.detail_label.setObjectName("cardDetail")
        self.detail_label.setWordWrap(True)
        layout.addWidget(self.detail_label)
        self.status_label = QLabel(STATUS_LABELS[figures.status])
        self.status_label.setObjectName("cardStatus")
        self.status_label.setStyleSheet(f"color: {color}; font-weight: bold;")
        layout.addWidget(self.status_label)
        self._fill()

    def _fill(self) -> None:
        f = self.figures
        if f.target is None:
            self.value_label.setText(thousands(f.achieved, DASH))
            self.bar.setValue(0)
            self.detail_label.setText(f"Tuần này: +{thousands(f.this_week, DASH)}")
        else:
            percent = percent_text(f.percent, DASH)
            self.value_label.setText(f"{thousands(f.achieved, DASH)} / {thousands(f.target, DASH)}  ({percent})")
            self.bar.setValue(min(int((f.percent or 0) * 10), 1000))
            lines = [f"Còn lại: {thousands(f.remaining, DASH)}"]
            if f.remaining and f.needed_per_working_day is not None:
                lines.append(f"Cần {decimal_text(f.needed_per_working_day, DASH)}/ngày làm việc ({f.working_days_left} ngày)")
            lines.append(f"Tuần này: +{thousands(f.this_week, DASH)} · Dự kiến: {thousands(f.projected, DASH)}")
            self.detail_label.setText("\n".join(lines))
        self.setToolTip("Bấm (hoặc Enter) để xem các hồ sơ được tính")

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.NoAnimation)
    chart.legend().setAlignment(Qt.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setLocale(QLocale(QLocale.Vietnamese, QLocale.Vietnam))
    chart.setLocalizeNumbers(True)
    return chart


def _category_axis(labels: list[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(labels or [""])
    font = QFont(axis.labelsFont())
    font.setPointSize(8)
    axis.setLabelsFont(font)
    axis.setTruncateLabels(False)   # Qt would elide "Xã Vĩnh Hoà Hưng" to "…" without asking
    return axis


def chart_view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setMinimumHeight(220)
    return view


def short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def target_bars(labels: list[str], achieved: list[int], targets: list[int | None], title: str,
                on_click: Callable[[int], None]) -> QChart:
    """Achieved against target per group/target (vertical bars); a click on a bar gives its index."""
    chart = _chart(title)
    done = QBarSet("Đã đạt")
    done.setColor(ACHIEVED_COLOR)
    done.setLabelColor(QColor("#263238"))
    goal = QBarSet("Chỉ tiêu")
    goal.setColor(TARGET_COLOR)
    goal.setLabelColor(QColor("#263238"))
    done.append([float(v) for v in achieved])
    goal.append([float(v or 0) for v in targets])
    series = QBarSeries()
    series.append(done)
    series.append(goal)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsOutsideEnd)
    series.clicked.connect(lambda index, _set: on_click(index))
    chart.addSeries(series)
    axis_x = _category_axis([short(x, 18) for x in labels])
    chart.addAxis(axis_x, Qt.AlignBottom)
    series.attachAxis(axis_x)
    axis_y = QValueAxis()
    axis_y.setLabelFormat("%.0f")
    axis_y.setRange(0, max([1.0, *map(float, achieved), *(float(t or 0) for t in targets)]) * 1.15)
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_y, Qt.AlignLeft)
    series.attachAxis(axis_y)
    return chart


def weekly_chart(points, title: str, on_click: Callable[[int], None]) -> QChart:
    """Bars: achieved each week; lines: cumulative and the planned target line (right axis)."""
    chart = _chart(title)
    weekly = QBarSet("Trong tuần")
    weekly.setColor(QColor("#90caf9"))
    weekly.append([float(p.achieved) for p in points])
    bars = QBarSeries()
    bars.append(weekly)
    bars.clicked.connect(lambda index, _set: on_click(index))
    cumulative = QLineSeries()
    cumulative.setName("Lũy kế")
    cumulative.setPen(QPen(ACHIEVED_COLOR, 2.5))
    target = QLineSeries()
    target.setName("Đường chỉ tiêu")
    target.setPen(QPen(QColor("#c62828"), 2, Qt.DashLine))
    for i, p in enumerate(points):
        cumulative.append(float(i), float(p.cumulative))
        if p.target_line is not None:
            target.append(float(i), float(p.target_line))
    chart.addSeries(bars)
    chart.addSeries(cumulative)
    if target.count():
        chart.addSeries(target)
    axis_x = _category_axis([day_month_text(p.week_end) for p in points])
    chart.addAxis(axis_x, Qt.AlignBottom)
    for s in (bars, cumulative, target):
        if s.chart():
            s.attachAxis(axis_x)
    left = QValueAxis()
    left.setLabelFormat("%.0f")
    left.setTitleText("Trong tuần")
    # at least 0–4: a small range would repeat rounded labels (0, 0, 1, 1, 2)
    left.setRange(0, max([4.0, *(float(p.achieved) * 1.15 for p in points)]))
    left.applyNiceNumbers()
    chart.addAxis(left, Qt.AlignLeft)
    bars.attachAxis(left)
    right = QValueAxis()
    right.setLabelFormat("%.0f")
    right.setTitleText("Lũy kế")
    top = max([1.0, *(float(p.cumulative) for p in points), *(float(p.target_line or 0) for p in points)])
    right.setRange(0, max(4.0, top * 1.1))
    right.applyNiceNumbers()
    chart.addAxis(right, Qt.AlignRight)
    cumulative.attachAxis(right)
    if target.chart():
        target.attachAxis(right)
    return chart


def ranked_bars(labels: list[str], values: list[float], title: str, on_click: Callable[[int], None], *,
                suffix: str = "", color: str = "#1565c0") -> QChart:
    """Horizontal bars, best at the top (labels/values given best first)."""
    chart = _chart(title)
    chart.legend().hide()
    bar_set = QBarSet(title)
    bar_set.setColor(QColor(color))
    bar_set.setLabelColor(QColor("#263238"))
    bar_set.append([float(v) for v in reversed(values)])
    series = QHorizontalBarSeries()
    series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsFormat("@value" + suffix)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsOutsideEnd)
    n = len(values)
    series.clicked.connect(lambda index, _set: on_click(n - 1 - index))
    chart.addSeries(series)
    axis_y = _category_axis([short(x) for x in reversed(labels)])
    chart.addAxis(axis_y, Qt.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = QValueAxis()
    axis_x.setLabelFormat("%.0f")
    axis_x.setRange(0, max([1.0, *map(float, values)]) * 1.2)
    axis_x.applyNiceNumbers()
    chart.addAxis(axis_x, Qt.AlignBottom)
    series.attachAxis(axis_x)
    return chart


DOSSIER_STATUS_LABELS = {
    "received": "Đã tiếp nhận", "verifying": "Đang xác minh", "needs_papers": "Cần bổ sung",
    "waiting_locality": "Chờ địa phương xác minh", "verified": "Đã xác minh", "issued": "Đã cấp tài khoản",
    "activated": "Đã kích hoạt", "refused": "Từ chối", "cancelled": "Đã huỷ",
}
DRILL_COLUMNS = ["Số hồ sơ", "Tổ chức", "MST", "Nhóm", "Địa bàn", "Cán bộ", "Ngày nhận", "Ngày cấp",
                 "Ngày kích hoạt", "Trạng thái"]


class DossierListDialog(QDialog):
    """The dossiers behind a number (read-only list; Enter opens one when ``on_open`` is given; Esc closes)."""

    def __init__(self, store, title: str, ids: list[int], parent=None,
                 on_open: Callable[[int], None] | None = None):
        super().__init__(parent)
        self.setObjectName("drillDownDialog")
        self.setWindowTitle(title)
        self.resize(1240, 560)
        self.ids = list(ids)
        rows = drilldown_rows(store, self.ids)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{title}</b> — {thousands(len(rows))} hồ sơ"))
        self.model = RowsModel(DRILL_COLUMNS)
        self.model.set_rows([
            [row["number"], row["subject"], row["tax_code"] or "", GROUP_SHORT.get(row["grp"], ""), row["area"],
             row["officer"], date_text(row["received_on"]), date_text(row["issued_on"]), date_text(row["activated_on"]),
             DOSSIER_STATUS_LABELS.get(row["status"], row["status"])] for row in rows
        ], [row["id"] for row in rows])
        self.table = QTableView()
        self.table.setObjectName("drillDownTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, min(max(self.table.columnWidth(1), 220), 300))
        self.table.horizontalHeader().setStretchLastSection(True)
        if on_open is not None:   # Enter / double-click opens the dossier (dossier screen)
            self.table.setToolTip("Enter hoặc bấm đúp để mở hồ sơ")
            self.table.activated.connect(lambda index: on_open(self.model.keys[index.row()]))
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.Close).setText("Đóng")
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+W"), self, activated=self.reject)

    def shown_ids(self) -> list[int]:
        return list(self.model.keys)



class BaselineBanner(QFrame):
    """"Số tổ chức trong danh sách đã thay đổi — tính lại chỉ tiêu?": shown while a target's frozen registry
    baseline differs from the registry (``models.campaigns.targets.baseline_changes``). Targets never move
    by themselves; a leader presses «Tính lại chỉ tiêu…», confirms, and the model recomputes (permission
    ``campaign.manage``, audited). Others read who can do it."""

    recomputed = Signal()

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.campaign_id: int | None = None
        self.changes: list = []
        self.confirm_box: QMessageBox | None = None
        self.setObjectName("baselineBanner")
        self.setStyleSheet("QFrame#baselineBanner { background: #fff8e1; border: 1px solid #ffb300;"
                           " border-radius: 4px; }")
        self.label = QLabel()
        self.label.setObjectName("baselineText")
        self.label.setWordWrap(True)
        self.button = QPushButton("Tính lại chỉ tiê&u…")
        self.button.setObjectName("recomputeBaselineButton")
        self.button.clicked.connect(self.ask)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.hide()

    def update_for(self, campaign_id: int | None) -> None:
        self.campaign_id = campaign_id
        try:
            self.changes = baseline_changes(self.store, campaign_id) if campaign_id is not None else []
        except UserError:
            self.changes = []
        if not self.changes:
            self.hide()
            return
        leader = can(self.store.actor.role, "campaign.manage")
        lines = "<br>".join(f"• {c.text}" for c in self.changes)
        tail = ("Chỉ tiêu chưa thay đổi. Tính lại theo số mới?" if leader
                else "Chỉ tiêu chưa thay đổi; lãnh đạo đơn vị quyết định có tính lại hay không.")
        self.label.setText("<b>Số tổ chức trong danh sách đã thay đổi kể từ khi đặt chỉ tiêu.</b><br>"
                           f"{lines}<br>{tail}")
        self.button.setVisible(leader)
        self.show()

    def ask(self) -> None:
        """Confirm (window-modal, non-blocking; «Để nguyên» is the default and Esc), then recompute."""
        if not self.changes:
            return
        text = ("Tính lại các chỉ tiêu sau theo số tổ chức hiện có trong danh sách?\n\n"
                + "\n".join(f"• {c.text}" for c in self.changes)
                + "\n\nPhân bổ theo tỷ lệ cho các xã, phường được chia lại; phân bổ đã sửa tay được giữ nguyên.")
        box = QMessageBox(QMessageBox.Question, "Tính lại chỉ tiêu", text, QMessageBox.Yes | QMessageBox.No, self)
        box.setObjectName("recomputeBox")
        box.button(QMessageBox.Yes).setText("&Tính lại")
        box.button(QMessageBox.No).setText("Để &nguyên")
        box.setDefaultButton(QMessageBox.No)
        box.setEscapeButton(QMessageBox.No)
        box.buttonClicked.connect(lambda button: self.recompute() if button is box.button(QMessageBox.Yes) else None)
        self.confirm_box = box
        box.open()

    def recompute(self) -> None:
        if self.campaign_id is None:
            return
        campaign_id = self.campaign_id
        outcome = run_mutation(self, lambda: recompute_baselines(self.store, campaign_id),
                               title="Không tính lại được chỉ tiêu")
        if outcome:
            kept = [r for r in outcome.value if r["allocation_kept"]]
            if kept:
                show_message(self, "Đã tính lại chỉ tiêu",
                             f"Đã tính lại {len(outcome.value)} chỉ tiêu. {len(kept)} chỉ tiêu có phân bổ đã sửa tay nên "
                             "phân bổ giữ nguyên: hãy xem lại tổng phân bổ trong «Sửa kế hoạch, chỉ tiêu…».")
        self.update_for(campaign_id)
        if outcome:
            self.recomputed.emit()
