"""``import-people``: import one citizens' list (xlsx, xls, ods, csv).

    python main.py import-people --db DB --kind {residents,staff,schedule,activations} FILE
                                 [--agency NAME] [--dry-run] [--strict] [--out ERRORS.xlsx] [--user NAME]

Prints one JSON line: {"read", "inserted", "updated", "unchanged", "duplicates", "rejected", "warnings"}
(activation lists also "matched" and "unknown"). Exit 0 done; 1 with --strict when some row was rejected
(nothing imported); 2 unreadable file or missing agency (Vietnamese message naming the file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import add_db_argument, add_output_argument, add_user_argument, open_signed_in, print_json

KIND_HELP = ("residents: danh sách dân cư; staff: danh sách cán bộ của một cơ quan (--agency); schedule: lịch "
             "đăng ký của doanh nghiệp; activations: danh sách tài khoản đã cấp, kích hoạt")


def register(subparsers) -> None:
    parser = subparsers.add_parser("import-people", help="nhập danh sách công dân, cán bộ, lịch doanh nghiệp, "
                                                         "tài khoản đã kích hoạt")
    add_db_argument(parser)
    add_user_argument(parser)
    parser.add_argument("--kind", choices=("residents", "staff", "schedule", "activations"), required=True,
                        help=KIND_HELP)
    parser.add_argument("file", metavar="FILE", help="tệp danh sách (.xlsx, .xls, .ods, .csv)")
    parser.add_argument("--agency", metavar="TÊN_CƠ_QUAN", help="tên cơ quan, đơn vị của danh sách cán bộ (tạo mới nếu chưa có)")
    parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì vào CSDL")
    parser.add_argument("--strict", action="store_true", help="có dòng lỗi thì không nhập gì (mã thoát 1)")
    add_output_argument(parser, "--errors", dest="errors", metavar="LỖI.xlsx",
                        help="ghi các dòng lỗi và cảnh báo ra tệp Excel")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from services import people_imports  # imported late: the spreadsheet readers and the checks

    path = Path(args.file)
    loaded = people_imports.read_people_list(path, args.kind)  # an unreadable file fails before the database opens
    store = open_signed_in(args, create=True)
    try:
        analysis = people_imports.analyse_people_list(store, path, args.kind, loaded=loaded)
        result = people_imports.import_people_list(store, analysis, agency=args.agency, dry_run=args.dry_run,
                                                   strict=args.strict)
        if args.errors:
            people_imports.save_error_workbook(store, args.errors, source_name=path.name, result=result,
                                               kind=args.kind)
    finally:
        store.close()
    for issue in result.issues:
        where = f"Tệp «{path.name}», dòng {issue.row}"
        if issue.column is not None:
            where += f", cột «{issue.header}» ({issue.column_letter})" if issue.header else f", cột {issue.column_letter}"
        value = f", giá trị «{issue.value}»" if issue.value else ""
        prefix = "" if issue.level == "error" else "Lưu ý: "
        print(f"{prefix}{where}{value}: {issue.message}", file=sys.stderr)
    print_json(result.counts())
    if args.strict and result.rejected:
        print(f"Tệp «{path.name}» có {result.rejected} dòng lỗi: không nhập dòng nào (--strict).", file=sys.stderr)
        return 1
    return 0
