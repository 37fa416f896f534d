"""The DuckDB backend: the generated statements on an in-process DuckDB
database, one in-memory database per `Environment` (so instances are
isolated by construction).

Rules:
- Foreign keys are checked here, not by DuckDB. DuckDB's own foreign keys
  refuse legal sequences that SQLite and PostgreSQL accept (deleting a child
  and then its parent in one transaction; updating a unique column of a
  referenced row), so the tables are created without them and every write
  is followed by the checks SQLite makes at the end of a statement: an
  inserted or updated reference must exist, a deleted row must not be
  referenced. Generated writes always name the row by key and bind every
  value, so the checks are point lookups.
- DuckDB has no savepoints: a call that may write runs in its own
  transaction (`BEGIN` … `COMMIT`/`ROLLBACK`); reads run in autocommit.
- The seed is loaded once per instance, then copied inside the database
  (schema `envdsl_seed`). The connection notes the key of every row a
  write names (generated writes name rows by key), and `reset()` puts back
  just those rows from the copy: two statements per written table, however
  large the seed. A write it cannot attribute to keys (none today) makes
  `reset()` reload that whole table.
- Constraint errors are reworded as SQLite words them (DuckDB forgets
  constraint names, so CHECK texts are mapped back to the names in the DDL).
"""

from __future__ import annotations

import re
from typing import Any

import sqlglot
from sqlglot import exp

from envdsl.emit.sql import SEQ_TABLE, emit_schema, q
from envdsl.runtime.backends import ConstraintViolation, foreign_keys
from envdsl.runtime.compiled import CompiledEnv, LoadError
from envdsl.runtime.dialects import Statement, Translator
from envdsl.runtime.support import EvaluationError

SEED_SCHEMA = "envdsl_seed"
_ZERO_MESSAGE = "envdsl: division by zero"
_INSERT_BATCH = 200  # rows per INSERT … VALUES statement when loading from Python

_CHECK_FAILED = re.compile(
    r'CHECK constraint failed on table "?(?P<table>[^" ]+)"? with expression (?P<text>.*)$', re.S
)
_DUPLICATE = re.compile(r'Duplicate key "(?P<cols>[^"]*)" violates (primary key|unique) constraint')
_NOT_NULL = re.compile(r"NOT NULL constraint failed: (?P<where>\S+)")


def _import_duckdb():
    try:
        import duckdb
    except ImportError:
        raise LoadError("the duckdb backend needs the duckdb package: pip install 'envdsl[duckdb]'") from None
    return duckdb


def duckdb_schema(compiled: CompiledEnv) -> tuple[list[str], dict[str, list[str]]]:
    """The DuckDB DDL without foreign keys (checked by the backend), and each
    table's CHECK constraint names in declaration order."""
    statements, checks = [], {}
    for text in sqlglot.transpile(emit_schema(compiled.env, "duckdb"), read="duckdb", write="duckdb"):
        tree = sqlglot.parse_one(text, read="duckdb")
        for fk in list(tree.find_all(exp.ForeignKey)):
            fk.pop()
        if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
            names = []
            for node in tree.this.expressions:
                if isinstance(node, exp.Constraint) and any(
                    isinstance(k, exp.CheckColumnConstraint) for k in node.expressions
                ):
                    names.append(node.name)
            checks[tree.this.this.name] = names
        statements.append(tree.sql(dialect="duckdb"))
    return statements, checks


class _Rows:
    """A result read in full before the backend ran its own checks on the connection."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[tuple]) -> None:
        self._rows = rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple]:
        return self._rows


class _Connection:
    """What generated code sees as `db`: `execute(sqlite_sql, params)` runs the
    translation, then the foreign-key checks of a write."""

    def __init__(self, backend: DuckDBBackend, translator: Translator, duckdb: Any) -> None:
        self._conn = backend.conn
        self._get = translator.get
        self._errors = duckdb.Error
        self._backend = backend
        self._plans: dict[str, list[tuple[str, int, bool]]] = backend.compiled.images.setdefault("fk-plans:duckdb", {})
        self._parents = {(t, c): (pt, pk) for t, c, pt, pk in foreign_keys(backend.compiled)}
        self._children: dict[str, list[tuple[str, str]]] = {}
        for t, c, pt, _ in foreign_keys(backend.compiled):
            self._children.setdefault(pt, []).append((t, c))
        # table -> keys of the rows written since the last reset (None: the whole table)
        self.written: dict[str, set[Any] | None] = {}
        self._keys = {name: table.key for name, table in backend.compiled.tables.items()}
        self._keys[SEQ_TABLE] = "entity"

    def execute(self, sql: str, params: Any = ()) -> Any:
        statement = self._get(sql)
        try:
            result = self._conn.execute(statement.sql, params)
        except self._errors as error:
            raise self._reworded(error, statement) from error
        if statement.table is None:
            return result
        self._note(statement, params)
        checks = self._plans.get(sql)
        if checks is None:
            checks = self._plans[sql] = self._plan(statement)
        if not checks:
            return result
        rows = result.fetchall() if statement.returns_rows else []
        for check, index, must_exist in checks:
            value = params[index]
            if value is None:
                continue
            if (self._conn.execute(check, (value,)).fetchone() is not None) != must_exist:
                raise ConstraintViolation("FOREIGN KEY constraint failed")
        return _Rows(rows)

    def _note(self, statement: Statement, params: Any) -> None:
        """Remember which rows of which table a write named, for `reset()`."""
        table = statement.table
        if table in self.written and self.written[table] is None:
            return  # the whole table is reloaded anyway
        key = self._keys.get(table)
        if statement.kind == "insert":
            index = next((i for column, i in statement.assigned if column == key), None)
        else:
            index = statement.key_param if statement.key_column == key else None
        if index is None:
            self.written[table] = None
        else:
            self.written.setdefault(table, set()).add(params[index])  # type: ignore[union-attr]

    def _plan(self, statement: Statement) -> list[tuple[str, int, bool]]:
        """(point query, parameter index, whether a row must be found): the
        checks that follow a write; see the module docstring."""
        checks = []
        if statement.kind in ("insert", "update"):
            for column, index in statement.assigned:
                parent = self._parents.get((statement.table, column))
                if parent is not None:
                    checks.append((f"SELECT 1 FROM {q(parent[0])} WHERE {q(parent[1])} = $1", index, True))
        if statement.kind == "delete" and statement.key_param is not None:
            for table, column in self._children.get(statement.table or "", []):
                checks.append((f"SELECT 1 FROM {q(table)} WHERE {q(column)} = $1 LIMIT 1", statement.key_param, False))
        return checks

    def _reworded(self, error: Exception, statement: Statement) -> Exception:
        text = str(error)
        if _ZERO_MESSAGE in text:
            return EvaluationError("division by zero")
        if not isinstance(error, self._backend.duckdb.ConstraintException):
            return error
        message = text.split("Constraint Error: ", 1)[-1].strip()
        found = _CHECK_FAILED.search(message)
        if found:
            name = self._backend.check_names.get((found.group("table"), found.group("text").strip()))
            return ConstraintViolation(f"CHECK constraint failed: {name or found.group('text').strip()}")
        found = _DUPLICATE.search(message)
        if found:
            cols = [part.split(": ", 1)[0] for part in found.group("cols").split(", ")]
            return ConstraintViolation("UNIQUE constraint failed: " + ", ".join(f"{statement.table}.{c}" for c in cols))
        found = _NOT_NULL.search(message)
        if found:
            return ConstraintViolation(f"NOT NULL constraint failed: {found.group('where')}")
        return ConstraintViolation(message)


class DuckDBBackend:
    name = "duckdb"
    savepoint = False

    def __init__(self, compiled: CompiledEnv) -> None:
        duckdb = _import_duckdb()
        self.duckdb = duckdb
        self.compiled = compiled
        self.options: dict[str, Any] = {}
        self.conn = duckdb.connect(":memory:")
        self._tables = [*compiled.tables, SEQ_TABLE]
        self._columns = {name: table.columns for name, table in compiled.tables.items()}
        self._columns[SEQ_TABLE] = ("entity", "next")
        ddl = compiled.images.get("ddl:duckdb")
        if ddl is None:
            ddl = compiled.images["ddl:duckdb"] = duckdb_schema(compiled)
        statements, names = ddl
        for statement in statements:
            self.conn.execute(statement)
        self.conn.execute(f"CREATE MACRO envdsl_nonzero(x) AS CASE WHEN x = 0 THEN error('{_ZERO_MESSAGE}') ELSE x END")
        self.check_names = self._check_names(names)
        rows = dict(compiled.seed_rows)
        rows[SEQ_TABLE] = sorted(compiled.sequences.items())
        self._load(rows)
        self.conn.execute(f"CREATE SCHEMA {SEED_SCHEMA}")
        for name in self._tables:
            self.conn.execute(f"CREATE TABLE {SEED_SCHEMA}.{q(name)} AS SELECT * FROM main.{q(name)}")
        translator = compiled.images.get("translator:duckdb")
        if translator is None:
            translator = compiled.images["translator:duckdb"] = Translator("duckdb")
        self.db = _Connection(self, translator, duckdb)
        self.integrity_errors: tuple[type[BaseException], ...] = (ConstraintViolation,)
        self.evaluation_errors: tuple[type[BaseException], ...] = (
            duckdb.ConversionException,
            duckdb.OutOfRangeException,
            duckdb.InvalidInputException,
        )

    def _check_names(self, names: dict[str, list[str]]) -> dict[tuple[str, str], str]:
        rows = self.conn.execute(
            "SELECT table_name, constraint_text FROM duckdb_constraints() "
            "WHERE constraint_type = 'CHECK' AND schema_name = 'main' ORDER BY table_name, constraint_index"
        ).fetchall()
        out: dict[tuple[str, str], str] = {}
        seen: dict[str, int] = {}
        for table, text in rows:
            index = seen[table] = seen.get(table, -1) + 1
            table_names = names.get(table, [])
            if index < len(table_names):
                out.setdefault((table, text), table_names[index])
        return out

    def _load(self, rows: dict[str, list[tuple]]) -> None:
        for name in self._tables:
            data = rows.get(name) or []
            cols = ", ".join(q(c) for c in self._columns[name])
            marks = "(" + ", ".join("?" for _ in self._columns[name]) + ")"
            for start in range(0, len(data), _INSERT_BATCH):
                batch = data[start : start + _INSERT_BATCH]
                values = ", ".join(marks for _ in batch)
                self.conn.execute(f"INSERT INTO {q(name)} ({cols}) VALUES {values}", [v for row in batch for v in row])

    # episode state ---------------------------------------------------------

    def reset(self) -> None:
        written = self.db.written
        if not written:
            return
        self.conn.execute("BEGIN TRANSACTION")
        for name in self._tables:
            if name not in written:
                continue
            keys = written[name]
            if keys is None:
                self.conn.execute(f"DELETE FROM {q(name)}")
                self.conn.execute(f"INSERT INTO {q(name)} SELECT * FROM {SEED_SCHEMA}.{q(name)}")
            elif keys:
                key = q(self.db._keys[name])
                chosen = f"{key} IN (SELECT UNNEST($1))"
                self.conn.execute(f"DELETE FROM {q(name)} WHERE {chosen}", [list(keys)])
                self.conn.execute(
                    f"INSERT INTO {q(name)} SELECT * FROM {SEED_SCHEMA}.{q(name)} WHERE {chosen}", [list(keys)]
                )
        self.conn.execute("COMMIT")
        written.clear()

    def begin(self) -> None:
        self.conn.execute("BEGIN TRANSACTION")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    def snapshot(self) -> dict[str, list[tuple]]:
        out = {}
        for name in self._tables:
            cols = ", ".join(q(c) for c in self._columns[name])
            out[name] = self.conn.execute(f"SELECT {cols} FROM {q(name)}").fetchall()
        return out

    def restore(self, snapshot: dict[str, list[tuple]]) -> None:
        self.conn.execute("BEGIN TRANSACTION")
        try:
            for name in self._tables:
                self.conn.execute(f"DELETE FROM {q(name)}")
            self._load(snapshot)
        except Exception:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        self.db.written.update(dict.fromkeys(self._tables))  # None: reload whole tables

    def close(self) -> None:
        self.conn.close()
