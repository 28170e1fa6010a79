"""One dossier: declared vs registry side by side, verification findings and manual checks, status
actions, cross-locality requests, and the history timeline.

The tabs are panels of their own (``dossier_comparison``, ``dossier_checks``, ``dossier_locality``,
``dossier_history``); this screen holds the header, the status buttons and every write. Status
buttons come from the model: one per move the graph allows from the current status, enabled only when
``dossier_status.allowed_targets`` says this officer may make it. Refusal and cancellation ask for a
reason first. Every write passes the version the screen was loaded from; when another desk changed the
dossier in between, the model refuses (``StaleEdit``) and the screen says what changed and reloads.
Changes arriving from elsewhere reload the screen unless the officer is editing. Closing the screen (Esc,
the close box, quitting, signing out) with unsaved edits of the declared values, area, channel, papers or
notes asks «Lưu / Không lưu / Ở lại» (``ui.dialogs.unsaved``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core.changes import Table
from models.core.errors import StaleEdit, UserError
from models.dossiers import records as dossier_model
from models.dossiers import rows as dossier_rows
from models.dossiers import states as dossier_states
from models.dossiers import status as dossier_status
from models.dossiers import verification, worklists
from models.registry.organizations import GROUPS
from models.text.vn_format import date_text, datetime_text, html_text
from ui.context import AppContext
from ui.dialogs.dossier_checks import ChecksPanel
from ui.dialogs.dossier_comparison import ComparisonPanel
from ui.dialogs.dossier_history import HistoryPanel
from ui.dialogs.dossier_locality import LocalityPanel
from ui.dialogs.reason_dialog import ReasonDialog
from ui.dialogs.unsaved import settle
from ui.ops import run_mutation, show_error, show_message
from ui.shell.external_changes import is_external
from ui.widgets.receipt_actions import print_receipt, save_receipt
from ui.widgets.window_fit import fit_to_screen

STATUS_COLOURS = {"refused": "#b3261e", "cancelled": "#777777", "issued": "#1b6e20", "activated": "#1b6e20",
                  "verified": "#1b6e20"}
WATCHED = (Table.DOSSIERS, Table.VERIFICATION_REQUESTS, Table.ORGANIZATIONS)
CHECKS_TAB = 1


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
        self.dossier: dict | None = None
        self.version: int | None = None
        self.editing = False
        self._writing = False  # our own write: its change notification is not news from another desk
        self.reason_dialog: ReasonDialog | None = None
        fit_to_screen(self, 1100, 780)  # 1366×768 with a taskbar: the tabs get what is left

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_header())
        layout.addWidget(self._build_org_link())
        layout.addWidget(self._build_stale_banner())
        layout.addWidget(self._build_actions())
        layout.addWidget(self._build_tabs(), 1)

        QShortcut(QKeySequence("F5"), self, activated=self.checks.run_verification)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self._save_shortcut)
        ctx.changes.changed.connect(self._on_changes)
        self.reload()
        # Open on the comparison, never on a status button: a stray Space/Enter must not move the dossier.
        self.comparison.table.setFocus()

    # ---- building ----------------------------------------------------------------------------------
    def _build_header(self) -> QLabel:
        self.header = QLabel()
        self.header.setObjectName("dossierHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.RichText)
        return self.header

    def _build_org_link(self) -> QLabel:
        """«Xem tổ chức trong Sổ tổ chức»: the way back from a dossier to its organization (issue 13)."""
        self.org_link = QLabel()
        self.org_link.setObjectName("orgLink")
        self.org_link.setTextFormat(Qt.RichText)
        self.org_link.linkActivated.connect(lambda _href: self.show_organization())
        return self.org_link

    def _fill_org_link(self, d: dict) -> None:
        org_id = d.get("org_id")
        self.org_link.setVisible(bool(org_id))
        self.org_link.setText("<a href='org'>Xem tổ chức trong «Sổ tổ chức» (các hồ sơ khác, trạng thái tài khoản)</a>"
                              if org_id else "")

    def show_organization(self) -> None:
        org_id = (self.dossier or {}).get("org_id")
        window = self.ctx.window
        page = getattr(window, "pages", {}).get("registry") if window is not None else None
        if org_id and page is not None and hasattr(page, "show_organization"):
            window.show_page("registry")
            page.show_organization(int(org_id))
            window.raise_()
            window.activateWindow()

    def _build_stale_banner(self) -> QLabel:
        self.stale_banner = QLabel()
        self.stale_banner.setObjectName("staleBanner")
        self.stale_banner.setWordWrap(True)
        self.stale_banner.setStyleSheet("background: #fff4ce; border: 1px solid #d6b656; padding: 6px;")
        self.stale_banner.hide()
        return self.stale_banner

    def _build_actions(self) -> QGroupBox:
        self.actions_box = QGroupBox("Chuyển trạng thái")
        row = QHBoxLayout(self.actions_box)
        self.status_buttons: dict[str, QPushButton] = {}
        for target, label in dossier_states.ACTION_LABELS.items():
            button = QPushButton(label)
            button.setObjectName(f"move_{target}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, t=target: self.request_move(t))
            self.status_buttons[target] = button
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self._build_receipt_button())
        return self.actions_box

    def _build_receipt_button(self) -> QPushButton:
        self.receipt_button = QPushButton("Giấy hẹn")
        self.receipt_button.setObjectName("reprintButton")
        self.receipt_button.setAutoDefault(False)
        menu = QMenu(self.receipt_button)
        menu.addAction("In khổ A5…", lambda: self.reprint("A5"))
        menu.addAction("In khổ A4…", lambda: self.reprint("A4"))
        menu.addAction("Lưu PDF (A5)…", lambda: self.save_receipt("A5"))
        menu.addAction("Lưu PDF (A4)…", lambda: self.save_receipt("A4"))
        self.receipt_button.setMenu(menu)
        return self.receipt_button

    def _build_tabs(self) -> QTabWidget:
        self.comparison = ComparisonPanel(self.store, self.dossier_id)
        self.comparison.edited.connect(lambda: setattr(self, "editing", True))
        self.comparison.save_button.clicked.connect(self.save_declared)
        self.checks = ChecksPanel(self.store, self.dossier_id)
        self.checks.write.connect(self._panel_write)
        self.locality = LocalityPanel(self.store, self.dossier_id)
        self.locality.write.connect(self._panel_write)
        self.history = HistoryPanel(self.store)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dossierTabs")
        self.tabs.addTab(self.comparison, "Đối chiếu kê khai / &sổ")
        self.tabs.addTab(self.checks, "&Kiểm tra")
        self.tabs.addTab(self.locality, "&Xác minh địa phương khác")
        self.tabs.addTab(self.history, "&Lịch sử")
        return self.tabs

    # ---- loading -----------------------------------------------------------------------------------
    def reload(self) -> None:
        d = dossier_model.get(self.store, self.dossier_id)
        if d is None:
            raise UserError(f"Không tìm thấy hồ sơ số {self.dossier_id}")
        self.dossier = d
        self.version = d["version"]
        self.editing = False
        self.setWindowTitle(f"Hồ sơ {d['number']}")
        is_open = d["status"] in dossier_states.OPEN_STATUSES
        self._fill_header(d)
        self._fill_org_link(d)
        self.comparison.fill(d)
        blocking = self.checks.fill(is_open)
        self.tabs.setTabText(CHECKS_TAB, f"&Kiểm tra ({blocking} lỗi chặn)" if blocking else "&Kiểm tra")
        self._fill_status_buttons(d)
        self.locality.fill(is_open)
        self.history.fill(self.dossier_id)

    def _fill_header(self, d: dict) -> None:
        org_name = (d["org"] or {}).get("name") or d["declared"].get("name") or "(chưa có tên)"
        colour = STATUS_COLOURS.get(d["status"], "#1f3d7a")
        due = date_text(d["due_date"]) if d["due_date"] else "—"
        if worklists.is_paused(d):
            due_html = f"<b>{due}</b> (tạm dừng: chờ bổ sung giấy tờ; tính lại từ ngày nhận đủ)"
        elif worklists.is_overdue(d, self.store.today()):
            due_html = f"<span style='color:#b3261e'><b>{due} — quá hạn</b></span>"
        else:
            due_html = f"<b>{due}</b>"
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
        blocked = verification.has_blocking(self.checks.rows)
        for target, button in self.status_buttons.items():
            button.setVisible(target in possible)
            tip = ""
            if target in possible and target not in allowed:
                tip = "Tài khoản của anh/chị không có quyền này"
            elif target in ("verified", "issued") and blocked:
                tip = "Còn lỗi chặn ở thẻ Kiểm tra: sửa kê khai, kiểm tra lại (F5) hoặc từ chối hồ sơ"
            button.setEnabled(target in allowed and not tip)
            button.setToolTip(tip)
        self.actions_box.setTitle("Chuyển trạng thái" if possible else "Hồ sơ đã kết thúc")

    # ---- writing -----------------------------------------------------------------------------------
    def mutate(self, fn: Callable[[], object], title: str = "Không thực hiện được") -> bool:
        """Run one write of this screen (``run_mutation``): a refusal is shown, a stale edit explained;
        on success the screen reloads once (its own change notification is not taken for another desk's)."""
        self._writing = True
        try:
            outcome = run_mutation(self, fn, stale=self._stale, title=title)
        finally:
            self._writing = False
        if outcome:
            self.reload()
        return outcome.ok

    def _panel_write(self, fn: Callable[[], object], title: str, then: Callable[[], None] | None) -> None:
        if not settle(self, self):  # the write reloads the screen: an edit is saved or dropped first
            return
        if self.mutate(fn, title) and then is not None:
            then()

    def request_move(self, target: str) -> None:
        if not settle(self, self):  # moving reloads the screen: an edit is saved or dropped first
            return
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
        if not settle(self, self):
            return False
        version = self.version
        if not self.mutate(lambda: dossier_status.move(self.store, self.dossier_id, target, reason=reason,
                                                       expected_version=version), "Không chuyển được trạng thái"):
            return False
        self.moved.emit(target)
        return True

    def _save_shortcut(self) -> None:
        self.comparison.commit_open_editor()
        if self.comparison.save_button.isEnabled():
            self.save_declared()

    def save_declared(self) -> bool:
        """Save the edited declared values together with area, channel, papers and notes (one version step)."""
        changes = self.comparison.changes()
        if not changes:
            self.reload()
            return True
        version = self.version
        return self.mutate(lambda: dossier_model.update(self.store, self.dossier_id, changes,
                                                        expected_version=version), "Chưa lưu được")

    # ---- unsaved edits (ui.dialogs.unsaved) -----------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        """Declared values, area, channel, papers or notes typed and not saved (a cell still being typed in
        counts: it is committed first)."""
        if self.dossier is None or self.dossier["status"] not in dossier_states.OPEN_STATUSES:
            return False
        return bool(self.comparison.changes())

    def unsaved_title(self) -> str:
        return f"Hồ sơ {self.dossier['number']}" if self.dossier else "Hồ sơ"

    def save_changes(self) -> bool:
        return self.save_declared()

    def discard_changes(self) -> None:
        try:
            self.reload()
        except UserError:  # the dossier can no longer be read: nothing of the edit is kept anyway
            self.editing = False

    def reject(self) -> None:
        """Esc and the close box: ask before throwing away an edit."""
        if settle(self, self):
            super().reject()

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

    # ---- other desks -------------------------------------------------------------------------------
    def _stale(self, exc: StaleEdit) -> None:
        changed = "; ".join(
            f"{v.get('label', k)}: {v.get('old') or '—'} → {v.get('new') or '—'}" for k, v in exc.changed.items())
        text = str(exc) + (f" Đã thay đổi: {changed}." if changed else "")
        self.stale_banner.setText("⚠ " + text + " Màn hình đã được tải lại; hãy làm lại thao tác nếu vẫn cần.")
        self.stale_banner.show()
        show_message(self, "Hồ sơ đã thay đổi", text, name="staleBox")
        self.reload()

    def _on_changes(self, changes) -> None:
        if self._writing or not any(c.table in WATCHED for c in changes):
            return
        if not self.isVisible():
            return
        try:
            version = dossier_rows.current_version(self.store, self.dossier_id)
        except UserError:
            return  # the account lost the right to read dossiers: the next action says so
        if version == self.version:
            return
        own = not is_external(changes)  # this program's own write (another window, a background step)
        if own and not self.editing:
            self.reload()  # not news from another desk: no banner
            return
        if self.editing:
            where = "ở cửa sổ khác của chương trình" if own else "ở nơi khác"
            self.stale_banner.setText(
                f"⚠ Hồ sơ vừa được cập nhật {where} (phiên bản {self.version} → {version}) trong khi anh/chị "
                "đang sửa. Khi lưu, chương trình sẽ báo những gì đã thay đổi.")
            self.stale_banner.show()
            return
        self.reload()
        self.stale_banner.setText(f"Hồ sơ vừa được cập nhật (phiên bản {version}); màn hình đã tải lại.")
        self.stale_banner.show()
