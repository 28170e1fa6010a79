"""Automatic verification: one finding per rule, severities, needs-verification and due dates, manual checks."""

from __future__ import annotations

import pytest

from models.core.errors import UserError
from models.dossiers import records as dossiers
from models.dossiers import status as ds
from models.dossiers import verification
from tests.factories.dossiers import OUTSIDE_AREA, add_officers, declared_from, make_org, setup_unit


@pytest.fixture
def env(fresh_store):
    setup_unit(fresh_store)
    add_officers(fresh_store)
    return fresh_store


def _codes(store, dossier_id) -> dict[str, str]:
    return {f["code"]: f["severity"] for f in verification.findings(store, dossier_id)}


def _log(store, org_id=None, **declared):
    return dossiers.create(store, declared=declared, channel="Trực tiếp tại đơn vị", org_id=org_id)


def test_clean_dossier_has_only_the_source_info(env):
    org_id = make_org(env)
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    assert _codes(env, dossier_id) == {"sources": "info"}
    row = env.query_one("SELECT needs_verification, due_date FROM dossiers WHERE id = ?", (dossier_id,))
    assert row == {"needs_verification": 0, "due_date": "2025-01-14"}
    assert "Sở KH&ĐT" in verification.findings(env, dossier_id)[0]["message"]


@pytest.mark.parametrize("declared_name", [
    "CTY TNHH THƯƠNG MẠI SAO MAI", "Công ty trách nhiệm hữu hạn Thương mại Sao Mai", "cong ty tnhh tm sao mai",
    "  Công   ty TNHH Thương mại Sao Mai ",
])
def test_name_variants_match(env, declared_name):
    org_id = make_org(env)
    dossier_id = _log(env, org_id, **declared_from(env, org_id, name=declared_name))
    assert "name_mismatch" not in _codes(env, dossier_id)


def test_cooperative_abbreviation_matches(env):
    org_id = make_org(env, grp=2, tax="0312687878", name="Hợp tác xã Nông nghiệp Tân Hội", source="htx")
    dossier_id = _log(env, org_id, **declared_from(env, org_id, name="HTX nông nghiệp Tân Hội"))
    assert "name_mismatch" not in _codes(env, dossier_id)


@pytest.mark.parametrize("overrides,code,severity,needs", [
    ({"name": "Công ty TNHH Sao Mai Xanh"}, "name_mismatch", "warning", True),
    ({"rep_name": "Trần Văn Bình"}, "rep_name_mismatch", "warning", True),
    ({"rep_id_number": "079085000999"}, "rep_id_mismatch", "warning", True),
    ({"rep_id_number": "09108500012"}, "rep_id_mismatch", "warning", True),     # 11 digits → leading 0 added
    ({"rep_id_number": "12345"}, "rep_id_invalid", "blocking", False),
    ({"rep_id_number": "999085000123"}, "rep_id_prefix", "warning", True),     # also differs from registry
    ({"rep_id_number": None}, "rep_id_missing", "warning", False),
    ({"rep_name": None}, "rep_name_missing", "warning", False),
    ({"area_code": OUTSIDE_AREA}, "outside_area", "warning", True),
])
def test_each_declared_rule(env, overrides, code, severity, needs):
    org_id = make_org(env)
    declared = declared_from(env, org_id, **overrides)
    declared = {k: v for k, v in declared.items() if v is not None}
    dossier_id = _log(env, org_id, **declared)
    codes = _codes(env, dossier_id)
    assert codes.get(code) == severity, codes
    assert env.scalar("SELECT needs_verification FROM dossiers WHERE id = ?", (dossier_id,)) == int(needs)


def test_outside_area_text_names_the_ward(env):
    org_id = make_org(env, area=OUTSIDE_AREA)
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    messages = [f["message"] for f in verification.findings(env, dossier_id)]
    assert any("Ơn Lợi" in m and "địa phương khác" in m for m in messages)


@pytest.mark.parametrize("status,code,severity", [
    ("dissolved", "status_blocking", "blocking"), ("suspended", "status_blocking", "blocking"),
    ("dissolving", "status_warning", "warning"), ("unknown", "status_warning", "warning"),
])
def test_operating_status(env, status, code, severity):
    org_id = make_org(env, status=status)
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    assert _codes(env, dossier_id)[code] == severity


@pytest.mark.parametrize("tax,grp,code,severity", [
    ("0100233489", 1, "tax_code_invalid", "blocking"),
    ("01002334", 1, "tax_code_invalid", "blocking"),
    ("0312687878-000", 1, "tax_code_invalid", "blocking"),
])
def test_invalid_tax_code_blocks(env, tax, grp, code, severity):
    dossier_id = dossiers.create(env, declared={"name": "Công ty TNHH Sai Mã", "tax_code": tax,
                                                "rep_id_number": "091085000123"},
                                 channel="Trực tiếp tại đơn vị", grp=grp)
    codes = _codes(env, dossier_id)
    assert codes[code] == severity
    assert codes["not_in_registry"] == "warning"
    assert env.scalar("SELECT org_id FROM dossiers WHERE id = ?", (dossier_id,)) is None


def test_lost_leading_zero_is_repaired_and_matches(env):
    org_id = make_org(env)
    dossier_id = dossiers.create(env, declared={"name": "Công ty TNHH Thương mại Sao Mai", "tax_code": "100233488",
                                                "rep_id_number": "091085000123", "rep_name": "Nguyễn Văn Ánh"},
                                 channel="Trực tiếp tại đơn vị")
    assert env.scalar("SELECT org_id FROM dossiers WHERE id = ?", (dossier_id,)) == org_id
    assert "tax_code_invalid" not in _codes(env, dossier_id)


def test_group_4_without_tax_code_or_decision(env):
    dossier_id = dossiers.create(env, declared={"name": "Chùa Phước Hưng", "rep_name": "Thích Minh Tâm",
                                                "rep_id_number": "091060000321", "area_code": "30760"},
                                 channel="Tổ lưu động")
    codes = _codes(env, dossier_id)
    assert codes["tax_code_missing"] == "warning"
    assert codes["not_in_registry"] == "warning"  # created at intake only
    row = env.query_one("SELECT grp, needs_verification, due_date FROM dossiers WHERE id = ?", (dossier_id,))
    assert row == {"grp": 4, "needs_verification": 1, "due_date": "2025-01-24"}


def test_group_1_without_tax_code_blocks(env):
    org_id = make_org(env, grp=4, tax=None, name="Hội Nông dân", source="dtcb")
    dossier_id = dossiers.create(env, declared={"name": "Hội Nông dân", "rep_id_number": "091085000123"},
                                 channel="Tổ lưu động", org_id=org_id)
    env.execute("UPDATE dossiers SET grp = 1 WHERE id = ?", (dossier_id,))
    found = verification.verify(env, dossier_id)
    assert any(f.code == "tax_code_missing" and f.severity == "blocking" for f in found)


def test_in_a_source_list_with_several_sources(env):
    org_id = make_org(env)
    from models.registry.organizations import touch_source

    touch_source(env, org_id, "thue")
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    message = next(f["message"] for f in verification.findings(env, dossier_id) if f["code"] == "sources")
    assert "Sở KH&ĐT" in message and "Cục Thuế" in message


def test_duplicate_open_and_already_issued(env):
    org_id = make_org(env)
    first = _log(env, org_id, **declared_from(env, org_id))
    second = _log(env, org_id, **declared_from(env, org_id))
    assert "HS-2025-000001" in next(f["message"] for f in verification.findings(env, second)
                                    if f["code"] == "duplicate_open")
    for step in ("verifying", "verified", "issued"):
        ds.move(env, first, step)
    found = verification.verify(env, second)
    assert {f.code for f in found} >= {"already_issued"}
    assert "duplicate_open" not in {f.code for f in found}


def test_verify_on_demand_follows_registry_changes(env):
    from models.registry import organizations as orgs

    org_id = make_org(env)
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    assert "status_blocking" not in _codes(env, dossier_id)
    orgs.update(env, org_id, {"status": "dissolved"})
    verification.verify(env, dossier_id)
    assert _codes(env, dossier_id)["status_blocking"] == "blocking"
    assert env.scalar("SELECT count(*) FROM verification_findings WHERE dossier_id = ? AND code = 'sources'",
                      (dossier_id,)) == 1  # replaced, not appended


def test_verification_change_of_due_date_is_audited(env):
    from models.registry import organizations as orgs

    org_id = make_org(env)
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    orgs.update(env, org_id, {"area_code": OUTSIDE_AREA})
    dossiers.update(env, dossier_id, {"declared": {"area_code": None}}, expected_version=1)
    row = env.query_one("SELECT due_date, needs_verification FROM dossiers WHERE id = ?", (dossier_id,))
    assert row["needs_verification"] == 1 and row["due_date"] == "2025-01-24"
    assert env.scalar("SELECT count(*) FROM audit_log WHERE object_id = ? AND field = 'due_date'",
                      (str(dossier_id),)) == 1


def test_officer_override_of_needs_verification(env):
    org_id = make_org(env)
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    dossiers.update(env, dossier_id, {"needs_verification": True}, expected_version=1)
    assert env.scalar("SELECT due_date FROM dossiers WHERE id = ?", (dossier_id,)) == "2025-01-24"
    dossiers.update(env, dossier_id, {"needs_verification": None}, expected_version=2)
    assert env.scalar("SELECT due_date FROM dossiers WHERE id = ?", (dossier_id,)) == "2025-01-14"


@pytest.mark.parametrize("code", sorted(verification.MANUAL_CHECKS))
@pytest.mark.parametrize("result", sorted(verification.MANUAL_RESULTS))
def test_manual_checks(env, code, result):
    org_id = make_org(env)
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    verification.record_manual_check(env, dossier_id, code, result, note=" đã xem bản gốc ")
    checks = verification.manual_checks(env, dossier_id)
    assert checks[0]["check_code"] == code and checks[0]["result"] == result
    assert checks[0]["note"] == "đã xem bản gốc" and checks[0]["officer"] == "Hệ thống (dòng lệnh)"


@pytest.mark.parametrize("code,result", [("nope", "ok"), ("rep_id_card", "maybe")])
def test_manual_check_rejects_unknown(env, code, result):
    org_id = make_org(env)
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    with pytest.raises(UserError):
        verification.record_manual_check(env, dossier_id, code, result)


def test_verify_on_a_closed_dossier_keeps_its_time_limit(env):
    """Re-checking an issued dossier refreshes its findings but must not rewrite the due date it was
    handled under (that would turn a late dossier into an on-time one after the fact)."""
    from models.registry import organizations as orgs

    org_id = make_org(env)
    dossier_id = _log(env, org_id, **declared_from(env, org_id))
    for step in ("verifying", "verified", "issued"):
        ds.move(env, dossier_id, step)
    before = env.query_one("SELECT due_date, needs_verification, version FROM dossiers WHERE id = ?", (dossier_id,))
    orgs.update(env, org_id, {"name": "Công ty Cổ phần Tên Mới Hoàn Toàn"})
    found = verification.verify(env, dossier_id)
    assert "name_mismatch" in {f.code for f in found}
    after = env.query_one("SELECT due_date, needs_verification, version FROM dossiers WHERE id = ?", (dossier_id,))
    assert after == before
