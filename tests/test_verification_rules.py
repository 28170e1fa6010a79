"""Each verification rule on its own: it passes, it fires, its edge cases. Called directly, so a broken rule
names itself (tests/test_verification.py covers the whole run through dossier intake)."""

from __future__ import annotations

import pytest

from models.dossiers import records as dossiers
from models.dossiers import status as ds
from models.dossiers import verification as v
from models.dossiers.verification import Finding, Subject
from models.registry.organizations import name_key, touch_source
from tests.factories.dossiers import OUTSIDE_AREA, add_officers, declared_from, make_org, setup_unit

ORG = {"id": 1, "grp": 1, "name": "Công ty TNHH Thương mại Sao Mai",
       "name_key": name_key("Công ty TNHH Thương mại Sao Mai"), "rep_name": "Nguyễn Văn Ánh",
       "rep_id_number": "091085000123", "status": "active", "area_code": "30760", "founding_decision": None}


def pure(declared=None, *, org=ORG, **dossier) -> Subject:
    """A subject for the rules that read no table (no store)."""
    return Subject(None, dossier, dict(declared or {}), None if org is None else dict(org))


def codes(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in found]


@pytest.fixture
def env(fresh_store):
    setup_unit(fresh_store)
    add_officers(fresh_store)
    return fresh_store


def _dossier(store, org_id, **overrides) -> dict:
    dossier_id = dossiers.create(store, declared=declared_from(store, org_id, **overrides),
                                 channel="Trực tiếp tại đơn vị", org_id=org_id)
    return store.query_one("SELECT * FROM dossiers WHERE id = ?", (dossier_id,))


# --- the list itself -------------------------------------------------------------------------------------------

def test_rules_are_named_functions_in_the_order_findings_are_listed():
    assert [r.__name__ for r in v.RULES] == [
        "tax_code_rule", "source_lists_rule", "name_match_rule", "rep_name_match_rule", "rep_id_match_rule",
        "operating_status_rule", "rep_name_present_rule", "rep_id_present_rule", "rep_id_valid_rule",
        "head_office_area_rule", "duplicate_open_rule", "already_issued_rule"]
    assert all(r.__doc__ for r in v.RULES)


def test_check_runs_every_rule_in_order_then_sorts_by_severity_stably(env, monkeypatch):
    seen = []

    def rule(name, *severities):
        def run(subject):
            seen.append((name, subject.dossier["org_id"]))
            return [Finding(f"{name}{i}", severity, name) for i, severity in enumerate(severities)]
        return run

    monkeypatch.setattr(v, "RULES", (rule("a", "info", "warning"), rule("b"), rule("c", "blocking", "info"),
                                     rule("d", "warning", "blocking")))
    found = v.check(env, {"org_id": None, "declared": "{}"})
    assert [name for name, _ in seen] == ["a", "b", "c", "d"]
    assert [f.code for f in found] == ["c0", "d1", "a1", "d0", "a0", "c1"]


def test_subject_reads_declared_json_and_the_registry_organization(env):
    org_id = make_org(env)
    row = _dossier(env, org_id)
    s = v.subject(env, row)
    assert s.org["id"] == org_id and s.declared["rep_id_number"] == "091085000123"
    assert v.subject(env, {"org_id": None, "declared": None, "grp": 4}).org is None
    assert v.subject(env, {"org_id": None, "grp": None}).grp is None


@pytest.mark.parametrize("dossier_grp,org_grp,expected", [(2, 1, 2), (None, 3, 3), (None, None, None)])
def test_subject_group_prefers_the_dossier(dossier_grp, org_grp, expected):
    org = None if org_grp is None else {**ORG, "grp": org_grp}
    assert pure(org=org, grp=dossier_grp).grp == expected


# --- tax code --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("declared,dossier,org,expected", [
    ({"tax_code": "0100233488"}, {"grp": 1}, ORG, []),
    ({"tax_code": "100233488"}, {"grp": 1}, ORG, []),                         # lost leading zero: only a warning
    ({"tax_code": "0312687878-001"}, {"grp": 1}, ORG, []),                    # branch suffix
    ({}, {"grp": 1, "tax_code": "0100233488"}, ORG, []),                      # the dossier's column counts
    ({"tax_code": "0100233489"}, {"grp": 1}, ORG, [("tax_code_invalid", "blocking")]),
    ({"tax_code": "01002334"}, {"grp": 4}, ORG, [("tax_code_invalid", "blocking")]),
    ({"tax_code": "0312687878-000"}, {"grp": 1}, ORG, [("tax_code_invalid", "blocking")]),
    ({"tax_code": "  "}, {"grp": 1}, ORG, [("tax_code_missing", "blocking")]),
    ({}, {"grp": None}, {**ORG, "grp": 3}, [("tax_code_missing", "blocking")]),  # group from the registry
    ({}, {"grp": 4}, None, [("tax_code_missing", "warning")]),
    ({}, {"grp": None}, None, [("tax_code_missing", "warning")]),
    ({"founding_decision": "QĐ 12/QĐ-UBND"}, {"grp": 4}, None, []),
    ({"founding_decision": " "}, {"grp": 4}, {**ORG, "grp": 4, "founding_decision": "QĐ 7"}, []),
    ({"founding_decision": " "}, {"grp": 4}, {**ORG, "grp": 4}, [("tax_code_missing", "warning")]),
])
def test_tax_code_rule(declared, dossier, org, expected):
    assert codes(v.tax_code_rule(pure(declared, org=org, **dossier))) == expected


def test_tax_code_rule_messages():
    [missing] = v.tax_code_rule(pure({}, grp=2))
    assert missing.message == "Tổ chức nhóm 2 phải có mã số thuế nhưng hồ sơ không ghi"
    assert missing.field == "tax_code" and not missing.needs_verification
    [invalid] = v.tax_code_rule(pure({"tax_code": "0100233489"}, grp=1))
    assert "sai chữ số kiểm tra" in invalid.message
    [undocumented] = v.tax_code_rule(pure({}, org=None, grp=4))
    assert undocumented.field == "founding_decision"


# --- source lists ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sources,expected,needs,text", [
    (("dkkd",), ("sources", "info"), False, "Có trong danh sách: Sở KH&ĐT (đăng ký doanh nghiệp)"),
    (("dkkd", "thue"), ("sources", "info"), False, "Sở KH&ĐT (đăng ký doanh nghiệp), Cục Thuế"),
    (("hoso", "htx"), ("sources", "info"), False, "Có trong danh sách: Liên minh HTX"),  # intake-only left out
    (("hoso",), ("not_in_registry", "warning"), True, "chỉ tạo khi tiếp nhận"),
])
def test_source_lists_rule(env, sources, expected, needs, text):
    org_id = make_org(env, source=sources[0])
    for source in sources[1:]:
        touch_source(env, org_id, source)
    row = _dossier(env, org_id)
    [found] = v.source_lists_rule(v.subject(env, row))
    assert (found.code, found.severity) == expected and found.needs_verification is needs
    assert text in found.message


def test_source_lists_rule_without_a_registry_organization(env):
    [found] = v.source_lists_rule(v.subject(env, {"org_id": None, "declared": {}}))
    assert (found.code, found.severity, found.needs_verification) == ("not_in_registry", "warning", True)
    assert found.message == "Tổ chức chưa có trong sổ: cần xác minh bằng cách khác"


# --- declared against the registry ----------------------------------------------------------------------------

@pytest.mark.parametrize("declared_name,org,fires", [
    ("CTY TNHH THƯƠNG MẠI SAO MAI", ORG, False),
    ("cong ty tnhh tm sao mai", ORG, False),
    ("  Công   ty TNHH Thương mại Sao Mai ", ORG, False),
    ("Công ty TNHH Sao Mai Xanh", ORG, True),
    ("Công ty Cổ phần Thương mại Sao Mai", ORG, True),
    ("   ", ORG, False),                                       # nothing declared: nothing to compare
    ("Công ty TNHH Sao Mai Xanh", {**ORG, "name": None}, False),
    ("Công ty TNHH Sao Mai Xanh", None, False),                # not in the registry: another rule's concern
])
def test_name_match_rule(declared_name, org, fires):
    found = v.name_match_rule(pure({"name": declared_name}, org=org))
    assert codes(found) == ([("name_mismatch", "warning")] if fires else [])
    if fires:
        assert found[0].needs_verification and found[0].field == "name"
        assert found[0].message == (f"Tên khai «{' '.join(declared_name.split())}» khác tên trong sổ "
                                    "«Công ty TNHH Thương mại Sao Mai»")


def test_name_match_rule_accepts_the_cooperative_abbreviation():
    org = {**ORG, "name": "Hợp tác xã Nông nghiệp Tân Hội", "name_key": name_key("Hợp tác xã Nông nghiệp Tân Hội")}
    assert v.name_match_rule(pure({"name": "HTX nông nghiệp Tân Hội"}, org=org)) == []


@pytest.mark.parametrize("rep_name,org,fires", [
    ("Nguyễn Văn Ánh", ORG, False),
    ("NGUYEN VAN ANH", ORG, False),
    (" nguyễn  văn ánh ", ORG, False),
    ("Trần Văn Bình", ORG, True),
    ("Nguyễn Văn", ORG, True),
    ("", ORG, False),
    ("Trần Văn Bình", {**ORG, "rep_name": None}, False),
    ("Trần Văn Bình", None, False),
])
def test_rep_name_match_rule(rep_name, org, fires):
    found = v.rep_name_match_rule(pure({"rep_name": rep_name}, org=org))
    assert codes(found) == ([("rep_name_mismatch", "warning")] if fires else [])
    if fires:
        assert found[0].needs_verification and found[0].field == "rep_name"
        assert "khác sổ «Nguyễn Văn Ánh»" in found[0].message


@pytest.mark.parametrize("rep_id,org,fires", [
    ("091085000123", ORG, False),
    ("091 085 000 123", ORG, False),                           # spaces dropped before comparing
    ("079085000999", ORG, True),
    ("09108500012", ORG, True),                                # 11 digits → leading 0 added, then differs
    ("12345", ORG, False),                                     # invalid: rep_id_valid_rule's concern
    (None, ORG, False),
    ("079085000999", {**ORG, "rep_id_number": None}, False),
    ("079085000999", None, False),
])
def test_rep_id_match_rule(rep_id, org, fires):
    found = v.rep_id_match_rule(pure({"rep_id_number": rep_id}, org=org))
    assert codes(found) == ([("rep_id_mismatch", "warning")] if fires else [])
    if fires:
        assert found[0].needs_verification and found[0].field == "rep_id_number"
        assert "091******123" in found[0].message and "091085000123" not in found[0].message  # masked


@pytest.mark.parametrize("status,expected", [
    ("active", []), (None, []),
    ("dissolved", [("status_blocking", "blocking")]), ("suspended", [("status_blocking", "blocking")]),
    ("dissolving", [("status_warning", "warning")]), ("unknown", [("status_warning", "warning")]),
])
def test_operating_status_rule(status, expected):
    found = v.operating_status_rule(pure({}, org={**ORG, "status": status}))
    assert codes(found) == expected
    assert all(f.field == "status" and not f.needs_verification for f in found)


def test_operating_status_rule_messages_and_no_registry():
    [blocking] = v.operating_status_rule(pure({}, org={**ORG, "status": "dissolved"}))
    assert blocking.message.endswith(": không cấp tài khoản")
    [warning] = v.operating_status_rule(pure({}, org={**ORG, "status": "dissolving"}))
    assert warning.message == "Tình trạng hoạt động: «Đang làm thủ tục giải thể»"
    assert v.operating_status_rule(pure({}, org=None)) == []


# --- representative declared -----------------------------------------------------------------------------------

@pytest.mark.parametrize("declared,fires", [
    ({"rep_name": "Nguyễn Văn Ánh"}, False), ({"rep_name": "  "}, True), ({"rep_name": None}, True), ({}, True),
])
def test_rep_name_present_rule(declared, fires):
    assert codes(v.rep_name_present_rule(pure(declared, org=None))) == (
        [("rep_name_missing", "warning")] if fires else [])


@pytest.mark.parametrize("declared,fires", [
    ({"rep_id_number": "091085000123"}, False), ({"rep_id_number": "12345"}, False),  # invalid is not missing
    ({"rep_id_number": " "}, True), ({"rep_id_number": None}, True), ({}, True),
])
def test_rep_id_present_rule(declared, fires):
    assert codes(v.rep_id_present_rule(pure(declared, org=None))) == (
        [("rep_id_missing", "warning")] if fires else [])


@pytest.mark.parametrize("rep_id,expected", [
    ("091085000123", []),
    ("091 085 000 123", []),
    (None, []), ("  ", []),                                    # missing: rep_id_present_rule's concern
    ("12345", [("rep_id_invalid", "blocking")]),
    ("99908500012x", [("rep_id_invalid", "blocking")]),
    ("999085000123", [("rep_id_prefix", "warning")]),
    ("09108500012", [("rep_id_prefix", "warning")]),            # repaired to 009…, an unknown province
])
def test_rep_id_valid_rule(rep_id, expected):
    found = v.rep_id_valid_rule(pure({"rep_id_number": rep_id}, org=None))
    assert codes(found) == expected
    assert all(f.field == "rep_id_number" and not f.needs_verification for f in found)


def test_rep_id_valid_rule_messages():
    [invalid] = v.rep_id_valid_rule(pure({"rep_id_number": "12345"}))
    assert invalid.message == "Số định danh cá nhân «12345» phải có đúng 12 chữ số"
    [prefix] = v.rep_id_valid_rule(pure({"rep_id_number": "999085000123"}))
    assert "mã tỉnh «999»" in prefix.message


# --- head office -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("declared,dossier,org,expected", [
    ({"area_code": "30760"}, {}, None, []),
    ({}, {"area_code": "30781"}, None, []),
    ({}, {}, {**ORG, "area_code": "30742"}, []),
    ({"area_code": OUTSIDE_AREA}, {"area_code": "30760"}, ORG, [("outside_area", "warning")]),  # declared first
    ({}, {"area_code": OUTSIDE_AREA}, ORG, [("outside_area", "warning")]),
    ({}, {}, {**ORG, "area_code": OUTSIDE_AREA}, [("outside_area", "warning")]),
    ({"area_code": "99999"}, {}, None, [("outside_area", "warning")]),                        # unknown code
    ({}, {}, None, [("area_unknown", "warning")]),
    ({"area_code": ""}, {"area_code": None}, {**ORG, "area_code": None}, [("area_unknown", "warning")]),
])
def test_head_office_area_rule(env, declared, dossier, org, expected):
    found = v.head_office_area_rule(Subject(env, dossier, declared, org))
    assert codes(found) == expected
    assert all(f.field == "area_code" for f in found)
    assert all(f.needs_verification == (f.code == "outside_area") for f in found)


def test_head_office_area_rule_names_the_ward_or_falls_back_to_the_code(env):
    [outside] = v.head_office_area_rule(Subject(env, {}, {"area_code": OUTSIDE_AREA}, None))
    assert outside.message == ("Trụ sở ở Xã Ơn Lợi (ngoài địa bàn), ngoài địa bàn của đơn vị: "
                               "cần địa phương khác xác minh")
    [unknown] = v.head_office_area_rule(Subject(env, {}, {"area_code": "99999"}, None))
    assert unknown.message.startswith("Trụ sở ở 99999, ")


def test_head_office_area_rule_without_unit_areas_accepts_any_ward(fresh_store):
    assert v.unit_area_codes(fresh_store) == set()
    assert v.head_office_area_rule(Subject(fresh_store, {}, {"area_code": OUTSIDE_AREA}, None)) == []
    assert codes(v.head_office_area_rule(Subject(fresh_store, {}, {}, None))) == [("area_unknown", "warning")]


# --- other dossiers of the organization -----------------------------------------------------------------------

def test_duplicate_open_rule(env):
    org_id = make_org(env)
    first = _dossier(env, org_id)
    assert v.duplicate_open_rule(v.subject(env, first)) == []           # itself is not a duplicate
    second = _dossier(env, org_id)
    [found] = v.duplicate_open_rule(v.subject(env, second))
    assert (found.code, found.severity) == ("duplicate_open", "warning")
    assert found.message == "Tổ chức đang có hồ sơ khác chưa xử lý xong: HS-2025-000001"
    unsaved = {**second, "id": None}                                     # a dossier being typed in: both count
    [found] = v.duplicate_open_rule(v.subject(env, unsaved))
    assert found.message.endswith("HS-2025-000001, HS-2025-000002")
    for step in ("verifying", "verified", "issued"):
        ds.move(env, first["id"], step)
    assert v.duplicate_open_rule(v.subject(env, second)) == []          # no longer open


def test_duplicate_open_rule_lists_at_most_five_in_order(env):
    org_id = make_org(env)
    rows = [_dossier(env, org_id) for _ in range(7)]
    [found] = v.duplicate_open_rule(v.subject(env, rows[-1]))
    assert found.message.endswith(": " + ", ".join(f"HS-2025-00000{i}" for i in range(1, 6)))


def test_duplicate_and_issued_rules_skip_a_dossier_without_organization(env):
    s = v.subject(env, {"org_id": None, "id": None, "declared": {}})
    assert v.duplicate_open_rule(s) == [] and v.already_issued_rule(s) == []


def test_already_issued_rule(env, clock):
    org_id = make_org(env)
    first, second = _dossier(env, org_id), _dossier(env, org_id)
    assert v.already_issued_rule(v.subject(env, second)) == []
    for step in ("verifying", "verified", "issued"):
        ds.move(env, first["id"], step)
    assert v.already_issued_rule(v.subject(env, first)) == []           # its own issue does not count
    [found] = v.already_issued_rule(v.subject(env, second))
    assert (found.code, found.severity) == ("already_issued", "warning")
    assert found.message == "Tổ chức đã được cấp tài khoản theo hồ sơ HS-2025-000001 ngày 09/01/2025"
    env.execute("UPDATE dossiers SET issued_on = NULL WHERE id = ?", (first["id"],))
    [found] = v.already_issued_rule(v.subject(env, second))
    assert found.message == "Tổ chức đã được cấp tài khoản theo hồ sơ HS-2025-000001"


def test_already_issued_rule_names_the_earliest_issue(env):
    org_id = make_org(env)
    first, second, third = (_dossier(env, org_id) for _ in range(3))
    for dossier_id, day in ((first["id"], "2025-01-08"), (second["id"], "2025-01-03")):
        env.execute("UPDATE dossiers SET status = 'activated', issued_on = ? WHERE id = ?", (day, dossier_id))
    [found] = v.already_issued_rule(v.subject(env, third))
    assert found.message.endswith("HS-2025-000002 ngày 03/01/2025")
