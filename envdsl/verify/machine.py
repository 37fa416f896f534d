"""The hypothesis state machine every generated `test_<env>.py` subclasses.

A generated test file declares one rule per tool, each a single line that
calls `run_tool`; everything else lives here, so the generated file stays a
readable list of tools and the verification logic has one home.

Arguments are drawn against the *current* state, not from hypothesis
`Bundle`s: a bundle only knows the keys that earlier rules returned, not the
seeded rows, nor which rows a `delete` removed since. `ArgumentStrategies`
reads live keys and values from the oracle at draw time instead. About one call in
twelve gets deliberately invalid arguments (a wrong type, a
missing or an unknown argument), which must end in `InvalidArguments`.

Two modes:
- "raise" (pytest on a generated file): the first finding fails the example
  and hypothesis shrinks it as usual;
- "collect" (`envdsl verify`): findings are recorded and the run goes on, so
  one run reports every kind of defect; `run.py` shrinks each one itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.runtime import compiled as compiled_mod
from envdsl.verify.findings import Finding
from envdsl.verify.session import Session
from envdsl.verify.strategies import ArgumentStrategies

INVALID_PERCENT = 8
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
            return oracle.keys(name)

        self.env = session.env
        self.oracle = oracle
        self.values = ArgumentStrategies(session.env, live, lambda entity: oracle.recent.get(entity, []))
        self._links: dict[str, list[tuple[str, str]]] = {
            e.name: [(f.name, ref) for f in e.fields if (ref := _entity_of(f.type)) is not None]
            for e in session.env.entities
        }
        self.valid: dict[str, st.SearchStrategy[dict[str, Any]]] = {}
        self.invalid: dict[str, st.SearchStrategy[dict[str, Any]]] = {}
        for tool in session.env.tools:
            self.valid[tool.name] = self._valid(tool)
            self.invalid[tool.name] = self._invalid(tool)

    def _valid(self, tool: ir.Tool) -> st.SearchStrategy[dict[str, Any]]:
        values = self.values
        params = [(p, values.valid(p.type, tool.name), _entity_of(p.type)) for p in tool.params]
        related = self.related

        @st.composite
        def arguments(draw: st.DrawFn) -> dict[str, Any]:
            args: dict[str, Any] = {}
            chosen: list[tuple[str, dict[str, Any]]] = []  # rows named by the entity arguments so far
            for param, strategy, entity in params:
                if param.default is not None and draw(st.integers(0, 99)) < 25:
                    continue  # leave it to its default
                if entity is not None and chosen and draw(st.integers(0, 99)) < 70:
                    rows = related(entity, chosen)
                    if rows:
                        row = draw(st.sampled_from(rows))
                        args[param.name] = row[self.env.entity(entity).key]
                        chosen.append((entity, row))
                        continue
                value = draw(strategy)
                args[param.name] = value
                if entity is not None and not isinstance(value, list):
                    row = self.row(entity, value)
                    if row is not None:
                        chosen.append((entity, row))
            return args

        return arguments()

    def row(self, entity: str, key: Any) -> dict[str, Any] | None:
        return self.oracle.row(entity, key)

    def related(self, entity: str, chosen: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Rows of `entity` tied to a row already chosen: one references the other, or both
        reference the same row. Requires such as `payment_method.owner == user` need these."""
        links = self._links[entity]
        found: list[dict[str, Any]] = []
        for row in self.oracle.json_rows[entity]:
            for other_entity, other in chosen:
                if self._tied(entity, row, other_entity, other, links):
                    found.append(row)
                    break
        return found

    def _tied(self, entity: str, row: dict, other_entity: str, other: dict, links: list[tuple[str, str]]) -> bool:
        other_key = other[self.env.entity(other_entity).key]
        row_key = row[self.env.entity(entity).key]
        for field_name, target in links:
            if target == other_entity and row[field_name] == other_key:
                return True
        for field_name, target in self._links[other_entity]:
            if target == entity and other[field_name] == row_key:
                return True
            for mine, my_target in links:
                if my_target == target and row[mine] is not None and row[mine] == other[field_name]:
                    return True
        return False

    def _invalid(self, tool: ir.Tool) -> st.SearchStrategy[dict[str, Any]]:
        valid = self.valid[tool.name]
        ways: list[st.SearchStrategy[dict[str, Any]]] = [valid.map(lambda args: {**args, UNKNOWN_ARGUMENT: 1})]
        for param in tool.params:
            can_be_null = isinstance(param.type, t.OptionalT) or param.default is not None  # null = the default
            bad = self.values.invalid(param.type, can_be_null)
            ways.append(st.tuples(valid, bad).map(lambda pair, name=param.name: {**pair[0], name: pair[1]}))
            if param.default is None:
                ways.append(valid.map(lambda args, name=param.name: {k: v for k, v in args.items() if k != name}))
        ways.append(st.sampled_from([None, [], "not an object", 7]))  # not an argument object at all
        return st.one_of(ways)


class EnvMachine(RuleBasedStateMachine):
    COMPILED: ClassVar[Path | str | None] = None  # a compiled folder or a spec (set by subclasses)
    MODE: ClassVar[str] = "raise"
    collector: ClassVar[Collector | None] = None
    _sessions: ClassVar[dict[str, tuple[Session, ToolArguments]]] = {}

    def __init__(self) -> None:
        super().__init__()
        self.session, self.arguments = self.session_for(self.COMPILED)
        self.session.reset()
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
        invalid = data.draw(st.integers(0, 99), label="invalid if < 8") < INVALID_PERCENT
        strategy = (self.arguments.invalid if invalid else self.arguments.valid)[name]
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
