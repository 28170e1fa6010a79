"""``demo``: build the deterministic demo database (unit, communes, organizations, dossiers, campaign), or
with ``--province`` the province desk's demo (units declared, their sync files merged).

The demo never touches real data: it writes only to a file that does not exist or is itself a demo
database (marked inside by the builder), never to this computer's working database; without ``--db`` it
writes the demo's own file in the data folder, the one ``main.py --demo`` opens.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from cli.common import add_db_argument, print_json
from models.core.db_probe import check_demo_target
from models.core.paths import demo_db_path
from models.core.progress import Progress


def register(sub) -> None:
    parser = sub.add_parser(
        "demo", help="tạo CSDL trình diễn (chỉ ghi vào tệp chưa có hoặc tệp trình diễn cũ; "
                     "mặc định: tệp trình diễn riêng mà «main.py --demo» mở)")
    add_db_argument(parser)
    parser.add_argument("--province", action="store_true",
                        help="CSDL trình diễn của đơn vị cấp tỉnh: các đơn vị đã khai báo, tệp đồng bộ đã tổng hợp")
    parser.set_defaults(func=run)


def run(args) -> int:
    path = Path(getattr(args, "db", None) or demo_db_path())
    check_demo_target(path)  # exit 2 with a message (cli.main) before anything is written
    started = time.perf_counter()
    if args.province:
        from demo.province import build_province_demo  # imported late: the builder, the PDF and workbook writers

        summary = build_province_demo(path)
    else:
        from demo import build_demo  # imported late: the demo builder and its data, ~500 ms at start-up

        # At a terminal, each step on stderr (stdout keeps the one JSON line).
        steps = Progress(callback=lambda _done, _total, message: print(message, file=sys.stderr, flush=True))
        summary = build_demo(path, progress=steps if sys.stderr.isatty() else None)
    print_json({"db": str(path), "kind": "province" if args.province else "unit", **summary,
                "seconds": round(time.perf_counter() - started, 2)})
    return 0
