"""``register-book``: write the unit's intake register book ("sổ theo dõi tiếp nhận hồ sơ") for a period as a
PDF (A4 landscape, Decree 30 layout). It lists applicants' names and phone numbers: the officer signs in
(``--user``) and the export is audited. Prints one JSON line ``{"path", "rows", "from", "to"}``."""

from __future__ import annotations

from cli.common import add_db_argument, add_user_argument, open_signed_in, print_json
from models.reports.period import parse_day


def register(sub) -> None:
    parser = sub.add_parser("register-book", help="xuất sổ theo dõi tiếp nhận hồ sơ (PDF) cho một khoảng thời gian")
    add_db_argument(parser)
    add_user_argument(parser)
    parser.add_argument("--from", dest="start", required=True, metavar="NGÀY",
                        help="ngày đầu (ngày tiếp nhận), dạng năm-tháng-ngày (2025-01-09)")
    parser.add_argument("--to", dest="end", required=True, metavar="NGÀY", help="ngày cuối (ngày tiếp nhận), dạng năm-tháng-ngày (2025-01-09)")
    parser.add_argument("--out", required=True, help="tệp PDF sẽ ghi")
    parser.set_defaults(func=run)


def run(args) -> int:
    from services import procedure_docs  # imported late: the PDF renderer (reportlab), ~190 ms at start-up

    start = parse_day(args.start, "--from")
    end = parse_day(args.end, "--to")
    store = open_signed_in(args)
    try:
        result = procedure_docs.save_register_book(store, start, end, args.out)
    finally:
        store.close()
    print_json({**result, "from": start.isoformat(), "to": end.isoformat()})
    return 0
