"""Diagnostics are data: every phase returns them, nothing raises them.

A `Diagnostic` carries a stable code from `codes.py`, a message (worded in
`messages.py`), one primary label and any number of secondary ones, notes, an
optional help line and an optional machine-applicable fix. Rendering lives in
`render.py`; which severities stop a run is the caller's policy.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from envdsl.diagnostics.span import Span


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Label:
    span: Span
    message: str = ""
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Fix:
    """Replace the text of `span` with `replacement`."""

    span: Span
    replacement: str
    description: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    labels: tuple[Label, ...]
    notes: tuple[str, ...] = ()
    help: str | None = None
    fix: Fix | None = None

    @property
    def primary(self) -> Label | None:
        for label in self.labels:
            if label.primary:
                return label
        return self.labels[0] if self.labels else None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        label = self.primary
        if label is None:
            return ("", 0, self.code)
        return (label.span.path, label.span.start, self.code, self.message)


def has_errors(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> bool:
    return any(d.is_error for d in diagnostics)
