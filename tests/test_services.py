"""The use-case layer writes every file by the output protocol: failures leave nothing at the chosen path
(nor a plaintext copy of a protected export, nor a record without its file)."""

from __future__ import annotations

import datetime as dt
import errno
import io
import zipfile

import msoffcrypto
import pytest

from models.core.errors import UserError
from models.core.store import Store
from services import output
from services import sync as sync_service
from services.audit_export import export_audit
from services.backups import automatic_backup, backup_to_folder
from services.consolidation import write_consolidated
from services.sync import export_workbook
from tests.factories.sync import make_data, make_province, make_unit


@pytest.fixture
def unit(tmp_path, clock):
    store = Store(tmp_path / "unit.sqlite", clock=clock)
    make_data(store, make_unit(store), 40, seed=5)
    yield store
    store.close()


def _files(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_protected_export_never_puts_the_plain_workbook_in_the_folder(unit, tmp_path, monkeypatch):
    out = tmp_path / "gui"
    out.mkdir()
    seen_while_encrypting = []
    real = sync_service.encrypt_workbook

    def watch(plain, target, password):
        seen_while_encrypting.append(_files(out))
        assert zipfile.is_zipfile(plain)  # the plain workbook is in memory
        real(plain, target, password)

    monkeypatch.setattr(sync_service, "encrypt_workbook", watch)
    result = export_workbook(unit, out / "kin.xlsx", full=True, password="Mat-khau-2025")
    assert seen_while_encrypting == [["kin.xlsx.partial"]]  # only the file being encrypted, nothing plain
    assert _files(out) == ["kin.xlsx"] and result.protected
    assert msoffcrypto.OfficeFile(io.BytesIO((out / "kin.xlsx").read_bytes())).is_encrypted()


def test_a_failed_encryption_leaves_nothing_and_records_nothing(unit, tmp_path, monkeypatch):
    out = tmp_path / "gui"
    out.mkdir()

    def broken(plain, target, password):
        target.write(b"PK\x03\x04 half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sync_service, "encrypt_workbook", broken)
    with pytest.raises(UserError, match="Không ghi được tệp «.*kin.xlsx»: ổ đĩa đã đầy"):
        export_workbook(unit, out / "kin.xlsx", full=True, password="Mat-khau-2025")
    assert _files(out) == []
    assert unit.scalar("SELECT COUNT(*) FROM sync_exports") == 0
    assert unit.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.export'") == 0


def test_an_export_whose_number_was_taken_meanwhile_is_refused_without_a_file(unit, tmp_path, monkeypatch):
    """Two desks export at once: the second to record finds its sequence number used and leaves no file."""
    other = unit.clone()
    real = sync_service.write_sync_workbook

    def slow(path, info, sheets, progress=None, **kwargs):
        monkeypatch.setattr(sync_service, "write_sync_workbook", real)
        export_workbook(other, tmp_path / "may-khac.xlsx", full=True, unencrypted=True)  # the other desk, meanwhile
        return real(path, info, sheets, progress, **kwargs)

    monkeypatch.setattr(sync_service, "write_sync_workbook", slow)
    with pytest.raises(UserError, match="Máy khác vừa xuất tệp đồng bộ số 1"):
        export_workbook(unit, tmp_path / "may-nay.xlsx", full=True, unencrypted=True)
    other.close()
    assert not (tmp_path / "may-nay.xlsx").exists() and not (tmp_path / "may-nay.xlsx.partial").exists()
    assert unit.scalar("SELECT COUNT(*) FROM sync_exports") == 1


def test_consolidated_report_both_files_or_neither(tmp_path, clock, monkeypatch):
    from models.reports.period import get_settings, week_ending

    province = Store(tmp_path / "tinh.sqlite", clock=clock)
    try:
        make_province(province)
        period = week_ending(dt.date(2025, 1, 8), get_settings(province))
        pdf, xlsx = tmp_path / "th.pdf", tmp_path / "th.xlsx"
        real = output._rename

        def xlsx_locked(src, dst):
            if str(dst).endswith(".xlsx"):
                raise PermissionError(errno.EACCES, "Permission denied", str(dst))
            real(src, dst)

        monkeypatch.setattr(output, "_rename", xlsx_locked)
        with pytest.raises(UserError, match="th.xlsx»: không có quyền ghi"):
            write_consolidated(province, period, pdf=pdf, xlsx=xlsx)
        assert not pdf.exists() and not xlsx.exists() and not list(tmp_path.glob("th.*.partial"))
        assert province.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.consolidated_report'") == 0
        monkeypatch.undo()
        write_consolidated(province, period, pdf=pdf, xlsx=xlsx)
        assert pdf.read_bytes().startswith(b"%PDF") and zipfile.is_zipfile(xlsx)
        assert province.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'sync.consolidated_report'") == 1
    finally:
        province.close()


def test_consolidated_report_is_refused_outside_a_province(unit, tmp_path):
    from models.reports.period import get_settings, week_ending

    period = week_ending(dt.date(2025, 1, 8), get_settings(unit))
    with pytest.raises(UserError, match="Chỉ đơn vị cấp tỉnh"):
        write_consolidated(unit, period, pdf=tmp_path / "th.pdf")
    assert not (tmp_path / "th.pdf").exists()


def test_a_backup_that_fails_its_check_leaves_nothing_and_is_not_logged(fresh_store, tmp_path, monkeypatch):
    def corrupt(target):
        target.write_bytes(b"SQLite format 3\x00 but not really")
        raise UserError(f"Bản sao lưu «{target}» không vượt qua kiểm tra toàn vẹn: lỗi")

    monkeypatch.setattr(fresh_store, "backup_to", corrupt)
    with pytest.raises(UserError, match="không vượt qua kiểm tra toàn vẹn"):
        backup_to_folder(fresh_store, tmp_path / "usb")
    assert _files(tmp_path / "usb") == []
    assert fresh_store.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'backup.create'") == 0


def test_a_backup_to_a_full_disk_names_the_file(fresh_store, tmp_path, monkeypatch):
    def full(target):
        target.write_bytes(b"SQLite format 3\x00")
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(fresh_store, "backup_to", full)
    with pytest.raises(UserError, match=r"Không ghi được tệp «.*usb.*-sao-luu-.*\.sqlite»: ổ đĩa đã đầy"):
        backup_to_folder(fresh_store, tmp_path / "usb")
    assert _files(tmp_path / "usb") == []
    with pytest.raises(UserError, match="ổ đĩa đã đầy"):
        automatic_backup(fresh_store)
    assert [p.name for p in fresh_store.backup_dir.iterdir()] == []
    assert fresh_store.get_setting("last_auto_backup") is None  # the daily backup is still due


def test_audit_export_refused_target_leaves_no_log_line(fresh_store, tmp_path, monkeypatch):
    with fresh_store.atomic():
        fresh_store.audit("setting.update", "setting", "x", new=1)
    def locked(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(output, "_rename", locked)
    with pytest.raises(UserError, match="nhat-ky.csv»: không có quyền ghi"):
        export_audit(fresh_store, None, tmp_path / "nhat-ky.csv")
    assert not (tmp_path / "nhat-ky.csv").exists() and not (tmp_path / "nhat-ky.csv.partial").exists()
    assert fresh_store.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export'") == 0
    monkeypatch.undo()
    assert export_audit(fresh_store, None, tmp_path / "nhat-ky.csv") >= 1
    assert (tmp_path / "nhat-ky.csv").read_text(encoding="utf-8-sig").startswith("Thời gian,Cán bộ")
    assert fresh_store.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.export'") == 1

