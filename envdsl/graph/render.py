"""Pictures and text forms of a tool graph: svg/png (matplotlib, Agg), dot, json.

Rule: the picture is for a person, so it draws less than the graph holds.
Columns follow the flow of values: a tool sits one column right of the
tools that can feed it directly (a result or its elements of an entity type
the tool takes; cycles are collapsed first). Solid arrows are those direct
type links, coloured by the entity they carry; dashed red arrows are state
links between tools that change state (A writes what B reads). Links
through a field of a row (`via`) and state links into read-only tools are
in the dot and json forms only. Write tools are drawn as filled boxes.
Output bytes are deterministic (fixed layout, no timestamps in the svg).
"""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from envdsl.graph import FORMATS
from envdsl.graph.build import to_json


def _columns(graph: nx.MultiDiGraph) -> dict[str, int]:
    direct = nx.DiGraph()
    direct.add_nodes_from(graph.nodes)
    for a, b, key, data in graph.edges(keys=True, data=True):
        if key == "type" and data.get("direct"):
            direct.add_edge(a, b)
    condensed = nx.condensation(direct)
    column: dict[int, int] = {}
    for component in nx.topological_sort(condensed):
        preds = list(condensed.predecessors(component))
        column[component] = 1 + max((column[p] for p in preds), default=-1)
    return {node: column[condensed.graph["mapping"][node]] for node in graph.nodes}


def layout(graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    columns = _columns(graph)
    by_column: dict[int, list[str]] = {}
    order = {name: i for i, name in enumerate(graph.nodes)}
    for node, col in columns.items():
        by_column.setdefault(col, []).append(node)
    positions: dict[str, tuple[float, float]] = {}
    tallest = max(len(v) for v in by_column.values())
    for col, nodes in sorted(by_column.items()):
        nodes.sort(key=lambda n: (not graph.nodes[n]["read_only"], order[n]))
        offset = (tallest - len(nodes)) / 2
        for row, node in enumerate(nodes):
            positions[node] = (col * 3.2, -(row + offset) * 1.0)
    return positions


def _node(ax, name: str, xy: tuple[float, float], writes: bool):
    return ax.text(
        xy[0],
        xy[1],
        name,
        ha="center",
        va="center",
        fontsize=9,
        family="DejaVu Sans Mono",
        color="white" if writes else "#1b2631",
        bbox={"boxstyle": "round,pad=0.35", "facecolor": "#34495e" if writes else "#ecf0f1", "edgecolor": "#34495e"},
        zorder=3,
    )


def _extents(ax, boxes: dict) -> dict[str, tuple[float, float]]:
    """Half width and height of each node's box in data units (needs one draw first)."""
    inverse = ax.transData.inverted()
    out = {}
    for name, text in boxes.items():
        box = text.get_bbox_patch().get_window_extent()
        (x0, y0), (x1, y1) = inverse.transform([(box.x0, box.y0), (box.x1, box.y1)])
        out[name] = (abs(x1 - x0) / 2, abs(y1 - y0) / 2)
    return out


def _edge_points(a: tuple[float, float], b: tuple[float, float], size_a, size_b):
    """Where the straight line between two box centres leaves box a and enters box b.

    Computed here because clipping arrows to patches in matplotlib costs seconds per picture."""
    dx, dy = b[0] - a[0], b[1] - a[1]

    def scale(size) -> float:
        sx = size[0] / abs(dx) if dx else float("inf")
        sy = size[1] / abs(dy) if dy else float("inf")
        return min(sx, sy, 0.45)

    sa, sb = scale(size_a), scale(size_b)
    return (a[0] + dx * sa, a[1] + dy * sa), (b[0] - dx * sb, b[1] - dy * sb)


def _arrow(ax, sizes: dict, a: str, b: str, positions: dict, rad: float, arrowstyle: str = "-|>", **style: Any) -> None:
    start, end = _edge_points(positions[a], positions[b], sizes[a], sizes[b])
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": arrowstyle,
            "shrinkA": 1,
            "shrinkB": 1,
            "connectionstyle": f"arc3,rad={rad}",
            "mutation_scale": 11,
            **style,
        },
    )


def render_image(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    matplotlib.rcParams["svg.hashsalt"] = "envdsl"  # deterministic ids in the svg
    positions = layout(graph)
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    writers = [n for n in graph.nodes if not graph.nodes[n]["read_only"]]
    flow_width = max(7.0, (max(xs) - min(xs)) * 1.2 + 3)
    height = max(5.0, (max(ys) - min(ys)) * 0.9 + 2.0)
    fig, (ax, ax_state) = plt.subplots(
        1, 2, figsize=(flow_width + 1.4 * height, height), gridspec_kw={"width_ratios": [flow_width, 1.4 * height]}
    )
    entity_types = sorted(
        {
            link["type"]
            for _, _, k, d in graph.edges(keys=True, data=True)
            if k == "type" and d.get("direct")
            for link in d["links"]
            if link["via"] == "" and link["kind"] == "entity"
        }
    )
    palette = plt.get_cmap("tab10")
    colour = {t: palette(i % 10) for i, t in enumerate(entity_types)}

    import math

    # Nodes first, on both panels, with fixed limits: one draw then gives every box's size.
    boxes = {n: _node(ax, n, xy, not graph.nodes[n]["read_only"]) for n, xy in positions.items()}
    ax.set_xlim(min(xs) - 1.7, max(xs) + 1.7)
    ax.set_ylim(min(ys) - 0.9, max(ys) + 0.6)
    step = 2 * math.pi / max(len(writers), 1)
    ring = {
        n: (1.7 * math.cos(math.pi / 2 - step * i), math.sin(math.pi / 2 - step * i)) for i, n in enumerate(writers)
    }
    state_boxes = {n: _node(ax_state, n, xy, True) for n, xy in ring.items()}
    ax_state.set_xlim(-2.6, 2.6)
    ax_state.set_ylim(-1.3, 1.3)
    fig.canvas.draw()
    sizes, state_sizes = _extents(ax, boxes), _extents(ax_state, state_boxes)

    # Left: how values flow (direct type links).
    for a, b, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        if key != "type" or not data.get("direct"):
            continue
        carried = sorted({lk["type"] for lk in data["links"] if lk["via"] == "" and lk["kind"] == "entity"})
        same_column = abs(positions[a][0] - positions[b][0]) < 1e-9
        _arrow(ax, sizes, a, b, positions, 0.5 if same_column else 0.06, color=colour[carried[0]], lw=1.3, alpha=0.85)
    ax.legend(
        handles=[Line2D([0], [0], color=colour[t], lw=2, label=f"passes a {t}") for t in entity_types],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=min(len(entity_types), 4) or 1,
        fontsize=8,
        frameon=False,
    )
    ax.set_title("values: a result feeds a parameter (filled: changes state)", fontsize=10)
    ax.axis("off")

    # Right: state links among the tools that change state, on a ring.
    drawn: set[frozenset[str]] = set()
    for a, b, key, _ in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        if key != "state" or a not in ring or b not in ring or frozenset((a, b)) in drawn:
            continue
        drawn.add(frozenset((a, b)))
        style = "<|-|>" if graph.has_edge(b, a, key="state") else "-|>"
        _arrow(ax_state, state_sizes, a, b, ring, 0.0, style, color="#c0392b", lw=0.9, alpha=0.6)
    ax_state.set_title("state: one changes what the other reads", fontsize=10)
    ax_state.axis("off")
    fig.suptitle(f"{graph.graph['env']}: tool graph", fontsize=12)
    buffer = io.BytesIO()
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(buffer, format=fmt, bbox_inches="tight", dpi=110, metadata=metadata)
    plt.close(fig)
    return buffer.getvalue()


def _dot_id(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_dot(graph: nx.MultiDiGraph) -> str:
    lines = [f"digraph {_dot_id(graph.graph['env'])} {{", "  rankdir=LR;", "  node [shape=box, fontname=monospace];"]
    for node, data in graph.nodes(data=True):
        style = ', style=filled, fillcolor="#34495e", fontcolor=white' if not data["read_only"] else ""
        lines.append(f"  {_dot_id(node)} [label={_dot_id(node)}{style}];")
    for a, b, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        if key == "type":
            label = ", ".join(
                sorted({f"{lk['type']}{'.' if lk['via'] else ''}{lk['via']}->{lk['param']}" for lk in data["links"]})
            )
            lines.append(f"  {_dot_id(a)} -> {_dot_id(b)} [label={_dot_id(label)}];")
        else:
            label = ", ".join(data["fields"])
            lines.append(f"  {_dot_id(a)} -> {_dot_id(b)} [style=dashed, color=red, label={_dot_id(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    if fmt == "json":
        return (json.dumps(to_json(graph), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt == "dot":
        return render_dot(graph).encode("utf-8")
    if fmt in ("svg", "png"):
        return render_image(graph, fmt)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
