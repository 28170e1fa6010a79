"""Read and verify a sync workbook (docs/sync-format.md): decrypt, check version, checksum, row counts.

``read_sync_file`` either returns a ``SyncFile`` whose every value is known to be exactly what the unit
exported, or raises ``UserError`` with a Vietnamese message naming the file (and sheet/row/column when
it can). It never touches the database.
"""

from __future__ import annotations

import io
import operator
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from models.core.errors import UserError
from models.sync.format import (
    CHECKSUM_KEY,
    DATA_SHEETS,
    DATE,
    DATETIME,
    INFO_KEYS,
    INFO_SHEET,
    INT,
    LATER_SHEETS,
    MIN_SIGNED_MAJOR,
    NUM,
    REQUIRED_SHEETS,
    SHEET_COLUMNS,
    SIGNATURE_KEY,
    TEXT,
    Column,
    canonical_read_cell,
    check_version,
    combine_digests,
    iso_from_cell,
    sheet_digest,
)
from models.tabular.guard import check_workbook_extent
from models.text.vn_format import thousands

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_INFO_TYPES = {key: kind for key, _label, kind in INFO_KEYS}


@dataclass
class SyncFile:
    path: Path
    info: dict[str, Any]
    records: dict[str, list[tuple]]  # sheet name → rows as tuples in SHEET_COLUMNS order (dates ISO text)
    sha256: str
    encrypted: bool
    version: tuple[int, int]
    sheet_digests: dict[str, str] = field(default_factory=dict)
    signature: str | None = None  # hex; None in a 1.x file (unsigned)

    @property
    def signed_format(self) -> bool:
        return self.version[0] >= MIN_SIGNED_MAJOR

    @property
    def name(self) -> str:
        return self.path.name

    def dicts(self, sheet: str) -> list[dict]:
        keys = [c.key for c in SHEET_COLUMNS[sheet]]
        return [dict(zip(keys, row, strict=True)) for row in self.records[sheet]]


def read_sync_file(path: str | Path, password: str | None = None) -> SyncFile:
    path = Path(path)
    label = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"Không đọc được tệp «{label}»: {exc.strerror or exc}.") from exc
    encrypted = raw.startswith(OLE_MAGIC)
    if encrypted:
        raw = _decrypt(raw, password, label)
    elif not raw.startswith(ZIP_MAGIC):
        raise UserError(f"Tệp «{label}» không phải bảng tính Excel .xlsx (tệp đồng bộ phải do Sổ Định Danh xuất).")
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise UserError(f"Tệp «{label}» bị hỏng hoặc không đầy đủ (có thể bị cắt khi sao chép); "
                        "hãy đề nghị đơn vị gửi lại.")
    check_workbook_extent(io.BytesIO(raw), label)  # before calamine: it aborts on a sheet too large to hold
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        names = list(wb.sheet_names)
        grids = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in names}
    except (CalamineError, ValueError, OSError) as exc:
        raise UserError(f"Tệp «{label}» bị hỏng hoặc không đầy đủ, không đọc được: {exc}") from exc
    return _parse(path, grids, names, encrypted)


def _decrypt(raw: bytes, password: str | None, label: str) -> bytes:
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

    if not password:
        raise UserError(f"Tệp «{label}» được bảo vệ bằng mật khẩu: hãy nhập mật khẩu đơn vị gửi kèm (qua kênh khác).")
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(raw))
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    except InvalidKeyError:
        raise UserError(f"Mật khẩu không đúng cho tệp «{label}»: không mở được tệp. "
                        "Hãy hỏi lại đơn vị gửi mật khẩu.") from None
    except (DecryptionError, Exception) as exc:  # msoffcrypto raises assorted errors on damaged containers
        raise UserError(f"Tệp «{label}» được mã hoá nhưng bị hỏng, không giải mã được: {exc}") from exc
    return out.getvalue()


def _parse(path: Path, grids: dict[str, list[list]], names: list[str], encrypted: bool) -> SyncFile:
    label = path.name
    if INFO_SHEET not in grids:
        raise UserError(f"Tệp «{label}» không phải tệp đồng bộ của Sổ Định Danh: không có trang {INFO_SHEET}.")
    info_grid = grids[INFO_SHEET]
    info: dict[str, Any] = {}
    raw_info: dict[str, Any] = {}
    checksum_row = None
    signature_row = None
    for r, row in enumerate(info_grid[1:], start=2):
        if not row or row[0] in (None, ""):
            continue
        key = str(row[0])
        value = row[2] if len(row) > 2 else None
        raw_info[key] = value
        if key == CHECKSUM_KEY:
            checksum_row = r - 1
        elif key == SIGNATURE_KEY:
            signature_row = r - 1
    version = check_version(raw_info.get("format_version"), label)
    unhashed = {checksum_row}
    signature = None
    if version[0] >= MIN_SIGNED_MAJOR:
        signature = str(raw_info.get(SIGNATURE_KEY) or "").strip().lower() or None
        if signature_row is not None:
            unhashed.add(signature_row)
    stated = str(raw_info.get(CHECKSUM_KEY) or "").strip().lower()
    if checksum_row is None or len(stated) != 64:
        raise UserError(f"Tệp «{label}»: thiếu mã kiểm tra SHA-256 (trang {INFO_SHEET}, dòng {CHECKSUM_KEY}); "
                        "không thể biết tệp có bị sửa hay không nên không tổng hợp.")

    for name in DATA_SHEETS:  # a sheet added in a later minor version (2.3) is required from that version on
        if name not in grids and (name in REQUIRED_SHEETS or version >= LATER_SHEETS[name]):
            raise UserError(f"Tệp «{label}» thiếu trang {name}.")
    digests: dict[str, str] = {}
    records: dict[str, list[tuple]] = {name: [] for name in DATA_SHEETS if name not in grids}
    for name in names:
        grid = grids[name]
        if name == INFO_SHEET:
            grid = [row for i, row in enumerate(grid) if i not in unhashed]
            digests[name] = _digest(grid)
        elif name in SHEET_COLUMNS:
            digests[name], records[name] = _digest_and_records(grid, name, label)
        else:
            digests[name] = _digest(grid)
    actual = combine_digests([(name, digests[name]) for name in names])
    if actual != stated:
        changed = [n for n in names if n != INFO_SHEET and str(raw_info.get(f"sha256_{n}") or "") != digests[n]]
        where = f" (trang {', '.join(changed)} không khớp mã kiểm tra)" if changed else ""
        raise UserError(
            f"Tệp «{label}» đã bị sửa sau khi xuất{where}: nội dung không khớp mã kiểm tra SHA-256 ghi trong "
            "tệp. Không tổng hợp tệp này; hãy đề nghị đơn vị xuất và gửi lại tệp gốc."
        )

    for key, value in raw_info.items():
        if key == SIGNATURE_KEY:
            continue
        kind = _INFO_TYPES.get(key, TEXT)
        info[key] = _convert(value, kind, label, INFO_SHEET, key)
    for name in DATA_SHEETS:
        stated_rows = info.get(f"rows_{name}")
        if stated_rows is not None and stated_rows != len(records[name]):
            raise UserError(f"Tệp «{label}»: trang {name} có {thousands(len(records[name]))} dòng, "
                            f"trang {INFO_SHEET} ghi {thousands(stated_rows)} dòng; tệp không toàn vẹn.")
    for key in ("unit_code", "unit_name", "period_start", "period_end", "generated_at", "sequence", "export_kind"):
        if info.get(key) in (None, ""):
            raise UserError(f"Tệp «{label}»: trang {INFO_SHEET} thiếu «{key}».")
    if info["export_kind"] not in ("full", "incremental"):
        raise UserError(f"Tệp «{label}»: loại tệp «{info['export_kind']}» không hợp lệ (full/incremental).")
    return SyncFile(path, info, records, actual, encrypted, version, digests, signature)


def _digest(grid: list[list]) -> str:
    slow = canonical_read_cell
    return sheet_digest([[c if c.__class__ is str and c else slow(c) for c in row] for row in grid])


def _digest_and_records(grid: list[list], sheet: str, label: str) -> tuple[str, list[tuple]]:
    """One pass over a data sheet: its digest, and its records as tuples in ``SHEET_COLUMNS`` order.

    Values are taken from the canonical cells (the same values the checksum vouches for): text as is,
    numbers as int/float, dates as ISO text.
    """
    columns = SHEET_COLUMNS[sheet]
    if not grid:
        raise UserError(f"Tệp «{label}»: trang {sheet} trống, thiếu dòng tiêu đề.")
    header = [str(h).strip() if h is not None else "" for h in grid[0]]
    positions = []
    for col in columns:
        if col.header in header:
            positions.append(header.index(col.header))
        elif col.optional:
            positions.append(-1)  # a file of an earlier minor version: the column reads as empty
        else:
            raise UserError(f"Tệp «{label}»: trang {sheet} thiếu cột «{col.header}».")
    width = max(positions) + 1
    if -1 in positions:
        positions = [width if p == -1 else p for p in positions]
        width += 1
    pick = operator.itemgetter(*positions) if len(positions) > 1 else (lambda row: (row[positions[0]],))
    fixes = [(i, col) for i, col in enumerate(columns) if col.type in (DATE, DATETIME, NUM)]
    ints = [i for i, col in enumerate(columns) if col.type == INT]
    slow = canonical_read_cell
    canon_rows = [[c if c.__class__ is str and c else (None if c == "" else slow(c)) for c in row] for row in grid]
    digest = sheet_digest(canon_rows)
    end = len(canon_rows)
    while end > 1 and not any(c is not None for c in canon_rows[end - 1]):
        end -= 1
    out: list[tuple] = []
    append = out.append
    for r in range(1, end):
        canon = canon_rows[r]
        if len(canon) < width:
            canon.extend([None] * (width - len(canon)))
        values = pick(canon)
        if fixes:
            values = list(values)
            for i, col in fixes:
                v = values[i]
                if v is not None:
                    values[i] = _from_canonical(v, col, label, sheet, r + 1)
            for i in ints:
                v = values[i]
                if v is not None and v.__class__ is not int:
                    values[i] = _from_canonical(v, columns[i], label, sheet, r + 1)
            values = tuple(values)
        append(values)
    return digest, out


def _from_canonical(value: Any, col: Column, label: str, sheet: str, row: int) -> Any:
    kind = col.type
    cls = value.__class__
    if kind == DATE and cls is dict and "d" in value:
        return value["d"]
    if kind == DATETIME and cls is dict:
        if "t" in value:
            return value["t"].replace("T", " ")
        return value["d"] + " 00:00:00"
    if kind == INT and cls is int:
        return value
    if kind == NUM and cls in (int, float):
        return float(value)
    raise UserError(f"Tệp «{label}», trang {sheet}, dòng {row}, cột «{col.header}»: giá trị «{_show(value)}» "
                    "không đúng kiểu.")


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return next(iter(value.values()))
    return str(value)


def _convert(value: Any, kind: str, label: str, sheet: str, key: str, row: int | None = None) -> Any:
    if value is None or value == "":
        return None
    where = f"trang {sheet}" + (f", dòng {row}" if row else "") + f", cột/khoá «{key}»"
    try:
        if kind in (DATE, DATETIME):
            return iso_from_cell(value, kind)
        if kind == INT:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(value)
            return int(value)
        if kind == NUM:
            return float(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    except (TypeError, ValueError):
        raise UserError(f"Tệp «{label}», {where}: giá trị «{value}» không đúng kiểu.") from None
