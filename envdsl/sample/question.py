"""Question turns: the goal is a read-only call, the answer is read from its result.

Rule: the answer facts are taken from the executed result, and only facts
that identify the answer: for a list, how many there are; for a single
value, the value; for a row or a record, up to `MAX_FIELDS` of its
identifying fields (a status or other enum first, then dates and times,
then counts and amounts, then yes/no; short text only when nothing else is
there). Free text, ids and references are never answer facts. The same
`AnswerSpec` reads the answer of every other binding calibration tries, so
"one answer" means the same facts, compared by value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from envdsl.ir import nodes as ir
from envdsl.ir.types import EntityT, EnumT, ListT, OptionalT, RecordT, Scalar, Type

MAX_FIELDS = 3
SHORT_TEXT = 40
_ORDER = {"enum": 0, "date": 1, "datetime": 2, "int": 3, "money": 4, "float": 5, "bool": 6, "str": 7}


def _strip(t: Type | None) -> Type | None:
    return t.inner if isinstance(t, OptionalT) else t


def _kind(t: Type | None) -> str | None:
    t = _strip(t)
    if isinstance(t, EnumT):
        return "enum"
    if isinstance(t, Scalar) and t.kind in _ORDER:
        return t.kind
    return None


def _words(name: str) -> str:
    return name.replace("_", " ")


@dataclass(frozen=True)
class AnswerSpec:
    """How to read a question's answer out of a result: `count` (a list's length), `value`
    (the result itself) or `fields` (named fields of a row or record)."""

    kind: str
    fields: tuple[str, ...] = ()

    def extract(self, value: Any) -> list[Any]:
        if self.kind == "count":
            return [len(value)] if isinstance(value, list) else [None]
        if self.kind == "value":
            return [value]
        if not isinstance(value, dict):
            return [None] * len(self.fields)
        return [value.get(name) for name in self.fields]

    def labels(self) -> list[str]:
        if self.kind == "count":
            return ["how many"]
        if self.kind == "value":
            return [""]
        return [_words(name) for name in self.fields]

    def ask(self, returns: Type | None) -> str:
        """What the user wants to know, in words."""
        if self.kind == "count":
            return "how many there are"
        if self.kind == "fields":
            names = [_words(n) for n in self.fields]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            return "the " + listed
        t = _strip(returns)
        if isinstance(t, EnumT):
            return f"the {_words(_snake(t.name))}"
        kind = t.kind if isinstance(t, Scalar) else ""
        return {
            "int": "the number",
            "money": "the amount",
            "float": "the figure",
            "date": "the date",
            "datetime": "the date and time",
            "bool": "yes or no",
        }.get(kind, "the answer")


def _snake(name: str) -> str:
    out = "".join("_" + c.lower() if c.isupper() else c for c in name)
    return out.lstrip("_")


def answer_spec(env: ir.Env, returns: Type | None, value: Any) -> AnswerSpec | None:
    """The answer of a result of type `returns`, or None when it answers nothing (null, an empty list,
    a row or record without an identifying field, long free text)."""
    t = _strip(returns)
    if value is None or t is None:
        return None
    if isinstance(t, ListT):
        return AnswerSpec("count") if value else None
    if isinstance(t, EnumT) or isinstance(t, Scalar):
        kind = _kind(t)
        if kind is None or (kind == "str" and len(str(value)) > SHORT_TEXT):
            return None
        return AnswerSpec("value")
    if isinstance(t, EntityT):
        entity = env.entity(t.name)
        typed = [(f.name, f.type) for f in entity.fields if not f.is_key]
    elif isinstance(t, RecordT):
        typed = list(t.fields)
    else:
        return None
    options = []
    for position, (name, ft) in enumerate(typed):
        kind = _kind(ft)
        if kind is None or not isinstance(value, dict) or value.get(name) is None:
            continue
        if kind == "str" and len(str(value[name])) > SHORT_TEXT:
            continue
        options.append((_ORDER[kind], position, name, kind))
    options.sort()
    chosen = [o for o in options if o[3] != "str"][:MAX_FIELDS] or options[:1]
    if not chosen:
        return None
    return AnswerSpec("fields", tuple(name for _, _, name, _ in sorted(chosen, key=lambda o: o[1])))


def answerable(env: ir.Env, returns: Type | None):
    """`value -> bool`: whether a result of a tool returning `returns` answers anything."""
    return lambda value: answer_spec(env, returns, value) is not None


def closing(spec: AnswerSpec, answers: list[Any]) -> str:
    """The assistant's final message of a question turn: every answer fact, stated plainly."""
    if spec.kind == "count":
        return f"Here is what I found: {answers[0]} in all."
    parts = []
    for label, value in zip(spec.labels(), answers, strict=True):
        shown = _show(value)
        parts.append(f"{label}: {shown}" if label else shown)
    return "Here is what I found: " + "; ".join(parts) + "."


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
