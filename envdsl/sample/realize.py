"""Realizers turn a planned turn (a goal and the facts the user knows) into the user's words.

Rule: a realizer sees the goal's description and the facts, never the call
DAG, so it cannot name a tool, a step or an internal id. The sampler still
checks every message it returns (no tool name, no internal key) and drops
the candidate otherwise (`leaks-id`). `TemplateRealizer` is the offline,
deterministic default: the same request and seed give the same sentence.
Other realizers (an OpenAI-compatible LLM, `--realizer llm`) implement the
same protocol and register in `REALIZERS` or in `envdsl.llm`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Protocol

from envdsl.ir import nodes as ir
from envdsl.sample.task import Fact


class RealizerError(Exception):
    """No such realizer, or it cannot run here; the message says what to do."""


@dataclass(frozen=True)
class Request:
    """What a realizer is given for one user turn."""

    env: ir.Env
    turn: int
    goal_description: str  # the goal tool's doc, never its name
    facts: tuple[Fact, ...]
    subjects: dict[str, str | None]  # subject path -> entity name (None: a plain value)
    seed: str  # for deterministic variation
    ask: str = ""  # a question turn: what the user wants to know ("the status and departs", "how many there are")


class Realizer(Protocol):
    name: str

    def realize(self, request: Request) -> str: ...


def _words(name: str) -> str:
    return name.replace("_", " ")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return " and ".join(_value(v) for v in value)
    return str(value)


def _path(subject: str) -> str:
    parts = subject.split(".")
    text = "the " + _words(parts[0])
    for part in parts[1:]:
        text += f"'s {_words(part)}"
    return text


def intent(description: str) -> str:
    """The first sentence of a goal's description, as something to ask for."""
    first = description.strip().split(". ")[0].rstrip(".").strip()
    return first[:1].lower() + first[1:] if first else "help me with my request"


IDENTITY = ("user", "customer", "owner", "account")


class TemplateRealizer:
    name = "template"

    def realize(self, request: Request) -> str:
        rng = random.Random(request.seed)
        by_subject: dict[str, list[Fact]] = {}
        for fact in request.facts:
            by_subject.setdefault(fact.subject, []).append(fact)
        sentences: list[str] = []
        mentioned: set[str] = set()
        if request.turn == 0:
            for subject, facts in by_subject.items():
                if subject.split(".")[-1] in IDENTITY and request.subjects.get(subject) and facts[0].field is None:
                    value = _value(facts[0].value)
                    sentences.append(
                        rng.choice((f"Hi, this is {value}.", f"Hello, my id is {value}.", f"Hi, I'm {value}."))
                    )
                    mentioned.add(value)
                    break
        goal = intent(request.goal_description)
        opener = rng.choice(("Please {g}.", "Could you {g}?", "I'd like you to {g}.", "I need you to {g}."))
        if request.turn > 0:
            opener = rng.choice(("Next, please {g}.", "One more thing: could you {g}?", "Also, I'd like you to {g}."))
        if request.ask:  # a question: read-only tools are described by what they give (a noun phrase)
            opener = rng.choice(
                (
                    "I have a question about {g}. Could you tell me {a}?",
                    "I'm looking into {g}. Please tell me {a}.",
                    "Could you check {g} for me? I'd like to know {a}.",
                )
            )
        sentences.append(opener.format(g=goal, a=request.ask))
        details: list[str] = []
        for subject, facts in by_subject.items():
            entity = request.subjects.get(subject)
            parts: list[str] = []
            for fact in facts:
                value = _value(fact.value)
                if fact.field == "@turn":
                    parts.append(
                        rng.choice(("is the one from earlier in our conversation", "is the one you just handled"))
                    )
                elif fact.field is None:
                    if value in mentioned:
                        continue
                    parts.append(f"is {value}" if entity else value)
                    mentioned.add(value)
                elif isinstance(fact.value, str) and len(value) in (10, 19) and value[4:5] == "-" and value[7:8] == "-":
                    parts.append(f"{_words(fact.field)} on {value}")
                else:
                    parts.append(f"{_words(fact.field)} {value}")
            if not parts:
                continue
            if entity is None:
                details.append(f"{_words(subject)}: {parts[0]}")
            elif len(parts) == 1 and parts[0].startswith("is "):
                details.append(f"{_path(subject)} {parts[0]}")
            else:
                details.append(f"{_path(subject)} with " + ", ".join(parts))
        if details:
            sentences.append(rng.choice(("Details: ", "For reference: ", "")) + "; ".join(details) + ".")
        return " ".join(s[:1].upper() + s[1:] for s in sentences)


REALIZERS: dict[str, type] = {"template": TemplateRealizer}


def get_realizer(name: str) -> Realizer:
    if name in REALIZERS:
        return REALIZERS[name]()
    if name == "llm":
        try:
            from envdsl.llm.realize import LLMRealizer  # type: ignore[import-not-found]
        except ImportError:
            raise RealizerError(
                "the LLM realizer is not available in this install (it belongs in envdsl/llm); use --realizer template"
            ) from None
        return LLMRealizer()
    known = ", ".join(sorted([*REALIZERS, "llm"]))
    raise RealizerError(f"unknown realizer {name!r}; use one of: {known}")
