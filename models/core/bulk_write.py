"""Helpers of the bulk list imports (organizations, people): a larger page cache for the duration of an
import, and cheap sequential version-4 UUIDs for the rows it inserts."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator

from models.core.store import Store

IMPORT_CACHE_KIB = -131072  # negative: KiB (128 MiB)


@contextlib.contextmanager
def big_page_cache(store: Store) -> Iterator[None]:
    """A larger page cache while importing: the tables' indexes take random inserts."""
    before = store.scalar("PRAGMA cache_size")
    store.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        store.execute(f"PRAGMA cache_size = {int(before)}")


def uuid_sequence() -> Callable[[int], str]:
    """Version-4 UUID strings: one random UUID per import, then a counter in the random last field."""
    base = uuid.uuid4().hex
    head = f"{base[:8]}-{base[8:12]}-{base[12:16]}-{base[16:20]}-"
    start = int.from_bytes(os.urandom(6), "big") & 0x7FFFFFFFFFFF
    return lambda i: f"{head}{(start + i) & 0xFFFFFFFFFFFF:012x}"
