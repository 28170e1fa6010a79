"""The sync workbook format (docs/sync-format.md): sheets, columns, cell types, version rules and the
content checksum shared by the writer (``exporters/sync_workbook.py``) and the reader
(``models/sync/reader.py``).

The checksum is computed over *cell values*, never over the file's bytes, so that it does not depend on
how the zip container was written, yet detects any change to a value, a type, a header or a row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from models.core.errors import UserError
from models.text.vn_parse import EXCEL_EPOCH

FORMAT_VERSION = "2.3"  # 2.0: signed (issue 14); 2.1: change counter range; 2.2: citizens' dossiers (issue 15);
# 2.3: citizens' figures (CongDan) and mobile sessions (BuoiThuNhan) (issue 16); 1.x read as unsigned
FORMAT_MAJOR, FORMAT_MINOR = (int(p) for p in FORMAT_VERSION.split("."))

INFO_SHEET = "ThongTin"
SUMMARY_SHEET = "TongHop"
DOSSIER_SHEET = "HoSo"
ORG_SHEET = "ToChuc"
VERIFICATION_SHEET = "XacMinh"
CITIZEN_SHEET = "CongDan"  # 2.3
SESSION_SHEET = "BuoiThuNhan"  # 2.3
REQUIRED_SHEETS = (SUMMARY_SHEET, DOSSIER_SHEET, ORG_SHEET, VERIFICATION_SHEET)  # in every file since 1.0
LATER_SHEETS = {CITIZEN_SHEET: (2, 3), SESSION_SHEET: (2, 3)}  # sheet → the version that added it
DATA_SHEETS = (*REQUIRED_SHEETS, CITIZEN_SHEET, SESSION_SHEET)
SHEET_ORDER = (INFO_SHEET, *DATA_SHEETS)

# Cell types: text (number format '@'), int, date (dd/mm/yyyy), datetime (dd/mm/yyyy hh:mm:ss).
TEXT, INT, NUM, DATE, DATETIME = "text", "int", "num", "date", "datetime"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: str
    width: int = 14
    optional: bool = False  # added in a minor version: a file written before it may lack the column


@dataclass
class SheetData:
    """One data sheet's content as plain rows (the unit's export collects it, the writer lays it out)."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]  # one value per column: str | int | float | ISO date/datetime text | None
    expected: int = 0  # for progress only


DOSSIER_COLUMNS = (
    Column("uuid", "Mã định danh hồ sơ (UUID)", TEXT, 38),
    Column("number", "Số hồ sơ", TEXT, 16),
    Column("subject_type", "Loại chủ thể", TEXT, 12),
    Column("tax_code", "Mã số thuế", TEXT, 16),
    Column("org_uuid", "Mã định danh tổ chức (UUID)", TEXT, 38),
    Column("org_name", "Tên tổ chức", TEXT, 40),
    Column("grp", "Nhóm", INT, 7),
    Column("area_code", "Mã địa bàn", TEXT, 11),
    Column("channel", "Kênh tiếp nhận", TEXT, 13),
    Column("status", "Trạng thái", TEXT, 16),
    Column("received_at", "Thời điểm tiếp nhận", DATETIME, 19),
    Column("received_on", "Ngày tiếp nhận", DATE, 12),
    Column("verified_on", "Ngày xác minh xong", DATE, 12),
    Column("issued_on", "Ngày cấp tài khoản", DATE, 12),
    Column("activated_on", "Ngày kích hoạt", DATE, 12),
    Column("refused_on", "Ngày từ chối", DATE, 12),
    Column("cancelled_on", "Ngày huỷ", DATE, 12),
    Column("due_date", "Hạn giải quyết", DATE, 12),
    Column("officer", "Cán bộ tiếp nhận", TEXT, 24),
    Column("online_ref", "Mã hồ sơ trực tuyến", TEXT, 20),
    Column("refusal_reason", "Lý do từ chối", TEXT, 30),
    Column("updated_at", "Cập nhật lúc", DATETIME, 19),
    # 2.2: a citizen's level-2 dossier (subject_type 'person'): who, the ID card, the mobile session, sent on.
    Column("person_id_number", "Số định danh công dân", TEXT, 15, optional=True),
    Column("person_name", "Họ tên công dân", TEXT, 24, optional=True),
    Column("person_birth_date", "Ngày sinh công dân", DATE, 12, optional=True),
    Column("id_card_valid", "Thẻ căn cước còn hiệu lực (1/0)", INT, 9, optional=True),
    Column("session_uuid", "Mã buổi thu nhận (UUID)", TEXT, 38, optional=True),
    Column("sent_on", "Ngày chuyển hệ thống quốc gia", DATE, 12, optional=True),
)

ORG_COLUMNS = (
    Column("uuid", "Mã định danh tổ chức (UUID)", TEXT, 38),
    Column("tax_code", "Mã số thuế", TEXT, 16),
    Column("enterprise_code", "Mã số doanh nghiệp", TEXT, 16),
    Column("name", "Tên tổ chức", TEXT, 40),
    Column("short_name", "Tên viết tắt", TEXT, 18),
    Column("foreign_name", "Tên nước ngoài", TEXT, 24),
    Column("grp", "Nhóm", INT, 7),
    Column("area_code", "Mã địa bàn", TEXT, 11),
    Column("status", "Tình trạng hoạt động", TEXT, 14),
    Column("address", "Địa chỉ trụ sở chính", TEXT, 40),
    Column("established_on", "Ngày thành lập", DATE, 12),
    Column("founding_decision", "Quyết định thành lập", TEXT, 22),
    Column("head_name", "Người đứng đầu", TEXT, 24),
    Column("rep_name", "Người đại diện theo pháp luật", TEXT, 24),
    Column("rep_id_number", "Số định danh người đại diện", TEXT, 15),
    Column("rep_phone", "Điện thoại", TEXT, 13),
    Column("rep_email", "Thư điện tử", TEXT, 24),
    Column("updated_at", "Cập nhật lúc", DATETIME, 19),
)

VERIFICATION_COLUMNS = (
    Column("uuid", "Mã định danh yêu cầu (UUID)", TEXT, 38),
    Column("dossier_uuid", "Mã định danh hồ sơ (UUID)", TEXT, 38),
    Column("to_unit", "Gửi đơn vị", TEXT, 30),
    Column("sent_on", "Ngày gửi", DATE, 12),
    Column("method", "Hình thức", TEXT, 14),
    Column("due_on", "Hạn trả lời", DATE, 12),
    Column("note", "Ghi chú", TEXT, 30),
    Column("officer", "Cán bộ gửi", TEXT, 24),
)

# TongHop: the weekly report's FigureRow lines (models.reports.weekly), groups then areas.
SUMMARY_COLUMNS = (
    Column("section", "Phần", TEXT, 9),
    Column("code", "Mã", TEXT, 10),
    Column("name", "Tên", TEXT, 34),
    Column("this_week", "Trong kỳ", INT, 10),
    Column("cumulative", "Luỹ kế", INT, 10),
    Column("target", "Chỉ tiêu", INT, 10),
    Column("percent", "Tỷ lệ (%)", NUM, 10),
    Column("remaining", "Còn lại", INT, 10),
)
SECTION_GROUPS, SECTION_AREAS = "nhom", "diaban"

# CongDan (2.3): the citizens' campaign figures as of the period's end, from
# ``models.campaigns.citizen_progress`` (one definition): per target, its communes, then its total line.
CITIZEN_COLUMNS = (
    Column("target_label", "Chỉ tiêu (nội dung)", TEXT, 40),
    Column("measure", "Chỉ số", TEXT, 10),  # level1 | level2 | activated | portal
    Column("scope", "Phạm vi", TEXT, 11),  # all | communes | towns | agencies | enterprises
    Column("since", "Tính từ", TEXT, 9),  # all | campaign | phase
    Column("code", "Mã", TEXT, 10),  # commune area code, or 'total'
    Column("name", "Tên", TEXT, 30),
    Column("target", "Chỉ tiêu", INT, 10),
    Column("cumulative", "Luỹ kế", INT, 10),
    Column("this_week", "Trong kỳ", INT, 10),
    Column("percent", "Tỷ lệ (%)", NUM, 10),
    Column("remaining", "Còn lại", INT, 10),
)
CITIZEN_TOTAL = "total"
MEASURE_CODES = ("level1", "level2", "activated", "portal")

# BuoiThuNhan (2.3): the unit's mobile intake sessions held up to the period's end, with their results
# (``models.people.sessions``: dossiers logged at the session, cancelled ones left out).
SESSION_COLUMNS = (
    Column("uuid", "Mã buổi thu nhận (UUID)", TEXT, 38),
    Column("held_on", "Ngày thu nhận", DATE, 12),
    Column("status", "Trạng thái", TEXT, 10),  # planned | held | cancelled
    Column("area_code", "Mã địa bàn", TEXT, 11),
    Column("target", "Xã, phường / cơ quan", TEXT, 34),
    Column("place", "Địa điểm", TEXT, 30),
    Column("expected", "Dự kiến", INT, 9),
    Column("received", "Đã nhận", INT, 9),
    Column("issued", "Đã cấp", INT, 9),
    Column("refused", "Từ chối", INT, 9),
)

SHEET_COLUMNS = {
    SUMMARY_SHEET: SUMMARY_COLUMNS,
    DOSSIER_SHEET: DOSSIER_COLUMNS,
    ORG_SHEET: ORG_COLUMNS,
    VERIFICATION_SHEET: VERIFICATION_COLUMNS,
    CITIZEN_SHEET: CITIZEN_COLUMNS,
    SESSION_SHEET: SESSION_COLUMNS,
}

INFO_COLUMNS = (
    Column("key", "Khoá", TEXT, 16),
    Column("label", "Nội dung", TEXT, 34),
    Column("value", "Giá trị", TEXT, 66),
)

# ThongTin rows, in order: key, Vietnamese label, value type.
INFO_KEYS = (
    ("format_version", "Phiên bản định dạng tệp", TEXT),
    ("app_version", "Phiên bản chương trình", TEXT),
    ("unit_code", "Mã đơn vị", TEXT),
    ("unit_name", "Tên đơn vị", TEXT),
    ("parent_name", "Cơ quan cấp trên", TEXT),
    ("period_start", "Kỳ báo cáo từ ngày", DATE),
    ("period_end", "Kỳ báo cáo đến ngày", DATE),
    ("generated_at", "Thời điểm lập tệp", DATETIME),
    ("officer", "Cán bộ lập tệp", TEXT),
    ("export_kind", "Loại tệp (full: đầy đủ, incremental: gia tăng)", TEXT),
    ("sequence", "Số thứ tự tệp của đơn vị", INT),
    ("base_sequence", "Gia tăng so với tệp số (đã được tỉnh xác nhận)", INT),
    ("changed_since", "Gồm thay đổi từ thời điểm", DATETIME),
    ("changes_after", "Gồm thay đổi sau số đếm thay đổi (của tệp gốc)", INT),
    ("changes_through", "Số đếm thay đổi của đơn vị lúc lập tệp", INT),
    ("rows_TongHop", "Số dòng trang TongHop", INT),
    ("rows_HoSo", "Số dòng trang HoSo", INT),
    ("rows_ToChuc", "Số dòng trang ToChuc", INT),
    ("rows_XacMinh", "Số dòng trang XacMinh", INT),
    ("sha256_TongHop", "SHA-256 trang TongHop", TEXT),
    ("sha256_HoSo", "SHA-256 trang HoSo", TEXT),
    ("sha256_ToChuc", "SHA-256 trang ToChuc", TEXT),
    ("sha256_XacMinh", "SHA-256 trang XacMinh", TEXT),
    ("citizen_campaign", "Kế hoạch cho công dân (trang CongDan)", TEXT),
    ("rows_CongDan", "Số dòng trang CongDan", INT),
    ("rows_BuoiThuNhan", "Số dòng trang BuoiThuNhan", INT),
    ("sha256_CongDan", "SHA-256 trang CongDan", TEXT),
    ("sha256_BuoiThuNhan", "SHA-256 trang BuoiThuNhan", TEXT),
    ("key_fingerprint", "Dấu vân tay khoá ký của đơn vị", TEXT),
    ("record_seq", "Chuỗi băm hồ sơ lưu trữ: mục mới nhất", INT),
    ("record_hash", "Chuỗi băm hồ sơ lưu trữ: mã băm mục mới nhất", TEXT),
    ("record_prev_seq", "Chuỗi băm: mục mới nhất của tệp trước", INT),
    ("record_prev_hash", "Chuỗi băm: mã băm hiện tại của mục đó", TEXT),
    ("sha256", "SHA-256 toàn bộ nội dung", TEXT),
    ("signature", "Chữ ký số Ed25519 (mã đơn vị, số tệp, SHA-256)", TEXT),
)
CHECKSUM_KEY = "sha256"
SIGNATURE_KEY = "signature"
UNHASHED_KEYS = (CHECKSUM_KEY, SIGNATURE_KEY)  # ThongTin rows left out of the checksum (they hold its result)
MIN_SIGNED_MAJOR = 2  # files of an older major version carry no signature
SIGNED_PREFIX = "SoDinhDanh sync file 2"


def signed_payload(unit_code: str, sequence: int, sha256: str) -> bytes:
    """The bytes a 2.x file's ``signature`` signs: the unit, the file's number and its checksum (which covers
    every cell, ThongTin included); docs/sync-format.md, "Signature"."""
    return f"{SIGNED_PREFIX}\nunit_code:{unit_code}\nsequence:{int(sequence)}\nsha256:{sha256}\n".encode()

DOSSIER_STATUSES = ("received", "sent", "verifying", "needs_papers", "waiting_locality", "verified", "issued",
                    "activated", "refused", "cancelled")


# ---- canonical cell values -------------------------------------------------------------------------
def canonical_cell(value: Any) -> Any:
    """The JSON value a cell contributes to the checksum (see docs/sync-format.md, "Checksum")."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.datetime):
        value = _round_second(value)
        if value.time() == dt.time(0, 0):
            return {"d": value.date().isoformat()}
        return {"t": value.isoformat(timespec="seconds")}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    raise UserError(f"Ô có kiểu dữ liệu không được phép trong tệp đồng bộ: {type(value).__name__} ({value!r})")


def _round_second(value: dt.datetime) -> dt.datetime:
    if value.microsecond >= 500_000:
        value = value + dt.timedelta(seconds=1)
    return value.replace(microsecond=0, tzinfo=None)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def strip_row(cells: list) -> list:
    """A canonical row without its trailing empty cells."""
    if cells and cells[-1] is None:
        end = len(cells)
        while end and cells[end - 1] is None:
            end -= 1
        return cells[:end]
    return cells


def canonical_read_cell(value: Any) -> Any:
    """``canonical_cell`` for a value read back from a workbook, fast paths first."""
    if value == "":
        return None
    cls = value.__class__
    if cls is float:
        return int(value) if value.is_integer() else value
    if cls is dt.date:
        return {"d": value.isoformat()}
    if cls is dt.datetime and not value.microsecond:
        if value.hour or value.minute or value.second:
            return {"t": value.isoformat()}
        return {"d": value.date().isoformat()}
    return canonical_cell(value)


class SheetHasher:
    """SHA-256 of the compact JSON array of a sheet's canonical rows (header first), fed row by row or
    many rows at a time, so the writer can stream while the reader encodes whole sheets in C.

    Empty rows are held back so that trailing empty rows do not count (a re-save may add or drop them).
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._rows = 0
        self._pending_empty = 0

    def add_canonical(self, cells: list) -> None:
        self.add_many([cells])

    def add_many(self, rows: list[list]) -> None:
        """Add canonical rows (trailing empty cells may still be present)."""
        rows = [strip_row(r) for r in rows]
        last = len(rows)
        while last and not rows[last - 1]:
            last -= 1
        if last == 0:
            self._pending_empty += len(rows)
            return
        chunk = rows[:last]
        if self._pending_empty:
            chunk = [[]] * self._pending_empty + chunk
            self._pending_empty = 0
        text = _ENCODER.encode(chunk)[1:-1]
        self._hash.update((("," if self._rows else "[") + text).encode("utf-8"))
        self._rows += len(chunk)
        self._pending_empty = len(rows) - last

    def add_values(self, values: list) -> None:
        self.add_canonical([canonical_cell(v) for v in values])

    def hexdigest(self) -> str:
        h = self._hash.copy()
        h.update(b"]" if self._rows else b"[]")
        return h.hexdigest()


def sheet_digest(rows: list[list]) -> str:
    """Digest of a whole sheet's canonical rows at once (what ``SheetHasher`` computes incrementally)."""
    hasher = SheetHasher()
    hasher.add_many(rows)
    return hasher.hexdigest()


def combine_digests(sheet_digests: list[tuple[str, str]]) -> str:
    """The workbook checksum: SHA-256 over "name:sheet-digest\\n" lines in workbook order."""
    h = hashlib.sha256()
    for name, digest in sheet_digests:
        h.update(f"{name}:{digest}\n".encode())
    return h.hexdigest()


# ---- conversions ---------------------------------------------------------------------------------
def excel_serial(iso: str) -> float:
    """'2025-01-09' or '2025-01-09 09:30:00' → Excel serial day number (1900 date system)."""
    day = dt.date.fromisoformat(iso[:10])
    serial = (day - EXCEL_EPOCH).days
    if len(iso) > 10:
        t = iso[11:19]
        serial += (int(t[0:2]) * 3600 + int(t[3:5]) * 60 + int(t[6:8] or 0)) / 86400
    return serial


def iso_from_cell(value: Any, kind: str) -> str | None:
    """A date/datetime cell read back → the ISO text the database stores."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = _round_second(value)
        return value.date().isoformat() if kind == DATE else value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat() if kind == DATE else f"{value.isoformat()} 00:00:00"
    raise ValueError(f"không phải ngày tháng: {value!r}")


def check_version(version: Any, file_label: str) -> tuple[int, int]:
    """Accept 1.x (unsigned: the merge decides) and 2.x (unknown minor additions are ignored); refuse a newer
    major with a clear message."""
    text = str(version or "").strip()
    try:
        major, minor = (int(p) for p in text.split("."))
    except ValueError:
        raise UserError(f"Tệp «{file_label}»: không đọc được phiên bản định dạng «{text}» "
                        "(trang ThongTin, dòng format_version).") from None
    if major > FORMAT_MAJOR:
        raise UserError(
            f"Tệp «{file_label}» theo định dạng phiên bản {text}, mới hơn phiên bản {FORMAT_MAJOR}.x mà "
            "chương trình này hiểu. Hãy cập nhật chương trình lên bản mới rồi tổng hợp lại."
        )
    if major < 1:
        raise UserError(f"Tệp «{file_label}» theo định dạng phiên bản {text}, cũ hơn và không còn được hỗ trợ.")
    return major, minor
