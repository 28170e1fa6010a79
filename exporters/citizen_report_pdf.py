"""The citizens' daily summary and the phase / final review as Decree 30 PDFs (issue 16), from
``models.reports.citizen_sheets.CitizenSheetData``.

The weekly report's renderer (``exporters/report_pdf.py``: the same fonts, page templates, letterhead,
tables and signature block); only the story differs: the title and the subject, the opening sentence,
the citizens' tables (``ReportRenderer.citizen_table``), the closing sentence (not on the daily summary),
"Nơi nhận" and the signature. The daily summary's tables are set at 9.5 pt with tight padding so that a
unit's communes and officers hold on one A4 page (scaled down a little when they still overflow it,
``one_page``); deterministic like the weekly report (same data, same bytes).
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepInFrame, KeepTogether, Paragraph, Spacer

from exporters.decree30 import Rule, esc
from exporters.report_pdf import MARGINS, TABLE_SIZE, RenderedReport, ReportRenderer
from models.reports.citizen_sheets import CitizenSheetData

DAILY_TABLE_SIZE = 9.5
MAX_SHRINK = 1.4     # the daily summary's tables are scaled down to one page up to 1/1.4 (9.5 pt → 6.8 pt)


def render_citizen_pdf(data: CitizenSheetData) -> RenderedReport:
    return CitizenSheetRenderer(data).render()


class CitizenSheetRenderer(ReportRenderer):
    data: CitizenSheetData

    def story(self) -> list[Flowable]:
        d, s = self.data, self.styles
        daily = d.kind == "daily"
        size = DAILY_TABLE_SIZE if daily else TABLE_SIZE
        head: list[Flowable] = [self.header(), Spacer(1, 3 * mm if daily else 8 * mm)]
        head += [Paragraph(esc(d.title), s["title"]), Paragraph(esc(d.subject), s["subject"]),
                 Rule(self.width * 0.33, space_before=3), Spacer(1, 4 * mm)]
        if d.intro:
            head.append(Paragraph(esc(d.intro), s["body"]))
        heading = ParagraphStyle("dailyHeading", parent=s["table_heading"], fontSize=12, leading=14) if daily \
            else s["table_heading"]
        body: list[Flowable] = []
        for table in d.tables:
            body += [CondPageBreak(25 * mm), Paragraph(esc(table.title), heading),
                     self.citizen_table(table, size=size, compact=daily), Spacer(1, (1 if daily else 2) * mm)]
        closing = [Paragraph(esc(d.closing), s["body"]), Spacer(1, 2 * mm)] if not daily else [Spacer(1, 2 * mm)]
        body.append(KeepTogether([*closing, self.closing_block()]))
        return head + (self.one_page(head, body) if daily else body)

    def one_page(self, head: list[Flowable], body: list[Flowable]) -> list[Flowable]:
        """The daily summary's tables and signature, scaled down to the rest of the page when they overflow
        it by at most ``MAX_SHRINK`` (the letterhead keeps its Decree 30 sizes); a larger unit's summary
        flows on to a second page instead, unscaled."""
        frame = self.page_height - MARGINS["top"] - MARGINS["bottom"]
        room = frame - _height(head, self.width) - 2
        need = _height(body, self.width)
        if need <= room or need > room * MAX_SHRINK:
            return body
        flat = [g for f in body for g in (f._content if isinstance(f, KeepTogether) else [f])]
        return [KeepInFrame(self.width, room, flat, mode="shrink")]

    def closing_block(self):
        """The weekly report's "Nơi nhận" and signature; the daily summary's signature space is 12 mm (one
        page)."""
        block = super().closing_block()
        if self.data.kind == "daily":
            right = block._cellvalues[0][1]
            for i, item in enumerate(right):
                if isinstance(item, Spacer):
                    right[i] = Spacer(1, 12 * mm)
        return block


def _height(flowables: list[Flowable], width: float) -> float:
    """Height of ``flowables`` laid out in a column of ``width`` (with their spaces before and after)."""
    total = 0.0
    for f in flowables:
        if isinstance(f, KeepTogether):
            total += _height(f._content, width)
        else:
            total += f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total
