"""``citizen-progress``: a citizens' campaign's daily figures as of a date, as one JSON object
(per target: the unit's total, then rows per commune, village, area officer, agency and enterprise;
docs/progress.md, "Citizens")."""

from __future__ import annotations

from cli.common import add_db_argument, open_store, print_json
from models.campaigns.citizen_progress import citizen_progress
from models.reports.period import parse_day


def register(sub) -> None:
    parser = sub.add_parser("citizen-progress",
                            help="tiến độ chỉ tiêu của kế hoạch cho công dân tại một ngày, theo xã, thôn, cảnh sát khu vực, "
                                 "cơ quan (JSON)")
    add_db_argument(parser)
    parser.add_argument("--campaign", type=int, help="mã kế hoạch cho công dân (mặc định: kế hoạch mới nhất)")
    parser.add_argument("--as-of", dest="as_of", required=True, help="tính đến ngày, năm-tháng-ngày (2023-08-01)")
    parser.set_defaults(func=run)


def run(args) -> int:
    as_of = parse_day(args.as_of, "--as-of")
    store = open_store(args)
    try:
        progress = citizen_progress(store, args.campaign, as_of=as_of)
    finally:
        store.close()
    print_json(progress.to_dict())
    return 0
