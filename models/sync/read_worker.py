"""Read sync workbooks ahead of the merge in helper processes (``read_ahead``).

Reading and verifying a workbook (python-calamine, checksum) is pure CPU work that holds the GIL, so a
province merging a hundred files uses the other cores with plain child processes: each gets its share of
the files (file i → worker i mod N) and the password on stdin, and sends back, file after file,
length-prefixed pickles of ``(SyncFile | None, UserError | None, bug_text | None)``. The parent reads the
results in the original order. No multiprocessing "spawn" (it would re-import the app's main module) and
nothing in a frozen bundle (there is no Python to start): then files are read in-process.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

from models.core.errors import UserError
from models.sync.reader import SyncFile, read_sync_file

ROOT = Path(__file__).resolve().parents[2]  # the project root (models/sync/ → models/ → root)
_HEADER = struct.Struct(">Q")


def read_one(path: Path, password: str | None) -> tuple[SyncFile | None, UserError | None, str | None]:
    try:
        return read_sync_file(path, password), None, None
    except UserError as exc:
        return None, exc, None
    except Exception:  # reported to the parent, which refuses the file and logs the traceback
        return None, None, traceback.format_exc()


def read_ahead(paths: list[Path], password: str | None, workers: int | None = None,
               ) -> Iterator[tuple[Path, SyncFile | None, UserError | None, str | None]]:
    workers = min(workers if workers is not None else (os.cpu_count() or 1), 4, len(paths))
    if workers <= 1 or len(paths) < 3 or getattr(sys, "frozen", False):
        for path in paths:
            yield (path, *read_one(path, password))
        return
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    procs = []
    try:
        for w in range(workers):
            proc = subprocess.Popen([sys.executable, "-m", "models.sync.read_worker"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, env=env, cwd=str(ROOT))
            proc.stdin.write(pickle.dumps(([str(p) for p in paths[w::workers]], password)))
            proc.stdin.close()
            procs.append(proc)
        for i, path in enumerate(paths):
            proc = procs[i % workers]
            header = proc.stdout.read(_HEADER.size)
            if len(header) != _HEADER.size:
                raise RuntimeError(f"worker {proc.pid} stopped (exit code {proc.wait()}) before {path.name}")
            (size,) = _HEADER.unpack(header)
            yield (path, *pickle.loads(proc.stdout.read(size)))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()


def _worker() -> None:
    paths, password = pickle.loads(sys.stdin.buffer.read())
    out = sys.stdout.buffer
    for name in paths:
        data = pickle.dumps(read_one(Path(name), password), protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_HEADER.pack(len(data)))
        out.write(data)
        out.flush()


if __name__ == "__main__":
    _worker()
