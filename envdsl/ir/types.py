"""The types of the checked language.

Scalars are stored and compared with one meaning in Python and SQL:

| type       | Python value          | stored (SQLite)                         |
|------------|-----------------------|-----------------------------------------|
| `str`      | `str`                 | TEXT                                    |
| `int`      | `int`                 | INTEGER                                 |
| `float`    | `float`               | REAL                                    |
| `bool`     | `bool`                | INTEGER 0/1                             |
| `money`    | `decimal.Decimal`, 2 places | INTEGER cents (exact sums)        |
| `date`     | `datetime.date`       | TEXT `YYYY-MM-DD` (orders as it reads)  |
| `datetime` | `datetime.datetime`   | TEXT `YYYY-MM-DDTHH:MM:SS`              |
| `duration` | `int` seconds         | INTEGER seconds (only in expressions)   |

Enums are stored as their value's name (TEXT); entity references as the
referenced row's key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

SCALARS = ("str", "int", "float", "bool", "money", "date", "datetime")
NUMERIC = ("int", "float", "money")


@dataclass(frozen=True, slots=True)
class Scalar:
    kind: str  # one of SCALARS, or "duration"

    def __str__(self) -> str:
        return self.kind


@dataclass(frozen=True, slots=True)
class EnumT:
    name: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class EntityT:
    """A row of an entity (held as a reference; stored as the row's key)."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class OptionalT:
    inner: Type

    def __str__(self) -> str:
        return f"{self.inner}?"


@dataclass(frozen=True, slots=True)
class ListT:
    inner: Type

    def __str__(self) -> str:
        return f"list<{self.inner}>"


@dataclass(frozen=True, slots=True)
class RecordT:
    fields: tuple[tuple[str, Type], ...]

    def field(self, name: str) -> Type | None:
        for field_name, type_ in self.fields:
            if field_name == name:
                return type_
        return None

    def __str__(self) -> str:
        return "{" + ", ".join(f"{n}: {t}" for n, t in self.fields) + "}"


@dataclass(frozen=True, slots=True)
class NoneT:
    """The type of the literal `none`; fits any optional type."""

    def __str__(self) -> str:
        return "none"


@dataclass(frozen=True, slots=True)
class ErrorT:
    """The type of an expression that already produced a diagnostic.

    It fits everywhere, so one mistake is reported once, not at every use.
    """

    def __str__(self) -> str:
        return "<error>"


Type = Union[Scalar, EnumT, EntityT, OptionalT, ListT, RecordT, NoneT, ErrorT]

STR = Scalar("str")
INT = Scalar("int")
FLOAT = Scalar("float")
BOOL = Scalar("bool")
MONEY = Scalar("money")
DATE = Scalar("date")
DATETIME = Scalar("datetime")
DURATION = Scalar("duration")
NONE = NoneT()
ERROR = ErrorT()


def strip_optional(t: Type) -> Type:
    return t.inner if isinstance(t, OptionalT) else t


def is_numeric(t: Type) -> bool:
    return isinstance(t, Scalar) and t.kind in NUMERIC


def assignable(value: Type, target: Type) -> bool:
    """Whether a value of type `value` may be used where `target` is expected."""
    if isinstance(value, ErrorT) or isinstance(target, ErrorT):
        return True
    if value == target:
        return True
    if isinstance(target, OptionalT):
        return isinstance(value, NoneT) or assignable(value, target.inner)
    if isinstance(value, Scalar) and isinstance(target, Scalar):
        # int widens to float and money; nothing narrows.
        return value.kind == "int" and target.kind in ("float", "money")
    if isinstance(value, ListT) and isinstance(target, ListT):
        return assignable(value.inner, target.inner)
    if isinstance(value, RecordT) and isinstance(target, RecordT):
        if [n for n, _ in value.fields] != [n for n, _ in target.fields]:
            return False
        return all(assignable(v, t) for (_, v), (_, t) in zip(value.fields, target.fields))
    return False
