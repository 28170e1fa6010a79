"""`python main.py import-orgs`: the exact contract scripts depend on."""

from __future__ import annotations

import json
import sqlite3

import pytest
from openpyxl import load_workbook

from models.text.normalize import fold
from tests.factories import messy_files as mf

KEYS = ["read", "inserted", "updated", "unchanged", "duplicates", "rejected", "warnings"]


def _counts(proc) -> dict:
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, proc.stdout + proc.stderr
    data = json.loads(lines[0])
    assert list(data) == KEYS
    return data


def _org_count(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM organizations").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def messy(tmp_path):
    orgs = mf.make_orgs(12, seed=31)
    built = mf.build(orgs, mf.Layout(two_row_header=True, repeat=[2], blank_every=4))
    built.grid[min(built.rows) - 1 + 1][2] = "0100233489"  # second organization: bad check digit
    return mf.write_xlsx(built, tmp_path / "danh-sach.xlsx")


def test_import_then_reimport(run_cli, tmp_path, messy):
    db = tmp_path / "moi" / "so.sqlite"  # created if missing
    first = run_cli("import-orgs", "--db", db, "--group", "1", messy)
    assert first.returncode == 0, first.stderr
    assert _counts(first) == {"read": 13, "inserted": 11, "updated": 0, "unchanged": 0, "duplicates": 1,
                              "rejected": 1, "warnings": 0}
    audit = sqlite3.connect(db).execute("SELECT count(*) FROM audit_log").fetchone()[0]
    second = run_cli("import-orgs", "--db", db, "--group", "1", messy)
    assert _counts(second) == {"read": 13, "inserted": 0, "updated": 0, "unchanged": 11, "duplicates": 1,
                               "rejected": 1, "warnings": 0}
    # nothing changed: only the import's own line is added (issue 14: every import is in the record)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit + 1
    assert conn.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0] == "registry.import"
    conn.close()


def test_strict_dry_run_and_error_workbook(run_cli, tmp_path, messy):
    db = tmp_path / "so.sqlite"
    out = tmp_path / "loi.xlsx"
    strict = run_cli("import-orgs", "--db", db, "--group", "1", messy, "--strict", "--errors", out)
    assert strict.returncode == 1
    assert _counts(strict)["rejected"] == 1 and _counts(strict)["inserted"] == 0
    assert "danh-sach.xlsx" in strict.stderr
    assert _org_count(db) == 0
    sheet = load_workbook(out)["Lỗi"]
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]]
    assert len(rows) == 1
    row, column, header, value, reason, level, name = rows[0]
    assert (column, header, value) == ("C", "Mã số thuế", "0100233489")
    assert name and fold(name) == fold(mf.make_orgs(12, seed=31)[1].name)  # whose row it is, not only its number
    assert "chữ số kiểm tra" in reason and level.startswith("Lỗi")
    assert row == 10  # title rows 1-6, two header rows 7-8, data from row 9: the second organization

    dry = run_cli("import-orgs", "--db", db, "--group", "1", messy, "--dry-run")
    assert dry.returncode == 0 and _counts(dry)["inserted"] == 11
    assert _org_count(db) == 0
    assert sqlite3.connect(db).execute("SELECT count(*) FROM imports").fetchone()[0] == 0


@pytest.mark.parametrize("case", ["empty", "wrong_extension", "html_as_xls", "truncated", "junk", "missing"])
def test_unreadable_file_exits_2_and_writes_nothing(run_cli, tmp_path, case):
    if case == "empty":
        path = tmp_path / "rong.xlsx"
        path.write_bytes(b"")
    elif case == "wrong_extension":
        path = tmp_path / "danh-sach.docx"
        path.write_bytes(b"PK\x03\x04 not really")
    elif case == "html_as_xls":
        path = tmp_path / "tai-ve.xls"
        path.write_text("<!DOCTYPE html><html><table><tr><td>Tên</td><td>MST</td></tr></table></html>")
    elif case == "truncated":
        good = mf.write_xlsx(mf.build(mf.make_orgs(4), mf.Layout()), tmp_path / "good.xlsx")
        path = tmp_path / "hong.xlsx"
        path.write_bytes(good.read_bytes()[:700])
    elif case == "junk":
        path = tmp_path / "rac.csv"
        path.write_bytes(bytes(range(256)) * 8)
    else:
        path = tmp_path / "khong-co.xlsx"
    db = tmp_path / "so.sqlite"
    proc = run_cli("import-orgs", "--db", db, "--group", "2", path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert path.name in proc.stderr and proc.stderr.startswith("Lỗi: ")
    assert not db.exists()


def test_group_4_without_tax_codes(run_cli, tmp_path):
    grid = [["Tên tổ chức", "Địa chỉ", "Người đứng đầu"], ["Chi hội Cựu chiến binh ấp 2", "Ấp 2", "Lê Văn Ẩn"],
            ["Chi hội Cựu chiến binh ấp 2", "Ấp 2", "Lê Văn Ẩn"], ["Tổng cộng: 2"]]
    path = mf.write_csv(mf.Built(grid=grid, rows={}, header_rows=[1]), tmp_path / "dtcb.csv")
    proc = run_cli("import-orgs", "--db", tmp_path / "so.sqlite", "--group", "4", path)
    assert proc.returncode == 0, proc.stderr
    assert _counts(proc) == {"read": 2, "inserted": 1, "updated": 0, "unchanged": 0, "duplicates": 1,
                             "rejected": 0, "warnings": 0}
