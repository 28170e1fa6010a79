"""The declared-area choice shared by intake and the dossier screen: the unit's own communes first,
then every other known area marked «ngoài địa bàn»."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from models.core.store import Store
from models.registry import units as units_mod

UNKNOWN_AREA = "(chưa rõ)"


def fill_area_combo(combo: QComboBox, store: Store) -> None:
    """Items: «(chưa rõ)» (data None), the unit's areas, then the others; each item's data is the code."""
    combo.addItem(UNKNOWN_AREA, None)
    own = units_mod.unit_areas(store)
    codes = {a["code"] for a in own}
    for area in own:
        combo.addItem(area["name"], area["code"])
    for area in units_mod.all_areas(store):
        if area["code"] not in codes:
            combo.addItem(f"{area['name']} (ngoài địa bàn)", area["code"])
