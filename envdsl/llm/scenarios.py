"""Propose diverse scenarios for a domain: JSON answers validated with pydantic, near-duplicates removed.

Rule: a scenario is kept only if it validates (`Scenario`) and is not a
near-duplicate of one already kept: the same normalized title (lower case,
words only, a trailing plural `s` dropped), titles at least 0.85 similar
(difflib), or descriptions sharing at least 70% of their words (Jaccard).
When too few survive, the model is asked again (up to `attempts` times)
with the kept titles listed as ones to avoid.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from envdsl.llm import prompting
from envdsl.llm.extract import blocks


class ScenarioError(Exception):
    """The model gave no usable scenarios; one line for the user."""


class Scenario(BaseModel):
    title: str = Field(min_length=3, max_length=120)
    description: str = Field(min_length=10, max_length=2000)
    entities: list[str] = Field(default_factory=list, max_length=20)
    tools: list[str] = Field(default_factory=list, max_length=30)


class ScenarioList(BaseModel):
    scenarios: list[Scenario]


def normalize(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def duplicate_of(candidate: Scenario, kept: list[Scenario]) -> Scenario | None:
    title = normalize(candidate.title)
    words = _words(candidate.description)
    for other in kept:
        other_title = normalize(other.title)
        if title == other_title or difflib.SequenceMatcher(None, title, other_title).ratio() >= 0.85:
            return other
        other_words = _words(other.description)
        if words and other_words and len(words & other_words) / len(words | other_words) >= 0.7:
            return other
    return None


def parse_answer(text: str) -> list[Scenario]:
    """Scenarios of one answer: a ```json block or bare JSON; items that do not validate raise with the reason."""
    found = [b.body for b in blocks(text) if b.tag in ("json", "")] or [text]
    last_error = "no JSON in the answer"
    for body in found:
        try:
            data: Any = json.loads(body)
        except json.JSONDecodeError as error:
            last_error = f"the JSON does not parse: {error}"
            continue
        if isinstance(data, list):
            data = {"scenarios": data}
        try:
            return ScenarioList.model_validate(data).scenarios
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            last_error = f"the JSON is not a scenario list: {where}: {first['msg']}"
    raise ScenarioError(last_error)


def propose_scenarios(
    client: Any, domain: str, n: int, attempts: int = 3, log: Any = None
) -> tuple[list[Scenario], list[dict[str, Any]]]:
    """(the kept scenarios, a log of every answer: raw text, kept and dropped titles with reasons)."""
    say = log or (lambda _text: None)
    kept: list[Scenario] = []
    history: list[dict[str, Any]] = []
    for attempt in range(1, attempts + 1):
        avoid = ""
        if kept:
            avoid = "Already proposed (propose different ones):\n" + "\n".join(f"- {s.title}" for s in kept) + "\n"
        prompt = prompting.fill("scenarios", n=str(n - len(kept)), domain=domain, avoid=avoid)
        answer = client.chat([{"role": "user", "content": prompt}])
        entry: dict[str, Any] = {"attempt": attempt, "answer": answer.text, "kept": [], "dropped": []}
        history.append(entry)
        try:
            candidates = parse_answer(answer.text)
        except ScenarioError as error:
            entry["error"] = str(error)
            say(f"answer {attempt}: {error}")
            continue
        for candidate in candidates:
            same = duplicate_of(candidate, kept)
            if same is not None:
                entry["dropped"].append({"title": candidate.title, "duplicate_of": same.title})
            elif len(kept) < n:
                kept.append(candidate)
                entry["kept"].append(candidate.title)
        say(f"answer {attempt}: {len(entry['kept'])} kept, {len(entry['dropped'])} duplicates dropped")
        if len(kept) >= n:
            break
    if not kept:
        reasons = "; ".join(h.get("error", "only duplicates") for h in history)
        raise ScenarioError(f"no usable scenarios after {len(history)} answer(s): {reasons}")
    return kept, history
