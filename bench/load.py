"""Benchmark: how long `Environment.load` takes, cold (a fresh process) and warm.

    python bench/load.py                      # ~6 min on a busy 2-core machine; writes bench/results/load.json
    python bench/load.py --repeats 5          # steadier medians
    python bench/load.py --only airline,retail

For every spec in `specs/**/*.envdsl` (loaded straight from the spec, as
`envdsl.runtime.compiled.load(spec)` does) and every compiled folder under
`compiled/`, in two modes:

- `current`: envdsl as it is (the grammar from lark's cache, seed YAML read
  with the C loader, the round-trip reader only when a seed has a problem);
- `baseline`: the same code with both fast paths switched off in the child
  process (the grammar built from scratch, seed YAML read with ruamel's
  round-trip composer) — what loading cost before they were added. It is
  measured in the same run, interleaved with `current`, so that load on the
  shared machine hits both alike.

Each sample runs in a fresh child process, which reports:

- `cold`: from before `import envdsl` to the end of the first load
  (imports, grammar, parse, check, seed, tools module) — what every command pays;
- `warm`: the median of two more loads in the same process (grammar and
  modules already in memory).

Both are given as wall time and as the process's CPU time (`cpu`), which
other load on the machine inflates less. The JSON holds per target and mode
the median of `--repeats` samples, and `ratio` = baseline / current of the
cold CPU medians.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODES = ("baseline", "current")

_CHILD = r"""
import json, sys, time
w0, c0 = time.perf_counter(), time.process_time()
mode, target = sys.argv[1], sys.argv[2]
import envdsl.runtime.compiled as compiled
if mode == "baseline":
    import envdsl.seed.load as seed_load
    import envdsl.syntax.parser as parser
    parser.USE_GRAMMAR_CACHE = False  # build the LALR tables from the grammar text
    seed_load.FAST_YAML = False  # read seed YAML with the round-trip composer only
from pathlib import Path
compiled.load(Path(target))
w1, c1 = time.perf_counter(), time.process_time()
warm = []
for _ in range(2):
    a, b = time.perf_counter(), time.process_time()
    compiled.load(Path(target))
    warm.append((time.perf_counter() - a, time.process_time() - b))
print(json.dumps({"cold": [w1 - w0, c1 - c0], "warm": warm}))
"""


def targets(only: set[str] | None) -> list[Path]:
    found = sorted(ROOT.glob("specs/**/*.envdsl")) + sorted(p.parent for p in ROOT.glob("compiled/**/manifest.json"))
    out = [p for p in found if only is None or (p.stem if p.is_file() else p.name) in only]
    return out


def sample(mode: str, target: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="0")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(target)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    process_wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} {target}: {proc.stderr.strip().splitlines()[-1:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "process_wall": process_wall,
        "cold_wall": data["cold"][0],
        "cold_cpu": data["cold"][1],
        "warm_wall": statistics.median(w for w, _ in data["warm"]),
        "warm_cpu": statistics.median(c for _, c in data["warm"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", help="comma-separated spec or compiled-folder names")
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = ap.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    only = set(args.only.split(",")) if args.only else None
    results: dict[str, dict[str, dict[str, float]]] = {}
    skipped: dict[str, str] = {}

    def write() -> dict[str, dict[str, float]]:
        """Written after every target, so a stopped run keeps what it measured."""
        summary = {
            m: {
                k: round(sum(r[m][k] for r in results.values()), 3)
                for k in ("process_wall", "cold_wall", "cold_cpu", "warm_wall", "warm_cpu")
            }
            for m in modes
        }
        out = {
            "benchmark": "load",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
            "repeats": args.repeats,
            "unit": "seconds (median of repeats); *_cpu = process CPU time",
            "total_over_targets": summary,
            "targets": results,
            "skipped": skipped,
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
        return summary

    # Warm the lark cache (and .pyc files) once, so `current` measures the steady state every later command sees.
    subprocess.run(
        [sys.executable, "-c", "import envdsl.runtime.compiled; from envdsl.syntax.parser import grammar; grammar()"],
        cwd=ROOT,
        check=True,
    )
    for target in targets(only):
        name = str(target.relative_to(ROOT))
        samples: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
        try:
            for _ in range(args.repeats):
                for mode in modes:  # interleaved: drift on the machine hits both modes alike
                    samples[mode].append(sample(mode, target))
        except RuntimeError as error:  # e.g. a stale compiled folder: recorded, not fatal
            print(f"{name:45s} skipped: {error}", flush=True)
            skipped[name] = str(error)
            continue
        entry: dict[str, dict[str, float]] = {}
        for mode in modes:
            entry[mode] = {k: round(statistics.median(s[k] for s in samples[mode]), 4) for k in samples[mode][0]}
        if "baseline" in entry and "current" in entry:
            entry["ratio"] = {
                "cold_cpu": round(entry["baseline"]["cold_cpu"] / entry["current"]["cold_cpu"], 2),
                "warm_cpu": round(entry["baseline"]["warm_cpu"] / entry["current"]["warm_cpu"], 2),
            }
        results[name] = entry
        shown = "  ".join(
            f"{m}: cold {entry[m]['cold_wall']:.2f}s wall / {entry[m]['cold_cpu']:.2f}s cpu, warm {entry[m]['warm_cpu']:.2f}s cpu"
            for m in modes
        )
        print(f"{name:45s} {shown}", flush=True)
        write()
    summary = write()
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
