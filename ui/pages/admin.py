"""Quản trị: officers' accounts, security/backup settings, backup now / to a folder, restore, check, and the
days off and make-up working days the due dates use (official days apart from the unit's own)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.core.changes import Table
from models.core.permissions import ROLE_LABELS, can
from models.dossiers import calendar as working_days
from models.reports import old_divisions
from models.reports.period import WEEKDAYS
from models.security import auth, backups
from models.text.vn_format import date_text, thousands
from services import backups as backup_service
from ui.context import AppContext
from ui.dialogs.confirm import ask_yes_no
from ui.dialogs.password_dialog import PasswordDialog
from ui.ops import run_mutation, show_message
from ui.tables.rows_model import RowsModel, rows_view, selected_row
from ui.widgets.file_dialogs import default_folder

OFFICER_COLUMNS = ["Họ và tên", "Tên đăng nhập", "Cấp bậc", "Chức vụ", "Vai trò", "Trạng thái"]
DAY_COLUMNS = ["Ngày", "Thứ", "Loại", "Tên", "Nguồn", "Căn cứ"]
DAY_KINDS = {"holiday": "Nghỉ", "make_up": "Làm bù"}
# The unit's own days stand out from the official ones; a removed official day is greyed.
DAY_COLOURS = {"added": ("#e8f0fe", "#1f3d7a"), "renamed": ("#e8f0fe", "#1f3d7a"), "removed": ("#f1f1f1", "#777777"),
               "provisional": ("#fff8e1", "#5f4b00")}


def _officer_status(row: dict, now: str) -> str:
    if not row["active"]:
        return "Đã khoá"
    if row["locked_until"] and row["locked_until"] > now:
        return f"Tạm khoá đến {row['locked_until'][11:16]}"
    return "Đang hoạt động"


class OfficerDialog(QDialog):
    """New officer (with password) or edit of name/rank/title."""

    def __init__(self, parent: QWidget, officer: dict | None = None):
        super().__init__(parent)
        self.setObjectName("officerDialog")
        self.setWindowTitle("Sửa tài khoản cán bộ" if officer else "Thêm cán bộ")
        form = QFormLayout(self)
        self.full_name = QLineEdit(officer["full_name"] if officer else "")
        self.full_name.setObjectName("fullName")
        self.rank = QLineEdit((officer or {}).get("rank") or "")
        self.rank.setObjectName("rank")
        self.title_field = QLineEdit((officer or {}).get("title") or "")
        self.title_field.setObjectName("title")
        form.addRow("&Họ và tên:", self.full_name)
        form.addRow("&Cấp bậc:", self.rank)
        form.addRow("&Chức vụ:", self.title_field)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.role = QComboBox()
        self.role.setObjectName("role")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.Password)
        if officer is None:
            for role in auth.ROLES:
                self.role.addItem(ROLE_LABELS[role], role)
            form.addRow("&Tên đăng nhập:", self.username)
            form.addRow("&Vai trò:", self.role)
            form.addRow("&Mật khẩu ban đầu:", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Huỷ")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class DayDialog(QDialog):
    """Add a day off or a make-up working day, or rename one (the day then becomes the unit's own)."""

    def __init__(self, parent: QWidget, entry: dict | None = None):
        super().__init__(parent)
        self.setObjectName("dayDialog")
        self.setWindowTitle("Sửa ngày" if entry else "Thêm ngày nghỉ / ngày làm bù")
        form = QFormLayout(self)
        self.day = QLineEdit(date_text(entry["day"]) if entry else "")
        self.day.setObjectName("dayField")
        self.day.setPlaceholderText("dd/mm/yyyy")
        self.kind = QComboBox()
        self.kind.setObjectName("kindField")
        for kind, label in (("holiday", "Ngày nghỉ"), ("make_up", "Ngày làm bù (thứ Bảy làm việc)")):
            self.kind.addItem(label, kind)
        if entry:
            self.kind.setCurrentIndex(self.kind.findData(entry["kind"]))
            self.day.setReadOnly(True)
            self.kind.setEnabled(False)
        self.name = QLineEdit(entry["name"] if entry else "")
        self.name.setObjectName("nameField")
        form.addRow("&Ngày:", self.day)
        form.addRow("&Loại:", self.kind)
        form.addRow("&Tên, căn cứ:", self.name)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Huỷ")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class AdminPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Quản trị</h2>"))
        self.denied = QLabel("Chỉ quản trị viên được quản lý tài khoản, cài đặt và khôi phục dữ liệu.")
        self.denied.setObjectName("deniedLabel")
        layout.addWidget(self.denied)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_officers_tab(), "&Cán bộ")
        self.tabs.addTab(self._build_settings_tab(), "Cài đặt")
        self.tabs.addTab(self._build_backup_tab(), "&Sao lưu, khôi phục")
        self.tabs.addTab(self._build_calendar_tab(), "Ngày ng&hỉ, làm bù")
        layout.addWidget(self.tabs, 1)
        layout.addStretch(0)  # keeps the title at the top when the tabs are hidden (no permission)
        ctx.changes.changed.connect(self._on_changes)
        self.activated()

    # ---- officers ---------------------------------------------------------------------------------------
    def _build_officers_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.officers_model = RowsModel(OFFICER_COLUMNS)
        self.officers = rows_view("officersTable", self.officers_model)
        layout.addWidget(self.officers, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Thêm cán &bộ…")
        self.add_button.setObjectName("addOfficer")
        self.edit_button = QPushButton("Sửa thông t&in…")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("roleCombo")
        for role in auth.ROLES:
            self.role_combo.addItem(ROLE_LABELS[role], role)
        self.role_button = QPushButton("Đổi &vai trò")
        self.role_button.setObjectName("changeRole")
        self.password_button = QPushButton("Đặt lại mật khẩ&u…")
        self.active_button = QPushButton("&Khoá / mở lại tài khoản")
        self.active_button.setObjectName("toggleActive")
        self.unlock_button = QPushButton("Gỡ khoá đăng nhậ&p")
        for widget in (self.add_button, self.edit_button, self.role_combo, self.role_button, self.password_button,
                       self.active_button, self.unlock_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.sessions = QLabel()
        self.sessions.setObjectName("sessionsLabel")
        self.sessions.setWordWrap(True)
        layout.addWidget(self.sessions)
        self.add_button.clicked.connect(self._add_officer)
        self.edit_button.clicked.connect(self._edit_officer)
        self.role_button.clicked.connect(lambda: self._on_selected(
            lambda oid: auth.change_role(self.ctx.store, oid, self.role_combo.currentData())))
        self.password_button.clicked.connect(self._reset_password)
        self.active_button.clicked.connect(self._toggle_active)
        self.unlock_button.clicked.connect(lambda: self._on_selected(
            lambda oid: auth.unlock_account(self.ctx.store, oid)))
        return tab

    def reload_officers(self) -> None:
        selected = self.selected_officer_id()
        rows = auth.list_officers(self.ctx.store)
        self._officer_rows = rows
        now = self.ctx.store.now_iso()
        self.officers_model.set_rows([
            [row["full_name"] or "", row["username"] or "", row["rank"] or "", row["title"] or "",
             ROLE_LABELS.get(row["role"], row["role"]) or "", _officer_status(row, now)] for row in rows
        ], [row["id"] for row in rows])
        row = self.officers_model.row_of(selected)
        if row is not None:  # the officer just changed stays selected
            self.officers.selectRow(row)
        sessions = auth.open_sessions(self.ctx.store)
        self.sessions.setText(
            "Đang đăng nhập: " + "; ".join(f"{s['full_name']} tại {s['host']} từ {s['started_at'][11:16]}"
                                           for s in sessions) if sessions else "")

    def selected_officer_id(self) -> int | None:
        row = selected_row(self.officers)
        return self.officers_model.keys[row] if row is not None else None

    def select_officer(self, username: str) -> None:
        for r, row in enumerate(getattr(self, "_officer_rows", [])):
            if row["username"] == username:
                self.officers.selectRow(r)
                return

    def _on_selected(self, fn) -> None:
        officer_id = self.selected_officer_id()
        if officer_id is None:
            show_message(self, "Chưa chọn cán bộ", "Hãy chọn một cán bộ trong danh sách.")
            return
        self._run(lambda: fn(officer_id))

    def _run(self, fn) -> bool:
        """One account or settings change; the officers table reloads from the change it reports."""
        return bool(run_mutation(self, fn))

    def _add_officer(self) -> None:
        dialog = OfficerDialog(self)
        if dialog.exec() != QDialog.Accepted:
            return
        self._run(lambda: auth.create_officer(
            self.ctx.store, dialog.username.text(), dialog.full_name.text(), dialog.role.currentData(),
            dialog.password.text(), rank=dialog.rank.text(), title=dialog.title_field.text()))

    def _edit_officer(self) -> None:
        officer_id = self.selected_officer_id()
        if officer_id is None:
            return
        dialog = OfficerDialog(self, auth.get_officer(self.ctx.store, officer_id))
        if dialog.exec() == QDialog.Accepted:
            self._run(lambda: auth.update_officer(self.ctx.store, officer_id, full_name=dialog.full_name.text(),
                                                  rank=dialog.rank.text(), title=dialog.title_field.text()))

    def _reset_password(self) -> None:
        officer_id = self.selected_officer_id()
        if officer_id is None:
            return
        own = officer_id == self.ctx.store.actor.id  # one's own password: the current one first
        officer = auth.get_officer(self.ctx.store, officer_id) or {}
        dialog = PasswordDialog(self, own=own, officer_name=officer.get("full_name") or "")
        if dialog.exec() == QDialog.Accepted:
            old, new = dialog.current.text(), dialog.new.text()
            if own:
                self._run(lambda: auth.change_own_password(self.ctx.store, old, new))
            else:
                self._run(lambda: auth.set_password(self.ctx.store, officer_id, new))

    def _toggle_active(self) -> None:
        officer_id = self.selected_officer_id()
        if officer_id is None:
            return
        row = auth.get_officer(self.ctx.store, officer_id)
        self._run(lambda: auth.set_active(self.ctx.store, officer_id, not row["active"]))

    # ---- settings ---------------------------------------------------------------------------------------
    def _build_settings_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.idle_spin = QSpinBox()
        self.idle_spin.setObjectName("idleMinutes")
        self.idle_spin.setRange(0, 240)
        self.idle_spin.setSuffix(" phút")
        self.idle_spin.setSpecialValueText("Không tự khoá")
        self.attempts_spin = QSpinBox()
        self.attempts_spin.setObjectName("lockoutAttempts")
        self.attempts_spin.setRange(3, 20)
        self.lock_minutes_spin = QSpinBox()
        self.lock_minutes_spin.setObjectName("lockoutMinutes")
        self.lock_minutes_spin.setRange(1, 1440)
        self.lock_minutes_spin.setSuffix(" phút")
        self.keep_spin = QSpinBox()
        self.keep_spin.setObjectName("backupsKeep")
        self.keep_spin.setRange(1, 365)
        form.addRow("Tự &khoá màn hình sau:", self.idle_spin)
        form.addRow("Số lần nhập s&ai mật khẩu trước khi tạm khoá:", self.attempts_spin)
        form.addRow("Thời g&ian tạm khoá tài khoản:", self.lock_minutes_spin)
        form.addRow("Số &bản sao lưu tự động giữ lại:", self.keep_spin)
        self.division_names_combo = QComboBox()
        self.division_names_combo.setObjectName("divisionNames")
        for mode, label in old_divisions.MODES.items():
            self.division_names_combo.addItem(label, mode)
        form.addRow("Tên địa bàn trong báo cá&o:", self.division_names_combo)
        self.save_settings_button = QPushButton("&Lưu cài đặt")
        self.save_settings_button.setObjectName("saveSettings")
        self.save_settings_button.clicked.connect(self.save_settings)
        form.addRow(self.save_settings_button)
        return tab

    def load_settings(self) -> None:
        store = self.ctx.store
        self.idle_spin.setValue(auth.idle_lock_minutes(store))
        self.attempts_spin.setValue(auth.lockout_attempts(store))
        self.lock_minutes_spin.setValue(auth.lockout_minutes(store))
        self.keep_spin.setValue(backups.keep_count(store))
        self.division_names_combo.setCurrentIndex(
            self.division_names_combo.findData(old_divisions.division_names(store)))

    def save_settings(self) -> None:
        store = self.ctx.store

        def save() -> None:
            with store.atomic():
                auth.set_security_settings(store, idle_lock=self.idle_spin.value(),
                                           attempts=self.attempts_spin.value(),
                                           minutes=self.lock_minutes_spin.value())
                backups.set_keep_count(store, self.keep_spin.value())
                if self.division_names_combo.currentData() != old_divisions.division_names(store):
                    old_divisions.set_division_names(store, self.division_names_combo.currentData())

        if self._run(save):
            show_message(self, "Đã lưu", "Đã lưu cài đặt.")

    # ---- backups ----------------------------------------------------------------------------------------
    def _build_backup_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.backup_info = QLabel()
        self.backup_info.setObjectName("backupInfo")
        self.backup_info.setWordWrap(True)
        self.backup_info.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.backup_info)
        row = QHBoxLayout()
        self.backup_now_button = QPushButton("Sao lưu nga&y")
        self.backup_now_button.setObjectName("backupNow")
        self.backup_folder_button = QPushButton("Sao lưu ra thư mục (&USB)…")
        self.backup_folder_button.setObjectName("backupToFolder")
        self.restore_button = QPushButton("&Khôi phục từ bản sao lưu…")
        self.restore_button.setObjectName("restoreButton")
        self.check_button = QPushButton("Kiểm t&ra cơ sở dữ liệu")
        self.check_button.setObjectName("checkButton")
        for button in (self.backup_now_button, self.backup_folder_button, self.restore_button, self.check_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.check_result = QLabel()
        self.check_result.setObjectName("checkResult")
        self.check_result.setWordWrap(True)
        layout.addWidget(self.check_result)
        layout.addStretch(1)
        self.backup_now_button.clicked.connect(self.backup_now)
        self.backup_folder_button.clicked.connect(self._choose_backup_folder)
        self.restore_button.clicked.connect(self._choose_restore)
        self.check_button.clicked.connect(self.check_database)
        return tab

    def reload_backups(self) -> None:
        store = self.ctx.store
        files = backups.list_automatic(store)
        last = files[-1].name if files else "chưa có"
        self.backup_info.setText(
            f"Thư mục sao lưu tự động: {store.backup_dir}<br>Số bản đang giữ: {len(files)} "
            f"(giữ tối đa {backups.keep_count(store)}); bản mới nhất: {last}.<br>Chương trình tự sao lưu mỗi ngày "
            "và khi thoát. Nên sao lưu ra ổ USB hằng tuần và cất giữ nơi an toàn."
        )

    def backup_now(self) -> None:
        made = run_mutation(self, lambda: backup_service.automatic_backup(self.ctx.store, "manual"))
        if not made:
            return
        info = made.value
        self.reload_backups()
        show_message(self, "Đã sao lưu", f"Đã sao lưu vào «{info.path}» ({thousands(info.size)} byte).")

    def _choose_backup_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Chọn thư mục (ổ USB) để sao lưu", default_folder())
        if folder:
            self.backup_to_folder(folder)

    def backup_to_folder(self, folder: str | Path) -> None:
        made = run_mutation(self, lambda: backup_service.backup_to_folder(self.ctx.store, folder))
        if made:
            show_message(self, "Đã sao lưu", f"Đã sao lưu vào «{made.value.path}».\n"
                                             f"Mã kiểm tra SHA-256: {made.value.sha256}")

    def _choose_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", default_folder(self.ctx.store.backup_dir),
                                              "Cơ sở dữ liệu (*.sqlite *.db);;Mọi tệp (*)")
        if not path:
            return
        preview = run_mutation(self, lambda: backups.restore_preview(self.ctx.store, path))
        if not preview:
            return  # refused (damaged or altered backup, another unit's or the province's): message shown
        warning = preview.value["warning"]
        if ask_yes_no(
                self, "Khôi phục dữ liệu",
                f"Thay toàn bộ dữ liệu hiện tại bằng bản sao lưu «{Path(path).name}»?\n\n"
                + (f"{warning}\n\n" if warning else "")
                + "Tệp hiện tại được giữ lại bên cạnh (đổi tên kèm thời điểm). Sau khi khôi phục, anh/chị cần "
                "đăng nhập lại.",
                icon=QMessageBox.Warning):
            self.restore_from(path)

    def restore_from(self, path: str | Path) -> bool:
        # Called once the officer confirmed the dialog that showed restore_preview's warning.
        outcome = run_mutation(self, lambda: backups.restore(self.ctx.store, path, confirmed=True))
        if not outcome:
            return False
        result = outcome.value
        show_message(self, "Đã khôi phục", f"Đã khôi phục từ «{Path(path).name}». Tệp cũ được giữ tại "
                                           f"«{result['kept_aside']}». Hãy đăng nhập lại.")
        session = self.ctx.extras.get("session")
        if session is not None:
            session.sign_out()
        return True

    def check_database(self) -> dict:
        report = backups.check_store(self.ctx.store)
        if report["problems"]:
            text = "Phát hiện vấn đề:\n" + "\n".join(f"• {p}" for p in report["problems"])
        else:
            counts = report.get("counts", {})
            text = (f"Cơ sở dữ liệu tốt: integrity_check ok, khoá ngoại ok, phiên bản cấu trúc "
                    f"{report['schema_version']}, nhật ký, lịch sử hồ sơ và báo cáo nguyên vẹn (chuỗi băm "
                    f"{thousands((report.get('record_chain') or {}).get('head', {}).get('seq', 0))} mục), "
                    f"chế độ {report['journal_mode']}. "
                    f"{thousands(counts.get('organizations', 0))} tổ chức, {thousands(counts.get('dossiers', 0))} hồ sơ, "
                    f"{thousands(counts.get('audit_log', 0))} dòng nhật ký.")
        self.check_result.setText(text)
        self.check_result.setToolTip(json.dumps(report, ensure_ascii=False, indent=1)[:4000])
        return report

    # ---- days off and make-up days ------------------------------------------------------------------------
    def _build_calendar_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        note = QLabel(
            "Hạn giải quyết hồ sơ tính theo các ngày dưới đây. Ngày <b>chính thức</b> (ngày lễ, tết theo Bộ luật Lao "
            "động và các ngày hoán đổi, làm bù Chính phủ đã công bố) được cập nhật theo phiên bản chương trình; "
            "năm chưa công bố là <b>tạm tính</b>. Ngày <b>đơn vị thêm, sửa tên hoặc bỏ</b> được tô màu và giữ "
            "nguyên khi cập nhật.")
        note.setWordWrap(True)
        layout.addWidget(note)
        top = QHBoxLayout()
        top.addWidget(QLabel("&Năm:"))
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("calendarYear")
        self.year_spin.setRange(2024, 2100)
        self.year_spin.setValue(self.ctx.store.today().year)
        top.itemAt(0).widget().setBuddy(self.year_spin)
        top.addWidget(self.year_spin)
        top.addStretch(1)
        layout.addLayout(top)
        self.days_model = RowsModel(DAY_COLUMNS, colors=self._day_colour, tooltips=self._day_tooltip)
        self.days_table = rows_view("daysTable", self.days_model)
        layout.addWidget(self.days_table, 1)
        buttons = QHBoxLayout()
        self.add_day_button = QPushButton("Thêm ngà&y…")
        self.add_day_button.setObjectName("addDay")
        self.rename_day_button = QPushButton("Sử&a tên…")
        self.rename_day_button.setObjectName("renameDay")
        self.remove_day_button = QPushButton("&Bỏ ngày")
        self.remove_day_button.setObjectName("removeDay")
        self.restore_day_button = QPushButton("&Khôi phục ngày chính thức")
        self.restore_day_button.setObjectName("restoreDay")
        for button in (self.add_day_button, self.rename_day_button, self.remove_day_button, self.restore_day_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.day_entries: list[dict] = []
        self.year_spin.valueChanged.connect(self.reload_calendar)
        self.add_day_button.clicked.connect(lambda: self._edit_day(None))
        self.rename_day_button.clicked.connect(lambda: self._on_day(self._edit_day))
        self.remove_day_button.clicked.connect(lambda: self._on_day(self._remove_day))
        self.restore_day_button.clicked.connect(lambda: self._on_day(self._restore_day))
        return tab

    def _day_colour(self, row: int, column: int) -> tuple[str, str] | None:
        if 0 <= row < len(self.day_entries):
            return DAY_COLOURS.get(self.day_entries[row]["status"])
        return None

    def _day_tooltip(self, row: int, column: int) -> str | None:
        if 0 <= row < len(self.day_entries) and column >= 3:
            return self.days_model.text(row, column) or None
        return None

    def reload_calendar(self) -> None:
        self.day_entries = working_days.entries(self.ctx.store, self.year_spin.value())
        rows = []
        for e in self.day_entries:
            source = e["status_label"]
            if e["status"] in ("renamed", "removed") and e.get("official_name"):
                source += f" (chính thức: {e['official_name']})"
            weekday = WEEKDAYS[working_days.as_date(e["day"]).weekday()]
            rows.append([date_text(e["day"]), weekday, DAY_KINDS[e["kind"]], e["name"], source, e["decision"] or ""])
        self.days_model.set_rows(rows, [(e["kind"], e["day"]) for e in self.day_entries])
        for column in range(4):
            self.days_table.resizeColumnToContents(column)

    def selected_day(self) -> dict | None:
        row = selected_row(self.days_table)
        return self.day_entries[row] if row is not None and row < len(self.day_entries) else None

    def select_day(self, kind: str, day: str) -> None:
        row = self.days_model.row_of((kind, day))
        if row is not None:
            self.days_table.selectRow(row)

    def _on_day(self, fn) -> None:
        entry = self.selected_day()
        if entry is None:
            show_message(self, "Chưa chọn ngày", "Hãy chọn một ngày trong danh sách.")
            return
        fn(entry)

    def _edit_day(self, entry: dict | None) -> None:
        if entry is not None and entry["status"] == "removed":
            show_message(self, "Ngày đã bỏ", "Ngày này đã bị đơn vị bỏ; hãy bấm «Khôi phục ngày chính thức».")
            return
        dialog = DayDialog(self, entry)
        if dialog.exec() != QDialog.Accepted:
            return
        kind = dialog.kind.currentData()
        setter = working_days.set_holiday if kind == "holiday" else working_days.set_make_up_day
        store = self.ctx.store
        if self._run(lambda: setter(store, dialog.day.text(), dialog.name.text())):
            self.reload_calendar()

    def _remove_day(self, entry: dict) -> None:
        if entry["status"] == "removed":
            return
        label = "ngày nghỉ" if entry["kind"] == "holiday" else "ngày làm bù"
        if not ask_yes_no(self, "Bỏ ngày", f"Bỏ {label} {date_text(entry['day'])} «{entry['name']}» khỏi danh sách? "
                                            "Hạn giải quyết hồ sơ tiếp nhận sau đó sẽ tính lại theo danh sách mới."):
            return
        remover = working_days.remove_holiday if entry["kind"] == "holiday" else working_days.remove_make_up_day
        if self._run(lambda: remover(self.ctx.store, entry["day"])):
            self.reload_calendar()

    def _restore_day(self, entry: dict) -> None:
        if entry["status"] not in ("renamed", "removed"):
            show_message(self, "Không cần khôi phục", "Ngày này không phải ngày chính thức đã được đơn vị sửa hoặc bỏ.")
            return
        if self._run(lambda: working_days.restore_official(self.ctx.store, entry["kind"], entry["day"])):
            self.reload_calendar()

    # ---- page hooks -------------------------------------------------------------------------------------
    @property
    def allowed(self) -> bool:
        return can(self.ctx.store.actor.role, "officers.manage")

    def activated(self) -> None:
        self.denied.setVisible(not self.allowed)
        self.tabs.setVisible(self.allowed)
        if self.allowed:
            self.reload_officers()
            self.load_settings()
            self.reload_backups()
            self.reload_calendar()

    def _on_changes(self, changes) -> None:
        tables = {c.table for c in changes}
        if self.allowed and tables & {Table.OFFICERS, Table.SESSIONS}:
            self.reload_officers()
        if self.allowed and Table.SETTINGS in tables:
            self.load_settings()
        if self.allowed and Table.HOLIDAYS in tables:
            self.reload_calendar()
