"""The report's dossier figures: received, being verified, overdue and refused, in the period and cumulative.

Computed from the dossiers tables for the report's period ``start``…``end`` (inclusive) and a cumulative
start ``since`` (the campaign's first day; None: every dossier on record). A dossier logged by mistake
(cancelled) never counts: it was never a dossier.

- **Received** (``received``): received in the period / received from ``since`` to ``end``.
- **Being verified** (``open``): received in the period / from ``since``, and at the end of ``end`` still
  without a result (not yet issued, refused or cancelled). The open states only lead to one another until a
  result, so "still open at ``end``" is "no issue or closing date on or before ``end``".
- **Overdue** (``overdue``): of those still open at ``end``, the ones whose due date is before ``end``; a
  dossier waiting for the applicant's papers at ``end`` (``needs_papers``, from its status history) is
  not counted: the time limit counts from a complete dossier (Decree 69/2024, Art. 13).
- **Refused** (``refused``): refused in the period / from ``since`` to ``end`` (by the refusal's date).

So in each column "being verified" ≤ "received", and "overdue" ≤ "being verified".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.core.store import Store
from models.text.vn_format import date_text

DOSSIER_ROWS = ("received", "open", "overdue", "refused")


@dataclass
class DossierRow:
    """One line of the dossier table: in the period and cumulative (since the campaign began)."""

    key: str  # one of DOSSIER_ROWS
    label: str
    this_week: int
    cumulative: int


def dossier_labels(end: dt.date) -> dict[str, str]:
    """The rows' labels; the two state rows say on which day the state is taken."""
    day = date_text(end)
    return {
        "received": "Hồ sơ tiếp nhận",
        "open": f"Hồ sơ đang xác minh, chưa có kết quả (đến hết ngày {day})",
        "overdue": f"Trong đó: quá hạn giải quyết (đến hết ngày {day})",
        "refused": "Hồ sơ từ chối",
    }


_SQL = """
SELECT
    SUM(in_week) AS received_week,
    COUNT(*) AS received_all,
    SUM(in_week * is_open) AS open_week,
    SUM(is_open) AS open_all,
    SUM(in_week * is_late) AS overdue_week,
    SUM(is_late) AS overdue_all
FROM (
    SELECT
        (d.received_on >= :start) AS in_week,
        (COALESCE(substr(d.issued_on, 1, 10) > :end, 1) AND COALESCE(substr(d.closed_on, 1, 10) > :end, 1)) AS is_open,
        (COALESCE(substr(d.issued_on, 1, 10) > :end, 1) AND COALESCE(substr(d.closed_on, 1, 10) > :end, 1)
         AND d.due_date IS NOT NULL AND d.due_date < :end
         AND COALESCE((SELECT e.to_status FROM dossier_events e
                       WHERE e.dossier_id = d.id AND substr(e.at, 1, 10) <= :end
                       ORDER BY e.at DESC, e.id DESC LIMIT 1), '') <> 'needs_papers') AS is_late
    FROM dossiers d
    WHERE d.status <> 'cancelled' AND d.received_on <= :end AND d.received_on >= :since
)
"""

_REFUSED = """
SELECT SUM(substr(closed_on, 1, 10) >= :start) AS refused_week, COUNT(*) AS refused_all
FROM dossiers
WHERE status = 'refused' AND substr(closed_on, 1, 10) <= :end AND substr(closed_on, 1, 10) >= :since
"""


def collect_dossier_figures(store: Store, start: dt.date, end: dt.date, since: dt.date | None = None) -> list[DossierRow]:
    """The four rows for the period ``start``…``end``, cumulative from ``since`` (None: from the first)."""
    since = min(since, start) if since else dt.date.min
    params = {"start": start.isoformat(), "end": end.isoformat(), "since": since.isoformat()}
    counts = dict(store.query_one(_SQL, params) or {})
    counts.update(store.query_one(_REFUSED, params) or {})
    labels = dossier_labels(end)
    return [DossierRow(key, labels[key], int(counts.get(f"{key}_week") or 0), int(counts.get(f"{key}_all") or 0))
            for key in DOSSIER_ROWS]
