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

import json
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
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
from models.dossiers import procedure, verification, worklists
from models.dossiers import records as dossier_model
from models.dossiers import rows as dossier_rows
from models.dossiers import states as dossier_states
from models.dossiers import status as dossier_status
from models.dossiers.calendar import as_date
from models.registry.organizations import GROUPS
from models.text.vn_format import date_text, datetime_text, html_text
from ui.context import AppContext
from ui.dialogs.dossier_checks import ChecksPanel
from ui.dialogs.dossier_comparison import ComparisonPanel
from ui.dialogs.dossier_history import HistoryPanel
from ui.dialogs.dossier_locality import LocalityPanel
from ui.dialogs.reason_dialog import ReasonDialog
from ui.dialogs.status_dialogs import ConfirmMoveDialog, IssueDialog, PapersRequestDialog
from ui.dialogs.unsaved import settle
from ui.ops import run_mutation, show_error, show_message
from ui.widgets.file_dialogs import default_path
from ui.widgets.receipt_actions import print_receipt, save_receipt

STATUS_COLOURS = {"refused": "#b3261e", "cancelled": "#777777", "issued": "#1b6e20", "activated": "#1b6e20",
                  "verified": "#1b6e20"}
WATCHED = (Table.DOSSIERS, Table.VERIFICATION_REQUESTS, Table.ORGANIZATIONS)
# What the confirmation of each plain move says (the moves that need more have their own dialog).
CONFIRM_TEXTS = {
    "verifying": "Người nộp đã bổ sung đủ giấy tờ? Thời hạn giải quyết được tính lại từ hôm nay.",
    "waiting_locality": "Chuyển hồ sơ sang chờ địa phương khác xác minh? Thời hạn giải quyết là 15 ngày.",
    "verified": "Xác nhận đã xác minh xong thông tin của tổ chức và người đại diện?",
    "activated": "Xác nhận tổ chức đã kích hoạt tài khoản định danh điện tử?",
}
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
        self.step_dialog: QDialog | None = None  # the confirmation open now (tests drive it)
        self.proposal: dict | None = None
        self.resize(1100, 780)

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_header())
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
        self.approve_button = self._small_button("Duyệt đề xuất", "approveButton", self.approve_proposal)
        self.reject_button = self._small_button("Không duyệt…", "rejectButton", self.reject_proposal)
        self.undo_button = self._small_button("Hoàn tác…", "undoButton", self.request_undo)
        for button in (self.approve_button, self.reject_button, self.undo_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self._build_documents_button())
        row.addWidget(self._build_receipt_button())
        return self.actions_box

    def _small_button(self, text: str, name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build_documents_button(self) -> QPushButton:
        self.documents_button = QPushButton("Phiếu")
        self.documents_button.setObjectName("documentsButton")
        self.documents_button.setAutoDefault(False)
        menu = QMenu(self.documents_button)
        self.papers_slip_action = menu.addAction("Lưu phiếu yêu cầu bổ sung giấy tờ (PDF)…",
                                                 lambda: self.save_document("papers_request"))
        self.refusal_notice_action = menu.addAction("Lưu phiếu từ chối (PDF)…", lambda: self.save_document("refusal"))
        self.documents_button.setMenu(menu)
        return self.documents_button

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
        self.proposal = procedure.open_proposal(self.store, self.dossier_id)
        self._fill_header(d)
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
        if d.get("account_id") and d["status"] in ("issued", "activated"):
            reason += (f"<br>Định danh tài khoản: <b>{html_text(d['account_id'])}</b>, cấp ngày "
                       f"{date_text(d['issued_on'])}")
        if d["status"] == "needs_papers" and d.get("missing_papers"):
            reason += "<br>Giấy tờ cần bổ sung: " + html_text("; ".join(json.loads(d["missing_papers"])))
        reason += self._proposal_html()
        verify_text = "cần xác minh: 15 ngày" if d["needs_verification"] else "dữ liệu có sẵn: 3 ngày làm việc"
        self.header.setText(
            f"<span style='font-size:15pt'><b>{html_text(d['number'])}</b> — {html_text(org_name)}</span><br>"
            f"Trạng thái: <b style='color:{colour}'>{html_text(d['status_label'])}</b> · Hạn trả kết quả: {due_html} "
            f"({verify_text})<br>"
            f"MST: {html_text(d['tax_code'] or '—')} · {html_text(group)} · Kênh: {html_text(d['channel'])} · "
            f"Tiếp nhận: {datetime_text(d['received_at'])} · Cán bộ: {html_text(d['officer'])}{reason}")
        self.status_text = d["status_label"]

    def _proposal_html(self) -> str:
        p = self.proposal
        if p is not None:
            what = p["label"]
            if p["to_status"] == "issued":
                what += (f" (định danh {html_text(p['detail'].get('account_id') or '—')}, ngày cấp "
                         f"{date_text(p['detail'].get('account_date'))})")
            elif p["reason"]:
                what += f" (lý do: {html_text(p['reason'])})"
            return (f"<br><span style='color:#8a5300'><b>{dossier_states.AWAITING_APPROVAL.capitalize()}:</b> "
                    f"{what} — {html_text(p['proposed_by_name'])}, {datetime_text(p['proposed_at'])}</span>")
        last = procedure.proposals(self.store, self.dossier_id)
        if last and last[-1]["decision"] == "rejected":
            q = last[-1]
            return (f"<br>Chỉ huy không duyệt «{q['label'].lower()}» ({html_text(q['decided_by_name'] or '')}): "
                    f"{html_text(q['decision_note'] or '')}")
        return ""

    def _fill_status_buttons(self, d: dict) -> None:
        possible = set(dossier_states.TRANSITIONS.get(d["status"], ()))
        allowed = set(dossier_status.allowed_targets(self.store, d["status"]))
        proposable = set(procedure.proposable_targets(self.store, d["status"]))
        blocked = verification.has_blocking(self.checks.rows)
        for target, button in self.status_buttons.items():
            button.setVisible(target in possible)
            button.setText(dossier_states.PROPOSAL_LABELS[target] if target in proposable
                           else dossier_states.ACTION_LABELS[target])
            tip = ""
            if target in possible and target not in allowed and target not in proposable:
                tip = "Tài khoản của anh/chị không có quyền này"
            elif target in ("verified", "issued") and blocked:
                tip = "Còn lỗi chặn ở thẻ Kiểm tra: sửa kê khai, kiểm tra lại (F5) hoặc từ chối hồ sơ"
            elif target in dossier_states.APPROVAL_REQUIRED and self.proposal is not None:
                tip = ("Hồ sơ đã có đề xuất đang chờ chỉ huy duyệt" if target in proposable
                       else "Đang có đề xuất chờ duyệt: dùng «Duyệt đề xuất» hoặc «Không duyệt…»")
            elif target in proposable:
                tip = "Cần chỉ huy duyệt: hồ sơ chuyển sang «chờ chỉ huy duyệt»"
            button.setEnabled((target in allowed or target in proposable) and not (
                tip and not tip.startswith("Cần chỉ huy")))
            button.setToolTip(tip)
        self.actions_box.setTitle("Chuyển trạng thái" if possible else "Hồ sơ đã kết thúc")
        may_approve = self.proposal is not None and dossier_status.actor_can(self.store,
                                                                             dossier_states.APPROVE_PERMISSION)
        self.approve_button.setVisible(may_approve)
        self.reject_button.setVisible(may_approve)
        self.undo_button.setVisible(dossier_status.actor_can(self.store, dossier_states.UNDO_PERMISSION)
                                    and procedure.undoable_event(self.store, self.dossier_id) is not None)
        self.papers_slip_action.setEnabled(bool(d.get("missing_papers")))
        self.refusal_notice_action.setEnabled(d["status"] == "refused")

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
        """Open the confirmation of the move with what it needs; starting the verification of a dossier
        just received is the one move made at once (nothing to record, the leader can undo it)."""
        if not settle(self, self):  # moving reloads the screen: an edit is saved or dropped first
            return
        d = self.dossier
        propose = target in procedure.proposable_targets(self.store, d["status"])
        label = dossier_states.PROPOSAL_LABELS[target] if propose else dossier_states.ACTION_LABELS[target]
        title = f"{label} — {d['number']}"
        dialog: QDialog
        if target == "needs_papers":
            already = json.loads(d.get("missing_papers") or "[]")
            dialog = PapersRequestDialog(title, dossier_model.papers_checklist(self.store), self, already=already)
            dialog.accepted.connect(lambda: self.move(target, missing_papers=dialog.missing_papers()))
        elif target == "issued":
            dialog = IssueDialog(title, self, today=self.store.today(), received_on=as_date(d["received_on"]),
                                 propose=propose)
            act = self.propose if propose else self.move
            dialog.accepted.connect(lambda: act(target, account_id=dialog.account_id(),
                                                account_date=dialog.account_date()))
        elif target in dossier_states.REASON_REQUIRED:
            prompt = ("Lý do từ chối (in trên phiếu từ chối gửi người nộp):" if target == "refused"
                      else "Lý do huỷ (hồ sơ nhập nhầm vẫn được giữ lại trong lịch sử):")
            if propose:
                prompt = "Đề xuất chỉ huy duyệt từ chối. " + prompt
            dialog = ReasonDialog(title, prompt, self)
            act = self.propose if propose else self.move
            dialog.accepted.connect(lambda: act(target, reason=dialog.reason()))
            self.reason_dialog = dialog
        elif target == "verifying" and d["status"] != "needs_papers":
            self.move(target)
            return
        else:
            dialog = ConfirmMoveDialog(title, CONFIRM_TEXTS[target], self)
            dialog.accepted.connect(lambda: self.move(target))
        self._open_step(dialog)

    def _open_step(self, dialog: QDialog) -> None:
        self.step_dialog = dialog
        dialog.open()
        for name in ("text", "list", "account", "ok_button"):
            widget = getattr(dialog, name, None)
            if isinstance(widget, QWidget):
                widget.setFocus()
                break

    def move(self, target: str, reason: str | None = None, **details) -> bool:
        if not settle(self, self):
            return False
        version = self.version
        if not self.mutate(lambda: dossier_status.move(self.store, self.dossier_id, target, reason=reason,
                                                       expected_version=version, **details),
                           "Không chuyển được trạng thái"):
            return False
        self.moved.emit(target)
        return True

    def propose(self, target: str, reason: str | None = None, **details) -> bool:
        """An intake officer's proposal to issue or refuse (the leader approves it)."""
        version = self.version
        return self.mutate(lambda: procedure.propose(self.store, self.dossier_id, target, reason=reason,
                                                     expected_version=version, **details), "Không gửi được đề xuất")

    def approve_proposal(self) -> None:
        p = self.proposal
        if p is None:
            return
        text = f"Duyệt «{p['label'].lower()}» của {p['proposed_by_name']}?"
        if p["to_status"] == "issued":
            text += f" Định danh tài khoản: {p['detail'].get('account_id')}."
        elif p["reason"]:
            text += f" Lý do từ chối: {p['reason']}"
        dialog = ConfirmMoveDialog(f"Duyệt đề xuất — {self.dossier['number']}", text, self, ok_text="&Duyệt")

        def done() -> None:
            if self.mutate(lambda: procedure.approve(self.store, p["id"]), "Không duyệt được"):
                self.moved.emit(p["to_status"])

        dialog.accepted.connect(done)
        self._open_step(dialog)

    def reject_proposal(self) -> None:
        p = self.proposal
        if p is None:
            return
        dialog = ReasonDialog(f"Không duyệt đề xuất — {self.dossier['number']}",
                              f"Lý do không duyệt «{p['label'].lower()}» (cán bộ đề xuất sẽ đọc):", self)
        dialog.accepted.connect(lambda: self.mutate(lambda: procedure.reject(self.store, p["id"], dialog.reason()),
                                                    "Không ghi được"))
        self.reason_dialog = dialog
        self._open_step(dialog)

    def request_undo(self) -> None:
        event = procedure.undoable_event(self.store, self.dossier_id)
        if event is None:
            return
        states = dossier_states.STATUSES
        prompt = (f"Hoàn tác lần chuyển «{states[event['from_status']]} → {states[event['to_status']]}» "
                  f"({datetime_text(event['at'])}): hồ sơ trở lại «{states[event['from_status']]}». Lịch sử giữ cả "
                  "lần chuyển và lần hoàn tác.\nLý do hoàn tác:")
        dialog = ReasonDialog(f"Hoàn tác — {self.dossier['number']}", prompt, self)
        version = self.version
        dialog.accepted.connect(lambda: self.mutate(
            lambda: procedure.undo_last(self.store, self.dossier_id, dialog.reason(), expected_version=version),
            "Không hoàn tác được"))
        self.reason_dialog = dialog
        self._open_step(dialog)

    def save_document(self, kind: str, path=None):
        """Save the request-for-papers slip or the refusal notice (asks for a file name when ``path`` is None)."""
        from services import procedure_docs  # imported late: the PDF renderer (reportlab) loads on first use

        if path is None:
            title = "Lưu phiếu yêu cầu bổ sung" if kind == "papers_request" else "Lưu phiếu từ chối"
            chosen, _filter = QFileDialog.getSaveFileName(
                self, title, default_path(procedure_docs.default_file_name(self.store, self.dossier_id, kind)),
                "Tệp PDF (*.pdf)")
            if not chosen:
                return None
            path = chosen
        try:
            written = procedure_docs.save_document(self.store, self.dossier_id, kind, path)
        except (UserError, OSError) as exc:
            show_error(self, exc if isinstance(exc, UserError) else UserError(str(exc)), "Không lưu được")
            return None
        show_message(self, "Đã lưu phiếu", f"Đã lưu vào «{written}».")
        return written

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
        if self.editing:
            self.stale_banner.setText(
                f"⚠ Hồ sơ vừa được cập nhật ở nơi khác (phiên bản {self.version} → {version}) trong khi anh/chị "
                "đang sửa. Khi lưu, chương trình sẽ báo những gì đã thay đổi.")
            self.stale_banner.show()
            return
        self.reload()
        self.stale_banner.setText(f"Hồ sơ vừa được cập nhật (phiên bản {version}); màn hình đã tải lại.")
        self.stale_banner.show()
