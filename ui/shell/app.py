"""Starting the GUI: application object, database, sign-in, main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from models.core.db_probe import check_demo_target
from models.core.errors import UserError
from models.core.paths import default_db_path, demo_db_path, user_data_dir
from resources import resource_path
from ui.shell.startup import Startup


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Sổ Định Danh")
    app.setOrganizationName("SoDinhDanh")
    # Calendars, month and day names, and numbers typed into Qt widgets as Vietnamese write them
    # ("Tháng 3", "Thứ Hai", 1.234,5), whatever the desk computer's own language is.
    QLocale.setDefault(QLocale(QLocale.Vietnamese, QLocale.Vietnam))
    install_vietnamese_qt_strings(app)
    return app


def install_vietnamese_qt_strings(app: QApplication):
    """Qt's own texts (right-click menus of text boxes, file dialogs, standard buttons, scroll bars) in
    Vietnamese: Qt ships no Vietnamese translation, so the project keeps one
    (resources/translations/qtbase_vi.ts, compiled to .qm; a test checks they agree). Returns the
    translator (installed once per application)."""
    translator = getattr(app, "_vietnamese_qt_strings", None)
    if translator is None:
        translator = QTranslator(app)
        if not translator.load(str(resource_path("translations", "qtbase_vi.qm"))):
            logging.getLogger(__name__).warning("Không nạp được bản dịch tiếng Việt của Qt")
            return None
        app.installTranslator(translator)
        app._vietnamese_qt_strings = translator  # keeps it alive as long as the application
    return translator


def demo_path(args) -> Path:
    """The file ``--demo`` opens: its own file in the data folder (or ``--db``), never this computer's
    working database nor any file that is not a demo database (``UserError`` in Vietnamese)."""
    path = Path(args.db) if args.db else demo_db_path()
    check_demo_target(path, for_opening=True)
    return path


def run_gui(args) -> int:
    user_data_dir().mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=str(user_data_dir() / "so-dinh-danh.log"), level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = create_application()
    try:
        path = demo_path(args) if args.demo else Path(args.db or default_db_path())
    except UserError as exc:
        QMessageBox(QMessageBox.Critical, "Không mở được cơ sở dữ liệu", str(exc)).exec()
        return 2
    # A window at once: the sign-in dialog, or the start-up window while the demo is built or the database
    # upgraded in a worker thread (ui/shell/startup.py); then sign-in, main window, lock, backups.
    startup = Startup(path, demo=bool(args.demo))
    startup.ended.connect(app.exit)
    startup.start()
    code = startup.exit_code if startup.exit_code is not None else app.exec()
    startup.close()
    return startup.exit_code if startup.exit_code is not None else code
