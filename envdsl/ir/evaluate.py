"""The reference interpreter of IR expressions: the meaning every backend must match.

`evaluate(expr, bindings, state, env)` computes the value of a checked
expression over an in-memory state. It is the oracle that the SQL and Python
backends are tested against, so it states each rule exactly and in one place:

- Values have the Python representation documented in `envdsl/ir/types.py`
  (money is a `Decimal` with two places, a duration is `int` seconds, an enum
  value is its name). An entity-typed value is the row's key; field access
  looks the row up in the state. A variable may also be bound to the row
  itself (a dict), as `_row` is for checks and the variable of a query is
  while it ranges over an entity; its value is still the key.
- `==`/`!=` treat `none` as a value (SQL `IS`/`IS NOT`); `x in list` means
  `x == item` for some item, with the same rule. The checker never produces
  an ordering comparison or arithmetic on `none`.
- `int / int` is a float. `%` takes the sign of the dividend (truncating, as
  SQL does). Dividing by zero fails (`EvaluationError`).
- Money arithmetic is exact and rounds the result to cents, ties away from
  zero. A float operand of money arithmetic is taken as the decimal it prints
  as (`0.1` is one tenth), so `10.05 * 0.1` is `1.01`.
- `date ± duration` shifts the date's midnight and keeps the date part of the
  result (so `date - hours(1)` is the day before); `datetime - datetime` is
  whole seconds.
- `lower`/`upper` map ASCII letters only, as SQLite does.
- Queries see rows in key order; `order by` sorts by its keys then by key;
  `none` sorts before every value ascending and after every value descending
  (SQLite's rule); `limit n` with n <= 0 yields no rows. `sum` of no rows is
  zero of the value's type; float sums are correctly rounded (`math.fsum`),
  independent of row order.

`insert` and `next_id` are effects, not values: asking for one is a bug in the
caller (`InternalError`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Protocol

from envdsl.ir import nodes as ir
from envdsl.ir import types as t

Key = str | int
Row = Mapping[str, Any]

CENT = Decimal("0.01")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\Z")


class EvaluationError(Exception):
    """A well-typed expression has no value for these inputs (division by zero,
    a string that is not a date). Backends must fail the same way."""


class InternalError(RuntimeError):
    """The IR or the bindings break what the checker guarantees: a bug."""


# ------------------------------------------------------------------ state


class StateView(Protocol):
    """What the evaluator needs to read: rows in key order, and a row by key."""

    def rows(self, entity: str) -> list[Row]: ...

    def get(self, entity: str, key: Key) -> Row | None: ...


class State:
    """An in-memory state: for each entity, its rows keyed by primary key.

    Rows are mappings from field name to typed value, with every field present.
    The state is a snapshot: it sorts the rows once, and is never changed.
    """

    def __init__(self, tables: Mapping[str, Mapping[Key, Row]]) -> None:
        self._tables: dict[str, dict[Key, Row]] = {
            name: dict(sorted(table.items(), key=lambda item: item[0])) for name, table in tables.items()
        }
        self._indexes: dict[tuple[str, str], dict[Any, list[Row]]] = {}

    @classmethod
    def from_rows(cls, env: ir.Env, rows: Mapping[str, list[Row] | tuple[Row, ...]]) -> State:
        """Key each entity's rows by its key field."""
        return cls({name: {row[env.entity(name).key]: row for row in table} for name, table in rows.items()})

    def rows(self, entity: str) -> list[Row]:
        return list(self._tables.get(entity, {}).values())

    def get(self, entity: str, key: Key) -> Row | None:
        return self._tables.get(entity, {}).get(key)

    def index(self, entity: str, field_name: str) -> dict[Any, list[Row]]:
        """Rows by the value of one field, each list in key order (built once per field)."""
        found = self._indexes.get((entity, field_name))
        if found is None:
            found = {}
            for row in self._tables.get(entity, {}).values():
                found.setdefault(row[field_name], []).append(row)
            self._indexes[(entity, field_name)] = found
        return found


EMPTY_STATE = State({})


# ------------------------------------------------------------------ entry point


@dataclass(frozen=True, slots=True)
class _Ctx:
    bindings: Mapping[str, Any]
    state: StateView
    env: ir.Env

    def bind(self, name: str, value: Any) -> _Ctx:
        return _Ctx({**self.bindings, name: value}, self.state, self.env)


def evaluate(expr: ir.Expr, bindings: Mapping[str, Any], state: StateView, env: ir.Env) -> Any:
    """The value of `expr` with its free variables taken from `bindings`."""
    return _value(expr, _Ctx(bindings, state, env))


def _value(expr: ir.Expr, ctx: _Ctx) -> Any:
    return coerce(_eval(expr, ctx), expr.type)


def coerce(value: Any, type_: t.Type) -> Any:
    """Give a value the representation of `type_` where int widens (to float or money)."""
    base = t.strip_optional(type_)
    if value is None or not isinstance(base, (t.Scalar, t.ListT)):
        return value
    if isinstance(base, t.ListT):
        return [coerce(item, base.inner) for item in value]
    if base.kind == "money" and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return to_money(value)
    if base.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


# ------------------------------------------------------------------ money


def to_money(value: int | Decimal | Fraction) -> Decimal:
    """Round an exact number to cents, ties away from zero."""
    if isinstance(value, Fraction):
        cents = value * 100
        whole, rest = divmod(abs(cents.numerator), cents.denominator)
        if 2 * rest >= cents.denominator:
            whole += 1
        signed = whole if cents >= 0 else -whole
        return (Decimal(signed) / 100).quantize(CENT)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP) + 0  # + 0 turns -0.00 into 0.00


def _exact(value: int | float | Decimal) -> Fraction:
    if isinstance(value, float):
        return Fraction(repr(value))  # the decimal the float prints as
    return Fraction(value)


# ------------------------------------------------------------------ dispatch


@functools.singledispatch
def _eval(expr: Any, ctx: _Ctx) -> Any:
    raise InternalError(f"cannot evaluate {type(expr).__name__}")


@_eval.register
def _(expr: ir.Literal, ctx: _Ctx) -> Any:
    if isinstance(expr.type, t.ErrorT):
        raise InternalError("an expression the checker rejected reached the evaluator")
    return expr.value


@_eval.register
def _(expr: ir.Var, ctx: _Ctx) -> Any:
    try:
        value = ctx.bindings[expr.name]
    except KeyError:
        raise InternalError(f"variable `{expr.name}` is not bound") from None
    if isinstance(value, Mapping) and expr.kind != "row":
        base = t.strip_optional(expr.type)
        if isinstance(base, t.EntityT):
            return value[ctx.env.entity(base.name).key]
    return value


@_eval.register
def _(expr: ir.EnumValue, ctx: _Ctx) -> Any:
    return expr.value


@_eval.register
def _(expr: ir.Attr, ctx: _Ctx) -> Any:
    # A variable bound to a row is read directly: `_row` may not be in the state.
    if isinstance(expr.obj, ir.Var) and expr.obj.name in ctx.bindings:
        obj = ctx.bindings[expr.obj.name]
    else:
        obj = _eval(expr.obj, ctx)
    return _row_of(obj, expr.entity, ctx)[expr.field]


def _row_of(obj: Any, entity: str, ctx: _Ctx) -> Row:
    if isinstance(obj, Mapping):
        return obj
    if obj is None:
        raise InternalError(f"field access on a `{entity}` that is none")
    row = ctx.state.get(entity, obj)
    if row is None:
        raise InternalError(f"no `{entity}` row has the key {obj!r}")
    return row


@_eval.register
def _(expr: ir.RecordGet, ctx: _Ctx) -> Any:
    return _eval(expr.obj, ctx)[expr.field]


@_eval.register
def _(expr: ir.ListLit, ctx: _Ctx) -> Any:
    return [_value(item, ctx) for item in expr.items]


@_eval.register
def _(expr: ir.RecordLit, ctx: _Ctx) -> Any:
    return {name: _value(value, ctx) for name, value in expr.fields}


@_eval.register
def _(expr: ir.NextId, ctx: _Ctx) -> Any:
    raise InternalError("`next_id` is an effect: the runtime generates keys, the evaluator does not")


@_eval.register
def _(expr: ir.Insert, ctx: _Ctx) -> Any:
    raise InternalError("`insert` is an effect: the evaluator only computes values")


# ------------------------------------------------------------------ operators


@_eval.register
def _(expr: ir.Unary, ctx: _Ctx) -> Any:
    operand = _value(expr.operand, ctx)
    if expr.op == "not":
        return not operand
    if operand is None:
        raise InternalError("`-` on none")
    return -operand


@_eval.register
def _(expr: ir.Binary, ctx: _Ctx) -> Any:
    op = expr.op
    if op == "and":
        return bool(_value(expr.left, ctx)) and bool(_value(expr.right, ctx))
    if op == "or":
        return bool(_value(expr.left, ctx)) or bool(_value(expr.right, ctx))
    left = _value(expr.left, ctx)
    right = _value(expr.right, ctx)
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if op == "in":
        return any(_equal(left, item) for item in right)
    if left is None or right is None:
        raise InternalError(f"`{op}` on none")
    if op in _COMPARE:
        return _COMPARE[op](left, right)
    return arithmetic(op, left, right, expr.type)


def _equal(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is right
    return bool(left == right)


_COMPARE = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def arithmetic(op: str, left: Any, right: Any, result: t.Type) -> Any:
    """`+ - * / %` on non-none operands whose result has type `result`."""
    kind = t.strip_optional(result)
    if isinstance(left, dt.date) or isinstance(right, dt.date):
        return _time_arithmetic(op, left, right)
    if kind == t.STR:
        if op != "+":
            raise InternalError(f"`{op}` on strings")
        return left + right
    if op in ("/", "%") and right == 0:
        raise EvaluationError("division by zero")
    if kind == t.MONEY:
        exact = _FRACTION_OPS[op](_exact(left), _exact(right))
        return to_money(exact)
    if kind == t.FLOAT:
        if op == "%":
            return math.fmod(float(left), float(right))
        if op == "/":
            return left / right  # int / int is correctly rounded too
        return _RING_OPS[op](float(left), float(right))
    if kind in (t.INT, t.DURATION):
        if op == "%":
            remainder = abs(left) % abs(right)
            return remainder if left >= 0 else -remainder
        if op == "/":
            raise InternalError("`/` on integers yields a float; the checker types it so")
        return _RING_OPS[op](left, right)
    raise InternalError(f"`{op}` with result type `{result}`")


def _truncating_mod(a: Fraction, b: Fraction) -> Fraction:
    quotient = a / b
    whole = math.trunc(quotient)
    return a - b * whole


_FRACTION_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": _truncating_mod,
}
_RING_OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
}


def _time_arithmetic(op: str, left: Any, right: Any) -> Any:
    if isinstance(left, dt.datetime) and isinstance(right, dt.datetime):
        if op != "-":
            raise InternalError(f"`{op}` on two datetimes")
        delta = left - right
        return delta.days * 86400 + delta.seconds
    if isinstance(right, dt.date) and op == "+":
        left, right = right, left  # duration + date
    if not isinstance(right, int) or op not in ("+", "-"):
        raise InternalError(f"`{op}` on {type(left).__name__} and {type(right).__name__}")
    shift = dt.timedelta(seconds=right if op == "+" else -right)
    if isinstance(left, dt.datetime):
        return left + shift
    return (dt.datetime.combine(left, dt.time()) + shift).date()


# ------------------------------------------------------------------ built-in functions


@_eval.register
def _(expr: ir.Call, ctx: _Ctx) -> Any:
    if expr.func == "coalesce":
        value = _value(expr.args[0], ctx)
        return value if value is not None else _value(expr.args[1], ctx)
    if expr.func == "now":
        return ctx.env.clock
    if expr.func == "today":
        return ctx.env.clock.date()
    args = [_value(arg, ctx) for arg in expr.args]
    if any(arg is None for arg in args):
        raise InternalError(f"`{expr.func}` called with none")
    function = _FUNCTIONS.get(expr.func)
    if function is None:
        raise InternalError(f"unknown built-in `{expr.func}`")
    return function(*args)


def _date_of(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(value)


def _datetime_of(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return parse_datetime(value)


def parse_date(text: str) -> dt.date:
    """Strict `YYYY-MM-DD`."""
    if not _DATE_RE.match(text):
        raise EvaluationError(f"`{text}` is not a date like `2026-03-01`")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EvaluationError(f"`{text}` is not a valid date") from None


def parse_datetime(text: str) -> dt.datetime:
    """Strict `YYYY-MM-DDTHH:MM:SS`, no time zone."""
    if not _DATETIME_RE.match(text):
        raise EvaluationError(f"`{text}` is not a datetime like `2026-03-01T09:00:00`")
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise EvaluationError(f"`{text}` is not a valid datetime") from None


_FUNCTIONS = {
    "lower": lambda s: s.translate(_ASCII_LOWER),
    "upper": lambda s: s.translate(_ASCII_UPPER),
    "len": len,
    "contains": lambda s, sub: sub in s,
    "starts_with": lambda s, prefix: s.startswith(prefix),
    "ends_with": lambda s, suffix: s.endswith(suffix),
    "abs": abs,
    "min": lambda a, b: b if b < a else a,
    "max": lambda a, b: b if b > a else a,
    "days": lambda n: n * 86400,
    "hours": lambda n: n * 3600,
    "minutes": lambda n: n * 60,
    "date": _date_of,
    "datetime": _datetime_of,
    "days_between": lambda a, b: (b - a).days,
}


# ------------------------------------------------------------------ queries


def _matching(var: str, entity: str, where: ir.Expr | None, ctx: _Ctx) -> Iterator[tuple[Row, _Ctx]]:
    """Rows of `entity` in key order for which `where` holds, each with `var` bound to it.

    A conjunct `var.ref == e` (a reference field, `e` not mentioning `var`) narrows the scan to
    the rows whose `ref` is `e`'s key, through an index the state keeps; `where` is still
    evaluated whole on them, so the meaning is unchanged, only the rows not looked at."""
    rows = ctx.state.rows(entity)
    probe = _reference_probe(var, where)
    if probe is not None and hasattr(ctx.state, "index"):
        field_name, other = probe
        value = _value(other, ctx)
        rows = ctx.state.index(entity, field_name).get(value, ())  # type: ignore[attr-defined]
    for row in rows:
        inner = ctx.bind(var, row)
        if where is None or _value(where, inner):
            yield row, inner


@functools.lru_cache(maxsize=4096)
def _reference_probe(var: str, where: ir.Expr | None) -> tuple[str, ir.Expr] | None:
    """(field, other side) of the first conjunct `var.field == other` on a reference field."""
    stack = [where]
    while stack:
        node = stack.pop(0)
        if isinstance(node, ir.Binary) and node.op == "and":
            stack[:0] = [node.left, node.right]
        elif isinstance(node, ir.Binary) and node.op == "==":
            for a, b in ((node.left, node.right), (node.right, node.left)):
                if (
                    isinstance(a, ir.Attr)
                    and isinstance(a.obj, ir.Var)
                    and a.obj.name == var
                    and isinstance(t.strip_optional(a.type), t.EntityT)
                    and var not in _names(b)
                ):
                    return a.field, b
    return None


def _names(expr: Any) -> set[str]:
    found: set[str] = set()
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, ir.Var):
            found.add(node.name)
        elif isinstance(node, tuple):
            stack.extend(node)
        elif hasattr(node, "__dataclass_fields__"):
            stack.extend(getattr(node, f) for f in node.__dataclass_fields__ if f not in ("type", "span"))
    return found


@_eval.register
def _(expr: ir.Find, ctx: _Ctx) -> Any:
    key = ctx.env.entity(expr.entity).key
    matches = list(_matching(expr.var, expr.entity, expr.where, ctx))
    # Rows arrive in key order; stable sorts from the last order key to the
    # first leave key order as the final tie-break.
    for order in reversed(expr.order):
        decorated = [(_sort_key(_value(order.expr, inner)), (row, inner)) for row, inner in matches]
        decorated.sort(key=lambda pair: pair[0], reverse=order.descending)
        matches = [item for _, item in decorated]
    keys = [row[key] for row, _ in matches]
    if expr.first:
        return keys[0] if keys else None
    if expr.limit is not None:
        limit = _value(expr.limit, ctx)
        keys = keys[: max(limit, 0)]
    return keys


def _sort_key(value: Any) -> tuple:
    # none is smaller than every value (so first ascending, last descending).
    return (0,) if value is None else (1, value)


@_eval.register
def _(expr: ir.Count, ctx: _Ctx) -> Any:
    return sum(1 for _ in _matching(expr.var, expr.entity, expr.where, ctx))


@_eval.register
def _(expr: ir.Sum, ctx: _Ctx) -> Any:
    values = [_value(expr.value, inner) for _, inner in _matching(expr.var, expr.entity, expr.where, ctx)]
    values = [v for v in values if v is not None]
    base = t.strip_optional(expr.type)
    if base == t.FLOAT:
        return math.fsum(values)
    if base == t.MONEY:
        return to_money(sum(values, Decimal(0)))
    return sum(values, 0)


@_eval.register
def _(expr: ir.Quantifier, ctx: _Ctx) -> Any:
    bodies = (_value(expr.body, inner) for _, inner in _matching(expr.var, expr.entity, expr.where, ctx))
    if expr.kind == "all":
        return all(bodies)
    if expr.kind == "exists":
        return any(bodies)
    raise InternalError(f"unknown quantifier `{expr.kind}`")


def first_row(
    expr: ir.Quantifier, body: bool, bindings: Mapping[str, Any], state: StateView, env: ir.Env
) -> Row | None:
    """The first row (in key order) that the quantifier ranges over and for
    which its body evaluates to `body`: with `body=False`, the row that makes
    an `all` false."""
    for row, inner in _matching(expr.var, expr.entity, expr.where, _Ctx(bindings, state, env)):
        if bool(_value(expr.body, inner)) is body:
            return row
    return None
