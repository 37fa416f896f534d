"""Every node of every shipped spec has a span inside its file.

Later phases point at source only through spans (diagnostics, generated
docstrings, the verifier's reports), so a node without one, or with one that
points past the text, is a bug in the transformer or the checker. The walk is
generic — any dataclass reachable from the root — so new node types are
covered without touching this file (edgedb's `SpanValidator` in
`edb/testbase/lang.py` does the same for its trees).

Node classes are the dataclasses of `envdsl.syntax.ast` and `envdsl.ir.nodes`;
the few that are plain data rather than source constructs (listed in
`NOT_NODES`) carry no span. Types (`envdsl.ir.types`) are values, not nodes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from envdsl.check.checker import check
from envdsl.diagnostics.render import render
from envdsl.diagnostics.span import SourceMap, Span
from envdsl.ir import nodes as ir
from envdsl.syntax import ast
from envdsl.syntax.parser import parse

ROOT = Path(__file__).resolve().parents[1]
SPEC_GLOB = "specs/**/*.envdsl"
SPECS = sorted(p for p in ROOT.glob(SPEC_GLOB) if p.is_file())
NO_SPECS = f"no shipped specs: nothing matches {SPEC_GLOB} under {ROOT}"

NODE_MODULES = (ast.__name__, ir.__name__)
NOT_NODES = (ast.Module, ir.Effects, ir.FieldRef)


def walk(root: object) -> Iterator[tuple[str, object]]:
    """Every dataclass instance reachable from `root`, with a path like `env.tools[2].body[0].cond`."""
    seen: set[int] = set()
    stack: list[tuple[str, object]] = [(type(root).__name__, root)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, (str, int, float, bool, Span)) or value is None or id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, (tuple, list)):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))
        elif isinstance(value, dict):
            stack.extend((f"{where}[{key!r}]", item) for key, item in value.items())
        elif dataclasses.is_dataclass(value):
            yield where, value
            stack.extend((f"{where}.{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value))


def is_node(value: object) -> bool:
    return type(value).__module__ in NODE_MODULES and not isinstance(value, NOT_NODES)


def span_problems(root: object, path: str, text: str) -> list[str]:
    problems = []
    nodes = 0
    for where, node in walk(root):
        if not is_node(node):
            continue
        nodes += 1
        span = getattr(node, "span", None)
        if not isinstance(span, Span):
            problems.append(f"{where} ({type(node).__name__}) has no span")
        elif span.path != path:
            problems.append(f"{where} ({type(node).__name__}) points into {span.path!r}")
        elif not 0 <= span.start <= span.end <= len(text):
            problems.append(
                f"{where} ({type(node).__name__}) has span [{span.start}, {span.end}) outside 0..{len(text)}"
            )
    assert nodes > 0, "walked no nodes at all"
    return problems


def _front_end(spec: Path | None):
    if spec is None:
        pytest.fail(NO_SPECS, pytrace=False)
    shown = spec.relative_to(ROOT).as_posix()
    text = spec.read_text(encoding="utf-8")
    module, parse_diagnostics = parse(text, shown)
    env, check_diagnostics = check(module)
    diagnostics = parse_diagnostics + check_diagnostics
    if env is None or any(d.is_error for d in diagnostics):
        sources = SourceMap()
        sources.add(shown, text)
        pytest.fail(f"{shown} does not check:\n{render(diagnostics, sources, 'concise')}", pytrace=False)
    return shown, text, module, env


_PARAMS = [pytest.param(p, id=p.relative_to(ROOT).as_posix()) for p in SPECS] or [pytest.param(None, id="no-specs")]


def test_specs_are_shipped() -> None:
    assert SPECS, NO_SPECS


@pytest.mark.parametrize("spec", _PARAMS)
def test_every_syntax_node_has_a_span_in_the_text(spec: Path | None) -> None:
    shown, text, module, _ = _front_end(spec)
    assert span_problems(module, shown, text) == []


@pytest.mark.parametrize("spec", _PARAMS)
def test_syntax_nodes_nest(spec: Path | None) -> None:
    """A child's text lies within its parent's: the tree is a tree of the text."""
    shown, text, module, _ = _front_end(spec)
    problems = []
    for where, node in walk(module.env):
        if not is_node(node):
            continue
        for field in dataclasses.fields(node):
            for child in _direct_nodes(getattr(node, field.name)):
                if not node.span.start <= child.span.start <= child.span.end <= node.span.end:
                    problems.append(
                        f"{where}.{field.name}: {type(child).__name__} [{child.span.start}, {child.span.end}) "
                        f"outside {type(node).__name__} [{node.span.start}, {node.span.end})"
                    )
    assert problems == []


def _direct_nodes(value: object) -> Iterator[object]:
    if isinstance(value, (tuple, list)):
        for item in value:
            yield from _direct_nodes(item)
    elif is_node(value):
        yield value


@pytest.mark.parametrize("spec", _PARAMS)
def test_every_ir_node_has_a_span_in_the_text(spec: Path | None) -> None:
    shown, text, _, env = _front_end(spec)
    assert span_problems(env, shown, text) == []


@pytest.mark.parametrize("spec", _PARAMS)
def test_every_ir_declaration_spans_its_source_text(spec: Path | None) -> None:
    """Declarations point at their own text, not at an empty or borrowed span."""
    shown, text, _, env = _front_end(spec)
    declarations = [*env.entities, *env.tools, *env.invariants, *(e for e in env.enums if not e.inline)]
    declarations += [f for entity in env.entities for f in entity.fields]
    for decl in declarations:
        source = text[decl.span.start : decl.span.end]
        assert decl.name in source, f"{type(decl).__name__} {decl.name!r} spans {source!r}"


def test_walk_sees_through_tuples_and_dicts() -> None:
    """The walker itself: nodes inside tuples, dicts and optional fields are reached."""
    text = 'env e { title "T" domain d entity A { key id: str } tool t(a: A) -> str { return a.id } }'
    module, diagnostics = parse(text, "x.envdsl")
    env, more = check(module)
    assert env is not None, diagnostics + more
    kinds = {type(node).__name__ for _, node in walk(env) if is_node(node)}
    assert {"Env", "Entity", "Field", "Tool", "Param", "Return", "Attr", "Var"} <= kinds
    broken = dataclasses.replace(env.tools[0], span=Span("x.envdsl", 5, len(text) + 1))
    assert span_problems(broken, "x.envdsl", text) == [
        f"Tool ({'Tool'}) has span [5, {len(text) + 1}) outside 0..{len(text)}"
    ]
