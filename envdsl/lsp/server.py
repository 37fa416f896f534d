"""The language server: pygls wiring around `analysis.py` and `features.py`.

This module is the edge: it owns the documents the client opened, reruns the
front end when one changes, publishes diagnostics and answers requests by
calling the pure feature functions. State is held on the server object (one
per process), never in module globals.

Diagnostics on change come from parse + check of the editor's text. Seed
data is validated too, on open and on save, because that reads the seed
files from disk; problems inside a seed file are published for that file's
URI, and those in the spec (a missing seed file) move along with later edits
until the next save re-validates them.
"""

from __future__ import annotations

import gc
import logging

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from envdsl.diagnostics.diagnostic import Diagnostic
from envdsl.diagnostics.span import Span
from envdsl.lsp import features
from envdsl.lsp.analysis import Analysis, analyze, range_from_json, seed_diagnostics, to_lsp
from envdsl.lsp.incremental import common_affixes
from envdsl.lsp.positions import UTF8, UTF16, UTF32, LineIndex

NAME = "envdsl"
log = logging.getLogger("envdsl.lsp")


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("envdsl")
    except Exception:  # noqa: BLE001 - not installed (run from a checkout)
        return "0"


class EnvdslServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(NAME, _version(), text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.analyses: dict[str, Analysis] = {}
        # The latest analysis whose text parsed: the base of incremental parses, and names for completion.
        self.last_parsed: dict[str, Analysis] = {}
        self.seed_uris: dict[str, set[str]] = {}  # spec URI -> seed-file URIs it published diagnostics for
        self.spec_seed_diagnostics: dict[str, list[Diagnostic]] = {}  # seed problems located in the spec itself

    @property
    def encoding(self) -> str:
        chosen = self.workspace.position_encoding
        return {lsp.PositionEncodingKind.Utf8: UTF8, lsp.PositionEncodingKind.Utf32: UTF32}.get(chosen, UTF16)  # type: ignore[arg-type]

    def refresh(self, uri: str, *, seeds: bool) -> Analysis:
        """Analyse the document's current text and publish its diagnostics (and its seed files' with `seeds`)."""
        document = self.workspace.get_text_document(uri)
        path = _path_of(uri)
        previous = self.analyses.get(uri)
        analysis = analyze(document.source, path, self.encoding, self.last_parsed.get(uri))
        self.analyses[uri] = analysis
        if analysis.parsed:
            self.last_parsed[uri] = analysis
        lines_of = {path: analysis.lines}
        uri_of = {path: uri}
        seed_found: list[Diagnostic] = []
        if seeds and _is_file(uri):
            seed_found, sources = seed_diagnostics(analysis)
            for diagnostic in seed_found:
                for label in diagnostic.labels:
                    source = sources.get(label.span.path)
                    if source is not None and label.span.path not in lines_of:
                        lines_of[label.span.path] = LineIndex(source.text, self.encoding)
                        uri_of[label.span.path] = from_fs_path(label.span.path) or label.span.path
            in_spec = [d for d in seed_found if d.primary is not None and d.primary.span.path == path]
            self.spec_seed_diagnostics[uri] = in_spec
        else:
            in_spec = self.spec_seed_diagnostics.get(uri, [])
            if previous is not None and in_spec:
                in_spec = _follow_edit(in_spec, previous.text, analysis.text)
                self.spec_seed_diagnostics[uri] = in_spec
            seed_found = in_spec
        by_uri: dict[str, list[lsp.Diagnostic]] = {uri: []}
        for diagnostic in [*analysis.diagnostics, *seed_found]:
            converted = to_lsp(diagnostic, lines_of, uri_of)
            if converted is not None:
                by_uri.setdefault(converted[0], []).append(converted[1])
        if seeds:
            for stale in self.seed_uris.get(uri, set()) - set(by_uri):
                by_uri[stale] = []  # a seed file whose problems are fixed
            self.seed_uris[uri] = set(by_uri) - {uri}
        for target, diagnostics in by_uri.items():
            version = document.version if target == uri else None
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=target, diagnostics=diagnostics, version=version)
            )
        return analysis

    def analysis(self, uri: str) -> Analysis:
        """The analysis of the document's current text (requests may arrive before a change was analysed)."""
        found = self.analyses.get(uri)
        document = self.workspace.get_text_document(uri)
        if found is None or found.text != document.source:
            found = self.refresh(uri, seeds=False)
        return found

    def forget(self, uri: str) -> None:
        self.analyses.pop(uri, None)
        self.last_parsed.pop(uri, None)
        self.spec_seed_diagnostics.pop(uri, None)
        for target in [uri, *self.seed_uris.pop(uri, set())]:
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=target, diagnostics=[]))


def _path_of(uri: str) -> str:
    """The path spans carry: the file's path where the URI is a file, else the URI itself."""
    path = to_fs_path(uri)
    return path if path and _is_file(uri) else uri


def _is_file(uri: str) -> bool:
    return uri.startswith("file:")


def _follow_edit(diagnostics: list[Diagnostic], old: str, new: str) -> list[Diagnostic]:
    """Diagnostics moved across an edit: kept before it, shifted after it, dropped where it changed their text."""
    prefix, suffix = common_affixes(old, new)
    old_end, delta = len(old) - suffix, len(new) - len(old)
    kept = []
    for diagnostic in diagnostics:
        span = diagnostic.primary.span  # type: ignore[union-attr]
        if span.end <= prefix:
            kept.append(diagnostic)
        elif span.start >= old_end:
            labels = tuple(
                type(label)(
                    Span(label.span.path, label.span.start + delta, label.span.end + delta),
                    label.message,
                    label.primary,
                )
                if label.span.path == span.path
                else label
                for label in diagnostic.labels
            )
            kept.append(
                Diagnostic(
                    diagnostic.severity, diagnostic.code, diagnostic.message, labels, diagnostic.notes, diagnostic.help
                )
            )
    return kept


def build_server() -> EnvdslServer:
    server = EnvdslServer()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: EnvdslServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri, seeds=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: EnvdslServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri, seeds=False)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls: EnvdslServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri, seeds=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: EnvdslServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: EnvdslServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return features.hover(ls.analysis(params.text_document.uri), params.position)

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: EnvdslServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        uri = params.text_document.uri
        return features.definition(ls.analysis(uri), uri, params.position)

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(ls: EnvdslServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
        uri = params.text_document.uri
        return features.references(ls.analysis(uri), uri, params.position, params.context.include_declaration)

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def highlight(ls: EnvdslServer, params: lsp.DocumentHighlightParams) -> list[lsp.DocumentHighlight]:
        return features.highlights(ls.analysis(params.text_document.uri), params.position)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
    def completion(ls: EnvdslServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        uri = params.text_document.uri
        items = features.completion(ls.analysis(uri), ls.last_parsed.get(uri), params.position)
        return lsp.CompletionList(is_incomplete=False, items=items)

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls: EnvdslServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        return features.document_symbols(ls.analysis(params.text_document.uri))

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: EnvdslServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
        analysis = ls.analysis(params.text_document.uri)
        return features.formatting(analysis)

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix])
    )
    def code_actions(ls: EnvdslServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        """A quick fix for every diagnostic in the request that carries one (the checker's `Fix`)."""
        uri = params.text_document.uri
        actions = []
        for diagnostic in params.context.diagnostics:
            fix = diagnostic.data.get("fix") if isinstance(diagnostic.data, dict) else None
            where = range_from_json(fix.get("range")) if isinstance(fix, dict) else None
            if where is None or not isinstance(fix.get("newText"), str):  # type: ignore[union-attr]
                continue
            edit = lsp.TextEdit(where, fix["newText"])  # type: ignore[index]
            actions.append(
                lsp.CodeAction(
                    title=str(fix.get("title") or "apply the suggested fix"),  # type: ignore[union-attr]
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
                    is_preferred=True,
                )
            )
        return actions

    return server


def serve() -> None:
    """Serve over stdin/stdout until the client says exit. Logs go to stderr: stdout is the protocol's."""
    logging.basicConfig(level=logging.WARNING, format="envdsl lsp: %(levelname)s %(name)s: %(message)s")
    # An analysis allocates some 100k objects (a few of them in cycles: lark's parse, caught exceptions), so
    # with the default thresholds the collector runs many times per keystroke and now and then walks the
    # whole heap (tens of ms, the slowest keystrokes in bench/lsp.py). Rarer young collections still free
    # the cycles; this server process is the only one that changes the setting.
    gc.set_threshold(100_000, 50, 100)
    build_server().start_io()
