"""The weekly (or review) report: build it, issue it into the register with its file, save a draft, the
workbook, the editable Word copy, or a copy of an issued report. One flow for the GUI, the command line
and the demo. The PDF is the record (the register keeps its bytes); the workbook and the Word copy are
made from the same ``ReportData`` for those who edit before signing.

Before the report is issued, ``Generated.warnings`` says what does not agree on it (issuing body, symbol
and signer, a recipient that is the issuer itself: ``models.reports.period``).

Issuing: figures are collected and the PDF rendered first; the files are written beside their targets;
the register then records the report (it refuses a number or a period already used) in the transaction
that renames the files into place (``services/output.py``). A refused report leaves no file at the
chosen path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from exporters.report_docx import render_report_docx
from exporters.report_pdf import render_report_pdf
from exporters.report_xlsx import render_report_xlsx
from models.core.store import Store
from models.reports import register
from models.reports.period import (
    ReportPeriod,
    ReportSettings,
    get_settings,
    letterhead_problems,
    recipient_problems,
)
from models.reports.weekly import ReportData, collect_report
from models.security import record_chain
from services.output import OutputFile, write_file, write_files


@dataclass
class ReportForm:
    """What the officer types or chooses; None keeps the reporting settings' value."""

    doc_date: dt.date | None = None
    difficulties: str = ""
    proposals: str = ""
    next_week: str = ""
    recipients: list[str] | None = None
    signer_authority: str | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    campaign_id: int | None = None
    parent_body: str | None = None
    issuing_body: str | None = None
    symbol: str | None = None


@dataclass
class Generated:
    """A built report: its data, the exact PDF bytes, and once issued or saved, its register id and file."""

    data: ReportData
    pdf: bytes
    pages: int
    sha256: str
    period: ReportPeriod
    report_id: int | None = None
    path: str | None = None
    extra_paths: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def build_report(store: Store, period: ReportPeriod, form: ReportForm | None = None, *, number: int | None = None,
                 settings: ReportSettings | None = None) -> Generated:
    """Figures and PDF for ``period`` (nothing written; safe in a worker thread)."""
    form = form or ReportForm()
    overrides = {key: value.strip() for key in ("parent_body", "issuing_body", "symbol")
                 if (value := getattr(form, key)) is not None and value.strip()}
    if overrides:
        settings = dataclasses.replace(settings or get_settings(store), **overrides)
    data = collect_report(store, period, campaign_id=form.campaign_id, doc_date=form.doc_date, number=number,
                          difficulties=form.difficulties, proposals=form.proposals, next_week=form.next_week,
                          recipients=form.recipients, signer_name=form.signer_name, settings=settings)
    if form.signer_authority is not None:
        data.signer_authority = form.signer_authority
    if form.signer_title is not None:
        data.signer_title = form.signer_title
    if number is not None:  # a numbered report is one to issue: it prints the record chain's head (a draft,
        # reproducible byte for byte from the same data, does not)
        data.record_head = record_chain.short(record_chain.head(store.conn))
    rendered = render_report_pdf(data)
    return Generated(data, rendered.pdf, rendered.pages, rendered.sha256, period, warnings=report_warnings(data))


def report_warnings(data: ReportData) -> list[str]:
    """What does not agree on the report: issuing body, symbol and signer; recipients that are the issuer."""
    return (letterhead_problems(data.unit_name, data.symbol, data.signer_authority, data.signer_title)
            + recipient_problems(data.recipients, data.unit_name, data.symbol))


def _extra_files(data: ReportData, xlsx: str | Path | None, docx: str | Path | None) -> list[OutputFile]:
    files = []
    if xlsx:
        files.append(OutputFile(Path(xlsx), render_report_xlsx(data)))
    if docx:
        files.append(OutputFile(Path(docx), render_report_docx(data)))
    return files


def issue(store: Store, generated: Generated, path: str | Path | None = None, *, xlsx: str | Path | None = None,
          docx: str | Path | None = None, allow_repeat: bool = False) -> Generated:
    """Record ``generated`` (which must carry its number) in the register and put its PDF at ``path`` (and
    the workbook at ``xlsx``, the Word copy at ``docx``), all or nothing; without ``path`` only the register
    keeps it (the demo)."""
    period = generated.period

    def record(_values) -> int:
        return register.issue_report(store, generated.data, generated.pdf, generated.pages, due_at=period.due_at,
                                     saved_path=str(Path(path).resolve()) if path else None,
                                     allow_repeat=allow_repeat)

    if path is None:
        generated.report_id = record(None)
        return generated
    files = [OutputFile(Path(path), generated.pdf), *_extra_files(generated.data, xlsx, docx)]
    generated.report_id = write_files(store, files, record)
    generated.path = str(path)
    generated.extra_paths = [str(f.target) for f in files[1:]]
    return generated


def issue_report(store: Store, period: ReportPeriod, form: ReportForm | None, number: int,
                 path: str | Path | None = None, *, xlsx: str | Path | None = None,
                 allow_repeat: bool = False, settings: ReportSettings | None = None) -> Generated:
    """Build the report numbered ``number`` and issue it (``issue``)."""
    generated = build_report(store, period, form, number=number, settings=settings)
    return issue(store, generated, path, xlsx=xlsx, allow_repeat=allow_repeat)


def save_report(store: Store, generated: Generated, path: str | Path, *, xlsx: str | Path | None = None,
                docx: str | Path | None = None) -> Generated:
    """Save a report that is not issued (a draft, or the command line's output without ``--issue``)."""
    files = [OutputFile(Path(path), generated.pdf), *_extra_files(generated.data, xlsx, docx)]
    write_files(store, files)
    generated.path = str(path)
    generated.extra_paths = [str(f.target) for f in files[1:]]
    return generated


def save_draft(store: Store, period: ReportPeriod, form: ReportForm | None, path: str | Path) -> Generated:
    """The report without a number, saved as a PDF (nothing recorded)."""
    return save_report(store, build_report(store, period, form, number=None), path)


def save_workbook(store: Store, period: ReportPeriod, form: ReportForm | None, path: str | Path, *,
                  number: int | None = None) -> Path:
    """The report's figures as an Excel workbook."""
    data = build_report(store, period, form, number=number).data
    write_file(store, path, render_report_xlsx(data))
    return Path(path)


def save_word(store: Store, period: ReportPeriod, form: ReportForm | None, path: str | Path, *,
              number: int | None = None) -> Path:
    """The same report as an editable Word document (.docx): the leader edits it before signing; the PDF
    stays the record."""
    data = build_report(store, period, form, number=number).data
    write_file(store, path, render_report_docx(data))
    return Path(path)


def save_issued_word(store: Store, report_id: int, path: str | Path) -> Path:
    """The Word copy of an issued report, from the figures the register kept (not recomputed)."""
    _row, data = register.get_report(store, report_id)
    write_file(store, path, render_report_docx(data))
    return Path(path)


def save_issued_copy(store: Store, report_id: int, path: str | Path) -> dict:
    """A copy of an issued report, byte for byte from the register, logged with the file it went to;
    returns the register line."""
    row, pdf = register.stored_pdf(store, report_id)
    write_file(store, path, pdf, lambda _written: register.record_copy(store, report_id, str(path)))
    return row
