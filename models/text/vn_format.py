"""How numbers and dates are written for Vietnamese readers: 12.345 and 09/01/2025 09:30.

One place for the screens, exporters and messages (they used to carry their own copies).
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape


def thousands(value: int | float | str | None) -> str:
    """12345 → "12.345"; blank for None/"" ."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}".replace(",", ".")


def date_text(value: dt.date | str | None) -> str:
    """date or ISO text ("2025-01-09", "2025-01-09 09:30:00") → "09/01/2025"; blank for None."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def datetime_text(value: dt.datetime | str | None) -> str:
    """"2025-01-09 09:30:00" → "09/01/2025 09:30"; text that is not a date-time is returned as is."""
    if not value:
        return ""
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return moment.strftime("%d/%m/%Y %H:%M")


def html_text(value: object) -> str:
    """Text safe inside Qt rich text (labels, tooltips): & < > escaped; blank for None."""
    return escape(str(value if value is not None else ""))
