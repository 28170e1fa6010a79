"""One citizen's level-2 dossier (opened from the Hồ sơ page like an organization's): who, the ID number
masked, the ID card, due date, channel and session, the status history, and the moves the officer may make
(«Đã chuyển», «Đã cấp», «Đã kích hoạt» with the national system's date; «Từ chối…», «Huỷ…» with a reason),
through ``models.people.level2.move``; «Lưu giấy hẹn…» saves the slip."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core.errors import UserError
from models.dossiers import status as dossier_status
from models.dossiers.states import ACTION_LABELS, STATUSES
from models.people import level2
from models.text.vn_format import date_text, datetime_text, html_text
from ui.context import AppContext
from ui.dialogs.date_dialog import DateDialog
from ui.dialogs.reason_dialog import ReasonDialog
from ui.ops import show_error

MOVE_LABELS = {"sent": "Đã chuyển hệ thống quốc gia", "issued": "Đã cấp mức 2…", "activated": "Đã kích hoạt…",
               "refused": "Từ chối…", "cancelled": "Huỷ hồ sơ nhập nhầm…"}


class PersonDossierView(QDialog):
    def __init__(self, ctx: AppContext, dossier_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.store
        self.dossier_id = dossier_id
        self.setObjectName("personDossierView")
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("personDossierSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        layout.addWidget(QLabel("Lịch sử trạng thái:"))
        self.history = QListWidget()
        layout.addWidget(self.history, 1)
        self.load()

    def load(self) -> None:
        d = level2.get(self.store, self.dossier_id)
        if d is None:
            raise UserError(f"Không tìm thấy hồ sơ công dân số {self.dossier_id}")
        self.dossier = d
        self.setWindowTitle(f"{d['number']} — {d['full_name'] or ''}")
        card = "có thẻ căn cước gắn chip còn hiệu lực" if d["id_card_valid"] else "chưa có thẻ căn cước gắn chip"
        session = f" · Buổi thu nhận {date_text(d['session_day'])}" if d.get("session_day") else ""
        lines = [f"<h3>{html_text(d['number'])} — {html_text(d['full_name'] or '')}</h3>",
                 f"Số định danh: {level2.mask_id(d['person_ref'])} · Sinh: {date_text(d['birth_date']) or 'chưa rõ'}"
                 f" · {card}",
                 f"Trạng thái: <b>{html_text(d['status_label'])}</b> · Hạn trả kết quả: <b>{date_text(d['due_date'])}</b>",
                 f"Kênh: {html_text(d['channel'])}{html_text(session)} · Tiếp nhận: {datetime_text(d['received_at'])}"
                 f" · Cán bộ: {html_text(d['officer'])}"]
        if d.get("refusal_reason"):
            lines.append(f"Lý do từ chối: {html_text(d['refusal_reason'])}")
        self.summary.setText("<br>".join(lines))
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for target in level2.MOVES.get(d["status"], ()):
            button = QPushButton(MOVE_LABELS.get(target, ACTION_LABELS.get(target, target)))
            button.setObjectName(f"personMove_{target}")
            button.clicked.connect(lambda _c=False, t=target: self.move(t))
            self.buttons.addWidget(button)
        slip = QPushButton("Lưu giấy hẹn…")
        slip.clicked.connect(self.save_slip)
        self.buttons.addStretch(1)
        self.buttons.addWidget(slip)
        self.history.clear()
        for e in dossier_status.events(self.store, self.dossier_id):
            reason = f" — {e['reason']}" if e["reason"] else ""
            self.history.addItem(f"{datetime_text(e['at'])}  {e['to_label']}  ({e['officer']}){reason}")

    def move(self, target: str, *, reason: str | None = None, on: str | None = None) -> bool:
        if target in ("refused", "cancelled") and reason is None:
            dialog = ReasonDialog(MOVE_LABELS[target].rstrip("…"), f"Lý do {STATUSES[target].lower()}:", self)
            if not dialog.exec():
                return False
            reason = dialog.reason()
        elif target in ("issued", "activated") and on is None:
            dialog = DateDialog(MOVE_LABELS[target].rstrip("…"), "Ngày (theo hệ thống quốc gia):",
                                self.store.today(), self, latest=self.store.today())
            if not dialog.exec():
                return False
            on = dialog.date().isoformat()
        try:
            level2.move(self.store, self.dossier_id, target, reason=reason, on=on,
                        expected_version=self.dossier["version"])
        except UserError as exc:
            show_error(self, exc, "Chưa chuyển được")
            return False
        self.load()
        return True

    def save_slip(self) -> None:
        from ui.widgets.receipt_actions import save_receipt  # imported late: Qt print support, only on demand

        try:
            save_receipt(self, self.store, self.dossier_id, "A5")
        except UserError as exc:
            show_error(self, exc, "Chưa lưu được giấy hẹn")
