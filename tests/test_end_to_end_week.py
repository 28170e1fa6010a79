"""End to end: two units and their province live through one week, through the real CLI.

Each unit sets up its unit and areas (model API: there is no CLI for it), imports messy organization lists
per group (``import-orgs``), imports the online dossiers the province forwarded (``import-dossiers``), moves
some of them through their states (model API, backdated), then reads its figures (``dossiers``,
``progress``, ``report``), exports its sync workbook (``export``), and the province merges both units
(``merge``) and prints the consolidated report (``sync-report``). Backup, check and restore close the week.

Every number the application prints is compared with a figure computed here from the scenario's own data
(which organizations we issued and when), never from the application's tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from tests.factories import messy_files as mf

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN_START = dt.date(2024, 12, 30)
WEEK_START, WEEK_END = dt.date(2025, 1, 2), dt.date(2025, 1, 8)
AFTER_WEEK = dt.date(2025, 1, 10)  # issued after the report week: must not count as of 08/01
PASSWORD = "Mk#2025kg"
PROVINCE = ("PC06-KG", "Phòng PC06 Công an tỉnh Kiên Giang")
UNITS = [  # code, name, seed
    ("CAH-CT", "Công an huyện Châu Thành", 11),
    ("CAH-RG", "Công an thành phố Rạch Giá", 23),
]
GROUP_SIZES = {1: 90, 2: 30, 3: 20, 4: 12}


# ---- running the CLI ---------------------------------------------------------------------------------
def _runner(cwd: Path):
    """The conftest ``run_cli`` fixture is per test; the week is built once per module, so the same
    subprocess call (``python main.py …``, utf-8, offscreen, private XDG_DATA_HOME) is made here."""

    def run(*args, timeout=120):
        env = dict(os.environ)
        env.update({"PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(cwd / "xdg")})
        env.pop("SODINHDANH_SYNC_PASSWORD", None)
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True,
                              text=True, encoding="utf-8", timeout=timeout, env=env, cwd=str(cwd))

    return run


def _json(proc, code: int = 0):
    assert proc.returncode == code, f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    return json.loads(proc.stdout)


def _json_lines(proc, code: int = 0) -> list:
    assert proc.returncode == code, f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


# ---- the scenario ------------------------------------------------------------------------------------
@dataclasses.dataclass
class Dossier:
    ref: str
    org: mf.Org
    group: int
    received: dt.datetime
    plan: str  # open | verifying | issued | activated | refused | cancelled
    issued_on: dt.date | None = None
    status: str = "received"


@dataclasses.dataclass
class Unit:
    code: str
    name: str
    seed: int
    db: Path
    orgs: dict[int, list[mf.Org]] = dataclasses.field(default_factory=dict)
    files: dict[int, Path] = dataclasses.field(default_factory=dict)
    repeats: dict[int, list[int]] = dataclasses.field(default_factory=dict)
    dossiers: list[Dossier] = dataclasses.field(default_factory=list)
    out: dict[str, object] = dataclasses.field(default_factory=dict)  # CLI outputs, by step

    def expected_achieved(self, as_of: dt.date, since: dt.date = CAMPAIGN_START) -> dict[int, int]:
        """Distinct organizations per group whose FIRST issue (cancelled never counts) falls in
        [since, as_of] — computed from the scenario, not from the database."""
        first: dict[str, tuple[int, dt.date]] = {}
        for d in self.dossiers:
            if d.issued_on is None:
                continue
            key = d.org.tax_code or d.org.name
            if key not in first or d.issued_on < first[key][1]:
                first[key] = (d.group, d.issued_on)
        out = dict.fromkeys(GROUP_SIZES, 0)
        for grp, day in first.values():
            if CAMPAIGN_START <= day and since <= day <= as_of:
                out[grp] += 1
        return out


def _setup_unit_db(path: Path, code: str, name: str, kind: str, areas) -> None:
    from models.store import Store
    from models.units import save_unit, set_unit_areas

    store = Store(path)
    try:
        unit_id = save_unit(store, {"code": code, "name": name, "short_name": code.split("-")[0],
                                    "parent_name": "Công an tỉnh Kiên Giang", "kind": kind,
                                    "place_name": "Kiên Giang"})
        if areas:
            set_unit_areas(store, unit_id, [{"code": c, "name": n} for c, n in areas])
    finally:
        store.close()


def _org_files(unit: Unit, folder: Path) -> None:
    """One messy source list per group, each messy in its own way."""
    seen: set[str] = set()
    for grp, n in GROUP_SIZES.items():
        orgs = mf.make_orgs(n, seed=unit.seed * 10 + grp, with_tax=grp != 4, branches=0.1 if grp == 1 else 0)
        for o in orgs:  # a unit's four lists never share a tax code (the same code would be an update)
            assert o.tax_code is None or o.tax_code not in seen
            seen.add(o.tax_code)
            if grp == 4:
                o.name = f"{o.name} ({unit.code})"
        unit.orgs[grp] = orgs
        if grp == 1:  # xlsx: letterhead, two-row merged header, (1)(2)… row, NFD, numeric tax codes, a repeat
            layout = mf.Layout(two_row_header=True, column_numbers=True, nfd=True, numeric_tax=True,
                               blank_every=25, repeat=[3, 40])
            path = mf.write_xlsx(mf.build(orgs, layout, seed=unit.seed), folder / f"{unit.code}_dn.xlsx")
        elif grp == 2:  # csv, Excel serial dates, tax codes that lost their leading zero, stray spaces
            layout = mf.Layout(numeric_tax=True, dates="serial", stray_spaces=True, nfd=True)
            path = mf.write_csv(mf.build(orgs, layout, seed=unit.seed), folder / f"{unit.code}_htx.csv",
                                delimiter=";")
        elif grp == 3:  # xlsx, ASCII upper-case headers, dd/mm/yyyy text dates
            layout = mf.Layout(ascii_headers=True, upper_headers=True, dates="text", repeat=[0])
            path = mf.write_xlsx(mf.build(orgs, layout, seed=unit.seed), folder / f"{unit.code}_cq.xlsx")
        else:  # group 4 without tax codes, csv in UTF-8 with BOM
            layout = mf.Layout(nfd=True)
            path = mf.write_csv(mf.build(orgs, layout, seed=unit.seed), folder / f"{unit.code}_khac.csv")
        unit.files[grp] = path
        unit.repeats[grp] = list(layout.repeat)


def _plan_dossiers(unit: Unit) -> None:
    """~45 online dossiers per unit over the week, with a plan for each; a few received today (not overdue)."""
    rng = random.Random(unit.seed)
    active = [(g, o) for g in (1, 2, 3) for o in unit.orgs[g] if o.status == "active"]
    dissolved = [(g, o) for g in (1, 2, 3) for o in unit.orgs[g] if o.status == "dissolved"]
    rng.shuffle(active)
    picked = active[:40]
    plans = (["issued"] * 14 + ["activated"] * 6 + ["late_issue"] * 3 + ["open"] * 8 + ["verifying"] * 5
             + ["cancelled"] * 2 + ["refused"] * 2)
    assert len(plans) == len(picked)
    rng.shuffle(plans)
    n = 0

    def add(grp, org, received, plan):
        nonlocal n
        n += 1
        ref = f"G01.{unit.seed:03d}-{received:%y%m%d}-{n:04d}"
        unit.dossiers.append(Dossier(ref, org, grp, received, plan))

    for (grp, org), plan in zip(picked, plans, strict=True):
        day = WEEK_START + dt.timedelta(days=rng.randint(0, 4))
        add(grp, org, dt.datetime.combine(day, dt.time(rng.randint(7, 16), rng.randint(0, 59))), plan)
    # the same organization sends a second dossier later in the week; both get issued: it counts once
    twice = next(d for d in unit.dossiers if d.plan == "issued")
    add(twice.group, twice.org, dt.datetime.combine(WEEK_END, dt.time(8, 15)), "issued")
    # a dissolved organization: blocking finding, refused by the leader
    grp, org = dissolved[0]
    add(grp, org, dt.datetime.combine(WEEK_START, dt.time(10, 0)), "refused")
    # three dossiers received today: open and not overdue
    today = dt.date.today()
    for grp, org in active[40:43]:
        add(grp, org, dt.datetime.combine(today, dt.time(0, 0, 1)), "open")


def _dossier_file(unit: Unit, path: Path) -> Path:
    """The province's list: title rows, tax codes as numbers without the leading zero, NFD names,
    the channel spelled in three ways (blank = the app)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hồ sơ trực tuyến"
    ws.append(["DANH SÁCH HỒ SƠ ĐỀ NGHỊ CẤP TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ CHO TỔ CHỨC"])
    ws.append([f"(Kèm theo Công văn số 15/PC06 — chuyển {unit.name})"])
    ws.append([])
    ws.append(["STT", "Mã hồ sơ trực tuyến", "Ngày nộp", "Kênh nộp", "Tên tổ chức", "Mã số thuế", "Địa chỉ trụ sở",
               "Xã/Phường", "Người đại diện", "Số CCCD", "Điện thoại", "Email"])
    channels = ["Ứng dụng VNeID", "", "vneid.gov.vn"]
    for i, d in enumerate(unit.dossiers, start=1):
        o = d.org
        tax = int(o.tax_code.replace("-", "")) if i % 2 else o.tax_code
        name = unicodedata.normalize("NFD", o.name) if i % 3 == 0 else o.name
        ws.append([i, d.ref, d.received, channels[i % 3], name, tax, o.address, o.area_name, o.rep_name,
                   o.rep_id_number, o.rep_phone, o.rep_email])
        ws.cell(ws.max_row, 3).number_format = "dd/mm/yyyy hh:mm"
    ws.append([])
    ws.append(["", "Tổng cộng: " + str(len(unit.dossiers)) + " hồ sơ"])
    wb.save(path)
    return path


def _move_dossiers(unit: Unit) -> None:
    """Issue, activate, refuse, cancel through the model API, backdated with ``at=``."""
    from models import dossier_status
    from models.store import Store

    rng = random.Random(unit.seed + 1)
    store = Store(unit.db)
    try:
        ids = {r["online_ref"]: r["id"] for r in store.query("SELECT id, online_ref FROM dossiers")}
        for d in unit.dossiers:
            did = ids[d.ref]
            t = d.received
            if d.plan == "open":
                continue
            if d.plan == "cancelled":
                dossier_status.move(store, did, "cancelled", reason="Nhập nhầm tổ chức", at=t + dt.timedelta(hours=1))
                d.status = "cancelled"
                continue
            if d.plan == "refused":
                dossier_status.move(store, did, "refused", reason="Tổ chức đã giải thể",
                                    at=t + dt.timedelta(hours=2))
                d.status = "refused"
                continue
            dossier_status.move(store, did, "verifying", at=t + dt.timedelta(minutes=30))
            d.status = "verifying"
            if d.plan == "verifying":
                continue
            dossier_status.move(store, did, "verified", at=t + dt.timedelta(hours=1))
            if d.plan == "late_issue":
                issued = AFTER_WEEK
            else:
                issued = min(WEEK_END, t.date() + dt.timedelta(days=rng.randint(0, 2)))
            dossier_status.move(store, did, "issued", at=dt.datetime.combine(issued, dt.time(15, 0)))
            d.issued_on, d.status = issued, "issued"
            if d.plan == "activated":
                dossier_status.move(store, did, "activated", at=dt.datetime.combine(issued, dt.time(17, 0)))
                d.status = "activated"
    finally:
        store.close()


def _create_campaign(db: Path) -> None:
    from models.campaign_templates import create_from_template
    from models.store import Store

    store = Store(db)
    try:
        create_from_template(store, "kien_giang_374", make_current=True)
    finally:
        store.close()


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    base = tmp_path_factory.mktemp("week")
    cli = _runner(base)
    units = [Unit(code, name, seed, base / f"{code}.sqlite") for code, name, seed in UNITS]
    for u in units:
        folder = base / u.code
        folder.mkdir()
        _setup_unit_db(u.db, u.code, u.name, "local", mf.AREAS)
        _org_files(u, folder)
        for grp in GROUP_SIZES:
            u.out[f"import-{grp}"] = _json(cli("import-orgs", "--db", u.db, "--group", grp, u.files[grp]))
        for grp in GROUP_SIZES:
            u.out[f"reimport-{grp}"] = _json(cli("import-orgs", "--db", u.db, "--group", grp, u.files[grp]))
        _plan_dossiers(u)
        dfile = _dossier_file(u, folder / "ho_so_tinh_chuyen.xlsx")
        u.out["dossiers-import"] = _json(cli("import-dossiers", "--db", u.db, dfile))
        u.out["dossiers-reimport"] = _json(cli("import-dossiers", "--db", u.db, dfile))
        _move_dossiers(u)
        _create_campaign(u.db)
        u.out["progress"] = _json(cli("progress", "--db", u.db, "--as-of", WEEK_END))
        u.out["report"] = _json(cli("report", "--db", u.db, "--week-ending", WEEK_END, "--out", folder / "unit.pdf",
                                    "--xlsx", folder / "unit.xlsx"))
        u.out["report-pdf"] = folder / "unit.pdf"
        u.out["report-xlsx"] = folder / "unit.xlsx"
    # the sync files: unit 1 plain, unit 2 with a password
    plain = _json(cli("export", "--db", units[0].db, "--out", base / "u1.xlsx", "--full", "--week-end", WEEK_END))
    locked = _json(cli("export", "--db", units[1].db, "--out", base / "u2.xlsx", "--full", "--week-end", WEEK_END,
                       "--password", PASSWORD))
    units[0].out["export"], units[1].out["export"] = plain, locked
    tampered = base / "u1_sua.xlsx"
    wb = openpyxl.load_workbook(base / "u1.xlsx")
    ws = wb["HoSo"]
    ws.cell(2, 2).value = f"{ws.cell(2, 2).value}x"
    wb.save(tampered)
    province = base / "tinh.sqlite"
    _setup_unit_db(province, *PROVINCE, "province", [])
    merges = {
        "first": _json_lines(cli("merge", "--db", province, tampered, base / "u1.xlsx", base / "u2.xlsx",
                                 "--password", PASSWORD), code=1),
        "again": _json_lines(cli("merge", "--db", province, base / "u1.xlsx", base / "u2.xlsx",
                                 "--password", PASSWORD)),
    }
    return {"base": base, "cli": cli, "units": units, "province": province, "merges": merges,
            "files": {"u1": base / "u1.xlsx", "u2": base / "u2.xlsx", "tampered": tampered}}


def _rows(db: Path, sql: str, args=()) -> list[tuple]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def _unit(week, i):
    return week["units"][i]


# ---- 1. organization lists ---------------------------------------------------------------------------
@pytest.mark.parametrize("i", [0, 1])
@pytest.mark.parametrize("grp", [1, 2, 3, 4])
def test_import_orgs_counts_and_idempotence(week, i, grp):
    u = _unit(week, i)
    n, repeats = GROUP_SIZES[grp], len(u.repeats[grp])
    first, again = u.out[f"import-{grp}"], u.out[f"reimport-{grp}"]
    assert (first["read"], first["inserted"], first["updated"], first["rejected"]) == (n + repeats, n, 0, 0), first
    assert first["duplicates"] == repeats
    assert (again["inserted"], again["updated"], again["rejected"]) == (0, 0, 0), again
    assert again["unchanged"] == n, again
    stored = _rows(u.db, "SELECT count(*) FROM organizations WHERE grp = ?", (grp,))[0][0]
    assert stored == n


@pytest.mark.parametrize("i", [0, 1])
def test_search_by_folded_name_and_tax_fragment(week, run_cli, i):
    u = _unit(week, i)
    all_orgs = [o for g in GROUP_SIZES for o in u.orgs[g]]
    nguyen = {o.name for o in all_orgs if "nguyễn" in o.name.lower()}
    assert nguyen, "the seeded names must contain a Nguyễn"
    found = _json_lines(run_cli("search", "--db", u.db, "nguyen", "--limit", 1000))
    names = {unicodedata.normalize("NFC", r["name"]) for r in found}
    assert nguyen <= names
    # a tax code that lost its leading zero in the xlsx comes back whole, and 6 digits in the middle find it
    target = next(o for o in u.orgs[1] if o.tax_code.startswith("0") and "-" not in o.tax_code)
    fragment = target.tax_code[3:9]
    hits = _json_lines(run_cli("search", "--db", u.db, fragment, "--limit", 1000))
    assert target.tax_code in {h["tax_code"] for h in hits}
    assert all(fragment in h["tax_code"].replace("-", "") for h in hits), hits


# ---- 2./3. dossiers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("i", [0, 1])
def test_import_dossiers_counts_and_idempotence(week, i):
    u = _unit(week, i)
    n = len(u.dossiers)
    assert u.out["dossiers-import"] == {"read": n, "inserted": n, "updated": 0, "unchanged": 0, "rejected": 0}
    assert u.out["dossiers-reimport"] == {"read": n, "inserted": 0, "updated": 0, "unchanged": n, "rejected": 0}


@pytest.mark.parametrize("i", [0, 1])
@pytest.mark.parametrize("status", ["received", "verifying", "issued", "activated", "refused", "cancelled"])
def test_dossiers_by_status(week, run_cli, i, status):
    u = _unit(week, i)
    rows = _json_lines(run_cli("dossiers", "--db", u.db, "--status", status))
    expected = {d.ref for d in u.dossiers if d.status == status}
    assert {r["online_ref"] for r in rows} == expected
    assert all(r["status"] == status for r in rows)
    by_ref = {d.ref: d for d in u.dossiers}
    for r in rows:
        d = by_ref[r["online_ref"]]
        assert r["tax_code"] == d.org.tax_code
        assert r["group"] == d.group
        assert r["received_at"].startswith(d.received.strftime("%Y-%m-%d %H:%M"))


@pytest.mark.parametrize("i", [0, 1])
def test_overdue_dossiers(week, run_cli, i):
    """Open dossiers of January 2025 are long past their due date; today's are not."""
    u = _unit(week, i)
    rows = _json_lines(run_cli("dossiers", "--db", u.db, "--overdue"))
    expected = {d.ref for d in u.dossiers if d.status in ("received", "verifying")
                and d.received.date() < dt.date.today() - dt.timedelta(days=30)}
    assert {r["online_ref"] for r in rows} == expected
    assert all(r["overdue"] for r in rows)
    today_refs = {d.ref for d in u.dossiers if d.received.date() == dt.date.today()}
    assert len(today_refs) == 3 and not today_refs & {r["online_ref"] for r in rows}


# ---- 4. progress -------------------------------------------------------------------------------------
def _group_cumulative(progress: dict) -> dict[int, int]:
    """Achieved since the campaign start per single-group target of the current phase."""
    out = {}
    for t in progress["targets"]:
        if len(t["groups"]) == 1:
            out[t["groups"][0]] = t["achieved"]
    return out


@pytest.mark.parametrize("i", [0, 1])
def test_progress_equals_distinct_issued_orgs(week, i):
    u = _unit(week, i)
    got = _group_cumulative(u.out["progress"])
    want = u.expected_achieved(WEEK_END)
    assert got == want
    assert sum(want.values()) > 15  # the scenario has real numbers to compare
