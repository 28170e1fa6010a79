"""The dossier state machine: which moves are allowed, who may make them, what each one records.

Received → Verifying → (Needs more papers | Waiting for another locality) → Verified → Account issued
→ (Activated). Refused (with a reason, permission ``dossier.refuse``) from any state before issue.
Cancelled (with a reason, ``dossier.cancel``) for a dossier logged by mistake, also before issue:
nothing is deleted, the dossier stays with its whole history and is left out of the figures.

Every move appends a ``dossier_events`` row (who, when, from, to, reason), audits the changed columns
and sets the denormalised dates: ``verified_on``, ``issued_on``, ``activated_on`` and ``closed_on``
(the day the desk's work ended: issued, refused or cancelled).

The time limit stops while the dossier waits for the applicant's papers (*needs_papers*: never overdue,
``states.CLOCK_STOPPED``) and starts again from the day the complete papers arrive: the move from
*needs_papers* back to *verifying* recomputes ``due_date`` from that day (Decree 69/2024 counts the time
from a complete, valid dossier), audited like every other changed column. ``clock_start`` gives the day
a dossier's time limit counts from, for whoever recomputes it later (the automatic verification).
"""

from __future__ import annotations

import datetime as dt
import json

from models.core.changes import Kind, Table
from models.core.errors import StaleEdit, UserError
from models.core.permissions import can, require
from models.core.store import Store
from models.dossiers.calendar import as_date, due_date
from models.dossiers.history import changes_since
from models.dossiers.states import (
    REASON_REQUIRED,
    STATUSES,
    TRANSITIONS,
    can_move,
    permission_for,
)
from models.text.normalize import clean
from models.text.vn_format import date_text


def actor_role(store: Store) -> str:
    """The acting officer's role as the account is now ("" once it is deactivated): a role changed at
    another desk shows on the screens at once, as ``require`` enforces it at once."""
    role = store.actor.role
    if role != "system":
        row = store.query_one("SELECT role, active FROM officers WHERE id = ?", (store.actor.id,))
        if row is not None:
            role = row["role"] if row["active"] else ""
    return role


def actor_can(store: Store, permission: str) -> bool:
    """Whether the acting officer may do ``permission`` now (what a screen shows; ``require`` enforces)."""
    return can(actor_role(store), permission)


def allowed_targets(store: Store, status: str) -> list[str]:
    """Moves the acting officer may make from ``status`` now (role checked, not only the graph)."""
    role = actor_role(store)
    return [s for s in TRANSITIONS.get(status, ()) if can(role, permission_for(s))]


def clock_start(store: Store, dossier: dict) -> dt.date:
    """The day the dossier's time limit counts from: the last day complete papers arrived after a request
    for more (the move *needs_papers* → *verifying*), else the day it was received."""
    if dossier.get("id"):
        restarted = store.scalar(
            "SELECT max(at) FROM dossier_events WHERE dossier_id = ? AND from_status = 'needs_papers' "
            "AND to_status = 'verifying' AND undo_of IS NULL AND id NOT IN "
            "(SELECT undo_of FROM dossier_events WHERE dossier_id = ? AND undo_of IS NOT NULL)",
            (dossier["id"], dossier["id"]))
        if restarted:
            return as_date(restarted)
    return as_date(dossier["received_on"])


# Columns a move may set: their values before the move are kept in the event's detail, so that an undo
# (``models.dossiers.procedure.undo_last``) can put them back.
MOVE_COLUMNS = ("status", "verified_on", "issued_on", "activated_on", "closed_on", "refusal_reason",
                "cancel_reason", "needs_verification", "due_date", "account_id", "missing_papers")


def move(store: Store, dossier_id: int, to_status: str, *, reason: str | None = None,
         expected_version: int | None = None, at: dt.datetime | None = None,
         account_id: str | None = None, account_date: dt.date | str | None = None,
         missing_papers: list[str] | tuple[str, ...] | None = None, _proposal: dict | None = None) -> dict:
    """Move a dossier to ``to_status``; returns the updated row. ``at`` backdates (imports, demo).

    ``account_id`` / ``account_date`` (to *issued*): the account's identifier and the day it was issued
    (default: the day of the move); ``missing_papers`` (to *needs_papers*): the papers asked for. The
    screens ask for them (``ui/dialogs/status_dialogs.py``); imports may leave them out.
    Issuing and refusing need ``dossier.issue`` / ``dossier.refuse`` (the leader); an intake officer
    proposes instead (``models.dossiers.procedure.propose``).
    """
    if to_status not in STATUSES:
        raise UserError(f"Trạng thái «{to_status}» không tồn tại")
    require(store, permission_for(to_status))
    reason = clean(reason) or None
    account_id = clean(account_id) or None
    papers = [p for p in (clean(x) for x in (missing_papers or ())) if p]
    with store.atomic():
        row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))
        if row is None:
            raise UserError(f"Không tìm thấy hồ sơ số {dossier_id}")
        if expected_version is not None and row["version"] != expected_version:
            raise StaleEdit(
                f"Hồ sơ {row['number']} đã được người khác cập nhật sau khi anh/chị mở "
                f"(phiên bản {expected_version} → {row['version']}). Hãy mở lại hồ sơ.",
                changed=changes_since(store, dossier_id, expected_version),
            )
        current = row["status"]
        if not can_move(current, to_status):
            raise UserError(
                f"Hồ sơ {row['number']} đang ở trạng thái «{STATUSES.get(current, current)}», "
                f"không chuyển sang «{STATUSES[to_status]}» được."
            )
        if to_status in REASON_REQUIRED and not reason:
            raise UserError(f"Hãy ghi lý do khi chuyển hồ sơ sang «{STATUSES[to_status]}»")
        if to_status in ("verified", "issued"):
            blocking = store.query(
                "SELECT message FROM verification_findings WHERE dossier_id = ? AND severity = 'blocking'",
                (dossier_id,),
            )
            if blocking:
                raise UserError(
                    f"Hồ sơ {row['number']} còn lỗi chặn: " + "; ".join(b["message"] for b in blocking)
                    + ". Hãy sửa hoặc từ chối hồ sơ."
                )
        when = at or store.now()
        day = when.date().isoformat()
        sets: dict = {"status": to_status}
        detail: dict = {}
        if to_status == "verified":
            sets["verified_on"] = day
        elif to_status == "issued":
            if account_date:
                issued = as_date(account_date)
                if issued > when.date():
                    raise UserError(f"Ngày cấp tài khoản {date_text(issued)} là ngày trong tương lai")
                if issued.isoformat() < row["received_on"]:
                    raise UserError(f"Ngày cấp tài khoản {date_text(issued)} trước ngày tiếp nhận hồ sơ")
                day = issued.isoformat()
            sets["issued_on"] = day
            sets["closed_on"] = day
            if account_id:
                sets["account_id"] = account_id
                detail["account_id"] = account_id
            detail["account_date"] = day
        elif to_status == "needs_papers":
            if papers:
                sets["missing_papers"] = json.dumps(papers, ensure_ascii=False)
                detail["missing_papers"] = papers
        elif to_status == "activated":
            sets["activated_on"] = day
        elif to_status == "refused":
            sets["refusal_reason"] = reason
            sets["closed_on"] = day
        elif to_status == "cancelled":
            sets["cancel_reason"] = reason
            sets["closed_on"] = day
        elif to_status == "waiting_locality" and not row["needs_verification"]:
            sets["needs_verification"] = 1
            sets["due_date"] = due_date(store, clock_start(store, row), True).isoformat()
        elif current == "needs_papers" and to_status == "verifying":
            # Complete papers arrived today: the whole time limit starts again from this day.
            sets["due_date"] = due_date(store, when.date(), bool(row["needs_verification"])).isoformat()
        version = row["version"] + 1
        detail["before"] = {k: row.get(k) for k in MOVE_COLUMNS if k in sets and row.get(k) != sets[k]}
        if _proposal is not None:
            detail["proposal_id"] = _proposal["id"]
            detail["proposed_by"] = _proposal["proposed_by"]
        write_row(store, dossier_id, row, sets, version=version, action="dossier.status")
        cur = store.execute(
            "INSERT INTO dossier_events(dossier_id, at, officer_id, from_status, to_status, reason, detail) "
            "VALUES (?,?,?,?,?,?,?)",
            (dossier_id, when.isoformat(sep=" ", timespec="seconds"), store.actor.id, current, to_status, reason,
             json.dumps(detail, ensure_ascii=False)),
        )
        lapse_open_proposal(store, dossier_id, _proposal, cur.lastrowid)
        store.notify(Table.DOSSIERS, Kind.UPDATE, (dossier_id,))
        return store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))


def lapse_open_proposal(store: Store, dossier_id: int, approving: dict | None, event_id: int) -> None:
    """A move closes the dossier's open proposal: ``approved`` when it is the proposal being approved,
    else ``lapsed`` (the dossier went another way first)."""
    now = store.now_iso()
    if approving is not None:
        store.execute("UPDATE dossier_proposals SET decision = 'approved', decided_by = ?, decided_at = ?, "
                      "decision_note = ?, event_id = ? WHERE id = ? AND decision IS NULL",
                      (store.actor.id, now, approving.get("note"), event_id, approving["id"]))
    store.execute("UPDATE dossier_proposals SET decision = 'lapsed', decided_by = ?, decided_at = ?, event_id = ? "
                  "WHERE dossier_id = ? AND decision IS NULL", (store.actor.id, now, event_id, dossier_id))


def write_row(store: Store, dossier_id: int, old: dict, sets: dict, *, version: int, action: str) -> list[str]:
    """UPDATE the changed columns, bump ``version``, audit each changed column with the new version.

    Shared by every dossier writer so that ``dossier_history.changes_since`` can tell a stale form
    what moved on. ``updated_at`` is always the real time of writing (never a backdated event time):
    the incremental sync export selects rows by it.
    """
    changed = {k: v for k, v in sets.items() if old.get(k) != v}
    if not changed:
        return []
    full = {**changed, "updated_at": store.now_iso(), "version": version}
    store.execute(f"UPDATE dossiers SET {', '.join(f'{k} = ?' for k in full)} WHERE id = ?",
                  (*full.values(), dossier_id))
    for key, value in changed.items():
        if key == "search_text":
            continue
        store.audit(action, "dossier", dossier_id, field=key, old=old.get(key), new=value,
                    detail={"version": version})
    return [k for k in changed if k != "search_text"]


def refuse(store: Store, dossier_id: int, reason: str, *, expected_version: int | None = None) -> dict:
    return move(store, dossier_id, "refused", reason=reason, expected_version=expected_version)


def cancel(store: Store, dossier_id: int, reason: str, *, expected_version: int | None = None) -> dict:
    return move(store, dossier_id, "cancelled", reason=reason, expected_version=expected_version)


def events(store: Store, dossier_id: int) -> list[dict]:
    """Transitions, oldest first, with the officer's name and Vietnamese status labels."""
    rows = store.query(
        "SELECT e.id, e.at, e.from_status, e.to_status, e.reason, e.officer_id, o.full_name AS officer, "
        "e.detail, e.undo_of "
        "FROM dossier_events e JOIN officers o ON o.id = e.officer_id WHERE e.dossier_id = ? ORDER BY e.id",
        (dossier_id,),
    )
    for r in rows:
        r["from_label"] = STATUSES.get(r["from_status"], "") if r["from_status"] else ""
        r["to_label"] = STATUSES.get(r["to_status"], r["to_status"])
    return rows
