"""Shared plumbing for CLI commands: opening the store, signing in, printing JSON lines."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import socket
import sys
import warnings
from pathlib import Path

from models.core.demo_clock import apply_demo_clock
from models.core.errors import UserError
from models.core.paths import default_db_path
from models.core.store import Store
from models.security import auth

PASSWORD_ENV = "SODINHDANH_PASSWORD"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="đường dẫn tệp cơ sở dữ liệu", default=argparse.SUPPRESS)


def add_output_argument(parser: argparse.ArgumentParser, *old_names: str, dest: str, help: str,
                        metavar: str = "TỆP") -> None:
    """``--out`` for the file (or folder) a command writes, the same name in every command; the names
    the option had before stay as hidden aliases so that existing scripts keep working."""
    parser.add_argument("--out", dest=dest, metavar=metavar, help=help)
    add_hidden_alias(parser, *old_names, dest=dest)


def add_hidden_alias(parser: argparse.ArgumentParser, *names: str, dest: str, **kwargs) -> None:
    """Old option names kept working but not shown in ``--help``."""
    if names:
        parser.add_argument(*names, dest=dest, help=argparse.SUPPRESS, **kwargs)


def require_option(args: argparse.Namespace, dest: str, name: str) -> None:
    """A required option that has a hidden alias (argparse cannot require one of two names)."""
    if getattr(args, dest, None) in (None, ""):
        raise UserError(f"Thiếu tham số bắt buộc {name}")


def db_path(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "db", None) or default_db_path())


def open_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    """Opens (migrating if needed) the database named by ``--db``, on the demo's day for the demo database.

    Only commands that fill a database (imports) may ``create`` it: for the others a mistyped path is an
    error, not a new empty database that answers every question with nothing.
    """
    path = db_path(args)
    if not create and not path.exists():
        raise UserError(f"Không tìm thấy cơ sở dữ liệu «{path}» (kiểm tra lại --db)")
    store = Store(path)
    apply_demo_clock(store)
    return store


def add_user_argument(parser: argparse.ArgumentParser) -> None:
    """``--user NAME`` for commands that change records or write personal data out (docs/security.md)."""
    parser.add_argument("--user", metavar="NAME",
                        help="tên đăng nhập của cán bộ thực hiện; mật khẩu được hỏi (không hiện lên màn hình) "
                             f"hoặc lấy từ biến môi trường {PASSWORD_ENV}, không bao giờ từ dòng lệnh")


def open_signed_in(args: argparse.Namespace, *, create: bool = False) -> Store:
    """Opens the store as ``open_store`` does, then signs the officer named by ``--user`` in, through the
    same password check and lockout as the window's sign-in: the command runs with that officer's
    permissions and its audit lines name him; the sign-in line records the OS user and the host.

    A database without an administrator yet (a new file an import is filling, before ``init`` or the
    window's first start created him) has nobody to sign in as — the window there too lets whoever comes
    first create the administrator —: the command runs as the system account. Once the administrator
    exists, every such command needs a sign-in.
    """
    store = open_store(args, create=create)
    try:
        sign_in(store, args)
    except BaseException:
        store.close()
        raise
    return store


def cli_origin() -> dict:
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without /etc/passwd entry)
        os_user = str(os.getuid()) if hasattr(os, "getuid") else ""
    return {"os_user": os_user, "host": socket.gethostname(), "via": "cli"}


def sign_in(store: Store, args: argparse.Namespace) -> None:
    user = getattr(args, "user", None)
    if auth.needs_first_admin(store):
        if user:
            raise UserError("Cơ sở dữ liệu chưa có tài khoản quản trị: chưa thể đăng nhập bằng --user "
                            "(hãy chạy «init» hoặc mở chương trình để tạo tài khoản quản trị)")
        return
    if not user:
        raise UserError(f"Lệnh «{args.command}» ghi dữ liệu hoặc xuất thông tin cá nhân: hãy đăng nhập bằng "
                        f"--user TÊN_ĐĂNG_NHẬP (mật khẩu được hỏi, hoặc đặt biến môi trường {PASSWORD_ENV})")
    store.actor = auth.sign_in(store, user, cli_password(user), via={**cli_origin(), "command": args.command})


def cli_password(user: str) -> str:
    """The officer's password: ``SODINHDANH_PASSWORD``, else asked without echo."""
    password = os.environ.get(PASSWORD_ENV)
    return _ask_password(user) if password is None else password


def _ask_password(user: str) -> str:
    """Asked without echo on the terminal; without one (a script), one line of standard input."""
    try:
        if not sys.stdin or not sys.stdin.isatty():
            line = sys.stdin.readline() if sys.stdin else ""
            if not line:
                raise EOFError
            return line.rstrip("\r\n")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", getpass.GetPassWarning)
            return getpass.getpass(f"Mật khẩu của {user}: ")
    except EOFError as exc:
        raise UserError("Không đọc được mật khẩu (đầu vào đã hết)") from exc


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()
