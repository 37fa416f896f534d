"""Get a spec (and its seed YAML) out of a model's answer, or say precisely why there is none.

Rule: an answer is text, never code to run. The spec is the first fenced
block tagged `envdsl` (or an untagged/other-tagged block that starts with
`env NAME {`), else a bare `env NAME { … }` in the prose; the seed is the
first block tagged `yaml`/`yml`. Three faults are told apart, because each
needs a different message back to the model: no spec at all (`no-spec`), a
spec cut off (`truncated`: the server said `length`, a fence or a brace is
left open), and a spec the parser rejects (`syntax`, whose message is the
parser's own diagnostics). Only the parser looks at the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE = re.compile(r"^(```+|~~~+)[ \t]*([A-Za-z0-9_+.-]*)[^\n]*\n(.*?)(?:^\1[ \t]*$|\Z)", re.M | re.S)
ENV_START = re.compile(r"^\s*(?://[^\n]*\n\s*)*env\s+[A-Za-z_][A-Za-z0-9_]*\s*\{", re.S)
BARE_ENV = re.compile(r"^env\s+[A-Za-z_][A-Za-z0-9_]*\s*\{", re.M)


class ExtractError(Exception):
    """No usable spec in an answer. `kind` is no-spec, truncated or syntax; the message is for the model and the user."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Extracted:
    spec: str
    seed: str | None  # the seed YAML, if the answer had one
    env_name: str


@dataclass(frozen=True)
class _Block:
    tag: str
    body: str
    closed: bool


def blocks(answer: str) -> list[_Block]:
    found = []
    for match in FENCE.finditer(answer):
        fence, tag, body = match.group(1), match.group(2).lower(), match.group(3)
        closed = bool(re.search(rf"^{re.escape(fence)}[ \t]*$", answer[match.start(3) + len(body) :], re.M))
        found.append(_Block(tag, body, closed))
    return found


def extract(answer: str, finish_reason: str | None = None, *, parse_check: bool = True) -> Extracted:
    """The spec and seed of an answer; `ExtractError` otherwise (see the module rule)."""
    if not answer.strip():
        raise ExtractError("no-spec", "the answer was empty: no spec in it")
    found = blocks(answer)
    spec_block = next((b for b in found if b.tag == "envdsl"), None) or next(
        (b for b in found if b.tag not in ("yaml", "yml", "json") and ENV_START.match(b.body)), None
    )
    seed_block = next((b for b in found if b.tag in ("yaml", "yml")), None)
    if spec_block is not None:
        spec, closed = spec_block.body, spec_block.closed
    else:
        bare = BARE_ENV.search(answer)
        if bare is None:
            raise ExtractError(
                "no-spec",
                "the answer has no spec: expected a ```envdsl fenced block holding `env NAME { … }`",
            )
        spec, closed = _bare_env(answer[bare.start() :]), True
    name_match = re.search(r"env\s+([A-Za-z_][A-Za-z0-9_]*)", spec)
    env_name = name_match.group(1) if name_match else "env"
    depth = _brace_depth(spec)
    if finish_reason == "length" or not closed or depth > 0:
        why = (
            "the server stopped at its token limit"
            if finish_reason == "length"
            else "a ``` fence is never closed"
            if not closed
            else f"{depth} brace{'s' if depth != 1 else ''} never closed"
        )
        raise ExtractError(
            "truncated", f"the spec is truncated ({why}); answer again with the whole spec, shorter if needed"
        )
    if seed_block is not None and (not seed_block.closed and finish_reason == "length"):
        raise ExtractError("truncated", "the seed YAML is truncated; answer again with the whole seed")
    if parse_check:
        message = syntax_errors(spec)
        if message:
            raise ExtractError("syntax", message)
    return Extracted(spec.rstrip() + "\n", seed_block.body if seed_block else None, env_name)


def syntax_errors(spec: str, shown: str = "spec.envdsl") -> str | None:
    """The parser's diagnostics for `spec` (concise), or None when it parses."""
    from envdsl.diagnostics.diagnostic import has_errors
    from envdsl.diagnostics.render import render
    from envdsl.diagnostics.span import SourceMap
    from envdsl.syntax.parser import parse

    _, diagnostics = parse(spec, shown)
    if not has_errors(diagnostics):
        return None
    sources = SourceMap()
    sources.add(shown, spec)
    return "the spec does not parse:\n" + render([d for d in diagnostics if d.is_error], sources, "concise").rstrip()


def _brace_depth(text: str) -> int:
    """Open `{` minus `}` outside strings and comments: > 0 means the text was cut off."""
    return _scan(text)[0]


def _scan(text: str) -> tuple[int, int | None]:
    """(open-brace depth at the end, index just after the first `}` that closes the outermost brace)."""
    depth = 0
    closed_at: int | None = None
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith('"""', i):
            end = text.find('"""', i + 3)
            if end < 0:
                return depth + 1, closed_at  # an unterminated triple-quoted string is a cut-off too
            i = end + 3
            continue
        if c == '"':
            i += 1
            while i < n and text[i] not in '"\n':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0 and closed_at is None:
                closed_at = i + 1
        i += 1
    return depth, closed_at


def _bare_env(text: str) -> str:
    """From `env NAME {` to its matching `}` (or the end of the answer, which then counts as truncated)."""
    closed_at = _scan(text)[1]
    return text[:closed_at] if closed_at is not None else text
