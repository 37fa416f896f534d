"""The one renderer of diagnostics: `full` (rustc-style), `concise`, `json`.

Offsets become line:col only here. Paths are shown as they were given to the
reader, so output is stable across machines (goldens depend on that).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from envdsl.diagnostics.codes import CODES
from envdsl.diagnostics.diagnostic import Diagnostic, Label
from envdsl.diagnostics.span import SourceMap

FORMATS = ("full", "concise", "json")


def render(diagnostics: Iterable[Diagnostic], sources: SourceMap, fmt: str = "full") -> str:
    diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
    if fmt == "json":
        return json.dumps([to_json(d, sources) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"
    if fmt == "concise":
        return "".join(_concise(d, sources) + "\n" for d in diagnostics)
    return "".join(_full(d, sources) + "\n" for d in diagnostics)


def summary(diagnostics: Iterable[Diagnostic]) -> str:
    diagnostics = list(diagnostics)
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts) if parts else "no problems"


def _location(label: Label | None, sources: SourceMap) -> tuple[str, int, int]:
    if label is None:
        return "<unknown>", 0, 0
    source = sources.get(label.span.path)
    if source is None:
        return label.span.path, 0, 0
    line, col = source.line_col(label.span.start)
    return label.span.path, line, col


def _concise(d: Diagnostic, sources: SourceMap) -> str:
    path, line, col = _location(d.primary, sources)
    where = f"{path}:{line}:{col}" if line else path
    return f"{where}: {d.severity.value}[{d.code}]: {d.message}"


def _full(d: Diagnostic, sources: SourceMap) -> str:
    out = [f"{d.severity.value}[{d.code}]: {d.message}"]
    primary = d.primary
    path, line, col = _location(primary, sources)
    labels_by_file: dict[str, list[Label]] = {}
    for label in d.labels:
        labels_by_file.setdefault(label.span.path, []).append(label)
    lines_shown = [
        sources.get(p).line_col(lbl.span.start)[0] for p, lbls in labels_by_file.items() if sources.get(p) for lbl in lbls
    ]
    gutter = len(str(max(lines_shown))) if lines_shown else 1
    pad = " " * gutter
    out.append(f"{pad}--> {path}:{line}:{col}" if line else f"{pad}--> {path}")
    for file_path, labels in labels_by_file.items():
        source = sources.get(file_path)
        if source is None:
            continue
        if file_path != path:
            first_line, first_col = source.line_col(labels[0].span.start)
            out.append(f"{pad}::: {file_path}:{first_line}:{first_col}")
        out.append(f"{pad} |")
        by_line: dict[int, list[Label]] = {}
        for label in labels:
            by_line.setdefault(source.line_col(label.span.start)[0], []).append(label)
        previous = None
        for number in sorted(by_line):
            if previous is not None and number > previous + 1:
                out.append(f"{pad} ...")
            previous = number
            raw = source.line_text(number)
            text = raw.expandtabs(4).rstrip()
            out.append(f"{number:>{gutter}} | {text}" if text else f"{number:>{gutter}} |")
            for label in sorted(by_line[number], key=lambda lb: (not lb.primary, lb.span.start)):
                _, start_col = source.line_col(label.span.start)
                end_line, end_col = source.line_col(label.span.end)
                # Columns are counted in the raw line; draw them in the tab-expanded one.
                start = len(raw[: start_col - 1].expandtabs(4))
                end = len(raw[: end_col - 1].expandtabs(4)) if end_line == number else len(text)
                mark = ("^" if label.primary else "-") * max(1, end - start)
                caption = f" {label.message}" if label.message else ""
                out.append(f"{pad} | {' ' * start}{mark}{caption}")
    for note in d.notes:
        out.append(f"{pad} = note: {note}")
    if d.help:
        out.append(f"{pad} = help: {d.help}")
    return "\n".join(out) + "\n"


def to_json(d: Diagnostic, sources: SourceMap) -> dict:
    def label_json(label: Label) -> dict:
        source = sources.get(label.span.path)
        start = source.line_col(label.span.start) if source else (0, 0)
        end = source.line_col(label.span.end) if source else (0, 0)
        return {
            "path": label.span.path,
            "start": {"offset": label.span.start, "line": start[0], "column": start[1]},
            "end": {"offset": label.span.end, "line": end[0], "column": end[1]},
            "message": label.message,
            "primary": label.primary,
        }

    code = CODES.get(d.code)
    return {
        "severity": d.severity.value,
        "code": d.code,
        "name": code.name if code else None,
        "message": d.message,
        "labels": [label_json(lb) for lb in d.labels],
        "notes": list(d.notes),
        "help": d.help,
        "fix": None if d.fix is None else {"replacement": d.fix.replacement, "description": d.fix.description, **{
            k: v for k, v in label_json(Label(d.fix.span)).items() if k in ("path", "start", "end")}},
    }
