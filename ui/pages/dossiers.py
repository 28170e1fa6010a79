"""The dossiers screen: worklists with counts on the left, a lazy table of dossiers, search and filters.

Ctrl+N anywhere in the main window opens intake. Enter or double-click opens the dossier. Typing or
scanning a dossier number ("HS-2025-000123", the receipt's QR code) in the search field and pressing
Enter opens that dossier directly.
"""

from __future__ import annotations

from array import array

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.core.changes import Kind, Table
from models.dossiers import locality_requests, procedure, worklists
from models.dossiers import records as dossier_model
from models.dossiers import rows as dossier_rows
from models.dossiers import states as dossier_states
from models.dossiers import status as dossier_status
from models.registry import units as units_mod
from models.registry.organizations import GROUPS
from models.text.normalize import clean
from models.text.vn_format import thousands
from ui.context import AppContext
from ui.dialogs.dossier_view import DossierView
from ui.dialogs.intake_dialog import IntakeDialog
from ui.dialogs.reason_dialog import ReasonDialog
from ui.dialogs.status_dialogs import ConfirmMoveDialog
from ui.ops import run_mutation, show_error, show_message
from ui.tables.dossier_table import DossierTableModel, arrange_columns
from ui.widgets.escape_clears import escape_clears

# Worklists in the order shown; then one line per status.
LIST_ORDER = ["today", "mine", "to_verify", "waiting_locality", "overdue", "awaiting_approval", "open", "all"]
REQUESTS_OVERDUE = "requests_overdue"  # dossiers with a cross-locality request past its answer date
LISTED = (Table.DOSSIERS, Table.VERIFICATION_REQUESTS)  # any change there may move rows between lists


class _Table(QTableView):
    """Enter opens the current dossier (the platform's 'activated' is not emitted the same everywhere)."""

    def __init__(self, on_open, parent=None):
        super().__init__(parent)
        self._on_open = on_open

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self._on_open()
            event.accept()
            return
        super().keyPressEvent(event)


class DossiersPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.store = ctx.store
        self.current_list = "today"
        self.sort = "received_at"
        self.descending = True
        self.views: dict[int, QWidget] = {}
        self.intake_dialog = None
        self._counts_dirty = True

        splitter = QSplitter()
        splitter.addWidget(self._build_lists())
        splitter.addWidget(self._build_dossiers())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 1000])
        QVBoxLayout(self).addWidget(splitter)
        self._build_timers()
        self._build_shortcuts()
        ctx.changes.changed.connect(self._on_changes)
        self.select_list("today")

    # ---- building ------------------------------------------------------------------------------------
    def _build_lists(self) -> QListWidget:
        """The worklists (with their counts), then one line per status."""
        self.lists = QListWidget()
        self.lists.setObjectName("worklists")
        self.lists.setMinimumWidth(200)
        self.lists.setToolTip("Danh sách công việc; số trong ngoặc là số hồ sơ")
        for key in LIST_ORDER:
            self._add_list_item(key, worklists.WORKLISTS[key])
            if key == "waiting_locality":
                self._add_list_item(REQUESTS_OVERDUE, "Đề nghị xác minh quá hạn trả lời")
        header = QListWidgetItem("— Theo trạng thái —")
        header.setFlags(Qt.NoItemFlags)
        self.lists.addItem(header)
        for code, label in dossier_states.STATUSES.items():
            self._add_list_item(f"status:{code}", label)
        self.lists.currentItemChanged.connect(self._on_list_changed)
        return self.lists

    def _build_dossiers(self) -> QWidget:
        """Search and filters over the table of dossiers, and the count under it."""
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_filters())
        layout.addWidget(self._build_approval_bar())
        layout.addWidget(self._build_table(), 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("dossierCount")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.results_button())
        layout.addLayout(bottom)
        return right

    def _build_filters(self) -> QHBoxLayout:
        self.search = QLineEdit()
        self.search.setObjectName("dossierSearch")
        self.search.setPlaceholderText("Tìm hồ sơ, MST, tên… (Ctrl+F)")
        self.search.setToolTip("Tìm theo số hồ sơ, mã số thuế, tên tổ chức, người đại diện (Ctrl+F).\n"
                               "Quét mã QR trên giấy hẹn hoặc gõ số hồ sơ rồi Enter để mở ngay hồ sơ đó.")
        self.search.setMinimumWidth(180)
        self.search.setClearButtonEnabled(True)
        self.search.textEdited.connect(lambda _t: self._reload_timer.start())
        self.search.returnPressed.connect(self._on_search_enter)
        escape_clears(self.search, lambda: self.reload())  # Esc empties the search and lists again
        self.group_filter = self._filter_combo("groupFilter", "Mọi nhóm",
                                               [(f"{code}. {label}", code) for code, label in GROUPS.items()])
        self.area_filter = self._filter_combo("areaFilter", "Mọi địa bàn",
                                              [(a["name"], a["code"]) for a in units_mod.unit_areas(self.store)])
        self.channel_filter = self._filter_combo("channelFilter", "Mọi kênh",
                                                 [(c, c) for c in dossier_model.channels(self.store)])
        self.new_button = QPushButton("Tiếp nhận hồ sơ (Ctrl+N)")
        self.new_button.setToolTip("Mở màn hình tiếp nhận hồ sơ mới (Ctrl+N)")
        self.new_button.setObjectName("newDossierButton")
        self.new_button.clicked.connect(self.open_intake)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.group_filter, 1)
        filters.addWidget(self.area_filter, 1)
        filters.addWidget(self.channel_filter, 1)
        filters.addWidget(self.new_button)
        # Citizens' level-2 dossiers (issue 15): the subject filter and the citizen intake (Ctrl+Shift+N).
        self.subject_filter = self._filter_combo("subjectFilter", "Tổ chức và công dân",
                                                 [("Tổ chức", "organization"), ("Công dân", "person")])
        self.subject_filter.setMinimumContentsLength(4)
        filters.insertWidget(1, self.subject_filter, 1)
        self.new_button.setToolTip("Mở màn hình tiếp nhận hồ sơ mới (Ctrl+N); hồ sơ mức 2 của công dân: Ctrl+Shift+N")
        return filters

    def results_button(self) -> QPushButton:
        """"Nhập kết quả…": the national system's lists of issued/activated accounts (leaders only)."""
        from models.dossiers.status import actor_can  # imported late: only this button needs it

        self.import_results_button = QPushButton("Nhập kết quả…", objectName="importResultsButton")
        self.import_results_button.setToolTip("Nhập danh sách tổ chức đã được cấp / đã kích hoạt tài khoản do hệ "
                                              "thống quốc gia trả về (xem trước những gì sẽ thay đổi)")
        self.import_results_button.clicked.connect(self.open_results_import)
        self.import_results_button.setVisible(actor_can(self.store, "results.import"))
        return self.import_results_button

    def open_results_import(self):
        from ui.dialogs.results_import_dialog import ResultsImportDialog  # imported late: opened rarely

        dialog = ResultsImportDialog(self.ctx, parent=self.window())
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: self.reload(counts=True))
        dialog.open()
        return dialog
    def _build_approval_bar(self) -> QWidget:
        """Shown on «Chờ duyệt» to whoever may approve: approve or reject the selected dossier's proposal
        without opening it (the dossier screen has the same buttons)."""
        self.approval_bar = QWidget()
        self.approval_bar.setObjectName("approvalBar")
        row = QHBoxLayout(self.approval_bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Đề xuất của cán bộ tiếp nhận chờ chỉ huy duyệt: chọn hồ sơ rồi"))
        self.approve_button = QPushButton("Duyệt đề xuất")
        self.approve_button.setObjectName("pageApproveButton")
        self.approve_button.clicked.connect(lambda _checked=False: self.approve_current())
        self.reject_button = QPushButton("Không duyệt…")
        self.reject_button.setObjectName("pageRejectButton")
        self.reject_button.clicked.connect(lambda _checked=False: self.reject_current())
        row.addWidget(self.approve_button)
        row.addWidget(self.reject_button)
        row.addStretch(1)
        self.approval_bar.hide()
        self.step_dialog = None
        return self.approval_bar

    def _current_proposal(self) -> dict | None:
        dossier_id = self.current_dossier_id()
        proposal = procedure.open_proposal(self.store, dossier_id) if dossier_id is not None else None
        if proposal is None:
            show_message(self, "Chưa chọn hồ sơ", "Hãy chọn một hồ sơ có đề xuất đang chờ duyệt trong bảng.")
        return proposal

    def approve_current(self) -> None:
        p = self._current_proposal()
        if p is None:
            return
        number = self.store.scalar("SELECT number FROM dossiers WHERE id = ?", (p["dossier_id"],))
        text = f"Duyệt «{p['label'].lower()}» hồ sơ {number} của {p['proposed_by_name']}?"
        if p["to_status"] == "issued":
            text += f" Định danh tài khoản: {p['detail'].get('account_id')}."
        elif p["reason"]:
            text += f" Lý do từ chối: {p['reason']}"
        dialog = ConfirmMoveDialog(f"Duyệt đề xuất — {number}", text, self, ok_text="&Duyệt")
        dialog.accepted.connect(lambda: run_mutation(self, lambda: procedure.approve(self.store, p["id"]),
                                                     title="Không duyệt được"))
        self.step_dialog = dialog
        dialog.open()

    def reject_current(self) -> None:
        p = self._current_proposal()
        if p is None:
            return
        number = self.store.scalar("SELECT number FROM dossiers WHERE id = ?", (p["dossier_id"],))
        dialog = ReasonDialog(f"Không duyệt đề xuất — {number}",
                              f"Lý do không duyệt «{p['label'].lower()}» (cán bộ đề xuất sẽ đọc):", self)
        dialog.accepted.connect(lambda: run_mutation(
            self, lambda: procedure.reject(self.store, p["id"], dialog.reason()), title="Không ghi được"))
        self.step_dialog = dialog
        dialog.open()
        dialog.text.setFocus()

    def _filter_combo(self, name: str, everything: str, choices: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(everything, None)
        for text, data in choices:
            combo.addItem(text, data)
        combo.setMaximumWidth(220)
        combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(9)
        combo.currentIndexChanged.connect(lambda _i: self.reload(counts=True))
        return combo

    def _build_table(self) -> QTableView:
        self.model = DossierTableModel(self.store, self)
        self.table = _Table(self.open_current)
        self.table.setObjectName("dossierTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.table.setSelectionMode(QTableView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()  # row numbers would be asked of every row (200,000)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._on_header_clicked)
        arrange_columns(self.table)  # number, organization, status and due date in view at 1280×800
        self.table.doubleClicked.connect(lambda index: self.open_dossier(self.model.dossier_id(index.row())))
        return self.table

    def _build_timers(self) -> None:
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(200)
        self._reload_timer.timeout.connect(self.reload)
        self._changes_timer = QTimer(self)
        self._changes_timer.setSingleShot(True)
        self._changes_timer.setInterval(150)
        self._changes_timer.timeout.connect(self._apply_changes)
        # "today" and "overdue" move with the clock: the counts are refreshed once a minute while shown
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(60_000)
        self._clock_timer.timeout.connect(lambda: self.isVisible() and self.refresh_counts())
        self._clock_timer.start()

    def _build_shortcuts(self) -> None:
        host = self.ctx.window or self
        self.intake_shortcut = QShortcut(QKeySequence("Ctrl+N"), host)
        self.intake_shortcut.setContext(Qt.WindowShortcut)
        self.intake_shortcut.activated.connect(self.open_intake)
        self.person_shortcut = QShortcut(QKeySequence("Ctrl+Shift+N"), host)
        self.person_shortcut.setContext(Qt.WindowShortcut)
        self.person_shortcut.activated.connect(self.open_person_intake)
        self.search_shortcut = QShortcut(QKeySequence("Ctrl+F"), self)
        self.search_shortcut.setContext(Qt.WidgetWithChildrenShortcut)
        self.search_shortcut.activated.connect(self.search.setFocus)

    # ---- worklists ---------------------------------------------------------------------------------
    def _add_list_item(self, key: str, label: str) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.UserRole, key)
        item.setData(Qt.UserRole + 1, label)
        self.lists.addItem(item)

    def list_item(self, key: str) -> QListWidgetItem | None:
        for i in range(self.lists.count()):
            item = self.lists.item(i)
            if item.data(Qt.UserRole) == key:
                return item
        return None

    def select_list(self, key: str) -> None:
        item = self.list_item(key)
        if item is not None:
            self.lists.setCurrentItem(item)
            if self.current_list == key:
                self.reload()

    def _on_list_changed(self, current, _previous) -> None:
        if current is None or current.data(Qt.UserRole) is None:
            return
        self.current_list = current.data(Qt.UserRole)
        self.reload()

    def filters(self) -> worklists.Filters:
        return worklists.Filters(group=self.group_filter.currentData(), area_code=self.area_filter.currentData(),
                                 channel=self.channel_filter.currentData(),
                                 subject_type=self.subject_filter.currentData())

    def refresh_counts(self) -> dict[str, int]:
        counts = worklists.counts(self.store, self.filters())
        for i in range(self.lists.count()):
            item = self.lists.item(i)
            key = item.data(Qt.UserRole)
            if key is None:
                continue
            n = len(self._requests_overdue_ids()) if key == REQUESTS_OVERDUE else counts.get(key, 0)
            item.setText(f"{item.data(Qt.UserRole + 1)} ({thousands(n)})")
            if key in ("overdue", REQUESTS_OVERDUE):
                item.setForeground(Qt.red if n else Qt.black)
        return counts

    def reload(self, counts: bool | None = None) -> None:
        """Re-read the id list of the current worklist, keeping the selected dossier. The counts are
        re-read when data or filters changed (``counts=True``, or after a change notification), not
        when the officer only switches lists or types in the search field."""
        self._reload_timer.stop()
        if counts:
            self._counts_dirty = True
        self.approval_bar.setVisible(self.current_list == "awaiting_approval" and dossier_status.actor_can(
            self.store, dossier_states.APPROVE_PERMISSION))
        keep = self.current_dossier_id()
        try:
            if self.current_list == REQUESTS_OVERDUE:
                ids = self._requests_overdue_ids(clean(self.search.text()))
            else:
                ids = worklists.list_ids(self.store, self.current_list, clean(self.search.text()), self.filters(),
                                         sort=self.sort, descending=self.descending)
            if self._counts_dirty:
                self.refresh_counts()
                self._counts_dirty = False
        except Exception as exc:  # shown to the officer; a failure must not leave a half-drawn page
            show_error(self, exc)
            return
        self.model.set_ids(ids)
        n = len(ids)
        text = f"{thousands(n)} hồ sơ"
        if getattr(ids, "capped", False):
            text = f"{thousands(n)} hồ sơ mới nhất khớp với từ tìm — gõ thêm để thu hẹp"
        self.count_label.setText(text)
        if keep is not None and (row := self.model.row_of(keep)) >= 0:
            self.table.selectRow(row)
        elif n:
            self.table.selectRow(0)

    def _requests_overdue_ids(self, text: str = "") -> array:
        """Dossiers whose request to another locality is past its answer date, oldest due first."""
        ids = list(dict.fromkeys(r["dossier_id"] for r in locality_requests.overdue(self.store)))
        filters = self.filters()
        if text or filters != worklists.Filters():
            allowed = set(worklists.list_ids(self.store, "all", text, filters))
            ids = [i for i in ids if i in allowed]
        return array("q", ids)

    def _on_header_clicked(self, column: int) -> None:
        key = self.model.sort_key(column)
        if key is None:
            return
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = key, key in ("received_at", "due_date")
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(column, Qt.DescendingOrder if self.descending
                                                       else Qt.AscendingOrder)
        self.reload()

    # ---- changes from anywhere -------------------------------------------------------------------------
    def _on_changes(self, changes) -> None:
        # Any dossier write may move rows between lists (a status change), so ids and counts are
        # re-read once per burst of changes; the visible rows are re-fetched lazily.
        if any(c.table in LISTED or (c.kind is Kind.BULK and c.table is Table.ORGANIZATIONS) for c in changes):
            self._changes_timer.start()

    def _apply_changes(self) -> None:
        self.reload(counts=True)

    # ---- opening ---------------------------------------------------------------------------------------
    def current_dossier_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.dossier_id(index.row()) if index.isValid() else None

    def open_current(self) -> None:
        dossier_id = self.current_dossier_id()
        if dossier_id is not None:
            self.open_dossier(dossier_id)

    def open_dossier(self, dossier_id: int | None):
        if dossier_id is None:
            return None

        view = self.views.get(dossier_id)
        if view is None or not view.isVisible():
            try:
                if self.store.scalar("SELECT subject_type FROM dossiers WHERE id = ?", (dossier_id,)) == "person":
                    from ui.dialogs.person_intake_view import PersonDossierView  # imported late: citizens' only

                    view = PersonDossierView(self.ctx, dossier_id, parent=self.window())
                else:
                    view = DossierView(self.ctx, dossier_id, parent=self.window())
            except Exception as exc:
                show_error(self, exc, "Không mở được hồ sơ")
                return None
            view.destroyed.connect(lambda _obj=None, i=dossier_id: self.views.pop(i, None))
            self.views[dossier_id] = view
        view.show()
        view.raise_()
        view.activateWindow()
        return view

    def _on_search_enter(self) -> None:
        """A typed or scanned dossier number opens it at once; anything else just searches."""
        text = clean(self.search.text())
        found = dossier_rows.get_by_number(self.store, text) if text.upper().startswith("HS") else None
        if found is not None:
            self.open_dossier(found["id"])
            return
        self.reload()
        self.table.setFocus()

    def open_intake(self):
        if self.intake_dialog is not None and self.intake_dialog.isVisible():
            self.intake_dialog.raise_()
            self.intake_dialog.activateWindow()
            self.intake_dialog.lookup.edit.setFocus()
            return self.intake_dialog
        dialog = IntakeDialog(self.ctx, parent=self.window())
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.saved.connect(self._on_intake_saved)
        dialog.destroyed.connect(lambda _obj=None: setattr(self, "intake_dialog", None))
        self.intake_dialog = dialog
        dialog.open()
        dialog.activateWindow()
        dialog.lookup.edit.setFocus()
        return dialog

    def open_person_intake(self):
        from ui.dialogs.person_intake import PersonIntakeDialog  # imported late: opened on demand only

        dialog = PersonIntakeDialog(self.ctx, parent=self.window())
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.saved.connect(self._on_intake_saved)
        dialog.open()
        dialog.activateWindow()
        dialog.id_edit.setFocus()
        return dialog

    def _on_intake_saved(self, dossier_id: int) -> None:
        self.reload(counts=True)
        row = self.model.row_of(dossier_id)
        if row >= 0:
            self.table.selectRow(row)

    def activated(self) -> None:
        self.reload(counts=True)  # the day may have changed since the page was last shown
