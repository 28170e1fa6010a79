"""Export the audit log (the lines matching the audit screen's filter) to .xlsx or .csv; the export is
itself logged, in the transaction that puts the file in place."""

from __future__ import annotations

from pathlib import Path

from exporters.audit_table import write_audit_csv, write_audit_xlsx
from models.core.store import Store
from models.security.audit import AuditFilter, export_table, record_export
from services.output import write_file


def export_audit(store: Store, filt: AuditFilter | None, path: str | Path) -> int:
    """Write the matching lines to ``path``; returns how many."""
    path = Path(path)
    table = export_table(store, filt, path)
    writer = write_audit_csv if path.suffix.lower() == ".csv" else write_audit_xlsx
    write_file(store, path, lambda partial: writer(partial, table.headers, table.rows),
               lambda _written: record_export(store, filt, path, len(table.rows)))
    return len(table.rows)
