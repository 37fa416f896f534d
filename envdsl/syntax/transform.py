"""lark parse tree -> `ast` nodes. One method per grammar rule (or alias)."""

from __future__ import annotations

import bisect
import inspect
from collections.abc import Callable
from typing import Any

from lark import Token, Transformer, v_args

from envdsl.diagnostics import messages
from envdsl.diagnostics.diagnostic import Diagnostic
from envdsl.diagnostics.span import Span
from envdsl.syntax import ast

_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "{": "{", "}": "}"}

InterpolationParser = Callable[[str, str, int], "tuple[ast.Expr | None, list[Diagnostic]]"]


def unescape(body: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def string_value(raw: str) -> str:
    """The value of a string literal's source text (quotes included)."""
    if raw.startswith('"""'):
        return inspect.cleandoc(unescape(raw[3:-3]))
    return unescape(raw[1:-1])


@v_args(meta=True)
class ToAst(Transformer):
    def __init__(self, path: str, text: str, parse_interpolation: InterpolationParser, offset: int = 0) -> None:
        super().__init__(visit_tokens=False)
        self.path = path
        self.text = text
        self.offset = offset
        self.parse_interpolation = parse_interpolation
        self.diagnostics: list[Diagnostic] = []
        self._string_starts: list[int] = []
        self._string_ends: list[int] = []

    # ---------------------------------------------------------------- helpers

    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.path, self.offset, self.offset)
        return Span(self.path, self.offset + meta.start_pos, self.offset + meta.end_pos)

    def _tok_span(self, token: Token) -> Span:
        return Span(self.path, self.offset + token.start_pos, self.offset + token.end_pos)

    def _ident(self, token: Token | None) -> ast.Ident | None:
        if token is None:
            return None
        return ast.Ident(str(token), self._tok_span(token))

    def _text(self, token: Token | None) -> ast.Text | None:
        if token is None:
            return None
        span = self._tok_span(token)
        self._string_starts.append(span.start)
        self._string_ends.append(span.end)
        return ast.Text(string_value(str(token)), str(token), span)

    def inside_string(self, offset: int) -> bool:
        starts = sorted(zip(self._string_starts, self._string_ends))
        i = bisect.bisect_right([s for s, _ in starts], offset) - 1
        return i >= 0 and starts[i][0] <= offset < starts[i][1]

    def _message(self, token: Token | None) -> ast.Message | None:
        text = self._text(token)
        if text is None:
            return None
        raw = text.raw
        quote = 3 if raw.startswith('"""') else 1
        parts: list[str | ast.Expr] = []
        literal: list[str] = []
        i = quote
        end = len(raw) - quote
        while i < end:
            ch = raw[i]
            if ch == "\\" and i + 1 < end:
                literal.append(_ESCAPES.get(raw[i + 1], "\\" + raw[i + 1]))
                i += 2
            elif raw.startswith("{{", i) or raw.startswith("}}", i):
                literal.append(ch)
                i += 2
            elif ch == "{":
                close = raw.find("}", i + 1)
                if close == -1 or close >= end:
                    self.diagnostics.append(
                        messages.unclosed_interpolation(Span(self.path, text.span.start + i, text.span.start + i + 1))
                    )
                    literal.append(raw[i:end])
                    break
                if literal:
                    parts.append("".join(literal))
                    literal = []
                source = raw[i + 1 : close]
                expr, diagnostics = self.parse_interpolation(source, self.path, text.span.start + i + 1)
                self.diagnostics.extend(diagnostics)
                if expr is not None:
                    parts.append(expr)
                i = close + 1
            else:
                literal.append(ch)
                i += 1
        if literal:
            parts.append("".join(literal))
        return ast.Message(text, tuple(parts), text.span)

    # ---------------------------------------------------------------- module

    def start(self, meta, children):
        return children[0]

    def env(self, meta, children):
        name, *items = children
        return ast.EnvDecl(self._ident(name), tuple(items), self._span(meta))

    def title(self, meta, children):
        return ast.Title(self._text(children[0]), self._span(meta))

    def domain(self, meta, children):
        return ast.Domain(self._ident(children[0]), self._span(meta))

    def description(self, meta, children):
        return ast.Description(self._text(children[0]), self._span(meta))

    def policy(self, meta, children):
        return ast.Policy(self._text(children[0]), self._span(meta))

    def clock(self, meta, children):
        return ast.Clock(self._text(children[0]), self._span(meta))

    def seed(self, meta, children):
        path, entity = children
        return ast.Seed(self._text(path), self._ident(entity), self._span(meta))

    def error_decl(self, meta, children):
        name, doc = children
        return ast.ErrorDecl(self._ident(name), self._text(doc), self._span(meta))

    def enum_decl(self, meta, children):
        name, doc, values = children
        return ast.EnumDecl(self._ident(name), self._text(doc), values, self._span(meta))

    def enum_values(self, meta, children):
        return tuple(self._ident(t) for t in children if t is not None)

    # ---------------------------------------------------------------- entities

    def entity(self, meta, children):
        name, doc, *fields = children
        return ast.EntityDecl(self._ident(name), self._text(doc), tuple(fields), self._span(meta))

    def key_field(self, meta, children):
        name, type_, *mods = children
        return ast.FieldDecl(self._ident(name), type_, True, tuple(mods), self._span(meta))

    def field(self, meta, children):
        name, type_, *mods = children
        return ast.FieldDecl(self._ident(name), type_, False, tuple(mods), self._span(meta))

    def default_mod(self, meta, children):
        return ast.DefaultMod(children[0], self._span(meta))

    def unique_mod(self, meta, children):
        return ast.UniqueMod(self._span(meta))

    def check_mod(self, meta, children):
        return ast.CheckMod(children[0], self._span(meta))

    def doc_mod(self, meta, children):
        return ast.DocMod(self._text(children[0]), self._span(meta))

    # ---------------------------------------------------------------- types

    def named_type(self, meta, children):
        return ast.NamedType(self._ident(children[0]), self._span(meta))

    def optional_type(self, meta, children):
        return ast.OptionalType(children[0], self._span(meta))

    def list_type(self, meta, children):
        return ast.ListType(children[0], self._span(meta))

    def inline_enum(self, meta, children):
        return ast.InlineEnum(children[0], self._span(meta))

    def record_type(self, meta, children):
        return ast.RecordType(tuple(c for c in children if c is not None), self._span(meta))

    def record_type_field(self, meta, children):
        name, type_ = children
        return ast.RecordTypeField(self._ident(name), type_, self._span(meta))

    # ---------------------------------------------------------------- tools

    def tool(self, meta, children):
        name, params, returns, doc, raises, body = children
        return ast.ToolDecl(
            self._ident(name), params or (), returns, self._text(doc), raises or (), body, self._span(meta)
        )

    def params(self, meta, children):
        return tuple(c for c in children if c is not None)

    def param(self, meta, children):
        name, type_, default, doc = children
        return ast.Param(self._ident(name), type_, default, self._text(doc), self._span(meta))

    def raises(self, meta, children):
        return tuple(self._ident(t) for t in children if t is not None)

    def block(self, meta, children):
        return ast.Block(tuple(children), self._span(meta))

    def let_stmt(self, meta, children):
        name, value = children
        return ast.Let(self._ident(name), value, self._span(meta))

    def require_stmt(self, meta, children):
        cond, error, message = children
        return ast.Require(cond, self._ident(error), self._message(message), self._span(meta))

    def update_stmt(self, meta, children):
        target, *assignments = children
        return ast.Update(target, tuple(a for a in assignments if a is not None), self._span(meta))

    def assignment(self, meta, children):
        name, value = children
        return ast.Assignment(self._ident(name), value, self._span(meta))

    def delete_stmt(self, meta, children):
        return ast.Delete(children[0], self._span(meta))

    def if_stmt(self, meta, children):
        cond, then, orelse = children
        return ast.If(cond, then, orelse, self._span(meta))

    def for_stmt(self, meta, children):
        var, iterable, body = children
        return ast.For(self._ident(var), iterable, body, self._span(meta))

    def return_stmt(self, meta, children):
        return ast.Return(children[0], self._span(meta))

    def expr_stmt(self, meta, children):
        return ast.ExprStmt(children[0], self._span(meta))

    def invariant(self, meta, children):
        name, expr = children
        return ast.InvariantDecl(self._text(name), expr, self._span(meta))

    # ---------------------------------------------------------------- expressions

    def forall(self, meta, children):
        return self._quantifier("all", meta, children)

    def exists(self, meta, children):
        return self._quantifier("exists", meta, children)

    def _quantifier(self, kind, meta, children):
        var, entity, where, body = children
        return ast.Quantifier(kind, self._ident(var), self._ident(entity), where, body, self._span(meta))

    def _binary(op):  # noqa: N805 - a method factory used in the class body
        def method(self, meta, children):
            left, right = children
            return ast.Binary(op, left, right, self._span(meta))

        return method

    or_op = _binary("or")
    and_op = _binary("and")
    eq = _binary("==")
    ne = _binary("!=")
    lt = _binary("<")
    le = _binary("<=")
    gt = _binary(">")
    ge = _binary(">=")
    in_op = _binary("in")
    not_in_op = _binary("not in")
    add = _binary("+")
    sub = _binary("-")
    mul = _binary("*")
    div = _binary("/")
    mod = _binary("%")
    del _binary

    def not_op(self, meta, children):
        return ast.Unary("not", children[0], self._span(meta))

    def neg(self, meta, children):
        return ast.Unary("-", children[0], self._span(meta))

    def attr(self, meta, children):
        obj, name = children
        return ast.Attr(obj, self._ident(name), self._span(meta))

    def call(self, meta, children):
        func, args = children
        return ast.Call(self._ident(func), args or (), self._span(meta))

    def args(self, meta, children):
        return tuple(c for c in children if c is not None)

    def int_lit(self, meta, children):
        return ast.IntLit(int(children[0]), self._span(meta))

    def decimal_lit(self, meta, children):
        return ast.DecimalLit(str(children[0]), self._span(meta))

    def string_lit(self, meta, children):
        return ast.StringLit(self._text(children[0]), self._span(meta))

    def true_lit(self, meta, children):
        return ast.BoolLit(True, self._span(meta))

    def false_lit(self, meta, children):
        return ast.BoolLit(False, self._span(meta))

    def none_lit(self, meta, children):
        return ast.NoneLit(self._span(meta))

    def name(self, meta, children):
        ident = self._ident(children[0])
        return ast.Name(ident, ident.span)

    def list_lit(self, meta, children):
        return ast.ListLit(children[0] or (), self._span(meta))

    def record_lit(self, meta, children):
        return ast.RecordLit(tuple(c for c in children if c is not None), self._span(meta))

    def field_init(self, meta, children):
        name, value = children
        return ast.FieldInit(self._ident(name), value, self._span(meta))

    def insert_expr(self, meta, children):
        entity, *fields = children
        return ast.Insert(self._ident(entity), tuple(f for f in fields if f is not None), self._span(meta))

    def find_all(self, meta, children):
        var, entity, where, order, limit = children
        return ast.Find(False, self._ident(var), self._ident(entity), where, order or (), limit, self._span(meta))

    def find_first(self, meta, children):
        var, entity, where, order = children
        return ast.Find(True, self._ident(var), self._ident(entity), where, order or (), None, self._span(meta))

    def order_by(self, meta, children):
        return tuple(children)

    def order_asc(self, meta, children):
        explicit = self._span(meta).end > children[0].span.end  # `asc` was written
        return ast.OrderKey(children[0], False, explicit, self._span(meta))

    def order_desc(self, meta, children):
        return ast.OrderKey(children[0], True, True, self._span(meta))

    def count_expr(self, meta, children):
        var, entity, where = children
        return ast.Count(self._ident(var), self._ident(entity), where, self._span(meta))

    def sum_expr(self, meta, children):
        value, var, entity, where = children
        return ast.Sum(value, self._ident(var), self._ident(entity), where, self._span(meta))
