"""Deterministic demo database (order: officers, unit/areas/organizations, dossiers, campaign, issued weekly reports): a unit with its real communes, organizations of the four groups,
dossiers over ten weeks in every state, and the Kiên Giang campaign with allocations.

Each step lives in its own module and is seeded, so two runs give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path

from demo import campaign as demo_campaign
from demo import dossiers as demo_dossiers
from demo import officers as demo_officers
from demo import registry as demo_registry
from demo import reports as demo_reports
from models.core.store import Store

# The demo's "today": ten weeks into the Kiên Giang campaign, a Thursday (report day), so every
# state, deadline and the weekly report show. The GUI uses it as its clock on the demo database.
DEMO_TODAY = dt.datetime(2025, 3, 13, 10, 0, 0)
SEED = 20241230


def build_demo(path: str | Path, *, organizations: int = 3000, dossiers: int = 1500) -> dict:
    path = Path(path)
    # Built beside the target and renamed when complete: a crash leaves the old file or the whole demo.
    building = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    rng = random.Random(SEED)
    store = Store(building, clock=lambda: DEMO_TODAY, backup_dir=path.parent / "backups",
                  uuid_factory=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)))
    try:
        summary = {}
        store.set_setting("demo_today", DEMO_TODAY.date().isoformat(), audit=False)
        summary.update(demo_officers.build(store, seed=SEED))
        summary.update(demo_registry.build(store, organizations=organizations, seed=SEED))
        summary.update(demo_dossiers.build(store, count=dossiers, seed=SEED))
        summary.update(demo_campaign.build(store, seed=SEED))
        summary.update(demo_reports.build(store, seed=SEED))
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file before the rename
    finally:
        store.close()
    for suffix in ("-wal", "-shm"):  # the old file's journal must not be applied to the new one
        Path(str(path) + suffix).unlink(missing_ok=True)
    building.replace(path)
    return summary
