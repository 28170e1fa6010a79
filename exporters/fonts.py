"""Registering the bundled Liberation Serif 2.x faces with reportlab (Vietnamese-complete, metric-
compatible with Times New Roman, SIL OFL 1.1).

Every PDF exporter calls ``register_fonts()`` and uses the returned family names; registration happens
once per process. The faces are embedded (subset) in every PDF that uses them.
"""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from resources import resource_path

FAMILY = "LiberationSerif"
_FACES = {
    "regular": ("LiberationSerif", "LiberationSerif-Regular.ttf"),
    "bold": ("LiberationSerif-Bold", "LiberationSerif-Bold.ttf"),
    "italic": ("LiberationSerif-Italic", "LiberationSerif-Italic.ttf"),
    "bolditalic": ("LiberationSerif-BoldItalic", "LiberationSerif-BoldItalic.ttf"),
}
_lock = threading.Lock()
_registered: dict[str, str] | None = None


def register_fonts() -> dict[str, str]:
    """Register the four faces (idempotent); returns {"regular"|"bold"|"italic"|"bolditalic": name}."""
    global _registered
    with _lock:
        if _registered is None:
            names = {}
            for style, (name, file_name) in _FACES.items():
                if name not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
                names[style] = name
            addMapping(FAMILY, 0, 0, names["regular"])
            addMapping(FAMILY, 1, 0, names["bold"])
            addMapping(FAMILY, 0, 1, names["italic"])
            addMapping(FAMILY, 1, 1, names["bolditalic"])
            _registered = names
        return dict(_registered)
