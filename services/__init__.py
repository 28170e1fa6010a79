"""The use-case layer: what an officer does that reads the database, renders a file and records it.

The GUI (``ui/``) and the command line (``cli/``) call these functions for such work; they orchestrate
the domain (``models/``: data, checks, records) and the renderers (``exporters/``: PDF and workbooks
from plain data), and write every file by one protocol (``services/output.py``). One module, one job.
"""
