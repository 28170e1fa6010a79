"""Importing the organization lists the province hands down (issue 2, item 5).

Two steps, so that the GUI can show the result of checking before anything is written:
    loaded = load(path, group)                      # read + find header (UnreadableFile if not a table)
    analysis = analyse_file(store, path, group)     # convert/validate all rows, merge repeated rows
    result = apply_analysis(store, analysis, dry_run=False, strict=False, progress=progress)

``import_file`` does all three. ``apply_analysis`` is one transaction (``store.atomic()``); a
``Cancelled`` raised by the progress leaves the database as it was. Column mappings chosen by an
officer are saved per header signature (``save_mapping``) and reused for files with the same header.
"""

from __future__ import annotations

import json
from pathlib import Path

from models.core.permissions import require
from models.core.progress import Progress
from models.core.store import Store
from models.registry.divisions import chosen_before, record_choices
from models.registry.importing.analysis import Analysis, Issue, Record, analyse, load
from models.registry.importing.columns import (
    IGNORE,
    IMPORT_FIELD_LABELS,
    IMPORT_FIELDS,
    HeaderGuess,
    detect_header,
    header_signature,
    recognise_header,
)
from models.registry.importing.writer import ImportResult
from models.registry.importing.writer import apply_analysis as _apply_analysis
from models.registry.search_index import no_autocheckpoint
from models.tabular import UnreadableFile

__all__ = [
    "IGNORE", "IMPORT_FIELDS", "IMPORT_FIELD_LABELS", "Analysis", "HeaderGuess", "ImportResult", "Issue", "Record",
    "UnreadableFile", "analyse_file", "apply_analysis", "detect_header", "header_signature", "import_file", "load",
    "recognise_header", "saved_mapping", "save_mapping",
]

MAPPING_KIND = "organizations"


def saved_mapping(store: Store, headers: list[str]) -> dict[int, str] | None:
    """The mapping an officer saved for this header layout, if any."""
    row = store.query_one("SELECT mapping FROM column_mappings WHERE signature = ? AND kind = ?",
                          (header_signature(headers), MAPPING_KIND))
    if row is None:
        return None
    return {int(k): v for k, v in json.loads(row["mapping"]).items()}


def save_mapping(store: Store, headers: list[str], mapping: dict[int, str]) -> None:
    require(store, "registry.import")
    with store.atomic():
        store.execute(
            "INSERT INTO column_mappings(signature, kind, mapping, saved_at) VALUES (?,?,?,?) "
            "ON CONFLICT(signature) DO UPDATE SET mapping = excluded.mapping, saved_at = excluded.saved_at",
            (header_signature(headers), MAPPING_KIND,
             json.dumps({str(k): v for k, v in sorted(mapping.items())}, ensure_ascii=False), store.now_iso()))


def _areas(store: Store) -> list[dict]:
    return store.query("SELECT code, name, name_fold, province_code FROM areas")


def analyse_file(store: Store, path: str | Path, group: int, *, mapping: dict[int, str] | None = None,
                 loaded=None, progress: Progress | None = None) -> Analysis:
    """Read and validate ``path``; uses ``mapping``, else a saved mapping for the header, else the guess."""
    loaded = loaded or load(path, group)
    if mapping is None:
        mapping = saved_mapping(store, loaded[1].headers)
    return analyse(path, group, areas=_areas(store), today=store.today(), mapping=mapping, loaded=loaded,
                   progress=progress)


def apply_analysis(store: Store, analysis: Analysis, *, dry_run: bool = False, strict: bool = False,
                   progress: Progress | None = None) -> ImportResult:
    """``writer.apply_analysis``, then (same transaction) the open choices for rows whose old commune was
    split on 1 July 2025 (``models.registry.divisions.record_choices``); ``result.area_choices`` counts them."""
    with no_autocheckpoint(store), store.atomic():  # one WAL checkpoint after the commit
        chosen_before(store, analysis.area_choices, analysis.records)
        result = _apply_analysis(store, analysis, dry_run=dry_run, strict=strict, progress=progress)
        result.area_choices = len(analysis.area_choices)
        if result.written and result.import_id is not None:
            record_choices(store, result.import_id, analysis.area_choices)
    return result


def import_file(store: Store, path: str | Path, group: int, *, dry_run: bool = False, strict: bool = False,
                mapping: dict[int, str] | None = None, progress: Progress | None = None) -> ImportResult:
    analysis = analyse_file(store, path, group, mapping=mapping, progress=progress)
    return apply_analysis(store, analysis, dry_run=dry_run, strict=strict, progress=progress)
