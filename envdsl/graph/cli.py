"""`envdsl graph ENV`: the tool graph of a compiled environment or a spec.

Rule: the command only reads and writes files; building and drawing are
`envdsl.graph.build` and `envdsl.graph.render`. Exit codes follow
`envdsl.cli`: 1 when the environment has errors, 2 for usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from envdsl.files import write_atomic
from envdsl.graph import FORMATS


def write_atomically(path: Path, data: bytes) -> None:
    write_atomic(path, data)


def load_ir(path: Path):
    """The checked IR of `compiled/<domain>/<env>/` (through its manifest) or of a `.envdsl` spec.

    Raises click.UsageError (exit 2) for a path that is neither, SystemExit(1) for a spec with errors."""
    from envdsl.diagnostics.render import render
    from envdsl.workspace import load_spec

    if path.is_dir():
        manifest_path = path / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            spec = (path / manifest["spec_from_here"]).resolve()
        except (OSError, ValueError, KeyError) as error:
            raise click.UsageError(
                f"{path} is not a compiled environment ({error}); give a compiled folder or a spec"
            ) from None
    elif path.is_file():
        spec = path
    else:
        raise click.UsageError(f"no such compiled folder or spec: {path}")
    loaded = load_spec(spec, with_seed=False)
    if not loaded.ok or loaded.env is None:
        click.echo(render([d for d in loaded.diagnostics if d.is_error], loaded.sources, "concise"), err=True, nl=False)
        click.echo(f"error: {spec} has errors; fix them before drawing its graph", err=True)
        raise SystemExit(1)
    return loaded.env


@click.command("graph")
@click.argument("env_path", metavar="ENV", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: from --out's suffix, else json).",
)
@click.option(
    "--out", "out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write here instead of stdout."
)
def graph_command(env_path: Path, fmt: str | None, out: Path | None) -> None:
    """Draw the tool graph of ENV (a compiled folder or a spec): type and state edges."""
    from envdsl.graph.build import tool_graph
    from envdsl.graph.render import render

    if fmt is None:
        suffix = out.suffix.lstrip(".").lower() if out is not None else ""
        fmt = suffix if suffix in FORMATS else "json"
    if out is None and fmt == "png":
        raise click.UsageError("--format png writes binary data; give --out FILE.png")
    env = load_ir(env_path)
    data = render(tool_graph(env), fmt)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(out, data)
        click.echo(f"wrote {out} ({fmt}, {len(env.tools)} tools)", err=True)
    raise SystemExit(0)
