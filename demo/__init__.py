"""Deterministic demo database (order: officers, unit/areas/organizations, dossiers, campaign, citizens, issued weekly reports): a unit with its real communes, organizations of the four groups,
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
from demo import people as demo_people
from demo import person_dossiers as demo_person_dossiers
from demo import registry as demo_registry
from demo import reports as demo_reports
from models.core.demo_clock import DEMO_SETTING
from models.core.progress import Progress
from models.core.store import Store

# The demo's "today": ten weeks into the Kiên Giang campaign, a Thursday (report day), so every
# state, deadline and the weekly report show. The GUI and the CLI start their clock there on the demo
# database, date and time of day (models/core/demo_clock.py).
DEMO_TODAY = dt.datetime(2025, 3, 13, 10, 0, 0)
SEED = 20241230

# The builder's steps for its progress: what the officer reads ("Đang tạo dữ liệu trình diễn: …") and each
# step's share of the build time in hundredths (measured on the default sizes), so the bar moves evenly.
STEPS = {
    "officers": ("cán bộ và tài khoản", 8),
    "registry": ("đơn vị, địa bàn, cơ quan và tổ chức", 9),
    "dossiers": ("hồ sơ trong mười tuần", 49),
    "campaign": ("kế hoạch vận động", 1),
    "people": ("công dân", 11),
    "person_dossiers": ("hồ sơ mức 2 của công dân", 6),
    "reports": ("báo cáo tuần đã ban hành", 9),
    "finish": ("hoàn tất tệp", 1),
}


class _Steps:
    """Reports the step about to run to ``progress`` (``None``: nothing); raises ``Cancelled`` there when the
    officer asked to stop, so a build stops only between steps."""

    def __init__(self, progress: Progress | None, names: list[str]):
        self.progress = progress
        self.names = names
        self.total = sum(STEPS[name][1] for name in names)
        self.done = 0

    def __call__(self, name: str) -> None:
        if self.progress is None:
            return
        number = self.names.index(name) + 1
        self.done = sum(STEPS[n][1] for n in self.names[:number - 1])
        self.progress.update(self.done, self.total, f"Đang tạo dữ liệu trình diễn: {STEPS[name][0]} "
                             f"(bước {number}/{len(self.names)})…", force=True)


def build_demo(path: str | Path, *, organizations: int = 3000, dossiers: int = 1500, today: dt.datetime = DEMO_TODAY,
               seed: int = SEED, unit: dict | None = None, area_codes: tuple[str, ...] | None = None,
               reports: bool = True, people: int = 30000, progress: Progress | None = None) -> dict:
    """Build the demo into ``path`` (replacing it: the front ends check first that it is absent or a demo
    database, ``models.core.db_probe.check_demo_target``). ``people``: residents of the citizens' campaign
    (``demo.people``; 0 for none). ``today``, ``seed``, ``unit`` and ``area_codes`` let the province demo
    (``demo.province``) build other units the same way; ``reports``: issue the past
    weeks' reports. ``progress``: told each step (``STEPS``); cancelling it stops the build between steps
    and leaves no file behind (``Cancelled`` is raised)."""
    path = Path(path)
    # Built beside the target and renamed when complete: a crash leaves the old file or the whole demo.
    building = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    rng = random.Random(seed)
    step = _Steps(progress, [name for name in STEPS
                             if (name not in ("people", "person_dossiers") or people)
                             and (name != "reports" or reports)])
    step("officers")  # before the file is created: a build cancelled at once leaves nothing
    store = Store(building, clock=lambda: today, backup_dir=path.parent / "backups",
                  uuid_factory=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)))
    try:
        summary = {}
        # The marker of a demo database and its clock's starting moment (models/core/demo_clock.py).
        store.set_setting(DEMO_SETTING, today.isoformat(sep=" "), audit=False)
        summary.update(demo_officers.build(store, seed=seed))
        step("registry")
        summary.update(demo_registry.build(store, organizations=organizations, seed=seed,
                                           unit=unit or demo_registry.UNIT,
                                           area_codes=area_codes or demo_registry.AREA_CODES))
        step("dossiers")
        summary.update(demo_dossiers.build(store, count=dossiers, seed=seed))
        step("campaign")
        summary.update(demo_campaign.build(store, seed=seed))
        if people:
            step("people")
            summary["people"] = demo_people.build(store, count=people, seed=seed)
            step("person_dossiers")
            summary["people"].update(demo_person_dossiers.build(store, seed=seed))
        if reports:
            step("reports")
            summary.update(demo_reports.build(store, seed=seed))
        step("finish")
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file before the rename
    except BaseException:  # cancelled or failed: no half-made demo stays beside the target
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(building) + suffix).unlink(missing_ok=True)
        raise
    store.close()
    for suffix in ("-wal", "-shm"):  # the old file's journal must not be applied to the new one
        Path(str(path) + suffix).unlink(missing_ok=True)
    building.replace(path)
    return summary
