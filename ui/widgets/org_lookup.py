"""Type-ahead over the organization registry: a search field with a result list under it.

Typing searches the registry (tax code prefix, or words of the name without diacritics) after
a short pause; Up/Down move in the results; Enter takes the organization whose tax code was typed in
full, else the highlighted result. When nothing matches, ``not_found`` carries what was typed so the
caller can offer to create the organization.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from models.core.store import Store
from models.dossiers import records as dossier_model
from models.registry import organizations as orgs
from models.text.identifiers import check_tax_code
from models.text.normalize import clean

RESULT_LIMIT = 20


class OrgLookup(QWidget):
    picked = Signal(dict)  # the organizations row
    not_found = Signal(str)  # the text typed (a canonical tax code when it was one)

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.edit = QLineEdit()
        self.edit.setObjectName("orgSearch")
        self.edit.setPlaceholderText("Gõ mã số thuế hoặc tên tổ chức, Enter để chọn")
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("orgResults")
        self.results.setFocusPolicy(Qt.NoFocus)  # the keyboard stays in the field; Up/Down drive the list
        self.results.setMaximumHeight(150)
        self.results.itemActivated.connect(lambda _item: self.accept_current())
        self.results.itemClicked.connect(lambda _item: self.accept_current())
        self.hint = QLabel()
        self.hint.setObjectName("orgSearchHint")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.hint)
        self.results.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.run_search)
        self.edit.textEdited.connect(lambda _text: self._timer.start())
        self.edit.installEventFilter(self)
        self._searched_text: str | None = None

    # ---- searching ---------------------------------------------------------------------------
    def run_search(self) -> None:
        self._timer.stop()
        text = clean(self.edit.text())
        self._searched_text = text
        self.results.clear()
        if len(text) < 2:
            self.results.hide()
            self.hint.setText("")
            return
        rows = dossier_model.find_organizations(self.store, text, limit=RESULT_LIMIT)
        for row in rows:
            item = QListWidgetItem(_describe(row))
            item.setData(Qt.UserRole, row["id"])
            self.results.addItem(item)
        self.results.setVisible(bool(rows))
        if rows:
            self.results.setCurrentRow(0)
            more = " (còn nữa — gõ thêm để thu hẹp)" if len(rows) >= RESULT_LIMIT else ""
            self.hint.setText(f"{len(rows)} tổ chức khớp{more}. ↑/↓ để chọn, Enter để lấy.")
        else:
            self.hint.setText("Không có trong sổ. Enter để tạo tổ chức mới.")

    def accept_current(self) -> None:
        """Enter: the exact tax code first, else the highlighted result, else "not found"."""
        text = clean(self.edit.text())
        if not text:
            return
        checked = check_tax_code(text)
        if checked.ok and checked.value:
            row = orgs.find_by_tax_code(self.store, checked.value)
            if row is not None:
                self._pick(row)
                return
            self.not_found.emit(checked.value)
            return
        if self._timer.isActive() or self._searched_text != text:
            self.run_search()
        item = self.results.currentItem()
        if item is None:
            self.not_found.emit(text)
            return
        # the full row, as find_by_tax_code gives it: the intake form compares the declared number with the
        # registry's and logs the reveal when it prefills (ui/dialogs/intake_dialog.py, use_organization)
        row = orgs.load(self.store, item.data(Qt.UserRole))
        if row is not None:
            self._pick(row)

    def _pick(self, row: dict) -> None:
        self.results.hide()
        self.hint.setText("")
        self.picked.emit(row)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.edit and event.type() == QEvent.KeyPress:
            key = event.key()
            if key in (Qt.Key_Return, Qt.Key_Enter) and not event.modifiers() & Qt.ControlModifier:
                self.accept_current()
                return True
            if key in (Qt.Key_Down, Qt.Key_Up) and self.results.count():
                step = 1 if key == Qt.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
        return super().eventFilter(obj, event)


def _describe(row: dict) -> str:
    parts = [row.get("tax_code") or "(không MST)", row["name"]]
    if row.get("address"):
        parts.append(row["address"])
    status = row.get("status")
    if status and status != "active":
        parts.append(orgs.STATUSES.get(status, status))
    return " — ".join(parts)
