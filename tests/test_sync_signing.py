"""Issue 14, item 1: signed sync files — each desk's key pair, the province's register of units' keys."""

from __future__ import annotations

import json

from models.core.store import Store
from tests.factories.sync import make_data, make_province, make_unit

PASSWORD = {"SODINHDANH_PASSWORD": "matkhau-quantri"}


def _unit_db(path, code, name, prefix, n, clock):
    store = Store(path, clock=clock)
    make_data(store, make_unit(store, code, name, area_prefix=prefix), n, seed=len(code) + n)
    store.close()


def _province_db(path, clock):
    store = Store(path, clock=clock)
    make_province(store)
    store.close()


def _scalar(path, sql, params=()):
    store = Store(path)
    try:
        return store.scalar(sql, params)
    finally:
        store.close()


# ---- step 1: keys ---------------------------------------------------------------------------------------
def test_init_makes_the_desk_key_and_sync_key_shows_its_fingerprint(run_cli, tmp_path):
    path = tmp_path / "donvi.sqlite"
    made = run_cli("init", "--db", path, "--name", "Công an phường Long Xuyên", "--areas", "30307", env=PASSWORD)
    assert made.returncode == 0, made.stderr
    assert _scalar(path, "SELECT count(*) FROM sync_keys") == 1
    assert _scalar(path, "SELECT count(*) FROM audit_log WHERE action = 'sync.key_created'") == 1
    shown = run_cli("sync-key", "--db", path)
    assert shown.returncode == 0, shown.stderr
    key = json.loads(shown.stdout)
    assert len(key["public_key"]) == 64 and len(key["fingerprint"].split()) == 8
    again = json.loads(run_cli("sync-key", "--db", path).stdout)
    assert again["fingerprint"] == key["fingerprint"]  # one key per desk, never remade


def test_an_existing_database_gets_its_key_on_first_use(run_cli, tmp_path, clock):
    _unit_db(tmp_path / "a.sqlite", "CAX-01", "Công an xã Bình An", "1", 5, clock)
    shown = run_cli("sync-key", "--db", tmp_path / "a.sqlite", "--export", tmp_path / "a.key")
    assert shown.returncode == 0, shown.stderr
    text = (tmp_path / "a.key").read_text(encoding="utf-8")
    key = json.loads(shown.stdout)
    assert "unit_code: CAX-01" in text and key["public_key"] in text and key["fingerprint"] in text
    assert not list(tmp_path.glob("*.partial"))


def test_the_province_registers_a_unit_key_audited(run_cli, tmp_path, clock):
    _unit_db(tmp_path / "a.sqlite", "CAX-01", "Công an xã Bình An", "1", 5, clock)
    _province_db(tmp_path / "tinh.sqlite", clock)
    key = json.loads(run_cli("sync-key", "--db", tmp_path / "a.sqlite", "--export", tmp_path / "a.key").stdout)

    wrong_unit = run_cli("sync-register", "--db", tmp_path / "tinh.sqlite", "--unit", "CAX-09",
                         "--key", tmp_path / "a.key")
    assert wrong_unit.returncode == 2 and "CAX-01" in wrong_unit.stderr and "Traceback" not in wrong_unit.stderr

    forged = tmp_path / "sua.key"
    text = (tmp_path / "a.key").read_text(encoding="utf-8")
    forged.write_text(text.replace(key["public_key"], key["public_key"][::-1]), encoding="utf-8")
    refused = run_cli("sync-register", "--db", tmp_path / "tinh.sqlite", "--unit", "CAX-01", "--key", forged)
    assert refused.returncode == 2 and "dấu vân tay" in refused.stderr

    ok = run_cli("sync-register", "--db", tmp_path / "tinh.sqlite", "--unit", "CAX-01", "--key", tmp_path / "a.key")
    assert ok.returncode == 0, ok.stderr
    out = json.loads(ok.stdout)
    assert out["fingerprint"] == key["fingerprint"] and out["changed"] is True and out["name"] == "Công an xã Bình An"
    assert _scalar(tmp_path / "tinh.sqlite", "SELECT public_key FROM remote_units WHERE code = 'CAX-01'") \
        == key["public_key"]
    assert _scalar(tmp_path / "tinh.sqlite",
                   "SELECT count(*) FROM audit_log WHERE action = 'sync.register_key' AND object_id = 'CAX-01'") == 1
    by_hex = run_cli("sync-register", "--db", tmp_path / "tinh.sqlite", "--unit", "CAX-01", "--key", key["public_key"])
    assert by_hex.returncode == 0 and json.loads(by_hex.stdout)["changed"] is False

    not_merging = run_cli("sync-register", "--db", tmp_path / "a.sqlite", "--unit", "CAX-02", "--key",
                          key["public_key"])
    assert not_merging.returncode == 2 and "tỉnh" in not_merging.stderr
