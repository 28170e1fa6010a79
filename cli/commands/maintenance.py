"""``backup``, ``restore`` and ``check``: the database's safety net from the command line."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from cli.common import (
    add_db_argument,
    add_output_argument,
    add_user_argument,
    cli_origin,
    cli_password,
    db_path,
    open_signed_in,
    open_store,
    print_json,
    require_option,
    sign_in,
)
from models.core.errors import UserError
from models.security import auth, backups
from services.backups import backup_to_folder


def register(sub) -> None:
    p = sub.add_parser("backup", help="sao lưu CSDL ra thư mục (bản sao được kiểm tra toàn vẹn)")
    add_db_argument(p)
    add_user_argument(p)
    add_output_argument(p, "--to", dest="to", metavar="THƯ_MỤC", help="thư mục đích (ví dụ ổ USB), bắt buộc")
    p.set_defaults(func=run_backup)

    p = sub.add_parser("restore", help="khôi phục CSDL từ một bản sao lưu (tệp hiện tại được giữ lại)")
    add_db_argument(p)
    add_user_argument(p)
    p.add_argument("source", metavar="FROM", help="tệp sao lưu")
    p.add_argument("--yes", action="store_true",
                   help="xác nhận khôi phục khi dữ liệu hiện tại có thay đổi sau bản sao lưu (sẽ mất)")
    p.set_defaults(func=run_restore)

    p = sub.add_parser("unlock", help="(quản trị viên) mở khoá tài khoản bị tạm khoá do nhập sai mật khẩu")
    add_db_argument(p)
    add_user_argument(p)
    p.add_argument("--account", required=True, metavar="NAME", help="tên đăng nhập của tài khoản cần mở khoá")
    p.set_defaults(func=run_unlock)

    p = sub.add_parser("check", help="kiểm tra CSDL: toàn vẹn, khoá ngoại, phiên bản, WAL, trigger bảo vệ, chuỗi băm nhật ký/hồ sơ/báo cáo")
    add_db_argument(p)
    p.set_defaults(func=run_check)


def run_backup(args) -> int:
    require_option(args, "to", "--out THƯ_MỤC")
    with open_signed_in(args) as store:
        info = backup_to_folder(store, args.to)
    print_json(info.as_dict())
    return 0


def run_restore(args) -> int:
    path = db_path(args)
    source = Path(args.source)
    if path.exists():
        with open_signed_in(args) as store:
            preview = backups.restore_preview(store, source)
            if preview["warning"]:
                print(f"Cảnh báo: {preview['warning']}", file=sys.stderr)
            result = backups.restore(store, source, confirmed=args.yes)
    else:
        result = backups.restore_file(path, source, dt.datetime.now().strftime("%Y%m%d-%H%M%S"))
    print_json(result)
    return 0


def run_unlock(args) -> int:
    """An administrator lifts a lockout; the only administrator, himself locked out, lifts his own with his
    password (``auth.recover_last_admin``)."""
    with open_store(args) as store:
        target = auth.officer_by_username(store, args.account)
        own = target and args.user and (auth.officer_by_username(store, args.user) or {}).get("id") == target["id"]
        if own and auth.is_locked_out(store, target["id"]):
            auth.recover_last_admin(store, args.user, cli_password(args.user), via=cli_origin())
        else:
            sign_in(store, args)
            if target is None:
                raise UserError(f"Không có tài khoản «{args.account}»")
            auth.unlock_account(store, target["id"])
        print_json({"ok": True, "account": target["username"], "unlocked_by": store.actor.username})
    return 0


def run_check(args) -> int:
    path = db_path(args)
    if not path.exists():
        raise UserError(f"Không tìm thấy cơ sở dữ liệu «{path}»")
    report = backups.check_database(path)
    report["ok"] = not report["problems"]
    print_json(report)
    if report["problems"]:
        for problem in report["problems"]:
            print(f"Lỗi: {problem}", file=sys.stderr)
        return 1
    return 0
