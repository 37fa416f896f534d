"""The checked, typed representation of an environment (the IR).

Produced only by `envdsl.check`; consumed by every later phase (emitters,
runtime, verifier, graph, sampler). Everything here has been proved by the
checker: names are resolved, types are known and consistent, every insert
lists a value for every field, effects are computed. Later phases never look
at the syntax tree and never re-validate; if they need a fact, the checker
puts it here. Nodes are frozen and hold tuples; every node has a span.

Expression nodes share two attributes, `type` and `span`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Union

from envdsl.diagnostics.span import Span
from envdsl.ir.types import Type

# ----------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant. `value` is a Python value of the type's representation
    (str, int, float, bool, Decimal for money, date, datetime, int seconds for
    duration) or None for `none`."""

    value: str | int | float | bool | Decimal | dt.date | dt.datetime | None
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class Var:
    """A variable. `kind` says where it was bound:

    - "param": a tool parameter (entity-typed ones hold the looked-up row);
    - "local": a `let`;
    - "loop": a `for` variable;
    - "bound": the variable of a `find`, `count`, `sum` or quantifier, ranging
      over the rows of an entity inside that expression;
    - "row": the row a `check` or default is evaluated on (name "_row").
    """

    name: str
    kind: str
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class EnumValue:
    enum: str
    value: str
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class Attr:
    """`obj.field` where `obj` is an entity row (possibly reached through references)."""

    obj: Expr
    entity: str
    field: str
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class RecordGet:
    """`obj.field` where `obj` is a record value."""

    obj: Expr
    field: str
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    """A built-in function (see `envdsl/check/builtins.py`)."""

    func: str
    args: tuple[Expr, ...]
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "not" | "-"
    operand: Expr
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class Binary:
    """A binary operation. `op` is one of: or and == != < <= > >= in + - * / %.

    Operand types are what the checker proved; `==`/`!=` between optional
    values compare `none` as equal to `none` (SQL: IS / IS NOT). `/` on two
    ints yields a float. `+`/`-` on a date or datetime and a duration shift
    it; `-` between two datetimes yields a duration. `+` on strings concatenates.
    """

    op: str
    left: Expr
    right: Expr
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple[Expr, ...]
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class RecordLit:
    """Fields in the order of the record type."""

    fields: tuple[tuple[str, Expr], ...]
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class NextId:
    """The generated key `next_id("R")`: prefix + next number for the entity."""

    prefix: str
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class Insert:
    """Insert a row. `values` has one entry per field of the entity, in
    declaration order: the written expression, the field's default, or a
    `Literal(None)` for an optional field left out."""

    entity: str
    values: tuple[tuple[str, Expr], ...]
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class OrderKey:
    expr: Expr
    descending: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Find:
    """Rows of `entity` (bound to `var`) matching `where`, sorted by `order`
    then by key (so results are deterministic), at most `limit`.
    `first=True` yields the first row or none (type `E?`)."""

    var: str
    entity: str
    where: Expr | None
    order: tuple[OrderKey, ...]
    limit: Expr | None
    first: bool
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class Count:
    var: str
    entity: str
    where: Expr | None
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class Sum:
    """Sum of `value` over matching rows; 0 when none match."""

    value: Expr
    var: str
    entity: str
    where: Expr | None
    type: Type
    span: Span


@dataclass(frozen=True, slots=True)
class Quantifier:
    kind: str  # "all" | "exists"
    var: str
    entity: str
    where: Expr | None
    body: Expr
    type: Type
    span: Span


Expr = Union[
    Literal, Var, EnumValue, Attr, RecordGet, Call, Unary, Binary, ListLit, RecordLit, NextId, Insert,
    Find, Count, Sum, Quantifier,
]

# ----------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class Let:
    var: str
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Require:
    """Fail with `error` unless `cond` holds. `message` parts are literal text
    or expressions rendered with `str()` (keys for rows)."""

    cond: Expr
    error: str
    message: tuple[str | Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Update:
    target: Expr
    entity: str
    assignments: tuple[tuple[str, Expr], ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Delete:
    target: Expr
    entity: str
    span: Span


@dataclass(frozen=True, slots=True)
class If:
    cond: Expr
    then: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class For:
    """Iterate over a list evaluated once, before the first iteration."""

    var: str
    iterable: Expr
    body: tuple[Stmt, ...]
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
class Enum:
    name: str
    values: tuple[str, ...]
    doc: str
    inline: bool  # declared inline on a field; `name` is then Entity_field
    span: Span


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: Type
    is_key: bool
    unique: bool
    default: Expr | None
    checks: tuple[Expr, ...]  # each evaluated with Var("_row", "row") bound to the row
    doc: str
    span: Span

    @property
    def required(self) -> bool:
        """Must be given on insert and in seed rows."""
        from envdsl.ir.types import OptionalT

        return self.default is None and not isinstance(self.type, OptionalT)


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    doc: str
    fields: tuple[Field, ...]
    key: str
    span: Span

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def key_field(self) -> Field:
        found = self.field(self.key)
        assert found is not None
        return found


@dataclass(frozen=True, slots=True)
class Param:
    """A tool parameter. An entity-typed parameter is passed by key and looked
    up before the body runs (`NotFound` if there is no such row)."""

    name: str
    type: Type
    default: Expr | None
    doc: str
    span: Span


@dataclass(frozen=True, slots=True, order=True)
class FieldRef:
    entity: str
    field: str  # "*" for the whole row (a row returned or iterated)


@dataclass(frozen=True, slots=True)
class Effects:
    """What a tool may read and change, as sorted tuples (graph and verifier use them)."""

    reads: tuple[FieldRef, ...] = ()
    writes: tuple[FieldRef, ...] = ()
    inserts: tuple[str, ...] = ()
    deletes: tuple[str, ...] = ()

    @property
    def read_entities(self) -> tuple[str, ...]:
        return tuple(sorted({r.entity for r in self.reads}))

    @property
    def written_entities(self) -> tuple[str, ...]:
        return tuple(sorted({w.entity for w in self.writes} | set(self.inserts) | set(self.deletes)))

    @property
    def is_read_only(self) -> bool:
        return not (self.writes or self.inserts or self.deletes)


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    doc: str
    params: tuple[Param, ...]
    returns: Type | None
    raises: tuple[str, ...]  # declared errors, sorted; includes NotFound when a parameter is an entity
    body: tuple[Stmt, ...]
    effects: Effects
    span: Span


@dataclass(frozen=True, slots=True)
class ErrorDef:
    name: str
    doc: str
    builtin: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Invariant:
    name: str
    expr: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class SeedRef:
    path: str  # as written, relative to the spec's folder
    entity: str | None  # CSV seeds name their entity
    span: Span


@dataclass(frozen=True, slots=True)
class Env:
    name: str
    title: str
    domain: str
    description: str
    policy: str
    clock: dt.datetime
    seeds: tuple[SeedRef, ...]
    enums: tuple[Enum, ...]
    entities: tuple[Entity, ...]
    tools: tuple[Tool, ...]
    errors: tuple[ErrorDef, ...]
    invariants: tuple[Invariant, ...]
    path: str
    span: Span
    _entities: dict[str, Entity] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._entities.update({e.name: e for e in self.entities})

    def entity(self, name: str) -> Entity:
        return self._entities[name]

    def tool(self, name: str) -> Tool | None:
        for t in self.tools:
            if t.name == name:
                return t
        return None
