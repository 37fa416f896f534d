"""The hypothesis state machine every generated `test_<env>.py` subclasses.

A generated test file declares one rule per tool, each a single line that
calls `run_tool`; everything else lives here, so the generated file stays a
readable list of tools and the verification logic has one home.

Arguments are drawn against the *current* state, not from hypothesis
`Bundle`s: a bundle only knows the keys that earlier rules returned, not the
seeded rows, nor which rows a `delete` removed since. `ArgumentStrategies`
reads live keys and values from the oracle at draw time instead. Every sixth call of
a tool in an example gets deliberately invalid arguments (a wrong type, a
missing or an unknown argument), which must end in `InvalidArguments`.

Two modes:
- "raise" (pytest on a generated file): the first finding fails the example
  and hypothesis shrinks it as usual;
- "collect" (`envdsl verify`): findings are recorded and the run goes on, so
  one run reports every kind of defect; `run.py` shrinks each one itself.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.ir.evaluate import EvaluationError, InternalError, evaluate
from envdsl.runtime import compiled as compiled_mod
from envdsl.verify.findings import Finding
from envdsl.verify.oracle import entities_read
from envdsl.verify.session import Session
from envdsl.verify.strategies import ArgumentStrategies

INVALID_EVERY = 6
UNKNOWN_ARGUMENT = "no_such_argument"


class FocusReached(Exception):
    """A focused run (see `run.py`, liveness) saw its tool succeed: nothing more to explore."""


class Collector:
    """Where "collect" mode puts findings (first one of each identity, with its calls)."""

    def __init__(self, focus: str | None = None) -> None:
        self.findings: dict[tuple, Finding] = {}
        self.examples = 0
        self.focus = focus

    def add(self, findings: list[Finding]) -> None:
        for finding in findings:
            self.findings.setdefault(finding.identity, finding)


class ToolArguments:
    """Per-tool strategies for valid and invalid argument objects, built once per session."""

    def __init__(self, session: Session) -> None:
        oracle = session.oracle

        def live(name: str) -> list[Any]:
            if name.startswith("scalar:"):
                return oracle.scalar_values(name.removeprefix("scalar:"))
            if name.startswith("field:"):
                _, kind, field_name = name.split(":", 2)
                return oracle.field_values(kind, field_name)
            return oracle.keys(name)

        self.env = session.env
        self.oracle = oracle
        self.values = ArgumentStrategies(session.env, live, lambda entity: oracle.recent.get(entity, []))
        self._filters: dict[tuple[str, str], tuple[list[ir.Let], list[ir.Expr]]] = {}
        self._fit_reads: dict[tuple[str, str], tuple[str, ...]] = {}
        self._reach_state: object = None
        self._reach_cache: dict[tuple[str, int], list[tuple[dict[str, Any], frozenset]]] = {}
        self._key = {e.name: e.key for e in session.env.entities}
        self._fit_cache: dict[tuple[str, str], tuple[tuple[int, ...], set[Any] | None]] = {}
        self._same_named_fields: dict[tuple[str, str], list[str]] = {}
        self._links: dict[str, list[tuple[str, str]]] = {
            e.name: [(f.name, ref) for f in e.fields if (ref := _entity_of(f.type)) is not None]
            for e in session.env.entities
        }
        self.valid: dict[str, st.SearchStrategy[dict[str, Any]]] = {}
        self.invalid_recipes: dict[str, list[st.SearchStrategy[Any]]] = {}
        self.invalid: dict[str, st.SearchStrategy[Any]] = {}
        for tool in session.env.tools:
            self.valid[tool.name] = self._valid(tool)
            self.invalid_recipes[tool.name] = self._invalid_recipes(tool)
            self.invalid[tool.name] = st.one_of(self.invalid_recipes[tool.name])

    def _valid(self, tool: ir.Tool) -> st.SearchStrategy[dict[str, Any]]:
        values = self.values
        params = [(p, values.valid(p.type, tool.name, p.name), _entity_of(p.type)) for p in tool.params]
        # The most constrained entity arguments first (`line` before `customer` when the tool requires
        # things of the line alone), so the others can be drawn among the rows tied to them.
        constrained = {p.name: len(single_param_requires(tool, p.name)[1]) for p, _, e in params if e is not None}
        params.sort(key=lambda item: -constrained.get(item[0].name, -1))

        @st.composite
        def arguments(draw: st.DrawFn) -> dict[str, Any]:
            args: dict[str, Any] = {}
            chosen: list[tuple[str, dict[str, Any]]] = []  # rows named by the entity arguments so far
            for param, strategy, entity in params:
                if param.default is not None and draw(st.integers(0, 99)) < 25:
                    continue  # leave it to its default
                if entity is not None:
                    mode = draw(st.integers(0, 99))
                    row = self._guided_row(
                        tool,
                        param.name,
                        entity,
                        chosen,
                        related=bool(chosen) and mode < 75,
                        fit=mode % 2 == 0,
                    )
                    if row is not None:
                        drawn = draw(st.sampled_from(row))
                        args[param.name] = drawn[self.env.entity(entity).key]
                        chosen.append((entity, drawn))
                        continue
                tied = self._tied_values(tool.name, param, chosen) if entity is None and chosen else []
                if tied and draw(st.integers(0, 99)) < 50:
                    args[param.name] = draw(st.sampled_from(tied))
                    continue
                value = draw(strategy)
                args[param.name] = value
                if entity is not None and not isinstance(value, list):
                    found = self.row(entity, value)
                    if found is not None:
                        chosen.append((entity, found))
            return args

        return arguments()

    def _tied_values(self, tool: str, param: ir.Param, chosen: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        """Values of the fields named like a scalar parameter, in the rows tied to the rows already chosen.

        `submit_meter_reading(meter, kwh_total)` requires `kwh_total` at least the meter's last reading
        and not far above it: a number drawn from anywhere almost never fits, the `kwh_total` of one
        of that meter's readings often does. Sorted, so that a run depends only on the seed."""
        fields = self._same_named_fields.get((tool, param.name))
        if fields is None:
            want = t.strip_optional(param.type)
            fields = self._same_named_fields[(tool, param.name)] = [
                e.name
                for e in self.env.entities
                for f in e.fields
                if f.name == param.name and isinstance(want, t.Scalar) and t.strip_optional(f.type) == want
            ]
        values = {
            repr(row[param.name]): row[param.name]
            for entity in fields
            for row in self.related(entity, chosen, direct=True)
            if row[param.name] is not None
        }
        return [values[k] for k in sorted(values)]

    def _guided_row(
        self,
        tool: ir.Tool,
        param: str,
        entity: str,
        chosen: list[tuple[str, dict[str, Any]]],
        *,
        related: bool,
        fit: bool,
    ) -> list[dict[str, Any]] | None:
        """Candidate rows for an entity argument: tied to the rows already chosen, and/or passing
        the tool's `require`s that read only this argument. None: draw it the plain way."""
        if not (related or fit):
            return None
        rows = self.related(entity, chosen) if related else self.oracle.json_rows[entity]
        if fit:
            fitting = self.fitting(tool, param, entity)
            if fitting is not None:
                narrowed = [r for r in rows if r[self.env.entity(entity).key] in fitting]
                rows = narrowed or rows
        return rows or None

    def fitting(self, tool: ir.Tool, param: str, entity: str) -> set[Any] | None:
        """Keys of the rows for which every leading `require` about `param` alone holds, judged by
        the reference interpreter (`require line.order.status == delivered`); None if there are none."""
        lets, conds = self._filters.setdefault((tool.name, param), single_param_requires(tool, param))
        reads = self._fit_reads.get((tool.name, param))
        if reads is None:
            reads = self._fit_reads[(tool.name, param)] = tuple(
                sorted({entity} | entities_read((tuple(lets), tuple(conds))))
            )
        version = tuple(self.oracle.versions[e] for e in reads)
        cached = self._fit_cache.get((tool.name, param))
        if cached is not None and cached[0] == version:
            return cached[1]
        state = self.oracle.state()
        keys: set[Any] | None = None
        if conds:
            keys = set()
            for key in self.oracle.keys(entity):
                bindings: dict[str, Any] = {param: key}
                try:
                    for let in lets:
                        bindings[let.var] = evaluate(let.value, bindings, state, self.env)
                    if all(evaluate(cond, bindings, state, self.env) for cond in conds):
                        keys.add(key)
                except (EvaluationError, InternalError, TypeError, KeyError):
                    continue
        self._fit_cache[(tool.name, param)] = (version, keys)
        return keys

    def row(self, entity: str, key: Any) -> dict[str, Any] | None:
        return self.oracle.row(entity, key)

    def related(
        self, entity: str, chosen: list[tuple[str, dict[str, Any]]], *, direct: bool = False
    ) -> list[dict[str, Any]]:
        """Rows of `entity` tied to a row already chosen: those that reach a common row through at
        most two references each (`line.order.customer == customer`, another account of the same
        customer). With `direct`, first those that reference a chosen row or are referenced by one
        (`meter.account == account`), when there are any: for the values of scalar arguments
        (`_tied_values`). Entity arguments are never drawn direct: the row a chosen one references is
        exactly the wrong one for `swap_section(enrollment, new_section)`."""
        chosen_rows = {(e, row[self._key[e]]) for e, row in chosen}
        if direct:
            near_chosen: set[tuple[str, Any]] = set()
            for other_entity, other in chosen:
                near_chosen |= self.reach(other_entity, other, depth=1)
            near_chosen -= chosen_rows
            tied = []
            for row, near in self._reaches(entity, 1):
                me = (entity, row[self._key[entity]])
                if me not in chosen_rows and ((near - {me}) & chosen_rows or me in near_chosen):
                    tied.append(row)
            if tied:
                return tied
        wanted: set[tuple[str, Any]] = set()
        for other_entity, other in chosen:
            wanted |= self.reach(other_entity, other)
        return [row for row, far in self._reaches(entity, 2) if far & wanted]

    def _reaches(self, entity: str, depth: int) -> list[tuple[dict[str, Any], frozenset[tuple[str, Any]]]]:
        """Every row of `entity` with what it reaches in `depth` hops, cached until the state changes."""
        version = tuple(self.oracle.versions.values())
        if version != self._reach_state:
            self._reach_state, self._reach_cache = version, {}
        reaches = self._reach_cache.get((entity, depth))
        if reaches is None:
            reaches = self._reach_cache[(entity, depth)] = [
                (row, self.reach(entity, row, depth)) for row in self.oracle.json_rows[entity]
            ]
        return reaches

    def reach(self, entity: str, row: dict[str, Any], depth: int = 2) -> frozenset[tuple[str, Any]]:
        """The row itself and the rows it references, up to `depth` hops."""
        found = {(entity, row[self.env.entity(entity).key])}
        if depth:
            for field_name, target in self._links[entity]:
                value = row[field_name]
                if value is None:
                    continue
                target_row = self.oracle.row(target, value)
                if target_row is not None:
                    found |= self.reach(target, target_row, depth - 1)
        return frozenset(found)

    def _invalid_recipes(self, tool: ir.Tool) -> list[st.SearchStrategy[Any]]:
        """One strategy per way of making `tool`'s arguments invalid: each bad value of each parameter,
        each required parameter left out, an unknown argument, and not an argument object at all."""
        valid = self.valid[tool.name]
        recipes: list[st.SearchStrategy[Any]] = []
        for param in tool.params:
            can_be_null = isinstance(param.type, t.OptionalT) or param.default is not None  # null = the default
            for bad in self.values.invalid_values(param.type, can_be_null):
                recipes.append(valid.map(lambda args, name=param.name, bad=bad: {**args, name: bad}))
            if param.default is None:
                recipes.append(valid.map(lambda args, name=param.name: {k: v for k, v in args.items() if k != name}))
        recipes.append(valid.map(lambda args: {**args, UNKNOWN_ARGUMENT: 1}))
        # (`null` is not among these: the runtime reads a missing argument object as "no arguments",
        # valid for a tool whose parameters all have defaults.)
        recipes += [st.just([]), st.just("not an object"), st.just(7)]
        return recipes


class EnvMachine(RuleBasedStateMachine):
    COMPILED: ClassVar[Path | str | None] = None  # a compiled folder or a spec (set by subclasses)
    MODE: ClassVar[str] = "raise"
    collector: ClassVar[Collector | None] = None
    _sessions: ClassVar[dict[str, tuple[Session, ToolArguments]]] = {}

    def __init__(self) -> None:
        super().__init__()
        self.session, self.arguments = self.session_for(self.COMPILED)
        self.session.reset()
        self._calls: dict[str, int] = {}
        if self.collector is not None:
            self.collector.examples += 1

    @classmethod
    def session_for(cls, source: Path | str | None) -> tuple[Session, ToolArguments]:
        if source is None:
            raise TypeError(f"{cls.__name__}.COMPILED is not set")
        key = str(Path(source).resolve())
        found = cls._sessions.get(key)
        if found is None:
            session = Session(compiled_mod.load(Path(source)))
            found = cls._sessions[key] = (session, ToolArguments(session))
        return found

    @classmethod
    def forget_sessions(cls) -> None:
        for session, _ in cls._sessions.values():
            session.close()
        cls._sessions.clear()

    def run_tool(self, name: str, data: st.DataObject) -> None:
        # Every INVALID_EVERY-th call of a tool in an example gets invalid arguments: a fixed share,
        # where a drawn coin would follow hypothesis's skewed integers and its mutations of examples.
        count = self._calls.get(name, 0)
        self._calls[name] = count + 1
        invalid = count % INVALID_EVERY == INVALID_EVERY - 1
        strategy = (self.arguments.invalid if invalid else self.arguments.valid)[name]
        if invalid:
            # Hypothesis draws `one_of` very unevenly (and repeats itself), so a run would try a handful
            # of invalid shapes many times and miss the subtle ones (a money amount with three decimals).
            # The way is chosen by a checksum of the calls made so far in this example instead: spread
            # evenly over all the ways, yet a function of the drawn data, as hypothesis requires (a run-wide
            # counter would make it report inconsistent data generation).
            recipes = self.arguments.invalid_recipes[name]
            history = zlib.crc32(repr(self.session.calls).encode("utf-8", "backslashreplace"))
            strategy = recipes[history % len(recipes)]
        arguments = data.draw(strategy, label=f"{name} arguments")
        outcome = self.session.step(name, arguments, invalid=invalid)
        self._report(outcome.findings)
        if outcome.ok and self.collector is not None and self.collector.focus == name:
            raise FocusReached(name)

    def _report(self, findings: list[Finding]) -> None:
        if not findings:
            return
        if self.MODE == "collect" and self.collector is not None:
            self.collector.add(findings)
            return
        first = findings[0]
        raise AssertionError(f"{first.code} {first.kind}: {first.message}")


def _variables(expr: Any) -> set[tuple[str, str]]:
    """(kind, name) of every variable an expression reads; effects count as ("effect", ...)."""
    found: set[tuple[str, str]] = set()

    def walk(node: Any) -> None:
        if isinstance(node, ir.Var):
            found.add((node.kind, node.name))
        elif isinstance(node, (ir.Insert, ir.NextId)):
            found.add(("effect", type(node).__name__))
        if isinstance(node, tuple):
            for item in node:
                walk(item)
        elif hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                if name not in ("type", "span"):
                    walk(getattr(node, name))

    walk(expr)
    return found


def single_param_requires(tool: ir.Tool, param: str) -> tuple[list[ir.Let], list[ir.Expr]]:
    """The `let`s and `require` conditions at the top of a tool body, before its first write,
    that read no parameter but `param` (and no state the call itself changes)."""
    lets: list[ir.Let] = []
    conds: list[ir.Expr] = []
    known: set[str] = set()

    def only_param(expr: ir.Expr) -> bool:
        used = _variables(expr)
        params = {n for k, n in used if k == "param"}
        locals_ = {n for k, n in used if k in ("local", "loop")}
        return (
            params <= {param}
            and bool(params or locals_)
            and locals_ <= known
            and not any(k == "effect" for k, _ in used)
        )

    for stmt in tool.body:
        if isinstance(stmt, ir.Let):
            used = _variables(stmt.value)
            if (
                {n for k, n in used if k == "param"} <= {param}
                and {n for k, n in used if k == "local"} <= known
                and not any(k == "effect" for k, _ in used)
            ):
                lets.append(stmt)
                known.add(stmt.var)
        elif isinstance(stmt, ir.Require):
            if only_param(stmt.cond):
                conds.append(stmt.cond)
        else:
            break  # a write, a branch or a return: what follows may depend on it
    return lets, conds


def _entity_of(type_: t.Type) -> str | None:
    base = t.strip_optional(type_)
    return base.name if isinstance(base, t.EntityT) else None


def tool_rule(name: str, method_name: str | None = None) -> Any:
    def method(self: EnvMachine, data: st.DataObject) -> None:
        self.run_tool(name, data)

    method.__name__ = method_name or name
    return rule(data=st.data())(method)


def make_machine(compiled_source: Path | str, env: ir.Env) -> type[EnvMachine]:
    """The same class a generated `test_<env>.py` declares, built in memory (for specs not yet compiled)."""
    namespace: dict[str, Any] = {"COMPILED": compiled_source}
    for tool in env.tools:
        namespace[tool.name] = tool_rule(tool.name)
    return type(f"{_camel(env.name)}Machine", (EnvMachine,), namespace)


def focused(machine: type[EnvMachine], tool: str, weight: int) -> dict[str, Any]:
    """Extra rules that call `tool`, so that it gets about `weight` times its share of calls."""
    return {f"_focus_{tool}_{i}": tool_rule(tool, f"_focus_{tool}_{i}") for i in range(weight - 1)}


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part) or "Env"


def check_liveness(machine: type[EnvMachine], examples: int = 50) -> None:
    """For pytest: run `envdsl verify` on the machine's environment and fail with its findings."""
    from envdsl.verify.report import render_findings
    from envdsl.verify.run import Settings, verify

    result = verify(Path(machine.COMPILED or "."), Settings(examples=examples))
    if result.findings:
        raise AssertionError(render_findings(result))
