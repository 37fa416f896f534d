"""Compile benchmark: per shipped spec, the median time of each phase and of the whole.

    python bench/compile.py [--repeats 7]

Phases: front end (parse + check + seed, `load_spec`), schema.sql, tools.py
(emit + the pinned ruff formatter, which runs as a subprocess), tools.json,
and the whole `emit_env`. Writes JSON to bench/results/compile.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from envdsl.emit.driver import build_output, format_python  # noqa: E402
from envdsl.emit.python import emit_python  # noqa: E402
from envdsl.emit.schemas import emit_tool_schemas  # noqa: E402
from envdsl.emit.sql import emit_schema  # noqa: E402
from envdsl.workspace import load_spec  # noqa: E402


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up (imports, grammar)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "compile.json")
    args = parser.parse_args()
    specs = sorted((ROOT / "specs").glob("*/*.envdsl"))
    results = {"benchmark": "compile", "python": platform.python_version(), "repeats": args.repeats, "specs": []}
    for spec in specs:
        results["specs"].append(measure(spec, args.repeats))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


def measure(spec: Path, repeats: int) -> dict:
    loaded = load_spec(spec)
    env = loaded.env
    assert env is not None
    text = spec.read_text(encoding="utf-8")
    source = emit_python(env, "# bench")
    entry = {
        "spec": spec.relative_to(ROOT).as_posix(),
        "tools": len(env.tools),
        "entities": len(env.entities),
        "front_end_ms": median_ms(lambda: load_spec(spec), repeats),
        "schema_sql_ms": median_ms(lambda: emit_schema(env), repeats),
        "tools_py_emit_ms": median_ms(lambda: emit_python(env, "# bench"), repeats),
        "tools_py_ruff_format_ms": median_ms(lambda: format_python(source), repeats),
        "tools_json_ms": median_ms(lambda: emit_tool_schemas(env), repeats),
        "compile_total_ms": median_ms(
            lambda: build_output(load_spec(spec).env, spec, text, ROOT / "compiled", loaded.seed.hash, loaded.seed.count()),
            repeats,
        ),
    }
    return entry


if __name__ == "__main__":
    main()
