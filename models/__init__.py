"""Domain and storage layer of Sổ Định Danh.

Nothing in this package may import Qt widgets or the ``ui`` package (a test enforces it):
the CLI, the benchmarks and the GUI all call the same functions here.
"""

__version__ = "0.1.0"
