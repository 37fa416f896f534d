"""Ray, optional: imported only when asked for, started or joined on demand.

Rule: nothing outside this module imports `ray`. Without it installed, asking
for Ray raises `RayUnavailable` whose message says how to install it; a bad
address raises `ScaleError` with what Ray said. A Ray already initialised in
this process (by a test fixture, a notebook, a trainer) is used as it is and
left running; one started here is shut down when the work is done.

Addresses: `local` starts a private Ray on this machine (`ray.init(num_cpus=…,
include_dashboard=False, log_to_driver=False)`, about 2 s); `auto` joins the
cluster this machine belongs to (`ray start --head` or a worker node);
`ray://HOST:10001` connects through Ray Client; `HOST:6379` joins a cluster's
GCS directly.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from types import ModuleType

INSTALL_HINT = "pip install 'envdsl[ray]'"
LOCAL = "local"


class ScaleError(Exception):
    """The work cannot be distributed as asked; the message says why."""


class RayUnavailable(ScaleError):
    """Ray is not installed."""


def import_ray() -> ModuleType:
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"--ray needs Ray, which is not installed; install it with: {INSTALL_HINT}") from None
    return ray


def ray_available() -> bool:
    try:
        import_ray()
    except RayUnavailable:
        return False
    return True


@contextlib.contextmanager
def ray_runtime(address: str = LOCAL, *, num_cpus: int | None = None) -> Iterator[ModuleType]:
    """The `ray` module, connected to `address` for the duration of the block."""
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    try:
        if address == LOCAL:
            ray.init(
                num_cpus=num_cpus,  # None: every CPU of this machine
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
                configure_logging=True,
            )
        else:
            ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING)
    except (ConnectionError, ValueError, RuntimeError, TimeoutError) as error:
        ray.shutdown()
        raise ScaleError(f"cannot connect to Ray at {address!r}: {error}") from None
    try:
        yield ray
    finally:
        ray.shutdown()
