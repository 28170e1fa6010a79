"""Layout pieces of the Decree 30/2020 administrative document shared by the weekly report and the
applicant's receipt: the national title and motto, the short rules under them, escaping, and the
borderless two-column table that holds the header and the signature blocks."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.platypus import Flowable, Table, TableStyle

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


class Rule(Flowable):
    """A centred horizontal rule of ``length`` points (under the unit name, the motto, the subject);
    ``space_before`` above it, the line drawn ``line_y`` points above the bottom of ``height``."""

    def __init__(self, length: float, space_before: float = 1.5, *, height: float = 1.5, line_y: float = 1):
        super().__init__()
        self.length = length
        self.space_before = space_before
        self.height_below = height
        self.line_y = line_y

    def wrap(self, avail_width, avail_height):
        self._avail = avail_width
        return avail_width, self.space_before + self.height_below

    def draw(self):
        x = (self._avail - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(x, self.line_y, x + self.length, self.line_y)


def esc(text: object) -> str:
    """``text`` safe inside a reportlab Paragraph (its markup is XML-like)."""
    return escape(str(text))


def side_by_side(left, right, col_widths, font_name: str, *extra_style) -> Table:
    """Two top-aligned cells without borders or padding. ``font_name`` is set on the cells, else their
    state pulls in (unembedded) Helvetica."""
    table = Table([[left, right]], colWidths=list(col_widths))
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), font_name),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        *extra_style,
    ]))
    return table
