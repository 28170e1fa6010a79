"""Enterprises' registration schedules (seed 004, Appendix 2) and mobile intake sessions.

``enterprise_schedules`` come from the enterprises' lists (``import-people --kind schedule``); an intake
session (``intake_sessions``) is a mobile team's visit to a commune, an agency or an enterprise. The
intake issue logs dossiers against sessions; this module creates and lists them.
"""

from __future__ import annotations

import datetime as dt
import json

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.text.normalize import clean

SESSION_STATUSES = {"planned": "Đã lên lịch", "held": "Đã thực hiện", "cancelled": "Đã huỷ"}


def schedules_between(store: Store, start: dt.date, end: dt.date) -> list[dict]:
    """Enterprise schedules from ``start`` to ``end`` (inclusive), by date and time."""
    require(store, "people.view")
    return store.query(
        "SELECT s.*, o.name AS org_name, o.tax_code FROM enterprise_schedules s JOIN organizations o ON o.id = s.org_id "
        "WHERE s.scheduled_on BETWEEN ? AND ? ORDER BY s.scheduled_on, s.scheduled_time, o.name_key",
        (start.isoformat(), end.isoformat()))


def create_session(store: Store, *, held_on: dt.date, area_code: str | None = None, agency_id: int | None = None,
                   org_id: int | None = None, start_time: str | None = None, end_time: str | None = None,
                   place: str | None = None, team: list[str] | None = None, expected_people: int | None = None,
                   notes: str | None = None) -> int:
    """A planned mobile intake session (for a commune, an agency or an enterprise: at least one)."""
    require(store, "people.edit")
    if area_code is None and agency_id is None and org_id is None:
        raise UserError("Buổi thu nhận lưu động phải ghi xã/phường, cơ quan hoặc doanh nghiệp")
    if expected_people is not None and expected_people < 0:
        raise UserError("Số người dự kiến không được âm")
    with store.atomic():
        now = store.now_iso()
        cur = store.execute(
            "INSERT INTO intake_sessions(uuid, area_code, agency_id, org_id, held_on, start_time, end_time, place, "
            "team, expected_people, notes, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (store.new_uuid(), area_code, agency_id, org_id, held_on.isoformat(), start_time, end_time,
             clean(place) or None, json.dumps([clean(t) for t in team or [] if clean(t)], ensure_ascii=False),
             expected_people, clean(notes) or None, now, now))
        session_id = cur.lastrowid
        store.audit("intake_session.create", "intake_session", session_id,
                    detail={"held_on": held_on.isoformat(), "area_code": area_code, "agency_id": agency_id,
                            "org_id": org_id})
        store.notify(Table.INTAKE_SESSIONS, Kind.INSERT, (session_id,))
    return session_id


def sessions_between(store: Store, start: dt.date, end: dt.date) -> list[dict]:
    require(store, "people.view")
    rows = store.query(
        "SELECT s.*, ar.name AS area_name, ag.name AS agency_name, o.name AS org_name FROM intake_sessions s "
        "LEFT JOIN areas ar ON ar.code = s.area_code LEFT JOIN agencies ag ON ag.id = s.agency_id "
        "LEFT JOIN organizations o ON o.id = s.org_id WHERE s.held_on BETWEEN ? AND ? "
        "ORDER BY s.held_on, s.start_time", (start.isoformat(), end.isoformat()))
    for row in rows:
        row["team"] = json.loads(row["team"] or "[]")
    return rows
