"""``citizen-review``: the phase and final review of a citizens' campaign (per phase and target: target,
achieved, rate, remaining, verdict; then per commune or agency) as a Decree 30 PDF (docs/report.md,
"Citizens")."""

from __future__ import annotations

from pathlib import Path

from cli.common import add_db_argument, open_store, print_json


def register(sub) -> None:
    parser = sub.add_parser("citizen-review", help="bảng sơ kết, tổng kết theo giai đoạn của kế hoạch cho công dân "
                                                   "(PDF): chỉ tiêu, đạt, tỷ lệ theo xã, cơ quan")
    add_db_argument(parser)
    parser.add_argument("--campaign", type=int, required=True, help="mã kế hoạch cho công dân")
    parser.add_argument("--out", required=True, help="tệp PDF sẽ ghi")
    parser.set_defaults(func=run)


def run(args) -> int:
    from services import citizen_reports  # imported late: the PDF renderer (reportlab) at start-up

    store = open_store(args)
    try:
        report = citizen_reports.save_review(store, Path(args.out), args.campaign)
    finally:
        store.close()
    print_json({"path": str(args.out), "pages": report.pages, "sha256": report.sha256,
                "campaign_id": report.data.campaign_id})
    return 0
