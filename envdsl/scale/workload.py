"""A seeded random episode on a compiled environment: the same work wherever it runs.

Rule: an episode is a pure function of (environment, seed, number of calls).
Tool names and arguments are drawn with `random.Random(f"{env}:{seed}")` (string
seeds hash the same in every process) from the environment's checked IR: keys
of live rows for entity parameters (now and then a key that does not exist),
enum values, values seen in the seed for strings, small numbers, dates around
the environment's clock. Calls that fail with declared errors are part of the
episode, as they are in a real rollout.

`run_episodes(shard)` is what `map_shards` runs for the benchmark and the tests:
one shard per environment, several episodes each, with one `Environment`
loaded per process and reused (loading parses the spec and its seed).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass
from typing import Any

from envdsl.ir import types as t
from envdsl.runtime import Environment


@dataclass(frozen=True)
class EpisodeShard:
    env: str  # a compiled folder (or a .envdsl spec)
    seeds: tuple[int, ...]
    calls: int


@functools.lru_cache(maxsize=32)
def cached_environment(path: str) -> Environment:
    """One loaded environment per path per process (workers keep theirs between shards)."""
    return Environment.load(path)


class ArgumentDrawer:
    """Draws arguments for a tool from its IR parameter types and the live state."""

    def __init__(self, env: Environment, rng: random.Random) -> None:
        self.env = env
        self.rng = rng
        self.clock = env.env.clock
        self._keys: dict[str, list[Any]] = {}
        self._strings = self._seed_strings()

    def _seed_strings(self) -> list[str]:
        seen: dict[str, None] = {}
        for entity in self.env.env.entities:
            for row in self.env.rows(entity.name):
                for value in row.values():
                    if isinstance(value, str) and 0 < len(value) <= 40:
                        seen.setdefault(value, None)
        return sorted(seen) or ["x"]

    def state_changed(self) -> None:
        self._keys.clear()

    def keys(self, entity: str) -> list[Any]:
        keys = self._keys.get(entity)
        if keys is None:
            key = self.env.env.entity(entity).key
            keys = self._keys[entity] = [row[key] for row in self.env.rows(entity)]
        return keys

    def value(self, type_: t.Type) -> Any:
        rng = self.rng
        if isinstance(type_, t.OptionalT):
            return None if rng.random() < 0.2 else self.value(type_.inner)
        if isinstance(type_, t.EntityT):
            keys = self.keys(type_.name)
            if keys and rng.random() < 0.9:
                return rng.choice(keys)
            return 999_999 if keys and isinstance(keys[0], int) else "no-such-key"
        if isinstance(type_, t.EnumT):
            return rng.choice(type_.values)
        if isinstance(type_, t.ListT):
            return [self.value(type_.inner) for _ in range(rng.randint(0, 2))]
        if isinstance(type_, t.RecordT):
            return {name: self.value(inner) for name, inner in type_.fields}
        if isinstance(type_, t.Scalar):
            return self._scalar(type_.kind)
        return None

    def _scalar(self, kind: str) -> Any:
        rng = self.rng
        if kind == "str":
            text = rng.choice(self._strings)
            if rng.random() < 0.3 and len(text) > 3:  # a fragment: what a search query looks like
                start = rng.randrange(len(text) - 3)
                text = text[start : start + rng.randint(3, 6)].lower()
            return text
        if kind == "int":
            return rng.randint(-1, 5)
        if kind in ("float", "money"):
            return round(rng.uniform(0, 600), 2)
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "date":
            return (self.clock.date() + dt.timedelta(days=rng.randint(-10, 60))).isoformat()
        if kind == "datetime":
            return (self.clock + dt.timedelta(hours=rng.randint(-48, 24 * 60))).isoformat()
        return rng.randint(0, 3600)  # duration, in seconds

    def arguments(self, tool: str) -> dict[str, Any]:
        ir_tool = self.env.env.tool(tool)
        assert ir_tool is not None
        out: dict[str, Any] = {}
        for param in ir_tool.params:
            if param.default is not None and self.rng.random() < 0.3:
                continue  # leave it to the default
            out[param.name] = self.value(param.type)
        return out


def episode(env: Environment, seed: int, calls: int) -> dict[str, Any]:
    """Reset, then `calls` random calls; every call, its result and the final state hash."""
    env.reset()
    rng = random.Random(f"{env.name}:{seed}")
    drawer = ArgumentDrawer(env, rng)
    writes = env.compiled.tool_class.WRITES
    tools = sorted(env.tool_names)
    trace = []
    for _ in range(calls):
        tool = rng.choice(tools)
        arguments = drawer.arguments(tool)
        result = env.call(tool, arguments)
        if result.ok and tool in writes:
            drawer.state_changed()
        trace.append({"tool": tool, "arguments": arguments, **result.to_json()})
    return {"env": env.name, "seed": seed, "trace": trace, "state_hash": env.state_hash()}


def run_episodes(shard: EpisodeShard) -> list[dict[str, Any]]:
    env = cached_environment(shard.env)
    return [episode(env, seed, shard.calls) for seed in shard.seeds]
