"""The dossier's history tab: every event (creation, edits, moves, checks, requests, the organization's
changes in the registry) as one line in words — field, old → new, reason — never raw data."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QVBoxLayout, QWidget

from models.core.store import Store
from models.dossiers import history as dossier_history
from models.dossiers import records as dossier_model
from models.dossiers import verification
from models.registry import units as units_mod
from models.registry.organizations import FIELD_LABELS as ORG_FIELD_LABELS
from models.registry.organizations import STATUSES as ORG_STATUSES
from models.text.vn_format import date_text, datetime_text
from ui.tables.tip_rows_model import TipRowsModel, detail_table

EXTRA_LABELS = {"verification_request": "Đề nghị xác minh", "verification_result": "Kết quả xác minh"}
DATE_FIELDS = ("due_date", "received_on", "verified_on", "issued_on", "activated_on", "closed_on",
               "established_on", "sent_on", "due_on", "answered_on")
DETAIL_LIMIT = 400  # characters shown in the cell; the tooltip has the whole line
HEADERS = ["Lúc", "Cán bộ", "Việc", "Chi tiết"]


def _cut(text: str) -> str:
    return text if len(text) <= DETAIL_LIMIT else text[: DETAIL_LIMIT - 1].rstrip() + "…"


def _json(value):
    if not isinstance(value, str) or not value.startswith(("{", "[")):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _value_text(field: str | None, value, kind: str, areas: dict | None = None) -> str:
    value = _json(value)
    if value in (None, "", [], {}):
        return "—"
    if kind == "organization" and field == "status":
        return ORG_STATUSES.get(value, value)
    if kind == "manual_check":
        return verification.MANUAL_RESULTS.get(value, value)
    if field in DATE_FIELDS:
        return date_text(value)
    if field == "received_at":
        return datetime_text(value)
    if field == "area_code" and areas:
        return areas.get(value, value)
    if field in ("needs_verification", "needs_verification_manual"):
        return "có" if value in (1, "1", True) else "không"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        labels = {**dossier_model.DECLARED_LABELS, **dossier_history.DOSSIER_FIELD_LABELS, **ORG_FIELD_LABELS,
                  "to_unit": "Đơn vị", "method": "Hình thức", "sent_on": "Ngày gửi", "due_on": "Hạn trả lời",
                  "number": "Số hồ sơ"}
        skip = {"uuid", "org_id", "online_ref", "declared", "papers"}
        parts = [f"{labels.get(k, k)}: {_value_text(k, v, kind, areas)}" for k, v in value.items()
                 if k not in skip and v not in (None, "", [], {})]
        if isinstance(value.get("papers"), list):
            parts.append(f"{len(value['papers'])} loại giấy tờ")
        return "; ".join(parts)
    return str(value)


def timeline_detail(e: dict, areas: dict | None = None) -> str:
    """One line of the timeline in words: field, old → new, reason (no raw JSON)."""
    kind, field = e.get("kind"), e.get("field")
    if kind == "manual_check":
        label = verification.MANUAL_CHECKS.get(field, field or "")
        detail = f"{label}: {_value_text(field, e.get('new'), kind)}"
    elif kind == "create" or (field is None and isinstance(_json(e.get("new")), dict)):
        detail = _value_text(None, e.get("new"), kind, areas)
    elif e.get("old") is None and isinstance(_json(e.get("new")), dict):
        label = EXTRA_LABELS.get(field) or e.get("label") or ""
        detail = f"{label}: {_value_text(None, e.get('new'), kind, areas)}".lstrip(": ")
    elif field:
        detail = (f"{EXTRA_LABELS.get(field) or e.get('label') or field}: "
                  f"{_value_text(field, e.get('old'), kind, areas)} → {_value_text(field, e.get('new'), kind, areas)}")
    else:
        detail = _value_text(None, e.get("new"), kind, areas) if e.get("new") else ""
    if e.get("reason"):
        detail = (detail + " · " if detail else "") + f"Lý do: {e['reason']}"
    return detail


class HistoryPanel(QWidget):
    """The timeline, newest first: a table (``timeline``) over ``model``; the event kind is each row's key."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.model = TipRowsModel(HEADERS)
        self.timeline = detail_table("timeline", self.model, (120, 170, 230), wrap=True)
        QVBoxLayout(self).addWidget(self.timeline)

    def fill(self, dossier_id: int) -> None:
        areas = units_mod.area_names(self.store)
        rows, kinds, tips = [], [], {}
        for r, e in enumerate(dossier_history.timeline(self.store, dossier_id)):
            detail = timeline_detail(e, areas)
            rows.append([datetime_text(e["at"]), e["officer"], e["title"], _cut(detail)])
            kinds.append(e["kind"])
            tips[(r, 2)] = e["title"]
            tips[(r, 3)] = detail
        self.model.set_rows(rows, kinds, tips=tips)
