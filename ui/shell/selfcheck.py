"""Render the main window offscreen once: proves Qt, plugins, fonts and the database all load."""

from __future__ import annotations

from models.core.store import Store
from ui.context import AppContext
from ui.shell.app import create_application
from ui.shell.main_window import MainWindow


def render_main_window(store: Store) -> dict:
    app = create_application()
    window = MainWindow(AppContext.create(store))
    window.show()
    app.processEvents()
    pixmap = window.grab()
    pages = len(window.pages)
    window.close()
    app.processEvents()
    from PySide6.QtWidgets import QApplication

    # Qt's own texts come from the bundled Vietnamese translation (resources/translations)
    vietnamese = QApplication.translate("QPlatformTheme", "Cancel") == "Huỷ"
    return {"schema": store.user_version, "pages": pages, "rendered": [pixmap.width(), pixmap.height()],
            "qt_vietnamese": vietnamese}
