"""File writers (PDF, Excel) from plain data; no Qt widgets, no ui/ imports."""
