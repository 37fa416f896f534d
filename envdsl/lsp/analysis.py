"""One document's front-end results, and their conversion to LSP diagnostics.

`analyze(text, path)` runs the same `parse` and `check` as `envdsl check`, so
an editor shows exactly the diagnostics the CLI prints. Seed data aside: that
reads other files, so the server validates it on open and save only, through
`seed_diagnostics`. `analyze` is a pure function of the text; given the
previous analysis of the same document it re-parses only the items the edit
touched (`incremental.py`), with the same result. The name index for hover and
navigation is built on first use, not on every keystroke.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as lsp

from envdsl.check.checker import check
from envdsl.diagnostics.codes import CODES
from envdsl.diagnostics.diagnostic import Diagnostic, Severity
from envdsl.diagnostics.span import SourceMap
from envdsl.ir import nodes as ir
from envdsl.lsp.incremental import reparse
from envdsl.lsp.index import Index, build_index
from envdsl.lsp.positions import UTF16, LineIndex
from envdsl.syntax import ast
from envdsl.syntax.parser import call_deep, parse

SOURCE = "envdsl"
# Editors fade "unnecessary" code: unused variables and parameters, statements that never run.
_UNNECESSARY = {"unused-variable", "unused-parameter", "unreachable-code"}
_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.NOTE: lsp.DiagnosticSeverity.Information,
}


@dataclass
class Analysis:
    path: str  # the path spans carry
    text: str
    module: ast.Module
    env: ir.Env | None
    diagnostics: list[Diagnostic]  # parse and check, sorted as the CLI sorts them
    parse_diagnostics: list[Diagnostic]  # the parse's share, for the next incremental parse
    lines: LineIndex
    incremental: bool = False  # whether the parse reused the previous tree
    _index: Index | None = field(default=None, repr=False)

    @property
    def parsed(self) -> bool:
        return self.module.env is not None

    @property
    def index(self) -> Index:
        if self._index is None:
            try:
                # The walk recurses once per nesting level: on the parser's large stack, as the checker does.
                self._index = call_deep(build_index, self.module, self.text)
            except RecursionError:  # nested deeper than envdsl checks (E0006): no navigation, but no crash
                self._index = build_index(ast.Module(self.module.path, None, ()), self.text)
        return self._index


def analyze(text: str, path: str, encoding: str = UTF16, previous: Analysis | None = None) -> Analysis:
    """Parse and check `text`; `previous` (the latest analysis of the same document whose text parsed) lets
    the parse reuse its tree."""
    parsed = None
    if previous is not None and previous.path == path and previous.parsed:
        parsed = reparse(previous.text, previous.module, previous.parse_diagnostics, text)
    module, parse_diagnostics = parsed if parsed is not None else parse(text, path)
    env, checked = check(module)
    diagnostics = sorted(parse_diagnostics + checked, key=Diagnostic.sort_key)
    return Analysis(
        path, text, module, env, diagnostics, parse_diagnostics, LineIndex(text, encoding), parsed is not None
    )


def seed_diagnostics(analysis: Analysis) -> tuple[list[Diagnostic], SourceMap]:
    """Validate the seed files of a spec that checked cleanly (reads the disk); their texts are in the map."""
    sources = SourceMap()
    sources.add(analysis.path, analysis.text)
    if analysis.env is None or not analysis.env.seeds:
        return [], sources
    from envdsl.seed import load_seed

    _, diagnostics = load_seed(analysis.env, Path(analysis.path).parent, sources)
    return diagnostics, sources


def to_lsp(
    diagnostic: Diagnostic, lines_of: dict[str, LineIndex], uri_of: dict[str, str]
) -> tuple[str, lsp.Diagnostic] | None:
    """The LSP form of one diagnostic and the URI of the file it belongs to.

    `lines_of` maps each span path to its text's line index, `uri_of` to its
    URI. The primary label gives the range; its caption, the notes and the
    help line follow the message, as the CLI prints them below the caret (an
    editor has no other place for them); secondary labels become related
    information. A machine-applicable fix travels in `data` as a ready LSP
    edit, so the quick fix does not depend on the text it was computed for.
    """
    primary = diagnostic.primary
    if primary is None or primary.span.path not in lines_of:
        return None
    lines = lines_of[primary.span.path]
    message = diagnostic.message
    if primary.message and primary.message != diagnostic.message:
        message += f"\n{primary.message}"
    message += "".join(f"\nnote: {note}" for note in diagnostic.notes)
    if diagnostic.help:
        message += f"\nhelp: {diagnostic.help}"
    related = []
    for label in diagnostic.labels:
        if label is primary or label.span.path not in lines_of:
            continue
        where = lines_of[label.span.path].range(label.span.start, label.span.end)
        related.append(
            lsp.DiagnosticRelatedInformation(lsp.Location(uri_of[label.span.path], where), label.message or "related")
        )
    code = CODES.get(diagnostic.code)
    data = None
    fix = diagnostic.fix
    if fix is not None and fix.span.path in lines_of:
        where = lines_of[fix.span.path].range(fix.span.start, fix.span.end)
        data = {"fix": {"title": fix.description, "range": _range_json(where), "newText": fix.replacement}}
    result = lsp.Diagnostic(
        range=lines.range(primary.span.start, primary.span.end),
        message=message,
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        source=SOURCE,
        related_information=related or None,
        tags=[lsp.DiagnosticTag.Unnecessary] if code is not None and code.name in _UNNECESSARY else None,
        data=data,
    )
    return uri_of[primary.span.path], result


def _range_json(where: lsp.Range) -> dict:
    return {
        "start": {"line": where.start.line, "character": where.start.character},
        "end": {"line": where.end.line, "character": where.end.character},
    }


def range_from_json(value: object) -> lsp.Range | None:
    """The range `_range_json` wrote, as the client sends it back in a code action request; None if malformed."""
    try:
        start, end = value["start"], value["end"]  # type: ignore[index]
        return lsp.Range(
            lsp.Position(int(start["line"]), int(start["character"])),
            lsp.Position(int(end["line"]), int(end["character"])),
        )
    except (KeyError, TypeError, ValueError):
        return None
