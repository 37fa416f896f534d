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


def _conjuncts(expr: ir.Expr | None) -> list[ir.Expr]:
    if expr is None:
        return []
    if isinstance(expr, ir.Binary) and expr.op == "and":
        return _conjuncts(expr.left) + _conjuncts(expr.right)
    return [expr]


def _chain(expr: Any) -> tuple[str, int] | None:
    """(variable, depth) for `v`, `v.a`, `v.a.b`: a path of references from a variable."""
    depth = 0
    while isinstance(expr, ir.Attr):
        expr, depth = expr.obj, depth + 1
    return (expr.name, depth) if isinstance(expr, ir.Var) else None


def _is_row(expr: Any) -> bool:
    """Does the expression denote a row (an entity reference)? Only such ties are followed by `_reach`."""
    return isinstance(t.strip_optional(getattr(expr, "type", None)), t.EntityT)


def local_plan(expr: ir.Expr) -> ir.Quantifier | None:
    """The quantifier of an invariant `all x in E: …` whose truth for one x depends only on rows
    within two references of x: attribute paths from x at most two deep, and every nested
    `count`/`sum`/`find`/quantifier over v tied to x by a conjunct `v.path == x.path` between rows
    (each path at most two deep, so the rows meet in both `_reach` sets).
    None: evaluate it whole after every write."""
    if not (isinstance(expr, ir.Quantifier) and expr.kind == "all"):
        return None
    var = expr.var
    ok = True

    def walk(node: Any, aggregated: set[str]) -> None:
        nonlocal ok
        if not ok:
            return
        if isinstance(node, ir.Attr):
            chain = _chain(node)
            # Rows a path visits: `x.a.b` with `b` a plain field reads x and x.a only.
            if chain is not None and chain[0] == var and chain[1] - (0 if _is_row(node) else 1) > 2:
                ok = False
                return
        if isinstance(node, (ir.Find, ir.Count, ir.Sum, ir.Quantifier)) and node is not expr:
            tied = False
            for conjunct in _conjuncts(node.where):
                if isinstance(conjunct, ir.Binary) and conjunct.op == "==" and _is_row(conjunct.left):
                    for a, b in ((conjunct.left, conjunct.right), (conjunct.right, conjunct.left)):
                        ca, cb = _chain(a), _chain(b)
                        if ca and cb and ca[0] == node.var and ca[1] <= 2 and cb[0] == var and cb[1] <= 2:
                            tied = True
            if not tied:
                ok = False
                return
        if isinstance(node, tuple):
            for item in node:
                walk(item, aggregated)
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                if name not in ("type", "span"):
                    walk(getattr(node, name), aggregated)

    walk(expr.where, set())
    walk(expr.body, set())
    return expr if ok else None


class Oracle:
    def __init__(self, runtime: Environment) -> None:
        self.runtime = runtime
        self.env: ir.Env = runtime.env
        self._convert = {e.name: row_converter(e) for e in self.env.entities}
        self.json_rows: dict[str, list[dict[str, Any]]] = {}
        self.eval_rows: dict[str, dict[Any, dict[str, Any]]] = {}
        self._state: State | None = None
        self._invariant_reads = {inv.name: entities_read(inv.expr) for inv in self.env.invariants}
        self._plans = {inv.name: local_plan(inv.expr) for inv in self.env.invariants}
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
        # A version per entity: 0 in the seeded state, a fresh number whenever its rows change, so
        # anything computed from some entities' rows can be cached under their versions.
        self.versions: dict[str, int] = {e.name: 0 for e in self.env.entities}
        self._next_version = 1
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
        self.versions = dict.fromkeys(self.versions, 0)  # only ever called with the seeded rows
        self._state = None
        self._pools.clear()
        self._by_key.clear()

    def field_values(self, kind: str, name: str, limit: int = 40) -> list[Any]:
        """Distinct values of the fields called `name` (of this kind) in the current state."""
        pool = self._pools.get(f"{kind}:{name}")
        if pool is None:
            seen: dict[str, Any] = {}
            for entity, names in self._fields_of_kind.get(kind, {}).items():
                if name in names:
                    for row in self.json_rows[entity]:
                        if row[name] is not None:
                            seen.setdefault(repr(row[name]), row[name])
            values = [seen[k] for k in sorted(seen)]
            pool = self._pools[f"{kind}:{name}"] = values[:: max(1, len(values) // limit)][:limit]
        return pool

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
        return self._check(changed, {e.name for e in self.env.entities}, None)

    def after_write(self, entities: Iterable[str]) -> list[Finding]:
        """Refresh `entities` (the ones a call may have written) and check what changed."""
        changed: set[tuple[str, Any]] = set()
        touched: set[str] = set()
        before: list[tuple[str, dict[str, Any]]] = []  # old versions of changed and deleted rows
        for entity in entities:
            old = self.eval_rows.get(entity, {})
            new = self._fetch(entity)
            keys = {k for k, row in new.items() if old.get(k) != row}
            gone = set(old) - set(new)
            if keys or gone:
                touched.add(entity)
                self.versions[entity] = self._next_version
                self._next_version += 1
            changed |= {(entity, k) for k in keys}
            before += [(entity, old[k]) for k in sorted(keys | gone, key=str) if k in old]
            if keys:
                mine = self.recent.setdefault(entity, [])
                mine.extend(k for k in sorted(keys, key=str) if k not in mine)
        if touched:
            self._state = None
            self._pools.clear()
            self._by_key.clear()
        return self._check(changed, touched, before)

    def _check(
        self, changed: set[tuple[str, Any]], touched: set[str], before: list[tuple[str, dict[str, Any]]] | None
    ) -> list[Finding]:
        """Checks and references of the changed rows (and of rows naming a deleted one), and the
        invariants that read a touched entity: only over the rows a change can affect where the
        invariant is local (see `local_plan`), over everything otherwise. `before` None: all of it."""
        findings: list[Finding] = []
        state = self.state()
        self._reach_memo: dict[str, dict[Any, set[tuple[str, Any]]]] = {}  # per check: rows are fixed
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
                    findings.append(self._dangling(entity, field_name, key, target, value))
        if before:
            deleted = {(e, row[self.env.entity(e).key]) for e, row in before} - changed
            for entity_name, rows in self.eval_rows.items():
                for field_name, target in self._refs[entity_name]:
                    for key, row in rows.items():
                        if (target, row[field_name]) in deleted:
                            findings.append(
                                self._dangling(self.env.entity(entity_name), field_name, key, target, row[field_name])
                            )
        for invariant in self.env.invariants:
            if not touched & self._invariant_reads[invariant.name]:
                continue
            plan = self._plans[invariant.name]
            if plan is None or before is None:
                holds, why = self._holds(invariant.expr, {}, state)
            else:
                holds, why = self._holds_locally(plan, changed, before, state)
            if not holds:
                findings.append(
                    Finding("invariant-broken", f'invariant "{invariant.name}" does not hold{why}', span=invariant.span)
                )
        return findings

    def _dangling(self, entity: ir.Entity, field_name: str, key: Any, target: str, value: Any) -> Finding:
        return Finding(
            "dangling-reference",
            f"`{entity.name}.{field_name}` of {key!r} names the {target} {value!r}, which does not exist",
            span=entity.field(field_name).span,  # type: ignore[union-attr]
        )

    def _holds_locally(
        self, plan: ir.Quantifier, changed: set[tuple[str, Any]], before: list[tuple[str, dict[str, Any]]], state: State
    ) -> tuple[bool, str]:
        """`all x in E: …` over the rows of E a change can affect: those whose two-reference reach
        meets the reach of a changed or deleted row (old or new version). That covers x changed,
        x reaching a changed row, and x tied to one through a shared row."""
        entity = plan.entity
        key_name = self.env.entity(entity).key
        touched_rows = set(changed) | {(e, row[self.env.entity(e).key]) for e, row in before}
        near: set[tuple[str, Any]] = set(touched_rows)
        for e, row in before:
            near |= self._reach(e, row)
        for e, k in changed:
            near |= self._reach(e, self.eval_rows[e][k])
        rows = self.eval_rows[entity]
        reaches = self._reach_memo.get(entity)
        if reaches is None:
            reaches = self._reach_memo[entity] = {k: self._reach(entity, row) for k, row in rows.items()}
        affected = [k for k in rows if reaches[k] & near]
        for key in sorted(affected, key=str):
            row = rows[key]
            try:
                if plan.where is not None and not evaluate(plan.where, {plan.var: row}, state, self.env):
                    continue
                if not evaluate(plan.body, {plan.var: row}, state, self.env):
                    return False, f" for the {entity} with {key_name} {key!r}"
            except (EvaluationError, InternalError) as error:
                return False, f" (it cannot be evaluated for the {entity} {key!r}: {error})"
        return True, ""

    def _reach(self, entity: str, row: dict[str, Any], depth: int = 2) -> set[tuple[str, Any]]:
        found = {(entity, row[self.env.entity(entity).key])}
        if depth:
            for field_name, target in self._refs[entity]:
                value = row[field_name]
                target_row = self.eval_rows.get(target, {}).get(value) if value is not None else None
                if target_row is not None:
                    found |= self._reach(target, target_row, depth - 1)
                elif value is not None:
                    found.add((target, value))
        return found

    def _holds(self, expr: ir.Expr, bindings: dict[str, Any], state: State) -> tuple[bool, str]:
        try:
            return bool(evaluate(expr, bindings, state, self.env)), ""
        except (EvaluationError, InternalError) as error:
            return False, f" (it cannot be evaluated: {error})"
