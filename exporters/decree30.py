"""Layout pieces of the Decree 30/2020 administrative document shared by the weekly report and the
applicant's receipt: the national title and motto, the short rules under them, escaping, and the
borderless two-column table that holds the header and the signature blocks."""

from __future__ import annotations

from itertools import pairwise
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

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


# ---- the issuing body's name lines ---------------------------------------------------------------------
# Decree 30: the parent body and the issuing unit are centred capitals (12–13 pt). A long name breaks
# between words at natural places: never inside a place name ("TỈNH AN GIANG", "KHU VỰC RẠCH GIÁ"), nor
# inside a few two-syllable words of the trade, nor before the " - " that joins a unit to its parent.
PLACE_PREFIXES = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "ĐẶC KHU", "KHU VỰC", "TỈNH", "HUYỆN", "QUẬN", "XÃ",
                  "PHƯỜNG")
PLACE_MAX_WORDS = 4  # "HỒ CHÍ MINH", "THỪA THIÊN HUẾ": longer runs are not one name
COMPOUNDS = ("CÔNG AN", "CẢNH SÁT", "ĐỊNH DANH", "ĐIỆN TỬ", "HỒ SƠ", "TIẾP NHẬN", "QUẢN LÝ", "HÀNH CHÍNH",
             "TRẬT TỰ", "XÃ HỘI", "CƠ QUAN", "TỔ CHỨC", "CĂN CƯỚC", "DỮ LIỆU", "DÂN CƯ", "THÔNG TIN")
SEPARATORS = ("-", "–", "—")


def name_chunks(text: str) -> list[str]:
    """``text`` cut into the pieces a line may break between (words kept together are joined by a
    space inside a piece); a separator dash stays at the end of the piece before it."""
    words = text.split()
    upper = [w.upper() for w in words]
    chunks: list[str] = []
    i = 0
    while i < len(words):
        if words[i] in SEPARATORS and chunks:
            chunks[-1] += " " + words[i]
            i += 1
            continue
        size = _match(upper, i, COMPOUNDS)
        place = _match(upper, i, PLACE_PREFIXES) if not size else 0
        if place:
            end = i + place
            while end < len(words) and end - i - place < PLACE_MAX_WORDS and words[end] not in SEPARATORS \
                    and not words[end - 1].endswith((",", ";")):
                end += 1
            size = end - i
        size = size or 1
        chunks.append(" ".join(words[i:i + size]))
        i += size
    return chunks


def _match(upper: list[str], i: int, phrases: tuple[str, ...]) -> int:
    """How many words of the longest of ``phrases`` start at word ``i`` (0: none)."""
    best = 0
    for phrase in phrases:
        parts = phrase.split()
        if len(parts) > best and upper[i:i + len(parts)] == parts:
            best = len(parts)
    return best


def break_name(text: str, font: str, size: float, width: float, *, words_if_needed: bool = False) -> list[str] | None:
    """The fewest lines of at most ``width`` points, breaking between ``name_chunks`` only: after a
    separator dash when possible, else as even as possible. None if one piece alone is too wide, unless
    ``words_if_needed``: then such a piece may break between its words (nothing else can fit)."""
    chunks = name_chunks(text)
    if not chunks:
        return [""]
    if words_if_needed:
        chunks = [part for c in chunks for part in ([c] if stringWidth(c, font, size) <= width else c.split())]
    space = stringWidth(" ", font, size)
    widths = [stringWidth(c, font, size) for c in chunks]
    if max(widths) > width and not words_if_needed:
        return None
    n = len(chunks)
    # best[j][k]: the best way to set chunks[:j] on k lines, as (key, previous break); the key
    # (-breaks after a dash, longest line) only gets worse as lines are added, so prefixes can be kept.
    best: list[dict[int, tuple[tuple[int, float], int]]] = [{} for _ in range(n + 1)]
    best[0][0] = ((0, 0.0), -1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            line = sum(widths[i:j]) + space * (j - i - 1)
            if line > width and j - i > 1:
                break
            dash = 1 if i and chunks[i - 1].endswith(SEPARATORS) else 0
            for k, ((d, longest), _) in best[i].items():
                key = (d - dash, max(longest, line))
                if k + 1 not in best[j] or key < best[j][k + 1][0]:
                    best[j][k + 1] = (key, i)
    k = min(best[n])
    bounds = [n]
    while k:
        bounds.append(best[bounds[-1]][k][1])
        k -= 1
    spans = list(pairwise(reversed(bounds)))
    # the dash that joined two names is not printed at the end of a line: the break separates them
    return [_strip_dash(" ".join(chunks[a:b])) if b < n else " ".join(chunks[a:b]) for a, b in spans]


def _strip_dash(line: str) -> str:
    head, _, last = line.rpartition(" ")
    return head if last in SEPARATORS and head else line


def fit_names(names: list[tuple[str, str]], width: float, sizes: tuple[float, ...]) -> tuple[float, list[list[str]]]:
    """Lines for each (text, font) of a letterhead at one common font size: the largest of ``sizes``
    that gives the fewest lines. If a place name is too wide even at the smallest size, it breaks
    between its words (the rest of the name still breaks at natural places)."""
    best = None
    for size in sizes:
        broken = [break_name(text, font, size, width) for text, font in names]
        if any(lines is None for lines in broken):
            continue
        count = sum(len(lines) for lines in broken)
        if best is None or count < best[0]:
            best = (count, size, broken)
    if best is not None:
        return best[1], best[2]
    size = sizes[-1]
    return size, [break_name(text, font, size, width, words_if_needed=True) for text, font in names]


def letterhead_columns(width: float, bold_font: str, nation_size: float = 12) -> tuple[float, float]:
    """Widths of the letterhead's two columns: the right one just holds the national title on one line,
    the left one (the issuing body's name) gets the rest, so long unit names need fewer lines."""
    right = stringWidth(NATION, bold_font, nation_size) + 2 * mm
    return width - right, right


def name_paragraphs(names: list[tuple[str, ParagraphStyle]], width: float,
                    sizes: tuple[float, ...]) -> tuple[list[Flowable], float, list[list[str]]]:
    """One centred Paragraph per (text, style) of the letterhead, broken by ``fit_names`` (explicit line
    breaks, so reportlab never re-wraps inside a place name) at the common size it picked; also that size
    and the lines of each name."""
    size, broken = fit_names([(text, style.fontName) for text, style in names], width - 1, sizes)
    out: list[Flowable] = []
    for (_, style), lines in zip(names, broken, strict=True):
        fitted = ParagraphStyle(f"{style.name}Fit", parent=style, fontSize=size, leading=size * 1.2)
        out.append(Paragraph("<br/>".join(esc(line) for line in lines) or " ", fitted))
    return out, size, broken
