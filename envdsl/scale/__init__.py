"""Past one process and past one machine: per-shard work on multiprocessing or Ray.

    shards.py    map_shards(fn, shards, ray_address=..., jobs=...): results in shard order,
                 identical whichever engine ran them
    ray_env.py   Ray as an optional extra: import it or say how to install it; start or join a cluster
    actors.py    EnvironmentWorker / EnvironmentActor: compiled environments held in a Ray actor (RL rollouts)
    workload.py  a seeded, deterministic random episode per environment (benchmarks, tests, smoke runs)
    options.py   the `--ray [ADDRESS]` click option shared by commands

See docs/scale.md.
"""

from envdsl.scale.ray_env import INSTALL_HINT, LOCAL, RayUnavailable, ScaleError
from envdsl.scale.shards import map_shards

__all__ = ["INSTALL_HINT", "LOCAL", "RayUnavailable", "ScaleError", "map_shards"]
