"""Báo cáo tuần: choose the period, type the texts, preview the pages, issue, save, print, export the Excel
and the editable Word copy; the register.

The letterhead (parent body over issuing body), the symbol and the signer are checked against each other
(``models.reports.period``): what does not agree shows under the buttons after a preview, and issuing such
a report asks first.

Generation (figures + PDF) runs in a ``BackgroundOp``; the preview shows the exact bytes that will be
saved or printed. Issuing (``services.reports``) numbers the report, writes the file beside the chosen
name, records it in the register and only then puts the file in place: a refused number leaves nothing
at the chosen path (the register keeps the PDF itself, so "In lại" reprints the same bytes).

The texts typed here (difficulties, proposals, next week's tasks, letterhead, recipients, signer) stay when the officer goes to another
page; they are kept only by issuing the report or saving a draft (recipients and signer also as
defaults). Quitting, signing out or reopening an issued report over typed texts asks «Không lưu / Ở lại»
(``ui.dialogs.unsaved``: there is nothing to save them to).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core.changes import Table
from models.core.errors import UserError
from models.core.permissions import can
from models.reports import register as report_register
from models.reports.period import (
    KINDS,
    ReportPeriod,
    adhoc,
    current_week,
    default_recipients,
    get_settings,
    letterhead_bodies,
    letterhead_problems,
    previous_week,
    recipient_problems,
    save_settings,
    week_ending,
)
from models.text.vn_format import date_text, datetime_text, thousands, time_date_text
from services import reports as report_service
from services.reports import Generated, ReportForm
from ui.context import AppContext
from ui.dialogs.confirm import ask_yes_no
from ui.dialogs.pdf_preview import PdfPreview, print_pdf
from ui.dialogs.unsaved import settle
from ui.ops import BackgroundOp, run_mutation, show_error, show_message
from ui.tables.rows_model import RowsModel
from ui.widgets.file_dialogs import default_path
from ui.widgets.report_deadline import DeadlineBanner

REGISTER_COLUMNS = ["Số", "Loại", "Kỳ báo cáo", "Ngày ký", "Cán bộ", "Ban hành lúc", "Đúng hạn", "Trang", "SHA-256"]
SHA_COLUMN = 8
WATCHED = {Table.DOSSIERS, Table.CAMPAIGNS, Table.CAMPAIGN_PHASES, Table.CAMPAIGN_TARGETS, Table.TARGET_ALLOCATIONS,
           Table.UNITS, Table.AREAS}
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value


class RegisterModel(RowsModel):
    """The register's rows; the SHA-256 column shows its start and the whole value as a tooltip."""

    def __init__(self):
        super().__init__(REGISTER_COLUMNS)
        self.digests: list[str] = []

    def set_register(self, rows: list[list[str]], ids: list[int], digests: list[str]) -> None:
        self.digests = digests
        self.set_rows(rows, ids)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole.value):
        if getattr(role, "value", role) == _TOOLTIP:
            return self.digests[index.row()] if index.column() == SHA_COLUMN else None
        return super().data(index, role)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> dt.date:
    return dt.date(qdate.year(), qdate.month(), qdate.day())


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


class ReportsPage(QWidget):
    asks_on_page_switch = False  # the typed texts stay on the page while another page is shown
    unsaved_can_save = False  # kept only by issuing or a draft: the question offers «Không lưu» / «Ở lại»

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.current: Generated | None = None
        self.last_op: BackgroundOp | None = None
        self.last_folder: Path | None = None
        self._stale = False
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Báo cáo tuần</h2>"))
        self.banner = DeadlineBanner(ctx, self)
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportTabs")
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_compose(), "Soạn báo cáo")
        self.tabs.addTab(self._build_register(), "Sổ báo cáo đã ban hành")
        self._shortcuts()
        self.load_defaults()
        self.refresh_register()
        ctx.changes.changed.connect(self._on_changes)

    # ---- building -------------------------------------------------------------------------------
    def _build_compose(self) -> QWidget:
        form_box = QWidget()
        form_layout = QVBoxLayout(form_box)
        form_layout.addWidget(self._build_period_group())
        form_layout.addWidget(self._build_text_group())
        buttons = self._build_actions()
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form_layout.addStretch(1)

        self.preview_widget = PdfPreview()
        # Only the fields scroll on short screens (1366×768, 1280×720); the actions and the status line stay
        # below them, always on screen.
        form_scroll = QScrollArea()
        form_scroll.setObjectName("reportFormScroll")
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QFrame.NoFrame)
        form_scroll.setWidget(form_box)
        left = QWidget()
        left.setObjectName("reportFormPanel")
        left.setMinimumWidth(520)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(form_scroll, 1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.status)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.preview_widget)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        splitter.setSizes([560, 700])
        return splitter

    def _build_period_group(self) -> QGroupBox:
        period_group = QGroupBox("Kỳ báo cáo")
        period_form = QFormLayout(period_group)
        self.kind = QComboBox()
        self.kind.setObjectName("reportKind")
        for key, label in KINDS.items():
            self.kind.addItem(label, key)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.week_end = _date_edit("weekEnd")
        self.start_date = _date_edit("startDate")
        self.end_date = _date_edit("endDate")
        self.review_title = QLineEdit()
        self.review_title.setObjectName("reviewTitle")
        self.review_title.setPlaceholderText("ví dụ: giai đoạn 1")
        self.period_hint = QLabel()
        self.period_hint.setObjectName("periodHint")
        self.period_hint.setWordWrap(True)
        self.number = QSpinBox()
        self.number.setObjectName("reportNumber")
        self.number.setRange(0, 99999)
        self.number.setSpecialValueText("(chưa cấp số)")
        self.doc_date = _date_edit("docDate")
        period_form.addRow("&Loại báo cáo:", self.kind)
        period_form.addRow("T&uần kết thúc ngày:", self.week_end)
        period_form.addRow("Từ ngày:", self.start_date)
        period_form.addRow("Đến n&gày:", self.end_date)
        period_form.addRow("Tên đợt &sơ/tổng kết:", self.review_title)
        period_form.addRow("", self.period_hint)
        period_form.addRow("&Số báo cáo:", self.number)
        period_form.addRow("Ngà&y ký:", self.doc_date)
        self.period_form = period_form
        for edit in (self.week_end, self.start_date, self.end_date):
            edit.dateChanged.connect(self._update_hint)
        return period_group

    def _build_text_group(self) -> QGroupBox:
        text_group = QGroupBox("Nội dung do cán bộ nhập")
        text_form = QFormLayout(text_group)
        self.difficulties = QPlainTextEdit()
        self.difficulties.setObjectName("difficulties")
        self.proposals = QPlainTextEdit()
        self.proposals.setObjectName("proposals")
        self.next_week = QPlainTextEdit()
        self.next_week.setObjectName("nextWeek")
        self.next_week.setPlaceholderText("Phương hướng, nhiệm vụ trọng tâm tuần tới (mỗi dòng một đoạn)")
        self.recipients = QPlainTextEdit()
        self.recipients.setObjectName("recipients")
        for edit in (self.difficulties, self.proposals, self.next_week, self.recipients):
            edit.setTabChangesFocus(True)
            edit.setMinimumHeight(56)
            edit.setMaximumHeight(64)  # more of the form shows above the buttons on short screens
        self.parent_body = QLineEdit()
        self.parent_body.setObjectName("parentBody")
        self.parent_body.setPlaceholderText("ví dụ: Công an tỉnh An Giang")
        self.parent_body.setToolTip("Cơ quan chủ quản: dòng trên cùng bên trái, in hoa (Nghị định 30/2020)")
        self.issuing_body = QLineEdit()
        self.issuing_body.setObjectName("issuingBody")
        self.issuing_body.setPlaceholderText("ví dụ: Phòng Cảnh sát QLHC về TTXH")
        self.issuing_body.setToolTip("Cơ quan ban hành báo cáo: dưới cơ quan chủ quản, in hoa đậm; "
                                     "tổ công tác không phải cơ quan ban hành")
        self.symbol = QLineEdit()
        self.symbol.setObjectName("reportSymbol")
        self.symbol.setPlaceholderText("ví dụ: BC-PC06")
        self.signer_authority = QLineEdit()
        self.signer_authority.setObjectName("signerAuthority")
        self.signer_title = QLineEdit()
        self.signer_title.setObjectName("signerTitle")
        self.signer_name = QLineEdit()
        self.signer_name.setObjectName("signerName")
        text_form.addRow("&Khó khăn, vướng mắc:", self.difficulties)
        text_form.addRow("Đề &xuất, kiến nghị:", self.proposals)
        text_form.addRow("&Phương hướng, nhiệm vụ tuần tới:", self.next_week)
        text_form.addRow("Cơ quan chủ quản:", self.parent_body)
        text_form.addRow("Cơ qu&an ban hành:", self.issuing_body)
        text_form.addRow("Ký hiệu &văn bản:", self.symbol)
        text_form.addRow("Nơi nhận (mỗi &dòng một nơi):", self.recipients)
        text_form.addRow("Thẩm &quyền ký:", self.signer_authority)
        text_form.addRow("&Chức vụ người ký:", self.signer_title)
        text_form.addRow("&Họ tên người ký:", self.signer_name)
        self.save_defaults_button = QPushButton("Lưu tiêu đề, người ký và nơi nhận làm mặc định")
        self.save_defaults_button.setObjectName("saveDefaults")
        self.save_defaults_button.clicked.connect(self.save_defaults)
        text_form.addRow("", self.save_defaults_button)
        return text_group

    def _build_actions(self) -> QGridLayout:
        buttons = QGridLayout()  # two rows of four: the form stays narrow and the preview gets the room
        self.preview_button = QPushButton("Xem t&rước (F5)")
        self.preview_button.setObjectName("previewButton")
        self.preview_button.clicked.connect(self.preview)
        self.issue_button = QPushButton("&Ban hành và lưu…")
        self.issue_button.setObjectName("issueButton")
        self.issue_button.setToolTip("Cấp số, lưu tệp PDF và ghi vào sổ báo cáo (Ctrl+S)")
        self.issue_button.clicked.connect(lambda: self.issue())
        self.draft_button = QPushButton("Lưu bản &nháp…")
        self.draft_button.setObjectName("draftButton")
        self.draft_button.clicked.connect(lambda: self.save_draft())
        self.print_button = QPushButton("&In…")
        self.print_button.setObjectName("printButton")
        self.print_button.setToolTip("In bản đang xem trước (Ctrl+P)")
        self.print_button.clicked.connect(self.print_current)
        self.xlsx_button = QPushButton("Xuất &Excel…")
        self.xlsx_button.setObjectName("xlsxButton")
        self.xlsx_button.clicked.connect(lambda: self.save_xlsx())
        self.docx_button = QPushButton("Xuất &Word…")
        self.docx_button.setObjectName("docxButton")
        self.docx_button.setToolTip("Cùng báo cáo dưới dạng Word (.docx) để lãnh đạo chỉnh sửa trước khi ký; "
                                    "bản PDF ban hành là bản lưu")
        self.docx_button.clicked.connect(lambda: self.save_docx())
        self.folder_button = QPushButton("Mở thư mục")
        self.folder_button.setObjectName("folderButton")
        self.folder_button.clicked.connect(self.open_folder)
        for index, button in enumerate((self.preview_button, self.issue_button, self.draft_button,
                                        self.print_button, self.xlsx_button, self.docx_button, self.folder_button)):
            buttons.addWidget(button, index // 4, index % 4)
        return buttons

    def _build_register(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        self.register_model = RegisterModel()
        self.register_table = QTableView()
        self.register_table.setObjectName("reportRegister")
        self.register_table.setModel(self.register_model)
        self.register_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.register_table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.register_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.register_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.register_table.horizontalHeader().setStretchLastSection(True)
        self.register_table.doubleClicked.connect(lambda _index: self.reopen_selected())
        self.register_empty = QLabel("Chưa ban hành báo cáo nào. Soạn ở thẻ «Soạn báo cáo», xem trước (F5) rồi "
                                     "«Ban hành và lưu…» (Ctrl+S): báo cáo đã ban hành được ghi vào sổ này.")
        self.register_empty.setObjectName("registerEmpty")
        self.register_empty.setWordWrap(True)
        self.register_empty.setStyleSheet("color: #555; padding: 6px;")
        layout.addWidget(self.register_empty)
        layout.addWidget(self.register_table, 1)
        row = QHBoxLayout()
        self.reopen_button = QPushButton("Mở &lại")
        self.reopen_button.setObjectName("reopenButton")
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.reprint_button = QPushButton("In lạ&i…")
        self.reprint_button.setObjectName("reprintButton")
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.copy_button = QPushButton("Lưu &bản sao…")
        self.copy_button.setObjectName("copyButton")
        self.copy_button.clicked.connect(lambda: self.save_copy_selected())
        for button in (self.reopen_button, self.reprint_button, self.copy_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    def _shortcuts(self) -> None:
        # Active only while the focus is on this page (other pages have their own Ctrl+S/Ctrl+P).
        for keys, slot in (("F5", self.preview), ("Ctrl+S", lambda: self.issue()), ("Ctrl+P", self.print_current)):
            shortcut = QShortcut(QKeySequence(keys), self, activated=slot)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)

    # ---- state ----------------------------------------------------------------------------------
    def load_defaults(self) -> None:
        store = self.ctx.store
        settings = get_settings(store)
        week = current_week(store.now(), settings)
        if week.end >= store.today() and report_register.deadline_status(store).state == "late":
            # After Thursday's deadline the "next" week has not ended yet: the late report the red banner
            # is about is the one to write now.
            week = previous_week(store.now(), settings)
        self.week_end.setDate(_qdate(week.end))
        self.start_date.setDate(_qdate(week.start))
        self.end_date.setDate(_qdate(week.end))
        self.doc_date.setDate(_qdate(store.today()))
        self.number.setValue(report_register.next_number(store))
        parent, issuing = letterhead_bodies(store, settings)
        self.parent_body.setText(parent)
        self.issuing_body.setText(issuing)
        self.symbol.setText(settings.symbol)
        self.recipients.setPlainText("\n".join(settings.recipients or default_recipients(parent, settings.symbol)))
        self.signer_authority.setText(settings.signer_authority)
        self.signer_title.setText(settings.signer_title)
        self.signer_name.setText(settings.signer_name)
        allowed = can(store.actor.role, "report.issue")
        self.issue_button.setEnabled(allowed)
        if not allowed:
            self.issue_button.setToolTip("Chỉ chỉ huy được ban hành báo cáo; cán bộ có thể lưu bản nháp.")
        self.save_defaults_button.setEnabled(can(store.actor.role, "unit.manage"))
        self._kind_changed()
        self._kept = self._texts()

    # ---- unsaved texts (ui.dialogs.unsaved) ---------------------------------------------------------
    def _texts(self) -> dict:
        return {"difficulties": self.difficulties.toPlainText().strip(), "proposals": self.proposals.toPlainText().strip(),
                "next_week": self.next_week.toPlainText().strip(),
                "letterhead": (self.parent_body.text().strip(), self.issuing_body.text().strip(),
                               self.symbol.text().strip()),
                "recipients": self.recipients.toPlainText().strip(),
                "signer": (self.signer_authority.text().strip(), self.signer_title.text().strip(),
                           self.signer_name.text().strip())}

    def has_unsaved_changes(self) -> bool:
        return self._texts() != self._kept

    def unsaved_title(self) -> str:
        return "Báo cáo đang soạn (khó khăn, đề xuất, nhiệm vụ tuần tới, tiêu đề, nơi nhận, người ký)"

    def save_changes(self) -> bool:
        return False  # nowhere to save to: the question offers no «Lưu»

    def discard_changes(self) -> None:
        self._kept = self._texts()

    def _kind_changed(self) -> None:
        weekly = self.kind.currentData() == "weekly"
        review = self.kind.currentData() in ("phase", "final")
        for widget, visible in ((self.week_end, weekly), (self.start_date, not weekly), (self.end_date, not weekly),
                                (self.review_title, review)):
            widget.setVisible(visible)
            label = self.period_form.labelForField(widget)
            if label:
                label.setVisible(visible)
        self._update_hint()

    def _update_hint(self) -> None:
        try:
            period = self.period()
        except UserError as exc:
            self.period_hint.setText(str(exc))
            return
        text = f"Từ {date_text(period.start)} đến {date_text(period.end)}"
        if period.due_at:
            text += f"; hạn nộp {time_date_text(period.due_at)}"
        self.period_hint.setText(text)

    def period(self) -> ReportPeriod:
        kind = self.kind.currentData()
        if kind == "weekly":
            return week_ending(_pydate(self.week_end.date()), get_settings(self.ctx.store))
        return adhoc(_pydate(self.start_date.date()), _pydate(self.end_date.date()), kind,
                     self.review_title.text().strip())

    def form_values(self) -> ReportForm:
        return ReportForm(
            doc_date=_pydate(self.doc_date.date()),
            difficulties=self.difficulties.toPlainText(),
            proposals=self.proposals.toPlainText(),
            next_week=self.next_week.toPlainText(),
            recipients=[line.strip() for line in self.recipients.toPlainText().splitlines() if line.strip()],
            signer_authority=self.signer_authority.text().strip(),
            signer_title=self.signer_title.text().strip(),
            signer_name=self.signer_name.text().strip(),
            parent_body=self.parent_body.text().strip(),
            issuing_body=self.issuing_body.text().strip(),
            symbol=self.symbol.text().strip(),
        )

    def form_problems(self) -> list[str]:
        """What does not agree between the issuing body, the symbol, the signer and the recipients typed."""
        form = self.form_values()
        settings = get_settings(self.ctx.store)
        issuing = form.issuing_body or letterhead_bodies(self.ctx.store, settings)[1]
        symbol = form.symbol or settings.symbol
        return (letterhead_problems(issuing, symbol, form.signer_authority or "", form.signer_title or "")
                + recipient_problems(form.recipients or [], issuing, symbol))

    # ---- actions --------------------------------------------------------------------------------
    def _run(self, fn, title: str, on_success) -> BackgroundOp:
        self.last_op = BackgroundOp(self.ctx, fn, title=title, parent=self).success(on_success).with_progress().run()
        return self.last_op

    def preview(self) -> BackgroundOp | None:
        try:
            period = self.period()
        except UserError as exc:
            show_error(self, exc)
            return None
        form = self.form_values()
        number = self.number.value() or None

        def work(store, progress):
            progress.update(0, 1, "Đang tổng hợp số liệu và dựng báo cáo…")
            return report_service.build_report(store, period, form, number=number)

        return self._run(work, "Đang dựng báo cáo…", self._show_generated)

    def _show_generated(self, generated: Generated) -> None:
        self.current = generated
        self._stale = False
        self.preview_widget.set_pdf(generated.pdf)
        state = "Đã ban hành" if generated.report_id else "Bản xem trước"
        self.status.setText(
            f"{state}: {generated.data.number_line}, {generated.pages} trang; "
            f"tổng trong kỳ {thousands(generated.data.group_total.this_week)}, "
            f"lũy kế {thousands(generated.data.group_total.cumulative)}. "
            f"SHA-256: {generated.sha256}" + (f"\nĐã lưu: {generated.path}" if generated.path else "")
            + "".join(f"\nLưu ý: {warning}" for warning in generated.warnings))

    def default_path(self, period: ReportPeriod, number: int | None, suffix: str = ".pdf") -> Path:
        folder = self.last_folder or Path(self.ctx.store.path).parent / "bao-cao"
        name = f"bao-cao-{period.kind}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        return folder / (name + (f"-so-{number}" if number else "-nhap") + suffix)

    def _ask_path(self, suggested: Path, caption: str, filter_: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, caption, default_path(suggested), filter_)
        return Path(path) if path else None

    def issue(self, path: Path | None = None, *, confirm_repeat: bool | None = None) -> BackgroundOp | None:
        store = self.ctx.store
        try:
            period = self.period()
            if not self.number.value():
                raise UserError("Hãy nhập số báo cáo trước khi ban hành.")
        except UserError as exc:
            show_error(self, exc)
            return None
        number = self.number.value()
        previous = report_register.issued_for(store, period.kind, period.start, period.end)
        if previous and confirm_repeat is None:
            confirm_repeat = ask_yes_no(
                self, "Ban hành lại?",
                f"Kỳ này đã có báo cáo {previous['number_text']} ban hành lúc {datetime_text(previous['issued_at'])}. "
                "Ban hành báo cáo thay thế?")
        if previous and not confirm_repeat:
            return None
        problems = self.form_problems()
        if problems and not ask_yes_no(
                self, "Báo cáo chưa thống nhất",
                "Tiêu đề, ký hiệu, người ký hoặc nơi nhận của báo cáo chưa thống nhất:\n"
                + "\n".join(f"- {p}" for p in problems) + "\n\nVẫn ban hành báo cáo này?"):
            return None
        path = path or self._ask_path(self.default_path(period, number), "Lưu báo cáo đã ban hành", "PDF (*.pdf)")
        if path is None:
            return None
        form = self.form_values()
        texts = self._texts()

        def work(store, progress):
            progress.update(0, 2, "Đang dựng báo cáo…")
            generated = report_service.build_report(store, period, form, number=number)
            progress.update(1, 2, "Đang lưu và ghi vào sổ…")
            # The file reaches ``path`` only once the register accepted the number (services/output.py).
            return report_service.issue(store, generated, path, allow_repeat=bool(previous))

        return self._run(work, "Đang ban hành báo cáo…", lambda generated: self._issued(generated, texts))

    def _issued(self, generated: Generated, texts: dict | None = None) -> None:
        if texts is not None:
            self._kept = texts  # in the register now
        self.last_folder = Path(generated.path).parent
        self._show_generated(generated)
        self.number.setValue(report_register.next_number(self.ctx.store))
        show_message(self, "Đã ban hành", f"Đã ban hành báo cáo {generated.data.number_line} và lưu vào "
                                          f"«{generated.path}».")

    def save_draft(self, path: Path | None = None) -> BackgroundOp | None:
        try:
            period = self.period()
        except UserError as exc:
            show_error(self, exc)
            return None
        path = path or self._ask_path(self.default_path(period, None), "Lưu bản nháp", "PDF (*.pdf)")
        if path is None:
            return None
        form = self.form_values()
        texts = self._texts()

        def work(store, progress):
            return report_service.save_draft(store, period, form, path)

        def done(generated: Generated) -> None:
            self._kept = texts  # in the draft file now
            self.last_folder = Path(generated.path).parent
            self._show_generated(generated)

        return self._run(work, "Đang lưu bản nháp…", done)

    def save_xlsx(self, path: Path | None = None) -> BackgroundOp | None:
        try:
            period = self.period()
        except UserError as exc:
            show_error(self, exc)
            return None
        number = self.number.value() or None
        path = path or self._ask_path(self.default_path(period, number, ".xlsx"), "Xuất Excel", "Excel (*.xlsx)")
        if path is None:
            return None
        form = self.form_values()

        def work(store, progress):
            return report_service.save_workbook(store, period, form, path, number=number)

        def done(written: Path) -> None:
            self.last_folder = written.parent
            self.status.setText(f"Đã xuất Excel: {written}")

        return self._run(work, "Đang xuất Excel…", done)

    def save_docx(self, path: Path | None = None) -> BackgroundOp | None:
        """The report as an editable Word document; for a report reopened from the register, the figures
        it was issued with."""
        try:
            period = self.period()
        except UserError as exc:
            show_error(self, exc)
            return None
        number = self.number.value() or None
        issued_id = self.current.report_id if self.current is not None and not self._stale else None
        if issued_id:
            number = self.current.data.number
        path = path or self._ask_path(self.default_path(period, number, ".docx"), "Xuất Word",
                                      "Word (*.docx)")
        if path is None:
            return None
        form = self.form_values()

        def work(store, progress):
            if issued_id:
                return report_service.save_issued_word(store, issued_id, path)
            return report_service.save_word(store, period, form, path, number=number)

        def done(written: Path) -> None:
            self.last_folder = written.parent
            self.status.setText(f"Đã xuất Word: {written}. Bản PDF ban hành vẫn là bản lưu của báo cáo.")

        return self._run(work, "Đang xuất Word…", done)

    def print_current(self) -> None:
        if self.current is None or self._stale:
            show_message(self, "Chưa có bản xem trước", "Bấm «Xem trước» (F5) để dựng báo cáo, rồi in.")
            return
        self.print_bytes(self.current.pdf)

    def print_bytes(self, pdf: bytes) -> int:
        printer = QPrinter(QPrinter.HighResolution)
        printer.setFullPage(True)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("In báo cáo")
        if dialog.exec() != QDialog.Accepted:
            return 0
        try:
            return print_pdf(pdf, printer)
        except OSError as exc:
            show_error(self, UserError(str(exc)))
            return 0

    def open_folder(self) -> None:
        folder = self.last_folder or Path(self.ctx.store.path).parent / "bao-cao"
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def save_defaults(self) -> None:
        store = self.ctx.store
        form = self.form_values()
        settings = get_settings(store)
        if not run_mutation(self, lambda: save_settings(store, type(settings)(
                unit_id=settings.unit_id, due_weekday=settings.due_weekday, due_time=settings.due_time,
                symbol=form.symbol or settings.symbol, signer_authority=form.signer_authority,
                signer_title=form.signer_title, signer_name=form.signer_name, recipients=tuple(form.recipients),
                parent_body=form.parent_body, issuing_body=form.issuing_body))):
            return
        texts = self._texts()
        self._kept = {**self._kept, "recipients": texts["recipients"], "signer": texts["signer"],
                      "letterhead": texts["letterhead"]}
        self.status.setText("Đã lưu tiêu đề, người ký và nơi nhận làm mặc định.")

    # ---- register -------------------------------------------------------------------------------
    def refresh_register(self) -> None:
        rows = report_register.list_reports(self.ctx.store)
        values = []
        for row in rows:
            on_time = {1: "Đúng hạn", 0: "Muộn", None: "—"}[row["on_time"]]
            values.append([row["number_text"], KINDS.get(row["kind"], row["kind"]),
                           f"{date_text(row['period_start'])}–"
                           f"{date_text(row['period_end'])}",
                           date_text(row["doc_date"]), row["officer_name"],
                           datetime_text(row["issued_at"]),
                           on_time, str(row["pages"]), row["sha256"][:16] + "…"])
        self.register_model.set_register(values, [row["id"] for row in rows], [row["sha256"] for row in rows])
        self.register_empty.setVisible(not rows)
        for button in (self.reopen_button, self.reprint_button, self.copy_button):
            button.setEnabled(bool(rows))

    def selected_report_id(self) -> int | None:
        selected = self.register_table.selectionModel().selectedRows()
        return self.register_model.keys[selected[0].row()] if selected else None

    def reopen_selected(self) -> None:
        report_id = self.selected_report_id()
        if report_id is None or not settle(self, self):  # the report's texts replace those being typed
            return
        store = self.ctx.store
        opened = run_mutation(self, lambda: (*report_register.get_report(store, report_id),
                                             report_register.report_pdf(store, report_id)))
        if not opened:
            return
        row, data, pdf = opened.value
        start, end = dt.date.fromisoformat(data.period_start), dt.date.fromisoformat(data.period_end)
        self.kind.setCurrentIndex(self.kind.findData(data.kind))
        self.week_end.setDate(_qdate(end))
        self.start_date.setDate(_qdate(start))
        self.end_date.setDate(_qdate(end))
        self.doc_date.setDate(_qdate(dt.date.fromisoformat(data.doc_date)))
        self.difficulties.setPlainText(data.difficulties)
        self.proposals.setPlainText(data.proposals)
        self.next_week.setPlainText(data.next_week)
        self.parent_body.setText(data.parent_body)
        self.issuing_body.setText(data.unit_name)
        self.symbol.setText(data.symbol)
        self.recipients.setPlainText("\n".join(data.recipients))
        self.signer_authority.setText(data.signer_authority)
        self.signer_title.setText(data.signer_title)
        self.signer_name.setText(data.signer_name)
        self._kept = self._texts()
        period = ReportPeriod(data.kind, start, end)
        self._show_generated(Generated(data, pdf, row["pages"], row["sha256"], period, report_id, row["saved_path"]))
        self.tabs.setCurrentIndex(0)

    def reprint_selected(self) -> int:
        report_id = self.selected_report_id()
        if report_id is None:
            return 0
        read = run_mutation(self, lambda: report_register.report_pdf(self.ctx.store, report_id, purpose="reprint"))
        return self.print_bytes(read.value) if read else 0

    def save_copy_selected(self, path: Path | None = None) -> Path | None:
        report_id = self.selected_report_id()
        if report_id is None:
            return None
        store = self.ctx.store
        found = run_mutation(self, lambda: report_register.get_report(store, report_id))
        if not found:
            return None
        data = found.value[1]
        if path is None:
            suggested = self.default_path(ReportPeriod(data.kind, dt.date.fromisoformat(data.period_start),
                                                       dt.date.fromisoformat(data.period_end)), data.number)
            path = self._ask_path(suggested, "Lưu bản sao báo cáo", "PDF (*.pdf)")
            if path is None:
                return None
        saved = run_mutation(self, lambda: report_service.save_issued_copy(store, report_id, path))
        if not saved:
            return None
        self.last_folder = path.parent
        self.status.setText(f"Đã lưu bản sao {saved.value['number_text']}: {path}")
        return path

    # ---- changes --------------------------------------------------------------------------------
    def _on_changes(self, changes) -> None:
        tables = {c.table for c in changes}
        if Table.REPORTS in tables:
            self.refresh_register()
        if WATCHED & tables and self.current is not None and self.current.report_id is None:
            self._stale = True
            self.status.setText("Số liệu đã thay đổi; bấm «Xem trước» (F5) để dựng lại báo cáo trước khi in.")
        if Table.REPORT_SETTINGS in tables:
            self._update_hint()

    def activated(self) -> None:
        self.banner.refresh()
        self.refresh_register()
