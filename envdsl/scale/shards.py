"""`map_shards`: one function over many shards, in this process, in local processes, or on Ray.

Rule: the result is `[fn(shard) for shard in shards]`, in shard order, whatever
ran it. Work is split only by shard and every shard carries its own seed, so
which worker ran a shard, and when, cannot change any result: the output of a
local run and of a Ray run is byte-identical once serialised (a test checks
this). `fn` must be a module-level function (workers import it by name) and
shards and results must pickle.

Engines:
- `ray_address=None`, `jobs=1` (or a single shard): a plain loop in this process;
- `ray_address=None`, `jobs=N`: a pool of N local processes
  (`spawn` start method: safe next to threads such as Ray's or an event
  loop's, and the same on Linux and macOS);
- `ray_address="local" | "auto" | "ray://…" | "HOST:PORT"`: one Ray task per
  shard (see `ray_env` for the addresses); `jobs` is the CPU count of a local
  Ray started here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from envdsl.scale.ray_env import ray_runtime

S = TypeVar("S")
R = TypeVar("R")

START_METHOD = "spawn"


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def map_shards(
    fn: Callable[[S], R],
    shards: Iterable[S],
    *,
    ray_address: str | None = None,
    jobs: int | None = None,
) -> list[R]:
    """`[fn(s) for s in shards]`, run as the module docstring says. A shard's exception is re-raised."""
    items = list(shards)
    if ray_address is not None:
        return _on_ray(fn, items, ray_address, jobs)
    jobs = min(jobs or default_jobs(), len(items))
    if jobs <= 1:
        return [fn(item) for item in items]
    # concurrent.futures rather than multiprocessing.Pool: a worker that dies
    # (say, a script without an `if __name__ == "__main__":` guard under
    # `spawn`) fails the run with BrokenProcessPool instead of hanging it.
    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        # chunksize 1: shards are few and coarse (an environment, a slice of
        # seeds), so balancing matters more than the per-task overhead.
        return list(pool.map(fn, items, chunksize=1))


def _apply(fn: Callable[[Any], Any], item: Any) -> Any:
    return fn(item)


def _on_ray(fn: Callable[[Any], Any], items: list[Any], address: str, jobs: int | None) -> list[Any]:
    with ray_runtime(address, num_cpus=jobs) as ray:
        # One remote wrapper for any callable: `ray.remote` itself accepts only
        # Python functions and classes, not builtins or functools.partial.
        remote = ray.remote(num_cpus=1)(_apply)
        refs = [remote.remote(fn, item) for item in items]
        try:
            return ray.get(refs)
        except ray.exceptions.RayTaskError as error:
            # Raise what the shard raised (as multiprocessing does), not Ray's wrapper.
            raise error.as_instanceof_cause() from None
