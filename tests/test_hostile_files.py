"""Tiny hostile spreadsheets are refused with a message before the reader builds them, within a memory limit:
each file is read in a child process limited to ``LIMIT`` bytes of address space, so a guard that fails
cannot take the test run down with it (the child aborts or dies instead, and the test fails)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.factories import hostile_files as hf

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1 << 30  # address space of the child; the reader's own libraries take about half of it

_CHILD = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    sys.path.insert(0, {root!r})
    from models.tabular import read_table
    from models.tabular.reader import UnreadableFile
    try:
        table = read_table(sys.argv[1])
    except UnreadableFile as exc:
        print("REFUSED:", exc)
    else:
        print("READ:", len(table.rows))
    print("PEAK_KB:", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""")


def _read_in_child(path: Path) -> str:
    proc = subprocess.run([sys.executable, "-c", _CHILD.format(limit=LIMIT, root=str(ROOT)), str(path)],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 0, f"the reader died (code {proc.returncode}): {proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr
    peak = int(proc.stdout.split("PEAK_KB:")[1])
    assert peak < 500 * 1024, f"peak memory {peak} KB"
    return proc.stdout


def test_a_sheet_stored_outside_the_worksheets_folder_is_measured(tmp_path):
    path = hf.far_cell_outside_worksheets(tmp_path / "ngoai-thu-muc.xlsx")
    assert path.stat().st_size < 4096
    out = _read_in_child(path)
    assert "REFUSED:" in out and "«ngoai-thu-muc.xlsx»" in out and "«Danh sách»" in out, out


def test_a_shared_strings_bomb_is_refused(tmp_path):
    path = hf.shared_strings_bomb(tmp_path / "chuoi.xlsx")
    assert path.stat().st_size < 2 << 20
    out = _read_in_child(path)
    assert "REFUSED:" in out and "«chuoi.xlsx»" in out, out


def test_ods_repeated_rows_and_columns_are_refused_before_reading(tmp_path):
    path = hf.ods_repeat_bomb(tmp_path / "lap-lai.ods")
    assert path.stat().st_size < 4096
    out = _read_in_child(path)
    assert "REFUSED:" in out and "«lap-lai.ods»" in out and "«Danh sách»" in out, out


def test_a_real_ods_with_librecalc_trailing_repeats_still_reads(tmp_path):
    """LibreOffice ends each sheet with a million empty repeated rows: they cost nothing and are read."""
    path = hf.ods_repeat_bomb(tmp_path / "that.ods", filled=False)
    out = _read_in_child(path)
    assert "READ:" in out, out


