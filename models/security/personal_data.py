"""Personal data on screen: ID numbers masked in lists, full numbers only on request, and logged.

``display_id_number(store, value)`` gives ``091******123``; ``reveal=True`` checks the permission
``personal_id.reveal`` and writes ``personal_id.reveal`` to the audit log (who saw which number, when).
"""

from __future__ import annotations

from models.core.permissions import require
from models.core.store import Store
from models.text.identifiers import mask_personal_id


def display_id_number(store: Store, value: str | None, reveal: bool = False, *,
                      object_type: str | None = None, object_id: object = None) -> str:
    """The number as a list may show it; the full number (logged) when ``reveal``."""
    if not value:
        return ""
    if not reveal:
        return mask_personal_id(value)
    require(store, "personal_id.reveal")
    with store.atomic():
        store.audit("personal_id.reveal", object_type or "personal_id", object_id,
                    detail={"masked": mask_personal_id(value)})
    return value
