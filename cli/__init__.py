"""The command line: the same model functions and use cases (``services/``) as the GUI, without Qt widgets.

Each module in ``cli/commands`` exposes ``register(subparsers)`` adding one or more sub-commands whose
``func(args) -> int`` returns the exit code. Exit codes: 0 ok, 1 the operation refused something
(rejected rows under --strict, a refused file), 2 unusable input (unreadable file, bad arguments).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

import cli.commands as commands_pkg
from cli import argparse_vi
from models import __version__
from models.core.errors import UserError
from services.output import unexpected_error


def build_parser() -> argparse.ArgumentParser:
    argparse_vi.install()
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Sổ Định Danh — sổ theo dõi cấp tài khoản định danh điện tử cho cơ quan, tổ chức.",
    )
    parser.add_argument("--version", action="version", version=f"Sổ Định Danh {__version__}",
                        help="in phiên bản chương trình rồi thoát")
    parser.add_argument("--db", help="đường dẫn tệp cơ sở dữ liệu (mặc định: thư mục dữ liệu người dùng)")
    parser.add_argument("--demo", action="store_true",
                        help="mở giao diện trên CSDL trình diễn (tạo mới nếu chưa có)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands_pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{commands_pkg.__name__}.{info.name}")
        module.register(sub)
    argparse_vi.localize(parser)
    return parser


def main(argv: list[str]) -> int:
    _force_utf8_stdio()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        from ui.shell.app import run_gui  # imported late: the CLI must work without a display

        return run_gui(args)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``… | head``): not an error of ours. Point stdout at /dev/null so that
        # the interpreter's final flush does not fail again (Python docs, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # a folder that cannot be written, a full disk, a lock held too long
        error = unexpected_error(exc)
        if error is None:
            raise
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2


def _force_utf8_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            try:
                reconfigure(encoding="utf-8")
            except (ValueError, OSError):
                pass
