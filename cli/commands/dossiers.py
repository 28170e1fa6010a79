"""``import-dossiers`` (lists of online dossiers forwarded by the province) and ``dossiers`` (list them)."""

from __future__ import annotations

import sys

from cli.common import add_db_argument, add_user_argument, open_signed_in, open_store, print_json
from models.dossiers import worklists
from models.dossiers.states import STATUSES


def register(sub) -> None:
    parser = sub.add_parser("import-dossiers", help="nhập danh sách hồ sơ trực tuyến do tỉnh chuyển (xlsx/csv)")
    add_db_argument(parser)
    add_user_argument(parser)
    parser.add_argument("file", help="tệp .xlsx, .xls, .ods hoặc .csv")
    parser.add_argument("--strict", action="store_true", help="mã thoát 1 nếu có dòng bị loại")
    parser.set_defaults(func=run_import)

    parser = sub.add_parser("dossiers", help="liệt kê hồ sơ, mỗi dòng một đối tượng JSON")
    add_db_argument(parser)
    parser.add_argument("--status", choices=sorted(STATUSES),
                        help="chỉ hồ sơ ở trạng thái này: " + ", ".join(f"{k} ({v})" for k, v in STATUSES.items()))
    parser.add_argument("--overdue", action="store_true", help="chỉ hồ sơ đang xử lý đã quá hạn")
    parser.set_defaults(func=run_list)


def run_import(args) -> int:
    from services import imports  # imported late: the spreadsheet readers and the checks, ~50 ms at start-up

    table = imports.read_dossier_list(args.file)  # an unreadable file fails here, before the database opens
    store = open_signed_in(args, create=True)
    try:
        result = imports.import_dossier_list(store, args.file, table=table)
    finally:
        store.close()
    for line in result.errors:
        print(line, file=sys.stderr)
    for line in result.warnings:
        print(f"Lưu ý: {line}", file=sys.stderr)
    print_json(result.counts())
    return 1 if args.strict and result.rejected else 0


def run_list(args) -> int:
    store = open_store(args)
    try:
        key = "overdue" if args.overdue else "all"
        filters = worklists.Filters(status=args.status)
        ids = worklists.list_ids(store, key, filters=filters, sort="received_at", descending=False)
        for start in range(0, len(ids), 1000):
            block = ids[start:start + 1000]
            rows = worklists.fetch_rows(store, block)
            for dossier_id in block:
                r = rows[dossier_id]
                print_json({
                    "id": r["uuid"], "number": r["number"], "tax_code": r["tax_code"],
                    "organization": r["organization"], "group": r["grp"], "area_code": r["area_code"],
                    "channel": r["channel"], "received_at": r["received_at"], "status": r["status"],
                    "due_date": r["due_date"], "officer": r["officer"], "overdue": r["overdue"],
                    "online_ref": r["online_ref"],
                })
    finally:
        store.close()
    return 0
