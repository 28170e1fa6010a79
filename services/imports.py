"""Importing lists: the province's organization lists (checked first, then imported or not, with the
error workbook on demand) and the lists of online dossiers the province forwards.

The reading and checking live in the domain (``models/registry/importing``, ``models/dossiers/
online_import``); this module is what the screens and the command line call, and it writes the error
workbook through the output protocol (``services/output.py``).
"""

from __future__ import annotations

from pathlib import Path

from exporters.error_workbook import write_error_workbook
from models.core.progress import Progress
from models.core.store import Store
from models.dossiers import national_results, online_import
from models.registry.importing import Analysis, ImportResult, analyse_file, apply_analysis, load
from models.registry.organizations import GROUPS
from models.tabular import Table
from services.output import write_file


def read_org_list(path: str | Path, group: int):
    """Read the file and find its header (``UnreadableFile`` when it is not a table); no database needed,
    so that an unreadable file fails before anything is opened."""
    return load(Path(path), group)


def analyse_org_list(store: Store, path: str | Path, group: int, *, mapping: dict[int, str] | None = None,
                     loaded=None, progress: Progress | None = None) -> Analysis:
    """Every row converted and checked (``mapping``, else the mapping saved for this header, else the guess)."""
    return analyse_file(store, Path(path), group, mapping=mapping, loaded=loaded, progress=progress)


def check_org_list(store: Store, path: str | Path, group: int, *, mapping: dict[int, str] | None = None,
                   loaded=None, progress: Progress | None = None) -> tuple[Analysis, ImportResult]:
    """``analyse_org_list`` and what importing would do (a dry run: nothing is written)."""
    analysis = analyse_org_list(store, path, group, mapping=mapping, loaded=loaded, progress=progress)
    return analysis, apply_analysis(store, analysis, dry_run=True, progress=progress)


def import_org_list(store: Store, analysis: Analysis, *, strict: bool = False, dry_run: bool = False,
                    progress: Progress | None = None) -> ImportResult:
    """Import the valid rows of a checked file (one transaction; ``strict``: nothing if any row is wrong)."""
    return apply_analysis(store, analysis, dry_run=dry_run, strict=strict, progress=progress)


def save_error_workbook(store: Store | None, path: str | Path, *, source_name: str, result: ImportResult,
                        group: int) -> Path:
    """The rows with errors and warnings, located as the officer sees them in Excel, as a workbook."""
    path = Path(path)
    issues = [i.as_dict() for i in result.issues]
    write_file(store, path, lambda partial: write_error_workbook(
        partial, source_name=source_name, issues=issues, counts=result.counts(),
        group_label=f"Nhóm {group}: {GROUPS[group]}"))
    return path


def read_dossier_list(path: str | Path) -> Table:
    """Read a forwarded dossier list (a refusal naming the file when it is unreadable or empty)."""
    return online_import.read_table(path)


def import_dossier_list(store: Store, path: str | Path, *, table: Table | None = None,
                        mapping: dict[str, str] | None = None,
                        progress: Progress | None = None) -> online_import.ImportResult:
    """Import the province-forwarded dossiers of ``path`` (``table``: the file already read)."""
    return online_import.import_file(store, path, mapping=mapping, progress=progress, table=table)


def read_results_list(path: str | Path) -> Table:
    """Read a national-system result list (a refusal naming the file when it is unreadable or empty)."""
    return national_results.read_table(path)


def import_results_list(store: Store, path: str | Path, *, dry_run: bool = False, table: Table | None = None,
                        progress: Progress | None = None) -> national_results.ResultsImport:
    """Import (``dry_run``: preview, nothing written) the issued/activated accounts of ``path``."""
    return national_results.import_file(store, path, dry_run=dry_run, table=table, progress=progress)
