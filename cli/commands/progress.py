"""``progress``: a campaign's figures as of a date, as one JSON object (docs/api-progress.md)."""

from __future__ import annotations

import datetime as dt

from cli.common import add_db_argument, open_store, print_json
from models.campaigns.progress import compute_progress
from models.reports.period import parse_day


def register(sub) -> None:
    parser = sub.add_parser("progress", help="tiến độ thực hiện chỉ tiêu của kế hoạch tại một ngày (JSON)")
    add_db_argument(parser)
    parser.add_argument("--campaign", type=int, help="mã kế hoạch (mặc định: kế hoạch hiện hành)")
    parser.add_argument("--as-of", dest="as_of", required=True, help="tính đến ngày dạng năm-tháng-ngày (2025-01-09)")
    parser.add_argument("--week-start", dest="week_start", help="đầu tuần dạng năm-tháng-ngày (2025-01-09) (mặc định: 7 ngày đến --as-of)")
    parser.set_defaults(func=run)


def _date(text: str | None, option: str) -> dt.date | None:
    return None if text is None else parse_day(text, option)


def run(args) -> int:
    as_of = _date(args.as_of, "--as-of")
    week_start = _date(args.week_start, "--week-start")
    store = open_store(args)
    try:
        progress = compute_progress(store, args.campaign, as_of=as_of, week_start=week_start)
    finally:
        store.close()
    print_json(progress.to_dict())
    return 0
