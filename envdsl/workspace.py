"""The edge where files are read: find specs, read them, run the front end.

Phases are pure functions of data; this module is the one place (besides the
CLI) that touches the file system for the front end, so that every caller —
`check`, `compile`, `verify`, the tests — loads a spec the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from envdsl.check.checker import check
from envdsl.diagnostics import messages
from envdsl.diagnostics.diagnostic import Diagnostic, has_errors
from envdsl.diagnostics.span import SourceMap, Span
from envdsl.ir import nodes as ir
from envdsl.syntax import ast
from envdsl.syntax.parser import parse

SPEC_SUFFIX = ".envdsl"


@dataclass
class LoadedSpec:
    path: Path
    display_path: str
    module: ast.Module | None
    env: ir.Env | None
    seed: object | None  # envdsl.seed.SeedData
    diagnostics: list[Diagnostic]
    sources: SourceMap = field(default_factory=SourceMap)

    @property
    def ok(self) -> bool:
        return self.env is not None and not has_errors(self.diagnostics)


def display(path: Path) -> str:
    """A stable, relative, forward-slash path for messages and generated files."""
    try:
        rel = os.path.relpath(path.resolve(), Path.cwd().resolve())
    except ValueError:  # another drive on Windows
        rel = str(path)
    if rel.startswith(".."):
        rel = str(path)
    return rel.replace(os.sep, "/")


def find_specs(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Expand files and folders into spec files, sorted. Returns (specs, problems)."""
    found: set[Path] = set()
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob(f"*{SPEC_SUFFIX}") if p.is_file())
        elif path.is_file():
            found.add(path)
        else:
            problems.append(f"no such file or directory: {path}")
    return sorted(found, key=lambda p: display(p)), problems


def load_spec(path: Path, *, with_seed: bool = True) -> LoadedSpec:
    shown = display(path)
    sources = SourceMap()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        sources.add(shown, "")
        diagnostic = messages.unreadable_file(Span(shown, 0, 0), shown, reason)
        return LoadedSpec(path, shown, None, None, None, [diagnostic], sources)
    sources.add(shown, text)
    module, diagnostics = parse(text, shown)
    env, check_diagnostics = check(module)
    diagnostics = diagnostics + check_diagnostics
    seed = None
    if env is not None and with_seed and env.seeds:
        seed, seed_diagnostics = _load_seed(env, path.parent, sources)
        diagnostics += seed_diagnostics
    diagnostics.sort(key=Diagnostic.sort_key)
    return LoadedSpec(path, shown, module, env, seed, diagnostics, sources)


def _load_seed(env: ir.Env, spec_dir: Path, sources: SourceMap):
    from envdsl.seed import load_seed

    return load_seed(env, spec_dir, sources)
