"""`envdsl.reward`: score a model's tool calls on a sampled task by replaying them.

The stable API (trainers depend on it):

    from envdsl.reward import score, score_messages, Scorer, Episode, Weights, tau_schedule

    s = score(task, calls, tau=0.5)          # calls: list[ModelCall]
    s = score_messages(task, messages)       # an OpenAI chat transcript
    s.reward, s.state, s.trace, s.penalty, s.turns  # per-turn TurnScore

`score` and `score_messages` use a module-level default `Scorer` (environments
loaded once per process); pass `scorer=` to control where environments come
from. `Episode` is the per-rollout helper for RL loops. See `score.py` for the
formula and docs/sampling.md for the reasoning.
"""

from __future__ import annotations

from typing import Any

from envdsl.reward.score import (
    Episode,
    ModelCall,
    RewardError,
    Score,
    Scorer,
    TurnScore,
    Weights,
    answers_from_messages,
    calls_from_messages,
    tau_schedule,
)
from envdsl.sample.task import Task

__all__ = [
    "Episode",
    "ModelCall",
    "RewardError",
    "Score",
    "Scorer",
    "TurnScore",
    "Weights",
    "answers_from_messages",
    "calls_from_messages",
    "default_scorer",
    "score",
    "score_messages",
    "tau_schedule",
]

_DEFAULT: Scorer | None = None


def default_scorer() -> Scorer:
    """The process-wide scorer `score` uses (created on first use, relative to the working directory)."""
    global _DEFAULT  # noqa: PLW0603 - a per-process cache of loaded environments, nothing else
    if _DEFAULT is None:
        _DEFAULT = Scorer()
    return _DEFAULT


def score(
    task: Task,
    calls: list[ModelCall] | list[dict[str, Any]],
    *,
    tau: float | None = None,
    weights: Weights | None = None,
    scorer: Scorer | None = None,
    answers: dict[int, str] | None = None,
) -> Score:
    """Score `calls` (ModelCall objects, or dicts {"tool", "arguments", "turn"?}) on `task`;
    `answers` maps a turn to the assistant's final message (scored on question turns)."""
    parsed = [
        c if isinstance(c, ModelCall) else ModelCall.parse(c.get("tool", ""), c.get("arguments"), int(c.get("turn", 0)))
        for c in calls
    ]
    return (scorer or default_scorer()).score(task, parsed, weights=weights, tau=tau, answers=answers)


def score_messages(
    task: Task,
    messages: list[dict[str, Any]],
    *,
    tau: float | None = None,
    weights: Weights | None = None,
    scorer: Scorer | None = None,
) -> Score:
    """Score the assistant tool calls and final messages of an OpenAI chat transcript (the task's own `messages` score 1)."""
    return (scorer or default_scorer()).score(
        task, calls_from_messages(messages), weights=weights, tau=tau, answers=answers_from_messages(messages)
    )
