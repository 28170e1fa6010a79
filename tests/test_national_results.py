"""Importing the national system's lists of issued / activated organization accounts (issue 13 item 3)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models.core.errors import PermissionDenied, UserError
from models.core.store import Store
from models.dossiers import national_results as nr
from models.dossiers import records as dossiers
from models.dossiers import status as ds
from models.security import auth
from tests.factories.dossiers import declared_from, make_org, setup_unit
from tests.factories.messy_files import encode_cp1258
from tests.factories.national_results import ROWS, national_desk, write_results


@pytest.fixture
def env(fresh_store):
    return national_desk(fresh_store)


def test_import_moves_dossiers_records_accounts_and_lists_unknowns(env, tmp_path):
    store = env["store"]
    path = write_results(tmp_path / "ket_qua.xlsx", ROWS)
    result = nr.import_file(store, path)
    assert result.counts() == {"read": 8, "matched": 4, "updated": 4, "unchanged": 0, "unknown": 1,
                               "rejected": 3}, (result.errors, result.warnings)
    # the open dossier went through issued to activated, both steps dated and with the national reason
    row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (env["d_open"],))
    assert row["status"] == "activated" and row["issued_on"] == "2025-01-06" and row["activated_on"] == "2025-01-06"
    events = ds.events(store, env["d_open"])
    assert [(e["from_status"], e["to_status"]) for e in events[-2:]] == [("received", "issued"),
                                                                          ("issued", "activated")]
    assert {e["reason"] for e in events[-2:]} == {nr.NATIONAL_REASON}
    assert events[-1]["officer"] == "Trần Minh Chiến"
    # the issued dossier stays issued; its account is recorded
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (env["d_issued"],)) == "issued"
    # the organization without dossier has its account, not a new dossier
    account = nr.account_of(store, env["org_nodossier"])
    assert account["status"] == "issued" and account["account_id"] == "TC-0003"
    assert account["issued_on"] == "2025-01-07" and account["import_id"] == result.import_id
    assert store.scalar("SELECT count(*) FROM dossiers") == 3
    # refused dossier kept, account recorded, the officer told
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (env["d_refused"],)) == "refused"
    assert nr.account_of(store, env["org_refused"])["status"] == "issued"
    assert any("Từ chối" in w and "hồ sơ giữ nguyên" in w for w in result.warnings)
    # unknown organization listed, not created
    assert [u.tax_code for u in result.unknowns] == ["0100109106"]
    assert store.scalar("SELECT count(*) FROM organizations WHERE tax_code = '0100109106'") == 0
    # rejections name file, row, column and say what is wrong
    errors = "\n".join(result.errors)
    assert "dòng 9, cột «Mã số thuế» (C)" in errors and "định danh cá nhân" in errors
    assert "dòng 10, cột «Trạng thái» (F)" in errors, result.errors
    assert "dòng 11" in errors and "không tồn tại" in errors
    assert any("số 0" in w for w in result.warnings)
    # bookkeeping and audit
    assert store.scalar("SELECT kind FROM imports WHERE id = ?", (result.import_id,)) == "national_results"
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'results.import_file'") == 1
    # the signer and the date under the table are not rows
    assert not any("Người lập" in e or "Nguyễn Thị Lập" in e for e in result.errors)


def test_dry_run_shows_the_changes_and_writes_nothing(env, tmp_path):
    store = env["store"]
    path = write_results(tmp_path / "ket_qua.xlsx", ROWS)
    audit_before = store.scalar("SELECT count(*) FROM audit_log")
    preview = nr.import_file(store, path, dry_run=True)
    assert preview.counts()["updated"] == 4 and preview.import_id is None
    lines = [c.describe() for c in preview.changes]
    assert any("«Đã tiếp nhận» → «Đã kích hoạt»" in line for line in lines), lines
    assert any("ghi nhận tài khoản" in line for line in lines)
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (env["d_open"],)) == "received"
    assert store.scalar("SELECT count(*) FROM org_accounts") == 0
    assert store.scalar("SELECT count(*) FROM audit_log") == audit_before
    real = nr.import_file(store, path)
    assert real.counts() == preview.counts()


def test_idempotent_and_never_lowers_an_account(env, tmp_path):
    store = env["store"]
    path = write_results(tmp_path / "ket_qua.xlsx", ROWS)
    nr.import_file(store, path)
    events_before = store.scalar("SELECT count(*) FROM dossier_events")
    again = nr.import_file(store, path)
    assert again.counts() == {"read": 8, "matched": 4, "updated": 0, "unchanged": 4, "unknown": 1, "rejected": 3}
    assert store.scalar("SELECT count(*) FROM dossier_events") == events_before
    assert again.import_id is None
    # an older "issued" list after the "activated" one lowers nothing
    older = write_results(tmp_path / "cu.xlsx", [[1, "Sao Mai", "0100233488", "TC-0001", "06/01/2025", "Đã cấp"]])
    result = nr.import_file(store, older)
    assert result.counts()["unchanged"] == 1
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (env["d_open"],)) == "activated"
    # the activation of the issued-only HTX arrives later: account goes up, matched by its identifier
    later = write_results(tmp_path / "kich_hoat.xlsx", [[1, "HTX Tân Hiệp", "", "TC-0003", "08/01/2025",
                                                         "Đã kích hoạt"]])
    result = nr.import_file(store, later)
    assert result.counts()["updated"] == 1, result.errors
    account = nr.account_of(store, env["org_nodossier"])
    assert account["status"] == "activated" and account["activated_on"] == "2025-01-08"
    assert account["issued_on"] == "2025-01-07"


def test_only_leaders_import_and_bad_files_are_refused(env, tmp_path):
    store = env["store"]
    path = write_results(tmp_path / "ket_qua.xlsx", ROWS)
    store.actor = env["officers"]["canbo1"]
    with pytest.raises(PermissionDenied, match="hệ thống quốc gia"):
        nr.import_file(store, path)
    store.actor = env["officers"]["chihuy"]
    no_header = write_results(tmp_path / "khong_tieu_de.xlsx", [[1, "x"]], headers=["STT", "Ghi chú"])
    with pytest.raises(UserError, match="tiêu đề"):
        nr.import_file(store, no_header)
    csv = tmp_path / "formula.csv"
    csv.write_text("Mã số thuế;Trạng thái;Ngày kích hoạt\n=HYPERLINK(\"x\");Đã kích hoạt;01/01/2025\n"
                   "0312687878;Đã kích hoạt;9999\n", encoding="utf-8-sig")
    result = nr.import_file(store, csv)
    assert result.rejected == 2 and result.updated == 0, result.errors


def test_status_words():
    assert nr.parse_status("Đã kích hoạt") == "activated"
    assert nr.parse_status("CHƯA KÍCH HOẠT") == "issued"
    assert nr.parse_status("Chờ kích hoạt") == "issued"
    assert nr.parse_status("Đã cấp tài khoản") == "issued"
    assert nr.parse_status("Từ chối") is None


# ---- CLI ------------------------------------------------------------------------------------------------
def test_cli_import_results_dry_run_then_real(run_cli, tmp_path):
    db = tmp_path / "cli.sqlite"
    store = Store(db)
    setup_unit(store)
    org = make_org(store)
    make_org(store, tax="0314409058", name="HTX Nông nghiệp Tân Hiệp", grp=2)
    dossiers.create(store, declared=declared_from(store, org), channel="Trực tiếp tại đơn vị", org_id=org,
                    received_at=dt.datetime(2025, 1, 2, 8, 0))
    store.actor = auth.create_first_admin(store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
    auth.create_officer(store, "chihuy", "Trần Minh Chiến", "leader", "matkhau-chihuy")
    auth.create_officer(store, "canbo1", "Lê Thị Hồng Nhung", "intake", "matkhau-canbo1")
    store.close()
    path = write_results(tmp_path / "ket_qua.xlsx", ROWS)
    refused = run_cli("import-results", "--db", db, path)
    assert refused.returncode == 2 and "--user" in refused.stderr and refused.stdout == ""
    intake = run_cli("import-results", "--db", db, path, "--user", "canbo1",
                     env={"SODINHDANH_PASSWORD": "matkhau-canbo1"})
    assert intake.returncode == 2 and "không có quyền" in intake.stderr
    leader = {"SODINHDANH_PASSWORD": "matkhau-chihuy"}
    dry = run_cli("import-results", "--db", db, path, "--dry-run", "--user", "chihuy", env=leader)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout) == {"read": 8, "matched": 2, "updated": 2, "unchanged": 0, "unknown": 3,
                                      "rejected": 3}
    assert "Sẽ thay đổi" in dry.stderr and "Công ty Lạ Hoắc" in dry.stderr
    real = run_cli("import-results", "--db", db, path, "--user", "chihuy", env=leader)
    assert json.loads(real.stdout) == json.loads(dry.stdout)
    again = run_cli("import-results", "--db", db, path, "--user", "chihuy", "--strict", env=leader)
    assert again.returncode == 1
    assert json.loads(again.stdout)["unchanged"] == 2 and json.loads(again.stdout)["updated"] == 0
    store = Store(db)
    assert store.scalar("SELECT status FROM dossiers") == "activated"
    store.close()
    missing = run_cli("import-results", "--db", db, tmp_path / "khong_co.xlsx", "--user", "chihuy", env=leader)
    assert missing.returncode == 2 and "khong_co.xlsx" in missing.stderr and "Traceback" not in missing.stderr


def test_cancel_rolls_everything_back_and_conflicting_identifiers_are_refused(env, tmp_path):
    from models.core.errors import Cancelled
    from models.core.progress import Progress

    store = env["store"]
    path = write_results(tmp_path / "ket_qua.xlsx", ROWS)
    progress = Progress(callback=lambda *a: None, min_interval=0)
    progress.cancel()
    with pytest.raises(Cancelled):
        nr.import_file(store, path, progress=progress)
    assert store.scalar("SELECT count(*) FROM org_accounts") == 0
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (env["d_open"],)) == "received"
    nr.import_file(store, path)
    # another organization claiming an identifier already recorded: refused, not silently moved
    clash = write_results(tmp_path / "trung.xlsx", [[1, "Công ty CP Hải Âu", "0312687878", "TC-0003",
                                                     "08/01/2025", "Đã kích hoạt"],
                                                    [2, "Quá dài", "", "X" * 65, "08/01/2025", "Đã cấp"]])
    result = nr.import_file(store, clash)
    assert result.rejected == 2 and result.updated == 0
    assert "đã được ghi cho tổ chức khác" in result.errors[0] and "dài 65 ký tự" in result.errors[1]
    assert nr.account_of(store, env["org_nodossier"])["account_id"] == "TC-0003"


def test_a_merged_duplicate_is_followed_and_a_csv_list_without_status_column(env, tmp_path):
    """The list names the tax code of an organization merged into another (duplicate resolution): the
    surviving organization gets the account. A CSV (cp1258, semicolons) with only an activation date."""
    store = env["store"]
    survivor = env["org_nodossier"]
    ghost = make_org(store, tax="1771284820", name="HTX Tân Hiệp (trùng)", grp=2)
    with store.atomic():
        store.execute("UPDATE organizations SET merged_into = ? WHERE id = ?", (survivor, ghost))
    csv = tmp_path / "kich_hoat.csv"
    csv.write_bytes(encode_cp1258("Mã số thuế;Tên tổ chức;Ngày kích hoạt\n1771284820;HTX Tân Hiệp;07/01/2025\n"
                    "Người lập biểu;;\n"))
    result = nr.import_file(store, csv)
    assert result.counts() == {"read": 1, "matched": 1, "updated": 1, "unchanged": 0, "unknown": 0,
                               "rejected": 0}, result.errors
    assert nr.account_of(store, survivor)["status"] == "activated"
    assert nr.account_of(store, ghost) is None
    assert nr.accounts_by_org(store) == {survivor: "activated"}


def test_national_moves_work_with_the_procedure_proposals_and_undo(env, tmp_path):
    """A proposal waiting for the leader lapses when the national list has decided; the account
    identifier lands on the dossier; the leader can undo the activation, the history keeps both."""
    from models.dossiers import procedure

    store = env["store"]
    store.actor = env["officers"]["canbo1"]
    ds.move(store, env["d_open"], "verifying")
    ds.move(store, env["d_open"], "verified")
    proposal_id = procedure.propose(store, env["d_open"], "refused", reason="Nghi sai người đại diện")
    store.actor = env["officers"]["chihuy"]
    nr.import_file(store, write_results(tmp_path / "ket_qua.xlsx", ROWS))
    row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (env["d_open"],))
    assert row["status"] == "activated" and row["account_id"] == "TC-0001"
    decision = store.scalar("SELECT decision FROM dossier_proposals WHERE id = ?", (proposal_id,))
    assert decision == "lapsed"
    last = procedure.undoable_event(store, env["d_open"])
    assert last["to_status"] == "activated" and last["detail"]["source"] == "national_list"
    procedure.undo_last(store, env["d_open"], "Danh sách nhầm dòng")
    row = store.query_one("SELECT * FROM dossiers WHERE id = ?", (env["d_open"],))
    assert row["status"] == "issued" and row["activated_on"] is None and row["account_id"] == "TC-0001"
    assert [e["to_status"] for e in ds.events(store, env["d_open"])][-3:] == ["issued", "activated", "issued"]
