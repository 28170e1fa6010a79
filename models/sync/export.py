"""The unit's side of syncing upward: what goes into the sync workbook (docs/sync-format.md), and the
record of each export.

``prepare_export`` checks the request and collects the content as plain data (``ExportPlan``: the
ThongTin values and the data sheets' rows, summary from the weekly report, dossiers, organizations, open
verification requests); ``record_export`` writes the row in ``sync_exports`` and the audit line once the
file is written. Writing the file itself (and encrypting it with a password) is the use-case layer's job
(``services/sync.py``). By default the export is *incremental*: the rows changed since the last export
the province acknowledged (``acknowledge``); without one, or on demand, it is full.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from models import __version__
from models.campaigns.citizen_progress import citizen_campaigns, citizen_progress
from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.reports.period import ReportPeriod, current_week, get_settings, unit_id
from models.reports.weekly import collect_report  # the weekly report decides the figures
from models.security import record_chain
from models.sync import keys
from models.sync.format import (
    CITIZEN_COLUMNS,
    CITIZEN_SHEET,
    CITIZEN_TOTAL,
    DOSSIER_COLUMNS,
    DOSSIER_SHEET,
    FORMAT_VERSION,
    ORG_COLUMNS,
    ORG_SHEET,
    SECTION_AREAS,
    SECTION_GROUPS,
    SESSION_COLUMNS,
    SESSION_SHEET,
    SUMMARY_COLUMNS,
    SUMMARY_SHEET,
    VERIFICATION_COLUMNS,
    VERIFICATION_SHEET,
    SheetData,
    signed_payload,
)
from models.text.vn_format import date_text

MIN_PASSWORD_LENGTH = 6
PASSWORD_REQUIRED = (
    f"Tệp đồng bộ có số định danh cá nhân của người đại diện nên phải đặt mật khẩu (ít nhất "
    f"{MIN_PASSWORD_LENGTH} ký tự). Muốn xuất tệp KHÔNG mật khẩu phải chọn rõ «Xuất không mật khẩu» "
    "(dòng lệnh: --unencrypted); việc đó được ghi vào nhật ký."
)
NOT_PROTECTED_WARNING = (
    "Tệp KHÔNG được đặt mật khẩu: trang ToChuc có số định danh cá nhân của người đại diện. "
    "Chỉ gửi qua kênh an toàn, hoặc xuất lại với mật khẩu."
)

_DOSSIER_SQL = """
SELECT d.uuid, d.number, d.subject_type, d.tax_code, o.uuid, o.name, d.grp, d.area_code, d.channel, d.status,
       d.received_at, d.received_on, d.verified_on, d.issued_on, d.activated_on,
       CASE WHEN d.status = 'refused' THEN COALESCE(d.closed_on,
            (SELECT substr(MAX(e.at), 1, 10) FROM dossier_events e
             WHERE e.dossier_id = d.id AND e.to_status = 'refused')) END,
       CASE WHEN d.status = 'cancelled' THEN COALESCE(d.closed_on,
            (SELECT substr(MAX(e.at), 1, 10) FROM dossier_events e
             WHERE e.dossier_id = d.id AND e.to_status = 'cancelled')) END,
       d.due_date, f.full_name, d.online_ref, d.refusal_reason, d.updated_at,
       COALESCE(p.id_number, d.person_ref), p.full_name, p.birth_date, d.id_card_valid, s.uuid, d.sent_on
FROM dossiers d
LEFT JOIN organizations o ON o.id = d.org_id
LEFT JOIN officers f ON f.id = d.officer_id
LEFT JOIN persons p ON p.id = d.person_id
LEFT JOIN intake_sessions s ON s.id = d.session_id
{where}
ORDER BY d.id
"""

_ORG_SQL = """
SELECT uuid, tax_code, enterprise_code, name, short_name, foreign_name, grp, area_code, status, address,
       established_on, founding_decision, head_name, rep_name, rep_id_number, rep_phone, rep_email, updated_at
FROM organizations
WHERE merged_into IS NULL {extra}
ORDER BY id
"""

# BuoiThuNhan: the sessions held (or planned) up to the period's end, with the results
# ``models.people.sessions`` counts (dossiers logged at the session; cancelled dossiers left out).
_SESSION_SQL = """
SELECT s.uuid, s.held_on, s.status, s.area_code, COALESCE(ag.name, o.name, ar.name), s.place, s.expected_people,
       (SELECT COUNT(*) FROM dossiers d WHERE d.session_id = s.id AND d.status <> 'cancelled'),
       (SELECT COUNT(*) FROM dossiers d WHERE d.session_id = s.id AND d.issued_on IS NOT NULL
        AND d.status <> 'cancelled'),
       (SELECT COUNT(*) FROM dossiers d WHERE d.session_id = s.id AND d.status = 'refused')
FROM intake_sessions s LEFT JOIN areas ar ON ar.code = s.area_code LEFT JOIN agencies ag ON ag.id = s.agency_id
LEFT JOIN organizations o ON o.id = s.org_id
WHERE s.held_on <= ?
ORDER BY s.held_on, s.start_time, s.id
"""

_VERIFICATION_SQL = """
SELECT v.uuid, d.uuid, v.to_unit, v.sent_on, v.method, v.due_on, v.note, f.full_name
FROM verification_requests v
JOIN dossiers d ON d.id = v.dossier_id
LEFT JOIN officers f ON f.id = v.officer_id
WHERE v.answered_on IS NULL
ORDER BY v.id
"""


@dataclass
class ExportResult:
    path: str
    sequence: int
    kind: str  # 'full' | 'incremental'
    base_sequence: int | None
    changed_since: str | None
    period_start: str
    period_end: str
    sha256: str
    sheet_rows: dict[str, int]
    protected: bool
    warning: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Dossier rows in the file (the figure the CLI prints as ``rows``)."""
        return self.sheet_rows.get(DOSSIER_SHEET, 0)

    def to_dict(self) -> dict:
        return {**asdict(self), "rows": self.rows}


def last_acknowledged(store: Store) -> dict | None:
    return store.query_one(
        "SELECT * FROM sync_exports WHERE acknowledged_at IS NOT NULL ORDER BY sequence DESC LIMIT 1")


def list_exports(store: Store) -> list[dict]:
    return store.query(
        "SELECT e.*, o.full_name AS officer FROM sync_exports e LEFT JOIN officers o ON o.id = e.officer_id "
        "ORDER BY e.sequence DESC")


def default_file_name(unit_code: str, period_end: str, sequence: int) -> str:
    return f"dongbo_{unit_code}_{period_end.replace('-', '')}_so{sequence}.xlsx"


@dataclass
class ExportPlan:
    """A checked export request and its content, ready to be written to ``path``."""

    path: Path
    sequence: int
    kind: str
    base_sequence: int | None
    changed_since: str | None
    period: ReportPeriod
    generated_at: str
    info: dict[str, Any]  # the ThongTin values
    sheets: list[SheetData]  # rows stream from the database while the file is written
    protected: bool
    notes: list[str] = field(default_factory=list)
    sign: Callable[[str], str] | None = None  # sha256 → the file's signature (hex)
    changes_after: int | None = None  # the change counter range the rows cover (m012)
    changes_through: int | None = None


def prepare_export(store: Store, out: str | Path, *, full: bool = False, password: str | None = None,
                   period: ReportPeriod | None = None, unencrypted: bool = False) -> ExportPlan:
    """Check the request and collect the workbook's content (``out``: a file, or a folder where a default
    name is chosen). The file holds personal ID numbers, so it is encrypted with ``password``; without
    one the officer must opt out explicitly (``unencrypted``), which the export's audit line records."""
    require(store, "sync.export")
    unit = _unit(store)
    if password is not None and password != "" and len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if not password and not unencrypted:
        raise UserError(PASSWORD_REQUIRED)
    settings = get_settings(store)
    period = period or current_week(store.now(), settings)
    generated_at = store.now_iso()
    notes: list[str] = []
    base = None if full else last_acknowledged(store)
    if not full and base is None:
        notes.append("Chưa có tệp nào được tỉnh xác nhận đã nhận: xuất tệp đầy đủ.")
    if base is not None and base.get("changes_through") is None:
        base = None  # acknowledged before the change counter existed (m012): nothing to count from
        notes.append("Tệp tỉnh xác nhận gần nhất được lập trước khi có bộ đếm thay đổi: xuất tệp đầy đủ.")
    kind = "incremental" if base else "full"
    changed_since = base["generated_at"] if base else None
    changes_after = base["changes_through"] if base else None
    changes_through = current_change(store)  # rows changed later are numbered higher: the next file has them
    sequence = _next_sequence(store)

    out = Path(out)
    if out.is_dir():
        out = out / default_file_name(unit["code"], period.end.isoformat(), sequence)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"Tệp xuất «{out.name}» phải có đuôi .xlsx.")
    if not out.parent.exists():
        raise UserError(f"Thư mục «{out.parent}» không tồn tại.")

    key = keys.ensure_key(store)  # an older database makes its key at its first export
    sign_bytes = keys.signer(store)
    code = unit["code"]

    def sign(sha256: str) -> str:
        return sign_bytes(signed_payload(code, sequence, sha256))

    report = collect_report(store, period)
    summary = _summary_rows(report)
    campaign_name, citizens = citizen_rows(store, period)
    sessions = store.execute(_SESSION_SQL, (period.end.isoformat(),)).fetchall()
    # The database's change counter decides what changed, never a clock (docs/sync.md#incremental-exports). A row
    # changed after ``changes_through`` was read may be in this file too: the next one sends it again.
    where = "WHERE d.change_seq > ?" if changes_after is not None else ""
    org_extra = "AND change_seq > ?" if changes_after is not None else ""
    params = (changes_after,) if changes_after is not None else ()
    n_dossiers = store.scalar(f"SELECT COUNT(*) FROM dossiers d {where}", params)
    n_orgs = store.scalar(f"SELECT COUNT(*) FROM organizations WHERE merged_into IS NULL {org_extra}", params)
    sheets = [
        SheetData(SUMMARY_SHEET, SUMMARY_COLUMNS, summary, len(summary)),
        SheetData(DOSSIER_SHEET, DOSSIER_COLUMNS, store.execute(_DOSSIER_SQL.format(where=where), params),
                  n_dossiers),
        SheetData(ORG_SHEET, ORG_COLUMNS, store.execute(_ORG_SQL.format(extra=org_extra), params), n_orgs),
        SheetData(VERIFICATION_SHEET, VERIFICATION_COLUMNS, store.execute(_VERIFICATION_SQL), 0),
        SheetData(CITIZEN_SHEET, CITIZEN_COLUMNS, citizens, len(citizens)),
        SheetData(SESSION_SHEET, SESSION_COLUMNS, sessions, len(sessions)),
    ]
    info = {
        "format_version": FORMAT_VERSION, "app_version": __version__, "unit_code": unit["code"],
        "unit_name": unit["name"], "parent_name": unit.get("parent_name"),
        "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
        "generated_at": generated_at, "officer": store.actor.full_name, "export_kind": kind,
        "changes_after": changes_after, "changes_through": changes_through,  # the change counter range (m012)
        "sequence": sequence, "base_sequence": base["sequence"] if base else None,
        "changed_since": changed_since, "key_fingerprint": key.fingerprint, "citizen_campaign": campaign_name,
        **record_chain.manifest(store.conn),  # the record chain's head, signed with the rest
    }
    return ExportPlan(path=out, sequence=sequence, kind=kind, base_sequence=info["base_sequence"],
                      changed_since=changed_since, period=period, generated_at=generated_at, info=info,
                      sheets=sheets, protected=bool(password), notes=notes, sign=sign,
                      changes_after=changes_after, changes_through=changes_through)


def record_export(store: Store, plan: ExportPlan, *, sha256: str, sheet_rows: dict[str, int]) -> ExportResult:
    """Remember the written workbook (``sync_exports`` and the audit log); run it inside the transaction
    that puts the file in place. Refuses when another desk exported under the same number meanwhile."""
    if _next_sequence(store) != plan.sequence:
        raise UserError(f"Máy khác vừa xuất tệp đồng bộ số {plan.sequence}; hãy xuất lại để tệp mang số mới.")
    out = plan.path
    period = plan.period
    with store.atomic():
        store.execute(
            "INSERT INTO sync_exports(sequence, kind, base_sequence, changed_since, period_start, period_end,"
            " generated_at, officer_id, file_name, path, sha256, counts, protected, changes_after, changes_through)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (plan.sequence, plan.kind, plan.base_sequence, plan.changed_since, period.start.isoformat(),
             period.end.isoformat(), plan.generated_at, store.actor.id, out.name, str(out.resolve()), sha256,
             json.dumps(sheet_rows), 1 if plan.protected else 0, plan.changes_after, plan.changes_through),
        )
        store.audit("sync.export", "sync_export", plan.sequence, detail={
            "file": str(out), "kind": plan.kind, "base_sequence": plan.base_sequence, "rows": sheet_rows,
            "sha256": sha256, "protected": plan.protected, "record_seq": plan.info.get("record_seq"),
            **({} if plan.protected else {"unencrypted_opt_out": True}),
            "period": f"{date_text(period.start)}–{date_text(period.end)}"})
        store.notify(Table.SYNC_EXPORTS, Kind.INSERT, (plan.sequence,))
    return ExportResult(
        path=str(out), sequence=plan.sequence, kind=plan.kind, base_sequence=plan.base_sequence,
        changed_since=plan.changed_since, period_start=period.start.isoformat(),
        period_end=period.end.isoformat(), sha256=sha256, sheet_rows=sheet_rows, protected=plan.protected,
        warning=None if plan.protected else NOT_PROTECTED_WARNING, notes=plan.notes,
    )


def current_change(store: Store) -> int:
    """The database's change counter: the number of the last change made to a row the sync file carries."""
    return store.scalar("SELECT value FROM change_counter WHERE id = 1") or 0


def _next_sequence(store: Store) -> int:
    return (store.scalar("SELECT MAX(sequence) FROM sync_exports") or 0) + 1


def acknowledge(store: Store, sequence: int, *, on: str | None = None) -> bool:
    """Record that the province confirmed receiving export ``sequence``; False if already recorded."""
    require(store, "sync.export")
    row = store.query_one("SELECT * FROM sync_exports WHERE sequence = ?", (int(sequence),))
    if row is None:
        raise UserError(f"Không có tệp đồng bộ số {sequence}.")
    if row["acknowledged_at"]:
        return False
    at = on or store.now_iso()
    with store.atomic():
        store.execute("UPDATE sync_exports SET acknowledged_at = ?, acknowledged_by = ? WHERE sequence = ?",
                      (at, store.actor.id, int(sequence)))
        store.audit("sync.acknowledge", "sync_export", sequence, field="acknowledged_at", new=at)
        store.notify(Table.SYNC_EXPORTS, Kind.UPDATE, (int(sequence),))
    return True


def _unit(store: Store) -> dict:
    uid = unit_id(store)
    row = store.query_one("SELECT * FROM units WHERE id = ?", (uid,)) if uid else None
    if not row:
        raise UserError("Chưa khai báo đơn vị sử dụng chương trình (mã, tên đơn vị); hãy khai báo trước khi xuất.")
    return row


def _summary_rows(report) -> list[tuple]:
    """TongHop lines: the weekly report's group rows, group total, area rows, area total."""
    rows = []
    for section, lines, total in ((SECTION_GROUPS, report.groups, report.group_total),
                                  (SECTION_AREAS, report.areas, report.area_total)):
        for line in [*lines, total]:
            rows.append((section, line.key or None, line.label, line.this_week, line.cumulative, line.target,
                         line.percent, line.remaining))
    return rows


def citizen_rows(store: Store, period: ReportPeriod) -> tuple[str | None, list[tuple]]:
    """CongDan: the newest citizens' campaign's figures as of the period's end, by ``citizen_progress`` (the one
    definition of those figures): per target, its communes then its total line. ``Trong kỳ`` is what the
    target counted in the period: its cumulative at the period's end less its cumulative the day before the
    period began. No citizens' campaign: (None, [])."""
    campaigns = citizen_campaigns(store)
    if not campaigns:
        return None, []
    campaign_id = campaigns[0]["id"]
    now = citizen_progress(store, campaign_id, period.end)
    before = citizen_progress(store, campaign_id, period.start - dt.timedelta(days=1))
    earlier = {t.target_id: t for t in before.targets}
    rows: list[tuple] = []
    for t in now.targets:
        prior = earlier.get(t.target_id)
        prior_rows = {r.key: r.cumulative for r in prior.rows["commune"]} if prior else {}
        for r in t.rows["commune"]:
            rows.append(_citizen_line(t, r.key, r.label, r, prior_rows.get(r.key, 0)))
        rows.append(_citizen_line(t, CITIZEN_TOTAL, t.total.label, t.total, prior.total.cumulative if prior else 0))
    return now.name, rows


def _citizen_line(t, code: str, name: str, row, cumulative_before: int) -> tuple:
    return (t.label, t.measure, t.scope, t.since, code, name, row.target, row.cumulative,
            max(row.cumulative - cumulative_before, 0), row.percent, row.remaining)
