"""One meaning: random checked expressions give the same value in the generated
SQL, in the generated Python and in the reference evaluator (`envdsl.ir.evaluate`).

Expressions are built as typed IR over one entity with a field of every scalar
type, and evaluated against each row of a random table.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envdsl.check.checker import check
from envdsl.diagnostics.span import Span
from envdsl.emit.python import ModuleContext, ToolCompiler
from envdsl.emit.sql import Scope, SqlCompiler, emit_schema, stored_literal
from envdsl.ir import evaluate as ev
from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.runtime import support as rt
from envdsl.runtime.backends import _nonzero
from envdsl.syntax.parser import parse

SPEC = """
env meaning {
  title "Meaning"
  domain test
  entity T {
    key id: int
    i: int
    j: int
    f: float
    m: money
    s: str
    os: str?
    b: bool
    d: date
    dt: datetime
  }
}
"""
module, _ = parse(SPEC, "meaning.envdsl")
ENV, _diags = check(module)
assert ENV is not None
ENTITY = ENV.entity("T")
FIELDS = {f.name: f.type for f in ENTITY.fields}
SPAN = Span("meaning.envdsl", 0, 0)
ROW = ir.Var("r", "bound", t.EntityT("T"), SPAN)


def lit(value: Any, type_: t.Type) -> ir.Literal:
    return ir.Literal(value, type_, SPAN)


def attr(name: str) -> ir.Attr:
    return ir.Attr(ROW, "T", name, FIELDS[name], SPAN)


def binary(op: str, left: ir.Expr, right: ir.Expr, type_: t.Type) -> ir.Binary:
    return ir.Binary(op, left, right, type_, SPAN)


def call(func: str, type_: t.Type, *args: ir.Expr) -> ir.Call:
    return ir.Call(func, tuple(args), type_, SPAN)


# ------------------------------------------------------------------ strategies

small_ints = st.integers(-1000, 1000)
texts = st.text(alphabet="aAbBzZ éÉ_%'\"", max_size=6)
money_values = st.integers(-100000, 100000).map(lambda c: Decimal(c) / 100)
floats_6 = st.integers(-10**6, 10**6).map(lambda n: n / 1000)  # decimals the SQL money rule is exact for
dates = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))
datetimes = st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2040, 12, 31)).map(lambda d: d.replace(microsecond=0))


def exprs(type_: t.Type, depth: int = 3) -> st.SearchStrategy[ir.Expr]:
    k = type_.kind if isinstance(type_, t.Scalar) else "opt_str"
    leaves = {
        "int": st.one_of(small_ints.map(lambda v: lit(v, t.INT)), st.sampled_from([attr("i"), attr("j"), attr("id")])),
        "float": st.one_of(floats_6.map(lambda v: lit(v, t.FLOAT)), st.just(attr("f"))),
        "money": st.one_of(money_values.map(lambda v: lit(v, t.MONEY)), st.just(attr("m"))),
        "str": st.one_of(texts.map(lambda v: lit(v, t.STR)), st.just(attr("s"))),
        "bool": st.one_of(st.booleans().map(lambda v: lit(v, t.BOOL)), st.just(attr("b"))),
        "date": st.one_of(dates.map(lambda v: lit(v, t.DATE)), st.just(attr("d"))),
        "datetime": st.one_of(datetimes.map(lambda v: lit(v, t.DATETIME)), st.just(attr("dt"))),
        "duration": st.integers(-5000, 5000).map(lambda v: lit(v, t.DURATION)),
        "opt_str": st.one_of(st.just(attr("os")), st.just(lit(None, t.NONE))),
    }[k]
    if depth == 0:
        return leaves
    sub = lambda ty: exprs(ty, depth - 1)  # noqa: E731
    options: list[st.SearchStrategy[ir.Expr]] = [leaves]
    if k == "int":
        options += [
            st.builds(lambda op, a, b: binary(op, a, b, t.INT), st.sampled_from(["+", "-", "*", "%"]), sub(t.INT), sub(t.INT)),
            st.builds(lambda a: call("abs", t.INT, a), sub(t.INT)),
            st.builds(lambda f, a, b: call(f, t.INT, a, b), st.sampled_from(["min", "max"]), sub(t.INT), sub(t.INT)),
            st.builds(lambda a: call("len", t.INT, a), sub(t.STR)),
            st.builds(lambda a, b: call("days_between", t.INT, a, b), sub(t.DATE), sub(t.DATE)),
            st.builds(lambda a: ir.Unary("-", a, t.INT, SPAN), sub(t.INT)),
        ]
    elif k == "float":
        options += [
            st.builds(lambda op, a, b: binary(op, a, b, t.FLOAT), st.sampled_from(["+", "-", "*"]), sub(t.FLOAT), sub(t.FLOAT)),
            st.builds(lambda a, b: binary("/", a, b, t.FLOAT), sub(t.INT), sub(t.INT)),
            st.builds(lambda a, b: binary("+", a, b, t.FLOAT), sub(t.FLOAT), sub(t.INT)),
        ]
    elif k == "money":
        options += [
            st.builds(lambda op, a, b: binary(op, a, b, t.MONEY), st.sampled_from(["+", "-"]), sub(t.MONEY), sub(t.MONEY)),
            st.builds(lambda a, b: binary("+", a, b, t.MONEY), sub(t.MONEY), sub(t.INT)),
            st.builds(lambda a, b: binary("*", a, b, t.MONEY), sub(t.MONEY), sub(t.INT)),
            st.builds(lambda a, b: binary("*", a, b, t.MONEY), sub(t.MONEY), floats_6.map(lambda v: lit(v, t.FLOAT))),
            st.builds(lambda a, b: binary("/", a, b, t.MONEY), sub(t.MONEY), sub(t.INT)),
            st.builds(lambda f, a, b: call(f, t.MONEY, a, b), st.sampled_from(["min", "max"]), sub(t.MONEY), sub(t.MONEY)),
        ]
    elif k == "str":
        options += [
            st.builds(lambda a, b: binary("+", a, b, t.STR), sub(t.STR), sub(t.STR)),
            st.builds(lambda f, a: call(f, t.STR, a), st.sampled_from(["lower", "upper"]), sub(t.STR)),
            st.builds(lambda a, b: call("coalesce", t.STR, a, b), st.just(attr("os")), sub(t.STR)),
        ]
    elif k == "bool":
        comparable = st.sampled_from([t.INT, t.FLOAT, t.MONEY, t.STR, t.DATE, t.DATETIME])
        options += [
            comparable.flatmap(
                lambda ty: st.builds(lambda op, a, b: binary(op, a, b, t.BOOL), st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), sub(ty), sub(ty))
            ),
            st.builds(lambda a, b: binary("<", a, b, t.BOOL), sub(t.MONEY), sub(t.INT)),
            st.builds(lambda op, a, b: binary(op, a, b, t.BOOL), st.sampled_from(["and", "or"]), sub(t.BOOL), sub(t.BOOL)),
            st.builds(lambda a: ir.Unary("not", a, t.BOOL, SPAN), sub(t.BOOL)),
            st.builds(lambda f, a, b: call(f, t.BOOL, a, b), st.sampled_from(["contains", "starts_with", "ends_with"]), sub(t.STR), sub(t.STR)),
            st.builds(lambda op, a, b: binary(op, a, b, t.BOOL), st.sampled_from(["==", "!="]), exprs(t.OptionalT(t.STR), 0), exprs(t.OptionalT(t.STR), 0)),
            st.builds(
                lambda a, items: binary("in", a, ir.ListLit(tuple(items), t.ListT(t.INT), SPAN), t.BOOL), sub(t.INT), st.lists(sub(t.INT), max_size=3)
            ),
            # An optional left side: SQL's `NULL IN (…)` is NULL, which `not` (and `not in`) must not turn into false.
            st.builds(
                lambda a, items: binary("in", a, ir.ListLit(tuple(items), t.ListT(t.OptionalT(t.STR)), SPAN), t.BOOL),
                exprs(t.OptionalT(t.STR), 0),
                st.lists(st.one_of(sub(t.STR), st.just(lit(None, t.NONE))), min_size=1, max_size=3),
            ),
        ]
    elif k == "date":
        options += [
            st.builds(lambda op, a, n: binary(op, a, call("days", t.DURATION, n), t.DATE), st.sampled_from(["+", "-"]), sub(t.DATE), sub(t.INT)),
            st.builds(lambda op, a, n: binary(op, a, call("hours", t.DURATION, n), t.DATE), st.sampled_from(["+", "-"]), sub(t.DATE), sub(t.INT)),
            st.builds(lambda a: call("date", t.DATE, a), sub(t.DATETIME)),
        ]
    elif k == "datetime":
        options += [
            st.builds(lambda op, a, b: binary(op, a, b, t.DATETIME), st.sampled_from(["+", "-"]), sub(t.DATETIME), sub(t.DURATION)),
        ]
    elif k == "duration":
        options += [st.builds(lambda a, b: binary("-", a, b, t.DURATION), sub(t.DATETIME), sub(t.DATETIME))]
    return st.one_of(*options)


rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "i": small_ints,
            "j": st.integers(-10, 10),
            "f": floats_6,
            "m": money_values,
            "s": texts,
            "os": st.one_of(st.none(), texts),
            "b": st.booleans(),
            "d": dates,
            "dt": datetimes,
        }
    ),
    min_size=1,
    max_size=4,
)


# ------------------------------------------------------------------ the three evaluators


FAILED = object()


def oracle(expr: ir.Expr, row: dict) -> Any:
    try:
        return stored_literal(ev.evaluate(expr, {"r": row}, ev.EMPTY_STATE, ENV), expr.type)
    except ev.EvaluationError:
        return FAILED


def sql_values(expr: ir.Expr, rows: list[dict]) -> list[Any]:
    params: list[Any] = []

    def bind(e: ir.Expr) -> str:
        assert isinstance(e, ir.Literal), e
        params.append(stored_literal(e.value, e.type))
        return "?"

    text = SqlCompiler(ENV, bind, all_sql=True).expr(expr, Scope({"r": "T"}))
    db = sqlite3.connect(":memory:")
    db.create_function("envdsl_nonzero", 1, _nonzero, deterministic=True)
    db.executescript(emit_schema(ENV))
    cols = [f.name for f in ENTITY.fields]
    for row in rows:
        db.execute(f'INSERT INTO "T" VALUES ({", ".join("?" for _ in cols)})', [stored_literal(row[c], FIELDS[c]) for c in cols])
    out = []
    for row in rows:
        try:
            (value,) = db.execute(f'SELECT {text} FROM "T" AS "r" WHERE "r"."id" = ?', [*params, row["id"]]).fetchone()
        except sqlite3.OperationalError as error:
            assert "user-defined function raised exception" in str(error), error
            value = FAILED
        out.append(value)
    return out


def python_values(expr: ir.Expr, rows: list[dict]) -> list[Any]:
    module = ModuleContext(ENV)
    tool = ir.Tool("probe", "", (), None, (), (), ir.Effects(), SPAN)
    source = ToolCompiler(module, tool).py(expr)
    namespace: dict[str, Any] = {"_rt": rt, "_NOW": "2026-01-01T00:00:00", "_TODAY": "2026-01-01"}
    namespace.update({f"_T_{f.name}": i for i, f in enumerate(ENTITY.fields)})
    function = eval(compile(f"lambda r: {source}", "<probe>", "eval"), namespace)  # noqa: S307 - generated code under test
    out = []
    for row in rows:
        stored = tuple(stored_literal(row[f.name], f.type) for f in ENTITY.fields)
        try:
            out.append(function(stored))
        except rt.EvaluationError:
            out.append(FAILED)
    return out


def same(a: Any, b: Any, type_: t.Type) -> bool:
    if a is FAILED or b is FAILED:
        return a is b
    if a is None or b is None:
        return a is b
    if t.strip_optional(type_) == t.BOOL:
        return bool(a) == bool(b)
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    return a == b and type(a) is type(b) or a == b


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    type_=st.sampled_from([t.INT, t.FLOAT, t.MONEY, t.STR, t.BOOL, t.DATE, t.DATETIME, t.DURATION]).flatmap(lambda ty: st.tuples(st.just(ty), exprs(ty))),
    rows=rows_strategy,
)
def test_sql_python_and_the_evaluator_agree(type_: tuple[t.Type, ir.Expr], rows: list[dict]) -> None:
    ty, expr = type_
    typed_rows = [{"id": n, **row} for n, row in enumerate(rows, start=1)]
    expected = [oracle(expr, row) for row in typed_rows]
    for name, got in (("sql", sql_values(expr, typed_rows)), ("python", python_values(expr, typed_rows))):
        for want, value, row in zip(expected, got, typed_rows):
            assert same(want, value, ty), f"{name}: {value!r} != evaluator {want!r}\nexpr={expr}\nrow={row}"


def test_not_over_in_with_a_none_left_side_is_true_everywhere() -> None:
    # SQL's `NULL IN (…)` is NULL and `NOT NULL` is NULL: the generated SQL coalesces an optional
    # left side, so `not (x in xs)` and `x not in xs` hold for a none x, as in Python and the evaluator.
    row = {"i": 1, "j": 0, "f": 0.0, "m": Decimal("0"), "s": "", "b": False, "d": dt.date(2026, 1, 1)}
    row["dt"] = dt.datetime(2026, 1, 1)
    rows = [{"id": n, **row, "os": os} for n, os in enumerate([None, "a", "b"], start=1)]
    cases = [
        [lit("a", t.STR)],
        [lit("a", t.STR), lit(None, t.NONE)],
        [lit(None, t.NONE)],
    ]
    for items in cases:
        is_in = binary("in", attr("os"), ir.ListLit(tuple(items), t.ListT(t.OptionalT(t.STR)), SPAN), t.BOOL)
        for expr in (is_in, ir.Unary("not", is_in, t.BOOL, SPAN)):
            expected = [oracle(expr, r) for r in rows]
            none_listed = any(i.value is None for i in items)
            assert None not in expected and bool(expected[0]) == (none_listed if expr is is_in else not none_listed)
            for values in (sql_values(expr, rows), python_values(expr, rows)):
                assert None not in values, expr
                assert [bool(v) for v in values] == [bool(v) for v in expected], expr
