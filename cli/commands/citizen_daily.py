"""``citizen-daily``: the citizens' campaign's daily summary (one A4 page, Decree 30 layout: the unit's
figures per target, then per commune and per area officer) as a PDF; prints path, pages and SHA-256
(docs/report.md, "Citizens")."""

from __future__ import annotations

from pathlib import Path

from cli.common import add_db_argument, open_store, print_json
from models.reports.period import parse_day


def register(sub) -> None:
    parser = sub.add_parser("citizen-daily", help="báo cáo nhanh hằng ngày của kế hoạch cho công dân (PDF): hôm nay, "
                                                  "lũy kế, theo xã và cảnh sát khu vực")
    add_db_argument(parser)
    parser.add_argument("--as-of", dest="as_of", required=True, help="ngày báo cáo, năm-tháng-ngày (2025-03-12)")
    parser.add_argument("--out", required=True, help="tệp PDF sẽ ghi")
    parser.add_argument("--campaign", type=int, help="mã kế hoạch cho công dân (mặc định: kế hoạch mới nhất)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from services import citizen_reports  # imported late: the PDF renderer (reportlab) at start-up

    as_of = parse_day(args.as_of, "--as-of")
    store = open_store(args)
    try:
        report = citizen_reports.save_daily(store, Path(args.out), args.campaign, as_of)
    finally:
        store.close()
    print_json({"path": str(args.out), "pages": report.pages, "sha256": report.sha256,
                "campaign_id": report.data.campaign_id, "as_of": report.data.as_of})
    return 0
