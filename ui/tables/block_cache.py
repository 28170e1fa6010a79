"""The row cache of the lazy tables (registry, people): an id array on the model, rows read from the
database one block of ids at a time, the least recently used blocks forgotten beyond a bound."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

BLOCK = 200
MAX_BLOCKS = 40


class BlockCache:
    """``fetch(ids) -> {id: row}`` reads one block; ``fetches``/``rows_fetched`` count the reads (tests and
    benchmarks look at them)."""

    def __init__(self, fetch: Callable[[list[int]], dict[int, dict]], *, block: int = BLOCK,
                 max_blocks: int = MAX_BLOCKS):
        self.fetch = fetch
        self.block = block
        self.max_blocks = max_blocks
        self._blocks: OrderedDict[int, dict[int, dict]] = OrderedDict()
        self.fetches = 0
        self.rows_fetched = 0

    def __len__(self) -> int:
        return len(self._blocks)

    def clear(self) -> None:
        self._blocks.clear()

    def cached_block_of(self, row: int) -> dict[int, dict] | None:
        """The block holding ``row`` if it is cached (no read)."""
        return self._blocks.get(row // self.block)

    def row(self, ids: Sequence[int], row: int) -> dict | None:
        """The row of ``ids[row]``, reading its block when it is not cached."""
        if not 0 <= row < len(ids):
            return None
        number = row // self.block
        block = self._blocks.get(number)
        if block is None:
            start = number * self.block
            chunk = list(ids[start:start + self.block])
            block = self.fetch(chunk)
            self.fetches += 1
            self.rows_fetched += len(chunk)
            self._blocks[number] = block
            while len(self._blocks) > self.max_blocks:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(number)
        return block.get(ids[row])
