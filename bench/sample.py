"""Sampling and reward benchmark.

    python bench/sample.py [--n 40] [--repeats 5] [--out bench/results/sample.json]

For each shipped spec (compiled into a temporary folder and marked verified
with `write_record(..., settings={"fixture": "bench"})`, standing in for
`envdsl verify`), in one process on one core:

- sampling: calibrated tasks per second (`--n` tasks, environment load
  excluded and reported apart), and the share of turn candidates dropped by
  each rule;
- reward: scoring each task's ground-truth transcript with a warm `Scorer`,
  beside two baselines measured in the same run on the same tasks:
  *raw replay* (reset the environment, execute the calls, read the
  incremental hash: the floor any scorer pays), *replay + full rescan* (the
  same, hashing every table instead) and *rebuild + rescan* (load the
  environment from its folder, replay, hash every table: the naive scorer).

Medians over `--repeats` batches; ratios are to the raw replay.

- streams: the three environments sampled together (`--n` tasks each) in
  this process, in 2 local processes (`jobs=2`) and on a local Ray (when
  installed), checking that the task files are byte-identical; wall times
  include loading the environments in each worker (and Ray's start).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from envdsl.emit.driver import Mode, apply, build_output  # noqa: E402
from envdsl.reward import Scorer, score_messages  # noqa: E402
from envdsl.runtime import Environment  # noqa: E402
from envdsl.sample.realize import TemplateRealizer  # noqa: E402
from envdsl.sample.report import summarize  # noqa: E402
from envdsl.sample.sampler import EnvSampler, SampleConfig, SampleResult, sample  # noqa: E402
from envdsl.verify.status import write_record  # noqa: E402
from envdsl.workspace import load_spec  # noqa: E402

SPECS = ("specs/travel/airline.envdsl", "specs/commerce/retail.envdsl", "specs/productivity/filesystem.envdsl")


def compile_verified(out: Path) -> dict[str, Path]:
    outputs = []
    for spec in SPECS:
        path = ROOT / spec
        loaded = load_spec(path)
        outputs.append(
            build_output(loaded.env, path, path.read_text(encoding="utf-8"), out, loaded.seed.hash, loaded.seed.count())
        )
    apply(outputs, out, Mode.WRITE)
    folders = {o.name: out / o.domain / o.name for o in outputs}
    for folder in folders.values():
        write_record(folder, passed=True, settings={"fixture": "bench"}, findings=[])
    return folders


def median_per_item(batch, items: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        batch()
        times.append((time.perf_counter() - start) / items)
    return statistics.median(times)


def bench_env(name: str, folder: Path, n: int, repeats: int) -> dict:
    config = SampleConfig(n=n, seed=1)
    started = time.perf_counter()
    EnvSampler(folder, name, TemplateRealizer(), config)  # load + gate, measured apart
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    result: SampleResult = sample([(folder, str(folder))], config, TemplateRealizer())
    total = time.perf_counter() - started
    sampling_s = max(total - load_s, 1e-9)
    summary = summarize(result, 1)
    tasks = result.tasks
    calls = sum(len(t.calls) for t in tasks)

    scorer = Scorer()
    for task in tasks:  # warm: environment loaded, per-task snapshots prepared
        assert score_messages(task, list(task.messages), scorer=scorer).reward == 1.0
    score_s = median_per_item(
        lambda: [score_messages(t, list(t.messages), scorer=scorer) for t in tasks], len(tasks), repeats
    )

    raw = Environment.load(folder)

    def replay_all() -> None:
        for task in tasks:
            raw.reset()
            for call in task.calls:
                raw.call(call.tool, call.arguments)
            raw.state_hash()

    raw_s = median_per_item(replay_all, len(tasks), repeats)

    def replay_rescan_all() -> None:
        for task in tasks:
            raw.reset()
            for call in task.calls:
                raw.call(call.tool, call.arguments)
            raw.state_hash(full=True)

    rescan_s = median_per_item(replay_rescan_all, len(tasks), repeats)

    def rebuild_all() -> None:
        for task in tasks[:5]:
            env = Environment.load(folder)
            for call in task.calls:
                env.call(call.tool, call.arguments)
            env.state_hash(full=True)
            env.close()

    rebuild_s = median_per_item(rebuild_all, min(5, len(tasks)), max(1, repeats // 2))
    return {
        "tasks": len(tasks),
        "questions": summary["questions"],
        "calls": calls,
        "environment_load_s": round(load_s, 4),
        "sampling_s": round(sampling_s, 4),
        "tasks_per_s": round(len(tasks) / sampling_s, 2),
        "attempts": result.attempts,
        "turn_candidates": result.candidates,
        "drop_share_by_rule": summary["drop_share"],
        "turns": summary["turns"],
        "depth": summary["depth"],
        "tools_covered": f"{summary['envs'][name]['covered']}/{summary['envs'][name]['tools']}",
        "tools_not_reached": summary["envs"][name]["uncovered"],
        "calibration": summary["envs"][name]["calibration"],
        "reward": {
            "score_median_us_per_episode": round(score_s * 1e6, 1),
            "raw_replay_median_us_per_episode": round(raw_s * 1e6, 1),
            "replay_full_rescan_median_us_per_episode": round(rescan_s * 1e6, 1),
            "rebuild_rescan_median_us_per_episode": round(rebuild_s * 1e6, 1),
            "score_over_raw_replay": round(score_s / raw_s, 2),
            "replay_full_rescan_over_raw_replay": round(rescan_s / raw_s, 2),
            "rebuild_rescan_over_score": round(rebuild_s / score_s, 1),
            "episodes_per_s": round(1 / score_s, 1),
        },
    }


def bench_streams(folders: dict[str, Path], n: int) -> dict:
    """One run over all environments, by each engine; the outputs must be the same bytes."""
    from envdsl.sample.task import dump_task
    from envdsl.scale.ray_env import RayUnavailable, import_ray

    pairs = [(folder, str(folder)) for folder in folders.values()]
    config = SampleConfig(n=n * len(pairs), seed=1)
    engines: list[tuple[str, dict]] = [("one_process", {"jobs": 1}), ("processes_2", {"jobs": 2})]
    try:
        import_ray()
        engines.append(("local_ray_2_cpus", {"ray_address": "local", "jobs": 2}))
    except RayUnavailable:
        pass
    out: dict = {"tasks": config.n}
    reference = None
    for name, options in engines:
        started = time.perf_counter()
        result = sample(pairs, config, TemplateRealizer(), **options)
        seconds = time.perf_counter() - started
        lines = [dump_task(t) for t in result.tasks]
        reference = reference or lines
        out[name] = {"wall_s": round(seconds, 3), "streams": result.streams, "rounds": result.rounds}
        out[name]["same_bytes_as_one_process"] = lines == reference
        assert lines == reference, f"{name} wrote other tasks than one process"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/sample.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folders = compile_verified(Path(tmp) / "compiled")
        results = {}
        for name, folder in folders.items():
            print(f"{name}: sampling {args.n} tasks ...", file=sys.stderr)
            results[name] = bench_env(name, folder, args.n, args.repeats)
            print(json.dumps(results[name], indent=2), file=sys.stderr)
        print("streams: one process, 2 processes, a local Ray ...", file=sys.stderr)
        streams = bench_streams(folders, args.n)
        print(json.dumps(streams, indent=2), file=sys.stderr)
    report = {
        "benchmark": "bench/sample.py",
        "settings": {"n": args.n, "repeats": args.repeats, "seed": 1, "realizer": "template"},
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "note": "one process, one core; sampling excludes the environment load (reported apart); "
        "reward ratios are to a raw replay of the same calls measured in the same run; "
        "the machine was shared with other jobs, so absolute times are noisy, ratios less so",
        "envs": results,
        "streams": streams,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
