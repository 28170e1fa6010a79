"""``search``: find organizations in the registry (case, diacritics and đ ignored)."""

from __future__ import annotations

import sys

from cli.common import add_db_argument, open_store, print_json
from models.core.errors import UserError
from models.core.permissions import require
from models.registry import search as registry_search


def register(sub) -> None:
    parser = sub.add_parser("search", help="tìm tổ chức theo tên, mã số thuế, người đại diện, địa chỉ")
    add_db_argument(parser)
    parser.add_argument("query", help="từ khoá, có hoặc không dấu; số: một phần mã số thuế")
    parser.add_argument("--limit", type=int, default=50,
                        help="số kết quả tối đa (mặc định 50); khi danh sách bị cắt, một dòng lưu ý được in ra "
                             "luồng lỗi (stderr)")
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.limit < 1:
        raise UserError("--limit phải là số nguyên dương")
    store = open_store(args)
    try:
        require(store, "registry.view")
        rows = registry_search.search(store, args.query, limit=args.limit + 1)  # one more: was the list cut?
        cut = len(rows) > args.limit
        for row in rows[:args.limit]:
            print_json({
                "id": row["id"],
                "group": row["grp"],
                "tax_code": row["tax_code"],
                "name": row["name"],
                "address": row["address"],
                "legal_rep": row["rep_name"],
                "status": row["status"],
                "area_code": row["area_code"],
            })
        if cut:
            print(f"Lưu ý: chỉ in {args.limit} kết quả đầu tiên, còn tổ chức khác khớp «{args.query}»; "
                  "tăng --limit hoặc thêm từ khoá để thu hẹp.", file=sys.stderr)
    finally:
        store.close()
    return 0
