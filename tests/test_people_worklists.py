"""Named worklists of the citizens' campaign (issue 16 item 3): area officers' villages (m022), the
door-to-door list, the agency's list and the enterprises who did not come — each checked against plain SQL
over the seeded tables —, the PDFs (text, fonts, layout) and the Excel files read back, and the ``people``
command end to end (masked numbers, --reveal refused and audited)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from models.core.errors import PermissionDenied, UserError
from models.core.store import Actor
from models.people import area_officers, worklists
from models.people.persons import eligible_born_on_or_before
from models.text.identifiers import mask_personal_id
from models.text.normalize import fold
from services import worklists as service
from tests.factories import worklist_data as wd


@pytest.fixture
def seeded(fresh_store):
    info = wd.seed(fresh_store, 300)
    return fresh_store, info


def _as(store, username: str) -> None:
    row = store.query_one("SELECT id, username, full_name, role FROM officers WHERE username = ?", (username,))
    store.actor = Actor(**row)


def plain_sql_officer(db_path, officer_id: int, day) -> set[int]:
    conn = sqlite3.connect(db_path)
    try:
        cutoff = eligible_born_on_or_before(day)
        return {r[0] for r in conn.execute(
            "SELECT DISTINCT p.id FROM persons p, officer_areas v WHERE v.officer_id = ? AND v.area_code = p.area_code"
            " AND v.village IN ('', p.village) AND p.activated_on IS NULL"
            " AND (p.birth_date IS NULL OR p.birth_date <= ?)",
            (officer_id, cutoff))}
    finally:
        conn.close()


# ---- area officers ------------------------------------------------------------------------------------
def test_assign_moves_a_village_and_is_audited_and_needs_campaign_manage(seeded):
    store, info = seeded
    area, cskv1, cskv2 = info["areas"][0], info["officers"]["cskv1"], info["officers"]["cskv2"]
    _as(store, "chihuy")
    assert area_officers.assign(store, cskv2, area, "Thôn Đông") is True
    assert area_officers.assign(store, cskv2, area, "Thôn Đông") is False  # already his alone
    assert (area, "Thôn Đông") in area_officers.villages_of(store, cskv2)
    assert (area, "Thôn Đông") not in area_officers.villages_of(store, cskv1)  # moved, not shared
    assert store.query("SELECT officer_id FROM officer_areas WHERE area_code = ? AND village = 'Thôn Đông'",
                       (area,)) == [{"officer_id": cskv2}]
    lines = store.query("SELECT a.action, o.username FROM audit_log a JOIN officers o ON o.id = a.officer_id"
                        " WHERE a.action LIKE 'campaign.officer_area%' AND o.username = 'chihuy' ORDER BY a.id")
    assert [x["action"] for x in lines] == ["campaign.officer_area_remove", "campaign.officer_area"]
    assert area_officers.unassign(store, cskv2, area, "Thôn Đông") is True
    assert area_officers.unassign(store, cskv2, area, "Thôn Đông") is False
    _as(store, "cskv1")  # an intake officer may not hand villages out
    with pytest.raises(PermissionDenied):
        area_officers.assign(store, cskv1, area, "Thôn Tây")
    _as(store, "chihuy")
    with pytest.raises(UserError, match="xã, phường"):
        area_officers.assign(store, cskv1, "99999", "Thôn Tây")
    with pytest.raises(UserError, match="thôn"):
        area_officers.assign(store, cskv1, area, "   ")


def test_a_whole_commune_counts_every_village(seeded, db_path):
    from models.campaigns.citizen_targets import assign_officer

    store, info = seeded
    chihuy, area = info["officers"]["chihuy"], info["areas"][2]
    assign_officer(store, chihuy, area, "")  # the campaign's "whole commune"
    rows = worklists.officer_worklist(store, chihuy)
    assert {r["area_code"] for r in rows} == {area} and len({r["village"] for r in rows}) > 2
    assert {r["id"] for r in rows} == plain_sql_officer(db_path, chihuy, store.today())


# ---- the lists against plain SQL ---------------------------------------------------------------------
def test_officer_worklist_is_the_plain_sql_set_in_visit_order(seeded, db_path):
    store, info = seeded
    officer = info["officers"]["cskv1"]
    rows = worklists.officer_worklist(store, officer)
    expected = plain_sql_officer(db_path, officer, store.today())
    assert {r["id"] for r in rows} == expected and len(rows) == len(expected) > 20
    # nobody activated, nobody known to be under 14, only his villages of his commune
    assert all(r["activated_on"] is None for r in rows)
    assert all(r["birth_date"] is None or r["birth_date"] <= eligible_born_on_or_before(store.today()) for r in rows)
    assert {r["village"] for r in rows} <= {"Thôn Đông", "Thôn Tây", "Khu phố 2"}
    assert {r["area_code"] for r in rows} == {info["areas"][0]}
    # sorted by village then address, numbers compared as numbers
    keys = [(worklists.natural_key(r["village"]), worklists.natural_key(r["address"])) for r in rows]
    assert keys == sorted(keys)
    within = [r["address"] for r in rows if r["village"] == "Khu phố 2" and r["address"]]
    numbers = [int(a.split()[1]) for a in within]
    assert numbers == sorted(numbers)
    # the other officer's list is his one village in the other commune
    other = worklists.officer_worklist(store, info["officers"]["cskv2"])
    assert {(r["area_code"], r["village"]) for r in other} == {(info["areas"][1], "Thôn Đông")}
    assert not {r["id"] for r in other} & expected


def test_people_query_flags_against_plain_sql(seeded, db_path):
    store, info = seeded
    conn = sqlite3.connect(db_path)
    area = info["areas"][2]
    got = {r["id"] for r in worklists.people_rows(store, worklists.PeopleQuery(area_code=area, not_level2=True))}
    assert got == {r[0] for r in conn.execute(
        "SELECT id FROM persons WHERE area_code = ? AND account_level < 2 AND level2_issued_on IS NULL", (area,))}
    both = {r["id"] for r in worklists.people_rows(store, worklists.PeopleQuery(
        agency_id=info["agency_id"], not_level2=True, not_activated=True))}
    assert both == {r[0] for r in conn.execute(
        "SELECT p.id FROM persons p JOIN agency_staff s ON s.person_id = p.id WHERE s.agency_id = ?"
        " AND ((p.account_level < 2 AND p.level2_issued_on IS NULL) OR p.activated_on IS NULL)", (info["agency_id"],))}
    assert both == {r["id"] for r in worklists.agency_worklist(store, info["agency_id"])}
    assert 0 < len(both) < 40
    conn.close()


def test_schedule_no_shows_leave_out_who_came(seeded):
    store, info = seeded
    rows = worklists.schedule_no_shows(store)
    names = {r["name"] for r in rows}
    # an enterprise whose representative got level 2 is not a no-show; a new dossier takes another one off
    reps = store.query("SELECT o.id, o.name, p.account_level, p.level2_issued_on FROM organizations o"
                       " JOIN persons p ON p.id_number = o.rep_id_number")
    came = [r for r in reps if r["account_level"] >= 2 or r["level2_issued_on"]]
    assert came and not {r["name"] for r in came} & names
    assert len(rows) == 6 - len(came)  # every chosen date (02–07/01) is before today (09/01)
    org = next(r for r in rows if r["rep_id_number"])
    store.execute("UPDATE persons SET level2_issued_on = '2025-01-08', account_level = 2 WHERE id_number ="
                  " (SELECT rep_id_number FROM organizations WHERE id = ?)", (org["org_id"],))
    assert org["name"] not in {r["name"] for r in worklists.schedule_no_shows(store)}
    # a date still to come is nobody's no-show
    store.execute("UPDATE enterprise_schedules SET scheduled_on = '2025-02-01'")
    assert worklists.schedule_no_shows(store) == []


# ---- documents -----------------------------------------------------------------------------------------
def _pdf(path) -> tuple[str, PdfReader]:
    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def _fonts(reader: PdfReader) -> set[str]:
    out = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            out.add(str(font.get_object()["/BaseFont"]))
    return out


def test_door_to_door_pdf_lists_every_resident_masked_in_liberation_serif(seeded, tmp_path):
    store, info = seeded
    officer = info["officers"]["cskv1"]
    rows = worklists.officer_worklist(store, officer)
    path = tmp_path / "tung-nha.pdf"
    assert service.export_door_to_door(store, path, officer_id=officer) == len(rows)
    text, reader = _pdf(path)
    flat = " ".join(text.split())
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # A4 landscape
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "DANH SÁCH CÔNG DÂN CHƯA KÍCH HOẠT" in text
    assert "Ghi chú, kết quả vận động" in flat and "Lê Văn Khu" in flat
    for r in rows:
        assert " ".join(r["full_name"].split()) in flat
        if r["id_number"]:
            assert mask_personal_id(r["id_number"]) in text and r["id_number"] not in text
    assert f"Tổng cộng: {len(rows)} người" in flat
    assert all("LiberationSerif" in f for f in _fonts(reader))
    line = store.query_one("SELECT * FROM audit_log WHERE action = 'worklist.export'")
    assert json.loads(line["detail"])["count"] == len(rows)


def test_door_to_door_header_repeats_on_every_page(seeded, tmp_path):
    store, info = seeded
    path = tmp_path / "xa.pdf"
    count = service.export_door_to_door(store, path, area_code=info["areas"][0])
    _, reader = _pdf(path)
    assert count > 60 and len(reader.pages) >= 3
    for page in reader.pages:
        assert "Ghi chú, kết quả vận động" in " ".join(page.extract_text().split())


def test_door_to_door_excel_reads_back(seeded, tmp_path):
    store, info = seeded
    officer = info["officers"]["cskv1"]
    rows = worklists.officer_worklist(store, officer)
    path = tmp_path / "tung-nha.xlsx"
    service.export_door_to_door(store, path, officer_id=officer)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header = sheet[3]
    assert header[:4] == ["STT", "Xã, phường — thôn, tổ", "Họ và tên", "Năm sinh"]
    body = sheet[4:4 + len(rows)]
    assert [b[2] for b in body] == [r["full_name"] for r in rows]
    assert [b[4] for b in body] == [mask_personal_id(r["id_number"]) for r in rows]
    assert [int(b[0]) for b in body] == list(range(1, len(rows) + 1))


def test_full_ids_need_the_permission_and_are_logged(seeded, tmp_path):
    store, info = seeded
    _as(store, "quantri")  # the administrator does not read ID numbers in full
    with pytest.raises(PermissionDenied):
        service.export_door_to_door(store, tmp_path / "a.xlsx", officer_id=info["officers"]["cskv1"], full_ids=True)
    assert not (tmp_path / "a.xlsx").exists()
    _as(store, "cskv1")
    n = service.export_door_to_door(store, tmp_path / "b.xlsx", officer_id=info["officers"]["cskv1"], full_ids=True)
    line = store.query_one("SELECT * FROM audit_log WHERE action = 'personal_id.export'")
    assert json.loads(line["detail"])["count"] == n


def test_agency_letter_is_a_cong_van_with_the_list_annexed(seeded, tmp_path):
    store, info = seeded
    rows = worklists.agency_worklist(store, info["agency_id"])
    path = tmp_path / "cong-van.pdf"
    service.export_agency_letter(store, path, info["agency_id"])
    text, reader = _pdf(path)
    first = " ".join(reader.pages[0].extract_text().split())
    assert reader.pages[0].mediabox.height > reader.pages[0].mediabox.width  # A4 portrait
    for words in ("Số:", "V/v đôn đốc cán bộ", "Kính gửi: Thủ trưởng Trường THCS Nguyễn Du (Ông/Bà Võ Thị Hiệu)",
                  "Nơi nhận:", "Như trên;", "Lưu: VT.", "Đỗ Văn Liên, 0912345678", f"còn {len(rows)} người"):
        assert words in first, words
    assert "PHỤ LỤC" not in first
    rest = " ".join(" ".join(p.extract_text() for p in reader.pages[1:]).split())
    assert "PHỤ LỤC" in rest and "Kèm theo Công văn số" in rest
    for r in rows:
        assert " ".join(r["full_name"].split()) in rest
    assert all("LiberationSerif" in f for f in _fonts(reader))


def test_no_shows_pdf_and_xlsx(seeded, tmp_path):
    store, _ = seeded
    rows = worklists.schedule_no_shows(store)
    service.export_no_shows(store, tmp_path / "dn.pdf")
    text, _ = _pdf(tmp_path / "dn.pdf")
    flat = " ".join(text.split())
    assert all(r["name"] in flat for r in rows) and "doanh nghiệp" in flat
    service.export_no_shows(store, tmp_path / "dn.xlsx")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "dn.xlsx")).get_sheet_by_index(0).to_python()
    assert [row[1] for row in sheet[4:4 + len(rows)]] == [r["name"] for r in rows]
    with pytest.raises(UserError, match=r"\.pdf hoặc \.xlsx"):
        service.export_no_shows(store, tmp_path / "dn.docx")


# ---- the people command -----------------------------------------------------------------------------------
def _lines(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_cli_people_officer_list_masked(seeded, db_path, run_cli):
    store, info = seeded
    expected = worklists.people_rows(store, worklists.PeopleQuery(officer_id=info["officers"]["cskv1"],
                                                                  not_activated=True))
    store.close()
    result = run_cli("people", "--db", str(db_path), "--officer", "cskv1", "--not-activated")
    assert result.returncode == 0, result.stderr
    lines = _lines(result)
    assert [x["id"] for x in lines] == [r["id"] for r in expected]
    assert all(x["id_number"] is None or "*" in x["id_number"] for x in lines)
    assert all(x["activated_on"] is None for x in lines)


def test_cli_people_agency_and_bad_names(seeded, db_path, run_cli):
    store, info = seeded
    store.close()
    result = run_cli("people", "--db", str(db_path), "--agency", "truong thcs nguyen du", "--not-level2")
    lines = _lines(result)
    assert lines and all(x["agency"] == "Trường THCS Nguyễn Du" and x["account_level"] < 2 for x in lines)
    for args, word in ((("--officer", "khongco"), "--officer"), (("--agency", "Không có"), "--agency"),
                       (("--area", "00000"), "--area")):
        bad = run_cli("people", "--db", str(db_path), *args)
        assert bad.returncode == 2 and word in bad.stderr and "Traceback" not in bad.stderr


def test_cli_people_reveal_needs_sign_in_and_permission_and_is_audited(seeded, db_path, run_cli):
    store, info = seeded
    store.close()
    base = ("people", "--db", str(db_path), "--officer", "cskv1", "--not-activated")
    no_user = run_cli(*base, "--reveal")
    assert no_user.returncode == 2 and "--user" in no_user.stderr and not no_user.stdout
    admin = run_cli(*base, "--reveal", "--user", "quantri", env={"SODINHDANH_PASSWORD": wd.PASSWORDS["quantri"]})
    assert admin.returncode == 2 and "số định danh" in admin.stderr and not admin.stdout
    wrong = run_cli(*base, "--reveal", "--user", "cskv1", env={"SODINHDANH_PASSWORD": "sai-mat-khau"})
    assert wrong.returncode == 2 and not wrong.stdout
    ok = run_cli(*base, "--reveal", "--user", "cskv1", env={"SODINHDANH_PASSWORD": wd.PASSWORDS["cskv1"]})
    assert ok.returncode == 0, ok.stderr
    lines = _lines(ok)
    shown = [x["id_number"] for x in lines if x["id_number"]]
    assert shown and all(len(n) == 12 and n.isdigit() for n in shown)
    conn = sqlite3.connect(db_path)
    audit = conn.execute("SELECT o.username, a.detail FROM audit_log a JOIN officers o ON o.id = a.officer_id"
                         " WHERE a.action = 'personal_id.reveal'").fetchall()
    conn.close()
    assert len(audit) == 1 and audit[0][0] == "cskv1"
    detail = json.loads(audit[0][1])
    assert detail["count"] == len(shown) and detail["officer"] == "cskv1"
    assert not any(n in audit[0][1] for n in shown)  # the log never holds the numbers


def test_names_sorted_within_an_address_by_folded_name(seeded):
    store, info = seeded
    rows = worklists.people_rows(store, worklists.PeopleQuery(area_code=info["areas"][0]))
    no_address = [r for r in rows if not r["address"] and r["village"] == "Thôn Đông"]
    assert [fold(r["full_name"]) for r in no_address] == sorted(fold(r["full_name"]) for r in no_address)


def test_demo_officers_have_their_door_to_door_lists(tmp_path):
    from demo import DEMO_TODAY, SEED
    from demo import officers as demo_officers
    from demo import people as demo_people
    from demo import registry as demo_registry
    from models.core.store import Store

    store = Store(tmp_path / "demo.sqlite", clock=lambda: DEMO_TODAY)
    try:
        demo_officers.build(store, seed=SEED)
        demo_registry.build(store, organizations=100, seed=SEED)
        demo_people.build(store, count=1500, seed=SEED)  # with the citizens' campaign and its officers
        for username in ("canbo1", "canbo2", "canbo3"):
            officer = area_officers.officer_by_username(store, username)
            villages = area_officers.villages_of(store, officer["id"])
            rows = worklists.officer_worklist(store, officer["id"])
            assert villages and rows
            assert {(r["area_code"], r["village"]) for r in rows} <= set(villages)
    finally:
        store.close()


def test_list_table_wraps_long_text_inside_its_column():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from exporters.fonts import register_fonts
    from exporters.worklist_pdf import CELL_SIZE, PAD, ListTable

    fonts = register_fonts()
    doc = worklists.WorklistDocument(
        worklists.Letterhead("", "Công an xã", "", "2025-01-09"), "t", "s", ("STT", "Tên", "Mã số thuế"),
        (0.1, 0.6, 0.3), [("Xã A — Thôn B", [(1, "Công ty TNHH " * 6, "1793062155003179306215500317930621")])], 1)
    table = ListTable.of(doc, 300, fonts)
    group, row, total = table.rows
    assert group[0] and not row[0] and total[0]
    name, tax = row[1][1], row[1][2]
    assert len(name) > 1 and len(tax) > 1
    for cell, width in ((name, 180), (tax, 90)):
        assert all(stringWidth(line, fonts["regular"], CELL_SIZE) <= width - 2 * PAD for line in cell)
    assert "".join(tax) == "1793062155003179306215500317930621"
    assert table.tops[2] - table.tops[1] >= len(name) * CELL_SIZE * 1.2  # the row grows with its lines
