"""The reference evaluator, node by node, with the edge cases that backends get wrong.

Expressions are written in the language and checked by the real checker
(`let v = <expr>` inside a probe tool), then evaluated over a small fixed
state, so the tests also pin down what the checker hands the evaluator.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from envdsl.check.checker import check
from envdsl.diagnostics.span import Span
from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.ir.evaluate import (
    EMPTY_STATE,
    EvaluationError,
    InternalError,
    State,
    evaluate,
    first_row,
    to_money,
)
from envdsl.syntax.parser import parse

SPEC = """env probe {
  title "Probe"
  domain test
  clock "2026-03-01T09:00:00"

  enum Color { red, green, blue }

  entity Owner {
    key id: int
    name: str
  }

  entity Item {
    key id: str
    name: str
    qty: int
    weight: float
    price: money
    color: Color
    made: date
    seen: datetime
    rank: int?
    owner: Owner
    check_me: int check check_me >= 0
  }

  tool probe(PARAMS) {
    let v = EXPR
  }
}
"""

PARAMS = (
    "n: int, k: int, f: float, m: money, s: str, d: date, ts: datetime, o: int?, xs: list<int>, "
    "it: Item, other: Item, oi: Item?, c: Color"
)

ITEMS = [
    # id, name, qty, weight, price, color, made, seen, rank, owner
    ("a", "Apple", 3, 1.5, "2.50", "red", "2026-02-01", "2026-02-28T09:00:00", 2, 1),
    ("b", "banana", 0, 0.25, "0.99", "green", "2026-02-15", "2026-03-01T08:00:00", None, 2),
    ("c", "Cherry", 3, 0.1, "10.05", "red", "2026-01-20", "2026-02-01T12:30:00", 1, 1),
    ("d", "date", 7, 0.2, "4.00", "blue", "2026-02-15", "2026-02-20T00:00:00", None, 2),
]


def _state() -> State:
    items = {
        row[0]: {
            "id": row[0],
            "name": row[1],
            "qty": row[2],
            "weight": row[3],
            "price": Decimal(row[4]),
            "color": row[5],
            "made": dt.date.fromisoformat(row[6]),
            "seen": dt.datetime.fromisoformat(row[7]),
            "rank": row[8],
            "owner": row[9],
            "check_me": 0,
        }
        for row in ITEMS
    }
    owners = {1: {"id": 1, "name": "Olga"}, 2: {"id": 2, "name": "Omar"}}
    return State({"Item": items, "Owner": owners})


STATE = _state()
DEFAULTS: dict[str, Any] = {
    "n": 7,
    "k": 2,
    "f": 0.5,
    "m": Decimal("10.05"),
    "s": "Hello",
    "d": dt.date(2026, 3, 1),
    "ts": dt.datetime(2026, 3, 1, 9, 30, 0),
    "o": None,
    "xs": [1, 2, 3],
    "it": "a",
    "other": "b",
    "oi": None,
    "c": "red",
}


def compile_expr(text: str) -> tuple[ir.Expr, ir.Env]:
    source = SPEC.replace("PARAMS", PARAMS).replace("EXPR", text)
    module, diagnostics = parse(source, "probe.envdsl")
    assert not diagnostics, diagnostics
    env, diagnostics = check(module)
    errors = [d.message for d in diagnostics if d.is_error]
    assert env is not None and not errors, errors
    tool = env.tool("probe")
    assert tool is not None
    let = tool.body[0]
    assert isinstance(let, ir.Let)
    return let.value, env


def ev(text: str, state: State = STATE, **bindings: Any) -> Any:
    expr, env = compile_expr(text)
    return evaluate(expr, {**DEFAULTS, **bindings}, state, env)


def same(actual: Any, expected: Any) -> bool:
    """Equal and of the same Python type (1 == 1.0 == Decimal(1) hides representation bugs)."""
    return type(actual) is type(expected) and actual == expected and str(actual) == str(expected)


# ------------------------------------------------------------------ literals, names, fields


@pytest.mark.parametrize(
    "text, expected",
    [
        ("42", 42),
        ("2.5", 2.5),
        ('"text"', "text"),
        ("true", True),
        ("none", None),
        ("m + 1.50", Decimal("11.55")),  # a decimal next to money is money
        ("Color.green", "green"),
        ("n", 7),
        ("it", "a"),  # an entity-typed value is its key
        ("it.name", "Apple"),
        ("it.price", Decimal("2.50")),
        ("it.owner", 1),
        ("it.owner.name", "Olga"),  # through a reference
        ("other.rank", None),
        ("{a: n, b: s}.b", "Hello"),
        ("{a: n, b: s}", {"a": 7, "b": "Hello"}),
        ("[1, 2, 3]", [1, 2, 3]),
        ("[1, 2.5]", [1.0, 2.5]),  # int widens to the list's float
        ("-n", -7),
        ("-m", Decimal("-10.05")),
        ("not (n > 3)", False),
    ],
)
def test_values(text: str, expected: Any) -> None:
    assert same(ev(text), expected)


def test_entity_parameter_bound_to_its_row_is_still_its_key() -> None:
    row = STATE.get("Item", "c")
    assert ev("it", it=row) == "c"
    assert ev("it == other", it=row, other="c") is True
    assert ev("it.name", it=row) == "Cherry"


# ------------------------------------------------------------------ equality, none, in


@pytest.mark.parametrize(
    "text, bindings, expected",
    [
        ("o == none", {"o": None}, True),
        ("o == none", {"o": 0}, False),
        ("o != none", {"o": None}, False),
        ("o == 3", {"o": None}, False),
        ("o != 3", {"o": None}, True),
        ("o == n", {"o": 7}, True),
        ("oi == none", {}, True),
        ("other.rank == none", {}, True),
        ("it.rank == 2", {}, True),
        ("n == 7.0", {}, True),
        ("m == 10", {"m": Decimal("10.00")}, True),
        ("c == red", {}, True),
        ("c != Color.blue", {}, True),
        ("it == other", {}, False),
        ("it.owner == other.owner", {"other": "c"}, True),
        ("n in [1, 7]", {}, True),
        ("n in xs", {}, False),
        ("n in xs", {"xs": []}, False),
        ("o in xs", {"o": None}, False),
        ("o in [1, 2]", {"o": 2}, True),
        ("f in [0.5, 1]", {}, True),
        ("c in [red, green]", {"c": "blue"}, False),
    ],
)
def test_equality_and_membership(text: str, bindings: dict, expected: bool) -> None:
    assert ev(text, **bindings) is expected


def test_and_or_short_circuit() -> None:
    # The right side would divide by zero: it must not be evaluated.
    assert ev("false and n / 0 > 1") is False
    assert ev("true or n % 0 == 1") is True
    with pytest.raises(EvaluationError, match="division by zero"):
        ev("true and n / 0 > 1")


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"B" < "a"', True),  # code point order, as SQLite's BINARY collation
        ('"apple" < "apples"', True),
        ("n >= 7", True),
        ("f < n", True),
        ("m > 10", True),
        ("d < it.made", False),
        ("ts > it.seen", True),
    ],
)
def test_ordering(text: str, expected: bool) -> None:
    assert ev(text) is expected


# ------------------------------------------------------------------ arithmetic


@pytest.mark.parametrize(
    "text, bindings, expected",
    [
        ("n + k", {}, 9),
        ("n - k * 3", {}, 1),
        ("n / k", {}, 3.5),  # int / int is a float
        ("6 / 3", {}, 2.0),
        ("n / f", {}, 14.0),
        ("f * 3", {}, 1.5),
        ("f + n", {}, 7.5),
        ("n % k", {}, 1),
        ("-7 % 3", {}, -1),  # the sign of the dividend, as SQL
        ("7 % -3", {}, 1),
        ("-7 % -3", {}, -1),
        ("n % k", {"n": -8, "k": 3}, -2),
        ('s + ", world"', {}, "Hello, world"),
    ],
)
def test_numbers(text: str, bindings: dict, expected: Any) -> None:
    assert same(ev(text, **bindings), expected)


@pytest.mark.parametrize(
    "text, m, expected",
    [
        ("m * 2", "10.05", "20.10"),
        ("m + 1", "10.05", "11.05"),  # int widens to money
        ("m - m", "10.05", "0.00"),
        ("m * 0.1", "10.05", "1.01"),  # 1.005: a tie, away from zero (the float read as 0.1)
        ("m * 0.1", "-10.05", "-1.01"),  # ties away from zero on both sides
        ("m / 2", "0.05", "0.03"),  # 0.025
        ("m / 2", "-0.05", "-0.03"),
        ("m / 3", "0.05", "0.02"),  # 0.01666…
        ("m / 3", "0.04", "0.01"),  # 0.01333…
        ("m / 0.5", "1.01", "2.02"),
        ("m * 1.5", "0.01", "0.02"),  # 0.015
        ("m * 1.5", "0.03", "0.05"),  # 0.045: exact decimal tie (a float product would be 0.04499…)
        ("m * 3", "0.10", "0.30"),  # exact, where binary floats give 0.30000000000000004
        ("m * 0.1 * 10", "0.05", "0.10"),  # each step rounds: 0.005 -> 0.01, then 0.10
        ("abs(m)", "-2.50", "2.50"),
    ],
)
def test_money(text: str, m: str, expected: str) -> None:
    assert same(ev(text, m=Decimal(m)), Decimal(expected))


def test_to_money() -> None:
    assert str(to_money(Decimal("2.345"))) == "2.35"
    assert str(to_money(Decimal("-2.345"))) == "-2.35"
    assert str(to_money(Decimal("-0.001"))) == "0.00"  # never -0.00
    assert str(to_money(3)) == "3.00"


@pytest.mark.parametrize("text", ["n / 0", "n % 0", "m / 0", "f / 0", "m / 0.0", "n / (k - 2)"])
def test_division_by_zero_fails(text: str) -> None:
    with pytest.raises(EvaluationError, match="division by zero"):
        ev(text)


# ------------------------------------------------------------------ dates, datetimes, durations


@pytest.mark.parametrize(
    "text, expected",
    [
        ("d + days(1)", dt.date(2026, 3, 2)),
        ("d - days(1)", dt.date(2026, 2, 28)),
        ("d + hours(23)", dt.date(2026, 3, 1)),  # midnight + 23h is still the same day
        ("d + hours(25)", dt.date(2026, 3, 2)),
        ("d - hours(1)", dt.date(2026, 2, 28)),  # midnight - 1h is the day before
        ("d - minutes(1) + minutes(1)", dt.date(2026, 2, 28)),  # each step truncates
        ("d + days(365)", dt.date(2027, 3, 1)),
        ("ts + minutes(90)", dt.datetime(2026, 3, 1, 11, 0)),
        ("ts - days(29)", dt.datetime(2026, 1, 31, 9, 30)),
        ("ts - it.seen", 86400 + 1800),
        ("it.seen - ts", -(86400 + 1800)),
        ("ts - it.seen > hours(24)", True),
        ("days(2) - hours(1)", 2 * 86400 - 3600),
        ("hours(2) * 3", 6 * 3600),
        ("abs(it.seen - ts)", 86400 + 1800),
        ("min(hours(1), minutes(30))", 1800),
        ("date(ts)", dt.date(2026, 3, 1)),
        ("date(d)", dt.date(2026, 3, 1)),
        ('date("2024-02-29")', dt.date(2024, 2, 29)),
        ('datetime("2026-03-01T23:59:59")', dt.datetime(2026, 3, 1, 23, 59, 59)),
        ("days_between(it.made, d)", 28),
        ("days_between(d, it.made)", -28),
        ("now()", dt.datetime(2026, 3, 1, 9, 0, 0)),
        ("today()", dt.date(2026, 3, 1)),
        ("it.made < today()", True),
        ("now() - hours(1) < it.seen", False),
    ],
)
def test_time(text: str, expected: Any) -> None:
    assert same(ev(text), expected)


# ------------------------------------------------------------------ built-in functions


@pytest.mark.parametrize(
    "text, bindings, expected",
    [
        ("lower(s)", {}, "hello"),
        ("upper(s)", {}, "HELLO"),
        ("lower(s)", {"s": "ÀÉ Straße"}, "ÀÉ straße"),  # ASCII only, as SQLite
        ("upper(s)", {"s": "straße é"}, "STRAßE é"),
        ("len(s)", {}, 5),
        ("len(s)", {"s": "née"}, 3),  # characters, not bytes
        ("len(xs)", {}, 3),
        ("len(s)", {"s": ""}, 0),
        ('contains(s, "ell")', {}, True),
        ('contains(s, "ELL")', {}, False),  # case-sensitive
        ('contains(s, "")', {}, True),
        ('starts_with(s, "He")', {}, True),
        ('ends_with(s, "lo")', {}, True),
        ('ends_with(s, "Lo")', {}, False),
        ("abs(n - 10)", {}, 3),
        ("abs(f - 1)", {}, 0.5),
        ("min(n, k)", {}, 2),
        ("max(n, k)", {}, 7),
        ("max(m, 20)", {}, Decimal("20.00")),  # int widens to money
        ("min(f, 1)", {}, 0.5),
        ("min(n, 1.5)", {}, 1.5),
        ("max(n, 1.5)", {}, 7.0),
        ("coalesce(o, 5)", {}, 5),
        ("coalesce(o, 5)", {"o": 0}, 0),
        ("coalesce(o, n % 0)", {"o": 1}, 1),  # the fallback is only evaluated when needed
        ("coalesce(other.rank, -1)", {}, -1),
        ("days(2)", {}, 172800),
        ("hours(n)", {}, 25200),
        ("minutes(k)", {}, 120),
    ],
)
def test_functions(text: str, bindings: dict, expected: Any) -> None:
    assert same(ev(text, **bindings), expected)


# ------------------------------------------------------------------ queries


@pytest.mark.parametrize(
    "text, expected",
    [
        ("find i in Item", ["a", "b", "c", "d"]),  # key order
        ("find i in Item where i.qty == 3", ["a", "c"]),
        ("find i in Item where i.qty > 100", []),
        ("find i in Item order by i.qty desc", ["d", "a", "c", "b"]),  # tie a/c broken by key
        ("find i in Item order by i.qty", ["b", "a", "c", "d"]),
        ("find i in Item order by i.made desc, i.price", ["b", "d", "a", "c"]),
        ("find i in Item order by i.color", ["d", "b", "a", "c"]),  # enums by name
        ("find i in Item order by lower(i.name)", ["a", "b", "c", "d"]),
        ("find i in Item order by i.name", ["a", "c", "b", "d"]),  # code points: upper case first
        ("find i in Item order by i.rank", ["b", "d", "c", "a"]),  # none first ascending
        ("find i in Item order by i.rank desc", ["a", "c", "b", "d"]),  # none last descending
        ("find i in Item order by i.weight limit 2", ["c", "d"]),
        ("find i in Item limit k", ["a", "b"]),
        ("find i in Item where i.qty < 0 limit 1", []),
        ("find i in Item where i.owner == it.owner", ["a", "c"]),
        ("find i in Item where i != other and i.made == other.made", ["d"]),
        ('find i in Item where i.owner.name == "Omar"', ["b", "d"]),
        ("find first i in Item where i.qty == 3", "a"),
        ("find first i in Item where i.qty == 3 order by i.price desc", "c"),
        ("find first i in Item where i.qty > 100", None),
        ("count(i in Item)", 4),
        ("count(i in Item where i.color == red)", 2),
        ("count(i in Item where i.qty > 100)", 0),
        ("sum(i.qty for i in Item)", 13),
        ("sum(i.qty for i in Item where i.qty > 100)", 0),
        ("sum(i.price for i in Item)", Decimal("17.54")),
        ("sum(i.price for i in Item where i.qty > 100)", Decimal("0.00")),
        ('sum(i.weight for i in Item where i.id != "a")', 0.55),  # correctly rounded: not 0.5499999…
        ("sum(i.weight for i in Item where i.qty > 100)", 0.0),
        ("sum(now() - i.seen for i in Item where i.color == red)", 86400 + 28 * 86400 - 3 * 3600 - 1800),
        ("all i in Item: i.qty >= 0", True),
        ("all i in Item where i.color == red: i.qty == 3", True),
        ("all i in Item: i.qty > 0", False),
        ("all i in Item where i.qty > 100: false", True),  # vacuous
        ("exists i in Item where i.qty > 100: true", False),
        ("exists i in Item: i.rank == none", True),
        ("exists i in Item where i.owner.id == 2: i.qty == 7", True),
        ("all w in Owner: exists i in Item where i.owner == w: i.qty > 0", True),
        ("all w in Owner: count(i in Item where i.owner == w) == 2", True),
        ("len(find i in Item where i.color == red)", 2),
        ("it in find i in Item where i.qty == 3", True),
    ],
)
def test_queries(text: str, expected: Any) -> None:
    assert same(ev(text), expected)


def test_find_on_an_empty_state() -> None:
    empty = State({})
    assert ev("find i in Item", state=empty) == []
    assert ev("find first i in Item", state=empty) is None
    assert same(ev("sum(i.price for i in Item)", state=empty), Decimal("0.00"))
    assert ev("all i in Item: false", state=empty) is True


def test_first_row_of_a_quantifier() -> None:
    expr, env = compile_expr("all i in Item: i.qty > 0")
    assert isinstance(expr, ir.Quantifier)
    row = first_row(expr, False, DEFAULTS, STATE, env)
    assert row is not None and row["id"] == "b"
    assert first_row(expr, True, DEFAULTS, STATE, env)["id"] == "a"  # type: ignore[index]


# ------------------------------------------------------------------ checks, hand-built IR, internal errors


def test_check_reads_the_row_bound_as_row() -> None:
    _, env = compile_expr("1")
    (check_expr,) = env.entity("Item").field("check_me").checks  # type: ignore[union-attr]
    # `_row` need not be in the state: a seed row is checked before it is stored.
    assert evaluate(check_expr, {"_row": {"check_me": -1}}, EMPTY_STATE, env) is False
    assert evaluate(check_expr, {"_row": {"check_me": 0}}, EMPTY_STATE, env) is True


SPAN = Span("x", 0, 0)


def test_effects_are_not_values() -> None:
    _, env = compile_expr("1")
    with pytest.raises(InternalError, match="next_id"):
        evaluate(ir.NextId("R", t.STR, SPAN), {}, STATE, env)
    insert = ir.Insert(
        "Owner", (("id", ir.Literal(3, t.INT, SPAN)), ("name", ir.Literal("x", t.STR, SPAN))), t.EntityT("Owner"), SPAN
    )
    with pytest.raises(InternalError, match="insert"):
        evaluate(insert, {}, STATE, env)


def test_bugs_in_the_ir_are_internal_errors() -> None:
    _, env = compile_expr("1")
    with pytest.raises(InternalError, match="not bound"):
        evaluate(ir.Var("nope", "local", t.INT, SPAN), {}, STATE, env)
    dangling = ir.Attr(ir.Var("x", "local", t.EntityT("Owner"), SPAN), "Owner", "name", t.STR, SPAN)
    with pytest.raises(InternalError, match="no `Owner` row"):
        evaluate(dangling, {"x": 99}, STATE, env)
    compare = ir.Binary("<", ir.Literal(None, t.NONE, SPAN), ir.Literal(1, t.INT, SPAN), t.BOOL, SPAN)
    with pytest.raises(InternalError, match="none"):
        evaluate(compare, {}, STATE, env)
    with pytest.raises(InternalError, match="rejected"):
        evaluate(ir.Literal(None, t.ERROR, SPAN), {}, STATE, env)


def test_hand_built_literals_take_their_types_representation() -> None:
    _, env = compile_expr("1")
    assert same(evaluate(ir.Literal(3, t.MONEY, SPAN), {}, STATE, env), Decimal("3.00"))
    assert same(evaluate(ir.Literal(3, t.FLOAT, SPAN), {}, STATE, env), 3.0)
    assert same(evaluate(ir.Literal(True, t.BOOL, SPAN), {}, STATE, env), True)


def test_datetime_of_text_is_strict() -> None:
    _, env = compile_expr("1")
    call = ir.Call("datetime", (ir.Var("x", "param", t.STR, SPAN),), t.DATETIME, SPAN)
    assert evaluate(call, {"x": "2026-03-01T09:00:00"}, STATE, env) == dt.datetime(2026, 3, 1, 9)
    for bad in ("2026-03-01 09:00:00", "2026-3-1T09:00:00", "2026-02-30T00:00:00", "2026-03-01T09:00:00+01:00"):
        with pytest.raises(EvaluationError):
            evaluate(call, {"x": bad}, STATE, env)


def test_state_rows_are_in_key_order() -> None:
    state = State({"Owner": {3: {"id": 3}, 1: {"id": 1}, 2: {"id": 2}}})
    assert [r["id"] for r in state.rows("Owner")] == [1, 2, 3]
    assert state.get("Owner", 2) == {"id": 2}
    assert state.get("Owner", 9) is None
    assert state.rows("Nothing") == []
