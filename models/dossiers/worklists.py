"""The desk's worklists over dossiers, built for 200,000 rows: id lists for a lazy table plus counts.

Lists (``WORKLISTS``): today's intake, mine (open dossiers I received), to verify (received or being
verified), waiting for other localities, overdue (open, past the due date, and not waiting for the
applicant's papers: the time limit stops then, ``states.CLOCK_STOPPED``), open, all, and one per
status (``"status:verified"``). Each takes the same filters as the registry (group, area, channel,
officer, status, received between) and a folded text search (number, tax code, organization name,
representative: word prefixes, no diacritics) through the FTS5 table ``dossier_fts``.

``list_ids`` returns the matching ids in display order (an ``array('q')``); ``fetch_rows`` reads one
block of rows for the visible part of the table.
"""

from __future__ import annotations

import datetime as dt
import json
from array import array
from dataclasses import dataclass

from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.dossiers.states import (
    AWAITING_APPROVAL,
    CLOCK_RUNNING,
    CLOCK_STOPPED,
    OPEN_STATUSES,
    PROPOSAL_LABELS,
    STATUSES,
)
from models.text.normalize import fold

WORKLISTS = {
    "today": "Tiếp nhận hôm nay",
    "mine": "Hồ sơ của tôi",
    "to_verify": "Cần xác minh",
    "waiting_locality": "Chờ địa phương khác",
    "overdue": "Quá hạn",
    "awaiting_approval": "Chờ duyệt",
    "open": "Đang xử lý",
    "all": "Tất cả hồ sơ",
}
SORT_COLUMNS = {
    "received_at": "d.received_at",
    "due_date": "d.due_date",
    "number": "d.number",
    "status": "d.status",
    "tax_code": "d.tax_code",
    "officer": "d.officer_id",
    "id": "d.id",
}
ROW_COLUMNS = ("id", "uuid", "number", "status", "status_label", "tax_code", "organization", "grp", "area_code",
               "area_name", "channel", "received_at", "due_date", "officer", "officer_id", "needs_verification",
               "overdue", "paused", "version", "online_ref", "proposal")
_OPEN = ",".join(f"'{s}'" for s in OPEN_STATUSES)
_RUNNING = ",".join(f"'{s}'" for s in CLOCK_RUNNING)
# The one definition of "overdue" (worklist, counts, rows, the CLI): open, the time limit running, due date passed.
OVERDUE_SQL = f"d.status IN ({_RUNNING}) AND d.due_date < ?"
# Proposals to issue or refuse waiting for the leader (models/dossiers/procedure.py).
AWAITING_SQL = "d.id IN (SELECT dossier_id FROM dossier_proposals WHERE decision IS NULL)"
# Organizations' dossiers to check against the registry; a citizen's level-2 dossier is not verified here
# (received → sent to the national system), so it stays out of «Cần xác minh».
TO_VERIFY_SQL = "d.status IN ('received', 'verifying') AND d.subject_type = 'organization'"


def is_overdue(dossier: dict, today: dt.date | str) -> bool:
    """Whether one dossier row is overdue on ``today`` (the same rule as ``OVERDUE_SQL``)."""
    today = today if isinstance(today, str) else today.isoformat()
    return dossier["status"] in CLOCK_RUNNING and bool(dossier.get("due_date")) and dossier["due_date"] < today


def is_paused(dossier: dict) -> bool:
    """Whether the dossier's time limit is stopped (waiting for the applicant's papers)."""
    return dossier["status"] in CLOCK_STOPPED


@dataclass(frozen=True)
class Filters:
    group: int | None = None
    area_code: str | None = None
    channel: str | None = None
    officer_id: int | None = None
    status: str | None = None
    received_from: dt.date | str | None = None
    received_to: dt.date | str | None = None
    subject_type: str | None = None  # 'organization' | 'person' (citizens' level-2 dossiers, issue 15)
    session_id: int | None = None  # person dossiers logged at one mobile intake session

    def where(self) -> tuple[list[str], list]:
        clauses: list[str] = []
        params: list = []
        if self.group is not None:
            clauses.append("d.grp = ?")
            params.append(int(self.group))
        if self.area_code:
            clauses.append("d.area_code = ?")
            params.append(self.area_code)
        if self.channel:
            clauses.append("d.channel = ?")
            params.append(self.channel)
        if self.officer_id is not None:
            clauses.append("d.officer_id = ?")
            params.append(int(self.officer_id))
        if self.status:
            clauses.append("d.status = ?")
            params.append(self.status)
        if self.received_from:
            clauses.append("d.received_on >= ?")
            params.append(str(self.received_from)[:10])
        if self.received_to:
            clauses.append("d.received_on <= ?")
            params.append(str(self.received_to)[:10])
        if self.subject_type:
            clauses.append("d.subject_type = ?")
            params.append(self.subject_type)
        if self.session_id is not None:
            clauses.append("d.session_id = ?")
            params.append(int(self.session_id))
        return clauses, params


def _list_clause(store: Store, key: str) -> tuple[str, list]:
    today = store.today().isoformat()
    if key == "today":
        return "d.received_on = ?", [today]
    if key == "mine":
        return f"d.officer_id = ? AND d.status IN ({_OPEN})", [store.actor.id]
    if key == "to_verify":
        return TO_VERIFY_SQL, []
    if key == "waiting_locality":
        return "d.status = ?", ["waiting_locality"]
    if key == "overdue":
        return OVERDUE_SQL, [today]
    if key == "open":
        return f"d.status IN ({_OPEN})", []
    if key == "awaiting_approval":
        return AWAITING_SQL, []
    if key == "all":
        return "1", []
    if key.startswith("status:") and key[7:] in STATUSES:
        return "d.status = ?", [key[7:]]
    raise UserError(f"Danh sách «{key}» không tồn tại")


TEXT_CAP = 5000  # a text search keeps the newest TEXT_CAP matches (the screen says "gõ thêm để thu hẹp")


class IdList(array):
    """The ids of a worklist (an ``array('q')``); ``capped`` is True when a text search matched more
    than ``TEXT_CAP`` dossiers and only the newest were kept."""

    capped: bool = False


def _ids(values, capped: bool = False) -> IdList:
    out = IdList("q", values)
    out.capped = capped
    return out


def _fts_query(text: str) -> str | None:
    words = fold(text).split()
    if not words:
        return None
    # Folded words are [0-9a-z]+ only, so quoting cannot be broken out of.
    return " AND ".join(f'"{w}"*' for w in dict.fromkeys(words))


def list_ids(store: Store, key: str = "open", text: str = "", filters: Filters | None = None,
             sort: str = "received_at", descending: bool = True) -> IdList:
    """Ids of the dossiers of worklist ``key`` matching ``text`` and ``filters``, in display order."""
    require(store, "dossier.view")
    if sort not in SORT_COLUMNS:
        raise UserError(f"Không sắp xếp được theo «{sort}»")
    clause, params = _list_clause(store, key)
    clauses = [clause]
    extra, extra_params = (filters or Filters()).where()
    clauses += extra
    params += extra_params
    column = SORT_COLUMNS[sort]
    order = "DESC" if descending else "ASC"
    match = _fts_query(text)
    capped = False
    if match:
        # The newest matches first (FTS5 walks its doclists backwards and stops at the cap).
        fts_ids = [r[0] for r in store.execute(
            "SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (match, TEXT_CAP + 1))]
        capped = len(fts_ids) > TEXT_CAP
        fts_ids = fts_ids[:TEXT_CAP]
        if not fts_ids:
            return _ids(())
        clauses.append(f"d.id IN ({','.join('?' * len(fts_ids))})")
        params += fts_ids
    where = " AND ".join(c for c in clauses if c != "1") or "1"
    if where in ("1", "d.status = ?") and sort == "received_at":
        # Everything, or one status: read straight from an index in display order.
        sql = f"SELECT d.id FROM dossiers d WHERE {where} ORDER BY d.received_at {order}, d.id {order}"
    else:
        # A filtered list: "+" keeps SQLite from walking the sort column's index over every dossier;
        # it uses the filter's index and sorts the matches (NULLs first ascending).
        sql = f"SELECT d.id FROM dossiers d WHERE {where} ORDER BY +{column} {order}, +d.id {order}"
    # One JSON text decoded in C beats fetching 200,000 one-column rows.
    return _ids(json.loads(store.scalar(f"SELECT json_group_array(id) FROM ({sql})", params)), capped)


def counts(store: Store, filters: Filters | None = None) -> dict[str, int]:
    """Count of every worklist and every status (``"status:<code>"``) under ``filters``."""
    require(store, "dossier.view")
    extra, extra_params = (filters or Filters()).where()
    where = (" AND " + " AND ".join(extra)) if extra else ""
    today = store.today().isoformat()
    out = {f"status:{s}": 0 for s in STATUSES}
    for status, n in store.execute(f"SELECT d.status, count(*) FROM dossiers d WHERE 1{where} GROUP BY d.status",
                                   extra_params):
        out[f"status:{status}"] = n
    out["all"] = sum(out[f"status:{s}"] for s in STATUSES)
    out["open"] = sum(out[f"status:{s}"] for s in OPEN_STATUSES)
    out["to_verify"] = store.scalar(f"SELECT count(*) FROM dossiers d WHERE {TO_VERIFY_SQL}{where}", extra_params)
    out["waiting_locality"] = out["status:waiting_locality"]
    out["today"] = store.scalar(f"SELECT count(*) FROM dossiers d WHERE d.received_on = ?{where}",
                                [today, *extra_params])
    out["mine"] = store.scalar(
        f"SELECT count(*) FROM dossiers d WHERE d.officer_id = ? AND d.status IN ({_OPEN}){where}",
        [store.actor.id, *extra_params])
    out["awaiting_approval"] = store.scalar(f"SELECT count(*) FROM dossiers d WHERE {AWAITING_SQL}{where}",
                                            extra_params)
    out["overdue"] = store.scalar(
        f"SELECT count(*) FROM dossiers d WHERE {OVERDUE_SQL}{where}",
        [today, *extra_params])
    return out


def fetch_rows(store: Store, ids) -> dict[int, dict]:
    """Rows for the given ids (one block of the lazy table), keyed by id; see ``ROW_COLUMNS``."""
    require(store, "dossier.view")
    ids = list(ids)
    out: dict[int, dict] = {}
    today = store.today().isoformat()
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        rows = store.query(
            "SELECT d.id, d.uuid, d.number, d.status, d.tax_code, "
            "coalesce(g.name, json_extract(d.declared, '$.name'), "
            "(SELECT pp.full_name FROM persons pp WHERE pp.id = d.person_id)) AS organization, d.subject_type, d.grp, d.area_code, "
            "a.name AS area_name, d.channel, d.received_at, d.due_date, o.full_name AS officer, d.officer_id, "
            "d.needs_verification, d.version, d.online_ref, "
            "(SELECT p.to_status FROM dossier_proposals p WHERE p.dossier_id = d.id AND p.decision IS NULL) AS proposal "
            "FROM dossiers d "
            "JOIN officers o ON o.id = d.officer_id LEFT JOIN organizations g ON g.id = d.org_id "
            f"LEFT JOIN areas a ON a.code = d.area_code WHERE d.id IN ({','.join('?' * len(part))})",
            part,
        )
        for r in rows:
            r["status_label"] = STATUSES.get(r["status"], r["status"])
            if r["proposal"]:
                r["status_label"] += f" — {AWAITING_APPROVAL} ({PROPOSAL_LABELS[r['proposal']].lower()})"
            r["overdue"] = is_overdue(r, today)
            r["paused"] = is_paused(r)
            out[r["id"]] = r
    return out
