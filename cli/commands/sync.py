"""Syncing upward (docs/sync.md): ``export``, ``merge``, ``sync-ack``, ``sync-units``, ``sync-report``,
``lead-desk`` (a unit with several desks: the desk that merges the others' files).

``export`` prints one JSON line: path, rows (dossier rows), sheets (rows per sheet), sha256, protected,
kind, sequence. ``merge`` prints one JSON line per file: file, status ('accepted' | 'refused' |
'unchanged'), reason, inserted, updated, unchanged (dossier rows; per sheet in ``sheets``); exit code 1
when any file was refused (the others are still merged), 0 otherwise.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import warnings
from pathlib import Path

from cli.common import (
    add_db_argument,
    add_hidden_alias,
    add_output_argument,
    add_user_argument,
    open_signed_in,
    open_store,
    print_json,
)
from models.core.errors import UserError
from models.reports.period import get_settings, parse_day, previous_week, week_ending
from models.sync.consolidation import consolidated_citizens, week_status
from models.sync.export import acknowledge


def register(sub) -> None:
    p = sub.add_parser("export", help="xuất tệp đồng bộ (Excel) gửi cấp trên")
    add_db_argument(p)
    add_user_argument(p)
    p.add_argument("--out", required=True, help="tệp .xlsx (hoặc thư mục: tên tệp tự đặt)")
    p.add_argument("--full", action="store_true", help="xuất đầy đủ (mặc định: gia tăng từ tệp tỉnh đã xác nhận)")
    p.add_argument("--password", help="đặt mật khẩu cho tệp (mã hoá chuẩn Office); «-» để gõ mật khẩu "
                                      "(không hiện lên màn hình); hoặc biến môi trường SODINHDANH_SYNC_PASSWORD")
    p.add_argument("--unencrypted", action="store_true",
                   help="xuất tệp KHÔNG mật khẩu (tệp có số định danh cá nhân; ghi nhật ký); mặc định phải có mật khẩu")
    p.add_argument("--week-ending", dest="week_end",
                   help="ngày cuối kỳ báo cáo dạng năm-tháng-ngày (2025-01-09) (mặc định: tuần đến hạn báo cáo tới)")
    add_hidden_alias(p, "--week-end", dest="week_end")
    p.set_defaults(func=run_export)

    p = sub.add_parser("merge", help="tổng hợp tệp đồng bộ của các đơn vị (đơn vị cấp tỉnh) hoặc của các bàn "
                                     "(bàn chính)")
    add_db_argument(p)
    add_user_argument(p)
    p.add_argument("files", nargs="+", help="các tệp .xlsx của đơn vị")
    p.add_argument("--password", help="mật khẩu của các tệp được mã hoá; «-» để gõ mật khẩu "
                                      "(hoặc biến môi trường SODINHDANH_SYNC_PASSWORD)")
    p.add_argument("--accept-unsigned", action="store_true",
                   help="chấp nhận tệp định dạng cũ (1.x) chưa ký của các đơn vị đã khai báo (ghi nhật ký)")
    p.add_argument("--skip-gap", action="store_true",
                   help="(chỉ huy) chấp nhận bỏ qua các số tệp bị mất trước tệp được tổng hợp (cần --reason; ghi nhật ký)")
    p.add_argument("--reason", metavar="LY_DO", help="lý do bỏ qua số tệp bị mất (với --skip-gap)")
    p.set_defaults(func=run_merge)

    p = sub.add_parser("sync-key", help="khoá ký tệp đồng bộ của máy này: dấu vân tay, xuất khoá công khai")
    add_db_argument(p)
    add_user_argument(p)
    add_output_argument(p, "--export", dest="export",
                        help="ghi khoá công khai ra tệp để gửi đơn vị tổng hợp (một lần)")
    p.set_defaults(func=run_key)

    p = sub.add_parser("sync-register", help="(cấp tỉnh, bàn chính) đăng ký khoá công khai của một đơn vị gửi tệp")
    add_db_argument(p)
    add_user_argument(p)
    p.add_argument("--unit", required=True, metavar="MA", help="mã đơn vị")
    p.add_argument("--key", required=True, metavar="TEP|HEX", help="tệp khoá công khai của đơn vị, hoặc 64 chữ số hexa")
    p.add_argument("--name", metavar="TEN", help="tên đơn vị (mặc định: theo tệp khoá)")
    p.set_defaults(func=run_register)

    p = sub.add_parser("sync-ack", help="ghi nhận tỉnh đã nhận tệp đồng bộ số N")
    add_db_argument(p)
    add_user_argument(p)
    p.add_argument("sequence", type=int)
    p.set_defaults(func=run_ack)

    p = sub.add_parser("lead-desk", help="đặt máy này là bàn chính của đơn vị: tổng hợp tệp đồng bộ của các bàn")
    add_db_argument(p)
    add_user_argument(p)
    p.add_argument("--off", action="store_true", help="thôi làm bàn chính")
    p.set_defaults(func=run_lead_desk)

    p = sub.add_parser("sync-units", help="(cấp tỉnh, bàn chính) danh sách đơn vị và tình trạng gửi tệp trong tuần")
    add_db_argument(p)
    add_user_argument(p)
    p.add_argument("--week-ending", dest="week_end", help="ngày cuối tuần dạng năm-tháng-ngày (2025-01-09) (mặc định: tuần vừa đến hạn)")
    add_hidden_alias(p, "--week-end", dest="week_end")
    p.add_argument("--declare", nargs=2, metavar=("MA", "TEN"), help="khai báo đơn vị phải gửi tệp")
    p.set_defaults(func=run_units)

    p = sub.add_parser("sync-report", help="(cấp tỉnh, bàn chính) báo cáo tuần tổng hợp các đơn vị (PDF/Excel)")
    add_db_argument(p)
    p.add_argument("--week-ending", dest="week_end", help="ngày cuối tuần dạng năm-tháng-ngày (2025-01-09) (mặc định: tuần vừa đến hạn)")
    add_hidden_alias(p, "--week-end", dest="week_end")
    add_output_argument(p, "--pdf", dest="pdf", metavar="TỆP.pdf", help="tệp PDF")
    p.add_argument("--xlsx", help="tệp Excel")
    p.set_defaults(func=run_report)


def _password(args, *, confirm: bool = False) -> str | None:
    """``--password``, else the environment; ``--password -`` asks for it without echo (a password given
    on the command line can be read by other users of the machine in the process list)."""
    if args.password == "-":
        return _ask_password(confirm)
    return args.password or os.environ.get("SODINHDANH_SYNC_PASSWORD") or None


def _ask_password(confirm: bool) -> str:
    with warnings.catch_warnings():
        # Without a terminal getpass reads standard input (a script can pipe the password in): that
        # is intended here, so its "may be echoed" warning would only confuse.
        warnings.simplefilter("ignore", getpass.GetPassWarning)
        try:
            password = getpass.getpass("Mật khẩu tệp đồng bộ: ")
            if not password:
                raise UserError("Chưa nhập mật khẩu")
            if confirm and getpass.getpass("Nhập lại mật khẩu: ") != password:
                raise UserError("Hai lần nhập mật khẩu không giống nhau; tệp chưa được xuất")
        except EOFError as exc:
            raise UserError("Không đọc được mật khẩu (đầu vào đã hết)") from exc
    return password


def _date(text: str | None, what: str) -> dt.date | None:
    return parse_day(text, what) if text else None


def run_export(args) -> int:
    from services.sync import export_workbook  # imported late: the workbook writer and encryption, ~35 ms at start-up

    password = _password(args, confirm=True)  # asked before anything is opened
    store = open_signed_in(args)
    try:
        end = _date(args.week_end, "Ngày cuối kỳ")
        period = week_ending(end, get_settings(store)) if end else None
        result = export_workbook(store, args.out, full=args.full, password=password, period=period,
                                 unencrypted=args.unencrypted)
    finally:
        store.close()
    print_json({"ok": True, **result.to_dict()})
    return 0


def run_merge(args) -> int:
    from models.sync.merge import REFUSED  # imported late: the reader (calamine, msoffcrypto), ~20 ms at start-up
    from services.sync import merge_files  # imported late: as run_export

    if args.skip_gap and not (args.reason or "").strip():
        raise UserError("Bỏ qua số tệp bị mất (--skip-gap) cần lý do: --reason \"…\" (ghi vào nhật ký).")
    if args.reason and not args.skip_gap:
        raise UserError("--reason chỉ dùng cùng --skip-gap.")
    password = _password(args)
    store = open_signed_in(args)
    try:
        results = merge_files(store, args.files, password=password, accept_unsigned=args.accept_unsigned,
                              skip_gap_reason=args.reason if args.skip_gap else None)
    finally:
        store.close()
    for result in results:
        print_json(result.to_dict())
    return 1 if any(r.status == REFUSED for r in results) else 0


def run_key(args) -> int:
    from models.sync.keys import ensure_key  # imported late: cryptography, needed only by the sync commands
    from services.sync import export_public_key  # imported late: as run_export

    store = open_signed_in(args)
    try:
        key = export_public_key(store, args.export) if args.export else ensure_key(store)
    finally:
        store.close()
    print_json({"ok": True, "public_key": key.public_key, "fingerprint": key.fingerprint,
                "created_at": key.created_at, "exported": args.export})
    return 0


def run_register(args) -> int:
    from models.sync.merge import register_unit_key  # imported late: as run_merge

    key_text = args.key
    if not re.fullmatch(r"[0-9a-fA-F]{64}", key_text.strip()):
        try:
            key_text = Path(key_text).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"Không đọc được tệp khoá «{args.key}» (cần tệp do lệnh sync-key --export ghi, "
                            f"hoặc 64 chữ số hexa): {getattr(exc, 'strerror', None) or exc}") from None
    store = open_signed_in(args)
    try:
        result = register_unit_key(store, args.unit, key_text, args.name)
    finally:
        store.close()
    print_json({"ok": True, **result})
    return 0


def run_ack(args) -> int:

    store = open_signed_in(args)
    try:
        changed = acknowledge(store, args.sequence)
    finally:
        store.close()
    print_json({"ok": True, "sequence": args.sequence, "recorded": changed})
    return 0


def _week(store, text: str | None):
    settings = get_settings(store)
    end = _date(text, "Ngày cuối tuần")
    return week_ending(end, settings) if end else previous_week(store.now(), settings)


def run_lead_desk(args) -> int:
    from models.sync.merge import is_lead_desk, set_lead_desk  # imported late: as run_merge

    store = open_signed_in(args)
    try:
        changed = set_lead_desk(store, not args.off)
        lead = is_lead_desk(store)
    finally:
        store.close()
    print_json({"ok": True, "lead_desk": lead, "changed": changed})
    return 0


def run_units(args) -> int:
    from models.sync.merge import declare_unit, require_merging_desk  # imported late: as run_merge

    store = open_signed_in(args) if args.declare else open_store(args)
    try:
        require_merging_desk(store)
        declared = declare_unit(store, *args.declare) if args.declare else None
        period = _week(store, args.week_end)
        units = week_status(store, period.end)
    finally:
        store.close()
    print_json({"ok": True, "week_end": period.end.isoformat(), "declared": declared,
                "units": [{"code": u.code, "name": u.name, "sent": u.sent, "late": u.late, "state": u.state,
                           "file": u.file_name, "sequence": u.sequence, "citizens": u.citizens} for u in units]})
    return 0


def run_report(args) -> int:
    from services.consolidation import write_consolidated  # imported late: the PDF renderer, ~170 ms at start-up

    if not args.pdf and not args.xlsx:
        raise UserError("Hãy chọn ít nhất một tệp đầu ra: --pdf hoặc --xlsx.")
    store = open_store(args)  # figures only, like a draft weekly report: open (README, "Signing in")
    try:
        period = _week(store, args.week_end)
        data = write_consolidated(store, period, pdf=args.pdf, xlsx=args.xlsx)
        citizens = consolidated_citizens(store, period)
    finally:
        store.close()
    print_json({"ok": True, "week_end": period.end.isoformat(), "pdf": args.pdf, "xlsx": args.xlsx,
                "units": len(data.areas), "this_week": data.group_total.this_week,
                "cumulative": data.group_total.cumulative,
                "citizens": {"reported": len(citizens.reported), "tables": [
                    {"measure": t.measure, "population": t.population, "this_week": t.total.this_week,
                     "cumulative": t.total.cumulative, "target": t.total.target} for t in citizens.tables]}})
    return 0
