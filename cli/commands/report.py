"""``report``: write the weekly report (PDF, optionally the workbook and the editable Word copy) for the week
ending on a date. What does not agree on the report (issuing body, symbol, signer, recipients) is listed
under ``warnings`` and on stderr ("Lưu ý: …"); the files are written all the same."""

from __future__ import annotations

import sys
from pathlib import Path

from cli.common import add_db_argument, add_user_argument, open_signed_in, open_store, print_json
from models.reports.period import get_settings, parse_day, week_ending
from models.reports.register import next_number


def register(sub) -> None:
    parser = sub.add_parser("report", help="xuất báo cáo tuần (PDF, tuỳ chọn Excel) cho tuần kết thúc vào một ngày")
    add_db_argument(parser)
    add_user_argument(parser)
    parser.add_argument("--week-ending", required=True, help="ngày cuối của tuần báo cáo, năm-tháng-ngày (2025-01-09)")
    parser.add_argument("--out", required=True, help="tệp PDF sẽ ghi")
    parser.add_argument("--xlsx", help="tệp Excel (cùng các bảng số liệu) sẽ ghi")
    parser.add_argument("--docx", help="tệp Word (.docx) của cùng báo cáo, để lãnh đạo chỉnh sửa trước khi ký")
    parser.add_argument("--date", help="ngày ghi trên báo cáo, dạng năm-tháng-ngày (2025-01-09) (mặc định: ngày đến hạn báo cáo)")
    parser.add_argument("--number", type=int, help="số báo cáo (mặc định: để trống, hoặc số tiếp theo khi --issue)")
    parser.add_argument("--campaign", type=int, help="mã kế hoạch (mặc định: kế hoạch hiện hành)")
    parser.add_argument("--difficulties", default="", help="nội dung khó khăn, vướng mắc")
    parser.add_argument("--proposals", default="", help="nội dung đề xuất, kiến nghị")
    parser.add_argument("--next-week", default="", help="nội dung phương hướng, nhiệm vụ tuần tới")
    parser.add_argument("--issue", action="store_true", help="ban hành: ghi vào sổ báo cáo (cần số)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from services import reports  # imported late: the PDF renderer (reportlab), ~190 ms at start-up

    end = parse_day(args.week_ending, "--week-ending")
    doc_date = parse_day(args.date, "--date") if args.date else None
    out = Path(args.out)
    xlsx = Path(args.xlsx) if args.xlsx else None
    docx = Path(args.docx) if args.docx else None
    # Issuing enters the register under the officer's name (leaders); a draft stays open to all.
    store = open_signed_in(args) if args.issue else open_store(args)
    try:
        settings = get_settings(store)
        period = week_ending(end, settings)
        number = args.number or (next_number(store, (doc_date or period.due_at.date()).year) if args.issue else None)
        form = reports.ReportForm(doc_date=doc_date, difficulties=args.difficulties, proposals=args.proposals,
                                  next_week=args.next_week, campaign_id=args.campaign)
        generated = reports.build_report(store, period, form, number=number, settings=settings)
        # Both files are written beside their names and put in place only once the register accepted
        # the report: a refused issue (number or period already used) leaves nothing behind.
        if args.issue:
            reports.issue(store, generated, out, xlsx=xlsx, docx=docx)
        else:
            reports.save_report(store, generated, out, xlsx=xlsx, docx=docx)
    finally:
        store.close()
    data = generated.data
    result = {"path": str(out), "sha256": generated.sha256, "pages": generated.pages,
              "period_start": data.period_start, "period_end": data.period_end, "number": data.number_line}
    if xlsx:
        result["xlsx"] = str(args.xlsx)
    if docx:
        result["docx"] = str(args.docx)
    result["warnings"] = generated.warnings
    for warning in generated.warnings:
        sys.stderr.write(f"Lưu ý: {warning}\n")
    if generated.report_id:
        result["report_id"] = generated.report_id
    print_json(result)
    return 0
