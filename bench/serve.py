"""MCP serving benchmark: tool calls over streamable HTTP on loopback, beside the in-process call.

    python bench/serve.py [--sessions 20] [--calls 10000] [--sequential 300] [--out bench/results/serve.json]

Starts `envdsl serve compiled/travel/airline compiled/commerce/retail
--transport http --port 0 --control-tools --allow-unverified` as a subprocess
(the benchmark measures serving, not verification), then with the real `mcp`
client:

- load: `--sessions` concurrent sessions share `--calls` calls (a mix of reads
  and writes, different per session); per-call latency percentiles
  (p50/p90/p99), calls per second, and at the end a check that every session
  ended in the state its own calls produce (replayed in process);
- sequential: one session, `--sequential` calls one after another: the
  latency of a call with nothing else in flight;
- baseline: the same calls through `Environment.call` in this process (median).

Client and server share this machine's CPUs, so the figures include the
client's cost; the JSON records the CPU count and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import anyio  # noqa: E402
from mcp import Client  # noqa: E402

from envdsl.runtime import Environment  # noqa: E402

FOLDERS = {"airline": ROOT / "compiled" / "travel" / "airline", "retail": ROOT / "compiled" / "commerce" / "retail"}


def plan(k: int, calls: int, users: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Session k: every fifth call saves a card only this session saves; the rest are reads."""
    user = users[k % len(users)]
    out: list[tuple[str, dict[str, Any]]] = []
    for i in range(calls):
        if i % 5 == 0:
            out.append(
                ("airline__add_credit_card", {"user": user, "brand": f"Card{k:02d}", "last_four": f"{i % 10000:04d}"})
            )
        elif i % 5 in (1, 3):
            out.append(("airline__list_payment_methods", {"user": user}))
        else:
            out.append(("retail__search_products", {"query": "lamp"}))
    return out


def percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def summary_ms(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 3),
        "p90_ms": round(percentile(ordered, 0.90) * 1000, 3),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def start_server() -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable,
        "-c",
        "from envdsl.cli import entry; entry()",
        "serve",
        *map(str, FOLDERS.values()),
        "--transport",
        "http",
        "--port",
        "0",
        "--control-tools",
        "--allow-unverified",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            match = re.search(r"(http://127\.0\.0\.1:\d+/mcp)", line)
            if match:
                found.append(match.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(300) or not found:
        process.kill()
        raise SystemExit("the server did not start")
    return process, found[0]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--calls", type=int, default=10_000, help="calls in the load phase, over all sessions")
    parser.add_argument("--sequential", type=int, default=300, help="calls in the one-session phase")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "serve.json")
    args = parser.parse_args()

    templates = {name: Environment.load(folder) for name, folder in FOLDERS.items()}
    users = [row["id"] for row in templates["airline"].rows("User")]
    per_session = args.calls // args.sessions
    plans = [plan(k, per_session, users) for k in range(args.sessions)]

    # Baseline: the very same calls, in process, each session on its own clone.
    baseline: list[float] = []
    expected: list[dict[str, str]] = []
    for session_plan in plans:
        envs = {name: template.clone() for name, template in templates.items()}
        for tool, arguments in session_plan:
            env_name, tool_name = tool.split("__", 1)
            started = time.perf_counter()
            result = envs[env_name].call(tool_name, arguments)
            baseline.append(time.perf_counter() - started)
            assert result.ok, result
        expected.append({name: env.state_hash() for name, env in sorted(envs.items())})

    load_before = os.getloadavg()
    server, url = start_server()
    try:
        load_lat: list[float] = []
        errors: list[str] = []
        finals: list[Any] = [None] * args.sessions

        async def session(k: int) -> None:
            async with Client(url, read_timeout_seconds=120) as client:
                for tool, arguments in plans[k]:
                    started = time.perf_counter()
                    result = await client.call_tool(tool, arguments)
                    load_lat.append(time.perf_counter() - started)
                    if result.is_error:
                        errors.append(result.content[0].text)
                hashes = await client.call_tool("envdsl__state_hash", {})
                finals[k] = hashes.structured_content["value"]

        async def load_phase() -> float:
            started = time.perf_counter()
            async with anyio.create_task_group() as group:
                for k in range(args.sessions):
                    group.start_soon(session, k)
            return time.perf_counter() - started

        server_cpu0, client_cpu0 = cpu_seconds(server.pid), time.process_time()
        load_wall = anyio.run(load_phase)
        server_cpu, client_cpu = cpu_seconds(server.pid) - server_cpu0, time.process_time() - client_cpu0

        seq_lat: list[float] = []

        async def sequential() -> None:
            async with Client(url) as client:
                for tool, arguments in plans[0][: args.sequential]:
                    started = time.perf_counter()
                    await client.call_tool(tool, arguments)
                    seq_lat.append(time.perf_counter() - started)

        anyio.run(sequential)
    finally:
        server.terminate()
        server.wait(30)

    total = len(load_lat)
    baseline_median = statistics.median(baseline)
    load = {
        "sessions": args.sessions,
        "calls": total,
        "errors": len(errors),
        "sessions_in_their_own_state": finals == expected,
        "wall_s": round(load_wall, 2),
        "calls_per_s": round(total / load_wall, 1),
        **summary_ms(load_lat),
        "server_cpu_ms_per_call": round(server_cpu / total * 1000, 3),
        "client_cpu_ms_per_call": round(client_cpu / total * 1000, 3),
    }
    seq = {"calls": len(seq_lat), **summary_ms(seq_lat)}
    result = {
        "benchmark": "serve",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
        },
        "server": "envdsl serve --transport http (uvicorn, JSON responses), real mcp client, loopback",
        "load": load,
        "sequential_one_session": seq,
        "baseline_in_process": {"calls": len(baseline), "median_ms": round(baseline_median * 1000, 4)},
        "ratio_p50_sequential_to_in_process": round(statistics.median(seq_lat) / baseline_median, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    if errors or finals != expected:
        raise SystemExit(f"{len(errors)} errors; sessions in their own state: {finals == expected}")


if __name__ == "__main__":
    main()
