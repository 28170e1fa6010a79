"""Raw test data for campaign progress: a unit, areas, organizations and dossiers inserted directly
(fast, independent of the intake screens), plus a bulk generator used by benchmarks/bench_progress.py."""

from __future__ import annotations

import datetime as dt
import random
import uuid


def setup_unit(store, areas: int = 3, *, prefix: str = "A") -> list[str]:
    """A local unit (setting unit_id) covering ``areas`` areas; returns their codes."""
    now = store.now_iso()
    unit_id = store.scalar("SELECT id FROM units WHERE code = 'TEST'")
    if unit_id is None:
        unit_id = store.execute(
            "INSERT INTO units(code, name, kind, created_at) VALUES ('TEST', 'Công an thử nghiệm', 'local', ?)",
            (now,)).lastrowid
        store.set_setting("unit_id", unit_id, audit=False)
    codes = [f"{prefix}{i:03d}" for i in range(1, areas + 1)]
    store.conn.executemany(
        "INSERT INTO areas(code, name, division_type, unit_id, name_fold) VALUES (?,?,?,?,?)",
        [(c, f"Xã Thử {c}", "Xã", unit_id, f"xa thu {c.lower()}") for c in codes],
    )
    return codes


def add_officer(store, username: str, full_name: str, role: str = "intake") -> int:
    return store.execute(
        "INSERT INTO officers(username, full_name, role, created_at) VALUES (?,?,?,?)",
        (username, full_name, role, store.now_iso())).lastrowid


def add_org(store, grp: int, area: str | None, *, first_seen: str = "2024-11-01", status: str = "active") -> int:
    now = store.now_iso()
    return store.execute(
        "INSERT INTO organizations(uuid, grp, name, area_code, status, first_seen, last_seen, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (str(uuid.uuid4()), grp, f"Tổ chức {uuid.uuid4().hex[:6]}", area, status, first_seen, first_seen, now, now),
    ).lastrowid


_counter = [0]


def add_dossier(store, org_id: int | None, *, received_on: str, issued_on: str | None = None,
                activated_on: str | None = None, status: str | None = None, officer_id: int = 1,
                grp: int | None = None, area: str | None = None, person_ref: str | None = None) -> int:
    """A dossier; grp/area default to the organization's."""
    if org_id is not None and (grp is None or area is None):
        org = store.query_one("SELECT grp, area_code FROM organizations WHERE id = ?", (org_id,))
        grp = grp if grp is not None else org["grp"]
        area = area if area is not None else org["area_code"]
    if status is None:
        status = "activated" if activated_on else ("issued" if issued_on else "received")
    _counter[0] += 1
    now = store.now_iso()
    return store.execute(
        "INSERT INTO dossiers(uuid, number, subject_type, org_id, person_ref, grp, area_code, channel, received_at,"
        " received_on, officer_id, status, issued_on, activated_on, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (str(uuid.uuid4()), f"T-{uuid.uuid4().hex[:10]}", "person" if person_ref else "organization", org_id,
         person_ref, grp, area, "truc_tiep", received_on + " 08:00:00", received_on, officer_id, status,
         issued_on, activated_on, now, now),
    ).lastrowid


def bulk_generate(store, *, dossiers: int = 200_000, areas: int = 100, officers: int = 30,
                  start: dt.date = dt.date(2024, 12, 30), days: int = 180, seed: int = 1,
                  organizations: int | None = None) -> dict:
    """Many organizations and dossiers spread over ``days`` (default: about 1.15 dossiers per organization;
    with more ``organizations`` than dossiers, the rest have no dossier yet)."""
    rng = random.Random(seed)
    with store.atomic():
        codes = setup_unit(store, areas, prefix="B")
        officer_ids = [add_officer(store, f"cb{i}", f"Cán bộ {i:02d}") for i in range(officers)]
        n_orgs = organizations or int(dossiers / 1.15)
        now = store.now_iso()
        org_rows = []
        for i in range(n_orgs):
            grp = rng.choices((1, 2, 3, 4), weights=(60, 5, 15, 20))[0]
            org_rows.append((i + 1, str(uuid.UUID(int=rng.getrandbits(128))), grp, f"Tổ chức {i}", rng.choice(codes),
                             "active", "2024-11-01", "2024-11-01", now, now))
        store.conn.executemany(
            "INSERT INTO organizations(id, uuid, grp, name, area_code, status, first_seen, last_seen, created_at,"
            " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)", org_rows)
        rows = []
        for i in range(dossiers):
            org = org_rows[i] if i < n_orgs and i < dossiers * 0.87 else org_rows[rng.randrange(min(n_orgs, dossiers))]
            received = start + dt.timedelta(days=rng.randrange(days))
            state = rng.random()
            issued = received + dt.timedelta(days=rng.randrange(1, 10)) if state < 0.75 else None
            activated = issued + dt.timedelta(days=rng.randrange(0, 5)) if issued and state < 0.4 else None
            status = "activated" if activated else "issued" if issued else rng.choice(
                ("received", "verifying", "refused", "cancelled"))
            rows.append((str(uuid.UUID(int=rng.getrandbits(128))), f"B-{i:07d}", org[0], org[2], org[4],
                         "truc_tiep", received.isoformat() + " 08:00:00", received.isoformat(),
                         rng.choice(officer_ids), status, issued and issued.isoformat(),
                         activated and activated.isoformat(), now, now))
        store.conn.executemany(
            "INSERT INTO dossiers(uuid, number, org_id, grp, area_code, channel, received_at, received_on,"
            " officer_id, status, issued_on, activated_on, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    store.execute("ANALYZE")
    return {"areas": codes, "officers": officer_ids, "organizations": n_orgs, "dossiers": dossiers}
