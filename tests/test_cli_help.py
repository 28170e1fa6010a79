"""The command line speaks Vietnamese too: help, usage and argument errors (exit code 2)."""

from __future__ import annotations

import pytest


def test_help_lists_every_command_in_vietnamese(run_cli):
    result = run_cli("--help")
    assert result.returncode == 0
    out = result.stdout
    assert "cách dùng:" in out and "tuỳ chọn" in out and "in hướng dẫn này rồi thoát" in out
    assert "usage:" not in out and "show this help" not in out
    for command in ("demo", "import-orgs", "search", "import-dossiers", "dossiers", "progress", "report",
                    "export", "merge", "backup", "restore", "check", "selfcheck"):
        assert command in out


@pytest.mark.parametrize(
    "args, fragment",
    [(("search",), "thiếu tham số bắt buộc"),
     (("import-orgs", "--group", "9", "x.xlsx"), "không hợp lệ"),
     (("khong-co-lenh",), "không hợp lệ")],
)
def test_argument_errors_are_vietnamese_with_exit_code_2(run_cli, args, fragment):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "lỗi:" in result.stderr and fragment in result.stderr
    assert "Traceback" not in result.stderr
