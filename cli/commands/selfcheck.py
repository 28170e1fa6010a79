"""``selfcheck``: open a database and render the main window offscreen (used on the bundle)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cli.common import add_db_argument, print_json
from models import __version__
from models.core.store import Store
from models.dossiers.calendar import Calendar
from models.registry import divisions


def register(sub) -> None:
    parser = sub.add_parser("selfcheck", help="tự kiểm tra: mở CSDL và dựng cửa sổ chính (không hiển thị)")
    add_db_argument(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(getattr(args, "db", None) or Path(tmp) / "selfcheck.sqlite")
        store = Store(path)
        try:
            # The official days come from python-holidays (a country module and a gettext catalogue found by name).
            holidays = len(Calendar(store).holidays)
            from ui.shell.selfcheck import render_main_window  # imported late: Qt widgets, ~90 ms at start-up

            info = render_main_window(store)
            info["holidays"] = holidays
            # vietnam-provinces' old divisions and official conversion table (modules found at run time).
            old = divisions.convert(divisions.OldWardIndex({"91"}), "Phường Vĩnh Thanh Vân, TP Rạch Giá")
            info["old_to_new"] = list(old.candidates) if old else []
        finally:
            store.close()
    print_json({"ok": True, "version": __version__, "schema": info.pop("schema", None), **info})
    return 0
