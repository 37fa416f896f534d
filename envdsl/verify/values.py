"""Values at the verifier's edges: stored rows -> evaluator rows, and the
conformance of a tool's JSON result to its declared return type.

The oracle reads the runtime's rows as JSON values (`Environment.rows`:
money a number of units, dates ISO text) and gives them the representation of
`envdsl/ir/types.py`, so invariants and field checks are evaluated by the
reference interpreter (`envdsl.ir.evaluate`), not by the SQL that runs the
tools: a bug in how an expression is compiled to SQL cannot then hide itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from envdsl.ir import nodes as ir
from envdsl.ir import types as t

_CENT = Decimal("0.01")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\Z")


def _from_json(type_: t.Type) -> Callable[[Any], Any]:
    base = t.strip_optional(type_)
    if isinstance(base, t.Scalar):
        if base.kind == "money":
            return lambda v: None if v is None else Decimal(repr(v) if isinstance(v, float) else v).quantize(_CENT)
        if base.kind == "bool":
            return lambda v: None if v is None else bool(v)
        if base.kind == "date":
            return lambda v: None if v is None else dt.date.fromisoformat(v)
        if base.kind == "datetime":
            return lambda v: None if v is None else dt.datetime.fromisoformat(v)
        if base.kind == "float":
            return lambda v: None if v is None else float(v)
    return lambda v: v


def row_converter(entity: ir.Entity) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """JSON row (as `Environment.rows` gives it) -> evaluator row."""
    converters = [(f.name, _from_json(f.type)) for f in entity.fields]

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        return {name: conv(row[name]) for name, conv in converters}

    return convert


# ------------------------------------------------------------------ results


def to_json_text(value: Any) -> str | None:
    """The JSON text of a result, or None when it does not serialize."""
    try:
        return json.dumps(value, allow_nan=False, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None


def conforms(value: Any, type_: t.Type | None, env: ir.Env, path: str = "result") -> str | None:
    """Why the JSON `value` does not match `type_` (None when it does)."""
    if type_ is None:
        return None if value is None else f"{path} should be null (the tool returns nothing), got {_short(value)}"
    if isinstance(type_, t.OptionalT):
        return None if value is None else conforms(value, type_.inner, env, path)
    if value is None:
        return f"{path} is null but its type `{type_}` is not optional"
    if isinstance(type_, t.ListT):
        if not isinstance(value, list):
            return f"{path} should be a list, got {_short(value)}"
        for i, item in enumerate(value):
            problem = conforms(item, type_.inner, env, f"{path}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(type_, t.RecordT):
        return _fields(value, type_.fields, env, path)
    if isinstance(type_, t.EntityT):
        entity = env.entity(type_.name)
        return _fields(value, tuple((f.name, _field_json_type(f)) for f in entity.fields), env, path)
    if isinstance(type_, t.EnumT):
        return (
            None if value in type_.values else f"{path} should be one of {', '.join(type_.values)}, got {_short(value)}"
        )
    if isinstance(type_, t.Scalar):
        return _scalar(value, type_.kind, path)
    return None


def _field_json_type(field: ir.Field) -> t.Type:
    """A row field as it appears in JSON: a reference is the referenced key."""
    base = t.strip_optional(field.type)
    if isinstance(base, t.EntityT):
        return _ReferenceT(base.name, field.type != base)  # type: ignore[return-value]
    return field.type


class _ReferenceT:
    def __init__(self, entity: str, optional: bool) -> None:
        self.entity, self.optional = entity, optional


def _fields(value: Any, fields: tuple[tuple[str, Any], ...], env: ir.Env, path: str) -> str | None:
    if not isinstance(value, dict):
        return f"{path} should be an object, got {_short(value)}"
    names = [n for n, _ in fields]
    if sorted(value) != sorted(names):
        return f"{path} should have the fields {', '.join(names)}, got {', '.join(map(str, value))}"
    for name, type_ in fields:
        if isinstance(type_, _ReferenceT):
            item = value[name]
            if item is None and type_.optional:
                continue
            key_kind = t.strip_optional(env.entity(type_.entity).key_field.type)
            problem = _scalar(item, str(key_kind), f"{path}.{name}")
        else:
            problem = conforms(value[name], type_, env, f"{path}.{name}")
        if problem:
            return problem
    return None


def _scalar(value: Any, kind: str, path: str) -> str | None:
    ok = {
        "str": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "duration": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "money": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and _two_places(v),
        "date": lambda v: isinstance(v, str) and bool(_DATE.match(v)),
        "datetime": lambda v: isinstance(v, str) and bool(_DATETIME.match(v)),
    }[kind]
    return None if ok(value) else f"{path} should be a {kind}, got {_short(value)}"


def _two_places(value: float) -> bool:
    amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return amount.is_finite() and (amount * 100) == (amount * 100).to_integral_value()


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
