"""What every CLI command shares (cli/common.py, cli/__init__.py): a mistyped --db is an error, not a new
empty database; the demo database is read on the demo's day; output piped into ``head`` ends quietly."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.common import open_store
from demo import registry as demo_registry
from models.core.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [
    ("search", "nguyen"), ("dossiers",), ("progress", "--as-of", "2025-03-13"),
    ("report", "--week-ending", "2025-03-12", "--out", "r.pdf"), ("export", "--out", "x.xlsx"),
    ("sync-units",), ("backup", "--to", "saoluu"),
], ids=lambda c: c[0])
def test_a_missing_database_is_an_error_and_is_not_created(tmp_path, run_cli, command):
    missing = tmp_path / "go-nham.sqlite"
    result = run_cli(command[0], "--db", missing, *command[1:])
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"Không tìm thấy cơ sở dữ liệu «{missing}»" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not missing.exists() and not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.xlsx"))


def test_an_import_creates_the_database(tmp_path, run_cli):
    source = tmp_path / "ds.csv"
    source.write_text("Tên doanh nghiệp,Mã số thuế\nCông ty TNHH Sao Mai,0100233488\n", encoding="utf-8")
    result = run_cli("import-orgs", "--db", tmp_path / "moi.sqlite", "--group", "1", source)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "moi.sqlite").exists()


def test_the_demo_database_is_read_on_the_demo_day(tmp_path):
    store = Store(tmp_path / "demo.sqlite")
    store.set_setting("demo_today", "2025-03-13", audit=False)
    store.close()
    opened = open_store(argparse.Namespace(db=str(tmp_path / "demo.sqlite")))
    try:
        assert opened.today() == dt.date(2025, 3, 13)
    finally:
        opened.close()
    Store(tmp_path / "plain.sqlite").close()
    plain = open_store(argparse.Namespace(db=str(tmp_path / "plain.sqlite")))
    try:
        assert plain.today() == dt.date.today()
    finally:
        plain.close()


def test_import_orgs_names_each_rejected_row_on_stderr(tmp_path, run_cli):
    source = tmp_path / "loi.csv"
    source.write_text("Tên doanh nghiệp;Mã số thuế;Điện thoại\n"
                      "Công ty TNHH Sao Mai;0100233488;0912345678\n"
                      "Công ty TNHH Biển Xanh;0100233481;0912345678\n"
                      "Công ty TNHH Hải Âu;0312345675;12ab\n", encoding="utf-8")
    result = run_cli("import-orgs", "--db", tmp_path / "a.sqlite", "--group", "1", source)
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert any(line.startswith("Tệp «loi.csv», dòng 3, cột «Mã số thuế» (B), giá trị «0100233481»: ")
               for line in lines), lines
    assert any("dòng 4, cột «Điện thoại» (C), giá trị «12ab»" in line for line in lines), lines


def test_output_piped_into_a_reader_that_stops_ends_without_a_traceback(tmp_path):
    db = tmp_path / "a.sqlite"
    store = Store(db, clock=lambda: dt.datetime(2025, 3, 13, 10, 0))
    demo_registry.build(store, organizations=600, seed=3)
    store.close()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "search", "--db", str(db), "c", "--limit", "600"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = child.stdout.readline()  # like `head -1`: one line, then the reader goes away
    child.stdout.close()
    child.wait(timeout=120)
    stderr = child.stderr.read().decode("utf-8")
    child.stderr.close()
    assert first.startswith(b"{")
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
