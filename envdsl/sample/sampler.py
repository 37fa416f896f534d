"""Topology-aware task sampling on verified environments.

Rule: a task is kept only when every step was executed and checked. For each
candidate (one seeded `random.Random` per attempt, so a seed reproduces the
run): pick 1 to `max_goals` dependent goal tools (the first steered towards
tools used least so far, each next one a tool whose reads the previous goal
wrote, acting on a row it touched); plan and calibrate each turn
(`plan.py`, `calibrate.py`); replay the whole conversation from a fresh
reset and require every recorded result and hash; realize the user turns and
reject any that names a tool or an internal id; deduplicate. Every rejection
is recorded with its reason.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdsl.graph.build import tool_graph
from envdsl.ir import nodes as ir
from envdsl.ir.types import EntityT, ListT, OptionalT, RecordT, Scalar
from envdsl.sample.calibrate import Calibrator
from envdsl.sample.facts import RowIndex, is_natural
from envdsl.sample.plan import PlanFailed, PlannedCall, Planner, TurnPlan
from envdsl.sample.realize import Realizer, Request
from envdsl.sample.task import (
    Call,
    EnvRef,
    Task,
    Turn,
    dumps,
    tool_call_message,
    tool_message,
)
from envdsl.verify.status import require_verified


@dataclass(frozen=True)
class SampleConfig:
    n: int
    seed: int = 0
    max_goals: int = 5
    multi_share: float = 0.5  # share of candidates that try 2..max_goals goals
    max_depth: int = 3
    attempts_per_task: int = 30


@dataclass(frozen=True)
class Drop:
    env: str
    attempt: int
    turn: int
    goal: str | None
    reason: str
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Outcome:
    task: Task | None
    drops: list[Drop] = field(default_factory=list)
    candidates: int = 0  # turn candidates planned


class EnvSampler:
    """Samples tasks from one compiled, verified environment."""

    def __init__(self, folder: Path, shown: str, realizer: Realizer, config: SampleConfig) -> None:
        from envdsl.runtime.environment import Environment

        require_verified(folder)  # NotVerified says why and what to run
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        self.environment = Environment.load(folder)
        self.reference = self.environment.clone()
        self.env: ir.Env = self.environment.env
        self.ref = EnvRef(self.env.name, self.env.domain, shown, manifest["source_sha256"], manifest.get("seed_sha256"))
        self.config = config
        self.realizer = realizer
        self.index = RowIndex(self.environment)
        self.graph = tool_graph(self.env)
        self.usage: Counter[str] = Counter()
        self.goal_count: Counter[str] = Counter()
        self.planner = Planner(self.environment, self.index, self.usage)
        self.calibrator = Calibrator(self.environment, self.index)
        self.initial_hash = self.environment.state_hash()
        self.writers = [t for t in self.env.tools if not t.effects.is_read_only]
        self.system = (
            f"{self.env.policy.strip()}\n\nThe current time is {self.env.clock.isoformat()}."
            if self.env.policy.strip()
            else f"You are the assistant of {self.env.title}. The current time is {self.env.clock.isoformat()}."
        )
        self.internal_entities = {e.name for e in self.env.entities if not is_natural(e)}
        self._tool_names = re.compile(r"\b(" + "|".join(re.escape(t.name) for t in self.env.tools) + r")\b")

    # ------------------------------------------------------------ goals

    def _choose_goal(
        self, turn: int, previous: ir.Tool | None, touched, rng: random.Random, tried: set[str]
    ) -> ir.Tool | None:
        if turn == 0:
            options = list(self.writers)
        else:
            entities = set(touched.get(turn - 1, {}))
            options = [
                t
                for t in self.writers
                if previous is not None
                and self.graph.has_edge(previous.name, t.name, key="state")
                and any(_entity(p.type) in entities for p in t.params)
            ]
        options = [t for t in options if t.name not in tried]
        if not options:
            return None
        weights = [1.0 / (1 + self.goal_count[t.name]) ** 2 for t in options]
        return rng.choices(options, weights)[0]

    # ------------------------------------------------------------ one candidate

    def candidate(self, attempt: int) -> Outcome:
        config = self.config
        rng = random.Random(f"{config.seed}:{self.env.name}:{attempt}")
        wanted = 1
        if config.max_goals >= 2 and rng.random() < config.multi_share:
            wanted = rng.randint(2, config.max_goals)
        environment = self.environment
        environment.reset()
        self.index.refresh()
        self.planner._next_id = 0
        outcome = Outcome(None)
        turns: list[tuple[TurnPlan, str, dict, dict]] = []
        touched: dict[int, dict[str, set]] = {}
        known: dict[Any, str] = {}
        context: dict[str, set] = {}
        previous: ir.Tool | None = None
        for k in range(wanted):
            planned = self._plan_turn(attempt, k, previous, touched, known, context, rng, outcome)
            if planned is None:
                break
            plan, start, start_hash = planned
            goal = plan.goal
            sources = sorted({r.source for r in plan.resolutions.values() if r.source is not None})
            plan.goal_call = PlannedCall(self.planner.new_id(), k, goal.name, plan.arguments, sources)
            result = environment.call(goal.name, plan.arguments)
            plan.goal_call.result = result.to_json()
            after = environment.state_hash()
            if not result.ok or after == start_hash:
                reason = "no-change" if result.ok else "goal-fails"
                outcome.drops.append(Drop(self.env.name, attempt, k, goal.name, reason, str(result)))
                environment.restore(start)
                break
            if k == 0:
                diff = environment.state_diff()
            else:
                self.reference.restore(start)
                diff = self.reference.state_diff(environment)
            touched[k] = _touched(self.env, diff)
            shown = dumps(result.value)
            for keys in touched[k].values():
                for key in keys:
                    if dumps(key) in shown:
                        known[key] = plan.goal_call.id
            for param, entity in plan.entity_params.items():
                context.setdefault(entity, set()).add(plan.arguments[param])
                # The agent has seen this key: later turns may refer to "the same one".
                known.setdefault(plan.arguments[param], plan.resolutions[param].source or plan.goal_call.id)
            self.index.refresh()
            turns.append((plan, after, diff, result.to_json()))
            previous = goal
        if not turns:
            return outcome
        task_or_drop = self._finish(attempt, turns, touched)
        if isinstance(task_or_drop, Drop):
            outcome.drops.append(task_or_drop)
        else:
            outcome.task = task_or_drop
        return outcome

    def _plan_turn(self, attempt, k, previous, touched, known, context, rng, outcome):
        """Plan and calibrate turn k, trying up to 3 goals after the first turn; None when none works."""
        environment = self.environment
        tried: set[str] = set()
        for _ in range(1 if k == 0 else 3):
            goal = self._choose_goal(k, previous, touched, rng, tried)
            if goal is None:
                return None
            tried.add(goal.name)
            start = environment.snapshot()
            start_hash = environment.state_hash()
            outcome.candidates += 1
            try:
                plan = self.planner.bind_goal(goal, k, rng, touched, context)
                depth = rng.randint(1, self.config.max_depth)
                for param, entity in plan.entity_params.items():
                    plan.resolutions[param] = self.planner.resolve(
                        param, entity, plan.rows[param], depth, k, rng, known, touched
                    )
                self.calibrator.calibrate(plan, touched)
            except PlanFailed as failure:
                outcome.drops.append(Drop(self.env.name, attempt, k, goal.name, failure.reason, failure.detail))
                environment.restore(start)
                continue
            return plan, start, start_hash
        return None

    # ------------------------------------------------------------ assembling

    def _finish(self, attempt: int, turns, touched) -> Task | Drop:
        environment = self.environment
        # Replay from a fresh reset: every result and every turn's hash must come out the same.
        environment.reset()
        for plan, expected_hash, _, _ in turns:
            for call in plan.calls:
                again = environment.call(call.tool, call.arguments).to_json()
                if again != call.result:
                    return Drop(
                        self.env.name,
                        attempt,
                        plan.turn,
                        plan.goal.name,
                        "replay-mismatch",
                        f"{call.tool} gave {again}",
                    )
            if environment.state_hash() != expected_hash:
                return Drop(self.env.name, attempt, plan.turn, plan.goal.name, "replay-mismatch", "state hash differs")
        final_hash = environment.state_hash()
        if final_hash == self.initial_hash:
            return Drop(
                self.env.name, attempt, len(turns) - 1, None, "no-change", "the conversation ends in the initial state"
            )
        final_diff = environment.state_diff()

        renumber: dict[str, str] = {}
        calls: list[Call] = []
        for plan, _, _, _ in turns:
            for call in plan.calls:
                renumber[call.id] = f"call_{len(renumber)}"
        for plan, _, _, _ in turns:
            for call in plan.calls:
                calls.append(
                    Call(
                        renumber[call.id],
                        call.turn,
                        call.tool,
                        call.arguments,
                        tuple(sorted((renumber[d] for d in call.depends_on), key=lambda s: int(s[5:]))),
                        call.result or {},
                    )
                )
        internal_keys = self._internal_keys(calls)
        task_turns: list[Turn] = []
        messages: list[dict[str, Any]] = [{"role": "system", "content": self.system}]
        all_answers: list[Any] = []
        for plan, expected_hash, diff, result in turns:
            facts = plan.facts
            request = Request(
                self.env,
                plan.turn,
                plan.goal.doc,
                tuple(facts),
                {f.subject: self._subject_entity(plan.goal, f.subject) for f in facts},
                f"{self.config.seed}:{self.env.name}:{attempt}:{plan.turn}",
            )
            text = self.realizer.realize(request)
            leak = self._leak(text, internal_keys)
            if leak:
                return Drop(self.env.name, attempt, plan.turn, plan.goal.name, "leaks-id", leak)
            answers = _answer_facts(self.env, plan.goal, result)
            all_answers.extend(answers)
            ids = [renumber[c.id] for c in plan.calls]
            task_turns.append(Turn(text, plan.goal.name, tuple(facts), tuple(ids), expected_hash, diff, tuple(answers)))
            messages.append({"role": "user", "content": text})
            for call in plan.calls:
                messages.append(tool_call_message(renumber[call.id], call.tool, call.arguments))
                messages.append(tool_message(renumber[call.id], call.tool, call.result or {}))
            messages.append({"role": "assistant", "content": _closing(answers)})
        depth, breadth = _shape(calls)
        body = {"calls": [c.to_json() for c in calls], "users": [t.user for t in task_turns]}
        digest = hashlib.sha256(dumps(body).encode("utf-8")).hexdigest()[:10]
        return Task(
            id=f"{self.env.name}-{digest}",
            env=self.ref,
            initial_state={"kind": "seed", "state_hash": self.initial_hash},
            system=self.system,
            turns=tuple(task_turns),
            tools=tuple(self.environment.tool_schemas),
            calls=tuple(calls),
            expected={"state_hash": final_hash, "diff": final_diff, "answer_facts": all_answers},
            messages=tuple(messages),
            meta={
                "seed": self.config.seed,
                "attempt": attempt,
                "goals": [t.goal for t in task_turns],
                "depth": depth,
                "breadth": breadth,
                "calls": len(calls),
                "realizer": self.realizer.name,
            },
        )

    def _internal_keys(self, calls: list[Call]) -> set[str]:
        keys: set[str] = set()
        for call in calls:
            tool = self.env.tool(call.tool)
            for param in tool.params if tool else ():
                entity = _entity(param.type)
                if entity in self.internal_entities and call.arguments.get(param.name) is not None:
                    keys.add(str(call.arguments[param.name]))
        return keys

    def _leak(self, text: str, internal_keys: set[str]) -> str:
        named = self._tool_names.search(text)
        if named:
            return f"names the tool {named.group(0)}"
        for key in sorted(internal_keys):
            if re.search(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", text):
                return f"states the internal id {key}"
        return ""

    def _subject_entity(self, goal: ir.Tool, subject: str) -> str | None:
        parts = subject.split(".")
        param = next((p for p in goal.params if p.name == parts[0]), None)
        entity = _entity(param.type) if param is not None else None
        for part in parts[1:]:
            if entity is None:
                return None
            f = self.env.entity(entity).field(part)
            entity = _entity(f.type) if f is not None else None
        return entity


def _entity(t) -> str | None:
    t = t.inner if isinstance(t, OptionalT) else t
    return t.name if isinstance(t, EntityT) else None


def _touched(env: ir.Env, diff: dict[str, Any]) -> dict[str, set]:
    out: dict[str, set] = {}
    for entity, parts in diff.items():
        key = env.entity(entity).key
        keys = {row[key] for row in parts.get("added", ())} | {c["key"] for c in parts.get("changed", ())}
        if keys:
            out[entity] = keys
    return out


def _answer_facts(env: ir.Env, goal: ir.Tool, result: dict[str, Any]) -> list[Any]:
    value = result.get("value")
    t = goal.returns.inner if isinstance(goal.returns, OptionalT) else goal.returns
    if value is None or t is None:
        return []
    if isinstance(t, EntityT):
        return [value[env.entity(t.name).key]]
    if isinstance(t, Scalar):
        return [value]
    if isinstance(t, ListT):
        return [len(value)]
    if isinstance(t, RecordT):
        return [value[n] for n, ft in t.fields if isinstance(ft, Scalar)][:4]
    return []


def _closing(answers: list[Any]) -> str:
    if not answers:
        return "Done: that is taken care of."
    shown = ", ".join(f"{a:.2f}" if isinstance(a, float) else str(a) for a in answers)
    return f"Done: that is taken care of. Result: {shown}."


def _shape(calls: list[Call]) -> tuple[int, int]:
    """Depth (calls on the longest dependency chain) and breadth (most calls on one level)."""
    level: dict[str, int] = {}
    for call in calls:
        level[call.id] = 1 + max((level[d] for d in call.depends_on if d in level), default=0)
    counts = Counter(level.values())
    return max(level.values(), default=0), max(counts.values(), default=0)


# ------------------------------------------------------------ the run


@dataclass
class SampleResult:
    tasks: list[Task]
    drops: list[Drop]
    attempts: int
    candidates: int
    samplers: list[EnvSampler]


def sample(
    folders: list[tuple[Path, str]],
    config: SampleConfig,
    realizer: Realizer,
    progress: Callable[[int], None] | None = None,
) -> SampleResult:
    """Sample `config.n` tasks round-robin over the environments (each must be verified)."""
    samplers = [EnvSampler(folder, shown, realizer, config) for folder, shown in folders]
    tasks: list[Task] = []
    drops: list[Drop] = []
    seen: set[str] = set()
    attempt = candidates = 0
    limit = config.n * config.attempts_per_task
    while len(tasks) < config.n and attempt < limit:
        sampler = samplers[attempt % len(samplers)]
        outcome = sampler.candidate(attempt)
        candidates += outcome.candidates
        drops.extend(outcome.drops)
        task = outcome.task
        if task is not None:
            signature = dumps([sampler.env.name, [[c.tool, c.arguments] for c in task.calls]])
            if signature in seen:
                drops.append(Drop(sampler.env.name, attempt, 0, task.turns[0].goal, "duplicate", task.id))
            else:
                seen.add(signature)
                tasks.append(task)
                for turn in task.turns:
                    sampler.goal_count[turn.goal] += 1
                for call in task.calls:
                    sampler.usage[call.tool] += 1
                if progress is not None:
                    progress(len(tasks))
        attempt += 1
    return SampleResult(tasks, drops, attempt, candidates, samplers)
