"""``pending``: the organizations without an issued account ("Chưa đăng ký"), one JSON line each, in
the order of a visit (commune, address); ``models/registry/pending.py`` holds the definition."""

from __future__ import annotations

from cli.common import add_db_argument, open_store, print_json
from models.core.errors import UserError
from models.registry.pending import PendingQuery, pending_rows


def register(sub) -> None:
    parser = sub.add_parser("pending", help="danh sách tổ chức chưa được cấp tài khoản định danh (mỗi dòng một JSON)")
    add_db_argument(parser)
    parser.add_argument("--area", metavar="MÃ_XÃ", help="mã xã, phường (mặc định: mọi địa bàn)")
    parser.add_argument("--group", metavar="N", type=int, help="nhóm tổ chức 1–4 (mặc định: mọi nhóm)")
    parser.add_argument("--phase", metavar="SỐ", type=int, help="chỉ các nhóm có chỉ tiêu trong giai đoạn này")
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.group is not None and args.group not in (1, 2, 3, 4):
        raise UserError(f"--group: nhóm «{args.group}» không hợp lệ, dùng 1, 2, 3 hoặc 4")
    store = open_store(args)
    try:
        if args.area and not store.scalar("SELECT 1 FROM areas WHERE code = ?", (args.area,)):
            raise UserError(f"--area: không có địa bàn mã «{args.area}»")
        if args.phase is not None and not store.scalar("SELECT 1 FROM campaign_phases WHERE id = ?", (args.phase,)):
            raise UserError(f"--phase: không có giai đoạn mã {args.phase}")
        query = PendingQuery(area_code=args.area, groups=(args.group,) if args.group else None, phase_id=args.phase)
        for row in pending_rows(store, query):
            print_json({
                "id": row["id"], "group": row["grp"], "name": row["name"], "tax_code": row["tax_code"],
                "address": row["address"], "area_code": row["area_code"], "area": row["area_name"],
                "legal_rep": row["rep_name"], "phone": row["rep_phone"], "state": row["state"],
                "open_dossier": row["open_dossier"],
            })
    finally:
        store.close()
    return 0
