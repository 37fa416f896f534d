"""Hypothesis strategies for tool arguments, as JSON values a model would send.

Valid values mix three sources, so that requires can both hold and fail:
live values of the current state (the keys of existing rows for an entity
parameter, values of fields of the same type for scalars), boundary values
(0, ±1, the literals a tool compares its parameters with, ±1 around them,
the clock's day and its neighbours) and hypothesis's own generators.
Invalid values (wrong JSON type, a money amount with three decimals, an
impossible date, an unknown enum value, a 65-bit integer, a missing or unknown
argument) are drawn deliberately in a small share of calls; those calls must
end with `InvalidArguments`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from envdsl.ir import nodes as ir
from envdsl.ir import types as t

Live = Callable[[str], list[Any]]  # entity name or "scalar:<kind>" -> values in the current state

MISSING_STR_KEY = "no-such-key"
MISSING_INT_KEY = 987654321


def literals_of(tool: ir.Tool) -> dict[str, list[Any]]:
    """Literal values in a tool body by kind, with their neighbours for numbers."""
    found: dict[str, set[Any]] = {}

    def walk(node: Any) -> None:
        if (
            isinstance(node, ir.Literal)
            and node.value is not None
            and isinstance(t.strip_optional(node.type), t.Scalar)
        ):
            kind = t.strip_optional(node.type).kind
            value = node.value
            if kind == "int" and not isinstance(value, bool):
                found.setdefault("int", set()).update({value - 1, value, value + 1})
            elif kind == "money":
                found.setdefault("money", set()).update({value - Decimal("0.01"), value, value + Decimal("0.01")})
            elif kind in ("str", "float"):
                found.setdefault(kind, set()).add(value)
        if isinstance(node, tuple):
            for item in node:
                walk(item)
            return
        if hasattr(node, "__dataclass_fields__"):
            for name in node.__dataclass_fields__:
                if name not in ("type", "span"):
                    walk(getattr(node, name))

    walk(tool.body)
    return {kind: sorted(values, key=repr) for kind, values in found.items()}


class ArgumentStrategies:
    """Strategies for one environment; `live` answers from the current state."""

    def __init__(self, env: ir.Env, live: Live, recent: Live | None = None) -> None:
        self.env = env
        self.live = live
        self.recent: Live = recent or (lambda entity: [])
        self.today = env.clock.date()
        self._literals = {tool.name: literals_of(tool) for tool in env.tools}

    # ------------------------------------------------------------ valid

    def valid(self, type_: t.Type, tool: str, name: str | None = None) -> st.SearchStrategy[Any]:
        if isinstance(type_, t.OptionalT):
            return st.one_of(st.none(), self.valid(type_.inner, tool, name))
        if isinstance(type_, t.ListT):
            return st.lists(self.valid(type_.inner, tool), max_size=3)
        if isinstance(type_, t.EnumT):
            return st.sampled_from(type_.values)
        if isinstance(type_, t.EntityT):
            return self._entity_key(type_.name)
        assert isinstance(type_, t.Scalar), type_
        plain = self._scalar(type_.kind, tool)
        if name is None:
            return plain
        # A parameter named like a field takes that field's live values half the time
        # (`mime_type`, `email`, `city`): the values a real caller would pass.
        return st.integers(0, 1).flatmap(lambda coin: self._named(type_.kind, name) if coin else plain)

    def _named(self, kind: str, name: str) -> st.SearchStrategy[Any]:
        def build(_: int) -> st.SearchStrategy[Any]:
            values = self.live(f"field:{kind}:{name}")
            return st.sampled_from(values) if values else self._scalar(kind, "")

        return st.just(0).flatmap(build)

    def _entity_key(self, entity: str) -> st.SearchStrategy[Any]:
        key_type = t.strip_optional(self.env.entity(entity).key_field.type)
        missing = MISSING_STR_KEY if key_type == t.STR else MISSING_INT_KEY

        def pick(choice: int) -> st.SearchStrategy[Any]:
            recent = [k for k in self.recent(entity) if k in set(self.live(entity))] if choice < 3 else []
            if recent:
                return st.sampled_from(recent)
            keys = self.live(entity)
            if choice != 9 and keys:
                return st.sampled_from(keys)
            return st.just(missing)

        # Often a row this example wrote, mostly any live key, sometimes a key that names no row (NotFound).
        return st.integers(0, 9).flatmap(pick)

    def _pool(self, kind: str, tool: str, extra: list[Any]) -> st.SearchStrategy[Any]:
        def build(_: int) -> st.SearchStrategy[Any]:
            values = list(extra) + list(self._literals.get(tool, {}).get(kind, ())) + list(self.live(f"scalar:{kind}"))
            return st.sampled_from(values) if values else st.nothing()

        return st.just(0).flatmap(build)

    def _scalar(self, kind: str, tool: str) -> st.SearchStrategy[Any]:
        if kind == "bool":
            return st.booleans()
        if kind in ("int", "duration"):
            return st.one_of(
                self._pool(kind, tool, [0, 1, -1, 2, 10, 100]), st.integers(-5, 120), st.sampled_from([2**31, -(2**31)])
            )
        if kind == "float":
            return st.one_of(
                self._pool(kind, tool, [0.0, 1.0, -1.0, 0.5]),
                st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
            )
        if kind == "money":
            decimals = st.decimals(Decimal("-100"), Decimal("5000"), places=2)
            return st.one_of(self._pool(kind, tool, [Decimal("0"), Decimal("0.01"), Decimal("-0.01")]), decimals).map(
                _money_json
            )
        if kind == "str":
            # Strings as long as the tool's int literals say (`len(last_four) == 4`), digits included.
            lengths = sorted({n for n in self._literals.get(tool, {}).get("int", ()) if 1 <= n <= 32})
            sized = (
                st.sampled_from(lengths).flatmap(lambda n: st.text("0123456789abcdefXYZ", min_size=n, max_size=n))
                if lengths
                else st.nothing()
            )
            return st.one_of(
                self._pool(kind, tool, ["", " "]),
                sized,
                st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=12),  # see arguments.py
                st.text("abcdefghij@. -", min_size=10, max_size=24),
            )
        if kind == "date":
            near = [(self.today + dt.timedelta(days=d)).isoformat() for d in (-31, -30, -1, 0, 1, 30, 31)]
            return st.one_of(
                self._pool(kind, tool, near),
                st.dates(dt.date(2020, 1, 1), dt.date(2032, 12, 31)).map(dt.date.isoformat),
            )
        if kind == "datetime":
            now = self.env.clock
            near = [(now + dt.timedelta(hours=h)).isoformat() for h in (-25, -1, 0, 1, 2, 25)]
            moments = st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2032, 12, 31)).map(
                lambda m: m.replace(microsecond=0).isoformat()
            )
            return st.one_of(self._pool(kind, tool, near), moments)
        raise AssertionError(kind)

    # ------------------------------------------------------------ invalid

    def invalid(self, type_: t.Type, can_be_null: bool) -> st.SearchStrategy[Any]:
        """A value the argument validator must reject for `type_`."""
        return st.sampled_from(self.invalid_values(type_, can_be_null))

    def invalid_values(self, type_: t.Type, can_be_null: bool) -> list[Any]:
        """Every value `invalid` draws from, the subtle ones (a money amount with three decimals) included."""
        base = t.strip_optional(type_)
        options: list[Any] = [{"an": "object"}]
        if not can_be_null:
            options.append(None)
        if isinstance(base, t.ListT):
            options += ["not a list"]
            inner = self.invalid_values(base.inner, can_be_null=isinstance(base.inner, t.OptionalT))
            return options + [[item] for item in inner]
        if isinstance(base, t.EnumT):
            options += ["not_a_" + base.values[0], 3]
        elif isinstance(base, t.EntityT):
            key_type = t.strip_optional(self.env.entity(base.name).key_field.type)
            options += [12, True] if key_type == t.STR else ["12", 1.5]
        elif isinstance(base, t.Scalar):
            options += {
                "str": [5, True, ["a"], "ab\x00c", "\ud800x"],
                "int": ["3", 1.5, True, 2**64],
                "duration": ["3", 1.5, 2**64],
                "float": ["1.5", True],
                "bool": [1, "true"],
                "money": [0.001, "abc", True, 1.005],
                "date": ["2026-02-30", "2026/03/01", 20260301, "2026-03-01T09:00:00"],
                "datetime": ["2026-03-01 09:00:00", "2026-13-01T00:00:00", "2026-03-01"],
            }[base.kind]
        return options


def _money_json(value: Decimal | float | int) -> float | int:
    if not isinstance(value, Decimal):
        return value
    return int(value) if value == value.to_integral_value() else float(value)
