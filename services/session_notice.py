"""The printable notice of a mobile intake session (to the commune's chair, the agency's head): built from
``models.people.sessions.notice_fields``, rendered by ``exporters/session_notice_pdf.py``, written through
``services/output.py`` and audited (``intake_session.notice``)."""

from __future__ import annotations

import io
from pathlib import Path

from exporters.session_notice_pdf import write_session_notice
from models.core.store import Store
from models.people.sessions import notice_fields
from services.output import write_file


def notice_pdf(store: Store, session_id: int, *, number: str = "") -> bytes:
    buffer = io.BytesIO()
    write_session_notice(notice_fields(store, session_id, number=number), buffer)
    return buffer.getvalue()


def default_file_name(store: Store, session_id: int) -> str:
    day = store.scalar("SELECT held_on FROM intake_sessions WHERE id = ?", (session_id,)) or ""
    return f"thong-bao-lich-thu-nhan-{day}-{session_id}.pdf"


def save_notice(store: Store, session_id: int, path: str | Path, *, number: str = "") -> Path:
    """Write the notice to ``path`` (``.pdf`` added when missing); returns the path written."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    pdf = notice_pdf(store, session_id, number=number)

    def record(_value) -> None:
        store.audit("intake_session.notice", "intake_session", session_id, detail={"path": str(path)})

    write_file(store, path, pdf, record)
    return path
