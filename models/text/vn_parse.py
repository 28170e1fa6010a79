"""How the app reads numbers and dates that Vietnamese officers type or lists carry: the one parser.

Imports nothing of the project but ``models.core.errors`` (a leaf), so every layer can use it.
"""

from __future__ import annotations

import datetime as dt

from models.core.errors import UserError
from models.text.normalize import clean


def parse_datetime(value) -> dt.datetime | None:
    """ISO text, dd/mm/yyyy [hh:mm[:ss]], a date or a datetime → datetime (seconds)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = clean(value).replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
                "%d/%m/%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%H:%M %d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise UserError(f"Thời điểm «{text}» không đúng dạng ngày/tháng/năm giờ:phút")
