"""Benchmark: parse + check of the shipped specs, against lark's bare parse of the same text.

    python bench/parse_check.py                 # ~15 s; writes bench/results/parse_check.json
    python bench/parse_check.py --rounds 100    # steadier medians
    python bench/parse_check.py --profile       # also print where parse + check spend their time

For every spec in `specs/**/*.envdsl`, in the same process and interleaved
round by round (so drift of the machine hits every mode alike), it times:

- `bare_parse`: `lark.Lark(grammar, parser="lalr", lexer="contextual",
  propagate_positions=True).parse(text)` — the grammar alone, without envdsl's
  keyword lexer, transformer or checker: the floor any lark-based front end
  pays. Plain lark rejects a keyword used as a name where LALR lookahead
  merging makes the keyword look acceptable (a field `order` after a field
  with a `check`: the case envdsl's keyword lexer mends). So that the baseline
  parses the same text to the same tree, it resumes through lark's own
  `on_error` hook, re-feeding such a keyword as a NAME; the repairs are counted
  (`bare_repairs`) and their cost is part of the baseline. The baseline's tree
  is checked to equal envdsl's parse tree before timing;
- `parse`: `envdsl.syntax.parser.parse` (keyword lexer, syntax tree, message
  interpolations);
- `check`: `envdsl.check.checker.check` on the already parsed module;
- `parse_check`: both, as `envdsl check` runs them (seed data excluded).

The figure of merit is `ratio` = parse_check / bare_parse (aim: at most 2).
Each sample is one call (or the mean of a small batch, for calls under 5 ms)
with the garbage collector paused, as `timeit` does, timed by the process's
CPU clock so that other load on a shared machine does not inflate it
(`--clock wall` for elapsed time). See bench/README.md for the JSON layout.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import math
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lark  # noqa: E402
from lark.exceptions import UnexpectedInput, UnexpectedToken  # noqa: E402

from envdsl.check.checker import check  # noqa: E402
from envdsl.syntax.parser import GRAMMAR_PATH, parse, tree_of  # noqa: E402

MODES = ("bare_parse", "parse", "check", "parse_check")
TARGET_RATIO = 2.0
MIN_BATCH_S = 0.005  # a sample shorter than this is the mean of a batch of calls


class BareParser:
    """Plain lark over the grammar, resuming where a keyword stands for a name (see the docstring)."""

    def __init__(self) -> None:
        self.lark = lark.Lark(
            GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", lexer="contextual", propagate_positions=True
        )
        self.keywords = frozenset(
            t.name
            for t in self.lark.terminals
            if isinstance(t.pattern, lark.lexer.PatternStr) and t.pattern.value.isidentifier()
        )
        self.repairs = 0

    def _keyword_as_name(self, error: UnexpectedInput) -> bool:
        if isinstance(error, UnexpectedToken) and error.token.type in self.keywords and "NAME" in error.expected:
            self.repairs += 1
            error.interactive_parser.feed_token(lark.Token.new_borrow_pos("NAME", str(error.token), error.token))
            return True
        return False

    def parse(self, text: str) -> lark.Tree:
        return self.lark.parse(text, on_error=self._keyword_as_name)

    def repairs_for(self, text: str) -> int:
        before = self.repairs
        self.parse(text)
        return self.repairs - before


def spec_paths() -> list[Path]:
    return sorted(p for p in ROOT.glob("specs/**/*.envdsl") if p.is_file())


def calls_for(path: Path, text: str, bare: BareParser) -> dict[str, Callable[[], object]]:
    shown = path.relative_to(ROOT).as_posix()
    module, diagnostics = parse(text, shown)
    env, more = check(module)
    if env is None:
        errors = [f"{d.code} {d.message}" for d in diagnostics + more if d.is_error]
        raise SystemExit(f"{shown} does not check ({len(errors)} errors, first: {errors[0]}); fix it before timing")
    if bare.parse(text) != tree_of(text):
        raise SystemExit(f"{shown}: the bare lark parse gives another tree than envdsl's parser; the baseline is wrong")

    def parse_check() -> object:
        return check(parse(text, shown)[0])

    return {
        "bare_parse": lambda: bare.parse(text),
        "parse": lambda: parse(text, shown),
        "check": lambda: check(module),
        "parse_check": parse_check,
    }


def batch_size(call: Callable[[], object]) -> int:
    start = time.perf_counter()
    call()
    once = time.perf_counter() - start
    return max(1, math.ceil(MIN_BATCH_S / max(once, 1e-9)))


CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}


def sample(call: Callable[[], object], batch: int, clock: Callable[[], float]) -> float:
    """Seconds per call, over `batch` calls, with the collector paused."""
    gc.collect()
    gc.disable()
    try:
        start = clock()
        for _ in range(batch):
            call()
        return (clock() - start) / batch
    finally:
        gc.enable()


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(seconds: list[float]) -> dict[str, float]:
    median = statistics.median(seconds)
    return {
        "median_ms": round(median * 1000, 4),
        "p90_ms": round(percentile(seconds, 90) * 1000, 4),
        "min_ms": round(min(seconds) * 1000, 4),
        "specs_per_s": round(1 / median, 2),
    }


def run(paths: list[Path], rounds: int, warmup: int, clock_name: str = "cpu") -> dict:
    clock = CLOCKS[clock_name]
    bare = BareParser()
    specs = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        calls = calls_for(path, text, bare)
        for call in calls.values():
            for _ in range(warmup):
                call()
        specs.append(
            {"path": path.relative_to(ROOT).as_posix(), "text": text, "calls": calls, "repairs": bare.repairs_for(text)}
        )
    batches = [{mode: batch_size(spec["calls"][mode]) for mode in MODES} for spec in specs]

    times: list[dict[str, list[float]]] = [{mode: [] for mode in MODES} for _ in specs]
    for round_ in range(rounds):
        for i, spec in enumerate(specs):
            # Rotate the order of modes each round so that none always runs first (cold caches).
            order = MODES[round_ % len(MODES) :] + MODES[: round_ % len(MODES)]
            for mode in order:
                times[i][mode].append(sample(spec["calls"][mode], batches[i][mode], clock))

    per_spec = []
    for spec, spec_times, batch in zip(specs, times, batches):
        modes = {mode: summarize(spec_times[mode]) for mode in MODES}
        per_spec.append(
            {
                "path": spec["path"],
                "chars": len(spec["text"]),
                "lines": len(spec["text"].splitlines()),
                "batch": batch,
                "bare_repairs": spec["repairs"],
                "modes": modes,
                "ratio": round(modes["parse_check"]["median_ms"] / modes["bare_parse"]["median_ms"], 3),
            }
        )
    # All specs once: the per-round sum over specs, so its median is a real round's time.
    totals = {mode: [sum(spec_times[mode][r] for spec_times in times) for r in range(rounds)] for mode in MODES}
    overall_modes = {mode: summarize(totals[mode]) for mode in MODES}
    for mode in MODES:
        overall_modes[mode]["specs_per_s"] = round(len(specs) / statistics.median(totals[mode]), 2)
    ratio = round(overall_modes["parse_check"]["median_ms"] / overall_modes["bare_parse"]["median_ms"], 3)
    return {
        "benchmark": "parse_check",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": git_state(),
        "machine": machine(),
        "versions": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "lark": lark.__version__,
            "envdsl": _version("envdsl"),
        },
        "method": {
            "rounds": rounds,
            "warmup_calls": warmup,
            "clock": {"cpu": "time.process_time (CPU time of this process)", "wall": "time.perf_counter"}[clock_name],
            "min_batch_s": MIN_BATCH_S,
            "gc_paused_while_timing": True,
            "unit": "milliseconds per spec (per call)",
            "bare_parse": 'lark.Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True)'
            ".parse(text, on_error=keyword_as_name)",
        },
        "specs": per_spec,
        "overall": {
            "specs": len(specs),
            "chars": sum(s["chars"] for s in per_spec),
            "modes": overall_modes,
            "ratio": ratio,
        },
        "target": {"ratio_max": TARGET_RATIO, "met": ratio <= TARGET_RATIO},
    }


def machine() -> dict:
    info = {
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_model": None,
        "cpu_count": os.cpu_count(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def git_state() -> dict:
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", "envdsl", "grammar", "specs")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def table(result: dict) -> str:
    head = f"{'spec':<38} {'chars':>7}  {'bare ms':>15}  {'parse+check ms':>15}  {'check ms':>9}  {'specs/s':>8}  {'ratio':>5}"
    lines = [head, "-" * len(head)]

    def row(name: str, chars: int, modes: dict, ratio: float) -> str:
        bare, both, chk = modes["bare_parse"], modes["parse_check"], modes["check"]
        return (
            f"{name:<38} {chars:>7}  {bare['median_ms']:>7.2f} p90 {bare['p90_ms']:>3.0f}"
            f"  {both['median_ms']:>7.2f} p90 {both['p90_ms']:>3.0f}  {chk['median_ms']:>9.2f}"
            f"  {both['specs_per_s']:>8.1f}  {ratio:>5.2f}"
        )

    for spec in result["specs"]:
        lines.append(row(spec["path"], spec["chars"], spec["modes"], spec["ratio"]))
    overall = result["overall"]
    lines.append(row(f"all {overall['specs']} specs", overall["chars"], overall["modes"], overall["ratio"]))
    verdict = "met" if result["target"]["met"] else "NOT met"
    lines.append(f"target: parse+check <= {TARGET_RATIO:g}x bare lark parse: {verdict} ({overall['ratio']:.2f}x)")
    return "\n".join(lines)


def breakdown(paths: list[Path], rounds: int) -> list[dict]:
    """Where parse + check spend their time, stage by stage, per spec (CPU clock, medians).

    `tree` is `envdsl.syntax.parser.tree_of`: lark with envdsl's keyword lexer, no syntax tree;
    `parse - tree` is then the transformer, message interpolations and comment scan.
    `threads` counts the threads one parse + check starts (`call_deep` runs deep walks on a thread
    with a large stack); `thread_ms` is what starting that many costs, from an empty `call_deep`.
    """
    import envdsl.syntax.parser as parser_module

    bare = BareParser()
    clock = CLOCKS["cpu"]

    def median_ms(call: Callable[[], object]) -> float:
        call()
        batch = batch_size(call)
        return round(statistics.median(sample(call, batch, clock) for _ in range(rounds)) * 1000, 3)

    call_deep = getattr(parser_module, "call_deep", None)
    one_thread_ms = median_ms(lambda: call_deep(lambda: None)) if call_deep else 0.0
    return [_stages(path, bare, median_ms, one_thread_ms) for path in paths]


def _stages(
    path: Path, bare: BareParser, median_ms: Callable[[Callable[[], object]], float], one_thread_ms: float
) -> dict:
    import threading

    shown = path.relative_to(ROOT).as_posix()
    text = path.read_text(encoding="utf-8")
    module = parse(text, shown)[0]
    started = 0
    original_start = threading.Thread.start

    def counting_start(self: threading.Thread) -> None:
        nonlocal started
        started += 1
        original_start(self)

    threading.Thread.start = counting_start  # type: ignore[method-assign]
    try:
        check(parse(text, shown)[0])
    finally:
        threading.Thread.start = original_start  # type: ignore[method-assign]
    row = {
        "path": shown,
        "bare_parse_ms": median_ms(lambda: bare.parse(text)),
        "tree_ms": median_ms(lambda: tree_of(text)),
        "parse_ms": median_ms(lambda: parse(text, shown)),
        "check_ms": median_ms(lambda: check(module)),
        "threads": started,
        "thread_ms": round(started * one_thread_ms, 3),
    }
    row["transform_ms"] = round(row["parse_ms"] - row["tree_ms"], 3)
    return row


def breakdown_table(rows: list[dict]) -> str:
    head = f"{'spec':<38} {'bare':>7} {'tree':>7} {'parse':>7} {'parse-tree':>10} {'check':>7} {'threads':>7} {'~thread ms':>10}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['path']:<38} {r['bare_parse_ms']:>7.2f} {r['tree_ms']:>7.2f} {r['parse_ms']:>7.2f}"
            f" {r['transform_ms']:>10.2f} {r['check_ms']:>7.2f} {r['threads']:>7} {r['thread_ms']:>10.2f}"
        )
    return "\n".join(lines)


def profile(paths: list[Path], repeat: int, top: int) -> None:
    """cProfile of parse + check. cProfile sees only the thread it runs on, so `call_deep` (if
    the parser has it) runs its function inline here, under a raised recursion limit; the
    breakdown above shows what the threads themselves cost."""
    import envdsl.check.checker as checker_module
    import envdsl.syntax.parser as parser_module

    texts = [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in paths]
    patched = [m for m in (parser_module, checker_module) if hasattr(m, "call_deep")]
    saved = {m: m.call_deep for m in patched}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    for m in patched:
        m.call_deep = lambda fn, *args: fn(*args)
    try:
        for shown, text in texts:  # warm caches outside the profile
            check(parse(text, shown)[0])
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            for shown, text in texts:
                check(parse(text, shown)[0])
        profiler.disable()
    finally:
        for m, original in saved.items():
            m.call_deep = original
        sys.setrecursionlimit(limit)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def _write(out: Path, result: dict) -> None:
    """Write via a temporary file and rename, so a killed run never leaves half a result."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="timed samples per spec and mode (default 40)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls per spec and mode first (default 3)")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: process CPU time, steady on a busy machine (default); wall: elapsed time",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "parse_check.json")
    parser.add_argument(
        "--profile", action="store_true", help="also time parse + check stage by stage, and profile it with cProfile"
    )
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile (default 25)")
    args = parser.parse_args(argv)

    paths = spec_paths()
    if not paths:
        print(f"no specs under {ROOT / 'specs'}", file=sys.stderr)
        return 2
    result = run(paths, args.rounds, args.warmup, args.clock)
    _write(args.out, result)
    print(table(result))
    print(f"wrote {os.path.relpath(args.out)}")
    if args.profile:
        rows = breakdown(paths, rounds=max(5, args.rounds // 2))
        result["breakdown"] = rows
        _write(args.out, result)
        print()
        print("stages (ms, CPU clock, medians):")
        print(breakdown_table(rows))
        profile(paths, repeat=5, top=args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
