"""Issue 16: citizens' campaigns on the campaign engine: targets, allocation, daily figures per commune,
village, area officer, agency and enterprise, recomputed here straight from the persons table."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid

import pytest

from models.campaigns import citizen_targets as ct
from models.campaigns.citizen_progress import citizen_progress
from models.campaigns.plans import add_phase, create_campaign, current_campaign_id, list_campaigns, set_current
from models.campaigns.templates import create_citizen_campaign
from models.core.errors import UserError
from models.core.migrations.m021_citizen_campaigns import backfill
from models.people.persons import eligible_born_on_or_before
from tests.progress_data import add_officer, setup_unit

D = dt.date
VILLAGES = ["Thôn 1", "Thôn 2", "Khu phố Đông Hải", "Tổ dân phố 3", ""]   # "" : no village on the list


def _person(store, rng, area, *, born=None, l1=None, l2=None, act=None, portal=None, village=None) -> int:
    now = store.now_iso()
    pid = store.execute(
        "INSERT INTO persons(uuid, full_name, name_key, birth_date, area_code, village, account_level, level1_on,"
        " level2_issued_on, activated_on, portal_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (str(uuid.UUID(int=rng.getrandbits(128))), "Nguyễn Văn A", "nguyen van a", born, area,
         village if village is not None else (rng.choice(VILLAGES) or None), 2 if l2 else (1 if l1 else 0),
         l1, l2, act, portal, now, now)).lastrowid
    return pid


def _day(rng, first: D, last: D) -> str:
    return (first + dt.timedelta(days=rng.randint(0, (last - first).days))).isoformat()


def _population(store, areas, n=900, seed=16):
    """Residents with dates before, during and after a campaign 27/6–15/9/2023; some under 14, some with
    no area, no village or no birth date."""
    rng = random.Random(seed)
    ids = []
    for i in range(n):
        area = areas[i % len(areas)] if i % 37 else None
        born = None if i % 53 == 0 else _day(rng, D(1940, 1, 1), D(2015, 1, 1))
        draw = rng.random()
        l1 = _day(rng, D(2022, 6, 1), D(2023, 10, 1)) if draw < 0.5 else None
        l2 = _day(rng, D(2022, 1, 1), D(2023, 10, 1)) if 0.3 < draw < 0.8 else None
        act = _day(rng, D(2022, 1, 1), D(2023, 10, 10)) if (l1 or l2) and rng.random() < 0.8 else None
        portal = _day(rng, D(2022, 11, 1), D(2023, 1, 5)) if rng.random() < 0.15 else None
        ids.append(_person(store, rng, area, born=born, l1=l1, l2=l2, act=act, portal=portal))
    return ids


@pytest.fixture
def unit(fresh_store):
    areas = setup_unit(fresh_store, 4)
    fresh_store.execute("UPDATE areas SET division_type = 'Thị trấn', name = 'Thị trấn Tân Phong' WHERE code = ?",
                        (areas[3],))
    return areas


def _tables(store):
    return [{tuple(r[:-1]): r[-1] for r in store.execute(sql)} for sql in (
        "SELECT measure, d, area_code, village, n FROM person_daily WHERE n <> 0",
        "SELECT measure, area_code, village, d, n FROM person_prefix WHERE n <> 0",
        "SELECT measure, d, agency_id, n FROM staff_daily WHERE n <> 0")]


def _agency(store, name, kind="state") -> int:
    now = store.now_iso()
    return store.execute("INSERT INTO agencies(uuid, name, name_key, agency_type, created_at, updated_at)"
                         " VALUES (?,?,?,?,?,?)", (str(uuid.uuid4()), name, name.lower(), kind, now, now)).lastrowid


def _staff(store, agency_id, person_id) -> None:
    now = store.now_iso()
    store.execute("INSERT INTO agency_staff(agency_id, person_id, created_at, updated_at) VALUES (?,?,?,?)",
                  (agency_id, person_id, now, now))


def test_triggers_keep_daily_counts_and_checkpoints_equal_to_a_rebuild(fresh_store, unit):
    s = fresh_store
    rng = random.Random(3)
    ids = _population(s, unit, n=300)
    create_citizen_campaign(s, "ninh_thuan_80_ngay", allocate=False)   # 26/6, 30/6, 31/7, 31/8, 15/9, 30/9
    assert s.scalar("SELECT COUNT(*) FROM person_checkpoints") == 7     # and the live total 9999-12-31
    agencies = [_agency(s, "UBND xã A"), _agency(s, "Trường B", "school")]
    for pid in rng.sample(ids, 50):
        _staff(s, rng.choice(agencies), pid)
    for pid in rng.sample(ids, 60):   # national lists, moves, corrections, deletions
        s.execute("UPDATE persons SET activated_on = ?, level2_issued_on = COALESCE(level2_issued_on, ?) WHERE id = ?",
                  (_day(rng, D(2023, 6, 1), D(2023, 9, 1)), "2023-07-01", pid))
    for pid in rng.sample(ids, 40):
        s.execute("UPDATE persons SET area_code = ?, village = ? WHERE id = ?", (rng.choice(unit), "Thôn 9", pid))
    for pid in rng.sample(ids, 20):
        s.execute("UPDATE persons SET level1_on = NULL, portal_on = '2023-08-08' WHERE id = ?", (pid,))
    s.execute("UPDATE agency_staff SET agency_id = ? WHERE id IN (SELECT id FROM agency_staff LIMIT 5)",
              (agencies[1],))
    s.execute("DELETE FROM agency_staff WHERE person_id IN (SELECT id FROM persons ORDER BY id DESC LIMIT 15)")
    s.execute("DELETE FROM persons WHERE id IN (SELECT id FROM persons ORDER BY id DESC LIMIT 15)")
    kept = _tables(s)
    for sql in backfill():
        s.execute(sql)
    rebuilt = _tables(s)
    assert kept[0] == rebuilt[0]
    assert kept[1] == rebuilt[1]
    assert kept[2] == rebuilt[2]
    assert sum(v for k, v in kept[0].items() if k[0] == "activated") == s.scalar(
        "SELECT COUNT(*) FROM persons WHERE activated_on IS NOT NULL")
    assert sum(v for k, v in kept[1].items() if k[0] == "activated" and k[3] == "2023-07-31") == s.scalar(
        "SELECT COUNT(*) FROM persons WHERE activated_on <= '2023-07-31'")
    assert sum(kept[2].values()) > 0


def _ninh_thuan(s, unit, officers=True):
    cid = create_citizen_campaign(s, "ninh_thuan_80_ngay")
    if officers:
        a = add_officer(s, "cskv1", "Trần Văn Khu")
        b = add_officer(s, "cskv2", "Lê Thị Vực")
        ct.assign_officer(s, a, unit[0])                 # the whole commune
        ct.assign_officer(s, b, unit[1], "Thôn 1")
        ct.assign_officer(s, b, unit[1], " Thôn  2 ")   # typed messily: cleaned to "Thôn 2", as the lists are
    return cid


def _sql_count(s, column_expr, *, area=None, village=None, first=None, last=None):
    where, params = [f"{column_expr} IS NOT NULL"], []
    if area is not None:
        where.append("area_code = ?")
        params.append(area)
    if village is not None:
        where.append("COALESCE(village, '') = ?")
        params.append(village)
    if first is not None:
        where.append(f"{column_expr} >= ?")
        params.append(first)
    if last is not None:
        where.append(f"{column_expr} <= ?")
        params.append(last)
    return s.scalar(f"SELECT COUNT(*) FROM persons WHERE {' AND '.join(where)}", params)


@pytest.mark.parametrize("as_of", [D(2023, 6, 27), D(2023, 7, 15), D(2023, 9, 15), D(2023, 10, 2)])
def test_daily_figures_recomputed_from_persons_with_plain_sql(fresh_store, unit, as_of):
    s = fresh_store
    _population(s, unit)
    cid = _ninh_thuan(s, unit)
    p = citizen_progress(s, cid, as_of)
    t = next(t for t in p.targets if t.measure == "activated" and t.scope == "all")
    cap = min(as_of, D(2023, 9, 15)).isoformat()
    # the unit's total: activations since 27/6, up to the day (or the campaign end)
    assert t.total.cumulative == _sql_count(s, "activated_on", first="2023-06-27", last=cap)
    today = _sql_count(s, "activated_on", first=as_of.isoformat(), last=as_of.isoformat()) if as_of.isoformat() <= cap \
        else 0
    assert t.total.today == today
    for row in t.rows["commune"]:
        assert row.cumulative == _sql_count(s, "activated_on", area=row.key, first="2023-06-27", last=cap), row
    for row in t.rows["village"]:
        area, village = row.key.split("|", 1)
        assert row.cumulative == _sql_count(s, "activated_on", area=area, village=village, first="2023-06-27",
                                            last=cap), row
        assert row.today == (_sql_count(s, "activated_on", area=area, village=village, first=as_of.isoformat(),
                                        last=as_of.isoformat()) if as_of.isoformat() <= cap else 0)
    officers = {r.label: r for r in t.rows["officer"]}
    assert officers["Trần Văn Khu"].cumulative == _sql_count(s, "activated_on", area=unit[0], first="2023-06-27",
                                                             last=cap)
    assert officers["Lê Thị Vực"].cumulative == sum(
        _sql_count(s, "activated_on", area=unit[1], village=v, first="2023-06-27", last=cap)
        for v in ("Thôn 1", "Thôn 2"))
    # percent, remaining and status follow the one rule
    for row in t.rows["commune"]:
        assert row.target is not None
        assert row.remaining == max(row.target - row.cumulative, 0)
        assert row.percent == round(row.cumulative * 100 / row.target, 1)
    ranks = [r.rank for r in t.rows["commune"]]
    assert ranks == list(range(1, len(ranks) + 1))
    percents = [r.percent for r in t.rows["commune"]]
    assert percents == sorted(percents, reverse=True)


def test_allocation_sums_exactly_at_every_level(fresh_store, unit):
    s = fresh_store
    _population(s, unit)
    cid = _ninh_thuan(s, unit)
    target = next(t for t in ct.list_targets(s, cid) if t["scope"] == "all")
    alloc = ct.allocations(s, target["id"])
    eligible = s.scalar("SELECT COUNT(*) FROM persons WHERE area_code IS NOT NULL AND (birth_date IS NULL OR "
                        "birth_date <= ?)", (eligible_born_on_or_before(D(2023, 6, 27)),))
    value = round(264720 * eligible / 319284 + 1e-9)
    assert target["baseline_frozen"] == eligible
    assert sum(alloc["commune"].values()) == value
    for code, share in alloc["commune"].items():
        assert sum(v for k, v in alloc["village"].items() if k.startswith(code + "|")) == share
    p = citizen_progress(s, cid, D(2023, 7, 1))
    t = next(t for t in p.targets if t.scope == "all")
    assert t.total.target == value
    officers = {r.label: r for r in t.rows["officer"]}
    assert officers["Trần Văn Khu"].target == alloc["commune"][unit[0]]
    assert officers["Lê Thị Vực"].target == alloc["village"][f"{unit[1]}|Thôn 1"] + alloc["village"][
        f"{unit[1]}|Thôn 2"]
    # a typed share wins, and is audited
    ct.set_allocation(s, target["id"], "commune", unit[2], "1.500")
    p = citizen_progress(s, cid, D(2023, 7, 1))
    row = next(r for r in next(t for t in p.targets if t.scope == "all").rows["commune"] if r.key == unit[2])
    assert row.target == 1500
    assert s.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'campaign.citizen_allocation'") == 1


def test_agencies_and_enterprises_count_their_staff(fresh_store, unit):
    s = fresh_store
    rng = random.Random(5)
    now = s.now_iso()
    agencies = []
    for i, kind in enumerate(["state", "school", "enterprise"]):
        agencies.append(s.execute(
            "INSERT INTO agencies(uuid, name, name_key, agency_type, created_at, updated_at) VALUES (?,?,?,?,?,?)",
            (str(uuid.uuid4()), f"Cơ quan {i}", f"co quan {i}", kind, now, now)).lastrowid)
    staff = {a: [] for a in agencies}
    for a, size in zip(agencies, (7, 13, 5), strict=True):
        for _ in range(size):
            act = _day(rng, D(2023, 6, 1), D(2023, 8, 1)) if rng.random() < 0.6 else None
            pid = _person(s, rng, unit[0], born="1980-01-01", l2=act, act=act)
            s.execute("INSERT INTO agency_staff(agency_id, person_id, created_at, updated_at) VALUES (?,?,?,?)",
                      (a, pid, now, now))
            staff[a].append(act)
    cid = _ninh_thuan(s, unit, officers=False)
    p = citizen_progress(s, cid, D(2023, 7, 10))
    t = next(t for t in p.targets if t.scope == "agencies")
    assert t.total.target == 20                   # 100 % of 7 + 13 staff; the enterprise is not an agency here
    rows = {r.key: r for r in t.rows["agency"]}
    for a in agencies[:2]:
        done = sum(1 for d in staff[a] if d and d <= "2023-07-10")
        assert rows[str(a)].cumulative == done
        assert rows[str(a)].target == len(staff[a])
    ent = t.rows["enterprise"][0]
    assert ent.target is None and ent.cumulative == sum(1 for d in staff[agencies[2]] if d and d <= "2023-07-10")
    assert t.total.cumulative == sum(rows[str(a)].cumulative for a in agencies[:2])


def test_quang_xuong_targets_by_commune_kind_and_pre_campaign_accounts(fresh_store, unit):
    s = fresh_store
    _population(s, unit)
    cid = create_citizen_campaign(s, "quang_xuong_263")
    p = citizen_progress(s, cid, D(2022, 12, 5))
    by = {t.label: t for t in p.targets}
    level1 = by["100% người đủ điều kiện có tài khoản mức 1"]
    expr = "COALESCE(MIN(level1_on, level2_issued_on), level1_on, level2_issued_on)"
    assert level1.total.cumulative == s.scalar(f"SELECT COUNT(*) FROM persons WHERE {expr} <= '2022-12-05'")
    eligible = s.scalar("SELECT COUNT(*) FROM persons WHERE area_code IS NOT NULL AND (birth_date IS NULL OR "
                        "birth_date <= ?)", (eligible_born_on_or_before(D(2022, 11, 25)),))
    assert level1.total.target == eligible
    assert by["30% người dân có tài khoản mức 2"].total.target == -(-eligible * 30 // 100)
    towns = by["Tài khoản dịch vụ công: 20% người dân thị trấn"]
    assert [r.key for r in towns.rows["commune"]] == [unit[3]]
    communes = by["Tài khoản dịch vụ công: 10% người dân các xã"]
    assert sorted(r.key for r in communes.rows["commune"]) == sorted(unit[:3])
    assert communes.total.cumulative == sum(r.cumulative for r in communes.rows["commune"])
    assert communes.total.cumulative == s.scalar(
        f"SELECT COUNT(*) FROM persons WHERE portal_on <= '2022-12-05' AND area_code IN ({','.join('?' * 3)})",
        unit[:3])


def test_daily_target_divides_by_working_days_or_every_day(fresh_store, unit):
    s = fresh_store
    rng = random.Random(9)
    for _ in range(40):
        _person(s, rng, unit[0], born="1990-01-01", village="Thôn 1")
    days = {}
    for every_day in (False, True):
        cid = create_campaign(s, {"name": f"Thử {every_day}", "start_on": "2025-03-03", "end_on": "2025-03-16"},
                              subject_type="person", every_day=every_day)
        phase = add_phase(s, cid, "Hai tuần", "2025-03-03", "2025-03-16")
        tid = ct.create_target(s, phase, {"measure": "activated", "kind": "absolute", "value": 30,
                                          "baseline": "eligible"})
        ct.allocate(s, tid)
        p = citizen_progress(s, cid, D(2025, 3, 5))   # a Wednesday; nothing activated yet
        days[every_day] = (p.days_left, p.targets[0].total)
    # Mon 3/3 – Sun 16/3: after Wed 5/3, 7 working days are left (Thu, Fri, then Mon–Fri) or 11 days
    assert days[False][0] == 7 and days[True][0] == 11
    assert days[False][1].daily_target == 3.8        # 30 / 8 days including the 5th, rounded up
    assert days[True][1].daily_target == 2.5         # 30 / 12
    assert days[False][1].needed_per_day == 4.3      # 30 / 7
    assert days[False][1].status == "behind" and days[False][1].on_track is False


def test_citizen_campaigns_stay_out_of_the_organizations_engine(fresh_store, unit):
    s = fresh_store
    cid = create_citizen_campaign(s, "ninh_thuan_80_ngay", allocate=False)
    assert current_campaign_id(s) is None
    with pytest.raises(UserError, match="không thể là kế hoạch hiện hành"):
        set_current(s, cid)
    _staff(s, _agency(s, "UBND xã Thử"),
           _person(s, random.Random(1), unit[0], born="1990-01-01", act="2023-06-20", l2="2023-06-20"))
    before = citizen_progress(s, cid, D(2023, 6, 20)).targets   # the day before the campaign counts nothing
    assert before[0].total.cumulative == 0 and before[0].total.today == 0
    assert before[1].total.cumulative == 1 and before[1].total.today == 1   # staff, since 'all': counts
    assert [c["id"] for c in list_campaigns(s, "person")] == [cid]
    assert list_campaigns(s, "organization") == []
    with pytest.raises(UserError, match="không phải cho công dân"):
        org = create_campaign(s, {"name": "Tổ chức", "start_on": "2025-01-01", "end_on": "2025-02-01"})
        ct.create_target(s, add_phase(s, org, "GĐ", "2025-01-01", "2025-02-01"), {"measure": "activated",
                                                                                   "value": 5})
    with pytest.raises(UserError, match="tỷ lệ không được quá 100%"):
        ct.create_target(s, s.scalar("SELECT id FROM campaign_phases WHERE campaign_id = ?", (cid,)),
                         {"measure": "level2", "kind": "percent", "value": "120"})


def test_citizen_progress_cli(run_cli, db_path, clock):
    from models.core.store import Store

    s = Store(db_path, clock=clock)
    try:
        areas = setup_unit(s, 2)
        _population(s, areas, n=200)
        cid = create_citizen_campaign(s, "ninh_thuan_80_ngay")
    finally:
        s.close()
    result = run_cli("citizen-progress", "--db", db_path, "--as-of", "2023-08-01")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["campaign_id"] == cid and data["as_of"] == "2023-08-01" and data["every_day"] is True
    target = data["targets"][0]
    assert set(target["rows"]) == {"commune", "village", "officer", "agency", "enterprise"}
    s = Store(db_path, clock=clock)
    try:
        expected = _sql_count(s, "activated_on", first="2023-06-27", last="2023-08-01")
        without_area = s.scalar("SELECT COUNT(*) FROM persons WHERE area_code IS NULL AND activated_on"
                                " BETWEEN '2023-06-27' AND '2023-08-01'")
    finally:
        s.close()
    assert target["total"]["cumulative"] == expected
    assert sum(r["cumulative"] for r in target["rows"]["commune"]) == expected - without_area
    bad = run_cli("citizen-progress", "--db", db_path, "--as-of", "01/13/2023")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_the_demo_citizen_campaign_is_allocated_and_counted(tmp_path):
    from demo import DEMO_TODAY, SEED
    from demo import officers as demo_officers
    from demo import people as demo_people
    from demo import registry as demo_registry
    from models.core.store import Store

    s = Store(tmp_path / "demo.sqlite", clock=lambda: DEMO_TODAY)
    try:
        demo_officers.build(s, seed=SEED)
        demo_registry.build(s, organizations=300, seed=SEED)
        summary = demo_people.build(s, count=3000, seed=SEED)
        cid = summary["citizen_campaign"]
        assert current_campaign_id(s) != cid
        p = citizen_progress(s, cid, DEMO_TODAY.date() - dt.timedelta(days=3))
        act = next(t for t in p.targets if t.measure == "activated")
        assert sum(r.target for r in act.rows["commune"]) == act.total.target > 0
        assert act.total.cumulative == _sql_count(s, "activated_on", last=p.as_of.isoformat())
        assert act.rows["officer"] and all(r.target for r in act.rows["officer"])
        assert sum(r.target for r in act.rows["officer"]) == act.total.target   # the villages are split among them
        staff = next(t for t in p.targets if t.scope == "agencies")
        assert staff.total.target == s.scalar("SELECT COUNT(*) FROM agency_staff")
    finally:
        s.close()


def test_not_activated_baseline_and_province_scale(fresh_store, unit):
    s = fresh_store
    _population(s, unit)
    cid = create_campaign(s, {"name": "Vét", "start_on": "2023-07-01", "end_on": "2023-07-31"},
                          subject_type="person")
    phase = add_phase(s, cid, "Tháng 7", "2023-07-01", "2023-07-31")
    tid = ct.create_target(s, phase, {"measure": "activated", "kind": "percent", "value": "50",
                                      "baseline": "not_activated", "baseline_as_of": "15/07/2023", "since": "phase"})
    result = ct.allocate(s, tid)
    waiting = s.scalar("SELECT COUNT(*) FROM persons WHERE area_code IS NOT NULL AND (birth_date IS NULL OR "
                       "birth_date <= ?) AND (activated_on IS NULL OR activated_on > '2023-07-15')",
                       (eligible_born_on_or_before(D(2023, 7, 15)),))
    assert result["baseline"] == waiting and result["value"] == -(-waiting // 2)
    assert sum(result["communes"].values()) == result["value"] == sum(result["villages"].values())
    p = citizen_progress(s, cid, D(2023, 7, 20))
    assert p.targets[0].total.cumulative == _sql_count(s, "activated_on", first="2023-07-01", last="2023-07-20")
    # seed 003 at the province's scale: the plan's 264,720 as written, split over the unit's communes
    province = create_citizen_campaign(s, "ninh_thuan_80_ngay", scale="province")
    t = next(t for t in ct.list_targets(s, province) if t["scope"] == "all")
    assert t["baseline"] == "plan" and sum(ct.allocations(s, t["id"])["commune"].values()) == 264720
