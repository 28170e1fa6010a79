"""How numbers and dates are written for Vietnamese readers: 12.345, 53,0%, 09/01/2025 09:30.

The one formatter for the screens, exporters and messages (they used to carry their own copies);
``tests/test_vn_format.py`` keeps new copies from appearing elsewhere. Reading what officers type or
lists carry is ``models.text.vn_parse``.
"""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

DASH = "—"  # a figure that does not exist (no target yet), in reports and on screens


def thousands(value: int | float | str | None, empty: str = "") -> str:
    """12345 → "12.345" (whole numbers, '.' between thousands); ``empty`` for None/""."""
    if value in (None, ""):
        return empty
    return f"{int(value):,}".replace(",", ".")


def decimal_text(value: float | None, empty: str = "") -> str:
    """One decimal with a decimal comma, '.' between thousands, no ",0": 1234.5 → "1.234,5", 3.0 → "3"."""
    if value is None:
        return empty
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-2] if text.endswith(",0") else text


def percent_text(value: float | None, empty: str = "") -> str:
    """As the weekly report prints it: one decimal, decimal comma: 53.0 → "53,0%"."""
    if value is None:
        return empty
    return f"{value:.1f}".replace(".", ",") + "%"


def date_text(value: dt.date | str | None) -> str:
    """date, datetime or ISO text ("2025-01-09", "2025-01-09 09:30:00") → "09/01/2025"; blank for None;
    text that is not an ISO date is returned as is."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


def day_month_text(value: dt.date) -> str:
    """Short labels (chart axes): 13/03."""
    return value.strftime("%d/%m")


def time_text(value: dt.datetime | dt.time) -> str:
    """The clock time: 14:00."""
    return value.strftime("%H:%M")


def time_date_text(value: dt.datetime) -> str:
    """Deadlines and issue times written time first: "14:00 13/03/2025"."""
    return f"{time_text(value)} {date_text(value)}"


def datetime_text(value: dt.datetime | str | None) -> str:
    """"2025-01-09 09:30:00" → "09/01/2025 09:30"; text that is not a date-time is returned as is."""
    if not value:
        return ""
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return moment.strftime("%d/%m/%Y %H:%M")


def written_date(day: dt.date) -> str:
    """"ngày 09 tháng 01 năm 2025": Decree 30 wants a leading zero for days 1–9 and months 1–2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def html_text(value: object) -> str:
    """Text safe inside Qt rich text (labels, tooltips): & < > escaped; blank for None."""
    return escape(str(value if value is not None else ""))
