"""Runtime benchmark: envdsl's SQLite runtime beside raw `sqlite3` doing the same work.

    python bench/runtime.py [--spec specs/travel/airline.envdsl] [--rows 20000] [--repeats 15]

For a shipped spec seeded at scale (its seed cloned until the tables hold at
least `--rows` rows, references kept inside each clone) and for the spec as
shipped, it measures, in one process, medians of repeated batches:

- reset: `Environment.reset()` vs raw `Connection.deserialize(image)` (and
  `backup()` from an in-memory template, for reference);
- a read call and a write call: `Environment.call` (argument validation,
  lookups, the tool's statements, JSON results, the savepoint) vs the very
  statements it ran, captured and replayed through raw sqlite3 (with and
  without the savepoint pair);
- the state hash after an episode: incremental vs a full rescan (the oracle).

Writes JSON to bench/results/runtime.json (or `--out`).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from envdsl.emit.python import emit_python  # noqa: E402
from envdsl.emit.schemas import emit_tool_schemas  # noqa: E402
from envdsl.ir import types as t  # noqa: E402
from envdsl.runtime import Environment  # noqa: E402
from envdsl.runtime import compiled as compiled_mod  # noqa: E402
from envdsl.seed.data import SeedData  # noqa: E402
from envdsl.workspace import load_spec  # noqa: E402

# ------------------------------------------------------------------ scaling


def scaled_seed(env, seed: SeedData, target_rows: int) -> tuple[SeedData, int]:
    """Clone every row `k` times (keys and unique values suffixed, references
    pointing into the same clone) so the state holds at least `target_rows` rows."""
    # Entities whose key has a format check (IATA codes) are reference data: not cloned.
    shared = {e.name for e in env.entities if e.key_field.checks}
    fixed = sum(len(seed.rows[name]) for name in shared)
    k = max(1, math.ceil((target_rows - fixed) / max(seed.count() - fixed, 1)))
    offsets: dict[str, int] = {}
    for entity in env.entities:
        keys = [row[entity.key] for row in seed.rows[entity.name]]
        if entity.key_field.type == t.INT:
            offsets[entity.name] = max(keys, default=0) + 1

    def shift(entity_name: str, key: Any, i: int) -> Any:
        if i == 0 or key is None or entity_name in shared:
            return key
        if entity_name in offsets:
            return key + i * offsets[entity_name]
        return f"{key}~{i}"

    rows: dict[str, list[dict[str, Any]]] = {}
    for entity in env.entities:
        out = []
        for i in range(1 if entity.name in shared else k):
            for row in seed.rows[entity.name]:
                new = dict(row)
                for f in entity.fields:
                    base = t.strip_optional(f.type)
                    if f.is_key:
                        new[f.name] = shift(entity.name, row[f.name], i)
                    elif isinstance(base, t.EntityT):
                        new[f.name] = shift(base.name, row[f.name], i)
                    elif f.unique and row[f.name] is not None and i:
                        new[f.name] = f"{row[f.name]}~{i}" if isinstance(row[f.name], str) else row[f.name] + i * 1_000_000
                out.append(new)
        rows[entity.name] = out
    return SeedData.build(env, rows, {}), k


def compiled_env(spec: Path, rows: int) -> tuple[compiled_mod.CompiledEnv, int]:
    loaded = load_spec(spec)
    assert loaded.ok and loaded.env is not None, loaded.diagnostics
    env = loaded.env
    seed, k = scaled_seed(env, loaded.seed, rows) if rows else (loaded.seed, 1)
    module = compiled_mod._exec_module(emit_python(env, "# bench"), "bench_tools", "<bench>")
    return compiled_mod._assemble(env, seed, module, emit_tool_schemas(env), str(spec)), k


# ------------------------------------------------------------------ timing


def paired(runs: list[tuple[Any, Any]], n: int, repeats: int) -> list[float]:
    """Median seconds per operation of each (fn, setup) over `repeats` rounds of
    `n`; the contenders alternate inside every round (after one warm-up round),
    so drift in the machine hits them alike."""
    samples: list[list[float]] = [[] for _ in runs]
    for round_ in range(repeats + 1):
        for i, (fn, setup) in enumerate(runs):
            if setup is not None:
                setup()
            start = time.perf_counter()
            fn(n)
            if round_:
                samples[i].append((time.perf_counter() - start) / n)
    return [statistics.median(s) for s in samples]


class Tracer:
    """Stands in for the connection while one call runs, recording its statements."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.statements: list[tuple[str, tuple]] = []

    def execute(self, sql: str, params: tuple = ()):
        self.statements.append((sql, tuple(params)))
        return self.db.execute(sql, params)


def trace(env: Environment, tool: str, args: dict) -> list[tuple[str, tuple]]:
    real = env.tools._db
    tracer = Tracer(real)
    env.tools._db = tracer
    try:
        result = env.call(tool, args)
    finally:
        env.tools._db = real
    assert result.ok, (tool, args, result)
    return tracer.statements


def raw_connection(image: bytes) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None, cached_statements=512)
    db.execute("PRAGMA foreign_keys = ON")
    db.deserialize(image)
    return db


def replay(db: sqlite3.Connection, statements: list[tuple[str, tuple]], savepoint: bool) -> None:
    if savepoint:
        db.execute("SAVEPOINT raw")
    for sql, params in statements:
        db.execute(sql, params).fetchall()
    if savepoint:
        db.execute("RELEASE raw")


# ------------------------------------------------------------------ scenarios (airline)


def airline_calls(env: Environment, count: int) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
    """Read calls (a customer's reservations) and write calls (cancel a booked reservation)."""
    users = [row["id"] for row in env.rows("User")]
    reads = [("list_reservations", {"user": users[i % len(users)], "period": "both"}) for i in range(count)]
    booked = [r["id"] for r in env.rows("Reservation") if r["status"] == "booked"]
    writes = []
    for key in booked:
        probe = env.clone()
        if probe.call("cancel_reservation", {"reservation": key, "reason": "bench"}).ok:
            writes.append(("cancel_reservation", {"reservation": key, "reason": "bench"}))
        probe.close()
        if len(writes) >= count:
            break
    return reads, writes


def measure(spec: Path, rows: int, repeats: int) -> dict[str, Any]:
    compiled, clones = compiled_env(spec, rows)
    env = Environment(compiled)
    total_rows = sum(len(r) for r in compiled.seed_rows.values())
    image = compiled.images["sqlite"]
    out: dict[str, Any] = {"spec": str(spec.relative_to(ROOT)), "rows": total_rows, "clones": clones, "image_bytes": len(image)}

    # reset ---------------------------------------------------------------
    raw = raw_connection(image)
    template = raw_connection(image)
    n = 200
    t_env, t_raw = paired([(lambda n: [env.reset() for _ in range(n)], None), (lambda n: [raw.deserialize(image) for _ in range(n)], None)], n, repeats)
    [t_backup] = paired([(lambda n: [template.backup(raw) for _ in range(n)], None)], max(n // 10, 5), repeats)
    out["reset"] = {"envdsl_us": t_env * 1e6, "raw_deserialize_us": t_raw * 1e6, "raw_backup_us": t_backup * 1e6, "ratio": t_env / t_raw}

    # read and write calls ---------------------------------------------------
    reads, writes = airline_calls(env, 300)
    env.reset()
    read_traces = [trace(env, tool, args) for tool, args in reads]
    env.reset()

    def env_reads(n: int) -> None:
        call = env.call
        for tool, args in reads[:n]:
            call(tool, args)

    def raw_reads(n: int) -> None:
        for statements in read_traces[:n]:
            for sql, params in statements:
                raw.execute(sql, params).fetchall()

    raw.deserialize(image)
    n = len(reads)
    t_env, t_raw = paired([(env_reads, None), (raw_reads, None)], n, repeats)
    out["read_call"] = {
        "tool": reads[0][0],
        "statements_per_call": statistics.mean(len(s) for s in read_traces),
        "envdsl_us": t_env * 1e6,
        "raw_statements_us": t_raw * 1e6,
        "ratio": t_env / t_raw,
    }

    env.reset()
    write_traces = [trace(env, tool, args) for tool, args in writes]
    n = len(writes)

    def env_writes(n: int) -> None:
        call = env.call
        for tool, args in writes[:n]:
            call(tool, args)

    def raw_writes(savepoint: bool):
        def run(n: int) -> None:
            for statements in write_traces[:n]:
                replay(raw, statements, savepoint)

        return run

    t_env, t_raw, t_raw_sp = paired(
        [
            (env_writes, env.reset),
            (raw_writes(False), lambda: raw.deserialize(image)),
            (raw_writes(True), lambda: raw.deserialize(image)),
        ],
        n,
        repeats,
    )
    out["write_call"] = {
        "tool": writes[0][0] if writes else None,
        "calls_per_batch": n,
        "statements_per_call": statistics.mean(len(s) for s in write_traces),
        "envdsl_us": t_env * 1e6,
        "raw_statements_us": t_raw * 1e6,
        "raw_statements_with_savepoint_us": t_raw_sp * 1e6,
        "ratio": t_env / t_raw,
        "ratio_vs_raw_with_savepoint": t_env / t_raw_sp,
    }

    # state hash after an episode --------------------------------------------
    episode = writes[:10] + reads[:10]

    def incremental(n: int) -> None:
        for _ in range(n):
            env.reset()
            for tool, args in episode:
                env.call(tool, args)
            start = time.perf_counter()
            env.state_hash()
            timings.append(time.perf_counter() - start)

    timings: list[float] = []
    incremental(repeats * 5)
    t_inc = statistics.median(timings)
    full = []
    for _ in range(max(3, repeats // 3)):
        start = time.perf_counter()
        env.state_hash(full=True)
        full.append(time.perf_counter() - start)
    t_full = statistics.median(full)
    assert env.state_hash() == env.state_hash(full=True)
    out["state_hash"] = {
        "episode_calls": len(episode),
        "incremental_us": t_inc * 1e6,
        "full_rescan_us": t_full * 1e6,
        "speedup": t_full / t_inc,
    }
    env.close()
    raw.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "specs" / "travel" / "airline.envdsl")
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "runtime.json")
    args = parser.parse_args()
    results = {
        "benchmark": "runtime",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "machine": platform.machine(),
        "processor_count": __import__("os").cpu_count(),
        "repeats": args.repeats,
        "scaled": measure(args.spec.resolve(), args.rows, args.repeats),
        "small": measure(args.spec.resolve(), 0, args.repeats),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
