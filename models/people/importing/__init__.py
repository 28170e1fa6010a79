"""Importing the people lists (issue 15): residents, agencies' staff, enterprises' schedules, the
national system's issued/activated accounts. The same two steps as the registry's import:

    loaded = load(path, kind)                          # read + find header (UnreadableFile if not a table)
    analysis = analyse_file(store, path, kind)         # convert/check every row, merge repeated ID numbers
    result = apply_analysis(store, analysis, agency=…, dry_run=…, strict=…)   # one transaction

``import_file`` does all three. See ``writer`` for the rules (same ID = same person, blanks never erase,
activation lists count each person once and list unknown ID numbers).
"""

from __future__ import annotations

from pathlib import Path

from models.core.permissions import require
from models.core.progress import Progress
from models.core.store import Store
from models.people.importing.analysis import Analysis, Issue, Record, analyse, load
from models.people.importing.columns import FIELD_LABELS, KINDS, HeaderGuess, detect_header
from models.people.importing.writer import ImportResult, apply_analysis
from models.tabular import UnreadableFile

__all__ = ["FIELD_LABELS", "KINDS", "Analysis", "HeaderGuess", "ImportResult", "Issue", "Record", "UnreadableFile",
           "analyse_file", "apply_analysis", "detect_header", "import_file", "load"]


def analyse_file(store: Store, path: str | Path, kind: str, *, mapping: dict[int, str] | None = None, loaded=None,
                 progress: Progress | None = None) -> Analysis:
    require(store, "people.import")
    areas = store.query("SELECT code, name, name_fold FROM areas")
    return analyse(path, kind, areas=areas, today=store.today(), mapping=mapping, loaded=loaded, progress=progress)


def import_file(store: Store, path: str | Path, kind: str, *, agency: str | None = None, dry_run: bool = False,
                strict: bool = False, progress: Progress | None = None) -> ImportResult:
    analysis = analyse_file(store, path, kind, progress=progress)
    return apply_analysis(store, analysis, agency=agency, dry_run=dry_run, strict=strict, progress=progress)
