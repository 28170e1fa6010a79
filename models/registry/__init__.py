"""The unit, its areas, and the organization registry: records, search, duplicates, list imports."""
