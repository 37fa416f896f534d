"""`envdsl serve`: compiled environments over the Model Context Protocol.

Exit codes follow `envdsl.cli`: 1 when an environment cannot be served
(unverified, stale, failed to load), 2 for usage problems (a path that does
not exist, a port in use, the `serve` extra missing).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_ERRORS, EXIT_USAGE = 1, 2


@click.command("serve")
@click.argument("envs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--transport",
    type=click.Choice(["stdio", "http"]),
    default="stdio",
    show_default=True,
    help="stdio for a client that launches the server; http for streamable HTTP at /mcp.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="HTTP: the address to listen on (no authentication: keep it on loopback).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="HTTP: the port (0: any free port, printed on start).",
)
@click.option(
    "--control-tools",
    is_flag=True,
    help="Also offer envdsl__reset and envdsl__state_hash (for trainers and evaluators).",
)
@click.option(
    "--allow-unverified",
    is_flag=True,
    help="Serve environments that `envdsl verify` has not passed (they are refused otherwise).",
)
def serve_command(
    envs: tuple[Path, ...], transport: str, host: str, port: int, control_tools: bool, allow_unverified: bool
) -> None:
    """Serve compiled environments ENVS (folders, or a folder of them) over MCP.

    Each client session gets its own state, fresh from the seed. With several
    environments, tool names are prefixed `<env>__` (airline__book_reservation).
    """
    from importlib.util import find_spec

    # find_spec, not import: mcp takes a while to import, and a usage error should be instant.
    for module in ("mcp", "uvicorn") if transport == "http" else ("mcp",):
        if find_spec(module) is None:
            click.echo(
                f"error: serving needs the `serve` extra ({module} is missing): pip install 'envdsl[serve]'", err=True
            )
            raise SystemExit(EXIT_USAGE)

    from envdsl.serve.catalog import ServeError, build_catalog, expand_paths
    from envdsl.serve.transports import LOOPBACK, bind

    try:
        expand_paths(list(envs))
    except ServeError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    if transport == "http":
        # Bind before the (slow) loading so a port in use fails at once; the
        # probe socket is closed again and the real one bound just before serving.
        try:
            bind(host, port).close()
        except ServeError as error:
            click.echo(f"error: {error}", err=True)
            raise SystemExit(EXIT_USAGE) from None
        if host not in LOOPBACK:
            click.echo(
                f"warning: listening on {host} with no authentication; anyone who can reach it can call the tools",
                err=True,
            )
    try:
        catalog = build_catalog(list(envs), allow_unverified=allow_unverified, control_tools=control_tools)
    except ServeError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_ERRORS) from None
    for served in catalog.envs.values():
        if not served.verified:
            click.echo(f"warning: serving unverified {served.name}: {served.reason}", err=True)
    names = ", ".join(catalog.envs)
    click.echo(
        f"envdsl serve: {len(catalog.tools)} tools from {names}" + (" (+2 control tools)" if control_tools else ""),
        err=True,
    )
    from envdsl.serve.server import EnvServer
    from envdsl.serve.transports import run_http, run_stdio

    env_server = EnvServer(catalog, transport)
    try:
        if transport == "stdio":
            run_stdio(env_server)
        else:
            run_http(env_server, host, port)
    except ServeError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        pass
    sys.stderr.flush()
    raise SystemExit(0)
