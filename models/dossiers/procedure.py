"""The leader's part of the procedure: proposals to issue or refuse, their approval, and undoing a move.

* An intake officer may not issue an account or refuse a dossier (``dossier.issue`` / ``dossier.refuse``
  are the leader's). He **proposes** the move (``propose``, permission ``dossier.propose``) with what it
  needs (account identifier and date, or the reason); the dossier then shows «chờ chỉ huy duyệt» and is
  listed in the worklist «Chờ duyệt». One open proposal per dossier.
* The leader **approves** (``approve``: the move is made in his name, its event names the proposal and the
  officer who proposed it) or **rejects** it with a note (``reject``). A leader may also move directly.
  Any other move of the dossier first (e.g. a cancellation) closes the proposal as ``lapsed``.
* A wrong move is **undone** by the leader with a reason (``undo_last``, permission ``dossier.undo``): the
  dossier goes back to the status and the dates it had; the history keeps the wrong move and appends the
  undo as one more event (``dossier_events`` is append-only, ``undo_of`` names the event reversed). The
  progress counts follow (their triggers watch the status and the dates).
"""

from __future__ import annotations

import datetime as dt
import json

from models.core.changes import Kind, Table
from models.core.errors import StaleEdit, UserError
from models.core.permissions import can, require
from models.core.store import Store
from models.dossiers import status as dossier_status
from models.dossiers.calendar import as_date
from models.dossiers.history import changes_since
from models.dossiers.states import (
    APPROVAL_REQUIRED,
    APPROVE_PERMISSION,
    DECISION_LABELS,
    PROPOSAL_LABELS,
    PROPOSE_PERMISSION,
    STATUSES,
    UNDO_PERMISSION,
    can_move,
    permission_for,
)
from models.text.normalize import clean

_PROPOSAL_SQL = (
    "SELECT p.*, o.full_name AS proposed_by_name, x.full_name AS decided_by_name FROM dossier_proposals p "
    "JOIN officers o ON o.id = p.proposed_by LEFT JOIN officers x ON x.id = p.decided_by ")


def _decode(row: dict | None) -> dict | None:
    if row is not None:
        row["detail"] = json.loads(row.get("detail") or "{}")
        row["label"] = PROPOSAL_LABELS.get(row["to_status"], row["to_status"])
    return row


def open_proposal(store: Store, dossier_id: int) -> dict | None:
    """The dossier's proposal waiting for the leader, or None."""
    require(store, "dossier.view")
    return _decode(store.query_one(_PROPOSAL_SQL + "WHERE p.dossier_id = ? AND p.decision IS NULL", (dossier_id,)))


def proposals(store: Store, dossier_id: int) -> list[dict]:
    """Every proposal of the dossier, oldest first."""
    require(store, "dossier.view")
    return [_decode(r) for r in store.query(_PROPOSAL_SQL + "WHERE p.dossier_id = ? ORDER BY p.id", (dossier_id,))]


def proposable_targets(store: Store, status: str) -> list[str]:
    """Moves from ``status`` the acting officer may not make but may propose (intake officers)."""
    role = dossier_status.actor_role(store)
    if not can(role, PROPOSE_PERMISSION):
        return []
    return [t for t in APPROVAL_REQUIRED if can_move(status, t) and not can(role, permission_for(t))]


def _check_details(to_status: str, reason: str | None, account_id: str | None) -> None:
    if to_status == "refused" and not reason:
        raise UserError("Hãy ghi lý do từ chối (sẽ báo cho người nộp)")
    if to_status == "issued" and not account_id:
        raise UserError("Hãy ghi định danh của tài khoản đã cấp")


def propose(store: Store, dossier_id: int, to_status: str, *, reason: str | None = None,
            account_id: str | None = None, account_date: dt.date | str | None = None,
            expected_version: int | None = None) -> int:
    """An intake officer proposes to issue (with the account identifier and date) or to refuse (with the
    reason); returns the proposal id. The dossier keeps its status until the leader decides."""
    if to_status not in APPROVAL_REQUIRED:
        raise UserError(f"Chỉ đề xuất được cấp tài khoản hoặc từ chối, không đề xuất «{STATUSES.get(to_status, to_status)}»")
    require(store, PROPOSE_PERMISSION)
    reason, account_id = clean(reason) or None, clean(account_id) or None
    _check_details(to_status, reason, account_id)
    detail: dict = {}
    if to_status == "issued":
        detail = {"account_id": account_id,
                  "account_date": as_date(account_date or store.today()).isoformat()}
    with store.atomic():
        row = _dossier(store, dossier_id, expected_version)
        if not can_move(row["status"], to_status):
            raise UserError(f"Hồ sơ {row['number']} đang ở trạng thái «{STATUSES[row['status']]}», không đề xuất "
                            f"chuyển sang «{STATUSES[to_status]}» được.")
        if store.scalar("SELECT 1 FROM dossier_proposals WHERE dossier_id = ? AND decision IS NULL", (dossier_id,)):
            raise UserError(f"Hồ sơ {row['number']} đã có một đề xuất đang chờ chỉ huy duyệt")
        cur = store.execute(
            "INSERT INTO dossier_proposals(dossier_id, from_status, to_status, reason, detail, proposed_by, proposed_at) "
            "VALUES (?,?,?,?,?,?,?)",
            (dossier_id, row["status"], to_status, reason, json.dumps(detail, ensure_ascii=False), store.actor.id,
             store.now_iso()))
        proposal_id = cur.lastrowid
        store.audit("dossier.propose", "dossier", dossier_id, field="proposal", new=to_status,
                    detail={"proposal_id": proposal_id, "reason": reason, **detail})
        store.notify(Table.DOSSIERS, Kind.UPDATE, (dossier_id,))
    return proposal_id


def _dossier(store: Store, dossier_id: int, expected_version: int | None) -> dict:
    row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))
    if row is None:
        raise UserError(f"Không tìm thấy hồ sơ số {dossier_id}")
    if expected_version is not None and row["version"] != expected_version:
        raise StaleEdit(
            f"Hồ sơ {row['number']} đã được người khác cập nhật sau khi anh/chị mở "
            f"(phiên bản {expected_version} → {row['version']}). Hãy mở lại hồ sơ.",
            changed=changes_since(store, dossier_id, expected_version))
    return row


def _proposal(store: Store, proposal_id: int) -> dict:
    row = _decode(store.query_one(_PROPOSAL_SQL + "WHERE p.id = ?", (proposal_id,)))
    if row is None:
        raise UserError(f"Không tìm thấy đề xuất số {proposal_id}")
    if row["decision"] is not None:
        raise UserError(f"Đề xuất này đã được xử lý ({DECISION_LABELS[row['decision']].lower()})")
    return row


def approve(store: Store, proposal_id: int, *, note: str | None = None) -> dict:
    """The leader approves: the proposed move is made in his name; returns the updated dossier row."""
    require(store, APPROVE_PERMISSION)
    with store.atomic():
        p = _proposal(store, proposal_id)
        p["note"] = clean(note) or None
        detail = p["detail"]
        return dossier_status.move(store, p["dossier_id"], p["to_status"], reason=p["reason"],
                                   account_id=detail.get("account_id"), account_date=detail.get("account_date"),
                                   _proposal=p)


def reject(store: Store, proposal_id: int, note: str) -> None:
    """The leader does not approve (with a note the officer reads); the dossier stays where it is."""
    require(store, APPROVE_PERMISSION)
    note = clean(note)
    if not note:
        raise UserError("Hãy ghi lý do không duyệt đề xuất")
    with store.atomic():
        p = _proposal(store, proposal_id)
        store.execute("UPDATE dossier_proposals SET decision = 'rejected', decided_by = ?, decided_at = ?, "
                      "decision_note = ? WHERE id = ?", (store.actor.id, store.now_iso(), note, proposal_id))
        store.audit("dossier.proposal_rejected", "dossier", p["dossier_id"], field="proposal", old=p["to_status"],
                    detail={"proposal_id": proposal_id, "note": note})
        store.notify(Table.DOSSIERS, Kind.UPDATE, (p["dossier_id"],))


# ---- undo ------------------------------------------------------------------------------------------
def undoable_event(store: Store, dossier_id: int) -> dict | None:
    """The move an undo would reverse: the dossier's last event, unless it is the intake itself or
    already an undo."""
    row = store.query_one("SELECT * FROM dossier_events WHERE dossier_id = ? ORDER BY id DESC LIMIT 1", (dossier_id,))
    if row is None or row["from_status"] is None or row["undo_of"] is not None:
        return None
    row["detail"] = json.loads(row.get("detail") or "{}")
    return row


def _before_of(event: dict) -> dict:
    """The columns as they were before ``event``: recorded since m016; for older events, what the move
    set is cleared (the dates and reasons it wrote)."""
    if "before" in event["detail"]:
        before = dict(event["detail"]["before"])
        before.setdefault("status", event["from_status"])
        return before
    cleared = {"verified": ("verified_on",), "issued": ("issued_on", "closed_on", "account_id"),
               "activated": ("activated_on",), "refused": ("refusal_reason", "closed_on"),
               "cancelled": ("cancel_reason", "closed_on")}
    return {"status": event["from_status"], **{k: None for k in cleared.get(event["to_status"], ())}}


def undo_last(store: Store, dossier_id: int, reason: str, *, expected_version: int | None = None) -> dict:
    """The leader undoes the dossier's last move (with a reason): status and the columns the move set go
    back; one event is appended (``undo_of``), the wrong move stays in the history. Returns the row."""
    require(store, UNDO_PERMISSION)
    reason = clean(reason)
    if not reason:
        raise UserError("Hãy ghi lý do hoàn tác")
    with store.atomic():
        row = _dossier(store, dossier_id, expected_version)
        event = undoable_event(store, dossier_id)
        if event is None:
            raise UserError(f"Hồ sơ {row['number']} không có lần chuyển trạng thái nào để hoàn tác")
        if event["to_status"] != row["status"]:
            raise UserError(f"Hồ sơ {row['number']} không còn ở trạng thái của lần chuyển cuối; không hoàn tác được")
        before = _before_of(event)
        sets = {k: v for k, v in before.items() if k in dossier_status.MOVE_COLUMNS}
        version = row["version"] + 1
        dossier_status.write_row(store, dossier_id, row, sets, version=version, action="dossier.undo")
        detail = {"undo_of": event["id"], "before": {k: row.get(k) for k in sets if row.get(k) != sets[k]}}
        store.execute(
            "INSERT INTO dossier_events(dossier_id, at, officer_id, from_status, to_status, reason, detail, undo_of) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (dossier_id, store.now_iso(), store.actor.id, row["status"], sets["status"], reason,
             json.dumps(detail, ensure_ascii=False), event["id"]))
        # A proposal waiting on the state being left is no longer valid.
        store.execute("UPDATE dossier_proposals SET decision = 'lapsed', decided_by = ?, decided_at = ? "
                      "WHERE dossier_id = ? AND decision IS NULL", (store.actor.id, store.now_iso(), dossier_id))
        store.notify(Table.DOSSIERS, Kind.UPDATE, (dossier_id,))
        return store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))
