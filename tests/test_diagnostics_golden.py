"""Golden tests of what `envdsl check` prints for bad input.

Regenerate every golden from the current compiler, then review the diff:

    python -m pytest tests/test_diagnostics_golden.py --update-goldens

Each folder under `tests/cases/diagnostics/` is one case (see the README
there): `spec.envdsl` and any seed files it names, `case.toml` (a one-line
`description`, the expected `exit` status, and `xfail` for a known checker
bug), `expected.txt` (the exact stderr of `envdsl check spec.envdsl` run with
the case folder as the working directory, so paths are short and stable)
and, for some cases, `expected.json` (the exact stdout of the same command
with `--format json`). The CLI runs in-process, through click's test runner.

A case marked `xfail` holds the output the checker *should* print; the
update flag never rewrites it, and the test fails (strict xfail) once the
checker is fixed, so that the mark is removed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from envdsl.cli import EXIT_ERRORS, EXIT_OK, main
from envdsl.diagnostics.codes import CODES

CASES_DIR = Path(__file__).parent / "cases" / "diagnostics"
REGENERATE = "python -m pytest tests/test_diagnostics_golden.py --update-goldens"
CASE_NAME = re.compile(r"(?:(?P<code>[ew]\d{4})|multi|clean)-[a-z0-9-]+\Z")
HEADLINE = re.compile(r"^(?:error|warning)\[(?P<code>[EW]\d{4})\]", re.MULTILINE)

# Codes no input can trigger today, each with the reason. Keep it short: a
# code here is a code whose wording and span no test pins down.
UNTRIGGERABLE: dict[str, str] = {}


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    description: str
    exit: int
    xfail: str | None

    @property
    def expected_txt(self) -> Path:
        return self.path / "expected.txt"

    @property
    def expected_json(self) -> Path:
        return self.path / "expected.json"


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(p for p in CASES_DIR.iterdir() if p.is_dir()):
        try:
            meta = tomllib.loads((path / "case.toml").read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ValueError(f"{path / 'case.toml'}: {error}") from error
        cases.append(Case(path.name, path, meta["description"], meta["exit"], meta.get("xfail")))
    return cases


CASES = load_cases()


def _param(case: Case):
    marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
    return pytest.param(case, id=case.name, marks=marks)


def run_check(case: Case, fmt: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """`envdsl check spec.envdsl --format FMT` in the case folder: (exit, stdout, stderr)."""
    monkeypatch.chdir(case.path)
    result = CliRunner().invoke(main, ["check", "spec.envdsl", "--format", fmt], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _write_exit(case: Case, exit_code: int) -> None:
    toml = case.path / "case.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r"(?m)^exit = \d+$", f"exit = {exit_code}", text), encoding="utf-8")


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_diagnostics_golden(case: Case, monkeypatch: pytest.MonkeyPatch, update_goldens: bool) -> None:
    exit_code, stdout, stderr = run_check(case, "full", monkeypatch)
    json_out = run_check(case, "json", monkeypatch)[1] if case.expected_json.exists() else None
    if update_goldens and not case.xfail:
        case.expected_txt.write_text(stderr, encoding="utf-8")
        if json_out is not None:
            case.expected_json.write_text(json_out, encoding="utf-8")
        _write_exit(case, exit_code)
        return
    hint = f"case {case.name}: if the new output is right, run `{REGENERATE}` and review the diff"
    assert stdout == "", f"{hint}\n`check` printed to stdout in full format"
    assert stderr == case.expected_txt.read_text(encoding="utf-8"), hint
    if json_out is not None:
        assert json_out == case.expected_json.read_text(encoding="utf-8"), hint
    assert exit_code == case.exit, hint


def test_case_folders_are_complete() -> None:
    assert len(CASES) >= 45
    for case in CASES:
        assert CASE_NAME.match(case.name), f"{case.name}: name it `<code>-what`, `multi-what` or `clean-what`"
        assert (case.path / "spec.envdsl").is_file(), f"{case.name} has no spec.envdsl"
        assert case.expected_txt.is_file(), f"{case.name} has no expected.txt; run `{REGENERATE}`"
        assert case.description.strip(), f"{case.name} has an empty description"
        assert case.exit in (EXIT_OK, EXIT_ERRORS), f"{case.name}: `check` exits {EXIT_OK} or {EXIT_ERRORS}"
        if case.name.startswith("clean-"):
            assert case.exit == EXIT_OK and not _codes_shown(case), f"{case.name} must check clean"


def _codes_shown(case: Case) -> set[str]:
    return set(HEADLINE.findall(case.expected_txt.read_text(encoding="utf-8")))


def test_case_named_for_a_code_shows_that_code() -> None:
    for case in CASES:
        match = CASE_NAME.match(case.name)
        if match and match["code"]:
            assert match["code"].upper() in _codes_shown(case), f"{case.name} does not show {match['code'].upper()}"


def test_every_code_has_a_golden_case() -> None:
    # xfail cases show what should happen, not what does: they prove nothing.
    covered = set().union(*(_codes_shown(c) for c in CASES if not c.xfail))
    missing = sorted(set(CODES) - covered - set(UNTRIGGERABLE))
    assert not missing, f"codes with no passing golden case: {missing}"
    stale = sorted(covered & set(UNTRIGGERABLE))
    assert not stale, f"now triggered by a case; remove from UNTRIGGERABLE: {stale}"
    assert set(UNTRIGGERABLE) <= set(CODES), "UNTRIGGERABLE names a code the registry does not have"
