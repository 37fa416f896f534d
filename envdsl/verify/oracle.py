"""The oracle: after every step, does the state satisfy the spec?

It keeps the runtime's rows (JSON values, and converted for the reference
interpreter) per entity, refreshes only the entities a call may have written
(the tool's effects), and then evaluates

- every field `check` on the rows that changed,
- every reference field of the rows that changed (it names a live row),
- every invariant that reads a refreshed entity,

with `envdsl.ir.evaluate` — the language's meaning, independent of the SQL
that ran the tool.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.ir.evaluate import EvaluationError, InternalError, State, evaluate
from envdsl.runtime import Environment
from envdsl.verify.findings import Finding
from envdsl.verify.values import row_converter


def entities_read(expr: Any) -> set[str]:
    """Entities an expression ranges over or reads fields of."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, (ir.Find, ir.Count, ir.Sum, ir.Quantifier)):
            found.add(node.entity)
        if isinstance(node, ir.Attr):
            found.add(node.entity)
        if isinstance(node, tuple):
            for item in node:
                walk(item)
            return
        if hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                if name not in ("type", "span"):
                    walk(getattr(node, name))

    walk(expr)
    return found


class Oracle:
    def __init__(self, runtime: Environment) -> None:
        self.runtime = runtime
        self.env: ir.Env = runtime.env
        self._convert = {e.name: row_converter(e) for e in self.env.entities}
        self.json_rows: dict[str, list[dict[str, Any]]] = {}
        self.eval_rows: dict[str, dict[Any, dict[str, Any]]] = {}
        self._state: State | None = None
        self._invariant_reads = {inv.name: entities_read(inv.expr) for inv in self.env.invariants}
        self._refs = {
            e.name: [
                (f.name, t.strip_optional(f.type).name)
                for f in e.fields
                if isinstance(t.strip_optional(f.type), t.EntityT)
            ]
            for e in self.env.entities
        }
        self._fields_of_kind: dict[str, dict[str, list[str]]] = {}
        for e in self.env.entities:
            for f in e.fields:
                base = t.strip_optional(f.type)
                if isinstance(base, t.Scalar):
                    self._fields_of_kind.setdefault(base.kind, {}).setdefault(e.name, []).append(f.name)
        self._pools: dict[str, list[Any]] = {}
        self._by_key: dict[str, dict[Any, dict[str, Any]]] = {}
        # Keys of rows written since the seeded state, per entity: what a model would go on to use
        # (`add_card` then `remove_card`), and what hypothesis `Bundle`s would hold.
        self.recent: dict[str, list[Any]] = {}
        self.refresh_all()

    # ------------------------------------------------------------ rows

    def refresh_all(self) -> None:
        self.json_rows.clear()
        self.eval_rows.clear()
        for entity in self.env.entities:
            self._fetch(entity.name)
        self._state = None

    def _fetch(self, entity: str) -> dict[Any, dict[str, Any]]:
        rows = self.runtime.rows(entity)
        convert = self._convert[entity]
        key = self.env.entity(entity).key
        self.json_rows[entity] = rows
        converted = {row[key]: convert(row) for row in rows}
        self.eval_rows[entity] = converted
        return converted

    def copy_rows(self) -> tuple[dict, dict]:
        """The rows as they are now; `_fetch` replaces an entity's rows whole, so a shallow copy is a snapshot."""
        return dict(self.json_rows), dict(self.eval_rows)

    def set_rows(self, rows: tuple[dict, dict]) -> None:
        self.json_rows, self.eval_rows = dict(rows[0]), dict(rows[1])
        self.recent = {}
        self._state = None
        self._pools.clear()
        self._by_key.clear()

    def row(self, entity: str, key: Any) -> dict[str, Any] | None:
        """The JSON row with this key (None if there is none)."""
        index = self._by_key.get(entity)
        if index is None:
            name = self.env.entity(entity).key
            index = self._by_key[entity] = {row[name]: row for row in self.json_rows[entity]}
        try:
            return index.get(key)
        except TypeError:  # an unhashable (invalid) key
            return None

    def keys(self, entity: str) -> list[Any]:
        key = self.env.entity(entity).key
        return [row[key] for row in self.json_rows[entity]]

    def scalar_values(self, kind: str, limit: int = 40) -> list[Any]:
        """Distinct JSON values of the fields of this kind in the current state (a spread of at most `limit`)."""
        pool = self._pools.get(kind)
        if pool is None:
            seen: dict[str, Any] = {}
            for entity, names in self._fields_of_kind.get(kind, {}).items():
                for row in self.json_rows[entity]:
                    for name in names:
                        value = row[name]
                        if value is not None:
                            seen.setdefault(repr(value), value)
            values = [seen[k] for k in sorted(seen)]
            step = max(1, len(values) // limit)
            pool = self._pools[kind] = values[::step][:limit]
        return pool

    def state(self) -> State:
        if self._state is None:
            self._state = State(self.eval_rows)
        return self._state

    # ------------------------------------------------------------ checks

    def check_everything(self) -> list[Finding]:
        """The seeded state: every row, every invariant."""
        changed = {(name, key) for name, rows in self.eval_rows.items() for key in rows}
        return self._check(changed, {e.name for e in self.env.entities})

    def after_write(self, entities: Iterable[str]) -> list[Finding]:
        """Refresh `entities` (the ones a call may have written) and check what changed."""
        changed: set[tuple[str, Any]] = set()
        touched: set[str] = set()
        for entity in entities:
            old = self.eval_rows.get(entity, {})
            new = self._fetch(entity)
            keys = {k for k, row in new.items() if old.get(k) != row}
            if keys or len(old) != len(new):
                touched.add(entity)
            changed |= {(entity, k) for k in keys}
            if keys:
                mine = self.recent.setdefault(entity, [])
                mine.extend(k for k in sorted(keys, key=str) if k not in mine)
        if touched:
            self._state = None
            self._pools.clear()
            self._by_key.clear()
        return self._check(changed, touched)

    def _check(self, changed: set[tuple[str, Any]], touched: set[str]) -> list[Finding]:
        findings: list[Finding] = []
        state = self.state()
        for entity_name, key in sorted(changed, key=lambda item: (item[0], str(item[1]))):
            entity = self.env.entity(entity_name)
            row = self.eval_rows[entity_name][key]
            for f in entity.fields:
                for check in f.checks:
                    holds, why = self._holds(check, {"_row": row}, state)
                    if not holds:
                        findings.append(
                            Finding(
                                "field-check-broken",
                                f"the check on `{entity_name}.{f.name}` is false for the {entity_name} with key {key!r} "
                                f"({f.name} = {row[f.name]!r}){why}",
                                span=check.span,
                                secondary=((f.span, "field declared here"),),
                            )
                        )
            for field_name, target in self._refs[entity_name]:
                value = row[field_name]
                if value is not None and value not in self.eval_rows[target]:
                    findings.append(
                        Finding(
                            "dangling-reference",
                            f"`{entity_name}.{field_name}` of {key!r} names the {target} {value!r}, which does not exist",
                            span=entity.field(field_name).span,  # type: ignore[union-attr]
                        )
                    )
        for invariant in self.env.invariants:
            if touched & self._invariant_reads[invariant.name]:
                holds, why = self._holds(invariant.expr, {}, state)
                if not holds:
                    findings.append(
                        Finding(
                            "invariant-broken", f'invariant "{invariant.name}" does not hold{why}', span=invariant.span
                        )
                    )
        return findings

    def _holds(self, expr: ir.Expr, bindings: dict[str, Any], state: State) -> tuple[bool, str]:
        try:
            return bool(evaluate(expr, bindings, state, self.env)), ""
        except (EvaluationError, InternalError) as error:
            return False, f" (it cannot be evaluated: {error})"
