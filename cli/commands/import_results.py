"""``import-results``: the national system's lists of issued / activated organization accounts."""

from __future__ import annotations

import sys

from cli.common import add_db_argument, add_user_argument, open_signed_in, print_json


def register(sub) -> None:
    parser = sub.add_parser("import-results",
                            help="nhập danh sách tài khoản tổ chức đã cấp/đã kích hoạt của hệ thống quốc gia")
    add_db_argument(parser)
    add_user_argument(parser)
    parser.add_argument("file", help="tệp .xlsx, .xls, .ods hoặc .csv")
    parser.add_argument("--dry-run", action="store_true",
                        help="chỉ cho biết sẽ thay đổi những gì, không ghi vào cơ sở dữ liệu")
    parser.add_argument("--strict", action="store_true", help="mã thoát 1 nếu có dòng bị loại")
    parser.set_defaults(func=run)


def run(args) -> int:
    from services import imports  # imported late: the spreadsheet readers, ~50 ms at start-up

    table = imports.read_results_list(args.file)  # an unreadable file fails here, before the database opens
    store = open_signed_in(args)
    try:
        result = imports.import_results_list(store, args.file, table=table, dry_run=args.dry_run)
    finally:
        store.close()
    for line in result.errors:
        print(line, file=sys.stderr)
    for line in result.warnings:
        print(f"Lưu ý: {line}", file=sys.stderr)
    for unknown in result.unknowns:
        print(f"Tệp {result.file_name}, dòng {unknown.line}: {unknown.describe()}", file=sys.stderr)
    if args.dry_run:
        for change in result.changes:
            print(f"Sẽ thay đổi: dòng {change.line}: {change.describe()}", file=sys.stderr)
    print_json(result.counts())
    return 1 if args.strict and result.rejected else 0
