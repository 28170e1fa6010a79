"""Working days: the official days apart from the unit's own (issue 12).

Before this migration the holiday list was seeded once per database (setting ``holidays.seeded``) and a
corrected list never reached an existing desk. Now ``models/dossiers/calendar.py`` refreshes the
official days from the release's data whenever they change, and keeps what the unit edited:

- ``holidays.source`` / ``make_up_days.source``: ``official`` (from the release: python-holidays plus the
  announced swaps, replaced by the next release's list) or ``unit`` (a day the unit added, or an
  official day it renamed: never touched by a refresh); ``decision``: the document that announced an
  official day; ``provisional``: 1 for a year the government has not announced yet.
- ``official_days_removed``: official days the unit took off its list; a refresh does not bring them back.

Existing rows: a row equal to what the old seed wrote (same day and name) is ``official`` (the next
refresh renames and corrects it); any other row is the unit's own (added or renamed). A day of the old
seed missing from a seeded database was removed by the unit and goes to ``official_days_removed``.
The old seed is copied below as it was shipped (frozen: this migration must not change).
"""

VERSION = 8

SCHEMA = [
    "ALTER TABLE holidays ADD COLUMN source TEXT NOT NULL DEFAULT 'unit' CHECK (source IN ('official', 'unit'))",
    "ALTER TABLE holidays ADD COLUMN decision TEXT",
    "ALTER TABLE holidays ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE make_up_days ADD COLUMN source TEXT NOT NULL DEFAULT 'unit' CHECK (source IN ('official', 'unit'))",
    "ALTER TABLE make_up_days ADD COLUMN decision TEXT",
    "ALTER TABLE make_up_days ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0",
    """CREATE TABLE official_days_removed (
        day TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('holiday', 'make_up')),
        name TEXT NOT NULL,
        removed_at TEXT,
        PRIMARY KEY (day, kind)
    )""",
]

OLD_SEED_SETTING = "holidays.seeded"
OLD_SEED_HOLIDAYS = [
    ("2024-01-01", "Tết Dương lịch"),
    ("2024-02-08", "Tết Nguyên đán Giáp Thìn (28 tháng Chạp)"),
    ("2024-02-09", "Tết Nguyên đán Giáp Thìn (29 tháng Chạp)"),
    ("2024-02-12", "Tết Nguyên đán Giáp Thìn (mùng 3)"),
    ("2024-02-13", "Tết Nguyên đán Giáp Thìn (mùng 4)"),
    ("2024-02-14", "Tết Nguyên đán Giáp Thìn (mùng 5, nghỉ bù)"),
    ("2024-04-18", "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    ("2024-04-29", "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)"),
    ("2024-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    ("2024-05-01", "Ngày Quốc tế Lao động"),
    ("2024-09-02", "Quốc khánh"),
    ("2024-09-03", "Quốc khánh (ngày liền kề)"),
    ("2025-01-01", "Tết Dương lịch"),
    ("2025-01-27", "Tết Nguyên đán Ất Tỵ (28 tháng Chạp)"),
    ("2025-01-28", "Tết Nguyên đán Ất Tỵ (29 tháng Chạp)"),
    ("2025-01-29", "Tết Nguyên đán Ất Tỵ (mùng 1)"),
    ("2025-01-30", "Tết Nguyên đán Ất Tỵ (mùng 2)"),
    ("2025-01-31", "Tết Nguyên đán Ất Tỵ (mùng 3)"),
    ("2025-04-07", "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    ("2025-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    ("2025-05-01", "Ngày Quốc tế Lao động"),
    ("2025-05-02", "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)"),
    ("2025-09-01", "Quốc khánh (ngày liền kề)"),
    ("2025-09-02", "Quốc khánh"),
    ("2026-01-01", "Tết Dương lịch"),
    ("2026-02-16", "Tết Nguyên đán Bính Ngọ (29 tháng Chạp)"),
    ("2026-02-17", "Tết Nguyên đán Bính Ngọ (mùng 1)"),
    ("2026-02-18", "Tết Nguyên đán Bính Ngọ (mùng 2)"),
    ("2026-02-19", "Tết Nguyên đán Bính Ngọ (mùng 3)"),
    ("2026-02-20", "Tết Nguyên đán Bính Ngọ (mùng 4)"),
    ("2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch là Chủ nhật 26/4)"),
    ("2026-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    ("2026-05-01", "Ngày Quốc tế Lao động"),
    ("2026-09-01", "Quốc khánh (ngày liền kề)"),
    ("2026-09-02", "Quốc khánh"),
    ("2027-01-01", "Tết Dương lịch"),
    ("2027-02-05", "Tết Nguyên đán Đinh Mùi (29 tháng Chạp)"),
    ("2027-02-08", "Tết Nguyên đán Đinh Mùi (mùng 3)"),
    ("2027-02-09", "Tết Nguyên đán Đinh Mùi (mùng 4)"),
    ("2027-02-10", "Nghỉ bù Tết (mùng 1 là thứ Bảy)"),
    ("2027-02-11", "Nghỉ bù Tết (mùng 2 là Chủ nhật)"),
    ("2027-04-16", "Giỗ Tổ Hùng Vương (10/3 âm lịch)"),
    ("2027-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    ("2027-05-03", "Nghỉ bù Ngày Quốc tế Lao động (1/5 là thứ Bảy)"),
    ("2027-09-02", "Quốc khánh"),
    ("2027-09-03", "Quốc khánh (ngày liền kề)"),
]
OLD_SEED_MAKE_UP_DAYS = [
    ("2024-05-04", "Làm bù cho ngày nghỉ 29/4/2024"),
    ("2025-04-26", "Làm bù cho ngày nghỉ 02/5/2025"),
]


def up(store) -> None:
    for sql in SCHEMA:
        store.execute(sql)
    seeded = store.execute("SELECT 1 FROM settings WHERE key = ?", (OLD_SEED_SETTING,)).fetchone()
    if seeded is None:
        return  # never seeded: the first use of the calendar writes the official days
    for table, kind, seed in (("holidays", "holiday", OLD_SEED_HOLIDAYS),
                              ("make_up_days", "make_up", OLD_SEED_MAKE_UP_DAYS)):
        present = {row[0] for row in store.execute(f"SELECT day FROM {table}")}
        for day, name in seed:
            if day in present:
                store.execute(f"UPDATE {table} SET source = 'official' WHERE day = ? AND name = ?", (day, name))
            else:
                store.execute("INSERT OR IGNORE INTO official_days_removed(day, kind, name, removed_at) "
                              "VALUES (?, ?, ?, NULL)", (day, kind, name))
    store.execute("DELETE FROM settings WHERE key = ?", (OLD_SEED_SETTING,))
