"""Demo registry: placeholder being written (make_tax_code first)."""

from __future__ import annotations

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def make_tax_code(prefix: str, sequence: int) -> str | None:
    """A valid 10-digit tax code from a 2-digit province prefix and a sequence (None if no check digit)."""
    body = f"{prefix}{sequence % 10_000_000:07d}"
    remainder = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return None
    check = (10 - remainder) % 10
    return f"{body}{check}"
