"""Every error path of `envdsl check` and `envdsl fmt`: message and exit code.

Exit codes (envdsl/cli.py): 0 success, 1 the input has errors (or `fmt
--check` found a difference), 2 usage errors, 3 an internal error. No path
ever prints a traceback.

Most cases run in process through `envdsl.cli.run` — the function behind the
console script, with its internal-error policy. The `Subprocess` cases run
the installed `envdsl` script as a real process, for real exit codes and
streams. Each test works in its own temporary folder, so messages show short
relative paths.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from envdsl import cli

CLEAN = """\
env demo {
  title "Demo"
  domain demo

  entity Item {
    key id: str
    name: str
  }

  tool get_item(item: Item) -> Item "Look up an item." {
    return item
  }
}
"""

# `verbose` is never used: one warning (W0307), no error.
WARNINGS_ONLY = CLEAN.replace("get_item(item: Item)", "get_item(item: Item, verbose: bool)")

# Line 6, column 12: `key id str` lacks the colon.
SYNTAX_ERROR = CLEAN.replace("key id: str", "key id str")

# A type error the checker (not the parser) finds: line 11, column 12.
TYPE_ERROR = CLEAN.replace("return item\n", "return item.nme\n")

# The same spec as CLEAN on one line: valid, but not in the canonical layout.
UNFORMATTED = " ".join(line.strip() for line in CLEAN.splitlines() if line.strip()) + "\n"

INVALID_UTF8 = b'env demo {\n  title "D\xff"\n  domain demo\n}\n'


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    # The internal-error report goes to the temporary folder; keep it inside this test's.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.fixture
def run_cli(workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run the CLI in process: `run_cli("check", "x.envdsl") -> Result`."""

    def run(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["envdsl", *args])
        code = cli.run()
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out
        return Result(code, captured.out, captured.err)

    return run


def _console_script() -> str:
    beside_python = Path(sys.executable).with_name("envdsl")
    found = str(beside_python) if beside_python.exists() else shutil.which("envdsl")
    if found is None:
        pytest.fail("the `envdsl` console script is not installed; run `pip install -e .[dev]`", pytrace=False)
    return found


@pytest.fixture
def run_script(workdir: Path):
    """Run the installed `envdsl` script as a real process."""
    script = _console_script()

    def run(*args: str) -> Result:
        done = subprocess.run([script, *args], cwd=workdir, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr + done.stdout
        return Result(done.returncode, done.stdout, done.stderr)

    return run


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _usage_error(result: Result, message: str) -> None:
    assert result.code == 2, result
    assert message in result.err, result.err
    assert result.out == ""


# ================================================================ usage errors (exit 2)


def test_no_command_prints_usage_and_exits_2(run_script) -> None:
    result = run_script()
    assert result.code == 2
    assert "Usage: envdsl [OPTIONS] COMMAND [ARGS]..." in result.out + result.err
    assert "check" in result.out + result.err and "fmt" in result.out + result.err


@pytest.mark.parametrize("command", ["check", "fmt"])
def test_no_paths(run_script, command: str) -> None:
    result = run_script(command)
    _usage_error(result, "Error: Missing argument 'PATHS...'.")
    assert f"Usage: envdsl {command} [OPTIONS] PATHS..." in result.err


@pytest.mark.parametrize("command", ["check", "fmt"])
def test_missing_path(run_cli, workdir: Path, command: str) -> None:
    write(workdir, "clean.envdsl", CLEAN)
    result = run_cli(command, "clean.envdsl", "nowhere.envdsl")
    _usage_error(result, "error: no such file or directory: nowhere.envdsl")
    assert (workdir / "clean.envdsl").read_text() == CLEAN  # nothing was done to the good one


@pytest.mark.parametrize("command", ["check", "fmt"])
def test_unknown_option(run_cli, workdir: Path, command: str) -> None:
    write(workdir, "clean.envdsl", CLEAN)
    _usage_error(run_cli(command, "--bogus", "clean.envdsl"), "Error: No such option '--bogus'")


def test_unknown_format(run_cli, workdir: Path) -> None:
    write(workdir, "clean.envdsl", CLEAN)
    result = run_cli("check", "--format", "xml", "clean.envdsl")
    _usage_error(result, "Error: Invalid value for '--format': 'xml' is not one of 'full', 'concise', 'json'.")


@pytest.mark.parametrize("command", ["check", "fmt"])
def test_folder_without_specs(run_cli, workdir: Path, command: str) -> None:
    write(workdir, "empty/notes.txt", "not a spec")
    _usage_error(run_cli(command, "empty"), "error: no .envdsl files under empty")


@pytest.mark.parametrize("command", ["check", "fmt"])
def test_folder_named_like_a_spec_is_not_a_spec(run_cli, workdir: Path, command: str) -> None:
    (workdir / "x.envdsl").mkdir()
    _usage_error(run_cli(command, "x.envdsl"), "error: no .envdsl files under x.envdsl")


def test_folder_named_like_a_spec_is_skipped_inside_a_folder(run_cli, workdir: Path) -> None:
    (workdir / "specs" / "x.envdsl").mkdir(parents=True)
    write(workdir, "specs/clean.envdsl", CLEAN)
    result = run_cli("check", "specs")
    assert result.code == 0, result
    assert result.err == "checked 1 spec: no problems\n"


# ================================================================ check


def test_check_clean_spec(run_script, workdir: Path) -> None:
    write(workdir, "clean.envdsl", CLEAN)
    result = run_script("check", "clean.envdsl")
    assert (result.code, result.out, result.err) == (0, "", "checked 1 spec: no problems\n")


def test_check_warnings_only_exits_0(run_script, workdir: Path) -> None:
    write(workdir, "warn.envdsl", WARNINGS_ONLY)
    result = run_script("check", "warn.envdsl")
    assert result.code == 0, result
    assert "warning[W0307]: parameter `verbose` of `get_item` is never used" in result.err
    assert "--> warn.envdsl:10:29" in result.err
    assert result.err.endswith("checked 1 spec: 1 warning\n")


def test_check_syntax_error_exits_1_with_a_located_message(run_script, workdir: Path) -> None:
    write(workdir, "broken.envdsl", SYNTAX_ERROR)
    result = run_script("check", "broken.envdsl")
    assert result.code == 1, result
    assert "error[E0001]: expected `:`; found `str`" in result.err
    assert "--> broken.envdsl:6:12" in result.err
    assert "    key id str\n" in result.err and "^^^ unexpected `str`" in result.err
    assert result.err.endswith("checked 1 spec: 1 error\n")


def test_check_type_error_exits_1(run_cli, workdir: Path) -> None:
    write(workdir, "typo.envdsl", TYPE_ERROR)
    result = run_cli("check", "typo.envdsl")
    assert result.code == 1, result
    assert "error[E0104]: `Item` has no field `nme`" in result.err
    assert "--> typo.envdsl:11:17" in result.err
    assert "help: did you mean `name`?" in result.err


def test_check_reports_every_file_and_every_error(run_cli, workdir: Path) -> None:
    write(workdir, "specs/a/broken.envdsl", SYNTAX_ERROR)
    write(workdir, "specs/b/typo.envdsl", TYPE_ERROR)
    write(workdir, "specs/c/warn.envdsl", WARNINGS_ONLY)
    write(workdir, "specs/d/clean.envdsl", CLEAN)
    result = run_cli("check", "specs")
    assert result.code == 1
    assert "--> specs/a/broken.envdsl:6:12" in result.err
    assert "--> specs/b/typo.envdsl:11:17" in result.err
    assert "--> specs/c/warn.envdsl:10:29" in result.err
    assert result.err.endswith("checked 4 specs: 2 errors, 1 warning\n")


def test_check_invalid_utf8_is_a_located_error(run_script, workdir: Path) -> None:
    write(workdir, "latin1.envdsl", INVALID_UTF8)
    result = run_script("check", "latin1.envdsl")
    assert result.code == 1, result
    assert "error[E0005]: cannot read `latin1.envdsl`: 'utf-8' codec can't decode byte 0xff" in result.err
    assert "--> latin1.envdsl:1:1" in result.err
    assert result.err.endswith("checked 1 spec: 1 error\n")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_check_unreadable_file_is_a_located_error(run_cli, workdir: Path) -> None:
    locked = write(workdir, "locked.envdsl", CLEAN)
    locked.chmod(0)
    try:
        result = run_cli("check", "locked.envdsl")
    finally:
        locked.chmod(0o644)
    assert result.code == 1, result
    assert "error[E0005]: cannot read `locked.envdsl`: Permission denied" in result.err
    assert "--> locked.envdsl:1:1" in result.err


def test_check_json_is_valid_json_with_code_line_and_column(run_script, workdir: Path) -> None:
    write(workdir, "broken.envdsl", SYNTAX_ERROR)
    write(workdir, "warn.envdsl", WARNINGS_ONLY)
    result = run_script("check", "--format", "json", "broken.envdsl", "warn.envdsl")
    assert result.code == 1, result
    assert result.err == ""  # stdout is the JSON document and nothing else
    items = json.loads(result.out)
    found = [
        (item["severity"], item["code"], item["name"], label["path"], label["start"]["line"], label["start"]["column"])
        for item in items
        for label in item["labels"]
        if label["primary"]
    ]
    assert found == [
        ("error", "E0001", "unexpected-token", "broken.envdsl", 6, 12),
        ("warning", "W0307", "unused-parameter", "warn.envdsl", 10, 29),
    ]
    assert items[0]["message"] == "expected `:`; found `str`"


def test_check_json_of_a_clean_spec_is_an_empty_list(run_cli, workdir: Path) -> None:
    write(workdir, "clean.envdsl", CLEAN)
    result = run_cli("check", "--format", "json", "clean.envdsl")
    assert result.code == 0
    assert json.loads(result.out) == []


def test_check_concise_format(run_cli, workdir: Path) -> None:
    write(workdir, "broken.envdsl", SYNTAX_ERROR)
    result = run_cli("check", "--format", "concise", "broken.envdsl")
    assert result.code == 1
    assert result.err == "broken.envdsl:6:12: error[E0001]: expected `:`; found `str`\nchecked 1 spec: 1 error\n"


def test_internal_error_is_a_short_report_with_exit_3(run_cli, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import envdsl.workspace

    def crash(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(envdsl.workspace, "load_spec", crash)
    write(workdir, "clean.envdsl", CLEAN)
    result = run_cli("check", "clean.envdsl")
    assert result.code == 3, result
    assert result.err.startswith("internal error: envdsl hit a bug (RuntimeError). Nothing was written. Details: ")
    report = Path(result.err.split("Details: ", 1)[1].split("\n", 1)[0])
    assert report.parent == workdir
    assert "RuntimeError: simulated bug" in report.read_text()


# ================================================================ fmt


def format_text(text: str, path: str) -> str:
    from envdsl.syntax.fmt import format_text as fmt

    formatted, diagnostics = fmt(text, path)
    assert formatted is not None, diagnostics
    return formatted


def test_fmt_check_on_an_unformatted_file_exits_1_and_changes_nothing(run_script, workdir: Path) -> None:
    path = write(workdir, "ugly.envdsl", UNFORMATTED)
    assert format_text(UNFORMATTED, "ugly.envdsl") != UNFORMATTED  # the premise
    result = run_script("fmt", "--check", "ugly.envdsl")
    assert result.code == 1, result
    assert result.err == "would reformat ugly.envdsl\n1 of 1 file would reformat\n"
    assert path.read_text() == UNFORMATTED


def test_fmt_check_on_a_formatted_file_exits_0(run_cli, workdir: Path) -> None:
    write(workdir, "tidy.envdsl", format_text(UNFORMATTED, "tidy.envdsl"))
    result = run_cli("fmt", "--check", "tidy.envdsl")
    assert (result.code, result.err) == (0, "0 of 1 file would reformat\n"), result


def test_fmt_rewrites_the_file(run_script, workdir: Path) -> None:
    path = write(workdir, "ugly.envdsl", UNFORMATTED)
    result = run_script("fmt", "ugly.envdsl")
    assert result.code == 0, result
    assert result.err == "reformatted ugly.envdsl\n1 of 1 file reformatted\n"
    assert path.read_text() == format_text(UNFORMATTED, "ugly.envdsl")
    assert [p.name for p in workdir.iterdir() if p.is_file()] == ["ugly.envdsl"]  # no temporary file left behind
    again = run_script("fmt", "--check", "ugly.envdsl")
    assert again.code == 0, again


def test_fmt_diff_shows_the_change_without_writing(run_cli, workdir: Path) -> None:
    path = write(workdir, "ugly.envdsl", UNFORMATTED)
    result = run_cli("fmt", "--check", "--diff", "ugly.envdsl")
    assert result.code == 1
    assert result.out.startswith("--- ugly.envdsl\n+++ ugly.envdsl\n")
    assert "-" + UNFORMATTED in result.out
    assert '+  title "Demo"\n' in result.out
    assert path.read_text() == UNFORMATTED


def test_fmt_on_a_syntax_error_exits_1_and_changes_nothing(run_script, workdir: Path) -> None:
    path = write(workdir, "broken.envdsl", SYNTAX_ERROR)
    result = run_script("fmt", "broken.envdsl")
    assert result.code == 1, result
    assert "error[E0001]: expected `:`; found `str`" in result.err
    assert "--> broken.envdsl:6:12" in result.err
    assert result.err.endswith("0 of 1 file reformatted\n")
    assert path.read_text() == SYNTAX_ERROR


def test_fmt_formats_type_errors(run_cli, workdir: Path) -> None:
    """fmt needs a syntax tree, not a checked one: a spec with a type error is still formatted."""
    one_line = " ".join(TYPE_ERROR.split()) + "\n"
    path = write(workdir, "typo.envdsl", one_line)
    result = run_cli("fmt", "typo.envdsl")
    assert result.code == 0, result
    assert path.read_text() == format_text(one_line, "typo.envdsl") != one_line


def test_fmt_invalid_utf8_exits_1(run_script, workdir: Path) -> None:
    path = write(workdir, "latin1.envdsl", INVALID_UTF8)
    result = run_script("fmt", "latin1.envdsl")
    assert result.code == 1, result
    assert "error: cannot read latin1.envdsl: 'utf-8' codec can't decode byte 0xff" in result.err
    assert path.read_bytes() == INVALID_UTF8


def test_fmt_goes_on_after_a_bad_file(run_cli, workdir: Path) -> None:
    broken = write(workdir, "specs/a/broken.envdsl", SYNTAX_ERROR)
    ugly = write(workdir, "specs/b/ugly.envdsl", UNFORMATTED)
    result = run_cli("fmt", "specs")
    assert result.code == 1, result
    assert "--> specs/a/broken.envdsl:6:12" in result.err
    assert result.err.endswith("reformatted specs/b/ugly.envdsl\n1 of 2 files reformatted\n")
    assert broken.read_text() == SYNTAX_ERROR
    assert ugly.read_text() == format_text(UNFORMATTED, "specs/b/ugly.envdsl")
