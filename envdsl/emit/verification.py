"""IR -> `test_<env>.py`, the environment's verification: a hypothesis state machine.

The file is short on purpose: one rule per tool (`call_<tool>`), with
the tool's signature and declared errors in the docstring so a reviewer sees
what is exercised. The machinery (argument strategies drawn from the live
state, the checks after every call, shrinking, liveness) is
`envdsl.verify.machine.EnvMachine`, which every generated file subclasses, so
a fix to the verifier never needs a recompile. Tools appear in the spec's
order, as in `tools.py`.
"""

from __future__ import annotations

from envdsl.ir import nodes as ir


def test_module_name(env: ir.Env) -> str:
    return f"test_{env.name}.py"


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part) or "Env"


def _signature(tool: ir.Tool) -> str:
    params = ", ".join(f"{p.name}: {p.type}" for p in tool.params)
    returns = f" -> {tool.returns}" if tool.returns is not None else ""
    raises = f"; fails with {', '.join(tool.raises)}" if tool.raises else ""
    return f"{tool.name}({params}){returns}{raises}"


def emit_verification(env: ir.Env, header: str) -> str:
    cls = f"{_camel(env.name)}Machine"
    lines = [
        header,
        f'"""Verification of `{env.name}`: a hypothesis state machine, one rule per tool.',
        "",
        "Run it with `envdsl verify` on this folder (every finding as a diagnostic on the spec, shrunk",
        "call sequences, liveness of every tool, an HTML report), or with pytest on this file.",
        '"""',
        "",
        "from pathlib import Path",
        "",
        "from hypothesis import HealthCheck, settings",
        "from hypothesis import strategies as st",
        "from hypothesis.stateful import rule",
        "",
        "from envdsl.verify.machine import EnvMachine, check_liveness",
        "",
        "",
        f"class {cls}(EnvMachine):",
        "    COMPILED = Path(__file__).resolve().parent",
    ]
    for tool in env.tools:
        lines += [
            "",
            "    @rule(data=st.data())",
            f"    def call_{tool.name}(self, data: st.DataObject) -> None:",
            f"        {_docstring(_signature(tool))}",
            f'        self.run_tool("{tool.name}", data)',
        ]
    test_class = f"Test{_camel(env.name)}"
    lines += [
        "",
        "",
        f"{test_class} = {cls}.TestCase",
        f"{test_class}.settings = settings(",
        "    max_examples=50, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)",
        ")",
        "",
        "",
        "def test_every_tool_succeeds_somewhere() -> None:",
        '    """Liveness: each tool succeeds from some reachable state (dead tools name their requires)."""',
        f"    check_liveness({cls})",
        "",
    ]
    return "\n".join(lines)


def _docstring(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'
