"""Importing province-forwarded online dossiers (messy xlsx/csv), idempotence, and the CLI contracts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import xlsxwriter

from models.core.errors import Cancelled, UserError
from models.core.progress import Progress
from models.core.store import Store
from models.dossiers import online_import as dossier_import
from models.dossiers import records as dossiers
from models.dossiers import rows as dossier_rows
from tests.factories.dossiers import add_officers, make_org, setup_unit

HEADERS = ["STT", "Mã hồ sơ trực tuyến", "Ngày nộp", "Kênh nộp", "Tên tổ chức", "Mã số thuế", "Địa chỉ trụ sở",
           "Xã/Phường", "Người đại diện", "Số CCCD", "Điện thoại", "Email"]
ROWS = [
    # a known organization, tax code stored as a number (leading zero lost), Excel date cell
    [1, "G01.123-250108-0001", dt.datetime(2025, 1, 8, 14, 5), "Ứng dụng VNeID", "CTY TNHH TM SAO MAI", 100233488,
     "12 Trần Phú", "Phường Rạch Giá", "Nguyễn Văn Ánh", 91085000123, "0912345678", "ANH@SAOMAI.VN"],
    # a new organization (group 1 guessed), text date dd/mm/yyyy hh:mm, channel spelled differently
    [2, "G01.123-250108-0002", "08/01/2025 15:30", "vneid.gov.vn", "  Công ty Cổ phần  Hải Âu ", "0312687878",
     "", "phường vĩnh lạc", "Đặng Thị Ưng", "079185000456", "+84 987 654 321", ""],
    # a group-4 body without tax code, no channel (defaults to the app)
    [3, "G01.123-250107-0003", "07/01/2025", "", "Chùa Phước Hưng", "", "", "Xã Châu Thành", "Thích Minh Tâm",
     "091060000321", "", ""],
    # bad tax code → rejected
    [4, "G01.123-250107-0004", "07/01/2025", "VNeID", "Công ty Sai Mã", "0100233489", "", "", "Lê Văn C", "", "", ""],
    # no date → rejected
    [5, "G01.123-250107-0005", "", "VNeID", "Công ty Không Ngày", "0101245486", "", "", "", "", "", ""],
    # same online number twice in the file → rejected
    [6, "G01.123-250108-0001", "08/01/2025", "VNeID", "CTY TNHH TM SAO MAI", "0100233488", "", "", "", "", "", ""],
    # unknown channel → rejected
    [7, "G01.123-250108-0007", "08/01/2025", "Fax", "Công ty Fax", "0100109106", "", "", "", "", "", ""],
    # a blank line in the middle is ignored
    ["", "", "", "", "", "", "", "", "", "", "", ""],
]


def write_xlsx(path, rows=ROWS, headers=HEADERS, title=True):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Danh sách")
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    r = 0
    if title:
        ws.write(0, 0, "DANH SÁCH HỒ SƠ ĐỀ NGHỊ CẤP TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ CHO TỔ CHỨC")
        ws.write(1, 0, "(Kèm theo Công văn số 123/PC06 ngày 09/01/2025)")
        r = 3
    for c, h in enumerate(headers):
        ws.write(r, c, h)
    for i, row in enumerate(rows, start=r + 1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                ws.write_datetime(i, c, value, date_fmt)
            elif value != "":
                ws.write(i, c, value)
    wb.close()
    return path


@pytest.fixture
def env(fresh_store):
    setup_unit(fresh_store)
    add_officers(fresh_store)
    org_id = make_org(fresh_store)
    return fresh_store, org_id


def test_messy_xlsx_import(env, tmp_path):
    store, org_id = env
    result = dossier_import.import_file(store, write_xlsx(tmp_path / "hs.xlsx"))
    assert result.counts() == {"read": 7, "inserted": 3, "updated": 0, "unchanged": 0, "rejected": 4}
    text = "\n".join(result.errors)
    assert "dòng 8, cột «Mã số thuế» (F)" in text and "sai chữ số kiểm tra" in text
    assert "dòng 9, cột «Ngày nộp» (C)" in text
    assert "dòng 10, cột «Mã hồ sơ trực tuyến» (B)" in text and "lặp lại dòng 5" in text
    assert "dòng 11, cột «Kênh nộp» (D): kênh «Fax»" in text
    assert all(line.startswith("Tệp hs.xlsx, dòng ") for line in result.errors)
    first = dossier_rows.get_by_number(store, "HS-2025-000001")
    assert first["online_ref"] == "G01.123-250108-0001" and first["org_id"] == org_id
    assert first["received_at"] == "2025-01-08 14:05:00" and first["channel"] == "Ứng dụng VNeID"
    assert first["declared"]["rep_id_number"] == "091085000123" and first["declared"]["rep_email"] == "anh@saomai.vn"
    assert first["area_code"] == "30760"
    second = dossiers.get(store, result.dossier_ids[1])
    assert second["channel"] == "Cổng vneid.gov.vn" and second["org"]["name"] == "Công ty Cổ phần Hải Âu"
    assert second["org"]["grp"] == 1 and second["area_code"] == "30769"
    assert second["declared"]["rep_phone"] == "0987654321"
    third = dossiers.get(store, result.dossier_ids[2])
    assert third["grp"] == 4 and third["channel"] == "Ứng dụng VNeID" and third["received_at"] == "2025-01-07 00:00:00"
    assert any("nhóm 1" in w for w in result.warnings)
    assert all(w.startswith("Tệp hs.xlsx, dòng ") for w in result.warnings)  # which file and row
    imp = store.query_one("SELECT * FROM imports WHERE id = ?", (result.import_id,))
    assert imp["kind"] == "dossiers" and json.loads(imp["counts"])["inserted"] == 3


def test_import_is_idempotent_and_updates_changes(env, tmp_path):
    store, _ = env
    path = write_xlsx(tmp_path / "hs.xlsx")
    dossier_import.import_file(store, path)
    before = store.scalar("SELECT count(*) FROM audit_log")
    again = dossier_import.import_file(store, path)
    assert again.counts() == {"read": 7, "inserted": 0, "updated": 0, "unchanged": 3, "rejected": 4}
    assert store.scalar("SELECT count(*) FROM dossiers") == 3
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'dossier.update'") == 0
    assert store.scalar("SELECT count(*) FROM audit_log") == before + 1  # only the import line
    rows = [list(r) for r in ROWS]
    rows[1][10] = "0911222333"
    changed = dossier_import.import_file(store, write_xlsx(tmp_path / "hs2.xlsx", rows))
    assert changed.counts()["updated"] == 1 and changed.counts()["unchanged"] == 2
    d = dossiers.get(store, store.scalar("SELECT id FROM dossiers WHERE online_ref = 'G01.123-250108-0002'"))
    assert d["declared"]["rep_phone"] == "0911222333" and d["version"] == 2


def test_closed_dossier_is_not_updated(env, tmp_path):
    from models.dossiers import status as ds

    store, _ = env
    dossier_import.import_file(store, write_xlsx(tmp_path / "hs.xlsx"))
    dossier_id = store.scalar("SELECT id FROM dossiers WHERE online_ref = 'G01.123-250108-0002'")
    ds.refuse(store, dossier_id, "Sai")
    rows = [list(r) for r in ROWS]
    rows[1][10] = "0911222333"
    result = dossier_import.import_file(store, write_xlsx(tmp_path / "hs2.xlsx", rows))
    assert result.counts()["updated"] == 0 and any("đã kết thúc" in w for w in result.warnings)


def test_csv_with_bom_semicolons_and_no_online_number(env, tmp_path):
    store, _ = env
    path = tmp_path / "hs.csv"
    path.write_text("\ufeffTên tổ chức;MST;Thời gian nộp;Kênh\n"
                    "Công ty TNHH Thương mại Sao Mai;0100233488;09/01/2025 08:00;Ứng dụng VNeID\n"
                    "Hợp tác xã Tân Hội;0312687878;09/01/2025 08:10;Cổng vneid.gov.vn\n", encoding="utf-8")
    first = dossier_import.import_file(store, path)
    assert first.counts() == {"read": 2, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    second = dossier_import.import_file(store, path)
    assert second.counts()["unchanged"] == 2 and store.scalar("SELECT count(*) FROM dossiers") == 2


def test_one_transaction_cancel_rolls_back(env, tmp_path):
    store, _ = env
    rows = [[i, f"REF-{i}", "08/01/2025", "VNeID", f"Công ty số {i}", "", "", "Phường Rạch Giá", "", "", "", ""]
            for i in range(120)]
    path = write_xlsx(tmp_path / "many.xlsx", rows)
    progress = Progress()
    calls = []

    def cancel_after_first(done, total, message):
        calls.append(done)
        progress.cancel()

    progress = Progress(cancel_after_first, min_interval=0)
    with pytest.raises(Cancelled):
        dossier_import.import_file(store, path, progress=progress)
    assert store.scalar("SELECT count(*) FROM dossiers") == 0
    assert store.scalar("SELECT count(*) FROM imports") == 0
    assert calls


@pytest.mark.parametrize("name,content,match", [
    ("a.pdf", b"%PDF", "chỉ nhận"),
    ("empty.csv", b"", "rỗng"),
    ("blank.csv", b"\n\n ,, \n", "không có dữ liệu"),
    ("noheader.csv", b"a,b,c\n1,2,3\n", "tiêu đề"),
])
def test_unusable_files(env, tmp_path, name, content, match):
    store, _ = env
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UserError, match=match):
        dossier_import.import_file(store, path)


def test_explicit_mapping(env, tmp_path):
    store, _ = env
    path = tmp_path / "odd.csv"
    path.write_text("Đơn vị,Số thuế,Lúc\nCông ty TNHH Thương mại Sao Mai,0100233488,2025-01-08 09:00\n",
                    encoding="utf-8")
    result = dossier_import.import_file(store, path, mapping={"name": "Đơn vị", "tax_code": "Số thuế",
                                                              "received_at": "Lúc"})
    assert result.inserted == 1
    with pytest.raises(UserError, match="không có cột"):
        dossier_import.import_file(store, path, mapping={"name": "Tên"})


def test_future_date_is_rejected(env, tmp_path):
    store, _ = env
    path = tmp_path / "f.csv"
    path.write_text("Tên tổ chức,Ngày nộp\nCông ty A,20/01/2025\n", encoding="utf-8")
    result = dossier_import.import_file(store, path)
    assert result.rejected == 1 and "tương lai" in result.errors[0]


# ---- CLI ------------------------------------------------------------------------------------------------
def test_cli_import_and_list(run_cli, tmp_path):
    db = tmp_path / "cli.sqlite"
    store = Store(db)
    setup_unit(store)
    make_org(store)
    store.close()
    path = write_xlsx(tmp_path / "hs.xlsx")
    proc = run_cli("import-dossiers", "--db", db, path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {"read": 7, "inserted": 3, "updated": 0, "unchanged": 0, "rejected": 4}
    assert "dòng 8" in proc.stderr
    again = run_cli("import-dossiers", "--db", db, path, "--strict")
    assert again.returncode == 1
    assert json.loads(again.stdout) == {"read": 7, "inserted": 0, "updated": 0, "unchanged": 3, "rejected": 4}

    listed = run_cli("dossiers", "--db", db)
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(rows) == 3
    required = {"id", "tax_code", "organization", "group", "area_code", "channel", "received_at", "status",
                "due_date", "officer"}
    assert all(required <= set(r) for r in rows)
    assert rows[0]["received_at"] == "2025-01-07 00:00:00" and rows[0]["group"] == 4
    assert {r["status"] for r in rows} == {"received"}
    assert len({r["id"] for r in rows}) == 3 and all(len(r["id"]) == 36 for r in rows)
    # the real clock is long past January 2025: every open dossier is overdue
    overdue = run_cli("dossiers", "--db", db, "--overdue")
    assert len(overdue.stdout.splitlines()) == 3
    none = run_cli("dossiers", "--db", db, "--status", "issued")
    assert none.returncode == 0 and none.stdout == ""
    # on the demo database "today" is the demo's day (setting demo_today), as in the GUI
    store = Store(db)
    store.set_setting("demo_today", "2025-01-09", audit=False)
    store.close()
    demo = run_cli("dossiers", "--db", db, "--overdue")
    assert demo.returncode == 0 and demo.stdout == ""


def test_cli_errors(run_cli, tmp_path):
    proc = run_cli("import-dossiers", "--db", tmp_path / "x.sqlite", tmp_path / "missing.xlsx")
    assert proc.returncode == 2 and proc.stderr.startswith("Lỗi: ") and "missing.xlsx" in proc.stderr
    assert proc.stdout == "" and not (tmp_path / "x.sqlite").exists()  # unreadable input: nothing written
    damaged = tmp_path / "hong.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a workbook")
    proc = run_cli("import-dossiers", "--db", tmp_path / "x.sqlite", damaged)
    assert proc.returncode == 2 and "hong.xlsx" in proc.stderr and not (tmp_path / "x.sqlite").exists()
    bad = run_cli("dossiers", "--db", tmp_path / "x.sqlite", "--status", "lost")
    assert bad.returncode == 2


def test_make_orgs_without_tax_codes_terminates():
    from tests.factories.messy_files import make_orgs

    orgs = make_orgs(5, with_tax=False)
    assert len(orgs) == 5
