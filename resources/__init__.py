"""Finding bundled resources (fonts, icons, data) from source and inside the PyInstaller bundle.

Always go through ``resource_path``: in a one-folder bundle the files live under ``sys._MEIPASS``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    path = resource_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"Thiếu tài nguyên của chương trình: {path}")
    return path
