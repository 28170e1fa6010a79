"""The official days off and make-up working days, as a release of the program knows them.

Two sources, put together by ``official_days``:

- **python-holidays** (``holidays.Vietnam``): the public holidays of the Labour Code 2019, Art. 112 —
  New Year's Day, Tết (5 days, lunar dates converted), the Hùng Kings' day (10/3 lunar), 30/4, 1/5, 2/9
  with its adjacent day — and the compensatory day when one falls on a weekend (Art. 111(3)). It is
  kept up to date by its maintainers; a new release of this program pins a newer version.
- **ANNOUNCEMENTS** below: what the government announced each year (the swaps of a working day with a
  make-up Saturday, the exact Tết days), each with the document that announced it. python-holidays
  has some swaps and not others (version 0.109 lacks Fri 02/01/2026 ↔ Sat 10/01/2026) and has no
  make-up working days at all; these are kept here, as data.

Years after ``LAST_ANNOUNCED_YEAR`` come from python-holidays alone and are marked provisional
(``Entry.provisional``): the government announces the Tết days and swaps late in the year before.
``NOT_COUNTED`` lists days python-holidays counts that the law does not count yet (see its note).

Only weekdays are listed as days off (a holiday on a Saturday or Sunday changes no time limit; its
compensatory day is listed). Nothing here touches the database: ``models/dossiers/calendar.py``
writes these days into the unit's ``holidays`` / ``make_up_days`` tables and keeps the unit's own edits.
To update after a new announcement: add an ``Announcement`` (and move ``LAST_ANNOUNCED_YEAR``), run
``tests/test_working_days.py``; existing databases receive the change the next time they are opened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache

FIRST_YEAR = 2024
LAST_ANNOUNCED_YEAR = 2026
LAST_LISTED_YEAR = 2027  # at least this far; later years are added as the clock gets near them
LABOUR_CODE = "Bộ luật Lao động 2019, Điều 112 (ngày lễ, tết)"
COMPENSATION = "Bộ luật Lao động 2019, Điều 111 khoản 3 (nghỉ bù khi ngày lễ trùng ngày nghỉ hằng tuần)"
PROVISIONAL = "Chưa công bố: tạm tính theo Bộ luật Lao động 2019, Điều 111–112"


@dataclass(frozen=True)
class Announcement:
    """One document: the days off and make-up working days it announced, with their names."""

    decision: str
    days_off: dict[str, str] = field(default_factory=dict)
    make_up: dict[str, str] = field(default_factory=dict)


ANNOUNCEMENTS: tuple[Announcement, ...] = (
    # 2024
    Announcement("Thông báo 5015/TB-LĐTBXH ngày 22/11/2023 (Tết Âm lịch, Quốc khánh 2024)", days_off={
        "2024-02-08": "", "2024-02-09": "", "2024-02-12": "", "2024-02-13": "", "2024-02-14": "",
        "2024-09-02": "", "2024-09-03": "",
    }),
    Announcement("Công văn 2450/VPCP-KGVX ngày 12/4/2024 (hoán đổi ngày làm việc dịp 30/4–1/5/2024)", days_off={
        "2024-04-29": "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)",
    }, make_up={"2024-05-04": "Làm bù cho ngày nghỉ 29/4/2024"}),
    # 2025
    Announcement("Thông báo 6150/TB-BLĐTBXH năm 2024 (Tết Âm lịch, 30/4–1/5, Quốc khánh 2025)", days_off={
        "2025-01-27": "", "2025-01-28": "", "2025-01-29": "", "2025-01-30": "", "2025-01-31": "",
        "2025-05-02": "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)",
        "2025-09-01": "", "2025-09-02": "",
    }, make_up={"2025-04-26": "Làm bù cho ngày nghỉ 02/5/2025"}),
    # 2026
    Announcement("Công văn 12729/VPCP-KGVX ngày 25/12/2025 (Tết Dương lịch 2026: nghỉ 01–04/01)", days_off={
        "2026-01-01": "",
        "2026-01-02": "Nghỉ hoán đổi Tết Dương lịch (làm bù thứ Bảy 10/01/2026)",
    }, make_up={"2026-01-10": "Làm bù cho ngày nghỉ 02/01/2026"}),
    Announcement("Văn phòng Chính phủ truyền đạt ý kiến Thủ tướng, tháng 10/2025 (Tết Âm lịch 14/02–22/02/2026, "
                 "Quốc khánh 29/8–02/9/2026)", days_off={
        "2026-02-16": "", "2026-02-17": "", "2026-02-18": "", "2026-02-19": "", "2026-02-20": "",
        "2026-08-31": "Nghỉ hoán đổi Quốc khánh (làm bù thứ Bảy 22/8/2026)",
        "2026-09-01": "", "2026-09-02": "",
    }, make_up={"2026-08-22": "Làm bù cho ngày nghỉ 31/8/2026"}),
)

# Days python-holidays counts that are not days off yet, with the reason (month-day, first year, note).
NOT_COUNTED: tuple[tuple[str, int, str], ...] = (
    ("11-24", 2026,
     "Ngày Văn hóa Việt Nam: Nghị quyết 80-NQ/TW chủ trương cho nghỉ; Nghị quyết 30/NQ-CP giao sửa khoản 1 "
     "Điều 112 Bộ luật Lao động. Luật chưa sửa nên chưa tính là ngày nghỉ."),
)

_STEMS = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
_BRANCHES = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")
_LUNAR_DAYS = ("một", "hai", "ba", "bốn", "năm", "sáu", "bảy")


@dataclass(frozen=True)
class Entry:
    day: str  # ISO date
    name: str
    decision: str
    provisional: bool = False


def year_name(year: int) -> str:
    """The lunar year's name: 2025 → "Ất Tỵ"."""
    return f"{_STEMS[(year - 4) % 10]} {_BRANCHES[(year - 4) % 12]}"


def _tet_name(day: dt.date, new_year: dt.date) -> str:
    offset = (day - new_year).days
    if offset == -1:
        part = "giao thừa"
    elif offset < -1:
        part = "trước giao thừa"
    elif offset < len(_LUNAR_DAYS):
        part = f"mùng {offset + 1}"
    else:
        part = "nghỉ bù"
    return f"Tết Nguyên đán {year_name(new_year.year)} ({part})"


def _name(day: dt.date, source_name: str, new_year: dt.date | None) -> str:
    """Our Vietnamese name for a day python-holidays lists (its Vietnamese names, normalised)."""
    observed = "(nghỉ bù" in source_name
    if "Tết Nguyên Đán" in source_name or source_name.startswith("29 Tết"):
        if new_year is not None:
            return _tet_name(day, new_year)
        return "Tết Nguyên đán"
    if source_name.startswith("Tết Dương lịch"):
        base = "Tết Dương lịch"
    elif "Hùng Vương" in source_name:
        base = "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
    elif source_name.startswith("Ngày Chiến thắng"):
        base = "Ngày Giải phóng miền Nam, thống nhất đất nước"
    elif "Lao động" in source_name:
        base = "Ngày Quốc tế Lao động"
    elif source_name.startswith("Quốc khánh"):
        base = "Quốc khánh" if (day.month, day.day) == (9, 2) else "Quốc khánh (ngày liền kề)"
        observed = False
    else:
        return source_name
    return f"Nghỉ bù {base}" if observed else base


def listed_years(today: dt.date | None) -> tuple[int, ...]:
    """The years the official lists cover on ``today``: 2024 to next year, at least to 2027."""
    last = max(LAST_LISTED_YEAR, (today.year + 1) if today else LAST_LISTED_YEAR)
    return tuple(range(FIRST_YEAR, last + 1))


@lru_cache(maxsize=8)
def _official(years: tuple[int, ...]) -> tuple[tuple[Entry, ...], tuple[Entry, ...]]:
    announced_off: dict[str, tuple[str, str]] = {}
    announced_work: dict[str, tuple[str, str]] = {}
    for a in ANNOUNCEMENTS:
        announced_off.update({d: (n, a.decision) for d, n in a.days_off.items()})
        announced_work.update({d: (n, a.decision) for d, n in a.make_up.items()})
    # imported late: python-holidays takes ~50 ms to import; only the first use of the calendar needs it.
    import holidays as python_holidays

    off: dict[str, Entry] = {}
    for year in years:
        source = python_holidays.country_holidays("VN", years=year, language="vi")
        new_year = next((d for d, n in source.items() if n.startswith("Tết Nguyên Đán")), None)
        provisional = year > LAST_ANNOUNCED_YEAR
        for day, source_name in sorted(source.items()):
            iso = day.isoformat()
            if day.weekday() >= 5 or day.year != year:
                continue
            if any(iso[5:] == md and year >= first for md, first, _ in NOT_COUNTED):
                continue
            name = _name(day, source_name, new_year)
            if iso in announced_off:
                decision = announced_off[iso][1]
            elif provisional:
                decision = PROVISIONAL
            else:
                decision = COMPENSATION if name.startswith("Nghỉ bù") else LABOUR_CODE
            off[iso] = Entry(iso, announced_off.get(iso, ("", ""))[0] or name, decision, provisional)
    for iso, (name, decision) in announced_off.items():
        if int(iso[:4]) in years and iso not in off:
            off[iso] = Entry(iso, name or "Ngày nghỉ theo thông báo", decision)
    work = {iso: Entry(iso, name, decision) for iso, (name, decision) in announced_work.items()
            if int(iso[:4]) in years}
    return (tuple(off[d] for d in sorted(off)), tuple(work[d] for d in sorted(work)))


def official_days(today: dt.date | None = None) -> tuple[tuple[Entry, ...], tuple[Entry, ...]]:
    """(days off, make-up working days) from 2024 to next year (at least to 2027), each sorted by day."""
    return _official(listed_years(today))


def fingerprint(today: dt.date | None = None) -> str:
    """Changes whenever the official lists change (a new release, a new python-holidays, a new year)."""
    off, work = official_days(today)
    text = json.dumps([[e.__dict__ for e in off], [e.__dict__ for e in work]], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
