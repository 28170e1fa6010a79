"""Targets (chỉ tiêu) per phase and group set, their baselines, and allocation to areas.

A target's figure for this unit (``effective_target``), in order of precedence:

1. ``unit_value`` — "Chỉ tiêu giao cho đơn vị", typed when the province hands down the unit's figure;
2. ``kind='percent'``: ceil(value % × baseline);
3. ``kind='absolute'`` with ``baseline_source='plan'``: ``value`` as written in the plan;
   with ``baseline_source='registry'``: value × registry count / plan_baseline rounded half up — the
   plan's ratio (e.g. 2,816 of 9,387, which is the plan's 30 %) applied to the unit's own registry.

The baseline is ``plan_baseline`` ('plan') or the number of organizations of the target's groups in
the registry ('registry'): not merged into another, not dissolved, ``first_seen`` on or before
``baseline_as_of`` when given. A registry baseline is **frozen** when the target is set
(``baseline_frozen``, taken by ``create_target`` and by ``update_target`` when the groups, the source
or the date change): importing a list never moves a target. When the registry's count no longer equals
the frozen one, ``baseline_changes`` lists the target and a leader decides with ``recompute_baseline``
(permission ``campaign.manage``, audited; a proportional allocation is redone with it). Allocation splits the figure over the unit's areas in proportion to each
area's registry baseline (largest remainder, so the parts add up exactly); hand edits follow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from models.campaigns.plans import get_campaign_row, parse_date
from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.registry.organizations import GROUP_SHORT, GROUPS
from models.text.normalize import clean
from models.text.vn_format import DASH, thousands
from models.text.vn_parse import parse_number

KINDS = {"absolute": "Số lượng", "percent": "Tỷ lệ %"}
BASELINE_SOURCES = {"plan": "Số trong kế hoạch", "registry": "Số tổ chức trong danh sách"}
TARGET_FIELDS = ("label", "groups", "kind", "value", "plan_baseline", "baseline_source", "baseline_as_of",
                 "unit_value", "cumulative", "note")
BASELINE_FIELDS = ("groups", "baseline_source", "baseline_as_of")  # what a registry baseline counts


# ---- groups -------------------------------------------------------------------------------------
def parse_groups(value) -> tuple[int, ...]:
    """'1,2' / [1, 2] / 1 → (1, 2); UserError for anything outside 1..4."""
    if isinstance(value, int):
        items = [value]
    elif isinstance(value, str):
        items = [p for p in value.replace("+", ",").replace(";", ",").split(",") if p.strip()]
    else:
        items = list(value or [])
    try:
        groups = tuple(sorted({int(str(g).strip()) for g in items}))
    except ValueError:
        raise UserError(f"Nhóm tổ chức «{value}» không hợp lệ: dùng số 1–4, cách nhau bởi dấu phẩy") from None
    if not groups or any(g not in GROUPS for g in groups):
        raise UserError(f"Nhóm tổ chức «{value}» không hợp lệ: dùng số 1–4, cách nhau bởi dấu phẩy")
    return groups


def format_groups(groups) -> str:
    return ",".join(str(g) for g in groups)


def group_label(groups) -> str:
    """(1, 2) → 'Doanh nghiệp + Hợp tác xã'."""
    return " + ".join(GROUP_SHORT[g] for g in groups)


# ---- registry baselines -----------------------------------------------------------------------
def unit_area_codes(store) -> list[str]:
    """The areas the unit covers (setting unit_id); all known areas if no unit is set."""
    unit_id = store.get_setting("unit_id")
    if unit_id is not None:
        rows = store.query("SELECT code FROM areas WHERE unit_id = ? ORDER BY name_fold, code", (unit_id,))
        if rows:
            return [r["code"] for r in rows]
    return [r["code"] for r in store.query("SELECT code FROM areas ORDER BY name_fold, code")]


def _registry_where(groups, as_of) -> tuple[str, list]:
    where = (f"grp IN ({','.join('?' * len(groups))}) AND merged_into IS NULL AND status <> 'dissolved'")
    params: list = list(groups)
    if as_of:
        where += " AND substr(first_seen, 1, 10) <= ?"
        params.append(str(as_of)[:10])
    return where, params


def registry_count(store, groups, as_of=None) -> int:
    groups = parse_groups(groups)
    if not as_of:   # live counts kept by triggers (m004 registry_counts)
        return store.scalar(f"SELECT COALESCE(SUM(n), 0) FROM registry_counts WHERE grp IN ({format_groups(groups)})")
    where, params = _registry_where(groups, as_of)
    return store.scalar(f"SELECT COUNT(*) FROM organizations WHERE {where}", params) or 0


def registry_counts_by_area(store, groups, as_of=None) -> dict[str, int]:
    groups = parse_groups(groups)
    if not as_of:
        rows = store.execute(
            f"SELECT area_code, SUM(n) FROM registry_counts WHERE grp IN ({format_groups(groups)}) AND area_code <> ''"
            " GROUP BY area_code").fetchall()
        return {code: n for code, n in rows if n}
    where, params = _registry_where(groups, as_of)
    rows = store.execute(
        f"SELECT area_code, COUNT(*) FROM organizations WHERE {where} AND area_code IS NOT NULL GROUP BY area_code",
        params,
    ).fetchall()
    return {code: n for code, n in rows}


# ---- CRUD -----------------------------------------------------------------------------------------
def _number(value, what: str, *, integer: bool = False):
    """A typed figure (``vn_parse.parse_number``: "1.500", "12,5%"); UserError naming the field otherwise."""
    try:
        number = parse_number(value, integer=integer)
    except UserError:
        raise UserError(f"{what}: «{value}» không phải là số") from None
    if number is None:
        return None
    if not integer:
        number = float(number)
    if number < 0:
        raise UserError(f"{what} không được âm")
    return number


def _target_values(data: dict) -> dict:
    groups = parse_groups(data.get("groups"))
    kind = data.get("kind") or "absolute"
    if kind not in KINDS:
        raise UserError(f"Loại chỉ tiêu «{kind}» không hợp lệ (absolute, percent)")
    source = data.get("baseline_source") or "plan"
    if source not in BASELINE_SOURCES:
        raise UserError(f"Nguồn số gốc «{source}» không hợp lệ (plan, registry)")
    values = {
        "label": clean(data.get("label") or "") or group_label(groups),
        "groups": format_groups(groups),
        "kind": kind,
        "value": _number(data.get("value"), "Giá trị chỉ tiêu"),
        "plan_baseline": _number(data.get("plan_baseline"), "Số gốc trong kế hoạch", integer=True),
        "baseline_source": source,
        "baseline_as_of": parse_date(data.get("baseline_as_of"), "Ngày chốt danh sách"),
        "unit_value": _number(data.get("unit_value"), "Chỉ tiêu giao cho đơn vị", integer=True),
        "cumulative": 1 if data.get("cumulative", True) else 0,
        "note": clean(data.get("note") or "") or None,
    }
    if kind == "percent" and values["value"] is not None and values["value"] > 100:
        raise UserError(f"Chỉ tiêu «{values['label']}»: tỷ lệ không được quá 100%")
    if kind == "absolute" and source == "registry" and values["value"] is not None and not values["plan_baseline"]:
        raise UserError(
            f"Chỉ tiêu «{values['label']}»: muốn quy đổi theo danh sách của đơn vị, cần số gốc trong kế hoạch "
            "(ví dụ 2.816/9.387: nhập 9387)"
        )
    if (kind == "absolute" and source == "plan" and values["value"] is not None and values["plan_baseline"]
            and values["value"] > values["plan_baseline"]):
        raise UserError(f"Chỉ tiêu «{values['label']}»: {values['value']:g} lớn hơn số gốc {values['plan_baseline']}")
    return values


def _frozen(store, values: dict) -> int | None:
    """The registry baseline to freeze for a target with these values (None: its baseline is the plan's)."""
    if values["baseline_source"] != "registry":
        return None
    return registry_count(store, values["groups"], values["baseline_as_of"])


def create_target(store, phase_id: int, data: dict) -> int:
    require(store, "campaign.manage")
    phase = store.query_one("SELECT * FROM campaign_phases WHERE id = ?", (phase_id,))
    if phase is None:
        raise UserError(f"Không có giai đoạn số {phase_id}")
    values = _target_values(data)
    with store.atomic():
        position = store.scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM campaign_targets WHERE phase_id = ?",
                                (phase_id,))
        frozen = _frozen(store, values)
        cur = store.execute(
            "INSERT INTO campaign_targets(campaign_id, phase_id, position, " + ", ".join(TARGET_FIELDS)
            + ", baseline_frozen, baseline_frozen_at) VALUES (?,?,?," + ",".join("?" * len(TARGET_FIELDS)) + ",?,?)",
            (phase["campaign_id"], phase_id, position, *[values[k] for k in TARGET_FIELDS], frozen,
             store.now_iso() if frozen is not None else None),
        )
        store.audit("campaign.target_add", "campaign_target", cur.lastrowid,
                    detail={**values, "baseline_frozen": frozen})
        store.notify(Table.CAMPAIGN_TARGETS, Kind.INSERT, (cur.lastrowid,))
    return cur.lastrowid


def update_target(store, target_id: int, data: dict) -> None:
    require(store, "campaign.manage")
    old = get_target(store, target_id)
    merged = {k: old[k] for k in TARGET_FIELDS}
    merged.update({k: v for k, v in data.items() if k in TARGET_FIELDS})
    values = _target_values(merged)
    # The frozen registry baseline is taken again only when what it counts changes (groups, source, date):
    # editing the value or the unit's figure keeps the count the target was set with.
    refreeze = (any(values[k] != old[k] for k in BASELINE_FIELDS)
                or (values["baseline_source"] == "registry" and old["baseline_frozen"] is None))
    frozen = _frozen(store, values) if refreeze else old["baseline_frozen"]
    frozen_at = (store.now_iso() if frozen is not None else None) if refreeze else old["baseline_frozen_at"]
    with store.atomic():
        store.execute("UPDATE campaign_targets SET " + ", ".join(f"{k} = ?" for k in TARGET_FIELDS)
                      + ", baseline_frozen = ?, baseline_frozen_at = ? WHERE id = ?",
                      (*[values[k] for k in TARGET_FIELDS], frozen, frozen_at, target_id))
        store.audit_changes("campaign_target", target_id,
                            {**{k: old[k] for k in TARGET_FIELDS}, "baseline_frozen": old["baseline_frozen"]},
                            {**values, "baseline_frozen": frozen}, "campaign.target_update")
        store.notify(Table.CAMPAIGN_TARGETS, Kind.UPDATE, (target_id,))


def delete_target(store, target_id: int) -> None:
    require(store, "campaign.manage")
    old = get_target(store, target_id)
    with store.atomic():
        store.execute("DELETE FROM campaign_targets WHERE id = ?", (target_id,))
        store.audit("campaign.target_delete", "campaign_target", target_id, old=old)
        store.notify(Table.CAMPAIGN_TARGETS, Kind.DELETE, (target_id,))


def get_target(store, target_id: int) -> dict:
    row = store.query_one("SELECT * FROM campaign_targets WHERE id = ?", (target_id,))
    if row is None:
        raise UserError(f"Không có chỉ tiêu số {target_id}")
    return row


def list_targets(store, campaign_id: int) -> list[dict]:
    get_campaign_row(store, campaign_id)
    return store.query(
        "SELECT t.* FROM campaign_targets t JOIN campaign_phases p ON p.id = t.phase_id WHERE t.campaign_id = ?"
        " ORDER BY p.start_on, p.kind = 'phase', p.position, t.position, t.id",
        (campaign_id,),
    )


# ---- the figure -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EffectiveTarget:
    value: int | None       # None: not enough data (e.g. a percentage of a baseline not yet entered)
    baseline: int | None
    source: str             # 'unit' | 'computed'


def effective_target(store, target: dict, *, registry_counts: dict | None = None,
                     live: bool = False) -> EffectiveTarget:
    """The target's figure for this unit (see module docstring). A registry baseline is the frozen count
    (``live=True``: the registry's count now, what a recomputation would give). ``registry_counts``
    caches {(groups_text, as_of): count} across calls."""
    baseline = target["plan_baseline"]
    frozen = target.get("baseline_frozen")
    if target["baseline_source"] == "registry" and frozen is not None and not live:
        baseline = frozen
    elif target["baseline_source"] == "registry":
        key = (target["groups"], target["baseline_as_of"])
        if registry_counts is not None and key in registry_counts:
            baseline = registry_counts[key]
        else:
            baseline = registry_count(store, target["groups"], target["baseline_as_of"])
            if registry_counts is not None:
                registry_counts[key] = baseline
    if target["unit_value"] is not None:
        return EffectiveTarget(int(target["unit_value"]), baseline, "unit")
    value = target["value"]
    if value is None:
        return EffectiveTarget(None, baseline, "computed")
    if target["kind"] == "percent":
        if baseline is None:
            return EffectiveTarget(None, None, "computed")
        return EffectiveTarget(ceil_exact(value * baseline / 100), baseline, "computed")
    if target["baseline_source"] == "plan":
        return EffectiveTarget(int(round(value)), baseline, "computed")
    return EffectiveTarget(round_half_up(value * baseline / target["plan_baseline"]), baseline, "computed")


# ---- the baseline changed: recompute? -----------------------------------------------------------------
@dataclass(frozen=True)
class BaselineChange:
    """A target whose frozen registry baseline no longer equals the registry's count."""

    target_id: int
    label: str
    phase_name: str
    frozen: int
    current: int
    value: int | None        # the target now (from the frozen baseline)
    recomputed: int | None   # the target a recomputation would give

    @property
    def text(self) -> str:
        """One line for the leader: "Giai đoạn 2 — Doanh nghiệp: số gốc 1.776 → 1.790, chỉ tiêu 1.243 → 1.253"."""
        line = f"{self.phase_name} — {self.label}: số tổ chức trong danh sách {thousands(self.frozen)} → " \
               f"{thousands(self.current)}"
        if self.value != self.recomputed:
            line += f", chỉ tiêu {thousands(self.value, DASH)} → {thousands(self.recomputed, DASH)}"
        return line


def baseline_changes(store, campaign_id: int, *, as_of=None) -> list[BaselineChange]:
    """Targets of phases not yet over (on ``as_of``, default today) whose registry baseline changed since
    it was frozen. A finished phase keeps its target: its result is final."""
    day = str(as_of or store.today())[:10]
    rows = store.query(
        "SELECT t.*, p.name AS phase_name FROM campaign_targets t JOIN campaign_phases p ON p.id = t.phase_id"
        " WHERE t.campaign_id = ? AND t.baseline_source = 'registry' AND t.baseline_frozen IS NOT NULL"
        " AND p.end_on >= ? ORDER BY p.start_on, p.position, t.position, t.id", (campaign_id, day))
    out, cache = [], {}
    for t in rows:
        now = effective_target(store, t, registry_counts=cache, live=True)
        if now.baseline == t["baseline_frozen"]:
            continue
        out.append(BaselineChange(t["id"], t["label"], t["phase_name"], t["baseline_frozen"], now.baseline,
                                  effective_target(store, t).value, now.value))
    return out


def recompute_baseline(store, target_id: int) -> dict:
    """The leader's answer to "the baseline changed, recompute?": freeze the registry's count now, and redo
    the allocation when it was proportional (no hand-edited share); returns what changed."""
    require(store, "campaign.manage")
    target = get_target(store, target_id)
    if target["baseline_source"] != "registry":
        raise UserError(f"Chỉ tiêu «{target['label']}» lấy số gốc theo kế hoạch, không theo danh sách tổ chức.")
    before = effective_target(store, target)
    count = registry_count(store, target["groups"], target["baseline_as_of"])
    with store.atomic():
        store.execute("UPDATE campaign_targets SET baseline_frozen = ?, baseline_frozen_at = ? WHERE id = ?",
                      (count, store.now_iso(), target_id))
        after = effective_target(store, get_target(store, target_id))
        store.audit("campaign.baseline_recompute", "campaign_target", target_id, field="baseline_frozen",
                    old=target["baseline_frozen"], new=count,
                    detail={"target_before": before.value, "target_after": after.value})
        store.notify(Table.CAMPAIGN_TARGETS, Kind.UPDATE, (target_id,))
        shares = store.query("SELECT edited FROM target_allocations WHERE target_id = ?", (target_id,))
        reallocated = bool(shares) and not any(r["edited"] for r in shares) and after.value is not None
        if reallocated:
            allocate_proportionally(store, target_id)
    return {"target_id": target_id, "baseline_before": target["baseline_frozen"], "baseline_after": count,
            "target_before": before.value, "target_after": after.value, "reallocated": reallocated,
            "allocation_kept": bool(shares) and not reallocated}


def recompute_baselines(store, campaign_id: int, *, as_of=None) -> list[dict]:
    """Recompute every target ``baseline_changes`` lists, in one transaction."""
    require(store, "campaign.manage")
    with store.atomic():
        return [recompute_baseline(store, c.target_id) for c in baseline_changes(store, campaign_id, as_of=as_of)]


def round_half_up(x: float) -> int:
    """Plan ratios are rounded, not raised: 6,571/9,387 is the plan's 70 %, so 70 % of 40 is 28, not 29."""
    return math.floor(round(x, 6) + 0.5)


def ceil_exact(x: float) -> int:
    """Ceiling that ignores float noise (20 % of 1,415 = 283.00000000000006 → 283)."""
    return math.ceil(round(x, 6))


# ---- allocation ---------------------------------------------------------------------------------
def largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights``; parts are integers summing exactly to total.
    Ties on the remainder go to the larger weight, then to the key order (stable, reproducible)."""
    if total < 0:
        raise UserError("Chỉ tiêu cần phân bổ không được âm")
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        raise UserError("Không thể phân bổ theo tỷ lệ: các địa bàn chưa có tổ chức nào trong danh sách")
    quotas = {k: total * w / weight_sum for k, w in weights.items()}
    parts = {k: math.floor(round(q, 9)) for k, q in quotas.items()}
    left = total - sum(parts.values())
    order = sorted(weights, key=lambda k: (-(quotas[k] - parts[k]), -weights[k], list(weights).index(k)))
    for key in order[:left]:
        parts[key] += 1
    return parts


def allocate_proportionally(store, target_id: int) -> dict[str, int]:
    """Replace the target's allocations by a proportional split over the unit's areas."""
    require(store, "campaign.manage")
    target = get_target(store, target_id)
    figure = effective_target(store, target).value
    if figure is None:
        raise UserError(f"Chỉ tiêu «{target['label']}» chưa có số lượng, chưa thể phân bổ")
    as_of = target["baseline_as_of"]
    counts = registry_counts_by_area(store, target["groups"], as_of)
    areas = unit_area_codes(store)
    weights = {code: counts.get(code, 0) for code in areas}
    parts = largest_remainder(figure, weights)
    with store.atomic():
        store.execute("DELETE FROM target_allocations WHERE target_id = ?", (target_id,))
        store.table("target_allocations").insert_all(
            [{"target_id": target_id, "area_code": code, "value": v, "edited": 0} for code, v in parts.items()]
        )
        store.audit("campaign.allocate", "campaign_target", target_id, detail={"total": figure, "parts": parts})
        store.notify(Table.TARGET_ALLOCATIONS, Kind.UPDATE, (target_id,))
    return parts


def set_allocation(store, target_id: int, area_code: str, value) -> None:
    """Hand edit of one area's share (the sum is shown against the target, not forced)."""
    require(store, "campaign.manage")
    get_target(store, target_id)
    number = _number(value, "Chỉ tiêu của địa bàn", integer=True)
    if store.scalar("SELECT 1 FROM areas WHERE code = ?", (area_code,)) is None:
        raise UserError(f"Không có địa bàn mã {area_code}")
    old = store.scalar("SELECT value FROM target_allocations WHERE target_id = ? AND area_code = ?",
                       (target_id, area_code))
    with store.atomic():
        if number is None:
            store.execute("DELETE FROM target_allocations WHERE target_id = ? AND area_code = ?",
                          (target_id, area_code))
        else:
            store.table("target_allocations").upsert(
                {"target_id": target_id, "area_code": area_code, "value": number, "edited": 1},
                pk=("target_id", "area_code"))
        store.audit("campaign.allocation_edit", "campaign_target", target_id, field=area_code, old=old, new=number)
        store.notify(Table.TARGET_ALLOCATIONS, Kind.UPDATE, (target_id,))


def allocations(store, target_id: int) -> dict[str, int]:
    return {r[0]: r[1] for r in store.execute(
        "SELECT area_code, value FROM target_allocations WHERE target_id = ?", (target_id,))}


def allocation_table(store, target_id: int) -> dict:
    """What the allocation editor shows: one row per area of the unit, the sum and the difference."""
    target = get_target(store, target_id)
    figure = effective_target(store, target).value
    counts = registry_counts_by_area(store, target["groups"], target["baseline_as_of"])
    current = {r["area_code"]: r for r in store.query(
        "SELECT area_code, value, edited FROM target_allocations WHERE target_id = ?", (target_id,))}
    names = {r["code"]: r["name"] for r in store.query("SELECT code, name FROM areas")}
    codes = unit_area_codes(store)
    codes += [c for c in current if c not in codes]
    rows = [{
        "area_code": code,
        "area_name": names.get(code, code),
        "baseline": counts.get(code, 0),
        "value": current[code]["value"] if code in current else None,
        "edited": bool(current[code]["edited"]) if code in current else False,
    } for code in codes]
    total = sum(r["value"] or 0 for r in rows)
    return {"target": figure, "rows": rows, "sum": total,
            "difference": None if figure is None else total - figure}
