"""``people``: citizens of a named worklist, one JSON line each, in the order of a visit (commune, village,
address, name); ``models/people/worklists.py`` holds the definitions.

    python main.py people --db DB [--area CODE] [--officer USER] [--agency NAME] [--not-activated]
                          [--not-level2] [--eligible] [--reveal --user NAME]

``--officer``: the residents of the villages that officer is in charge of; ``--agency``: that agency's staff;
``--not-activated`` / ``--not-level2``: who has not activated / has no level-2 account (both: lacking either).
ID numbers are masked (``091******594``) unless ``--reveal``: it needs ``--user`` (sign-in) and the
permission ``personal_id.reveal``, and writes one ``personal_id.reveal`` line to the log (how many numbers,
the filters).
"""

from __future__ import annotations

from cli.common import add_db_argument, add_user_argument, open_signed_in, open_store, print_json
from models.core.errors import UserError
from models.core.permissions import require
from models.people import area_officers
from models.people.agencies import find_agency
from models.people.worklists import PeopleQuery, account_state, people_rows
from models.text.identifiers import mask_personal_id


def register(sub) -> None:
    parser = sub.add_parser("people", help="danh sách công dân theo địa bàn, cán bộ phụ trách, cơ quan (mỗi dòng một JSON)")
    add_db_argument(parser)
    add_user_argument(parser)
    parser.add_argument("--area", metavar="MÃ_XÃ", help="mã xã, phường")
    parser.add_argument("--officer", metavar="TÊN_ĐĂNG_NHẬP", help="tên đăng nhập của cán bộ phụ trách thôn, tổ dân phố")
    parser.add_argument("--agency", metavar="TÊN_CƠ_QUAN", help="tên cơ quan, đơn vị (danh sách cán bộ của cơ quan)")
    parser.add_argument("--not-activated", action="store_true", help="chỉ người chưa kích hoạt tài khoản")
    parser.add_argument("--not-level2", action="store_true", help="chỉ người chưa được cấp tài khoản mức 2")
    parser.add_argument("--eligible", action="store_true", help="chỉ người từ đủ 14 tuổi (hoặc chưa rõ ngày sinh)")
    parser.add_argument("--reveal", action="store_true",
                        help="ghi đủ số định danh (cần --user có quyền xem đầy đủ số định danh; được ghi nhật ký)")
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.reveal and not args.user:
        raise UserError("--reveal: cần đăng nhập bằng --user TÊN_ĐĂNG_NHẬP để xem đầy đủ số định danh")
    store = open_signed_in(args) if args.user else open_store(args)
    try:
        if args.reveal:
            if store.actor.role == "system":
                raise UserError("--reveal: cơ sở dữ liệu chưa có tài khoản cán bộ, không thể xem đầy đủ số định danh")
            require(store, "personal_id.reveal")
        if args.area and not store.scalar("SELECT 1 FROM areas WHERE code = ?", (args.area,)):
            raise UserError(f"--area: không có địa bàn mã «{args.area}»")
        officer_id = agency_id = None
        if args.officer:
            officer = area_officers.officer_by_username(store, args.officer)
            if officer is None:
                raise UserError(f"--officer: không có cán bộ tên đăng nhập «{args.officer}»")
            officer_id = officer["id"]
        if args.agency:
            agency = find_agency(store, args.agency)
            if agency is None:
                raise UserError(f"--agency: không có cơ quan, đơn vị «{args.agency}»")
            agency_id = agency["id"]
        query = PeopleQuery(area_code=args.area, officer_id=officer_id, agency_id=agency_id,
                            not_activated=args.not_activated, not_level2=args.not_level2,
                            eligible_on=store.today() if args.eligible else None)
        rows = people_rows(store, query)
        if args.reveal and rows:
            with store.atomic():
                store.audit("personal_id.reveal", "person_list", None, detail={
                    "count": sum(1 for r in rows if r["id_number"]), "via": "cli people", "area": args.area,
                    "officer": args.officer, "agency": args.agency, "not_activated": args.not_activated,
                    "not_level2": args.not_level2})
        for r in rows:
            out = {"id": r["id"], "id_number": (r["id_number"] if args.reveal else mask_personal_id(r["id_number"])) or None,
                   "full_name": r["full_name"], "birth_date": r["birth_date"], "phone": r["phone"],
                   "area_code": r["area_code"], "area": r["area_name"], "village": r["village"],
                   "address": r["address"], "account_level": r["account_level"],
                   "level2_issued_on": r["level2_issued_on"], "activated_on": r["activated_on"],
                   "state": account_state(r)}
            if agency_id is not None:
                out["agency"], out["position"] = r["agency"], r["position"]
            print_json(out)
    finally:
        store.close()
    return 0
