"""`envdsl scenarios`, `envdsl propose`, `envdsl revise`: authoring with an OpenAI-compatible model.

Rule: every fault ends in one `error: …` line and a non-zero exit (1: the
model or the run did not produce a verified spec, or the endpoint failed;
2: bad flags or paths), never a traceback. Heavy modules (openai, pydantic,
the verifier) are imported inside the commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


def model_options(function: Any) -> Any:
    options = [
        click.option("--base-url", help="The endpoint, e.g. http://127.0.0.1:8000/v1 (or ENVDSL_LLM_BASE_URL)."),
        click.option("--model", help="The model name the endpoint serves (or ENVDSL_LLM_MODEL)."),
        click.option("--api-key-env", help="The environment variable holding the API key [default: OPENAI_API_KEY]."),
        click.option("--timeout", type=click.FloatRange(min=0.001), help="Seconds per request [default: 120]."),
        click.option("--retries", type=click.IntRange(0, 20), help="Retries on refused/timeout/429/5xx [default: 4]."),
        click.option("--stream/--no-stream", default=None, help="Read answers as a stream [default: no]."),
        click.option(
            "--config",
            type=click.Path(path_type=Path, dir_okay=False),
            help="A TOML file with an [llm] table [default: ./envdsl.toml if present].",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _client(kwargs: dict[str, Any], recorded: dict[str, Any] | None = None) -> Any:
    """A client from flags, environment and config; `recorded` (a run's settings) fills an unset endpoint/model."""
    from dataclasses import replace

    from envdsl.llm.client import ChatClient, load_settings

    config = kwargs.pop("config", None)
    settings = load_settings(
        config, **{k: kwargs.pop(k, None) for k in ("base_url", "model", "api_key_env", "timeout", "retries", "stream")}
    )
    for key in ("base_url", "model"):
        if getattr(settings, key) is None and recorded and isinstance(recorded.get(key), str):
            settings = replace(settings, **{key: recorded[key]})
    return ChatClient(settings)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


@click.command("scenarios")
@click.option("--domain", required=True, help="The domain, e.g. travel or health.")
@click.option("--n", "n", type=click.IntRange(1, 100), default=5, show_default=True, help="How many scenarios.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write the JSON here (default: stdout).")
@model_options
def scenarios_command(domain: str, n: int, out: Path | None, **kwargs: Any) -> None:
    """Propose N diverse, deduplicated scenarios for a domain (JSON, validated)."""
    from envdsl.llm.client import LLMError
    from envdsl.llm.scenarios import ScenarioError, propose_scenarios

    try:
        client = _client(kwargs)
        kept, history = propose_scenarios(client, domain, n, log=lambda t: click.echo(t, err=True))
    except (LLMError, ScenarioError) as error:
        _fail(str(error))
    data = {"domain": domain, "scenarios": [s.model_dump() for s in kept], "answers": history}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(kept)} scenario(s) to {out}", err=True)
    if len(kept) < n:
        click.echo(f"warning: only {len(kept)} of {n} distinct scenarios", err=True)
    raise SystemExit(0)


def _loop_options(function: Any) -> Any:
    function = click.option(
        "--examples", type=click.IntRange(1, 10_000), default=30, show_default=True, help="Verifier examples per round."
    )(function)
    return function


@click.command("propose")
@click.argument("scenario")
@click.option(
    "--resource",
    "resources",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A file of authentic material (repeatable).",
)
@click.option(
    "--out", "run", type=click.Path(path_type=Path, file_okay=False), required=True, help="The run folder to create."
)
@click.option("--resume", is_flag=True, help="Continue the run already in --out instead of refusing.")
@_loop_options
@model_options
def propose_command(
    scenario: str, resources: tuple[Path, ...], run: Path, resume: bool, examples: int, **kwargs: Any
) -> None:
    """Ask the model for a spec + seed for SCENARIO (text, or @FILE), then check and verify it (round 1)."""
    from envdsl.llm.loop import existing_rounds

    rounds = max(existing_rounds(run), 1) if resume and run.is_dir() else 1  # resume: finish what the folder holds
    _run_loop(scenario, list(resources), run, resume, rounds, examples, kwargs, new=True)


@click.command("revise")
@click.argument("run", type=click.Path(path_type=Path, file_okay=False))
@click.option("--rounds", type=click.IntRange(1, 50), default=3, show_default=True, help="Most further rounds.")
@click.option("--resume", is_flag=True, help="Accepted for symmetry: revise always resumes what RUN holds.")
@_loop_options
@model_options
def revise_command(run: Path, rounds: int, resume: bool, examples: int, **kwargs: Any) -> None:
    """Revise the spec of RUN with the model until it verifies, stops improving, or N rounds pass."""
    from envdsl.llm.loop import existing_rounds

    _run_loop(None, [], run, True, max(existing_rounds(run), 1) + rounds, examples, kwargs, new=False)


def _run_loop(
    scenario: str | None,
    resources: list[Path],
    run: Path,
    resume: bool,
    rounds: int,
    examples: int,
    kwargs: dict[str, Any],
    new: bool,
) -> None:
    from envdsl.llm.client import LLMError
    from envdsl.llm.loop import RunError, drive, load_run, start_run

    try:
        continuing = not new or (resume and (run / "run.json").exists())
        recorded = load_run(run).get("settings") if continuing else None  # a run continues with its endpoint
        client = _client(kwargs, recorded)
        if not continuing:
            text = scenario or ""
            if text.startswith("@"):
                try:
                    text = Path(text[1:]).read_text(encoding="utf-8")
                except OSError as error:
                    _fail(f"cannot read the scenario file {text[1:]}: {error.strerror or error}", 2)
            start_run(run, text, resources, client.settings)
        outcome = drive(run, client, rounds, examples=examples, log=lambda t: click.echo(t, err=True))
    except (LLMError, RunError) as error:
        _fail(str(error))
    last = outcome.rounds[-1]
    if outcome.verified:
        click.echo(f"verified in round {last.round}: {outcome.final_spec}", err=True)
        raise SystemExit(0)
    where = f"{run}/round-{last.round:02d}/diagnostics.txt"
    if outcome.reason == "rounds" and new:
        click.echo(f"round 1: {last.status}; continue with: envdsl revise {run} (diagnostics: {where})", err=True)
    else:
        click.echo(f"not verified: stopped ({outcome.reason}) after round {last.round}; see {where}", err=True)
    raise SystemExit(1)
