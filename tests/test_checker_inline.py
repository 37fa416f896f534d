"""Checker tests with the expected diagnostics written beside the offending line.

Each `tests/cases/inline/*.envdsl` marks what the checker must report on a
line with a trailing comment: `// E: E0204 may be none` or `// W: W0305 …`
(code, then a fragment of the message, label or help; several on one line
are written one after the other). Every error the
checker reports must be annotated, and so must every warning whose code is
annotated somewhere in the same file (so a file about narrowing need not
annotate each unused local).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from envdsl.check.checker import check
from envdsl.diagnostics.span import SourceFile
from envdsl.syntax.parser import parse

CASES = sorted((Path(__file__).parent / "cases" / "inline").glob("*.envdsl"))
ANNOTATION = re.compile(r"//\s*(?P<kind>[EW]):\s*(?P<code>[EW]\d{4})\s*(?P<text>(?:(?!//).)*)")


def _expected(text: str) -> list[tuple[int, str, str]]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in ANNOTATION.finditer(line):
            out.append((number, match["code"], match["text"].strip()))
    return out


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_inline_expectations(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    module, diagnostics = parse(text, path.name)
    assert not diagnostics, f"{path.name} must parse: {diagnostics}"
    _, diagnostics = check(module)
    source = SourceFile(path.name, text)
    expected = _expected(text)
    annotated_codes = {code for _, code, _ in expected}
    actual = []
    for d in diagnostics:
        primary = d.primary
        assert primary is not None
        line = source.line_col(primary.span.start)[0]
        blob = " ".join([d.message, *(label.message for label in d.labels), d.help or "", *d.notes])
        actual.append((line, d.code, blob))
    missing = [
        (line, code, frag)
        for line, code, frag in expected
        if not any(a_line == line and a_code == code and frag in blob for a_line, a_code, blob in actual)
    ]
    unexpected = [
        (line, code, blob)
        for line, code, blob in actual
        if (code.startswith("E") or code in annotated_codes)
        and not any(e_line == line and e_code == code for e_line, e_code, _ in expected)
    ]
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


def test_every_case_annotates_something() -> None:
    assert CASES, "no inline cases found"
    for path in CASES:
        assert _expected(path.read_text(encoding="utf-8")), f"{path.name} has no annotations"
