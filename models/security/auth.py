"""Officers' accounts: passwords, sign-in with lockout, the first administrator, account management.

Passwords are stored only as Argon2id hashes (memory-hard; ``argon2-cffi``). Several wrong passwords in a
row lock the account for a while (settings ``lockout_attempts`` and ``lockout_minutes``); the lock is
measured with ``store.now()`` so tests can move the clock. Accounts are never deleted (the audit log
refers to them): they are deactivated.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import socket

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.permissions import ROLE_LABELS, require
from models.core.store import SYSTEM_ACTOR, Actor, Store
from models.text.normalize import clean
from models.text.vn_format import time_text

ROLES = ("intake", "leader", "admin")
MIN_PASSWORD_LENGTH = 8
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")

DEFAULT_LOCKOUT_ATTEMPTS = 5
DEFAULT_LOCKOUT_MINUTES = 15
DEFAULT_IDLE_LOCK_MINUTES = 10

_hasher = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile: t=3, m=64 MiB, p=4


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so that a wrong name takes as long as a wrong
    password. Made at the first check, not at import (0.4 s: every start of the program paid it)."""
    return _hasher.hash("không-phải-mật-khẩu-của-ai")


def warm_up() -> None:
    """Make the dummy hash ahead of the first sign-in (the GUI does it in a thread at start-up; Argon2
    runs without the GIL)."""
    _dummy_hash()


class AccountLocked(UserError):
    """Too many wrong passwords: the account is locked until ``until``."""

    def __init__(self, message: str, until: dt.datetime):
        super().__init__(message)
        self.until = until


class WrongPassword(UserError):
    pass


# ---- hashing ---------------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an account without a hash costs the same time and fails."""
    dummy = _dummy_hash()  # before either branch: the first check costs the same for both
    try:
        if not stored_hash:
            _hasher.verify(dummy, password)
            return False
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự")
    if password.strip() != password:
        raise UserError("Mật khẩu không được bắt đầu hoặc kết thúc bằng dấu cách")


# ---- settings ----------------------------------------------------------------------------------------
def lockout_attempts(store: Store) -> int:
    return int(store.get_setting("lockout_attempts", DEFAULT_LOCKOUT_ATTEMPTS))


def lockout_minutes(store: Store) -> int:
    return int(store.get_setting("lockout_minutes", DEFAULT_LOCKOUT_MINUTES))


def idle_lock_minutes(store: Store) -> int:
    """Minutes without keyboard or mouse after which the app locks itself (0 = never)."""
    return int(store.get_setting("idle_lock_minutes", DEFAULT_IDLE_LOCK_MINUTES))


def set_security_settings(store: Store, *, idle_lock: int | None = None, attempts: int | None = None,
                          minutes: int | None = None) -> None:
    require(store, "settings.manage")
    with store.atomic():
        if idle_lock is not None:
            if not 0 <= int(idle_lock) <= 240:
                raise UserError("Thời gian tự khoá phải từ 0 (không tự khoá) đến 240 phút")
            store.set_setting("idle_lock_minutes", int(idle_lock))
        if attempts is not None:
            if not 3 <= int(attempts) <= 20:
                raise UserError("Số lần nhập sai mật khẩu trước khi khoá phải từ 3 đến 20")
            store.set_setting("lockout_attempts", int(attempts))
        if minutes is not None:
            if not 1 <= int(minutes) <= 1440:
                raise UserError("Thời gian khoá tài khoản phải từ 1 đến 1440 phút")
            store.set_setting("lockout_minutes", int(minutes))


# ---- officers ----------------------------------------------------------------------------------------
def actor_from_row(row: dict) -> Actor:
    return Actor(id=row["id"], username=row["username"], full_name=row["full_name"], role=row["role"])


def get_officer(store: Store, officer_id: int) -> dict | None:
    return store.query_one("SELECT * FROM officers WHERE id = ?", (officer_id,))


def officer_by_username(store: Store, username: str) -> dict | None:
    """An officer's row by user name (not the built-in 'system' account)."""
    return store.query_one("SELECT * FROM officers WHERE username = ? AND role != 'system'",
                           (_normalise_username(username or ""),))


def list_officers(store: Store, *, include_inactive: bool = True) -> list[dict]:
    """Officers without the built-in 'system' account and without password hashes."""
    rows = store.query(
        "SELECT id, username, full_name, rank, title, role, active, failed_attempts, locked_until, created_at, "
        "password_hash IS NOT NULL AS has_password FROM officers WHERE role != 'system' "
        + ("" if include_inactive else "AND active = 1 ") + "ORDER BY active DESC, full_name COLLATE NOCASE"
    )
    return rows


def needs_first_admin(store: Store) -> bool:
    """True on a new database: nobody can sign in as administrator yet."""
    count = store.scalar(
        "SELECT count(*) FROM officers WHERE role = 'admin' AND active = 1 AND password_hash IS NOT NULL"
    )
    return count == 0


def _normalise_username(username: str) -> str:
    return clean(username).lower()


def _validate_officer(username: str, full_name: str, role: str) -> None:
    if not USERNAME_RE.match(username):
        raise UserError(
            f"Tên đăng nhập «{username}» không hợp lệ: 3–32 ký tự, chỉ gồm chữ thường không dấu, số, "
            "dấu chấm, gạch ngang, gạch dưới"
        )
    if not full_name:
        raise UserError("Họ và tên cán bộ không được để trống")
    if role not in ROLES:
        raise UserError(f"Vai trò «{role}» không hợp lệ")


def _insert_officer(store: Store, username: str, full_name: str, role: str, password: str,
                    rank: str | None, title: str | None) -> int:
    username = _normalise_username(username)
    full_name = clean(full_name)
    _validate_officer(username, full_name, role)
    check_password_rules(password)
    if store.scalar("SELECT 1 FROM officers WHERE username = ?", (username,)):
        raise UserError(f"Tên đăng nhập «{username}» đã có người dùng")
    cur = store.execute(
        "INSERT INTO officers(username, full_name, rank, title, role, password_hash, active, created_at) "
        "VALUES (?,?,?,?,?,?,1,?)",
        (username, full_name, clean(rank) or None, clean(title) or None, role, hash_password(password),
         store.now_iso()),
    )
    officer_id = cur.lastrowid
    store.audit("officer.create", "officer", officer_id,
                new={"username": username, "full_name": full_name, "role": role, "rank": rank, "title": title})
    store.notify(Table.OFFICERS, Kind.INSERT, (officer_id,))
    return officer_id


def create_first_admin(store: Store, username: str, full_name: str, password: str, *,
                       rank: str | None = None, title: str | None = None) -> Actor:
    """The administrator created on first start; refused once an administrator exists."""
    with store.atomic():
        if not needs_first_admin(store):
            raise UserError("Đã có tài khoản quản trị; hãy đăng nhập bằng tài khoản đó")
        previous = store.actor
        store.actor = SYSTEM_ACTOR
        try:
            officer_id = _insert_officer(store, username, full_name, "admin", password, rank, title)
        finally:
            store.actor = previous
    return actor_from_row(get_officer(store, officer_id))


def create_officer(store: Store, username: str, full_name: str, role: str, password: str, *,
                   rank: str | None = None, title: str | None = None) -> int:
    require(store, "officers.manage")
    with store.atomic():
        return _insert_officer(store, username, full_name, role, password, rank, title)


def _managed_officer(store: Store, officer_id: int) -> dict:
    row = get_officer(store, officer_id)
    if row is None or row["role"] == "system":
        raise UserError(f"Không tìm thấy cán bộ số {officer_id}")
    return row


def _other_active_admins(store: Store, officer_id: int) -> int:
    return store.scalar(
        "SELECT count(*) FROM officers WHERE role = 'admin' AND active = 1 AND id != ?", (officer_id,)
    )


def update_officer(store: Store, officer_id: int, *, full_name: str | None = None, rank: str | None = None,
                   title: str | None = None) -> list[str]:
    require(store, "officers.manage")
    with store.atomic():
        row = _managed_officer(store, officer_id)
        new = {}
        if full_name is not None:
            if not clean(full_name):
                raise UserError("Họ và tên cán bộ không được để trống")
            new["full_name"] = clean(full_name)
        if rank is not None:
            new["rank"] = clean(rank) or None
        if title is not None:
            new["title"] = clean(title) or None
        new = {k: v for k, v in new.items() if v != row[k]}
        if not new:
            return []
        store.execute(f"UPDATE officers SET {', '.join(f'{k} = ?' for k in new)} WHERE id = ?",
                      (*new.values(), officer_id))
        changed = store.audit_changes("officer", officer_id, {k: row[k] for k in new}, new, "officer.update")
        store.notify(Table.OFFICERS, Kind.UPDATE, (officer_id,))
        return changed


def change_role(store: Store, officer_id: int, role: str) -> None:
    require(store, "officers.manage")
    if role not in ROLES:
        raise UserError(f"Vai trò «{role}» không hợp lệ")
    with store.atomic():
        row = _managed_officer(store, officer_id)
        if row["role"] == role:
            return
        if row["role"] == "admin" and row["active"] and _other_active_admins(store, officer_id) == 0:
            raise UserError("Không thể đổi vai trò của quản trị viên duy nhất; hãy tạo quản trị viên khác trước")
        store.execute("UPDATE officers SET role = ? WHERE id = ?", (role, officer_id))
        store.audit("officer.role", "officer", officer_id, field="role", old=row["role"], new=role)
        store.notify(Table.OFFICERS, Kind.UPDATE, (officer_id,))


def set_active(store: Store, officer_id: int, active: bool) -> None:
    """Deactivate (or reactivate) an account; accounts are never deleted."""
    require(store, "officers.manage")
    with store.atomic():
        row = _managed_officer(store, officer_id)
        if bool(row["active"]) == bool(active):
            return
        if not active:
            if officer_id == store.actor.id:
                raise UserError("Không thể tự khoá tài khoản đang đăng nhập")
            if row["role"] == "admin" and _other_active_admins(store, officer_id) == 0:
                raise UserError("Không thể khoá quản trị viên duy nhất")
        store.execute("UPDATE officers SET active = ? WHERE id = ?", (1 if active else 0, officer_id))
        store.audit("officer.activate" if active else "officer.deactivate", "officer", officer_id,
                    field="active", old=bool(row["active"]), new=bool(active))
        store.notify(Table.OFFICERS, Kind.UPDATE, (officer_id,))


def set_password(store: Store, officer_id: int, password: str) -> None:
    """An administrator sets another officer's password. One's own password is changed only with the
    old one (``change_own_password``): a session left open must not let anyone take the account over."""
    if officer_id == store.actor.id:
        raise UserError("Đổi mật khẩu của chính mình phải nhập mật khẩu hiện tại (Đổi mật khẩu)")
    require(store, "officers.manage")
    _write_password(store, officer_id, password)


def _write_password(store: Store, officer_id: int, password: str) -> None:
    check_password_rules(password)
    with store.atomic():
        row = get_officer(store, officer_id)
        if row is None or row["role"] == "system":
            raise UserError(f"Không tìm thấy cán bộ số {officer_id}")
        store.execute(
            "UPDATE officers SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?",
            (hash_password(password), officer_id),
        )
        store.audit("officer.password", "officer", officer_id, detail="đặt mật khẩu mới")
        store.notify(Table.OFFICERS, Kind.UPDATE, (officer_id,))


def change_own_password(store: Store, old_password: str, new_password: str) -> None:
    """The signed-in officer changes his own password: the current one is checked first, with the same
    counting and lockout as the sign-in."""
    verify_current_officer(store, old_password, action="auth.password_check")
    _write_password(store, store.actor.id, new_password)


def unlock_account(store: Store, officer_id: int) -> None:
    """Administrator lifts a lockout before it expires."""
    require(store, "officers.manage")
    with store.atomic():
        _managed_officer(store, officer_id)
        store.execute("UPDATE officers SET failed_attempts = 0, locked_until = NULL WHERE id = ?", (officer_id,))
        store.audit("officer.unlock", "officer", officer_id)
        store.notify(Table.OFFICERS, Kind.UPDATE, (officer_id,))


def is_locked_out(store: Store, officer_id: int) -> bool:
    row = get_officer(store, officer_id)
    until = _parse(row["locked_until"]) if row else None
    return bool(until and until > store.now())


def recover_last_admin(store: Store, username: str, password: str, *, via: dict) -> Actor:
    """The only active administrator, locked out (someone kept guessing his password), lifts his own lock
    from the command line with his right password, and is signed in.

    Without it nobody could unlock him but by editing the file with an SQLite tool. It is offered only on
    the command line (``via``: the OS user and host, recorded), which runs on the machine that holds the
    database with an OS account that can write the file; the window's lockout stands. Wrong passwords
    are counted and audited like any other; with another active administrator it is refused (ask him).
    """
    name = _normalise_username(username or "")
    failure: UserError | None = None
    with store.atomic():
        row = store.query_one("SELECT * FROM officers WHERE username = ? AND role != 'system'", (name,))
        if row is None or row["role"] != "admin" or not row["active"] or not row["password_hash"]:
            verify_password(None, password or "")
            failure = UserError("Chỉ quản trị viên mới tự mở khoá tài khoản của mình")
        elif _other_active_admins(store, row["id"]):
            failure = UserError("Đơn vị còn quản trị viên khác: hãy nhờ người đó mở khoá (lệnh unlock)")
        elif not verify_password(row["password_hash"], password or ""):
            store.execute("UPDATE officers SET failed_attempts = failed_attempts + 1 WHERE id = ?", (row["id"],))
            store.audit("auth.failed", "officer", row["id"],
                        detail={"username": name, "reason": "recovery", **via})
            failure = WrongPassword("Mật khẩu không đúng; tài khoản vẫn bị tạm khoá")
        else:
            store.execute("UPDATE officers SET failed_attempts = 0, locked_until = NULL WHERE id = ?", (row["id"],))
            store.actor = actor_from_row(row)
            store.audit("officer.unlock", "officer", row["id"],
                        detail={"recovery": "quản trị viên duy nhất tự mở khoá", **via})
            store.audit("auth.sign_in", "officer", row["id"], detail=via)
            store.notify(Table.OFFICERS, Kind.UPDATE, (row["id"],))
    if failure is not None:
        raise failure
    return store.actor


# ---- signing in --------------------------------------------------------------------------------------
def _parse(ts: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(ts) if ts else None


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return (f"Tài khoản tạm khoá do nhập sai mật khẩu nhiều lần. Hãy thử lại sau {minutes} phút "
            f"(lúc {time_text(until)}) hoặc nhờ quản trị viên mở khoá.")


def _check_password_for(store: Store, row: dict, password: str, *, via: dict | None = None) -> None:
    """Verify ``password`` for officer ``row``, counting failures and locking; raises on failure."""
    now = store.now()
    until = _parse(row["locked_until"])
    if until and until > now:
        store.audit("auth.refused_locked", "officer", row["id"], detail={"username": row["username"], **(via or {})})
        raise AccountLocked(_locked_message(until, now), until)
    if verify_password(row["password_hash"], password):
        if row["failed_attempts"] or row["locked_until"]:
            store.execute("UPDATE officers SET failed_attempts = 0, locked_until = NULL WHERE id = ?", (row["id"],))
        if _hasher.check_needs_rehash(row["password_hash"]):
            store.execute("UPDATE officers SET password_hash = ? WHERE id = ?", (hash_password(password), row["id"]))
        return
    failures = (0 if until else row["failed_attempts"]) + 1  # an expired lock starts a fresh count
    limit = lockout_attempts(store)
    if failures >= limit:
        until = now + dt.timedelta(minutes=lockout_minutes(store))
        store.execute("UPDATE officers SET failed_attempts = ?, locked_until = ? WHERE id = ?",
                      (failures, until.isoformat(sep=" ", timespec="seconds"), row["id"]))
        store.audit("auth.lockout", "officer", row["id"], detail={"username": row["username"], "until": str(until), **(via or {})})
        raise AccountLocked(_locked_message(until, now), until)
    store.execute("UPDATE officers SET failed_attempts = ?, locked_until = NULL WHERE id = ?", (failures, row["id"]))
    store.audit("auth.failed", "officer", row["id"], detail={"username": row["username"], "attempt": failures, **(via or {})})
    left = limit - failures
    raise WrongPassword(f"Tên đăng nhập hoặc mật khẩu không đúng. Còn {left} lần thử trước khi tài khoản bị tạm khoá.")


def sign_in(store: Store, username: str, password: str, *, via: dict | None = None) -> Actor:
    """Check the password and make the officer the store's actor; returns the Actor.

    Wrong passwords are counted (and written to the audit log) even though the sign-in fails. The
    officer's row is read and its failure counter updated in one immediate transaction, so parallel
    guessers (other processes, other connections) wait for each other and each one sees the count the
    previous one left: nobody gets more than the allowed tries. ``via`` (the command line: OS user, host)
    goes into the audit line; a command-line sign-in opens no session (the command ends with it).
    """
    name = _normalise_username(username or "")
    failure: UserError | None = None
    with store.atomic():  # the failure counter must be committed even when the sign-in fails
        row = store.query_one("SELECT * FROM officers WHERE username = ? AND role != 'system'", (name,))
        if row is None or not row["active"] or not row["password_hash"]:
            verify_password(None, password or "")
            store.audit("auth.failed", "officer", row["id"] if row else None,
                        detail={"username": name, "reason": "unknown" if row is None else "inactive", **(via or {})})
            if row is not None and not row["active"]:
                failure = WrongPassword("Tài khoản này đã bị khoá bởi quản trị viên")
            else:
                failure = WrongPassword("Tên đăng nhập hoặc mật khẩu không đúng")
        else:
            try:
                _check_password_for(store, row, password or "", via=via)
            except UserError as exc:
                failure = exc
    if failure is not None:
        raise failure
    actor = actor_from_row(row)
    store.actor = actor
    with store.atomic():
        store.audit("auth.sign_in", "officer", actor.id, detail=via)
        if via is None and _has_sessions(store):
            now = store.now_iso()
            store.execute("INSERT INTO sessions(officer_id, host, pid, started_at, last_seen_at) VALUES (?,?,?,?,?)",
                          (actor.id, socket.gethostname(), os.getpid(), now, now))
            store.notify(Table.SESSIONS, Kind.INSERT)
    return actor


def _has_sessions(store: Store) -> bool:
    return bool(store.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'"))


def open_sessions(store: Store) -> list[dict]:
    """Who is signed in where (sessions not ended; a killed program leaves its session open)."""
    if not _has_sessions(store):
        return []
    return store.query(
        "SELECT s.id, s.host, s.pid, s.started_at, s.last_seen_at, o.full_name, o.username FROM sessions s "
        "JOIN officers o ON o.id = s.officer_id WHERE s.ended_at IS NULL ORDER BY s.started_at DESC"
    )


def _end_sessions(store: Store) -> None:
    if _has_sessions(store):
        store.execute("UPDATE sessions SET ended_at = ? WHERE officer_id = ? AND host = ? AND pid = ? "
                      "AND ended_at IS NULL", (store.now_iso(), store.actor.id, socket.gethostname(), os.getpid()))
        store.notify(Table.SESSIONS, Kind.UPDATE)


def verify_current_officer(store: Store, password: str, *, action: str = "auth.unlock_screen") -> None:
    """Unlock the screen (or confirm before changing one's password): the signed-in officer's password,
    with the same counting and lockout, read and updated in one immediate transaction."""
    failure: UserError | None = None
    with store.atomic():
        row = get_officer(store, store.actor.id)
        if row is None or not row["active"]:
            failure = WrongPassword("Tài khoản không còn hoạt động; hãy đăng xuất")
        else:
            try:
                _check_password_for(store, row, password or "")
            except UserError as exc:
                failure = exc
            else:
                store.audit(action, "officer", row["id"])
    if failure is not None:
        raise failure


def record_screen_lock(store: Store, reason: str) -> None:
    with store.atomic():
        store.audit("auth.lock_screen", "officer", store.actor.id, detail=reason)


def sign_out(store: Store) -> None:
    with store.atomic():
        store.audit("auth.sign_out", "officer", store.actor.id)
        _end_sessions(store)
    store.actor = SYSTEM_ACTOR


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
