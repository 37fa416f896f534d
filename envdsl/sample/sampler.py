"""Topology-aware task sampling on verified environments.

Rule: a task is kept only when every step was executed and checked. For each
candidate (one seeded `random.Random` per attempt, so a seed reproduces the
run): either a *question* (share `question_share`: one read-only goal,
steered to the read-only tools used least, whose answer is read from its
result, `question.py`) or 1 to `max_goals` dependent goal tools that change
the state (the first steered towards tools used least so far, each next one
a tool whose reads the previous goal wrote, acting on a row it touched);
plan and calibrate each turn (`plan.py`, `calibrate.py`); replay the whole
conversation from a fresh reset and require every recorded result and hash;
realize the user turns and reject any that names a tool or an internal id;
deduplicate. Every rejection is recorded with its reason.

The run is split into independent *streams* (`run_stream`): one or more per
environment, each with its own attempts, steering state and quota. A
stream's tasks depend only on the seed, its environment, its part number
and the quota it was given, so streams can run anywhere (`map_shards`: this
process, local processes, Ray) and the merged output is the same bytes.
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
from envdsl.sample.plan import PlanFailed, PlannedCall, Planner, TurnPlan, row_paths
from envdsl.sample.question import answer_spec, answerable, closing
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
    question_share: float = 0.3  # share of candidates that are questions (a read-only goal and its answer)


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
        self.readers = [t for t in self.env.tools if t.effects.is_read_only]
        self._tool_names = re.compile(r"\b(" + "|".join(re.escape(t.name) for t in self.env.tools) + r")\b")

    def info(self) -> EnvInfo:
        taken = {e for t in self.env.tools for p in t.params for e in [_entity_deep(p.type)] if e}
        return EnvInfo(
            self.env.name,
            tuple(t.name for t in self.env.tools),
            tuple(
                t.name
                for t in self.env.tools
                if t.effects.is_read_only and not any(row_paths(t.returns, e) for e in taken)
            ),
            tuple(t.name for t in self.readers),
        )

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
        if self.readers and rng.random() < config.question_share:
            return self.question(attempt, rng)
        wanted = 1
        if config.max_goals >= 2 and rng.random() < config.multi_share:
            wanted = rng.randint(2, config.max_goals)
        environment = self._start_candidate()
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

    def _start_candidate(self):
        """The seeded state, its index and call numbering, as every candidate starts from them."""
        self.environment.reset()
        self.index.refresh()
        self.planner.restart_ids()
        return self.environment

    def question(self, attempt: int, rng: random.Random) -> Outcome:
        """A one-turn question: a read-only goal (one of the least used), calibrated so that the
        request has exactly one answer, which the final assistant message states."""
        environment = self._start_candidate()
        outcome = Outcome(None, candidates=1)
        least = min(self.usage[t.name] for t in self.readers)
        goal = rng.choice([t for t in self.readers if self.usage[t.name] == least])
        start_hash = environment.state_hash()
        try:
            plan = self.planner.bind_question(goal, rng, answerable(self.env, goal.returns))
            plan.answer = answer_spec(self.env, goal.returns, environment.call(goal.name, plan.arguments).value)
            depth = rng.randint(1, self.config.max_depth)
            for param, entity in plan.entity_params.items():
                plan.resolutions[param] = self.planner.resolve(param, entity, plan.rows[param], depth, 0, rng, {}, {})
            self.calibrator.calibrate(plan, {})
        except PlanFailed as failure:
            outcome.drops.append(Drop(self.env.name, attempt, 0, goal.name, failure.reason, failure.detail))
            return outcome
        sources = sorted({r.source for r in plan.resolutions.values() if r.source is not None})
        plan.goal_call = PlannedCall(self.planner.new_id(), 0, goal.name, plan.arguments, sources)
        result = environment.call(goal.name, plan.arguments)
        plan.goal_call.result = result.to_json()
        if not result.ok or environment.state_hash() != start_hash:
            outcome.drops.append(Drop(self.env.name, attempt, 0, goal.name, "goal-fails", str(result)))
            return outcome
        # What the user said is no answer: keep only answer facts the request does not state.
        stated = {dumps(f.value) for f in plan.facts}
        answers = plan.answer.extract(result.value)
        if plan.answer.kind == "fields":
            kept = tuple(n for n, v in zip(plan.answer.fields, answers, strict=True) if dumps(v) not in stated)
            plan.answer = type(plan.answer)("fields", kept) if kept else None
        elif dumps(answers[0]) in stated:
            plan.answer = None
        if plan.answer is None:
            outcome.drops.append(Drop(self.env.name, attempt, 0, goal.name, "no-answer", "the request states it"))
            return outcome
        task_or_drop = self._finish(attempt, [(plan, start_hash, {}, result.to_json())], {})
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
        if final_hash == self.initial_hash and turns[-1][0].answer is None:
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
            ask = plan.answer.ask(plan.goal.returns) if plan.answer is not None else ""
            request = Request(
                self.env,
                plan.turn,
                # A realizer that reads the whole description (an LLM) learns what the user asks from it too.
                f"{plan.goal.doc.strip()} The user wants to know {ask}." if ask else plan.goal.doc,
                tuple(facts),
                {f.subject: self._subject_entity(plan.goal, f.subject) for f in facts},
                f"{self.config.seed}:{self.env.name}:{attempt}:{plan.turn}",
                ask,
            )
            text = self.realizer.realize(request)
            leak = self._leak(text, internal_keys)
            if leak:
                return Drop(self.env.name, attempt, plan.turn, plan.goal.name, "leaks-id", leak)
            if plan.answer is not None:
                answers = plan.answer.extract(result.get("value"))
                kind, closing_text = "question", closing(plan.answer, answers)
            else:
                answers = _answer_facts(self.env, plan.goal, result)
                kind, closing_text = "change", _closing(answers)
            all_answers.extend(answers)
            ids = [renumber[c.id] for c in plan.calls]
            task_turns.append(
                Turn(text, plan.goal.name, tuple(facts), tuple(ids), expected_hash, diff, tuple(answers), kind)
            )
            messages.append({"role": "user", "content": text})
            for call in plan.calls:
                messages.append(tool_call_message(renumber[call.id], call.tool, call.arguments))
                messages.append(tool_message(renumber[call.id], call.tool, call.result or {}))
            messages.append({"role": "assistant", "content": closing_text})
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


def _entity_deep(t) -> str | None:
    while isinstance(t, (OptionalT, ListT)):
        t = t.inner
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


# ------------------------------------------------------------ the run: streams, rounds, merge

PART_TASKS = 50  # an environment asked for more tasks than this gets several streams (shards)
PART_STRIDE = 1_000_000  # attempts of stream part p are numbered from p * PART_STRIDE
MAX_ROUNDS = 8
GIVE_UP_ATTEMPTS = 60  # a stream that made no task in this many attempts is exhausted


@dataclass(frozen=True)
class EnvInfo:
    """What the summary needs to know about an environment (computed where it was loaded)."""

    name: str
    tools: tuple[str, ...]
    cannot_be_a_step: tuple[str, ...]  # read-only tools whose results hold no row any tool takes
    read_only: tuple[str, ...]


@dataclass
class StreamState:
    """Where one stream stands between rounds: everything that steers its next attempt."""

    quota: int = 0  # tasks asked of it so far, over all rounds
    produced: int = 0
    attempts: int = 0
    goal_count: Counter = field(default_factory=Counter)
    usage: Counter = field(default_factory=Counter)
    seen: set = field(default_factory=set)
    stats: dict = field(default_factory=dict)

    @property
    def exhausted(self) -> bool:
        return self.produced < self.quota


@dataclass(frozen=True)
class StreamShard:
    """One unit of work: `more` tasks from part `part` of the environment in `folder`."""

    folder: Path
    shown: str
    part: int
    more: int
    config: SampleConfig
    realizer: Realizer
    state: StreamState


@dataclass
class StreamResult:
    info: EnvInfo
    part: int
    tasks: list[Task]
    drops: list[Drop]
    candidates: int
    state: StreamState


def run_stream(shard: StreamShard) -> StreamResult:
    """Continue one stream until it has `more` new tasks or runs out of attempts.

    Its tasks depend only on the config, the environment, the part and the
    state it is handed, so running it here, in another process or on Ray
    gives the same result; a stream continued round after round gives what
    one run with the summed quota gives."""
    sampler = _sampler(shard)
    state = StreamState(
        shard.state.quota + shard.more,
        shard.state.produced,
        shard.state.attempts,
        Counter(shard.state.goal_count),
        Counter(shard.state.usage),
        set(shard.state.seen),
        dict(shard.state.stats),
    )
    sampler.goal_count, sampler.usage = state.goal_count, state.usage
    sampler.planner.usage = state.usage
    sampler.calibrator.stats = {"refined": 0, "minimized": 0, "executions": 0, **state.stats}
    tasks: list[Task] = []
    drops: list[Drop] = []
    candidates = 0
    limit = state.quota * shard.config.attempts_per_task
    while state.produced < state.quota and state.attempts < limit:
        if state.produced == 0 and state.attempts >= GIVE_UP_ATTEMPTS:
            break
        attempt = shard.part * PART_STRIDE + state.attempts
        state.attempts += 1
        outcome = sampler.candidate(attempt)
        candidates += outcome.candidates
        drops.extend(outcome.drops)
        task = outcome.task
        if task is None:
            continue
        signature = _signature(task)
        if signature in state.seen:
            drops.append(Drop(sampler.env.name, attempt, 0, task.turns[0].goal, "duplicate", task.id))
            continue
        state.seen.add(signature)
        tasks.append(task)
        state.produced += 1
        for turn in task.turns:
            state.goal_count[turn.goal] += 1
        for call in task.calls:
            state.usage[call.tool] += 1
    state.stats = dict(sampler.calibrator.stats)
    return StreamResult(sampler.info(), shard.part, tasks, drops, candidates, state)


_SAMPLERS: dict[tuple, EnvSampler] = {}


def _sampler(shard: StreamShard) -> EnvSampler:
    """A loaded sampler for the shard's environment, kept per process (loading is the slow part; workers
    run many shards). Its steering state is replaced by the shard's, so reuse changes no result."""
    folder = shard.folder
    require_verified(folder)
    manifest = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    key = (str(folder.resolve()), shard.shown, manifest, shard.config, type(shard.realizer).__qualname__)
    sampler = _SAMPLERS.get(key)
    if sampler is None:
        sampler = _SAMPLERS[key] = EnvSampler(folder, shard.shown, shard.realizer, shard.config)
    sampler.realizer = shard.realizer
    return sampler


def _signature(task: Task) -> str:
    return dumps([task.env.name, [[c.tool, c.arguments] for c in task.calls]])


def split_quota(n: int, ways: int) -> list[int]:
    """`n` split into `ways` near-equal parts, the larger ones first."""
    return [n // ways + (1 if i < n % ways else 0) for i in range(ways)]


@dataclass
class SampleResult:
    tasks: list[Task]
    drops: list[Drop]
    attempts: int
    candidates: int
    envs: list[EnvInfo]
    stats: dict[str, dict[str, int]]  # calibration counters per environment
    rounds: int = 1
    streams: int = 1


def sample(
    folders: list[tuple[Path, str]],
    config: SampleConfig,
    realizer: Realizer,
    progress: Callable[[int], None] | None = None,
    *,
    ray_address: str | None = None,
    jobs: int | None = 1,
) -> SampleResult:
    """Sample `config.n` tasks from the environments (each must be verified).

    The quota is split evenly over the environments (the first ones get the
    remainder), and an environment's share over ceil(share / PART_TASKS)
    streams. Round 1 runs every stream on its share; each further round gives
    what is still missing (streams that ran out, duplicates across streams) to
    the streams that are not exhausted, in order. Streams of a round run
    through `map_shards` (`jobs` local processes, or Ray at `ray_address`);
    the merge takes, round-robin over environments in the order given, each
    environment's tasks part by part, so the output does not depend on where
    streams ran."""
    from envdsl.scale.shards import map_shards

    for folder, _ in folders:
        require_verified(folder)  # refuse before any work is shipped anywhere
    # Streams: (environment index, part), in a fixed order.
    streams: list[tuple[int, int]] = []
    allot: list[int] = []
    for index, share in enumerate(split_quota(config.n, len(folders))):
        parts = max(1, -(-share // PART_TASKS))
        for part, quota in enumerate(split_quota(share, parts)):
            streams.append((index, part))
            allot.append(quota)
    states = [StreamState() for _ in streams]
    produced: list[list[Task]] = [[] for _ in streams]
    drops: list[list[Drop]] = [[] for _ in streams]
    candidates = [0] * len(streams)
    infos: dict[int, EnvInfo] = {}
    rounds = 0
    merged: list[Task] = []
    merge_drops: list[Drop] = []
    while rounds < MAX_ROUNDS and any(allot):
        rounds += 1
        chosen = [i for i, more in enumerate(allot) if more > 0]
        shards = [
            StreamShard(*folders[streams[i][0]], streams[i][1], allot[i], config, realizer, states[i]) for i in chosen
        ]
        for i, result in zip(chosen, map_shards(run_stream, shards, ray_address=ray_address, jobs=jobs), strict=True):
            states[i] = result.state
            produced[i].extend(result.tasks)
            drops[i].extend(result.drops)
            candidates[i] += result.candidates
            infos[streams[i][0]] = result.info
        merged, merge_drops = _merge(streams, produced, len(folders))
        if progress is not None:
            progress(len(merged))
        missing = config.n - len(merged)
        open_streams = [i for i, state in enumerate(states) if not state.exhausted]
        allot = [0] * len(streams)
        if missing > 0 and open_streams:
            for i, more in zip(open_streams, split_quota(missing, len(open_streams)), strict=False):
                allot[i] = more
    stats: dict[str, dict[str, int]] = {}
    for i, (index, _) in enumerate(streams):
        if index in infos:
            total = stats.setdefault(infos[index].name, {})
            for key, value in states[i].stats.items():
                total[key] = total.get(key, 0) + value
    return SampleResult(
        tasks=merged,
        drops=[d for per_stream in drops for d in per_stream] + merge_drops,
        attempts=sum(state.attempts for state in states),
        candidates=sum(candidates),
        envs=[infos[i] for i in range(len(folders)) if i in infos],
        stats=stats,
        rounds=rounds,
        streams=len(streams),
    )


def _merge(streams: list[tuple[int, int]], produced: list[list[Task]], env_count: int) -> tuple[list[Task], list[Drop]]:
    """Each environment's tasks (its streams in part order, duplicates across streams dropped), then
    round-robin over the environments."""
    per_env: list[list[Task]] = [[] for _ in range(env_count)]
    seen: set[str] = set()
    duplicates: list[Drop] = []
    for (index, _), tasks in zip(streams, produced, strict=True):
        for task in tasks:
            signature = _signature(task)
            if signature in seen:
                attempt = int(task.meta["attempt"])
                duplicates.append(Drop(task.env.name, attempt, 0, task.turns[0].goal, "duplicate", task.id))
                continue
            seen.add(signature)
            per_env[index].append(task)
    merged = [tasks[i] for i in range(max((len(t) for t in per_env), default=0)) for tasks in per_env if i < len(tasks)]
    return merged, duplicates
