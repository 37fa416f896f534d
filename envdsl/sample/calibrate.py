"""Calibration: checks a planned turn against the database before it becomes a task.

Rule: each check executes; none guesses. For a planned turn:

1. **Unique goal state.** Every combination of rows consistent with the stated
   facts (for each goal parameter bound to a row) is executed from the turn's
   start state; the turn is unique when the successful ones all reach one
   state (for a question turn: all give the same answer facts). An ambiguous turn is *refined*: the fact that best splits the
   remaining rows is added (at most `MAX_REFINEMENTS` times), else the turn
   is dropped (`ambiguous`).
2. **Not over-specified.** Each fact that only picks a row (not one an
   upstream call needs) is removed when the turn stays unique without it.
3. **Not a no-op.** The goal state differs from the start state (checked at
   binding time, `goal-fails` / no change, and again here).

The replay check (the ground truth reaches every expected hash from a fresh
reset) runs on the whole conversation in `sampler.py`.
"""

from __future__ import annotations

import itertools
from typing import Any

from envdsl.sample.facts import RowIndex, candidates, describable_fields
from envdsl.sample.plan import PlanFailed, TurnPlan
from envdsl.sample.task import Fact, dumps

MAX_COMBINATIONS = 24
MAX_REFINEMENTS = 4


class Calibrator:
    def __init__(self, environment, index: RowIndex) -> None:
        self.environment = environment
        self.env = environment.env
        self.index = index
        self.stats = {"refined": 0, "minimized": 0, "executions": 0}

    def _consistent(self, plan: TurnPlan, touched) -> dict[str, list[Any]]:
        facts = plan.facts
        out: dict[str, list[Any]] = {}
        for param, entity in plan.entity_params.items():
            key_field = self.env.entity(entity).key
            out[param] = [r[key_field] for r in candidates(self.env, self.index, entity, param, facts, touched)]
        return out

    def goal_states(self, plan: TurnPlan, touched) -> tuple[set[str], dict[str, list[Any]]]:
        """The distinct states (question turns: answers) the consistent bindings reach (empty set: none succeeds)."""
        consistent = self._consistent(plan, touched)
        for param, keys in consistent.items():
            if plan.arguments[param] not in keys:
                raise PlanFailed("inconsistent-facts", f"{param}: the stated facts exclude the intended row")
        sizes = 1
        for keys in consistent.values():
            sizes *= len(keys)
        if sizes > MAX_COMBINATIONS:
            return {"<too many>", "<to execute>"}, consistent
        environment = self.environment
        snapshot = environment.snapshot()
        states: set[str] = set()
        params = list(consistent)
        for combo in itertools.product(*(consistent[p] for p in params)):
            arguments = dict(plan.arguments)
            arguments.update(zip(params, combo))
            self.stats["executions"] += 1
            result = environment.call(plan.goal.name, arguments)
            if result.ok:
                states.add(
                    environment.state_hash() if plan.answer is None else dumps(plan.answer.extract(result.value))
                )
            environment.restore(snapshot)
        return states, consistent

    def calibrate(self, plan: TurnPlan, touched) -> None:
        """Refine until unique, then minimise; raises PlanFailed("ambiguous") when impossible."""
        for _ in range(MAX_REFINEMENTS + 1):
            states, consistent = self.goal_states(plan, touched)
            if len(states) == 1:
                break
            if not self._refine(plan, consistent):
                raise PlanFailed("ambiguous", f"{plan.goal.name}: {len(states)} goal states fit the request")
        else:
            raise PlanFailed("ambiguous", f"{plan.goal.name}: still ambiguous after {MAX_REFINEMENTS} refinements")
        self._minimize(plan, touched)

    def _refine(self, plan: TurnPlan, consistent: dict[str, list[Any]]) -> bool:
        """Add the one fact that leaves the fewest consistent rows; False when no fact helps."""
        best: tuple[int, int, str, Fact] | None = None
        for param, keys in consistent.items():
            if len(keys) <= 1:
                continue
            entity = self.env.entity(plan.entity_params[param])
            row = plan.rows[param]
            stated = {f.field for f in plan.facts if f.subject == param}
            rows = [self.index.get(entity.name, k) for k in keys]
            for rank, field in enumerate(describable_fields(self.env, entity)):
                if field.name in stated or row.get(field.name) is None:
                    continue
                left = sum(1 for r in rows if r is not None and r.get(field.name) == row[field.name])
                if left < len(keys) and (best is None or (left, rank) < best[:2]):
                    best = (left, rank, param, Fact(param, field.name, row[field.name]))
        if best is None:
            return False
        plan.resolutions[best[2]].selection.append(best[3])
        self.stats["refined"] += 1
        return True

    def _minimize(self, plan: TurnPlan, touched) -> None:
        for resolution in plan.resolutions.values():
            for fact in list(reversed(resolution.selection)):
                resolution.selection.remove(fact)
                states, _ = self.goal_states(plan, touched)
                if len(states) == 1:
                    self.stats["minimized"] += 1
                else:
                    resolution.selection.append(fact)
