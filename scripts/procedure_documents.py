"""Regenerate the procedure's document images in docs/images from the demo database (issue 13):

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/procedure_documents.py [--out docs/images]

Builds a fresh demo database in a temporary folder and, as the demo's leader, renders the request-for-papers
slip of a dossier waiting for papers, the refusal notice of a refused dossier and the intake register book
of the demo's last week, each page 1 to PNG at 80 dpi with ``pdftoppm`` (poppler-utils); then an intake
officer proposes to issue an account and the dossier screen is grabbed at 1366×768 as the leader sees it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _png(pdf: Path, out: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(out.with_suffix(""))], check=True)
    print(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    import demo
    from models.core.demo_clock import apply_demo_clock
    from models.core.store import Actor, Store
    from models.dossiers import procedure
    from services import procedure_docs

    folder = Path(tempfile.mkdtemp(prefix="sdd-docs-"))
    db = folder / "demo.sqlite"
    demo.build_demo(db)
    store = Store(db)
    apply_demo_clock(store)

    def actor(username: str) -> Actor:
        row = store.query_one("SELECT id, username, full_name, role FROM officers WHERE username = ?", (username,))
        return Actor(row["id"], row["username"], row["full_name"], row["role"])

    store.actor = actor("chihuy")
    papers = store.scalar("SELECT id FROM dossiers WHERE status = 'needs_papers' AND missing_papers IS NOT NULL "
                          "ORDER BY received_at DESC LIMIT 1")
    refused = store.scalar("SELECT id FROM dossiers WHERE status = 'refused' ORDER BY received_at DESC LIMIT 1")
    for kind, dossier_id, name in (("papers_request", papers, "papers-request-slip"),
                                   ("refusal", refused, "refusal-notice")):
        pdf = folder / f"{name}.pdf"
        procedure_docs.save_document(store, dossier_id, kind, pdf)
        _png(pdf, args.out / f"{name}.png")
    end = store.today() - dt.timedelta(days=1)
    book = folder / "register-book.pdf"
    procedure_docs.save_register_book(store, end - dt.timedelta(days=6), end, book)
    _png(book, args.out / "register-book.png")

    # an intake officer's proposal, as the leader sees it on the dossier screen
    verified = store.query_one("SELECT d.id, d.officer_id, o.username FROM dossiers d JOIN officers o "
                               "ON o.id = d.officer_id WHERE d.status = 'verified' AND o.role = 'intake' "
                               "ORDER BY d.received_at DESC LIMIT 1")
    store.actor = actor(verified["username"])
    procedure.propose(store, verified["id"], "issued", account_id="TK-DEMO-000123")
    store.actor = actor("chihuy")
    from ui.context import AppContext
    from ui.dialogs.dossier_view import DossierView
    from ui.shell.app import create_application

    app = create_application()
    view = DossierView(AppContext.create(store), verified["id"])
    view.resize(1366, 768)
    view.show()
    for _ in range(30):
        app.processEvents()
    path = args.out / "dossier-approval.png"
    view.grab().save(str(path))
    print(path)
    view.close()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
