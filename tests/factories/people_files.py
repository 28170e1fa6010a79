"""Seeded messy citizens' lists, the way communes, agencies and the national system send them.

``make_people(n, seed)`` draws residents (Faker vi_VN names, 12-digit ID numbers, some with a leading
zero); ``residents_grid`` / ``staff_grid`` / ``schedule_grid`` / ``activations_grid`` lay them out with a
letterhead and title, an optional two-row merged header, a row of column numbers, ID numbers stored as
numbers (leading zero lost), NFD text, blank rows, repeated rows, a total line and the signer's lines.
The grids are ``messy_files.Built`` and are written with ``messy_files.write_xlsx`` / ``write_csv``.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass

from faker import Faker

from tests.factories.messy_files import AREAS, Built

VILLAGES = ["Thôn Đông", "Thôn Tây", "Khu phố 1", "Khu phố 2", "Tổ dân phố 3", "Ấp Phước Lộc", "Thôn Quý Thượng"]
PREFIXES = ["001", "038", "079", "091", "092", "096"]


@dataclass
class Person:
    id_number: str
    full_name: str
    birth_date: dt.date
    sex: str  # "Nam" | "Nữ"
    phone: str
    area_code: str
    area_name: str
    village: str
    residence: str  # "Thường trú" | "Tạm trú"


def make_people(n: int, seed: int = 1) -> list[Person]:
    rng = random.Random(seed)
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    people, seen = [], set()
    while len(people) < n:
        prefix = rng.choice(PREFIXES)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 60))
        century_sex = ("0" if born.year < 2000 else "2") if rng.random() < 0.5 else ("1" if born.year < 2000 else "3")
        id_number = f"{prefix}{century_sex}{born.year % 100:02d}{rng.randint(0, 999999):06d}"
        if id_number in seen:
            continue
        seen.add(id_number)
        male = century_sex in "02"
        given = fake.first_name_male() if male else fake.first_name_female()
        name = f"{fake.last_name()} {fake.middle_name()} {given}"  # Vietnamese order (Faker's is Western)
        code, area = AREAS[rng.randrange(len(AREAS))]
        people.append(Person(id_number, name, born, "Nam" if male else "Nữ",
                             "0" + rng.choice("3579") + f"{rng.randint(0, 99999999):08d}", code, area,
                             rng.choice(VILLAGES), "Thường trú" if rng.random() < 0.85 else "Tạm trú"))
    return people


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _letterhead(grid: list[list], title: str) -> None:
    grid.append(["UBND XÃ MONG THỌ", "", "", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    grid.append(["CÔNG AN XÃ", "", "", "", "", "Độc lập - Tự do - Hạnh phúc"])
    grid.append([])
    grid.append(["", title])
    grid.append([])


def _footer(grid: list[list], count: int) -> None:
    grid.append(["", f"Tổng cộng: {count} người"])
    grid.append([])
    grid.append(["", "", "", "", "Mong Thọ, ngày 05 tháng 01 năm 2025"])
    grid.append(["", "Người lập biểu", "", "", "TRƯỞNG CÔNG AN XÃ"])


def _id_cell(person: Person, numeric: bool) -> object:
    return int(person.id_number) if numeric else person.id_number


def residents_grid(people: list[Person], *, seed: int = 3, numeric_ids: bool = True, nfd: bool = True,
                   two_row_header: bool = True, repeat: tuple[int, ...] = (), blank_every: int = 7,
                   blank_ids: tuple[int, ...] = (), dates_as_text: bool = False) -> Built:
    """Columns: STT, Họ và tên, Ngày sinh, Giới tính, Số CCCD, SĐT, Xã/phường, Thôn/tổ, Cư trú."""
    rng = random.Random(seed)
    grid: list[list] = []
    _letterhead(grid, "DANH SÁCH CÔNG DÂN CHƯA KÍCH HOẠT TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ")
    merged: list[str] = []
    if two_row_header:
        grid.append(["STT", "Thông tin công dân", "", "", "", "Số điện thoại", "Nơi cư trú", "", "Cư trú"])
        grid.append(["", "Họ và tên", "Ngày tháng năm sinh", "Giới tính", "Số CCCD/ĐDCN", "", "Xã/phường",
                     "Thôn/khu phố/tổ dân phố", ""])
        top = len(grid) - 1
        merged += [f"B{top}:E{top}", f"G{top}:H{top}", f"A{top}:A{top + 1}", f"F{top}:F{top + 1}",
                   f"I{top}:I{top + 1}"]
        header_rows = [top, top + 1]
    else:
        grid.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Điện thoại", "Xã", "Thôn",
                     "Thường trú/Tạm trú"])
        header_rows = [len(grid)]
    grid.append([f"({i})" for i in range(1, 10)])
    placed: dict[int, Person] = {}
    date_cells = []
    order = list(range(len(people))) + list(repeat)
    def text(s: str) -> str:
        return _nfd(s) if nfd and rng.random() < 0.3 else s

    for n, index in enumerate(order):
        p = people[index]
        grid.append([n + 1, text(p.full_name), p.birth_date.strftime("%d/%m/%Y") if dates_as_text else p.birth_date,
                     p.sex, "" if index in blank_ids else _id_cell(p, numeric_ids), p.phone, text(p.area_name),
                     text(p.village), p.residence])
        placed[len(grid)] = p
        if not dates_as_text:
            date_cells.append((len(grid), 3))
        if blank_every and (n + 1) % blank_every == 0:
            grid.append([])
    _footer(grid, len(order))
    return Built(grid=grid, rows=placed, header_rows=header_rows, merged=merged, date_cells=date_cells)


def staff_grid(people: list[Person], *, agency: str | None = None, preferred: dt.date = dt.date(2025, 1, 15),
               numeric_ids: bool = True) -> Built:
    """Appendix 1: STT, Họ và tên, Số CCCD, Ngày sinh, Chức vụ, Số điện thoại, Thời gian đăng ký (ngày)
    [, Cơ quan/đơn vị]."""
    grid: list[list] = []
    _letterhead(grid, "DANH SÁCH CÁN BỘ, CÔNG CHỨC ĐĂNG KÝ CẤP TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ MỨC 2")
    headers = ["STT", "Họ và tên", "Số CCCD", "Ngày sinh", "Chức vụ", "Số điện thoại", "Thời gian đăng ký (ngày)"]
    if agency:
        headers.append("Cơ quan, đơn vị")
    grid.append(headers)
    placed, date_cells = {}, []
    positions = ["Chuyên viên", "Phó phòng", "Trưởng phòng", "Kế toán", "Văn thư", "Giáo viên"]
    for n, p in enumerate(people):
        row = [n + 1, p.full_name, _id_cell(p, numeric_ids), p.birth_date, positions[n % len(positions)], p.phone,
               preferred + dt.timedelta(days=n % 5)]
        if agency:
            row.append(agency)
        grid.append(row)
        placed[len(grid)] = p
        date_cells += [(len(grid), 4), (len(grid), 7)]
    _footer(grid, len(people))
    return Built(grid=grid, rows=placed, header_rows=[len(grid)], date_cells=date_cells)


def schedule_grid(enterprises: list[tuple[str, str]], *, start: dt.date = dt.date(2025, 1, 20),
                  unknown: tuple[str, str] | None = None) -> Built:
    """Appendix 2: STT, Tên doanh nghiệp, Mã số thuế, Người đại diện, Số lao động, Ngày đăng ký, Giờ."""
    grid: list[list] = []
    _letterhead(grid, "LỊCH ĐĂNG KÝ CẤP TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ CỦA CÁC DOANH NGHIỆP")
    grid.append(["STT", "Tên doanh nghiệp", "Mã số thuế", "Người đại diện", "Số lao động", "Ngày đăng ký", "Giờ"])
    placed: dict[int, tuple] = {}
    rows = list(enterprises) + ([unknown] if unknown else [])
    date_cells = []
    for n, (name, tax) in enumerate(rows):
        grid.append([n + 1, name, int(tax) if n % 2 else tax, f"Giám đốc {n}", 10 + n, start + dt.timedelta(days=n),
                     "8h30" if n % 2 else "14:00"])
        placed[len(grid)] = (name, tax)
        date_cells.append((len(grid), 6))
    _footer(grid, len(rows))
    return Built(grid=grid, rows=placed, header_rows=[len(grid)], date_cells=date_cells)


def activations_grid(rows: list[tuple[str, int, dt.date, str]], *, numeric_ids: bool = True) -> Built:
    """The national system's list: STT, Số định danh, Họ tên, Mức độ, Ngày kích hoạt, Trạng thái."""
    grid: list[list] = []
    grid.append(["", "DANH SÁCH TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ ĐÃ KÍCH HOẠT"])
    grid.append(["", "(Trích xuất từ hệ thống ngày 10/01/2025)"])
    grid.append([])
    grid.append(["STT", "Số định danh", "Họ tên", "Mức độ", "Ngày kích hoạt", "Trạng thái"])
    placed, date_cells = {}, []
    for n, (id_number, level, day, name) in enumerate(rows):
        grid.append([n + 1, int(id_number) if numeric_ids else id_number, name, f"Mức {level}", day,
                     "Đã kích hoạt"])
        placed[len(grid)] = id_number
        date_cells.append((len(grid), 5))
    grid.append(["", f"Tổng số: {len(rows)}"])
    return Built(grid=grid, rows=placed, header_rows=[4], date_cells=date_cells)
