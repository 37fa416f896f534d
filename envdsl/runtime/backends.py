"""Stores the runtime runs on. Each backend gives the generated code a
connection whose `execute(sql, params)` returns a cursor with
`fetchone()`/`fetchall()`, plus reset, transactions and snapshots.

- SQLite (embedded default): an in-memory database; the seeded state is a
  serialized image built once per compiled environment, and `reset()` is
  `Connection.deserialize(image)`.
- DuckDB (`backend_duckdb.py`) and PostgreSQL (`backend_postgres.py`) run
  the same statements translated once each by `dialects.py`, and report
  what a caller can cause (a broken constraint, division by zero) with
  SQLite's words, so results are the same on every store.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from envdsl.emit.sql import SEQ_TABLE, emit_schema
from envdsl.runtime.compiled import CompiledEnv
from envdsl.runtime.support import EvaluationError


class ConstraintViolation(Exception):
    """A statement broke a constraint; the message is worded as SQLite words it."""


def foreign_keys(compiled: CompiledEnv) -> list[tuple[str, str, str, str]]:
    """(table, column, referenced table, its key) for every reference column."""
    from envdsl.ir import types as t

    env = compiled.env
    out = []
    for entity in env.entities:
        for f in entity.fields:
            base = t.strip_optional(f.type)
            if isinstance(base, t.EntityT):
                out.append((entity.name, f.name, base.name, env.entity(base.name).key))
    return out


def _nonzero(value: Any) -> Any:
    if value == 0:
        raise EvaluationError("division by zero")
    return value


class SQLiteBackend:
    name = "sqlite"
    savepoint = True

    def __init__(self, compiled: CompiledEnv) -> None:
        self.compiled = compiled
        image = compiled.images.get("sqlite")
        if image is None:
            image = compiled.images["sqlite"] = self._build_image(compiled)
        self.image: bytes = image
        self.db = self._connect()
        self.db.deserialize(self.image)
        self.integrity_errors: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)
        self.evaluation_errors: tuple[type[BaseException], ...] = (sqlite3.OperationalError, OverflowError, sqlite3.DataError)

    @staticmethod
    def _connect() -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False, cached_statements=512)
        db.create_function("envdsl_nonzero", 1, _nonzero, deterministic=True)
        db.execute("PRAGMA foreign_keys = ON")
        return db

    @classmethod
    def _build_image(cls, compiled: CompiledEnv) -> bytes:
        db = cls._connect()
        db.executescript(emit_schema(compiled.env, "sqlite"))
        db.execute("BEGIN")
        for name, table in compiled.tables.items():
            marks = ", ".join("?" for _ in table.columns)
            cols = ", ".join(f'"{c}"' for c in table.columns)
            db.executemany(f'INSERT INTO "{name}" ({cols}) VALUES ({marks})', compiled.seed_rows[name])
        db.executemany(f'INSERT INTO "{SEQ_TABLE}" ("entity", "next") VALUES (?, ?)', sorted(compiled.sequences.items()))
        db.execute("COMMIT")
        image = db.serialize()
        db.close()
        return image

    # episode state ---------------------------------------------------------

    def reset(self) -> None:
        self.db.deserialize(self.image)

    def begin(self) -> None:
        self.db.execute("SAVEPOINT envdsl_call")

    def commit(self) -> None:
        self.db.execute("RELEASE envdsl_call")

    def rollback(self) -> None:
        self.db.execute("ROLLBACK TO envdsl_call")
        self.db.execute("RELEASE envdsl_call")

    def snapshot(self) -> bytes:
        return self.db.serialize()

    def restore(self, snapshot: bytes) -> None:
        self.db.deserialize(snapshot)

    def close(self) -> None:
        self.db.close()
