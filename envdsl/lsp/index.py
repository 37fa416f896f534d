"""A name-resolution index of one parsed file, for the editor features.

`build_index(module, text)` walks the syntax tree once and records every
declaration (a `Symbol`) and every identifier that names one (an
`Occurrence`), so that hover, go to definition, find references and
completion are lookups, not analyses. It resolves names the way
`envdsl/check/checker.py` does — scopes of parameters, `let`s, loop and query
variables; bare field names in `check` constraints and on the right of
`update … set`; bare and qualified enum values — but it never reports
anything: the checker stays the one judge of what is wrong. It also works on
a spec with type errors (the checker returns no IR then), which is when an
editor needs it most, so it keeps its own small notion of types (`Ty`),
enough to follow `reservation.flight.origin` from field to field.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field

from envdsl.check.builtins import BUILTINS
from envdsl.diagnostics.span import Span
from envdsl.ir import types as irtypes
from envdsl.syntax import ast

BUILTIN_ERRORS = {"NotFound": "No row has the key the caller gave."}  # as the checker declares them
# `next_id` is no ordinary built-in (only a `str` key's default), so the checker's table leaves it out.
NEXT_ID_DOC = "the next free key: the prefix followed by 1 + the largest number of a key spelled that way"


class Kind(enum.Enum):
    ENV = "env"
    ENTITY = "entity"
    FIELD = "field"
    ENUM = "enum"
    ENUM_VALUE = "enum value"
    TOOL = "tool"
    PARAM = "parameter"
    ERROR = "error"
    LOCAL = "local"
    LOOP = "loop variable"
    BOUND = "row variable"
    INVARIANT = "invariant"
    BUILTIN = "built-in function"
    SCALAR = "built-in type"


@dataclass(frozen=True, slots=True)
class Ty:
    """What the index knows of an expression's type: enough to follow fields."""

    kind: str  # "scalar" "entity" "enum" "list" "optional" "none" "unknown"
    name: str = ""
    inner: Ty | None = None

    def __str__(self) -> str:
        if self.kind == "list":
            return f"list<{self.inner}>"
        if self.kind == "optional":
            return f"{self.inner}?"
        return self.name or "?"

    @property
    def base(self) -> Ty:
        return self.inner if self.kind == "optional" and self.inner is not None else self


UNKNOWN = Ty("unknown")
NONE = Ty("none", "none")


def scalar(name: str) -> Ty:
    return Ty("scalar", name)


SymbolKey = tuple


@dataclass(slots=True)
class Symbol:
    key: SymbolKey
    kind: Kind
    name: str
    span: Span | None  # the identifier that declares it (None: built in)
    decl_span: Span | None  # the whole declaration
    container: str | None = None  # entity of a field, enum of a value, tool of a parameter or local
    type: Ty = UNKNOWN
    type_text: str = ""  # the type as written in the source
    doc: str = ""
    node: object | None = None  # the syntax node of the declaration
    children: list[SymbolKey] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Occurrence:
    start: int
    end: int
    key: SymbolKey
    is_definition: bool


@dataclass(frozen=True, slots=True)
class Visible:
    """`key` is in scope for offsets in [start, end]."""

    start: int
    end: int
    key: SymbolKey


@dataclass
class Index:
    symbols: dict[SymbolKey, Symbol]
    occurrences: list[Occurrence]  # sorted by start
    visible: list[Visible]
    rows: list[tuple[int, int, str]]  # (start, end, entity): bare field names of `entity` resolve here
    enum_value_owners: dict[str, list[str]]

    def at(self, offset: int) -> Occurrence | None:
        """The occurrence under the cursor; a cursor right after a name counts."""
        starts = [o.start for o in self.occurrences]
        i = bisect.bisect_right(starts, offset) - 1
        best = None
        for j in (i, i - 1):
            if 0 <= j < len(self.occurrences):
                occ = self.occurrences[j]
                if occ.start <= offset < occ.end:
                    return occ
                if occ.end == offset and best is None:
                    best = occ
        return best

    def references(self, key: SymbolKey, include_definition: bool = True) -> list[Occurrence]:
        return [o for o in self.occurrences if o.key == key and (include_definition or not o.is_definition)]

    def in_scope(self, offset: int) -> list[Symbol]:
        """Parameters and variables visible at `offset`, innermost last."""
        return [self.symbols[v.key] for v in self.visible if v.start <= offset <= v.end]

    def row_at(self, offset: int) -> str | None:
        """The entity whose fields may be named bare at `offset`, if any (innermost)."""
        found = None
        width = None
        for start, end, entity in self.rows:
            if start <= offset <= end and (width is None or end - start < width):
                found, width = entity, end - start
        return found

    def of_kind(self, *kinds: Kind) -> list[Symbol]:
        return [s for s in self.symbols.values() if s.kind in kinds]

    def fields_of(self, entity: str) -> list[Symbol]:
        parent = self.symbols.get(("entity", entity))
        return [self.symbols[k] for k in parent.children] if parent else []


# ------------------------------------------------------------------ scopes


@dataclass
class _Scope:
    parent: _Scope | None = None
    names: dict[str, SymbolKey] = field(default_factory=dict)
    row: str | None = None  # entity whose fields are in scope by bare name

    def child(self) -> _Scope:
        return _Scope(self, row=self.row)

    def lookup(self, name: str) -> SymbolKey | None:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


# ------------------------------------------------------------------ building

_CALL_RESULTS = {
    "now": scalar("datetime"),
    "today": scalar("date"),
    "lower": scalar("str"),
    "upper": scalar("str"),
    "len": scalar("int"),
    "contains": scalar("bool"),
    "starts_with": scalar("bool"),
    "ends_with": scalar("bool"),
    "days": scalar("duration"),
    "hours": scalar("duration"),
    "minutes": scalar("duration"),
    "date": scalar("date"),
    "datetime": scalar("datetime"),
    "days_between": scalar("int"),
}
_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}


def build_index(module: ast.Module, text: str) -> Index:
    builder = _Builder(module, text)
    if module.env is not None:
        builder.run(module.env)
    occurrences = sorted(builder.occurrences, key=lambda o: (o.start, o.end))
    return Index(builder.symbols, occurrences, builder.visible, builder.rows, builder.enum_value_owners)


class _Builder:
    def __init__(self, module: ast.Module, text: str) -> None:
        self.text = text
        self.symbols: dict[SymbolKey, Symbol] = {}
        self.occurrences: list[Occurrence] = []
        self.visible: list[Visible] = []
        self.rows: list[tuple[int, int, str]] = []
        self.enum_value_owners: dict[str, list[str]] = {}
        self.tool: str | None = None  # the tool whose body is being walked
        for name, doc in [*((name, doc) for name, (_, _, doc) in BUILTINS.items()), ("next_id", NEXT_ID_DOC)]:
            self.symbols[("builtin", name)] = Symbol(("builtin", name), Kind.BUILTIN, name, None, None, doc=doc)
        for name in (*irtypes.SCALARS, "duration"):
            self.symbols[("scalar", name)] = Symbol(("scalar", name), Kind.SCALAR, name, None, None, type=scalar(name))

    # ---------------------------------------------------------- helpers

    def source(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def define(self, symbol: Symbol) -> bool:
        """Record a declaration; a duplicate keeps the first (as the checker does)."""
        if symbol.key in self.symbols:
            return False
        self.symbols[symbol.key] = symbol
        if symbol.span is not None:
            self.occurrences.append(Occurrence(symbol.span.start, symbol.span.end, symbol.key, True))
        return True

    def refer(self, ident: ast.Ident, key: SymbolKey) -> None:
        if key in self.symbols:
            self.occurrences.append(Occurrence(ident.span.start, ident.span.end, key, False))

    def add_child(self, parent: SymbolKey, child: SymbolKey) -> None:
        if parent in self.symbols and child not in self.symbols[parent].children:
            self.symbols[parent].children.append(child)

    # ---------------------------------------------------------- declarations

    def run(self, env: ast.EnvDecl) -> None:
        header = {type(i).__name__: i for i in env.items}
        doc = ""
        if "Title" in header:
            doc = header["Title"].text.value  # type: ignore[union-attr]
        if "Description" in header:
            doc = (doc + "\n\n" if doc else "") + header["Description"].text.value.strip()  # type: ignore[union-attr]
        self.define(Symbol(("env",), Kind.ENV, env.name.name, env.name.span, env.span, doc=_dedent(doc), node=env))
        for name, edoc in BUILTIN_ERRORS.items():
            self.symbols[("error", name)] = Symbol(("error", name), Kind.ERROR, name, None, None, doc=edoc)
        for item in env.items:
            if isinstance(item, ast.ErrorDecl):
                key = ("error", item.name.name)
                if key in self.symbols and self.symbols[key].span is None:
                    del self.symbols[key]  # a spec may redeclare NotFound with its own doc
                self.define(
                    Symbol(
                        key,
                        Kind.ERROR,
                        item.name.name,
                        item.name.span,
                        item.span,
                        doc=_doc(item.doc) or BUILTIN_ERRORS.get(item.name.name, ""),
                        node=item,
                    )
                )
            elif isinstance(item, ast.EnumDecl):
                self._enum(item.name.name, item.values, item.name.span, item.span, _doc(item.doc), item)
            elif isinstance(item, ast.EntityDecl):
                self.define(
                    Symbol(
                        ("entity", item.name.name),
                        Kind.ENTITY,
                        item.name.name,
                        item.name.span,
                        item.span,
                        type=Ty("entity", item.name.name),
                        doc=_doc(item.doc),
                        node=item,
                    )
                )
            elif isinstance(item, ast.ToolDecl):
                self.define(
                    Symbol(
                        ("tool", item.name.name),
                        Kind.TOOL,
                        item.name.name,
                        item.name.span,
                        item.span,
                        doc=_doc(item.doc),
                        node=item,
                    )
                )
        # Fields and parameters next: their types may name anything declared above.
        for item in env.items:
            if isinstance(item, ast.EntityDecl) and self.symbols[("entity", item.name.name)].node is item:
                self._fields(item)
            elif isinstance(item, ast.ToolDecl) and self.symbols[("tool", item.name.name)].node is item:
                self._signature(item)
        invariant_count = 0
        for item in env.items:
            if isinstance(item, ast.EntityDecl) and self.symbols[("entity", item.name.name)].node is item:
                self._field_mods(item)
            elif isinstance(item, ast.ToolDecl) and self.symbols[("tool", item.name.name)].node is item:
                self._tool_body(item)
            elif isinstance(item, ast.InvariantDecl):
                invariant_count += 1
                key = ("invariant", invariant_count)
                self.symbols[key] = Symbol(key, Kind.INVARIANT, item.name.value, item.name.span, item.span, node=item)
                self.tool = None
                self.expr(item.expr, _Scope(), scalar("bool"))
            elif isinstance(item, ast.Seed) and item.entity is not None:
                self.refer(item.entity, ("entity", item.entity.name))

    def _enum(
        self, name: str, values: tuple[ast.Ident, ...], span: Span | None, decl: Span, doc: str, node: object
    ) -> None:
        key = ("enum", name)
        if not self.define(Symbol(key, Kind.ENUM, name, span, decl, type=Ty("enum", name), doc=doc, node=node)):
            return
        for value in values:
            vkey = ("enum_value", name, value.name)
            if self.define(
                Symbol(vkey, Kind.ENUM_VALUE, value.name, value.span, value.span, container=name, type=Ty("enum", name))
            ):
                self.add_child(key, vkey)
                self.enum_value_owners.setdefault(value.name, []).append(name)

    def resolve_type(self, node: ast.TypeExpr, inline_name: str) -> Ty:
        if isinstance(node, ast.NamedType):
            name = node.name.name
            for key in (("scalar", name), ("entity", name), ("enum", name)):
                if key in self.symbols:
                    self.refer(node.name, key)
                    return self.symbols[key].type
            return UNKNOWN
        if isinstance(node, ast.OptionalType):
            inner = self.resolve_type(node.inner, inline_name)
            return inner if inner.kind == "optional" else Ty("optional", inner=inner)
        if isinstance(node, ast.ListType):
            return Ty("list", inner=self.resolve_type(node.inner, inline_name))
        if isinstance(node, ast.InlineEnum):
            self._enum(inline_name, node.values, None, node.span, "", node)
            return Ty("enum", inline_name)
        for f in node.fields:
            self.resolve_type(f.type, f"{inline_name}_{f.name.name}")
        return Ty("record", "record")

    def _fields(self, decl: ast.EntityDecl) -> None:
        entity = decl.name.name
        for f in decl.fields:
            key = ("field", entity, f.name.name)
            if key in self.symbols:
                continue
            ty = self.resolve_type(f.type, f"{entity}_{f.name.name}")
            doc = next((m.text.value for m in f.mods if isinstance(m, ast.DocMod)), "")
            self.define(
                Symbol(
                    key,
                    Kind.FIELD,
                    f.name.name,
                    f.name.span,
                    f.span,
                    container=entity,
                    type=ty,
                    type_text=self.source(f.type.span),
                    doc=doc,
                    node=f,
                )
            )
            self.add_child(("entity", entity), key)

    def _signature(self, decl: ast.ToolDecl) -> None:
        tool = decl.name.name
        for p in decl.params:
            key = ("param", tool, p.name.name)
            if key in self.symbols:
                continue
            ty = self.resolve_type(p.type, f"{tool}_{p.name.name}")
            self.define(
                Symbol(
                    key,
                    Kind.PARAM,
                    p.name.name,
                    p.name.span,
                    p.span,
                    container=tool,
                    type=ty,
                    type_text=self.source(p.type.span),
                    doc=_doc(p.doc),
                    node=p,
                )
            )
            self.add_child(("tool", tool), key)
        if decl.returns is not None:
            symbol = self.symbols[("tool", tool)]
            symbol.type = self.resolve_type(decl.returns, f"{tool}_result")
            symbol.type_text = self.source(decl.returns.span)
        for r in decl.raises:
            self.refer(r, ("error", r.name))

    def _field_mods(self, decl: ast.EntityDecl) -> None:
        entity = decl.name.name
        self.tool = None
        for f in decl.fields:
            ftype = self.symbols.get(("field", entity, f.name.name))
            expected = ftype.type if ftype is not None and ftype.node is f else None
            for mod in f.mods:
                if isinstance(mod, ast.DefaultMod):
                    self.expr(mod.value, _Scope(), expected)
                elif isinstance(mod, ast.CheckMod):
                    self.rows.append((mod.span.start, mod.span.end, entity))
                    self.expr(mod.cond, _Scope(row=entity), scalar("bool"))

    def _tool_body(self, decl: ast.ToolDecl) -> None:
        tool = decl.name.name
        self.tool = tool
        scope = _Scope()
        for p in decl.params:
            key = ("param", tool, p.name.name)
            symbol = self.symbols.get(key)
            if symbol is None or symbol.node is not p:
                continue
            if p.default is not None:
                self.expr(p.default, _Scope(), symbol.type)
            scope.names[p.name.name] = key
            self.visible.append(Visible(decl.body.span.start, decl.body.span.end, key))
        self.block(decl.body, scope, self.symbols[("tool", tool)].type)

    # ---------------------------------------------------------- statements

    def block(self, block: ast.Block, scope: _Scope, returns: Ty) -> None:
        inner = scope.child()
        for stmt in block.stmts:
            self.stmt(stmt, inner, returns, block)

    def local(self, ident: ast.Ident, kind: Kind, ty: Ty, visible: tuple[int, int], node: object) -> SymbolKey:
        key = ("var", ident.span.start)
        self.define(Symbol(key, kind, ident.name, ident.span, ident.span, container=self.tool, type=ty, node=node))
        self.visible.append(Visible(visible[0], visible[1], key))
        return key

    def stmt(self, stmt: ast.Stmt, scope: _Scope, returns: Ty, block: ast.Block) -> None:
        if isinstance(stmt, ast.Let):
            ty = self.expr(stmt.value, scope)
            scope.names[stmt.name.name] = self.local(stmt.name, Kind.LOCAL, ty, (stmt.span.end, block.span.end), stmt)
        elif isinstance(stmt, ast.Require):
            self.expr(stmt.cond, scope, scalar("bool"))
            self.refer(stmt.error, ("error", stmt.error.name))
            if stmt.message is not None:
                for part in stmt.message.parts:
                    if not isinstance(part, str):
                        self.expr(part, scope)
        elif isinstance(stmt, ast.Update):
            target = self.expr(stmt.target, scope).base
            rhs = scope.child()
            if target.kind == "entity":
                rhs.row = target.name
                self.rows.append((stmt.assignments[0].span.start, stmt.span.end, target.name))
            for a in stmt.assignments:
                fkey = ("field", target.name, a.field.name)
                self.refer(a.field, fkey)
                expected = self.symbols[fkey].type if fkey in self.symbols else None
                self.expr(a.value, rhs, expected)
        elif isinstance(stmt, ast.Delete):
            self.expr(stmt.target, scope)
        elif isinstance(stmt, ast.If):
            self.expr(stmt.cond, scope, scalar("bool"))
            self.block(stmt.then, scope, returns)
            if isinstance(stmt.orelse, ast.Block):
                self.block(stmt.orelse, scope, returns)
            elif isinstance(stmt.orelse, ast.If):
                self.stmt(stmt.orelse, scope.child(), returns, block)
        elif isinstance(stmt, ast.For):
            iterable = self.expr(stmt.iterable, scope)
            item = iterable.inner if iterable.kind == "list" and iterable.inner else UNKNOWN
            body = scope.child()
            body.names[stmt.var.name] = self.local(
                stmt.var, Kind.LOOP, item, (stmt.body.span.start, stmt.body.span.end), stmt
            )
            self.block(stmt.body, body, returns)
        elif isinstance(stmt, ast.Return):
            if stmt.value is not None:
                self.expr(stmt.value, scope, returns)
        else:
            self.expr(stmt.expr, scope)

    # ---------------------------------------------------------- expressions

    def expr(self, node: ast.Expr, scope: _Scope, expected: Ty | None = None) -> Ty:
        return getattr(self, "_expr_" + type(node).__name__)(node, scope, expected)

    def _expr_IntLit(self, node, scope, expected) -> Ty:
        return scalar("int")

    def _expr_DecimalLit(self, node, scope, expected) -> Ty:
        return expected.base if expected is not None and expected.base == scalar("money") else scalar("float")

    def _expr_StringLit(self, node, scope, expected) -> Ty:
        return scalar("str")

    def _expr_BoolLit(self, node, scope, expected) -> Ty:
        return scalar("bool")

    def _expr_NoneLit(self, node, scope, expected) -> Ty:
        return NONE

    def _is_bare_value(self, node: ast.Expr, scope: _Scope) -> bool:
        """A bare name that is neither a variable nor a field in scope: an enum value, typed by context."""
        if not isinstance(node, ast.Name):
            return False
        name = node.ident.name
        return scope.lookup(name) is None and not (scope.row and ("field", scope.row, name) in self.symbols)

    def _expr_Name(self, node: ast.Name, scope: _Scope, expected: Ty | None) -> Ty:
        name = node.ident.name
        key = scope.lookup(name)
        if key is None and scope.row and ("field", scope.row, name) in self.symbols:
            key = ("field", scope.row, name)
        if key is None:
            base = expected.base if expected is not None else None
            owners = self.enum_value_owners.get(name, [])
            if base is not None and base.kind == "enum" and base.name in owners:
                key = ("enum_value", base.name, name)
            elif owners:
                key = ("enum_value", owners[0], name)
            elif ("entity", name) in self.symbols:
                key = ("entity", name)
            elif ("enum", name) in self.symbols:
                key = ("enum", name)
        if key is None or key not in self.symbols:
            return UNKNOWN
        self.refer(node.ident, key)
        return self.symbols[key].type

    def _expr_Attr(self, node: ast.Attr, scope: _Scope, expected: Ty | None) -> Ty:
        obj = node.obj
        if (
            isinstance(obj, ast.Name)
            and ("enum", obj.ident.name) in self.symbols
            and scope.lookup(obj.ident.name) is None
        ):
            enum_name = obj.ident.name
            self.refer(obj.ident, ("enum", enum_name))
            self.refer(node.name, ("enum_value", enum_name, node.name.name))
            return Ty("enum", enum_name)
        base = self.expr(obj, scope).base
        if base.kind == "entity":
            key = ("field", base.name, node.name.name)
            if key in self.symbols:
                self.refer(node.name, key)
                return self.symbols[key].type
        return UNKNOWN

    def _expr_Call(self, node: ast.Call, scope: _Scope, expected: Ty | None) -> Ty:
        name = node.func.name
        self.refer(node.func, ("builtin", name))
        hint = expected if name in ("min", "max", "abs", "coalesce") else None
        args: list[Ty] = []
        for i, arg in enumerate(node.args):
            if i == 1 and args and name in ("min", "max", "coalesce"):
                hint = args[0].base
            args.append(self.expr(arg, scope, hint))
        if name in _CALL_RESULTS:
            return _CALL_RESULTS[name]
        if name in ("abs", "min", "max") and args:
            return args[0]
        if name == "coalesce" and args:
            return args[0].base
        return UNKNOWN

    def _expr_Unary(self, node: ast.Unary, scope: _Scope, expected: Ty | None) -> Ty:
        if node.op == "not":
            self.expr(node.operand, scope, scalar("bool"))
            return scalar("bool")
        return self.expr(node.operand, scope, expected)

    def _expr_Binary(self, node: ast.Binary, scope: _Scope, expected: Ty | None) -> Ty:
        op = node.op
        if op in ("and", "or"):
            self.expr(node.left, scope, scalar("bool"))
            self.expr(node.right, scope, scalar("bool"))
            return scalar("bool")
        outer = expected if op in ("+", "-", "*", "/", "%") else None
        op = "in" if op == "not in" else op  # typed alike
        if self._is_bare_value(node.left, scope) and not self._is_bare_value(node.right, scope):
            right = self.expr(node.right, scope, outer)
            left = self.expr(node.left, scope, right.base if op != "in" else (right.inner or UNKNOWN))
        else:
            left = self.expr(node.left, scope, outer)
            hint = Ty("list", inner=left.base) if op == "in" else left.base
            right = self.expr(node.right, scope, hint if left.kind != "unknown" else outer)
        if op in _COMPARISONS or op == "in":
            return scalar("bool")
        if left.kind == "unknown":
            return right
        if op == "-" and left == right == scalar("datetime"):
            return scalar("duration")
        if op == "/" and left.base != scalar("money"):
            return scalar("float")
        return left

    def _expr_ListLit(self, node: ast.ListLit, scope: _Scope, expected: Ty | None) -> Ty:
        inner = expected.inner if expected is not None and expected.kind == "list" else None
        items = [self.expr(i, scope, inner) for i in node.items]
        return Ty("list", inner=inner or (items[0] if items else UNKNOWN))

    def _expr_RecordLit(self, node: ast.RecordLit, scope: _Scope, expected: Ty | None) -> Ty:
        for f in node.fields:
            self.expr(f.value, scope)
        return Ty("record", "record")

    def _expr_Insert(self, node: ast.Insert, scope: _Scope, expected: Ty | None) -> Ty:
        entity = node.entity.name
        self.refer(node.entity, ("entity", entity))
        for f in node.fields:
            key = ("field", entity, f.name.name)
            self.refer(f.name, key)
            self.expr(f.value, scope, self.symbols[key].type if key in self.symbols else None)
        return Ty("entity", entity) if ("entity", entity) in self.symbols else UNKNOWN

    def _query(self, node: ast.Find | ast.Count | ast.Sum | ast.Quantifier, scope: _Scope) -> _Scope:
        entity = node.entity.name
        self.refer(node.entity, ("entity", entity))
        inner = scope.child()
        inner.row = None
        ty = Ty("entity", entity) if ("entity", entity) in self.symbols else UNKNOWN
        inner.names[node.var.name] = self.local(node.var, Kind.BOUND, ty, (node.span.start, node.span.end), node)
        if node.where is not None:
            self.expr(node.where, inner, scalar("bool"))
        return inner

    def _expr_Find(self, node: ast.Find, scope: _Scope, expected: Ty | None) -> Ty:
        inner = self._query(node, scope)
        for key in node.order:
            self.expr(key.expr, inner)
        if node.limit is not None:
            self.expr(node.limit, scope, scalar("int"))
        row = Ty("entity", node.entity.name)
        return Ty("optional", inner=row) if node.first else Ty("list", inner=row)

    def _expr_Count(self, node: ast.Count, scope: _Scope, expected: Ty | None) -> Ty:
        self._query(node, scope)
        return scalar("int")

    def _expr_Sum(self, node: ast.Sum, scope: _Scope, expected: Ty | None) -> Ty:
        inner = self._query(node, scope)
        return self.expr(node.value, inner)

    def _expr_Quantifier(self, node: ast.Quantifier, scope: _Scope, expected: Ty | None) -> Ty:
        inner = self._query(node, scope)
        self.expr(node.body, inner, scalar("bool"))
        return scalar("bool")


def _doc(text: ast.Text | None) -> str:
    return _dedent(text.value) if text is not None else ""


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip()
