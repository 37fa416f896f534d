"""The task format: one sampled task per JSONL line (`docs/tasks.md` is its reference).

Rule: this module is the only definition of the format. Trainers, the reward
and the sampler read and write tasks through `Task.from_json` / `Task.to_json`
and `load_tasks` / `dump_tasks`; a change here is a format change and bumps
`FORMAT`. Lines are written with sorted keys and no spaces after separators,
so the same tasks give byte-identical files.

The chat helpers (`tool_call_message`, `tool_message`, `tool_content`) are the
one place that decides how a call and its result look in an OpenAI chat
transcript; serving and training use them so that SFT data, rollouts and the
reward agree on every byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdsl.files import write_atomic

FORMAT = "envdsl-task/2"
READABLE = ("envdsl-task/1", FORMAT)  # /1 had no question turns: a /1 file reads as is


class TaskFormatError(ValueError):
    """A line that is not a task of this format; the message names the file and line."""


def dumps(value: Any) -> str:
    """Canonical JSON: sorted keys, compact, UTF-8 kept (deterministic bytes)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# ----------------------------------------------------------------- parts


@dataclass(frozen=True)
class EnvRef:
    """Which environment a task runs in; `compiled` is the folder as given to `envdsl sample`."""

    name: str
    domain: str
    compiled: str
    source_sha256: str
    seed_sha256: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "domain": self.domain,
            "compiled": self.compiled,
            "source_sha256": self.source_sha256,
            "seed_sha256": self.seed_sha256,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EnvRef:
        return cls(data["name"], data["domain"], data["compiled"], data["source_sha256"], data.get("seed_sha256"))


@dataclass(frozen=True)
class Fact:
    """Something the user states. `subject` is what it is about (a tool parameter
    name such as `reservation`, or `request`), `field` the field of the row it
    pins down (None when the fact is the parameter's value itself)."""

    subject: str
    field: str | None
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {"subject": self.subject, "field": self.field, "value": self.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fact:
        return cls(data["subject"], data.get("field"), data["value"])


@dataclass(frozen=True)
class Call:
    """One ground-truth tool call: a node of the call DAG.

    `depends_on` lists the ids of earlier calls whose results supplied one of
    its arguments; `result` is the runtime's `ToolResult.to_json()` at sampling
    time (the value the SFT transcript shows)."""

    id: str
    turn: int
    tool: str
    arguments: dict[str, Any]
    depends_on: tuple[str, ...]
    result: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "turn": self.turn,
            "tool": self.tool,
            "arguments": self.arguments,
            "depends_on": list(self.depends_on),
            "result": self.result,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Call:
        return cls(
            data["id"],
            int(data["turn"]),
            data["tool"],
            dict(data["arguments"]),
            tuple(data["depends_on"]),
            data["result"],
        )


@dataclass(frozen=True)
class Turn:
    """One user goal of the conversation and what reaching it means.

    `expected_state_hash` is the hash after this turn's calls (the state is
    cumulative); `expected_diff` is the change made by this turn alone (from
    the state after the previous turn), in `Environment.state_diff` form.
    `kind` is "change" (the goal changes the state) or "question" (the goal
    is a read-only call: the state must not change and the assistant's final
    message must state `answer_facts`)."""

    user: str
    goal: str
    facts: tuple[Fact, ...]
    calls: tuple[str, ...]
    expected_state_hash: str
    expected_diff: dict[str, Any]
    answer_facts: tuple[Any, ...]
    kind: str = "change"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "user": self.user,
            "goal": self.goal,
            "facts": [f.to_json() for f in self.facts],
            "calls": list(self.calls),
            "expected_state_hash": self.expected_state_hash,
            "expected_diff": self.expected_diff,
            "answer_facts": list(self.answer_facts),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Turn:
        return cls(
            data["user"],
            data["goal"],
            tuple(Fact.from_json(f) for f in data["facts"]),
            tuple(data["calls"]),
            data["expected_state_hash"],
            data["expected_diff"],
            tuple(data["answer_facts"]),
            _kind(data.get("kind", "change")),
        )


TURN_KINDS = ("change", "question")


def _kind(value: Any) -> str:
    if value not in TURN_KINDS:
        raise ValueError(f"turn kind {value!r} (expected one of {', '.join(TURN_KINDS)})")
    return value


@dataclass(frozen=True)
class Task:
    id: str
    env: EnvRef
    initial_state: dict[str, Any]  # {"kind": "seed", "state_hash": ...}: the seeded state of `env`
    system: str
    turns: tuple[Turn, ...]
    tools: tuple[dict[str, Any], ...]
    calls: tuple[Call, ...]
    expected: dict[str, Any]  # {"state_hash", "diff" (from the initial state), "answer_facts"}
    messages: tuple[dict[str, Any], ...]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def user_turns(self) -> list[str]:
        return [t.user for t in self.turns]

    def calls_of_turn(self, turn: int) -> list[Call]:
        return [c for c in self.calls if c.turn == turn]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "id": self.id,
            "env": self.env.to_json(),
            "initial_state": self.initial_state,
            "system": self.system,
            "user_turns": self.user_turns,
            "turns": [t.to_json() for t in self.turns],
            "tools": list(self.tools),
            "calls": [c.to_json() for c in self.calls],
            "expected": self.expected,
            "messages": list(self.messages),
            "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Task:
        if not isinstance(data, dict) or data.get("format") not in READABLE:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise TaskFormatError(f"not an {FORMAT} task (format is {found!r})")
        try:
            return cls(
                id=data["id"],
                env=EnvRef.from_json(data["env"]),
                initial_state=data["initial_state"],
                system=data["system"],
                turns=tuple(Turn.from_json(t) for t in data["turns"]),
                tools=tuple(data["tools"]),
                calls=tuple(Call.from_json(c) for c in data["calls"]),
                expected=data["expected"],
                messages=tuple(data["messages"]),
                meta=data.get("meta", {}),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise TaskFormatError(f"task {data.get('id', '?')!r} is missing or has a bad {error}") from None

    def sft_record(self) -> dict[str, Any]:
        """What trl's SFTTrainer takes as is: `{"messages": [...], "tools": [...]}`."""
        return {"messages": list(self.messages), "tools": list(self.tools)}


# ----------------------------------------------------------------- chat helpers


def tool_content(result: dict[str, Any]) -> str:
    """The `content` of a `tool` message for a `ToolResult.to_json()`: the value
    as JSON when the call succeeded, else `{"error": ..., "message": ...}`."""
    if result.get("ok"):
        return dumps(result.get("value"))
    return dumps({"error": result.get("error"), "message": result.get("message")})


def tool_call_message(call_id: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """An assistant message with one OpenAI `tool_calls` entry; arguments are a
    JSON string, as the OpenAI API sends them (and so a datasets/Arrow column
    keeps one type whatever the tool)."""
    return {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": call_id, "type": "function", "function": {"name": tool, "arguments": dumps(arguments)}}],
    }


def tool_message(call_id: str, tool: str, result: dict[str, Any]) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "name": tool, "content": tool_content(result)}


# ----------------------------------------------------------------- files


def iter_tasks(path: str | Path) -> Iterator[Task]:
    """Tasks of a JSONL file, one a line; blank lines are skipped. Errors name file:line."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise TaskFormatError(f"{path}: cannot read ({error.strerror or error})") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as error:
                raise TaskFormatError(f"{path}:{number}: not JSON ({error})") from None
            try:
                yield Task.from_json(data)
            except TaskFormatError as error:
                raise TaskFormatError(f"{path}:{number}: {error}") from None


def load_tasks(path: str | Path) -> list[Task]:
    return list(iter_tasks(path))


def dump_task(task: Task) -> str:
    """One line (without the newline)."""
    return dumps(task.to_json())


def dump_tasks(tasks: Iterable[Task], path: str | Path) -> Path:
    """Write tasks as JSONL atomically (a temporary file renamed into place)."""
    return write_atomic(path, "".join(dump_task(task) + "\n" for task in tasks))
