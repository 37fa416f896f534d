"""How long `envdsl verify` takes, and where the time goes.

    python bench/verify.py [--examples 200] [--jobs 1] [compiled/ ...]

For every compiled environment (default: all of compiled/), verifies it at
`--examples` examples and records wall seconds, examples/s, calls/s, and the
split of exploration time between the runtime itself (the tool calls, the
baseline: what the same calls cost without a verifier), the verifier's checks
(hashing, determinism re-runs, the oracle's invariants and field checks, the
per-call checks) and the rest: hypothesis's engine and argument drawing.
Writes bench/results/verify.json.
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

from envdsl.verify.run import Settings, verify  # noqa: E402

CHECK_PARTS = ("hashing", "determinism", "oracle", "checks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "compiled"])
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "verify.json")
    args = parser.parse_args()
    folders = sorted({m.parent for p in args.paths for m in (p.rglob("manifest.json") if p.is_dir() else [])})
    rows = []
    started = time.perf_counter()
    for folder in folders:
        result = verify(folder, Settings(examples=args.examples))
        s = result.seconds
        explore = s.get("explore", 0.0)
        runtime = s.get("explore.runtime", 0.0)
        checks = sum(s.get(f"explore.{part}", 0.0) for part in CHECK_PARTS)
        row = {
            "env": f"{result.domain}/{result.name}",
            "passed": result.passed,
            "examples": result.examples,
            "calls": result.calls,
            "seconds": round(s.get("total", 0.0), 2),
            "load_seconds": round(s.get("load", 0.0), 2),
            "examples_per_second": round(result.examples / explore, 1) if explore else None,
            "calls_per_second": round(result.calls / explore, 1) if explore else None,
            "explore_split": {
                "runtime": round(runtime, 2),
                **{part: round(s.get(f"explore.{part}", 0.0), 2) for part in CHECK_PARTS},
                "hypothesis_and_drawing": round(explore - runtime - checks, 2),
            },
            "verifier_to_runtime_ratio": round(explore / runtime, 1) if runtime else None,
        }
        rows.append(row)
        print(
            f"{row['env']:<32} {'ok' if row['passed'] else 'FAILED':<6} {row['seconds']:>7.1f} s "
            f"{row['examples_per_second'] or 0:>6.1f} ex/s {row['calls_per_second'] or 0:>7.1f} calls/s",
            file=sys.stderr,
        )
    total = time.perf_counter() - started
    data = {
        "benchmark": "envdsl verify, per environment",
        "examples_per_env": args.examples,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "total_seconds": round(total, 1),
        "median_seconds_per_env": round(statistics.median(r["seconds"] for r in rows), 2) if rows else None,
        "median_examples_per_second": round(statistics.median(r["examples_per_second"] or 0 for r in rows), 1) if rows else None,
        "median_verifier_to_runtime_ratio": (
            round(statistics.median(r["verifier_to_runtime_ratio"] or 0 for r in rows), 1) if rows else None
        ),
        "environments": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"{len(rows)} environments in {total:.1f} s; wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
