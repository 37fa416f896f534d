"""Scale benchmark: the same per-environment workload in one process, in local processes, and on a local Ray.

    python bench/scale.py [--episodes 100] [--calls 50] [--jobs 2] [--repeats 3] [--out bench/results/scale.json]

Workload: one shard per shipped environment (every up-to-date folder under
`compiled/`); a shard loads its environment (once per worker process) and
runs `--episodes` seeded random episodes of `--calls` calls each
(`envdsl.scale.workload`: reset, then random tools with arguments drawn from
the live state). The shard is what `envdsl verify --ray` and `envdsl sample
--ray` distribute: whole environments.

Modes, timed by wall clock around `map_shards`:
- `serial`: `jobs=1`, a loop in this process (the baseline). Its first run
  is cold (environments loaded during the run), later runs warm (loaded
  environments kept, as a long-lived process would);
- `processes`: `jobs=N` spawn-started local processes; a fresh pool per run,
  so every run is cold (process start-up and environment loading included);
- `ray`: a local Ray with N CPUs, started once (its start-up reported apart);
  the first run is cold, later runs find warm workers that already hold the
  environments (what rollout actors give you).

Cold runs are dominated by loading environments (parsing each spec and seed);
warm runs measure the episodes themselves. Every mode's output must be
byte-identical to the serial one (checked).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from envdsl.runtime import Environment, LoadError  # noqa: E402
from envdsl.scale import map_shards  # noqa: E402
from envdsl.scale.ray_env import ray_runtime  # noqa: E402
from envdsl.scale.workload import EpisodeShard, run_episodes  # noqa: E402


def shipped_folders() -> tuple[list[Path], list[str]]:
    """Compiled folders that load (a stale one is skipped and named)."""
    good, skipped = [], []
    for manifest in sorted((ROOT / "compiled").glob("*/*/manifest.json")):
        try:
            Environment.load(manifest.parent).close()
        except LoadError as error:
            skipped.append(f"{manifest.parent.relative_to(ROOT)}: {error}")
            continue
        good.append(manifest.parent)
    return good, skipped


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - started, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    args = parser.parse_args()

    folders, skipped = shipped_folders()
    shards = [EpisodeShard(str(folder), tuple(range(args.episodes)), args.calls) for folder in folders]
    load_before = os.getloadavg()

    runs: dict[str, list[float]] = {"serial": [], "processes": [], "ray": []}
    reference: bytes | None = None
    identical = True

    def record(mode: str, seconds: float, output: object) -> None:
        nonlocal reference, identical
        data = json.dumps(output).encode("utf-8")
        if reference is None:
            reference = data
        identical = identical and data == reference
        runs[mode].append(round(seconds, 3))
        print(f"{mode:<10} {seconds:7.2f} s", file=sys.stderr)

    from envdsl.scale.workload import cached_environment

    cached_environment.cache_clear()  # the first serial run is cold: it loads every environment
    for _ in range(args.repeats):
        record("serial", *timed(map_shards, run_episodes, shards, jobs=1))
        record("processes", *timed(map_shards, run_episodes, shards, jobs=args.jobs))

    started = time.perf_counter()
    with ray_runtime("local", num_cpus=args.jobs):
        ray_start = time.perf_counter() - started
        for _ in range(args.repeats):
            record("ray", *timed(map_shards, run_episodes, shards, ray_address="local"))

    calls = len(shards) * args.episodes * args.calls
    serial_cold, serial_warm = runs["serial"][0], runs["serial"][1:]
    ray_cold, ray_warm = runs["ray"][0], runs["ray"][1:]

    def ratio(base: float | None, other: float | None) -> float | None:
        return round(base / other, 2) if base and other else None

    warm_serial = statistics.median(serial_warm) if serial_warm else None
    warm_ray = statistics.median(ray_warm) if ray_warm else None
    result = {
        "benchmark": "scale",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
        },
        "workload": {
            "environments": [str(f.relative_to(ROOT)) for f in folders],
            "skipped": skipped,
            "episodes_per_environment": args.episodes,
            "calls_per_episode": args.calls,
            "calls_total": calls,
        },
        "jobs": args.jobs,
        "runs_s": runs,
        "cold_s": {"serial": serial_cold, "processes": statistics.median(runs["processes"]), "ray": ray_cold},
        "warm_s": {"serial": warm_serial, "ray": warm_ray},
        "ray_start_s": round(ray_start, 2),
        "speedup_vs_serial": {
            "processes_cold": ratio(serial_cold, statistics.median(runs["processes"])),
            "ray_cold": ratio(serial_cold, ray_cold),
            "ray_warm": ratio(warm_serial, warm_ray),
        },
        "byte_identical_outputs": identical,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    if not identical:
        raise SystemExit("outputs differ between modes")


if __name__ == "__main__":
    main()
