"""What generated `tools.py` modules call: the `ToolSet` base class and the
value helpers whose meaning must match `envdsl/ir/evaluate.py` exactly.

Inside a tool method every value has its stored representation (see
`envdsl/ir/types.py`): money is `int` cents, dates and datetimes ISO text,
booleans 0/1 (or Python bools, which equal them), an entity value the row as a
tuple of its columns in declaration order. Helpers here convert only at the
edges (arguments in, JSON results out, messages).

Generated code refers to nothing but this module (as `_rt`), its own
constants (all starting with `_`) and the spec's names, so a spec name can
never shadow something the generated code needs.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

Money = int  # cents
Date = str  # YYYY-MM-DD
DateTime = str  # YYYY-MM-DDTHH:MM:SS
Duration = int  # seconds
Row = tuple
JSON = Any

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_EPOCH = dt.datetime(1970, 1, 1)


class Fail(Exception):
    """A tool call ends with a declared error (or NotFound). Not a bug."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message


class EvaluationError(Exception):
    """An expression has no value (division by zero): the call fails, changing nothing."""


class ToolSet:
    """Base of the generated environment class: holds the connection and the
    set of rows a call wrote (for the incremental state hash)."""

    ENV = ""
    DOMAIN = ""
    TOOLS: dict[str, Any] = {}
    WRITES: frozenset[str] = frozenset()  # tools that change state

    def __init__(self, db: Any) -> None:
        self._db = db
        self._dirty: set[tuple[str, Any]] = set()

    def _lookup(self, sql: str, key: Any, entity: str, key_name: str) -> Row:
        """The row with this key, or the NotFound result."""
        row = self._db.execute(sql, (key,)).fetchone()
        if row is None:
            raise Fail("NotFound", f"no {entity} has {key_name} {show_key(key)}")
        return row

    def _lookup_all(self, sql: str, keys: Iterable[Any], entity: str, key_name: str) -> list[Row]:
        return [self._lookup(sql, key, entity, key_name) for key in keys]

    def _refetch(self, sql: str, row: Row | None, key_index: int) -> Row | None:
        """The current version of a row held since before a write (the old one if it was deleted)."""
        if row is None:
            return None
        current = self._db.execute(sql, (row[key_index],)).fetchone()
        return row if current is None else current

    def _next_id(self, sql: str, entity: str, prefix: str) -> str:
        (number,) = self._db.execute(sql, (entity,)).fetchone()
        return f"{prefix}{number}"


# ------------------------------------------------------------------ values


def money_out(cents: int) -> float:
    """Cents as a JSON number of currency units (the nearest float to the decimal)."""
    return cents / 100


def money_mul(cents: int, factor: float) -> int:
    """money * float: exact, with the float taken as the decimal it prints as; ties away from zero."""
    return _round_fraction(cents * Fraction(repr(float(factor))))


def money_div(cents: int, divisor: int | float) -> int:
    if divisor == 0:
        raise EvaluationError("division by zero")
    exact = Fraction(repr(float(divisor))) if isinstance(divisor, float) else Fraction(divisor)
    return _round_fraction(Fraction(cents) / exact)


def _round_fraction(value: Fraction) -> int:
    whole, rest = divmod(abs(value.numerator), value.denominator)
    if 2 * rest >= value.denominator:
        whole += 1
    return whole if value >= 0 else -whole


def fdiv(a: int | float, b: int | float) -> float:
    if b == 0:
        raise EvaluationError("division by zero")
    return a / b


def mod(a: int, b: int) -> int:
    """`%` truncating like SQL: the sign of the dividend."""
    if b == 0:
        raise EvaluationError("division by zero")
    remainder = abs(a) % abs(b)
    return remainder if a >= 0 else -remainder


def lower(s: str) -> str:
    return s.translate(_ASCII_LOWER)


def upper(s: str) -> str:
    return s.translate(_ASCII_UPPER)


def length(value: Sequence[Any]) -> int:
    return len(value)


def pick_min(a: Any, b: Any) -> Any:
    return b if b < a else a


def pick_max(a: Any, b: Any) -> Any:
    return b if b > a else a


def absolute(value: Any) -> Any:
    return abs(value)


def coalesce(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


def limit(n: int) -> int:
    return max(n, 0)


def date_of(value: str) -> str:
    return value[:10]


def _seconds(text: str) -> int:
    moment = dt.datetime.fromisoformat(text)
    delta = moment - _EPOCH
    return delta.days * 86400 + delta.seconds


def date_shift(date: str, seconds: int) -> str:
    """date ± duration: shift the date's midnight, keep the date part."""
    return (dt.datetime.fromisoformat(date) + dt.timedelta(seconds=seconds)).date().isoformat()


def datetime_shift(moment: str, seconds: int) -> str:
    return (dt.datetime.fromisoformat(moment) + dt.timedelta(seconds=seconds)).isoformat()


def datetime_diff(a: str, b: str) -> int:
    return _seconds(a) - _seconds(b)


def days_between(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def keys(rows: Iterable[Row | None], key_index: int) -> list[Any]:
    return [None if row is None else row[key_index] for row in rows]


def key(row: Row | None, key_index: int) -> Any:
    return None if row is None else row[key_index]


def json_list(values: Iterable[Any]) -> str:
    """A list parameter bound to SQL as one JSON array (read with json_each)."""
    return json.dumps([1 if v is True else 0 if v is False else v for v in values])


def as_int(flag: Any) -> int:
    """A boolean as stored (0/1), for binding."""
    return 1 if flag else 0


def opt(convert: Any, value: Any) -> Any:
    return None if value is None else convert(value)


def rows(values: Iterable[Row]) -> list[Row]:
    return list(values)


# ------------------------------------------------------------------ messages


def show_key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def show(value: Any, kind: str) -> str:
    """A value as it appears in an error message (keys for rows)."""
    if value is None:
        return "none"
    if kind == "money":
        return f"{Decimal(value) / 100:.2f}"
    if kind == "bool":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))
    return str(value)


def message(parts: Iterable[str]) -> str:
    return "".join(parts)


# ------------------------------------------------------------------ clock


def clock_parts(clock: str) -> tuple[str, str]:
    return clock, clock[:10]


def is_finite(value: float) -> bool:
    return math.isfinite(value)
