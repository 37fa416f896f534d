"""IR -> `tools.json`: OpenAI function-calling schemas, valid in strict mode.

Strict mode wants every property listed in `required` and
`additionalProperties: false` on every object; so a parameter with a default
is required but nullable (`["integer", "null"]`), and `null` means "use the
default". An entity-typed parameter is shown as its key, described by the
key's and the entity's documentation. The same schemas are what MCP serves.
"""

from __future__ import annotations

from typing import Any

from envdsl.emit.python import param_doc
from envdsl.ir import nodes as ir
from envdsl.ir import types as t

_DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"


def _base_schema(type_: t.Type, env: ir.Env) -> dict[str, Any]:
    if isinstance(type_, t.ListT):
        return {"type": "array", "items": value_schema(type_.inner, env)}
    if isinstance(type_, t.EnumT):
        return {"type": "string", "enum": list(type_.values)}
    if isinstance(type_, t.EntityT):
        return _base_schema(env.entity(type_.name).key_field.type, env)
    assert isinstance(type_, t.Scalar), type_
    k = type_.kind
    if k == "str":
        return {"type": "string"}
    if k in ("int", "duration"):
        return {"type": "integer"}
    if k == "float":
        return {"type": "number"}
    if k == "money":
        return {"type": "number", "description": "An amount of money with at most 2 decimal places."}
    if k == "bool":
        return {"type": "boolean"}
    if k == "date":
        return {"type": "string", "format": "date", "description": "A date, YYYY-MM-DD."}
    if k == "datetime":
        return {"type": "string", "pattern": _DATETIME_PATTERN, "description": "A date and time, YYYY-MM-DDTHH:MM:SS (no time zone)."}
    raise AssertionError(k)


def value_schema(type_: t.Type, env: ir.Env, *, nullable: bool = False) -> dict[str, Any]:
    nullable = nullable or isinstance(type_, t.OptionalT)
    schema = _base_schema(t.strip_optional(type_), env)
    if nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    return schema


def _default_text(p: ir.Param) -> str:
    d = p.default
    if isinstance(d, ir.Literal):
        if d.value is None:
            return "none"
        if isinstance(d.value, bool):
            return "true" if d.value else "false"
        if hasattr(d.value, "isoformat"):
            return d.value.isoformat()  # type: ignore[union-attr]
        return str(d.value)
    if isinstance(d, ir.EnumValue):
        return d.value
    if isinstance(d, ir.Call) and d.func in ("now", "today"):
        return f"{d.func}()"
    return "the default"


def param_schema(p: ir.Param, env: ir.Env) -> dict[str, Any]:
    has_default = p.default is not None
    schema = value_schema(p.type, env, nullable=has_default)
    parts = [param_doc(p, env)]
    if "description" in schema:
        parts.append(schema.pop("description"))
    if has_default and not isinstance(p.type, t.OptionalT):
        parts.append(f"null: use the default ({_default_text(p)}).")
    elif has_default:
        parts.append(f"Optional; default {_default_text(p)}.")
    return {"description": " ".join(parts), **schema}


def tool_schema(tool: ir.Tool, env: ir.Env) -> dict[str, Any]:
    description = tool.doc.strip() or f"The `{tool.name}` tool."
    if tool.raises:
        description += f" Fails with: {', '.join(tool.raises)}."
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": description,
            "strict": True,
            "parameters": {
                "type": "object",
                "properties": {p.name: param_schema(p, env) for p in tool.params},
                "required": [p.name for p in tool.params],
                "additionalProperties": False,
            },
        },
    }


def emit_tool_schemas(env: ir.Env) -> list[dict[str, Any]]:
    """One schema per tool, in the spec's order."""
    return [tool_schema(tool, env) for tool in env.tools]
