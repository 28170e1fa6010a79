"""Reports of periods before 1 July 2025 name the communes as they were then (issue 13, item 5).

The figures are counted by the current communes (the areas table holds only those). For a period that
ends before the merger, each area row's label lists the old communes that went into it and the current
name after them, "P. Vĩnh Thanh Vân, P. Vĩnh Thanh, … (nay: Phường Rạch Giá)", as the report would have
been written then. Setting ``report_division_names`` (Quản trị › Cài đặt): "current" (the default: always
the current names, as the demo and the reports issued so far) or "auto" (by period: old names before the
merger); ``set_division_names`` changes it. Reports already issued keep the labels they were issued with.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from models.core.errors import UserError
from models.core.permissions import require
from models.core.store import Store
from models.registry import divisions
from models.reports.figures import FigureRow

SETTING = "report_division_names"
MODES = {"current": "Luôn ghi tên xã, phường hiện hành",
         "auto": "Theo kỳ báo cáo (kỳ trước 01/07/2025 ghi tên xã, phường cũ)"}
_SHORT = (("Thị trấn ", "TT. "), ("Phường ", "P. "), ("Xã ", "X. "))


def division_names(store: Store) -> str:
    mode = store.get_setting(SETTING) or "current"
    return mode if mode in MODES else "current"


def set_division_names(store: Store, mode: str) -> None:
    require(store, "settings.manage")
    if mode not in MODES:
        raise UserError(f"Cách ghi tên địa bàn phải là {' hoặc '.join(MODES)} (không phải «{mode}»)")
    store.set_setting(SETTING, mode)


def uses_old_names(store: Store, period_end: dt.date) -> bool:
    return division_names(store) == "auto" and divisions.is_before_merger(period_end)


def _short(name: str) -> str:
    for long, short in _SHORT:
        if name.startswith(long):
            return short + name[len(long):]
    return name


def old_label(code: str, label: str) -> str:
    """"P. Vĩnh Thanh Vân, P. Vĩnh Thanh (một phần) (nay: Phường Rạch Giá)"; ``label`` unchanged for an
    area that is not an official current commune or kept its only old commune's name."""
    try:
        sources = divisions.old_sources(code)
    except (UserError, ValueError):
        return label
    if not sources:
        return label
    names = list(dict.fromkeys(_short(w.name) + (" (một phần)" if w.split else "") for w in sources))
    if len(sources) == 1 and sources[0].name == label:
        return label
    return f"{', '.join(names)} (nay: {label})"


def with_old_names(store: Store, rows: list[FigureRow], period_end: dt.date) -> list[FigureRow]:
    """``rows`` relabelled with the old communes when the period ends before 1 July 2025 (setting "auto")."""
    if not uses_old_names(store, period_end):
        return rows
    return [dataclasses.replace(r, label=old_label(r.key, r.label)) if r.key.isdigit() else r for r in rows]
