"""Sổ Định Danh — entry point for the desktop app and the headless CLI.

``python main.py`` starts the GUI; ``python main.py COMMAND …`` runs a command (see ``--help``).
"""

import multiprocessing
import sys

from cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the sync merge reads files in helper processes (bundle-safe)
    sys.exit(main(sys.argv[1:]))
