"""Main window: navigation bar on the left, one page per job, status bar with officer and unit."""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models import __version__
from models.core.changes import Table
from models.core.demo_clock import is_demo
from models.registry import units
from models.text.vn_format import datetime_text, html_text
from ui.context import AppContext
from ui.dialogs.area_choices import open_area_choices
from ui.dialogs.password_dialog import change_own_password
from ui.dialogs.unsaved import is_editor, open_editors, settle, settle_all
from ui.ops import show_message
from ui.pages import PAGES
from ui.widgets.report_deadline import install_deadline_banner
from ui.widgets.window_fit import restore_geometry, save_geometry

NAV_STYLE = """
QListWidget#navigation { background: #1f3a5f; color: #e8eef7; border: none; font-size: 14px; outline: 0; }
QListWidget#navigation::item { padding: 9px 14px; border-left: 4px solid transparent; }
QListWidget#navigation::item:hover { background: #2b4c78; }
QListWidget#navigation::item:selected { background: #ffffff; color: #1f3a5f; border-left: 4px solid #c62828;
                                        font-weight: bold; }
"""


def _can_take_focus(page: QWidget, widget: QWidget | None) -> bool:
    # Tab bars and scroll-area frames are skipped: the focus goes into the current tab or the scrolled form,
    # where the shortcuts and the fields are.
    return (widget is not None and page.isAncestorOf(widget) and widget.isVisibleTo(page) and widget.isEnabled()
            and bool(widget.focusPolicy() & Qt.TabFocus)
            and not isinstance(widget, (QTabBar, QTabWidget, QScrollArea)))


def first_focusable(page: QWidget) -> QWidget | None:
    """The page's first widget in Tab order that can take the focus now."""
    widget = page.nextInFocusChain()
    seen = set()
    while widget is not None and widget is not page and id(widget) not in seen:
        seen.add(id(widget))
        if _can_take_focus(page, widget):
            return widget
        widget = widget.nextInFocusChain()
    return None


def load_page_class(spec: str):
    module_name, _, class_name = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        ctx.window = self
        # On the demo database the title shows the demo's clock (models/core/demo_clock.py), kept current.
        self.demo = is_demo(ctx.store)
        self.update_title()
        if self.demo:
            self._title_timer = QTimer(self)
            self._title_timer.timeout.connect(self.update_title)
            self._title_timer.start(15_000)
        # 1280×800 where the screen holds it; on 1366×768 with a taskbar, what is available (window_fit)
        self.restored_geometry = restore_geometry(self, "main", 1280, 800)

        self._syncing_nav = False  # the navigation bar is put back after «Ở lại»: no second question
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(200)
        self.nav.setStyleSheet(NAV_STYLE)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for index, (key, title, spec) in enumerate(PAGES):
            page = load_page_class(spec)(ctx)
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(title)
            item.setData(Qt.UserRole, key)
            if index < 9:
                item.setToolTip(f"{title} (Ctrl+{index + 1})")
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._on_nav)
        # A click (or Enter) on a page's name goes to that page; arrow keys only browse the list.
        self.nav.itemClicked.connect(lambda _item: self.focus_page())
        self.nav.itemActivated.connect(lambda _item: self.focus_page())

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        side = QWidget()
        side.setObjectName("sidebar")
        side.setStyleSheet("#sidebar { background: #1f3a5f; }")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        title = QLabel("SỔ ĐỊNH DANH")
        title.setStyleSheet("color: white; font-weight: bold; font-size: 15px; padding: 14px 14px 4px 14px;")
        subtitle = QLabel("Định danh điện tử cho\ntổ chức và công dân")
        subtitle.setStyleSheet("color: #c9d6e8; font-size: 11px; padding: 0 14px 12px 14px;")
        side_layout.addWidget(title)
        side_layout.addWidget(subtitle)
        side_layout.addWidget(self.nav, 1)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_menu()
        self.officer_label = QLabel()
        self.unit_label = QLabel()
        self.statusBar().addWidget(self.officer_label)
        self.statusBar().addPermanentWidget(self.unit_label)
        self.deadline_banner = install_deadline_banner(self, ctx)
        self.refresh_status()
        ctx.changes.changed.connect(self._on_changes)
        if PAGES:
            self.nav.setCurrentRow(0)

    def update_title(self) -> None:
        title = f"Sổ Định Danh — {self.ctx.store.path.name}"
        if self.demo:
            title += f" — Chế độ trình diễn — {datetime_text(self.ctx.store.now())}"
        self.setWindowTitle(title)

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&Tệp")
        password_action = QAction("Đổi &mật khẩu…", self)
        password_action.setObjectName("changePasswordAction")
        password_action.triggered.connect(self.change_password)
        file_menu.addAction(password_action)
        self.password_action = password_action
        area_choices_action = QAction("Địa bàn &cũ cần chọn…", self)
        area_choices_action.setObjectName("areaChoicesAction")
        area_choices_action.triggered.connect(lambda: open_area_choices(self.ctx, self))
        file_menu.addAction(area_choices_action)
        self.area_choices_action = area_choices_action
        file_menu.addSeparator()
        quit_action = QAction("&Thoát", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.file_menu = file_menu
        # The pages with their Ctrl+1…9 shortcuts, so the keys can be seen in a menu, not only learnt.
        pages_menu = self.menuBar().addMenu("&Màn hình")
        for index, (_key, title, _spec) in enumerate(PAGES[:9]):
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: self.show_page_index(i))
            pages_menu.addAction(action)
        self.pages_menu = pages_menu
        help_menu = self.menuBar().addMenu("Trợ &giúp")
        about = QAction("&Giới thiệu", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def change_password(self) -> bool:
        """«Tệp › Đổi mật khẩu…»: the signed-in officer's own password (the current one first)."""
        return change_own_password(self.ctx, self)

    def _about(self) -> None:
        show_message(
            self,
            "Giới thiệu",
            f"<b>Sổ Định Danh</b> {__version__}<br>Theo dõi thu nhận hồ sơ cấp tài khoản định danh "
            f"điện tử cho cơ quan, tổ chức và công dân.<br>Cơ sở dữ liệu: {html_text(self.ctx.store.path)}",
            name="aboutBox",
        )

    def _on_nav(self, row: int) -> None:
        if row < 0 or self._syncing_nav:
            return
        leaving = self.stack.currentWidget()
        if (leaving is not None and row != self.stack.currentIndex() and is_editor(leaving)
                and getattr(leaving, "asks_on_page_switch", True) and not settle(self, leaving)):
            # «Ở lại» or a refused save: back to the page being edited. Once more after the click that
            # started it has finished (the list selects the clicked row after this signal).
            self._sync_nav()
            QTimer.singleShot(0, self._sync_nav)
            return
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        activated = getattr(page, "activated", None)
        if activated:
            activated()

    def _sync_nav(self) -> None:
        """Put the navigation bar back on the page shown, without asking anything."""
        self._syncing_nav = True
        try:
            self.nav.setCurrentRow(self.stack.currentIndex())
        finally:
            self._syncing_nav = False

    # ---- unsaved edits -----------------------------------------------------------------------------
    def unsaved_editors(self) -> list:
        """The pages and the open windows (a dossier, the intake form, the campaign editor, the unit dialog)
        holding changes not yet saved."""
        editors = [page for page in self.pages.values() if is_editor(page)] + open_editors(self)
        return [editor for editor in editors if editor.has_unsaved_changes()]

    def settle_unsaved(self, parent: QWidget | None = None) -> bool:
        """Before quitting or signing out: ask «Lưu / Không lưu / Ở lại» for every editor with changes (a
        page is shown first, a window raised). False when the officer chose to stay or a save was refused."""
        for editor in self.unsaved_editors():
            if editor in self.pages.values():
                self._syncing_nav = True
                try:
                    self.stack.setCurrentWidget(editor)
                    self.nav.setCurrentRow(self.stack.currentIndex())
                finally:
                    self._syncing_nav = False
                if not settle(parent or self, editor):
                    return False
            elif not settle_all(parent or self, [editor]):
                return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ctrl+Q and the window's close box: nothing typed is lost without the officer's answer."""
        if not self.settle_unsaved():
            event.ignore()
            return
        save_geometry(self, "main")
        super().closeEvent(event)

    def show_page(self, key: str) -> QWidget:
        index = [k for k, _, _ in PAGES].index(key)
        self.show_page_index(index)
        return self.pages[key]

    def show_page_index(self, index: int) -> None:
        """Ctrl+1…9 and the «Màn hình» menu: show the page and put the keyboard in it."""
        if 0 <= index < self.nav.count():
            self.nav.setCurrentRow(index)
            self.focus_page()

    def focus_page(self) -> None:
        """Move the focus into the current page, so its own shortcuts (Ctrl+F, F5, Ctrl+S, Ctrl+Enter…, which
        only act while the focus is inside the page) work at once. A page whose ``activated()`` already
        focused a widget keeps it; otherwise the widget last used on the page, else its first field."""
        page = self.stack.currentWidget()
        if page is None:
            return
        if _can_take_focus(page, QApplication.focusWidget()):
            return
        remembered = page.focusWidget()  # where the officer was when the page was last left
        target = remembered if _can_take_focus(page, remembered) else first_focusable(page)
        if target is not None:
            target.setFocus(Qt.OtherFocusReason)
        else:
            page.setFocus(Qt.OtherFocusReason)

    def refresh_status(self) -> None:
        actor = self.ctx.store.actor
        self.officer_label.setText(f"Cán bộ: {actor.full_name}")
        unit = units.current_unit(self.ctx.store)
        self.unit_label.setText(f"Đơn vị: {unit['name']}" if unit else "Chưa khai báo đơn vị")

    def _on_changes(self, changes) -> None:
        if {Table.UNITS, Table.SETTINGS} & {c.table for c in changes}:
            self.refresh_status()
