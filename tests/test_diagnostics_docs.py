"""The diagnostics catalog and the docs generated from it.

`docs/diagnostics.md` must be exactly what `render_markdown()` generates;
every code in the registry has a catalog entry; and every example is true:
run through the real front end (`load_spec`: parse, check, seed), each bad
example reports its own code and no other error, and each fixed example
reports nothing at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from envdsl.cli import EXIT_OK, EXIT_USAGE, main
from envdsl.diagnostics.catalog import CATALOG, DOCS_PATH, REGENERATE, Entry, Example, lookup, render_markdown, suggest
from envdsl.diagnostics.codes import CODES
from envdsl.workspace import load_spec


def test_docs_are_generated_from_the_catalog() -> None:
    assert DOCS_PATH.read_text(encoding="utf-8") == render_markdown(), (
        f"{DOCS_PATH.name} is stale: regenerate it with `{REGENERATE}` and commit the result"
    )


def test_every_code_has_exactly_one_entry() -> None:
    assert sorted(CATALOG) == sorted(CODES)


def _codes_reported(example: Example, folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    folder.mkdir()
    (folder / "spec.envdsl").write_bytes(example.spec.encode(example.encoding))
    for name, text in example.files:
        (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(folder)
    return [d.code for d in load_spec(Path("spec.envdsl")).diagnostics]


@pytest.mark.parametrize("entry", list(CATALOG.values()), ids=list(CATALOG))
def test_bad_example_reports_its_code(entry: Entry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = _codes_reported(entry.bad, tmp_path / "bad", monkeypatch)
    errors = {c for c in codes if c.startswith("E")}
    assert entry.code in codes, f"the bad example of {entry.code} reports {codes}"
    assert errors <= {entry.code}, f"the bad example of {entry.code} also reports {sorted(errors - {entry.code})}"


@pytest.mark.parametrize("entry", list(CATALOG.values()), ids=list(CATALOG))
def test_fixed_example_is_clean(entry: Entry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    codes = _codes_reported(entry.good, tmp_path / "good", monkeypatch)
    assert codes == [], f"the fixed example of {entry.code} reports {codes}"


@pytest.mark.parametrize(
    ("query", "code"),
    [("E0103", "E0103"), ("e0103", "E0103"), ("103", "E0103"), ("unknown-name", "E0103"), ("W0302", "W0302"), ("302", "W0302")],
)
def test_lookup_accepts_codes_and_names(query: str, code: str) -> None:
    entry = lookup(query)
    assert entry is not None and entry.code == code


@pytest.mark.parametrize(
    ("query", "guess"),
    [("E0130", "E0103"), ("E0302", "W0302"), ("W0103", "E0103"), ("unknwn-name", "unknown-name"), ("zzz", None)],
)
def test_suggest_nearest_code(query: str, guess: str | None) -> None:
    assert lookup(query) is None
    assert suggest(query) == guess


def test_explain_prints_one_entry() -> None:
    result = CliRunner().invoke(main, ["explain", "E0103"])
    assert result.exit_code == EXIT_OK
    assert result.stdout.startswith("## E0103 `unknown-name` (error)\n")
    assert "**Use instead**" in result.stdout
    assert result.stderr == ""


def test_explain_without_a_code_lists_every_code() -> None:
    result = CliRunner().invoke(main, ["explain"])
    assert result.exit_code == EXIT_OK
    assert [line.split()[0] for line in result.stdout.splitlines()] == list(CODES)


def test_explain_unknown_code_is_a_usage_error_with_a_suggestion() -> None:
    result = CliRunner().invoke(main, ["explain", "E0130"])
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    assert result.stderr == "error: no diagnostic code `E0130`; did you mean `E0103`? (`envdsl explain` lists them all)\n"


def test_explain_unknown_code_without_a_near_match() -> None:
    result = CliRunner().invoke(main, ["explain", "nonsense"])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr == "error: no diagnostic code `nonsense` (`envdsl explain` lists them all)\n"
