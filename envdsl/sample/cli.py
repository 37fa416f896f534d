"""`envdsl sample PATHS --n N --seed S --out tasks.jsonl`: calibrated tasks from verified environments.

Rule: nothing is sampled from an environment that is not verified (the
`verification.json` gate); the refusal names the folder and the command to
run, with exit code 1. Output is the task file plus, beside it,
`<name>.summary.json`, `<name>.drops.jsonl` (every dropped candidate with its
reason) and `<name>.summary.png`. Exit codes follow `envdsl.cli`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from envdsl.scale.options import check_ray, ray_option


def compiled_folders(paths: tuple[Path, ...]) -> list[Path]:
    """Compiled environment folders (holding manifest.json) given or found under the paths, sorted."""
    found: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise click.UsageError(f"no such file or directory: {path}")
        if path.is_file():
            if path.suffix == ".envdsl":
                raise click.UsageError(
                    f"{path} is a spec; sampling needs its verified compiled folder "
                    "(run `envdsl compile` and `envdsl verify`, then pass compiled/<domain>/<env>)"
                )
            raise click.UsageError(f"{path} is not a compiled environment folder")
        if (path / "manifest.json").is_file():
            found.add(path)
        else:
            found.update(p.parent for p in path.rglob("manifest.json"))
    if not found:
        raise click.UsageError(
            f"no compiled environments (folders with manifest.json) under {', '.join(map(str, paths))}"
        )
    return sorted(found)


@click.command("sample")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--n", "n", type=click.IntRange(min=1), required=True, help="How many tasks to write.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option(
    "--out", "out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="The tasks file (JSONL)."
)
@click.option(
    "--realizer", default="template", show_default=True, help="How user turns are written: template (offline) or llm."
)
@click.option(
    "--max-goals", type=click.IntRange(1, 5), default=5, show_default=True, help="Most goals in one conversation."
)
@click.option(
    "--max-depth", type=click.IntRange(1, 6), default=3, show_default=True, help="Most upstream levels per argument."
)
@click.option(
    "--questions",
    "question_share",
    type=click.FloatRange(0.0, 1.0),
    default=0.3,
    show_default=True,
    help="Share of candidates that are questions (a read-only goal; the answer is scored).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Streams sampled in parallel by local processes (with --ray: the CPUs of a local Ray). Same bytes.",
)
@ray_option()
def sample_command(
    paths: tuple[Path, ...],
    n: int,
    seed: int,
    out: Path,
    realizer: str,
    max_goals: int,
    max_depth: int,
    question_share: float,
    jobs: int,
    ray_address: str | None,
) -> None:
    """Sample N calibrated tasks (user turns, ground-truth call DAG, expected state) from verified environments."""
    from envdsl.runtime.compiled import LoadError
    from envdsl.sample.realize import RealizerError, get_realizer
    from envdsl.sample.report import render_picture, render_text, summarize
    from envdsl.sample.sampler import SampleConfig, sample
    from envdsl.sample.task import dump_tasks, dumps
    from envdsl.verify.status import NotVerified, verification_status
    from envdsl.workspace import display

    check_ray(ray_address)
    folders = compiled_folders(paths)
    refused = [(f, verification_status(f)) for f in folders]
    refused = [(f, s) for f, s in refused if not s.verified]
    for _, status in refused:
        click.echo(f"error: {status.reason}", err=True)
    if refused:
        click.echo(f"refusing to sample: {len(refused)} environment(s) not verified", err=True)
        raise SystemExit(1)
    try:
        chosen = get_realizer(realizer)
    except RealizerError as error:
        raise click.UsageError(str(error)) from None
    config = SampleConfig(n=n, seed=seed, max_goals=max_goals, max_depth=max_depth, question_share=question_share)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("sampling"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    ) as bar:
        job = bar.add_task("tasks", total=n)
        try:
            result = sample(
                [(f, display(f)) for f in folders],
                config,
                chosen,
                lambda done: bar.update(job, completed=done),
                ray_address=ray_address,
                jobs=jobs if ray_address is None or jobs > 1 else None,  # a local Ray: all CPUs by default
            )
        except NotVerified as error:  # the record changed under us
            click.echo(f"error: {error}", err=True)
            raise SystemExit(1) from None
        except LoadError as error:
            click.echo(f"error: {error}", err=True)
            raise SystemExit(1) from None
    dump_tasks(result.tasks, out)
    summary = summarize(result, seed)
    stem = out.with_suffix("") if out.suffix == ".jsonl" else out
    summary_path = stem.parent / f"{stem.name}.summary.json"
    summary_path.write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    drops_path = stem.parent / f"{stem.name}.drops.jsonl"
    drops_path.write_text("".join(dumps(d.to_json()) + "\n" for d in result.drops), encoding="utf-8")
    picture_path = stem.parent / f"{stem.name}.summary.png"
    picture_path.write_bytes(render_picture(summary))
    sys.stderr.write(render_text(summary))
    click.echo(
        f"wrote {out} ({len(result.tasks)} tasks), {summary_path.name}, {drops_path.name}, {picture_path.name}",
        err=True,
    )
    if not result.tasks:
        click.echo("error: no task survived calibration; see the drop reasons above", err=True)
        raise SystemExit(1)
    if len(result.tasks) < n:
        click.echo(f"warning: only {len(result.tasks)} of {n} tasks after {result.attempts} attempts", err=True)
    raise SystemExit(0)
