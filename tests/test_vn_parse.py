"""Reading the numbers and dates officers type and the province's lists carry: the one parser."""

from __future__ import annotations

import datetime as dt

import pytest

from models.core.errors import UserError
from models.text.vn_parse import (
    date_iso_or_text,
    excel_serial_date,
    excel_serial_datetime,
    parse_date,
    parse_datetime,
    parse_number,
)

D = dt.date


# ---- dates -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, day",
    [
        ("2025-01-09", D(2025, 1, 9)),               # ISO (stored values, the sync file)
        ("2025-01-09 09:30:00", D(2025, 1, 9)),      # ISO date-time: the time is dropped
        ("2025-01-09T09:30", D(2025, 1, 9)),
        ("2025/1/9", D(2025, 1, 9)),
        ("09/01/2025", D(2025, 1, 9)),               # what officers type
        ("9/1/2025", D(2025, 1, 9)),
        ("05-03-2010", D(2010, 3, 5)),
        ("05.03.2010", D(2010, 3, 5)),
        ("  05 / 03 / 2010 ", D(2010, 3, 5)),        # stray spaces from a spreadsheet
        ("05/03/10", D(2010, 3, 5)),                 # 2-digit years: below 50 → 20xx
        ("05.03.49", D(2049, 3, 5)),
        ("05/03/85", D(1985, 3, 5)),                 # 50 and above → 19xx
        ("09/01/2025 09:30", D(2025, 1, 9)),
        ("ngày 05 tháng 03 năm 2010", D(2010, 3, 5)),
        ("Ngày 5 Tháng 3 Năm 2010", D(2010, 3, 5)),
        ("ngay 5 thang 3 nam 2010", D(2010, 3, 5)),  # typed without diacritics
        ("2024-02-29", D(2024, 2, 29)),
        (D(2010, 3, 5), D(2010, 3, 5)),
        (dt.datetime(2010, 3, 5, 17, 45), D(2010, 3, 5)),
        (40242, D(2010, 3, 5)),                      # an Excel serial number
        (40242.75, D(2010, 3, 5)),                   # … with a time of day
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_date(value, day):
    assert parse_date(value) == day


@pytest.mark.parametrize(
    "value",
    ["05/03/201", "2025", "09/01", "hôm qua", "45000", "05/03/2010 (cấp lại)", "ngày 05 tháng 03"],
)
def test_parse_date_refuses_what_is_not_a_date(value):
    with pytest.raises(UserError, match="không hợp lệ"):
        parse_date(value)


@pytest.mark.parametrize("value", ["30/02/2010", "29/02/2025", "31/02/2025", "32/01/2025", "05/13/2010",
                                   "2025-02-30", "ngày 31 tháng 4 năm 2025", "2025-01-09 25:00"])
def test_a_day_the_calendar_lacks_is_called_so(value):
    """31/02/2025 is written correctly and names no day: "không tồn tại", not "wrong format"."""
    with pytest.raises(UserError, match="không tồn tại") as caught:
        parse_date(value)
    assert "cần dạng" not in str(caught.value)


@pytest.mark.parametrize(
    "value, day",
    [
        ("05/03/2010 (cấp lại)", D(2010, 3, 5)),                      # a note after the date
        ("2010-03-05 00:00:00", D(2010, 3, 5)),
        ("Quyết định số 12/QĐ-UBND ngày 05 tháng 3 năm 2010", D(2010, 3, 5)),
        ("05.03.10", D(2010, 3, 5)),
    ],
)
def test_parse_date_loose_reads_what_the_lists_carry(value, day):
    assert parse_date(value, loose=True) == day


@pytest.mark.parametrize("value", ["30/02/2010", "05/03/201", "không rõ", "2010"])
def test_parse_date_loose_still_refuses_non_dates(value):
    with pytest.raises(UserError):
        parse_date(value, loose=True)


@pytest.mark.parametrize("value, day", [("2025-01-08", D(2025, 1, 8)), (" 2025-01-08 ", D(2025, 1, 8)), ("", None)])
def test_parse_date_iso_only(value, day):
    assert parse_date(value, iso_only=True) == day


@pytest.mark.parametrize("value", ["08/01/2025", "2025-1-8", "2025-13-01"])
def test_parse_date_iso_only_refuses_day_first(value):
    with pytest.raises(UserError):
        parse_date(value, iso_only=True)


# ---- date-times --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, moment",
    [
        ("2025-01-09 09:30:00", dt.datetime(2025, 1, 9, 9, 30)),
        ("2025-01-09T09:30:15", dt.datetime(2025, 1, 9, 9, 30, 15)),
        ("2025-01-09 09:30", dt.datetime(2025, 1, 9, 9, 30)),
        ("2025-01-09", dt.datetime(2025, 1, 9)),
        ("09/01/2025 09:30", dt.datetime(2025, 1, 9, 9, 30)),
        ("9/1/2025 9:05:07", dt.datetime(2025, 1, 9, 9, 5, 7)),
        ("09-01-2025 14:00", dt.datetime(2025, 1, 9, 14, 0)),
        ("09.01.2025", dt.datetime(2025, 1, 9)),
        ("14:00 09/01/2025", dt.datetime(2025, 1, 9, 14, 0)),      # time first, as some forms write it
        (" 09/01/2025   09:30 ", dt.datetime(2025, 1, 9, 9, 30)),
        ("09/01/25 09:30", dt.datetime(2025, 1, 9, 9, 30)),
        (45666.395833333336, dt.datetime(2025, 1, 9, 9, 30)),     # an Excel date-time serial
        (D(2025, 1, 9), dt.datetime(2025, 1, 9)),
        (dt.datetime(2025, 1, 9, 9, 30, 5, 123456), dt.datetime(2025, 1, 9, 9, 30, 5)),
        (None, None),
        ("", None),
    ],
)
def test_parse_datetime(value, moment):
    assert parse_datetime(value) == moment


@pytest.mark.parametrize("value", ["09/01/2025 9h30", "sáng nay", "   "])
def test_parse_datetime_refuses_what_is_not_a_time(value):
    with pytest.raises(UserError, match="không đúng dạng ngày/tháng/năm giờ:phút"):
        parse_datetime(value)


@pytest.mark.parametrize("value", ["09/01/2025 24:00", "30/02/2025 08:00"])
def test_parse_datetime_names_a_moment_that_does_not_exist(value):
    with pytest.raises(UserError, match="không tồn tại"):
        parse_datetime(value)


# ---- Excel serials -----------------------------------------------------------------------------------
@pytest.mark.parametrize("serial, day", [(1, D(1899, 12, 31)), (61, D(1900, 3, 1)), (40242, D(2010, 3, 5)),
                                         (45666.99, D(2025, 1, 9)), (2958465, D(9999, 12, 31))])
def test_excel_serial_date(serial, day):
    assert excel_serial_date(serial) == day


def test_excel_serial_datetime_to_the_second():
    assert excel_serial_datetime(45666.5) == dt.datetime(2025, 1, 9, 12, 0)


@pytest.mark.parametrize("serial", [0, -5, 2958466, True, float("nan")])
def test_excel_serial_out_of_range(serial):
    with pytest.raises(UserError):
        excel_serial_date(serial)


# ---- declared dates (TK02) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, stored",
    [("05/03/2010", "2010-03-05"), ("2010-03-05", "2010-03-05"), (D(2010, 3, 5), "2010-03-05"),
     ("khoảng  năm 2010", "khoảng năm 2010"), ("", None), (None, None)],
)
def test_date_iso_or_text_keeps_what_it_cannot_read(value, stored):
    assert date_iso_or_text(value) == stored


# ---- numbers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, number",
    [
        ("12.345", 12345),            # '.' between thousands
        ("1.234.567", 1234567),
        ("1.500", 1500),
        ("12,5", 12.5),               # decimal comma
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),          # a spreadsheet in English
        ("12.5", 12.5),               # a decimal point is read as one when it cannot be thousands
        ("0.125", 0.125),
        ("1,234", 1.234),
        (" 1 500 ", 1500),
        ("12,5%", 12.5),
        ("80", 80),
        ("-3", -3),
        (7, 7),
        (2.5, 2.5),
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_number(value, number):
    result = parse_number(value)
    assert result == number and type(result) is type(number)


@pytest.mark.parametrize(
    "value, number",
    [("12.345", 12345), ("1.234.567", 1234567), ("1,234", 1234), ("1,234,567", 1234567), ("1 500", 1500),
     ("300", 300), (300.0, 300), (None, None)],
)
def test_parse_number_whole(value, number):
    result = parse_number(value, integer=True)
    assert result == number and type(result) is type(number)


@pytest.mark.parametrize("value", ["abc", "1.2.3", "1,,2", "12,34,5", "1.23.456", "--1", "12%3", True])
def test_parse_number_refuses_what_is_not_a_number(value):
    with pytest.raises(UserError, match="không phải là số"):
        parse_number(value)


@pytest.mark.parametrize("value", ["12,5", "12.5", "1.234,5", 2.5, "50%"])
def test_parse_number_whole_refuses_fractions(value):
    with pytest.raises(UserError):
        parse_number(value, integer=True)


# ---- callers that name the field keep their messages -------------------------------------------------
def test_callers_wrap_the_parser_with_the_field_name():
    from models.campaigns.plans import parse_date as plan_date
    from models.campaigns.targets import _number
    from models.reports.period import parse_day

    assert plan_date("05/03/25", "Ngày kế hoạch") == "2025-03-05"
    with pytest.raises(UserError, match="^Ngày kế hoạch: «30/02/2025» không phải ngày hợp lệ"):
        plan_date("30/02/2025", "Ngày kế hoạch")
    assert _number("1.500", "Giá trị chỉ tiêu") == 1500.0  # Vietnamese thousands (was read as 1.5)
    assert _number("12,5%", "Giá trị chỉ tiêu") == 12.5
    assert _number("1.234", "Số gốc", integer=True) == 1234
    with pytest.raises(UserError, match="^Số gốc: «12,5» không phải là số$"):
        _number("12,5", "Số gốc", integer=True)  # was silently 125
    assert parse_day("2025-01-08", "--week-ending") == D(2025, 1, 8)
    with pytest.raises(UserError, match="^--as-of «08/01/2025» không đúng dạng YYYY-MM-DD.$"):
        parse_day("08/01/2025", "--as-of")
    with pytest.raises(UserError, match="^--week-ending «2025-02-31»: ngày không tồn tại"):
        parse_day("2025-02-31", "--week-ending")  # the right shape, no such day: not "wrong format"
