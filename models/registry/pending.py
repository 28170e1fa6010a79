"""Each organization's campaign state and the "Chưa đăng ký" worklist (issue 13, seed 001 III.8.5/8.6).

THE definition of "not registered yet", shared by the registry's column and filter, the worklist handed
to commune police, the dashboard's "remaining" drill-down and the ``pending`` CLI:

* an organization *counts* when the registry counts it for targets: not merged into another and not
  dissolved (the same condition as ``registry_counts``, m004);
* its state is, from the furthest step: ``activated`` (an activated account), ``issued`` (an issued
  account), ``open`` (a dossier still being processed), ``none`` (nothing yet). An account is the one
  the figures count (``progress_firsts``, kept by triggers: the first issued/activated event of a dossier
  that is not cancelled), so a refused or cancelled dossier leaves the organization at ``none``;
* it is *pending* ("Chưa đăng ký") when it counts and has no issued account (state ``none`` or ``open``).

So per commune and group: pending = the registry's count − the accounts issued to its organizations,
which is a target's "remaining" when the target is the whole registry (docs/progress.md).

Everything is set-wise: the three id sets come from one indexed scan each, never one query per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.campaigns.targets import parse_groups
from models.core.permissions import require
from models.core.store import Store
from models.registry.organizations import GROUP_SHORT, STATUSES
from models.registry.units import current_unit
from models.reports.period import letterhead_bodies
from models.text.normalize import fold

STATES = {
    "none": "Chưa có hồ sơ",
    "open": "Đang xử lý hồ sơ",
    "issued": "Đã cấp tài khoản",
    "activated": "Đã kích hoạt",
}
PENDING = "pending"  # filter value: state none or open, and not dissolved
FILTER_LABELS = {PENDING: "Chưa đăng ký", **STATES}
PENDING_TITLE = "Danh sách tổ chức chưa đăng ký tài khoản định danh điện tử"
NO_AREA_LABEL = "(Chưa rõ địa bàn)"

_OPEN = "('received', 'verifying', 'needs_papers', 'waiting_locality', 'verified')"


def account_ids_sql(*counts: str) -> str:
    """Ids of the organizations with a counted event of ``counts`` ('issued', 'activated') (set-wise)."""
    if not counts or set(counts) - {"issued", "activated"}:
        raise ValueError(counts)
    return ("SELECT CAST(substr(subject, 2) AS INTEGER) FROM progress_firsts"
            f" WHERE counts IN ({', '.join(repr(c) for c in counts)}) AND subject >= 'o' AND subject < 'p'")


def open_ids_sql() -> str:
    return f"SELECT org_id FROM dossiers WHERE status IN {_OPEN} AND org_id IS NOT NULL"


def state_clauses(state: str, *, per_row: bool = False) -> list[str]:
    """SQL conditions on organizations (alias o) for one state or ``PENDING`` (no parameters).

    By default each id set is built once per query (browsing: every row is tested); ``per_row`` looks each
    candidate up in the primary key instead (a text search has at most a few thousand candidates, and
    building a set of every issued account for each keystroke would cost more than the search itself)."""
    if per_row:
        def account(counts: str) -> str:
            return (f"EXISTS (SELECT 1 FROM progress_firsts pf WHERE pf.subject = 'o' || o.id"
                    f" AND pf.counts = '{counts}')")
        issued, activated = account("issued"), account("activated")
        has_open = f"EXISTS (SELECT 1 FROM dossiers od WHERE od.org_id = o.id AND od.status IN {_OPEN})"
        no_account = [f"NOT {issued}", f"NOT {activated}"]
    else:
        issued = f"o.id IN ({account_ids_sql('issued')})"
        activated = f"o.id IN ({account_ids_sql('activated')})"
        has_open = f"o.id IN ({open_ids_sql()})"
        no_account = [f"o.id NOT IN ({account_ids_sql('issued', 'activated')})"]  # one set: 20 % faster
    if state == "activated":
        return [activated]
    if state == "issued":
        return [issued, f"NOT {activated}"]
    if state == PENDING:
        return [*no_account, "o.status <> 'dissolved'"]  # a dissolved organization is no longer to visit
    if state == "open":
        return [*no_account, has_open]
    if state == "none":
        return [*no_account, f"NOT {has_open}"]
    raise ValueError(f"unknown state {state!r}")


def org_states(store: Store, ids) -> dict[int, str]:
    """State of each given organization (one block of the registry table: three queries, any size)."""
    ids = [int(i) for i in ids]
    out = dict.fromkeys(ids, "none")
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ",".join("?" * len(part))
        subjects = [f"o{i}" for i in part]
        for (org_id,) in store.execute(f"{open_ids_sql()} AND org_id IN ({marks})", part):
            out[org_id] = "open"
        for counts in ("issued", "activated"):
            for (subject,) in store.execute(
                    f"SELECT subject FROM progress_firsts WHERE counts = ? AND subject IN ({marks})",
                    [counts, *subjects]):
                out[int(subject[1:])] = counts
    return out


def org_dossiers(store: Store, org_id: int) -> list[dict]:
    """The dossiers of one organization, newest first (organization detail → dossier)."""
    require(store, "dossier.view")
    return store.query(
        "SELECT id, number, status, received_on, issued_on, activated_on, grp FROM dossiers WHERE org_id = ?"
        " ORDER BY received_at DESC, id DESC", (int(org_id),))


@dataclass(frozen=True)
class PendingQuery:
    area_code: str | None = None   # '' = organizations without an area
    groups: tuple[int, ...] | None = None
    phase_id: int | None = None    # the groups of this phase's targets


def phase_groups(store: Store, phase_id: int) -> tuple[int, ...]:
    """The groups a phase's targets count (all four when the phase has no target)."""
    groups: set[int] = set()
    for row in store.query("SELECT groups FROM campaign_targets WHERE phase_id = ?", (int(phase_id),)):
        groups.update(parse_groups(row["groups"]))
    return tuple(sorted(groups)) or tuple(GROUP_SHORT)


def _where(store: Store, query: PendingQuery) -> tuple[list[str], list]:
    clauses, params = ["o.merged_into IS NULL", *state_clauses(PENDING)], []
    groups = query.groups
    if query.phase_id is not None:
        phase = phase_groups(store, query.phase_id)
        groups = tuple(g for g in (groups or phase) if g in phase)
    if groups:
        clauses.append(f"o.grp IN ({','.join(str(int(g)) for g in groups)})")
    if query.area_code == "":
        clauses.append("COALESCE(o.area_code, '') = ''")
    elif query.area_code:
        clauses.append("o.area_code = ?")
        params.append(query.area_code)
    return clauses, params


def pending_rows(store: Store, query: PendingQuery | None = None) -> list[dict]:
    """The worklist: every counted organization without an issued account, sorted for a visit
    (commune, then address, then name). Each row carries its state and its open dossier, if any."""
    require(store, "registry.view")
    query = query or PendingQuery()
    clauses, params = _where(store, query)
    rows = store.query(
        "SELECT o.id, o.grp, o.name, o.tax_code, o.address, COALESCE(o.area_code, '') AS area_code,"
        f" COALESCE(a.name, o.area_code, '{NO_AREA_LABEL}') AS area_name, o.rep_name, o.rep_phone, o.status,"
        " (SELECT d.number FROM dossiers d WHERE d.org_id = o.id AND d.status IN " + _OPEN +
        "  ORDER BY d.received_at DESC LIMIT 1) AS open_dossier"
        " FROM organizations o LEFT JOIN areas a ON a.code = o.area_code"
        f" WHERE {' AND '.join(clauses)}", params)
    for row in rows:
        row["state"] = "open" if row["open_dossier"] else "none"
        row["state_label"] = STATES[row["state"]]
        row["group_label"] = GROUP_SHORT.get(row["grp"], str(row["grp"]))
        row["status_label"] = STATUSES.get(row["status"], row["status"] or "")
    rows.sort(key=lambda r: (r["area_code"] == "", fold(r["area_name"] or ""), fold(r["address"] or ""),
                             fold(r["name"] or ""), r["id"]))
    return rows


def pending_counts(store: Store, groups=None) -> dict[str, int]:
    """Pending organizations per area code ('' = none) for the given groups (one grouped query)."""
    require(store, "registry.view")
    clauses, params = _where(store, PendingQuery(groups=tuple(groups) if groups else None))
    return {code: n for code, n in store.execute(
        f"SELECT COALESCE(o.area_code, ''), COUNT(*) FROM organizations o WHERE {' AND '.join(clauses)}"
        " GROUP BY COALESCE(o.area_code, '')", params)}


def describe(store: Store, query: PendingQuery) -> str:
    """One line naming the list's scope (title of the printed table, the worklist's header)."""
    parts = []
    if query.area_code:
        parts.append(store.scalar("SELECT name FROM areas WHERE code = ?", (query.area_code,)) or query.area_code)
    elif query.area_code == "":
        parts.append(NO_AREA_LABEL)
    if query.phase_id is not None:
        name = store.scalar("SELECT name FROM campaign_phases WHERE id = ?", (query.phase_id,))
        if name:
            parts.append(name)
    if query.groups:
        parts.append(" + ".join(GROUP_SHORT[g] for g in query.groups))
    return "; ".join(parts) or "Toàn đơn vị"


# ---- the printed / exported list --------------------------------------------------------------------
HEADERS = ("STT", "Tên tổ chức", "Mã số thuế", "Địa chỉ trụ sở", "Người đại diện", "Điện thoại", "Nhóm",
           "Tình trạng hồ sơ")


@dataclass(frozen=True)
class PendingDocument:
    """Plain data of the worklist handed to commune police (``exporters/pending_list.py``)."""

    parent_body: str
    unit_name: str
    place: str
    doc_date: str          # ISO
    title: str
    scope: str
    headers: tuple[str, ...]
    areas: list[tuple[str, list[tuple]]]   # (commune name, its rows as in HEADERS), in visit order
    count: int


def pending_document(store: Store, query: PendingQuery | None = None) -> PendingDocument:
    """The worklist as a document: grouped by commune, numbered within the whole list."""
    query = query or PendingQuery()
    rows = pending_rows(store, query)
    parent, issuing = letterhead_bodies(store)
    unit = current_unit(store) or {}
    areas: list[tuple[str, list[tuple]]] = []
    for number, row in enumerate(rows, start=1):
        if not areas or areas[-1][0] != row["area_name"]:
            areas.append((row["area_name"], []))
        dossier = f"{row['state_label']} ({row['open_dossier']})" if row["open_dossier"] else row["state_label"]
        areas[-1][1].append((number, row["name"] or "", row["tax_code"] or "", row["address"] or "",
                             row["rep_name"] or "", row["rep_phone"] or "", row["group_label"], dossier))
    return PendingDocument(parent, issuing, unit.get("place_name") or unit.get("province_name") or "",
                           store.today().isoformat(), PENDING_TITLE, describe(store, query), HEADERS, areas,
                           len(rows))
