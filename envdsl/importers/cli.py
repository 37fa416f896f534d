"""`envdsl import csv|json FILE…` and `envdsl import openapi FILE` (`--name N --domain D`): draft a spec + seed, then check.

Rule: the draft is written only if nothing would be overwritten (unless
`--force`); it is checked at once, and the command prints every decision
the user should review. A file is read by its suffix (`.json` as JSON,
anything else as CSV), so both kinds may be mixed in one import and refer
to each other. Exit 0 when the draft checks, 1 when it does not
(with the checker's diagnostics) or the input cannot be imported.
"""

from __future__ import annotations

from pathlib import Path

import click


def _options(function):
    function = click.option("--force", is_flag=True, help="Overwrite existing files.")(function)
    function = click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("."),
        show_default=True,
        help="Folder for NAME.envdsl and NAME.seed.yaml.",
    )(function)
    function = click.option("--domain", required=True, help="The domain header (a name).")(function)
    function = click.option("--name", required=True, help="The environment's name.")(function)
    function = click.argument(
        "files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True)
    )(function)
    return function


@click.group("import")
def import_command() -> None:
    """Draft a spec and its seed from tables (CSV, JSON), deterministically, without a model."""


@import_command.command("csv")
@_options
def import_csv(files: tuple[Path, ...], name: str, domain: str, out: Path, force: bool) -> None:
    """One entity per CSV file (header row first)."""
    _run("csv", files, name, domain, out, force)


@import_command.command("json")
@_options
def import_json(files: tuple[Path, ...], name: str, domain: str, out: Path, force: bool) -> None:
    """An array of objects per file, or an object mapping table names to arrays."""
    _run("json", files, name, domain, out, force)


@import_command.command("openapi")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--name", required=True, help="The environment's name.")
@click.option("--domain", required=True, help="The domain header (a name).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Folder for NAME.envdsl (and NAME.seed.yaml when the document has examples).",
)
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def import_openapi(file: Path, name: str, domain: str, out: Path, force: bool) -> None:
    """Schemas with a key become entities; operations become tools (OpenAPI 3, JSON or YAML)."""
    _run("openapi", (file,), name, domain, out, force)


def _run(kind: str, files: tuple[Path, ...], name: str, domain: str, out: Path, force: bool) -> None:
    from envdsl.diagnostics.diagnostic import has_errors
    from envdsl.diagnostics.render import render, summary
    from envdsl.importers.tables import ImportError_, draft, load_csv, load_json
    from envdsl.workspace import load_spec

    command = f"envdsl import {kind} " + " ".join(f.name for f in files)
    try:
        if kind == "openapi":
            from envdsl.importers.openapi import draft_openapi, load_document

            result = draft_openapi(load_document(files[0]), name, domain, files[0], command)
            count = result.spec.count("\n  entity ")
        else:
            tables = [t for f in files for t in (load_json(f) if f.suffix.lower() == ".json" else load_csv(f))]
            result = draft(tables, name, domain, list(files), command)
            count = len(tables)
    except ImportError_ as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from None
    spec_path, seed_path = out / f"{name}.envdsl", out / f"{name}.seed.yaml"
    existing = [p for p in (spec_path, seed_path) if p.exists()]
    if existing and not force:
        click.echo(f"error: {existing[0]} exists; pass --force to overwrite it", err=True)
        raise SystemExit(1)
    out.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(result.spec, encoding="utf-8")
    if result.seed:
        seed_path.write_text(result.seed, encoding="utf-8")
    written = f"{spec_path} and {seed_path}" if result.seed else str(spec_path)
    click.echo(f"wrote {written} ({count} entit{'y' if count == 1 else 'ies'})", err=True)
    for decision in result.decisions:
        click.echo(f"decide: {decision}", err=True)
    loaded = load_spec(spec_path)
    if loaded.diagnostics:
        click.echo(render(loaded.diagnostics, loaded.sources, "full").rstrip(), err=True)
    click.echo(f"check: {summary(loaded.diagnostics)}", err=True)
    raise SystemExit(1 if has_errors(loaded.diagnostics) else 0)
