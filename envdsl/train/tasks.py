"""Sampled tasks -> what the trainers consume, behind the verified gate.

Rule: a run trains or evaluates only on tasks whose environment is verified
(`envdsl.verify.status.require_verified`), is the version the task was
sampled from, and whose ground truth still replays to the expected states;
anything else stops the run before a model is loaded, with one message per
problem.

- SFT rows are the tasks' own chat transcripts with the tool schemas the
  GRPO prompts will render (`adapter.training_tool_schemas`), as a JSON
  string column (one Arrow type whatever the tools).
- GRPO rows are one per user turn: the transcript before that turn (the
  ground truth of the earlier turns), an empty last user message that
  `reset()` fills with the turn's request, and the task id and turn. A
  multi-goal task thus gives one rollout per goal, each started from the
  expected state before its turn, as `envdsl.reward` scores it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envdsl.reward import RewardError, Scorer
from envdsl.sample.task import Task, TaskFormatError, load_tasks
from envdsl.train.errors import TrainError


@dataclass(frozen=True)
class EnvInfo:
    name: str
    domain: str
    folder: Path
    schemas: list[dict[str, Any]]  # tools.json, as compiled


@dataclass
class TaskSet:
    path: Path
    tasks: list[Task]
    envs: dict[str, EnvInfo]
    scorer: Scorer

    @property
    def by_id(self) -> dict[str, Task]:
        return {t.id: t for t in self.tasks}


def load_task_set(path: str | Path, envs_root: str | Path = ".", *, limit: int | None = None) -> TaskSet:
    """Load tasks, check every environment is verified and current, and replay each task's ground truth once."""
    from envdsl.verify.status import NotVerified, require_verified

    path = Path(path)
    if not path.is_file():
        raise TrainError(f"{path}: no such tasks file (make one with `envdsl sample`)", 2)
    try:
        tasks = load_tasks(path)
    except TaskFormatError as error:
        raise TrainError(str(error)) from None
    if limit is not None:
        tasks = tasks[:limit]
    if not tasks:
        raise TrainError(f"{path}: no tasks in the file")
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise TrainError(f"{path}: task id {duplicate!r} appears more than once")
    root = Path(envs_root)
    scorer = Scorer(root=root)
    envs: dict[str, EnvInfo] = {}
    problems: list[str] = []
    for task in tasks:
        name = task.env.name
        if name not in envs:
            folder = Path(task.env.compiled)
            folder = folder if folder.is_absolute() else root / folder
            try:
                require_verified(folder)
            except NotVerified as error:
                problems.append(f"environment {name} (task {task.id}): {error}")
                envs[name] = EnvInfo(name, task.env.domain, folder, [])
                continue
            try:
                env = scorer.environment(task)
            except RewardError as error:
                problems.append(str(error))
                envs[name] = EnvInfo(name, task.env.domain, folder, [])
                continue
            envs[name] = EnvInfo(name, task.env.domain, folder, list(env.tool_schemas))
        if envs[name].schemas:
            try:
                scorer.start_state(task, 0)  # replays the ground truth of every turn once
            except RewardError as error:
                problems.append(str(error))
    if problems:
        shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
        raise TrainError(f"{path}: cannot use these tasks:\n" + "\n".join(f"  - {p}" for p in shown))
    return TaskSet(path, tasks, envs, scorer)


def _user_indices(task: Task) -> list[int]:
    indices = [i for i, m in enumerate(task.messages) if m.get("role") == "user"]
    if len(indices) != len(task.turns):
        raise TrainError(f"task {task.id}: {len(indices)} user messages for {len(task.turns)} turns")
    return indices


def _plain(message: dict[str, Any]) -> dict[str, Any]:
    # One shape for every message (Arrow unifies struct columns): the keys the
    # chat templates read, None where a message has none.
    return {
        "role": message.get("role"),
        "content": message.get("content"),
        "tool_calls": message.get("tool_calls"),
        "tool_call_id": message.get("tool_call_id"),
        "name": message.get("name"),
    }


def sft_rows(task_set: TaskSet, schemas_by_env: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """`{"messages", "tools"}` per task: the sampled transcript and the training tool schemas (JSON text)."""
    rows = []
    for task in task_set.tasks:
        _user_indices(task)
        rows.append(
            {
                "messages": [_plain(m) for m in task.messages],
                "tools": json.dumps(schemas_by_env[task.env.name], ensure_ascii=False),
            }
        )
    return rows


def grpo_rows(task_set: TaskSet) -> list[dict[str, Any]]:
    """One row per (task, turn): `prompt`, `environment`, `task_id`, `turn`."""
    rows = []
    for task in task_set.tasks:
        for turn, index in enumerate(_user_indices(task)):
            history = [_plain(m) for m in task.messages[:index]]
            prompt = history + [_plain({"role": "user", "content": ""})]
            rows.append({"prompt": prompt, "environment": task.env.name, "task_id": task.id, "turn": turn})
    return rows
