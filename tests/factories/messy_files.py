"""Seeded generator of messy organization lists, the way provinces really send them.

``build(orgs, Layout(...))`` lays the organizations out as a grid of cells (title and letterhead rows,
one- or two-row header with merged cells, a row of column numbers, blank rows, repeated rows, a
"Tổng cộng" footer and signature lines) and remembers which spreadsheet row holds which organization.
Writers turn the grid into xlsx (openpyxl, with merged cells and date formats), csv (any encoding and
separator), or xls/ods through LibreOffice (``soffice --headless --convert-to``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from faker import Faker

AREAS = [("30001", "Phường Vĩnh Thanh Vân"), ("30002", "Xã Mong Thọ"), ("30003", "Phường Rạch Giá"),
         ("30004", "Xã Đông Thạnh"), ("30005", "Xã Ơn Lợi"), ("30006", "Phường Ngọc Chúc")]
STATUS_TEXTS = {"active": ["Đang hoạt động", "đang hoạt động", "Hoạt động"],
                "suspended": ["Tạm ngừng kinh doanh", "Tạm ngừng hoạt động có thời hạn"],
                "dissolved": ["Đã giải thể", "Ngừng hoạt động"],
                "dissolving": ["Đang làm thủ tục giải thể"]}
ID_PREFIXES = ["001", "079", "091", "092", "038", "058", "096"]
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_FORMS = ["Công ty TNHH", "CÔNG TY CỔ PHẦN", "Công ty TNHH MTV", "Doanh nghiệp tư nhân", "Hợp tác xã", "CTY TNHH"]
_TRADES = ["Thương mại Dịch vụ", "Xây dựng", "Thủy sản", "Vận tải", "Nông nghiệp", "Đầu tư Phát triển", "Du lịch",
           "Điện tử", "Cơ khí", "Dược phẩm", "Ươm giống", "Gạch ngói"]


def _personal_id(prefix: str, century: int, yy: int, serial: int) -> str:
    """A plausible representative's ID: digit 4 the century and sex, digits 5–6 an adult's birth year."""
    yy = yy % 7 if century >= 2 else 40 + yy % 60
    return f"{prefix}{century}{yy:02d}{serial:06d}"


def make_tax_code(rng: random.Random, branch: bool = False) -> str:
    """A valid MST (check digit as in domain.md); ``branch`` gives a 13-digit dependent-unit code."""
    while True:
        body = f"{rng.randint(1, 96):02d}" + "".join(str(rng.randint(0, 9)) for _ in range(7))
        if body[2:9] == "0000000":
            continue
        check = 10 - sum(w * int(d) for w, d in zip(_WEIGHTS, body, strict=False)) % 11
        if check == 10:
            continue
        code = body + str(check)
        return f"{code}-{rng.randint(1, 999):03d}" if branch else code


@dataclass
class Org:
    name: str
    tax_code: str | None
    established_on: dt.date
    address: str
    area_code: str
    area_name: str
    rep_name: str
    rep_id_number: str
    rep_phone: str
    rep_email: str
    status: str
    status_text: str


def make_orgs(n: int, seed: int = 1, *, with_tax: bool = True, branches: float = 0.1) -> list[Org]:
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    orgs, seen = [], set()
    while len(orgs) < n:
        code = make_tax_code(rng, branch=rng.random() < branches) if with_tax else None
        if code is not None:
            if code in seen:
                continue
            seen.add(code)
        area_code, area_name = rng.choice(AREAS)
        status = rng.choice(["active"] * 6 + ["suspended", "dissolved", "dissolving"])
        rep = fake.name()
        orgs.append(Org(
            name=f"{rng.choice(_FORMS)} {rng.choice(_TRADES)} {fake.last_name()} {fake.first_name()} {len(orgs) + 1}",
            tax_code=code,
            established_on=dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 8700)),
            address=f"Số {rng.randint(1, 300)} đường {fake.street_name()}, {area_name}, tỉnh An Giang",
            area_code=area_code, area_name=area_name, rep_name=rep,
            rep_id_number=_personal_id(rng.choice(ID_PREFIXES), rng.randint(0, 3), rng.randint(0, 99),
                                       rng.randint(0, 999999)),
            rep_phone="0" + rng.choice("3579") + f"{rng.randint(0, 99999999):08d}",
            rep_email=f"lienhe{len(orgs) + 1}@{rng.choice(['gmail.com', 'yahoo.com.vn', 'congty.vn'])}",
            status=status, status_text=rng.choice(STATUS_TEXTS[status]),
        ))
    return orgs


HEADERS = ["STT", "Tên doanh nghiệp", "Mã số thuế", "Ngày thành lập", "Địa chỉ trụ sở", "Xã/Phường",
           "Người đại diện theo pháp luật", "Số CCCD/Định danh", "Điện thoại", "Email", "Tình trạng"]
ASCII_HEADERS = ["STT", "Ten doanh nghiep", "MST", "Ngay thanh lap", "Dia chi tru so", "Xa/Phuong",
                 "Nguoi dai dien theo phap luat", "So CCCD", "Dien thoai", "Email", "Tinh trang"]


@dataclass
class Layout:
    title_rows: bool = True  # letterhead + title + subtitle + blank line above the header
    two_row_header: bool = False  # "Người đại diện theo pháp luật" merged over 4 sub-columns
    column_numbers: bool = False  # "(1) (2) (3)…" row under the header
    blank_every: int = 0  # a blank row after every n data rows
    repeat: list[int] = field(default_factory=list)  # indexes of organizations listed a second time
    footer: bool = True  # "Tổng cộng" + signature lines
    ascii_headers: bool = False  # "Ma so thue" instead of "Mã số thuế"
    upper_headers: bool = False  # "ĐỊA CHỈ TRỤ SỞ"
    nfd: bool = False  # decomposed Vietnamese text
    stray_spaces: bool = False  # "  Công ty   TNHH  " and non-breaking spaces
    numeric_tax: bool = False  # tax codes stored as numbers: leading zero lost, hyphen dropped
    hyphenless: bool = False  # 13-digit codes without the hyphen (text)
    dates: str = "date"  # "date" (Excel date), "serial" (number), "text" (dd/mm/yyyy)


@dataclass
class Built:
    grid: list[list]
    rows: dict[int, Org]  # spreadsheet row (1-based) → organization written there
    header_rows: list[int]  # 1-based
    merged: list[str] = field(default_factory=list)  # "G5:J5" ranges
    date_cells: list[tuple[int, int]] = field(default_factory=list)  # (row, col) 1-based


def _text(value: str, layout: Layout, rng: random.Random) -> str:
    if layout.nfd:
        value = unicodedata.normalize("NFD", value)
    if layout.stray_spaces and rng.random() < 0.5:
        value = "  " + value.replace(" ", rng.choice(["  ", " ", "\u00a0"]), 2) + " "
    return value


def build(orgs: list[Org], layout: Layout, seed: int = 7) -> Built:
    rng = random.Random(seed)
    grid: list[list] = []
    headers = list(ASCII_HEADERS if layout.ascii_headers else HEADERS)
    if layout.upper_headers:
        headers = [h.upper() for h in headers]
    if layout.nfd:
        headers = [unicodedata.normalize("NFD", h) for h in headers]
    width = len(headers)
    merged: list[str] = []
    if layout.title_rows:
        grid.append(["UBND TỈNH AN GIANG", "", "", "", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
        grid.append(["SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "", "", "", "", "", "Độc lập - Tự do - Hạnh phúc"])
        grid.append([""] * width)
        grid.append(["", "DANH SÁCH DOANH NGHIỆP ĐANG HOẠT ĐỘNG TRÊN ĐỊA BÀN (tính đến ngày 31/12/2024)"])
        grid.append(["", "(Kèm theo Công văn số 125/SKHĐT-ĐKKD ngày 05/01/2025)"])
        grid.append([])
    header_rows = []
    if layout.two_row_header:
        upper = headers[:6] + [headers[6], "", "", ""] + [headers[10]]
        lower = [""] * 6 + ["Họ và tên", "Số CCCD", "Điện thoại", "Email"] + [""]
        if layout.ascii_headers:
            lower = [""] * 6 + ["Ho va ten", "So CCCD", "Dien thoai", "Email"] + [""]
        grid.append(upper)
        grid.append(lower)
        top = len(grid) - 1
        header_rows = [top, top + 1]
        merged.append(f"G{top}:J{top}")
        for letter in "ABCDEFK":
            merged.append(f"{letter}{top}:{letter}{top + 1}")
    else:
        grid.append(headers)
        header_rows = [len(grid)]
    if layout.column_numbers:
        grid.append([f"({i + 1})" for i in range(width)])
    placed: dict[int, Org] = {}
    date_cells = []
    sequence = list(range(len(orgs))) + list(layout.repeat)
    for n, index in enumerate(sequence):
        org = orgs[index]
        tax: object = org.tax_code or ""
        if org.tax_code and layout.numeric_tax:
            tax = int(org.tax_code.replace("-", ""))
        elif org.tax_code and layout.hyphenless:
            tax = org.tax_code.replace("-", "")
        if layout.dates == "date":
            date: object = org.established_on
        elif layout.dates == "serial":
            date = float((org.established_on - dt.date(1899, 12, 30)).days)
        else:
            date = org.established_on.strftime("%d/%m/%Y")
        grid.append([n + 1, _text(org.name, layout, rng), tax, date, _text(org.address, layout, rng),
                     _text(org.area_name, layout, rng), _text(org.rep_name, layout, rng), org.rep_id_number,
                     org.rep_phone, org.rep_email, _text(org.status_text, layout, rng)])
        placed[len(grid)] = org
        if layout.dates == "date":
            date_cells.append((len(grid), 4))
        if layout.blank_every and (n + 1) % layout.blank_every == 0:
            grid.append([""] * width)
    if layout.footer:
        grid.append(["", "Tổng cộng: " + str(len(sequence)) + " doanh nghiệp"])
        grid.append([])
        grid.append(["", "", "", "", "", "", "", "An Giang, ngày 05 tháng 01 năm 2025"])
        grid.append(["", "Người lập biểu", "", "", "", "", "", "GIÁM ĐỐC"])
    return Built(grid=grid, rows=placed, header_rows=header_rows, merged=merged, date_cells=date_cells)


# ---- writers ------------------------------------------------------------------------------------------
def write_xlsx(built: Built, path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for row in built.grid:
        ws.append([None if c == "" else c for c in row] if row else [])
    for r, c in built.date_cells:
        ws.cell(row=r, column=c).number_format = "dd/mm/yyyy"
    for rng in built.merged:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def write_csv(built: Built, path: Path, *, encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in built.grid:
        writer.writerow([_csv_cell(c) for c in row])
    text = buffer.getvalue()
    path.write_bytes(encode_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 (Vietnamese ANSI): letters with a tone mark are written as letter + combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in [m for m in marks if m in "\u0302\u0306\u031b"]:  # circumflex, breve, horn: in the letter
            base = unicodedata.normalize("NFC", base + mark)
            marks.remove(mark)
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def _csv_cell(cell: object) -> str:
    if isinstance(cell, dt.date):
        return cell.strftime("%d/%m/%Y")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(xlsx: Path, fmt: str, outdir: Path) -> Path:
    """xlsx → xls/ods with LibreOffice headless (callers skip the test when ``soffice()`` is None)."""
    profile = outdir / "lo-profile"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(xlsx)], check=True, capture_output=True, timeout=180)
    out = outdir / (xlsx.stem + "." + fmt)
    if not out.exists():
        raise RuntimeError(f"LibreOffice did not produce {out}")
    return out


def write_big_xlsx(path: Path, n: int, seed: int = 5) -> Path:
    """A plain 10-column list of ``n`` organizations (xlsxwriter, constant memory) for benchmarks."""
    import xlsxwriter

    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["DANH SÁCH DOANH NGHIỆP"])
    sheet.write_row(2, 0, ["Tên doanh nghiệp", "Mã số thuế", "Ngày thành lập", "Địa chỉ trụ sở", "Xã/Phường",
                           "Người đại diện theo pháp luật", "Số CCCD", "Điện thoại", "Email", "Tình trạng"])
    last = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
    middle = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quốc"]
    first = ["An", "Bình", "Cường", "Dũng", "Hạnh", "Hương", "Lộc", "Phúc", "Quý", "Sơn", "Tâm", "Ưng", "Yến"]
    seen = set()
    row = 3
    while row < n + 3:
        code = make_tax_code(rng, branch=rng.random() < 0.05)
        if code in seen:
            continue
        seen.add(code)
        area_code, area_name = AREAS[row % len(AREAS)]
        rep = f"{rng.choice(last)} {rng.choice(middle)} {rng.choice(first)}"
        sheet.write_string(row, 0, f"{rng.choice(_FORMS)} {rng.choice(_TRADES)} {rep} {row}")
        if rng.random() < 0.5 and "-" not in code:
            sheet.write_number(row, 1, int(code))
        else:
            sheet.write_string(row, 1, code)
        sheet.write_datetime(row, 2, dt.datetime(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 8700)), date_format)
        sheet.write_string(row, 3, f"Số {rng.randint(1, 300)} đường Trần Hưng Đạo, {area_name}, tỉnh An Giang")
        sheet.write_string(row, 4, area_name)
        sheet.write_string(row, 5, rep)
        sheet.write_string(row, 6, rng.choice(ID_PREFIXES) + f"{rng.randint(0, 3)}{rng.randint(0, 99999999):08d}")
        sheet.write_string(row, 7, "09" + f"{rng.randint(0, 99999999):08d}")
        sheet.write_string(row, 8, f"lienhe{row}@gmail.com")
        sheet.write_string(row, 9, rng.choice(["Đang hoạt động", "Tạm ngừng kinh doanh", "Đã giải thể"]))
        row += 1
    workbook.close()
    return path


def add_areas(store) -> None:
    from models.registry.units import upsert_areas

    upsert_areas(store, [{"code": c, "name": n} for c, n in AREAS])
