"""One dossier: declared vs registry side by side, verification findings and manual checks, status
actions, cross-locality requests, and the history timeline.

Status buttons come from the model: one per move the graph allows from the current status, enabled
only when ``dossier_status.allowed_targets`` says this officer may make it. Refusal and cancellation
ask for a reason first. Every write passes the version the screen was loaded from; when another desk
changed the dossier in between, the model refuses (``StaleEdit``) and the screen says what changed and
reloads. Changes arriving from elsewhere reload the screen unless the officer is editing.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import StaleEdit, UserError
from models.core.permissions import can
from models.dossiers import history as dossier_history
from models.dossiers import locality_requests, verification
from models.dossiers import records as dossier_model
from models.dossiers import states as dossier_states
from models.dossiers import status as dossier_status
from models.registry import units as units_mod
from models.registry.organizations import FIELD_LABELS as ORG_FIELD_LABELS
from models.registry.organizations import GROUPS
from models.registry.organizations import STATUSES as ORG_STATUSES
from models.security.personal_data import display_id_number
from models.text.identifiers import mask_personal_id
from models.text.normalize import clean
from models.text.vn_format import date_text, datetime_text, html_text
from ui.context import AppContext
from ui.ops import show_error, show_message
from ui.widgets.date_edits import DateEdit
from ui.widgets.receipt_actions import print_receipt, save_receipt

SEVERITY_COLOURS = {"blocking": "#b3261e", "warning": "#8a5a00", "info": "#1f5f99"}
SEVERITY_ICONS = {"blocking": QStyle.SP_MessageBoxCritical, "warning": QStyle.SP_MessageBoxWarning,
                  "info": QStyle.SP_MessageBoxInformation}
DIFF_BRUSH = QBrush(QColor("#ffe8a3"))
STATUS_COLOURS = {"refused": "#b3261e", "cancelled": "#777777", "issued": "#1b6e20", "activated": "#1b6e20",
                  "verified": "#1b6e20"}
DECLARED_COLUMN = 1






EXTRA_LABELS = {"verification_request": "Đề nghị xác minh", "verification_result": "Kết quả xác minh"}


def _json(value):
    if not isinstance(value, str) or not value.startswith(("{", "[")):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _value_text(field: str | None, value, kind: str, areas: dict | None = None) -> str:
    value = _json(value)
    if value in (None, "", [], {}):
        return "—"
    if kind == "organization" and field == "status":
        return ORG_STATUSES.get(value, value)
    if kind == "manual_check":
        return verification.MANUAL_RESULTS.get(value, value)
    if field in ("due_date", "received_on", "verified_on", "issued_on", "activated_on", "closed_on",
                 "established_on", "sent_on", "due_on", "answered_on"):
        return date_text(value)
    if field == "received_at":
        return datetime_text(value)
    if field == "area_code" and areas:
        return areas.get(value, value)
    if field in ("needs_verification", "needs_verification_manual"):
        return "có" if value in (1, "1", True) else "không"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        labels = {**dossier_model.DECLARED_LABELS, **dossier_history.DOSSIER_FIELD_LABELS, **ORG_FIELD_LABELS,
                  "to_unit": "Đơn vị", "method": "Hình thức", "sent_on": "Ngày gửi", "due_on": "Hạn trả lời",
                  "number": "Số hồ sơ"}
        skip = {"uuid", "org_id", "online_ref", "declared", "papers"}
        parts = [f"{labels.get(k, k)}: {_value_text(k, v, kind, areas)}" for k, v in value.items()
                 if k not in skip and v not in (None, "", [], {})]
        if isinstance(value.get("papers"), list):
            parts.append(f"{len(value['papers'])} loại giấy tờ")
        return "; ".join(parts)
    return str(value)


def timeline_detail(e: dict, areas: dict | None = None) -> str:
    """One line of the timeline in words: field, old → new, reason (no raw JSON)."""
    kind, field = e.get("kind"), e.get("field")
    if kind == "manual_check":
        label = verification.MANUAL_CHECKS.get(field, field or "")
        detail = f"{label}: {_value_text(field, e.get('new'), kind)}"
    elif kind == "create" or (field is None and isinstance(_json(e.get("new")), dict)):
        detail = _value_text(None, e.get("new"), kind, areas)
    elif e.get("old") is None and isinstance(_json(e.get("new")), dict):
        label = EXTRA_LABELS.get(field) or e.get("label") or ""
        detail = f"{label}: {_value_text(None, e.get('new'), kind, areas)}".lstrip(": ")
    elif field:
        detail = (f"{EXTRA_LABELS.get(field) or e.get('label') or field}: "
                  f"{_value_text(field, e.get('old'), kind, areas)} → {_value_text(field, e.get('new'), kind, areas)}")
    else:
        detail = _value_text(None, e.get("new"), kind, areas) if e.get("new") else ""
    if e.get("reason"):
        detail = (detail + " · " if detail else "") + f"Lý do: {e['reason']}"
    return detail


class ReasonDialog(QDialog):
    """Asks for the reason of a refusal or cancellation; OK stays disabled while the reason is blank."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt))
        self.text = QPlainTextEdit()
        self.text.setObjectName("reasonText")
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Xác nhận")
        self.buttons.button(QDialogButtonBox.Cancel).setText("Thôi")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setEnabled(False)
        self.text.textChanged.connect(lambda: self.ok_button.setEnabled(bool(self.reason())))
        self.text.installEventFilter(self)  # Ctrl+Enter confirms (plain Enter is a new line)

    def eventFilter(self, obj, event) -> bool:
        if (obj is self.text and event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter)
                and event.modifiers() & Qt.ControlModifier):
            self._ctrl_enter()
            return True
        return super().eventFilter(obj, event)

    def reason(self) -> str:
        return clean(self.text.toPlainText())

    def _ctrl_enter(self) -> None:
        if self.reason():
            self.accept()

    def accept(self) -> None:
        if not self.reason():
            return
        super().accept()


class DossierView(QDialog):
    moved = Signal(str)  # new status

    def __init__(self, ctx: AppContext, dossier_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowFlag(Qt.Window, True)
        self.setAttribute(Qt.WA_DeleteOnClose)  # closed views stop listening to changes
        self.setObjectName("dossierView")
        self.ctx = ctx
        self.store = ctx.store
        self.dossier_id = dossier_id
        self._ids_revealed = False  # personal ID numbers masked until the officer asks (logged)
        self.dossier: dict | None = None
        self.version: int | None = None
        self.editing = False
        self.reason_dialog: ReasonDialog | None = None
        self.resize(1100, 780)

        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setObjectName("dossierHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.RichText)
        layout.addWidget(self.header)
        self.stale_banner = QLabel()
        self.stale_banner.setObjectName("staleBanner")
        self.stale_banner.setWordWrap(True)
        self.stale_banner.setStyleSheet("background: #fff4ce; border: 1px solid #d6b656; padding: 6px;")
        self.stale_banner.hide()
        layout.addWidget(self.stale_banner)

        self.actions_box = QGroupBox("Chuyển trạng thái")
        self.actions_layout = QHBoxLayout(self.actions_box)
        self.status_buttons: dict[str, QPushButton] = {}
        for target in dossier_states.ACTION_LABELS:
            button = QPushButton(dossier_states.ACTION_LABELS[target])
            button.setObjectName(f"move_{target}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, t=target: self.request_move(t))
            self.status_buttons[target] = button
            self.actions_layout.addWidget(button)
        self.actions_layout.addStretch(1)
        self.receipt_button = QPushButton("Giấy hẹn")
        self.receipt_button.setObjectName("reprintButton")
        self.receipt_button.setAutoDefault(False)
        menu = QMenu(self.receipt_button)
        menu.addAction("In khổ A5…", lambda: self.reprint("A5"))
        menu.addAction("In khổ A4…", lambda: self.reprint("A4"))
        menu.addAction("Lưu PDF (A5)…", lambda: self.save_receipt("A5"))
        menu.addAction("Lưu PDF (A4)…", lambda: self.save_receipt("A4"))
        self.receipt_button.setMenu(menu)
        self.actions_layout.addWidget(self.receipt_button)
        layout.addWidget(self.actions_box)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dossierTabs")
        self.tabs.addTab(self._build_comparison_tab(), "Đối chiếu kê khai / &sổ")
        self.tabs.addTab(self._build_checks_tab(), "&Kiểm tra")
        self.tabs.addTab(self._build_locality_tab(), "&Xác minh địa phương khác")
        self.tabs.addTab(self._build_history_tab(), "&Lịch sử")
        layout.addWidget(self.tabs, 1)

        QShortcut(QKeySequence("F5"), self, activated=self.run_verification)
        ctx.changes.changed.connect(self._on_changes)
        self.reload()
        # Open on the comparison, never on a status button: a stray Space/Enter must not move the dossier.
        self.comparison.setFocus()

    # ---- tabs ---------------------------------------------------------------------------------------
    def _build_comparison_tab(self) -> QWidget:
        host = QWidget()
        layout = QVBoxLayout(host)
        self.comparison = QTableWidget(0, 3)
        self.comparison.setObjectName("comparisonTable")
        self.comparison.setHorizontalHeaderLabels(["Trường", "Kê khai (sửa được)", "Trong sổ"])
        self.comparison.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.comparison.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.comparison.verticalHeader().hide()
        self.comparison.verticalHeader().setDefaultSectionSize(24)
        self.comparison.setWordWrap(False)  # one line per field; the full text is in the cell's tooltip
        self.comparison.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                        | QAbstractItemView.AnyKeyPressed)
        self.comparison.itemChanged.connect(self._on_comparison_edited)
        layout.addWidget(self.comparison, 1)
        layout.addWidget(self._build_intake_edit_box())
        row = QHBoxLayout()
        self.comparison_note = QLabel()
        self.comparison_note.setObjectName("comparisonNote")
        row.addWidget(self.comparison_note, 1)
        self.save_declared_button = QPushButton("Lưu thay đổi (Ctrl+S)")
        self.save_declared_button.setObjectName("saveDeclared")
        self.save_declared_button.setToolTip("Lưu kê khai đã sửa, địa bàn, kênh, giấy tờ và ghi chú (Ctrl+S)")
        self.save_declared_button.setAutoDefault(False)
        self.save_declared_button.setEnabled(False)
        self.save_declared_button.clicked.connect(self.save_declared)
        self.reveal_ids_button = QPushButton("Hiện số định danh đầy đủ")
        self.reveal_ids_button.setObjectName("revealIdsButton")
        self.reveal_ids_button.setToolTip("Số định danh cá nhân được che; xem đầy đủ sẽ được ghi vào nhật ký")
        self.reveal_ids_button.setAutoDefault(False)
        self.reveal_ids_button.clicked.connect(self.reveal_ids)
        row.addWidget(self.reveal_ids_button)
        row.addWidget(self.save_declared_button)
        layout.addLayout(row)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self._save_shortcut)
        return host

    def _build_intake_edit_box(self) -> QGroupBox:
        """What the officer recorded at intake besides the form: the declared area, channel, papers, notes."""
        box = QGroupBox("Địa bàn kê khai, kênh, giấy tờ và ghi chú (sửa được khi hồ sơ chưa kết thúc)")
        box.setObjectName("intakeEditBox")
        grid = QHBoxLayout(box)
        form = QFormLayout()
        self.edit_area = QComboBox()
        self.edit_area.setObjectName("editArea")
        self.edit_area.addItem("(chưa rõ)", None)
        own = {a["code"] for a in units_mod.unit_areas(self.store)}
        for area in units_mod.unit_areas(self.store):
            self.edit_area.addItem(area["name"], area["code"])
        for area in units_mod.all_areas(self.store):
            if area["code"] not in own:
                self.edit_area.addItem(f"{area['name']} (ngoài địa bàn)", area["code"])
        self.edit_channel = QComboBox()
        self.edit_channel.setObjectName("editChannel")
        self.edit_notes = QPlainTextEdit()
        self.edit_notes.setObjectName("editNotes")
        self.edit_notes.setTabChangesFocus(True)
        self.edit_notes.setFixedHeight(52)
        for text, widget in (("Địa &bàn:", self.edit_area), ("&Kênh tiếp nhận:", self.edit_channel),
                             ("&Ghi chú:", self.edit_notes)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.edit_papers = QListWidget()
        self.edit_papers.setObjectName("editPapers")
        self.edit_papers.setFixedHeight(112)
        self.edit_papers.setToolTip("Giấy tờ đã nhận: Space để đánh dấu")
        papers_label = QLabel("Giấy tờ đã &nhận:")
        papers_label.setBuddy(self.edit_papers)
        papers = QVBoxLayout()
        papers.addWidget(papers_label)
        papers.addWidget(self.edit_papers)
        grid.addLayout(form, 2)
        grid.addLayout(papers, 3)
        self.edit_area.currentIndexChanged.connect(lambda _i: self._mark_editing())
        self.edit_channel.currentIndexChanged.connect(lambda _i: self._mark_editing())
        self.edit_notes.textChanged.connect(self._mark_editing)
        self.edit_papers.itemChanged.connect(lambda _item: self._mark_editing())
        self._filling = False
        return box

    def _build_checks_tab(self) -> QWidget:
        host = QWidget()
        layout = QVBoxLayout(host)
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Kết quả kiểm tra tự động</b>"))
        top.addStretch(1)
        self.verify_button = QPushButton("Kiểm tra lại (F5)")
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setAutoDefault(False)
        self.verify_button.clicked.connect(self.run_verification)
        top.addWidget(self.verify_button)
        layout.addLayout(top)
        self.findings = QListWidget()
        self.findings.setObjectName("findingsList")
        layout.addWidget(self.findings, 2)

        manual = QGroupBox("Kiểm tra thủ công đã làm")
        form = QHBoxLayout(manual)
        self.check_code = QComboBox()
        self.check_code.setObjectName("manualCheckCode")
        for code, label in verification.MANUAL_CHECKS.items():
            self.check_code.addItem(label, code)
        self.check_result = QComboBox()
        self.check_result.setObjectName("manualCheckResult")
        for code, label in verification.MANUAL_RESULTS.items():
            self.check_result.addItem(label, code)
        self.check_note = QLineEdit()
        self.check_note.setObjectName("manualCheckNote")
        self.check_note.setPlaceholderText("Ghi chú")
        self.check_button = QPushButton("Ghi nhận")
        self.check_button.setObjectName("manualCheckButton")
        self.check_button.setAutoDefault(False)
        self.check_button.clicked.connect(self.record_manual_check)
        self.check_note.returnPressed.connect(self.record_manual_check)
        form.addWidget(self.check_code, 3)
        form.addWidget(self.check_result, 1)
        form.addWidget(self.check_note, 2)
        form.addWidget(self.check_button)
        layout.addWidget(manual)
        self.manual_list = QTreeWidget()
        self.manual_list.setObjectName("manualChecks")
        self.manual_list.setHeaderLabels(["Lúc", "Cán bộ", "Nội dung", "Kết quả", "Ghi chú"])
        self.manual_list.setRootIsDecorated(False)
        for column, width in enumerate((120, 170, 380, 110)):
            self.manual_list.setColumnWidth(column, width)
        layout.addWidget(self.manual_list, 1)
        return host

    def _build_locality_tab(self) -> QWidget:
        host = QWidget()
        layout = QVBoxLayout(host)
        self.requests = QTreeWidget()
        self.requests.setObjectName("localityRequests")
        self.requests.setHeaderLabels(["Gửi đơn vị", "Ngày gửi", "Hình thức", "Hạn trả lời", "Ngày trả lời",
                                       "Kết quả", "Ghi chú"])
        self.requests.setRootIsDecorated(False)
        for column, width in enumerate((220, 90, 110, 150, 100, 170)):
            self.requests.setColumnWidth(column, width)
        layout.addWidget(self.requests, 1)

        send = QGroupBox("Gửi đề nghị xác minh")
        form = QFormLayout(send)
        self.req_unit = QLineEdit()
        self.req_unit.setObjectName("requestUnit")
        self.req_unit.setPlaceholderText("Ví dụ: Công an xã Minh Lương")
        self.req_method = QComboBox()
        self.req_method.setObjectName("requestMethod")
        self.req_method.addItems(locality_requests.METHODS)
        self.req_sent = DateEdit()
        self.req_sent.setObjectName("requestSent")
        self.req_sent.setDisplayFormat("dd/MM/yyyy")
        self.req_sent.setCalendarPopup(True)
        self.req_due = DateEdit()
        self.req_due.setObjectName("requestDue")
        self.req_due.setDisplayFormat("dd/MM/yyyy")
        self.req_due.setCalendarPopup(True)
        self.req_sent.dateChanged.connect(self._update_default_due)
        self.req_note = QLineEdit()
        self.req_note.setObjectName("requestNote")
        self.req_button = QPushButton("Gửi đề nghị")
        self.req_button.setObjectName("requestButton")
        self.req_button.setAutoDefault(False)
        self.req_button.clicked.connect(self.send_request)
        form.addRow("Đơn vị được đề nghị", self.req_unit)
        form.addRow("Hình thức", self.req_method)
        form.addRow("Ngày gửi", self.req_sent)
        form.addRow("Hạn trả lời", self.req_due)
        form.addRow("Ghi chú", self.req_note)
        form.addRow("", self.req_button)
        layout.addWidget(send)

        answer = QGroupBox("Kết quả trả lời (chọn yêu cầu ở bảng trên)")
        row = QHBoxLayout(answer)
        self.ans_result = QComboBox()
        self.ans_result.setObjectName("answerResult")
        for code, label in locality_requests.RESULTS.items():
            self.ans_result.addItem(label, code)
        self.ans_date = DateEdit()
        self.ans_date.setObjectName("answerDate")
        self.ans_date.setDisplayFormat("dd/MM/yyyy")
        self.ans_date.setCalendarPopup(True)
        self.ans_note = QLineEdit()
        self.ans_note.setObjectName("answerNote")
        self.ans_note.setPlaceholderText("Ghi chú")
        self.ans_button = QPushButton("Ghi kết quả")
        self.ans_button.setObjectName("answerButton")
        self.ans_button.setAutoDefault(False)
        self.ans_button.clicked.connect(self.record_answer)
        row.addWidget(self.ans_result, 2)
        row.addWidget(self.ans_date)
        row.addWidget(self.ans_note, 2)
        row.addWidget(self.ans_button)
        layout.addWidget(answer)
        return host

    def _build_history_tab(self) -> QWidget:
        host = QWidget()
        layout = QVBoxLayout(host)
        self.timeline = QTreeWidget()
        self.timeline.setObjectName("timeline")
        self.timeline.setHeaderLabels(["Lúc", "Cán bộ", "Việc", "Chi tiết"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setWordWrap(True)
        self.timeline.header().setSectionResizeMode(3, QHeaderView.Stretch)
        for column, width in enumerate((120, 170, 230)):
            self.timeline.setColumnWidth(column, width)
        layout.addWidget(self.timeline)
        return host

    # ---- loading --------------------------------------------------------------------------------------
    def reload(self) -> None:
        d = dossier_model.get(self.store, self.dossier_id)
        if d is None:
            raise UserError(f"Không tìm thấy hồ sơ số {self.dossier_id}")
        self.dossier = d
        self.version = d["version"]
        self.editing = False
        self.setWindowTitle(f"Hồ sơ {d['number']}")
        self._fill_header(d)
        self._fill_status_buttons(d)
        self._fill_comparison()
        self._fill_findings()
        self._fill_manual_checks()
        self._fill_requests()
        self._fill_timeline()
        today = QDate(self.store.today())
        self.req_sent.setDate(today)
        self.ans_date.setDate(today)
        self._update_default_due()

    def _fill_header(self, d: dict) -> None:
        org_name = (d["org"] or {}).get("name") or d["declared"].get("name") or "(chưa có tên)"
        colour = STATUS_COLOURS.get(d["status"], "#1f3d7a")
        due = date_text(d["due_date"]) if d["due_date"] else "—"
        overdue = (d["status"] in dossier_states.OPEN_STATUSES and d["due_date"]
                   and d["due_date"] < self.store.today().isoformat())
        due_html = f"<span style='color:#b3261e'><b>{due} — quá hạn</b></span>" if overdue else f"<b>{due}</b>"
        group = GROUPS.get(d["grp"], "") if d["grp"] else ""
        reason = ""
        if d["status"] == "refused" and d.get("refusal_reason"):
            reason = f"<br>Lý do từ chối: {html_text(d['refusal_reason'])}"
        elif d["status"] == "cancelled" and d.get("cancel_reason"):
            reason = f"<br>Lý do huỷ: {html_text(d['cancel_reason'])}"
        verify_text = "cần xác minh: 15 ngày" if d["needs_verification"] else "dữ liệu có sẵn: 3 ngày làm việc"
        self.header.setText(
            f"<span style='font-size:15pt'><b>{html_text(d['number'])}</b> — {html_text(org_name)}</span><br>"
            f"Trạng thái: <b style='color:{colour}'>{html_text(d['status_label'])}</b> · Hạn trả kết quả: {due_html} "
            f"({verify_text})<br>"
            f"MST: {html_text(d['tax_code'] or '—')} · {html_text(group)} · Kênh: {html_text(d['channel'])} · "
            f"Tiếp nhận: {datetime_text(d['received_at'])} · Cán bộ: {html_text(d['officer'])}{reason}")
        self.status_text = d["status_label"]

    def _fill_status_buttons(self, d: dict) -> None:
        possible = set(dossier_states.TRANSITIONS.get(d["status"], ()))
        allowed = set(dossier_status.allowed_targets(self.store, d["status"]))
        blocked = verification.has_blocking(verification.findings(self.store, self.dossier_id))
        for target, button in self.status_buttons.items():
            button.setVisible(target in possible)
            tip = ""
            if target in possible and target not in allowed:
                tip = "Tài khoản của anh/chị không có quyền này"
            elif target in ("verified", "issued") and blocked:
                tip = "Còn lỗi chặn ở thẻ Kiểm tra: sửa kê khai, kiểm tra lại (F5) hoặc từ chối hồ sơ"
            button.setEnabled(target in allowed and not tip)
            button.setToolTip(tip)
        is_open = d["status"] in dossier_states.OPEN_STATUSES
        self.actions_box.setTitle("Chuyển trạng thái" if possible else "Hồ sơ đã kết thúc")
        for widget in (self.verify_button, self.check_button, self.req_button, self.ans_button):
            widget.setEnabled(is_open)

    def reveal_ids(self) -> None:
        """Show the personal ID numbers of this dossier in full; the reveal is logged (models.security.personal_data)."""
        rows = {r["field"]: r for r in dossier_model.comparison(self.store, self.dossier_id)}
        row = rows.get("rep_id_number") or {}
        value = row.get("declared") or row.get("registry")
        try:
            display_id_number(self.store, value, reveal=True, object_type="dossier", object_id=self.dossier_id)
        except UserError as exc:
            show_error(self, exc)
            return
        self._ids_revealed = True
        self._fill_comparison()

    def _fill_comparison(self) -> None:
        rows = dossier_model.comparison(self.store, self.dossier_id)
        areas = units_mod.area_names(self.store)
        allowed = can(self._role(), "personal_id.reveal")
        has_ids = any(r["field"] == "rep_id_number" and (r["declared"] or r["registry"]) for r in rows)
        revealed = self._ids_revealed
        self.reveal_ids_button.setVisible(allowed and has_ids and not revealed)
        can_reveal = allowed and revealed  # masked until the officer asks (and the reveal is logged)
        editable = self.dossier["status"] in dossier_states.OPEN_STATUSES
        self.comparison.setHorizontalHeaderLabels(["Trường", "Kê khai (sửa được)" if editable else "Kê khai",
                                                   "Trong sổ"])
        self.comparison.blockSignals(True)
        self.comparison.setRowCount(len(rows))
        differences = 0
        for r, row in enumerate(rows):
            field = row["field"]
            label = QTableWidgetItem(row["label"])
            label.setFlags(Qt.ItemIsEnabled)
            label.setData(Qt.UserRole, field)
            shown = self._shown(field, row["declared"], areas, can_reveal)
            declared = QTableWidgetItem(shown)
            declared.setData(Qt.UserRole, shown)  # what was shown: an unchanged cell is not an edit
            masked = field == "rep_id_number" and not can_reveal
            flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
            if editable and field != "area_code" and not masked:
                flags |= Qt.ItemIsEditable
            declared.setFlags(flags)
            if field == "area_code" and editable:
                declared.setToolTip("Sửa ở ô «Địa bàn» bên dưới")
            if shown:
                declared.setToolTip(shown)
            registry = QTableWidgetItem(self._shown(field, row["registry"], areas, can_reveal))
            registry.setToolTip(registry.text())
            registry.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
            if row["differs"]:
                differences += 1
                for item in (label, declared, registry):
                    item.setBackground(DIFF_BRUSH)
                    item.setToolTip("Kê khai khác với sổ")
            elif row["state"] == "declared_only" and self.dossier["org"]:
                registry.setText("— (sổ chưa có)")
            self.comparison.setItem(r, 0, label)
            self.comparison.setItem(r, DECLARED_COLUMN, declared)
            self.comparison.setItem(r, 2, registry)
        self.comparison.blockSignals(False)
        self.differences = differences
        if not self.dossier["org"]:
            note = "Tổ chức chưa được gắn với sổ."
        elif differences:
            note = f"{differences} trường kê khai khác với sổ (tô vàng)."
        else:
            note = "Kê khai khớp với sổ."
        self.comparison_note.setText(note)
        self._fill_intake_edits(editable)
        self.save_declared_button.setEnabled(False)

    def _fill_intake_edits(self, editable: bool) -> None:
        d = self.dossier
        self._filling = True
        try:
            area = d["declared"].get("area_code")
            index = self.edit_area.findData(area) if area else 0
            if index < 0:
                self.edit_area.addItem(area, area)
                index = self.edit_area.count() - 1
            self.edit_area.setCurrentIndex(index)
            self.edit_channel.clear()
            choices = dossier_model.channels(self.store)
            self.edit_channel.addItems(choices if d["channel"] in choices else [*choices, d["channel"]])
            self.edit_channel.setCurrentText(d["channel"])
            self.edit_papers.clear()
            stored = list(d["papers"] or [])
            for paper in [*dossier_model.papers_checklist(self.store), *stored]:
                if self.edit_papers.findItems(paper, Qt.MatchExactly):
                    continue
                item = QListWidgetItem(paper)
                flags = Qt.ItemIsEnabled | Qt.ItemIsSelectable
                if editable:
                    flags |= Qt.ItemIsUserCheckable
                item.setFlags(flags)
                item.setCheckState(Qt.Checked if paper in stored else Qt.Unchecked)
                self.edit_papers.addItem(item)
            self.edit_notes.setPlainText(d.get("notes") or "")
        finally:
            self._filling = False
        for widget in (self.edit_area, self.edit_channel, self.edit_notes):
            widget.setEnabled(editable)
        self.edit_notes.setReadOnly(not editable)

    def _mark_editing(self) -> None:
        if self._filling:
            return
        self.editing = True
        self.save_declared_button.setEnabled(True)

    def edited_intake(self) -> dict:
        """Area, channel, papers and notes that differ from the loaded dossier."""
        d = self.dossier
        changes: dict = {}
        area = self.edit_area.currentData()
        if area != (d["declared"].get("area_code") or None):
            changes["area_code"] = area
        if self.edit_channel.currentText() != d["channel"]:
            changes["channel"] = self.edit_channel.currentText()
        papers = [self.edit_papers.item(i).text() for i in range(self.edit_papers.count())
                  if self.edit_papers.item(i).checkState() == Qt.Checked]
        if papers != list(d["papers"] or []):
            changes["papers"] = papers
        notes = clean(self.edit_notes.toPlainText())
        if notes != clean(d.get("notes") or ""):
            changes["notes"] = notes
        return changes

    def _shown(self, field: str, value, areas: dict, can_reveal: bool) -> str:
        if value in (None, ""):
            return ""
        if field == "established_on":
            return date_text(value)
        if field == "area_code":
            return areas.get(value, value)
        if field == "rep_id_number" and not can_reveal:
            return mask_personal_id(value)
        return str(value)

    def _role(self) -> str:
        row = self.store.query_one("SELECT role FROM officers WHERE id = ?", (self.store.actor.id,))
        return row["role"] if row else self.store.actor.role

    def _fill_findings(self) -> None:
        self.findings.clear()
        rows = verification.findings(self.store, self.dossier_id)
        style = self.style()
        for f in rows:
            item = QListWidgetItem(style.standardIcon(SEVERITY_ICONS[f["severity"]]),
                                   f"[{f['severity_label']}] {f['label']}: {f['message']}")
            item.setForeground(QBrush(QColor(SEVERITY_COLOURS[f["severity"]])))
            item.setData(Qt.UserRole, f["code"])
            item.setData(Qt.UserRole + 1, f["severity"])
            self.findings.addItem(item)
        if not rows:
            self.findings.addItem(QListWidgetItem("Không có phát hiện nào."))
        blocking = sum(1 for f in rows if f["severity"] == "blocking")
        self.tabs.setTabText(1, f"&Kiểm tra ({blocking} lỗi chặn)" if blocking else "&Kiểm tra")

    def _fill_manual_checks(self) -> None:
        self.manual_list.clear()
        for m in verification.manual_checks(self.store, self.dossier_id):
            QTreeWidgetItem(self.manual_list, [datetime_text(m["at"]), m["officer"], m["label"], m["result_label"],
                                               m["note"] or ""])

    def _fill_requests(self) -> None:
        self.requests.clear()
        for r in locality_requests.requests_for(self.store, self.dossier_id):
            item = QTreeWidgetItem(self.requests, [
                r["to_unit"], date_text(r["sent_on"]), r["method"], date_text(r["due_on"]),
                date_text(r["answered_on"]), r["result_label"], r["note"] or ""])
            item.setData(0, Qt.UserRole, r["id"])
            if r["overdue"]:
                for column in range(7):
                    item.setForeground(column, QBrush(QColor("#b3261e")))
                item.setText(3, f"{date_text(r['due_on'])} (quá {r['days_late']} ngày)")
        if self.requests.topLevelItemCount():
            self.requests.setCurrentItem(self.requests.topLevelItem(self.requests.topLevelItemCount() - 1))

    def _fill_timeline(self) -> None:
        self.timeline.clear()
        areas = units_mod.area_names(self.store)
        for e in dossier_history.timeline(self.store, self.dossier_id):
            detail = timeline_detail(e, areas)
            item = QTreeWidgetItem(self.timeline, [datetime_text(e["at"]), e["officer"], e["title"], detail[:400]])
            item.setToolTip(2, e["title"])
            item.setToolTip(3, detail)
            item.setData(0, Qt.UserRole, e["kind"])

    def _update_default_due(self) -> None:
        sent = self.req_sent.date().toPython()
        self.req_due.setDate(QDate(locality_requests.default_due(self.store, sent)))

    # ---- status --------------------------------------------------------------------------------------
    def request_move(self, target: str) -> None:
        if target in dossier_states.REASON_REQUIRED:
            title = dossier_states.ACTION_LABELS[target]
            prompt = ("Lý do từ chối (sẽ báo cho người nộp):" if target == "refused"
                      else "Lý do huỷ (hồ sơ nhập nhầm vẫn được giữ lại trong lịch sử):")
            dialog = ReasonDialog(f"{title} — {self.dossier['number']}", prompt, self)
            dialog.accepted.connect(lambda: self.move(target, dialog.reason()))
            self.reason_dialog = dialog
            dialog.open()
            dialog.text.setFocus()
            return
        self.move(target)

    def move(self, target: str, reason: str | None = None) -> bool:
        try:
            dossier_status.move(self.store, self.dossier_id, target, reason=reason, expected_version=self.version)
        except StaleEdit as exc:
            self._stale(exc)
            return False
        except UserError as exc:
            show_error(self, exc, "Không chuyển được trạng thái")
            return False
        self.reload()
        self.moved.emit(target)
        return True

    # ---- edits -----------------------------------------------------------------------------------------
    def _on_comparison_edited(self, item: QTableWidgetItem) -> None:
        if item.column() == DECLARED_COLUMN:
            self.editing = True
            self.save_declared_button.setEnabled(True)
            item.setBackground(QBrush(QColor("#dbeafe")))

    def edited_declared(self) -> dict:
        changes = {}
        for r in range(self.comparison.rowCount()):
            field = self.comparison.item(r, 0).data(Qt.UserRole)
            item = self.comparison.item(r, DECLARED_COLUMN)
            if not item.flags() & Qt.ItemIsEditable:
                continue
            text = clean(item.text())
            if text != clean(item.data(Qt.UserRole)):
                changes[field] = text or None
        return changes

    def _save_shortcut(self) -> None:
        self._commit_open_editor()
        if self.save_declared_button.isEnabled():
            self.save_declared()

    def _commit_open_editor(self) -> None:
        """Ctrl+S while a cell is still being typed in: keep what was typed (Qt commits only on Enter/Tab)."""
        editor = QApplication.focusWidget()
        if (self.comparison.state() == QAbstractItemView.EditingState and editor is not None
                and self.comparison.viewport().isAncestorOf(editor)):
            self.comparison.commitData(editor)
            self.comparison.closeEditor(editor, QAbstractItemDelegate.NoHint)

    def save_declared(self) -> bool:
        """Save the edited declared values together with area, channel, papers and notes (one version step)."""
        self._commit_open_editor()
        declared = self.edited_declared()
        other = self.edited_intake()
        if "area_code" in other:
            declared["area_code"] = other.pop("area_code")
        changes = {**({"declared": declared} if declared else {}), **other}
        if not changes:
            self.reload()
            return True
        try:
            dossier_model.update(self.store, self.dossier_id, changes, expected_version=self.version)
        except StaleEdit as exc:
            self._stale(exc)
            return False
        except UserError as exc:
            show_error(self, exc, "Chưa lưu được")
            return False
        self.reload()
        return True

    def run_verification(self) -> None:
        if self.dossier["status"] not in dossier_states.OPEN_STATUSES:
            return
        try:
            verification.verify(self.store, self.dossier_id)
        except UserError as exc:
            show_error(self, exc)
            return
        self.reload()

    def record_manual_check(self) -> None:
        try:
            verification.record_manual_check(self.store, self.dossier_id, self.check_code.currentData(),
                                             self.check_result.currentData(), self.check_note.text())
        except UserError as exc:
            show_error(self, exc)
            return
        self.check_note.clear()
        self.reload()

    def send_request(self) -> None:
        try:
            locality_requests.create_request(
                self.store, self.dossier_id, to_unit=self.req_unit.text(), method=self.req_method.currentText(),
                sent_on=self.req_sent.date().toPython(), due_on=self.req_due.date().toPython(),
                note=self.req_note.text())
        except UserError as exc:
            show_error(self, exc, "Chưa gửi được đề nghị xác minh")
            return
        self.req_unit.clear()
        self.req_note.clear()
        self.reload()

    def record_answer(self) -> None:
        item = self.requests.currentItem()
        if item is None:
            show_error(self, UserError("Hãy chọn yêu cầu xác minh cần ghi kết quả"))
            return
        try:
            locality_requests.answer(self.store, item.data(0, Qt.UserRole), result=self.ans_result.currentData(),
                                     answered_on=self.ans_date.date().toPython(), note=self.ans_note.text())
        except UserError as exc:
            show_error(self, exc, "Chưa ghi được kết quả")
            return
        self.ans_note.clear()
        self.reload()

    def reprint(self, page_size: str) -> None:
        try:
            print_receipt(self, self.store, self.dossier_id, page_size)
        except (UserError, OSError) as exc:
            show_error(self, exc if isinstance(exc, UserError) else UserError(str(exc)), "Không in được")

    def save_receipt(self, page_size: str, path=None):
        try:
            written = save_receipt(self, self.store, self.dossier_id, page_size, path)
        except (UserError, OSError) as exc:
            show_error(self, exc if isinstance(exc, UserError) else UserError(str(exc)), "Không lưu được")
            return None
        if written:
            show_message(self, "Đã lưu giấy hẹn", f"Đã lưu giấy hẹn vào «{written}».")
        return written

    # ---- other desks ---------------------------------------------------------------------------------------
    def _stale(self, exc: StaleEdit) -> None:
        changed = "; ".join(
            f"{v.get('label', k)}: {v.get('old') or '—'} → {v.get('new') or '—'}" for k, v in exc.changed.items())
        text = str(exc) + (f" Đã thay đổi: {changed}." if changed else "")
        self.stale_banner.setText("⚠ " + text + " Màn hình đã được tải lại; hãy làm lại thao tác nếu vẫn cần.")
        self.stale_banner.show()
        show_message(self, "Hồ sơ đã thay đổi", text, name="staleBox")
        self.reload()

    def _on_changes(self, changes) -> None:
        if not any(c.table in ("dossiers", "verification_requests", "organizations") for c in changes):
            return
        if not self.isVisible():
            return
        version = self.store.scalar("SELECT version FROM dossiers WHERE id = ?", (self.dossier_id,))
        if version == self.version:
            return
        if self.editing:
            self.stale_banner.setText(
                f"⚠ Hồ sơ vừa được cập nhật ở nơi khác (phiên bản {self.version} → {version}) trong khi anh/chị "
                "đang sửa. Khi lưu, chương trình sẽ báo những gì đã thay đổi.")
            self.stale_banner.show()
            return
        self.reload()
        self.stale_banner.setText(f"Hồ sơ vừa được cập nhật (phiên bản {version}); màn hình đã tải lại.")
        self.stale_banner.show()
