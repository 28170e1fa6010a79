"""Writing an output file so that a failure never leaves a half-written file under the real name."""

from __future__ import annotations

import contextlib
from pathlib import Path

from models.core.errors import UserError


def write_partial(path: Path, content: bytes) -> Path:
    """Write ``content`` beside ``path`` (``NAME.partial``) and return that file; the caller renames it
    into place (``partial.replace(path)``) once the operation it belongs to has succeeded."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(content)
    except OSError as exc:
        with contextlib.suppress(OSError):  # the cleanup must not hide the reason
            partial.unlink(missing_ok=True)
        raise UserError(f"Không ghi được tệp «{path}»: {exc.strerror or exc}") from exc
    return partial


def write_atomically(path: Path, content: bytes) -> None:
    """``path`` holds either its old content or all of ``content``, never a part of it."""
    partial = write_partial(path, content)
    try:
        partial.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):  # the cleanup must not hide the reason
            partial.unlink(missing_ok=True)
        raise UserError(f"Không ghi được tệp «{path}»: {exc.strerror or exc}") from exc
