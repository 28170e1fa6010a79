"""The province demo (``main.py demo --province --db DB``): the PC06 desk of An Giang, which merges the
units' weekly sync files, so the province side (page Đồng bộ → "Tổng hợp tệp các đơn vị", the list of who
sent, the consolidated report) can be tried.

Four units are declared. Three of them are built with the unit demo's own builder (``demo.build_demo``,
each with its own communes and seed, in a temporary folder) on Thursday 06/03/2025, the day the report
of the week 27/02–05/03 was due at 14:00, and export their sync file for that week with the same use case
as the page and the ``export`` command (``services.sync.export_workbook``): Rạch Giá at 09:20, Long Xuyên at
11:05, Châu Đốc at 16:40 (late). Phú Quốc sends nothing. The province's desk merges the three files with
``services.sync.merge_files``. Each unit also runs a small citizens' campaign (``people`` residents,
``demo.people`` and ``demo.citizen_campaign``), so its file (format 2.3) carries its citizens' figures
(``CongDan``) and mobile intake sessions (``BuoiThuNhan``), and the consolidated report prints them per
unit. Its clock then starts on the demo's moment, 13/03/2025 10:00, when the week
whose deadline last passed is that one: the desk shows two files on time, one late, one unit missing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import tempfile
import uuid
from pathlib import Path

from demo import DEMO_TODAY, SEED, build_demo
from demo import officers as demo_officers
from demo import registry as demo_registry
from models.core.demo_clock import DEMO_SETTING
from models.core.errors import UserError
from models.core.store import Store
from models.registry import units
from models.reports.period import get_settings, save_settings, week_due_on
from models.security.auth import actor_from_row
from models.sync.keys import own_key
from models.sync.merge import ACCEPTED, declare_unit, register_unit_key
from services.sync import export_workbook, merge_files

PROVINCE_UNIT = {
    "code": "AG-PC06",
    "name": "Phòng Cảnh sát QLHC về TTXH",
    "short_name": "PC06 An Giang",
    "parent_name": "Công an tỉnh An Giang",
    "province_code": demo_registry.PROVINCE_CODE,
    "place_name": "An Giang",
    "kind": "province",
}
PARENT = "Phòng Cảnh sát QLHC về TTXH - Công an tỉnh An Giang"
REPORT_DUE = dt.date(2025, 3, 6)  # the Thursday whose 14:00 deadline the units' files answer


@dataclasses.dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    short_name: str
    area_codes: tuple[str, ...]
    sent_at: dt.datetime | None  # when its file was exported; None: it sent nothing
    seed: int


UNITS = (
    DemoUnit(demo_registry.UNIT["code"], demo_registry.UNIT["name"], demo_registry.UNIT["short_name"],
             demo_registry.AREA_CODES, dt.datetime(2025, 3, 6, 9, 20), SEED),
    DemoUnit("AG-PC06-LX", "Tổ tiếp nhận hồ sơ định danh điện tử khu vực Long Xuyên", "Tổ tiếp nhận Long Xuyên",
             ("30292", "30301", "30307", "30313"), dt.datetime(2025, 3, 6, 11, 5), SEED + 1),
    DemoUnit("AG-PC06-CD", "Tổ tiếp nhận hồ sơ định danh điện tử khu vực Châu Đốc", "Tổ tiếp nhận Châu Đốc",
             ("30316", "30325", "30337", "30341", "30346", "30352"), dt.datetime(2025, 3, 6, 16, 40), SEED + 2),
    DemoUnit("AG-PC06-PQ", "Tổ tiếp nhận hồ sơ định danh điện tử đặc khu Phú Quốc", "Tổ tiếp nhận Phú Quốc",
             ("31078",), None, SEED + 3),
)
RECEIVED_AFTER = dt.timedelta(minutes=25)  # the province's desk merged each file shortly after it came


def build_province_demo(path: str | Path, *, organizations: int = 1200, dossiers: int = 600,
                        people: int = 2500) -> dict:
    """Build the province demo into ``path`` (replacing it: the front ends check first that it is absent or
    a demo database). ``organizations``, ``dossiers`` and ``people`` (residents of the citizens' campaign):
    per unit that sends a file."""
    path = Path(path)
    building = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="sodinhdanh-demo-") as folder:
        files = [(unit, _unit_file(Path(folder), unit, organizations, dossiers, people))
                 for unit in UNITS if unit.sent_at]
        rng = random.Random(SEED)
        store = Store(building, clock=lambda: DEMO_TODAY, backup_dir=path.parent / "backups",
                      uuid_factory=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        try:
            store.set_setting(DEMO_SETTING, DEMO_TODAY.isoformat(sep=" "), audit=False)
            summary = dict(demo_officers.build(store, seed=SEED))
            _province_unit(store)
            for unit in UNITS:
                declare_unit(store, unit.code, unit.name, PARENT)
            for unit, (_file, public_key) in files:  # keys handed over once, fingerprints read on the phone
                register_unit_key(store, unit.code, public_key)
            leader = store.query_one("SELECT * FROM officers WHERE role = 'leader' ORDER BY id LIMIT 1")
            saved_actor = store.actor
            store.actor = actor_from_row(leader)
            merged = []
            try:
                for unit, (file, _key) in files:
                    store.clock = lambda when=unit.sent_at + RECEIVED_AFTER: when
                    (result,) = merge_files(store, [file])
                    if result.status != ACCEPTED:
                        raise UserError(f"Không tổng hợp được tệp trình diễn của {unit.short_name}: {result.reason}")
                    merged.append({"code": unit.code, "file": Path(file).name, "late": result.late,
                                   "dossiers": result.inserted,
                                   "citizen_rows": result.sheets.get("CongDan", {}).get("rows", 0),
                                   "sessions": result.sheets.get("BuoiThuNhan", {}).get("rows", 0)})
            finally:
                store.actor, store.clock = saved_actor, (lambda: DEMO_TODAY)
            store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    building.replace(path)
    week = week_due_on(REPORT_DUE)
    summary.update({"unit": PROVINCE_UNIT["name"], "units_declared": len(UNITS), "files_merged": merged,
                    "not_sent": [u.code for u in UNITS if not u.sent_at],
                    "period_start": week.start.isoformat(), "period_end": week.end.isoformat()})
    return summary


def _province_unit(store: Store) -> None:
    wards = {w.code: w for w in units.official_wards(demo_registry.PROVINCE_CODE)}
    areas = [wards[code] for unit in UNITS for code in unit.area_codes]
    unit_id = units.save_unit_with_areas(store, PROVINCE_UNIT, areas)
    leader = store.query_one("SELECT * FROM officers WHERE role = 'leader' ORDER BY id LIMIT 1")
    save_settings(store, dataclasses.replace(
        get_settings(store, unit_id), symbol="BC-PC06", signer_authority="KT. TRƯỞNG PHÒNG",
        signer_title="PHÓ TRƯỞNG PHÒNG", signer_name=leader["full_name"]))


def _unit_file(folder: Path, unit: DemoUnit, organizations: int, dossiers: int, people: int) -> tuple[str, str]:
    """Build one unit's demo database on the day it sent its file, and export that file; returns the file
    and the unit's public key."""
    db = folder / f"{unit.code}.sqlite"
    build_demo(db, organizations=organizations, dossiers=dossiers, people=people, today=unit.sent_at, seed=unit.seed,
               unit={**demo_registry.UNIT, "code": unit.code, "name": unit.name, "short_name": unit.short_name},
               area_codes=unit.area_codes, reports=False)
    out = folder / "files"
    out.mkdir(exist_ok=True)
    store = Store(db, clock=lambda: unit.sent_at)
    try:
        leader = store.query_one("SELECT * FROM officers WHERE role = 'leader' ORDER BY id LIMIT 1")
        store.actor = actor_from_row(leader)
        period = week_due_on(REPORT_DUE, get_settings(store))
        path = export_workbook(store, out, full=True, period=period, unencrypted=True).path  # made-up people
        return path, own_key(store).public_key
    finally:
        store.close()
