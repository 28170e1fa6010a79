"""Citizens' lists (issue 15): messy residents, staff, enterprise schedules and activation lists, the
rules (same ID = same person, blanks never erase, each person counted once, unknown IDs listed), dry
runs and --strict, the import-people command, search and eligibility."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest

from models.core.errors import PermissionDenied
from models.core.store import Store
from models.people import agencies, persons
from models.people import search as people_search
from models.people.importing import UnreadableFile, import_file
from models.people.importing.columns import detect_header, recognise
from models.registry import organizations
from models.security import auth
from models.security.auth import SYSTEM_ACTOR
from models.text.normalize import fold
from tests.factories import messy_files as mf
from tests.factories import people_files as pf

TABLES = ("persons", "person_sources", "people_imports", "agencies", "agency_staff", "enterprise_schedules",
          "audit_log")


@pytest.fixture
def store(fresh_store):
    mf.add_areas(fresh_store)
    return fresh_store


def snapshot(store) -> dict:
    return {t: store.query(f"SELECT * FROM {t} ORDER BY 1, 2, 3") for t in TABLES}


def residents_file(tmp_path, people, name="dan-cu.xlsx", **layout):
    return mf.write_xlsx(pf.residents_grid(people, **layout), tmp_path / name)


# ---- headers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, header, field", [
    ("residents", "Họ và tên", "full_name"), ("residents", "HO VA TEN", "full_name"),
    ("residents", "Số CCCD/ĐDCN", "id_number"), ("residents", "Ngày tháng năm sinh", "birth_date"),
    ("residents", "Thôn/khu phố/tổ dân phố", "village"), ("residents", "Xã/phường", "area_name"),
    ("residents", "Thường trú/Tạm trú", "residence"), ("residents", "Nơi thường trú", "address"),
    ("residents", "Chức vụ", ""), ("staff", "Thời gian đăng ký (ngày)", "preferred_on"),
    ("staff", "Chức vụ", "position"), ("schedule", "Ngày đăng ký", "scheduled_on"),
    ("schedule", "Họ và tên người đại diện", "representative"), ("schedule", "Tên doanh nghiệp", "org_name"),
    ("schedule", "Số lao động", "staff_count"), ("schedule", "Giờ", "scheduled_time"),
    ("activations", "Mức độ", "level"), ("activations", "Ngày kích hoạt", "activated_on"),
    ("activations", "Số định danh cá nhân", "id_number"), ("activations", "Ngày cấp", "issued_on"),
])
def test_headers_are_recognised_per_kind(kind, header, field):
    assert recognise(header, kind) == field
    assert recognise(unicodedata.normalize("NFD", header), kind) == field


def test_a_two_row_merged_header_under_a_letterhead_is_found():
    built = pf.residents_grid(pf.make_people(5, 2))
    guess = detect_header(built.grid, "residents")
    assert [r + 1 for r in guess.header_rows] == built.header_rows
    fields = {f for f in guess.mapping.values() if f}
    assert fields == {"full_name", "birth_date", "sex", "id_number", "phone", "area_name", "village", "residence"}
    assert guess.first_data_row + 1 == min(built.rows)  # the "(1) (2) …" row is skipped


# ---- residents ---------------------------------------------------------------------------------------
def test_a_messy_residents_list_imports_and_reimports_unchanged(store, tmp_path):
    people = pf.make_people(60, 1)
    path = residents_file(tmp_path, people, repeat=(4, 9))
    first = import_file(store, path, "residents")
    assert first.counts() == {"read": 62, "inserted": 60, "updated": 0, "unchanged": 0, "duplicates": 2,
                              "rejected": 0, "warnings": first.warnings}
    lost_zero = [i for i in first.issues if "số 0 ở đầu" in i.message]
    assert len(lost_zero) == 62 and all(i.column_letter == "E" for i in lost_zero)  # every ID was a number cell
    rows = {r["id_number"]: r for r in store.query("SELECT * FROM persons")}
    for person in people:
        row = rows[person.id_number]  # leading zeros restored: "001…" stored as a number lost two
        assert row["full_name"] == person.full_name  # NFD text stored NFC
        assert row["birth_date"] == person.birth_date.isoformat()
        assert row["area_code"] == person.area_code and row["village"] == person.village
        assert row["sex"] == ("M" if person.sex == "Nam" else "F")
        assert row["residence"] == ("permanent" if person.residence == "Thường trú" else "temporary")
    assert store.scalar("SELECT count(*) FROM person_sources WHERE kind = 'residents'") == 60
    before = snapshot(store)
    again = import_file(store, path, "residents")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 60)
    after = snapshot(store)
    assert after["persons"] == before["persons"] and after["person_sources"] == before["person_sources"]
    assert len(after["people_imports"]) == 2


def test_blanks_never_erase_and_changes_are_recorded(store, tmp_path):
    people = pf.make_people(20, 3)
    import_file(store, residents_file(tmp_path, people), "residents")
    moved = people[5]
    old_village, moved.village = moved.village, "Thôn Mới"
    # the second list has no phone column values for anyone and a new village for one person
    built = pf.residents_grid(people, two_row_header=False, numeric_ids=False)
    for row_number in built.rows:
        built.grid[row_number - 1][5] = ""
    path = mf.write_csv(built, tmp_path / "dot-2.csv")
    result = import_file(store, path, "residents")
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 19)
    row = store.query_one("SELECT * FROM persons WHERE id_number = ?", (moved.id_number,))
    assert row["village"] == "Thôn Mới" and row["phone"] == moved.phone and row["version"] == 2
    history = store.query("SELECT field, old_value, new_value FROM audit_log WHERE action = 'person.import'")
    assert history == [{"field": "village", "old_value": old_village, "new_value": "Thôn Mới"}]
    assert store.scalar("SELECT count(*) FROM persons WHERE phone IS NULL") == 0


def test_residents_without_id_number_are_matched_on_name_birth_date_and_place(store, tmp_path):
    people = pf.make_people(10, 4)
    path = residents_file(tmp_path, people, blank_ids=(2, 7))
    assert import_file(store, path, "residents").inserted == 10
    again = import_file(store, residents_file(tmp_path, people, name="b.xlsx", blank_ids=(2, 7)), "residents")
    assert (again.inserted, again.unchanged) == (0, 10)
    assert store.scalar("SELECT count(*) FROM persons WHERE id_number IS NULL") == 2


def test_dry_run_writes_nothing_and_strict_refuses_a_file_with_a_bad_row(store, tmp_path):
    people = pf.make_people(15, 5)
    built = pf.residents_grid(people, numeric_ids=False)
    first_row = min(built.rows)
    built.grid[first_row - 1][4] = "07912345"  # 8 digits: not an ID number
    path = mf.write_xlsx(built, tmp_path / "loi.xlsx")
    before = snapshot(store)
    dry = import_file(store, path, "residents", dry_run=True)
    assert (dry.inserted, dry.rejected, dry.written) == (14, 1, False)
    strict = import_file(store, path, "residents", strict=True)
    assert (strict.inserted, strict.rejected, strict.written) == (0, 1, False)
    assert snapshot(store) == before
    error = next(i for i in strict.issues if i.level == "error")
    assert (error.row, error.column_letter) == (first_row, "E") and "12 chữ số" in error.message


def test_an_intake_officer_may_import_and_a_missing_permission_is_refused(store, tmp_path):
    path = residents_file(tmp_path, pf.make_people(3, 6))
    store.actor = auth.create_first_admin(store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
    auth.create_officer(store, "canbo1", "Lê Thị Nhung", "intake", "matkhau-canbo1")
    store.actor = auth.sign_in(store, "canbo1", "matkhau-canbo1")
    assert import_file(store, path, "residents").inserted == 3
    assert store.scalar("SELECT o.username FROM people_imports i JOIN officers o ON o.id = i.officer_id") == "canbo1"
    store.execute("UPDATE officers SET active = 0 WHERE username = 'canbo1'")  # deactivated at another desk
    with pytest.raises(PermissionDenied):
        import_file(store, path, "residents")
    store.actor = SYSTEM_ACTOR


# ---- staff -------------------------------------------------------------------------------------------
def test_a_staff_list_links_people_to_their_agency(store, tmp_path):
    people = pf.make_people(12, 7)
    import_file(store, residents_file(tmp_path, people[:6]), "residents")
    path = mf.write_xlsx(pf.staff_grid(people[3:]), tmp_path / "can-bo.xlsx")
    with pytest.raises(UnreadableFile, match="--agency"):
        import_file(store, path, "staff")
    result = import_file(store, path, "staff", agency="UBND xã Mong Thọ")
    assert (result.read, result.inserted, result.updated, result.unchanged) == (9, 9, 0, 0)
    agency = agencies.find_agency(store, "ubnd xa mong tho")
    staff = agencies.staff_of(store, agency["id"])
    assert len(staff) == 9 and {s["position"] for s in staff} >= {"Chuyên viên", "Kế toán"}
    assert store.scalar("SELECT count(*) FROM persons") == 12  # 3 already known, 6 new
    known = store.query_one("SELECT sources FROM persons WHERE id_number = ?", (people[3].id_number,))
    assert known["sources"] == "residents staff"
    assert len(agencies.staff_without_level2(store, agency["id"])) == 9
    again = import_file(store, path, "staff", agency="UBND XÃ MONG THỌ")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 9)
    later = pf.staff_grid(people[3:], preferred=dt.date(2025, 2, 1))
    moved = import_file(store, mf.write_xlsx(later, tmp_path / "can-bo-2.xlsx"), "staff", agency="UBND xã Mong Thọ")
    assert (moved.updated, moved.unchanged) == (9, 0)


def test_a_staff_list_naming_its_agency_in_a_column(store, tmp_path):
    path = mf.write_xlsx(pf.staff_grid(pf.make_people(4, 8), agency="Trường THCS Mong Thọ"), tmp_path / "a.xlsx")
    result = import_file(store, path, "staff")
    assert result.inserted == 4 and agencies.find_agency(store, "Trường THCS Mong Thọ") is not None


# ---- enterprise schedules ----------------------------------------------------------------------------
def test_enterprise_schedules_match_the_registry_and_list_unknown_enterprises(store, tmp_path):
    org_ids = []
    for n, tax in enumerate(["0100233488", "1700001000"]):
        org_ids.append(organizations.create(store, {"grp": 1, "name": f"Công ty TNHH Phú Quý {n}",
                                                                 "tax_code": tax}))
    built = pf.schedule_grid([("Công ty TNHH Phú Quý 0", "0100233488"), ("CÔNG TY TNHH PHÚ QUÝ 1", "1700001000")],
                             unknown=("Công ty Không Có", "0326878784"))
    path = mf.write_xlsx(built, tmp_path / "lich.xlsx")
    strict = import_file(store, path, "schedule", strict=True)
    assert (strict.rejected, strict.written) == (1, False)
    assert store.scalar("SELECT count(*) FROM enterprise_schedules") == 0
    result = import_file(store, path, "schedule")
    assert (result.inserted, result.rejected) == (2, 1)
    rows = store.query("SELECT * FROM enterprise_schedules ORDER BY scheduled_on")
    assert [r["org_id"] for r in rows] == org_ids
    assert [r["scheduled_time"] for r in rows] == ["14:00", "08:30"]
    assert [r["staff_count"] for r in rows] == [10, 11]
    assert import_file(store, path, "schedule").unchanged == 2


# ---- activations -------------------------------------------------------------------------------------
def test_activation_lists_count_each_person_once_and_list_unknown_ids(store, tmp_path):
    people = pf.make_people(30, 9)
    import_file(store, residents_file(tmp_path, people), "residents")
    day = dt.date(2025, 1, 6)
    rows = [(p.id_number, 1 + n % 2, day, p.full_name) for n, p in enumerate(people[:20])]
    rows.append((people[0].id_number, 2, dt.date(2025, 1, 8), people[0].full_name))  # the same person again, level 2
    rows.append(("079099000001", 2, day, "Người Lạ"))
    rows.append(("079099000001", 2, day, "Người Lạ"))
    path = mf.write_xlsx(pf.activations_grid(rows), tmp_path / "kich-hoat.xlsx")
    result = import_file(store, path, "activations")
    counts = result.counts()
    assert counts["matched"] == 20 and counts["unknown"] == 1 and counts["duplicates"] == 2
    assert counts["updated"] == 20 and counts["inserted"] == 0 and counts["read"] == 23
    assert result.unknown_ids == ["079099000001"]
    assert store.scalar("SELECT count(*) FROM persons WHERE id_number = '079099000001'") == 0
    first = store.query_one("SELECT * FROM persons WHERE id_number = ?", (people[0].id_number,))
    assert (first["account_level"], first["level1_on"], first["level2_issued_on"], first["activated_on"]) == \
        (2, "2025-01-06", "2025-01-08", "2025-01-06")
    assert store.scalar("SELECT count(*) FROM persons WHERE account_level = 2") == 11  # 10 odd rows + people[0]
    assert store.scalar("SELECT count(*) FROM persons WHERE activated_on IS NOT NULL") == 20
    stored = json.loads(store.scalar("SELECT unknown_ids FROM people_imports WHERE kind = 'activations'"))
    assert stored == ["079099000001"]
    before = snapshot(store)["persons"]
    again = import_file(store, path, "activations")
    assert (again.matched, again.updated, again.unchanged) == (20, 0, 20)
    assert snapshot(store)["persons"] == before
    # an older list never moves an account backwards
    older = [(people[1].id_number, 1, dt.date(2024, 12, 1), people[1].full_name)]
    import_file(store, mf.write_xlsx(pf.activations_grid(older), tmp_path / "cu.xlsx"), "activations")
    second = store.query_one("SELECT * FROM persons WHERE id_number = ?", (people[1].id_number,))
    assert second["account_level"] == 2 and second["level1_on"] == "2024-12-01"


def test_an_activation_list_without_level_rejects_the_row(store, tmp_path):
    people = pf.make_people(2, 10)
    import_file(store, residents_file(tmp_path, people), "residents")
    built = pf.activations_grid([(p.id_number, 1, dt.date(2025, 1, 2), p.full_name) for p in people])
    built.grid[min(built.rows) - 1][3] = ""
    result = import_file(store, mf.write_xlsx(built, tmp_path / "x.xlsx"), "activations")
    assert (result.rejected, result.matched) == (1, 1)


# ---- the command line --------------------------------------------------------------------------------
def test_import_people_prints_one_json_line(store, db_path, run_cli, tmp_path):
    people = pf.make_people(8, 11)
    path = residents_file(tmp_path, people)
    store.close()
    out = run_cli("import-people", "--db", db_path, "--kind", "residents", path, "--dry-run")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"read": 8, "inserted": 8, "updated": 0, "unchanged": 0, "duplicates": 0,
                                      "rejected": 0, "warnings": 8}
    assert "số 0 ở đầu" in out.stderr and "dòng" in out.stderr
    run_cli("import-people", "--db", db_path, "--kind", "residents", path, check=True)
    act = mf.write_xlsx(pf.activations_grid([(people[0].id_number, 2, dt.date(2025, 1, 3), "")]), tmp_path / "k.xlsx")
    out = run_cli("import-people", "--db", db_path, "--kind", "activations", act)
    assert json.loads(out.stdout)["matched"] == 1 and json.loads(out.stdout)["unknown"] == 0
    bad = run_cli("import-people", "--db", db_path, "--kind", "staff", path)
    assert bad.returncode == 2 and "--agency" in bad.stderr and "Traceback" not in bad.stderr


def test_import_people_needs_a_sign_in_once_an_administrator_exists(store, db_path, run_cli, tmp_path):
    store.actor = auth.create_first_admin(store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
    auth.create_officer(store, "canbo1", "Lê Thị Nhung", "intake", "matkhau-canbo1")
    store.close()
    path = residents_file(tmp_path, pf.make_people(3, 12))
    refused = run_cli("import-people", "--db", db_path, "--kind", "residents", path, env={"SODINHDANH_PASSWORD": ""})
    assert refused.returncode == 2 and "--user" in refused.stderr
    done = run_cli("import-people", "--db", db_path, "--kind", "residents", path, "--user", "canbo1",
                   env={"SODINHDANH_PASSWORD": "matkhau-canbo1"})
    assert done.returncode == 0 and json.loads(done.stdout)["inserted"] == 3


# ---- persons, search, eligibility --------------------------------------------------------------------
def test_search_by_name_without_diacritics_and_by_id_fragment(store, tmp_path):
    people = pf.make_people(200, 13)
    import_file(store, residents_file(tmp_path, people), "residents")
    target = people[17]
    words = fold(target.full_name).split()
    hits = people_search.search_ids(store, " ".join(w[:3] for w in words))
    found = people_search.rows_for(store, list(hits.ids))
    assert target.id_number in {r["id_number"] for r in found}
    assert all(r["full_name"] for r in found)
    by_tail = people_search.search_ids(store, target.id_number[-6:])
    assert target.id_number in {r["id_number"] for r in people_search.rows_for(store, list(by_tail.ids))}
    exact = people_search.search_ids(store, target.id_number)
    assert len(exact) == 1
    in_area = people_search.search_ids(store, "", people_search.Filters(area_code=target.area_code))
    assert 0 < len(in_area) < 200
    assert len(people_search.search_ids(store, "zzzz")) == 0


def test_eligibility_is_fourteen_on_the_given_day():
    day = dt.date(2025, 3, 1)
    assert persons.is_eligible("2011-03-01", day) is True
    assert persons.is_eligible("2011-03-02", day) is False
    assert persons.is_eligible(None, day) is None
    assert persons.eligible_born_on_or_before(day) == "2011-03-01"
    assert persons.age_at("2008-02-29", dt.date(2022, 2, 28)) == 13


def test_editing_a_person_records_history_and_checks_the_id(store):
    person_id = persons.create_person(store, {"full_name": "Nguyễn Thị Hoa", "id_number": "079190000123"})
    assert persons.edit_person(store, person_id, {"phone": "0912345678", "full_name": "Nguyễn Thị Hoà"}) == \
        ["full_name", "phone"]
    assert store.query_one("SELECT name_key FROM persons WHERE id = ?", (person_id,))["name_key"] == "nguyen thi hoa"
    other = persons.create_person(store, {"full_name": "Trần Văn Nam"})
    with pytest.raises(Exception, match="đã thuộc"):
        persons.edit_person(store, other, {"id_number": "079190000123"})
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'person.edit'") == 2


def test_short_digit_runs_are_the_start_of_the_id_number(store, tmp_path):
    people = pf.make_people(40, 14)
    import_file(store, residents_file(tmp_path, people), "residents")
    start = people[0].id_number[:4]
    found = people_search.rows_for(store, list(people_search.search_ids(store, start).ids))
    assert found and all(r["id_number"].startswith(start) for r in found)
    expected = {p.id_number for p in people if p.id_number.startswith(start)}
    assert {r["id_number"] for r in found} == expected


def test_csv_in_windows_1258_and_the_error_workbook_lists_unknown_ids(store, tmp_path):
    from openpyxl import load_workbook

    from services.people_imports import save_error_workbook

    people = pf.make_people(6, 15)
    built = pf.residents_grid(people, two_row_header=False, numeric_ids=False, nfd=False, dates_as_text=True)
    path = mf.write_csv(built, tmp_path / "dan-cu.csv", encoding="cp1258", delimiter=";")
    result = import_file(store, path, "residents")
    assert (result.inserted, result.rejected) == (6, 0)
    assert {r["full_name"] for r in store.query("SELECT full_name FROM persons")} == {p.full_name for p in people}
    rows = [(p.id_number, 2, dt.date(2025, 1, 7), p.full_name) for p in people[:2]] + [("058190001234", 1, dt.date(2025, 1, 7), "")]
    act = import_file(store, mf.write_xlsx(pf.activations_grid(rows, numeric_ids=False), tmp_path / "k.xlsx"),
                      "activations")
    out = save_error_workbook(store, tmp_path / "loi.xlsx", source_name="k.xlsx", result=act, kind="activations")
    cells = [c for row in load_workbook(out).worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "058190001234" in cells


def test_staff_rows_without_an_id_number_are_rejected(store, tmp_path):
    built = pf.staff_grid(pf.make_people(3, 16), numeric_ids=False)
    second = sorted(built.rows)[1]
    built.grid[second - 1][2] = ""
    result = import_file(store, mf.write_xlsx(built, tmp_path / "s.xlsx"), "staff", agency="Chi cục Thuế khu vực")
    assert (result.inserted, result.rejected) == (2, 1)
    error = next(i for i in result.issues if i.level == "error")
    assert error.row == second and "số định danh" in error.message


@pytest.mark.parametrize("cell, expected", [("8h30", "08:30"), ("14:00", "14:00"), ("2 giờ chiều", "14:00"),
                                            (dt.time(7, 45), "07:45"), (0.5, "12:00"), ("Sáng", "07:30")])
def test_schedule_times(cell, expected):
    from models.people.importing.analysis import _time

    assert _time(cell)[0] == expected


def test_sessions_agencies_and_filters(store, tmp_path):
    from models.core.errors import UserError
    from models.people import schedules

    people = pf.make_people(10, 17)
    import_file(store, residents_file(tmp_path, people), "residents")
    import_file(store, mf.write_xlsx(pf.staff_grid(people[:4]), tmp_path / "cb.xlsx"), "staff", agency="Trạm Y tế xã")
    agency = agencies.find_agency(store, "Trạm Y tế xã")
    assert agencies.edit_agency(store, agency["id"], {"liaison_name": "Lê Văn Tư", "liaison_phone": "0912 345 678"}) == \
        ["liaison_name", "liaison_phone"]
    listed = agencies.list_agencies(store)
    assert [(a["name"], a["staff"], a["level2"], a["liaison_phone"]) for a in listed] == \
        [("Trạm Y tế xã", 4, 0, "0912345678")]
    with pytest.raises(UserError):
        schedules.create_session(store, held_on=dt.date(2025, 1, 11))
    session = schedules.create_session(store, held_on=dt.date(2025, 1, 11), agency_id=agency["id"], start_time="07:30",
                                       place="Hội trường", team=["Nguyễn Văn A", " ", "Trần Thị B"], expected_people=4)
    found = schedules.sessions_between(store, dt.date(2025, 1, 6), dt.date(2025, 1, 12))
    assert [(s["id"], s["agency_name"], s["team"], s["status"]) for s in found] == \
        [(session, "Trạm Y tế xã", ["Nguyễn Văn A", "Trần Thị B"], "planned")]
    staff_only = people_search.search_ids(store, "", people_search.Filters(agency_id=agency["id"]))
    assert {r["id_number"] for r in people_search.rows_for(store, list(staff_only.ids))} == \
        {p.id_number for p in people[:4]}
    adults = people_search.search_ids(store, "", people_search.Filters(eligible_on=dt.date(2025, 1, 9)))
    expected = sum(persons.is_eligible(p.birth_date, dt.date(2025, 1, 9)) for p in people)
    assert len(adults) == expected


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_residents_in_xls_and_ods(store, tmp_path, fmt):
    if mf.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    people = pf.make_people(12, 18)
    path = mf.convert(residents_file(tmp_path, people, repeat=(1,)), fmt, tmp_path)
    result = import_file(store, path, "residents")
    assert (result.read, result.inserted, result.duplicates, result.rejected) == (13, 12, 1, 0)
    assert {r["id_number"] for r in store.query("SELECT id_number FROM persons")} == {p.id_number for p in people}


def test_import_people_strict_exit_code_and_error_workbook(store, db_path, run_cli, tmp_path):
    built = pf.residents_grid(pf.make_people(5, 19), numeric_ids=False)
    built.grid[min(built.rows) - 1][4] = "12AB"
    path = mf.write_xlsx(built, tmp_path / "loi.xlsx")
    store.close()
    out = run_cli("import-people", "--db", db_path, "--kind", "residents", path, "--strict",
                  "--out", tmp_path / "loi-nhap.xlsx")
    assert out.returncode == 1 and json.loads(out.stdout)["rejected"] == 1 and "--strict" in out.stderr
    assert "cột «Thông tin công dân Số CCCD/ĐDCN» (E)" in out.stderr
    assert (tmp_path / "loi-nhap.xlsx").exists()
    check = Store(db_path)
    try:
        assert check.scalar("SELECT count(*) FROM persons") == 0
    finally:
        check.close()
