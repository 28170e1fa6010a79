"""Issue 14, item 1: signed sync files — each desk's key pair, the province's register of units' keys."""

from __future__ import annotations

import json

from exporters.sync_workbook import write_sync_workbook
from models.core.store import Store
from models.sync.format import SHEET_COLUMNS, SheetData
from models.sync.reader import read_sync_file
from tests.factories.sync import make_data, make_province, make_unit, signer

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
    admin = json.loads(made.stdout)["admin"]
    refused = run_cli("sync-key", "--db", path, env=PASSWORD)  # a signed-in command (it may write the key)
    assert refused.returncode == 2 and "--user" in refused.stderr
    shown = run_cli("sync-key", "--db", path, "--user", admin, env=PASSWORD)
    assert shown.returncode == 0, shown.stderr
    key = json.loads(shown.stdout)
    assert len(key["public_key"]) == 64 and len(key["fingerprint"].split()) == 8
    again = json.loads(run_cli("sync-key", "--db", path, "--user", admin, env=PASSWORD).stdout)
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


# ---- step 2: signed files, forged files refused end to end ----------------------------------------------
def _setup(run_cli, tmp_path, clock):
    """Unit CAX-01 (registered at the province) with one exported file; returns the file's path."""
    clock.set(2025, 1, 8, 16, 0)
    _unit_db(tmp_path / "a.sqlite", "CAX-01", "Công an xã Bình An", "1", 30, clock)
    _province_db(tmp_path / "tinh.sqlite", clock)
    run_cli("sync-key", "--db", tmp_path / "a.sqlite", "--export", tmp_path / "a.key")
    assert run_cli("sync-register", "--db", tmp_path / "tinh.sqlite", "--unit", "CAX-01",
                   "--key", tmp_path / "a.key").returncode == 0
    out = run_cli("export", "--db", tmp_path / "a.sqlite", "--out", tmp_path / "so1.xlsx", "--full",
                  "--week-end", "2025-01-08", "--unencrypted")
    assert out.returncode == 0, out.stderr
    return tmp_path / "so1.xlsx"


def _rewrite(source, target, **info_changes):
    """A forger's copy: the file's content with ThongTin values changed and every checksum recomputed, as
    anyone with docs/sync-format.md can; the signature row is kept as it was."""
    sync = read_sync_file(source)
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256"))}
    info.update(info_changes)
    records = dict(sync.records)
    edit = info.pop("_edit", None)
    if edit:
        records = edit(records)
    write_sync_workbook(target, info, [SheetData(n, SHEET_COLUMNS[n], records[n]) for n in SHEET_COLUMNS],
                        sign=lambda _sha: sync.signature)
    return target


def _merge(run_cli, tmp_path, *files, extra=()):
    proc = run_cli("merge", "--db", tmp_path / "tinh.sqlite", *files, *extra)
    assert "Traceback" not in proc.stderr
    return proc, [json.loads(x) for x in proc.stdout.splitlines()]


def _nothing_merged(tmp_path):
    return _scalar(tmp_path / "tinh.sqlite", "SELECT count(*) FROM sync_files") == 0 \
        and _scalar(tmp_path / "tinh.sqlite", "SELECT count(*) FROM remote_dossiers") == 0


def test_an_edited_cell_with_a_recomputed_checksum_is_refused(run_cli, tmp_path, clock):
    genuine = _setup(run_cli, tmp_path, clock)
    status_col = 9  # HoSo: status

    def issue_everything(records):
        rows = [(*r[:status_col], "issued", *r[status_col + 1:]) for r in records["HoSo"]]
        return {**records, "HoSo": rows}

    forged = _rewrite(genuine, tmp_path / "sua.xlsx", _edit=issue_everything)
    proc, [line] = _merge(run_cli, tmp_path, forged)
    assert proc.returncode == 1 and line["status"] == "refused"
    assert "chữ ký số không hợp lệ" in line["reason"] and "CAX-01" in line["reason"]
    assert _nothing_merged(tmp_path)
    proc, [line] = _merge(run_cli, tmp_path, genuine)
    assert proc.returncode == 0 and line["status"] == "accepted"


def test_a_file_of_an_unregistered_unit_is_refused(run_cli, tmp_path, clock):
    genuine = _setup(run_cli, tmp_path, clock)
    _unit_db(tmp_path / "b.sqlite", "CAX-02", "Công an xã Lạ", "2", 10, clock)
    other = run_cli("export", "--db", tmp_path / "b.sqlite", "--out", tmp_path / "b.xlsx", "--full",
                    "--week-end", "2025-01-08", "--unencrypted")
    assert other.returncode == 0, other.stderr
    relabelled = _rewrite(genuine, tmp_path / "ma-la.xlsx", unit_code="CAX-77", unit_name="Đơn vị không có")
    proc, lines = _merge(run_cli, tmp_path, tmp_path / "b.xlsx", relabelled)
    assert proc.returncode == 1 and [x["status"] for x in lines] == ["refused", "refused"]
    assert all("chưa được đăng ký khoá" in x["reason"] for x in lines)
    assert _nothing_merged(tmp_path)
    assert _scalar(tmp_path / "tinh.sqlite", "SELECT count(*) FROM remote_units WHERE code IN ('CAX-02', 'CAX-77')") == 0


def test_sequence_two_to_the_fortieth_and_relabelled_old_data_are_refused(run_cli, tmp_path, clock):
    first = _setup(run_cli, tmp_path, clock)
    assert _merge(run_cli, tmp_path, first)[1][0]["status"] == "accepted"
    clock.advance(days=1)
    second = run_cli("export", "--db", tmp_path / "a.sqlite", "--out", tmp_path / "so2.xlsx", "--full",
                     "--week-end", "2025-01-08", "--unencrypted")
    assert second.returncode == 0
    huge = _rewrite(first, tmp_path / "so-khong-lo.xlsx", sequence=2 ** 40)
    old_as_99 = _rewrite(first, tmp_path / "so99.xlsx", sequence=99)
    old_as_2 = _rewrite(first, tmp_path / "so1-thanh-so2.xlsx", sequence=2)
    proc, lines = _merge(run_cli, tmp_path, huge, old_as_99, old_as_2)
    assert proc.returncode == 1 and [x["status"] for x in lines] == ["refused"] * 3
    assert all("chữ ký số không hợp lệ" in x["reason"] for x in lines)
    assert not any("dữ liệu mới hơn được giữ nguyên" in x["reason"] for x in lines)
    # the genuine next file is still accepted: nothing was poisoned
    proc, [line] = _merge(run_cli, tmp_path, tmp_path / "so2.xlsx")
    assert proc.returncode == 0 and line["status"] == "accepted" and line["sequence"] == 2


def test_a_gap_in_the_sequence_is_refused_naming_the_missing_file(run_cli, tmp_path, clock):
    first = _setup(run_cli, tmp_path, clock)
    for n in (2, 3):
        clock.advance(hours=1)
        assert run_cli("export", "--db", tmp_path / "a.sqlite", "--out", tmp_path / f"so{n}.xlsx", "--full",
                       "--week-end", "2025-01-08", "--unencrypted").returncode == 0
    proc, lines = _merge(run_cli, tmp_path, first, tmp_path / "so3.xlsx")
    assert proc.returncode == 1 and [x["status"] for x in lines] == ["accepted", "refused"]
    assert "thiếu tệp số 2" in lines[1]["reason"]
    proc, lines = _merge(run_cli, tmp_path, tmp_path / "so2.xlsx", tmp_path / "so3.xlsx")
    assert proc.returncode == 0 and [x["status"] for x in lines] == ["accepted", "accepted"]


def test_an_old_unsigned_file_is_refused_unless_accepted_explicitly(run_cli, tmp_path, clock):
    genuine = _setup(run_cli, tmp_path, clock)
    sync = read_sync_file(genuine)
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256", "key_"))}
    old = tmp_path / "ban-cu.xlsx"
    write_sync_workbook(old, {**info, "format_version": "1.0"},
                        [SheetData(n, SHEET_COLUMNS[n], sync.records[n]) for n in SHEET_COLUMNS])
    proc, [line] = _merge(run_cli, tmp_path, old)
    assert proc.returncode == 1 and line["status"] == "refused" and "chưa ký" in line["reason"]
    assert "--accept-unsigned" in line["reason"] and _nothing_merged(tmp_path)
    proc, [line] = _merge(run_cli, tmp_path, old, extra=("--accept-unsigned",))
    assert proc.returncode == 0 and line["status"] == "accepted" and line["unsigned"] is True
    detail = _scalar(tmp_path / "tinh.sqlite", "SELECT detail FROM audit_log WHERE action = 'sync.merge'")
    assert '"unsigned": true' in detail


# ---- steps 3 and 4: UUIDs belong to their unit, TongHop agrees with HoSo ---------------------------------
def _resigned(unit_db, source, target, edit):
    """A file re-signed with the unit's own key after an edit (the unit's program bent, or its key used):
    the signature holds, so only the content checks can refuse it."""
    sync = read_sync_file(source)
    info = {k: v for k, v in sync.info.items() if not k.startswith(("rows_", "sha256"))}
    records = edit(dict(sync.records))
    store = Store(unit_db)
    try:
        write_sync_workbook(target, info, [SheetData(n, SHEET_COLUMNS[n], records[n]) for n in SHEET_COLUMNS],
                            sign=signer(store, info))
    finally:
        store.close()
    return target


def test_a_raised_summary_total_is_refused(run_cli, tmp_path, clock):
    genuine = _setup(run_cli, tmp_path, clock)

    def raise_total(records):
        rows = [(*r[:4], r[4] + 5000, *r[5:]) if r[1] == "total" else r for r in records["TongHop"]]
        return {**records, "TongHop": rows}

    def raise_row_and_total(records):  # group 1, the first area and both totals: the sums still hold
        first_area = next(r for r in records["TongHop"] if r[0] == "diaban")
        rows = [(*r[:4], r[4] + 5000, *r[5:]) if r[1] in ("total", "1") or r is first_area else r
                for r in records["TongHop"]]
        return {**records, "TongHop": rows}

    totals = _resigned(tmp_path / "a.sqlite", genuine, tmp_path / "tong.xlsx", raise_total)
    proc, [line] = _merge(run_cli, tmp_path, totals)
    assert proc.returncode == 1 and line["status"] == "refused" and "các dòng cộng lại" in line["reason"]
    consistent = _resigned(tmp_path / "a.sqlite", genuine, tmp_path / "dong.xlsx", raise_row_and_total)
    proc, [line] = _merge(run_cli, tmp_path, consistent)
    assert proc.returncode == 1 and line["status"] == "refused" and "không khớp hồ sơ" in line["reason"]
    assert _nothing_merged(tmp_path)
    proc, [line] = _merge(run_cli, tmp_path, genuine)
    assert line["status"] == "accepted"


def test_another_unit_reusing_uuids_is_refused(run_cli, tmp_path, clock):
    genuine = _setup(run_cli, tmp_path, clock)
    assert _merge(run_cli, tmp_path, genuine)[1][0]["status"] == "accepted"
    _unit_db(tmp_path / "b.sqlite", "CAX-02", "Công an xã Bình Khánh", "2", 10, clock)
    run_cli("sync-key", "--db", tmp_path / "b.sqlite", "--export", tmp_path / "b.key")
    assert run_cli("sync-register", "--db", tmp_path / "tinh.sqlite", "--unit", "CAX-02",
                   "--key", tmp_path / "b.key").returncode == 0
    assert run_cli("export", "--db", tmp_path / "b.sqlite", "--out", tmp_path / "b.xlsx", "--full",
                   "--week-end", "2025-01-08", "--unencrypted").returncode == 0
    stolen = [r[0] for r in read_sync_file(genuine).records["HoSo"][:7]]

    def reuse(records):
        rows = [(stolen[i], *r[1:]) if i < len(stolen) else r for i, r in enumerate(records["HoSo"])]
        return {**records, "HoSo": rows}

    copied = _resigned(tmp_path / "b.sqlite", tmp_path / "b.xlsx", tmp_path / "b-uuid.xlsx", reuse)
    before = _scalar(tmp_path / "tinh.sqlite", "SELECT group_concat(status || file_id) FROM remote_dossiers")
    proc, [line] = _merge(run_cli, tmp_path, copied)
    assert proc.returncode == 1 and line["status"] == "refused"
    assert "7 hồ sơ" in line["reason"] and "CAX-01" in line["reason"]
    assert _scalar(tmp_path / "tinh.sqlite", "SELECT group_concat(status || file_id) FROM remote_dossiers") == before
    assert _scalar(tmp_path / "tinh.sqlite", "SELECT count(*) FROM remote_dossiers WHERE unit_code = 'CAX-02'") == 0
