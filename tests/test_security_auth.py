"""Officers and sign-in: Argon2 hashes, lockout timing on the test clock, first administrator,
account management rules, permissions enforced in the models."""

from __future__ import annotations

import pytest

from models.core.errors import PermissionDenied, UserError
from models.core.permissions import can, require
from models.core.store import SYSTEM_ACTOR
from models.security import auth


@pytest.fixture
def store_with_admin(fresh_store):
    admin = auth.create_first_admin(fresh_store, "quantri", "Nguyễn Văn Quản", "matkhau-quantri")
    fresh_store.actor = admin
    auth.create_officer(fresh_store, "canbo1", "Lê Thị Hồng Nhung", "intake", "matkhau-canbo1", rank="Trung úy")
    auth.create_officer(fresh_store, "chihuy", "Trần Minh Chiến", "leader", "matkhau-chihuy")
    fresh_store.actor = SYSTEM_ACTOR
    return fresh_store


def test_password_stored_only_as_argon2id_hash(store_with_admin):
    row = store_with_admin.query_one("SELECT password_hash FROM officers WHERE username = 'canbo1'")
    assert row["password_hash"].startswith("$argon2id$")
    assert "m=65536" in row["password_hash"]  # memory-hard: 64 MiB
    assert "matkhau-canbo1" not in row["password_hash"]
    dump = "\n".join(store_with_admin.conn.iterdump())
    assert "matkhau-canbo1" not in dump
    assert auth.verify_password(row["password_hash"], "matkhau-canbo1")
    assert not auth.verify_password(row["password_hash"], "matkhau-canbo2")
    assert not auth.verify_password(None, "x")
    assert not auth.verify_password("not a hash", "x")


def test_first_admin_only_once(fresh_store):
    assert auth.needs_first_admin(fresh_store)
    actor = auth.create_first_admin(fresh_store, "QuanTri", "Nguyễn Văn Quản", "matkhau-quantri")
    assert actor.role == "admin" and actor.username == "quantri"
    assert not auth.needs_first_admin(fresh_store)
    with pytest.raises(UserError, match="Đã có tài khoản quản trị"):
        auth.create_first_admin(fresh_store, "khac", "Người Khác", "matkhau-khac1")
    assert fresh_store.actor == SYSTEM_ACTOR


def test_sign_in_sets_actor_and_audits(store_with_admin):
    actor = auth.sign_in(store_with_admin, " CanBo1 ", "matkhau-canbo1")
    assert store_with_admin.actor == actor and actor.role == "intake"
    last = store_with_admin.query_one("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
    assert last["action"] == "auth.sign_in" and last["officer_id"] == actor.id
    assert auth.open_sessions(store_with_admin)[0]["username"] == "canbo1"
    auth.sign_out(store_with_admin)
    assert store_with_admin.actor == SYSTEM_ACTOR
    assert auth.open_sessions(store_with_admin) == []


def test_wrong_password_and_unknown_user_give_same_message(store_with_admin):
    with pytest.raises(auth.WrongPassword, match="Tên đăng nhập hoặc mật khẩu không đúng") as wrong:
        auth.sign_in(store_with_admin, "canbo1", "sai-mat-khau")
    assert "Còn 4 lần thử" in str(wrong.value)
    with pytest.raises(auth.WrongPassword, match="Tên đăng nhập hoặc mật khẩu không đúng"):
        auth.sign_in(store_with_admin, "khongco", "sai-mat-khau")
    assert store_with_admin.scalar("SELECT count(*) FROM audit_log WHERE action = 'auth.failed'") == 2
    assert store_with_admin.actor == SYSTEM_ACTOR


def test_lockout_after_attempts_then_expires_on_clock(store_with_admin, clock):
    for _ in range(4):
        with pytest.raises(auth.WrongPassword):
            auth.sign_in(store_with_admin, "canbo1", "sai-mat-khau")
    with pytest.raises(auth.AccountLocked, match="15 phút") as locked:
        auth.sign_in(store_with_admin, "canbo1", "sai-mat-khau")
    assert locked.value.until == clock.when.replace(minute=45)
    # even the right password is refused while locked
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(auth.AccountLocked, match="1 phút"):
        auth.sign_in(store_with_admin, "canbo1", "matkhau-canbo1")
    clock.advance(seconds=1)
    assert auth.sign_in(store_with_admin, "canbo1", "matkhau-canbo1").username == "canbo1"
    row = store_with_admin.query_one("SELECT failed_attempts, locked_until FROM officers WHERE username='canbo1'")
    assert row == {"failed_attempts": 0, "locked_until": None}
    assert store_with_admin.scalar("SELECT count(*) FROM audit_log WHERE action = 'auth.lockout'") == 1


def test_lockout_settings_are_configurable(store_with_admin, clock):
    store_with_admin.actor = auth.sign_in(store_with_admin, "quantri", "matkhau-quantri")
    auth.set_security_settings(store_with_admin, attempts=3, minutes=2, idle_lock=5)
    assert auth.idle_lock_minutes(store_with_admin) == 5
    for _ in range(2):
        with pytest.raises(auth.WrongPassword, match="Còn"):
            auth.sign_in(store_with_admin, "chihuy", "sai-mat-khau")
    with pytest.raises(auth.AccountLocked, match="2 phút"):
        auth.sign_in(store_with_admin, "chihuy", "sai-mat-khau")
    clock.advance(minutes=2)
    # an expired lock starts a fresh count: one more wrong password does not lock again at once
    with pytest.raises(auth.WrongPassword, match="Còn 2 lần"):
        auth.sign_in(store_with_admin, "chihuy", "sai-mat-khau")
    with pytest.raises(UserError, match="từ 0"):
        auth.set_security_settings(store_with_admin, idle_lock=-1)


def test_admin_can_unlock_an_account(store_with_admin):
    for _ in range(5):
        with pytest.raises(UserError):
            auth.sign_in(store_with_admin, "canbo1", "sai")
    auth.sign_in(store_with_admin, "quantri", "matkhau-quantri")
    officer_id = store_with_admin.scalar("SELECT id FROM officers WHERE username='canbo1'")
    auth.unlock_account(store_with_admin, officer_id)
    assert auth.sign_in(store_with_admin, "canbo1", "matkhau-canbo1").role == "intake"


def test_unlock_screen_counts_failures(store_with_admin):
    auth.sign_in(store_with_admin, "canbo1", "matkhau-canbo1")
    with pytest.raises(auth.WrongPassword):
        auth.verify_current_officer(store_with_admin, "sai")
    auth.verify_current_officer(store_with_admin, "matkhau-canbo1")
    assert store_with_admin.scalar("SELECT count(*) FROM audit_log WHERE action='auth.unlock_screen'") == 1


def test_officer_management_rules(store_with_admin):
    admin = auth.sign_in(store_with_admin, "quantri", "matkhau-quantri")
    canbo1 = store_with_admin.scalar("SELECT id FROM officers WHERE username='canbo1'")
    with pytest.raises(UserError, match="đã có người dùng"):
        auth.create_officer(store_with_admin, "canbo1", "Trùng Tên", "intake", "matkhau-1234")
    with pytest.raises(UserError, match="không hợp lệ"):
        auth.create_officer(store_with_admin, "cán bộ", "Có Dấu", "intake", "matkhau-1234")
    with pytest.raises(UserError, match="ít nhất 8"):
        auth.create_officer(store_with_admin, "canbo9", "Ngắn", "intake", "123")
    auth.change_role(store_with_admin, canbo1, "leader")
    with pytest.raises(UserError, match="quản trị viên duy nhất"):
        auth.change_role(store_with_admin, admin.id, "intake")
    with pytest.raises(UserError, match="tự khoá"):
        auth.set_active(store_with_admin, admin.id, False)
    auth.set_active(store_with_admin, canbo1, False)
    assert store_with_admin.scalar("SELECT count(*) FROM officers WHERE id = ?", (canbo1,)) == 1  # never deleted
    with pytest.raises(auth.WrongPassword, match="đã bị khoá"):
        auth.sign_in(store_with_admin, "canbo1", "matkhau-canbo1")
    actions = {r["action"] for r in store_with_admin.query("SELECT action FROM audit_log")}
    assert {"officer.create", "officer.role", "officer.deactivate"} <= actions


def test_intake_cannot_manage_officers_or_refuse(store_with_admin):
    assert not can("intake", "dossier.refuse") and can("leader", "dossier.refuse")
    assert not can("intake", "officers.manage") and not can("leader", "officers.manage")
    assert can("admin", "backup.restore") and not can("leader", "backup.restore")
    assert not can("nobody", "registry.view")
    auth.sign_in(store_with_admin, "canbo1", "matkhau-canbo1")
    with pytest.raises(PermissionDenied, match="không có quyền quản lý tài khoản cán bộ"):
        auth.create_officer(store_with_admin, "canbo7", "Người Mới", "intake", "matkhau-1234")
    with pytest.raises(PermissionDenied, match="từ chối hồ sơ"):
        require(store_with_admin, "dossier.refuse")
    with pytest.raises(PermissionDenied):
        auth.set_security_settings(store_with_admin, idle_lock=1)
    require(store_with_admin, "dossier.create")  # allowed


def test_role_change_takes_effect_without_new_sign_in(store_with_admin, tmp_path):
    from models.core.store import Store

    auth.sign_in(store_with_admin, "canbo1", "matkhau-canbo1")
    require(store_with_admin, "dossier.create")
    other_desk = Store(store_with_admin.path, migrate=False)
    try:
        auth.sign_in(other_desk, "quantri", "matkhau-quantri")
        canbo1 = other_desk.scalar("SELECT id FROM officers WHERE username='canbo1'")
        auth.change_role(other_desk, canbo1, "leader")
        require(store_with_admin, "dossier.refuse")  # now a leader
        auth.set_active(other_desk, canbo1, False)
        with pytest.raises(PermissionDenied, match="đã bị khoá"):
            require(store_with_admin, "dossier.create")
    finally:
        other_desk.close()


def test_demo_officers_get_demo_password(tmp_path, clock):
    from demo import officers as demo_officers
    from models.core.store import Store

    store = Store(tmp_path / "demo.sqlite", clock=clock)
    try:
        demo_officers.build(store, seed=1)
        for username in ("quantri", "chihuy", "canbo1", "canbo2", "canbo3"):
            assert auth.sign_in(store, username, demo_officers.DEMO_PASSWORD).username == username
        assert not auth.needs_first_admin(store)
    finally:
        store.close()
