"""The `envdsl` command line.

Exit codes, for every command: 0 success, 1 the input has errors (or
`--check` found a difference), 2 usage errors (bad flags, missing paths),
3 an internal error — a bug in envdsl, reported in one short paragraph with
the traceback saved to a file instead of printed.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
from pathlib import Path

import click

from envdsl.corpus import corpus_command
from envdsl.diagnostics.diagnostic import Diagnostic, has_errors
from envdsl.diagnostics.render import FORMATS, render, summary, to_json
from envdsl.files import write_atomic
from envdsl.graph.cli import graph_command
from envdsl.importers.cli import import_command
from envdsl.llm.cli import propose_command, revise_command, scenarios_command
from envdsl.sample.cli import sample_command
from envdsl.serve.cli import serve_command
from envdsl.verify.cli import replay_command, verify_command

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _paths_argument():
    return click.argument("paths", nargs=-1, type=click.Path(path_type=Path), required=True)


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    from envdsl.workspace import find_specs

    specs, problems = find_specs(list(paths))
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        raise SystemExit(EXIT_USAGE)
    if not specs:
        click.echo(f"error: no {'.envdsl'} files under {', '.join(map(str, paths))}", err=True)
        raise SystemExit(EXIT_USAGE)
    return specs


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="envdsl")
def main() -> None:
    """envdsl: compile environment specs into verified, executable tool-use environments."""


@main.command("check")
@_paths_argument()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="full", show_default=True, help="How to show diagnostics.")
@click.option("--no-seed", is_flag=True, help="Skip validating seed data.")
def check_command(paths: tuple[Path, ...], fmt: str, no_seed: bool) -> None:
    """Parse and type-check specs (and their seed data); report every problem."""
    from envdsl.workspace import load_spec

    specs = _expand(paths)
    all_diagnostics = []
    chunks: list[str] = []
    json_items: list[dict] = []
    for path in specs:
        loaded = load_spec(path, with_seed=not no_seed)
        all_diagnostics.extend(loaded.diagnostics)
        if fmt == "json":
            json_items.extend(to_json(d, loaded.sources) for d in sorted(loaded.diagnostics, key=Diagnostic.sort_key))
        elif loaded.diagnostics:
            chunks.append(render(loaded.diagnostics, loaded.sources, fmt))
    if fmt == "json":
        click.echo(json.dumps(json_items, indent=2, ensure_ascii=False))
    else:
        if chunks:
            click.echo("".join(chunks).rstrip("\n") + "\n", err=True, nl=False)
        click.echo(f"checked {len(specs)} spec{'s' if len(specs) != 1 else ''}: {summary(all_diagnostics)}", err=True)
    raise SystemExit(EXIT_ERRORS if has_errors(all_diagnostics) else EXIT_OK)


@main.command("fmt")
@_paths_argument()
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a diff of what would change.")
def fmt_command(paths: tuple[Path, ...], check_only: bool, show_diff: bool) -> None:
    """Rewrite specs in the canonical layout (comments kept)."""
    import difflib

    from envdsl.diagnostics.span import SourceMap
    from envdsl.syntax.fmt import format_text
    from envdsl.workspace import display

    specs = _expand(paths)
    failed = False
    changed: list[str] = []
    for path in specs:
        shown = display(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            click.echo(f"error: cannot read {shown}: {error}", err=True)
            failed = True
            continue
        formatted, diagnostics = format_text(text, shown)
        if formatted is None:
            sources = SourceMap()
            sources.add(shown, text)
            click.echo(render(diagnostics, sources, "full"), err=True, nl=False)
            failed = True
            continue
        if formatted == text:
            continue
        changed.append(shown)
        if show_diff:
            click.echo("".join(difflib.unified_diff(text.splitlines(True), formatted.splitlines(True), shown, shown)), nl=False)
        if not check_only:
            try:
                _atomic_write(path, formatted)
            except OSError as error:  # a read-only folder, a full disk: the spec stays as it was
                click.echo(f"error: cannot write {shown}: {error.strerror or error}", err=True)
                changed.remove(shown)
                failed = True
    verb = "would reformat" if check_only else "reformatted"
    for shown in changed:
        click.echo(f"{verb} {shown}", err=True)
    click.echo(f"{len(changed)} of {len(specs)} file{'s' if len(specs) != 1 else ''} {verb}", err=True)
    raise SystemExit(EXIT_ERRORS if failed or (check_only and changed) else EXIT_OK)


@main.command("explain")
@click.argument("code", required=False)
def explain_command(code: str | None) -> None:
    """Explain a diagnostic CODE (`E0103` or `unknown-name`): what it means, a bad example and its fix.

    Without a code, list every code.
    """
    from envdsl.diagnostics.catalog import lookup, render_entry, suggest
    from envdsl.diagnostics.codes import CODES

    if code is None:
        for known in CODES.values():
            click.echo(f"{known.code}  {known.name:<26} {known.summary}")
        raise SystemExit(EXIT_OK)
    entry = lookup(code)
    if entry is None:
        guess = suggest(code)
        hint = f"; did you mean `{guess}`?" if guess else ""
        click.echo(f"error: no diagnostic code `{code}`{hint} (`envdsl explain` lists them all)", err=True)
        raise SystemExit(EXIT_USAGE)
    click.echo(render_entry(entry), nl=False)
    raise SystemExit(EXIT_OK)


@main.command("compile")
@_paths_argument()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("compiled"), show_default=True, help="Folder for compiled/<domain>/<env>/.")
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 listing stale or missing files, with a diff.")
def compile_command(paths: tuple[Path, ...], out_dir: Path, check_only: bool) -> None:
    """Compile specs into schema.sql, tools.py, tools.json and manifest.json per environment."""
    from envdsl.emit.driver import Mode, apply, build_output
    from envdsl.workspace import load_spec

    specs = _expand(paths)
    outputs = []
    failed = False
    chunks: list[str] = []
    for path in specs:
        loaded = load_spec(path)
        if loaded.diagnostics and has_errors(loaded.diagnostics):
            chunks.append(render(loaded.diagnostics, loaded.sources, "full"))
        if not loaded.ok or loaded.env is None:
            failed = True
            continue
        seed = loaded.seed
        text = path.read_text(encoding="utf-8")
        outputs.append(
            build_output(loaded.env, path, text, out_dir, getattr(seed, "hash", None), seed.count() if seed is not None else 0)  # type: ignore[attr-defined]
        )
    if chunks:
        click.echo("".join(chunks).rstrip("\n") + "\n", err=True, nl=False)
    report = apply(outputs, out_dir, Mode.CHECK if check_only else Mode.WRITE)
    if check_only:
        for outcome in report.problems:
            click.echo(outcome.diff, nl=False)
        for outcome in report.problems:
            click.echo(f"{outcome.status}: {out_dir.as_posix()}/{outcome.path}", err=True)
        if report.problems:
            command = "envdsl compile " + " ".join(p.as_posix() for p in paths)
            if out_dir != Path("compiled"):
                command += f" --out {out_dir.as_posix()}"
            click.echo(f"{len(report.problems)} generated file(s) out of date; regenerate with: {command}", err=True)
        else:
            click.echo(f"{len(outputs)} environment(s) up to date in {out_dir.as_posix()}/", err=True)
        raise SystemExit(EXIT_ERRORS if failed or report.problems else EXIT_OK)
    changed = sorted({o.path.rsplit("/", 1)[0] for o in report.written})
    for folder in changed:
        click.echo(f"wrote {out_dir.as_posix()}/{folder}/", err=True)
    click.echo(f"compiled {len(outputs)} of {len(specs)} spec(s): {len(changed)} changed", err=True)
    raise SystemExit(EXIT_ERRORS if failed else EXIT_OK)


@main.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only transport; accepted for editors that pass it).")
def lsp_command(stdio: bool) -> None:
    """Run the language server over stdio, for editors (see docs/editors.md)."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError as error:
        click.echo(
            f"error: the language server needs pygls and lsprotocol ({error.name} is not installed); "
            'install them with: pip install "envdsl[lsp]"',
            err=True,
        )
        raise SystemExit(EXIT_USAGE) from None
    from envdsl.lsp.server import serve

    serve()
    raise SystemExit(EXIT_OK)


main.add_command(serve_command)
main.add_command(graph_command)
main.add_command(sample_command)
main.add_command(corpus_command)
main.add_command(verify_command)
main.add_command(replay_command)
main.add_command(scenarios_command)
main.add_command(propose_command)
main.add_command(revise_command)
main.add_command(import_command)


def _atomic_write(path: Path, text: str) -> None:
    write_atomic(path, text)


def run() -> int:
    """Entry point with the internal-error policy of the module docstring."""
    try:
        main.main(standalone_mode=False)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_ERRORS
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    except Exception:  # noqa: BLE001 - the one place bugs are turned into a report
        with tempfile.NamedTemporaryFile("w", prefix="envdsl-crash-", suffix=".txt", delete=False) as report:
            traceback.print_exc(file=report)
        kind = sys.exc_info()[0]
        click.echo(
            f"internal error: envdsl hit a bug ({kind.__name__ if kind else 'unknown'}). "
            f"Nothing was written. Details: {report.name}\nPlease report it with the spec that triggered it.",
            err=True,
        )
        return EXIT_INTERNAL
    return EXIT_OK


def entry() -> None:
    sys.exit(run())
