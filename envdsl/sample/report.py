"""The summary of a sampling run: counts, coverage, drop reasons, and a picture.

Rule: the summary is computed from the tasks and drop records alone (what
was written is what is counted), with sorted keys, so it is as deterministic
as the tasks.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from envdsl.ir.types import EntityT, ListT, OptionalT
from envdsl.sample.plan import row_paths
from envdsl.sample.sampler import SampleResult


def _entity_name(t) -> str | None:
    while isinstance(t, (OptionalT, ListT)):
        t = t.inner
    return t.name if isinstance(t, EntityT) else None


def summarize(result: SampleResult, seed: int) -> dict[str, Any]:
    drops = Counter(d.reason for d in result.drops)
    candidates = max(result.candidates, 1)
    envs: dict[str, Any] = {}
    for sampler in result.samplers:
        name = sampler.env.name
        used = Counter(c.tool for t in result.tasks if t.env.name == name for c in t.calls)
        goals = Counter(turn.goal for t in result.tasks if t.env.name == name for turn in t.turns)
        tools = [t.name for t in sampler.env.tools]
        taken = {e for t in sampler.env.tools for p in t.params for e in [_entity_name(p.type)] if e}
        # Read-only tools whose results hold no row any tool takes cannot be a step of a state-changing task.
        no_step = [
            t.name
            for t in sampler.env.tools
            if t.effects.is_read_only and not any(row_paths(t.returns, e) for e in taken)
        ]
        envs[name] = {
            "tasks": sum(1 for t in result.tasks if t.env.name == name),
            "tools": len(tools),
            "covered": sum(1 for t in tools if used[t]),
            "uncovered": [t for t in tools if not used[t]],
            "cannot_be_a_step": no_step,
            "calls_by_tool": {t: used[t] for t in tools},
            "goals_by_tool": {t: goals[t] for t in tools if goals[t]},
            "calibration": dict(sampler.calibrator.stats),
        }
    return {
        "seed": seed,
        "tasks": len(result.tasks),
        "attempts": result.attempts,
        "turn_candidates": result.candidates,
        "dropped": dict(sorted(drops.items())),
        "drop_share": {k: round(v / candidates, 4) for k, v in sorted(drops.items())},
        "turns": _histogram(len(t.turns) for t in result.tasks),
        "depth": _histogram(t.meta["depth"] for t in result.tasks),
        "calls": _histogram(len(t.calls) for t in result.tasks),
        "envs": envs,
    }


def _histogram(values) -> dict[str, int]:
    counts = Counter(values)
    return {str(k): counts[k] for k in sorted(counts)}


def render_text(summary: dict[str, Any]) -> str:
    lines = [
        f"{summary['tasks']} tasks from {summary['attempts']} attempts ({summary['turn_candidates']} turn candidates), seed {summary['seed']}",
        "turns per task: " + ", ".join(f"{k}: {v}" for k, v in summary["turns"].items()),
        "call-chain depth: " + ", ".join(f"{k}: {v}" for k, v in summary["depth"].items()),
        "dropped: "
        + (", ".join(f"{k} {v} ({summary['drop_share'][k]:.0%})" for k, v in summary["dropped"].items()) or "none"),
    ]
    for name, env in summary["envs"].items():
        line = f"{name}: {env['tasks']} tasks, {env['covered']}/{env['tools']} tools covered"
        if env["uncovered"]:
            line += " (not reached: " + ", ".join(env["uncovered"]) + ")"
        if env["cannot_be_a_step"]:
            line += "; no result of " + ", ".join(env["cannot_be_a_step"]) + " feeds any tool"
        lines.append(line)
    return "\n".join(lines) + "\n"


def render_picture(summary: dict[str, Any]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tool_count = sum(len(env["calls_by_tool"]) for env in summary["envs"].values())
    fig, axes = plt.subplots(2, 2, figsize=(12, max(8.0, 4 + 0.17 * tool_count)))
    panels = [
        (axes[0][0], summary["turns"], "goals (turns) per task"),
        (axes[0][1], summary["depth"], "call-chain depth"),
        (axes[1][0], summary["dropped"], "dropped turn candidates by reason"),
    ]
    for ax, data, title in panels:
        labels = list(data) or ["none"]
        ax.bar(labels, [data[k] for k in data] or [0], color="#34495e")
        ax.set_title(title, fontsize=10)
        ax.tick_params(axis="x", labelsize=8, rotation=20)
    usage: dict[str, int] = {}
    several = len(summary["envs"]) > 1
    for name, env in summary["envs"].items():
        for tool, count in env["calls_by_tool"].items():
            usage[f"{name}.{tool}" if several else tool] = count
    ax = axes[1][1]
    names = list(usage)
    ax.barh(names, [usage[n] for n in names], color="#2e86c1")
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=7 if len(names) > 30 else 8)
    for label in ax.get_yticklabels():
        if usage.get(label.get_text()) == 0:
            label.set_color("#c0392b")
    ax.set_title("calls per tool (red names: not reached)", fontsize=10)
    fig.suptitle(f"envdsl sample: {summary['tasks']} tasks, seed {summary['seed']}", fontsize=12)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
