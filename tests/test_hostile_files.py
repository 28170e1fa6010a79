"""Tiny hostile spreadsheets are refused with a message before the reader builds them, within a memory limit:
each file is read in a child process limited to ``LIMIT`` bytes of address space, so a guard that fails
cannot take the test run down with it (the child aborts or dies instead, and the test fails)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.factories import hostile_files as hf

# These tests wait seconds on a child process; a timer that an earlier screen test left running may fire in
# that time and fail the wait with that screen's error, which has nothing to do with the files read here.
pytestmark = pytest.mark.qt_no_exception_capture

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




def test_a_hostile_file_in_a_merge_does_not_stop_the_files_after_it(tmp_path, run_cli, clock):
    """Before the guard followed the relationships, the first file aborted the process and the genuine
    files after it were never merged."""
    import json

    from models.core.store import Store
    from tests.factories.sync import make_data, make_province, make_unit, trust

    clock.set(2025, 1, 8, 16, 0)
    for code, name, prefix, db in (("CAX-01", "Công an xã Bình An", "1", "a"),
                                   ("CAX-02", "Công an xã Tân Phú", "2", "b")):
        store = Store(tmp_path / f"{db}.sqlite", clock=clock)
        make_data(store, make_unit(store, code, name, area_prefix=prefix), 12, seed=int(prefix) * 7)  # two units never share UUIDs (a reuse is refused)
        store.close()
        exported = run_cli("export", "--db", tmp_path / f"{db}.sqlite", "--out", tmp_path / f"{db}.xlsx",
                           "--week-end", "2025-01-08", "--unencrypted")
        assert exported.returncode == 0, exported.stderr
    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    make_province(province)
    trust(province, tmp_path / "a.sqlite", tmp_path / "b.sqlite")  # the units' signing keys
    province.close()
    hostile = hf.far_cell_outside_worksheets(tmp_path / "dongbo_CAX-09.xlsx")
    merged = run_cli("merge", "--db", tmp_path / "tinh.sqlite", hostile, tmp_path / "a.xlsx", tmp_path / "b.xlsx")
    assert merged.returncode == 1, merged.stderr[-2000:]
    lines = [json.loads(x) for x in merged.stdout.splitlines()]
    assert [(x["file"], x["status"]) for x in lines] == [
        ("dongbo_CAX-09.xlsx", "refused"), ("a.xlsx", "accepted"), ("b.xlsx", "accepted")]
    assert "«Danh sách»" in lines[0]["reason"] and "Traceback" not in merged.stderr
