"""``demo``: build the deterministic demo database (unit, communes, organizations, dossiers, campaign)."""

from __future__ import annotations

import time

from cli.common import add_db_argument, db_path, print_json


def register(sub) -> None:
    parser = sub.add_parser("demo", help="tạo CSDL trình diễn (ghi đè tệp đã có)")
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from demo import build_demo  # imported late: the demo builder and its data, ~500 ms at start-up

    path = db_path(args)
    started = time.perf_counter()
    summary = build_demo(path)
    print_json({"db": str(path), **summary, "seconds": round(time.perf_counter() - started, 2)})
    return 0
