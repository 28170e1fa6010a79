"""Windows that fit the officer's screen (1366×768 with a taskbar, i.e. about 1280×720 available) and
remember their size and place.

``fit_size`` is the rule (pure, testable with any screen): the wanted size, cut to the screen's available
area less the title bar and frame. ``fit_to_screen`` applies it to a window; ``restore_geometry`` /
``save_geometry`` keep a window's geometry between sessions in ``window.ini`` beside the app's data
(QSettings, INI format; ``$SO_DINH_DANH_WINDOW_INI`` names another file, as each test does), and a saved geometry that no longer fits the screen (another monitor, a
smaller resolution) is ignored.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from models.core.paths import user_data_dir

FRAME = QSize(16, 40)  # title bar and borders the window manager adds around a window's client area


def available_rect(widget: QWidget | None = None) -> QRect:
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def fit_size(wanted: QSize, available: QRect, minimum: QSize | None = None) -> QSize:
    """``wanted`` cut to what ``available`` holds once the window frame is added (never below ``minimum``)."""
    width = min(wanted.width(), available.width() - FRAME.width())
    height = min(wanted.height(), available.height() - FRAME.height())
    if minimum is not None:
        width, height = max(width, minimum.width()), max(height, minimum.height())
    return QSize(width, height)


def fit_to_screen(widget: QWidget, width: int, height: int) -> QSize:
    """Resize ``widget`` to ``width``×``height`` or to what its screen holds, whichever is smaller."""
    size = fit_size(QSize(width, height), available_rect(widget))
    widget.resize(size)
    return size


WINDOW_INI_ENV = "SO_DINH_DANH_WINDOW_INI"  # another file for window.ini (each test has its own)


def _settings() -> QSettings:
    path = os.environ.get(WINDOW_INI_ENV) or str(user_data_dir() / "window.ini")
    return QSettings(path, QSettings.IniFormat)


def restore_geometry(widget: QWidget, key: str, width: int, height: int) -> bool:
    """The window's saved geometry when it still fits the screen; else the default size fitted to it."""
    saved = _settings().value(f"geometry/{key}")
    if saved is not None and widget.restoreGeometry(saved):
        if available_rect(widget).contains(widget.frameGeometry().topLeft()) and \
                widget.width() <= available_rect(widget).width() and widget.height() <= available_rect(widget).height():
            return True
    fit_to_screen(widget, width, height)
    return False


def save_geometry(widget: QWidget, key: str) -> None:
    settings = _settings()
    settings.setValue(f"geometry/{key}", widget.saveGeometry())
    settings.sync()
