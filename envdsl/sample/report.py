"""The summary of a sampling run: counts, coverage, drop reasons, and a picture.

Rule: the summary is computed from the tasks and drop records alone (what
was written is what is counted), with sorted keys, so it is as deterministic
as the tasks.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from envdsl.sample.sampler import SampleResult


def summarize(result: SampleResult, seed: int) -> dict[str, Any]:
    drops = Counter(d.reason for d in result.drops)
    candidates = max(result.candidates, 1)
    envs: dict[str, Any] = {}
    for info in result.envs:
        name = info.name
        mine = [t for t in result.tasks if t.env.name == name]
        used = Counter(c.tool for t in mine for c in t.calls)
        goals = Counter(turn.goal for t in mine for turn in t.turns)
        envs[name] = {
            "tasks": len(mine),
            "questions": sum(1 for t in mine if any(turn.kind == "question" for turn in t.turns)),
            "tools": len(info.tools),
            "covered": sum(1 for t in info.tools if used[t]),
            "uncovered": [t for t in info.tools if not used[t]],
            # Read-only tools whose results hold no row any tool takes: only a question reaches them.
            "cannot_be_a_step": list(info.cannot_be_a_step),
            "calls_by_tool": {t: used[t] for t in info.tools},
            "goals_by_tool": {t: goals[t] for t in info.tools if goals[t]},
            "calibration": dict(sorted(result.stats.get(name, {}).items())),
        }
    tools = sum(env["tools"] for env in envs.values())
    covered = sum(env["covered"] for env in envs.values())
    return {
        "seed": seed,
        "tasks": len(result.tasks),
        "questions": sum(env["questions"] for env in envs.values()),
        "attempts": result.attempts,
        "turn_candidates": result.candidates,
        "dropped": dict(sorted(drops.items())),
        "drop_share": {k: round(v / candidates, 4) for k, v in sorted(drops.items())},
        "turns": _histogram(len(t.turns) for t in result.tasks),
        "depth": _histogram(t.meta["depth"] for t in result.tasks),
        "calls": _histogram(len(t.calls) for t in result.tasks),
        "tools": tools,
        "tools_covered": covered,
        "envs": envs,
    }


def _histogram(values) -> dict[str, int]:
    counts = Counter(values)
    return {str(k): counts[k] for k in sorted(counts)}


def render_text(summary: dict[str, Any]) -> str:
    lines = [
        f"{summary['tasks']} tasks ({summary['questions']} questions) from {summary['attempts']} attempts "
        f"({summary['turn_candidates']} turn candidates), seed {summary['seed']}",
        f"tools covered: {summary['tools_covered']}/{summary['tools']}",
        "turns per task: " + ", ".join(f"{k}: {v}" for k, v in summary["turns"].items()),
        "call-chain depth: " + ", ".join(f"{k}: {v}" for k, v in summary["depth"].items()),
        "dropped: "
        + (", ".join(f"{k} {v} ({summary['drop_share'][k]:.0%})" for k, v in summary["dropped"].items()) or "none"),
    ]
    for name, env in summary["envs"].items():
        line = f"{name}: {env['tasks']} tasks, {env['covered']}/{env['tools']} tools covered"
        if env["uncovered"]:
            line += " (not reached: " + ", ".join(env["uncovered"]) + ")"
        missed = [t for t in env["cannot_be_a_step"] if t in env["uncovered"]]
        if missed:
            line += "; only a question reaches " + ", ".join(missed)
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
