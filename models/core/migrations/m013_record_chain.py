"""The tamper-evident record (issue 14): ``record_chain``, the hash chain over audit lines, dossier events and
issued reports, built over the rows already there; the triggers that append to it on every insert; the
protective triggers recreated from their one expected text (``models/security/record_chain.py``)."""

from models.security import record_chain

VERSION = 13


def up(store) -> None:
    record_chain.install(store.conn)
