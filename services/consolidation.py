"""The province's consolidated weekly report (``models/sync/consolidation.py`` decides its figures),
written as PDF and/or Excel with the unit report's renderers — plus the units' citizens' tables
(``exporters/consolidated_report.py``) — and logged with the files it went to."""

from __future__ import annotations

from pathlib import Path

from exporters.consolidated_report import render_consolidated_pdf, render_consolidated_xlsx
from models.core.errors import UserError
from models.core.store import Store
from models.reports.period import ReportPeriod
from models.reports.weekly import ReportData
from models.sync.consolidation import consolidated_citizens, consolidated_report, record_consolidated
from models.sync.merge import require_province
from services.output import OutputFile, write_files


def write_consolidated(store: Store, period: ReportPeriod, *, pdf: str | Path | None = None,
                       xlsx: str | Path | None = None) -> ReportData:
    """Both files appear together with their audit line, or neither does."""
    if not pdf and not xlsx:
        raise UserError("Hãy chọn ít nhất một tệp đầu ra: PDF hoặc Excel.")
    require_province(store)
    data = consolidated_report(store, period)
    citizens = consolidated_citizens(store, period)
    files = []
    if pdf:
        files.append(OutputFile(Path(pdf), render_consolidated_pdf(data, citizens).pdf))
    if xlsx:
        files.append(OutputFile(Path(xlsx), render_consolidated_xlsx(data, citizens)))
    write_files(store, files, lambda _written: record_consolidated(store, period, pdf=pdf, xlsx=xlsx))
    return data
