"""`envdsl sample --realizer llm`: user turns written by an OpenAI-compatible model, checked, with a safe fallback.

Rule: the model sees what the template realizer sees (the goal's
description and the facts), never a tool name or the call DAG. Its sentence
is accepted only if it names no tool, states no id-like token the user does
not know, and states every fact's value; otherwise, and whenever the
endpoint fails, the turn is the template realizer's sentence and the reason
is recorded in `fallbacks` (and reported once per kind on stderr). After an
endpoint failure the model is not asked again in this run, so a dead server
costs one round of retries, not one per task. Settings come from the
environment and `envdsl.toml` (`envdsl sample` has no model flags).
"""

from __future__ import annotations

import re
import sys
from typing import Any

from envdsl.llm import prompting
from envdsl.llm.client import ChatClient, LLMError, LLMSettings, load_settings
from envdsl.sample.realize import RealizerError, Request, TemplateRealizer, _value

ID_LIKE = re.compile(
    r"(?<![\w-])(?=[A-Za-z0-9_-]*\d)[A-Za-z][A-Za-z0-9_-]*\d[A-Za-z0-9_-]*(?![\w-])|(?<![\w.-])\d{3,}(?![\w.-])"
)


class LLMRealizer:
    name = "llm"

    def __init__(self, settings: LLMSettings | None = None, client: Any = None, log: Any = None) -> None:
        try:
            loaded = settings or load_settings()
            if not loaded.base_url or not loaded.model:
                raise LLMError(
                    "needs an endpoint and a model: set ENVDSL_LLM_BASE_URL and ENVDSL_LLM_MODEL, "
                    "or write base_url and model under [llm] in envdsl.toml (docs/authoring.md)"
                )
            self.settings = loaded
            self.client = client or ChatClient(self.settings)
        except LLMError as error:
            raise RealizerError(f"--realizer llm: {error}") from None
        self.template = TemplateRealizer()
        self.fallbacks: list[dict[str, Any]] = []
        self.disabled: str | None = None
        self._told: set[str] = set()
        self._log = log or (lambda text: print(text, file=sys.stderr))

    def realize(self, request: Request) -> str:
        fallback = self.template.realize(request)
        if self.disabled is not None:
            return self._fall_back(request, fallback, "endpoint", self.disabled)
        try:
            answer = self.client.chat([{"role": "user", "content": self.prompt(request)}])
        except LLMError as error:
            self.disabled = str(error)
            return self._fall_back(request, fallback, "endpoint", str(error))
        text = answer.text.strip().strip('"').strip()
        problem = check_text(text, request)
        if problem:
            return self._fall_back(request, fallback, problem.split(":")[0], problem)
        return text

    def prompt(self, request: Request) -> str:
        facts = "\n".join(f"- {_fact_line(f)}" for f in request.facts) or "- (none)"
        note = "This is the first message of the conversation." if request.turn == 0 else "This is a follow-up message."
        return prompting.fill(
            "realize",
            env_title=request.env.title or request.env.name,
            goal=request.goal_description.strip() or "get help",
            turn_note=note,
            facts=facts,
        )

    def _fall_back(self, request: Request, text: str, kind: str, reason: str) -> str:
        self.fallbacks.append({"turn": request.turn, "seed": request.seed, "kind": kind, "reason": reason})
        if kind not in self._told:
            self._told.add(kind)
            self._log(f"warning: --realizer llm fell back to the template text ({reason})")
        return text


def _fact_line(fact: Any) -> str:
    about = fact.subject.replace("_", " ").replace(".", "'s ")
    if fact.field and fact.field != "@turn":
        about += f" {fact.field.replace('_', ' ')}"
    if fact.field == "@turn":
        return f"the {about} is the one from earlier in the conversation"
    return f"{about}: {_value(fact.value)}"


def check_text(text: str, request: Request) -> str | None:
    """Why a realized request is unusable, or None."""
    if not text:
        return "empty: the model wrote nothing"
    if len(text) > 1200:
        return "too-long: the message is over 1200 characters"
    for tool in request.env.tools:
        if ("_" in tool.name and re.search(rf"(?<!\w){re.escape(tool.name)}(?!\w)", text)) or re.search(
            rf"(?<!\w){re.escape(tool.name)}\s*\(", text
        ):
            return f"names-tool: names the tool {tool.name}"
    known = " ".join(_value(f.value) for f in request.facts if f.field != "@turn")
    for token in ID_LIKE.findall(text):
        if token not in known:
            return f"unknown-id: states {token!r}, which is not among the facts the user knows"
    lowered = text.lower()
    for fact in request.facts:
        if fact.field == "@turn" or isinstance(fact.value, bool):
            continue  # a yes/no fact may be phrased in many ways
        value = _value(fact.value)
        parts = value.split(" and ") if isinstance(fact.value, list) else [value]
        missing = [p for p in parts if p.lower() not in lowered]
        if missing:
            return f"drops-fact: leaves out {missing[0]!r}"
    return None
