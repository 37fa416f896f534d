"""Planning one turn: bind a goal call that changes the state, then resolve
each argument into facts the user states and upstream calls that find it.

Rule: everything is decided by executing on the live environment. A goal
binding counts only if the call succeeds and changes the state; an upstream
call counts only if its result really contains the row the goal needs.
Upstream calls are read-only tools (a tool that writes is a goal of its own
turn, never a hidden step). All choices draw from the caller's seeded
`random.Random`, so a seed gives the same plan every time.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from envdsl.ir import nodes as ir
from envdsl.ir.types import EntityT, EnumT, ListT, OptionalT, RecordT, Scalar, Type
from envdsl.sample.facts import RowIndex, describable_fields, is_natural
from envdsl.sample.task import Fact
from envdsl.sample.values import entity_of, scalar_candidates

GOAL_TRIES = 16  # goal bindings tried per turn
PRODUCERS_TRIED = 4
COMBOS_TRIED = 6
HARD_EXTRA_DEPTH = 4  # lookups beyond the sampled depth allowed to reach a row with an internal key


class PlanFailed(Exception):
    """This candidate cannot be planned; `reason` is a short drop code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class PlannedCall:
    id: str
    turn: int
    tool: str
    arguments: dict[str, Any]
    depends_on: list[str]
    result: dict[str, Any] | None = None


@dataclass
class Resolution:
    facts: list[Fact]  # needed to make the upstream calls (or the key itself)
    selection: list[Fact]  # pick the row out of a producer's result; calibration may add or drop these
    calls: list[PlannedCall]
    source: str | None  # the call whose result holds the row (None: the user states the key)


@dataclass
class TurnPlan:
    turn: int
    goal: ir.Tool
    arguments: dict[str, Any]
    entity_params: dict[str, str]  # goal parameter -> entity, for the parameters bound to rows
    rows: dict[str, dict[str, Any]]
    value_facts: list[Fact]
    resolutions: dict[str, Resolution] = field(default_factory=dict)
    goal_call: PlannedCall | None = None
    answer: Any = None  # question turns: the AnswerSpec that reads the answer out of the goal's result

    @property
    def facts(self) -> list[Fact]:
        out = []
        for param in self.goal.params:
            resolution = self.resolutions.get(param.name)
            if resolution is not None:
                out.extend(resolution.facts + resolution.selection)
        return out + self.value_facts

    @property
    def calls(self) -> list[PlannedCall]:
        out: list[PlannedCall] = []
        for param in self.goal.params:
            resolution = self.resolutions.get(param.name)
            if resolution is not None:
                out.extend(resolution.calls)
        return out + ([self.goal_call] if self.goal_call else [])


def _strip(t: Type) -> Type:
    return t.inner if isinstance(t, OptionalT) else t


def row_paths(t: Type | None, entity: str, path: tuple = ()) -> list[tuple]:
    """How to reach rows of `entity` in a result of type `t`: () the result (or its elements), ("f",) a record field."""
    if t is None:
        return []
    t = _strip(t)
    if isinstance(t, ListT):
        return row_paths(t.inner, entity, path)
    if isinstance(t, EntityT):
        return [path] if t.name == entity else []
    if isinstance(t, RecordT) and not path:
        return [p for name, ft in t.fields for p in row_paths(ft, entity, (name,))]
    return []


def keys_in(value: Any, path: tuple, key_field: str) -> list[Any]:
    """The keys of the rows a result holds at `path`."""
    if isinstance(value, list):
        return [k for item in value for k in keys_in(item, path, key_field)]
    if value is None:
        return []
    if path:
        return keys_in(value.get(path[0]) if isinstance(value, dict) else None, path[1:], key_field)
    return [value[key_field]] if isinstance(value, dict) and key_field in value else []


class Planner:
    """Plans turns on one live environment. `usage` counts tools in accepted tasks (coverage steering)."""

    def __init__(self, environment, index: RowIndex, usage: dict[str, int]) -> None:
        self.environment = environment
        self.env: ir.Env = environment.env
        self.index = index
        self.usage = usage
        self.producers: dict[str, list[tuple[ir.Tool, tuple]]] = {}
        for entity in self.env.entities:
            found = []
            for tool in self.env.tools:
                if tool.effects.is_read_only:
                    found.extend((tool, path) for path in row_paths(tool.returns, entity.name))
            self.producers[entity.name] = found
        self._next_id = 0
        self.column_values: dict[str, list[Any]] = {}
        for entity in self.env.entities:
            for row in self.index.rows(entity.name):
                for name, value in row.items():
                    self.column_values.setdefault(name, []).append(value)

    def restart_ids(self) -> None:
        """Number the calls of a new candidate from `call_0` again."""
        self._next_id = 0

    def new_id(self) -> str:
        call_id = f"call_{self._next_id}"
        self._next_id += 1
        return call_id

    # ------------------------------------------------------------ goal binding

    def bind_goal(
        self,
        goal: ir.Tool,
        turn: int,
        rng: random.Random,
        touched: dict[int, dict[str, set]],
        context: dict[str, set] | None = None,
    ) -> TurnPlan:
        """A binding of the goal's parameters whose call succeeds and changes the state (state left unchanged).

        After the first turn the goal must act on a row the previous turn touched (the goals depend on each
        other); `context` holds the rows earlier goals were called with, preferred so one customer stays one."""
        environment = self.environment
        start_hash = environment.state_hash()
        snapshot = environment.snapshot()
        last = "no binding tried"
        previous = touched.get(turn - 1, {})
        for _ in range(GOAL_TRIES):
            drawn = self._draw_binding(goal, rng, context, previous)
            if isinstance(drawn, str):
                last = drawn
                continue
            arguments, rows, entity_params, value_facts = drawn
            if turn > 0 and not any(
                rows[p][self.env.entity(e).key] in previous.get(e, ()) for p, e in entity_params.items()
            ):
                last = "the binding does not act on anything the previous turn touched"
                continue
            result = environment.call(goal.name, arguments)
            changed = result.ok and environment.state_hash() != start_hash
            environment.restore(snapshot)
            if changed:
                return TurnPlan(turn, goal, arguments, entity_params, rows, value_facts)
            last = f"{result.error}: {result.message}" if not result.ok else "the call changes nothing"
        raise PlanFailed("goal-fails", f"{goal.name}: {last}")

    def bind_question(self, goal: ir.Tool, rng: random.Random, answerable) -> TurnPlan:
        """A binding of a read-only goal whose call succeeds, changes nothing and gives an answer
        (`answerable(result_value)` true); raises PlanFailed("goal-fails" / "no-answer") otherwise."""
        environment = self.environment
        start_hash = environment.state_hash()
        snapshot = environment.snapshot()
        last, reason = "no binding tried", "goal-fails"
        for _ in range(GOAL_TRIES):
            drawn = self._draw_binding(goal, rng, None, {})
            if isinstance(drawn, str):
                last = drawn
                continue
            arguments, rows, entity_params, value_facts = drawn
            result = environment.call(goal.name, arguments)
            unchanged = environment.state_hash() == start_hash
            environment.restore(snapshot)
            if not result.ok:
                last, reason = f"{result.error}: {result.message}", "goal-fails"
            elif not unchanged:
                last, reason = "a read-only tool changed the state", "goal-fails"
            elif not answerable(result.value):
                last, reason = "the result answers nothing (empty or null)", "no-answer"
            else:
                return TurnPlan(0, goal, arguments, entity_params, rows, value_facts)
        raise PlanFailed(reason, f"{goal.name}: {last}")

    def _draw_binding(self, goal: ir.Tool, rng: random.Random, context: dict[str, set] | None, previous):
        """One random binding (arguments, rows, entity_params, value_facts), or why none could be drawn."""
        arguments: dict[str, Any] = {}
        rows: dict[str, dict[str, Any]] = {}
        entity_params: dict[str, str] = {}
        value_facts: list[Fact] = []
        chosen: dict[str, set] = {k: set(v) for k, v in (context or {}).items()}
        for param in goal.params:
            if param.default is not None and rng.random() < 0.6:
                continue
            entity = entity_of(param.type)
            if entity is not None:
                row = self._choose_row(entity, chosen, previous, rng)
                if row is None:
                    return "a parameter has no candidate value"
                key = row[self.env.entity(entity).key]
                arguments[param.name] = key
                rows[param.name] = row
                entity_params[param.name] = entity
                chosen.setdefault(entity, set()).add(key)
                continue
            if isinstance(_strip(param.type), ListT) and entity_of(_strip(param.type).inner) is not None:
                return "a parameter has no candidate value"  # a list of rows: not planned
            values = scalar_candidates(self.env, param, list(rows.values()), self.column_values, rng)
            if not values:
                if param.default is not None:
                    continue
                return "a parameter has no candidate value"
            value = rng.choice(values)
            arguments[param.name] = value
            value_facts.append(Fact(param.name, None, value))
        return arguments, rows, entity_params, value_facts

    def _choose_row(self, entity: str, chosen: dict[str, set], previous: dict[str, set], rng: random.Random):
        rows = self.index.rows(entity)
        if not rows:
            return None
        key_field = self.env.entity(entity).key
        recent = [r for r in rows if r[key_field] in previous.get(entity, set())]
        if recent and rng.random() < 0.85:
            return rng.choice(recent)
        related = [r for r in rows if self._related(entity, r, chosen)]
        if related and rng.random() < 0.85:
            return rng.choice(related)
        return rng.choice(rows)

    def _related(self, entity: str, row: dict[str, Any], chosen: dict[str, set], hops: int = 2) -> bool:
        """Whether the row reaches a chosen row through at most `hops` references (a line's order's customer)."""
        for f in self.env.entity(entity).fields:
            target = entity_of(f.type)
            if target is None or row.get(f.name) is None:
                continue
            if row[f.name] in chosen.get(target, ()):
                return True
            if hops > 1:
                referenced = self.index.get(target, row[f.name])
                if referenced is not None and self._related(target, referenced, chosen, hops - 1):
                    return True
        return False

    # ------------------------------------------------------------ resolution

    def resolve(
        self,
        subject: str,
        entity_name: str,
        row: dict[str, Any],
        depth: int,
        turn: int,
        rng: random.Random,
        known: dict[Any, str],
        touched: dict[int, dict[str, set]],
    ) -> Resolution:
        """Facts and upstream calls that let an agent find `row` for `subject`.

        `known` maps keys already shown in this conversation (earlier turns' results) to the call that showed them."""
        entity = self.env.entity(entity_name)
        key = row[entity.key]
        for earlier in range(turn - 1, -1, -1):
            if key in touched.get(earlier, {}).get(entity_name, set()) and key in known:
                return Resolution([Fact(subject, "@turn", earlier)], [], [], known[key])
        natural = is_natural(entity)
        if natural and (depth <= 0 or rng.random() < 0.65):
            return Resolution([Fact(subject, None, key)], [], [], None)
        # `depth` bounds optional lookups; a row with an internal key must be found however deep that
        # goes, up to a hard limit that stops cycles (a tool taking the very row it returns).
        if depth <= -HARD_EXTRA_DEPTH:
            raise PlanFailed("no-producer", f"{subject}: {entity_name} {key} is only reachable through a cycle")
        options = list(self.producers.get(entity_name, ()))
        rng.shuffle(options)
        options.sort(key=lambda item: self.usage.get(item[0].name, 0))
        for tool, path in options[:PRODUCERS_TRIED]:
            found = self._try_producer(subject, entity, row, tool, path, depth, turn, rng, known, touched)
            if found is not None:
                return found
        if natural:
            return Resolution([Fact(subject, None, key)], [], [], None)
        raise PlanFailed("no-producer", f"{subject}: no read-only tool returns {entity_name} {key}")

    def _try_producer(self, subject, entity, row, tool, path, depth, turn, rng, known, touched) -> Resolution | None:
        fixed: dict[str, Any] = {}
        needed: list[Fact] = []
        sub_calls: list[PlannedCall] = []
        depends: list[str] = []
        choices: list[list[tuple[str, Any, Fact | None]]] = []  # per scalar parameter: (name, value or _OMIT, fact)
        for param in tool.params:
            target = entity_of(param.type)
            if target is not None:
                fields = [
                    f
                    for f in entity.fields
                    if entity_of(f.type) == target and row.get(f.name) is not None and not f.is_key
                ]
                fields.sort(key=lambda f: f.name != param.name)
                if not fields:
                    if param.default is not None:
                        continue
                    return None
                f = fields[0]
                ref_row = self.index.get(target, row[f.name])
                if ref_row is None:
                    return None
                try:
                    sub = self.resolve(f"{subject}.{f.name}", target, ref_row, depth - 1, turn, rng, known, touched)
                except PlanFailed:
                    return None
                fixed[param.name] = row[f.name]
                needed.extend(sub.facts + sub.selection)
                sub_calls.extend(sub.calls)
                if sub.source is not None:
                    depends.append(sub.source)
                continue
            choices.append(self._scalar_choices(subject, entity, row, param))
        combos = list(itertools.islice(itertools.product(*choices), 64)) if choices else [()]
        first, rest = combos[:1], combos[1:]
        rng.shuffle(rest)
        key = row[entity.key]
        for combo in (first + rest)[:COMBOS_TRIED]:
            if any(option is None for option in combo):
                continue
            arguments = dict(fixed)
            facts = list(needed)
            for name, value, fact in combo:
                if value is not _OMIT:
                    arguments[name] = value
                if fact is not None:
                    facts.append(fact)
            result = self.environment.call(tool.name, arguments)
            if not result.ok:
                continue
            keys = keys_in(result.value, path, entity.key)
            if key not in keys:
                continue
            call = PlannedCall(self.new_id(), turn, tool.name, arguments, sorted(set(depends)), result.to_json())
            selection: list[Fact] = []
            if len(set(keys)) > 1:
                describable = [d for d in describable_fields(self.env, entity) if row.get(d.name) is not None]
                stated = {f.field for f in facts if f.subject == subject}
                describable = [d for d in describable if d.name not in stated]
                if describable:
                    pick = rng.choice(describable)
                    selection.append(Fact(subject, pick.name, row[pick.name]))
            return Resolution(facts, selection, sub_calls + [call], call.id)
        return None

    def _scalar_choices(self, subject: str, entity: ir.Entity, row: dict[str, Any], param: ir.Param) -> list:
        """Options for one scalar parameter of a producer: (name, value, the fact it states)."""
        t = _strip(param.type)
        options: list = []
        if param.default is not None:
            options.append((param.name, _OMIT, None))
            if isinstance(t, EnumT):
                options.extend((param.name, v, None) for v in t.values)
            elif isinstance(t, Scalar) and t.kind == "bool":
                options.extend((param.name, v, None) for v in (True, False))
            return options
        for f in entity.fields:
            value = row.get(f.name)
            if value is None or f.is_key:
                continue  # an internal key is never said; a natural one makes the search pointless
            ft = _strip(f.type)
            if (
                isinstance(t, Scalar)
                and t.kind == "date"
                and isinstance(ft, Scalar)
                and ft.kind in ("date", "datetime")
            ):
                options.append((param.name, str(value)[:10], Fact(subject, f.name, str(value)[:10])))
            elif isinstance(t, EnumT) and ft == t:
                options.append((param.name, value, Fact(subject, f.name, value)))
            elif isinstance(t, ListT) and _strip(t.inner) == ft and isinstance(ft, (EnumT, Scalar)):
                options.append((param.name, [value], Fact(subject, f.name, value)))  # a filter given one value
            elif (
                isinstance(t, Scalar)
                and isinstance(ft, Scalar)
                and t.kind == ft.kind
                and (t.kind == "str" or f.name == param.name)
            ):
                options.append((param.name, value, Fact(subject, None if f.is_key else f.name, value)))
        options.sort(key=lambda o: o[2] is None or o[2].field != param.name)
        return options or [None]


_OMIT = object()
