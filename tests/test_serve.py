"""`envdsl serve`: compiled environments over MCP, tested with the real `mcp` client.

Transports: in-process (the SDK's own in-memory pairing, for the cheap checks),
stdio (the server as a subprocess) and streamable HTTP on 127.0.0.1 (the
`envdsl serve --transport http --port 0` subprocess). The environments are
compiled into a temporary folder and marked verified with
`envdsl.verify.status.write_record`: that record stands in for a passing
`envdsl verify` run, which these tests do not exercise.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

mcp = pytest.importorskip("mcp", reason="needs the serve extra: pip install 'envdsl[serve]'")
import anyio  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.shared.exceptions import MCPError  # noqa: E402
from mcp.types import INVALID_PARAMS  # noqa: E402

from envdsl.runtime import Environment  # noqa: E402
from envdsl.serve.catalog import RESET_TOOL, STATE_HASH_TOOL, ServeError, build_catalog  # noqa: E402
from envdsl.serve.server import EnvServer  # noqa: E402
from envdsl.verify.status import write_record  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SPECS = [ROOT / "specs" / "travel" / "airline.envdsl", ROOT / "specs" / "commerce" / "retail.envdsl"]
USER = "amara_okafor_4470"  # a customer in the airline seed
ENVDSL = [sys.executable, "-c", "from envdsl.cli import entry; entry()"]


def compile_into(out: Path) -> dict[str, Path]:
    """Compile the two specs into `out` (as `envdsl compile --out` does) and return env -> folder."""
    from envdsl.emit.driver import Mode, apply, build_output
    from envdsl.workspace import load_spec

    outputs = []
    for spec in SPECS:
        loaded = load_spec(spec)
        assert loaded.ok and loaded.env is not None
        seed = loaded.seed
        outputs.append(build_output(loaded.env, spec, spec.read_text(encoding="utf-8"), out, seed.hash, seed.count()))
    apply(outputs, out, Mode.WRITE)
    return {"airline": out / "travel" / "airline", "retail": out / "commerce" / "retail"}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    found = compile_into(tmp_path_factory.mktemp("serve") / "compiled")
    for folder in found.values():
        write_record(folder, passed=True, settings={"fixture": "tests"}, findings=[])  # stands in for `envdsl verify`
    return found


@pytest.fixture(scope="module")
def http_process(folders) -> Iterator[HttpServer]:
    """Started early (the catalog fixture asks for it) so that its loading overlaps the in-process tests."""
    server = HttpServer(folders["airline"], folders["retail"], extra=("--control-tools",))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def catalog(folders: dict[str, Path], http_process: HttpServer):
    return build_catalog([folders["airline"], folders["retail"]], control_tools=True)


def run(coro_fn, *args):
    return anyio.run(coro_fn, *args)


def envdsl(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ENVDSL, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def payload(result) -> dict:
    """The structured content of a tool result, checked against its text content."""
    data = result.structured_content
    if data["ok"]:
        assert json.loads(result.content[0].text) == data["value"]
    else:
        assert result.content[0].text == f"{data['error']}: {data['message']}"
    assert result.is_error == (not data["ok"])
    return data


# ---------------------------------------------------------------- in process


def test_tools_are_namespaced_with_the_compiled_schemas(catalog, folders) -> None:
    server = EnvServer(catalog, "stdio")

    async def main():
        async with Client(server.server) as client:
            return (await client.list_tools()).tools

    tools = {tool.name: tool for tool in run(main)}
    for env, folder in folders.items():
        compiled = json.loads((folder / "tools.json").read_text(encoding="utf-8"))["tools"]
        for item in compiled:
            function = item["function"]
            served = tools.pop(f"{env}__{function['name']}")
            assert served.description == function["description"]
            assert served.input_schema == function["parameters"]
    assert set(tools) == {RESET_TOOL, STATE_HASH_TOOL}  # nothing else is offered
    listed = {tool.name: tool for tool in run(main)}
    assert listed["airline__search_airports"].annotations.read_only_hint is True
    assert listed["airline__add_credit_card"].annotations.read_only_hint is False


def test_calls_declared_errors_and_invalid_arguments(catalog) -> None:
    server = EnvServer(catalog, "stdio")

    async def main():
        async with Client(server.server) as client:
            found = await client.call_tool("airline__search_airports", {"query": "san"})
            missing = await client.call_tool("airline__get_user_details", {"user": "nobody"})
            bad = await client.call_tool("airline__add_credit_card", {"user": USER, "brand": "Visa"})
            wrong_type = await client.call_tool("airline__search_airports", {"query": 7})
            return found, missing, bad, wrong_type

    found, missing, bad, wrong_type = run(main)
    assert [a["code"] for a in payload(found)["value"]] == ["SFO"]
    assert payload(missing) == {"ok": False, "error": "NotFound", "message": 'no User has id "nobody"'}
    assert payload(bad)["error"] == "InvalidArguments" and "last_four" in payload(bad)["message"]
    assert payload(wrong_type)["error"] == "InvalidArguments"


def test_unknown_tool_is_a_protocol_error_with_a_suggestion(catalog) -> None:
    server = EnvServer(catalog, "stdio")

    async def main():
        async with Client(server.server) as client:
            with pytest.raises(MCPError) as caught:
                await client.call_tool("airline__search_airport", {"query": "x"})
            return caught.value

    error = run(main)
    assert error.code == INVALID_PARAMS
    assert error.message == "unknown tool `airline__search_airport`; did you mean `airline__search_airports`?"


def test_resources_give_docs_and_policy(catalog) -> None:
    server = EnvServer(catalog, "stdio")
    airline = catalog.envs["airline"].template.env

    async def main():
        async with Client(server.server) as client:
            listed = [r.uri for r in (await client.list_resources()).resources]
            docs = (await client.read_resource("envdsl://airline/docs")).contents[0]
            policy = (await client.read_resource("envdsl://retail/policy")).contents[0]
            with pytest.raises(MCPError) as caught:
                await client.read_resource("envdsl://airline/nothing")
            return listed, docs, policy, caught.value

    listed, docs, policy, error = run(main)
    assert listed == [  # in the order the environments were named
        "envdsl://airline/docs",
        "envdsl://airline/policy",
        "envdsl://retail/docs",
        "envdsl://retail/policy",
    ]
    assert docs.mime_type == "text/markdown"
    assert docs.text.startswith(f"# {airline.title}\n")
    assert airline.policy.strip() in docs.text
    assert "`airline__book_reservation` (may change state)" in docs.text
    assert "Declared errors:" in docs.text
    assert policy.text == catalog.envs["retail"].template.env.policy.strip() + "\n"
    assert error.code == INVALID_PARAMS and "unknown resource" in error.message


def test_sessions_are_isolated_and_control_tools_reset(catalog) -> None:
    # The "http" server keys state on the handshake session; the SDK's
    # in-memory legacy pairing gives each client its own connection.
    server = EnvServer(catalog, "http")
    card = {"user": USER, "brand": "Visa", "last_four": "1234"}

    async def main():
        async with Client(server.server, mode="legacy") as a, Client(server.server, mode="legacy") as b:
            seeded = payload(await a.call_tool(STATE_HASH_TOOL, {}))["value"]
            first = payload(await a.call_tool("airline__add_credit_card", card))
            again = payload(await a.call_tool("airline__add_credit_card", card))
            in_b = payload(await b.call_tool("airline__add_credit_card", card))  # b has not seen a's card
            hash_a = payload(await a.call_tool(STATE_HASH_TOOL, {"env": "airline"}))["value"]
            hash_b = payload(await b.call_tool(STATE_HASH_TOOL, {"env": "airline"}))["value"]
            reset = payload(await a.call_tool(RESET_TOOL, {"env": "airline"}))["value"]
            after = payload(await a.call_tool(STATE_HASH_TOOL, {}))["value"]
            b_kept = payload(await b.call_tool(STATE_HASH_TOOL, {"env": "airline"}))["value"]
            bad = payload(await a.call_tool(RESET_TOOL, {"env": "hotel"}))
            return seeded, first, again, in_b, hash_a, hash_b, reset, after, b_kept, bad

    seeded, first, again, in_b, hash_a, hash_b, reset, after, b_kept, bad = run(main)
    assert first["ok"] and first["value"]["label"] == "Visa ending 1234"
    assert again["error"] == "InvalidRequest" and "already saved" in again["message"]
    assert in_b["ok"] and in_b["value"] == first["value"]
    assert hash_a == hash_b != {"airline": seeded["airline"]}
    assert reset == {"reset": ["airline"], "state_hash": {"airline": seeded["airline"]}}
    assert after == seeded
    assert b_kept == hash_b  # a's reset did not touch b
    assert bad["error"] == "InvalidArguments" and "airline, retail" in bad["message"]
    assert server.sessions_opened == 2
    assert server.sessions_closed == 2  # both clients left: their environments are gone


def test_the_stateless_protocol_is_refused_over_http(catalog) -> None:
    server = EnvServer(catalog, "http")

    async def main():
        async with Client(server.server, mode="2026-07-28") as client:
            with pytest.raises(MCPError, match="stateless 2026-07-28 protocol has no session") as caught:
                await client.call_tool("airline__search_airports", {"query": "san"})
            return caught.value

    assert "client mode 'auto' or 'legacy'" in run(main).message


def test_verification_gate_and_name_clash(folders, tmp_path: Path) -> None:
    unverified = tmp_path / "compiled" / "travel" / "airline"
    shutil.copytree(folders["airline"], unverified)
    (unverified / "verification.json").unlink()
    with pytest.raises(
        ServeError,
        match=r"refusing to serve unverified environments:\n  - .* has not been verified; run `envdsl verify",
    ):
        build_catalog([unverified])
    write_record(unverified, passed=False, settings={"fixture": "tests"}, findings=[{"kind": "x"}])
    with pytest.raises(ServeError, match="failed verification"):
        build_catalog([unverified])
    write_record(unverified, passed=True, settings={"fixture": "tests"}, findings=[])
    with pytest.raises(ServeError, match="two environments are both named `airline`"):
        build_catalog([folders["airline"], unverified])
    with pytest.raises(ServeError, match="no such compiled environment"):
        build_catalog([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ServeError, match="holds no compiled environment"):
        build_catalog([tmp_path / "empty"])


# ---------------------------------------------------------------- the command line


def test_cli_errors_are_one_line_and_exit_non_zero(folders, tmp_path: Path) -> None:
    missing = envdsl("serve", str(tmp_path / "nope"))
    assert missing.returncode == 2 and missing.stderr == f"error: no such compiled environment: {tmp_path / 'nope'}\n"

    unverified = tmp_path / "airline"
    shutil.copytree(folders["airline"], unverified)
    (unverified / "verification.json").unlink()
    refused = envdsl("serve", str(unverified))
    assert refused.returncode == 1
    assert "refusing to serve unverified environments" in refused.stderr and "--allow-unverified" in refused.stderr

    spec = envdsl("serve", str(SPECS[0]))
    assert (
        spec.returncode == 1 and "is not a compiled environment (no manifest.json); run `envdsl compile`" in spec.stderr
    )

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = envdsl("serve", str(folders["airline"]), "--transport", "http", "--port", str(port))
    assert busy.returncode == 2 and f"port {port} on 127.0.0.1 is already in use" in busy.stderr

    host = envdsl("serve", str(folders["airline"]), "--transport", "http", "--host", "no-such-host.invalid")
    assert host.returncode == 2 and host.stderr.startswith("error: cannot listen on no-such-host.invalid: ")

    for result in (missing, refused, spec, busy, host):
        assert "Traceback" not in result.stderr and result.stdout == ""


# ---------------------------------------------------------------- real transports


def test_stdio_subprocess_lists_calls_and_keeps_state(folders) -> None:
    params = StdioServerParameters(
        command=ENVDSL[0], args=[*ENVDSL[1:], "serve", str(folders["airline"])], cwd=str(ROOT)
    )
    card = {"user": USER, "brand": "Amex", "last_four": "0001"}

    async def main():
        async with Client(params, read_timeout_seconds=60) as client:
            tools = (await client.list_tools()).tools
            first = payload(await client.call_tool("add_credit_card", card))
            again = payload(await client.call_tool("add_credit_card", card))
            bad = payload(await client.call_tool("add_credit_card", {"user": USER}))
            cards = payload(await client.call_tool("list_payment_methods", {"user": USER}))
            return tools, first, again, bad, cards

    tools, first, again, bad, cards = run(main)
    # One environment: tool names are not prefixed, and no control tools unless asked.
    compiled = json.loads((folders["airline"] / "tools.json").read_text(encoding="utf-8"))["tools"]
    assert [t.name for t in tools] == [item["function"]["name"] for item in compiled]
    assert first["ok"] and again["error"] == "InvalidRequest"
    assert bad["error"] == "InvalidArguments"
    assert first["value"] in cards["value"]


class HttpServer:
    """`envdsl serve --transport http --port 0` in a subprocess; the URL is read from its stderr."""

    def __init__(self, *paths: Path, extra: tuple[str, ...] = ()) -> None:
        self.process = subprocess.Popen(
            [*ENVDSL, "serve", *map(str, paths), "--transport", "http", "--port", "0", *extra],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.url: str | None = None
        self.ready = ready = threading.Event()

        def drain() -> None:
            assert self.process.stderr is not None
            for line in self.process.stderr:
                self.lines.append(line)
                match = re.search(r"(http://127\.0\.0\.1:\d+/mcp)", line)
                if match:
                    self.url = match.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()

    def wait(self) -> str:
        if not self.ready.wait(120) or self.url is None:
            self.stop()
            raise AssertionError("server did not start:\n" + "".join(self.lines))
        return self.url

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def http_server(http_process: HttpServer) -> HttpServer:
    http_process.wait()
    return http_process


def test_http_lists_calls_errors_and_isolates_sessions(http_server: HttpServer) -> None:
    url = http_server.wait()
    card = {"user": USER, "brand": "Visa", "last_four": "4242"}

    async def main():
        async with Client(url) as a, Client(url) as b:
            version = a.protocol_version
            names = {t.name for t in (await a.list_tools()).tools}
            found = payload(await a.call_tool("retail__search_products", {"query": "lamp"}))
            missing = payload(await a.call_tool("airline__get_reservation", {"reservation": "R0"}))
            bad = payload(await a.call_tool("airline__get_reservation", {}))
            seeded = payload(await b.call_tool(STATE_HASH_TOOL, {}))["value"]
            added = payload(await a.call_tool("airline__add_credit_card", card))
            b_cards = payload(await b.call_tool("airline__list_payment_methods", {"user": USER}))["value"]
            a_hash = payload(await a.call_tool(STATE_HASH_TOOL, {}))["value"]
            b_hash = payload(await b.call_tool(STATE_HASH_TOOL, {}))["value"]
            return version, names, found, missing, bad, seeded, added, b_cards, a_hash, b_hash

    version, names, found, missing, bad, seeded, added, b_cards, a_hash, b_hash = run(main)
    assert version == "2025-11-25"  # the handshake era: HTTP sessions need it
    assert {"airline__book_reservation", "retail__checkout", RESET_TOOL, STATE_HASH_TOOL} <= names
    assert found["ok"] and len(found["value"]) == 2
    assert missing["error"] == "NotFound"
    assert bad["error"] == "InvalidArguments"
    assert added["ok"] and added["value"] not in b_cards
    assert b_hash == seeded and a_hash["airline"] != seeded["airline"] and a_hash["retail"] == seeded["retail"]


def session_plan(k: int, calls: int, users: list[str]) -> list[tuple[str, dict]]:
    """Session k's calls: every fifth adds a card that only this session adds; the rest read."""
    user = users[k % len(users)]
    plan: list[tuple[str, dict]] = []
    for i in range(calls):
        if i % 5 == 0:
            plan.append(("airline__add_credit_card", {"user": user, "brand": f"Card{k:02d}", "last_four": f"{i:04d}"}))
        elif i % 5 in (1, 3):
            plan.append(("airline__list_payment_methods", {"user": user}))
        else:
            plan.append(("retail__search_products", {"query": "lamp"}))
    return plan


def expected_hashes(templates: dict[str, Environment], plans: list[list[tuple[str, dict]]]) -> list[dict[str, str]]:
    """Each plan replayed in-process on a fresh environment: the state its session must end in."""
    out = []
    for plan in plans:
        envs = {name: template.clone() for name, template in templates.items()}
        for tool, args in plan:
            env, name = tool.split("__", 1)
            assert envs[env].call(name, args).ok
        out.append({name: env.state_hash() for name, env in sorted(envs.items())})
    return out


@pytest.mark.slow
def test_http_load_many_sessions_no_errors_no_bleeding(http_server: HttpServer, catalog) -> None:
    # 20 concurrent sessions x 60 calls = 1,200 calls on loopback, to fit the
    # CI budget (bench/serve.py runs 10,000; ENVDSL_SERVE_LOAD_CALLS=500 here
    # does too). Bounded, it stops by itself; every call must succeed, and
    # every session must end in exactly the state its own calls produce.
    sessions, calls = 20, int(os.environ.get("ENVDSL_SERVE_LOAD_CALLS", "60"))
    templates = {name: served.template for name, served in catalog.envs.items()}
    users = [u["id"] for u in templates["airline"].rows("User")]
    plans = [session_plan(k, calls, users) for k in range(sessions)]
    expected = expected_hashes(templates, plans)
    finals: list[dict | None] = [None] * sessions
    failures: list[str] = []

    async def session(k: int) -> None:
        async with Client(http_server.url, read_timeout_seconds=60) as client:
            for tool, args in plans[k]:
                result = await client.call_tool(tool, args)
                if result.is_error:
                    failures.append(f"session {k}: {tool} {args}: {result.content[0].text}")
            finals[k] = payload(await client.call_tool(STATE_HASH_TOOL, {}))["value"]

    async def main() -> None:
        with anyio.fail_after(300):
            async with anyio.create_task_group() as group:
                for k in range(sessions):
                    group.start_soon(session, k)

    run(main)
    assert failures == []
    assert finals == expected
    assert len({json.dumps(h, sort_keys=True) for h in expected}) == sessions  # the plans really differ
    assert http_server.process.poll() is None  # the server is still up
