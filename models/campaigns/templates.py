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

from models.campaigns import citizen_targets
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



# ---- citizens' campaigns (issue 16) -------------------------------------------------------------------
# Seeds 003 (Ninh Thuận, "80 ngày, đêm") and 004 (Quảng Xương 263/KH-UBND). Targets: see
# models/campaigns/citizen_targets.py. At the 'unit' scale an absolute province figure keeps the plan's ratio
# against the unit's eligible residents (264,720 of 319,284 accounts); at 'province' it is taken as written.
CITIZEN_TEMPLATES: dict[str, dict] = {
    "ninh_thuan_80_ngay": {
        "title": "Ninh Thuận — Chiến dịch «80 ngày, đêm» (27/6–15/9/2023)",
        "every_day": True,   # the mobile teams work every day of the week, weekends and holidays included
        "campaign": {
            "name": "Chiến dịch «80 ngày, đêm» thu nhận, kích hoạt tài khoản định danh điện tử (Ninh Thuận)",
            "plan_number": None, "plan_date": "2023-06-27", "issuer": "UBND tỉnh Ninh Thuận",
            "start_on": "2023-06-27", "end_on": "2023-09-15", "counts": "activated",
            "notes": "Đến 27/6/2023 mới kích hoạt 58.866/319.284 tài khoản (18,44%). Giao chỉ tiêu kích hoạt hằng "
                     "ngày theo tiêu chí «5 rõ» đến từng xã, thôn và từng CSKV; làm cả thứ Bảy, Chủ nhật.",
        },
        "phases": [
            {"name": "80 ngày, đêm", "kind": "phase", "start_on": "2023-06-27", "end_on": "2023-09-15",
             "targets": [
                 {"label": "Kích hoạt tài khoản định danh điện tử", "measure": "activated", "scope": "all",
                  "kind": "absolute", "value": 264720, "plan_baseline": 319284, "baseline": "eligible",
                  "since": "campaign"},
                 {"label": "Cán bộ, công chức, viên chức kích hoạt (100%)", "measure": "activated",
                  "scope": "agencies", "kind": "percent", "value": 100, "baseline": "staff", "since": "all"},
             ]},
        ],
    },
    "quang_xuong_263": {
        "title": "Quảng Xương — Kế hoạch 263/KH-UBND (25/11–31/12/2022)",
        "every_day": False,
        "campaign": {
            "name": "Cấp, kích hoạt, sử dụng tài khoản định danh điện tử và tài khoản dịch vụ công (Quảng Xương)",
            "plan_number": "263/KH-UBND", "plan_date": "2022-11-25", "issuer": "UBND huyện Quảng Xương",
            "start_on": "2022-11-25", "end_on": "2022-12-31", "counts": "activated",
        },
        "phases": [
            {"name": "Đến 31/12/2022", "kind": "phase", "start_on": "2022-11-25", "end_on": "2022-12-31",
             "targets": [
                 {"label": "100% người đủ điều kiện có tài khoản mức 1", "measure": "level1", "scope": "all",
                  "kind": "percent", "value": 100, "baseline": "eligible", "since": "all"},
                 {"label": "30% người dân có tài khoản mức 2", "measure": "level2", "scope": "all",
                  "kind": "percent", "value": 30, "baseline": "eligible", "since": "all"},
                 {"label": "Tài khoản dịch vụ công: 10% người dân các xã", "measure": "portal", "scope": "communes",
                  "kind": "percent", "value": 10, "baseline": "eligible", "since": "all"},
                 {"label": "Tài khoản dịch vụ công: 20% người dân thị trấn", "measure": "portal", "scope": "towns",
                  "kind": "percent", "value": 20, "baseline": "eligible", "since": "all"},
                 {"label": "Tài khoản dịch vụ công: 50% đơn vị, doanh nghiệp", "measure": "portal",
                  "scope": "agencies", "kind": "percent", "value": 50, "baseline": "staff", "since": "all",
                  "note": "Tính trên danh sách cán bộ các cơ quan, đơn vị đã nhập."},
                 {"label": "100% cán bộ, công chức, viên chức có tài khoản mức 2", "measure": "level2",
                  "scope": "agencies", "kind": "percent", "value": 100, "baseline": "staff", "since": "all"},
                 {"label": "60% người đứng đầu doanh nghiệp có tài khoản mức 2", "measure": "level2",
                  "scope": "enterprises", "kind": "percent", "value": 60, "baseline": "staff", "since": "all",
                  "note": "Danh sách của các cơ quan loại «doanh nghiệp»: người đứng đầu, người đại diện."},
             ]},
        ],
    },
}


def citizen_template_choices() -> list[tuple[str, str]]:
    return [(key, spec["title"]) for key, spec in CITIZEN_TEMPLATES.items()]


def create_citizen_campaign(store, key: str, *, scale: str = "unit", overrides: dict | None = None,
                            allocate: bool = True) -> int:
    """A citizens' campaign (``subject_type='person'``) from a built-in template; with ``allocate`` every
    target is allocated to communes, villages and agencies at once (baseline frozen then)."""
    require(store, "campaign.manage")
    if key not in CITIZEN_TEMPLATES:
        raise UserError(f"Không có mẫu kế hoạch «{key}»")
    if scale not in ("unit", "province"):
        raise UserError(f"Cách quy đổi «{scale}» không hợp lệ (unit, province)")
    spec = CITIZEN_TEMPLATES[key]
    with store.atomic():
        campaign_id = create_campaign(store, {**spec["campaign"], **(overrides or {})}, template_key=key,
                                      subject_type="person", every_day=spec["every_day"])
        for phase in spec["phases"]:
            phase_id = add_phase(store, campaign_id, phase["name"], phase["start_on"], phase["end_on"],
                                 kind=phase["kind"])
            for t in phase["targets"]:
                data = dict(t)
                if scale == "province" and data["kind"] == "absolute":
                    data["baseline"] = "plan"
                target_id = citizen_targets.create_target(store, phase_id, data)
                if allocate:
                    citizen_targets.allocate(store, target_id)
    return campaign_id
