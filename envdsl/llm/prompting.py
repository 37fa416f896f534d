"""Prompts: files in `envdsl/llm/prompts/*.md` with `{{name}}` slots, filled at run time.

Rule: what the model is told about the language comes from the sources of
truth, read when the prompt is built: the grammar from `grammar/envdsl.lark`
(comments stripped), the example from the first example and the YAML seed
section of `docs/language.md` (when the docs are installed alongside), and
the diagnostic catalogue from `envdsl.diagnostics.codes` plus the
verifier's `V####` kinds. A slot without a value is an error, never left
as `{{…}}` in a prompt.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

SLOT = re.compile(r"\{\{([a-z_]+)\}\}")


def template(name: str) -> str:
    return resources.files("envdsl.llm").joinpath("prompts", f"{name}.md").read_text(encoding="utf-8")


def fill(name: str, **values: str) -> str:
    text = template(name)
    missing = sorted(set(SLOT.findall(text)) - set(values))
    if missing:
        raise KeyError(f"prompt {name}.md needs {', '.join(missing)}")
    return SLOT.sub(lambda m: values[m.group(1)], text).strip() + "\n"


def grammar_summary() -> str:
    from envdsl.syntax.parser import GRAMMAR_PATH

    lines = []
    for line in Path(GRAMMAR_PATH).read_text(encoding="utf-8").splitlines():
        code = line.split("//", 1)[0].rstrip() if not line.lstrip().startswith("%") else line.rstrip()
        if code.strip():
            lines.append(code)
    return "```lark\n" + "\n".join(lines) + "\n```"


def _language_doc() -> str | None:
    path = Path(__file__).resolve().parents[2] / "docs" / "language.md"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def example() -> str:
    doc = _language_doc()
    if doc is None:
        return "(docs/language.md is not installed here; follow the grammar.)"
    parts = []
    first = re.search(r"## A first example\n(.*?)\n## ", doc, re.S)
    if first:
        parts.append(first.group(1).strip())
    seed = re.search(r"### YAML\n(.*?)\n### ", doc, re.S)
    if seed:
        parts.append("Seed data (YAML):\n\n" + seed.group(1).strip())
    return "\n\n".join(parts) or "(no example found in docs/language.md)"


def catalogue() -> str:
    from envdsl.diagnostics.codes import CODES
    from envdsl.verify.findings import KINDS

    lines = [f"{c.code} {c.name}: {c.summary}" for c in CODES.values()]
    lines += [f"{code} {kind} (verifier): {text}" for kind, (code, text) in KINDS.items()]
    return "\n".join(lines)


def system_prompt() -> str:
    return fill("system", grammar=grammar_summary(), example=example(), catalogue=catalogue())
