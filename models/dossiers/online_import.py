"""Importing the lists of online dossiers (VNeID app, vneid.gov.vn) that the province forwards.

- Reads xlsx/xls/ods/csv with the shared reader ``models.tabular`` (encodings, separators, damaged
  files are handled there).
- Finds the header row (within the first 15 rows) and maps columns by their folded Vietnamese names
  (``HEADER_SYNONYMS``), or by an explicit ``mapping`` {field: header text}.
- Validates each row; a bad row is rejected with "tệp, dòng, cột: lý do" and the others go on.
- One transaction: everything or nothing (Cancel rolls back).
- Idempotent: a row whose online file number (``online_ref``) is already in the database is compared
  with the dossier and counted *unchanged*, or *updated* (declared data, channel, time) while the
  dossier is still open. Without an online number, a row with the same tax code (or name), time and
  channel as an existing dossier is *unchanged*.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from models import tabular
from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.progress import Progress
from models.core.store import Store
from models.dossiers import records as dossiers
from models.dossiers.states import OPEN_STATUSES
from models.registry import divisions
from models.registry.importing.analysis import FooterScan
from models.registry.organizations import GROUPS, find_by_tax_code
from models.text.identifiers import check_tax_code
from models.text.normalize import clean, fold
from models.text.vn_format import thousands
from models.text.vn_parse import parse_datetime

FIELDS = ("online_ref", "received_at", "channel", "grp", *dossiers.DECLARED_FIELDS, "area_name", "notes")
FIELD_LABELS = {
    "online_ref": "Số hồ sơ trực tuyến", "received_at": "Thời điểm nộp", "channel": "Kênh nộp", "grp": "Nhóm",
    "area_name": "Xã/phường", "notes": "Ghi chú", **dossiers.DECLARED_LABELS,
}
HEADER_SYNONYMS = {
    "online_ref": ["so ho so", "ma ho so", "so ho so truc tuyen", "ma ho so truc tuyen", "ma hs", "so hs",
                   "online ref", "ma ho so vneid"],
    "received_at": ["ngay nop", "thoi gian nop", "thoi diem nop", "ngay gio nop", "ngay tiep nhan",
                    "thoi gian tiep nhan", "ngay nop ho so", "received at"],
    "channel": ["kenh", "kenh nop", "hinh thuc nop", "kenh tiep nhan", "nguon nop"],
    "grp": ["nhom", "nhom to chuc", "loai to chuc", "loai hinh"],
    "name": ["ten to chuc", "ten doanh nghiep", "ten co quan to chuc", "ten co quan", "ten", "ten tieng viet",
             "ten to chuc doanh nghiep"],
    "short_name": ["ten viet tat"],
    "foreign_name": ["ten nuoc ngoai", "ten tieng anh", "ten giao dich nuoc ngoai"],
    "established_on": ["ngay thanh lap"],
    "address": ["dia chi", "dia chi tru so", "dia chi tru so chinh", "tru so chinh"],
    "area_code": ["ma xa", "ma phuong xa", "ma xa phuong", "ma dia ban", "ma dvhc"],
    "area_name": ["xa phuong", "phuong xa", "dia ban", "xa"],
    "tax_code": ["ma so thue", "mst", "ma so thue ma so doanh nghiep"],
    "enterprise_code": ["ma so doanh nghiep", "ma doanh nghiep"],
    "founding_decision": ["quyet dinh thanh lap", "so quyet dinh thanh lap", "giay phep thanh lap"],
    "rep_name": ["nguoi dai dien", "ho ten nguoi dai dien", "nguoi dai dien theo phap luat", "ho va ten",
                 "ho ten"],
    "rep_id_number": ["so dinh danh", "so cccd", "cccd", "so dinh danh ca nhan", "so cccd nguoi dai dien",
                      "so dinh danh nguoi dai dien", "so can cuoc"],
    "rep_phone": ["dien thoai", "so dien thoai", "sdt"],
    "rep_email": ["email", "thu dien tu", "e mail"],
    "notes": ["ghi chu"],
}
_SYNONYM_INDEX = {syn: f for f, syns in HEADER_SYNONYMS.items() for syn in syns}
CHANNEL_WORDS = [
    (("vneid gov vn", "cong", "web", "dich vu cong", "website"), "Cổng vneid.gov.vn"),
    (("ung dung", "app", "vneid"), "Ứng dụng VNeID"),
    (("truc tiep",), "Trực tiếp tại đơn vị"),
    (("luu dong",), "Tổ lưu động"),
]
DEFAULT_CHANNEL = "Ứng dụng VNeID"


@dataclass
class ImportResult:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None
    dossier_ids: list[int] = field(default_factory=list)

    def counts(self) -> dict:
        return {"read": self.read, "inserted": self.inserted, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": self.rejected}


# ---- reading ----------------------------------------------------------------------------------------
def read_table(path: str | Path) -> tabular.Table:
    """All rows of the first non-empty sheet (xlsx/xls/ods) or of a csv file (shared reader); the first
    row of the file is ``rows[0]`` (line 1)."""
    table = tabular.read_table(path)
    if not any(any(clean(c) for c in r) for r in table.rows):
        raise UserError(f"Tệp «{table.name}» không có dữ liệu")
    return table


# ---- mapping ------------------------------------------------------------------------------------------
def guess_mapping(headers: list) -> dict[str, int]:
    """field → column index, from folded header names (exact synonym first, then 'contains')."""
    mapping: dict[str, int] = {}
    folded = [fold(h) for h in headers]
    for i, h in enumerate(folded):
        f = _SYNONYM_INDEX.get(h)
        if f and f not in mapping:
            mapping[f] = i
    for i, h in enumerate(folded):
        if not h or i in mapping.values():
            continue
        for syn, f in sorted(_SYNONYM_INDEX.items(), key=lambda kv: -len(kv[0])):
            if f not in mapping and len(syn) > 4 and syn in h:
                mapping[f] = i
                break
    return mapping


def _find_header(rows: list[list], file_name: str) -> tuple[int, dict[str, int]]:
    best = (-1, {})
    for i, row in enumerate(rows[:15]):
        mapping = guess_mapping(row)
        if ("name" in mapping or "tax_code" in mapping) and len(mapping) > len(best[1]):
            best = (i, mapping)
    if best[0] < 0:
        raise UserError(f"Tệp «{file_name}»: không tìm thấy dòng tiêu đề trong 15 dòng đầu "
                        "(cần ít nhất cột «Tên tổ chức» hoặc «Mã số thuế»)")
    return best


def _explicit_mapping(headers: list, mapping: dict[str, str], file_name: str) -> dict[str, int]:
    folded = [fold(h) for h in headers]
    out = {}
    for f, header in mapping.items():
        if f not in FIELDS:
            raise UserError(f"Trường «{f}» không nhập được")
        try:
            out[f] = folded.index(fold(header))
        except ValueError:
            raise UserError(f"Tệp «{file_name}»: không có cột «{header}»") from None
    return out


# ---- values -------------------------------------------------------------------------------------------
def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return clean(value)


def _channel(value: str, known: list[str]) -> str | None:
    text = clean(value)
    if not text:
        return DEFAULT_CHANNEL
    if text in known:
        return text
    folded = fold(text)
    for c in known:
        if fold(c) == folded:
            return c
    for words, channel in CHANNEL_WORDS:
        if any(w in folded for w in words) and channel in known:
            return channel
    return None


def _group(value: str) -> int | None:
    text = fold(value)
    if not text:
        return None
    if text.isdigit() and int(text) in GROUPS:
        return int(text)
    for number, label in GROUPS.items():
        if fold(label) == text or fold(label).startswith(text):
            return number
    if "doanh nghiep" in text or "cong ty" in text:
        return 1
    if "hop tac xa" in text or text == "htx":
        return 2
    return -1


def _area_by_name(store: Store, name: str) -> str | None:
    folded = fold(name)
    if not folded:
        return None
    rows = store.query("SELECT code FROM areas WHERE name_fold = ?", (folded,))
    if not rows:  # "Vĩnh Lạc" for "Phường Vĩnh Lạc"
        candidates = [f"{prefix} {folded}" for prefix in ("phuong", "xa", "thi tran", "dac khu")]
        rows = store.query(f"SELECT code FROM areas WHERE name_fold IN ({','.join('?' * len(candidates))})",
                           candidates)
    return rows[0]["code"] if len(rows) == 1 else None


def _area_names(store: Store, codes: tuple[str, ...]) -> list[str]:
    names = {r["code"]: r["name"] for r in store.query(
        f"SELECT code, name FROM areas WHERE code IN ({','.join('?' * len(codes))})", codes)}
    return [names.get(c, c) for c in codes]


# ---- import ------------------------------------------------------------------------------------------
def import_file(store: Store, path: str | Path, *, mapping: dict[str, str] | None = None,
                progress: Progress | None = None, table: tabular.Table | None = None) -> ImportResult:
    """Import the dossiers of ``path``; ``table`` is the file already read by ``read_table`` (the CLI reads
    it before opening the database, so that an unreadable file leaves nothing behind)."""
    require(store, "dossier.import")
    path = Path(path)
    table = table if table is not None else read_table(path)
    rows = table.rows
    if mapping:
        header_index = 0
        while header_index < len(rows) and not any(clean(c) for c in rows[header_index]):
            header_index += 1
        columns = _explicit_mapping(rows[header_index] if rows else [], mapping, table.name)
    else:
        header_index, columns = _find_header(rows, table.name)
    headers = rows[header_index]
    result = ImportResult()
    known_channels = dossiers.channels(store)
    seen_refs: dict[str, int] = {}
    data_rows = [(header_index + 2 + i, r) for i, r in enumerate(rows[header_index + 1:])]
    total = len(data_rows)
    footer = FooterScan(columns.get("tax_code"))  # totals, place and date, the signer's block
    with store.atomic():
        now = store.now_iso()
        for done, (line, raw) in enumerate(data_rows, start=1):
            if progress is not None and (done % 50 == 0 or done == total):
                progress.update(done, total, f"Đang nhập dòng {line}")
            values = {f: _cell_text(raw[i]) if i < len(raw) else "" for f, i in columns.items()}
            if not any(values.values()) or footer.skip(list(raw)):
                continue
            result.read += 1

            def where(f: str | None, _line=line) -> str:
                if f is None:
                    return f"Tệp {table.name}, dòng {_line}"
                col = columns.get(f)
                name = clean(headers[col]) if col is not None and col < len(headers) else FIELD_LABELS.get(f, f)
                letter = f" ({tabular.column_letter(col)})" if col is not None else ""
                return f"Tệp {table.name}, dòng {_line}, cột «{name}»{letter}"

            try:
                outcome = _import_row(store, values, known_channels, seen_refs, line, where, result)
            except UserError as exc:
                result.rejected += 1
                result.errors.append(str(exc))
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
        if not result.read:
            raise UserError(f"Tệp «{table.name}»: không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {header_index + 1})")
        if not (result.inserted or result.updated or result.unchanged):
            # Every row refused: the file changed nothing, so it leaves no trace (no imports row, no audit).
            result.warnings.append(f"Tệp «{table.name}»: không dòng nào hợp lệ ({thousands(result.rejected)} dòng bị loại), "
                                   "không nhập gì")
            return result
        # The bookkeeping is written in the same transaction as the dossiers.
        result.import_id = store.execute(
            "INSERT INTO imports(kind, file_name, file_sha256, sheet_name, officer_id, started_at, finished_at, counts) "
            "VALUES ('dossiers', ?, ?, ?, ?, ?, ?, ?)",
            (table.name, hashlib.sha256(path.read_bytes()).hexdigest(), table.sheet_name, store.actor.id, now,
             store.now_iso(), json.dumps(result.counts())),
        ).lastrowid
        store.audit("dossier.import_file", "import", result.import_id, detail={
            "file": table.name, **result.counts()})
        store.notify(Table.DOSSIERS, Kind.BULK)
    return result


def _import_row(store: Store, values: dict, known_channels: list[str], seen_refs: dict, line: int, where,
                result: ImportResult) -> str:
    online_ref = clean(values.get("online_ref")) or None
    if online_ref:
        if online_ref in seen_refs:
            raise UserError(f"{where('online_ref')}: số hồ sơ {online_ref} lặp lại dòng {seen_refs[online_ref]}")
        seen_refs[online_ref] = line
    declared = {k: values.get(k) for k in dossiers.DECLARED_FIELDS if values.get(k)}
    if not declared.get("name") and not declared.get("tax_code"):
        raise UserError(f"{where('name')}: thiếu cả tên tổ chức và mã số thuế")
    if declared.get("tax_code"):
        checked = check_tax_code(declared["tax_code"])
        if not checked.ok:
            raise UserError(f"{where('tax_code')}: {checked.error}")
        declared["tax_code"] = checked.value
    if not declared.get("area_code") and values.get("area_name"):
        code = _area_by_name(store, values["area_name"])
        if code:
            declared["area_code"] = code
        else:  # a commune of before 1/7/2025: the official conversion (models/registry/divisions.py)
            conversion = divisions.convert_for_store(store, values["area_name"])
            if conversion is not None:
                declared["area_code"] = conversion.candidates[0]
                names = ", ".join(f"«{n}»" for n in _area_names(store, conversion.candidates))
                result.warnings.append(
                    f"{where('area_name')}: «{values['area_name']}» là địa bàn cũ ({conversion.old_label}), "
                    + (f"nay chia cho {names}: tạm ghi xã, phường đầu, sửa trong hồ sơ nếu khác"
                       if conversion.needs_choice else f"nay là {names}"))
    received_raw = values.get("received_at")
    if not received_raw:
        raise UserError(f"{where('received_at')}: thiếu thời điểm nộp hồ sơ")
    try:
        received = parse_datetime(received_raw)
    except UserError as exc:
        raise UserError(f"{where('received_at')}: {exc}") from None
    if received > store.now():
        raise UserError(f"{where('received_at')}: thời điểm nộp {received_raw} ở tương lai")
    channel = _channel(values.get("channel", ""), known_channels)
    if channel is None:
        raise UserError(f"{where('channel')}: kênh «{values['channel']}» không có trong danh mục "
                        + ", ".join(known_channels))
    grp = _group(values.get("grp", ""))
    if grp == -1:
        raise UserError(f"{where('grp')}: nhóm «{values['grp']}» không rõ (1, 2, 3 hoặc 4)")
    notes = clean(values.get("notes")) or None
    normalized = dossiers.normalize_declared(declared)
    received_text = received.isoformat(sep=" ", timespec="seconds")

    existing = None
    if online_ref:
        existing = store.query_one("SELECT * FROM dossiers WHERE online_ref = ?", (online_ref,))
    else:
        key_sql, key = (("tax_code = ?", normalized["tax_code"]) if normalized.get("tax_code")
                        else ("json_extract(declared, '$.name') = ?", normalized.get("name")))
        existing = store.query_one(
            f"SELECT * FROM dossiers WHERE {key_sql} AND received_at = ? AND channel = ? LIMIT 1",
            (key, received_text, channel))
    if existing is not None:
        old_declared = json.loads(existing["declared"])
        merged = {**old_declared, **normalized}
        same = (merged == old_declared and existing["channel"] == channel
                and existing["received_at"] == received_text)
        if same:
            return "unchanged"
        if existing["status"] not in OPEN_STATUSES:
            result.warnings.append(f"{where(None)}: hồ sơ {existing['number']} đã kết thúc, không cập nhật")
            return "unchanged"
        dossiers.update(store, existing["id"], {"declared": normalized, "channel": channel,
                                                "received_at": received_text},
                        expected_version=existing["version"])
        return "updated"
    if grp is None and normalized.get("tax_code"):
        if find_by_tax_code(store, normalized["tax_code"]) is None:
            grp = 1
            result.warnings.append(f"{where(None)}: tổ chức mới có MST, không ghi nhóm: xếp nhóm 1 (doanh nghiệp)")
    dossier_id = dossiers.create(store, declared=normalized, channel=channel, grp=grp, received_at=received,
                                 notes=notes, online_ref=online_ref)
    result.dossier_ids.append(dossier_id)
    return "inserted"
