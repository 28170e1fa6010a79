"""``python main.py report``: one JSON line, the files, the same bytes on every run."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pypdf

from tests.factories.reports import make_campaign, make_dossiers, make_unit


def test_report_command_writes_pdf_and_xlsx_deterministically(fresh_store, db_path, run_cli, tmp_path):
    codes = make_unit(fresh_store, 12)
    make_dossiers(fresh_store, codes, 200, dt.date(2024, 12, 30), dt.date(2025, 1, 8))
    make_campaign(fresh_store, codes)
    out = tmp_path / "out" / "bc.pdf"
    result = run_cli("report", "--db", db_path, "--week-ending", "2025-01-08", "--out", out,
                     "--xlsx", tmp_path / "bc.xlsx")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    info = json.loads(lines[0])
    assert info["path"] == str(out)
    assert (info["period_start"], info["period_end"]) == ("2025-01-02", "2025-01-08")
    assert info["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert info["pages"] == len(pypdf.PdfReader(out).pages)
    assert (tmp_path / "bc.xlsx").stat().st_size > 0
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(out).pages)
    assert "ngày 09 tháng 01 năm 2025" in text  # dated the due day (Thursday after the week)

    again = run_cli("report", "--db", db_path, "--week-ending", "2025-01-08", "--out", tmp_path / "again.pdf")
    assert json.loads(again.stdout)["sha256"] == info["sha256"]


def test_report_command_issue_records_in_register(fresh_store, db_path, run_cli, tmp_path):
    make_unit(fresh_store, 3)
    result = run_cli("report", "--db", db_path, "--week-ending", "2025-01-08", "--out", tmp_path / "a.pdf", "--issue")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["number"] == "Số: 1/BC-CAH" and info["report_id"]
    row = fresh_store.query_one("SELECT number, sha256, on_time FROM reports WHERE id = ?", (info["report_id"],))
    # the subprocess runs on the real clock, long after Thursday 09/01/2025 14:00: late
    assert row == {"number": 1, "sha256": info["sha256"], "on_time": 0}
    second = run_cli("report", "--db", db_path, "--week-ending", "2025-01-08", "--out", tmp_path / "b.pdf", "--issue")
    assert second.returncode == 2 and "đã có báo cáo 1/BC-CAH" in second.stderr
    assert not (tmp_path / "b.pdf").exists()  # a refused issue writes nothing
    assert not list(tmp_path.glob("b.pdf*"))
    assert "ban hành lúc " in second.stderr and "/20" in second.stderr.split("ban hành lúc ")[1][:16]


def test_report_command_bad_date(db_path, run_cli, tmp_path):
    result = run_cli("report", "--db", db_path, "--week-ending", "08/01/2025", "--out", tmp_path / "a.pdf")
    assert result.returncode == 2
    assert "--week-ending «08/01/2025» không đúng dạng YYYY-MM-DD" in result.stderr


def test_report_command_refused_number_leaves_no_file(fresh_store, db_path, run_cli, tmp_path):
    """Number 1 is taken by the week ending 01/01; issuing the next week under number 1 is refused by the
    register, and neither the PDF nor the workbook (nor a partial file) is left at the chosen paths."""
    make_unit(fresh_store, 3)
    first = run_cli("report", "--db", db_path, "--week-ending", "2025-01-01", "--out", tmp_path / "so-1.pdf",
                    "--issue", "--number", "1")
    assert first.returncode == 0, first.stderr
    out, xlsx = tmp_path / "ra" / "F.pdf", tmp_path / "ra" / "F.xlsx"
    refused = run_cli("report", "--db", db_path, "--week-ending", "2025-01-08", "--out", out, "--xlsx", xlsx,
                      "--issue", "--number", "1")
    assert refused.returncode == 2
    assert refused.stderr.startswith("Lỗi: Số 1 năm 2025 đã dùng cho báo cáo 1/BC-CAH") and "Traceback" not in refused.stderr
    assert not out.exists() and not xlsx.exists()
    assert not list(tmp_path.glob("ra/*"))  # no partial file either
    assert fresh_store.scalar("SELECT COUNT(*) FROM reports") == 1


def test_report_command_unwritable_folder_names_the_file(fresh_store, db_path, run_cli, tmp_path):
    make_unit(fresh_store, 3)
    (tmp_path / "la-tep").write_text("x")
    result = run_cli("report", "--db", db_path, "--week-ending", "2025-01-08", "--out",
                     tmp_path / "la-tep" / "bc.pdf", "--issue")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Không ghi được tệp «" in result.stderr and "bc.pdf»" in result.stderr
    assert fresh_store.scalar("SELECT COUNT(*) FROM reports") == 0  # nothing issued without its file
