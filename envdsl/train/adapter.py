"""A compiled environment as a trl `environment_factory` class.

Rule: the model sees one set of tool schemas everywhere. trl 1.16 renders a
GRPO prompt's tools with `transformers.utils.get_json_schema` on the
environment's public methods (listed with `inspect.getmembers`, so sorted by
name); SFT data and local evaluation render `training_tool_schemas(cls)`,
which is that very call on that very list. So each tool becomes a method
whose signature, type hints and Google-style docstring are built from
`tools.json` (names, types, enums, descriptions; every parameter required, as
in the strict schemas, `null` meaning "use the default"). Nothing from a spec
is executed: the methods are one closure each, described by attributes.

trl's protocol (read from trl 1.16's `GRPOTrainer`): one instance per rollout
drawn from a pool, `reset(**row)` before each rollout with every dataset
column of the row (its string return is appended to the last user message),
each public method callable as a tool with the model's JSON arguments as
keywords, `get_reward()` once per finished rollout. Here:

- `reset(task_id=..., turn=k)` starts an `envdsl.reward.Episode` of the task,
  moved to the expected state before turn k, and returns the user's request
  of turn k;
- a tool method never raises: wrong, missing or extra arguments come back as
  the runtime's `InvalidArguments` result, which the model reads in the tool
  message exactly as in the SFT transcripts (`envdsl.sample.task.tool_content`);
- `get_reward()` replays the rollout's calls with `envdsl.reward` (state match,
  trace, penalties; tau from the run's schedule) and returns turn k's reward.
"""

from __future__ import annotations

import inspect
import keyword
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from envdsl.reward import Episode, Score, Scorer, TurnScore, Weights, tau_schedule
from envdsl.sample.task import Task, tool_content
from envdsl.train.errors import TrainError

RESERVED = ("reset", "get_reward")


# ----------------------------------------------------------------- the run's shared state


@dataclass
class TauSchedule:
    """tau (the trace's weight) moves linearly from `start` to `end` over training; equal ends: constant."""

    start: float = 0.9
    end: float = 0.1

    def at(self, step: int, total_steps: int) -> float:
        return tau_schedule(step, total_steps, self.start, self.end)


@dataclass
class RolloutContext:
    """What every environment instance of one run shares (passed in, never global):
    the tasks by id, one scorer, the reward weights and tau schedule, the
    trainer's progress (set by a callback) and the time spent in environments."""

    tasks: dict[str, Task]
    scorer: Scorer
    weights: Weights = field(default_factory=Weights)
    schedule: TauSchedule = field(default_factory=TauSchedule)
    step: int = 0
    total_steps: int = 1
    env_seconds: float = 0.0
    rollouts: int = 0
    tool_calls: int = 0

    def tau(self) -> float:
        return self.schedule.at(self.step, self.total_steps)


# ----------------------------------------------------------------- schemas -> Python signatures


def _json_type(schema: dict[str, Any], where: str) -> Any:
    """The Python type hint whose `get_json_schema` rendering carries the same type and enum."""
    declared = schema.get("type")
    names = declared if isinstance(declared, list) else [declared]
    nullable = "null" in names or None in (schema.get("enum") or ())
    names = [n for n in names if n != "null"]
    if "enum" in schema:
        values = tuple(v for v in schema["enum"] if v is not None)
        if not values:
            raise TrainError(f"{where}: an enum without values")
        hint: Any = Literal[values]
    elif len(names) != 1:
        raise TrainError(f"{where}: cannot express the JSON type {declared!r} as a tool parameter")
    elif names[0] == "array":
        hint = list[_json_type(schema.get("items") or {"type": "string"}, f"{where} (items)")]
    else:
        simple = {"string": str, "integer": int, "number": float, "boolean": bool, "object": dict[str, Any]}
        if names[0] not in simple:
            raise TrainError(f"{where}: unsupported JSON type {names[0]!r}")
        hint = simple[names[0]]
    return hint | None if nullable else hint


_SECTION = re.compile(r"\b(Args|Returns|Raises):")
_CHOICES = re.compile(r"\(choices:.*\)\s*$", re.IGNORECASE)


def _one_line(text: str) -> str:
    # get_json_schema reads Google-style sections: a section word or a trailing
    # "(choices: ...)" inside a description would be parsed as structure.
    text = " ".join(str(text).split())
    text = _SECTION.sub(lambda m: f"{m.group(1)} -", text)
    return text + "." if _CHOICES.search(text) else text


@dataclass(frozen=True)
class ToolSignature:
    name: str
    description: str
    parameters: tuple[tuple[str, Any, str], ...]  # (name, type hint, description)

    def docstring(self) -> str:
        lines = [self.description or f"The `{self.name}` tool."]
        if self.parameters:
            lines += ["", "Args:"]
            lines += [f"    {name}: {doc or f'The {name}.'}" for name, _, doc in self.parameters]
        return "\n".join(lines)


def tool_signatures(schemas: list[dict[str, Any]], env_name: str) -> list[ToolSignature]:
    """Signatures for the OpenAI function schemas of `tools.json`; a name trl or Python cannot take is an error."""
    signatures = []
    for entry in schemas:
        function = entry.get("function", entry)
        name = function.get("name")
        where = f"environment {env_name}, tool {name!r}"
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise TrainError(f"{where}: not a usable Python method name")
        if name in RESERVED or name.startswith("_"):
            raise TrainError(f"{where}: trl reserves `reset`, `get_reward` and names starting with `_`")
        parameters = function.get("parameters") or {}
        params = []
        for pname, pschema in (parameters.get("properties") or {}).items():
            if not pname.isidentifier() or keyword.iskeyword(pname) or pname == "self":
                raise TrainError(f"{where}: parameter {pname!r} cannot be a Python parameter name")
            hint = _json_type(pschema, f"{where}, parameter {pname!r}")
            params.append((pname, hint, _one_line(pschema.get("description", ""))))
        signatures.append(ToolSignature(name, _one_line(function.get("description", "")), tuple(params)))
    return signatures


# ----------------------------------------------------------------- the environment class


class EnvdslEnvironment:
    """Base of the generated classes; its helpers are private so trl takes only the tools as tools."""

    _context: RolloutContext
    _env_name: str

    def __init__(self) -> None:
        self._episode: Episode | None = None
        self._task: Task | None = None
        self._turn = 0
        self._score: tuple[float, Score] | None = None  # (tau, score) of the calls so far

    def reset(self, **row: Any) -> str:
        """Start a rollout of the row's task at its turn; returns that turn's user request."""
        started = time.perf_counter()
        context = self._context
        task_id = row.get("task_id")
        task = context.tasks.get(task_id) if isinstance(task_id, str) else None
        if task is None:
            raise TrainError(f"a dataset row names task {task_id!r}, which this run did not load")
        turn = int(row.get("turn") or 0)
        if not 0 <= turn < len(task.turns):
            raise TrainError(f"task {task.id} has {len(task.turns)} turn(s); a dataset row asks for turn {turn}")
        episode = Episode(task, context.scorer, context.weights)
        request = episode.reset()
        for _ in range(turn):
            request = episode.next_turn()
        self._episode, self._task, self._turn, self._score = episode, task, turn, None
        context.rollouts += 1
        context.env_seconds += time.perf_counter() - started
        return request

    def get_reward(self) -> float:
        """Turn reward from replaying this rollout's calls (state, trace, penalties; tau from the schedule)."""
        turn = self._turn_score()
        return turn.reward if turn is not None else 0.0

    def _turn_score(self) -> TurnScore | None:
        if self._episode is None or self._task is None:
            return None
        tau = self._context.tau()
        if self._score is None or self._score[0] != tau:
            started = time.perf_counter()
            self._score = (tau, self._episode.score(tau))  # the run's weights, this turn's calls and answer
            self._context.env_seconds += time.perf_counter() - started
        return self._score[1].turns[self._turn]

    def _observe(self, completion: Any) -> None:
        """The rollout's completion as trl saw it: its final text is the turn's answer, and calls to
        tools that do not exist (trl answers those itself, without calling us) are charged."""
        if self._episode is not None and isinstance(completion, list):
            self._episode.observe(completion)
            self._score = None

    def _call(self, tool: str, arguments: dict[str, Any]) -> str:
        if self._episode is None:
            return tool_content({"ok": False, "error": "NoEpisode", "message": "the environment was not reset"})
        started = time.perf_counter()
        self._score = None
        text = self._episode.call(tool, arguments)
        self._context.tool_calls += 1
        self._context.env_seconds += time.perf_counter() - started
        return text


def _tool_method(signature: ToolSignature, class_name: str):
    tool = signature.name

    def method(self: EnvdslEnvironment, **arguments: Any) -> str:
        # Keywords, not a fixed signature: whatever the model sends reaches the
        # runtime's validator, which answers a wrong call with InvalidArguments.
        return self._call(tool, arguments)

    method.__name__ = tool
    method.__qualname__ = f"{class_name}.{tool}"
    method.__doc__ = signature.docstring()
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [
        inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=h) for n, h, _ in signature.parameters
    ]
    method.__signature__ = inspect.Signature(params, return_annotation=str)
    method.__annotations__ = {n: h for n, h, _ in signature.parameters}
    return method


def environment_class(env_name: str, schemas: list[dict[str, Any]], context: RolloutContext) -> type[EnvdslEnvironment]:
    """A class for trl's `environment_factory`: one method per tool of `schemas`."""
    class_name = "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", env_name) if part) + "Env"
    namespace: dict[str, Any] = {
        "_context": context,
        "_env_name": env_name,
        "__doc__": f"The envdsl environment `{env_name}`.",
    }
    for signature in tool_signatures(schemas, env_name):
        namespace[signature.name] = _tool_method(signature, class_name)
    return type(class_name, (EnvdslEnvironment,), namespace)


def tool_methods(cls: type) -> list[Any]:
    """The methods trl exposes as tools, in trl's order (`inspect.getmembers`: by name)."""
    return [
        member
        for name, member in inspect.getmembers(cls, predicate=inspect.isfunction)
        if name not in RESERVED and not name.startswith("_")
    ]


def training_tool_schemas(cls: type) -> list[dict[str, Any]]:
    """The tool schemas the model sees in GRPO prompts, for SFT data and local evaluation."""
    from transformers.utils import get_json_schema

    return [get_json_schema(method) for method in tool_methods(cls)]
