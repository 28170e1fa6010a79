"""The merging side: the province merges its units' sync workbooks, and a unit's lead desk merges the
files of the unit's other desks the same way (docs/sync.md).

Several desks of one unit each keep their own database (SQLite's WAL needs every program that opens a file
on one machine: no shared file on a network drive). Each desk is a sub-unit: its own unit code (e.g.
``CAP-RG-B2``) under the unit's name as parent body, and it exports the ordinary sync workbook (same format).
The lead desk (setting ``sync.lead_desk``, ``set_lead_desk``) merges those files exactly as the province
merges units' — its own file too, so that its consolidated report is the whole unit's.

Each file is read and verified (``models.sync.reader``) and then merged in its own transaction: a
refused file changes nothing and does not stop the others. Rules, in order:

* the desk must be a provincial unit (``units.kind = 'province'``) or a unit's lead desk;
* a province does not merge its own file;
* a file identical to one already merged (same SHA-256) → ``unchanged``: nothing to do;
* a file of a unit whose sequence number is lower than (or equal to, with other content) the newest file
  already merged from that unit → ``refused`` (it is older: the newer data stays);
* an incremental file continuing from an export the province never merged → ``refused`` (gap);
* otherwise ``accepted``: rows are upserted by UUID (``inserted``/``updated``/``unchanged`` counted), each
  row remembering the file it last came from; the unit's open verification requests are replaced by the
  file's list; the summary lines are kept per file; the unit's previous files become ``superseded``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from models.core.changes import Kind, Table
from models.core.errors import Cancelled, UserError
from models.core.permissions import require
from models.core.progress import Progress
from models.core.store import Store
from models.reports.period import due_datetime, get_settings, unit_id
from models.security import record_chain
from models.sync import keys
from models.sync.format import (
    CITIZEN_COLUMNS,
    CITIZEN_SHEET,
    CITIZEN_TOTAL,
    DOSSIER_COLUMNS,
    DOSSIER_SHEET,
    ORG_COLUMNS,
    ORG_SHEET,
    SESSION_COLUMNS,
    SESSION_SHEET,
    SUMMARY_SHEET,
    VERIFICATION_COLUMNS,
    VERIFICATION_SHEET,
    signed_payload,
)
from models.sync.read_worker import read_ahead
from models.sync.reader import SyncFile, read_sync_file
from models.text.normalize import clean
from models.text.vn_format import date_text, thousands

log = logging.getLogger(__name__)

ACCEPTED, REFUSED, UNCHANGED = "accepted", "refused", "unchanged"
STATUS_LABELS = {ACCEPTED: "Đã tổng hợp", REFUSED: "Từ chối", UNCHANGED: "Đã có, không đổi"}

_DOSSIER_KEYS = [c.key for c in DOSSIER_COLUMNS if c.key != "uuid"]
_ORG_KEYS = [c.key for c in ORG_COLUMNS if c.key != "uuid"]
_VERIFICATION_KEYS = [c.key for c in VERIFICATION_COLUMNS if c.key != "uuid"]


@dataclass
class MergeResult:
    file: str
    status: str  # accepted | refused | unchanged
    reason: str = ""
    inserted: int = 0  # dossier rows (HoSo); per sheet in ``sheets``
    updated: int = 0
    unchanged: int = 0
    unit_code: str | None = None
    unit_name: str | None = None
    sequence: int | None = None
    period_end: str | None = None
    file_id: int | None = None
    late: bool = False
    sheets: dict[str, dict[str, int]] = field(default_factory=dict)
    unsigned: bool = False  # a 1.x file merged because the desk accepted unsigned files
    # why a refused file could still be merged if the leader accepts it: 'unsigned' (a 1.x file; merge again
    # with ``accept_unsigned``) or 'gap' (files ``missing`` [first, last] never arrived; ``skip_gap_reason``)
    problem: str | None = None
    missing: list[int] | None = None

    def to_dict(self) -> dict:
        return asdict(self)


LEAD_DESK_SETTING = "sync.lead_desk"


def is_province(store: Store) -> bool:
    """Whether the unit using the program is a province desk (it merges the units' files)."""
    uid = unit_id(store)
    return bool(uid) and store.scalar("SELECT kind FROM units WHERE id = ?", (uid,)) == "province"


def is_lead_desk(store: Store) -> bool:
    """Whether this desk is its unit's lead desk (it merges the files of the unit's other desks)."""
    return bool(store.get_setting(LEAD_DESK_SETTING, False))


def can_merge(store: Store) -> bool:
    """Whether this desk merges other desks' or units' files: a province desk or a unit's lead desk."""
    return is_province(store) or is_lead_desk(store)


def set_lead_desk(store: Store, lead: bool) -> bool:
    """Make this desk its unit's lead desk (or an ordinary one again); False when it already was."""
    require(store, "unit.manage")
    if bool(lead) == is_lead_desk(store):
        return False
    if lead and not unit_id(store):
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình; hãy khai báo đơn vị trước khi đặt bàn chính.")
    store.set_setting(LEAD_DESK_SETTING, bool(lead))  # audited, and the screens hear Table.SETTINGS
    return True


def require_merging_desk(store: Store) -> dict:
    """The unit using the program, when it may merge files (``can_merge``); else a ``UserError``."""
    uid = unit_id(store)
    unit = store.query_one("SELECT * FROM units WHERE id = ?", (uid,)) if uid else None
    if not unit or not (unit["kind"] == "province" or is_lead_desk(store)):
        raise UserError("Chỉ đơn vị cấp tỉnh, hoặc bàn chính của một đơn vị có nhiều bàn tiếp nhận, mới tổng hợp "
                        "tệp đồng bộ. Đơn vị sử dụng chương trình này chưa được khai báo là đơn vị cấp tỉnh, và máy "
                        "này chưa được đặt là bàn chính (lệnh lead-desk hoặc trang Đồng bộ).")
    return unit


require_province = require_merging_desk  # the earlier name, kept for its callers


def merge_files(store: Store, paths: Iterable[str | Path], *, password: str | None = None,
                progress: Progress | None = None, workers: int | None = None,
                accept_unsigned: bool = False, skip_gap_reason: str | None = None) -> list[MergeResult]:
    """Merge every file; one result per file, in the order given. Only ``Cancelled`` stops the batch
    (the file being merged is rolled back; files already merged stay merged).

    Reading and verifying a workbook is CPU-bound and independent of the database, so with several
    files it runs ahead in helper processes (``models.sync.read_worker``; ``workers``, default: the CPU
    count) while this process merges; the merging itself stays in order on this connection.
    """
    require(store, "sync.merge")
    province = require_merging_desk(store)
    paths = [Path(p) for p in paths]
    results = []
    reader = read_ahead(paths, password, workers)
    try:
        for index, (path, sync, error, bug) in enumerate(reader):
            if progress is not None:
                progress.update(index, len(paths), f"Đang tổng hợp tệp {path.name} ({index + 1}/{len(paths)})…",
                                force=True)
            results.append(merge_file(store, path, password=password, province=province,
                                      accept_unsigned=accept_unsigned, skip_gap_reason=skip_gap_reason,
                                      _read=(sync, error, bug)))
    finally:
        reader.close()
    if progress is not None:
        progress.update(len(paths), len(paths), "Đã tổng hợp xong.", force=True)
    return results


def merge_file(store: Store, path: str | Path, *, password: str | None = None,
               province: dict | None = None, accept_unsigned: bool = False, skip_gap_reason: str | None = None,
               _read: tuple | None = None) -> MergeResult:
    """Merge one file. ``accept_unsigned``: the officer explicitly accepts 1.x (unsigned) files from the
    declared units (audited on each such file); otherwise they are refused. ``skip_gap_reason``: when files
    are missing before this one, the leader accepts them as lost for this reason (``skip_gap``, audited)."""
    require(store, "sync.merge")
    province = province or require_merging_desk(store)
    path = Path(path)
    result = MergeResult(file=path.name, status=REFUSED)
    try:
        if _read is None:
            sync = read_sync_file(path, password)
        else:
            sync, error, bug = _read
            if bug is not None:
                raise RuntimeError(bug.strip().splitlines()[-1])
            if error is not None:
                raise error
        result.unit_code = sync.info["unit_code"]
        result.unit_name = sync.info["unit_name"]
        result.sequence = sync.info["sequence"]
        result.period_end = sync.info["period_end"]
        with store.atomic():  # the audit line is part of the merge: a refused file writes nothing at all
            _merge(store, sync, province, result, accept_unsigned, skip_gap_reason)
            store.audit("sync.merge", "sync_file", result.file_id, detail={
                "file": str(path), "status": result.status, "reason": result.reason or None,
                "unit": result.unit_code, "sequence": result.sequence, "inserted": result.inserted,
                "updated": result.updated, **({"unsigned": True} if result.unsigned else {})})
    except Cancelled:
        raise
    except UserError as exc:
        result.status, result.reason = REFUSED, str(exc)
        result.inserted = result.updated = result.unchanged = 0
        result.sheets = {}
        result.file_id = None
        result.unsigned = False
    except Exception as exc:  # a bug must not stop the other files: logged with its traceback, file refused
        log.exception("Merging %s failed%s", path, f"; in the reader process:\n{_read[2]}" if _read and _read[2] else "")
        result.status = REFUSED
        result.reason = (f"Tệp «{path.name}»: lỗi không mong muốn khi tổng hợp ({type(exc).__name__}: {exc}); "
                         "không có gì thay đổi.")
        result.inserted = result.updated = result.unchanged = 0
        result.sheets = {}
        result.file_id = None
    return result


MAX_SEQUENCE = 1_000_000  # a unit exporting every hour for a century stays far below


def _merge(store: Store, sync: SyncFile, province: dict, result: MergeResult, accept_unsigned: bool,
           skip_gap_reason: str | None = None) -> None:
    info = sync.info
    label = sync.name
    code = info["unit_code"]
    sequence = info["sequence"]
    if code == province["code"] and province["kind"] == "province":
        raise UserError(f"Tệp «{label}» là tệp của chính đơn vị này ({code}), không tổng hợp.")
    unit = store.query_one("SELECT * FROM remote_units WHERE code = ?", (code,))
    own = keys.own_key(store) if code == province["code"] else None  # a lead desk merges its own file too
    _check_signer(store, sync, unit, accept_unsigned, result, own)
    same = store.query_one(
        "SELECT f.*, u.name AS unit_name FROM sync_files f JOIN remote_units u ON u.code = f.unit_code "
        "WHERE f.sha256 = ?", (sync.sha256,))
    if same:
        result.status = UNCHANGED
        result.file_id = same["id"]
        result.reason = (f"Tệp này đã được tổng hợp lúc {_dt(same['received_at'])} (tệp số {same['sequence']} "
                         f"của {same['unit_name']}, tên tệp «{same['file_name']}»); không có gì thay đổi.")
        return
    last = unit["last_sequence"] if unit else None
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise UserError(f"Tệp «{label}» mang số thứ tự {sequence}, không hợp lệ (từ 1 đến {thousands(MAX_SEQUENCE)}): "
                        "không tổng hợp.")
    if last is not None and sequence > last + 1 and not _gap_skipped(store, code, last + 1, sequence - 1):
        if skip_gap_reason is not None:
            skip_gap(store, code, sequence - 1, skip_gap_reason)
        else:
            result.problem, result.missing = "gap", [last + 1, sequence - 1]
            missing = f"tệp số {last + 1}" if sequence == last + 2 else f"các tệp số {last + 1} đến {sequence - 1}"
            raise UserError(
                f"Tệp «{label}» mang số {sequence} của đơn vị {info['unit_name']}, nhưng tệp tỉnh tổng hợp gần nhất "
                f"của đơn vị là số {last}: thiếu {missing}. Không tổng hợp; đề nghị đơn vị gửi {missing} trước. Nếu "
                f"{missing} đã mất hẳn, chỉ huy có thể chấp nhận bỏ qua (nêu lý do; lệnh merge --skip-gap --reason).")
    if last is not None and sequence <= last:
        newest = store.query_one("SELECT * FROM sync_files WHERE unit_code = ? AND sequence = ?", (code, last))
        if sequence == last:
            raise UserError(
                f"Tệp «{label}» mang số {sequence} của đơn vị {info['unit_name']}, nhưng tỉnh đã tổng hợp một tệp số "
                f"{last} khác («{newest['file_name']}», lúc {_dt(newest['received_at'])}). Hai tệp cùng số mà khác "
                "nội dung: đề nghị đơn vị kiểm tra và xuất tệp mới.")
        raise UserError(
            f"Tệp «{label}» (số {sequence}, lập lúc {_dt(info['generated_at'])}) có số nhỏ hơn tệp số {last} của "
            f"đơn vị {info['unit_name']} đã tổng hợp lúc {_dt(newest['received_at'])}: tệp cũ, không tổng hợp.")
    if info["export_kind"] == "incremental":
        base = info.get("base_sequence")
        has_base = base is not None and store.scalar(
            "SELECT 1 FROM sync_files WHERE unit_code = ? AND sequence = ?", (code, base))
        if not has_base:
            raise UserError(
                f"Tệp «{label}» chỉ gồm thay đổi kể từ tệp số {base} của đơn vị {info['unit_name']}, nhưng tỉnh "
                "chưa tổng hợp tệp đó: thiếu dữ liệu. Đề nghị đơn vị xuất tệp đầy đủ (--full).")
        _check_continuity(store, sync, code, base)

    _check_foreign_uuids(store, sync, code)
    now = store.now_iso()
    settings = get_settings(store)
    due = due_datetime(dt.date.fromisoformat(info["period_end"]), settings)
    late = info["generated_at"] > due.isoformat(sep=" ", timespec="seconds")
    if unit is None:
        store.execute("INSERT INTO remote_units(code, name, parent_name, declared, created_at, updated_at)"
                      " VALUES (?,?,?,0,?,?)", (code, info["unit_name"], info.get("parent_name"), now, now))
    file_id = store.execute(
        "INSERT INTO sync_files(file_name, unit_code, period_start, period_end, sequence, base_sequence,"
        " export_kind, format_version, generated_at, officer, sha256, received_at, merged_by, due_at, late,"
        " changes_after, changes_through) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (label, code, info["period_start"], info["period_end"], sequence, info.get("base_sequence"),
         info["export_kind"], info["format_version"], info["generated_at"], info.get("officer"), sync.sha256,
         now, store.actor.id, due.isoformat(sep=" ", timespec="seconds"), 1 if late else 0,
         info.get("changes_after"), info.get("changes_through")),
    ).lastrowid
    result.file_id = file_id
    result.late = late

    dossiers = _upsert(store, "remote_dossiers", _DOSSIER_KEYS, sync.records[DOSSIER_SHEET], code, file_id, label,
                       DOSSIER_SHEET)
    orgs = _upsert(store, "remote_orgs", _ORG_KEYS, sync.records[ORG_SHEET], code, file_id, label, ORG_SHEET)
    verifications = _replace_verifications(store, sync.records[VERIFICATION_SHEET], code, file_id)
    _store_summary(store, sync.records[SUMMARY_SHEET], file_id)
    _check_summary(store, sync, code)
    citizens = _store_citizens(store, sync, code, file_id)
    result.sheets = {DOSSIER_SHEET: dossiers, ORG_SHEET: orgs, VERIFICATION_SHEET: verifications, **citizens}
    result.inserted, result.updated, result.unchanged = dossiers["inserted"], dossiers["updated"], dossiers["unchanged"]

    store.execute("UPDATE sync_files SET status = 'superseded', reason = ? WHERE unit_code = ? AND id <> ? "
                  "AND status = 'accepted'", (f"Thay bằng tệp số {sequence} («{label}»)", code, file_id))
    store.execute("UPDATE sync_files SET counts = ? WHERE id = ?", (json.dumps(result.sheets), file_id))
    store.execute("UPDATE remote_units SET name = ?, parent_name = COALESCE(?, parent_name), last_sequence = ?,"
                  " last_file_id = ?, active = 1, updated_at = ? WHERE code = ?",
                  (info["unit_name"], info.get("parent_name"), sequence, file_id, now, code))
    chain_warning = record_chain.compare_heads(unit, info)  # the unit's record rewritten since its last file?
    if info.get("record_seq") is not None:
        store.execute("UPDATE remote_units SET record_seq = ?, record_hash = ?, record_warning = ? WHERE code = ?",
                      (info["record_seq"], info.get("record_hash"), chain_warning, code))
    result.status = ACCEPTED
    result.reason = (f"Đã tổng hợp tệp số {sequence} của {info['unit_name']} "
                     f"(kỳ {date_text(info['period_start'])}–"
                     f"{date_text(info['period_end'])}"
                     + (", gửi muộn" if late else "") + ")."
                     + (f" Cảnh báo: {chain_warning}." if chain_warning else ""))
    store.notify(Table.SYNC_FILES, Kind.INSERT, (file_id,))
    store.notify(Table.REMOTE_DOSSIERS, Kind.UPDATE, ())


def _check_signer(store: Store, sync: SyncFile, unit: dict | None, accept_unsigned: bool,
                  result: MergeResult, own: keys.KeyInfo | None = None) -> None:
    """The file was signed by the key registered for its unit (2.x; ``own``: this desk's own file, signed by
    its own key), or it is an unsigned 1.x file of a declared unit that the officer chose to accept; else
    ``UserError``."""
    label, code, name = sync.name, sync.info["unit_code"], sync.info["unit_name"]
    if not sync.signed_format:
        if not accept_unsigned:
            result.problem = "unsigned"
            raise UserError(
                f"Tệp «{label}» theo định dạng phiên bản {sync.version[0]}.{sync.version[1]}, chưa ký: không có gì "
                f"bảo đảm tệp do đơn vị {code} lập và chưa bị sửa. Không tổng hợp; đề nghị đơn vị cập nhật chương "
                "trình và xuất lại. Nếu vẫn chấp nhận tệp chưa ký, hãy tổng hợp lại với lựa chọn «chấp nhận tệp "
                "chưa ký» (--accept-unsigned).")
        if unit is None and own is None:
            raise UserError(f"Tệp «{label}» (chưa ký) là của đơn vị {code} ({name}), đơn vị chưa được khai báo với "
                            "tỉnh: không tổng hợp.")
        require(store, "sync.override")
        result.unsigned = True
        store.audit("sync.accept_unsigned", "remote_unit", code, detail={
            "file": label, "unit": code, "unit_name": name, "sequence": sync.info["sequence"],
            "format_version": f"{sync.version[0]}.{sync.version[1]}", "sha256": sync.sha256})
        return
    public_key = own.public_key if own is not None else (unit["public_key"] if unit else None)
    if not public_key:
        raise UserError(
            f"Tệp «{label}» là của đơn vị {code} ({name}), nhưng đơn vị này chưa được đăng ký khoá ký với tỉnh: "
            "không tổng hợp. Hãy nhận tệp khoá của đơn vị (lệnh sync-key --export), đối chiếu dấu vân tay qua "
            "điện thoại rồi đăng ký (lệnh sync-register).")
    signature = sync.signature or ""
    if not signature:
        raise UserError(f"Tệp «{label}» thiếu chữ ký số (trang ThongTin, dòng signature): không tổng hợp.")
    if not keys.verify(public_key, signed_payload(code, sync.info["sequence"], sync.sha256), signature):
        stated = sync.info.get("key_fingerprint")
        registered = keys.fingerprint(public_key)
        why = (f" Tệp ghi khoá có dấu vân tay {stated}, khác khoá đã đăng ký của đơn vị ({registered})."
               if stated and stated != registered else "")
        raise UserError(
            f"Tệp «{label}»: chữ ký số không hợp lệ — tệp đã bị sửa sau khi ký, hoặc không do đơn vị {code} "
            f"({name}) ký.{why} Không tổng hợp; đề nghị đơn vị xuất và gửi lại tệp gốc.")


def _check_continuity(store: Store, sync: SyncFile, code: str, base: int) -> None:
    """An incremental 2.1 file sends the changes numbered after its base file's counter (docs/sync.md#incremental-exports):
    the ranges must join, else changes in between are missing."""
    after = sync.info.get("changes_after")
    through = store.scalar("SELECT changes_through FROM sync_files WHERE unit_code = ? AND sequence = ?", (code, base))
    if after is None or through is None or after == through:
        return
    raise UserError(
        f"Tệp «{sync.name}» gồm các thay đổi sau số đếm {thousands(after)} của đơn vị {code}, nhưng tệp gốc số {base} "
        f"đã tổng hợp dừng ở số đếm {thousands(through)}: các thay đổi ở giữa bị thiếu. Không tổng hợp; đề nghị đơn "
        "vị xuất tệp đầy đủ (--full).")


def _check_foreign_uuids(store: Store, sync: SyncFile, code: str) -> None:
    """A dossier's or organization's UUID is unique across all units: a file reusing another unit's UUIDs
    (a desk started from a copy of another's database, or a forged file) is refused, never merged over them."""
    for table, sheet, what in (("remote_dossiers", DOSSIER_SHEET, "hồ sơ"), ("remote_orgs", ORG_SHEET, "tổ chức")):
        uuids = json.dumps([r[0] for r in sync.records[sheet]])
        row = store.query_one(
            f"SELECT COUNT(*) AS n, MIN(unit_code) AS other FROM {table} WHERE unit_code <> ? AND uuid IN "
            "(SELECT value FROM json_each(?))", (code, uuids))
        if row["n"]:
            raise UserError(
                f"Tệp «{sync.name}» của đơn vị {code}: {thousands(row['n'])} {what} (trang {sheet}) mang mã định danh "
                f"(UUID) đã thuộc đơn vị {row['other']}. Mã định danh là duy nhất giữa các đơn vị: có thể máy của "
                "đơn vị được lập từ bản sao cơ sở dữ liệu của đơn vị khác. Không tổng hợp; hãy liên hệ đơn vị.")


def _check_summary(store: Store, sync: SyncFile, code: str) -> None:
    """TongHop must agree with itself and with the dossiers: each total line is the sum of its rows, the two
    tables have the same totals, and no more accounts are counted than the unit's dossiers (merged so far,
    this file included) show as issued. Raises ``UserError`` (the merge is rolled back)."""
    label = sync.name
    sections: dict[str, tuple[list[tuple], tuple | None]] = {}
    for row in sync.records[SUMMARY_SHEET]:
        section, key = row[0], row[1]
        rows, total = sections.get(section, ([], None))
        if key == "total":
            total = row
        else:
            rows.append(row)
        sections[section] = (rows, total)
    fields = ((3, "Trong kỳ"), (4, "Luỹ kế"), (7, "Còn lại"))
    totals = {}
    for section, (rows, total) in sections.items():
        if total is None:
            raise UserError(f"Tệp «{label}», trang {SUMMARY_SHEET}: phần «{section}» thiếu dòng tổng cộng.")
        for i, name in fields:
            parts = [r[i] for r in rows if r[i] is not None]
            if total[i] is not None and total[i] != sum(parts):
                raise UserError(
                    f"Tệp «{label}», trang {SUMMARY_SHEET}, phần «{section}»: cột «{name}» của dòng tổng cộng là "
                    f"{thousands(total[i])}, các dòng cộng lại là {thousands(sum(parts))}. Không tổng hợp.")
        totals[section] = total
    if len(totals) > 1:
        for i, name in fields[:2]:
            values = {t[i] or 0 for t in totals.values()}
            if len(values) > 1:
                raise UserError(f"Tệp «{label}», trang {SUMMARY_SHEET}: cột «{name}» có tổng khác nhau giữa các "
                                f"phần ({', '.join(thousands(v) for v in sorted(values))}). Không tổng hợp.")
    start, end = sync.info["period_start"], sync.info["period_end"]
    issued, in_period = store.query_one(
        "SELECT COUNT(*) AS a, COUNT(CASE WHEN d >= ? THEN 1 END) AS b FROM (SELECT COALESCE(issued_on, activated_on)"
        " AS d FROM remote_dossiers WHERE unit_code = ? AND status NOT IN ('cancelled')) WHERE d IS NOT NULL"
        " AND d <= ?", (start, code, end)).values()
    for total in totals.values():
        if (total[4] or 0) > issued or (total[3] or 0) > in_period:
            raise UserError(
                f"Tệp «{label}», trang {SUMMARY_SHEET}: báo cáo {thousands(total[4] or 0)} tài khoản luỹ kế "
                f"({thousands(total[3] or 0)} trong kỳ), nhưng trang {DOSSIER_SHEET} (cùng các tệp trước của đơn vị) "
                f"chỉ có {thousands(issued)} hồ sơ đã cấp tài khoản đến cuối kỳ ({thousands(in_period)} trong kỳ). "
                "Số liệu tổng hợp không khớp hồ sơ: không tổng hợp.")


def _upsert(store: Store, table: str, keys: list[str], records: list[tuple], code: str, file_id: int,
            label: str, sheet: str) -> dict[str, int]:
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    if not records:
        return counts
    existing: dict[str, tuple] = {}
    cols = ", ".join(keys)
    if store.scalar(f"SELECT 1 FROM {table} WHERE unit_code = ? LIMIT 1", (code,)):
        uuids = [r[0] for r in records]
        for start in range(0, len(uuids), 5000):
            chunk = json.dumps(uuids[start:start + 5000])
            for row in store.execute(
                    f"SELECT uuid, {cols} FROM {table} WHERE unit_code = ? AND uuid IN "
                    "(SELECT value FROM json_each(?))", (code, chunk)):
                existing[row[0]] = row[1:]
    inserts, updates = [], []
    seen = set()
    for n, record in enumerate(records, start=2):
        uid = record[0]
        if not uid:
            raise UserError(f"Tệp «{label}», trang {sheet}, dòng {n}: thiếu mã định danh (UUID).")
        if uid in seen:
            raise UserError(f"Tệp «{label}», trang {sheet}, dòng {n}: mã định danh {uid} lặp lại trong tệp.")
        seen.add(uid)
        values = record[1:]
        old = existing.get(uid)
        if old is None:
            inserts.append((uid, code, file_id, file_id, *values))
        elif old == values:
            counts["unchanged"] += 1
        else:
            updates.append((file_id, *values, code, uid))
    if inserts:
        marks = ", ".join("?" * (len(keys) + 4))
        store.conn.executemany(f"INSERT INTO {table}(uuid, unit_code, file_id, first_file_id, {cols}) VALUES ({marks})",
                               inserts)
    if updates:
        sets = ", ".join(f"{k} = ?" for k in keys)
        store.conn.executemany(f"UPDATE {table} SET file_id = ?, {sets} WHERE unit_code = ? AND uuid = ?", updates)
    counts["inserted"], counts["updated"] = len(inserts), len(updates)
    return counts


def _replace_verifications(store: Store, records: list[tuple], code: str, file_id: int) -> dict[str, int]:
    before = {row[0] for row in store.execute("SELECT uuid FROM remote_verifications WHERE unit_code = ?", (code,))}
    store.execute("DELETE FROM remote_verifications WHERE unit_code = ?", (code,))
    cols = ", ".join(_VERIFICATION_KEYS)
    marks = ", ".join("?" * (len(_VERIFICATION_KEYS) + 3))
    store.conn.executemany(
        f"INSERT INTO remote_verifications(uuid, unit_code, file_id, {cols}) VALUES ({marks})",
        [(r[0], code, file_id, *r[1:]) for r in records])
    now = {r[0] for r in records}
    return {"open": len(now), "new": len(now - before), "closed": len(before - now)}


def _store_summary(store: Store, records: list[tuple], file_id: int) -> None:
    """TongHop lines, in SUMMARY_COLUMNS order: section, code, name, this_week, cumulative, target, …"""
    store.conn.executemany(
        "INSERT INTO remote_summaries(file_id, row_no, section, code, name, this_week, cumulative, target, percent,"
        " remaining) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(file_id, n, *r) for n, r in enumerate(records, start=1)])


_CITIZEN_KEYS = [c.key for c in CITIZEN_COLUMNS]
_SESSION_KEYS = [c.key for c in SESSION_COLUMNS]


def _store_citizens(store: Store, sync: SyncFile, code: str, file_id: int) -> dict[str, dict[str, int]]:
    """CongDan and BuoiThuNhan (2.3): they replace the unit's lines for the file's week (an older file has
    none: the week then shows no citizens' figures for the unit)."""
    if sync.version < (2, 3):
        return {}
    week = sync.info["period_end"]
    figures, sessions = sync.records[CITIZEN_SHEET], sync.records[SESSION_SHEET]
    seen: set[str] = set()
    for n, row in enumerate(sessions, start=2):
        if not row[0]:
            raise UserError(f"Tệp «{sync.name}», trang {SESSION_SHEET}, dòng {n}: thiếu mã buổi thu nhận (UUID).")
        if row[0] in seen:
            raise UserError(f"Tệp «{sync.name}», trang {SESSION_SHEET}, dòng {n}: mã buổi thu nhận {row[0]} lặp lại "
                            "trong tệp.")
        seen.add(row[0])
    _check_citizens(sync)
    for table in ("remote_citizen_figures", "remote_sessions"):
        store.execute(f"DELETE FROM {table} WHERE unit_code = ? AND period_end = ?", (code, week))
    cols = ", ".join(_CITIZEN_KEYS)
    store.conn.executemany(
        f"INSERT INTO remote_citizen_figures(file_id, row_no, unit_code, period_end, {cols}) "
        f"VALUES ({', '.join('?' * (len(_CITIZEN_KEYS) + 4))})",
        [(file_id, n, code, week, *r) for n, r in enumerate(figures, start=1)])
    cols = ", ".join(_SESSION_KEYS)
    store.conn.executemany(
        f"INSERT INTO remote_sessions(file_id, unit_code, period_end, {cols}) "
        f"VALUES ({', '.join('?' * (len(_SESSION_KEYS) + 3))})",
        [(file_id, code, week, *r) for r in sessions])
    return {CITIZEN_SHEET: {"rows": len(figures)}, SESSION_SHEET: {"rows": len(sessions)}}


def _check_citizens(sync: SyncFile) -> None:
    """CongDan agrees with itself: every target has its total line, no count is negative, and the period's
    count is part of the cumulative (the writer takes it as a difference of two cumulatives)."""
    label, totals, targets = sync.name, set(), []
    for n, row in enumerate(sync.dicts(CITIZEN_SHEET), start=2):
        if row["target_label"] not in targets:
            targets.append(row["target_label"])
        if row["code"] == CITIZEN_TOTAL:
            totals.add(row["target_label"])
        cumulative, week = row["cumulative"] or 0, row["this_week"] or 0
        if cumulative < 0 or week < 0 or week > cumulative:
            raise UserError(
                f"Tệp «{label}», trang {CITIZEN_SHEET}, dòng {n}: «Trong kỳ» {thousands(week)}, «Luỹ kế» "
                f"{thousands(cumulative)} — số trong kỳ phải nằm trong luỹ kế. Không tổng hợp.")
    missing = [t for t in targets if t not in totals]
    if missing:
        raise UserError(f"Tệp «{label}», trang {CITIZEN_SHEET}: chỉ tiêu «{missing[0]}» thiếu dòng tổng cộng "
                        f"(Mã = {CITIZEN_TOTAL}). Không tổng hợp.")


def _gap_skipped(store: Store, code: str, first: int, last: int) -> bool:
    return bool(store.scalar("SELECT 1 FROM sync_gap_skips WHERE unit_code = ? AND from_sequence <= ? AND "
                             "to_sequence >= ?", (code, first, last)))


def skip_gap(store: Store, code: str, through: int, reason: str) -> dict:
    """The leader accepts that unit ``code``'s files after the last one merged, up to number ``through``, are
    lost for good (``reason`` required, audited): the next file may then follow them. Returns code, from, to."""
    require(store, "sync.override")
    require_merging_desk(store)
    reason = clean(reason or "")
    if not reason:
        raise UserError("Hãy nêu lý do bỏ qua các số tệp bị mất (ghi vào nhật ký).")
    unit = store.query_one("SELECT * FROM remote_units WHERE code = ?", ((code or "").strip(),))
    if unit is None:
        raise UserError(f"Không có đơn vị mã «{code}» trong danh sách đơn vị gửi tệp.")
    last = unit["last_sequence"]
    if last is None:
        raise UserError(f"Chưa tổng hợp tệp nào của đơn vị {unit['code']}: tệp đầu tiên không cần bỏ qua số nào.")
    first, through = last + 1, int(through)
    if through < first:
        raise UserError(f"Đơn vị {unit['code']} không thiếu tệp nào đến số {through} (đã tổng hợp đến tệp số {last}).")
    if through >= MAX_SEQUENCE:
        raise UserError(f"Số tệp {through} không hợp lệ.")
    with store.atomic():
        store.execute("INSERT INTO sync_gap_skips(unit_code, from_sequence, to_sequence, reason, officer_id, at)"
                      " VALUES (?,?,?,?,?,?)", (unit["code"], first, through, reason, store.actor.id, store.now_iso()))
        store.audit("sync.skip_gap", "remote_unit", unit["code"], detail={
            "unit": unit["code"], "from_sequence": first, "to_sequence": through, "reason": reason})
        store.notify(Table.REMOTE_UNITS, Kind.UPDATE, (unit["code"],))
    return {"code": unit["code"], "from": first, "to": through, "reason": reason}


def registered_units(store: Store) -> list[dict]:
    """The units whose files this desk accepts, with their key's fingerprint (None: no key registered yet)."""
    rows = store.query("SELECT code, name, declared, last_sequence, public_key, key_registered_at FROM remote_units "
                       "ORDER BY code")
    for row in rows:
        row["fingerprint"] = keys.fingerprint(row["public_key"]) if row["public_key"] else None
    return rows


def declare_unit(store: Store, code: str, name: str, parent_name: str | None = None) -> bool:
    """Add a unit the province expects files from (before it sent any); False if already known."""
    require(store, "sync.merge")
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise UserError("Hãy nhập mã và tên đơn vị.")
    if store.scalar("SELECT 1 FROM remote_units WHERE code = ?", (code,)):
        return False
    now = store.now_iso()
    with store.atomic():
        store.execute("INSERT INTO remote_units(code, name, parent_name, declared, created_at, updated_at)"
                      " VALUES (?,?,?,1,?,?)", (code, name, parent_name, now, now))
        store.audit("sync.declare_unit", "remote_unit", code, new={"code": code, "name": name})
        store.notify(Table.REMOTE_UNITS, Kind.INSERT, (code,))
    return True


def register_unit_key(store: Store, code: str, key_text: str, name: str | None = None) -> dict:
    """The merging desk accepts files from unit ``code`` signed by this key (a new unit, or a new key for a
    known one: audited with the old and new fingerprints). Returns code, name, fingerprint, changed."""
    require(store, "sync.register_key")
    require_merging_desk(store)
    code = (code or "").strip()
    if not code:
        raise UserError("Hãy nhập mã đơn vị.")
    key = keys.parse_key(key_text)
    if key.unit_code and key.unit_code != code:
        raise UserError(f"Tệp khoá là của đơn vị {key.unit_code}, không phải {code}: kiểm tra lại mã đơn vị.")
    if keys.own_key(store) is not None and keys.own_key(store).public_key == key.public_key:
        raise UserError("Đây là khoá của chính máy này, không phải khoá của đơn vị gửi tệp.")
    other = store.scalar("SELECT code FROM remote_units WHERE public_key = ? AND code <> ?", (key.public_key, code))
    if other:
        raise UserError(f"Khoá này đã được đăng ký cho đơn vị {other}; mỗi đơn vị (mỗi bàn) có khoá riêng.")
    unit = store.query_one("SELECT * FROM remote_units WHERE code = ?", (code,))
    name = (name or "").strip() or key.unit_name or (unit["name"] if unit else None)
    if not name:
        raise UserError(f"Đơn vị {code} chưa được khai báo: hãy nhập tên đơn vị (--name).")
    now = store.now_iso()
    if unit is not None and unit["public_key"] == key.public_key:
        return {"code": code, "name": unit["name"], "fingerprint": keys.fingerprint(key.public_key), "changed": False}
    with store.atomic():
        if unit is None:
            store.execute("INSERT INTO remote_units(code, name, declared, public_key, key_registered_at, created_at,"
                          " updated_at) VALUES (?,?,1,?,?,?,?)", (code, name, key.public_key, now, now, now))
        else:
            store.execute("UPDATE remote_units SET public_key = ?, key_registered_at = ?, updated_at = ? "
                          "WHERE code = ?", (key.public_key, now, now, code))
        store.audit("sync.register_key", "remote_unit", code, field="public_key",
                    old=keys.fingerprint(unit["public_key"]) if unit and unit["public_key"] else None,
                    new=keys.fingerprint(key.public_key))
        store.notify(Table.REMOTE_UNITS, Kind.UPDATE if unit else Kind.INSERT, (code,))
    return {"code": code, "name": name, "fingerprint": keys.fingerprint(key.public_key), "changed": True}


def _dt(iso: str | None) -> str:
    if not iso:
        return "?"
    return f"{iso[11:16]} {iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if len(iso) > 10 else f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"
