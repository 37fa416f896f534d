"""Backend benchmark: reset, a read call and a write call on SQLite, DuckDB and PostgreSQL.

    python bench/backends.py [--spec specs/travel/airline.envdsl] [--rows 20000] [--repeats 7]

Same spec, same seed (scaled as in `bench/runtime.py`), same calls, one
process. Per backend, medians over `--repeats` rounds of the per-operation
time of: `reset()` after one write call; a read call; a write call (each
from the seeded state). For PostgreSQL it also times reloading the seed
(TRUNCATE + COPY, what `restore()` does), the alternative to the ROLLBACK
that `reset()` uses. Ratios are to SQLite measured in the same run.
PostgreSQL runs only when ENVDSL_PG_DSN is set.

Writes JSON to bench/results/backends.json (or `--out`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from runtime import airline_calls, compiled_env  # noqa: E402

from envdsl.runtime import Environment  # noqa: E402


def per_op(fn, setup, n: int, repeats: int) -> float:
    """Median over rounds of the mean time of `fn(i)`, each after an untimed `setup(i)`."""
    rounds = []
    for round_ in range(repeats + 1):
        spent = 0.0
        for i in range(n):
            if setup is not None:
                setup(i)
            start = time.perf_counter()
            fn(i)
            spent += time.perf_counter() - start
        if round_:
            rounds.append(spent / n)
    return statistics.median(rounds)


def measure(compiled, backend: str, options: dict, reads, writes, n: int, repeats: int) -> dict[str, Any]:
    start = time.perf_counter()
    env = Environment(compiled, backend, **options)
    out: dict[str, Any] = {"create_s": time.perf_counter() - start}
    for tool, args in reads + writes[:1]:  # warm the statement caches
        env.call(tool, args)
    env.reset()

    def write(i: int) -> None:
        tool, args = writes[i % len(writes)]
        assert env.call(tool, args).ok

    out["reset_s"] = per_op(lambda i: env.reset(), write, n, repeats)
    out["read_call_s"] = per_op(lambda i: env.call(*reads[i % len(reads)]), None, n, repeats)
    out["write_call_s"] = per_op(write, lambda i: env.reset(), n, repeats)
    if backend == "postgres":
        seed = env.backend.snapshot()
        out["reload_seed_s"] = per_op(lambda i: env.backend.restore(seed), None, max(n // 10, 3), repeats)
        env.reset()
    env.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "specs" / "travel" / "airline.envdsl")
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "backends.json")
    args = parser.parse_args()
    compiled, _ = compiled_env(args.spec, args.rows)
    probe = Environment(compiled)
    reads, writes = airline_calls(probe, args.calls)
    probe.close()
    backends: list[tuple[str, dict]] = [("sqlite", {}), ("duckdb", {})]
    dsn = os.environ.get("ENVDSL_PG_DSN")
    if dsn:
        backends.append(("postgres", {"dsn": dsn}))
    results: dict[str, Any] = {
        "spec": str(args.spec.resolve().relative_to(ROOT)),
        "rows": sum(len(r) for r in compiled.seed_rows.values()),
        "repeats": args.repeats,
        "backends": {},
    }
    for backend, options in backends:
        results["backends"][backend] = measure(compiled, backend, options, reads, writes, args.calls, args.repeats)
    base = results["backends"]["sqlite"]
    for figures in results["backends"].values():
        for key in ("reset_s", "read_call_s", "write_call_s"):
            figures[key.replace("_s", "_vs_sqlite")] = figures[key] / base[key]
    if not dsn:
        results["postgres"] = "skipped: ENVDSL_PG_DSN is not set"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{'backend':<10} {'reset':>10} {'read call':>10} {'write call':>11}   (medians; {results['rows']} rows)")
    for backend, f in results["backends"].items():
        print(
            f"{backend:<10} {f['reset_s'] * 1e6:>8.0f}µs {f['read_call_s'] * 1e6:>8.0f}µs {f['write_call_s'] * 1e6:>9.0f}µs"
        )
    if "reload_seed_s" in results["backends"].get("postgres", {}):
        print(
            f"postgres reload of the seed (TRUNCATE + COPY): {results['backends']['postgres']['reload_seed_s'] * 1e3:.1f} ms"
        )


if __name__ == "__main__":
    main()
