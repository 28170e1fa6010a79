"""Built-in campaign templates from the seed plans (Kiên Giang 374/KH-UBND, Cần Thơ).

A template holds the province's figures as written in the plan. ``create_from_template`` makes an
editable campaign from it, in one of two scales:

* ``'unit'`` (default, a local unit): every target keeps the plan's ratio but is applied to the unit's
  own registry (``baseline_source='registry'``): 2,816 of 9,387 enterprises becomes
  ceil(2,816 × enterprises in our registry / 9,387). When the province hands down the unit's figure,
  the leader types it as "Chỉ tiêu giao cho đơn vị" (``unit_value``), which then wins.
* ``'province'``: the plan's numbers as written (``baseline_source='plan'``), for a provincial desk.

Group-4 percentages have no number in the plan: their baseline is the registry in both scales.
"""

from __future__ import annotations

from models.campaigns.plans import add_phase, create_campaign
from models.campaigns.targets import create_target, group_label
from models.core.errors import UserError
from models.core.permissions import require

TEMPLATES: dict[str, dict] = {
    "kien_giang_374": {
        "title": "Kiên Giang — Kế hoạch 374/KH-UBND (30/12/2024–30/6/2025)",
        "campaign": {
            "name": "Cao điểm triển khai định danh điện tử cho cơ quan, tổ chức (Kiên Giang)",
            "plan_number": "374/KH-UBND", "plan_date": "2024-12-25", "issuer": "UBND tỉnh Kiên Giang",
            "start_on": "2024-12-30", "end_on": "2025-06-30", "counts": "issued",
        },
        "phases": [
            {"name": "Ngày ra quân 30/12/2024", "kind": "day", "start_on": "2024-12-30", "end_on": "2024-12-30",
             "targets": [
                 {"label": "Đơn vị Công an các cấp", "groups": (3,), "kind": "percent", "value": 100,
                  "baseline_source": "plan", "plan_baseline": None, "cumulative": False,
                  "note": "Trong ngày 30/12/2024: 100% đơn vị Công an các cấp. Nhập số đơn vị Công an của "
                          "địa bàn làm số gốc; kết quả tính trong nhóm 3 của ngày này."},
             ]},
            {"name": "Giai đoạn 1", "kind": "phase", "start_on": "2024-12-30", "end_on": "2025-01-31",
             "targets": [
                 {"groups": (1,), "kind": "absolute", "value": 2816, "plan_baseline": 9387},
                 {"groups": (2,), "kind": "absolute", "value": 130, "plan_baseline": 430},
                 {"groups": (3,), "kind": "absolute", "value": 425, "plan_baseline": 1416},
                 {"groups": (4,), "kind": "percent", "value": 20},
             ]},
            {"name": "Giai đoạn 2", "kind": "phase", "start_on": "2025-02-01", "end_on": "2025-06-30",
             "targets": [
                 {"groups": (1,), "kind": "absolute", "value": 6571, "plan_baseline": 9387},
                 {"groups": (2,), "kind": "absolute", "value": 300, "plan_baseline": 430},
                 {"groups": (3,), "kind": "absolute", "value": 991, "plan_baseline": 1416},
                 {"groups": (4,), "kind": "percent", "value": 30},
             ]},
        ],
    },
    "can_tho": {
        "title": "Cần Thơ — Kế hoạch cao điểm (đến 30/6/2025)",
        "campaign": {
            # The seed does not carry the plan's number and date: the officer types them from the paper.
            # Phase 1 runs "from the plan's issue date"; 30/12/2024 is an editable default.
            "name": "Cao điểm triển khai định danh điện tử cho cơ quan, tổ chức (Cần Thơ)",
            "plan_number": None, "plan_date": None, "issuer": "UBND thành phố Cần Thơ",
            "start_on": "2024-12-30", "end_on": "2025-06-30", "counts": "issued",
            "notes": "Nhập số, ngày của Kế hoạch theo văn bản. Giai đoạn 1 tính từ ngày ban hành Kế hoạch.",
        },
        "phases": [
            {"name": "Giai đoạn 1 (thí điểm)", "kind": "phase", "start_on": "2024-12-30", "end_on": "2025-01-25",
             "targets": []},
            {"name": "Giai đoạn 2 (nhân rộng)", "kind": "phase", "start_on": "2025-01-26", "end_on": "2025-06-30",
             "targets": [
                 {"label": "Doanh nghiệp + Hợp tác xã", "groups": (1, 2), "kind": "percent", "value": 80},
                 {"label": "Cơ quan, tổ chức khác", "groups": (3, 4), "kind": "percent", "value": 50},
             ]},
        ],
    },
}


def template_choices() -> list[tuple[str, str]]:
    return [(key, spec["title"]) for key, spec in TEMPLATES.items()]


def create_from_template(store, key: str, *, scale: str = "unit", overrides: dict | None = None,
                         make_current: bool = False) -> int:
    """A new campaign with the template's phases and targets; returns its id."""
    require(store, "campaign.manage")
    if key not in TEMPLATES:
        raise UserError(f"Không có mẫu kế hoạch «{key}»")
    if scale not in ("unit", "province"):
        raise UserError(f"Cách quy đổi «{scale}» không hợp lệ (unit, province)")
    spec = TEMPLATES[key]
    with store.atomic():
        campaign_id = create_campaign(store, {**spec["campaign"], **(overrides or {})}, template_key=key,
                                      make_current=make_current)
        for phase in spec["phases"]:
            phase_id = add_phase(store, campaign_id, phase["name"], phase["start_on"], phase["end_on"],
                                 kind=phase["kind"])
            for t in phase["targets"]:
                data = {"label": t.get("label") or group_label(t["groups"]), "cumulative": True,
                        "baseline_source": "registry", **t}
                if data["kind"] == "absolute":
                    data["baseline_source"] = "registry" if scale == "unit" else "plan"
                create_target(store, phase_id, data)
    return campaign_id

