"""Citizens' targets (chỉ tiêu): what is counted, among whom, the baseline, and allocation to communes,
villages, area officers and agencies (docs/progress.md, "Citizens").

A citizens' campaign is a row of ``campaigns`` with ``subject_type = 'person'`` (``create_campaign``);
its phases are the organizations' ``campaign_phases``; its targets live in ``citizen_targets`` (m021).
The figure of a target for this unit (``target_value``), in order of precedence:

1. ``unit_value`` — the figure the province handed down, typed;
2. ``kind='percent'``: ceil(value % × baseline);
3. ``kind='absolute'`` with a person baseline and a ``plan_baseline``: the plan's ratio applied to the
   unit's own baseline, value × baseline / plan_baseline rounded half up (264,720 activations of
   Ninh Thuận's 319,284 accounts becomes the same share of the unit's eligible residents);
4. otherwise ``value`` as written.

Baselines: 'eligible' residents aged 14 and over on ``baseline_as_of`` (default: the campaign's first day;
a resident without a birth date counts as eligible — he is on the residents' list), 'not_activated'
those of them not activated on that day, 'staff' the staff lists of the agencies (scope 'agencies':
every agency not of type 'enterprise'; 'enterprises': those of type 'enterprise'), 'plan' the plan's
number. ``allocate`` freezes the baseline and splits the figure by largest remainder (parts add up
exactly): over the scope's communes in proportion to their baseline, then each commune's share over its
villages; over agencies in proportion to their staff. An area officer's target is the sum of his
villages' shares (a whole-commune assignment takes the commune's share) unless one was typed.
"""

from __future__ import annotations

import datetime as dt

from models.campaigns.plans import get_campaign_row, parse_date
from models.campaigns.targets import ceil_exact, largest_remainder, round_half_up, unit_area_codes
from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import require
from models.people.persons import eligible_born_on_or_before
from models.text.normalize import clean, fold
from models.text.vn_parse import parse_number

MEASURES = {"level1": "Có tài khoản (mức 1 trở lên)", "level2": "Tài khoản mức 2", "activated": "Đã kích hoạt",
            "portal": "Tài khoản dịch vụ công quốc gia"}
SCOPES = {"all": "Người dân", "communes": "Người dân các xã", "towns": "Người dân phường, thị trấn",
          "agencies": "Cán bộ các cơ quan, đơn vị", "enterprises": "Doanh nghiệp"}
BASELINES = {"plan": "Số trong kế hoạch", "eligible": "Người đủ 14 tuổi", "not_activated": "Người chưa kích hoạt",
             "staff": "Danh sách cán bộ"}
SINCE = {"all": "Tổng số đến ngày", "campaign": "Từ đầu kế hoạch", "phase": "Trong giai đoạn"}
AGENCY_SCOPES = ("agencies", "enterprises")
ENTERPRISE_TYPE = "enterprise"
FIELDS = ("label", "measure", "scope", "kind", "value", "baseline", "baseline_as_of", "plan_baseline", "unit_value",
          "since", "note")


# ---- area officers (cán bộ CSKV) ------------------------------------------------------------------------
def assign_officer(store, officer_id: int, area_code: str, village: str = "") -> None:
    """The officer answers for ``village`` of ``area_code`` ('' = the whole commune)."""
    require(store, "campaign.manage")
    if store.scalar("SELECT 1 FROM officers WHERE id = ?", (officer_id,)) is None:
        raise UserError(f"Không có cán bộ số {officer_id}")
    if store.scalar("SELECT 1 FROM areas WHERE code = ?", (area_code,)) is None:
        raise UserError(f"Không có xã, phường mã «{area_code}»")
    village = clean(village or "")
    with store.atomic():
        store.execute("INSERT OR IGNORE INTO officer_areas(officer_id, area_code, village) VALUES (?,?,?)",
                      (officer_id, area_code, village))
        store.audit("campaign.officer_area", "officer", officer_id, detail={"area_code": area_code, "village": village})
        store.notify(Table.CAMPAIGN_TARGETS, Kind.UPDATE, ())


def unassign_officer(store, officer_id: int, area_code: str, village: str = "") -> None:
    require(store, "campaign.manage")
    with store.atomic():
        store.execute("DELETE FROM officer_areas WHERE officer_id = ? AND area_code = ? AND village = ?",
                      (officer_id, area_code, clean(village or "")))
        store.audit("campaign.officer_area_remove", "officer", officer_id,
                    detail={"area_code": area_code, "village": village})
        store.notify(Table.CAMPAIGN_TARGETS, Kind.UPDATE, ())


def officer_assignments(store) -> dict[int, list[tuple[str, str]]]:
    """officer id → [(area code, village or '')]."""
    out: dict[int, list[tuple[str, str]]] = {}
    for officer_id, area, village in store.execute(
            "SELECT officer_id, area_code, village FROM officer_areas ORDER BY officer_id, area_code, village"):
        out.setdefault(officer_id, []).append((area, village))
    return out


# ---- targets ---------------------------------------------------------------------------------------------
def _person_campaign(store, campaign_id: int) -> dict:
    campaign = get_campaign_row(store, campaign_id)
    if campaign["subject_type"] != "person":
        raise UserError(f"Kế hoạch «{campaign['name']}» là kế hoạch cho tổ chức, không phải cho công dân")
    return campaign


def _values(data: dict) -> dict:
    def pick(name, allowed, default):
        value = data.get(name) or default
        if value not in allowed:
            raise UserError(f"Giá trị «{value}» của «{name}» không hợp lệ ({', '.join(allowed)})")
        return value

    def number(name, what, integer=False):
        raw = data.get(name)
        try:
            value = parse_number(raw, integer=integer)
        except UserError:
            raise UserError(f"{what}: «{raw}» không phải là số") from None
        if value is not None and value < 0:
            raise UserError(f"{what} không được âm")
        return value if value is None or integer else float(value)

    scope = pick("scope", SCOPES, "all")
    values = {
        "measure": pick("measure", MEASURES, "activated"),
        "scope": scope,
        "kind": pick("kind", ("absolute", "percent"), "absolute"),
        "value": number("value", "Giá trị chỉ tiêu"),
        "baseline": pick("baseline", BASELINES, "staff" if scope in AGENCY_SCOPES else "eligible"),
        "baseline_as_of": parse_date(data.get("baseline_as_of"), "Ngày chốt số gốc"),
        "plan_baseline": number("plan_baseline", "Số gốc trong kế hoạch", integer=True),
        "unit_value": number("unit_value", "Chỉ tiêu giao cho đơn vị", integer=True),
        "since": pick("since", SINCE, "campaign"),
        "note": clean(data.get("note") or "") or None,
    }
    values["label"] = clean(data.get("label") or "") or f"{MEASURES[values['measure']]} — {SCOPES[scope]}"
    if values["kind"] == "percent" and values["value"] is not None and values["value"] > 100:
        raise UserError(f"Chỉ tiêu «{values['label']}»: tỷ lệ không được quá 100%")
    if values["kind"] == "percent" and values["baseline"] == "plan" and not values["plan_baseline"]:
        raise UserError(f"Chỉ tiêu «{values['label']}»: tỷ lệ theo số trong kế hoạch cần số gốc")
    if (scope in AGENCY_SCOPES) != (values["baseline"] == "staff") and values["baseline"] != "plan":
        raise UserError(f"Chỉ tiêu «{values['label']}»: số gốc «{BASELINES[values['baseline']]}» không dùng được "
                        f"cho «{SCOPES[scope]}»")
    return values


def create_target(store, phase_id: int, data: dict) -> int:
    """A citizens' target in a phase of a citizens' campaign; returns its id (not yet allocated)."""
    require(store, "campaign.manage")
    phase = store.query_one("SELECT * FROM campaign_phases WHERE id = ?", (phase_id,))
    if phase is None:
        raise UserError(f"Không có giai đoạn số {phase_id}")
    _person_campaign(store, phase["campaign_id"])
    values = _values(data)
    with store.atomic():
        position = store.scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM citizen_targets WHERE phase_id = ?",
                                (phase_id,))
        target_id = store.execute(
            "INSERT INTO citizen_targets(campaign_id, phase_id, position, " + ", ".join(FIELDS) + ") VALUES (?,?,?,"
            + ",".join("?" * len(FIELDS)) + ")",
            (phase["campaign_id"], phase_id, position, *[values[k] for k in FIELDS])).lastrowid
        store.audit("campaign.citizen_target_add", "citizen_target", target_id, detail=values)
        ensure_checkpoints(store, phase["campaign_id"])
        store.notify(Table.CAMPAIGN_TARGETS, Kind.INSERT, (target_id,))
    return target_id


def get_target(store, target_id: int) -> dict:
    row = store.query_one("SELECT * FROM citizen_targets WHERE id = ?", (target_id,))
    if row is None:
        raise UserError(f"Không có chỉ tiêu số {target_id}")
    return row


def list_targets(store, campaign_id: int) -> list[dict]:
    return store.query(
        "SELECT t.* FROM citizen_targets t JOIN campaign_phases p ON p.id = t.phase_id WHERE t.campaign_id = ?"
        " ORDER BY p.start_on, p.position, t.position, t.id", (campaign_id,))


# ---- running-total checkpoints (m021) ---------------------------------------------------------------------
def campaign_checkpoints(store, campaign_id: int) -> set[str]:
    """The days a campaign's figures are read at most often: the day before it and each phase starts, each
    phase's and the campaign's end, and every month end in between."""
    campaign = get_campaign_row(store, campaign_id)
    start, end = dt.date.fromisoformat(campaign["start_on"]), dt.date.fromisoformat(campaign["end_on"])
    days = {start - dt.timedelta(days=1), end}
    for p in store.query("SELECT start_on, end_on FROM campaign_phases WHERE campaign_id = ?", (campaign_id,)):
        days.add(dt.date.fromisoformat(p["start_on"]) - dt.timedelta(days=1))
        days.add(dt.date.fromisoformat(p["end_on"]))
    month = start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        days.add(following - dt.timedelta(days=1))
        month = following
    return {d.isoformat() for d in days}


def ensure_checkpoints(store, campaign_id: int) -> int:
    """Add the campaign's checkpoints that are missing (running totals computed once, then kept by the
    triggers); returns how many were added. Derived data: not audited."""
    from models.core.migrations.m021_citizen_campaigns import prefix_sql  # imported late: a migration module

    have = {r[0] for r in store.execute("SELECT d FROM person_checkpoints")}
    missing = sorted(campaign_checkpoints(store, campaign_id) - have)
    with store.atomic():
        for day in missing:
            store.execute("INSERT INTO person_checkpoints(d) VALUES (?)", (day,))
            store.execute(prefix_sql(day), {"day": day})
    return len(missing)


# ---- baselines ------------------------------------------------------------------------------------------
def scope_areas(store, scope: str) -> list[str]:
    """The unit's communes a resident scope covers ('communes': xã; 'towns': phường, thị trấn, …)."""
    codes = unit_area_codes(store)
    if scope not in ("communes", "towns"):
        return codes
    kinds = {r["code"]: fold(r["division_type"] or "") for r in store.query("SELECT code, division_type FROM areas")}
    return [c for c in codes if (kinds.get(c, "").startswith("xa")) == (scope == "communes")]


def baseline_day(store, target: dict) -> dt.date:
    if target["baseline_as_of"]:
        return dt.date.fromisoformat(target["baseline_as_of"])
    phase = store.query_one("SELECT c.start_on FROM campaigns c WHERE c.id = ?", (target["campaign_id"],))
    return dt.date.fromisoformat(phase["start_on"])


def resident_baselines(store, target: dict) -> dict[tuple[str, str], int]:
    """(area code, village) → the target's baseline among residents of the scope's communes ('plan':
    eligible residents, the weights a plan's number is split on)."""
    day = baseline_day(store, target)
    codes = scope_areas(store, target["scope"])
    if not codes:
        return {}
    where = "(birth_date IS NULL OR birth_date <= ?)"
    params: list = [eligible_born_on_or_before(day)]
    if target["baseline"] == "not_activated":
        where += " AND (activated_on IS NULL OR activated_on > ?)"
        params.append(day.isoformat())
    marks = ",".join("?" * len(codes))
    rows = store.execute(f"SELECT area_code, COALESCE(village, ''), COUNT(*) FROM persons WHERE {where}"
                         f" AND area_code IN ({marks}) GROUP BY 1, 2", (*params, *codes)).fetchall()
    return {(a, v): n for a, v, n in rows}


def agency_baselines(store, scope: str) -> dict[int, int]:
    """agency id → staff listed, for the agencies of the scope."""
    op = "=" if scope == "enterprises" else "IS NOT"
    rows = store.execute(
        f"SELECT a.id, COUNT(s.id) FROM agencies a LEFT JOIN agency_staff s ON s.agency_id = a.id"
        f" WHERE a.agency_type {op} ? GROUP BY a.id ORDER BY a.name_key", (ENTERPRISE_TYPE,)).fetchall()
    return {a: n for a, n in rows}


def target_value(target: dict, baseline: int | None) -> int | None:
    """The target's figure for this unit (module docstring) given its baseline."""
    if target["unit_value"] is not None:
        return int(target["unit_value"])
    value = target["value"]
    if value is None:
        return None
    if target["kind"] == "percent":
        base = target["plan_baseline"] if target["baseline"] == "plan" else baseline
        return None if base is None else ceil_exact(value * base / 100)
    if target["baseline"] != "plan" and target["plan_baseline"] and baseline is not None:
        return round_half_up(value * baseline / target["plan_baseline"])
    return int(round(value))


# ---- allocation -------------------------------------------------------------------------------------------
def allocate(store, target_id: int) -> dict:
    """Freeze the baseline and replace the target's allocations (all levels) by the largest-remainder split.
    Returns {'value', 'baseline', 'communes': {code: n}, 'villages': {...}, 'agencies': {...}}."""
    require(store, "campaign.manage")
    target = get_target(store, target_id)
    result: dict = {"communes": {}, "villages": {}, "agencies": {}}
    rows: list[tuple] = []
    if target["scope"] in AGENCY_SCOPES:
        staff = agency_baselines(store, target["scope"])
        baseline = sum(staff.values())
        value = target_value(target, baseline)
        if value is None:
            raise UserError(f"Chỉ tiêu «{target['label']}» chưa có số lượng, chưa thể phân bổ")
        if staff and baseline:
            parts = largest_remainder(value, {str(k): v for k, v in staff.items()})
            result["agencies"] = parts
            rows += [(target_id, "agency", k, v, staff[int(k)]) for k, v in parts.items()]
    else:
        per_village = resident_baselines(store, target)
        baseline = sum(per_village.values())
        value = target_value(target, baseline)
        if value is None:
            raise UserError(f"Chỉ tiêu «{target['label']}» chưa có số lượng, chưa thể phân bổ")
        per_commune: dict[str, int] = {c: 0 for c in scope_areas(store, target["scope"])}
        for (area, _village), n in per_village.items():
            per_commune[area] = per_commune.get(area, 0) + n
        if baseline:
            communes = largest_remainder(value, per_commune)
            result["communes"] = communes
            rows += [(target_id, "commune", c, v, per_commune[c]) for c, v in communes.items()]
            for code, share in communes.items():
                villages = {v: n for (a, v), n in sorted(per_village.items()) if a == code}
                if not villages or not per_commune[code]:
                    continue
                for village, part in largest_remainder(share, villages).items():
                    key = f"{code}|{village}"
                    result["villages"][key] = part
                    rows.append((target_id, "village", key, part, villages[village]))
    with store.atomic():
        store.execute("DELETE FROM citizen_allocations WHERE target_id = ?", (target_id,))
        store.conn.executemany("INSERT INTO citizen_allocations(target_id, level, key, value, baseline, edited)"
                               " VALUES (?,?,?,?,?,0)", rows)
        store.execute("UPDATE citizen_targets SET baseline_frozen = ? WHERE id = ?", (baseline, target_id))
        store.audit("campaign.citizen_allocate", "citizen_target", target_id,
                    detail={"value": value, "baseline": baseline, "parts": len(rows)})
        store.notify(Table.CAMPAIGN_TARGETS, Kind.UPDATE, (target_id,))
    return {"value": value, "baseline": baseline, **result}


def set_allocation(store, target_id: int, level: str, key: str, value) -> None:
    """A typed share (``edited`` = 1): a commune's, a village's ("code|village"), an officer's or an agency's."""
    require(store, "campaign.manage")
    get_target(store, target_id)
    if level not in ("commune", "village", "officer", "agency"):
        raise UserError(f"Cấp phân bổ «{level}» không hợp lệ")
    number = parse_number(value, integer=True)
    if number is None or number < 0:
        raise UserError(f"Chỉ tiêu phân bổ «{value}» phải là số không âm")
    with store.atomic():
        old = store.scalar("SELECT value FROM citizen_allocations WHERE target_id = ? AND level = ? AND key = ?",
                           (target_id, level, str(key)))
        store.execute("INSERT INTO citizen_allocations(target_id, level, key, value, edited) VALUES (?,?,?,?,1)"
                      " ON CONFLICT(target_id, level, key) DO UPDATE SET value = excluded.value, edited = 1",
                      (target_id, level, str(key), number))
        store.audit("campaign.citizen_allocation", "citizen_target", target_id,
                    detail={"level": level, "key": str(key), "old": old, "new": number})
        store.notify(Table.CAMPAIGN_TARGETS, Kind.UPDATE, (target_id,))


def allocations(store, target_id: int) -> dict[str, dict[str, int]]:
    """level → {key: value}."""
    out: dict[str, dict[str, int]] = {"commune": {}, "village": {}, "officer": {}, "agency": {}}
    for level, key, value in store.execute(
            "SELECT level, key, value FROM citizen_allocations WHERE target_id = ?", (target_id,)):
        out[level][key] = value
    return out
