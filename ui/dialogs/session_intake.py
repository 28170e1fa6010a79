"""Intake at a mobile session (the Sessions page's «Thu nhận tại buổi», Enter): the citizen's ID number and
Enter is the whole path for a known citizen — saved at once against the session, the ID field emptied and
focused again, the running count and the session's results (expected / received / issued) updated. An
unknown ID number asks for the name (Enter saves). Works on a laptop offline; its sync file carries the
dossiers to the lead desk (docs/intake.md)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from models.people import sessions
from models.text.vn_format import date_text, html_text
from ui.context import AppContext
from ui.dialogs.person_intake import PersonIntakeDialog


class SessionIntakeDialog(PersonIntakeDialog):
    quick = True

    def __init__(self, ctx: AppContext, session_id: int, parent: QWidget | None = None):
        super().__init__(ctx, parent, session_id=session_id)
        self.setObjectName("sessionIntakeDialog")
        self._update_count()

    def _show_header(self) -> None:
        s = sessions.get_session(self.store, self.session_id)
        when = date_text(s["held_on"]) + (f", {s['start_time']}" if s.get("start_time") else "")
        self.setWindowTitle(f"Thu nhận tại buổi {when} — {s['target']}")
        self.header.setText(f"<b>Buổi thu nhận {when}</b> — {html_text(s['target'])}"
                            + (f", {html_text(s['place'])}" if s.get("place") else "")
                            + "<br>Gõ số định danh rồi Enter: công dân đã có trong danh sách được lưu ngay.")

    def _after_save(self) -> None:
        super()._after_save()
        self._update_count()

    def _update_count(self) -> None:
        r = sessions.results(self.store, self.session_id)
        expected = f"/{r['expected']} dự kiến" if r["expected"] is not None else ""
        self.count_label.setText(f"Lần này: {len(self.saved_ids)} hồ sơ — cả buổi: {r['received']}{expected}, "
                                 f"đã cấp {r['issued']}")
