"""Tool arguments (JSON values from a model) -> stored values, or a clear message.

A validator is built once per tool from the type descriptors the generated
class lists in `TOOLS` and never raises: every wrong argument (wrong type,
missing, unknown, a money amount with three decimals, an impossible date)
becomes one sentence for an `InvalidArguments` result. `null` for a parameter
that has a default means "use the default" (strict schemas make every
parameter required, so models send null for the ones they skip).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\Z")


class Invalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Convert = Callable[[Any], Any]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_word(descriptor: tuple) -> str:
    k = descriptor[0]
    if k == "optional":
        return f"{_type_word(descriptor[1])} or null"
    if k == "list":
        return f"a list of {_type_word(descriptor[1])} values"
    if k == "entity":
        return f"the key of a {descriptor[1]} ({'a string' if descriptor[2] == 'str' else 'an integer'})"
    if k == "enum":
        return "one of " + ", ".join(f'"{v}"' for v in descriptor[1])
    return {
        "str": "a string",
        "int": "an integer",
        "float": "a number",
        "bool": "true or false",
        "money": "an amount with at most 2 decimal places",
        "date": 'a date like "2026-03-01"',
        "datetime": 'a datetime like "2026-03-01T09:00:00"',
        "duration": "an integer number of seconds",
    }[k]


def converter(descriptor: tuple) -> Convert:
    """A function from a JSON value to the stored value, raising `Invalid(message-tail)`."""
    k = descriptor[0]
    want = _type_word(descriptor)

    def fail(value: Any) -> Invalid:
        return Invalid(f"must be {want}, got {_show(value)}")

    if k == "str":

        def conv(v: Any) -> Any:
            if isinstance(v, str):
                # SQL's length() stops at a NUL and a lone surrogate cannot be stored, so neither
                # has one meaning in Python and in SQL: refuse them at the door.
                if "\x00" in v:
                    raise Invalid(f"must be {want} without NUL characters, got {_show(v)}")
                try:
                    v.encode("utf-8")
                except UnicodeEncodeError:
                    raise Invalid(f"must be {want} of valid Unicode (no lone surrogates), got {_show(v)}") from None
                return v
            raise fail(v)

    elif k in ("int", "duration"):

        def conv(v: Any) -> Any:
            if isinstance(v, float) and not isinstance(v, bool) and v.is_integer():
                v = int(v)
            if isinstance(v, int) and not isinstance(v, bool):
                if _INT_MIN <= v <= _INT_MAX:
                    return v
                raise Invalid(f"is out of range (64-bit integers only), got {_show(v)}")
            raise fail(v)

    elif k == "float":

        def conv(v: Any) -> Any:
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                f = float(v)
                if math.isfinite(f):
                    return f
            raise fail(v)

    elif k == "bool":

        def conv(v: Any) -> Any:
            if isinstance(v, bool):
                return v
            raise fail(v)

    elif k == "money":

        def conv(v: Any) -> Any:
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise fail(v)
            try:
                amount = Decimal(v) if isinstance(v, (int, str)) else Decimal(repr(v))
            except (InvalidOperation, ValueError):
                raise fail(v) from None
            if not amount.is_finite():
                raise fail(v)
            cents = amount * 100
            if cents != cents.to_integral_value():
                raise Invalid(f"must have at most 2 decimal places, got {_show(v)}")
            cents_int = int(cents)
            if not _INT_MIN <= cents_int <= _INT_MAX:
                raise Invalid(f"is out of range, got {_show(v)}")
            return cents_int

    elif k in ("date", "datetime"):
        pattern = _DATE if k == "date" else _DATETIME
        parse = dt.date.fromisoformat if k == "date" else dt.datetime.fromisoformat

        def conv(v: Any) -> Any:
            if isinstance(v, str) and pattern.match(v):
                try:
                    parse(v)
                    return v
                except ValueError:
                    raise Invalid(f"is not a valid {k}: {_show(v)}") from None
            raise fail(v)

    elif k == "enum":
        values = frozenset(descriptor[1])

        def conv(v: Any) -> Any:
            if isinstance(v, str) and v in values:
                return v
            raise fail(v)

    elif k == "entity":
        key_conv = converter((descriptor[2],))

        def conv(v: Any) -> Any:
            try:
                return key_conv(v)
            except Invalid:
                raise fail(v) from None

    elif k == "optional":
        inner = converter(descriptor[1])

        def conv(v: Any) -> Any:
            if v is None:
                return None
            try:
                return inner(v)
            except Invalid as error:
                if error.message.startswith("must be "):
                    raise fail(v) from None  # say that null is allowed too
                raise

    elif k == "list":
        inner = converter(descriptor[1])

        def conv(v: Any) -> Any:
            if not isinstance(v, list):
                raise fail(v)
            out = []
            for i, item in enumerate(v):
                try:
                    out.append(inner(item))
                except Invalid as error:
                    raise Invalid(f"item {i} {error.message}") from None
            return out

    else:  # pragma: no cover - descriptors come from the emitter
        raise AssertionError(descriptor)
    return conv


Validator = Callable[[Any], "tuple[dict[str, Any] | None, str | None]"]


def validator(tool: str, params: tuple[tuple[str, tuple, bool], ...]) -> Validator:
    """Build the validator of one tool: arguments -> (keyword arguments, None) or (None, message)."""
    specs = [(name, converter(desc), has_default) for name, desc, has_default in params]
    names = [name for name, _, _ in specs]
    known = frozenset(names)

    def validate(arguments: Any) -> tuple[dict[str, Any] | None, str | None]:
        if arguments is None:
            arguments = {}
        if not isinstance(arguments, dict):
            return None, f"`{tool}` takes an object of named arguments, got {_show(arguments)}"
        unknown = [k for k in arguments if k not in known]
        if unknown:
            name = unknown[0]
            if not isinstance(name, str):
                return None, f"`{tool}` got an argument name that is not a string: {_show(name)}"
            close = difflib.get_close_matches(name, names, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else (f"; it takes {', '.join(f'`{n}`' for n in names)}" if names else "; it takes no arguments")
            return None, f"`{tool}` has no parameter `{name}`{hint}"
        kwargs: dict[str, Any] = {}
        missing: list[str] = []
        for name, conv, has_default in specs:
            if name not in arguments:
                if not has_default:
                    missing.append(name)
                continue
            value = arguments[name]
            if value is None and has_default:
                continue  # null: the default
            try:
                kwargs[name] = conv(value)
            except Invalid as error:
                return None, f"argument `{name}` of `{tool}` {error.message}"
        if missing:
            listed = ", ".join(f"`{m}`" for m in missing)
            return None, f"`{tool}` is missing required argument{'s' if len(missing) > 1 else ''} {listed}"
        return kwargs, None

    return validate
