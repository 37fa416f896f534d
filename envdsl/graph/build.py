"""The tool graph of an environment, built from the IR alone (a pure function).

Rule: an edge A -> B means "A can feed B", and only two facts make one:

- a **type edge** when A's result, an element of it, a field of a record
  result, or a reference field of a returned row has the type of one of B's
  parameters (entity and enum types: the things an agent copies from one
  result into the next call). The edge lists each shared type with where it
  comes from (`via`: "" for the result itself, "flight" for a row's field)
  and the parameter it fills.
- a **state edge** when A writes, inserts or deletes what B reads, from the
  effect sets the checker computed (`ir.Tool.effects`). The edge lists the
  shared `Entity.field`s.

Scalar types (str, int, money, ...) make no type edges: any tool returning
an int would feed every int parameter, which says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from envdsl.ir import nodes as ir
from envdsl.ir.types import EntityT, EnumT, ListT, OptionalT, RecordT, Type


@dataclass(frozen=True, order=True)
class Produced:
    """A value a tool's result offers: its type name, kind and where it sits in the result."""

    type: str
    kind: str  # "entity" | "enum"
    via: str  # "" (the result or its elements), "field" of a record, "row.field" of a returned row


def _strip(t: Type) -> Type:
    while isinstance(t, (OptionalT, ListT)):
        t = t.inner
    return t


def produced_types(env: ir.Env, returns: Type | None) -> list[Produced]:
    """Every entity/enum value an agent can read off a result of type `returns`."""
    out: set[Produced] = set()

    def add(t: Type, via: str, expand_rows: bool) -> None:
        t = _strip(t)
        if isinstance(t, EntityT):
            out.add(Produced(t.name, "entity", via))
            if expand_rows:
                for f in env.entity(t.name).fields:
                    inner = _strip(f.type)
                    if isinstance(inner, (EntityT, EnumT)):
                        add(inner, f"{via}.{f.name}" if via else f.name, False)
        elif isinstance(t, EnumT):
            out.add(Produced(t.name, "enum", via))
        elif isinstance(t, RecordT):
            for name, ft in t.fields:
                add(ft, f"{via}.{name}" if via else name, True)

    if returns is not None:
        add(returns, "", True)
    return sorted(out)


def accepted_type(param: ir.Param) -> tuple[str, str] | None:
    """The entity/enum type a parameter takes (through optional and list), if any."""
    t = _strip(param.type)
    if isinstance(t, EntityT):
        return t.name, "entity"
    if isinstance(t, EnumT):
        return t.name, "enum"
    return None


def _field_names(refs: tuple[ir.FieldRef, ...]) -> set[str]:
    return {f"{r.entity}.{r.field}" for r in refs}


def _state_overlap(a: ir.Tool, b: ir.Tool) -> list[str]:
    """`Entity.field`s A changes that B reads (an insert or delete touches every field; `*` reads all)."""
    changed = _field_names(a.effects.writes)
    whole = set(a.effects.inserts) | set(a.effects.deletes)
    shared: set[str] = set()
    for read in b.effects.reads:
        if read.entity in whole:
            shared.add(f"{read.entity}.{read.field}")
        elif read.field == "*":
            shared.update(c for c in changed if c.split(".", 1)[0] == read.entity)
        elif f"{read.entity}.{read.field}" in changed:
            shared.add(f"{read.entity}.{read.field}")
    return sorted(shared)


def tool_graph(env: ir.Env) -> nx.MultiDiGraph:
    """Nodes are tool names (attributes below); edges are keyed "type" or "state"."""
    graph = nx.MultiDiGraph(env=env.name, domain=env.domain)
    for tool in env.tools:
        graph.add_node(
            tool.name,
            params=[{"name": p.name, "type": str(p.type), "optional": p.default is not None} for p in tool.params],
            returns=str(tool.returns) if tool.returns is not None else None,
            read_only=tool.effects.is_read_only,
            reads=sorted(_field_names(tool.effects.reads)),
            writes=sorted(_field_names(tool.effects.writes)),
            inserts=list(tool.effects.inserts),
            deletes=list(tool.effects.deletes),
        )
    for a in env.tools:
        offers = produced_types(env, a.returns)
        for b in env.tools:
            if a.name == b.name:
                continue
            links = []
            for param in b.params:
                taken = accepted_type(param)
                if taken is None:
                    continue
                for offer in offers:
                    if (offer.type, offer.kind) == taken:
                        links.append({"type": offer.type, "kind": offer.kind, "via": offer.via, "param": param.name})
            if links:
                direct = any(link["via"] == "" and link["kind"] == "entity" for link in links)
                graph.add_edge(a.name, b.name, key="type", links=links, direct=direct)
            shared = _state_overlap(a, b)
            if shared:
                graph.add_edge(a.name, b.name, key="state", fields=shared)
    return graph


def producers(graph: nx.MultiDiGraph, tool: str, param: str) -> list[tuple[str, dict[str, Any]]]:
    """Tools whose result can supply `tool`'s `param`, with the link, sorted (direct links first)."""
    found = []
    for source, _, key, data in graph.in_edges(tool, keys=True, data=True):
        if key != "type":
            continue
        for link in data["links"]:
            if link["param"] == param:
                found.append((source, link))
    return sorted(found, key=lambda item: (item[1]["via"] != "", item[1]["via"].count("."), item[0], item[1]["via"]))


def to_json(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """A stable JSON form: nodes in declaration order, edges sorted."""
    edges = []
    for a, b, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        edge: dict[str, Any] = {"from": a, "to": b, "kind": key}
        edge.update({k: v for k, v in data.items()})
        edges.append(edge)
    return {
        "env": graph.graph["env"],
        "domain": graph.graph["domain"],
        "nodes": [{"name": n, **d} for n, d in graph.nodes(data=True)],
        "edges": edges,
    }
