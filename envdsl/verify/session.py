"""One environment under test, and the checks made after every call.

A `Session` holds the runtime being verified, a *shadow* runtime and the
`Oracle`. `step(tool, arguments)` makes one call and returns the findings it
shows; the hypothesis state machine (`machine.py`), the shrinker and
`envdsl replay` all go through `step`, so a call sequence shows the same
findings however it is run. After each call:

- the result is a success or one of the tool's declared errors (or
  `InvalidArguments` for a deliberately invalid call, and only then);
- a failed call left the state hash as it was (atomicity), and so did a tool
  without write effects; hashes are full rescans, and the runtime's
  incremental hash must agree with them;
- a result conforms to the declared return type and serializes to JSON;
- the same call from the same state, made again by the shadow, gives the
  same result and state hash. The shadow's SQLite connection reads unordered
  rows in reverse (`PRAGMA reverse_unordered_selects`), so a result that
  depends on the order rows happen to be stored in shows up here;
- the oracle re-evaluates field checks, references and invariants over what
  the call may have written, with the reference interpreter.

It also counts outcomes per tool and which `require` stopped each failed
call, for the report and for naming the requires that kept a tool dead.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from envdsl.ir import nodes as ir
from envdsl.runtime import Environment
from envdsl.runtime.compiled import CompiledEnv
from envdsl.runtime.environment import ToolResult
from envdsl.verify.findings import Call, Finding
from envdsl.verify.oracle import Oracle
from envdsl.verify.values import conforms, to_json_text

INVALID = "InvalidArguments"


@dataclass
class ToolStats:
    calls: int = 0
    ok: int = 0
    invalid_calls: int = 0  # deliberately invalid arguments
    errors: Counter = field(default_factory=Counter)  # error code -> count
    stopped_at: Counter = field(default_factory=Counter)  # require index (or "param:<name>") -> count

    def to_json(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "ok": self.ok,
            "invalid_calls": self.invalid_calls,
            "errors": dict(sorted(self.errors.items())),
            "stopped_at": {str(k): v for k, v in sorted(self.stopped_at.items(), key=lambda kv: str(kv[0]))},
        }


def requires_of(tool: ir.Tool) -> list[ir.Require]:
    """The tool's `require`s in source order, nested ones included."""
    found: list[ir.Require] = []

    def walk(stmts: tuple[ir.Stmt, ...]) -> None:
        for stmt in stmts:
            if isinstance(stmt, ir.Require):
                found.append(stmt)
            elif isinstance(stmt, ir.If):
                walk(stmt.then)
                walk(stmt.orelse)
            elif isinstance(stmt, ir.For):
                walk(stmt.body)

    walk(tool.body)
    return found


def _message_pattern(require: ir.Require) -> re.Pattern[str] | None:
    if not require.message:
        return None
    parts = [re.escape(p) if isinstance(p, str) else "(?s:.*?)" for p in require.message]
    return re.compile("".join(parts) + r"\Z", re.S)


class RequireIndex:
    """Which `require` (or entity-parameter lookup) raised a given failure."""

    def __init__(self, tool: ir.Tool) -> None:
        self.requires = requires_of(tool)
        self._patterns = [_message_pattern(r) for r in self.requires]
        self._entity_params = [p.name for p in tool.params if _is_entity(p.type)]

    def which(self, code: str, message: str) -> int | str | None:
        candidates = [i for i, r in enumerate(self.requires) if r.error == code]
        if code == "NotFound" and message.startswith("no ") and self._entity_params:
            # The runtime's lookup message: "no <Entity> has <key> <value>".
            return "lookup"
        if len(candidates) == 1:
            return candidates[0]
        matching = [i for i in candidates if self._patterns[i] is not None and self._patterns[i].match(message)]
        if len(matching) == 1:
            return matching[0]
        return matching[0] if matching else (candidates[0] if candidates else None)


def _is_entity(type_: Any) -> bool:
    from envdsl.ir import types as t

    inner = t.strip_optional(type_)
    if isinstance(inner, t.ListT):
        inner = t.strip_optional(inner.inner)
    return isinstance(inner, t.EntityT)


@dataclass
class StepOutcome:
    result: ToolResult
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return self.result.ok


class Session:
    def __init__(self, compiled: CompiledEnv, *, determinism: bool = True) -> None:
        self.compiled = compiled
        self.env: ir.Env = compiled.env
        self.runtime = Environment(compiled)
        self.shadow: Environment | None = None
        if determinism:
            self.shadow = Environment(compiled)
            db = getattr(self.shadow.backend, "db", None)
            if db is not None and self.shadow.backend.name == "sqlite":
                db.execute("PRAGMA reverse_unordered_selects = ON")
        self.oracle = Oracle(self.runtime)
        self._seeded = self.oracle.copy_rows()
        self.tools = {tool.name: tool for tool in self.env.tools}
        self.requires = {tool.name: RequireIndex(tool) for tool in self.env.tools}
        self.stats = {tool.name: ToolStats() for tool in self.env.tools}
        self.calls: list[Call] = []
        # Where a step's time goes (runtime, hashing, checks, determinism, oracle), for `bench/verify.py`.
        self.seconds: Counter = Counter()
        self.seed_findings = self.oracle.check_everything()
        self._seeded_hash = self._hash = self.runtime.state_hash(full=True)

    # ------------------------------------------------------------ episodes

    def reset(self) -> None:
        self.runtime.reset()
        self.oracle.set_rows(self._seeded)
        self._hash = self._seeded_hash
        self.calls = []

    # ------------------------------------------------------------ one call

    def step(self, tool_name: str, arguments: dict[str, Any], *, invalid: bool = False) -> StepOutcome:
        call: Call = {"tool": tool_name, "arguments": arguments}
        if invalid:
            call["invalid"] = True
        self.calls.append(call)
        tool = self.tools[tool_name]
        stats = self.stats[tool_name]
        stats.calls += 1
        stats.invalid_calls += invalid
        runtime = self.runtime
        # Hashes by full rescan, not the runtime's incremental hash: that one trusts the generated
        # code to say which rows it wrote, and the verifier trusts nothing it can check.
        before_hash = self._hash
        clock = time.perf_counter()
        before = runtime.snapshot() if self.shadow is not None else None
        writes_before = _writes(runtime)
        result = runtime.call(tool_name, arguments)
        tick = time.perf_counter()
        self.seconds["runtime"] += tick - clock
        if writes_before is None or _writes(runtime) != writes_before:
            after_hash = self._hash = runtime.state_hash(full=True)
        else:
            after_hash = before_hash  # SQLite counted no row written, not even one rolled back
        clock = time.perf_counter()
        self.seconds["hashing"] += clock - tick
        findings: list[Finding] = []

        def found(kind: str, message: str, span: Any = None, **extra: Any) -> None:
            findings.append(
                Finding(kind, message, tool=tool_name, span=span or tool.span, calls=list(self.calls), **extra)
            )

        if result.ok:
            stats.ok += 1
            if invalid:
                found("invalid-arguments-accepted", f"`{tool_name}` accepted invalid arguments {_short(arguments)}")
            problem = conforms(result.value, tool.returns, self.env)
            if problem is not None:
                found("return-type-mismatch", f"`{tool_name}` returned a value that does not match its type: {problem}")
            if to_json_text(result.value) is None:
                found("result-not-json", f"the result of `{tool_name}` does not serialize to JSON")
            if not tool.effects.written_entities and after_hash != before_hash:
                found("read-only-tool-changed-state", f"`{tool_name}` writes nothing, yet the state changed")
        else:
            code = result.error or "?"
            stats.errors[code] += 1
            if code == INVALID:
                if not invalid:
                    found("valid-arguments-rejected", f"`{tool_name}` rejected valid arguments: {result.message}")
            elif invalid:
                found(
                    "invalid-arguments-accepted",
                    f"`{tool_name}` did not reject invalid arguments {_short(arguments)} "
                    f"with InvalidArguments (it failed with {code}: {result.message})",
                )
            elif code not in tool.raises:
                found(
                    "undeclared-error",
                    f"`{tool_name}` failed with {code}, which it does not declare: {result.message}",
                    notes=(f"declared: {', '.join(tool.raises) or 'nothing'}",),
                )
            else:
                where = self.requires[tool_name].which(code, result.message or "")
                if where is not None:
                    stats.stopped_at[where] += 1
            if after_hash != before_hash:
                found("failed-call-changed-state", f"`{tool_name}` failed with {code}, yet the state changed")

        if runtime.state_hash() != after_hash:
            found(
                "state-hash-drift",
                f"after `{tool_name}`, the runtime's incremental state hash differs from a full rescan",
            )

        tick = time.perf_counter()
        self.seconds["checks"] += tick - clock
        if self.shadow is not None and before is not None:
            self.shadow.restore(before)
            shadow_writes = _writes(self.shadow)
            again = self.shadow.call(tool_name, arguments)
            wrote = shadow_writes is None or _writes(self.shadow) != shadow_writes
            again_hash = self.shadow.state_hash(full=True) if wrote else before_hash
            if again.to_json() != result.to_json() or again_hash != after_hash:
                what = "result" if again.to_json() != result.to_json() else "state"
                found(
                    "nondeterministic",
                    f"`{tool_name}` gave a different {what} when the same call was made again from the same state "
                    "(with unordered rows read in another order)",
                    notes=(f"first: {_short(result.to_json())}", f"again: {_short(again.to_json())}"),
                )

        clock = time.perf_counter()
        self.seconds["determinism"] += clock - tick
        if result.ok and tool.effects.written_entities:
            for finding in self.oracle.after_write(tool.effects.written_entities):
                finding.tool = tool_name
                finding.calls = list(self.calls)
                findings.append(finding)
        elif after_hash != before_hash:
            # An unexpected write (already a finding above): keep the oracle's rows true to the store.
            self.oracle.after_write(e.name for e in self.env.entities)
        self.seconds["oracle"] += time.perf_counter() - clock
        return StepOutcome(result, findings)

    def close(self) -> None:
        self.runtime.close()
        if self.shadow is not None:
            self.shadow.close()


def _writes(runtime: Environment) -> int | None:
    """SQLite's count of rows inserted, updated or deleted on this connection (None: not SQLite).
    It counts every write the store made, declared or not, so an unchanged count proves an
    unchanged state without rescanning it."""
    db = getattr(runtime.backend, "db", None)
    return db.total_changes if runtime.backend.name == "sqlite" and db is not None else None


def _short(value: Any, limit: int = 160) -> str:
    import json

    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
