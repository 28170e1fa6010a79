"""Syncing with the province: the workbook format, the unit's export, reading, merging, consolidation."""
