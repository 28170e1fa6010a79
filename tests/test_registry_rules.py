"""The organization rules every caller of ``organizations.edit`` gets: the representative's ID number,
phone and e-mail are checked and written canonical; a wrong one is refused, naming the field."""

from __future__ import annotations

import pytest

from models.core.errors import UserError
from models.registry import organizations
from tests.factories.registry import setup_unit


@pytest.fixture
def org(fresh_store):
    setup_unit(fresh_store)
    org_id = organizations.create(fresh_store, {"grp": 4, "name": "Chùa Phước Thạnh", "area_code": "30742"})
    return fresh_store, org_id


@pytest.mark.parametrize(
    "field, value, label",
    [
        ("rep_id_number", "09120300012", None),            # 11 digits: a lost leading zero, fixed below
        ("rep_id_number", "09120300012345", "Số định danh người đại diện"),
        ("rep_id_number", "0912A0300012", "Số định danh người đại diện"),
        ("rep_phone", "12345", "Điện thoại"),
        ("rep_phone", "0912 345 67 89 0", "Điện thoại"),
        ("rep_email", "khong-co-a-cong", "Thư điện tử"),
        ("rep_email", "ke toan@cty.vn", "Thư điện tử"),
    ],
)
def test_edit_refuses_a_wrong_contact_field_naming_it(org, field, value, label):
    store, org_id = org
    version = organizations.load(store, org_id)["version"]
    if label is None:
        organizations.edit(store, org_id, {field: value}, expected_version=version)
        assert organizations.load(store, org_id)[field] == "0" + value
        return
    with pytest.raises(UserError) as caught:
        organizations.edit(store, org_id, {field: value, "address": "Ấp Phước Thạnh"}, expected_version=version)
    assert str(caught.value).startswith(f"{label}: ") and value.strip() in str(caught.value)
    after = organizations.load(store, org_id)
    assert after[field] is None and after["address"] is None and after["version"] == version  # nothing written


@pytest.mark.parametrize(
    "field, typed, stored",
    [
        ("rep_id_number", " 091203000123 ", "091203000123"),
        ("rep_phone", "+84 912 345 678", "0912345678"),
        ("rep_phone", "0912.345.678", "0912345678"),
        ("rep_email", " Ke.Toan@Cty.VN ", "ke.toan@cty.vn"),
        ("rep_email", "", None),
    ],
)
def test_edit_writes_contact_fields_canonical(org, field, typed, stored):
    store, org_id = org
    organizations.edit(store, org_id, {field: typed}, expected_version=1)
    assert organizations.load(store, org_id)[field] == stored


def test_checked_contacts_leaves_other_fields_alone():
    values = {"name": "  Chùa  ", "rep_phone": "0912345678", "rep_email": None}
    assert organizations.checked_contacts(values) == values
