"""Draft a spec from an OpenAPI 3 document: schemas become entities, operations become tools.

Rule: deterministic and conservative. An object schema with an `id`
property (int or string), or a required int/string property named
`<schema>_id`/`code`/`key`, is an entity; its scalar properties become
fields (integer → int, number → float, boolean → bool, string → str, with
`format: date`/`date-time` → date/datetime, a string enum of names → a named
enum, a `$ref` to an entity → a reference), optional unless
required. Operations map by shape onto one entity (the path's first
segment, or the schema their body or answer names):

    GET    /things            → list tool: `find … limit` (an int `limit` parameter if declared)
    GET    /things/{id}       → look-up tool: the row (404 is the built-in NotFound)
    POST   /things  (body)    → create tool: `insert`, with `Conflict` raised for a key already taken
    PUT|PATCH /things/{id}    → update tool: the body's non-key fields
    DELETE /things/{id}       → delete tool

Anything else (nested objects, arrays, operations that fit no shape,
declared 4xx responses no rule raises) is reported as a decision, never
guessed. The seed is built from the schemas' `example` objects, if any.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdsl.importers.tables import RESERVED, Draft, ImportError_, camel, snake

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field_:  # noqa: N801
    name: str
    type: str
    optional: bool
    doc: str = ""


@dataclass
class Entity:
    schema: str
    name: str
    key: Field_
    fields: list[Field_] = field(default_factory=list)
    enums: list[str] = field(default_factory=list)  # named enum declarations for its enum fields
    example: dict[str, Any] | None = None


def load_document(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportError_(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            from ruamel.yaml import YAML
            from ruamel.yaml.error import YAMLError

            try:
                data = YAML(typ="safe", pure=True).load(text)
            except YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
                raise ImportError_(
                    f"{path}{where}: not valid YAML: {getattr(error, 'problem', None) or error}"
                ) from None
    except json.JSONDecodeError as error:
        raise ImportError_(f"{path}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}") from None
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3"):
        raise ImportError_(f"{path}: not an OpenAPI 3 document (no `openapi: 3.x` at the top)")
    if not isinstance(data.get("paths"), dict):
        raise ImportError_(f"{path}: the document has no `paths`")
    return data


def _ref_name(ref: str) -> str | None:
    prefix = "#/components/schemas/"
    return ref[len(prefix) :] if isinstance(ref, str) and ref.startswith(prefix) else None


def _scalar(schema: dict[str, Any]) -> str | None:
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "integer":
        return "int"
    if kind == "number":
        return "float"
    if kind == "boolean":
        return "bool"
    if kind == "string":
        values = schema.get("enum")
        if (
            isinstance(values, list)
            and values
            and all(isinstance(v, str) and NAME.match(v) and v not in RESERVED for v in values)
        ):
            return "enum { " + ", ".join(dict.fromkeys(values)) + " }"
        return {"date": "date", "date-time": "datetime"}.get(fmt or "", "str")
    return None


def _entities(schemas: dict[str, Any], decisions: list[str]) -> dict[str, Entity]:
    found: dict[str, Entity] = {}
    for schema_name, schema in schemas.items():
        if (
            not isinstance(schema, dict)
            or schema.get("type", "object") != "object"
            or not isinstance(schema.get("properties"), dict)
        ):
            continue
        if re.search(r"(error|problem|exception)s?$", schema_name, re.I):
            decisions.append(f"{schema_name}: an error body, not state; no entity was made for it")
            continue
        props = schema["properties"]
        required = set(schema.get("required", []))
        candidates = ["id", f"{snake(schema_name)}_id", "code", "key"]
        key_prop = next(
            (
                p
                for p in candidates
                if p in props and _scalar(props[p]) in ("int", "str") and (p == "id" or p in required)
            ),
            None,
        )
        if key_prop is None:
            continue
        found[schema_name] = Entity(
            schema_name,
            camel(schema_name) if camel(schema_name) not in RESERVED else schema_name + "_",
            Field_(snake(key_prop), _scalar(props[key_prop]) or "str", False),
        )
    for schema_name, entity in found.items():
        schema = schemas[schema_name]
        required = set(schema.get("required", []))
        for prop, sub in schema["properties"].items():
            name = snake(prop)
            if name == entity.key.name:
                continue
            sub = sub if isinstance(sub, dict) else {}
            target = _ref_name(sub.get("$ref", ""))
            kind = found[target].name if target in found else _scalar(sub)
            if kind is not None and kind.startswith("enum {"):
                # A named enum: an inline one is its own type, which a tool parameter could not share.
                enum_name = entity.name + "".join(w[:1].upper() + w[1:] for w in name.split("_"))
                entity.enums.append(f"  enum {enum_name} {kind[len('enum ') :]}")
                kind = enum_name
            if kind is None:
                decisions.append(
                    f"{schema_name}.{prop}: a {sub.get('type') or 'referenced'} value has no field type; it was left out"
                )
                continue
            doc = str(sub.get("description", "")).splitlines()[0] if sub.get("description") else ""
            entity.fields.append(Field_(name, kind, prop not in required, doc))
        example = schema.get("example")
        entity.example = example if isinstance(example, dict) else None
    return found


def _quote(text: str) -> str:
    return json.dumps(text.replace("{", "(").replace("}", ")"), ensure_ascii=False)  # `{` starts an interpolation


def _body_entity(operation: dict[str, Any], entities: dict[str, Entity]) -> str | None:
    content = (operation.get("requestBody") or {}).get("content") or {}
    for media in content.values():
        name = _ref_name((media.get("schema") or {}).get("$ref", ""))
        if name in entities:
            return name
    return None


def _path_entity(path: str, entities: dict[str, Entity]) -> str | None:
    first = next((s for s in path.strip("/").split("/") if s and not s.startswith("{")), "")
    for schema_name, entity in entities.items():
        if camel(first) == entity.name or snake(first) in (snake(entity.name), snake(entity.name) + "s"):
            return schema_name
    return None


def draft_openapi(document: dict[str, Any], env_name: str, domain: str, source: Path, command: str) -> Draft:
    for label, value in (("--name", env_name), ("--domain", domain)):
        if not NAME.match(value) or value in RESERVED:
            raise ImportError_(f"{label} {value!r} must be a name: a letter, then letters, digits or _ (not a keyword)")
    decisions: list[str] = []
    schemas = (document.get("components") or {}).get("schemas") or {}
    entities = _entities(schemas, decisions)
    if not entities:
        raise ImportError_(
            f"{source}: no schema has an `id` (or another key) property, so there is no entity to keep state in"
        )
    tools: list[str] = []
    used_names: set[str] = set()
    raises_conflict = False
    for path, item in document["paths"].items():
        if not isinstance(item, dict):
            continue
        segments = [s for s in path.strip("/").split("/") if s]
        on_item = bool(segments) and segments[-1].startswith("{") and len(segments) == 2
        on_collection = len(segments) == 1
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            op_id = operation.get("operationId") or f"{method}_{'_'.join(segments)}"
            tool_name = snake(op_id)
            while tool_name in used_names:
                tool_name += "_2"
            schema_name = _path_entity(path, entities) or _body_entity(operation, entities)
            if schema_name is None or not (on_item or on_collection):
                decisions.append(f"{method.upper()} {path} ({op_id}): fits no entity shape; no tool was made")
                continue
            entity = entities[schema_name]
            doc = str(
                operation.get("summary") or operation.get("description") or f"{method.upper()} {path}"
            ).splitlines()[0]
            errors = sorted(
                {
                    str(code)
                    for code in (operation.get("responses") or {})
                    if str(code)[:1] == "4" and str(code) not in ("404", "409")
                }
            )
            for code in errors:
                decisions.append(
                    f"{op_id}: declares HTTP {code}, which no rule of the draft raises; add a `require` if it applies"
                )
            text = _tool(method, on_item, on_collection, operation, entity, tool_name, doc, decisions, op_id)
            if text is None:
                continue
            raises_conflict |= "raises Conflict" in text
            used_names.add(tool_name)
            tools.append(text)
    if not tools:
        raise ImportError_(f"{source}: no operation maps onto an entity (see the decisions above)")
    info = document.get("info") or {}
    title = str(info.get("title") or env_name)
    lines = [
        f"// Drafted by `{command}`; review the types, rules and errors.",
        f"env {env_name} {{",
        f"  title {_quote(title)}",
        f"  domain {domain}",
    ]
    if info.get("description"):
        lines.append(f"  description {_quote(str(info['description']).splitlines()[0])}")
    examples = [e for e in entities.values() if e.example]
    if examples:
        lines.append(f'  seed "{env_name}.seed.yaml"')
    if raises_conflict:
        lines += ["", '  error Conflict "A row with this key already exists."']
    for entity in entities.values():
        lines += ["", *entity.enums, f"  entity {entity.name} {{", f"    key {entity.key.name}: {entity.key.type}"]
        for f in entity.fields:
            lines.append(f"    {f.name}: {f.type}{'?' if f.optional else ''}" + (f" {_quote(f.doc)}" if f.doc else ""))
        lines.append("  }")
    for text in tools:
        lines += ["", text]
    lines.append("}")
    seed = None
    if examples:
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
        seed_lines = ["provenance:", f"  source: {json.dumps('examples in ' + source.name + ' sha256:' + digest)}"]
        for entity in examples:
            row = {entity.key.name: entity.example.get(entity.key.name)}  # type: ignore[union-attr]
            for f in entity.fields:
                value = next((v for k, v in entity.example.items() if snake(k) == f.name), None)  # type: ignore[union-attr]
                if value is not None and not isinstance(value, dict | list):
                    row[f.name] = value
            seed_lines += [f"{entity.name}:", "  - " + json.dumps(row, ensure_ascii=False)]
        seed = "\n".join(seed_lines) + "\n"
    return Draft("\n".join(lines) + "\n", seed or "", decisions)


def _params(operation: dict[str, Any], where: str) -> list[dict[str, Any]]:
    return [p for p in operation.get("parameters") or [] if isinstance(p, dict) and p.get("in") == where]


def _tool(
    method: str,
    on_item: bool,
    on_collection: bool,
    operation: dict[str, Any],
    entity: Entity,
    name: str,
    doc: str,
    decisions: list[str],
    op_id: str,
) -> str | None:
    var = snake(entity.name)
    var = var if var not in RESERVED else var + "_"
    header = f"  tool {name}"
    if method == "get" and on_collection:
        limit = next((p for p in _params(operation, "query") if p.get("name") == "limit"), None)
        dropped = [p.get("name") for p in _params(operation, "query") if p is not limit]
        if dropped:
            decisions.append(
                f"{op_id}: query parameters {', '.join(map(str, dropped))} were not mapped (add `where` filters)"
            )
        param = 'limit: int "How many rows at most"' if limit is not None else 'max_rows: int "How many rows at most"'
        limit_name = "limit" if limit is not None else "max_rows"
        return f"{header}({param}) -> list<{entity.name}> {_quote(doc)} {{\n    return find row in {entity.name} limit {limit_name}\n  }}"
    if method == "get" and on_item:
        return f"{header}({var}: {entity.name}) -> {entity.name} {_quote(doc)} {{\n    return {var}\n  }}"
    if method == "delete" and on_item:
        return f"{header}({var}: {entity.name}) {_quote(doc)} {{\n    delete {var}\n  }}"
    if method == "post" and on_collection and _body_entity(operation, {entity.schema: entity}):
        params = [f"{entity.key.name}: {entity.key.type}"] + [
            f"{f.name}: {f.type}" for f in entity.fields if not f.optional
        ]
        params += [f"{f.name}: {f.type}? = none" for f in entity.fields if f.optional]
        values = ", ".join(f"{f}: {f}" for f in [entity.key.name] + [x.name for x in entity.fields])
        k = entity.key.name
        return (
            f"{header}({', '.join(params)}) -> {entity.name} {_quote(doc)} raises Conflict {{\n"
            f'    require count(row in {entity.name} where row.{k} == {k}) == 0 else Conflict "{k} {{{k}}} is taken"\n'
            f"    return insert {entity.name} {{ {values} }}\n  }}"
        )
    if method in ("put", "patch") and on_item:
        fields = entity.fields
        if not fields:
            return None
        params = [f"{var}: {entity.name}"] + [f"{f.name}: {f.type}{'?' if f.optional else ''}" for f in fields]
        sets = ", ".join(f"{f.name} = {f.name}" for f in fields)
        return f"{header}({', '.join(params)}) -> {entity.name} {_quote(doc)} {{\n    update {var} set {sets}\n    return {var}\n  }}"
    decisions.append(f"{method.upper()} {op_id}: this shape of operation is not mapped; no tool was made")
    return None
