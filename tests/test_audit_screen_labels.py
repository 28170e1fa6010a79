"""The Nhật ký screen and its export in the officer's words (issue 13 item 6, issue 14): statuses and groups
by their Vietnamese names, dossiers by their number and organizations by their name instead of row ids,
and no full personal ID number whoever looks (the log stores them masked)."""

from __future__ import annotations

import json

from models.dossiers import records
from models.dossiers import status as dossier_status
from models.registry import organizations as orgs
from models.security.audit import AuditFilter, export_table, field_label, query_audit
from tests.factories.dossiers import add_officers, declared_from, make_org, setup_unit
from ui.pages.audit import TABLE_COLUMNS, AuditPage

FULL = "091085000123"


def _session(store):
    setup_unit(store)
    officers = add_officers(store)
    store.actor = officers["canbo1"]
    org_id = make_org(store, rep_id=FULL, name="Công ty TNHH Thương mại Sao Mai")
    dossier_id = records.create(store, declared=declared_from(store, org_id), channel="Trực tiếp tại đơn vị",
                                org_id=org_id)
    dossier_status.move(store, dossier_id, "verifying")
    orgs.update(store, org_id, {"status": "dissolved", "rep_id_number": "079203001234"})
    store.actor = officers["chihuy"]  # a leader: may reveal numbers, views and exports the log
    return org_id, dossier_id


def _screen(row: dict) -> dict:
    return {key: AuditPage._cell(row, key) for key, _label in TABLE_COLUMNS}


def test_the_screen_shows_numbers_names_and_vietnamese_statuses(fresh_store):
    org_id, dossier_id = _session(fresh_store)
    number = fresh_store.scalar("SELECT number FROM dossiers WHERE id = ?", (dossier_id,))
    lines = [_screen(r) for r in query_audit(fresh_store, AuditFilter())]
    moved = next(line for line in lines if line["action"] == "Chuyển trạng thái hồ sơ" and line["field"] == "Trạng thái")
    assert moved["object_id"] == number and str(dossier_id) != number
    assert (moved["old_value"], moved["new_value"]) == ("Đã tiếp nhận", "Đang xác minh")
    org_status = next(line for line in lines if line["object_type"] == "Tổ chức" and line["field"] == field_label("status"))
    assert org_status["object_id"] == f"Công ty TNHH Thương mại Sao Mai (#{org_id})"
    assert org_status["new_value"] == orgs.STATUSES["dissolved"] and org_status["old_value"] == orgs.STATUSES["active"]
    assert FULL not in json.dumps(lines, ensure_ascii=False)
    by_number = query_audit(fresh_store, AuditFilter(object_id=number))  # the filter takes the number shown
    assert by_number and {r["object_id"] for r in by_number} == {str(dossier_id)}
    assert "079203001234" not in json.dumps(lines, ensure_ascii=False)


def test_the_export_uses_the_same_words_and_holds_no_full_number(fresh_store, tmp_path):
    _org_id, dossier_id = _session(fresh_store)
    number = fresh_store.scalar("SELECT number FROM dossiers WHERE id = ?", (dossier_id,))
    table = export_table(fresh_store, None, tmp_path / "nhat-ky.xlsx")
    rows = [dict(zip(table.headers, row, strict=True)) for row in table.rows]
    moved = next(r for r in rows if r["Thao tác"] == "Chuyển trạng thái hồ sơ" and r["Trường"] == "Trạng thái")
    assert moved["Số hồ sơ / tên / mã"] == number and moved["Đối tượng"] == "Hồ sơ"
    assert (moved["Giá trị cũ"], moved["Giá trị mới"]) == ("Đã tiếp nhận", "Đang xác minh")
    created = next(r for r in rows if r["Thao tác"] == "Tiếp nhận hồ sơ")
    assert "091******123" in created["Giá trị mới"]  # the intake record in full JSON, its number masked
    text = json.dumps(table.rows, ensure_ascii=False, default=str)
    assert FULL not in text and "079203001234" not in text
    assert "received" not in [r["Giá trị cũ"] for r in rows]
