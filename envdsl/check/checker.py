"""Syntax tree -> typed IR plus diagnostics: `check(module) -> (Env | None, diagnostics)`.

The checker reports every problem it can find in one run. An expression that
failed gets the type `ErrorT`, which fits everywhere, so a mistake is reported
once rather than at every use. The IR is returned only when there are no
errors (warnings don't block it).

Order of work: declarations (names of enums, entities, errors, tools) first, so
that everything may refer to everything; then entity fields (types, keys,
defaults, checks); then tool bodies (scopes, types, narrowing, effects,
raised errors, returns); then invariants; then the unused-declaration
warnings.
"""

from __future__ import annotations

import datetime as dt
import keyword
from dataclasses import dataclass, field
from decimal import Decimal

from envdsl.check.builtins import BUILTINS, IMPURE
from envdsl.diagnostics import messages
from envdsl.diagnostics.diagnostic import Diagnostic, has_errors
from envdsl.diagnostics.span import Span
from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.syntax import ast
from envdsl.syntax.parser import call_deep

DEFAULT_CLOCK = dt.datetime(2026, 1, 1, 0, 0, 0)
BUILTIN_ERRORS = {"NotFound": "No row has the key the caller gave."}
_TYPE_NAMES = {k: t.Scalar(k) for k in t.SCALARS}
_READ_PREFIXES = ("get_", "list_", "search_", "find_", "lookup_", "show_", "view_", "check_")
# Parameters and locals become Python variables of generated methods; these
# two would shadow the method's own receiver. (Generated code keeps every
# other name of its own behind a leading `_`, which specs cannot use.)
_RESERVED_VARIABLES = {"self", "cls"}


def check(module: ast.Module) -> tuple[ir.Env | None, list[Diagnostic]]:
    if module.env is None:
        return None, []
    checker = Checker(module)
    try:
        env = call_deep(checker.run)
    except RecursionError:
        return None, [messages.too_deeply_nested(module.env.span)]
    diagnostics = sorted(checker.diagnostics, key=Diagnostic.sort_key)
    return (None if has_errors(diagnostics) else env), diagnostics


# ------------------------------------------------------------------ scopes


@dataclass
class Binding:
    name: str
    type: t.Type
    kind: str
    span: Span
    used: bool = False


@dataclass
class Scope:
    parent: Scope | None = None
    names: dict[str, Binding] = field(default_factory=dict)
    narrowed: dict[str, t.Type] = field(default_factory=dict)
    # In `check` constraints and on the right of `update … set`, bare field
    # names refer to this row.
    row: tuple[ir.Expr, str] | None = None

    def child(self) -> Scope:
        return Scope(self, row=self.row)

    def lookup(self, name: str) -> tuple[Binding, t.Type] | None:
        scope: Scope | None = self
        narrowed: t.Type | None = None
        while scope is not None:
            if narrowed is None and name in scope.narrowed:
                narrowed = scope.narrowed[name]
            if name in scope.names:
                binding = scope.names[name]
                return binding, narrowed if narrowed is not None else binding.type
            scope = scope.parent
        return None

    def visible(self) -> list[str]:
        out: list[str] = []
        scope: Scope | None = self
        while scope is not None:
            out.extend(scope.names)
            scope = scope.parent
        return out

    def implicit_row(self) -> tuple[ir.Expr, str] | None:
        return self.row


@dataclass
class ToolCtx:
    """What the checker learns while walking one tool (or a pure context)."""

    name: str | None
    returns: t.Type | None = None
    raises: dict[str, Span] = field(default_factory=dict)
    implicit_raises: set[str] = field(default_factory=set)
    raised: set[str] = field(default_factory=set)
    raises_span: Span | None = None
    reads: set[ir.FieldRef] = field(default_factory=set)
    writes: set[ir.FieldRef] = field(default_factory=set)
    inserts: set[str] = field(default_factory=set)
    deletes: set[str] = field(default_factory=set)
    pure: str | None = None  # a description of the pure context we are in, if any
    row_local: bool = False  # inside a field `check`
    locals: list[Binding] = field(default_factory=list)


# ------------------------------------------------------------------ the checker


class Checker:
    def __init__(self, module: ast.Module) -> None:
        assert module.env is not None
        self.module = module
        self.env_ast = module.env
        self.path = module.path
        self.diagnostics: list[Diagnostic] = []
        self.enums: dict[str, ir.Enum] = {}
        self.enum_decl_spans: dict[str, Span] = {}
        self.entity_asts: dict[str, ast.EntityDecl] = {}
        self.entities: dict[str, ir.Entity] = {}
        self.field_types: dict[str, dict[str, t.Type]] = {}
        self.entity_keys: dict[str, str] = {}
        self.errors: dict[str, ir.ErrorDef] = {}
        self.raised_anywhere: set[str] = set()
        self.enum_values: dict[str, list[str]] = {}

    def error(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    # -------------------------------------------------------------- entry

    def run(self) -> ir.Env:
        items = self.env_ast.items
        headers = self._headers(items)
        self._reserve(self.env_ast.name)
        self._collect_types(items)
        for item in items:
            if isinstance(item, ast.Seed) and item.entity is not None and item.entity.name not in self.entity_asts:
                self.error(
                    messages.unknown("seed-entity-mismatch", item.entity.span, "entity", item.entity.name, self.entity_asts)
                )
        for decl in self.entity_asts.values():
            self._entity_fields(decl)
        for decl in self.entity_asts.values():
            self._entity_defaults_and_checks(decl)
        tools = self._tools(items)
        invariants = [self._invariant(i) for i in items if isinstance(i, ast.InvariantDecl)]
        for name, err in self.errors.items():
            if not err.builtin and name not in self.raised_anywhere:
                self.error(messages.unused_error_declaration(err.span, name))
        errors = dict(self.errors)
        for name, doc in BUILTIN_ERRORS.items():
            errors.setdefault(name, ir.ErrorDef(name, doc, True, self.env_ast.name.span))
        for name in sorted(self.raised_anywhere - set(errors)):
            errors[name] = ir.ErrorDef(name, "", False, self.env_ast.name.span)
        return ir.Env(
            name=self.env_ast.name.name,
            title=headers.get("title", ""),
            domain=headers.get("domain", ""),
            description=headers.get("description", ""),
            policy=headers.get("policy", ""),
            clock=headers.get("clock", DEFAULT_CLOCK),
            seeds=tuple(headers.get("seeds", ())),
            enums=tuple(self.enums.values()),
            entities=tuple(self.entities[name] for name in self.entity_asts if name in self.entities),
            tools=tuple(tools),
            errors=tuple(sorted(errors.values(), key=lambda e: e.name)),
            invariants=tuple(invariants),
            path=self.path,
            span=self.env_ast.span,
        )

    # -------------------------------------------------------------- names

    def _reserve_variable(self, ident: ast.Ident) -> bool:
        """Like `_reserve`, for names that become Python variables (parameters, locals)."""
        if not self._reserve(ident):
            return False
        if ident.name in _RESERVED_VARIABLES:
            self.error(messages.reserved_name(ident.span, ident.name, "generated methods use it for the environment"))
            return False
        return True

    def _reserve(self, ident: ast.Ident) -> bool:
        name = ident.name
        if keyword.iskeyword(name) or keyword.issoftkeyword(name):
            self.error(messages.reserved_name(ident.span, name, "it is a Python keyword"))
            return False
        if name.startswith("_"):
            self.error(messages.reserved_name(ident.span, name, "names starting with `_` are reserved for generated code"))
            return False
        return True

    def _headers(self, items: tuple[ast.Item, ...]) -> dict:
        seen: dict[str, Span] = {}
        out: dict = {"seeds": []}
        single = {ast.Title: "title", ast.Domain: "domain", ast.Description: "description", ast.Policy: "policy", ast.Clock: "clock"}
        for item in items:
            kind = single.get(type(item))
            if kind is not None:
                if kind in seen:
                    self.error(messages.duplicate(item.span, "header", kind, seen[kind]))
                    continue
                seen[kind] = item.span
                if isinstance(item, ast.Domain):
                    self._reserve(item.name)
                    out["domain"] = item.name.name
                elif isinstance(item, ast.Clock):
                    out["clock"] = self._parse_datetime(item.text, "clock")
                else:
                    out[kind] = item.text.value
            elif isinstance(item, ast.Seed):
                out["seeds"].append(ir.SeedRef(item.path.value, item.entity.name if item.entity else None, item.span))
        name_span = self.env_ast.name.span
        if "title" not in seen:
            self.error(messages.missing_header(name_span, "title", 'title "A short human title"'))
        if "domain" not in seen:
            self.error(messages.missing_header(name_span, "domain", "domain travel"))
        return out

    def _parse_datetime(self, text: ast.Text, kind: str) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(text.value)
            if value.tzinfo is not None or len(text.value) != 19 or text.value[10] != "T":
                raise ValueError
            return value
        except ValueError:
            self.error(messages.bad_literal(text.span, kind, text.value, "2026-03-01T09:00:00"))
            return DEFAULT_CLOCK

    def _collect_types(self, items: tuple[ast.Item, ...]) -> None:
        type_spans: dict[str, Span] = {}
        tool_spans: dict[str, Span] = {}

        def claim(ident: ast.Ident, kind: str, table: dict[str, Span]) -> bool:
            if ident.name in _TYPE_NAMES or ident.name in ("list", "enum"):
                self.error(messages.reserved_name(ident.span, ident.name, "it is a built-in type"))
                return False
            if not self._reserve(ident):
                return False
            if ident.name in table:
                self.error(messages.duplicate(ident.span, kind, ident.name, table[ident.name]))
                return False
            table[ident.name] = ident.span
            return True

        for item in items:
            if isinstance(item, ast.EnumDecl):
                if claim(item.name, "type", type_spans):
                    values = self._enum_values(item.values)
                    self.enums[item.name.name] = ir.Enum(item.name.name, values, _doc(item.doc), False, item.span)
            elif isinstance(item, ast.EntityDecl):
                if claim(item.name, "type", type_spans):
                    self.entity_asts[item.name.name] = item
            elif isinstance(item, ast.ToolDecl):
                claim(item.name, "tool", tool_spans)
            elif isinstance(item, ast.ErrorDecl):
                if item.name.name in self.errors:
                    self.error(messages.duplicate(item.name.span, "error", item.name.name, self.errors[item.name.name].span))
                else:
                    self.errors[item.name.name] = ir.ErrorDef(
                        item.name.name, _doc(item.doc) or BUILTIN_ERRORS.get(item.name.name, ""), item.name.name in BUILTIN_ERRORS, item.name.span
                    )
        for enum in self.enums.values():
            for value in enum.values:
                self.enum_values.setdefault(value, []).append(enum.name)

    def _enum_values(self, idents: tuple[ast.Ident, ...]) -> tuple[str, ...]:
        seen: dict[str, Span] = {}
        for ident in idents:
            if ident.name in seen:
                self.error(messages.duplicate(ident.span, "enum value", ident.name, seen[ident.name]))
                continue
            self._reserve(ident)
            seen[ident.name] = ident.span
        return tuple(seen)

    # -------------------------------------------------------------- types

    def resolve_type(self, node: ast.TypeExpr, where: str, inline_name: str) -> t.Type:
        """`where` is "field", "param" or "return": what each allows differs."""
        if isinstance(node, ast.NamedType):
            name = node.name.name
            if name in _TYPE_NAMES:
                return _TYPE_NAMES[name]
            if name in self.enums:
                return t.EnumT(name, self.enums[name].values)
            if name in self.entity_asts:
                return t.EntityT(name)
            candidates = [*_TYPE_NAMES, *self.enums, *self.entity_asts]
            self.error(messages.unknown("unknown-type", node.name.span, "type", name, candidates))
            return t.ERROR
        if isinstance(node, ast.OptionalType):
            inner = self.resolve_type(node.inner, where, inline_name)
            if isinstance(inner, t.OptionalT):
                return inner
            return t.OptionalT(inner)
        if isinstance(node, ast.ListType):
            inner = self.resolve_type(node.inner, where, inline_name)
            if where == "field":
                self.error(messages.unsupported_field_type(node.span, str(t.ListT(inner))))
                return t.ERROR
            return t.ListT(inner)
        if isinstance(node, ast.InlineEnum):
            values = self._enum_values(node.values)
            if inline_name in self.enums and not self.enums[inline_name].inline:
                self.error(messages.duplicate(node.span, "type", inline_name, self.enums[inline_name].span))
            self.enums[inline_name] = ir.Enum(inline_name, values, "", True, node.span)
            for value in values:
                if inline_name not in self.enum_values.setdefault(value, []):
                    self.enum_values[value].append(inline_name)
            return t.EnumT(inline_name, values)
        assert isinstance(node, ast.RecordType)
        if where != "return":
            self.error(messages.unsupported_field_type(node.span, "record") if where == "field" else messages.make(
                "unsupported-field-type", "record types are only allowed as a tool's return type", node.span, "here"))
            return t.ERROR
        seen: dict[str, Span] = {}
        fields: list[tuple[str, t.Type]] = []
        for f in node.fields:
            if f.name.name in seen:
                self.error(messages.duplicate(f.name.span, "record field", f.name.name, seen[f.name.name]))
                continue
            seen[f.name.name] = f.name.span
            fields.append((f.name.name, self.resolve_type(f.type, "return", f"{inline_name}_{f.name.name}")))
        return t.RecordT(tuple(fields))

    # -------------------------------------------------------------- entities

    def _entity_fields(self, decl: ast.EntityDecl) -> None:
        name = decl.name.name
        types: dict[str, t.Type] = {}
        spans: dict[str, Span] = {}
        key: ast.FieldDecl | None = None
        for f in decl.fields:
            fname = f.name.name
            if fname in spans:
                self.error(messages.duplicate(f.name.span, "field", fname, spans[fname]))
                continue
            self._reserve(f.name)
            spans[fname] = f.name.span
            types[fname] = self.resolve_type(f.type, "field", f"{name}_{fname}")
            if f.is_key:
                if key is not None:
                    self.error(messages.multiple_keys(f.name.span, name, key.name.span))
                    continue
                key = f
                if types[fname] not in (t.STR, t.INT) and not isinstance(types[fname], t.ErrorT):
                    self.error(messages.bad_key_type(f.type.span, name, str(types[fname])))
        if key is None:
            self.error(messages.missing_key(decl.name.span, name))
        self.field_types[name] = types
        self.entity_keys[name] = key.name.name if key else (decl.fields[0].name.name if decl.fields else "")

    def _entity_defaults_and_checks(self, decl: ast.EntityDecl) -> None:
        name = decl.name.name
        types = self.field_types[name]
        fields: list[ir.Field] = []
        seen: set[str] = set()
        row = ir.Var("_row", "row", t.EntityT(name), decl.name.span)
        for f in decl.fields:
            fname = f.name.name
            if fname in seen or fname not in types:
                continue
            seen.add(fname)
            ftype = types[fname]
            default: ir.Expr | None = None
            checks: list[ir.Expr] = []
            unique = False
            doc = ""
            first: dict[str, Span] = {}
            for mod in f.mods:
                kind = type(mod).__name__
                if kind in first and not isinstance(mod, ast.CheckMod):
                    what = {"DefaultMod": "a default", "UniqueMod": "`unique`", "DocMod": "a doc string"}[kind]
                    self.error(messages.duplicate_modifier(mod.span, what, first[kind]))
                    continue
                first.setdefault(kind, mod.span)
                if isinstance(mod, ast.DefaultMod):
                    default = self._default(mod.value, ftype, key=f.is_key)
                elif isinstance(mod, ast.UniqueMod):
                    unique = True
                elif isinstance(mod, ast.DocMod):
                    doc = mod.text.value
                else:
                    ctx = ToolCtx(None, pure="a `check`", row_local=True)
                    scope = Scope(row=(row, name))
                    checks.append(self.expect_bool(mod.cond, scope, ctx, "in a check"))
            fields.append(ir.Field(fname, ftype, f.is_key, unique or f.is_key, default, tuple(checks), doc, f.span))
        key = self.entity_keys.get(name, "")
        self.entities[name] = ir.Entity(name, _doc(decl.doc), tuple(fields), key, decl.span)

    def _default(self, value: ast.Expr, ftype: t.Type, *, key: bool) -> ir.Expr:
        if isinstance(value, ast.Call) and value.func.name == "next_id":
            if not key or ftype != t.STR:
                self.error(messages.bad_default(value.span, "`next_id` is only allowed as the default of a `str` key"))
                return _error_expr(value.span)
            if len(value.args) != 1 or not isinstance(value.args[0], ast.StringLit):
                self.error(messages.bad_default(value.span, "`next_id` takes one string literal, the prefix", help='write `next_id("R")`'))
                return _error_expr(value.span)
            return ir.NextId(value.args[0].text.value, t.STR, value.span)
        ctx = ToolCtx(None, pure="a default value")
        result = self.expr(value, Scope(), ctx, ftype)
        self._expect_type(result, ftype, "for this default")
        if ctx.reads:
            self.error(messages.bad_default(value.span, "a default cannot read other rows"))
        return result

    # -------------------------------------------------------------- tools

    def _tools(self, items: tuple[ast.Item, ...]) -> list[ir.Tool]:
        names: set[str] = set()
        tools = []
        for item in items:
            if isinstance(item, ast.ToolDecl) and item.name.name not in names:
                names.add(item.name.name)
                tools.append(self._tool(item))
        return tools

    def _tool(self, decl: ast.ToolDecl) -> ir.Tool:
        name = decl.name.name
        ctx = ToolCtx(name)
        scope = Scope()
        params: list[ir.Param] = []
        param_bindings: list[Binding] = []
        for p in decl.params:
            if scope.lookup(p.name.name):
                self.error(messages.duplicate(p.name.span, "parameter", p.name.name, scope.names[p.name.name].span))
                continue
            self._reserve_variable(p.name)
            ptype = self.resolve_type(p.type, "param", f"{name}_{p.name.name}")
            default = None
            if p.default is not None:
                if isinstance(t.strip_optional(ptype), t.EntityT) and not isinstance(p.default, ast.NoneLit):
                    self.error(messages.bad_default(p.default.span, "an entity parameter can only default to `none`"))
                else:
                    dctx = ToolCtx(None, pure="a default value")
                    default = self.expr(p.default, Scope(), dctx, ptype)
                    self._expect_type(default, ptype, "for this default")
            binding = Binding(p.name.name, ptype, "param", p.name.span)
            scope.names[p.name.name] = binding
            param_bindings.append(binding)
            base = t.strip_optional(ptype)
            if isinstance(base, t.EntityT):
                ctx.implicit_raises.add("NotFound")
                ctx.reads.add(ir.FieldRef(base.name, self.entity_keys.get(base.name, "*")))
            params.append(ir.Param(p.name.name, ptype, default, _doc(p.doc), p.span))
        ctx.returns = self.resolve_type(decl.returns, "return", f"{name}_result") if decl.returns else None
        for r in decl.raises:
            if r.name in ctx.raises:
                self.error(messages.duplicate(r.span, "error", r.name, ctx.raises[r.name]))
                continue
            ctx.raises[r.name] = r.span
        if decl.raises:
            ctx.raises_span = decl.raises[0].span.cover(decl.raises[-1].span)
        body, returns = self.block(decl.body, scope, ctx)
        if ctx.returns is not None and not returns and not isinstance(ctx.returns, t.ErrorT):
            self.error(messages.missing_return(decl.name.span, name, str(ctx.returns)))
        for binding in param_bindings:
            if not binding.used:
                self.error(messages.unused_parameter(binding.span, name, binding.name))
        for binding in ctx.locals:
            if not binding.used:
                self.error(messages.unused_variable(binding.span, binding.name, binding.kind))
        for err, span in ctx.raises.items():
            if err not in ctx.raised and err not in ctx.implicit_raises:
                self.error(messages.unused_error(span, name, err))
        effects = ir.Effects(
            reads=tuple(sorted(ctx.reads)),
            writes=tuple(sorted(ctx.writes)),
            inserts=tuple(sorted(ctx.inserts)),
            deletes=tuple(sorted(ctx.deletes)),
        )
        if not effects.is_read_only and name.startswith(_READ_PREFIXES):
            self.error(messages.read_only_write_tool(decl.name.span, name))
        raises = sorted(set(ctx.raises) | ctx.implicit_raises)
        self.raised_anywhere.update(raises)
        return ir.Tool(name, _doc(decl.doc), tuple(params), ctx.returns, tuple(raises), tuple(body), effects, decl.span)

    def _invariant(self, decl: ast.InvariantDecl) -> ir.Invariant:
        ctx = ToolCtx(None, pure="an invariant")
        return ir.Invariant(decl.name.value, self.expect_bool(decl.expr, Scope(), ctx, "in an invariant"), decl.span)

    # -------------------------------------------------------------- statements

    def block(self, block: ast.Block, scope: Scope, ctx: ToolCtx) -> tuple[list[ir.Stmt], bool]:
        inner = scope.child()
        out: list[ir.Stmt] = []
        returned = False
        warned = False
        for stmt in block.stmts:
            if returned and not warned:
                self.error(messages.unreachable(stmt.span))
                warned = True
            node, stmt_returns = self.stmt(stmt, inner, ctx)
            if node is not None:
                out.append(node)
            returned = returned or stmt_returns
        return out, returned

    def stmt(self, stmt: ast.Stmt, scope: Scope, ctx: ToolCtx) -> tuple[ir.Stmt | None, bool]:
        if isinstance(stmt, ast.Let):
            value = self.expr(stmt.value, scope, ctx)
            # A reserved name is reported but still bound, so its uses don't cascade.
            self._reserve_variable(stmt.name)
            existing = scope.lookup(stmt.name.name)
            if existing is not None:
                self.error(messages.duplicate(stmt.name.span, "name", stmt.name.name, existing[0].span))
            else:
                binding = Binding(stmt.name.name, value.type, "local", stmt.name.span)
                scope.names[stmt.name.name] = binding
                ctx.locals.append(binding)
            return ir.Let(stmt.name.name, value, stmt.span), False
        if isinstance(stmt, ast.Require):
            cond = self._condition(stmt.cond, scope, ctx, "after `require`")
            err = stmt.error.name
            ctx.raised.add(err)
            if err not in ctx.raises and err not in ctx.implicit_raises:
                self.error(messages.undeclared_error(stmt.error.span, ctx.name or "", err, ctx.raises_span))
            parts: list[str | ir.Expr] = []
            if stmt.message is not None:
                for part in stmt.message.parts:
                    if isinstance(part, str):
                        parts.append(part)
                    else:
                        value = self.expr(part, scope, ctx)
                        if isinstance(value.type, (t.ListT, t.RecordT)):
                            self.error(messages.type_mismatch(value.span, "a scalar, enum or row", str(value.type), "in a message"))
                        parts.append(value)
            for name, narrowed in _non_none_vars(cond):
                scope.narrowed[name] = narrowed
            return ir.Require(cond, err, tuple(parts), stmt.span), False
        if isinstance(stmt, ast.Update):
            target = self.row_expr(stmt.target, scope, ctx, "`update`")
            entity = target.type.name if isinstance(target.type, t.EntityT) else None
            assignments: list[tuple[str, ir.Expr]] = []
            seen: dict[str, Span] = {}
            rhs_scope = scope.child()
            if entity is not None:
                rhs_scope.row = (target, entity)
            for a in stmt.assignments:
                fname = a.field.name
                value_expected: t.Type | None = None
                if entity is not None:
                    types = self.field_types.get(entity, {})
                    if fname not in types:
                        self.error(messages.unknown_field(a.field.span, entity, fname, types))
                    elif fname == self.entity_keys.get(entity):
                        self.error(messages.key_update(a.field.span, entity, fname))
                    else:
                        value_expected = types[fname]
                if fname in seen:
                    self.error(messages.duplicate(a.field.span, "assignment to", fname, seen[fname]))
                seen[fname] = a.field.span
                # `set flight = flight` assigns the local of the same name: no shadowing warning.
                same_name = isinstance(a.value, ast.Name) and a.value.ident.name == fname and scope.lookup(fname)
                value = self.expr(a.value, scope if same_name else rhs_scope, ctx, value_expected)
                if value_expected is not None:
                    self._expect_type(value, value_expected, f"for `{entity}.{fname}`")
                    ctx.writes.add(ir.FieldRef(entity, fname))  # type: ignore[arg-type]
                assignments.append((fname, value))
            if entity is None:
                return None, False
            return ir.Update(target, entity, tuple(assignments), stmt.span), False
        if isinstance(stmt, ast.Delete):
            target = self.row_expr(stmt.target, scope, ctx, "`delete`")
            if not isinstance(target.type, t.EntityT):
                return None, False
            ctx.deletes.add(target.type.name)
            return ir.Delete(target, target.type.name, stmt.span), False
        if isinstance(stmt, ast.If):
            cond = self._condition(stmt.cond, scope, ctx, "after `if`")
            then_scope = scope.child()
            for name, narrowed in _non_none_vars(cond):
                then_scope.narrowed[name] = narrowed
            then, then_returns = self.block(stmt.then, then_scope, ctx)
            orelse: list[ir.Stmt] = []
            else_returns = False
            if isinstance(stmt.orelse, ast.Block):
                else_scope = scope.child()
                for name, narrowed in _none_vars(cond):
                    else_scope.narrowed[name] = narrowed
                orelse, else_returns = self.block(stmt.orelse, else_scope, ctx)
            elif isinstance(stmt.orelse, ast.If):
                else_scope = scope.child()
                for name, narrowed in _none_vars(cond):
                    else_scope.narrowed[name] = narrowed
                node, else_returns = self.stmt(stmt.orelse, else_scope, ctx)
                orelse = [node] if node is not None else []
            # `if x == none { return … }` narrows x for the rest of the block.
            if then_returns and not else_returns:
                for name, narrowed in _none_vars(cond):
                    scope.narrowed[name] = narrowed
            return ir.If(cond, tuple(then), tuple(orelse), stmt.span), then_returns and else_returns
        if isinstance(stmt, ast.For):
            iterable = self.expr(stmt.iterable, scope, ctx)
            item_type: t.Type = t.ERROR
            if isinstance(iterable.type, t.ListT):
                item_type = iterable.type.inner
                if isinstance(item_type, t.EntityT):
                    ctx.reads.add(ir.FieldRef(item_type.name, "*"))
            elif not isinstance(iterable.type, t.ErrorT):
                self.error(messages.not_iterable(iterable.span, str(iterable.type)))
            body_scope = scope.child()
            self._reserve_variable(stmt.var)
            existing = scope.lookup(stmt.var.name)
            if existing is not None:
                self.error(messages.duplicate(stmt.var.span, "name", stmt.var.name, existing[0].span))
            binding = Binding(stmt.var.name, item_type, "loop", stmt.var.span)
            body_scope.names[stmt.var.name] = binding
            ctx.locals.append(binding)
            body, _ = self.block(stmt.body, body_scope, ctx)
            return ir.For(stmt.var.name, iterable, tuple(body), stmt.span), False
        if isinstance(stmt, ast.Return):
            if stmt.value is None:
                if ctx.returns is not None and not isinstance(ctx.returns, t.ErrorT):
                    self.error(messages.missing_return(stmt.span, ctx.name or "", str(ctx.returns)))
                return ir.Return(None, stmt.span), True
            value = self.expr(stmt.value, scope, ctx, ctx.returns)
            if ctx.returns is None:
                self.error(messages.return_value_in_void_tool(stmt.value.span, ctx.name or ""))
            else:
                self._expect_type(value, ctx.returns, "as the tool's result")
                _mark_returned(value, ctx)
            return ir.Return(value, stmt.span), True
        assert isinstance(stmt, ast.ExprStmt)
        return ir.ExprStmt(self.expr(stmt.expr, scope, ctx), stmt.span), False

    def _condition(self, node: ast.Expr, scope: Scope, ctx: ToolCtx, context: str) -> ir.Expr:
        """A `require` or `if` condition: pure, so that checking it changes nothing."""
        saved = ctx.pure
        ctx.pure = ctx.pure or "a condition"
        try:
            return self.expect_bool(node, scope, ctx, context)
        finally:
            ctx.pure = saved

    def row_expr(self, node: ast.Expr, scope: Scope, ctx: ToolCtx, what: str) -> ir.Expr:
        value = self.expr(node, scope, ctx)
        if isinstance(value.type, t.OptionalT) and isinstance(value.type.inner, t.EntityT):
            self.error(messages.optional_access(value.span, str(value.type), _var_name(node), _suggested_error(ctx)))
            return _error_expr(node.span)
        if not isinstance(value.type, (t.EntityT, t.ErrorT)):
            self.error(messages.not_a_row(value.span, what, str(value.type)))
            return _error_expr(node.span)
        return value

    # -------------------------------------------------------------- expressions

    def expect_bool(self, node: ast.Expr, scope: Scope, ctx: ToolCtx, context: str) -> ir.Expr:
        value = self.expr(node, scope, ctx, t.BOOL)
        self._expect_type(value, t.BOOL, context)
        return value

    def _expect_type(self, value: ir.Expr, expected: t.Type, context: str) -> None:
        if not t.assignable(value.type, expected):
            self.error(messages.type_mismatch(value.span, str(expected), str(value.type), context))

    def expr(self, node: ast.Expr, scope: Scope, ctx: ToolCtx, expected: t.Type | None = None) -> ir.Expr:
        method = getattr(self, "_expr_" + type(node).__name__)
        return method(node, scope, ctx, expected)

    def _expr_IntLit(self, node: ast.IntLit, scope, ctx, expected) -> ir.Expr:
        return ir.Literal(node.value, t.INT, node.span)

    def _expr_DecimalLit(self, node: ast.DecimalLit, scope, ctx, expected) -> ir.Expr:
        if expected is not None and t.strip_optional(expected) == t.MONEY:
            value = Decimal(node.text)
            if value != value.quantize(Decimal("0.01")):
                self.error(messages.bad_literal(node.span, "money amount", node.text, "12.50"))
            return ir.Literal(value.quantize(Decimal("0.01")), t.MONEY, node.span)
        return ir.Literal(float(node.text), t.FLOAT, node.span)

    def _expr_StringLit(self, node: ast.StringLit, scope, ctx, expected) -> ir.Expr:
        return ir.Literal(node.text.value, t.STR, node.span)

    def _expr_BoolLit(self, node: ast.BoolLit, scope, ctx, expected) -> ir.Expr:
        return ir.Literal(node.value, t.BOOL, node.span)

    def _expr_NoneLit(self, node: ast.NoneLit, scope, ctx, expected) -> ir.Expr:
        return ir.Literal(None, t.NONE, node.span)

    def _expr_Name(self, node: ast.Name, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        name = node.ident.name
        found = scope.lookup(name)
        row = scope.implicit_row()
        row_fields = self.field_types.get(row[1], {}) if row else {}
        if found is not None:
            binding, type_ = found
            binding.used = True
            if row is not None and name in row_fields and row[0].span != binding.span and ctx.pure is None:
                self.error(messages.field_shadowed(node.span, name, _describe_row(row[0])))
            return ir.Var(name, binding.kind, type_, node.span)
        if row is not None and name in row_fields:
            return self._attr(row[0], row[1], node.ident, ctx, node.span)
        base = t.strip_optional(expected) if expected is not None else None
        if isinstance(base, t.EnumT) and name in base.values:
            return ir.EnumValue(base.name, name, base, node.span)
        owners = self.enum_values.get(name, [])
        if len(owners) == 1:
            enum = self.enums[owners[0]]
            return ir.EnumValue(enum.name, name, t.EnumT(enum.name, enum.values), node.span)
        if len(owners) > 1:
            self.error(messages.ambiguous_enum_value(node.span, name, sorted(owners)))
            return _error_expr(node.span)
        candidates = [*scope.visible(), *row_fields, *self.enum_values]
        note = None
        if name in self.entity_asts or name in self.enums:
            note = f"`{name}` is a type, not a value"
        self.error(messages.unknown("unknown-name", node.span, "name", name, candidates, note=note))
        return _error_expr(node.span)

    def _expr_Attr(self, node: ast.Attr, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        # `Cabin.economy`: a qualified enum value.
        if isinstance(node.obj, ast.Name) and node.obj.ident.name in self.enums and scope.lookup(node.obj.ident.name) is None:
            enum = self.enums[node.obj.ident.name]
            if node.name.name not in enum.values:
                self.error(messages.unknown_enum_value(node.name.span, enum.name, node.name.name, enum.values))
                return _error_expr(node.span)
            return ir.EnumValue(enum.name, node.name.name, t.EnumT(enum.name, enum.values), node.span)
        obj = self.expr(node.obj, scope, ctx)
        obj_type = obj.type
        if isinstance(obj_type, t.ErrorT):
            return _error_expr(node.span)
        if isinstance(obj_type, t.OptionalT) and isinstance(obj_type.inner, (t.EntityT, t.RecordT)):
            self.error(messages.optional_access(obj.span, str(obj_type), _var_name(node.obj), _suggested_error(ctx)))
            return _error_expr(node.span)
        if isinstance(obj_type, t.EntityT):
            if ctx.row_local and not (isinstance(obj, ir.Var) and obj.kind == "row"):
                self.error(messages.impure_check(node.span, "it reads a field of another entity"))
                return _error_expr(node.span)
            return self._attr(obj, obj_type.name, node.name, ctx, node.span)
        if isinstance(obj_type, t.RecordT):
            ftype = obj_type.field(node.name.name)
            if ftype is None:
                self.error(messages.unknown_field(node.name.span, str(obj_type), node.name.name, [n for n, _ in obj_type.fields]))
                return _error_expr(node.span)
            return ir.RecordGet(obj, node.name.name, ftype, node.span)
        self.error(messages.not_a_row(obj.span, f"field access `.{node.name.name}`", str(obj_type)))
        return _error_expr(node.span)

    def _attr(self, obj: ir.Expr, entity: str, name: ast.Ident, ctx: ToolCtx, span: Span) -> ir.Expr:
        types = self.field_types.get(entity, {})
        if name.name not in types:
            self.error(messages.unknown_field(name.span, entity, name.name, types))
            return _error_expr(span)
        ctx.reads.add(ir.FieldRef(entity, name.name))
        return ir.Attr(obj, entity, name.name, types[name.name], span)

    def _expr_Call(self, node: ast.Call, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        name = node.func.name
        if name == "next_id":
            self.error(messages.bad_default(node.span, "`next_id` is only allowed as the default of a `str` key"))
            return _error_expr(node.span)
        if name not in BUILTINS:
            self.error(messages.unknown("unknown-function", node.func.span, "function", name, [*BUILTINS, "next_id"]))
            for arg in node.args:
                self.expr(arg, scope, ctx)
            return _error_expr(node.span)
        arity, signature, _ = BUILTINS[name]
        if len(node.args) != arity:
            self.error(messages.wrong_arity(node.span, name, str(arity), len(node.args)))
            for arg in node.args:  # still resolve them: their names are used
                self.expr(arg, scope, ctx)
            return _error_expr(node.span)
        if name in IMPURE and ctx.row_local:
            self.error(messages.impure_check(node.span, f"`{name}()` changes with the clock"))
            return _error_expr(node.span)
        if name in ("date", "datetime") and isinstance(node.args[0], ast.StringLit):
            text = node.args[0].text
            try:
                if name == "date":
                    value: dt.date = dt.date.fromisoformat(text.value)
                    if len(text.value) != 10:
                        raise ValueError
                    return ir.Literal(value, t.DATE, node.span)
                value = dt.datetime.fromisoformat(text.value)
                if value.tzinfo is not None or len(text.value) != 19 or text.value[10] != "T":
                    raise ValueError
                return ir.Literal(value, t.DATETIME, node.span)
            except ValueError:
                example = "2026-03-01" if name == "date" else "2026-03-01T09:00:00"
                self.error(messages.bad_literal(text.span, name, text.value, example))
                return _error_expr(node.span)
        if name == "datetime":
            self.expr(node.args[0], scope, ctx)
            self.error(messages.literal_required(node.args[0].span, "datetime", "2026-03-01T09:00:00"))
            return _error_expr(node.span)
        first_expected = expected if name in ("min", "max", "abs", "coalesce") else None
        args: list[ir.Expr] = []
        for i, arg in enumerate(node.args):
            hint = first_expected
            if name == "coalesce" and i == 1 and args:
                hint = t.strip_optional(args[0].type)
            if name in ("min", "max") and i == 1 and args:
                hint = args[0].type
            args.append(self.expr(arg, scope, ctx, hint))
        result = signature([a.type for a in args])
        if isinstance(result, str):
            self.error(messages.builtin_arguments(node.span, name, result))
            return _error_expr(node.span)
        return ir.Call(name, tuple(args), result, node.span)

    def _expr_Unary(self, node: ast.Unary, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        if node.op == "not":
            operand = self.expect_bool(node.operand, scope, ctx, "after `not`")
            return ir.Unary("not", operand, t.BOOL, node.span)
        operand = self.expr(node.operand, scope, ctx, expected)
        if isinstance(operand.type, t.ErrorT):
            return _error_expr(node.span)
        if not (t.is_numeric(operand.type) or operand.type == t.DURATION):
            self.error(messages.bad_operands(node.span, "-", str(operand.type)))
            return _error_expr(node.span)
        if isinstance(operand, ir.Literal) and isinstance(operand.value, (int, float, Decimal)) and not isinstance(operand.value, bool):
            return ir.Literal(-operand.value, operand.type, node.span)
        return ir.Unary("-", operand, operand.type, node.span)

    def _expr_Binary(self, node: ast.Binary, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        op = node.op
        if op in ("and", "or"):
            left = self.expect_bool(node.left, scope, ctx, f"on the left of `{op}`")
            # The right operand runs only when the left is true (`and`) or false
            # (`or`): `x != none and x.f > 0`, `x == none or x.f > 0` narrow x.
            pairs = _non_none_vars(left) if op == "and" else _none_vars(left)
            right_scope = scope
            if pairs:
                right_scope = scope.child()
                right_scope.narrowed.update(dict(pairs))
            right = self.expect_bool(node.right, right_scope, ctx, f"on the right of `{op}`")
            return ir.Binary(op, left, right, t.BOOL, node.span)
        written, op = op, ("in" if op == "not in" else op)  # `x not in xs` is `not (x in xs)` once typed
        # Check the side that gives context first, so that a decimal literal
        # or a bare enum value on the other side takes its type.
        outer = expected if op in ("+", "-", "*", "/", "%") else None
        if self._needs_context(node.left, scope) and not self._needs_context(node.right, scope):
            right = self.expr(node.right, scope, ctx, outer)
            left = self.expr(node.left, scope, ctx, _operand_hint(right.type, op, outer, left_side=True))
        else:
            left = self.expr(node.left, scope, ctx, outer)
            right = self.expr(node.right, scope, ctx, _operand_hint(left.type, op, outer, left_side=False))
        result = self._binary_type(op, left.type, right.type)
        if result is None:
            if op in ("==", "!=") and isinstance(t.strip_optional(left.type), t.EntityT) != isinstance(
                t.strip_optional(right.type), t.EntityT
            ):
                help = "compare a row with a row (or its key field with a key)"
            else:
                help = None
            self.error(messages.bad_operands(node.span, written, str(left.type), str(right.type), help=help))
            return _error_expr(node.span)
        if written == "not in":
            return ir.Unary("not", ir.Binary(op, left, right, result, node.span), result, node.span)
        return ir.Binary(op, left, right, result, node.span)

    def _needs_context(self, node: ast.Expr, scope: Scope) -> bool:
        """Whether the type of `node` depends on the other operand: a decimal
        literal, or a bare name that is not a variable or field (an enum value)."""
        if isinstance(node, ast.Unary):
            return self._needs_context(node.operand, scope)
        if isinstance(node, ast.DecimalLit):
            return True
        if isinstance(node, ast.Name):
            row = scope.implicit_row()
            is_field = row is not None and node.ident.name in self.field_types.get(row[1], {})
            return scope.lookup(node.ident.name) is None and not is_field
        return False

    def _binary_type(self, op: str, a: t.Type, b: t.Type) -> t.Type | None:
        if isinstance(a, t.ErrorT) or isinstance(b, t.ErrorT):
            return t.ERROR
        if op in ("==", "!="):
            if isinstance(a, t.NoneT) or isinstance(b, t.NoneT):
                other = b if isinstance(a, t.NoneT) else a
                return t.BOOL if isinstance(other, (t.OptionalT, t.NoneT)) else None
            x, y = t.strip_optional(a), t.strip_optional(b)
            if x == y or (t.is_numeric(x) and t.is_numeric(y) and _numeric_join(x, y) is not None):
                return t.BOOL if not isinstance(x, (t.ListT, t.RecordT)) else None
            return None
        if op in ("<", "<=", ">", ">="):
            if isinstance(a, t.OptionalT) or isinstance(b, t.OptionalT):
                return None
            if t.is_numeric(a) and t.is_numeric(b):
                return t.BOOL if _numeric_join(a, b) is not None else None
            if a == b and a in (t.STR, t.DATE, t.DATETIME, t.DURATION):
                return t.BOOL
            return None
        if op == "in":
            if isinstance(b, t.ListT):
                x, y = t.strip_optional(a), t.strip_optional(b.inner)
                if x == y or (t.is_numeric(x) and t.is_numeric(y) and _numeric_join(x, y) is not None):
                    return t.BOOL
            return None
        if isinstance(a, t.OptionalT) or isinstance(b, t.OptionalT):
            return None
        if op == "+":
            if a == b == t.STR:
                return t.STR
            if a in (t.DATE, t.DATETIME) and b == t.DURATION:
                return a
            if a == b == t.DURATION:
                return a
            return _numeric_join(a, b)
        if op == "-":
            if a in (t.DATE, t.DATETIME) and b == t.DURATION:
                return a
            if a == b == t.DATETIME or a == b == t.DURATION:
                return t.DURATION
            return _numeric_join(a, b)
        if op == "*":
            if t.MONEY in (a, b):
                other = b if a == t.MONEY else a
                return t.MONEY if other in (t.INT, t.FLOAT) else None
            if t.DURATION in (a, b):
                other = b if a == t.DURATION else a
                return t.DURATION if other == t.INT else None
            return _numeric_join(a, b)
        if op == "/":
            if a == t.MONEY:
                return t.MONEY if b in (t.INT, t.FLOAT) else None
            if t.is_numeric(a) and t.is_numeric(b) and t.MONEY not in (a, b):
                return t.FLOAT
            return None
        if op == "%":
            return t.INT if a == b == t.INT else None
        return None

    def _expr_ListLit(self, node: ast.ListLit, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        inner_expected = expected.inner if isinstance(expected, t.ListT) else None
        items = [self.expr(i, scope, ctx, inner_expected) for i in node.items]
        inner: t.Type = inner_expected or (items[0].type if items else t.ERROR)
        for item in items:
            if not t.assignable(item.type, inner):
                if t.assignable(inner, item.type):
                    inner = item.type
                else:
                    self.error(messages.type_mismatch(item.span, str(inner), str(item.type), "in this list"))
        return ir.ListLit(tuple(items), t.ListT(inner), node.span)

    def _expr_RecordLit(self, node: ast.RecordLit, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        want = expected if isinstance(expected, t.RecordT) else None
        values: dict[str, ir.Expr] = {}
        spans: dict[str, Span] = {}
        for f in node.fields:
            if f.name.name in spans:
                self.error(messages.duplicate(f.name.span, "record field", f.name.name, spans[f.name.name]))
                continue
            spans[f.name.name] = f.name.span
            ftype = want.field(f.name.name) if want else None
            if want is not None and ftype is None:
                self.error(messages.unknown_field(f.name.span, str(want), f.name.name, [n for n, _ in want.fields]))
            values[f.name.name] = self.expr(f.value, scope, ctx, ftype)
            if ftype is not None:
                self._expect_type(values[f.name.name], ftype, f"for record field `{f.name.name}`")
        if want is None:
            return ir.RecordLit(tuple(values.items()), t.RecordT(tuple((n, v.type) for n, v in values.items())), node.span)
        missing = [n for n, _ in want.fields if n not in values]
        if missing:
            self.error(messages.make("missing-field-value", f"record leaves out {', '.join(f'`{m}`' for m in missing)}", node.span, "incomplete record"))
            return _error_expr(node.span)
        ordered = tuple((n, values[n]) for n, _ in want.fields)
        return ir.RecordLit(ordered, want, node.span)

    def _entity_ref(self, ident: ast.Ident) -> str | None:
        if ident.name in self.entity_asts:
            return ident.name if ident.name in self.field_types else None
        self.error(messages.unknown("unknown-entity", ident.span, "entity", ident.name, self.entity_asts))
        return None

    def _expr_Insert(self, node: ast.Insert, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        if ctx.pure is not None:
            self.error(messages.effect_in_pure_context(node.span, ctx.pure))
            for f in node.fields:
                self.expr(f.value, scope, ctx)
            return _error_expr(node.span)
        entity_name = self._entity_ref(node.entity)
        if entity_name is None or entity_name not in self.entities:
            for f in node.fields:
                self.expr(f.value, scope, ctx)
            return _error_expr(node.span)
        entity = self.entities[entity_name]
        given: dict[str, ir.Expr] = {}
        spans: dict[str, Span] = {}
        for f in node.fields:
            decl = entity.field(f.name.name)
            if f.name.name in spans:
                self.error(messages.duplicate(f.name.span, "field value", f.name.name, spans[f.name.name]))
                continue
            spans[f.name.name] = f.name.span
            if decl is None:
                self.error(messages.unknown_field(f.name.span, entity_name, f.name.name, [x.name for x in entity.fields]))
                self.expr(f.value, scope, ctx)
                continue
            value = self.expr(f.value, scope, ctx, decl.type)
            self._expect_type(value, decl.type, f"for `{entity_name}.{decl.name}`")
            given[decl.name] = value
        values: list[tuple[str, ir.Expr]] = []
        missing: list[str] = []
        for decl in entity.fields:
            if decl.name in given:
                values.append((decl.name, given[decl.name]))
            elif decl.default is not None:
                values.append((decl.name, decl.default))
            elif isinstance(decl.type, t.OptionalT):
                values.append((decl.name, ir.Literal(None, decl.type, node.span)))
            else:
                missing.append(decl.name)
        if missing:
            self.error(messages.missing_field_value(node.entity.span, entity_name, missing))
            return _error_expr(node.span)
        ctx.inserts.add(entity_name)
        ctx.writes.update(ir.FieldRef(entity_name, d.name) for d in entity.fields)
        return ir.Insert(entity_name, tuple(values), t.EntityT(entity_name), node.span)

    def _bound_scope(self, var: ast.Ident, entity: str, scope: Scope) -> Scope:
        inner = scope.child()
        inner.row = None
        self._reserve_variable(var)
        existing = scope.lookup(var.name)
        if existing is not None:
            self.error(messages.duplicate(var.span, "name", var.name, existing[0].span))
        inner.names[var.name] = Binding(var.name, t.EntityT(entity), "bound", var.span, used=True)
        return inner

    def _query_guard(self, node: ast.Expr, ctx: ToolCtx) -> bool:
        if ctx.row_local:
            self.error(messages.impure_check(node.span, "it queries other rows"))
            return False
        return True

    def _where(self, where: ast.Expr | None, scope: Scope, ctx: ToolCtx) -> ir.Expr | None:
        if where is None:
            return None
        saved = ctx.pure
        ctx.pure = ctx.pure or "a query"
        try:
            return self.expect_bool(where, scope, ctx, "after `where`")
        finally:
            ctx.pure = saved

    def _expr_Find(self, node: ast.Find, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        if not self._query_guard(node, ctx):
            return _error_expr(node.span)
        entity = self._entity_ref(node.entity)
        if entity is None:
            return _error_expr(node.span)
        inner = self._bound_scope(node.var, entity, scope)
        where = self._where(node.where, inner, ctx)
        order: list[ir.OrderKey] = []
        for key in node.order:
            value = self.expr(key.expr, inner, ctx)
            if not isinstance(value.type, t.ErrorT) and not (
                t.is_numeric(t.strip_optional(value.type))
                or t.strip_optional(value.type) in (t.STR, t.DATE, t.DATETIME, t.DURATION, t.BOOL)
                or isinstance(t.strip_optional(value.type), t.EnumT)
            ):
                self.error(messages.bad_operands(value.span, "order by", str(value.type)))
            order.append(ir.OrderKey(value, key.descending, key.span))
        limit = None
        if node.limit is not None:
            limit = self.expr(node.limit, scope, ctx, t.INT)
            if isinstance(limit, ir.Literal) and (not isinstance(limit.value, int) or isinstance(limit.value, bool) or limit.value <= 0):
                self.error(messages.bad_limit(limit.span))
            else:
                self._expect_type(limit, t.INT, "after `limit`")
        ctx.reads.add(ir.FieldRef(entity, "*"))
        result: t.Type = t.OptionalT(t.EntityT(entity)) if node.first else t.ListT(t.EntityT(entity))
        return ir.Find(node.var.name, entity, where, tuple(order), limit, node.first, result, node.span)

    def _expr_Count(self, node: ast.Count, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        if not self._query_guard(node, ctx):
            return _error_expr(node.span)
        entity = self._entity_ref(node.entity)
        if entity is None:
            return _error_expr(node.span)
        inner = self._bound_scope(node.var, entity, scope)
        where = self._where(node.where, inner, ctx)
        ctx.reads.add(ir.FieldRef(entity, self.entity_keys.get(entity, "*")))
        return ir.Count(node.var.name, entity, where, t.INT, node.span)

    def _expr_Sum(self, node: ast.Sum, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        if not self._query_guard(node, ctx):
            return _error_expr(node.span)
        entity = self._entity_ref(node.entity)
        if entity is None:
            return _error_expr(node.span)
        inner = self._bound_scope(node.var, entity, scope)
        where = self._where(node.where, inner, ctx)
        value = self.expr(node.value, inner, ctx)
        if not isinstance(value.type, t.ErrorT) and not (t.is_numeric(value.type) or value.type == t.DURATION):
            self.error(messages.bad_operands(value.span, "sum", str(value.type), help="sum a number that is never none"))
            return _error_expr(node.span)
        return ir.Sum(value, node.var.name, entity, where, value.type, node.span)

    def _expr_Quantifier(self, node: ast.Quantifier, scope: Scope, ctx: ToolCtx, expected) -> ir.Expr:
        if not self._query_guard(node, ctx):
            return _error_expr(node.span)
        entity = self._entity_ref(node.entity)
        if entity is None:
            return _error_expr(node.span)
        inner = self._bound_scope(node.var, entity, scope)
        where = self._where(node.where, inner, ctx)
        saved = ctx.pure
        ctx.pure = ctx.pure or "a quantifier"
        body = self.expect_bool(node.body, inner, ctx, f"in `{node.kind}`")
        ctx.pure = saved
        ctx.reads.add(ir.FieldRef(entity, self.entity_keys.get(entity, "*")))
        return ir.Quantifier(node.kind, node.var.name, entity, where, body, t.BOOL, node.span)


# ------------------------------------------------------------------ helpers


def _doc(text: ast.Text | None) -> str:
    return text.value if text is not None else ""


def _error_expr(span: Span) -> ir.Expr:
    return ir.Literal(None, t.ERROR, span)


def _numeric_join(a: t.Type, b: t.Type) -> t.Type | None:
    if not (t.is_numeric(a) and t.is_numeric(b)):
        return None
    if a == b:
        return a
    if t.INT in (a, b):
        return b if a == t.INT else a
    return None  # float and money never mix implicitly


def _element_hint(other: t.Type, op: str, left_side: bool) -> t.Type | None:
    if op == "in":
        if left_side and isinstance(other, t.ListT):
            return other.inner
        if not left_side:
            return t.ListT(other)
        return None
    if op in ("*", "/") and other == t.MONEY:
        return t.FLOAT
    return other


def _suggested_error(ctx: ToolCtx) -> str | None:
    """An error the tool already declares, to suggest when a value may be none."""
    if "NotFound" in ctx.raises or "NotFound" in ctx.implicit_raises:
        return "NotFound"
    return next(iter(ctx.raises), None)


def _operand_hint(other: t.Type, op: str, outer: t.Type | None, left_side: bool) -> t.Type | None:
    """The type an operand should take from its context: the other operand, or,
    next to an int, the type the whole arithmetic expression is expected to
    have (`35.00 * n` where money is expected is money times an int)."""
    if other == t.INT and outer is not None and t.strip_optional(outer) in (t.MONEY, t.FLOAT):
        return t.strip_optional(outer)
    return _element_hint(other, op, left_side)


def _var_name(node: ast.Expr) -> str | None:
    return node.ident.name if isinstance(node, ast.Name) else None


def _describe_row(expr: ir.Expr) -> str:
    return expr.name if isinstance(expr, ir.Var) else "row"


def _non_none_vars(cond: ir.Expr) -> list[tuple[str, t.Type]]:
    """Variables a true `cond` proves are not none: `x != none`, joined by `and`."""
    if isinstance(cond, ir.Binary):
        if cond.op == "and":
            return _non_none_vars(cond.left) + _non_none_vars(cond.right)
        if cond.op == "!=":
            return _compared_with_none(cond)
    return []


def _none_vars(cond: ir.Expr) -> list[tuple[str, t.Type]]:
    """Variables a false `cond` proves are not none: `x == none`, joined by `or`."""
    if isinstance(cond, ir.Binary):
        if cond.op == "or":
            return _none_vars(cond.left) + _none_vars(cond.right)
        if cond.op == "==":
            return _compared_with_none(cond)
    return []


def _compared_with_none(cond: ir.Binary) -> list[tuple[str, t.Type]]:
    for var, other in ((cond.left, cond.right), (cond.right, cond.left)):
        if isinstance(var, ir.Var) and isinstance(other, ir.Literal) and isinstance(other.type, t.NoneT):
            if isinstance(var.type, t.OptionalT):
                return [(var.name, var.type.inner)]
    return []


def _mark_returned(value: ir.Expr, ctx: ToolCtx) -> None:
    """A returned row (or list of rows) is read whole: the caller sees every field."""
    base = t.strip_optional(value.type)
    if isinstance(base, t.ListT):
        base = t.strip_optional(base.inner)
    if isinstance(base, t.EntityT):
        ctx.reads.add(ir.FieldRef(base.name, "*"))
