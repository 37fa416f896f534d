"""IR -> `tools.py`: one class per environment, one typed method per tool.

The method body is Python for control flow and scalar expressions, and SQL
(from `envdsl.emit.sql`) for every query and write; every SQL value is a
bound parameter and every SQL string a module constant, so a reviewer reads
exactly what runs. The module layout is the Jinja template
`templates/tools.py.j2`; the result is formatted by the pinned ruff.

Values inside a method have their stored representation (money in cents,
dates as ISO text, booleans 0/1, an entity value the row tuple); see
`envdsl/runtime/support.py`, the only module generated code imports.

A row held in a variable is refreshed after a write that may have changed
it: the updated variable is rebuilt from the values just written, other
variables of the same entity holding the same key take the new row, and rows
inside lists are re-read where they are used (loop start, result).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from envdsl.emit.sql import SEQ_TABLE, Scope, SqlCompiler, kind, q, stored_literal
from envdsl.ir import nodes as ir
from envdsl.ir import types as t

_TEMPLATES = Path(__file__).parent / "templates"


def class_name(env_name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"_+", env_name) if part) or "Env"


def _const_part(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", name).upper()


def py_literal(value: object) -> str:
    """A stored value as Python source (exact repr; strings via repr, never spliced)."""
    if isinstance(value, float):
        return repr(value)
    return repr(value)


def docstring(text: str) -> str:
    """Spec text made safe inside a triple-quoted docstring."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    return text


def py_type(type_: t.Type, env: ir.Env) -> str:
    """The annotation of a parameter or field value (its stored form)."""
    if isinstance(type_, t.OptionalT):
        return f"{py_type(type_.inner, env)} | None"
    if isinstance(type_, t.ListT):
        return f"list[{py_type(type_.inner, env)}]"
    if isinstance(type_, t.EntityT):
        return py_type(env.entity(type_.name).key_field.type, env)
    if isinstance(type_, t.EnumT):
        return "str"
    if isinstance(type_, t.RecordT):
        return "dict"
    assert isinstance(type_, t.Scalar)
    return {
        "str": "str",
        "int": "int",
        "float": "float",
        "bool": "bool",
        "money": "_rt.Money",
        "date": "_rt.Date",
        "datetime": "_rt.DateTime",
        "duration": "_rt.Duration",
    }[type_.kind]


def type_descriptor(type_: t.Type, env: ir.Env) -> tuple:
    """What the runtime validates an argument against (plain tuples, readable in the module)."""
    if isinstance(type_, t.OptionalT):
        return ("optional", type_descriptor(type_.inner, env))
    if isinstance(type_, t.ListT):
        return ("list", type_descriptor(type_.inner, env))
    if isinstance(type_, t.EntityT):
        entity = env.entity(type_.name)
        return ("entity", entity.name, kind(entity.key_field.type))
    if isinstance(type_, t.EnumT):
        return ("enum", type_.values)
    assert isinstance(type_, t.Scalar)
    return (type_.kind,)


# ------------------------------------------------------------------ module


@dataclass
class SqlConstant:
    name: str
    sql: str


@dataclass
class ModuleContext:
    env: ir.Env
    constants: list[SqlConstant] = field(default_factory=list)
    _by_sql: dict[str, str] = field(default_factory=dict)
    _names: set[str] = field(default_factory=set)

    def const(self, hint: str, sql: str) -> str:
        """A module constant holding `sql` (shared when the text is the same)."""
        if sql in self._by_sql:
            return self._by_sql[sql]
        base = "_SQL_" + _const_part(hint)
        name, n = base, 1
        while name in self._names:
            n += 1
            name = f"{base}_{n}"
        self._names.add(name)
        self._by_sql[sql] = name
        self.constants.append(SqlConstant(name, sql))
        return name

    def index(self, entity: str, field_name: str) -> str:
        return f"_{entity}_{field_name}"

    def get_sql(self, entity_name: str) -> str:
        entity = self.env.entity(entity_name)
        cols = ", ".join(q(f.name) for f in entity.fields)
        return self.const(f"get_{entity_name}", f"SELECT {cols} FROM {q(entity.name)} WHERE {q(entity.key)} = ?")

    def next_id_sql(self) -> str:
        sql = f'UPDATE {q(SEQ_TABLE)} SET "next" = "next" + 1 WHERE "entity" = ? RETURNING "next" - 1'
        return self.const("next_id", sql)

    def key_index(self, entity_name: str) -> str:
        entity = self.env.entity(entity_name)
        return self.index(entity.name, entity.key)


# ------------------------------------------------------------------ tools


def _walk_stmts(stmts: tuple[ir.Stmt, ...]):
    for s in stmts:
        yield s
        if isinstance(s, ir.If):
            yield from _walk_stmts(s.then)
            yield from _walk_stmts(s.orelse)
        elif isinstance(s, ir.For):
            yield from _walk_stmts(s.body)


def _names_used(node: object, out: set[str]) -> set[str]:
    """Names of variables read anywhere under `node` (statements or expressions)."""
    if isinstance(node, ir.Var):
        out.add(node.name)
        return out
    if isinstance(node, (tuple, list)):
        for item in node:
            _names_used(item, out)
        return out
    if hasattr(node, "__dataclass_fields__"):
        for name in node.__dataclass_fields__:  # type: ignore[attr-defined]
            if name in ("type", "span"):
                continue
            _names_used(getattr(node, name), out)
    return out


class ToolCompiler:
    def __init__(self, module: ModuleContext, tool: ir.Tool) -> None:
        self.m = module
        self.env = module.env
        self.tool = tool
        self.lines: list[str] = []
        self.depth = 2
        self.vars: dict[str, t.Type] = {}
        self.temp = 0
        self.subst: dict[int, str] = {}  # id(IR expr) -> Python name already holding its value
        self.updated = {s.entity for s in _walk_stmts(tool.body) if isinstance(s, (ir.Update, ir.Delete))}
        self.hint = tool.name

    # ---------------------------------------------------------- output

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def fresh(self, stem: str = "v") -> str:
        self.temp += 1
        return f"_{stem}{self.temp}"

    # ---------------------------------------------------------- expressions

    def py(self, e: ir.Expr) -> str:
        if id(e) in self.subst:
            return self.subst[id(e)]
        method = getattr(self, "_py_" + type(e).__name__)
        return method(e)

    def key(self, e: ir.Expr) -> str:
        """The key of an entity-typed expression (no row fetch for a reference field)."""
        base = t.strip_optional(e.type)
        if isinstance(e, ir.Literal) and e.value is None:
            return "None"
        if isinstance(e, ir.Attr) and id(e) not in self.subst:
            return self._field(e)
        assert isinstance(base, t.EntityT), e
        ki = self.m.key_index(base.name)
        if isinstance(e.type, t.OptionalT):
            return f"_rt.key({self.py(e)}, {ki})"
        return f"{self.py(e)}[{ki}]"

    def value(self, e: ir.Expr, target: t.Type | None = None) -> str:
        """A value as stored/bound: entity values as keys, booleans as 0/1, int widened to money."""
        k = kind(e.type)
        if k == "entity":
            return self.key(e)
        if isinstance(e.type, t.ListT) and kind(e.type.inner) == "entity":
            return f"_rt.keys({self.py(e)}, {self.m.key_index(t.strip_optional(e.type.inner).name)})"  # type: ignore[union-attr]
        if k == "bool" and isinstance(e, ir.Literal) and e.value is not None:
            return "1" if e.value else "0"
        src = self.py(e)
        if k == "bool":
            return f"_rt.as_int({src})" if not isinstance(e.type, t.OptionalT) else f"_rt.opt(_rt.as_int, {src})"
        if target is not None:
            return self.coerce(src, e.type, target)
        return src

    def coerce(self, src: str, source: t.Type, target: t.Type) -> str:
        if kind(source) == "int" and kind(target) == "money":
            if re.fullmatch(r"-?[0-9]+", src):
                return str(int(src) * 100)
            return f"({src} * 100)"
        return src

    def _py_Literal(self, e: ir.Literal) -> str:
        if e.value is None:
            return "None"
        if isinstance(e.value, bool):
            return "True" if e.value else "False"
        return py_literal(stored_literal(e.value, e.type))

    def _py_Var(self, e: ir.Var) -> str:
        return e.name

    def _py_EnumValue(self, e: ir.EnumValue) -> str:
        return repr(e.value)

    def _field(self, e: ir.Attr) -> str:
        obj = e.obj
        idx = self.m.index(e.entity, e.field)
        return f"{self.py(obj)}[{idx}]"

    def _py_Attr(self, e: ir.Attr) -> str:
        value = self._field(e)
        if kind(e.type) == "entity":  # a reference: fetch the row it points to
            base = t.strip_optional(e.type)
            assert isinstance(base, t.EntityT)
            return f"_db.execute({self.m.get_sql(base.name)}, ({value},)).fetchone()"
        return value

    def _py_RecordGet(self, e: ir.RecordGet) -> str:
        return f"{self.py(e.obj)}[{e.field!r}]"

    def _py_Unary(self, e: ir.Unary) -> str:
        operand = self.py(e.operand)
        return f"(not {operand})" if e.op == "not" else f"(-{operand})"

    def _py_ListLit(self, e: ir.ListLit) -> str:
        return "[" + ", ".join(self.py(i) for i in e.items) + "]"

    def _py_RecordLit(self, e: ir.RecordLit) -> str:
        assert isinstance(e.type, t.RecordT)
        parts = [f"{name!r}: {self.coerce(self.py(v), v.type, e.type.field(name) or v.type)}" for name, v in e.fields]
        return "{" + ", ".join(parts) + "}"

    def _py_Binary(self, e: ir.Binary) -> str:
        op = e.op
        if op in ("and", "or"):
            return f"({self.py(e.left)} {op} {self.py(e.right)})"
        lt, rt = e.left.type, e.right.type
        if op in ("==", "!="):
            if "entity" in (kind(lt), kind(rt)):
                left, right = self.key(e.left), self.key(e.right)
            else:
                target = t.MONEY if "money" in (kind(lt), kind(rt)) else lt
                left = self.coerce(self.py(e.left), lt, target)
                right = self.coerce(self.py(e.right), rt, target)
            if right == "None" or left == "None":
                return f"({left} {'is' if op == '==' else 'is not'} {right})"
            return f"({left} {op} {right})"
        if op in ("<", "<=", ">", ">="):
            target = t.MONEY if "money" in (kind(lt), kind(rt)) else lt
            return f"({self.coerce(self.py(e.left), lt, target)} {op} {self.coerce(self.py(e.right), rt, target)})"
        if op == "in":
            inner = rt.inner if isinstance(rt, t.ListT) else rt
            if kind(lt) == "entity":
                ki = self.m.key_index(t.strip_optional(inner).name)  # type: ignore[union-attr]
                if isinstance(e.right, ir.ListLit):
                    return f"({self.key(e.left)} in ({', '.join(self.key(i) for i in e.right.items)},))"
                return f"({self.key(e.left)} in _rt.keys({self.py(e.right)}, {ki}))"
            target = t.MONEY if "money" in (kind(lt), kind(inner)) else lt
            left = self.coerce(self.py(e.left), lt, target)
            if isinstance(e.right, ir.ListLit):
                items = ", ".join(self.coerce(self.py(i), i.type, target) for i in e.right.items)
                return f"({left} in ({items},))" if e.right.items else "False"
            return f"({left} in {self.py(e.right)})"
        return self.arithmetic(op, e.left, e.right, e.type)

    def arithmetic(self, op: str, le: ir.Expr, re_: ir.Expr, result: t.Type) -> str:
        lk, rk, k = kind(le.type), kind(re_.type), kind(result)
        left, right = self.py(le), self.py(re_)
        if k == "str":
            return f"({left} + {right})"
        if lk == rk == "datetime":
            return f"_rt.datetime_diff({left}, {right})"
        if "date" in (lk, rk) or "datetime" in (lk, rk):
            if lk == "duration":
                left, right, lk = right, left, rk
            shift = right if op == "+" else f"-{right}"
            return f"_rt.{'date' if lk == 'date' else 'datetime'}_shift({left}, {shift})"
        if k == "money":
            if op in ("+", "-"):
                return f"({self.coerce(left, le.type, result)} {op} {self.coerce(right, re_.type, result)})"
            money, other, other_kind = (left, right, rk) if lk == "money" else (right, left, lk)
            if op == "*":
                return f"({money} * {other})" if other_kind == "int" else f"_rt.money_mul({money}, {other})"
            return f"_rt.money_div({left}, {right})"
        if op == "/":
            return f"_rt.fdiv({left}, {right})"
        if op == "%":
            return f"_rt.mod({left}, {right})"
        return f"({left} {op} {right})"

    def _py_Call(self, e: ir.Call) -> str:
        f = e.func
        if f == "now":
            return "_NOW"
        if f == "today":
            return "_TODAY"
        args = [self.py(a) for a in e.args]
        if f in ("lower", "upper"):
            return f"_rt.{f}({args[0]})"
        if f == "len":
            return f"_rt.length({args[0]})"
        if f == "contains":
            return f"({args[1]} in {args[0]})"
        if f == "starts_with":
            return f"{args[0]}.startswith({args[1]})"
        if f == "ends_with":
            return f"{args[0]}.endswith({args[1]})"
        if f == "abs":
            return f"_rt.absolute({args[0]})"
        if f in ("min", "max"):
            a = self.coerce(args[0], e.args[0].type, e.type)
            b = self.coerce(args[1], e.args[1].type, e.type)
            return f"_rt.pick_{f}({a}, {b})"
        if f in ("days", "hours", "minutes"):
            return f"({args[0]} * {({'days': 86400, 'hours': 3600, 'minutes': 60})[f]})"
        if f == "date":
            return f"_rt.date_of({args[0]})"
        if f == "days_between":
            return f"_rt.days_between({args[0]}, {args[1]})"
        if f == "coalesce":
            if kind(e.type) == "entity":
                return f"_rt.coalesce({args[0]}, {args[1]})"
            return f"_rt.coalesce({args[0]}, {self.coerce(args[1], e.args[1].type, e.type)})"
        raise NotImplementedError(f"built-in `{f}`")

    # queries ---------------------------------------------------------------

    def _declared_optional(self, param: str) -> bool:
        """An entity parameter declared `E?` (whatever narrowing the checker applied here)."""
        for p in self.tool.params:
            if p.name == param:
                return isinstance(p.type, t.OptionalT) and isinstance(t.strip_optional(p.type), t.EntityT)
        return False

    def sql(self, build) -> tuple[str, str]:
        """Run `build(compiler)` and return (SQL text, Python tuple of its parameters)."""
        params: list[str] = []

        def bind(e: ir.Expr) -> str:
            # Parameters are computed before the statement runs, so narrowing cannot protect them:
            # in `clinic == none or d.clinic == clinic` the second `clinic` is bound even when none.
            if isinstance(e, ir.Var) and e.kind == "param" and self._declared_optional(e.name) and id(e) not in self.subst:
                value = f"_rt.key({self.py(e)}, {self.m.key_index(t.strip_optional(e.type).name)})"  # type: ignore[union-attr]
            else:
                value = self.value(e)
            if isinstance(e.type, t.ListT):  # read in SQL with json_each
                value = f"_rt.json_list({value})"
            params.append(value)
            return "?"

        compiler = SqlCompiler(self.env, bind)
        text = build(compiler)
        return text, _tuple(params)

    def _py_Find(self, e: ir.Find) -> str:
        text, params = self.sql(lambda c: c.select_rows(e, Scope()))
        name = self.m.const(f"{self.hint}_find_{e.entity}", text)
        return f"_db.execute({name}, {params}).{'fetchone' if e.first else 'fetchall'}()"

    def _py_Count(self, e: ir.Count) -> str:
        text, params = self.sql(lambda c: c.count(e, Scope()))
        return f"_db.execute({self.m.const(f'{self.hint}_count_{e.entity}', text)}, {params}).fetchone()[0]"

    def _py_Sum(self, e: ir.Sum) -> str:
        text, params = self.sql(lambda c: c.sum(e, Scope()))
        return f"_db.execute({self.m.const(f'{self.hint}_sum_{e.entity}', text)}, {params}).fetchone()[0]"

    def _py_Quantifier(self, e: ir.Quantifier) -> str:
        text, params = self.sql(lambda c: "SELECT " + c.quantifier(e, Scope()))
        name = self.m.const(f"{self.hint}_{e.kind}_{e.entity}", text)
        return f"(_db.execute({name}, {params}).fetchone()[0] == 1)"

    def _py_NextId(self, e: ir.NextId) -> str:
        raise AssertionError("next_id is compiled by insert")

    def _py_Insert(self, e: ir.Insert) -> str:
        """Emit the insert before the current statement; the expression is the new row."""
        entity = self.env.entity(e.entity)
        values: list[str] = []
        for (_name, value), decl in zip(e.values, entity.fields):
            if isinstance(value, ir.NextId):
                values.append(f"self._next_id({self.m.next_id_sql()}, {entity.name!r}, {value.prefix!r})")
            else:
                values.append(self.value(value, decl.type))
        row = self.fresh("row")
        self.emit(f"{row} = {_tuple(values)}")
        cols = ", ".join(q(f.name) for f in entity.fields)
        marks = ", ".join("?" for _ in entity.fields)
        sql = self.m.const(f"insert_{entity.name}", f"INSERT INTO {q(entity.name)} ({cols}) VALUES ({marks})")
        self.emit(f"_db.execute({sql}, {row})")
        self.emit(f"self._dirty.add(({entity.name!r}, {row}[{self.m.key_index(entity.name)}]))")
        return row

    # ---------------------------------------------------------- statements

    def block(self, stmts: tuple[ir.Stmt, ...], later: set[str]) -> None:
        if not stmts:
            self.emit("pass")
            return
        for i, s in enumerate(stmts):
            rest = _names_used(stmts[i + 1 :], set()) | later
            self.stmt(s, rest)

    def stmt(self, s: ir.Stmt, later: set[str]) -> None:
        getattr(self, "_st_" + type(s).__name__)(s, later)

    def _st_Let(self, s: ir.Let, later: set[str]) -> None:
        value = self.py(s.value)
        self.emit(f"{s.var} = {_strip(value)}")
        self.vars[s.var] = s.value.type

    def _st_ExprStmt(self, s: ir.ExprStmt, later: set[str]) -> None:
        value = self.py(s.expr)
        if not isinstance(s.expr, ir.Insert):
            self.emit(_strip(value))

    def _st_Require(self, s: ir.Require, later: set[str]) -> None:
        cond = self.py(s.cond)
        self.emit(f"if not {cond}:")
        self.depth += 1
        self.emit(f"raise _rt.Fail({s.error!r}, {self.message(s)})")
        self.depth -= 1

    def message(self, s: ir.Require) -> str:
        if not s.message:
            return repr(f"{s.error} ({self.tool.name})")
        parts: list[str] = []
        for part in s.message:
            if isinstance(part, str):
                parts.append(repr(part))
            elif kind(part.type) == "str" or kind(part.type) == "enum":
                src = self.py(part)
                parts.append(src if not isinstance(part.type, t.OptionalT) else f"_rt.show({src}, 'str')")
            elif kind(part.type) == "entity":
                parts.append(f"_rt.show({self.key(part)}, 'key')")
            else:
                parts.append(f"_rt.show({self.py(part)}, {kind(part.type)!r})")
        if all(p.startswith("'") or p.startswith('"') for p in parts):
            return repr("".join(p for p in s.message if isinstance(p, str)))
        return f"_rt.message({_tuple(parts)})"

    def _row_vars(self, entity: str, later: set[str], exclude: str | None = None) -> list[str]:
        return [
            name
            for name, type_ in self.vars.items()
            if name != exclude and name in later and isinstance(t.strip_optional(type_), t.EntityT)
            and t.strip_optional(type_).name == entity  # type: ignore[union-attr]
        ]

    def _st_Update(self, s: ir.Update, later: set[str]) -> None:
        entity = self.env.entity(s.entity)
        target = s.target
        if isinstance(target, ir.Var):
            row = target.name
        else:
            row = self.fresh("row")
            self.emit(f"{row} = {_strip(self.py(target))}")
            self.subst[id(target)] = row
        keep = isinstance(target, ir.Var) and row in later
        values: list[tuple[str, str]] = []
        for fname, value in s.assignments:
            decl = entity.field(fname)
            assert decl is not None
            src = self.value(value, decl.type)
            if keep or len(s.assignments) > 1:
                tmp = self.fresh(fname if fname.isidentifier() else "v")
                self.emit(f"{tmp} = {_strip(src)}")
                src = tmp
            values.append((fname, src))
        sets = ", ".join(f"{q(name)} = ?" for name, _ in values)
        sql = self.m.const(f"update_{entity.name}_{'_'.join(n for n, _ in values)}", f"UPDATE {q(entity.name)} SET {sets} WHERE {q(entity.key)} = ?")
        ki = self.m.key_index(entity.name)
        self.emit(f"_db.execute({sql}, {_tuple([v for _, v in values] + [f'{row}[{ki}]'])})")
        self.emit(f"self._dirty.add(({entity.name!r}, {row}[{ki}]))")
        if keep:
            assigned = dict(values)
            parts = [assigned.get(f.name, f"{row}[{self.m.index(entity.name, f.name)}]") for f in entity.fields]
            self.emit(f"{row} = {_tuple(parts)}")
        for other in self._row_vars(entity.name, later, exclude=row if isinstance(target, ir.Var) else None):
            new = row if keep else f"self._refetch({self.m.get_sql(entity.name)}, {other}, {ki})"
            self.emit(f"if {other} is not None and {other}[{ki}] == {row}[{ki}]:")
            self.depth += 1
            self.emit(f"{other} = {new}")
            self.depth -= 1
        if id(target) in self.subst:
            del self.subst[id(target)]

    def _st_Delete(self, s: ir.Delete, later: set[str]) -> None:
        entity = self.env.entity(s.entity)
        key = self.key(s.target)
        sql = self.m.const(f"delete_{entity.name}", f"DELETE FROM {q(entity.name)} WHERE {q(entity.key)} = ?")
        tmp = self.fresh("key")
        self.emit(f"{tmp} = {key}")
        self.emit(f"_db.execute({sql}, ({tmp},))")
        self.emit(f"self._dirty.add(({entity.name!r}, {tmp}))")

    def _st_If(self, s: ir.If, later: set[str], keyword: str = "if") -> None:
        self.emit(f"{keyword} {_strip(self.py(s.cond))}:")
        self.depth += 1
        self.block(s.then, later)
        self.depth -= 1
        if len(s.orelse) == 1 and isinstance(s.orelse[0], ir.If) and not self._hoists(s.orelse[0].cond):
            self._st_If(s.orelse[0], later, "elif")
        elif s.orelse:
            self.emit("else:")
            self.depth += 1
            self.block(s.orelse, later)
            self.depth -= 1

    def _hoists(self, e: ir.Expr) -> bool:
        return any(isinstance(n, ir.Insert) for n in _expr_nodes(e))

    def _st_For(self, s: ir.For, later: set[str]) -> None:
        item = s.iterable.type.inner if isinstance(s.iterable.type, t.ListT) else None
        self.emit(f"for {s.var} in {_strip(self.py(s.iterable))}:")
        self.depth += 1
        if item is not None:
            self.vars[s.var] = item
        base = t.strip_optional(item) if item is not None else None
        others = [
            w for w in _walk_stmts(s.body)
            if isinstance(w, (ir.Update, ir.Delete)) and w.entity == getattr(base, "name", None)
            and not (isinstance(w.target, ir.Var) and w.target.name == s.var)
        ]
        if isinstance(base, t.EntityT) and others:
            # The body writes other rows of this entity: the next item may have changed.
            ki = self.m.key_index(base.name)
            self.emit(f"{s.var} = self._refetch({self.m.get_sql(base.name)}, {s.var}, {ki})")
        self.block(s.body, later | _names_used(s.body, set()) | {s.var})
        self.depth -= 1

    def _st_Return(self, s: ir.Return, later: set[str]) -> None:
        if s.value is None or self.tool.returns is None:
            self.emit("return None")
            return
        value = self.coerce(self.py(s.value), s.value.type, self.tool.returns)
        if isinstance(t.strip_optional(self.tool.returns), t.RecordT) and not value.isidentifier():
            if isinstance(s.value, ir.RecordLit) and not isinstance(self.tool.returns, t.OptionalT):
                assert isinstance(s.value.type, t.RecordT)
                parts = []
                for (name, v), (_, ft) in zip(s.value.fields, self.tool.returns.fields):  # type: ignore[union-attr]
                    parts.append(f"{name!r}: {_strip(self.out(ft, self.coerce(self.py(v), v.type, ft)))}")
                self.emit("return {" + ", ".join(parts) + "}")
                return
            result = self.fresh("result")
            self.emit(f"{result} = {_strip(value)}")
            value = result
        self.emit(f"return {_strip(self.out(self.tool.returns, value))}")

    # ---------------------------------------------------------- results

    def out(self, type_: t.Type, src: str) -> str:
        """Python source converting a stored value of `type_` to its JSON form."""
        if isinstance(type_, t.OptionalT):
            inner = type_.inner
            if isinstance(inner, t.EntityT) or kind(inner) in ("money", "bool", "list", "record"):
                var = self.fresh("x")
                return f"_rt.opt(lambda {var}: {self.out(inner, var)}, {src})"
            return src
        if isinstance(type_, t.EntityT):
            return f"_out_{type_.name}({src})"
        if isinstance(type_, t.ListT):
            var = self.fresh("x")
            item = var
            inner = t.strip_optional(type_.inner)
            if isinstance(inner, t.EntityT) and inner.name in self.updated:
                # Rows in a list may predate a write in this call: re-read them.
                item = f"self._refetch({self.m.get_sql(inner.name)}, {var}, {self.m.key_index(inner.name)})"
            return f"[{self.out(type_.inner, item)} for {var} in {src}]"
        if isinstance(type_, t.RecordT):
            if src.isidentifier():
                body = ", ".join(f"{name!r}: {self.out(ft, f'{src}[{name!r}]')}" for name, ft in type_.fields)
                return f"{{{body}}}"
            var = self.fresh("r")
            body = ", ".join(f"{name!r}: {self.out(ft, f'{var}[{name!r}]')}" for name, ft in type_.fields)
            return f"(lambda {var}: {{{body}}})({src})"
        k = kind(type_)
        if k == "money":
            return f"_rt.money_out({src})"
        if k == "bool":
            return f"({src} == 1)"
        return src

    # ---------------------------------------------------------- method

    def compile(self) -> dict:
        tool = self.tool
        for p in tool.params:
            self.vars[p.name] = p.type
        # Entity-typed parameters arrive as keys: look them up first (NotFound).
        for p in tool.params:
            base = t.strip_optional(p.type)
            if isinstance(base, t.EntityT):
                entity = self.env.entity(base.name)
                get = self.m.get_sql(entity.name)
                args = f"{get}, {p.name}, {entity.name!r}, {entity.key!r}"
                if isinstance(p.type, t.OptionalT):
                    self.emit(f"if {p.name} is not None:")
                    self.depth += 1
                    self.emit(f"{p.name} = self._lookup({args})")
                    self.depth -= 1
                else:
                    self.emit(f"{p.name} = self._lookup({args})")
            elif isinstance(base, t.ListT) and isinstance(t.strip_optional(base.inner), t.EntityT):
                entity = self.env.entity(t.strip_optional(base.inner).name)  # type: ignore[union-attr]
                get = self.m.get_sql(entity.name)
                self.emit(f"{p.name} = self._lookup_all({get}, {p.name}, {entity.name!r}, {entity.key!r})")
        self.block(tool.body, set())
        if not tool.body or not isinstance(tool.body[-1], ir.Return):
            self.emit("return None")
        body = self.lines
        uses_db = any("_db" in line for line in body)
        if uses_db:
            body = ["    " * 2 + "_db = self._db", *body]
        return {
            "name": tool.name,
            "signature": self.signature(),
            "returns": "_rt.JSON" if tool.returns is not None else "None",
            "doc": self.doc(),
            "body": "\n".join(body),
        }

    def signature(self) -> str:
        # Tools are called with named arguments (JSON objects), so parameters are
        # keyword-only: a parameter without a default may follow one with a default.
        parts = ["self", "*"] if self.tool.params else ["self"]
        for p in self.tool.params:
            annotation = py_type(p.type, self.env)
            if p.default is not None:
                default = "None" if isinstance(p.default, ir.Literal) and p.default.value is None else self.py(p.default)
                default = self.coerce(default, p.default.type, p.type)
                parts.append(f"{p.name}: {annotation} = {default}")
            else:
                parts.append(f"{p.name}: {annotation}")
        return ", ".join(parts)

    def doc(self) -> str:
        tool = self.tool
        lines = [docstring(tool.doc.strip() or f"The `{tool.name}` tool.")]
        if tool.params:
            lines += ["", "Args:"]
            for p in tool.params:
                text = param_doc(p, self.env)
                lines.append(f"    {p.name}: {docstring(text)}")
        lines += ["", "Returns:", f"    {docstring(describe_type(tool.returns) if tool.returns else 'nothing')}."]
        if tool.raises:
            lines += ["", "Fails with:", "    " + ", ".join(tool.raises) + "."]
        effects = tool.effects
        if effects.is_read_only:
            lines += ["", "Changes nothing."]
        else:
            lines += ["", "Changes: " + ", ".join(effects.written_entities) + "."]
        return "\n".join(lines)


def describe_type(type_: t.Type | None) -> str:
    if type_ is None:
        return "nothing"
    return str(type_)


def param_doc(p: ir.Param, env: ir.Env) -> str:
    """A parameter's documentation as the model sees it."""
    base = t.strip_optional(p.type)
    inner = t.strip_optional(base.inner) if isinstance(base, t.ListT) else base
    parts: list[str] = []
    if isinstance(inner, t.EntityT):
        entity = env.entity(inner.name)
        key_doc = entity.key_field.doc.strip()
        what = (
            f"The {entity.name}'s {entity.key}"
            if not isinstance(base, t.ListT)
            else f"The {entity.key}s of {entity.name} rows"
        )
        parts.append(what + (f" ({key_doc.rstrip('.')})" if key_doc else "") + ".")
        if entity.doc.strip():
            parts.append(_sentence(f"{entity.name}: {entity.doc.strip()}"))
    if p.doc.strip():
        parts.insert(0, _sentence(p.doc))
    if not parts:
        parts.append(f"`{p.type}`.")
    return " ".join(parts)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _tuple(items: list[str]) -> str:
    """A tuple display without a trailing comma (which would make the formatter explode it)."""
    items = [_strip(i) for i in items]
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def _strip(src: str) -> str:
    """Drop one pair of redundant outer parentheses."""
    if src.startswith("(") and src.endswith(")"):
        depth = 0
        for i, ch in enumerate(src):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(src) - 1:
                return src
        inner = src[1:-1]
        if not inner.endswith(","):
            return inner
    return src


def _expr_nodes(e: object):
    if isinstance(e, (tuple, list)):
        for item in e:
            yield from _expr_nodes(item)
        return
    if hasattr(e, "__dataclass_fields__"):
        yield e
        for name in e.__dataclass_fields__:  # type: ignore[attr-defined]
            if name not in ("type", "span"):
                yield from _expr_nodes(getattr(e, name))


# ------------------------------------------------------------------ the module


def _entity_outputs(env: ir.Env) -> list[dict]:
    out = []
    for entity in env.entities:
        fields = []
        for f in entity.fields:
            src = f"row[_{entity.name}_{f.name}]"
            k = kind(f.type)
            if k == "money":
                src = f"_rt.money_out({src})" if not isinstance(f.type, t.OptionalT) else f"_rt.opt(_rt.money_out, {src})"
            elif k == "bool":
                src = f"({src} == 1)" if not isinstance(f.type, t.OptionalT) else f"_rt.opt(lambda x: x == 1, {src})"
            fields.append({"name": f.name, "src": src})
        out.append({"name": entity.name, "fields": fields, "doc": docstring(entity.doc.strip())})
    return out


def emit_python(env: ir.Env, header: str) -> str:
    """The unformatted source of `tools.py` (the driver formats it with ruff)."""
    module = ModuleContext(env)
    tools = [ToolCompiler(module, tool).compile() for tool in env.tools]
    descriptors = []
    for tool in env.tools:
        params = []
        for p in tool.params:
            default = p.default is not None
            params.append(f"({p.name!r}, {type_descriptor(p.type, env)!r}, {default!r})")
        descriptors.append({"name": tool.name, "params": params, "writes": not tool.effects.is_read_only})
    indexes = [
        {"entity": e.name, "fields": [(f"_{e.name}_{f.name}", i, f.name) for i, f in enumerate(e.fields)]} for e in env.entities
    ]
    template = _environment().get_template("tools.py.j2")
    return template.render(
        header=header,
        env=env,
        title=docstring(env.title),
        description=docstring(env.description.strip()),
        class_name=class_name(env.name),
        clock=env.clock.isoformat(),
        today=env.clock.date().isoformat(),
        indexes=indexes,
        constants=module.constants,
        entities=_entity_outputs(env),
        tools=tools,
        descriptors=descriptors,
        seq_table=SEQ_TABLE,
    )


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # noqa: S701 - Python source, not HTML; every value is repr()'d or checked
    )
    environment.filters["pyrepr"] = repr
    environment.filters["tojson"] = repr  # a Python string literal (no HTML escaping)
    return environment
