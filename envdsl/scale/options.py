"""The `--ray [ADDRESS]` option, for any command whose work splits into shards.

    @click.command()
    @ray_option()
    def verify(..., ray_address: str | None): ...
        results = map_shards(fn, shards, ray_address=ray_address, jobs=jobs)

`--ray` alone starts a local Ray (`local`); `--ray auto` joins this machine's
cluster; `--ray ray://HOST:10001` connects through Ray Client. Without the
flag, `ray_address` is None and work runs locally. `check_ray(ray_address)`
turns a malformed address (often a path that click took as the value, in
`--ray compiled/`) or a missing Ray into the usage error every command prints
the same way: one line, exit code 2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from envdsl.scale.ray_env import LOCAL, RayUnavailable, import_ray

F = TypeVar("F", bound=Callable[..., Any])
EXIT_USAGE = 2


def ray_option() -> Callable[[F], F]:
    return click.option(
        "--ray",
        "ray_address",
        is_flag=False,
        flag_value=LOCAL,
        default=None,
        metavar="[ADDRESS]",
        help="Run shards on Ray: alone, a local Ray started for this run; `auto`, this machine's cluster; "
        "`ray://HOST:10001`, a remote cluster (needs: pip install 'envdsl[ray]').",
    )


def address_problem(ray_address: str) -> str | None:
    """Why `ray_address` is not a Ray address, or None. Catches `--ray PATH…`, where click
    takes the first path as the option's value."""
    if ray_address in (LOCAL, "auto") or ray_address.startswith("ray://"):
        return None
    host, _, port = ray_address.rpartition(":")
    if host and port.isdigit():
        return None
    return (
        f"--ray {ray_address}: not a Ray address (local, auto, ray://HOST:PORT or HOST:PORT); "
        "to start a local Ray, put --ray after the paths or write --ray local"
    )


def check_ray(ray_address: str | None) -> None:
    """Exit 2 with a one-line reason when the address is malformed or Ray is missing."""
    if ray_address is None:
        return
    problem = address_problem(ray_address)
    if problem is not None:
        click.echo(f"error: {problem}", err=True)
        raise SystemExit(EXIT_USAGE)
    try:
        import_ray()
    except RayUnavailable as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_USAGE) from None
