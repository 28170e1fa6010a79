"""The citizens' daily summary and the phase / final review as Decree 30 PDFs (issue 16), from
``models.reports.citizen_sheets.CitizenSheetData``.

The weekly report's renderer (``exporters/report_pdf.py``: the same fonts, page templates, letterhead,
tables and signature block); only the story differs: the title and the subject, the opening sentence,
the citizens' tables (``ReportRenderer.citizen_table``), the closing sentence (not on the daily summary), "Nơi nhận" and the
signature. The daily summary's tables are set at 9.5 pt with tight padding so that a unit's communes and officers hold on one
A4 page; deterministic like the weekly report (same data, same bytes).
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer

from exporters.decree30 import Rule, esc
from exporters.report_pdf import TABLE_SIZE, RenderedReport, ReportRenderer
from models.reports.citizen_sheets import CitizenSheetData

DAILY_TABLE_SIZE = 9.5


def render_citizen_pdf(data: CitizenSheetData) -> RenderedReport:
    return CitizenSheetRenderer(data).render()


class CitizenSheetRenderer(ReportRenderer):
    data: CitizenSheetData

    def story(self) -> list[Flowable]:
        d, s = self.data, self.styles
        size = DAILY_TABLE_SIZE if d.kind == "daily" else TABLE_SIZE
        story: list[Flowable] = [self.header(), Spacer(1, 3 * mm if d.kind == "daily" else 8 * mm)]
        story += [Paragraph(esc(d.title), s["title"]), Paragraph(esc(d.subject), s["subject"]),
                  Rule(self.width * 0.33, space_before=3), Spacer(1, 4 * mm)]
        if d.intro:
            story.append(Paragraph(esc(d.intro), s["body"]))
        daily = d.kind == "daily"
        heading = ParagraphStyle("dailyHeading", parent=s["table_heading"], fontSize=12, leading=14) if daily \
            else s["table_heading"]
        for table in d.tables:
            story += [CondPageBreak(25 * mm), Paragraph(esc(table.title), heading),
                      self.citizen_table(table, size=size, compact=daily), Spacer(1, (1 if daily else 2) * mm)]
        closing = [Paragraph(esc(d.closing), s["body"]), Spacer(1, 2 * mm)] if d.kind != "daily" else [Spacer(1, 2 * mm)]
        story.append(KeepTogether([*closing, self.closing_block()]))
        return story

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
