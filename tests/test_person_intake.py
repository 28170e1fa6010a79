"""Citizens' level-2 intake (issue 15, items 3-4): 3 vs 7 working days, statuses with the person kept in
step, new persons from intake, progress counts per citizen, worklists, receipt slip, sessions and results."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from models.core.errors import PermissionDenied, UserError
from models.dossiers import worklists
from models.dossiers.calendar import set_holiday
from models.people import level2, persons, schedules, sessions
from services.receipts import receipt_pdf
from tests.factories.dossiers import add_officers, setup_unit

KNOWN = "079085001234"
OTHER = "001190004567"


@pytest.fixture
def env(fresh_store):
    setup_unit(fresh_store)
    actors = add_officers(fresh_store)
    persons.create_person(fresh_store, {"id_number": KNOWN, "full_name": "Nguyễn Thị Ánh  Tuyết",
                                        "birth_date": "1985-03-02", "sex": "F", "area_code": "30760"},
                          source="residents")
    fresh_store.actor = actors["canbo1"]
    return fresh_store, actors


def test_due_in_three_working_days_with_a_valid_card_and_seven_without(env, clock):
    store, actors = env
    with_card = level2.intake(store, KNOWN, id_card_valid=True)
    without = level2.intake(store, OTHER, id_card_valid=False, person={"full_name": "Trần Văn Bình"})
    rows = {r["id"]: r for r in store.query("SELECT id, due_date, id_card_valid FROM dossiers")}
    # received Thursday 9/1/2025: Fri 10, Mon 13, Tue 14 → 14/1; seven working days → Mon 20/1
    assert rows[with_card]["due_date"] == "2025-01-14" and rows[with_card]["id_card_valid"] == 1
    assert rows[without]["due_date"] == "2025-01-20" and rows[without]["id_card_valid"] == 0


def test_a_holiday_of_the_unit_calendar_moves_the_due_date(env, clock):
    store, actors = env
    store.actor = actors["system"]
    set_holiday(store, dt.date(2025, 1, 13), "Nghỉ bù")
    store.actor = actors["canbo1"]
    dossier = level2.intake(store, KNOWN, id_card_valid=True)
    assert store.scalar("SELECT due_date FROM dossiers WHERE id = ?", (dossier,)) == "2025-01-15"


def test_known_person_filled_in_and_unknown_person_created_from_intake(env):
    store, _ = env
    found = level2.lookup(store, " 0790 8500 1234 ")
    assert found["person"]["full_name"] == "Nguyễn Thị Ánh Tuyết" and found["open"] is None
    assert level2.lookup(store, OTHER)["person"] is None
    with pytest.raises(UserError, match="họ và tên"):
        level2.intake(store, OTHER)
    with pytest.raises(UserError):
        level2.intake(store, "07908500123")  # 11 digits
    dossier = level2.intake(store, OTHER, person={"full_name": " Lê  Văn Cường ", "birth_date": "05/06/2001",
                                                  "phone": "0912 345 678", "id_number": "999999999999"})
    person = store.query_one("SELECT * FROM persons WHERE id_number = ?", (OTHER,))
    assert person["full_name"] == "Lê Văn Cường" and person["birth_date"] == "2001-06-05"
    assert person["sources"] == "intake" and person["phone"] == "0912345678"
    d = level2.get(store, dossier)
    assert d["person_id"] == person["id"] and d["person_ref"] == OTHER and d["subject_type"] == "person"
    assert d["channel"] == level2.CHANNELS["desk"] and d["status"] == "received"
    # an open dossier blocks a second one
    with pytest.raises(UserError, match="đang có hồ sơ mức 2"):
        level2.intake(store, OTHER)
    assert level2.lookup(store, OTHER)["open"]["id"] == dossier


def test_statuses_keep_the_person_in_step(env, clock):
    store, actors = env
    dossier = level2.intake(store, KNOWN)
    with pytest.raises(UserError, match="không chuyển sang"):
        level2.activate(store, dossier)
    assert level2.send(store, dossier)["status"] == "sent"
    assert store.scalar("SELECT sent_on FROM dossiers WHERE id = ?", (dossier,)) == "2025-01-09"
    clock.advance(days=4)
    with pytest.raises(UserError, match="tương lai"):
        level2.issue(store, dossier, on="2025-02-01")
    row = level2.issue(store, dossier, on="2025-01-12")
    assert row["status"] == "issued" and row["issued_on"] == "2025-01-12"
    person = store.query_one("SELECT * FROM persons WHERE id_number = ?", (KNOWN,))
    assert person["account_level"] == 2 and person["level2_issued_on"] == "2025-01-12"
    assert person["activated_on"] is None
    level2.activate(store, dossier)
    person = store.query_one("SELECT * FROM persons WHERE id_number = ?", (KNOWN,))
    assert person["activated_on"] == "2025-01-13"
    audit = {r["field"] for r in store.query("SELECT field FROM audit_log WHERE action = 'person.level2'")}
    assert audit == {"account_level", "level2_issued_on", "activated_on"}
    events = [r["to_status"] for r in store.query("SELECT to_status FROM dossier_events WHERE dossier_id = ? "
                                                  "ORDER BY id", (dossier,))]
    assert events == ["received", "sent", "issued", "activated"]
    # a person with level 2 is not taken again
    with pytest.raises(UserError, match="đã có tài khoản mức 2 từ ngày 12/01/2025"):
        level2.intake(store, KNOWN)


def test_refusal_needs_a_reason_and_the_leader(env):
    store, actors = env
    dossier = level2.intake(store, KNOWN)
    with pytest.raises(PermissionDenied):
        level2.refuse(store, dossier, "Chưa đủ 14 tuổi")
    store.actor = actors["chihuy"]
    with pytest.raises(UserError, match="lý do"):
        level2.refuse(store, dossier, "  ")
    row = level2.refuse(store, dossier, "Không trùng khớp ảnh chân dung")
    assert row["status"] == "refused" and row["refusal_reason"] == "Không trùng khớp ảnh chân dung"
    assert store.scalar("SELECT account_level FROM persons WHERE id_number = ?", (KNOWN,)) == 0
    # refused: the citizen may come again
    store.actor = actors["canbo1"]
    assert level2.intake(store, KNOWN) != dossier


def test_progress_counts_a_citizen_once(env, clock):
    store, actors = env
    first = level2.intake(store, KNOWN)
    store.actor = actors["chihuy"]
    level2.cancel(store, first, "Nhập nhầm")
    clock.advance(days=1)
    second = level2.intake(store, KNOWN)
    level2.issue(store, second)
    rows = store.query("SELECT subject, counts, d, dossier_id FROM progress_firsts WHERE subject LIKE 'p%' "
                       "ORDER BY counts")
    assert rows == [
        {"subject": f"p{KNOWN}", "counts": "issued", "d": "2025-01-10", "dossier_id": second},
        {"subject": f"p{KNOWN}", "counts": "received", "d": "2025-01-10", "dossier_id": second},
    ]


def test_worklists_show_person_dossiers_filterable_by_subject(env):
    store, _ = env
    dossier = level2.intake(store, KNOWN)
    level2.send(store, dossier)
    people_only = worklists.list_ids(store, "open", filters=worklists.Filters(subject_type="person"))
    orgs_only = worklists.list_ids(store, "open", filters=worklists.Filters(subject_type="organization"))
    assert list(people_only) == [dossier] and list(orgs_only) == []
    assert list(worklists.list_ids(store, "open", text="anh tuyet")) == [dossier]
    row = worklists.fetch_rows(store, [dossier])[dossier]
    assert row["organization"] == "Nguyễn Thị Ánh Tuyết" and row["status_label"] == "Đã chuyển"
    assert worklists.counts(store)["status:sent"] == 1


def test_receipt_slip_masks_the_id_number(env):
    store, _ = env
    dossier = level2.intake(store, KNOWN, id_card_valid=False)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt_pdf(store, dossier, "A4"))).pages)
    assert "Nguyễn Thị Ánh Tuyết" in text and "mức độ 2" in text
    assert "0790•••••234" in text and KNOWN not in text
    assert "20/01/2025" in text  # seven working days without a valid chip card
    assert "đại diện" not in text and text.count("Nguyễn Thị Ánh Tuyết") == 2  # name, and signing as applicant


def test_sessions_results_edit_cancel_and_permissions(env, clock):
    store, actors = env
    session = schedules.create_session(store, held_on=dt.date(2025, 1, 9), area_code="30760", start_time="07:30",
                                       place="Nhà văn hoá thôn 3", team=["Nguyễn Văn A"], expected_people=3)
    ids = [level2.intake(store, KNOWN, session_id=session)]
    ids.append(level2.intake(store, OTHER, session_id=session, person={"full_name": "Đỗ Thị Hà"}))
    assert store.scalar("SELECT status FROM intake_sessions WHERE id = ?", (session,)) == "held"
    assert {r["channel"] for r in store.query("SELECT channel FROM dossiers")} == {level2.CHANNELS["mobile"]}
    level2.issue(store, ids[0])
    assert sessions.results(store, session) == {"expected": 3, "received": 2, "issued": 1, "refused": 0}
    changed = sessions.edit_session(store, session, {"expected_people": "5", "place": " UBND xã "})
    assert changed == ["expected_people", "place"]
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'intake_session.edit'") == 2
    listed = sessions.list_sessions(store, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert [(r["id"], r["expected_people"], r["received"], r["issued"]) for r in listed] == [(session, 5, 2, 1)]
    with pytest.raises(UserError, match="lý do"):
        sessions.cancel_session(store, session, "")
    sessions.cancel_session(store, session, "Mưa bão")
    with pytest.raises(UserError, match="đã bị huỷ"):
        level2.intake(store, "038095000111", session_id=session, person={"full_name": "Phan Văn Tú"})
    with pytest.raises(UserError, match="đã huỷ"):
        sessions.edit_session(store, session, {"place": "x"})
    agency_session = schedules.create_session(store, held_on=dt.date(2025, 1, 10), area_code="30760")
    store.execute("UPDATE officers SET active = 0 WHERE id = ?", (actors["canbo2"].id,))
    store.actor = actors["canbo2"]
    with pytest.raises(PermissionDenied):
        sessions.cancel_session(store, agency_session, "x")
    assert store.scalar("SELECT status FROM intake_sessions WHERE id = ?", (agency_session,)) == "planned"


def test_citizens_accounts_stay_out_of_the_organizations_figures(env, clock):
    from models.dossiers import records as dossiers
    from models.dossiers import status as ds
    from models.reports.figures import collect_figures
    from tests.factories.dossiers import declared_from, make_org

    store, actors = env
    store.actor = actors["system"]
    org = make_org(store)
    org_dossier = dossiers.create(store, declared=declared_from(store, org), channel="Trực tiếp tại đơn vị", org_id=org)
    for step in ("verifying", "verified", "issued"):
        ds.move(store, org_dossier, step)
    level2.issue(store, level2.intake(store, KNOWN))
    assert store.scalar("SELECT count(*) FROM progress_firsts WHERE counts = 'issued'") == 2  # both recorded
    figures = collect_figures(store, dt.date(2025, 1, 6), dt.date(2025, 1, 12))
    assert figures.group_total.cumulative == 1 and figures.group_total.this_week == 1  # the organization only
    assert figures.area_total.cumulative == 1 and sum(r.cumulative for r in figures.areas) == 1


def test_open_dossiers_follow_the_national_lists(env, clock):
    store, actors = env
    first = level2.intake(store, KNOWN)
    other = level2.intake(store, OTHER, person={"full_name": "Trần Văn Bình"})
    clock.advance(days=5)
    # what an activation list import writes (models/people/importing): dates on the person
    store.execute("UPDATE persons SET account_level = 2, level2_issued_on = '2025-01-10', activated_on = '2025-01-13' "
                  "WHERE id_number = ?", (KNOWN,))
    store.execute("UPDATE persons SET account_level = 2, level2_issued_on = '2024-12-01' WHERE id_number = ?", (OTHER,))
    assert level2.follow_national_lists(store) == {"issued": 1, "activated": 1}
    row = store.query_one("SELECT status, issued_on, activated_on FROM dossiers WHERE id = ?", (first,))
    assert row == {"status": "activated", "issued_on": "2025-01-10", "activated_on": "2025-01-13"}
    assert store.scalar("SELECT status FROM dossiers WHERE id = ?", (other,)) == "received"  # predates: officer
    assert level2.follow_national_lists(store) == {"issued": 0, "activated": 0}


def test_an_activation_list_import_moves_open_dossiers_in_the_same_transaction(env, clock, tmp_path):
    from models.people.importing import import_file
    from tests.factories import messy_files as mf
    from tests.factories import people_files as pf

    store, actors = env
    dossier = level2.intake(store, KNOWN)
    clock.advance(days=5)
    rows = [(KNOWN, 2, dt.date(2025, 1, 10), "Nguyễn Thị Ánh Tuyết")]
    path = mf.write_xlsx(pf.activations_grid(rows), tmp_path / "kich-hoat.xlsx")
    dry = import_file(store, path, "activations", dry_run=True)
    assert dry.dossiers_moved == {} and store.scalar("SELECT status FROM dossiers WHERE id = ?", (dossier,)) == "received"
    result = import_file(store, path, "activations")
    assert result.matched == 1 and result.dossiers_moved == {"issued": 1, "activated": 1}
    row = store.query_one("SELECT status, issued_on, activated_on FROM dossiers WHERE id = ?", (dossier,))
    assert row == {"status": "activated", "issued_on": "2025-01-10", "activated_on": "2025-01-10"}
    again = import_file(store, path, "activations")
    assert again.dossiers_moved == {"issued": 0, "activated": 0}


def test_a_citizens_dossier_is_not_in_the_organizations_verification_list(env):
    store, _ = env
    dossier = level2.intake(store, KNOWN)
    assert dossier not in list(worklists.list_ids(store, "to_verify"))
    assert worklists.counts(store)["to_verify"] == 0 and worklists.counts(store)["status:received"] == 1
    assert list(worklists.list_ids(store, "open")) == [dossier]
