"""Candidate values for the scalar parameters of a goal call.

Rule: values come from the environment first (the seeded rows, the rows
already bound to the call, the clock) and from small word pools keyed by the
parameter's name second; the runtime then decides by executing the call.
Every list is built in a fixed order and shuffled only by the caller's
seeded `random.Random`, so a seed gives the same values every time.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from envdsl.ir import nodes as ir
from envdsl.ir.types import EntityT, EnumT, ListT, OptionalT, Scalar, Type

# Words a person would say for parameters with these names (matched by substring).
POOLS: dict[str, tuple[str, ...]] = {
    "reason": ("my plans changed", "I booked the wrong date", "a family emergency", "I no longer need it"),
    "brand": ("Visa", "Mastercard", "Amex", "Discover"),
    "last_four": ("4421", "1881", "9034", "5120"),
    "address": ("12 Elm St, Portland, OR 97205", "400 Lake Shore Dr, Chicago, IL 60611", "77 Bay St, Boston, MA 02110"),
    "new_name": ("Budget 2026 final.xlsx", "Notes - March.txt", "Offer letter signed.pdf", "Team photo.jpg"),
    "name": ("Archive 2026", "Receipts", "Project Apollo", "Travel plans", "Budget 2026.xlsx", "Minutes.docx"),
    "mime": ("application/pdf", "text/plain", "image/png", "application/vnd.ms-excel"),
    "query": ("report", "invoice", "coffee", "budget"),
    "email": ("sam.rivera@example.com",),
    "label": ("Travel card",),
    "note": ("please leave at the door",),
    "comment": ("thanks!",),
}

SIZES = (2048, 48_128, 1_048_576)


def _pool(name: str) -> list[str]:
    found: list[str] = []
    for key, words in POOLS.items():
        if key in name and key != "name" or key == name:
            found.extend(words)
    if not found and "name" in name:
        found.extend(POOLS["name"])
    return found


def scalar_candidates(
    env: ir.Env,
    param: ir.Param,
    bound_rows: list[dict[str, Any]],
    column_values: dict[str, list[Any]],
    rng: random.Random,
) -> list[Any]:
    """JSON values to try for a non-entity parameter, most plausible first, deduplicated, at most 8."""
    t = param.type.inner if isinstance(param.type, OptionalT) else param.type
    name = param.name.lower()
    out: list[Any] = []
    if isinstance(t, EnumT):
        out = list(t.values)
        rng.shuffle(out)
    elif isinstance(t, ListT):
        inner = t.inner
        if isinstance(inner, EnumT):
            values = list(inner.values)
            rng.shuffle(values)
            out = [values[:1], values[:2]]
        elif isinstance(inner, Scalar) and inner.kind == "str":
            out = [[w] for w in _pool(name)[:2]]
    elif isinstance(t, Scalar):
        out = _scalar(env, t, name, bound_rows, column_values, rng)
    unique: list[Any] = []
    for value in out:
        if value not in unique:
            unique.append(value)
    return unique[:8]


def _scalar(
    env: ir.Env,
    t: Scalar,
    name: str,
    bound_rows: list[dict[str, Any]],
    column_values: dict[str, list[Any]],
    rng: random.Random,
) -> list[Any]:
    kind = t.kind
    today = env.clock.date()
    if kind == "str":
        words = _pool(name)
        rng.shuffle(words)
        seen = [v for v in column_values.get(name, []) if isinstance(v, str)]
        rng.shuffle(seen)
        return words[:4] + seen[:2] + (["something"] if not words and not seen else [])
    if kind == "int":
        base: list[Any] = []
        if "size" in name or "bytes" in name:
            base.extend(SIZES)
        related = [
            v + d
            for row in bound_rows
            for v in row.values()
            if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 100
            for d in (1, 2)
        ]
        rng.shuffle(related)
        small = [1, 2, 3]
        rng.shuffle(small)
        return base + small[:2] + related[:3] + small[2:]
    if kind in ("float", "money"):
        prices = [v for row in bound_rows for v in row.values() if isinstance(v, float)]
        return [25.0, 50.0, *prices[:2]]
    if kind == "bool":
        values = [True, False]
        rng.shuffle(values)
        return values
    if kind == "date":
        days = [1, 7, 30, 90]
        rng.shuffle(days)
        return [(today + dt.timedelta(days=d)).isoformat() for d in days]
    if kind == "datetime":
        days = [1, 7]
        return [(env.clock + dt.timedelta(days=d)).isoformat(timespec="seconds") for d in days]
    return []


def entity_of(t: Type) -> str | None:
    """The entity a parameter takes by key (through an optional), if any."""
    t = t.inner if isinstance(t, OptionalT) else t
    return t.name if isinstance(t, EntityT) else None
