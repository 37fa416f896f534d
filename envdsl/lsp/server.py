"""The language server: pygls wiring around `analysis.py` and `features.py`.

This module is the edge: it owns the documents the client opened, reruns the
front end when one changes, publishes diagnostics and answers requests by
calling the pure feature functions. State is held on the server object (one
per process), never in module globals.

Diagnostics on change come from parse + check of the editor's text. Seed
data is validated too, on open and on save, because that reads the seed
files from disk; its problems are published for the seed files' own URIs.
"""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from envdsl.diagnostics.diagnostic import Diagnostic
from envdsl.lsp import features
from envdsl.lsp.analysis import Analysis, analyze, seed_diagnostics, to_lsp
from envdsl.lsp.positions import UTF8, UTF16, UTF32, LineIndex

NAME = "envdsl"


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
        self.last_parsed: dict[str, Analysis] = {}  # the latest analysis whose text parsed, for completion
        self.seed_uris: dict[str, set[str]] = {}  # spec URI -> seed-file URIs it published diagnostics for

    # ---------------------------------------------------------- documents

    @property
    def encoding(self) -> str:
        chosen = self.workspace.position_encoding if self.protocol.workspace is not None else None
        return {lsp.PositionEncodingKind.Utf8: UTF8, lsp.PositionEncodingKind.Utf32: UTF32}.get(chosen, UTF16)  # type: ignore[arg-type]

    def refresh(self, uri: str, *, seeds: bool) -> Analysis:
        document = self.workspace.get_text_document(uri)
        path = _path_of(uri)
        analysis = analyze(document.source, path, self.encoding)
        self.analyses[uri] = analysis
        if analysis.parsed:
            self.last_parsed[uri] = analysis
        extra: list[Diagnostic] = []
        texts = {path: analysis.lines}
        uris = {path: uri}
        if seeds:
            extra, sources = seed_diagnostics(analysis)
            for seed_path in {d.primary.span.path for d in extra if d.primary is not None} | {
                label.span.path for d in extra for label in d.labels
            }:
                source = sources.get(seed_path)
                if source is not None and seed_path != path:
                    texts[seed_path] = LineIndex(source.text, self.encoding)
                    uris[seed_path] = from_fs_path(seed_path) or seed_path
        by_uri: dict[str, list[lsp.Diagnostic]] = {uri: []}
        for diagnostic in [*analysis.diagnostics, *extra]:
            converted = to_lsp(diagnostic, texts, uris)
            if converted is not None:
                by_uri.setdefault(converted[0], []).append(converted[1])
        if seeds:
            for stale in self.seed_uris.get(uri, set()) - set(by_uri):
                by_uri[stale] = []
            self.seed_uris[uri] = set(by_uri) - {uri}
        for target, diagnostics in by_uri.items():
            version = document.version if target == uri else None
            self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(target, diagnostics, version))
        return analysis

    def analysis(self, uri: str) -> Analysis:
        found = self.analyses.get(uri)
        document = self.workspace.get_text_document(uri)
        if found is None or found.text != document.source:
            found = self.refresh(uri, seeds=False)
        return found


def _path_of(uri: str) -> str:
    """The path spans carry: the file's path where the URI is a file, else the URI itself."""
    path = to_fs_path(uri)
    return path if path else uri


def build_server() -> EnvdslServer:
    server = EnvdslServer()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: EnvdslServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri, seeds=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: EnvdslServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri, seeds=False)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: EnvdslServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.refresh(params.text_document.uri, seeds=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: EnvdslServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.analyses.pop(uri, None)
        ls.last_parsed.pop(uri, None)
        for target in [uri, *ls.seed_uris.pop(uri, set())]:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(target, []))

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
        whole = analysis.lines.range(0, len(analysis.text))
        return features.formatting(analysis.text, analysis.path, whole)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION)
    def code_actions(ls: EnvdslServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        """A quick fix for every diagnostic in range that carries one (the checker's `Fix`)."""
        uri = params.text_document.uri
        analysis = ls.analysis(uri)
        actions = []
        for diagnostic in params.context.diagnostics:
            fix = diagnostic.data.get("fix") if isinstance(diagnostic.data, dict) else None
            if not fix:
                continue
            start, end, replacement, description = fix
            edit = lsp.TextEdit(analysis.lines.range(start, end), replacement)
            actions.append(
                lsp.CodeAction(
                    title=description,
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=lsp.WorkspaceEdit(changes={uri: [edit]}),
                    is_preferred=True,
                )
            )
        return actions

    return server


def serve() -> None:
    """Serve over stdin/stdout until the client says exit."""
    build_server().start_io()

