"""The PyInstaller one-folder bundle builds, starts, and renders the main window headless."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bundle_builds_and_runs_selfcheck(tmp_path):
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    if not pyinstaller.exists():
        pytest.fail("pyinstaller is not installed in the test environment (requirements-dev.txt)")
    dist, work = tmp_path / "dist", tmp_path / "build"
    subprocess.run(
        [str(pyinstaller), "--noconfirm", "--log-level", "WARN", "--distpath", str(dist),
         "--workpath", str(work), str(ROOT / "pyinstaller.spec")],
        cwd=ROOT, check=True, capture_output=True, text=True, timeout=900,
    )
    exe = dist / "so-dinh-danh" / "so-dinh-danh"
    assert exe.exists()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env, timeout=120)
    assert version.returncode == 0 and "Sổ Định Danh" in version.stdout
    db = tmp_path / "bundle.sqlite"
    check = subprocess.run([str(exe), "selfcheck", "--db", str(db)], capture_output=True, text=True,
                           env=env, timeout=300)
    assert check.returncode == 0, check.stderr
    info = json.loads(check.stdout.strip().splitlines()[-1])
    assert info["ok"] is True and info["schema"] >= 1 and info["rendered"][0] > 0
    assert info["qt_vietnamese"] is True  # the .qm travelled into the bundle and loads
    assert info["holidays"] > 40  # python-holidays' Vietnam and its Vietnamese names travelled too
    assert info["old_to_new"] == ["30742"]  # vietnam-provinces' divisions before 1/7/2025 and the conversion
    fonts = list((dist / "so-dinh-danh").rglob("LiberationSerif-Regular.ttf"))
    assert fonts and list((dist / "so-dinh-danh").rglob("LICENSE-LiberationSerif.txt"))
    shutil.rmtree(work, ignore_errors=True)
