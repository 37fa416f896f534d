"""The surface syntax tree: what the text says, before any name is resolved.

Built from lark's parse tree by `parser.py`; read by the checker (`envdsl/check`)
and by the formatter (`fmt.py`). Every node carries the span of the text it
came from. Nodes are frozen: later phases build new data, never edit this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from envdsl.diagnostics.span import Span


@dataclass(frozen=True, slots=True)
class Ident:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Text:
    """A string literal: `value` is unescaped, `raw` is the source text with quotes."""

    value: str
    raw: str
    span: Span


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    span: Span


# ----------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class NamedType:
    name: Ident
    span: Span


@dataclass(frozen=True, slots=True)
class OptionalType:
    inner: TypeExpr
    span: Span


@dataclass(frozen=True, slots=True)
class ListType:
    inner: TypeExpr
    span: Span


@dataclass(frozen=True, slots=True)
class InlineEnum:
    values: tuple[Ident, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class RecordTypeField:
    name: Ident
    type: TypeExpr
    span: Span


@dataclass(frozen=True, slots=True)
class RecordType:
    fields: tuple[RecordTypeField, ...]
    span: Span


TypeExpr = Union[NamedType, OptionalType, ListType, InlineEnum, RecordType]


# ----------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class IntLit:
    value: int
    span: Span


@dataclass(frozen=True, slots=True)
class DecimalLit:
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class StringLit:
    text: Text
    span: Span


@dataclass(frozen=True, slots=True)
class BoolLit:
    value: bool
    span: Span


@dataclass(frozen=True, slots=True)
class NoneLit:
    span: Span


@dataclass(frozen=True, slots=True)
class Name:
    ident: Ident
    span: Span


@dataclass(frozen=True, slots=True)
class Attr:
    obj: Expr
    name: Ident
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    func: Ident
    args: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "not" | "-"
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # "or" "and" "==" "!=" "<" "<=" ">" ">=" "in" "not in" "+" "-" "*" "/" "%"
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class FieldInit:
    name: Ident
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class RecordLit:
    fields: tuple[FieldInit, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Insert:
    entity: Ident
    fields: tuple[FieldInit, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class OrderKey:
    expr: Expr
    descending: bool
    explicit: bool  # the direction was written out (kept by fmt)
    span: Span


@dataclass(frozen=True, slots=True)
class Find:
    first: bool
    var: Ident
    entity: Ident
    where: Expr | None
    order: tuple[OrderKey, ...]
    limit: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class Count:
    var: Ident
    entity: Ident
    where: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class Sum:
    value: Expr
    var: Ident
    entity: Ident
    where: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class Quantifier:
    kind: str  # "all" | "exists"
    var: Ident
    entity: Ident
    where: Expr | None
    body: Expr
    span: Span


Expr = Union[
    IntLit, DecimalLit, StringLit, BoolLit, NoneLit, Name, Attr, Call, Unary, Binary,
    ListLit, RecordLit, Insert, Find, Count, Sum, Quantifier,
]


@dataclass(frozen=True, slots=True)
class Message:
    """A `require` message: literal text with `{expr}` interpolations."""

    text: Text
    parts: tuple[str | Expr, ...]
    span: Span


# ----------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class Let:
    name: Ident
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Require:
    cond: Expr
    error: Ident
    message: Message | None
    span: Span


@dataclass(frozen=True, slots=True)
class Assignment:
    field: Ident
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Update:
    target: Expr
    assignments: tuple[Assignment, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Delete:
    target: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Block:
    stmts: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class If:
    cond: Expr
    then: Block
    orelse: Block | If | None
    span: Span


@dataclass(frozen=True, slots=True)
class For:
    var: Ident
    iterable: Expr
    body: Block
    span: Span


@dataclass(frozen=True, slots=True)
class Return:
    value: Expr | None
    span: Span


@dataclass(frozen=True, slots=True)
class ExprStmt:
    expr: Expr
    span: Span


Stmt = Union[Let, Require, Update, Delete, If, For, Return, ExprStmt]


# ----------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Title:
    text: Text
    span: Span


@dataclass(frozen=True, slots=True)
class Domain:
    name: Ident
    span: Span


@dataclass(frozen=True, slots=True)
class Description:
    text: Text
    span: Span


@dataclass(frozen=True, slots=True)
class Policy:
    text: Text
    span: Span


@dataclass(frozen=True, slots=True)
class Clock:
    text: Text
    span: Span


@dataclass(frozen=True, slots=True)
class Seed:
    path: Text
    entity: Ident | None  # CSV seeds name the entity they fill: seed "x.csv" as Flight
    span: Span


@dataclass(frozen=True, slots=True)
class ErrorDecl:
    name: Ident
    doc: Text | None
    span: Span


@dataclass(frozen=True, slots=True)
class EnumDecl:
    name: Ident
    doc: Text | None
    values: tuple[Ident, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class DefaultMod:
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class UniqueMod:
    span: Span


@dataclass(frozen=True, slots=True)
class CheckMod:
    cond: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class DocMod:
    text: Text
    span: Span


FieldMod = Union[DefaultMod, UniqueMod, CheckMod, DocMod]


@dataclass(frozen=True, slots=True)
class FieldDecl:
    name: Ident
    type: TypeExpr
    is_key: bool
    mods: tuple[FieldMod, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class EntityDecl:
    name: Ident
    doc: Text | None
    fields: tuple[FieldDecl, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Param:
    name: Ident
    type: TypeExpr
    default: Expr | None
    doc: Text | None
    span: Span


@dataclass(frozen=True, slots=True)
class ToolDecl:
    name: Ident
    params: tuple[Param, ...]
    returns: TypeExpr | None
    doc: Text | None
    raises: tuple[Ident, ...]
    body: Block
    span: Span


@dataclass(frozen=True, slots=True)
class InvariantDecl:
    name: Text
    expr: Expr
    span: Span


Item = Union[
    Title, Domain, Description, Policy, Clock, Seed, ErrorDecl, EnumDecl, EntityDecl,
    ToolDecl, InvariantDecl,
]


@dataclass(frozen=True, slots=True)
class EnvDecl:
    name: Ident
    items: tuple[Item, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Module:
    """One parsed file. `env` is None when the file could not be parsed at all."""

    path: str
    env: EnvDecl | None
    comments: tuple[Comment, ...]
