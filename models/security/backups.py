"""Backups: the domain side of automatic copies (daily and on exit, keeping the last N) and manual ones
to a folder (names, records, pruning), checks, restore.

Copies are taken with the SQLite online backup API (``store.backup_to``: consistent even while the
other desk writes) and verified with ``PRAGMA integrity_check``; ``services/backups.py`` writes them by
the output protocol and records them here (``record_backup``). A restore first checks the backup
(integrity, a schema this program understands, the audit triggers), keeps the current file aside
under a timestamped name, then puts the backup in place; the caller reopens the store.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from models.core.changes import Kind, Table
from models.core.errors import UserError
from models.core.migrations import latest_version
from models.core.paths import network_share
from models.core.permissions import require
from models.core.store import SYSTEM_ACTOR, Store, private_file
from models.security import record_chain
from models.text.vn_format import thousands

DEFAULT_KEEP = 10
AUTO_PATTERN = re.compile(r"^.+-tu-dong-\d{8}-\d{6}\.sqlite$")
REQUIRED_TABLES = ("settings", "officers", "audit_log")  # (+ record_chain from m013)
AUDIT_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    sha256: str

    def as_dict(self) -> dict:
        return {"path": str(self.path), "size": self.size, "sha256": self.sha256}


def sha256_of(path: Path) -> str:
    """SHA-256 of a finished copy (a backup's partial file). Never of a live database: closing the handle
    would drop SQLite's locks on it (see ``check_file``)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def keep_count(store: Store) -> int:
    return int(store.get_setting("backups_keep", DEFAULT_KEEP))


def set_keep_count(store: Store, keep: int) -> None:
    require(store, "settings.manage")
    if not 1 <= int(keep) <= 365:
        raise UserError("Số bản sao lưu tự động giữ lại phải từ 1 đến 365")
    store.set_setting("backups_keep", int(keep))


def stamp(store: Store) -> str:
    return store.now().strftime("%Y%m%d-%H%M%S")


def unique_path(path: Path) -> Path:
    if not path.exists():
        return path
    for n in range(2, 1000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise UserError(f"Thư mục «{path.parent}» đã có quá nhiều bản sao cùng tên")


def folder_target(store: Store, folder: str | Path) -> Path:
    """Where a manual backup to ``folder`` goes (e.g. a USB stick); checks the permission and the folder."""
    require(store, "backup.create")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"«{folder}» không phải là thư mục")
    return unique_path(folder / f"{store.path.stem}-sao-luu-{stamp(store)}.sqlite")


def automatic_target(store: Store) -> Path:
    return unique_path(store.backup_dir / f"{store.path.stem}-tu-dong-{stamp(store)}.sqlite")


def daily_backup_due(store: Store) -> bool:
    last = store.get_setting("last_auto_backup")
    return not (last and last[:10] >= store.today().isoformat())


def record_backup(store: Store, info: BackupInfo, *, reason: str | None = None) -> None:
    """The backup's audit line; ``reason`` (daily, exit, manual) marks an automatic copy, whose time is
    remembered for the daily one. Runs in the transaction that puts the copy in place."""
    with store.atomic():
        if reason is None:
            store.audit("backup.create", "backup", info.path.name,
                        detail={"path": str(info.path), "size": info.size, "sha256": info.sha256})
        else:
            store.set_setting("last_auto_backup", store.now_iso(), audit=False)
            store.audit("backup.create", "backup", info.path.name, detail={"reason": reason, "size": info.size})


def list_automatic(store: Store) -> list[Path]:
    """Automatic backups of this database, oldest first."""
    if not store.backup_dir.is_dir():
        return []
    prefix = f"{store.path.stem}-tu-dong-"
    files = [p for p in store.backup_dir.iterdir() if p.name.startswith(prefix) and p.suffix == ".sqlite"]
    return sorted(files, key=lambda p: p.name)


def prune(store: Store) -> list[Path]:
    removed = []
    files = list_automatic(store)
    for path in files[: max(0, len(files) - keep_count(store))]:
        path.unlink()
        removed.append(path)
    return removed


# ---- checking ----------------------------------------------------------------------------------------
def check_file(path: str | Path, *, full: bool = True) -> dict:
    """What ``check`` reports about one database file; ``problems`` is empty when it is healthy.

    Everything is read through SQLite, on a read-only connection (``mode=ro``), so that checking never
    changes the file — and never opens it any other way: SQLite's locks are POSIX advisory locks held by
    the process, and closing a plain handle on the live database (``open(path, "rb")`` to look at its
    header) would drop the locks of the program's own connections, after which another program may delete
    the live -wal/-shm and lose what was saved (``tests/test_db_file_safety.py``). SQLite's own
    connections share their locks, so this connection can be opened and closed safely.
    """

    path = Path(path)
    report: dict = {"path": str(path), "problems": []}
    problems = report["problems"]
    if not path.is_file():
        problems.append(f"Không tìm thấy tệp «{path}»")
        return report
    if path.stat().st_size == 0:
        problems.append(f"Tệp «{path.name}» rỗng (0 byte)")
        return report
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        problems.append(f"Không mở được «{path.name}»: {exc}")
        return report
    try:
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # SQLite reads and checks the header
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc):
                problems.append(f"Tệp «{path.name}» không phải cơ sở dữ liệu SQLite")
                return report
            raise
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check")]
        report["integrity_check"] = "ok" if integrity == ["ok"] else integrity[:20]
        if integrity != ["ok"]:
            problems.append("Kiểm tra toàn vẹn thất bại: " + "; ".join(integrity[:5]))
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        report["foreign_key_check"] = "ok" if not fk else [list(r) for r in fk[:20]]
        if fk:
            problems.append(f"{thousands(len(fk))} dòng tham chiếu tới bản ghi không tồn tại (foreign_key_check)")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        latest = latest_version()
        report["schema_version"] = version
        report["schema_latest"] = latest
        if version > latest:
            problems.append(f"Phiên bản cấu trúc {version} mới hơn phiên bản {latest} chương trình này hiểu")
        if version == 0:
            problems.append("Tệp không phải cơ sở dữ liệu của Sổ Định Danh (chưa có cấu trúc)")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing and version:
            problems.append("Thiếu bảng: " + ", ".join(missing))
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        report["audit_triggers"] = all(t in triggers for t in AUDIT_TRIGGERS)
        if version and not report["audit_triggers"]:
            problems.append("Thiếu trigger bảo vệ nhật ký (audit_log chỉ được ghi thêm)")
        if version >= record_chain.VERSION and not missing:
            # The whole record: protective triggers, hash chain, gaps, statuses vs events, report PDFs.
            found = record_chain.verify(conn)
            report["record_chain"] = {"head": record_chain.head(conn), "problems": found}
            problems.extend(found)
        report["journal_mode"] = conn.execute("PRAGMA journal_mode").fetchone()[0]
        report["counts"] = {
            t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
            for t in sorted(tables) if not t.startswith("sqlite_")
        }
    except sqlite3.DatabaseError as exc:
        problems.append(f"Tệp «{path.name}» hỏng hoặc không đọc được: {exc}")
    finally:
        conn.close()
    return report


def check_database(path: str | Path, *, journal_mode: str | None = None) -> dict:
    """``check_file`` plus what a working database (not a backup) needs: WAL mode (``journal_mode``: the
    open connection's, when the caller has one) and a disk of this machine, not a network share."""
    report = check_file(path)
    if report.get("record_chain") is not None:  # the issued reports' files where they were saved
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            report["problems"].extend(record_chain.saved_report_problems(conn, Path(path)))
        finally:
            conn.close()
    if journal_mode is not None:
        report["journal_mode"] = journal_mode
    if "journal_mode" in report and report["journal_mode"] != "wal":
        report["problems"].append(f"Chế độ nhật ký là «{report['journal_mode']}», cần «wal»")
    share = network_share(path)
    if share:
        report["problems"].append(f"Tệp nằm trên ổ mạng ({share}): chế độ WAL cần mọi chương trình mở tệp "
                                  "chạy trên cùng một máy; hãy chép tệp về ổ đĩa của máy này")
    return report


def check_store(store: Store) -> dict:
    """Check the open database (WAL mode included) — the admin screen's "Kiểm tra cơ sở dữ liệu"."""
    return check_database(store.path, journal_mode=store.scalar("PRAGMA journal_mode"))


# ---- restoring ---------------------------------------------------------------------------------------
def check_backup(source: str | Path) -> dict:
    """Refuses (``UserError``) a file that is not a healthy backup this program can open."""
    source = Path(source)
    report = check_file(source)
    if report["problems"]:
        raise UserError(f"Không khôi phục từ «{source.name}»: " + "; ".join(report["problems"]))
    return report


def restore_file(db_path: str | Path, source: str | Path, when: str, *, report: dict | None = None) -> dict:
    """Replace the database at ``db_path`` by the backup ``source`` (the database must be closed).

    The current file is kept aside as ``<name>.truoc-khoi-phuc-<stamp>.sqlite``; the backup is copied
    with the backup API to a temporary file, checked again, then renamed into place (atomic on one
    file system), so a crash leaves either the old or the new database, never a half-copied one.
    """
    db_path = Path(db_path)
    source = Path(source)
    if source.resolve() == db_path.resolve():
        raise UserError("Tệp sao lưu chính là tệp đang dùng")
    report = report or check_backup(source)  # ``report``: the caller has just checked it
    tmp = db_path.with_name(db_path.name + ".restoring")
    tmp.unlink(missing_ok=True)
    private_file(tmp)  # the restored database is readable by its owner only, like a new one (0600)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(str(tmp))
        try:
            src.backup(dest)
            dest.execute("PRAGMA journal_mode=WAL")
            ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dest.close()
    finally:
        src.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise UserError(f"Bản sao chép từ «{source.name}» không vượt qua kiểm tra toàn vẹn")
    kept = None
    if db_path.exists():
        try:
            _checkpoint(db_path)
        except sqlite3.OperationalError as exc:
            tmp.unlink(missing_ok=True)
            raise UserError("Cơ sở dữ liệu đang được mở ở cửa sổ hoặc máy khác; hãy đóng chương trình ở đó "
                            "rồi khôi phục lại") from exc
        kept = unique_path(db_path.with_name(f"{db_path.stem}.truoc-khoi-phuc-{when}{db_path.suffix}"))
        db_path.replace(kept)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    tmp.replace(db_path)
    return {"path": str(db_path), "from": str(source), "kept_aside": str(kept) if kept else None,
            "schema_version": report["schema_version"], "counts": report.get("counts", {})}


def tables_of(store: Store) -> list[str]:
    return [r["name"] for r in store.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so the copy kept aside is complete on its own."""
    conn = sqlite3.connect(str(path), timeout=2)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


KEPT_MARK = "[Giữ lại sau khôi phục]"  # prefix of the detail of an audit line re-appended by a restore
# Audit actions that change no data: lines of only these since the backup need no confirmation to restore.
NO_CHANGE_ACTIONS = ("auth.", "backup.", "personal_id.reveal", "sensitive.read", "audit.export", "report.view",
                     "report.reprint", "report.copy", "sync.key_created")


def _identity(conn: sqlite3.Connection) -> dict | None:
    """The unit using a database (code, name, kind: local | province), None before it is set up."""
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'unit_id'").fetchone()
        if row is None or row[0] in (None, "null"):
            return None
        unit = conn.execute("SELECT code, name, kind FROM units WHERE id = ?", (int(json.loads(row[0])),)).fetchone()
    except (sqlite3.Error, ValueError, TypeError):
        return None
    return {"code": unit[0], "name": unit[1], "kind": unit[2]} if unit else None


def _high_marks(conn: sqlite3.Connection) -> dict:
    """The newest row of each kept table in a database: what a backup of it already holds."""
    def top(sql: str) -> int:
        try:
            return conn.execute(sql).fetchone()[0] or 0
        except sqlite3.Error:  # a table an old backup does not have
            return 0
    return {"audit": top("SELECT MAX(id) FROM audit_log"), "dossiers": top("SELECT MAX(id) FROM dossiers"),
            "organizations": top("SELECT MAX(id) FROM organizations"),
            "reports": top("SELECT MAX(id) FROM reports"), "sync": top("SELECT MAX(sequence) FROM sync_exports"),
            "at": conn.execute("SELECT MAX(at) FROM audit_log").fetchone()[0]}


def restore_preview(store: Store, source: str | Path) -> dict:
    """What restoring ``source`` would do, before anything changes: refuses (``UserError``) an unhealthy or
    tampered backup (``check_backup``: the whole record is verified), another unit's database and one of a
    different role (province vs unit); counts what the current database has that the backup lacks.

    ``lost``: dossiers created, organizations added, reports issued, changes logged (audit lines other than
    sign-ins, backups and reads), sync files sent and audit lines written since the backup.
    The audit lines and the record of sync files sent are carried over by ``restore``; the dossiers and
    reports are lost (``warning`` says so, and a restore that loses anything needs ``confirmed``)."""
    require(store, "backup.restore")
    source = Path(source)
    report = check_backup(source)
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        theirs, marks = _identity(conn), _high_marks(conn)
    finally:
        conn.close()
    ours = _identity(store.conn)
    if ours and theirs:
        if theirs["kind"] != ours["kind"]:
            role = {"province": "của Công an tỉnh (nơi tổng hợp)", "local": "của một đơn vị"}
            raise UserError(f"Không khôi phục: «{source.name}» là cơ sở dữ liệu {role.get(theirs['kind'], '')} "
                            f"«{theirs['name']}», còn máy này dùng cơ sở dữ liệu {role.get(ours['kind'], '')} "
                            f"«{ours['name']}».")
        if theirs["code"] != ours["code"]:
            raise UserError(f"Không khôi phục: «{source.name}» là cơ sở dữ liệu của đơn vị «{theirs['name']}» (mã "
                            f"{theirs['code']}), không phải của đơn vị «{ours['name']}» (mã {ours['code']}) đang "
                            "dùng máy này.")
    lost = {
        "dossiers": store.scalar("SELECT COUNT(*) FROM dossiers WHERE id > ?", (marks["dossiers"],)),
        "organizations": store.scalar("SELECT COUNT(*) FROM organizations WHERE id > ?", (marks["organizations"],)),
        "reports": store.scalar("SELECT COUNT(*) FROM reports WHERE id > ?", (marks["reports"],)),
        "sync_exports": store.scalar("SELECT COUNT(*) FROM sync_exports WHERE sequence > ?", (marks["sync"],)),
        "audit_lines": store.scalar("SELECT COUNT(*) FROM audit_log WHERE id > ?", (marks["audit"],)),
        "changes": store.scalar(
            "SELECT COUNT(*) FROM audit_log WHERE id > ? AND NOT ("
            + " OR ".join("action LIKE ?" for _ in NO_CHANGE_ACTIONS) + ")",
            (marks["audit"], *(a + "%" if a.endswith(".") else a for a in NO_CHANGE_ACTIONS))),
    }
    parts = [f"{n} {label}" for n, label in ((lost["dossiers"], "hồ sơ tạo mới"),
                                             (lost["organizations"], "tổ chức thêm vào sổ"),
                                             (lost["reports"], "báo cáo đã ban hành"),
                                             (lost["changes"], "thay đổi ghi trong nhật ký"))
             if n]
    warning = None
    if parts or lost["sync_exports"]:
        since = f" (bản sao lưu đến {marks['at']})" if marks["at"] else ""
        warning = (f"Dữ liệu hiện tại có thay đổi sau bản sao lưu{since}: "
                   + (", ".join(parts) + " sẽ mất; " if parts else "")
                   + f"{lost['audit_lines']} dòng nhật ký và {lost['sync_exports']} tệp đồng bộ đã gửi được giữ "
                   "lại (ghi tiếp vào nhật ký sau khôi phục; số thứ tự tệp đồng bộ không bị dùng lại).")
    return {"source": str(source), "unit": theirs, "report": report, "marks": marks, "lost": lost,
            "warning": warning}


def _carry_over(store: Store, marks: dict) -> dict:
    """Read what the restore keeps from the current database: audit lines and sync files sent since."""
    names = {r["id"]: r["username"] for r in store.query("SELECT id, username FROM officers")}
    audit = store.query("SELECT * FROM audit_log WHERE id > ? ORDER BY id", (marks["audit"],))
    for line in audit:
        line["username"] = names.get(line["officer_id"])
    exports = store.query("SELECT * FROM sync_exports WHERE sequence > ? ORDER BY sequence", (marks["sync"],))
    for row in exports:
        row["username"] = names.get(row["officer_id"])
    return {"audit": audit, "sync_exports": exports, "from": store.path.name}


def _reappend(store: Store, kept: dict) -> None:
    """Write the kept audit lines again (chained like any new line, ``KEPT_MARK`` in their detail) and the
    sync files sent since the backup (so their sequence numbers are never used again)."""
    known = {r["username"]: r["id"] for r in store.query("SELECT id, username FROM officers")}

    def officer(username: str | None) -> int:
        return known.get(username, SYSTEM_ACTOR.id)

    for line in kept["audit"]:
        mark = f"{KEPT_MARK} dòng số {line['id']} của «{kept['from']}», cán bộ {line['username'] or '?'}"
        detail = mark if line["detail"] is None else f"{mark}: {line['detail']}"
        store.execute(
            "INSERT INTO audit_log(at, officer_id, action, object_type, object_id, field, old_value, new_value,"
            " detail) VALUES (?,?,?,?,?,?,?,?,?)",
            (line["at"], officer(line["username"]), line["action"], line["object_type"], line["object_id"],
             line["field"], line["old_value"], line["new_value"], detail))
    for row in kept["sync_exports"]:
        columns = [c for c in row if c not in ("username",)]
        values = {**row, "officer_id": officer(row["username"]),
                  "acknowledged_by": None if row.get("acknowledged_by") is None else officer(row["username"])}
        store.execute(f"INSERT OR IGNORE INTO sync_exports({', '.join(columns)}) VALUES "
                      f"({', '.join('?' * len(columns))})", tuple(values[c] for c in columns))


def restore(store: Store, source: str | Path, *, confirmed: bool = False) -> dict:
    """Restore the open database from ``source`` and reopen it in place; returns a summary.

    ``restore_preview`` first (refusals, what would be lost); when something would be lost the caller must
    have shown ``warning`` and pass ``confirmed`` (GUI dialog, CLI ``--yes``). The audit lines written since
    the backup and the sync files sent since are carried into the restored database (``_reappend``).
    The same ``Store`` object then works on the restored file (every screen holding it sees it). The
    restore is logged in the restored database, by the same officer when the account exists there,
    otherwise by the built-in system account (``store.actor`` becomes system: the GUI asks to sign in).
    If the restore fails, the store is reopened on the unchanged database and the error raised.
    """

    preview = restore_preview(store, source)
    if preview["warning"] and not confirmed:
        raise UserError(preview["warning"] + " Hãy xác nhận để khôi phục (dòng lệnh: thêm --yes).")
    report = preview["report"]
    kept = _carry_over(store, preview["marks"])
    actor, clock, bus, backup_dir = store.actor, store.clock, store.bus, store.backup_dir
    extra = {"uuid_factory": store.uuid_factory} if hasattr(store, "uuid_factory") else {}
    path = store.path
    when = stamp(store)
    store.close()
    try:
        result = restore_file(path, source, when, report=report)
    finally:
        # Reopen in place (migrating an older backup); runs whether or not the file was replaced.
        Store.__init__(store, path, actor=actor, clock=clock, bus=bus, backup_dir=backup_dir, **extra)
    same = store.query_one("SELECT id FROM officers WHERE id = ? AND username = ? AND active = 1",
                           (actor.id, actor.username))
    if same is None:
        store.actor = SYSTEM_ACTOR
    with store.atomic():
        _reappend(store, kept)
        store.audit("backup.restore", "backup", Path(source).name,
                    detail={"from": str(source), "kept_aside": result["kept_aside"], "by": actor.username,
                            "lost": preview["lost"], "audit_lines_kept": len(kept["audit"]),
                            "sync_exports_kept": len(kept["sync_exports"])})
        for name in tables_of(store):
            table = Table.known(name)
            if table is not None:  # tables no view listens to (history, search index…) need no message
                store.notify(table, Kind.BULK)
    result["schema_version"] = store.user_version
    result["lost"] = preview["lost"]
    result["warning"] = preview["warning"]
    return result
