"""A compiled environment in memory: what `Environment.load` builds once and
every instance (and every reset) shares.

It comes from a compiled folder (`tools.py` executed as a module, the spec
re-checked for the seed rows, the manifest's source hash compared) or
straight from a spec (emitted in memory). Seed rows are kept in the stored
representation, ready to insert.
"""

from __future__ import annotations

import hashlib
import json
import types
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from envdsl.emit.sql import table_order
from envdsl.ir import nodes as ir


class LoadError(Exception):
    """The environment cannot be loaded (a missing folder, a stale compile, a broken spec)."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: str
    key_index: int
    select_all: str  # every row, in key order
    select_one: str  # one row by key


@dataclass
class CompiledEnv:
    env: ir.Env
    module: types.ModuleType
    tool_class: type
    tool_schemas: list[dict[str, Any]]
    tables: dict[str, Table]
    seed_rows: dict[str, list[tuple]]  # entity -> stored rows in key order
    sequences: dict[str, int]  # entity -> next number for next_id
    source: str  # where it came from, for messages
    seed_hash: str | None
    images: dict[str, Any] = field(default_factory=dict)  # backend -> its seeded image (built lazily)


def _stored(value: Any) -> Any:
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, Decimal):
        return int((value * 100).to_integral_value())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def tables_of(env: ir.Env) -> dict[str, Table]:
    out = {}
    for entity in table_order(env):
        cols = tuple(f.name for f in entity.fields)
        quoted = ", ".join(f'"{c}"' for c in cols)
        out[entity.name] = Table(
            entity.name,
            cols,
            entity.key,
            cols.index(entity.key),
            f'SELECT {quoted} FROM "{entity.name}" ORDER BY "{entity.key}"',
            f'SELECT {quoted} FROM "{entity.name}" WHERE "{entity.key}" = ?',
        )
    return out


def _sequences(env: ir.Env, rows: dict[str, list[tuple]], tables: dict[str, Table]) -> dict[str, int]:
    """next_id continues the seed's rule: 1 + the largest N of keys spelled prefix + N."""
    import re

    out: dict[str, int] = {}
    for entity in env.entities:
        default = entity.key_field.default
        if not isinstance(default, ir.NextId):
            continue
        pattern = re.compile(re.escape(default.prefix) + r"([0-9]+)\Z")
        index = tables[entity.name].key_index
        numbers = [int(m.group(1)) for row in rows.get(entity.name, []) if isinstance(row[index], str) and (m := pattern.match(row[index]))]
        out[entity.name] = max(numbers, default=0) + 1
    return out


def _exec_module(source: str, name: str, filename: str) -> types.ModuleType:
    # The module is code envdsl generated from the checked IR (spec strings are
    # repr()'d literals in it); nothing from the spec is executed as code.
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102
    return module


def _find_class(module: types.ModuleType) -> type:
    from envdsl.runtime.support import ToolSet

    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, ToolSet) and value is not ToolSet:
            return value
    raise LoadError(f"{module.__file__}: no environment class found")


def _load_front_end(spec_path: Path):
    from envdsl.diagnostics.render import render
    from envdsl.workspace import load_spec

    loaded = load_spec(spec_path)
    if not loaded.ok or loaded.env is None:
        errors = render([d for d in loaded.diagnostics if d.is_error], loaded.sources, "concise")
        raise LoadError(f"{spec_path} has errors:\n{errors}")
    return loaded


def _assemble(env: ir.Env, seed: Any, module: types.ModuleType, schemas: list[dict[str, Any]], source: str) -> CompiledEnv:
    tables = tables_of(env)
    rows: dict[str, list[tuple]] = {}
    for name, table in tables.items():
        seeded = seed.rows.get(name, ()) if seed is not None else ()
        stored = [tuple(_stored(row[c]) for c in table.columns) for row in seeded]
        stored.sort(key=lambda r: r[table.key_index])
        rows[name] = stored
    return CompiledEnv(
        env=env,
        module=module,
        tool_class=_find_class(module),
        tool_schemas=schemas,
        tables=tables,
        seed_rows=rows,
        sequences=_sequences(env, rows, tables),
        source=source,
        seed_hash=getattr(seed, "hash", None),
    )


def from_spec(spec_path: Path) -> CompiledEnv:
    """Compile a spec in memory (no files written)."""
    from envdsl.emit.python import emit_python
    from envdsl.emit.schemas import emit_tool_schemas

    loaded = _load_front_end(spec_path)
    env = loaded.env
    source = emit_python(env, f"# Generated by envdsl from {loaded.display_path} (in memory).")
    module = _exec_module(source, f"envdsl_compiled_{env.name}", f"<envdsl {loaded.display_path}>")
    return _assemble(env, loaded.seed, module, emit_tool_schemas(env), loaded.display_path)


def from_compiled(folder: Path) -> CompiledEnv:
    """Load `compiled/<domain>/<env>/`: its tools.py runs; the spec supplies the seed."""
    manifest_path = folder / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        tools_source = (folder / "tools.py").read_text(encoding="utf-8")
        schemas = json.loads((folder / "tools.json").read_text(encoding="utf-8"))["tools"]
    except (OSError, ValueError, KeyError) as error:
        raise LoadError(f"{folder} is not a compiled environment: {error}") from None
    spec_path = (folder / manifest["spec_from_here"]).resolve()
    if not spec_path.is_file():
        raise LoadError(f"{folder}: its spec {manifest['spec']} is not at {spec_path}")
    text = spec_path.read_text(encoding="utf-8").replace("\r\n", "\n")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != manifest["source_sha256"]:
        raise LoadError(f"{folder} is stale: {manifest['spec']} changed since it was compiled; run `envdsl compile`")
    loaded = _load_front_end(spec_path)
    if getattr(loaded.seed, "hash", None) != manifest.get("seed_sha256"):
        raise LoadError(f"{folder} is stale: the seed data changed since it was compiled; run `envdsl compile`")
    module = _exec_module(tools_source, f"envdsl_compiled_{manifest['env']}", str(folder / "tools.py"))
    return _assemble(loaded.env, loaded.seed, module, schemas, str(folder))


def load(path: Path) -> CompiledEnv:
    path = Path(path)
    if path.is_dir():
        return from_compiled(path)
    if path.is_file():
        return from_spec(path)
    raise LoadError(f"no such compiled folder or spec: {path}")

