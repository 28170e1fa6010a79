"""Regenerate the screenshots in docs/images from the demo database, offscreen, at 1366×768.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--out docs/images]

Builds a fresh demo database in a temporary folder, signs in as the leader (chihuy) on the demo's day
and grabs the screens the README and docs show, so that the pictures stay true when the UI changes.
The report's page images (report-page*.png) are made by the CLI recipe in docs/report.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (1366, 768)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    import demo
    from models.core.demo_clock import apply_demo_clock
    from models.core.store import Actor, Store
    from ui.context import AppContext
    from ui.shell.app import create_application
    from ui.shell.main_window import MainWindow

    app = create_application()  # as the real program: Vietnamese Qt texts and locale
    folder = Path(tempfile.mkdtemp(prefix="sdd-shots-"))
    db = folder / "demo.sqlite"
    demo.build_demo(db)
    store = Store(db)
    apply_demo_clock(store)
    row = store.query_one("SELECT id, username, full_name, role FROM officers WHERE username = 'chihuy'")
    store.actor = Actor(row["id"], row["username"], row["full_name"], row["role"])
    window = MainWindow(AppContext.create(store))
    window.resize(*SIZE)
    window.show()

    def settle(rounds: int = 30) -> None:
        for _ in range(rounds):
            app.processEvents()

    def grab(widget, name: str) -> None:
        settle()
        path = args.out / name
        widget.grab().save(str(path))
        print(path)

    window.show_page("dossiers")
    grab(window, "dossiers-page.png")
    page = window.pages["dossiers"]
    intake = page.open_intake()
    org = store.query_one("SELECT * FROM organizations WHERE grp = 1 AND tax_code IS NOT NULL "
                          "AND rep_name IS NOT NULL ORDER BY id LIMIT 1 OFFSET 7")
    intake.use_organization(dict(org))
    intake.fields["rep_phone"].setText("0912 345 678")
    grab(intake, "intake-dialog.png")
    intake.done(0)
    dossier_id = store.scalar("SELECT id FROM dossiers WHERE status = 'verifying' ORDER BY id LIMIT 1")
    view = page.open_dossier(dossier_id)
    if view is not None:
        view.resize(*SIZE)
        grab(view, "dossier-view.png")
        view.close()
    window.show_page("progress")
    grab(window, "progress-dashboard.png")
    window.show_page("reports")
    reports = window.pages["reports"]
    reports.preview()  # built off the UI thread: wait for it (at most 60 s)
    deadline = time.monotonic() + 60
    while getattr(reports, "current", None) is None and time.monotonic() < deadline:
        settle(5)
        time.sleep(0.05)
    settle(100)
    grab(window, "report-preview.png")

    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
