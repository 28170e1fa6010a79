"""Reading one dossier (by id, UUID or number) and the dossier numbers ("HS-2025-000123").

Below ``records`` and ``verification`` so that both can read a dossier without importing each other.
"""

from __future__ import annotations

import json

from models.core.permissions import require
from models.core.store import Store
from models.dossiers.states import STATUSES
from models.registry import organizations as orgs
from models.text.normalize import clean

NUMBER_PREFIX = "HS"
# The receipt's QR code holds one line: the number first, then what the applicant reads, joined by this
# (models/dossiers/receipt.py ``qr_payload``); a scan typed into the search field opens the dossier.
QR_SEPARATOR = " · "


def format_number(year: int, seq: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{seq:06d}"


def next_number(store: Store, year: int) -> str:
    prefix = f"{NUMBER_PREFIX}-{year}-"
    last = store.scalar("SELECT max(number) FROM dossiers WHERE number >= ? AND number < ?",
                        (prefix, f"{NUMBER_PREFIX}-{year}.", ))
    seq = int(last[len(prefix):]) + 1 if last else 1
    return format_number(year, seq)


def _decode(row: dict | None) -> dict | None:
    if row is None:
        return None
    row["declared"] = json.loads(row["declared"] or "{}")
    row["papers"] = json.loads(row["papers"] or "[]")
    return row


def get(store: Store, dossier_id: int) -> dict | None:
    """The dossier with ``declared``/``papers`` decoded, ``officer`` (name), ``org`` (registry row)."""
    require(store, "dossier.view")
    row = _decode(store.query_one(
        "SELECT d.*, o.full_name AS officer FROM dossiers d JOIN officers o ON o.id = d.officer_id WHERE d.id = ?",
        (dossier_id,)))
    if row is not None:
        row["org"] = orgs.get(store, row["org_id"]) if row["org_id"] else None
        row["status_label"] = STATUSES.get(row["status"], row["status"])
    return row


def current_version(store: Store, dossier_id: int) -> int | None:
    """The dossier's version now (None when there is no such dossier): a screen compares it with the
    version it was loaded from to know whether another desk changed the dossier meanwhile."""
    require(store, "dossier.view")
    return store.scalar("SELECT version FROM dossiers WHERE id = ?", (dossier_id,))


def get_by_uuid(store: Store, value: str) -> dict | None:
    dossier_id = store.scalar("SELECT id FROM dossiers WHERE uuid = ?", (clean(value).lower(),))
    return get(store, dossier_id) if dossier_id else None


def get_by_number(store: Store, value: str) -> dict | None:
    """A scanned QR code or a typed number ("hs-2025-123" works too)."""
    text = clean(value).upper().split(QR_SEPARATOR.strip())[0].strip()
    dossier_id = store.scalar("SELECT id FROM dossiers WHERE number = ?", (text,))
    if dossier_id is None:
        parts = text.replace(" ", "").split("-")
        if len(parts) == 3 and parts[0] == NUMBER_PREFIX and parts[1].isdigit() and parts[2].isdigit():
            dossier_id = store.scalar("SELECT id FROM dossiers WHERE number = ?",
                                      (format_number(int(parts[1]), int(parts[2])),))
    return get(store, dossier_id) if dossier_id else None
