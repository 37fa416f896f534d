"""IR -> `manifest.json`: what a compiled environment is, for tools and reviewers.

Source and seed hashes (so the runtime and `--check` can tell stale output),
the compiler version, entities, and each tool's parameters, result, declared
errors and read/write sets (from `ir.Tool.effects`, which the checker
computed). Everything is listed in the spec's order or sorted.
"""

from __future__ import annotations

from typing import Any

from envdsl.ir import nodes as ir
from envdsl.ir import types as t


def _field(f: ir.Field) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "type": str(f.type)}
    if f.is_key:
        out["key"] = True
    if f.unique and not f.is_key:
        out["unique"] = True
    base = t.strip_optional(f.type)
    if isinstance(base, t.EntityT):
        out["references"] = base.name
    if isinstance(base, t.EnumT):
        out["values"] = list(base.values)
    return out


def _tool(tool: ir.Tool) -> dict[str, Any]:
    e = tool.effects
    return {
        "name": tool.name,
        "params": [{"name": p.name, "type": str(p.type), "default": p.default is not None} for p in tool.params],
        "returns": str(tool.returns) if tool.returns is not None else None,
        "raises": list(tool.raises),
        "read_only": e.is_read_only,
        "reads": [f"{r.entity}.{r.field}" for r in e.reads],
        "writes": [f"{w.entity}.{w.field}" for w in e.writes],
        "inserts": list(e.inserts),
        "deletes": list(e.deletes),
    }


def emit_manifest(
    env: ir.Env,
    *,
    version: str,
    spec: str,
    spec_from_output: str,
    source_sha256: str,
    seed_sha256: str | None,
    seed_rows: int,
    files: dict[str, str],
) -> dict[str, Any]:
    return {
        "generated": f"by envdsl from {spec}; do not edit",
        "envdsl": version,
        "env": env.name,
        "domain": env.domain,
        "title": env.title,
        "spec": spec,
        "spec_from_here": spec_from_output,
        "source_sha256": source_sha256,
        "seed_sha256": seed_sha256,
        "seed_rows": seed_rows,
        "clock": env.clock.isoformat(),
        "entities": [
            {"name": e.name, "key": e.key, "doc": e.doc, "fields": [_field(f) for f in e.fields]} for e in env.entities
        ],
        "tools": [_tool(tool) for tool in env.tools],
        "errors": [{"name": err.name, "doc": err.doc} for err in env.errors],
        "invariants": [inv.name for inv in env.invariants],
        "files": dict(sorted(files.items())),
    }
