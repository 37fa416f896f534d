"""The built-in functions: their signatures, checked here, and nowhere else.

Each signature takes the argument types and returns the result type, or a
string explaining why the arguments do not fit. Functions whose meaning needs
a literal argument (`date("…")`) are handled by the checker itself, which
turns them into literals.
"""

from __future__ import annotations

from collections.abc import Callable

from envdsl.ir import types as t

Signature = Callable[[list[t.Type]], "t.Type | str"]


def _fixed(params: tuple[t.Type, ...], result: t.Type) -> Signature:
    def sig(args: list[t.Type]) -> t.Type | str:
        for i, (arg, want) in enumerate(zip(args, params)):
            if not t.assignable(arg, want):
                return f"argument {i + 1} must be `{want}`, found `{arg}`"
        return result

    return sig


def _len(args: list[t.Type]) -> t.Type | str:
    (arg,) = args
    if isinstance(arg, (t.ErrorT, t.ListT)) or arg == t.STR:
        return t.INT
    return f"`len` takes a `str` or a list, found `{arg}`"


def _numeric_same(args: list[t.Type]) -> t.Type | str:
    kinds = [a for a in args if not isinstance(a, t.ErrorT)]
    if not kinds:
        return t.ERROR
    first = kinds[0]
    orderable = t.is_numeric(first) or first in (t.DATE, t.DATETIME, t.DURATION)
    if not orderable:
        return f"takes numbers, dates or durations, found `{first}`"
    for other in kinds[1:]:
        if other == first:
            continue
        if t.is_numeric(other) and t.is_numeric(first) and "int" in (other.kind, first.kind):  # type: ignore[union-attr]
            first = other if first == t.INT else first
            continue
        return f"arguments must have the same type, found `{kinds[0]}` and `{other}`"
    return first


def _abs(args: list[t.Type]) -> t.Type | str:
    (arg,) = args
    if isinstance(arg, t.ErrorT) or t.is_numeric(arg) or arg == t.DURATION:
        return arg
    return f"`abs` takes a number, found `{arg}`"


def _coalesce(args: list[t.Type]) -> t.Type | str:
    value, fallback = args
    if isinstance(value, t.ErrorT):
        return fallback
    inner = t.strip_optional(value)
    if not t.assignable(fallback, inner):
        return f"the fallback must be `{inner}`, found `{fallback}`"
    return inner


def _date_of(args: list[t.Type]) -> t.Type | str:
    (arg,) = args
    if isinstance(arg, t.ErrorT) or arg in (t.DATETIME, t.DATE):
        return t.DATE
    return f"`date` takes a datetime or a literal \"YYYY-MM-DD\", found `{arg}`"


# name -> (number of arguments, signature, doc)
BUILTINS: dict[str, tuple[int, Signature, str]] = {
    "now": (0, _fixed((), t.DATETIME), "the environment's clock (deterministic)"),
    "today": (0, _fixed((), t.DATE), "the date part of `now()`"),
    "lower": (1, _fixed((t.STR,), t.STR), "ASCII lower case"),
    "upper": (1, _fixed((t.STR,), t.STR), "ASCII upper case"),
    "len": (1, _len, "length of a string (characters) or a list"),
    "contains": (2, _fixed((t.STR, t.STR), t.BOOL), "whether the first string contains the second"),
    "starts_with": (2, _fixed((t.STR, t.STR), t.BOOL), "whether the first string starts with the second"),
    "ends_with": (2, _fixed((t.STR, t.STR), t.BOOL), "whether the first string ends with the second"),
    "abs": (1, _abs, "absolute value"),
    "min": (2, _numeric_same, "the smaller of two values"),
    "max": (2, _numeric_same, "the larger of two values"),
    "days": (1, _fixed((t.INT,), t.DURATION), "a duration of n days"),
    "hours": (1, _fixed((t.INT,), t.DURATION), "a duration of n hours"),
    "minutes": (1, _fixed((t.INT,), t.DURATION), "a duration of n minutes"),
    "date": (1, _date_of, "a date literal, or the date part of a datetime"),
    "datetime": (1, _fixed((t.STR,), t.DATETIME), "a datetime literal"),
    "days_between": (2, _fixed((t.DATE, t.DATE), t.INT), "whole days from the first date to the second"),
    "coalesce": (2, _coalesce, "the value if it is not none, else the fallback"),
}

IMPURE = frozenset({"now", "today"})  # not allowed in field checks
