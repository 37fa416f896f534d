"""Validated seed data and its content hash.

`SeedData` is the initial state of an environment: every entity of the spec
(with no rows where the seed gives none), each entity's rows sorted by key,
every field present with its typed value (defaults filled in). Its `hash` is
the sha256 of `canonical_json(rows)`; the compiled manifest records it as
the seed hash and the runtime may hash its snapshots the same way, so the
canonical form is part of the contract:

- one JSON object, entity name -> list of rows in key order, each row an
  object of field -> value; keys sorted, no spaces, UTF-8 (not escaped);
- str, int, bool, null as JSON; float as a JSON number (Python's shortest
  repr); money as a string with two decimals (`"12.50"`); date `"2026-03-01"`,
  datetime `"2026-03-01T09:00:00"`; enums by name; references by key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from envdsl.ir import nodes as ir
from envdsl.ir.evaluate import State

Row = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SeedData:
    rows: Mapping[str, tuple[Row, ...]]  # entity -> rows sorted by key (read-only mappings)
    provenance: Mapping[str, Any]  # seed path (as shown in diagnostics) -> its `provenance` notes
    hash: str  # sha256 hex digest of canonical_json(rows)

    @classmethod
    def build(cls, env: ir.Env, rows: Mapping[str, list[dict[str, Any]]], provenance: Mapping[str, Any]) -> SeedData:
        ordered: dict[str, tuple[Row, ...]] = {}
        for entity in env.entities:
            key = entity.key
            table = sorted(rows.get(entity.name, []), key=lambda row: row[key])
            names = [f.name for f in entity.fields]
            ordered[entity.name] = tuple(MappingProxyType({name: row[name] for name in names}) for row in table)
        return cls(MappingProxyType(ordered), MappingProxyType(dict(provenance)), content_hash(ordered))

    def state(self, env: ir.Env) -> State:
        """The seeded state, for `envdsl.ir.evaluate`."""
        return State.from_rows(env, self.rows)

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def json_value(value: Any) -> Any:
    """A typed value in the canonical JSON form (see the module docstring)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def canonical_json(rows: Mapping[str, tuple[Row, ...] | list[Row]]) -> str:
    data = {
        entity: [{name: json_value(v) for name, v in row.items()} for row in table] for entity, table in rows.items()
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(rows: Mapping[str, tuple[Row, ...] | list[Row]]) -> str:
    return hashlib.sha256(canonical_json(rows).encode("utf-8")).hexdigest()
