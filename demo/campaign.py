"""Demo campaign: Kiên Giang Plan 374/KH-UBND scaled to the demo unit and allocated to its communes.

The template's ratios (2,816 of 9,387 enterprises …) are applied to the demo registry (scale 'unit');
the one-day target of 30/12/2024 gets the number of police units of the demo unit (its commune
police plus itself); every target with a figure is then allocated to the communes in proportion to
their organizations. Deterministic: no randomness is needed (``seed`` kept for the builder protocol).
"""

from __future__ import annotations

from models.campaigns.plans import list_phases
from models.campaigns.targets import (
    allocate_proportionally,
    effective_target,
    list_targets,
    unit_area_codes,
    update_target,
)
from models.campaigns.templates import create_from_template


def build(store, seed: int) -> dict:
    with store.atomic():
        campaign_id = create_from_template(store, "kien_giang_374", scale="unit", make_current=True)
        day_phase = next(p for p in list_phases(store, campaign_id) if p["kind"] == "day")
        police_units = len(unit_area_codes(store)) + 1
        allocated = 0
        for target in list_targets(store, campaign_id):
            if target["phase_id"] == day_phase["id"]:
                update_target(store, target["id"], {"plan_baseline": police_units})
                continue
            figure = effective_target(store, target).value
            has_registry = store.scalar(
                f"SELECT 1 FROM organizations WHERE grp IN ({target['groups']}) AND area_code IS NOT NULL LIMIT 1")
            if figure is not None and has_registry:
                allocate_proportionally(store, target["id"])
                allocated += 1
    return {"campaign_id": campaign_id, "targets_allocated": allocated}
