"""A synchronous driver for a real language server over stdio (tests, benchmarks).

pygls' `LanguageClient` is asynchronous; `StdioClient` runs it on an event
loop in a background thread and offers blocking calls, so a test reads as a
sequence of steps. It starts the server as a subprocess, speaks real JSON-RPC
through its stdin and stdout, and records every `publishDiagnostics`
notification with the time it arrived, which is what the latency benchmark
measures. Nothing here knows envdsl: any stdio server can be driven.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient


@dataclass(frozen=True)
class Published:
    params: lsp.PublishDiagnosticsParams
    arrived: float  # time.perf_counter() when the notification was read


class StdioClient:
    def __init__(
        self, command: list[str], *, position_encodings: list[str] | None = None, timeout: float = 60.0
    ) -> None:
        self.command = command
        self.timeout = timeout
        self.position_encodings = position_encodings
        self.published: dict[str, list[Published]] = {}
        self.messages: list[lsp.ShowMessageParams] = []
        self.capabilities: lsp.ServerCapabilities | None = None
        self.server_stderr = b""
        self._condition = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="lsp-client", daemon=True)
        self._client = LanguageClient("envdsl-test-client", "0")

        @self._client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(_client: LanguageClient, params: lsp.PublishDiagnosticsParams) -> None:
            with self._condition:
                self.published.setdefault(params.uri, []).append(Published(params, time.perf_counter()))
                self._condition.notify_all()

        @self._client.feature(lsp.WINDOW_SHOW_MESSAGE)
        def on_message(_client: LanguageClient, params: lsp.ShowMessageParams) -> None:
            with self._condition:
                self.messages.append(params)
                self._condition.notify_all()

    # ---------------------------------------------------------- life cycle

    def start(self) -> lsp.InitializeResult:
        self._thread.start()
        self._run(self._client.start_io(*self.command))
        # Read the server's stderr as it comes: a full pipe would block a chatty server.
        self._drain = asyncio.run_coroutine_threadsafe(self._read_stderr(), self._loop)
        general = (
            lsp.GeneralClientCapabilities(position_encodings=self.position_encodings)
            if self.position_encodings
            else None
        )
        capabilities = lsp.ClientCapabilities(
            general=general,
            text_document=lsp.TextDocumentClientCapabilities(
                publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(
                    related_information=True, version_support=True
                ),
                hover=lsp.HoverClientCapabilities(content_format=[lsp.MarkupKind.Markdown]),
            ),
        )
        result = self.request("initialize", lsp.InitializeParams(capabilities=capabilities, process_id=os.getpid()))
        self.capabilities = result.capabilities
        self.notify("initialized", lsp.InitializedParams())
        return result

    def stop(self) -> int | None:
        """Shut the server down politely; returns its exit code."""
        code = None
        try:
            if self._client._server is not None and self._client._server.returncode is None:
                self.request("shutdown", None)
                self.notify("exit", None)
                self._run(self._client.stop())
            server = self._client._server
            if server is not None:
                code = server.returncode
                self._drain.result(self.timeout)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        return code

    def __enter__(self) -> StdioClient:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _read_stderr(self) -> None:
        server = self._client._server
        if server is None or server.stderr is None:
            return
        while chunk := await server.stderr.read(65536):
            self.server_stderr += chunk

    @property
    def server_pid(self) -> int | None:
        server = self._client._server
        return server.pid if server is not None else None

    # ---------------------------------------------------------- messages

    def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(self.timeout)

    def request(self, name: str, params: Any) -> Any:
        """Send request `name` (pygls' method name without `_async`, e.g. `text_document_hover`) and wait."""
        method: Callable[..., Coroutine[Any, Any, Any]] = getattr(self._client, f"{name}_async")
        return self._run(method(params))

    def notify(self, name: str, params: Any) -> None:
        """Send notification `name` (e.g. `text_document_did_open`) from the loop's thread."""

        async def send() -> None:
            getattr(self._client, name)(params)

        self._run(send())

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify(
            "text_document_did_open",
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=uri, language_id="envdsl", version=version, text=text)
            ),
        )

    def change(self, uri: str, version: int, changes: list[lsp.TextDocumentContentChangeEvent]) -> float:
        """Send a didChange; returns the time just before it was written, for latency measurements."""
        params = lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=changes
        )
        sent = time.perf_counter()
        self.notify("text_document_did_change", params)
        return sent

    def wait_for_diagnostics(self, uri: str, version: int | None = None, count: int = 1) -> Published:
        """The first publication for `uri` (of document `version`, if given) once `count` of them arrived."""

        def found() -> list[Published]:
            return [p for p in self.published.get(uri, []) if version is None or p.params.version == version]

        with self._condition:
            if not self._condition.wait_for(lambda: len(found()) >= count, self.timeout):
                raise TimeoutError(f"no diagnostics for {uri} (version {version}) within {self.timeout} s")
            return found()[count - 1]
