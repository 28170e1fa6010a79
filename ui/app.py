"""Starting the GUI: application object, database, sign-in, main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from models.errors import UserError
from models.paths import default_db_path, user_data_dir
from models.store import Store


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Sổ Định Danh")
    app.setOrganizationName("SoDinhDanh")
    return app


def run_gui(args) -> int:
    user_data_dir().mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=str(user_data_dir() / "so-dinh-danh.log"), level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = create_application()
    from PySide6.QtWidgets import QMessageBox

    from ui.confirm import message_box

    try:
        path = Path(args.db) if args.db else (user_data_dir() / "demo.sqlite" if args.demo else default_db_path())
        if args.demo and not path.exists():
            from models.demo import build_demo

            build_demo(path)
        store = Store(path)
    except UserError as exc:
        message_box(QMessageBox.Critical, "Không mở được cơ sở dữ liệu", str(exc)).exec()
        return 2
    from ui.session import Session

    # Sign-in (or first administrator) before any window; demo clock, idle lock, change watcher, backups.
    session = Session(store, demo=bool(args.demo))
    session.start()
    code = app.exec()
    session.close()
    store.close()
    return code
