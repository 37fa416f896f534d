"""State-based reward: replay a model's tool calls and score them against a task.

Rule: every number comes from executing the calls on the real runtime, never
from comparing text. Each turn k of a task is replayed from the *expected*
state after turn k-1 (a snapshot made once per task by replaying the ground
truth), so a wrong turn costs that turn only. A turn scores

    reward_k = tau * trace_k + (1 - tau) * state_k - penalty_k      (floored at `floor`)

- state_k: 1.0 when the state hash equals the expected one; otherwise the
  overlap of the changed cells (entity, key, field -> value) with the
  expected change of that turn (matched / (expected + actual - matched)),
  capped at 0.99 so only the exact state earns 1. Doing nothing changes
  nothing and scores 0.
- trace_k: ground-truth calls matched greedily to the model's calls of the
  turn that ran and succeeded (same tool: 0.5, plus 0.5 x the share of
  ground-truth arguments given equal), divided by the larger of the two
  counts. A call that failed never matches and never counts here: the
  penalty charges it, once.
- penalty_k: `per_call` (0.05) for each unparseable call, each call to a tool
  that does not exist (counted as unparseable: it is never executed), each
  call the runtime rejected, and each successful call that matches no
  ground-truth call (extra or repeated), capped at `cap` (0.5).

A *question* turn (`Turn.kind == "question"`: the goal is a read-only call
and its answer) replaces state_k by state_k x answer_k, where state_k is 1
only when the state is unchanged and answer_k is the share of the turn's
`answer_facts` found in the assistant's final message of that turn
(`answer.py`). No answer scores 0 there, even though nothing changed.

The task's reward is the mean over its turns. Environments are loaded once
per scorer and reset by snapshot restore; hashes and diffs are incremental
(no table rescans), so scoring costs about what the calls cost.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdsl.reward.answer import answer_share
from envdsl.sample.task import Call, Task, tool_content

UNKNOWN_TOOL = "UnknownTool"


class RewardError(Exception):
    """The task cannot be scored here (its environment is missing or a different version)."""


@dataclass(frozen=True)
class Weights:
    tau: float = 0.5  # weight of the trace; EnvFactory moves it from 0.9 to 0.1 (see `tau_schedule`)
    per_call: float = 0.05
    cap: float = 0.5
    floor: float | None = 0.0  # None: let the reward go negative

    def __post_init__(self) -> None:
        if not 0.0 <= self.tau <= 1.0:
            raise ValueError(f"tau must be within [0, 1], not {self.tau}")


def tau_schedule(step: int, total_steps: int, start: float = 0.9, end: float = 0.1) -> float:
    """EnvFactory's schedule: tau moves linearly from `start` to `end` over training."""
    if total_steps <= 1:
        return end
    share = min(max(step / (total_steps - 1), 0.0), 1.0)
    return start + (end - start) * share


@dataclass(frozen=True)
class ModelCall:
    """A tool call as the model made it. `arguments` is None when they did not
    parse (`parse_error` says why); `turn` is the user turn it answered."""

    tool: str
    arguments: dict[str, Any] | None
    turn: int = 0
    parse_error: str | None = None

    @classmethod
    def parse(cls, tool: str, arguments: Any, turn: int = 0) -> ModelCall:
        if isinstance(arguments, dict):
            return cls(str(tool), arguments, turn)
        if arguments is None or arguments == "":
            return cls(str(tool), {}, turn)
        if isinstance(arguments, str):
            try:
                value = json.loads(arguments)
            except ValueError as error:
                return cls(str(tool), None, turn, f"arguments are not JSON: {error}")
            if isinstance(value, dict):
                return cls(str(tool), value, turn)
            return cls(str(tool), None, turn, f"arguments are a JSON {type(value).__name__}, not an object")
        return cls(str(tool), None, turn, f"arguments are a {type(arguments).__name__}, not a JSON object")


def answers_from_messages(messages: list[dict[str, Any]]) -> dict[int, str]:
    """Per user turn, the assistant's final message text (the last assistant
    message of the turn, when it has text); turns without one are absent."""
    answers: dict[int, str] = {}
    turn = -1
    for message in messages:
        role = message.get("role") if isinstance(message, dict) else None
        if role == "user":
            turn += 1
        elif role == "assistant":
            content = _text(message.get("content"))
            if message.get("tool_calls"):
                answers.pop(max(turn, 0), None)  # more calls follow: earlier text was not the final message
            elif content.strip():
                answers[max(turn, 0)] = content
    return answers


def _text(content: Any) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def calls_from_messages(messages: list[dict[str, Any]]) -> list[ModelCall]:
    """The assistant `tool_calls` of an OpenAI chat transcript, each tagged with
    the user turn it follows (0 for calls after the first user message)."""
    calls: list[ModelCall] = []
    turn = -1
    for message in messages:
        role = message.get("role") if isinstance(message, dict) else None
        if role == "user":
            turn += 1
        elif role == "assistant":
            for entry in message.get("tool_calls") or ():
                function = entry.get("function", entry) if isinstance(entry, dict) else {}
                name = function.get("name") if isinstance(function, dict) else None
                if not isinstance(name, str):
                    calls.append(ModelCall("", None, max(turn, 0), "a tool call without a function name"))
                    continue
                calls.append(ModelCall.parse(name, function.get("arguments"), max(turn, 0)))
    return calls


@dataclass(frozen=True)
class TurnScore:
    reward: float
    state: float
    trace: float
    penalty: float
    exact: bool  # the state hash matched
    calls: int
    invalid: int
    unparseable: int  # including `unknown`
    extra: int
    unknown: int = 0  # calls to a tool the environment does not have
    answer: float | None = None  # question turns: share of the answer facts stated

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Score:
    reward: float
    state: float
    trace: float
    penalty: float
    turns: tuple[TurnScore, ...]
    tau: float

    @property
    def exact(self) -> bool:
        """Every turn reached its expected state, and every question turn was answered in full."""
        return all(t.exact and (t.answer is None or t.answer == 1.0) for t in self.turns)

    def to_json(self) -> dict[str, Any]:
        return {
            "reward": self.reward,
            "state": self.state,
            "trace": self.trace,
            "penalty": self.penalty,
            "tau": self.tau,
            "exact": self.exact,
            "turns": [t.to_json() for t in self.turns],
        }


# ----------------------------------------------------------------- comparing


def _canon(value: Any) -> Any:
    """Numbers compare by value (1 == 1.0 == "1.00" is not assumed: strings stay strings)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    if isinstance(value, list):
        return tuple(_canon(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _canon(v)) for k, v in value.items()))
    return value


_REMOVED = ("<removed>",)


def diff_cells(diff: dict[str, Any], keys: dict[str, str]) -> dict[tuple, Any]:
    """A state diff as cells: (entity, key, field) -> new value; a removed row is
    (entity, key, "*"). `keys` names each entity's key field."""
    cells: dict[tuple, Any] = {}
    for entity, parts in diff.items():
        key_field = keys[entity]
        for row in parts.get("added", ()):
            key = _canon(row[key_field])
            for name, value in row.items():
                cells[(entity, key, name)] = _canon(value)
        for row in parts.get("removed", ()):
            cells[(entity, _canon(row[key_field]), "*")] = _REMOVED
        for change in parts.get("changed", ()):
            for name, (_, new) in change["fields"].items():
                cells[(entity, _canon(change["key"]), name)] = _canon(new)
    return cells


def cell_overlap(expected: dict[tuple, Any], actual: dict[tuple, Any]) -> float:
    if not expected and not actual:
        return 1.0
    matched = sum(1 for cell, value in expected.items() if cell in actual and actual[cell] == value)
    return matched / (len(expected) + len(actual) - matched)


def _arg_credit(truth: dict[str, Any], given: dict[str, Any]) -> float:
    if not truth:
        return 1.0
    same = sum(1 for name, value in truth.items() if name in given and _canon(given[name]) == _canon(value))
    return same / len(truth)


def match_trace(truth: list[Call], made: list[ModelCall], succeeded: set[int] | None = None) -> tuple[float, set[int]]:
    """Trace similarity in [0, 1] and the indices of `made` matched to a ground-truth call.

    Only the calls in `succeeded` (indices of `made` that ran and succeeded;
    all parseable calls when None) may match, and only they count in the
    denominator: a failed call is the penalty's business, charged once.
    Greedy and order-free: a DAG may be executed in any topological order."""
    if succeeded is None:
        succeeded = {i for i, c in enumerate(made) if c.arguments is not None}
    used: set[int] = set()
    total = 0.0
    for call in truth:
        best, best_credit = None, -1.0
        for index, candidate in enumerate(made):
            if index in used or index not in succeeded or candidate.tool != call.tool:
                continue
            credit = _arg_credit(call.arguments, candidate.arguments)
            if credit > best_credit:
                best, best_credit = index, credit
        if best is not None:
            used.add(best)
            total += 0.5 + 0.5 * best_credit
    denominator = max(len(truth), len(succeeded))
    return (total / denominator if denominator else 1.0), used


# ----------------------------------------------------------------- scorer


@dataclass
class _Prepared:
    starts: list[Any]  # snapshot of the expected state before each turn
    expected_cells: list[dict[tuple, Any]]
    keys: dict[str, str]


@dataclass
class Scorer:
    """Scores tasks; holds one loaded environment per compiled folder and a
    small cache of per-task turn snapshots. Not thread-safe: one per worker.

    `root` resolves a task's relative `env.compiled` path; `environments` lets
    a caller hand in environments it already loaded (keyed by env name)."""

    root: Path = field(default_factory=Path.cwd)
    environments: dict[str, Any] = field(default_factory=dict)
    cache_size: int = 256
    _work: dict[str, Any] = field(default_factory=dict, repr=False)
    _prepared: OrderedDict = field(default_factory=OrderedDict, repr=False)

    def environment(self, task: Task):
        """The scorer's working environment for a task's env (loaded once, checked against the task)."""
        name = task.env.name
        # One working environment per environment version: tasks from two versions never share one.
        slot = (name, task.env.source_sha256)
        env = self._work.get(slot)
        if env is not None:
            return env
        from envdsl.runtime.compiled import LoadError
        from envdsl.runtime.environment import Environment

        base = self.environments.get(name)
        if base is None:
            folder = Path(task.env.compiled)
            folder = folder if folder.is_absolute() else self.root / folder
            try:
                manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise RewardError(f"task {task.id}: cannot read {folder}/manifest.json ({error})") from None
            if manifest.get("source_sha256") != task.env.source_sha256:
                raise RewardError(
                    f"task {task.id} was sampled from another version of {task.env.name} "
                    f"(source {task.env.source_sha256[:12]}, compiled {str(manifest.get('source_sha256'))[:12]})"
                )
            try:
                base = Environment.load(folder)
            except LoadError as error:
                raise RewardError(f"task {task.id}: {error}") from None
        env = base.clone()
        if env.state_hash() != task.initial_state.get("state_hash"):
            raise RewardError(f"task {task.id}: the seeded state of {name} differs from the one it was sampled on")
        self._work[slot] = env
        return env

    def _prepare(self, task: Task, env) -> _Prepared:
        cached = self._prepared.get(task.id)
        if cached is not None:
            self._prepared.move_to_end(task.id)
            return cached
        env.reset()
        starts = [env.snapshot()]
        for index, turn in enumerate(task.turns):
            for call in task.calls_of_turn(index):
                env.call(call.tool, call.arguments)
            if env.state_hash() != turn.expected_state_hash:
                raise RewardError(f"task {task.id}: its ground truth no longer reaches turn {index}'s expected state")
            starts.append(env.snapshot())
        keys = {e.name: e.key for e in env.env.entities}
        prepared = _Prepared(starts, [diff_cells(t.expected_diff, keys) for t in task.turns], keys)
        self._prepared[task.id] = prepared
        if len(self._prepared) > self.cache_size:
            self._prepared.popitem(last=False)
        return prepared

    def start_state(self, task: Task, turn: int):
        """The snapshot of the expected state before `turn` (used by `Episode`)."""
        env = self.environment(task)
        return self._prepare(task, env).starts[turn]

    def score(
        self,
        task: Task,
        calls: list[ModelCall],
        *,
        weights: Weights | None = None,
        tau: float | None = None,
        answers: dict[int, str] | None = None,
    ) -> Score:
        """Score the calls; `answers` (turn -> the assistant's final message) feeds question turns."""
        weights = weights or Weights()
        if tau is not None:
            weights = Weights(tau, weights.per_call, weights.cap, weights.floor)
        env = self.environment(task)
        prepared = self._prepare(task, env)
        turns: list[TurnScore] = []
        for index, turn in enumerate(task.turns):
            made = [c for c in calls if c.turn == index]
            if index == 0:
                env.reset()
            elif not (turns and turns[-1].exact):
                # After an exact turn the live state already is this turn's start: no restore needed.
                env.restore(prepared.starts[index])
            invalid = unparseable = unknown = 0
            succeeded: set[int] = set()
            for position, call in enumerate(made):
                if call.arguments is None:
                    unparseable += 1
                elif env.env.tool(call.tool) is None:
                    unknown += 1  # a hallucinated tool: never executed, charged like an unparseable call
                elif env.call(call.tool, call.arguments).ok:
                    succeeded.add(position)
                else:
                    invalid += 1
            exact = env.state_hash() == turn.expected_state_hash
            answer = None
            if turn.kind == "question":
                # Nothing may change; the answer is what counts.
                answer = answer_share(turn.answer_facts, (answers or {}).get(index, ""))
                state = 1.0 if exact else 0.0
            elif exact:
                state = 1.0
            else:
                if index == 0:
                    actual = env.state_diff()
                else:
                    actual = self._turn_diff(task, env, prepared.starts[index])
                state = min(cell_overlap(prepared.expected_cells[index], diff_cells(actual, prepared.keys)), 0.99)
            trace, matched = match_trace(task.calls_of_turn(index), made, succeeded)
            extra = len(succeeded - matched)
            unparseable += unknown
            penalty = min(weights.per_call * (invalid + unparseable + extra), weights.cap)
            outcome = state if answer is None else state * answer
            reward = weights.tau * trace + (1 - weights.tau) * outcome - penalty
            if weights.floor is not None:
                reward = max(reward, weights.floor)
            turns.append(
                TurnScore(reward, state, trace, penalty, exact, len(made), invalid, unparseable, extra, unknown, answer)
            )
        count = len(turns) or 1
        return Score(
            reward=sum(t.reward for t in turns) / count,
            state=sum(t.state for t in turns) / count,
            trace=sum(t.trace for t in turns) / count,
            penalty=sum(t.penalty for t in turns) / count,
            turns=tuple(turns),
            tau=weights.tau,
        )

    def _turn_diff(self, task: Task, env, start) -> dict[str, Any]:
        slot = ("reference", task.env.name, task.env.source_sha256)
        reference = self._work.get(slot)
        if reference is None:
            reference = self._work[slot] = env.clone()
        reference.restore(start)
        return reference.state_diff(env)


# ----------------------------------------------------------------- episodes (RL)


class Episode:
    """One rollout of a task for an RL loop (e.g. trl's `environment_factory`).

        episode = Episode(task, scorer)
        prompt = episode.reset()                  # the first user message
        text = episode.call("book_reservation", {...})   # the tool message content
        episode.answer("Your flight is delayed.")  # the assistant's final message of the turn
        nxt = episode.next_turn()                 # the next user message, or None at the end
        reward = episode.reward(tau=0.5)

    Calls run live on the scorer's environment; `next_turn` moves the live
    state to the expected state after the finished turn, as the scorer does.
    A call to a tool the environment does not have is recorded (the reward
    charges it like an unparseable call) and answered with an `UnknownTool`
    error that names only the tool the model asked for. `observe(messages)`
    takes what a trainer saw but the episode did not: trl answers a call to
    an unknown tool itself, without calling the environment.
    """

    def __init__(self, task: Task, scorer: Scorer | None = None, weights: Weights | None = None) -> None:
        self.task = task
        self.scorer = scorer or Scorer()
        self.weights = weights or Weights()
        self.calls: list[ModelCall] = []
        self.answers: dict[int, str] = {}
        self.turn = 0
        self._env = None

    def reset(self) -> str:
        base = self.scorer.environment(self.task)
        if self._env is None:
            self._env = base.clone()
        self._env.reset()
        self.calls = []
        self.answers = {}
        self.turn = 0
        return self.task.turns[0].user

    def call(self, tool: str, arguments: Any) -> str:
        if self._env is None:
            self.reset()
        parsed = ModelCall.parse(tool, arguments, self.turn)
        self.calls.append(parsed)
        if self._env.env.tool(parsed.tool) is None:
            return tool_content({"ok": False, "error": UNKNOWN_TOOL, "message": unknown_tool_message(parsed.tool)})
        if parsed.arguments is None:
            return tool_content({"ok": False, "error": "InvalidArguments", "message": parsed.parse_error})
        return tool_content(self._env.call(parsed.tool, parsed.arguments).to_json())

    def answer(self, text: str) -> None:
        """The assistant's final message of the current turn (scored on question turns)."""
        self.answers[self.turn] = text

    def observe(self, messages: list[dict[str, Any]]) -> None:
        """Take the current turn's completion as the trainer saw it: its final
        assistant text becomes the turn's answer, and calls to tools that do
        not exist, which a trainer may have answered without calling `call`,
        are recorded (each such call once, however often `observe` runs)."""
        if self._env is None:
            self.reset()
        unknown = [c for c in calls_from_messages([{"role": "user"}, *messages]) if self._env.env.tool(c.tool) is None]
        recorded = sum(1 for c in self.calls if c.turn == self.turn and self._env.env.tool(c.tool) is None)
        for call in unknown[recorded:]:
            self.calls.append(ModelCall(call.tool, call.arguments, self.turn, call.parse_error))
        final = answers_from_messages([{"role": "user"}, *messages]).get(0)
        if final is not None:
            self.answer(final)

    def next_turn(self) -> str | None:
        if self._env is None:
            self.reset()
        if self.turn + 1 >= len(self.task.turns):
            return None
        self.turn += 1
        self._env.restore(self.scorer.start_state(self.task, self.turn))
        return self.task.turns[self.turn].user

    def score(self, tau: float | None = None) -> Score:
        return self.scorer.score(self.task, self.calls, weights=self.weights, tau=tau, answers=self.answers)

    def reward(self, tau: float | None = None) -> float:
        return self.score(tau).reward


def unknown_tool_message(tool: str) -> str:
    """What the model reads after calling a tool that does not exist: the name it used, nothing else."""
    shown = tool if len(tool) <= 80 else tool[:77] + "..."
    return f"there is no tool named `{shown}`; call only the tools you were given"
