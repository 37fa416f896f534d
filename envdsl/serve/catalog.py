"""What a server offers: the environments, their MCP tool names and their documents.

Rule: everything here is decided once, before the first client connects, so a
bad path, an unverified or stale environment, or a clash of names stops
`envdsl serve` with one clear message (`ServeError`) instead of failing a client
later. Nothing in this module knows about MCP sessions or transports.

Tool names: with one environment, a tool keeps its own name (`book`); with
several, every name is `<env>__<tool>` (`airline__book`), since two
environments may well both have a `get_user`. The optional control tools are
always `envdsl__reset` and `envdsl__state_hash`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the runtime imports sqlglot: slow, and not needed to report a usage error
    from envdsl.runtime import Environment

SEPARATOR = "__"
CONTROL_PREFIX = "envdsl" + SEPARATOR
RESET_TOOL = CONTROL_PREFIX + "reset"
STATE_HASH_TOOL = CONTROL_PREFIX + "state_hash"


class ServeError(Exception):
    """The environments cannot be served; the message says why and what to run."""


@dataclass(frozen=True)
class ServedTool:
    public_name: str  # the name clients see
    env: str  # environment name
    tool: str  # the tool's own name in the environment
    description: str
    input_schema: dict[str, Any]
    read_only: bool


@dataclass
class ServedEnv:
    name: str
    path: Path
    template: Environment  # never called: sessions get clones of it
    verified: bool
    reason: str  # why not verified (empty when verified)

    @property
    def title(self) -> str:
        return self.template.env.title or self.name

    def docs_markdown(self, tools: list[ServedTool]) -> str:
        """The environment's documentation for a client or an agent's author, as Markdown."""
        env = self.template.env
        errors = {e.name: e.doc for e in env.errors}
        lines = [f"# {self.title}", "", f"Environment `{self.name}` (domain `{env.domain}`), served by envdsl.", ""]
        if env.description:
            lines += [env.description.strip(), ""]
        if env.policy:
            lines += ["## Policy", "", env.policy.strip(), ""]
        lines += ["## Tools", ""]
        for served in tools:
            ir_tool = env.tool(served.tool)
            kind = "reads" if served.read_only else "may change state"
            lines.append(f"- `{served.public_name}` ({kind}): {served.description}")
            if ir_tool is not None and ir_tool.raises:
                declared = ", ".join(
                    f"`{name}`" + (f" ({errors[name]})" if errors.get(name) else "") for name in ir_tool.raises
                )
                lines.append(f"  Declared errors: {declared}.")
        lines += [
            "",
            "A tool error comes back as an MCP tool result with `isError: true`; its structured content is",
            '`{"ok": false, "error": CODE, "message": TEXT}` where CODE is a declared error or `InvalidArguments`.',
            "",
        ]
        return "\n".join(lines)

    def policy_text(self) -> str:
        return self.template.env.policy.strip() + "\n" if self.template.env.policy else ""


@dataclass
class Catalog:
    envs: dict[str, ServedEnv]
    tools: dict[str, ServedTool]  # public name -> tool
    control_tools: bool
    by_env: dict[str, list[ServedTool]] = field(default_factory=dict)

    @property
    def namespaced(self) -> bool:
        return len(self.envs) > 1

    def instructions(self) -> str:
        """Server instructions: each environment's title and policy (what the agent must follow)."""
        parts = []
        for served in self.envs.values():
            head = f"{served.title} (tools{' prefixed ' + served.name + SEPARATOR if self.namespaced else ''})"
            parts.append(head + (":\n" + served.policy_text().strip() if served.policy_text() else "."))
        if self.control_tools:
            parts.append(f"Control tools: `{RESET_TOOL}` restores the seeded state; `{STATE_HASH_TOOL}` digests it.")
        return "\n\n".join(parts)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Compiled folders (those holding a manifest.json) named directly or found under a folder;
    a `.envdsl` spec is kept as it is (compiled in memory, never verified)."""
    found: list[Path] = []
    for path in paths:
        if path.is_file() and path.suffix == ".envdsl":
            found.append(path)
        elif path.is_dir() and (path / "manifest.json").is_file():
            found.append(path)
        elif path.is_dir():
            inner = sorted(p.parent for p in path.rglob("manifest.json"))
            if not inner:
                raise ServeError(
                    f"{path} holds no compiled environment (no manifest.json under it); run `envdsl compile`"
                )
            found.extend(inner)
        elif path.exists():
            raise ServeError(f"{path} is neither a compiled environment folder nor a .envdsl spec")
        else:
            raise ServeError(f"no such compiled environment: {path}")
    return list(dict.fromkeys(found))


def _refuse_name_clashes(folders: list[Path]) -> None:
    """Two folders of one environment name cannot share a server; said before the slow loading."""
    seen: dict[str, Path] = {}
    for folder in folders:
        if folder.is_file():
            continue  # a spec: its name is known once loaded (checked again there)
        try:
            name = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["env"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ServeError(f"{folder}/manifest.json cannot be read ({error}); run `envdsl compile` again") from None
        if name in seen:
            raise ServeError(
                f"two environments are both named `{name}`: {seen[name]} and {folder}; serve them separately"
            )
        seen[name] = folder


def _schemas_by_name(env: Environment) -> dict[str, dict[str, Any]]:
    return {item["function"]["name"]: item["function"] for item in env.tool_schemas}


def build_catalog(paths: list[Path], *, allow_unverified: bool = False, control_tools: bool = False) -> Catalog:
    """Load and vet every environment; `ServeError` on the first problem."""
    from envdsl.runtime import Environment, LoadError
    from envdsl.verify.status import verification_status

    folders = expand_paths(paths)
    if not folders:
        raise ServeError("nothing to serve: name at least one compiled environment")
    _refuse_name_clashes(folders)
    envs: dict[str, ServedEnv] = {}
    unverified: list[str] = []
    for folder in folders:
        status = verification_status(folder)
        if not status.verified and not allow_unverified:
            unverified.append(status.reason)
            continue
        try:
            template = Environment.load(folder)
        except LoadError as error:
            raise ServeError(str(error)) from None
        if template.name in envs:
            raise ServeError(
                f"two environments are both named `{template.name}`: {envs[template.name].path} and {folder}; serve them separately"
            )
        envs[template.name] = ServedEnv(template.name, folder, template, status.verified, status.reason)
    if unverified:
        reasons = "\n".join(f"  - {reason}" for reason in unverified)
        raise ServeError(
            f"refusing to serve unverified environments:\n{reasons}\n(pass --allow-unverified to serve them anyway)"
        )

    namespaced = len(envs) > 1
    tools: dict[str, ServedTool] = {}
    by_env: dict[str, list[ServedTool]] = {}
    for served in envs.values():
        schemas = _schemas_by_name(served.template)
        writes = served.template.compiled.tool_class.WRITES
        for tool in served.template.tool_names:
            function = schemas[tool]
            public = f"{served.name}{SEPARATOR}{tool}" if namespaced else tool
            if public in tools or (control_tools and public in (RESET_TOOL, STATE_HASH_TOOL)):
                raise ServeError(f"tool name `{public}` is offered twice; serve the environments separately")
            entry = ServedTool(
                public, served.name, tool, function.get("description", ""), function["parameters"], tool not in writes
            )
            tools[public] = entry
            by_env.setdefault(served.name, []).append(entry)
    return Catalog(envs, tools, control_tools, by_env)


def control_tool_schemas(catalog: Catalog) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, description, JSON schema) of the control tools."""
    names = sorted(catalog.envs)
    env_param = {
        "type": ["string", "null"],
        "enum": [*names, None],
        "description": "Which environment; null: every environment of this session.",
    }
    schema = {"type": "object", "properties": {"env": env_param}, "required": [], "additionalProperties": False}
    return [
        (RESET_TOOL, "Restore this session's environments to their seeded state (the start of an episode).", schema),
        (
            STATE_HASH_TOOL,
            "A digest of this session's environment state, per environment: equal hashes mean equal states.",
            json.loads(json.dumps(schema)),
        ),
    ]
