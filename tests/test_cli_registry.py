"""CLI ``search`` and ``demo``, and the determinism of the demo registry."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from demo import registry as demo_registry
from models.core.store import Store
from models.registry import organizations
from tests.factories.registry import setup_unit

TAX_RE = re.compile(r"^\d{10}(-\d{3})?$")
TABLES = ("units", "areas", "organizations", "org_sources", "imports", "duplicate_flags", "audit_log", "settings")


def _dump(path) -> dict:
    store = Store(path)
    try:
        return {t: store.query(f"SELECT * FROM {t} ORDER BY 1, 2") for t in TABLES}
    finally:
        store.close()


def _build(path, seed):
    store = Store(path, clock=lambda: dt.datetime(2025, 3, 13, 10, 0))
    try:
        return demo_registry.build(store, organizations=600, seed=seed)
    finally:
        store.close()


def test_demo_registry_same_seed_same_content(tmp_path):
    first = _build(tmp_path / "a.sqlite", 42)
    second = _build(tmp_path / "b.sqlite", 42)
    assert first == second
    assert _dump(tmp_path / "a.sqlite") == _dump(tmp_path / "b.sqlite")
    _build(tmp_path / "c.sqlite", 43)
    assert _dump(tmp_path / "c.sqlite")["organizations"] != _dump(tmp_path / "a.sqlite")["organizations"]


def test_demo_registry_content_is_realistic(tmp_path):
    summary = _build(tmp_path / "a.sqlite", 7)
    assert summary["areas"] == 16 and summary["organizations"] >= 600 and summary["possible_duplicates"] >= 5
    store = Store(tmp_path / "a.sqlite")
    try:
        rows = store.query("SELECT * FROM organizations")
        from models.text.identifiers import check_personal_id, check_tax_code

        for row in rows:
            if row["grp"] == 4:
                assert row["tax_code"] is None
            else:
                assert check_tax_code(row["tax_code"]).value == row["tax_code"], row
            assert check_personal_id(row["rep_id_number"]).ok
        assert any("-" in (r["tax_code"] or "") for r in rows)  # branches with 13-digit codes
        assert {r["status"] for r in rows} >= {"active", "suspended", "dissolved"}
        assert sum(r["status"] == "active" for r in rows) > len(rows) * 0.75
        names = " ".join(r["name"] for r in rows)
        for word in ("Công ty TNHH", "Hợp tác xã", "Trường", "Chùa", "Hội"):
            assert word in names
        unit = store.query_one("SELECT * FROM units")
        assert unit["province_name"] == "An Giang"
        codes = {a["code"] for a in store.query("SELECT code FROM areas WHERE unit_id = ?", (unit["id"],))}
        assert "30742" in codes and len(codes) == 16  # Phường Rạch Giá, a real ward code
        assert store.scalar("SELECT count(*) FROM org_sources WHERE file_name IS NULL OR row_number IS NULL") == 0
        assert store.scalar("SELECT count(*) FROM audit_log WHERE object_type = 'organization' "
                            "AND field IS NOT NULL") >= 40
    finally:
        store.close()


def test_cli_search_prints_json_lines(run_cli, tmp_path):
    path = tmp_path / "reg.sqlite"
    store = Store(path)
    try:
        setup_unit(store)
        organizations.create(store, {"grp": 1, "name": "Công ty TNHH Nguyễn Đức", "tax_code": "0100233488",
                                     "address": "Số 1 Trần Phú", "rep_name": "Lê Văn Tám", "area_code": "30742"})
        organizations.create(store, {"grp": 1, "name": "Chi nhánh Công ty Đức Phát", "tax_code": "0312687878-001"})
        organizations.create(store, {"grp": 4, "name": "Chùa Phước Hưng"})
    finally:
        store.close()
    result = run_cli("search", "--db", path, "nguyen duc")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [{"id": 1, "group": 1, "tax_code": "0100233488", "name": "Công ty TNHH Nguyễn Đức",
                      "address": "Số 1 Trần Phú", "legal_rep": "Lê Văn Tám", "status": "active",
                      "area_code": "30742"}]
    result = run_cli("search", "--db", path, "87878-001")
    assert [json.loads(line)["tax_code"] for line in result.stdout.splitlines()] == ["0312687878-001"]
    result = run_cli("search", "--db", path, "ĐỨC", "--limit", "1")
    assert len(result.stdout.splitlines()) == 1
    assert "chỉ in 1 kết quả đầu tiên" in result.stderr  # the limit cut the list: said so, off stdout
    result = run_cli("search", "--db", path, "ĐỨC", "--limit", "2")
    assert len(result.stdout.splitlines()) == 2 and result.stderr == ""  # exactly two: nothing was cut
    result = run_cli("search", "--db", path, "khong co")
    assert result.returncode == 0 and result.stdout == ""
    result = run_cli("search", "--db", path, "duc", "--limit", "0")
    assert result.returncode == 2 and result.stderr.startswith("Lỗi:")


def test_cli_demo_then_search(run_cli, tmp_path):
    path = tmp_path / "demo.sqlite"
    result = run_cli("demo", "--db", path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["organizations"] >= 3000 and summary["areas"] == 16
    result = run_cli("search", "--db", path, "cong ty tnhh", "--limit", "20")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 20
    for line in lines:
        assert {"id", "group", "tax_code", "name", "address", "legal_rep", "status"} <= set(line)
        assert TAX_RE.match(line["tax_code"])
        assert "cong ty" in line["name"].lower().replace("ô", "o") or "CTY" in line["name"].upper()


@pytest.mark.slow
def test_two_cli_demo_builds_give_the_same_organizations(run_cli, tmp_path):
    for name in ("a.sqlite", "b.sqlite"):
        result = run_cli("demo", "--db", tmp_path / name)
        assert result.returncode == 0, result.stderr
    first, second = _dump(tmp_path / "a.sqlite"), _dump(tmp_path / "b.sqlite")
    for table in ("units", "areas", "organizations", "org_sources", "duplicate_flags"):
        assert first[table] == second[table], table
    # Every other table too (dossiers, events, audit, campaign…): only password salts may differ.
    a, b = Store(tmp_path / "a.sqlite"), Store(tmp_path / "b.sqlite")
    try:
        tables = [r["name"] for r in a.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE '%VIRTUAL%'")]
        assert len(tables) > 20
        for table in tables:
            query = f"SELECT * FROM {table} ORDER BY 1"
            rows_a, rows_b = a.query(query), b.query(query)
            if table == "officers":
                for row in rows_a + rows_b:
                    row.pop("password_hash")
            assert rows_a == rows_b, table
    finally:
        a.close()
        b.close()
