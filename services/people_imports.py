"""Importing the people lists (residents, agencies' staff, enterprises' schedules, activation lists):
what the screens and the command line call. Reading and checking live in ``models/people/importing``;
the error workbook is written here through the output protocol (``services/output.py``).
"""

from __future__ import annotations

from pathlib import Path

from exporters.error_workbook import write_error_workbook
from models.core.progress import Progress
from models.core.store import Store
from models.people.importing import KINDS, Analysis, ImportResult, analyse_file, apply_analysis, load
from services.output import write_file


def read_people_list(path: str | Path, kind: str):
    """Read the file and find its header (``UnreadableFile`` naming the file); no database needed."""
    return load(Path(path), kind)


def analyse_people_list(store: Store, path: str | Path, kind: str, *, loaded=None,
                        progress: Progress | None = None) -> Analysis:
    return analyse_file(store, Path(path), kind, loaded=loaded, progress=progress)


def import_people_list(store: Store, analysis: Analysis, *, agency: str | None = None, dry_run: bool = False,
                       strict: bool = False, progress: Progress | None = None) -> ImportResult:
    """Import a checked list (one transaction; ``strict``: nothing if any row is wrong)."""
    return apply_analysis(store, analysis, agency=agency, dry_run=dry_run, strict=strict, progress=progress)


def save_error_workbook(store: Store | None, path: str | Path, *, source_name: str, result: ImportResult,
                        kind: str) -> Path:
    """The rows with errors and warnings (and the unknown ID numbers of an activation list) as a workbook."""
    path = Path(path)
    issues = [i.as_dict() for i in result.issues]
    write_file(store, path, lambda partial: write_error_workbook(
        partial, source_name=source_name, issues=issues, counts=result.counts(), group_label=KINDS[kind]))
    return path
