"""The national system's result lists: organization accounts issued or activated (issue 13 item 3).

Accounts are approved in the national system; the unit receives lists of the organizations whose account
was issued or activated (tax code or the organization's identifier, account date, status). Importing one:

- reads it with the guarded reader (``models.tabular``), finds the header row within the first 15 rows by
  the folded Vietnamese column names (``HEADER_SYNONYMS``), skips signer/footer rows under the table;
- matches each row to the registry by tax code (a lost leading zero restored), else by the account
  identifier recorded by an earlier list, else by the enterprise code;
- records the organization's account in ``org_accounts`` (status never lowered: an older "issued" list
  read after an "activated" one changes nothing), whether or not the unit holds a dossier for it;
- moves the organization's dossier still at the desk (open, or issued when the account is now activated)
  to the matching state, with its history: one ``dossier_events`` row per step, dated with the account
  date, reason ``NATIONAL_REASON``. The national system is itself the authority for the approval, so the
  move needs ``results.import`` (leaders) rather than the desk's approval of an issue; blocking findings of
  the desk's own checks do not stop it (the account exists);
- lists, never creates, organizations that are not in the registry (*unknown*); a row that cannot be read
  (tax code, date or status) is *rejected* with "tệp, dòng, cột: lý do";
- is idempotent: the same list read twice changes nothing the second time (*unchanged*);
- one transaction; ``dry_run`` does everything, reports what would change and rolls it back.
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
from models.dossiers.states import OPEN_STATUSES, STATUSES
from models.dossiers.status import MOVE_COLUMNS, lapse_open_proposal, write_row
from models.registry.importing.analysis import FooterScan
from models.registry.importing.values import cell_text
from models.text.identifiers import check_tax_code
from models.text.normalize import clean, fold
from models.text.vn_parse import parse_date

PERMISSION = "results.import"
# Recorded as the reason of every move the import makes: who decided is the national system.
NATIONAL_REASON = "theo danh sách hệ thống quốc gia"
ACCOUNT_STATES = ("issued", "activated")
_RANK = {None: 0, "issued": 1, "activated": 2}

FIELDS = ("tax_code", "account_id", "name", "issued_on", "activated_on", "account_date", "status")
FIELD_LABELS = {
    "tax_code": "Mã số thuế", "account_id": "Mã định danh tổ chức", "name": "Tên tổ chức",
    "issued_on": "Ngày cấp", "activated_on": "Ngày kích hoạt", "account_date": "Ngày tài khoản",
    "status": "Trạng thái",
}
HEADER_SYNONYMS = {
    "tax_code": ["ma so thue", "mst", "ma so thue ma so doanh nghiep", "ma so doanh nghiep", "ma so thue to chuc",
                 "ma so thue doanh nghiep"],
    "account_id": ["ma dinh danh", "ma dinh danh to chuc", "so dinh danh to chuc", "ma dinh danh dien tu",
                   "tai khoan", "tai khoan dinh danh", "ma tai khoan", "so tai khoan", "ten dang nhap"],
    "name": ["ten to chuc", "ten doanh nghiep", "ten co quan to chuc", "ten co quan", "ten", "ten don vi"],
    "issued_on": ["ngay cap", "ngay cap tai khoan", "ngay duyet", "ngay phe duyet", "ngay tao tai khoan",
                  "ngay tao"],
    "activated_on": ["ngay kich hoat", "thoi gian kich hoat", "ngay kich hoat tai khoan"],
    "account_date": ["ngay", "thoi gian", "ngay cap nhat"],
    "status": ["trang thai", "tinh trang", "trang thai tai khoan", "ket qua", "tinh trang tai khoan"],
}
_SYNONYM_INDEX = {syn: f for f, syns in HEADER_SYNONYMS.items() for syn in syns}
# Folded status words → state; checked in order (the negative forms first).
STATUS_WORDS = (
    (("chua kich hoat", "cho kich hoat", "chua active"), "issued"),
    (("da kich hoat", "kich hoat", "dang hoat dong", "hoat dong", "activated", "active"), "activated"),
    (("da cap", "cap tai khoan", "da duyet", "phe duyet", "thanh cong", "issued"), "issued"),
)


@dataclass
class Change:
    """One row that matched: what the import does (or would do) to the organization and its dossier."""

    line: int
    org_id: int | None
    name: str
    tax_code: str | None
    account_status: str
    dossier_number: str | None = None
    dossier_from: str | None = None
    dossier_to: str | None = None
    account_from: str | None = None
    account_written: bool = False

    @property
    def changed(self) -> bool:
        return self.dossier_to is not None or self.account_written

    def describe(self) -> str:
        """One Vietnamese line for the preview."""
        who = self.name or self.tax_code or ""
        if self.dossier_to:
            return (f"{who}: hồ sơ {self.dossier_number} «{STATUSES[self.dossier_from]}» → "
                    f"«{STATUSES[self.dossier_to]}»")
        where = (f"hồ sơ {self.dossier_number} đã ở trạng thái này" if self.dossier_number
                 else "không có hồ sơ đang xử lý tại đơn vị")
        return f"{who}: ghi nhận tài khoản «{STATUSES[self.account_status]}» ({where})"


@dataclass
class Unknown:
    line: int
    tax_code: str | None
    account_id: str | None
    name: str

    def describe(self) -> str:
        key = self.tax_code or self.account_id or ""
        return f"{self.name or '(không tên)'} {key} — không có trong sổ tổ chức, không tự thêm".replace("  ", " ")


@dataclass
class ResultsImport:
    file_name: str = ""
    dry_run: bool = False
    read: int = 0
    matched: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    import_id: int | None = None

    def counts(self) -> dict:
        return {"read": self.read, "matched": self.matched, "updated": self.updated,
                "unchanged": self.unchanged, "unknown": self.unknown, "rejected": self.rejected}


class _DryRunDone(Exception):
    """Raised inside the transaction to roll a dry run back."""


# ---- reading ----------------------------------------------------------------------------------------
def read_table(path: str | Path) -> tabular.Table:
    table = tabular.read_table(path)
    if not any(any(clean(c) for c in r) for r in table.rows):
        raise UserError(f"Tệp «{table.name}» không có dữ liệu")
    return table


def guess_mapping(headers: list) -> dict[str, int]:
    mapping: dict[str, int] = {}
    folded = [fold(cell_text(h)) for h in headers]
    for i, h in enumerate(folded):
        f = _SYNONYM_INDEX.get(h)
        if f and f not in mapping:
            mapping[f] = i
    for i, h in enumerate(folded):
        if not h or i in mapping.values() or len(h) > 40:  # a title line is not a column name
            continue
        for syn, f in sorted(_SYNONYM_INDEX.items(), key=lambda kv: -len(kv[0])):
            if f not in mapping and len(syn) > 4 and syn in h:
                mapping[f] = i
                break
    return mapping


def find_header(rows: list[list], file_name: str) -> tuple[int, dict[str, int]]:
    best: tuple[int, dict[str, int]] = (-1, {})
    for i, row in enumerate(rows[:15]):
        mapping = guess_mapping(row)
        if ("tax_code" in mapping or "account_id" in mapping) and len(mapping) >= 2 and len(mapping) > len(best[1]):
            best = (i, mapping)
    if best[0] < 0:
        raise UserError(f"Tệp «{file_name}»: không tìm thấy dòng tiêu đề trong 15 dòng đầu "
                        "(cần cột «Mã số thuế» hoặc «Mã định danh tổ chức», và cột ngày hoặc trạng thái)")
    return best


def parse_status(value: str) -> str | None:
    """The account state a status cell names, or None when it names none."""
    text = fold(value)
    for words, state in STATUS_WORDS:
        if any(w == text or w in text for w in words):
            return state
    return None


# ---- matching -----------------------------------------------------------------------------------------
def _live_org(store: Store, org: dict | None) -> dict | None:
    seen = set()
    while org is not None and org.get("merged_into") and org["id"] not in seen:
        seen.add(org["id"])
        org = store.query_one("SELECT * FROM organizations WHERE id = ?", (org["merged_into"],))
    return org


def _find_org(store: Store, tax_code: str | None, account_id: str | None) -> dict | None:
    org = None
    if tax_code:
        org = store.query_one("SELECT * FROM organizations WHERE tax_code = ?", (tax_code,))
        if org is None and len(tax_code) == 10:
            org = store.query_one("SELECT * FROM organizations WHERE enterprise_code = ?", (tax_code,))
    if org is None and account_id:
        row = store.query_one("SELECT org_id FROM org_accounts WHERE account_id = ?", (account_id,))
        if row is not None:
            org = store.query_one("SELECT * FROM organizations WHERE id = ?", (row["org_id"],))
        else:
            org = store.query_one("SELECT * FROM organizations WHERE enterprise_code = ? OR tax_code = ?",
                                  (account_id, account_id))
    return _live_org(store, org)


def _desk_dossier(store: Store, org_id: int | None, tax_code: str | None) -> dict | None:
    """The organization's dossier the result belongs to: the newest still open or issued."""
    states = (*OPEN_STATUSES, "issued", "activated")
    marks = ",".join("?" * len(states))
    if org_id is not None:
        row = store.query_one(f"SELECT * FROM dossiers WHERE org_id = ? AND status IN ({marks}) "
                              "ORDER BY received_at DESC, id DESC LIMIT 1", (org_id, *states))
        if row is not None:
            return row
    if tax_code:
        return store.query_one(f"SELECT * FROM dossiers WHERE tax_code = ? AND status IN ({marks}) "
                               "ORDER BY received_at DESC, id DESC LIMIT 1", (tax_code, *states))
    return None


def account_of(store: Store, org_id: int) -> dict | None:
    """The organization's account as the national lists reported it (None: no list named it yet)."""
    return store.query_one("SELECT * FROM org_accounts WHERE org_id = ?", (org_id,))


def accounts_by_org(store: Store) -> dict[int, str]:
    """org id → 'issued' | 'activated' for every organization a national list named."""
    return {r["org_id"]: r["status"] for r in store.query("SELECT org_id, status FROM org_accounts")}


# ---- moving the dossier ----------------------------------------------------------------------------
def _move_by_national_list(store: Store, dossier: dict, to_status: str, day: dt.date,
                           account_id: str | None = None) -> dict:
    """The dossier to ``to_status`` on the national system's authority: every step recorded in its
    history (open → issued, issued → activated), dated ``day`` but not before the dossier was received.

    Each event is written as ``status.move`` writes one (its ``detail`` keeps the columns as they were, so
    the leader can undo it with ``procedure.undo_last``; ``source`` says it came from a national list), and
    an open proposal to issue or refuse lapses (``status.lapse_open_proposal``): the national system decided.
    """
    received = dt.datetime.fromisoformat(dossier["received_at"])
    when = max(dt.datetime.combine(day, dt.time(12, 0)), received)
    row = dossier
    steps = ["issued", "activated"] if to_status == "activated" else ["issued"]
    for step in steps:
        current = row["status"]
        if _RANK.get(current, 0) >= _RANK[step]:
            continue
        sets: dict = {"status": step}
        detail: dict = {"source": "national_list"}
        if step == "issued":
            sets["issued_on"] = when.date().isoformat()
            sets["closed_on"] = when.date().isoformat()
            if account_id and not row.get("account_id"):
                sets["account_id"] = account_id
            detail["account_id"] = sets.get("account_id") or row.get("account_id")
            detail["account_date"] = sets["issued_on"]
        else:
            sets["activated_on"] = when.date().isoformat()
        sets = {k: v for k, v in sets.items() if k in row}  # a column this schema has
        detail["before"] = {k: row.get(k) for k in MOVE_COLUMNS if k in sets and row.get(k) != sets[k]}
        version = row["version"] + 1
        write_row(store, row["id"], row, sets, version=version, action="dossier.status")
        event_id = store.execute(
            "INSERT INTO dossier_events(dossier_id, at, officer_id, from_status, to_status, reason, detail) "
            "VALUES (?,?,?,?,?,?,?)",
            (row["id"], when.isoformat(sep=" ", timespec="seconds"), store.actor.id, current, step,
             NATIONAL_REASON, json.dumps(detail, ensure_ascii=False))).lastrowid
        lapse_open_proposal(store, row["id"], None, event_id)
        row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (row["id"],))
    store.notify(Table.DOSSIERS, Kind.UPDATE, (dossier["id"],))
    return row


def _record_account(store: Store, org_id: int, status: str, account_id: str | None,
                    issued_on: dt.date | None, activated_on: dt.date | None) -> bool:
    """Upsert ``org_accounts``; whether anything changed (an unchanged row is not written)."""
    old = account_of(store, org_id)
    new = {
        "status": status if old is None or _RANK[status] > _RANK[old["status"]] else old["status"],
        "account_id": account_id or (old["account_id"] if old else None),
        "issued_on": (old["issued_on"] if old and old["issued_on"] else
                      (issued_on or activated_on).isoformat() if (issued_on or activated_on) else None),
        "activated_on": (old["activated_on"] if old and old["activated_on"] else
                         activated_on.isoformat() if activated_on else None),
    }
    if old is not None and all(old[k] == v for k, v in new.items()):
        return False
    now = store.now_iso()
    if old is None:
        store.execute("INSERT INTO org_accounts(org_id, account_id, status, issued_on, activated_on, updated_at) "
                      "VALUES (?,?,?,?,?,?)",
                      (org_id, new["account_id"], new["status"], new["issued_on"], new["activated_on"], now))
    else:
        store.execute("UPDATE org_accounts SET account_id = ?, status = ?, issued_on = ?, activated_on = ?, "
                      "updated_at = ?, version = version + 1 WHERE org_id = ?",
                      (new["account_id"], new["status"], new["issued_on"], new["activated_on"], now, org_id))
    store.audit_changes("org_account", org_id, dict(old) if old else {}, new, "results.import")
    return True


# ---- import -------------------------------------------------------------------------------------------
def import_file(store: Store, path: str | Path, *, dry_run: bool = False, table: tabular.Table | None = None,
                progress: Progress | None = None) -> ResultsImport:
    """Import (or, ``dry_run``, preview) the result list ``path``; ``table``: the file already read."""
    require(store, PERMISSION)
    path = Path(path)
    table = table if table is not None else read_table(path)
    rows = table.rows
    header_index, columns = find_header(rows, table.name)
    headers = rows[header_index]
    result = ResultsImport(file_name=table.name, dry_run=dry_run)
    data_rows = [(header_index + 2 + i, r) for i, r in enumerate(rows[header_index + 1:])]
    total = len(data_rows)
    seen: dict[str, int] = {}
    footer = FooterScan(columns.get("tax_code"))
    try:
        with store.atomic():
            for done, (line, raw) in enumerate(data_rows, start=1):
                if progress is not None and (done % 50 == 0 or done == total):
                    progress.update(done, total, f"Đang đọc dòng {line}")
                raw = list(raw)
                values = {f: raw[i] if i < len(raw) else "" for f, i in columns.items()}
                if not any(cell_text(v) for v in values.values()):
                    continue
                if footer.skip(raw):
                    continue
                result.read += 1

                def where(f: str | None, _line=line) -> str:
                    col = columns.get(f) if f else None
                    if col is None:
                        return f"Tệp {table.name}, dòng {_line}"
                    name = cell_text(headers[col]) if col < len(headers) else FIELD_LABELS.get(f, f)
                    return f"Tệp {table.name}, dòng {_line}, cột «{name}» ({tabular.column_letter(col)})"

                try:
                    _import_row(store, values, line, where, seen, result)
                except UserError as exc:
                    result.rejected += 1
                    result.errors.append(str(exc))
            if not result.read:
                raise UserError(f"Tệp «{table.name}»: không có dòng dữ liệu nào dưới dòng tiêu đề "
                                f"(dòng {header_index + 1})")
            if dry_run:
                raise _DryRunDone
            if result.updated:
                result.import_id = store.execute(
                    "INSERT INTO imports(kind, file_name, file_sha256, sheet_name, officer_id, started_at, "
                    "finished_at, counts) VALUES ('national_results', ?, ?, ?, ?, ?, ?, ?)",
                    (table.name, hashlib.sha256(path.read_bytes()).hexdigest(), table.sheet_name,
                     store.actor.id, store.now_iso(), store.now_iso(), json.dumps(result.counts())),
                ).lastrowid
                ids = [c.org_id for c in result.changes if c.org_id is not None]
                for start in range(0, len(ids), 500):
                    block = ids[start:start + 500]
                    store.execute(f"UPDATE org_accounts SET import_id = ? WHERE org_id IN "
                                  f"({','.join('?' * len(block))})", (result.import_id, *block))
                store.audit("results.import_file", "import", result.import_id,
                            detail={"file": table.name, **result.counts()})
                store.notify(Table.ORGANIZATIONS, Kind.BULK)
    except _DryRunDone:
        pass
    return result


def _import_row(store: Store, values: dict, line: int, where, seen: dict, result: ResultsImport) -> None:
    tax_code = None
    if cell_text(values.get("tax_code")):
        checked = check_tax_code(values["tax_code"])
        if not checked.ok:
            raise UserError(f"{where('tax_code')}: {checked.error}")
        tax_code = checked.value
        for w in checked.warnings:
            result.warnings.append(f"{where('tax_code')}: {w}")
    account_id = cell_text(values.get("account_id")) or None
    if account_id is not None and len(account_id) > 64:
        raise UserError(f"{where('account_id')}: mã định danh tổ chức dài {len(account_id)} ký tự, không hợp lệ")
    name = cell_text(values.get("name"))
    if not tax_code and not account_id:
        raise UserError(f"{where('tax_code')}: thiếu cả mã số thuế và mã định danh tổ chức")
    dates = {}
    for f in ("issued_on", "activated_on", "account_date"):
        if cell_text(values.get(f)):
            try:
                dates[f] = parse_date(values[f])
            except UserError as exc:
                raise UserError(f"{where(f)}: {exc}") from None
            if dates[f] > store.now().date():
                raise UserError(f"{where(f)}: ngày {cell_text(values[f])} ở tương lai")
    status_text = cell_text(values.get("status"))
    if status_text:
        status = parse_status(status_text)
        if status is None:
            raise UserError(f"{where('status')}: trạng thái «{status_text}» không rõ "
                            "(cần «Đã cấp» hoặc «Đã kích hoạt»)")
    else:
        status = "activated" if dates.get("activated_on") else "issued"
    issued_on = dates.get("issued_on") or (dates.get("account_date") if status == "issued" else None)
    activated_on = dates.get("activated_on") or (dates.get("account_date") if status == "activated" else None)
    if status == "activated" and activated_on is None:
        activated_on = issued_on  # a list of activated accounts with one date column: that date
    day = (activated_on if status == "activated" else issued_on) or issued_on or store.now().date()
    key = tax_code or f"id:{account_id}"
    if key in seen:
        result.warnings.append(f"{where(None)}: trùng dòng {seen[key]} (cùng tổ chức)")
    seen[key] = line

    org = _find_org(store, tax_code, account_id)
    dossier = _desk_dossier(store, org["id"] if org else None, tax_code)
    if org is None and dossier is None:
        result.unknown += 1
        result.unknowns.append(Unknown(line, tax_code, account_id, name))
        return
    if org is not None and account_id:
        holder = store.query_one("SELECT org_id FROM org_accounts WHERE account_id = ? AND org_id <> ?",
                                 (account_id, org["id"]))
        if holder is not None:
            raise UserError(f"{where('account_id')}: mã định danh {account_id} đã được ghi cho tổ chức khác "
                            f"(mã số {holder['org_id']} trong sổ); kiểm tra lại dòng này")
    result.matched += 1
    change = Change(line, org["id"] if org else None, (org or {}).get("name") or name, tax_code, status)
    if org is None:
        result.warnings.append(f"{where(None)}: mã số thuế {tax_code} không có trong danh sách tổ chức; "
                               "chỉ cập nhật hồ sơ")
    else:
        previous = account_of(store, org["id"])
        change.account_from = previous["status"] if previous else None
        change.account_written = _record_account(store, org["id"], status, account_id, issued_on, activated_on)
        if previous is not None and _RANK[status] < _RANK[previous["status"]]:
            change.account_status = previous["status"]
    if dossier is not None:
        change.dossier_number = dossier["number"]
    if dossier is not None and _RANK.get(dossier["status"], 0) < _RANK[status]:
        change.dossier_from = dossier["status"]
        change.dossier_to = status
        _move_by_national_list(store, dossier, status, day, account_id)
    elif dossier is None and org is not None:
        closed = store.query_one("SELECT number, status FROM dossiers WHERE org_id = ? AND status IN "
                                 "('refused', 'cancelled') ORDER BY id DESC LIMIT 1", (org["id"],))
        if closed is not None and change.changed:
            result.warnings.append(
                f"{where(None)}: hồ sơ {closed['number']} ở trạng thái «{STATUSES[closed['status']]}» nhưng hệ "
                "thống quốc gia đã cấp tài khoản: tài khoản được ghi nhận, hồ sơ giữ nguyên")
    if change.changed:
        result.updated += 1
        result.changes.append(change)
    else:
        result.unchanged += 1
