"""One document's front-end results, and their conversion to LSP diagnostics.

`analyze(text, path)` runs the same `parse` and `check` as `envdsl check`
(seed data aside: that reads other files, so the server runs it on open and
save only, through `seed_diagnostics`) and builds the name index. It is a pure
function of the text; the server keeps the latest result per document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp

from envdsl.check.checker import check
from envdsl.diagnostics.codes import CODES
from envdsl.diagnostics.diagnostic import Diagnostic, Severity
from envdsl.diagnostics.span import SourceMap
from envdsl.ir import nodes as ir
from envdsl.lsp.index import Index, build_index
from envdsl.lsp.positions import UTF16, LineIndex
from envdsl.syntax import ast
from envdsl.syntax.parser import parse

SOURCE = "envdsl"
_UNNECESSARY = {"unused-variable", "unused-parameter"}
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
    diagnostics: list[Diagnostic]
    index: Index
    lines: LineIndex

    @property
    def parsed(self) -> bool:
        return self.module.env is not None


def analyze(text: str, path: str, encoding: str = UTF16) -> Analysis:
    module, diagnostics = parse(text, path)
    env, checked = check(module)
    diagnostics = sorted(diagnostics + checked, key=Diagnostic.sort_key)
    return Analysis(path, text, module, env, diagnostics, build_index(module, text), LineIndex(text, encoding))


def seed_diagnostics(analysis: Analysis) -> tuple[list[Diagnostic], SourceMap]:
    """Validate the seed files of a spec that checked cleanly (reads the disk)."""
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
    help line follow the message (an editor shows no other place for them);
    secondary labels become related information.
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
        location = lsp.Location(uri_of[label.span.path], lines_of[label.span.path].range(label.span.start, label.span.end))
        related.append(lsp.DiagnosticRelatedInformation(location, label.message or "related"))
    code = CODES.get(diagnostic.code)
    result = lsp.Diagnostic(
        range=lines.range(primary.span.start, primary.span.end),
        message=message,
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        source=SOURCE,
        related_information=related or None,
        # Editors fade unused code; only variables and parameters are "unnecessary" text.
        tags=[lsp.DiagnosticTag.Unnecessary] if code is not None and code.name in _UNNECESSARY else None,
        data={"fix": [diagnostic.fix.span.start, diagnostic.fix.span.end, diagnostic.fix.replacement,
                      diagnostic.fix.description]} if diagnostic.fix is not None else None,
    )
    return uri_of[primary.span.path], result
