"""`Environment`: a compiled environment, live on a store, called by tool name.

    env = Environment.load("compiled/travel/airline")      # or a .envdsl spec
    result = env.call("book", {"user": "u1", "flight": "UA100"})
    result.ok, result.value, result.error, result.message
    env.state_hash(); env.state_diff(other); s = env.snapshot(); env.restore(s); env.reset()

Calls never raise for anything a caller can do wrong: an unknown tool or bad
arguments give an `InvalidArguments` result, a failed `require` its declared
error, a broken constraint `ConstraintViolated`, division by zero
`EvaluationError`. Every call that may write runs inside a savepoint and is
rolled back whole when it fails, so the state is byte-for-byte as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envdsl.runtime import compiled as compiled_mod
from envdsl.runtime.arguments import validator
from envdsl.runtime.compiled import CompiledEnv, LoadError
from envdsl.runtime.state import IncrementalHash, finish, table_digests
from envdsl.runtime.support import EvaluationError, Fail

BACKENDS = ("sqlite", "duckdb", "postgres")


@dataclass(frozen=True, slots=True)
class ToolResult:
    ok: bool
    value: Any = None
    error: str | None = None
    message: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.ok:
            return {"ok": True, "value": self.value}
        return {"ok": False, "error": self.error, "message": self.message}

    def __str__(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)


@dataclass(frozen=True)
class Snapshot:
    backend: str
    data: Any
    hash_state: tuple[dict, int]


def _make_backend(compiled: CompiledEnv, backend: str, options: dict[str, Any]):
    if backend == "sqlite":
        from envdsl.runtime.backends import SQLiteBackend

        return SQLiteBackend(compiled)
    if backend == "duckdb":
        from envdsl.runtime.backend_duckdb import DuckDBBackend

        if options:
            raise LoadError(f"the duckdb backend takes no options (got {', '.join(sorted(options))})")
        return DuckDBBackend(compiled)
    if backend == "postgres":
        from envdsl.runtime.backend_postgres import PostgresBackend

        unknown = sorted(set(options) - {"dsn"})
        if unknown:
            raise LoadError(f"the postgres backend takes only `dsn` (got {', '.join(unknown)})")
        return PostgresBackend(compiled, options.get("dsn"))
    raise LoadError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")


class Environment:
    def __init__(self, compiled: CompiledEnv, backend: str = "sqlite", **options: Any) -> None:
        self.compiled = compiled
        self.env = compiled.env
        self.backend = _make_backend(compiled, backend, options)
        module = self.backend.module if hasattr(self.backend, "module") else compiled.module
        tool_class = getattr(module, compiled.tool_class.__name__)
        self.tools = tool_class(self.backend.db)
        self._dirty: set = self.tools._dirty
        # Where a failed statement spoils the open transaction (PostgreSQL), reads run in a savepoint too.
        self._writes = frozenset(tool_class.TOOLS) if getattr(self.backend, "guard_reads", False) else tool_class.WRITES
        self._validators = {name: validator(name, params) for name, params in tool_class.TOOLS.items()}
        self._methods = {name: getattr(self.tools, name) for name in tool_class.TOOLS}
        self._clock = self.env.clock.isoformat()
        base = compiled.images.get(f"hash:{backend}")
        if base is None:
            base = compiled.images[f"hash:{backend}"] = self._full_digests()
        self._hash = IncrementalHash(*base)
        # Verifier hook: the `Fail` of the latest call that failed with a
        # declared error, traceback included, so `envdsl.verify` can tell which
        # `require` failed. Reset at the start of every call.
        self.last_failure: Fail | None = None

    @classmethod
    def load(cls, path: str | Path, backend: str = "sqlite", **options: Any) -> Environment:
        """From `compiled/<domain>/<env>/` or from a `.envdsl` spec (compiled in memory)."""
        return cls(compiled_mod.load(Path(path)), backend, **options)

    def clone(self) -> Environment:
        """Another instance in the seeded state, sharing the compiled code and seeded image."""
        return Environment(self.compiled, self.backend.name, **getattr(self.backend, "options", {}))

    @property
    def name(self) -> str:
        return self.env.name

    @property
    def tool_names(self) -> list[str]:
        return list(self._methods)

    @property
    def tool_schemas(self) -> list[dict[str, Any]]:
        return self.compiled.tool_schemas

    # ------------------------------------------------------------ calls

    def call(self, tool: str, arguments: Any = None) -> ToolResult:
        self.last_failure = None
        validate = self._validators.get(tool)
        if validate is None:
            import difflib

            close = difflib.get_close_matches(str(tool), list(self._methods), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            return ToolResult(False, None, "InvalidArguments", f"no tool named `{tool}`{hint}")
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments)
            except ValueError as error:
                return ToolResult(False, None, "InvalidArguments", f"arguments of `{tool}` are not valid JSON: {error}")
        kwargs, problem = validate(arguments)
        if kwargs is None:
            return ToolResult(False, None, "InvalidArguments", problem)
        method = self._methods[tool]
        if tool not in self._writes:
            try:
                return ToolResult(True, method(**kwargs))
            except Fail as failure:
                self.last_failure = failure
                return ToolResult(False, None, failure.code, failure.message)
            except Exception as error:  # noqa: BLE001 - turned into a result, see below
                return self._failure(error)
        backend = self.backend
        backend.begin()
        try:
            value = method(**kwargs)
        except Fail as failure:
            backend.rollback()
            self.last_failure = failure
            return ToolResult(False, None, failure.code, failure.message)
        except Exception as error:  # noqa: BLE001
            backend.rollback()
            return self._failure(error)
        backend.commit()
        return ToolResult(True, value)

    def _failure(self, error: Exception) -> ToolResult:
        if isinstance(error, EvaluationError):
            return ToolResult(False, None, "EvaluationError", str(error))
        if isinstance(error, self.backend.integrity_errors):
            return ToolResult(False, None, "ConstraintViolated", f"the call would break a constraint: {error}")
        if isinstance(error, self.backend.evaluation_errors):
            cause = error.__cause__ or error.__context__
            if isinstance(cause, EvaluationError) or "user-defined function raised exception" in str(error):
                return ToolResult(False, None, "EvaluationError", "division by zero")
            return ToolResult(False, None, "EvaluationError", str(error))
        # A bug in envdsl, not the caller's fault: report it as a result, never raise.
        return ToolResult(False, None, "InternalError", f"{type(error).__name__}: {error}")

    # ------------------------------------------------------------ state

    def reset(self) -> None:
        """Back to the seeded state."""
        self.backend.reset()
        self._dirty.clear()
        self._hash.reset()

    def snapshot(self) -> Snapshot:
        return Snapshot(self.backend.name, self.backend.snapshot(), self._folded().copy_state())

    def restore(self, snapshot: Snapshot) -> None:
        self.backend.restore(snapshot.data)
        self._dirty.clear()
        self._hash.set_state(snapshot.hash_state)

    def _fetch(self, entity: str, key: Any) -> tuple | None:
        table = self.compiled.tables[entity]
        row = self.backend.db.execute(table.select_one, (key,)).fetchone()
        return tuple(row) if row is not None else None

    def _folded(self) -> IncrementalHash:
        if self._dirty:
            self._hash.fold(self._dirty, self._fetch)
        return self._hash

    def state_hash(self, *, full: bool = False) -> str:
        """A digest of the whole state; `full=True` rescans every table (the test oracle)."""
        if full:
            _, combined = self._full_digests()
            return finish(combined, self._clock)
        return finish(self._folded().combined, self._clock)

    def _table_rows(self, entity: str) -> list[tuple]:
        return [tuple(r) for r in self.backend.db.execute(self.compiled.tables[entity].select_all).fetchall()]

    def _full_digests(self) -> tuple[dict, int]:
        base: dict = {}
        total = 0
        for name, table in self.compiled.tables.items():
            for key, digest in table_digests(name, self._table_rows(name), table.key_index).items():
                base[(name, key)] = digest
                total += digest
        return base, total & ((1 << 128) - 1)

    def rows(self, entity: str) -> list[dict[str, Any]]:
        """Every row of an entity, in key order, as JSON values."""
        convert = getattr(self.compiled.module, f"_out_{entity}")
        return [convert(row) for row in self._table_rows(entity)]

    def state_diff(self, other: Environment | None = None) -> dict[str, dict[str, list]]:
        """Rows added, removed and changed from this state to `other` (default:
        from the seeded state to this one), per entity, keys in order."""
        if other is None:
            before_hash, after_hash = None, self._folded()
            candidates = set(after_hash.overlay)
            before_rows = self._seed_lookup
            after_rows = self._fetch
        else:
            mine, theirs = self._folded(), other._folded()
            if mine.base is theirs.base:
                candidates = set(mine.overlay) | set(theirs.overlay)
            else:
                candidates = set(mine.base) | set(theirs.base) | set(mine.overlay) | set(theirs.overlay)
            before_hash, after_hash = mine, theirs
            before_rows, after_rows = self._fetch, other._fetch
        diff: dict[str, dict[str, list]] = {}
        for entity, key in sorted(candidates, key=lambda item: (item[0], _sort_key(item[1]))):
            if before_hash is not None and before_hash.current((entity, key)) == after_hash.current((entity, key)):
                continue
            old, new = before_rows(entity, key), after_rows(entity, key)
            if old == new:
                continue
            convert = getattr(self.compiled.module, f"_out_{entity}")
            slot = diff.setdefault(entity, {"added": [], "removed": [], "changed": []})
            if old is None:
                slot["added"].append(convert(new))
            elif new is None:
                slot["removed"].append(convert(old))
            else:
                a, b = convert(old), convert(new)
                fields = {name: [a[name], b[name]] for name in a if a[name] != b[name]}
                slot["changed"].append({"key": key, "fields": fields})
        return diff

    def _seed_lookup(self, entity: str, key: Any) -> tuple | None:
        index = self.compiled.images.get(f"seed-index:{entity}")
        if index is None:
            table = self.compiled.tables[entity]
            index = self.compiled.images[f"seed-index:{entity}"] = {r[table.key_index]: r for r in self.compiled.seed_rows[entity]}
        return index.get(key)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Environment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sort_key(key: Any) -> tuple:
    return (0, key, "") if isinstance(key, int) else (1, 0, str(key))



