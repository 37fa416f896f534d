"""`envdsl verify` and `envdsl replay`: the edge where verification meets files and the terminal.

`verify` takes compiled folders, specs, or folders of either. A spec whose
compiled folder (under `--compiled`, default `compiled/`) is up to date is
verified through that folder, so the record lands beside the code it judged;
any other spec is compiled in memory and verified without a record.
Environments run in parallel with `--jobs`; progress goes to stderr.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from envdsl.scale.options import check_ray, ray_option

if TYPE_CHECKING:  # the verifier (hypothesis) is imported when a command runs, not when the CLI starts
    from envdsl.verify.run import EnvResult, Settings

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _compiled_for(spec: Path, compiled_root: Path) -> Path | None:
    """The up-to-date compiled folder of a spec, if there is one."""
    import hashlib

    if not compiled_root.is_dir():
        return None
    text = spec.read_text(encoding="utf-8").replace("\r\n", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for manifest in sorted(compiled_root.glob("*/*/manifest.json")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (manifest.parent / data.get("spec_from_here", "")).resolve() == spec.resolve():
            return manifest.parent if data.get("source_sha256") == digest else None
    return None


def targets(paths: tuple[Path, ...], compiled_root: Path) -> tuple[list[Path], list[str]]:
    """What to verify (compiled folders and specs), and notes for the user."""
    found: list[Path] = []
    notes: list[str] = []
    for path in paths:
        if path.is_dir() and (path / "manifest.json").is_file():
            found.append(path)
        elif path.is_dir():
            compiled = sorted(p.parent for p in path.rglob("manifest.json"))
            specs = sorted(p for p in path.rglob("*.envdsl") if p.is_file())
            found += compiled
            for spec in specs:
                folder = _compiled_for(spec, compiled_root)
                found.append(folder or spec)
                if folder is None:
                    notes.append(
                        f"{spec}: no up-to-date compiled folder under {compiled_root}/; verifying it in memory"
                    )
        elif path.is_file():
            folder = _compiled_for(path, compiled_root)
            found.append(folder or path)
        else:
            raise click.UsageError(f"no such file or folder: {path}")
    unique = list(dict.fromkeys(found))
    return unique, notes


def _run_one(args: tuple[str, Settings]) -> EnvResult:  # noqa: F821 - names from TYPE_CHECKING
    from envdsl.verify.run import verify

    source, settings = args
    return verify(Path(source), settings)


@click.command("verify")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), required=True)
@click.option(
    "--examples", default=200, show_default=True, type=click.IntRange(1), help="Hypothesis examples per environment."
)
@click.option("--steps", default=25, show_default=True, type=click.IntRange(1), help="Calls per example.")
@click.option("--seed", default=0, show_default=True, type=int, help="Random seed: the same seed gives the same run.")
@click.option(
    "--jobs", "-j", default=1, show_default=True, type=click.IntRange(1), help="Environments verified in parallel."
)
@click.option("--report", "report_dir", type=click.Path(path_type=Path), help="Write report.json and report.html here.")
@click.option(
    "--compiled",
    "compiled_root",
    default="compiled",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Where specs' compiled folders live.",
)
@click.option("--format", "fmt", type=click.Choice(["full", "concise"]), default="full", show_default=True)
@click.option("--no-record", is_flag=True, help="Do not write verification.json into compiled folders.")
@ray_option()
def verify_command(
    paths: tuple[Path, ...],
    examples: int,
    steps: int,
    seed: int,
    jobs: int,
    report_dir: Path | None,
    compiled_root: Path,
    fmt: str,
    no_record: bool,
    ray_address: str | None,
) -> None:
    """Verify environments with generated property-based tests; record the verdict.

    Every tool is called from states reached by random call sequences, with
    valid and deliberately invalid arguments, and after every call the
    verifier checks invariants, field checks, references, declared errors,
    atomicity, determinism and return types. Every tool must succeed at
    least once. Exit 0 when all pass, 1 when any fails.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from envdsl.verify.report import render_findings, write_report
    from envdsl.verify.run import Settings
    from envdsl.verify.status import write_record

    check_ray(ray_address)
    found, notes = targets(paths, compiled_root)
    if not found:
        click.echo(f"error: nothing to verify under {', '.join(map(str, paths))}", err=True)
        raise SystemExit(EXIT_USAGE)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    settings = Settings(examples=examples, steps=steps, seed=seed)
    work = [(str(p), settings) for p in found]
    results: dict[str, EnvResult] = {}
    columns = (
        TextColumn("verify"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=_stderr_console(), transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("", total=len(work))
        if ray_address is not None:
            # One Ray task per environment, results in input order (docs/scale.md):
            # the records are byte-identical to a local run's.
            from envdsl.scale import ScaleError, map_shards

            try:
                done = map_shards(_run_one, work, ray_address=ray_address, jobs=jobs if jobs > 1 else None)
            except ScaleError as error:
                click.echo(f"error: {error}", err=True)
                raise SystemExit(EXIT_USAGE) from None
            for result in done:
                results[result.source] = result
                progress.update(task, advance=1, description=f"{result.domain}/{result.name}")
                _echo_result(result, fmt, render_findings)
        elif jobs > 1 and len(work) > 1:
            context = multiprocessing.get_context("spawn")
            with context.Pool(min(jobs, len(work))) as pool:
                for result in pool.imap_unordered(_run_one, work):
                    results[result.source] = result
                    progress.update(task, advance=1, description=f"{result.domain}/{result.name}")
                    _echo_result(result, fmt, render_findings)
        else:
            for item in work:
                progress.update(task, description=Path(item[0]).name)
                result = _run_one(item)
                results[result.source] = result
                progress.update(task, advance=1)
                _echo_result(result, fmt, render_findings)
    ordered = [results[str(p)] for p in found]
    for result in ordered:
        if result.compiled_dir is not None and not no_record:
            write_record(
                result.compiled_dir,
                passed=result.passed,
                settings=settings.to_json(),
                findings=[f.to_json() for f in result.findings],
                stats={name: s.to_json() for name, s in sorted(result.stats.items())},
            )
    if report_dir is not None:
        json_path, html_path = write_report(ordered, settings.to_json(), report_dir)
        click.echo(f"report: {html_path} (and {json_path.name})", err=True)
    failed = [r for r in ordered if not r.passed]
    click.echo(
        f"verified {len(ordered) - len(failed)} of {len(ordered)} environment{'s' * (len(ordered) != 1)}"
        + (f"; {len(failed)} failed: {', '.join(f'{r.domain}/{r.name}' for r in failed)}" if failed else ""),
        err=True,
    )
    raise SystemExit(EXIT_ERRORS if failed else EXIT_OK)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _echo_result(result: EnvResult, fmt: str, render_findings: Any) -> None:
    live = sum(1 for s in result.stats.values() if s.ok)
    head = (
        f"{result.domain}/{result.name}: {result.examples} examples, {result.calls} calls, "
        f"{live}/{len(result.stats)} tools live, {result.seconds.get('total', 0):.1f} s"
    )
    if result.passed:
        click.echo(f"ok      {head}", err=True)
    else:
        click.echo(f"FAILED  {head}, {len(result.findings)} finding{'s' * (len(result.findings) != 1)}", err=True)
        click.echo(render_findings(result, fmt).rstrip("\n"), err=True)


# ------------------------------------------------------------------ replay


def _load_calls(path: Path, finding: int) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise click.UsageError(f"cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise click.UsageError(f"{path} is not JSON: {error}") from None
    if isinstance(data, dict) and "environments" in data:  # a report.json
        data = {"findings": [f for env in data["environments"] for f in env.get("findings", [])]}
    if isinstance(data, dict) and "findings" in data:  # verification.json
        findings = data["findings"]
        if not 1 <= finding <= len(findings):
            raise click.UsageError(f"{path} has {len(findings)} finding(s); --finding {finding} is out of range")
        data = findings[finding - 1]
    if isinstance(data, dict) and "calls" in data:
        data = data["calls"]
    if not isinstance(data, list) or not all(isinstance(c, dict) and "tool" in c for c in data):
        raise click.UsageError(
            f'{path}: expected a list of calls like [{{"tool": ..., "arguments": {{...}}}}], a finding, or a report'
        )
    return data


@click.command("replay")
@click.argument("environment", type=click.Path(path_type=Path, exists=True))
@click.argument("calls_file", type=click.Path(path_type=Path))
@click.option(
    "--finding", default=1, show_default=True, type=int, help="Which finding of a report or record to replay."
)
def replay_command(environment: Path, calls_file: Path, finding: int) -> None:
    """Re-run a call sequence from the seeded state with every verification check.

    CALLS_FILE is a JSON list of calls, a finding, or a verification record /
    report (pick a finding with --finding). Prints each call's result, then
    what the checks found. Exit 1 when a check fails.
    """
    from envdsl.runtime.compiled import LoadError
    from envdsl.runtime.compiled import load as load_compiled
    from envdsl.verify.run import _sources_for
    from envdsl.verify.session import Session

    calls = _load_calls(calls_file, finding)
    try:
        session = Session(load_compiled(environment))
    except LoadError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(EXIT_ERRORS) from None
    found = list(session.seed_findings)
    for i, call in enumerate(calls, 1):
        arguments = call.get("arguments", {})
        if call["tool"] not in session.tools:
            click.echo(f"error: call {i} names no tool of {session.env.name}: {call['tool']!r}", err=True)
            raise SystemExit(EXIT_USAGE)
        outcome = session.step(call["tool"], arguments, invalid=bool(call.get("invalid")))
        shown = json.dumps(arguments, ensure_ascii=False, sort_keys=True)
        line = f"{i}. {call['tool']}({shown})\n   -> {outcome.result}"
        click.echo(line.encode("utf-8", "backslashreplace").decode("utf-8"))  # arguments may hold lone surrogates
        found += outcome.findings
    if not found:
        click.echo("no check failed", err=True)
        raise SystemExit(EXIT_OK)
    from envdsl.diagnostics.render import render

    for f in found:
        f.calls = []
    click.echo(render([f.diagnostic() for f in found], _sources_for(session.env)).rstrip("\n"), err=True)
    raise SystemExit(EXIT_ERRORS)
