"""Where the database lives by default: the user's data folder (``--db`` overrides it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path, PureWindowsPath

APP_DIR_NAME = "SoDinhDanh"
DB_FILE_NAME = "so-dinh-danh.sqlite"


def user_data_dir() -> Path:
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


def default_db_path() -> Path:
    return user_data_dir() / DB_FILE_NAME


DEMO_DB_FILE_NAME = "demo.sqlite"


def demo_db_path() -> Path:
    """The demo's own file (``main.py --demo`` and ``main.py demo`` without ``--db``): beside the real
    database, never the same file."""
    return user_data_dir() / DEMO_DB_FILE_NAME


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file (the same path written differently, or a link to it)."""
    a, b = Path(a), Path(b)
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
    except OSError:
        pass
    return os.path.normcase(str(a.resolve())) == os.path.normcase(str(b.resolve()))


# ---- network file systems ------------------------------------------------------------------------
# SQLite's WAL mode keeps its index in shared memory (the -shm file, mapped by every program that opens
# the database): it only works when all of them run on one machine. On a network share the locks and the
# shared memory are not shared between machines, and two desks would silently corrupt the file.
NETWORK_FS_TYPES = frozenset({
    "cifs", "smb3", "smbfs", "nfs", "nfs4", "ncpfs", "afs", "coda", "ceph", "glusterfs", "gfs2", "ocfs2",
    "lustre", "davfs", "fuse.sshfs", "fuse.glusterfs", "fuse.davfs2", "fuse.rclone", "fuse.smbnetfs",
    "fuse.cephfs", "fuse.s3fs",
})
MOUNTINFO = Path("/proc/self/mountinfo")  # Linux: this process's mount table
_DRIVE_REMOTE = 4  # GetDriveTypeW: a mapped network drive


def _unescape_mount_field(text: str) -> str:
    """/proc/self/mountinfo writes space, tab, newline and backslash in paths as octal escapes."""
    return (text.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
            .replace("\\134", "\\"))


def parse_mountinfo(text: str) -> list[tuple[str, str, str]]:
    """(mount point, file system type, source) for each line of a ``/proc/<pid>/mountinfo`` text."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 5 or not tail:
            continue
        mounts.append((_unescape_mount_field(fields[4]), tail[0], _unescape_mount_field(tail[1]) if len(tail) > 1 else ""))
    return mounts


def _existing_ancestor(path: Path) -> Path:
    """The path itself, or its nearest folder that exists (a new database's folder may not yet)."""
    path = Path(os.path.abspath(path))
    for candidate in (path, *path.parents):
        if candidate.exists():
            return Path(os.path.realpath(candidate))
    return path


def _mount_of(path: str, mounts: list[tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """The mount holding ``path``: the longest mount point above it (the last one mounted wins a tie)."""
    best = None
    for mount in mounts:
        point = mount[0]
        inside = point == "/" or path == point or path.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= len(best[0])):
            best = mount
    return best


def network_share(path: str | Path, *, platform: str | None = None,
                  mountinfo: str | None = None) -> str | None:
    """How ``path`` is reached over the network ("UNC \\\\may-chu\\chia-se", "cifs //may-chu/so", "ổ mạng Z:"),
    or None when it is on a disk of this machine.

    Windows: a UNC path (``\\\\server\\share\\…``, ``\\\\?\\UNC\\…``) or a drive letter mapped to a share.
    Linux: the type of the file system that holds the path's folder, from ``/proc/self/mountinfo``
    (SMB/CIFS, NFS, sshfs…). Elsewhere, or when the mount table cannot be read: None.
    """
    platform = platform or sys.platform
    if platform.startswith("win"):
        return _windows_network_share(str(path), real=sys.platform.startswith("win") and platform == sys.platform)
    if not platform.startswith("linux"):
        return None
    if mountinfo is None:
        try:
            mountinfo = MOUNTINFO.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    mount = _mount_of(str(_existing_ancestor(Path(path))), parse_mountinfo(mountinfo))
    if mount is None or mount[1] not in NETWORK_FS_TYPES:
        return None
    return f"{mount[1]} {mount[2]}".strip()


def _windows_network_share(text: str, *, real: bool) -> str | None:
    unc = text.replace("/", "\\")
    if unc.upper().startswith("\\\\?\\UNC\\"):  # the long-path form of \\server\share
        unc = "\\\\" + unc[8:]
    if unc.startswith("\\\\") and not unc.startswith(("\\\\?\\", "\\\\.\\")):
        return "UNC " + PureWindowsPath(unc).drive
    if not real:
        return None
    drive = PureWindowsPath(os.path.abspath(text)).drive
    if len(drive) == 2 and drive[1] == ":":
        import ctypes  # imported late: Windows only

        if ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == _DRIVE_REMOTE:
            return f"ổ mạng {drive}"
    return None


def network_database_message(path: str | Path, share: str) -> str:
    return (
        f"Không mở cơ sở dữ liệu «{path}»: tệp nằm trên ổ mạng ({share}). Cơ sở dữ liệu dùng chế độ WAL của "
        "SQLite, chỉ an toàn khi mọi chương trình mở tệp chạy trên cùng một máy; mở qua mạng có thể làm hỏng "
        "hoặc mất dữ liệu. Hãy chép tệp về ổ đĩa của máy này (ví dụ thư mục dữ liệu mặc định "
        f"«{user_data_dir()}») và mở từ đó. Nếu nhiều bàn tiếp nhận cùng làm việc, mỗi bàn giữ tệp riêng trên "
        "máy của mình và bàn chính tổng hợp tệp đồng bộ của các bàn (trang Đồng bộ)."
    )
