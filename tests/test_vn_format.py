"""Vietnamese number and date writing, shared by screens, exporters and messages."""

from __future__ import annotations

import datetime as dt

import pytest

from models.text.vn_format import date_text, datetime_text, html_text, thousands


@pytest.mark.parametrize("value, text", [(0, "0"), (12345, "12.345"), (1000000, "1.000.000"), (None, ""), ("", "")])
def test_thousands(value, text):
    assert thousands(value) == text


@pytest.mark.parametrize(
    "value, text",
    [(dt.date(2025, 1, 9), "09/01/2025"), ("2025-01-09", "09/01/2025"), ("2025-01-09 09:30:00", "09/01/2025"),
     (None, "")],
)
def test_date_text(value, text):
    assert date_text(value) == text


@pytest.mark.parametrize(
    "value, text",
    [("2025-01-09 09:30:00", "09/01/2025 09:30"), (dt.datetime(2025, 3, 13, 14, 0), "13/03/2025 14:00"),
     ("không phải ngày", "không phải ngày"), (None, "")],
)
def test_datetime_text(value, text):
    assert datetime_text(value) == text


def test_html_text_escapes_rich_text():
    assert html_text("Công ty <A&B>") == "Công ty &lt;A&amp;B&gt;"
    assert html_text(None) == ""
