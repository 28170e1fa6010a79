"""Citizens' reports (issue 16): the daily summary and the phase / final review as Decree 30 PDFs, for
the GUI («Công dân» tab) and the command line (``citizen-daily``, ``citizen-review``). Figures from
``models.reports.citizen_sheets`` (``citizen_progress``, the dashboard's); the file goes through
``services/output.py`` (written beside the target, then renamed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exporters.citizen_report_pdf import render_citizen_pdf
from models.core.store import Store
from models.reports.citizen_sheets import CitizenSheetData, collect_daily, collect_review
from services.output import write_file


@dataclass
class CitizenReport:
    data: CitizenSheetData
    pdf: bytes
    pages: int
    sha256: str
    path: str | None = None


def _rendered(data: CitizenSheetData) -> CitizenReport:
    rendered = render_citizen_pdf(data)
    return CitizenReport(data, rendered.pdf, rendered.pages, rendered.sha256)


def build_daily(store: Store, campaign_id: int | None = None, as_of=None) -> CitizenReport:
    """The daily summary (nothing written; safe in a worker thread)."""
    return _rendered(collect_daily(store, campaign_id, as_of))


def build_review(store: Store, campaign_id: int | None = None) -> CitizenReport:
    return _rendered(collect_review(store, campaign_id))


def _save(store: Store, report: CitizenReport, path: str | Path) -> CitizenReport:
    write_file(store, path, report.pdf)
    report.path = str(path)
    return report


def save_daily(store: Store, path: str | Path, campaign_id: int | None = None, as_of=None) -> CitizenReport:
    """Write the daily summary PDF at ``path``."""
    return _save(store, build_daily(store, campaign_id, as_of), path)


def save_review(store: Store, path: str | Path, campaign_id: int | None = None) -> CitizenReport:
    """Write the phase / final review PDF at ``path``."""
    return _save(store, build_review(store, campaign_id), path)
