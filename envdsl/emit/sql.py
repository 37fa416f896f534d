"""IR -> SQL: the schema (`emit_schema`) and the expression and query compiler
(`SqlCompiler`) that the Python emitter uses for every statement it generates.

Rule: identifiers come only from the checked IR and are always quoted; values
are bound parameters (`bind`), except in DDL, where a CHECK constraint cannot
take parameters and literals are rendered as SQL literals by
`sql_literal` (quotes doubled, numbers from Python's exact repr).

Values use the stored representation of `envdsl/ir/types.py`: money in
integer cents, dates and datetimes as ISO text, booleans as 0/1. SQL is
written for SQLite (the embedded default); other stores get the same
statements through sqlglot (`envdsl/runtime/dialects.py`) and the DDL
through `emit_schema(env, dialect)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlglot

from envdsl.ir import nodes as ir
from envdsl.ir import types as t

DIALECTS = ("sqlite", "postgres", "duckdb")
SEQ_TABLE = "_envdsl_seq"

# Column types per dialect. Integers are 64-bit everywhere (PostgreSQL's INT is 32).
_COLUMN_TYPES = {
    "sqlite": {"text": "TEXT", "int": "INTEGER", "float": "REAL"},
    "postgres": {"text": "TEXT", "int": "BIGINT", "float": "DOUBLE PRECISION"},
    "duckdb": {"text": "TEXT", "int": "BIGINT", "float": "DOUBLE"},
}


class UnsupportedInSql(Exception):
    """An IR construct this compiler cannot express in SQL (a bug or a gap to report)."""


def q(name: str) -> str:
    """Quote an identifier. Names come from the checked IR (letters, digits, `_`)."""
    return '"' + name.replace('"', '""') + '"'


def kind(type_: t.Type) -> str:
    """A short name for the representation of a type (optional stripped)."""
    base = t.strip_optional(type_)
    if isinstance(base, t.Scalar):
        return base.kind
    if isinstance(base, t.EnumT):
        return "enum"
    if isinstance(base, t.EntityT):
        return "entity"
    if isinstance(base, t.ListT):
        return "list"
    if isinstance(base, t.RecordT):
        return "record"
    return "none"


def storage_class(type_: t.Type, env: ir.Env) -> str:
    """`text`, `int` or `float`: how a value of this type is stored."""
    k = kind(type_)
    if k in ("str", "date", "datetime", "enum"):
        return "text"
    if k == "float":
        return "float"
    if k == "entity":
        base = t.strip_optional(type_)
        assert isinstance(base, t.EntityT)
        return storage_class(env.entity(base.name).key_field.type, env)
    return "int"  # int, bool, money, duration


def stored_literal(value: object, type_: t.Type) -> object:
    """A literal's Python value in the stored representation."""
    if value is None:
        return None
    k = kind(type_)
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, Decimal):
        return int((value * 100).to_integral_value())
    if k == "money" and isinstance(value, int):
        return value * 100
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return value


def sql_literal(value: object) -> str:
    """A stored value as an SQL literal (DDL only; DML binds every value)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise UnsupportedInSql(f"no SQL literal for {type(value).__name__}")


# ------------------------------------------------------------------ schema


def table_order(env: ir.Env) -> list[ir.Entity]:
    """Entities with referenced tables first (declaration order otherwise), so
    that stores checking foreign keys eagerly can create them in order."""
    done: list[ir.Entity] = []
    seen: set[str] = set()

    def visit(entity: ir.Entity, path: tuple[str, ...]) -> None:
        if entity.name in seen or entity.name in path:
            return
        for f in entity.fields:
            base = t.strip_optional(f.type)
            if isinstance(base, t.EntityT) and base.name != entity.name:
                visit(env.entity(base.name), (*path, entity.name))
        seen.add(entity.name)
        done.append(entity)

    for entity in env.entities:
        visit(entity, ())
    return done


def _column_sql(env: ir.Env, entity: ir.Entity, f: ir.Field, dialect: str) -> str:
    parts = [q(f.name), _COLUMN_TYPES[dialect][storage_class(f.type, env)]]
    if not isinstance(f.type, t.OptionalT):
        parts.append("NOT NULL")
    if f.is_key:
        parts.append("PRIMARY KEY")
    elif f.unique:
        parts.append("UNIQUE")
    if dialect == "postgres" and storage_class(f.type, env) == "text":
        parts.append('COLLATE "C"')  # byte order, as SQLite and Python compare strings
    return " ".join(parts)


def _constraints(env: ir.Env, entity: ir.Entity) -> list[str]:
    out: list[str] = []
    compiler = SqlCompiler(env, bind=None)
    for f in entity.fields:
        base = t.strip_optional(f.type)
        col = q(f.name)
        if isinstance(base, t.EnumT):
            values = ", ".join(sql_literal(v) for v in base.values)
            out.append(f"CONSTRAINT {q(f'{entity.name}_{f.name}_enum')} CHECK ({col} IN ({values}))")
        elif base == t.BOOL:
            out.append(f"CONSTRAINT {q(f'{entity.name}_{f.name}_bool')} CHECK ({col} IN (0, 1))")
        for i, check in enumerate(f.checks, start=1):
            suffix = "" if len(f.checks) == 1 else str(i)
            body = compiler.expr(check, Scope(row_entity=entity.name))
            out.append(f"CONSTRAINT {q(f'{entity.name}_{f.name}_check{suffix}')} CHECK ({body})")
    for f in entity.fields:
        base = t.strip_optional(f.type)
        if isinstance(base, t.EntityT):
            target = env.entity(base.name)
            out.append(f"FOREIGN KEY ({q(f.name)}) REFERENCES {q(target.name)} ({q(target.key)})")
    return out


def emit_schema(env: ir.Env, dialect: str = "sqlite", header: str | None = None) -> str:
    """The DDL of `env`: one table per entity (keys, foreign keys, NOT NULL,
    UNIQUE, CHECK), an index per reference column, and the key-sequence table.
    Pretty-printed by sqlglot; deterministic."""
    statements: list[str] = []
    for entity in table_order(env):
        columns = [_column_sql(env, entity, f, dialect) for f in entity.fields]
        body = ", ".join(columns + _constraints(env, entity))
        statements.append(f"CREATE TABLE {q(entity.name)} ({body})")
    for entity in table_order(env):
        for f in entity.fields:
            if isinstance(t.strip_optional(f.type), t.EntityT) and not f.unique:
                statements.append(f"CREATE INDEX {q(f'{entity.name}_{f.name}_idx')} ON {q(entity.name)} ({q(f.name)})")
    int_type = _COLUMN_TYPES[dialect]["int"]
    statements.append(f'CREATE TABLE {q(SEQ_TABLE)} ("entity" TEXT NOT NULL PRIMARY KEY, "next" {int_type} NOT NULL)')
    read = "sqlite" if dialect == "sqlite" else dialect
    pretty = [sqlglot.transpile(s, read=read, write=dialect, pretty=True, identify=True)[0] for s in statements]
    # sqlglot adds NULLS FIRST to index columns for PostgreSQL; harmless, but keep them plain.
    text = ";\n\n".join(p.replace(" NULLS FIRST", "") for p in pretty) + ";\n"
    return (header + "\n\n" if header else "") + text


# ------------------------------------------------------------------ expressions


@dataclass
class Scope:
    """Variables that SQL can see: query variables as table aliases, and the
    row a CHECK constraint is about (its columns unqualified)."""

    aliases: dict[str, str] = field(default_factory=dict)  # var -> entity
    row_entity: str | None = None

    def with_alias(self, var: str, entity: str) -> Scope:
        return Scope({**self.aliases, var: entity}, self.row_entity)


Bind = Callable[[ir.Expr], str]


def _is_optional(type_: t.Type) -> bool:
    return isinstance(type_, (t.OptionalT, t.NoneT))


class SqlCompiler:
    """Compile IR expressions to SQLite SQL.

    `bind(expr)` is called for every subexpression SQL need not compute (it
    reads no query variable and runs no query): it records a parameter and
    returns its placeholder. With `bind=None` (DDL), literals are inlined and
    anything else is an error.
    """

    def __init__(self, env: ir.Env, bind: Bind | None, *, all_sql: bool = False) -> None:
        self.env = env
        self._bind = bind
        self.all_sql = all_sql  # compute everything in SQL, binding only literals (the one-meaning test)

    # ---------------------------------------------------------- helpers

    def needs_sql(self, e: ir.Expr, scope: Scope) -> bool:
        """Whether `e` reads a query variable or runs a query (so SQL must compute it)."""
        if isinstance(e, (ir.Find, ir.Count, ir.Sum, ir.Quantifier)):
            return True
        if self.all_sql:
            return not isinstance(e, (ir.Literal, ir.EnumValue))
        if isinstance(e, ir.Var):
            return e.name in scope.aliases or (e.kind == "row" and scope.row_entity is not None)
        return any(self.needs_sql(child, scope) for child in children(e))

    def bind(self, e: ir.Expr) -> str:
        if self._bind is not None:
            return self._bind(e)
        if isinstance(e, ir.Literal):
            return sql_literal(stored_literal(e.value, e.type))
        if isinstance(e, ir.EnumValue):
            return sql_literal(e.value)
        raise UnsupportedInSql(f"{type(e).__name__} cannot be inlined in DDL")

    def coerce(self, sql: str, source: t.Type, target: t.Type) -> str:
        """int widens to money (×100 cents); other widenings need nothing."""
        if kind(source) == "int" and kind(target) == "money":
            if sql.lstrip("-").isdigit():
                return str(int(sql) * 100)
            return f"({sql} * 100)"
        return sql

    # ---------------------------------------------------------- entry points

    def expr(self, e: ir.Expr, scope: Scope) -> str:
        if not self.needs_sql(e, scope):
            if isinstance(e, ir.Literal) and e.value is None:
                return "NULL"
            if isinstance(e, ir.Literal) and isinstance(e.value, bool):
                return "1" if e.value else "0"
            return self.bind(e)
        method = getattr(self, "_" + type(e).__name__, None)
        if method is None:
            raise UnsupportedInSql(f"{type(e).__name__} in a query")
        return method(e, scope)

    def select_rows(self, find: ir.Find, scope: Scope, columns: str | None = None) -> str:
        """`SELECT` for a `find`: whole rows (or `columns`), ordered, limited."""
        entity = self.env.entity(find.entity)
        inner = scope.with_alias(find.var, find.entity)
        alias = q(find.var)
        cols = columns or ", ".join(f"{alias}.{q(f.name)}" for f in entity.fields)
        sql = f"SELECT {cols} FROM {q(entity.name)} AS {alias}"
        if find.where is not None:
            sql += f" WHERE {self.expr(find.where, inner)}"
        order = [f"{self.expr(o.expr, inner)}{' DESC' if o.descending else ''}" for o in find.order]
        order.append(f"{alias}.{q(entity.key)}")
        sql += " ORDER BY " + ", ".join(order)
        if find.first:
            sql += " LIMIT 1"
        elif find.limit is not None:
            sql += f" LIMIT {self.limit(find.limit, scope)}"
        return sql

    def limit(self, e: ir.Expr, scope: Scope) -> str:
        # `limit n` with n <= 0 yields no rows (SQLite reads a negative LIMIT as none).
        if isinstance(e, ir.Literal) and isinstance(e.value, int):
            return self.bind(e)
        return f"max({self.expr(e, scope)}, 0)"

    def count(self, e: ir.Count, scope: Scope) -> str:
        inner = scope.with_alias(e.var, e.entity)
        where = f" WHERE {self.expr(e.where, inner)}" if e.where is not None else ""
        return f"SELECT COUNT(*) FROM {q(e.entity)} AS {q(e.var)}{where}"

    def sum(self, e: ir.Sum, scope: Scope) -> str:
        inner = scope.with_alias(e.var, e.entity)
        # Compile in the order of the text: placeholders are positional.
        value = self.coerce(self.expr(e.value, inner), e.value.type, e.type)
        where = f" WHERE {self.expr(e.where, inner)}" if e.where is not None else ""
        zero = "0.0" if kind(e.type) == "float" else "0"
        return f"SELECT COALESCE(SUM({value}), {zero}) FROM {q(e.entity)} AS {q(e.var)}{where}"

    def quantifier(self, e: ir.Quantifier, scope: Scope) -> str:
        """An EXISTS test: `exists` finds a row where the body holds, `all` finds none where it fails."""
        inner = scope.with_alias(e.var, e.entity)
        where = f"({self.expr(e.where, inner)}) AND " if e.where is not None else ""
        body = self.expr(e.body, inner)
        cond = where + (body if e.kind == "exists" else f"NOT ({body})")
        test = f"EXISTS (SELECT 1 FROM {q(e.entity)} AS {q(e.var)} WHERE {cond})"
        return test if e.kind == "exists" else f"NOT {test}"

    # ---------------------------------------------------------- nodes

    def _Var(self, e: ir.Var, scope: Scope) -> str:
        if e.name in scope.aliases:
            entity = scope.aliases[e.name]
            return f"{q(e.name)}.{q(self.env.entity(entity).key)}"
        assert scope.row_entity is not None
        return q(self.env.entity(scope.row_entity).key)

    def _Attr(self, e: ir.Attr, scope: Scope) -> str:
        obj = e.obj
        if isinstance(obj, ir.Var) and obj.name in scope.aliases:
            return f"{q(obj.name)}.{q(e.field)}"
        if isinstance(obj, ir.Var) and obj.kind == "row":
            return q(e.field)
        key = self.expr(obj, scope)  # the key of the referenced row
        entity = self.env.entity(e.entity)
        return f"(SELECT {q(e.field)} FROM {q(entity.name)} WHERE {q(entity.key)} = {key})"

    def _Unary(self, e: ir.Unary, scope: Scope) -> str:
        operand = self.expr(e.operand, scope)
        return f"(NOT {operand})" if e.op == "not" else f"(-{operand})"

    def _Binary(self, e: ir.Binary, scope: Scope) -> str:
        op = e.op
        if op in ("and", "or"):
            return f"({self.expr(e.left, scope)} {op.upper()} {self.expr(e.right, scope)})"
        if op == "in":
            return self._in(e, scope)
        lt, rt = e.left.type, e.right.type
        if op in ("==", "!=", "<", "<=", ">", ">="):
            target = t.MONEY if "money" in (kind(lt), kind(rt)) else lt
            left = self.coerce(self.expr(e.left, scope), lt, target)
            right = self.coerce(self.expr(e.right, scope), rt, target)
            if op in ("==", "!="):
                if _is_optional(lt) or _is_optional(rt):
                    return f"({left} {'IS' if op == '==' else 'IS NOT'} {right})"
                return f"({left} {'=' if op == '==' else '<>'} {right})"
            return f"({left} {op} {right})"
        return self.arithmetic(op, e.left, e.right, e.type, scope)

    def arithmetic(self, op: str, le: ir.Expr, re_: ir.Expr, result: t.Type, scope: Scope) -> str:
        lk, rk, k = kind(le.type), kind(re_.type), kind(result)
        left, right = self.expr(le, scope), self.expr(re_, scope)
        if k == "str":
            return f"({left} || {right})"
        if lk in ("date", "datetime") or rk in ("date", "datetime"):
            return self._time(op, le, re_, left, right)
        if k == "money":
            if op in ("+", "-"):
                return f"({self.coerce(left, le.type, result)} {op} {self.coerce(right, re_.type, result)})"
            money, other, other_kind = (left, right, rk) if lk == "money" else (right, left, lk)
            if op == "*" and other_kind == "int":
                return f"({money} * {other})"
            if op == "/" and other_kind == "int":
                # Exact for |cents| < 2**53: the correctly rounded quotient never crosses
                # a .5 boundary, and round() takes ties away from zero.
                return f"CAST(round(CAST({left} AS REAL) / {self.nonzero(right, re_)}) AS INTEGER)"
            # With a float: the float is taken as the decimal it prints as; rounding the
            # product to 6 places first makes that exact for floats of up to 6 decimals.
            if op == "*":
                return f"CAST(round(round({money} * {other}, 6)) AS INTEGER)"
            divisor = self.nonzero(right, re_)
            return f"CAST(round(round({left} / {divisor}, 6)) AS INTEGER)"
        if op == "/":
            return f"(CAST({left} AS REAL) / {self.nonzero(right, re_)})"
        if op == "%":
            return f"({left} % {self.nonzero(right, re_)})"
        return f"({left} {op} {right})"

    def nonzero(self, sql: str, e: ir.Expr) -> str:
        """A divisor: dividing by zero fails the call, as in Python (SQL would yield NULL)."""
        if self._bind is None or (isinstance(e, ir.Literal) and e.value not in (0, None)):
            return sql  # in DDL a CHECK dividing by zero yields NULL, which passes
        return f"envdsl_nonzero({sql})"

    def _time(self, op: str, le: ir.Expr, re_: ir.Expr, left: str, right: str) -> str:
        lk, rk = kind(le.type), kind(re_.type)
        if lk == rk == "datetime":
            return f"(unixepoch({left}) - unixepoch({right}))"
        if lk == "duration":  # duration + date (text keeps the operands' order)
            shift, lk = f"{left} + unixepoch({right})", rk
        else:
            shift = f"unixepoch({left}) {op} {right}"
        if lk == "date":
            return f"date({shift}, 'unixepoch')"
        return f"strftime('%Y-%m-%dT%H:%M:%S', {shift}, 'unixepoch')"

    def _in(self, e: ir.Binary, scope: Scope) -> str:
        sql = self._in_list(e, scope)
        # SQL's IN is three-valued: `NULL IN (…)` is NULL, and `NOT NULL` is NULL again, so
        # `not (x in xs)` (and `x not in xs`) would drop the rows whose x is none. The language's
        # `in` is two-valued (Python's `None in (…)` is False), so an optional left side is coalesced.
        return f"COALESCE({sql}, 0)" if _is_optional(e.left.type) and sql != "0" else sql

    def _in_list(self, e: ir.Binary, scope: Scope) -> str:
        right = e.right
        if isinstance(right, ir.ListLit) and not right.items:
            return "0"  # before compiling the left side: it would bind a parameter the text never uses
        inner = right.type.inner if isinstance(right.type, t.ListT) else right.type
        target = t.MONEY if "money" in (kind(e.left.type), kind(inner)) else e.left.type
        left = self.coerce(self.expr(e.left, scope), e.left.type, target)
        if isinstance(right, ir.ListLit):
            if not right.items:
                return "0"
            prefix = ""
            if any(_is_none(i) for i in right.items):  # `x in [none, …]` holds for a none x (IS semantics)
                prefix = f"{left} IS NULL OR "
                left = self.coerce(self.expr(e.left, scope), e.left.type, target)  # placeholders are positional
            items = [self.coerce(self.expr(i, scope), i.type, target) for i in right.items if not _is_none(i)]
            return f"({prefix}{left} IN ({', '.join(items)}))" if items else f"({prefix}{left} IS NULL AND 0)"
        if isinstance(right, ir.Find) and not right.first:
            entity = self.env.entity(right.entity)
            keys = self.select_rows(right, scope, columns=f"{q(right.var)}.{q(entity.key)}")
            return f"({left} IN ({keys}))"
        if not self.needs_sql(right, scope):
            # A list computed in Python (a parameter): one JSON array parameter.
            return f"({left} IN (SELECT value FROM json_each({self.bind(right)})))"
        raise UnsupportedInSql("`in` over this list inside a query")

    def _Call(self, e: ir.Call, scope: Scope) -> str:
        f = e.func
        if f == "days_between":  # b - a: compile b first, placeholders are positional
            later = self.expr(e.args[1], scope)
            return f"CAST(julianday({later}) - julianday({self.expr(e.args[0], scope)}) AS INTEGER)"
        if f == "ends_with":  # the suffix is used three times: compile it each time, in text order
            s1 = self.expr(e.args[1], scope)
            a = self.expr(e.args[0], scope)
            s2, s3 = self.expr(e.args[1], scope), self.expr(e.args[1], scope)
            return f"(length({s1}) = 0 OR substr({a}, -length({s2})) = {s3})"
        args = [self.expr(a, scope) for a in e.args]
        if f == "lower":
            return f"lower({args[0]})"  # SQLite's lower/upper are ASCII-only, as the language says
        if f == "upper":
            return f"upper({args[0]})"
        if f == "len":
            if kind(e.args[0].type) == "list":
                if isinstance(e.args[0], ir.Find):
                    return f"(SELECT COUNT(*) FROM ({self.select_rows(e.args[0], scope)}))"
                raise UnsupportedInSql("`len` of this list inside a query")
            return f"length({args[0]})"
        if f == "contains":
            return f"(instr({args[0]}, {args[1]}) > 0)"
        if f == "starts_with":
            return f"(instr({args[0]}, {args[1]}) = 1)"
        if f == "abs":
            return f"abs({args[0]})"
        if f in ("min", "max"):
            a = self.coerce(args[0], e.args[0].type, e.type)
            b = self.coerce(args[1], e.args[1].type, e.type)
            return f"{f}({a}, {b})"  # scalar min/max in SQLite (LEAST/GREATEST elsewhere)
        if f in ("days", "hours", "minutes"):
            factor = {"days": 86400, "hours": 3600, "minutes": 60}[f]
            return f"({args[0]} * {factor})"
        if f == "date":
            return f"substr({args[0]}, 1, 10)"
        if f == "coalesce":
            return f"coalesce({args[0]}, {self.coerce(args[1], e.args[1].type, e.type)})"
        raise UnsupportedInSql(f"`{f}` inside a query")

    def _Find(self, e: ir.Find, scope: Scope) -> str:
        if not e.first:
            raise UnsupportedInSql("a list-valued `find` inside a query (use `in`, `len` or `find first`)")
        entity = self.env.entity(e.entity)
        return f"({self.select_rows(e, scope, columns=f'{q(e.var)}.{q(entity.key)}')})"

    def _Count(self, e: ir.Count, scope: Scope) -> str:
        return f"({self.count(e, scope)})"

    def _Sum(self, e: ir.Sum, scope: Scope) -> str:
        return f"({self.sum(e, scope)})"

    def _Quantifier(self, e: ir.Quantifier, scope: Scope) -> str:
        return f"({self.quantifier(e, scope)})"


def _is_none(e: ir.Expr) -> bool:
    return isinstance(e, ir.Literal) and e.value is None and not isinstance(e.type, t.ErrorT)


def children(e: ir.Expr) -> list[ir.Expr]:
    """Direct subexpressions (quantified bodies included)."""
    if isinstance(e, (ir.Attr, ir.RecordGet)):
        return [e.obj]
    if isinstance(e, ir.Call):
        return list(e.args)
    if isinstance(e, ir.Unary):
        return [e.operand]
    if isinstance(e, ir.Binary):
        return [e.left, e.right]
    if isinstance(e, ir.ListLit):
        return list(e.items)
    if isinstance(e, ir.RecordLit):
        return [v for _, v in e.fields]
    if isinstance(e, ir.Insert):
        return [v for _, v in e.values]
    if isinstance(e, ir.Find):
        out = [e.where] if e.where is not None else []
        out += [o.expr for o in e.order]
        return out + ([e.limit] if e.limit is not None else [])
    if isinstance(e, (ir.Count, ir.Quantifier, ir.Sum)):
        out = [e.where] if e.where is not None else []
        if isinstance(e, ir.Sum):
            out.append(e.value)
        if isinstance(e, ir.Quantifier):
            out.append(e.body)
        return out
    return []
