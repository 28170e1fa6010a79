"""Converting in batches while a forked writer process writes the previous batch (issue 17, item 1).

Threads cannot overlap the two halves of an import: ``executemany`` takes the GIL back for every row, so
the conversion (pure Python) and the writer would take turns. A forked process has its own interpreter
and its own SQLite connection, so the conversion of batch k+1 runs on one core while batch k is inserted
on the other.

The interface is deliberately narrow, so that the registry's bulk writer (``writer.py``) is the consumer:

    batches = convert_batches(analysis, areas, today, progress=None, size=10_000)   # analysis.py
    result = run_overlapped(batches, open_store, consume, finish, summary)

- ``batches``: any iterator of picklable batches; for the registry, ``analysis.convert_batches`` yields
  lists of ``Record`` that will not change any more: a record whose tax code occurs more than once in the
  file (found by a first pass over the tax-code column) or that has no tax code (rows merged by content)
  is held back and comes in the last batch, fully merged, so repeated tax codes are still merged across
  batches and no record reaches the writer twice. When the iterator is exhausted the ``Analysis`` is
  complete (counts, issues, area choices), exactly as ``analyse`` leaves it.
- ``open_store()``: called in the writer process, returns its own ``Store``: same file, actor and clock,
  a new connection and a NEW ``ChangeBus`` (``Store(store.path, actor=store.actor, clock=store.clock,
  migrate=False)``, not ``store.clone()``, whose bus would run the GUI's subscribers inside the forked
  child); the main process notifies the screens after ``run_overlapped`` returns.
- ``consume(store, batch)``: called in the writer process for each batch, in order, all inside ONE
  ``store.atomic()`` transaction (``BEGIN IMMEDIATE``: the write lock is taken when the process starts,
  so planning against existing rows sees the registry as it is and nothing else writes meanwhile).
- ``summary()``: called in the main process after the last batch; its (picklable) value goes to
  ``finish(store, summary)`` in the writer, still inside the transaction (the ``imports`` row, counts,
  strict mode: raise to roll everything back); ``finish``'s picklable return value is the result.

Safety: any exception in ``consume``/``finish`` rolls the transaction back and is raised in the main
process (a ``UserError`` as itself, anything else as ``RuntimeError`` naming it); a ``Cancelled`` (or any
exception) raised while converting sends "abort" and the writer rolls back; a writer that dies (SIGKILL)
leaves nothing (SQLite ignores a transaction that was never committed) and the main process raises; a main
process that dies makes the writer's ``recv`` fail, and it rolls back and exits. The pipe holds at most a
batch or two: the conversion waits when the writer is behind, so memory stays bounded.

``fork`` is used (the writer must start at once and share the already-imported modules). Forking a
process that runs other threads (the GUI runs an import in a ``QThread``) is allowed but Python 3.12 warns
about it; the child only touches SQLite and the batches it receives.
"""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from models.core.errors import UserError
from models.registry.importing.gcpause import paused_gc


class _Abort(Exception):
    pass


def _writer(conn, open_store: Callable, consume: Callable, finish: Callable) -> None:
    store = None
    try:
        store = open_store()
        with paused_gc(), store.atomic():
            while True:
                kind, payload = conn.recv()  # EOFError when the main process is gone: roll back
                if kind == "batch":
                    consume(store, payload)
                elif kind == "commit":
                    result = finish(store, payload)
                    break
                else:
                    raise _Abort
        conn.send(("ok", result))
    except _Abort:
        conn.send(("aborted", None))
    except EOFError:
        pass
    except BaseException as exc:  # every failure goes back to the main process
        try:
            conn.send(("user_error" if isinstance(exc, UserError) else "error",
                       str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass
    finally:
        if store is not None:
            store.close()
        conn.close()


def _raise_from(kind: str, payload: Any) -> None:
    if kind == "user_error":
        raise UserError(payload)
    if kind == "error":
        raise RuntimeError(f"Tiến trình ghi dữ liệu bị lỗi: {payload}")


def run_overlapped(batches: Iterable, open_store: Callable, consume: Callable, finish: Callable,
                   summary: Callable[[], Any]) -> Any:
    """Hand each batch to ``consume`` in a forked writer process (see the module docstring)."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with other threads running: see above
        process = context.Process(target=_writer, args=(child, open_store, consume, finish), daemon=True)
        process.start()
    child.close()
    try:
        with paused_gc():  # conversion allocates millions of acyclic objects (gcpause.py)
            for batch in batches:
                if parent.poll():  # the writer stopped early: its error
                    _raise_from(*parent.recv())
                parent.send(("batch", batch))
        parent.send(("commit", summary()))
        kind, payload = parent.recv()
        _raise_from(kind, payload)
        process.join(timeout=60)  # committed: let it close its connection
        return payload
    except (BrokenPipeError, EOFError, ConnectionResetError):
        _raise_written_error(parent)
        raise RuntimeError("Tiến trình ghi dữ liệu đã dừng đột ngột; cơ sở dữ liệu giữ nguyên như trước") from None
    except BaseException:
        try:
            parent.send(("abort", None))
        except OSError:
            pass
        raise
    finally:
        process.join(timeout=2)  # after "abort": a Cancel does not wait for the batches still in the pipe
        if process.is_alive():  # killed mid-transaction: SQLite never sees a commit, the file is as before
            process.kill()
            process.join()
        parent.close()


def _raise_written_error(parent) -> None:
    """The writer failed and closed its end: the error it sent before, if any."""
    try:
        if parent.poll(1):
            kind, payload = parent.recv()
            _raise_from(kind, payload)
    except (EOFError, OSError):
        return
