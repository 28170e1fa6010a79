"""run.sh, test.sh and scripts/bootstrap.sh (issue 17 item 4): valid bash, executable, and they say in
Vietnamese what they are doing; bootstrap's dry run names each step on a fresh folder and does nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("run.sh", "test.sh", "scripts/bootstrap.sh")


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_are_executable_bash(name):
    path = ROOT / name
    assert os.access(path, os.X_OK), f"{name} is not executable"
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    checked = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_run_and_test_say_what_they_start():
    assert "Đang mở Sổ Định Danh" in (ROOT / "run.sh").read_text(encoding="utf-8")
    assert "Đang chạy kiểm thử" in (ROOT / "test.sh").read_text(encoding="utf-8")


def _fresh_copy(tmp_path: Path) -> Path:
    """The bootstrap script with the requirement files in a folder without .venv (a first start)."""
    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "bootstrap.sh", tmp_path / "scripts" / "bootstrap.sh")
    for name in ("requirements.txt", "requirements-dev.txt"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path / "scripts" / "bootstrap.sh"


def _dry_run(script: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BOOTSTRAP_DRY_RUN": "1", "PYTHON": sys.executable}
    return subprocess.run(["bash", str(script), *args], capture_output=True, text=True, env=env, timeout=120)


def test_bootstrap_dry_run_names_each_step_of_a_first_install(tmp_path):
    assert sys.version_info[:2] == (3, 12)  # the script accepts only 3.12: the test venv is one
    script = _fresh_copy(tmp_path)
    done = _dry_run(script, "--dev")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    steps = [line for line in lines if not line.startswith("  ")]
    assert steps[-3:] == ["Đang tạo môi trường Python 3.12 (.venv)…",
                          "Đang cài thư viện (lần đầu mất khoảng 1 phút)…",
                          "Đã cài xong thư viện."]
    assert "  [thử] pip install -r requirements-dev.txt" in lines
    assert any(line.startswith("  [thử] ") and line.endswith("-m venv .venv") for line in lines)
    assert done.stdout == ""  # stdout stays free for the program run.sh starts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requirements-dev.txt", "requirements.txt", "scripts"]


def test_bootstrap_skips_libraries_already_installed(tmp_path):
    script = _fresh_copy(tmp_path)
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").symlink_to(sys.executable)
    changed = _dry_run(script)  # a .venv without the stamp: checked against requirements.txt
    assert changed.returncode == 0, changed.stderr
    assert "Đang kiểm tra thư viện theo requirements.txt (vài giây)…" in changed.stderr
    assert "Đang tạo môi trường" not in changed.stderr
    assert "  [thử] pip install -r requirements.txt" in changed.stderr
    wanted = subprocess.run("cat requirements.txt requirements-dev.txt | cksum", shell=True, cwd=tmp_path,
                            capture_output=True, text=True, check=True).stdout
    (tmp_path / ".venv" / ".installed-dev").write_text(wanted)  # test.sh installed the test set
    same = _dry_run(script)
    assert same.returncode == 0 and same.stderr == ""
    (tmp_path / "requirements.txt").write_text("PySide6-Essentials==6.11.3\n")  # a pin changed
    again = _dry_run(script)
    assert "pip install -r requirements.txt" in again.stderr


def test_bootstrap_refuses_a_venv_of_another_python(tmp_path):
    script = _fresh_copy(tmp_path)
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    fake = venv_bin / "python"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    done = _dry_run(script)
    assert done.returncode == 1 and "không dùng Python 3.12" in done.stderr
