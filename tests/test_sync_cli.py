"""``python main.py export`` / ``merge`` / ``sync-ack`` / ``sync-units`` / ``sync-report``."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from models.core.store import Store
from tests.factories.sync import make_data, make_province, make_unit, trust

ROOT = Path(__file__).resolve().parent.parent


def _unit_db(path, code, name, prefix, n, clock):
    store = Store(path, clock=clock)
    make_data(store, make_unit(store, code, name, area_prefix=prefix), n, seed=len(code) + n)
    store.close()


def test_export_then_merge_with_a_refused_file(tmp_path, run_cli, clock):
    clock.set(2025, 1, 8, 16, 0)
    _unit_db(tmp_path / "a.sqlite", "CAX-01", "Công an xã Bình An", "1", 40, clock)
    _unit_db(tmp_path / "b.sqlite", "CAX-02", "Công an phường Vĩnh Thanh Vân", "2", 25, clock)
    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    make_province(province)
    trust(province, tmp_path / "a.sqlite", tmp_path / "b.sqlite")
    province.close()

    out_a = run_cli("export", "--db", tmp_path / "a.sqlite", "--out", tmp_path / "a.xlsx", "--week-end", "2025-01-08", "--unencrypted")
    assert out_a.returncode == 0, out_a.stderr
    line = json.loads(out_a.stdout)
    assert line["rows"] == 40 and len(line["sha256"]) == 64 and line["protected"] is False
    assert line["kind"] == "full" and line["path"].endswith("a.xlsx")
    out_b = run_cli("export", "--db", tmp_path / "b.sqlite", "--out", tmp_path, "--full", "--password", "bi-mat-123",
                    "--week-end", "2025-01-08")
    assert out_b.returncode == 0, out_b.stderr
    b_path = json.loads(out_b.stdout)["path"]
    assert json.loads(out_b.stdout)["protected"] is True and "dongbo_CAX-02_20250108_so1.xlsx" in b_path

    tampered = tmp_path / "a-sua.xlsx"
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    book["HoSo"]["B3"] = "HS-SUA"
    book.save(tampered)

    merged = run_cli("merge", "--db", tmp_path / "tinh.sqlite", tampered, tmp_path / "a.xlsx", b_path,
                     "--password", "bi-mat-123")
    assert merged.returncode == 1, merged.stderr
    lines = [json.loads(x) for x in merged.stdout.splitlines()]
    assert [(x["file"], x["status"]) for x in lines] == [
        ("a-sua.xlsx", "refused"), ("a.xlsx", "accepted"), (b_path.rsplit("/", 1)[-1], "accepted")]
    assert "đã bị sửa" in lines[0]["reason"]
    assert (lines[1]["inserted"], lines[1]["updated"], lines[1]["unchanged"]) == (40, 0, 0)
    assert lines[2]["inserted"] == 25

    again = run_cli("merge", "--db", tmp_path / "tinh.sqlite", tmp_path / "a.xlsx")
    assert again.returncode == 0
    assert json.loads(again.stdout)["status"] == "unchanged"


def test_ack_units_and_consolidated_report(tmp_path, run_cli, clock):
    clock.set(2025, 1, 9, 10, 0)
    _unit_db(tmp_path / "a.sqlite", "CAX-01", "Công an xã Bình An", "1", 30, clock)
    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    make_province(province)
    trust(province, tmp_path / "a.sqlite")
    province.close()
    out = json.loads(run_cli("export", "--db", tmp_path / "a.sqlite", "--out", tmp_path / "a.xlsx",
                             "--week-end", "2025-01-08", "--unencrypted").stdout)
    ack = run_cli("sync-ack", "--db", tmp_path / "a.sqlite", str(out["sequence"]))
    assert ack.returncode == 0 and json.loads(ack.stdout)["recorded"] is True
    assert run_cli("merge", "--db", tmp_path / "tinh.sqlite", tmp_path / "a.xlsx").returncode == 0
    units = run_cli("sync-units", "--db", tmp_path / "tinh.sqlite", "--week-end", "2025-01-08",
                    "--declare", "CAX-09", "Công an xã Mỹ Lâm")
    assert units.returncode == 0, units.stderr
    listed = {u["code"]: u for u in json.loads(units.stdout)["units"]}
    assert listed["CAX-09"]["sent"] is False and listed["CAX-09"]["state"] == "chưa gửi tệp"
    assert listed["CAX-01"]["sent"] is True
    report = run_cli("sync-report", "--db", tmp_path / "tinh.sqlite", "--week-end", "2025-01-08",
                     "--pdf", tmp_path / "tong-hop.pdf", "--xlsx", tmp_path / "tong-hop.xlsx")
    assert report.returncode == 0, report.stderr
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "tong-hop.pdf").pages)
    assert "Công an xã Mỹ Lâm" in text and "chưa gửi tệp" in text
    assert (tmp_path / "tong-hop.xlsx").stat().st_size > 0
    not_province = run_cli("merge", "--db", tmp_path / "a.sqlite", tmp_path / "a.xlsx")
    assert not_province.returncode == 2 and "cấp tỉnh" in not_province.stderr


def test_export_without_unit_is_a_clear_error(tmp_path, run_cli):
    Store(tmp_path / "trong.sqlite").close()
    result = run_cli("export", "--db", tmp_path / "trong.sqlite", "--out", tmp_path / "x.xlsx", "--unencrypted")
    assert result.returncode == 2 and "Chưa khai báo đơn vị" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_password_from_the_environment_keeps_it_off_the_command_line(tmp_path, run_cli, clock):
    import msoffcrypto

    clock.set(2025, 1, 8, 16, 0)
    _unit_db(tmp_path / "a.sqlite", "CAX-03", "Công an xã Mong Thọ", "3", 10, clock)
    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    make_province(province)
    trust(province, tmp_path / "a.sqlite")
    province.close()
    env = {"SODINHDANH_SYNC_PASSWORD": "mat-khau-moi-truong"}
    out = run_cli("export", "--db", tmp_path / "a.sqlite", "--out", tmp_path / "a.xlsx", "--full",
                  "--week-end", "2025-01-08", "--unencrypted", env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["protected"] is True
    with open(tmp_path / "a.xlsx", "rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()
    refused = run_cli("merge", "--db", tmp_path / "tinh.sqlite", tmp_path / "a.xlsx")
    assert refused.returncode == 1
    merged = run_cli("merge", "--db", tmp_path / "tinh.sqlite", tmp_path / "a.xlsx", env=env)
    assert merged.returncode == 0 and json.loads(merged.stdout)["status"] == "accepted"


def _cli_without_terminal(tmp_path, *args, stdin: str):
    """The CLI in a new session (no controlling terminal): getpass then reads standard input."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("SODINHDANH_SYNC_PASSWORD", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], input=stdin, text=True,
                          encoding="utf-8", capture_output=True, env=env, start_new_session=True, timeout=120)


def test_password_dash_asks_for_it_twice_and_merge_once(tmp_path, clock):
    import msoffcrypto

    clock.set(2025, 1, 8, 16, 0)
    _unit_db(tmp_path / "a.sqlite", "CAX-03", "Công an xã Mong Thọ", "3", 10, clock)
    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    make_province(province)
    trust(province, tmp_path / "a.sqlite")
    province.close()
    out = _cli_without_terminal(tmp_path, "export", "--db", tmp_path / "a.sqlite", "--out", tmp_path / "a.xlsx",
                                "--full", "--week-end", "2025-01-08", "--password", "-", stdin="go-vao\ngo-vao\n")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["protected"] is True and "go-vao" not in out.stdout + out.stderr
    with open(tmp_path / "a.xlsx", "rb") as handle:
        assert msoffcrypto.OfficeFile(handle).is_encrypted()
    wrong = _cli_without_terminal(tmp_path, "merge", "--db", tmp_path / "tinh.sqlite", tmp_path / "a.xlsx",
                                  "--password", "-", stdin="sai\n")
    assert wrong.returncode == 1 and json.loads(wrong.stdout)["status"] == "refused"
    merged = _cli_without_terminal(tmp_path, "merge", "--db", tmp_path / "tinh.sqlite", tmp_path / "a.xlsx",
                                   "--password", "-", stdin="go-vao\n")
    assert merged.returncode == 0 and json.loads(merged.stdout)["status"] == "accepted"


@pytest.mark.parametrize("stdin, message", [("mot\nhai\n", "không giống nhau"), ("\n", "Chưa nhập mật khẩu"),
                                            ("", "Không đọc được mật khẩu")],
                         ids=["two-different", "empty", "no-input"])
def test_a_mistyped_password_exports_nothing(tmp_path, clock, stdin, message):
    clock.set(2025, 1, 8, 16, 0)
    _unit_db(tmp_path / "a.sqlite", "CAX-03", "Công an xã Mong Thọ", "3", 10, clock)
    out = _cli_without_terminal(tmp_path, "export", "--db", tmp_path / "a.sqlite", "--out", tmp_path / "a.xlsx",
                                "--full", "--password", "-", stdin=stdin)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "a.xlsx").exists()


def test_the_typed_password_is_not_echoed_on_a_terminal(tmp_path, clock):
    """On a real terminal (a pty) the prompt is shown and what is typed is not."""
    import os
    import pty
    import select
    import sys

    clock.set(2025, 1, 8, 16, 0)
    _unit_db(tmp_path / "a.sqlite", "CAX-03", "Công an xã Mong Thọ", "3", 10, clock)
    argv = [sys.executable, str(ROOT / "main.py"), "export", "--db", str(tmp_path / "a.sqlite"),
            "--out", str(tmp_path / "a.xlsx"), "--full", "--password", "-"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the CLI with the pty as its terminal
        os.execve(sys.executable, argv, env)
    seen = b""

    def read_until(marker: bytes, seconds: float = 60) -> None:
        nonlocal seen
        import time

        deadline = time.monotonic() + seconds
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                seen += chunk

    read_until("Mật khẩu tệp đồng bộ".encode())
    os.write(fd, b"bi-mat-123\n")
    read_until("Nhập lại mật khẩu".encode())
    os.write(fd, b"bi-mat-123\n")
    read_until(b'"protected": true')
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, seen.decode("utf-8", "replace")
    assert b'"protected": true' in seen
    assert b"bi-mat-123" not in seen
