"""Helpers shared by the runtime tests: shipped specs and argument generators."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from envdsl.ir import nodes as ir
from envdsl.ir import types as t

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "specs").glob("*/*.envdsl"))
ALWAYS_ALLOWED = {"InvalidArguments"}


def sample_value(type_: t.Type, env: ir.Env, seed_rows: dict[str, list[tuple]], tables: dict, rng: random.Random, strings: list[str]) -> Any:
    """A plausible JSON argument for a parameter of `type_` (sometimes a wrong one)."""
    if isinstance(type_, t.OptionalT):
        return None if rng.random() < 0.3 else sample_value(type_.inner, env, seed_rows, tables, rng, strings)
    if isinstance(type_, t.ListT):
        return [sample_value(type_.inner, env, seed_rows, tables, rng, strings) for _ in range(rng.randint(0, 3))]
    if isinstance(type_, t.EntityT):
        rows = seed_rows.get(type_.name) or []
        table = tables[type_.name]
        if rows and rng.random() < 0.9:
            return rng.choice(rows)[table.key_index]
        return "no-such-key" if env.entity(type_.name).key_field.type == t.STR else 999999
    if isinstance(type_, t.EnumT):
        return rng.choice(type_.values)
    kind = type_.kind if isinstance(type_, t.Scalar) else "str"
    if kind == "str":
        return rng.choice(strings) if strings and rng.random() < 0.7 else rng.choice(["", "x", "new item", "A"])
    if kind == "int":
        return rng.choice([0, 1, 2, 3, 5, 10, -1, 100])
    if kind == "float":
        return rng.choice([0.0, 0.5, 1.0, 2.5, -1.0])
    if kind == "money":
        return rng.choice([0, 1, 5.5, 10, 99.99, 250, 1000, -5])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "date":
        return rng.choice(["2026-03-01", "2026-03-15", "2026-02-01", "2026-12-31"])
    if kind == "datetime":
        return rng.choice(["2026-03-01T09:00:00", "2026-03-05T12:00:00", "2026-02-01T00:00:00"])
    raise AssertionError(kind)


def seed_strings(seed_rows: dict[str, list[tuple]]) -> list[str]:
    out = sorted({v for rows in seed_rows.values() for row in rows for v in row if isinstance(v, str) and len(v) < 40})
    return out


def random_calls(environment, n: int, seed: int = 0) -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(seed)
    compiled = environment.compiled
    env = compiled.env
    strings = seed_strings(compiled.seed_rows)
    calls = []
    for _ in range(n):
        tool = rng.choice(env.tools)
        args = {}
        for p in tool.params:
            if p.default is not None and rng.random() < 0.3:
                continue
            args[p.name] = sample_value(p.type, env, compiled.seed_rows, compiled.tables, rng, strings)
        calls.append((tool.name, args))
    return calls
