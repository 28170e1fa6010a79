"""The demo's citizens' campaign (issue 16) on the demo residents of ``demo.people``: a 90-day peak
from the residents' campaign start (2/1/2025), every day counted (mobile teams work weekends, as in
seed 003), with targets for activation, level 2 and the agencies' staff, allocated to communes, villages
and agencies; the demo's intake officers answer for the villages as area officers ("cán bộ CSKV").
"""

from __future__ import annotations

import datetime as dt

from models.campaigns import citizen_targets
from models.campaigns.plans import add_phase, create_campaign
from models.core.store import Store

START = dt.date(2025, 1, 2)
TARGETS = [
    {"label": "Kích hoạt tài khoản: 70% người đủ 14 tuổi", "measure": "activated", "scope": "all",
     "kind": "percent", "value": 70, "baseline": "eligible", "since": "all"},
    {"label": "Tài khoản mức 2: 35% người đủ 14 tuổi", "measure": "level2", "scope": "all", "kind": "percent",
     "value": 35, "baseline": "eligible", "since": "all"},
    {"label": "100% cán bộ các cơ quan có tài khoản mức 2", "measure": "level2", "scope": "agencies",
     "kind": "percent", "value": 100, "baseline": "staff", "since": "all"},
]


def build(store: Store) -> int | None:
    """Create, allocate and staff the campaign; returns its id (None without residents)."""
    if not store.scalar("SELECT COUNT(*) FROM persons"):
        return None
    end = START + dt.timedelta(days=89)
    with store.atomic():
        campaign_id = create_campaign(store, {
            "name": "Cao điểm 90 ngày cấp, kích hoạt tài khoản định danh điện tử cho công dân",
            "plan_number": "15/KH-CAH", "plan_date": (START - dt.timedelta(days=5)).isoformat(),
            "issuer": "Công an huyện", "start_on": START.isoformat(), "end_on": end.isoformat(), "counts": "activated",
        }, template_key="demo_citizens", subject_type="person", every_day=True)
        phase_id = add_phase(store, campaign_id, "Cao điểm 90 ngày", START.isoformat(), end.isoformat())
        officers = [r[0] for r in store.execute(
            "SELECT id FROM officers WHERE role IN ('intake', 'leader') ORDER BY role DESC, id")]
        places = store.execute("SELECT DISTINCT area_code, village FROM persons WHERE area_code IS NOT NULL"
                               " AND village IS NOT NULL ORDER BY area_code, village").fetchall()
        for i, (area, village) in enumerate(places):
            if officers:
                citizen_targets.assign_officer(store, officers[i % len(officers)], area, village)
        for target in TARGETS:
            citizen_targets.allocate(store, citizen_targets.create_target(store, phase_id, target))
    return campaign_id
