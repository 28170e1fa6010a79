"""``intake-person``: log a citizen's level-2 dossier by ID number (optionally at a mobile session);
``session-notice``: write the notice of a mobile intake session (PDF, Decree 30 "THÔNG BÁO"). Both sign the
officer in (``--user``) and are audited. Each prints one JSON line."""

from __future__ import annotations

from cli.common import add_db_argument, add_user_argument, open_signed_in, print_json


def register(sub) -> None:
    parser = sub.add_parser("intake-person", help="tiếp nhận hồ sơ định danh điện tử mức 2 của công dân theo số định danh")
    add_db_argument(parser)
    add_user_argument(parser)
    parser.add_argument("--id", dest="id_number", required=True, metavar="SỐ", help="số định danh cá nhân (12 chữ số)")
    parser.add_argument("--session", type=int, metavar="SỐ", help="buổi thu nhận lưu động (số thứ tự)")
    parser.add_argument("--name", metavar="HỌ_TÊN", help="họ và tên (khi công dân chưa có trong danh sách)")
    parser.add_argument("--birth-date", dest="birth_date", metavar="NGÀY", help="ngày sinh (khi công dân chưa có trong danh sách)")
    parser.add_argument("--no-card", action="store_true",
                        help="công dân chưa có thẻ căn cước gắn chip còn hiệu lực (hẹn 7 ngày làm việc thay vì 3)")
    parser.add_argument("--channel", choices=("desk", "mobile", "agency"), default="desk",
                        help="kênh tiếp nhận khi không ghi buổi thu nhận (mặc định: desk, tại bàn)")
    parser.set_defaults(func=run_intake)

    notice = sub.add_parser("session-notice", help="xuất thông báo lịch thu nhận lưu động (PDF) gửi xã/cơ quan")
    add_db_argument(notice)
    add_user_argument(notice)
    notice.add_argument("--session", type=int, required=True, metavar="SỐ", help="buổi thu nhận (số thứ tự)")
    notice.add_argument("--out", required=True, metavar="TỆP.pdf", help="tệp PDF sẽ ghi")
    notice.add_argument("--number", default="", metavar="SỐ_VĂN_BẢN", help="số văn bản, ví dụ «15/TB-CAX»")
    notice.set_defaults(func=run_notice)


def run_intake(args) -> int:
    from models.people import level2  # imported late: the CLI starts fast; only this command needs it

    store = open_signed_in(args)
    try:
        person = {k: v for k, v in (("full_name", args.name), ("birth_date", args.birth_date)) if v}
        dossier_id = level2.intake(store, args.id_number, id_card_valid=not args.no_card, channel=args.channel,
                                   session_id=args.session, person=person or None)
        d = level2.get(store, dossier_id)
    finally:
        store.close()
    print_json({"id": dossier_id, "number": d["number"], "person": d["full_name"],
                "id_number": level2.mask_id(d["person_ref"]), "due_date": d["due_date"], "channel": d["channel"],
                "session": d["session_id"]})
    return 0


def run_notice(args) -> int:
    from services import session_notice  # imported late: the PDF renderer (reportlab), ~190 ms at start-up

    store = open_signed_in(args)
    try:
        path = session_notice.save_notice(store, args.session, args.out, number=args.number)
    finally:
        store.close()
    print_json({"path": str(path), "session": args.session})
    return 0
