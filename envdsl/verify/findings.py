"""What verification finds, as data: `Finding`s, and their diagnostics.

A finding has a kind (one of `KINDS`, each with a stable code `V####`), the
tool it is about (if any), the span in the spec it points at (the tool, the
failing `require`, the broken invariant or field check) and the call
sequence, from the seeded state, that shows it (shrunk before reporting).
The verification codes live here rather than in `diagnostics/codes.py`
because they describe runs, not source text; `render` shows them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from envdsl.diagnostics.diagnostic import Diagnostic, Label, Severity
from envdsl.diagnostics.span import Span

# kind -> (code, one-line description)
KINDS: dict[str, tuple[str, str]] = {
    "load-failed": ("V0001", "The schema or the seed data does not load."),
    "invariant-broken": ("V0101", "A declared invariant is false in a reachable state."),
    "field-check-broken": ("V0102", "A field check is false for a row of a reachable state."),
    "dangling-reference": ("V0103", "A reference field names a row that does not exist."),
    "undeclared-error": (
        "V0201",
        "A tool failed with an error it does not declare (a crash, a constraint, division by zero).",
    ),
    "invalid-arguments-accepted": ("V0202", "Deliberately invalid arguments were not rejected with InvalidArguments."),
    "valid-arguments-rejected": ("V0203", "Valid arguments were rejected with InvalidArguments."),
    "failed-call-changed-state": ("V0301", "A call that failed changed the state."),
    "read-only-tool-changed-state": ("V0302", "A tool without write effects changed the state."),
    "nondeterministic": ("V0303", "The same calls from the same state gave different results or states."),
    "state-hash-drift": ("V0304", "The runtime's incremental state hash disagrees with a full rescan of the state."),
    "return-type-mismatch": ("V0401", "A result does not match the tool's declared return type."),
    "result-not-json": ("V0402", "A result does not serialize to JSON."),
    "dead-tool": ("V0501", "A tool never succeeded in any reachable state that was tried."),
}

Call = dict[str, Any]  # {"tool": name, "arguments": {...}}


@dataclass
class Finding:
    kind: str
    message: str
    tool: str | None = None
    span: Span | None = None
    secondary: tuple[tuple[Span, str], ...] = ()
    calls: list[Call] = field(default_factory=list)  # from the seeded state; the last one shows it
    notes: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return KINDS[self.kind][0]

    @property
    def identity(self) -> tuple:
        """Findings with the same identity are the same defect (kept once)."""
        return (self.kind, self.tool, self.span)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "tool": self.tool,
            "message": self.message,
            "span": _span_json(self.span),
            "secondary": [{"span": _span_json(s), "label": label} for s, label in self.secondary],
            "notes": list(self.notes),
            "calls": self.calls,
        }

    def diagnostic(self) -> Diagnostic:
        labels = []
        if self.span is not None:
            labels.append(Label(self.span, KINDS[self.kind][1].rstrip("."), primary=True))
        labels += [Label(s, text) for s, text in self.secondary]
        notes = list(self.notes)
        if self.calls:
            notes.append("calls from the seeded state (replay with `envdsl replay`):\n" + format_calls(self.calls))
        return Diagnostic(Severity.ERROR, self.code, self.message, tuple(labels), tuple(notes))


def _span_json(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"path": span.path, "start": span.start, "end": span.end}


def format_calls(calls: list[Call]) -> str:
    import json

    return "\n".join(
        f"  {i}. {c['tool']}({json.dumps(c['arguments'], ensure_ascii=False, sort_keys=True)})"
        for i, c in enumerate(calls, 1)
    )
