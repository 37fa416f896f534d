"""State hashing: a digest of every row, kept up to date incrementally.

Each row has a 128-bit digest of its entity name and stored values; the state's
digest is their sum modulo 2**128, which does not depend on row order, so a
write changes it by (new row digest - old row digest). Tool code records the
(entity, key) of every row it writes; `IncrementalHash.fold` re-reads only those
rows. `full_digest` rescans every table: the oracle the tests compare against.

Stored values are the same Python values on every backend (ints, floats,
strings, None), so the digest of a state is too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

MASK = (1 << 128) - 1


def row_digest(entity: str, row: tuple) -> int:
    return int.from_bytes(hashlib.blake2b(repr((entity, row)).encode("utf-8"), digest_size=16).digest(), "big")


def table_digests(entity: str, rows: Iterable[tuple], key_index: int) -> dict[Any, int]:
    return {row[key_index]: row_digest(entity, row) for row in rows}


def finish(combined: int, clock: str) -> str:
    """The state hash as shown: the row sum, bound to the clock (part of the state)."""
    return hashlib.blake2b(f"{clock}|{combined:032x}".encode(), digest_size=16).hexdigest()


class IncrementalHash:
    """The row-digest sum of a state that started as a known base.

    `base` maps (entity, key) -> digest of the seeded rows and is shared by every
    environment built from the same image; `overlay` holds the digests of rows
    that changed since (0 for a row that is gone).
    """

    __slots__ = ("base", "base_sum", "overlay", "combined")

    def __init__(self, base: dict[tuple[str, Any], int], base_sum: int) -> None:
        self.base = base
        self.base_sum = base_sum
        self.overlay: dict[tuple[str, Any], int] = {}
        self.combined = base_sum

    def reset(self) -> None:
        self.overlay = {}
        self.combined = self.base_sum

    def current(self, item: tuple[str, Any]) -> int:
        found = self.overlay.get(item)
        if found is not None:
            return found
        return self.base.get(item, 0)

    def fold(self, dirty: set[tuple[str, Any]], fetch: Callable[[str, Any], tuple | None]) -> None:
        """Account for every row in `dirty` (then empty it)."""
        combined = self.combined
        for item in dirty:
            entity, key = item
            row = fetch(entity, key)
            new = row_digest(entity, row) if row is not None else 0
            old = self.current(item)
            if new != old:
                combined = (combined + new - old) & MASK
                self.overlay[item] = new
        dirty.clear()
        self.combined = combined

    def copy_state(self) -> tuple[dict[tuple[str, Any], int], int]:
        return dict(self.overlay), self.combined

    def set_state(self, state: tuple[dict[tuple[str, Any], int], int]) -> None:
        overlay, combined = state
        self.overlay = dict(overlay)
        self.combined = combined
