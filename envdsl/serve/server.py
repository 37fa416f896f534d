"""The MCP server: a low-level `mcp.server.Server` over a `Catalog`, one state per client session.

Rules:
- Every client session gets its own environments, cloned from the templates
  in the seeded state on first use; no call in one session can see another's
  state. A session's environments are closed when the session ends.
- What a session is depends on the transport. Over stdio, the process serves
  one client, so the process is the session (in either protocol era). Over
  streamable HTTP, a session is an `Mcp-Session-Id`, which exists only in the
  handshake era (protocol ≤ 2025-11-25); the 2026-07-28 era is stateless, so
  the HTTP server's `server/discover` advertises the handshake versions only
  (clients in `auto` mode then fall back to `initialize`) and a request pinned
  to the stateless era is refused with a message saying so.
- Tool results: success is the value as JSON text, with structured content
  `{"ok": true, "value": …}`; a declared error, a bad argument or a failed
  constraint is a tool result with `isError: true`, text `Code: message` and
  structured content `{"ok": false, "error": Code, "message": …}`. An unknown
  tool name is a protocol error (INVALID_PARAMS), as the MCP spec asks.
- Calls run on the event loop thread: an `Environment.call` is well under a
  millisecond and never awaits, so each call is atomic with respect to every
  other session without locks.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from mcp import types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, INVALID_REQUEST
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS

from envdsl.runtime import Environment, ToolResult
from envdsl.serve.catalog import RESET_TOOL, STATE_HASH_TOOL, Catalog, control_tool_schemas

TRANSPORTS = ("stdio", "http")
_SESSION_KEY = "envdsl.session"


class Session:
    """One client's environments, cloned from the catalog's templates on first use."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._envs: dict[str, Environment] = {}
        self.calls = 0

    def env(self, name: str) -> Environment:
        env = self._envs.get(name)
        if env is None:
            env = self._envs[name] = self._catalog.envs[name].template.clone()
        return env

    def reset(self, names: list[str]) -> None:
        for name in names:
            # An environment never touched is already in the seeded state.
            if name in self._envs:
                self._envs[name].reset()

    def state_hashes(self, names: list[str]) -> dict[str, str]:
        return {name: self.env(name).state_hash() for name in names}

    def close(self) -> None:
        for env in self._envs.values():
            env.close()
        self._envs.clear()


def tool_result(result: ToolResult) -> types.CallToolResult:
    payload = result.to_json()
    if result.ok:
        text = json.dumps(result.value, ensure_ascii=False)
        return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=payload)
    text = f"{result.error}: {result.message}"
    return types.CallToolResult(content=[types.TextContent(text=text)], structured_content=payload, is_error=True)


def _invalid(message: str) -> types.CallToolResult:
    return tool_result(ToolResult(False, None, "InvalidArguments", message))


class EnvServer:
    """Builds the `Server` and owns the per-session state policy of the module docstring."""

    def __init__(self, catalog: Catalog, transport: str, name: str = "envdsl") -> None:
        if transport not in TRANSPORTS:
            raise ValueError(f"unknown transport {transport!r}")
        self.catalog = catalog
        self.transport = transport
        # stdio: the process is the one session.
        self._process_session: Session | None = Session(catalog) if transport == "stdio" else None
        self.sessions_opened = 0
        self.sessions_closed = 0
        from importlib.metadata import version

        self.server: Server[Any] = Server(
            name,
            version=version("envdsl"),
            title="envdsl: " + ", ".join(e.title for e in catalog.envs.values()),
            instructions=catalog.instructions(),
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
            on_list_resources=self._list_resources,
            on_read_resource=self._read_resource,
        )
        # The SDK's OpenTelemetry middleware costs about half of the server's
        # time per call even with no exporter installed (measured: 12.4 -> 6.3
        # ms of CPU per call together with JSON responses); envdsl has no spans
        # worth tracing per tool call, so it is left out.
        self.server.middleware = []
        self._resource_table = self._resources()  # the documents never change while serving
        self._tools = self.tool_list()
        if transport == "http":
            self.server.add_request_handler("server/discover", types.RequestParams, self._discover_handshake_only)

    # ------------------------------------------------------------ sessions

    def session_for(self, ctx: ServerRequestContext[Any]) -> Session:
        if self._process_session is not None:
            return self._process_session
        # The SDK hands low-level handlers the connection only through the
        # session proxy (its public `Context.connection` is not built for
        # low-level servers yet, see mcp.server.context), so read it there.
        connection = ctx.session._connection
        if connection.protocol_version in MODERN_PROTOCOL_VERSIONS:
            raise MCPError(
                INVALID_REQUEST,
                "envdsl keeps one environment state per session, and the stateless 2026-07-28 protocol has no "
                "session over HTTP; connect with the initialize handshake (client mode 'auto' or 'legacy')",
            )
        session = connection.state.get(_SESSION_KEY)
        if session is None:
            session = connection.state[_SESSION_KEY] = Session(self.catalog)
            connection.exit_stack.callback(self._close_session, session)
            self.sessions_opened += 1
        return session

    def _close_session(self, session: Session) -> None:
        session.close()
        self.sessions_closed += 1

    async def _discover_handshake_only(
        self, ctx: ServerRequestContext[Any], params: types.RequestParams | None
    ) -> types.DiscoverResult:
        return types.DiscoverResult(
            supported_versions=list(HANDSHAKE_PROTOCOL_VERSIONS),
            capabilities=self.server.get_capabilities(),
            instructions=self.server.instructions,
        )

    # ------------------------------------------------------------ tools

    def tool_list(self) -> list[types.Tool]:
        tools = [
            types.Tool(
                name=tool.public_name,
                description=tool.description,
                input_schema=tool.input_schema,
                annotations=types.ToolAnnotations(
                    read_only_hint=tool.read_only,
                    destructive_hint=False if tool.read_only else None,
                    open_world_hint=False,
                ),
            )
            for tool in self.catalog.tools.values()
        ]
        if self.catalog.control_tools:
            for name, description, schema in control_tool_schemas(self.catalog):
                read_only = name == STATE_HASH_TOOL
                tools.append(
                    types.Tool(
                        name=name,
                        description=description,
                        input_schema=schema,
                        annotations=types.ToolAnnotations(read_only_hint=read_only, open_world_hint=False),
                    )
                )
        return tools

    async def _list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=self._tools)

    async def _call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        session = self.session_for(ctx)
        arguments = params.arguments if params.arguments is not None else {}
        if self.catalog.control_tools and params.name in (RESET_TOOL, STATE_HASH_TOOL):
            return self._control(session, params.name, arguments)
        tool = self.catalog.tools.get(params.name)
        if tool is None:
            names = list(self.catalog.tools) + ([RESET_TOOL, STATE_HASH_TOOL] if self.catalog.control_tools else [])
            close = difflib.get_close_matches(params.name, names, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise MCPError(INVALID_PARAMS, f"unknown tool `{params.name}`{hint}")
        session.calls += 1
        return tool_result(session.env(tool.env).call(tool.tool, arguments))

    def _control(self, session: Session, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        extra = sorted(set(arguments) - {"env"})
        if extra:
            return _invalid(f"`{name}` takes only `env`; unexpected: {', '.join(extra)}")
        which = arguments.get("env")
        if which is None:
            names = sorted(self.catalog.envs)
        elif isinstance(which, str) and which in self.catalog.envs:
            names = [which]
        else:
            return _invalid(
                f"`env` must be one of {', '.join(sorted(self.catalog.envs))} or null; got {json.dumps(which)}"
            )
        if name == RESET_TOOL:
            session.reset(names)
            return tool_result(ToolResult(True, {"reset": names, "state_hash": session.state_hashes(names)}))
        return tool_result(ToolResult(True, session.state_hashes(names)))

    # ------------------------------------------------------------ resources

    def _resources(self) -> dict[str, tuple[types.Resource, str]]:
        out: dict[str, tuple[types.Resource, str]] = {}
        for name, served in self.catalog.envs.items():
            docs_uri, policy_uri = f"envdsl://{name}/docs", f"envdsl://{name}/policy"
            out[docs_uri] = (
                types.Resource(
                    uri=docs_uri,
                    name=f"{name}-docs",
                    title=f"{served.title}: documentation",
                    description="What the environment is, its policy, its tools and their declared errors.",
                    mime_type="text/markdown",
                ),
                served.docs_markdown(self.catalog.by_env.get(name, [])),
            )
            out[policy_uri] = (
                types.Resource(
                    uri=policy_uri,
                    name=f"{name}-policy",
                    title=f"{served.title}: policy",
                    description="The rules an agent acting in this environment must follow.",
                    mime_type="text/plain",
                ),
                served.policy_text(),
            )
        return out

    async def _list_resources(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[resource for resource, _ in self._resource_table.values()])

    async def _read_resource(
        self, ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        found = self._resource_table.get(str(params.uri))
        if found is None:
            raise MCPError(INVALID_PARAMS, f"unknown resource `{params.uri}`; see resources/list")
        resource, text = found
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=resource.uri, mime_type=resource.mime_type, text=text)]
        )
