"""Running an `EnvServer` over stdio or streamable HTTP.

Rule: stdout belongs to the protocol on stdio, so everything human goes to
stderr. Over HTTP the listening socket is bound here, before uvicorn starts,
so a port in use or a bad host is one clear `ServeError` (not a uvicorn log
line and a silent exit), and `--port 0` can report the port it got.
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from envdsl.serve.catalog import ServeError

if TYPE_CHECKING:  # the server module imports mcp, which is slow to import
    from envdsl.serve.server import EnvServer

MCP_PATH = "/mcp"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run_stdio(env_server: EnvServer) -> None:
    import anyio
    from mcp.server.stdio import stdio_server

    server = env_server.server

    async def main() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(main)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port, or `ServeError` saying what is wrong."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ServeError(f"cannot listen on {host}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is already in use; pick another with --port (0: any free port)"
            ) from None
        if error.errno == errno.EACCES:
            raise ServeError(f"not allowed to listen on {host}:{port} (ports below 1024 need privileges)") from None
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    sock.set_inheritable(True)
    return sock


def http_app(env_server: EnvServer, host: str = "127.0.0.1"):
    """The Starlette app serving MCP at /mcp (DNS-rebinding protection on for loopback hosts)."""
    # JSON responses rather than an SSE stream per POST: envdsl sends no
    # notifications while a tool runs, and a plain JSON body is cheaper.
    return env_server.server.streamable_http_app(streamable_http_path=MCP_PATH, host=host, json_response=True)


def run_http(env_server: EnvServer, host: str, port: int, announce: Callable[[str], None] | None = None) -> None:
    import uvicorn

    sock = bind(host, port)
    actual_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{actual_port}{MCP_PATH}"
    app = http_app(env_server, host)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    (announce or _announce)(url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _announce(url: str) -> None:
    print(f"serving MCP over streamable HTTP at {url}", file=sys.stderr, flush=True)
