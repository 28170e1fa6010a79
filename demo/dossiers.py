"""Demo dossiers: about 1,500 over the ten weeks before the demo's today, in every state.

Built through the real model functions (``dossiers.create``, ``dossier_status.move``,
``locality_requests``, ``verification.record_manual_check``) with the store's clock and actor switched
to the simulated moment and officer, so events, findings, audit lines and due dates are exactly what
the desk would have produced. Older dossiers are mostly finished, recent ones still open; some are
overdue, some wait for another locality, a few were refused or cancelled. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random

from models.core.changes import Kind, Table
from models.core.store import Actor, Store
from models.dossiers import locality_requests, verification
from models.dossiers import records as dossiers
from models.dossiers import states as dossier_states
from models.dossiers import status as dossier_status
from models.dossiers.calendar import Calendar
from models.registry import units

WEEKS = 10
OTHER_UNITS = ["Công an phường Vĩnh Thanh Vân", "Công an xã Châu Thành", "Công an TP Hà Tiên",
               "Công an tỉnh Cà Mau (PC06)", "Công an TP Cần Thơ (PC06)"]
REFUSAL_REASONS = [
    "Tổ chức đã giải thể theo thông tin của cơ quan đăng ký",
    "Người nộp không phải người đại diện theo pháp luật và không có văn bản uỷ quyền",
    "Số định danh của người đại diện không đúng, không xác minh được",
]
CANCEL_REASONS = ["Nhập trùng hồ sơ đã tiếp nhận", "Nhập nhầm tổ chức", "Cán bộ nhập thử khi hướng dẫn"]
NOTES = [None, None, None, "Người đại diện hẹn nhận kết quả qua VNeID", "Nộp thay bởi kế toán (có giấy uỷ quyền)",
         "Đã hướng dẫn kích hoạt tài khoản", None]


def _actor(store: Store, username: str) -> Actor:
    r = store.query_one("SELECT id, username, full_name, role FROM officers WHERE username = ?", (username,))
    return Actor(r["id"], r["username"], r["full_name"], r["role"])


def build(store: Store, count: int = 1500, seed: int = 20241230) -> dict:
    rng = random.Random(seed + 3)
    today = store.today()
    start = today - dt.timedelta(weeks=WEEKS)
    saved_clock, saved_actor = store.clock, store.actor
    intake = [_actor(store, u) for u in ("canbo1", "canbo2", "canbo3")]
    leader = _actor(store, "chihuy")
    orgs = store.query("SELECT id, grp, name, short_name, foreign_name, established_on, address, area_code, tax_code, "
                       "enterprise_code, founding_decision, rep_name, rep_id_number, rep_phone, rep_email, status "
                       "FROM organizations WHERE merged_into IS NULL ORDER BY id")
    if not orgs:
        return {"dossiers": 0}
    active = [o for o in orgs if o["status"] == "active"] or orgs
    unit_codes = {a["code"] for a in units.unit_areas(store)}
    province = store.scalar("SELECT province_code FROM units WHERE id = ?", (store.get_setting("unit_id"),))
    outside = []
    if province:
        wards = [w for w in units.official_wards(province) if w.code not in unit_codes][:6]
        if wards:
            units.upsert_areas(store, wards)
            outside = [w.code for w in wards]
    calendar = Calendar(store)
    limit = saved_clock()
    moment = {"t": dt.datetime.combine(start, dt.time(8))}
    store.clock = lambda: moment["t"]
    channel_list = dossiers.channels(store)
    papers = dossiers.papers_checklist(store)
    days = [start + dt.timedelta(days=i) for i in range((today - start).days + 1)]
    working = [d for d in days if calendar.is_working_day(d)]
    saturdays = [d for d in days if d.weekday() == 5]
    stats = {s: 0 for s in dossier_states.STATUSES}
    requests = 0
    plan = []
    for _ in range(count):
        mobile = rng.random() < 0.12
        day = rng.choice(saturdays if mobile and saturdays and rng.random() < 0.4 else working)
        at = dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.choice((0, 10, 15, 20, 30, 40, 45, 50))))
        if at > saved_clock():
            at = saved_clock() - dt.timedelta(minutes=rng.randint(5, 90))
        plan.append((at, mobile))
    plan.sort()
    used_orgs: set[int] = set()
    recent: list[int] = []
    by_id = {o["id"]: o for o in orgs}
    online_seq = 0
    try:
        with store.atomic():
            for at, mobile in plan:
                officer = rng.choice(intake)
                store.actor = officer
                moment["t"] = at
                pool = orgs if rng.random() < 0.04 else active
                org = rng.choice(pool)
                keep_repeat = rng.random() < 0.04  # a few organizations come back (duplicates to resolve)
                for _ in range(6):
                    if org["id"] not in used_orgs or keep_repeat:
                        break
                    org = rng.choice(pool)
                if recent and rng.random() < 0.02:  # back again while the first dossier is still open
                    org = by_id[rng.choice(recent[-15:])]
                used_orgs.add(org["id"])
                recent.append(org["id"])
                declared = {k: org[k] for k in dossiers.DECLARED_FIELDS if org.get(k)}
                roll = rng.random()
                if roll < 0.05 and org.get("rep_name"):
                    declared["rep_name"] = org["rep_name"].split()[-1] + " " + org["rep_name"].split()[0]
                elif roll < 0.09 and outside:
                    declared["area_code"] = rng.choice(outside)
                elif roll < 0.12:
                    declared["name"] = org["name"].upper().replace("CÔNG TY TNHH", "CTY TNHH")
                if mobile:
                    channel = "Tổ lưu động"
                else:
                    channel = rng.choices(channel_list, weights=(55, 0, 30, 15)[:len(channel_list)])[0]
                chosen_papers = [papers[0], papers[1], papers[2]] if channel in dossiers.DEFAULT_CHANNELS[:2] else [papers[0]]
                online_ref = None
                if channel in dossiers.ONLINE_CHANNELS:
                    online_seq += 1
                    online_ref = f"G22.91-{at:%y%m%d}-{online_seq:05d}"  # the national portal's file number
                dossier_id = dossiers.create(store, declared=declared, channel=channel, org_id=org["id"],
                                             received_at=at, papers=chosen_papers, notes=rng.choice(NOTES),
                                             online_ref=online_ref)
                requests += _advance(store, rng, dossier_id, at, limit, calendar, officer, leader, moment)
                stats[store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier_id,))] += 1
            store.notify(Table.DOSSIERS, Kind.BULK)
    finally:
        store.clock, store.actor = saved_clock, saved_actor
    return {"dossiers": len(plan), "dossier_states": stats, "verification_requests": requests}


def _advance(store, rng, dossier_id, received, limit, calendar, officer, leader, moment) -> int:
    """Walk one dossier through the workflow as far as its age allows; returns requests created."""
    today = limit.date()
    age = calendar.working_days_between(received.date(), today)
    linger = 0.3 if age <= 4 else (0.08 if age <= 12 else 0.015)  # chance a dossier stops at a step
    t = received
    requests = 0

    def step(days: int) -> bool:
        nonlocal t
        day = calendar.add_working_days(t.date(), days) if days else t.date()
        when = dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randint(0, 59)))
        if when <= t:
            when = t + dt.timedelta(minutes=rng.randint(5, 50))
        if when >= limit:
            return False
        t = when
        moment["t"] = when
        return True

    def move(to: str, reason: str | None = None, who=None, **details) -> None:
        store.actor = who or officer
        dossier_status.move(store, dossier_id, to, reason=reason, **details)
        store.actor = officer

    if rng.random() < 0.015:
        if step(rng.randint(0, 1)):
            move("cancelled", rng.choice(CANCEL_REASONS), leader)
        return 0
    if age == 0 and rng.random() < 0.6:
        return 0
    if not step(rng.choice((0, 0, 1))):
        return 0
    move("verifying")
    if rng.random() < 0.7:
        verification.record_manual_check(store, dossier_id, "rep_id_card", "ok")
        verification.record_manual_check(store, dossier_id, "tk02_signed", "ok")
    found = verification.findings(store, dossier_id)
    codes = {f["code"] for f in found}
    if "already_issued" in codes:  # the organization has its account already: a second one is not issued
        if step(rng.randint(0, 1)):
            move("cancelled", "Tổ chức đã được cấp tài khoản theo hồ sơ trước; người nộp rút hồ sơ", leader)
        return 0
    if verification.has_blocking(found):
        if step(rng.randint(1, 3)):
            move("refused", REFUSAL_REASONS[0] if "status_blocking" in codes else rng.choice(REFUSAL_REASONS[1:]),
                 leader)
        return 0
    if rng.random() < 0.08:
        if not step(rng.randint(0, 2)):
            return 0
        move("needs_papers", "Thiếu văn bản uỷ quyền của người nộp",
             missing_papers=[p for p in dossiers.DEFAULT_PAPERS if p.startswith("Văn bản uỷ quyền")])
        if rng.random() < linger * 3 or not step(rng.randint(2, 6)):
            return 0
        move("verifying", "Đã bổ sung giấy tờ")
    if "outside_area" in codes or (rng.random() < 0.06):
        if not step(rng.randint(0, 1)):
            return 0
        store.actor = officer
        request_id = locality_requests.create_request(
            store, dossier_id, to_unit=rng.choice(OTHER_UNITS), method=rng.choice(locality_requests.METHODS[:3]),
            note="Đề nghị xác minh trụ sở và người đại diện")
        requests += 1
        if rng.random() < linger * 3 or not step(rng.randint(3, 8)):
            return requests  # still waiting (some of them overdue)
        locality_requests.answer(store, request_id, result=rng.choice(("confirmed",) * 5 + ("mismatch",)),
                                 note="Đã xác minh tại địa bàn")
    if rng.random() < 0.03:
        if step(rng.randint(1, 2)):
            move("refused", rng.choice(REFUSAL_REASONS[1:]), leader)
        return requests
    if rng.random() < linger or not step(rng.randint(0, 2)):
        return requests  # still being verified (old ones become overdue)
    move("verified")
    if rng.random() < linger or not step(rng.randint(0, 1)):
        return requests
    move("issued", None, leader)  # issuing is the leader's (issue 13)
    if rng.random() < 0.45 or not step(rng.randint(0, 10)):
        return requests
    move("activated")
    return requests

