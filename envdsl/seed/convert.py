"""Raw seed values to typed Python values (the representation in `ir/types.py`).

The rule: a value converts only when it unambiguously means a value of the
field's type; otherwise the caller gets a one-line reason, worded to end
"`Flight.seats` expects `int`: …". YAML values are judged by the kind YAML
resolved (a quoted `"12"` is text, not a number) and by their source text
(money `12.50` is read from its digits, never through a float). CSV cells are
text and are parsed by the field's type. Specifically:

- `str`: YAML text (quote numbers, booleans, dates and `null` to make them
  text); a CSV cell as written.
- `int`: an integer, or a number without a fraction (`3.0`); never a bool.
  64-bit range.
- `float`: any finite number.
- `bool`: `true`/`false` (a CSV cell in any case).
- `money`: a number with at most two decimal places.
- `date` `YYYY-MM-DD`, `datetime` `YYYY-MM-DDTHH:MM:SS` (quoted or not).
- an enum: the value's name. A reference: the target's key, typed as that key.
- `T?`: also null (YAML `null`, `~`, nothing; an empty CSV cell).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from envdsl.diagnostics.messages import nearest
from envdsl.ir import nodes as ir
from envdsl.ir import types as t
from envdsl.ir.evaluate import CENT, EvaluationError, parse_date, parse_datetime
from envdsl.seed.raw import RawValue, parse_yaml_int

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_INT_TEXT = re.compile(r"[-+]?[0-9]+\Z")
_NUMBER_TEXT = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")

Result = tuple[Any, str | None]


def convert(raw: RawValue, type_: t.Type, env: ir.Env) -> Result:
    """`(value, None)`, or `(None, reason)` when `raw` is not a value of `type_`."""
    if raw.kind == "null":
        if isinstance(type_, t.OptionalT):
            return None, None
        return None, "found null"
    base = t.strip_optional(type_)
    if raw.kind in ("mapping", "sequence"):
        return None, f"found a {'list' if raw.kind == 'sequence' else 'mapping'}"
    if isinstance(base, t.EnumT):
        return _enum(raw, base)
    if isinstance(base, t.EntityT):
        key_type = env.entity(base.name).key_field.type
        value, reason = convert(raw, key_type, env)
        return value, reason and f"{reason} (`{base.name}` rows are named by their `{key_type}` key)"
    if isinstance(base, t.Scalar) and base.kind in _SCALARS:
        return _SCALARS[base.kind](raw)
    return None, f"`{base}` values cannot be seeded"


def _found(raw: RawValue) -> str:
    if raw.kind == "str" and _NUMBER_TEXT.match(raw.text.strip()):
        return f"found the text `{raw.text}`; write the number without quotes"
    what = {
        "bool": "the boolean",
        "int": "the number",
        "float": "the number",
        "timestamp": "the date",
        "str": "the text",
        "text": "",
    }[raw.kind]
    return f"found {what} `{raw.text}`" if what else f"found `{raw.text}`"


def _str(raw: RawValue) -> Result:
    if raw.kind in ("str", "text"):
        return raw.text, None
    return None, f'{_found(raw)}; write "{raw.text}" (quoted) for text'


def _number_text(raw: RawValue) -> str | None:
    """The digits of a number, or None when `raw` is not one."""
    if raw.kind == "int":
        value = parse_yaml_int(raw.text)
        return None if value is None else str(value)
    if raw.kind == "float":
        return raw.text.replace("_", "")
    if raw.kind == "text":
        text = raw.text.strip()
        return text if _NUMBER_TEXT.match(text) else None
    return None


def _int(raw: RawValue) -> Result:
    text = _number_text(raw)
    if text is None:
        return None, _found(raw)
    if _INT_TEXT.match(text):
        value = int(text)
    else:
        number = _finite(text)
        if number is None:
            return None, f"found `{raw.text}`, which is not a finite number"
        if number != number.to_integral_value():
            return None, f"found `{raw.text}`, which has a fraction"
        value = int(number)
    if not INT_MIN <= value <= INT_MAX:
        return None, f"found `{raw.text}`, which is out of the 64-bit range"
    return value, None


def _float(raw: RawValue) -> Result:
    text = _number_text(raw)
    if text is None:
        return None, _found(raw)
    try:
        value = float(text)
    except ValueError:  # YAML's `.inf` and `.nan`
        return None, f"found `{raw.text}`, which is not a finite number"
    if not math.isfinite(value):
        return None, f"found `{raw.text}`, which is not a finite number"
    return value, None


def _money(raw: RawValue) -> Result:
    text = _number_text(raw)
    if text is None:
        hint = "" if raw.kind == "str" and _NUMBER_TEXT.match(raw.text.strip()) else "; write an amount like `12.50`"
        return None, _found(raw) + hint
    number = _finite(text)
    if number is None:
        return None, f"found `{raw.text}`, which is not a finite number"
    try:
        value = number.quantize(CENT) + 0  # + 0 turns -0.00 into 0.00
    except InvalidOperation:
        return None, f"found `{raw.text}`, which is too large"
    if value != number:
        return None, f"found `{raw.text}`, which has more than two decimal places"
    if not INT_MIN <= value * 100 <= INT_MAX:
        return None, f"found `{raw.text}`, which is too large"
    return value, None


def _finite(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _bool(raw: RawValue) -> Result:
    if raw.kind == "bool":
        return raw.text.lower() == "true", None
    if raw.kind == "text" and raw.text.strip().lower() in ("true", "false"):
        return raw.text.strip().lower() == "true", None
    return None, _found(raw) + "; write `true` or `false`"


def _date(raw: RawValue) -> Result:
    if raw.kind not in ("timestamp", "str", "text"):
        return None, _found(raw) + "; write a date like `2026-03-01`"
    try:
        return parse_date(raw.text.strip()), None
    except EvaluationError as error:
        return None, str(error)


def _datetime(raw: RawValue) -> Result:
    if raw.kind not in ("timestamp", "str", "text"):
        return None, _found(raw) + "; write a datetime like `2026-03-01T09:00:00`"
    try:
        return parse_datetime(raw.text.strip()), None
    except EvaluationError as error:
        return None, str(error)


def _enum(raw: RawValue, enum: t.EnumT) -> Result:
    name = raw.text.strip() if raw.kind == "text" else raw.text
    if raw.kind in ("str", "text") and name in enum.values:
        return name, None
    guess = nearest(name, enum.values)
    hint = f"; did you mean `{guess}`?" if guess and guess != name else ""
    return None, f"`{raw.text}` is not one of {', '.join(f'`{v}`' for v in enum.values)}{hint}"


_SCALARS = {
    "str": _str,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "money": _money,
    "date": _date,
    "datetime": _datetime,
}
