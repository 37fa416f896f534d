"""The PostgreSQL backend: the generated statements on a server, one private
schema per `Environment`.

    Environment.load(path, backend="postgres", dsn="postgresql://user@127.0.0.1:5432/db")
    # or set ENVDSL_PG_DSN

Rules:
- Isolation: every instance creates its own schema (`envdsl_<env>_<random>`)
  on its own connection, and drops it on `close()` (or when garbage
  collected). Instances never see each other's rows.
- The seeded state is committed once, when the instance is created; an
  episode then runs inside one open transaction, and `reset()` is a
  `ROLLBACK` (plus `BEGIN`): one round trip, whatever the size of the seed.
  Reloading the tables instead (TRUNCATE + COPY, what `restore()` does) is
  far slower: see `bench/runtime.py --backends`.
- Every call runs in a savepoint, reads too (`guard_reads`): in PostgreSQL a
  failed statement spoils the whole transaction, so even a read that divides
  by zero must be rolled back to its savepoint.
- Values keep SQLite's representation: integers are bound as BIGINT (a
  Python int would otherwise be sent as the smallest type that holds it, and
  `? * 100` could overflow a SMALLINT), booleans as 0/1, text as TEXT.
- Constraint errors are reworded as SQLite words them.
"""

from __future__ import annotations

import os
import re
import secrets
import weakref
from typing import Any

from envdsl.emit.sql import SEQ_TABLE, emit_schema, q
from envdsl.runtime.backends import ConstraintViolation
from envdsl.runtime.compiled import CompiledEnv, LoadError
from envdsl.runtime.dialects import Translator
from envdsl.runtime.support import EvaluationError

DSN_VARIABLE = "ENVDSL_PG_DSN"

# VOLATILE: an IMMUTABLE function of a bound value is folded when the plan is
# made, so `x / 0` would fail even where SQLite evaluates it for no row at all.
_NONZERO = """
CREATE FUNCTION {schema}.envdsl_nonzero(x anyelement) RETURNS anyelement
LANGUAGE plpgsql VOLATILE COST 1 AS $body$
BEGIN
  IF x = 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'division_by_zero', MESSAGE = 'division by zero';
  END IF;
  RETURN x;
END
$body$
"""


def _import_psycopg():
    try:
        import psycopg
    except ImportError:
        raise LoadError(
            "the postgres backend needs the psycopg driver: pip install 'envdsl[postgres]' (psycopg[binary] 3)"
        ) from None
    return psycopg


def describe_dsn(dsn: str) -> str:
    """A DSN for messages: host, port, user and database, never the password."""
    try:
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(dsn)
    except Exception:  # noqa: BLE001 - a DSN psycopg cannot parse is shown as unparseable
        return "an unparseable DSN"
    shown = [f"{k}={parts[k]}" for k in ("host", "port", "user", "dbname") if parts.get(k)]
    return " ".join(shown) or "the default server"


def _dumpers(psycopg: Any, conn: Any) -> None:
    from psycopg.adapt import Dumper
    from psycopg.types.numeric import Int8Dumper
    from psycopg.types.string import StrDumper

    int8 = psycopg.adapters.types["int8"].oid

    class BoolAsInt(Dumper):
        oid = int8

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    conn.adapters.register_dumper(int, Int8Dumper)
    conn.adapters.register_dumper(bool, BoolAsInt)
    conn.adapters.register_dumper(str, StrDumper)


def _drop(conn: Any, schema: str) -> None:
    """Finalizer: drop the instance's schema and close its connection (best effort)."""
    if conn.closed:
        return
    try:
        conn.execute("ROLLBACK")
        conn.execute(f"DROP SCHEMA IF EXISTS {q(schema)} CASCADE")
    except Exception:  # noqa: BLE001 - the server may be gone; the connection is closed anyway
        pass
    finally:
        conn.close()


_UNIQUE_DETAIL = re.compile(r"Key \((?P<cols>[^)]*)\)=")


class _Connection:
    """What generated code sees as `db`: `execute(sqlite_sql, params)` runs the translation."""

    __slots__ = ("_execute", "_get", "_errors", "_integrity", "_zero")

    def __init__(self, conn: Any, translator: Translator, psycopg: Any) -> None:
        self._execute = conn.execute
        self._get = translator.get
        self._errors = psycopg.Error
        self._integrity = psycopg.IntegrityError
        self._zero = psycopg.errors.DivisionByZero

    def execute(self, sql: str, params: Any = ()) -> Any:
        statement = self._get(sql)
        try:
            return self._execute(statement.sql, params)
        except self._errors as error:
            raise self._reworded(error) from error

    def _reworded(self, error: Exception) -> Exception:
        if isinstance(error, self._zero):
            return EvaluationError("division by zero")
        if not isinstance(error, self._integrity):
            return error
        diag = error.diag  # type: ignore[attr-defined]
        name = type(error).__name__
        if name == "CheckViolation":
            return ConstraintViolation(f"CHECK constraint failed: {diag.constraint_name}")
        if name == "NotNullViolation":
            return ConstraintViolation(f"NOT NULL constraint failed: {diag.table_name}.{diag.column_name}")
        if name == "UniqueViolation":
            found = _UNIQUE_DETAIL.search(diag.message_detail or "")
            cols = [c.strip().strip('"') for c in found.group("cols").split(",")] if found else ["?"]
            return ConstraintViolation("UNIQUE constraint failed: " + ", ".join(f"{diag.table_name}.{c}" for c in cols))
        if name == "ForeignKeyViolation":
            return ConstraintViolation("FOREIGN KEY constraint failed")
        return ConstraintViolation(str(error).splitlines()[0])


class PostgresBackend:
    name = "postgres"
    savepoint = True
    guard_reads = True  # see the module docstring

    def __init__(self, compiled: CompiledEnv, dsn: str | None = None) -> None:
        psycopg = _import_psycopg()
        dsn = dsn or os.environ.get(DSN_VARIABLE)
        if not dsn:
            raise LoadError(
                f"the postgres backend needs a server: pass dsn='postgresql://user@host:port/db' "
                f"to Environment.load, or set {DSN_VARIABLE}"
            )
        self.options = {"dsn": dsn}
        self.compiled = compiled
        try:
            conn = psycopg.connect(dsn, autocommit=True, cursor_factory=psycopg.RawCursor, connect_timeout=10)
        except (psycopg.Error, ValueError) as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[-1]
            raise LoadError(f"cannot connect to PostgreSQL ({describe_dsn(dsn)}): {reason}") from None
        _dumpers(psycopg, conn)
        self.conn = conn
        self.schema = f"envdsl_{compiled.env.name.lower()[:24]}_{secrets.token_hex(6)}"
        self._finalizer = weakref.finalize(self, _drop, conn, self.schema)
        translator = compiled.images.get("translator:postgres")
        if translator is None:
            translator = compiled.images["translator:postgres"] = Translator("postgres")
        self.db = _Connection(conn, translator, psycopg)
        self.integrity_errors: tuple[type[BaseException], ...] = (ConstraintViolation,)
        self.evaluation_errors: tuple[type[BaseException], ...] = (psycopg.DataError,)
        self._tables = [*compiled.tables, SEQ_TABLE]
        self._columns = {name: table.columns for name, table in compiled.tables.items()}
        self._columns[SEQ_TABLE] = ("entity", "next")
        try:
            self._create(compiled)
        except psycopg.Error as error:
            self.close()
            raise LoadError(f"cannot set up {compiled.env.name} on PostgreSQL ({describe_dsn(dsn)}): {error}") from None
        conn.execute("BEGIN")  # the first episode

    def _create(self, compiled: CompiledEnv) -> None:
        conn = self.conn
        conn.execute(f"CREATE SCHEMA {q(self.schema)}")
        conn.execute(f"SET search_path TO {q(self.schema)}")
        conn.execute(emit_schema(compiled.env, "postgres"))
        conn.execute(_NONZERO.format(schema=q(self.schema)))
        rows = dict(compiled.seed_rows)
        rows[SEQ_TABLE] = sorted(compiled.sequences.items())
        self._load(rows)
        # Fresh tables have no statistics; without them the planner may scan a large seed.
        conn.execute("ANALYZE " + ", ".join(q(n) for n in self._tables))

    def _load(self, rows: dict[str, list[tuple]]) -> None:
        with self.conn.cursor() as cursor:
            for name in self._tables:
                if not rows.get(name):
                    continue
                cols = ", ".join(q(c) for c in self._columns[name])
                with cursor.copy(f"COPY {q(name)} ({cols}) FROM STDIN") as copy:
                    for row in rows[name]:
                        copy.write_row(row)

    # episode state ---------------------------------------------------------

    def reset(self) -> None:
        self.conn.execute("ROLLBACK; BEGIN")

    def begin(self) -> None:
        self.conn.execute("SAVEPOINT envdsl_call")

    def commit(self) -> None:
        self.conn.execute("RELEASE SAVEPOINT envdsl_call")

    def rollback(self) -> None:
        self.conn.execute("ROLLBACK TO SAVEPOINT envdsl_call; RELEASE SAVEPOINT envdsl_call")

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table (the key sequences included), as Python values."""
        out = {}
        for name in self._tables:
            cols = ", ".join(q(c) for c in self._columns[name])
            out[name] = self.conn.execute(f"SELECT {cols} FROM {q(name)}").fetchall()
        return out

    def restore(self, snapshot: dict[str, list[tuple]]) -> None:
        """Replace every table's rows, inside the episode (a later `reset()` still returns to the seed)."""
        self.conn.execute("TRUNCATE " + ", ".join(q(n) for n in self._tables))
        self._load(snapshot)

    def close(self) -> None:
        self._finalizer()
