"""``import-orgs``: import one organization list (xlsx, xls, ods, csv) into the registry.

    python main.py import-orgs --db DB --group {1,2,3,4} FILE [--dry-run] [--strict] [--out TỆP.xlsx]

Prints one JSON line: {"read", "inserted", "updated", "unchanged", "duplicates", "rejected", "warnings"}.
Exit 0 done; 1 with --strict when some row was rejected (nothing imported); 2 unreadable file
(Vietnamese message on stderr naming the file, database untouched).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import add_db_argument, add_output_argument, add_user_argument, open_signed_in, print_json
from models.text.vn_format import thousands


def register(subparsers) -> None:
    parser = subparsers.add_parser("import-orgs", help="nhập danh sách tổ chức từ tệp xlsx/xls/ods/csv")
    add_db_argument(parser)
    add_user_argument(parser)
    parser.add_argument("--group", type=int, choices=(1, 2, 3, 4), required=True,
                        help="nhóm tổ chức: 1 doanh nghiệp, 2 hợp tác xã, 3 cơ quan có MST, 4 tổ chức khác")
    parser.add_argument("file", metavar="FILE", help="tệp danh sách (.xlsx, .xls, .ods, .csv)")
    parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì vào CSDL")
    parser.add_argument("--strict", action="store_true", help="có dòng lỗi thì không nhập gì (mã thoát 1)")
    add_output_argument(parser, "--errors", dest="errors", metavar="TỆP.xlsx",
                        help="ghi các dòng lỗi và cảnh báo ra tệp Excel")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from models.registry import search_index  # imported late: only this command builds the index
    from services import imports  # imported late: the spreadsheet readers and the checks, ~50 ms at start-up

    path = Path(args.file)
    loaded = imports.read_org_list(path, args.group)  # an unreadable file fails here, before the database opens
    store = open_signed_in(args, create=True)
    try:
        analysis = imports.analyse_org_list(store, path, args.group, loaded=loaded)
        result = imports.import_org_list(store, analysis, dry_run=args.dry_run, strict=args.strict)
        search_index.build_pending(store)  # a bulk import's search index, in slices, before the command returns
        if args.errors:
            imports.save_error_workbook(store, args.errors, source_name=path.name, result=result, group=args.group)
    finally:
        store.close()
    for issue in result.issues:  # as import-dossiers does: where, what, why
        where = f"Tệp «{path.name}», dòng {issue.row}"
        if issue.column is not None:
            where += f", cột «{issue.header}» ({issue.column_letter})" if issue.header else f", cột {issue.column_letter}"
        value = f", giá trị «{issue.value}»" if issue.value else ""
        prefix = "" if issue.level == "error" else "Lưu ý: "
        print(f"{prefix}{where}{value}: {issue.message}", file=sys.stderr)
    print_json(result.counts())
    if args.strict and result.rejected:
        print(f"Tệp «{path.name}» có {thousands(result.rejected)} dòng lỗi: không nhập dòng nào (--strict).", file=sys.stderr)
        return 1
    return 0
