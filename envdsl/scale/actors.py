"""Compiled environments held in a Ray actor: rollout workers for RL.

Rule: an actor is one rollout slot. It loads its environments once (the slow
part: parsing the spec and its seed) and then serves episodes: `reset`, `call`,
`state_hash`, `state_diff`, or a whole `rollout` in one round trip. Run as
many actors as episodes you want in flight; nothing is shared between them.
Results cross the wire as plain JSON values (`ToolResult.to_json()`), so the
trainer side needs no envdsl classes.

`EnvironmentWorker` is the plain class (usable, and tested, without Ray);
`environment_actor()` wraps it with `ray.remote`.
"""

from __future__ import annotations

from typing import Any

from envdsl.runtime import Environment


class EnvironmentWorker:
    def __init__(self, paths: list[str]) -> None:
        self.envs: dict[str, Environment] = {}
        for path in paths:
            env = Environment.load(path)
            if env.name in self.envs:
                raise ValueError(f"two environments are both named `{env.name}`")
            self.envs[env.name] = env

    def _env(self, name: str | None) -> Environment:
        if name is None and len(self.envs) == 1:
            return next(iter(self.envs.values()))
        if name not in self.envs:
            raise KeyError(f"no environment `{name}` in this worker; it holds {', '.join(self.envs)}")
        return self.envs[name]

    def names(self) -> list[str]:
        return list(self.envs)

    def tool_schemas(self, env: str | None = None) -> list[dict[str, Any]]:
        """The OpenAI function-calling schemas (tools.json), to put in the model's prompt."""
        return self._env(env).tool_schemas

    def reset(self, env: str | None = None) -> str:
        """Back to the seeded state; returns the state hash."""
        target = self._env(env)
        target.reset()
        return target.state_hash()

    def call(self, tool: str, arguments: Any = None, env: str | None = None) -> dict[str, Any]:
        """One tool call: `{"ok": true, "value": …}` or `{"ok": false, "error": …, "message": …}`."""
        return self._env(env).call(tool, arguments).to_json()

    def state_hash(self, env: str | None = None) -> str:
        return self._env(env).state_hash()

    def state_diff(self, env: str | None = None) -> dict[str, Any]:
        """What changed since the seeded state (rows added, removed, changed)."""
        return self._env(env).state_diff()

    def rollout(self, calls: list[tuple[str, Any]], env: str | None = None, reset: bool = True) -> dict[str, Any]:
        """Replay a whole episode in one round trip: every result and the final state hash."""
        target = self._env(env)
        if reset:
            target.reset()
        results = [target.call(tool, arguments).to_json() for tool, arguments in calls]
        return {"results": results, "state_hash": target.state_hash()}


def environment_actor(num_cpus: float = 1, **options: Any):
    """The Ray actor class: `environment_actor().remote(["compiled/travel/airline"])`."""
    from envdsl.scale.ray_env import import_ray

    ray = import_ray()
    return ray.remote(num_cpus=num_cpus, **options)(EnvironmentWorker)
