"""``python main.py progress``: one JSON object with the figures per phase, target and area."""

from __future__ import annotations

import json

from models.campaigns.plans import list_phases
from models.campaigns.targets import allocate_proportionally, list_targets
from models.campaigns.templates import create_from_template
from models.core.store import Store
from tests.progress_data import add_dossier, add_org, setup_unit


def _make_db(path, clock):
    s = Store(path, clock=clock)
    try:
        areas = setup_unit(s, 2)
        ents = [add_org(s, 1, areas[0]) for _ in range(6)] + [add_org(s, 1, areas[1]) for _ in range(4)]
        cid = create_from_template(s, "can_tho", overrides={"plan_number": "123/KH-UBND"})
        ph2 = next(p for p in list_phases(s, cid) if p["name"].startswith("Giai đoạn 2"))
        t = next(t for t in list_targets(s, cid) if t["phase_id"] == ph2["id"] and t["groups"] == "1,2")
        allocate_proportionally(s, t["id"])          # 80 % of 10 = 8 → 5 and 3 (weights 6 and 4: 4.8, 3.2)
        add_dossier(s, ents[0], received_on="2025-01-20", issued_on="2025-01-25")   # phase 1, last day
        add_dossier(s, ents[1], received_on="2025-01-24", issued_on="2025-01-26")   # phase 2, first day
        add_dossier(s, ents[7], received_on="2025-02-03", issued_on="2025-02-04")
        return cid, areas
    finally:
        s.close()


def test_progress_cli_prints_one_json_object(run_cli, db_path, clock):
    cid, areas = _make_db(db_path, clock)
    result = run_cli("progress", "--db", db_path, "--as-of", "2025-02-05")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["campaign_id"] == cid and data["plan_number"] == "123/KH-UBND"
    assert data["as_of"] == "2025-02-05"
    assert [p["name"] for p in data["phases"]] == ["Giai đoạn 1 (thí điểm)", "Giai đoạn 2 (nhân rộng)"]
    target = data["phases"][1]["targets"][0]
    assert target["label"] == "Doanh nghiệp + Hợp tác xã"
    assert (target["target"], target["achieved"], target["remaining"], target["percent"]) == (8, 3, 5, 37.5)
    assert target["achieved_in_phase"] == 2
    assert target["status"] in {"on_track", "at_risk", "behind"}
    assert target["needed_per_working_day"] > 0
    by_code = {a["key"]: a for a in target["areas"]}
    assert (by_code[areas[0]]["target"], by_code[areas[0]]["achieved"]) == (5, 2)
    assert (by_code[areas[1]]["target"], by_code[areas[1]]["achieved"]) == (3, 1)
    for key in ("target", "achieved", "percent", "remaining", "needed_per_working_day", "status"):
        assert key in by_code[areas[0]]
    other = data["phases"][1]["targets"][1]
    assert other["target"] == 0 and other["status"] == "done"       # no group 3/4 in the registry
    assert {r["key"] for r in data["by_area"]} == set(areas)


def test_progress_cli_errors(run_cli, db_path, clock):
    Store(db_path, clock=clock).close()
    result = run_cli("progress", "--db", db_path, "--as-of", "2025-02-05")
    assert result.returncode == 2
    assert "Lỗi: Chưa có kế hoạch hiện hành" in result.stderr
    result = run_cli("progress", "--db", db_path, "--as-of", "05/02/2025")
    assert result.returncode == 2
    assert "--as-of" in result.stderr and "YYYY-MM-DD" in result.stderr
    _make_db(db_path, clock)
    result = run_cli("progress", "--db", db_path, "--campaign", "99", "--as-of", "2025-02-05")
    assert result.returncode == 2 and "Không có kế hoạch số 99" in result.stderr
