"""Vietnamese number and date writing, shared by screens, exporters and messages — and kept in one place."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from models.text.vn_format import (
    DASH,
    date_text,
    datetime_text,
    day_month_text,
    decimal_text,
    html_text,
    percent_text,
    thousands,
    time_date_text,
    time_text,
    written_date,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "value, text",
    [(0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (12345, "12.345"), (1000000, "1.000.000"),
     (-1234, "-1.234"), ("12345", "12.345"), (None, ""), ("", "")],
)
def test_thousands(value, text):
    assert thousands(value) == text


def test_thousands_and_percent_say_dash_when_asked():
    assert (thousands(None, DASH), thousands(0, DASH), percent_text(None, DASH)) == ("—", "0", "—")


@pytest.mark.parametrize(
    "value, text",
    [(0.0, "0"), (3.0, "3"), (0.1, "0,1"), (2.46, "2,5"), (1234.5, "1.234,5"), (1234567.0, "1.234.567"),
     (None, "")],
)
def test_decimal_text(value, text):
    assert decimal_text(value) == text


@pytest.mark.parametrize("value, text", [(30.0, "30,0%"), (53.04, "53,0%"), (100.0, "100,0%"), (0.5, "0,5%"),
                                         (None, "")])
def test_percent_text_as_the_weekly_report_prints_it(value, text):
    assert percent_text(value) == text


@pytest.mark.parametrize(
    "value, text",
    [(dt.date(2025, 1, 9), "09/01/2025"), (dt.datetime(2025, 3, 13, 14, 0), "13/03/2025"), ("2025-01-09", "09/01/2025"),
     ("2025-01-09 09:30:00", "09/01/2025"), ("09/01/2025", "09/01/2025"), ("chưa rõ", "chưa rõ"), ("", ""),
     (None, "")],
)
def test_date_text(value, text):
    assert date_text(value) == text


@pytest.mark.parametrize(
    "value, text",
    [("2025-01-09 09:30:00", "09/01/2025 09:30"), ("2025-01-09T09:30:45", "09/01/2025 09:30"),
     (dt.datetime(2025, 3, 13, 14, 0), "13/03/2025 14:00"), ("không phải ngày", "không phải ngày"), (None, "")],
)
def test_datetime_text(value, text):
    assert datetime_text(value) == text


def test_short_forms_and_times():
    moment = dt.datetime(2025, 3, 13, 14, 5)
    assert day_month_text(dt.date(2025, 3, 5)) == "05/03"
    assert time_text(moment) == "14:05"
    assert time_date_text(moment) == "14:05 13/03/2025"


@pytest.mark.parametrize(
    "day, text",
    [(dt.date(2025, 1, 9), "ngày 09 tháng 01 năm 2025"), (dt.date(2025, 2, 28), "ngày 28 tháng 02 năm 2025"),
     (dt.date(2025, 3, 5), "ngày 05 tháng 3 năm 2025"), (dt.date(2025, 12, 15), "ngày 15 tháng 12 năm 2025")],
)
def test_written_date_as_decree_30_wants_it(day, text):
    assert written_date(day) == text


def test_html_text_escapes_rich_text():
    assert html_text("Công ty <A&B>") == "Công ty &lt;A&amp;B&gt;"
    assert html_text(None) == ""


# ---- the rule: one formatter, one parser -------------------------------------------------------------
# Each pattern finds a private copy of what models/text/vn_format.py or vn_parse.py does.
DUPLICATES = {
    "dd/mm/yyyy written by hand (use vn_format.date_text/datetime_text/day_month_text)":
        re.compile(r"""strftime\(\s*f?["']%d/%m|\{[^{}]*:%d/%m[^{}]*\}"""),
    "thousands separator by hand (use vn_format.thousands/decimal_text)":
        re.compile(r""":,(?:\.\d+f)?\}.*\.replace\(\s*["'],["']|\.replace\(\s*["'],["']\s*,\s*["']\.["']\s*\)"""),
    "dates parsed by hand (use vn_parse.parse_date/parse_datetime)": re.compile(r"\bstrptime\("),
}


@pytest.mark.parametrize("line", [
    'return day.strftime("%d/%m/%Y")',
    "when.strftime('%d/%m/%Y %H:%M')",
    'f"Thời điểm «{received:%d/%m/%Y %H:%M}»"',
    'f"{n:,}".replace(",", ".")',
    'f"{n:,} hồ sơ".replace(",", ".")',
    'f"{value:,.1f}".replace(",", " ")',
    'text = text.replace(",", ".")',
    'dt.datetime.strptime(text, "%d/%m/%Y")',
])
def test_the_duplicate_patterns_find_a_copy(line):
    assert any(pattern.search(line) for pattern in DUPLICATES.values())


def _source_files():
    """The project's Python files outside models/text (tests, environments and builds left out)."""
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder).relative_to(ROOT)
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")) and (here / d).parts not in
                         {("tests",), ("build",), ("dist",), ("models", "text")})
        yield from (here / name for name in sorted(files) if name.endswith(".py"))


def test_numbers_and_dates_are_formatted_and_parsed_in_one_place():
    files = list(_source_files())
    assert Path("models/reports/weekly.py") in files and Path("ui/pages/registry.py") in files  # the walk reaches them
    found = []
    for rel in files:
        for number, line in enumerate((ROOT / rel).read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in DUPLICATES.items():
                if pattern.search(line):
                    found.append(f"{rel}:{number}: {what}: {line.strip()}")
    assert not found, "\n".join(found)
