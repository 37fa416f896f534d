"""Authoring with a model: propose, revise, scenarios and the LLM realizer, through the real `openai` client.

A capable LLM cannot run on this machine (no hub, CPU only; no model that
runs here writes a valid spec), so the model is a small real HTTP server on
127.0.0.1 implementing `/v1/chat/completions` that returns scripted answers
(and scripted faults: 429, 500, a slow answer). Everything else is real: the
`openai` client and its HTTP, the retries, the run folder, the checker, the
in-memory compile and the hypothesis verifier.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

pytest.importorskip("openai")

from envdsl.cli import main  # noqa: E402
from envdsl.llm.client import ChatClient, LLMError, load_settings  # noqa: E402
from envdsl.llm.extract import ExtractError, extract  # noqa: E402

GOOD_SPEC = """\
env library {
  title "Small library"
  domain education
  clock "2026-03-01T09:00:00"
  seed "library.seed.yaml"

  error NotAvailable "The book is already on loan."

  entity Member {
    key id: str
    name: str
  }

  entity Book {
    key id: str
    title: str
    copies: int check copies >= 0
  }

  entity Loan {
    key id: str = next_id("L")
    member: Member
    book: Book
    due: date
  }

  tool get_book(book: Book) -> Book "Look up a book." {
    return book
  }

  tool borrow_book(member: Member, book: Book) -> Loan "Borrow a copy of a book for two weeks." raises NotAvailable {
    require book.copies > 0 else NotAvailable "no copy of {book.title} is left"
    update book set copies = copies - 1
    return insert Loan { member: member, book: book, due: today() + days(14) }
  }

  invariant "copies never negative": all b in Book: b.copies >= 0
}
"""
BAD_SPEC = GOOD_SPEC.replace("due: today() + days(14)", "due: 14")  # E0201: an int where a date is expected
SEED = """\
provenance:
  source: "hand-written for the test"
Member:
  - {id: "M1", name: "Ada"}
Book:
  - {id: "B1", title: "Dune", copies: 2}
  - {id: "B2", title: "Emma", copies: 0}
"""


def answer(spec: str, seed: str | None = SEED, prose: str = "Here is the environment.") -> str:
    text = f"{prose}\n\n```envdsl\n{spec}```\n"
    return text + (f"\n```yaml\n{seed}```\n" if seed is not None else "")


class Script:
    """Scripted answers, in order; the last one repeats. Items: a string, a dict with status/sleep/finish, or a
    function of the request body returning either."""

    def __init__(self, items: list[Any]) -> None:
        self.items = list(items)
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def next(self, body: dict[str, Any]) -> Any:
        with self.lock:
            self.requests.append(body)
            return self.items.pop(0) if len(self.items) > 1 else self.items[0]


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, data: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _stream(self, body: dict[str, Any], item: dict[str, Any]) -> None:
            """Server-sent events, as the OpenAI API streams; `cut` drops the connection halfway."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            content = item.get("content", "")
            pieces = [content[i : i + 40] for i in range(0, len(content), 40)] or [""]
            if item.get("cut"):
                pieces = pieces[: max(1, len(pieces) // 2)]
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1 and not item.get("cut")
                choice = {
                    "index": 0,
                    "delta": {"content": piece},
                    "finish_reason": item.get("finish", "stop") if last else None,
                }
                chunk = {
                    "id": "c",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": body.get("model", "m"),
                    "choices": [choice],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            if not item.get("cut"):
                self.wfile.write(b"data: [DONE]\n\n")

        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            item = script.next(body)
            if callable(item):
                item = item(body)
            if isinstance(item, str):
                item = {"content": item}
            if item.get("sleep"):
                time.sleep(item["sleep"])
            if body.get("stream") and not item.get("status"):
                self._stream(body, item)
                return
            if item.get("status"):
                self._send(
                    item["status"],
                    {"error": {"message": item.get("message", "scripted failure"), "type": "x"}},
                    item.get("headers"),
                )
                return
            self._send(
                200,
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "m"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": item.get("content", "")},
                            "finish_reason": item.get("finish", "stop"),
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                },
            )

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client gave up on a slow answer (the timeout test): expected
        super().handle_error(request, client_address)


@pytest.fixture
def server():
    """Start a scripted server: `url, script = server([...])`."""
    started: list[ThreadingHTTPServer] = []

    def start(items: list[Any]) -> tuple[str, Script]:
        script = Script(items)
        httpd = _Server(("127.0.0.1", 0), _handler(script))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/v1", script

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "envdsl.toml"
    path.write_text('[llm]\nmodel = "scripted"\nbackoff = 0.01\ntimeout = 5\nretries = 2\n', encoding="utf-8")
    return path


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def propose(url: str, config: Path, run: Path, *extra: str) -> tuple[int, str]:
    return cli(
        "propose",
        "A small library: members borrow books.",
        "--out",
        str(run),
        "--base-url",
        url,
        "--config",
        str(config),
        "--examples",
        "15",
        *extra,
    )


def revise(url: str, config: Path, run: Path, rounds: int = 3) -> tuple[int, str]:
    return cli(
        "revise", str(run), "--rounds", str(rounds), "--base-url", url, "--config", str(config), "--examples", "15"
    )


def evaluation(run: Path, k: int) -> dict[str, Any]:
    return json.loads((run / f"round-{k:02d}" / "evaluation.json").read_text(encoding="utf-8"))


def test_propose_then_revise_converges_in_two_rounds(server, config: Path, tmp_path: Path) -> None:
    url, script = server([answer(BAD_SPEC), answer(GOOD_SPEC, seed=None, prose="Fixed the due date.")])
    run = tmp_path / "run"
    resource = tmp_path / "rules.txt"
    resource.write_text("Loans last fourteen days.\n", encoding="utf-8")
    code, out = propose(url, config, run, "--resource", str(resource))
    assert code == 1 and "round 01: check-failed [E0201]" in out and f"envdsl revise {run}" in out
    first = evaluation(run, 1)
    assert first["codes"] == ["E0201"] and "expected `date` for `Loan.due`" in first["feedback"]
    # What the model was told: the grammar and the catalogue (read at run time), the scenario and the resource.
    system, user = script.requests[0]["messages"]
    assert (
        "start:" in system["content"]
        and "E0201 type-mismatch" in system["content"]
        and "V0501 dead-tool" in system["content"]
    )
    assert "members borrow books" in user["content"] and "Loans last fourteen days." in user["content"]
    assert (run / "resources" / "rules.txt").exists()

    code, out = revise(url, config, run)
    assert code == 0, out
    assert "round 02: verified" in out
    second = script.requests[1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert "expected `date` for `Loan.due`" in second[3]["content"]  # the exact diagnostic went back
    # The answer kept the seed: the previous round's seed file was carried over.
    assert (run / "round-02" / "library.seed.yaml").read_text(encoding="utf-8") == SEED
    meta = json.loads((run / "run.json").read_text(encoding="utf-8"))
    assert meta["stopped"] == "verified" and [r["status"] for r in meta["rounds"]] == ["check-failed", "verified"]
    assert "api_key" not in json.dumps(meta["settings"]).replace("api_key_env", "")
    code, out = cli("check", str(run / "library.envdsl"))
    assert code == 0, out
    for name in ("prompt.json", "answer.md", "answer.json", "library.envdsl", "diagnostics.txt", "evaluation.json"):
        assert (run / "round-02" / name).is_file()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_is_retried_then_one_line(config: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"
    code, out = propose(url, config, tmp_path / "run")
    assert code == 1
    assert (
        out.strip().splitlines()[-1]
        == f"error: {url}: cannot connect (connection refused); check that the server is running and --base-url is right (gave up after 3 tries)"
    )


def test_timeout_is_retried_then_one_line(server) -> None:
    url, script = server([{"sleep": 1.5, "content": "late"}])
    client = ChatClient(load_settings(None, base_url=url, model="m", timeout=0.3, retries=1, backoff=0.01))
    with pytest.raises(LLMError, match=r"no answer within 0.3 s \(timeout\).*gave up after 2 tries"):
        client.chat([{"role": "user", "content": "hi"}])
    assert len(script.requests) == 2


def test_429_then_success(server, config: Path, tmp_path: Path) -> None:
    url, script = server([{"status": 429, "message": "slow down", "headers": {"Retry-After": "0"}}, answer(GOOD_SPEC)])
    code, out = propose(url, config, tmp_path / "run")
    assert code == 0, out
    assert len(script.requests) == 2
    assert json.loads((tmp_path / "run" / "round-01" / "answer.json").read_text())["attempts"] == 2


def test_500_every_time_is_a_clear_error(server, config: Path, tmp_path: Path) -> None:
    url, script = server([{"status": 500, "message": "model crashed"}])
    code, out = propose(url, config, tmp_path / "run")
    assert code == 1 and len(script.requests) == 3
    assert (
        out.strip().splitlines()[-1]
        == f"error: {url}: HTTP 500 server error (model crashed); check the server's log (gave up after 3 tries)"
    )


def test_401_is_not_retried_and_names_the_key_variable(server, tmp_path: Path) -> None:
    url, script = server([{"status": 401, "message": "bad key"}])
    client = ChatClient(load_settings(None, base_url=url, model="m", retries=3, backoff=0.01, api_key_env="MY_KEY"))
    with pytest.raises(LLMError, match=r"HTTP 401 \(bad key\); check the API key in MY_KEY"):
        client.chat([{"role": "user", "content": "hi"}])
    assert len(script.requests) == 1


def test_no_spec_then_stops_not_improving(server, config: Path, tmp_path: Path) -> None:
    url, script = server(["I'm sorry, I can't write that."])
    run = tmp_path / "run"
    code, out = propose(url, config, run)
    assert code == 1 and evaluation(run, 1)["status"] == "no-spec"
    assert "no spec" in (run / "round-01" / "diagnostics.txt").read_text()
    # No --base-url: a run continues with the endpoint recorded in run.json.
    code, out = cli("revise", str(run), "--rounds", "5", "--config", str(config))
    assert code == 1 and "stopped (not-improving) after round 2" in out
    assert len(script.requests) == 2


def test_truncated_spec(server, config: Path, tmp_path: Path) -> None:
    cut = "```envdsl\n" + GOOD_SPEC[: len(GOOD_SPEC) // 2]
    url, _ = server([{"content": cut, "finish": "length"}, answer(GOOD_SPEC)])
    run = tmp_path / "run"
    code, _ = propose(url, config, run)
    first = evaluation(run, 1)
    assert code == 1 and first["status"] == "truncated" and "token limit" in first["feedback"]
    code, out = revise(url, config, run)
    assert code == 0, out


def test_syntax_error_feeds_back_the_parser_diagnostic(server, config: Path, tmp_path: Path) -> None:
    broken = GOOD_SPEC.replace("entity Member {", "entity {")
    url, _ = server([answer(broken)])
    run = tmp_path / "run"
    propose(url, config, run)
    first = evaluation(run, 1)
    assert first["status"] == "syntax" and "error[E0001]" in first["feedback"]


def test_same_error_forever_stops(server, config: Path, tmp_path: Path) -> None:
    # The model answers with differently worded specs that fail the same way: stop after two such rounds.
    url, script = server([answer(BAD_SPEC), answer("// try again\n" + BAD_SPEC), answer("// and again\n" + BAD_SPEC)])
    run = tmp_path / "run"
    propose(url, config, run)
    code, out = revise(url, config, run, rounds=10)
    assert code == 1 and "stopped (not-improving) after round 2" in out and len(script.requests) == 2
    # The very same spec again is caught as a loop even when the error set changes meanwhile.
    url, script = server([answer(BAD_SPEC), answer(GOOD_SPEC, seed="Member: []\nBook: []\n"), answer(BAD_SPEC)])
    run = tmp_path / "run2"
    propose(url, config, run)
    code, out = revise(url, config, run, rounds=10)
    assert code == 1 and "stopped (repeating) after round 3" in out


def test_resume_never_asks_twice(server, config: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    url, _ = server([answer(BAD_SPEC)])
    propose(url, config, run)
    # Round 2 fails at the endpoint after its prompt was saved (as if the run was stopped mid-round) ...
    url, failing = server([{"status": 500}])
    code, out = revise(url, config, run)
    assert code == 1 and "HTTP 500" in out
    assert cli("revise", str(tmp_path / "nothing"), "--base-url", url, "--config", str(config))[1].startswith(
        "error: " + str(tmp_path / "nothing") + " is not a run folder"
    )
    saved = json.loads((run / "round-02" / "prompt.json").read_text())["messages"]
    assert json.loads((run / "run.json").read_text())["stopped"] == "endpoint-error"
    assert not (run / "round-02" / "answer.md").exists()
    # ... resuming sends exactly the saved prompt, and round 1 is neither asked nor re-verified.
    url, script = server([answer(GOOD_SPEC)])
    code, out = revise(url, config, run)
    assert code == 0 and "round 01 (resumed): check-failed" in out
    assert [r["messages"] for r in script.requests] == [saved]
    # A finished run resumes without asking anything.
    url, idle = server(["should not be asked"])
    code, out = cli("propose", "x", "--out", str(run), "--resume", "--base-url", url, "--config", str(config))
    assert code == 0 and idle.requests == []
    code, out = cli("propose", "x", "--out", str(run), "--base-url", url, "--config", str(config))
    assert code == 1 and "already holds a run" in out


def test_settings_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENVDSL_LLM_MODEL", raising=False)
    monkeypatch.delenv("ENVDSL_LLM_BASE_URL", raising=False)
    code, out = cli("propose", "x", "--out", "run", "--base-url", "http://127.0.0.1:9/v1")
    assert code == 1 and out.startswith("error: no model set for the model: pass --model")
    (tmp_path / "envdsl.toml").write_text("[llm]\nmodel = \n", encoding="utf-8")
    code, out = cli("scenarios", "--domain", "travel", "--base-url", "http://127.0.0.1:9/v1")
    assert code == 1 and "envdsl.toml: not valid TOML" in out
    (tmp_path / "envdsl.toml").write_text('[llm]\nmodel = "m"\nbase_url = "ftp://x"\n', encoding="utf-8")
    code, out = cli("scenarios", "--domain", "travel")
    assert code == 1 and "is not an http(s) URL" in out
    monkeypatch.delenv("SOME_KEY", raising=False)
    with pytest.raises(LLMError, match="set the environment variable SOME_KEY"):
        load_settings(None, base_url="https://api.example.com/v1", model="m", api_key_env="SOME_KEY").api_key()


def test_scenarios_are_validated_and_deduplicated(server, config: Path, tmp_path: Path) -> None:
    def item(title: str, description: str) -> dict[str, Any]:
        return {"title": title, "description": description, "entities": ["A"], "tools": ["t"]}

    first = {
        "scenarios": [
            item("Dental clinic appointments", "Patients book, move and cancel dental appointments with limits."),
            item("Dental Clinic Appointment", "Another wording of the same dental booking service for patients."),
            item("Pharmacy refills", "Patients request prescription refills; controlled drugs need a review."),
        ]
    }
    second = {"scenarios": [item("Vaccination center", "Citizens book vaccination slots; one dose per 28 days.")]}
    url, script = server(["not json at all", "```json\n" + json.dumps(first) + "\n```", json.dumps(second)])
    out_file = tmp_path / "s.json"
    code, out = cli(
        "scenarios",
        "--domain",
        "health",
        "--n",
        "3",
        "--base-url",
        url,
        "--config",
        str(config),
        "--out",
        str(out_file),
    )
    assert code == 0, out
    data = json.loads(out_file.read_text())
    assert [s["title"] for s in data["scenarios"]] == [
        "Dental clinic appointments",
        "Pharmacy refills",
        "Vaccination center",
    ]
    assert data["answers"][1]["dropped"] == [
        {"title": "Dental Clinic Appointment", "duplicate_of": "Dental clinic appointments"}
    ]
    assert "Pharmacy refills" in script.requests[2]["messages"][0]["content"]  # asked to avoid the kept ones


def test_llm_realizer_checks_and_falls_back(server, tmp_path: Path) -> None:
    from envdsl.llm.realize import LLMRealizer
    from envdsl.sample.realize import Request
    from envdsl.sample.task import Fact
    from envdsl.workspace import load_spec

    (tmp_path / "library.envdsl").write_text(GOOD_SPEC, encoding="utf-8")
    (tmp_path / "library.seed.yaml").write_text(SEED, encoding="utf-8")
    env = load_spec(tmp_path / "library.envdsl").env
    assert env is not None
    borrow = env.tool("borrow_book")
    request = Request(
        env,
        0,
        borrow.doc,
        (Fact("member", None, "M1"), Fact("book", "title", "Dune")),
        {"member": "Member", "book": "Book"},
        "0",
    )
    url, script = server(
        [
            "Hi, I'm member M1 and I'd like to borrow Dune for two weeks.",
            "Please call borrow_book for M1 and Dune.",
            "I'm M1; please lend me Dune, loan L1001.",
            "I'd like to borrow a book.",
            {"status": 500},
        ]
    )
    logged: list[str] = []
    realizer = LLMRealizer(load_settings(None, base_url=url, model="m", retries=0, backoff=0.0), log=logged.append)
    assert realizer.realize(request) == "Hi, I'm member M1 and I'd like to borrow Dune for two weeks."
    template = realizer.template.realize(request)
    for _ in range(4):
        assert realizer.realize(request) == template
    assert [f["kind"] for f in realizer.fallbacks] == ["names-tool", "unknown-id", "drops-fact", "endpoint"]
    assert realizer.realize(request) == template and len(script.requests) == 5  # a failed endpoint is not asked again
    assert "names the tool borrow_book" in realizer.fallbacks[0]["reason"] and len(logged) == 4
    assert "user wants to: Borrow a copy" in script.requests[0]["messages"][0]["content"]


def _wait_ready(port: int, process: Any, seconds: float = 120.0) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"transformers serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail("transformers serve was not ready in time")


@pytest.mark.slow
def test_real_model_server_client_path(tmp_path: Path) -> None:
    """A real OpenAI-compatible server: `transformers serve` with a tiny random model (envdsl.train.tiny).

    It cannot write a spec, so this covers what it can: the client path end to end (plain and streamed), a real model's
    unusable answer recognised as `no-spec`, and the server's own HTTP 500 (a model that does not
    exist) as one clear line after retries. (A real run folder with a real answer costs ~15 s more
    here: the system prompt is ~11k tokens for a CPU model; the scripted tests cover the folder.)
    """
    pytest.importorskip("transformers")
    pytest.importorskip("torch")
    import os
    import subprocess

    from envdsl.train.tiny import build_tiny_model

    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    command = [
        sys.executable,
        "-m",
        "transformers.cli.transformers",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([*command, "--device", "cpu"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        model = build_tiny_model(tmp_path / "model")  # overlaps the server's start-up
        _wait_ready(port, process)
        url = f"http://127.0.0.1:{port}/v1"
        config = tmp_path / "envdsl.toml"
        config.write_text(
            f'[llm]\nbase_url = "{url}"\nmodel = "{model}"\nmax_tokens = 16\nretries = 1\nbackoff = 0.1\ntimeout = 120\n',
            encoding="utf-8",
        )
        got = ChatClient(load_settings(config)).chat([{"role": "user", "content": "Write a spec."}])
        assert got.finish_reason in ("length", "stop") and got.attempts == 1 and isinstance(got.text, str)

        streamed = ChatClient(load_settings(config, stream=True)).chat([{"role": "user", "content": "Write a spec."}])
        assert streamed.finish_reason in ("length", "stop") and isinstance(streamed.text, str)
        with pytest.raises(ExtractError) as caught:  # a random model's text holds no spec
            extract(got.text, got.finish_reason)
        assert caught.value.kind == "no-spec"

        code, out = cli("scenarios", "--domain", "x", "--config", str(config), "--model", str(tmp_path / "missing"))
        assert code == 1 and f"error: {url}: HTTP 500 server error" in out and "gave up after 2 tries" in out
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_sample_realizer_hook_reads_env_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from envdsl.sample.realize import RealizerError, get_realizer

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENVDSL_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("ENVDSL_LLM_MODEL", raising=False)
    with pytest.raises(RealizerError, match="--realizer llm: needs an endpoint and a model: set ENVDSL_LLM_BASE_URL"):
        get_realizer("llm")
    monkeypatch.setenv("ENVDSL_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("ENVDSL_LLM_MODEL", "m")
    realizer = get_realizer("llm")
    assert realizer.name == "llm" and realizer.settings.model == "m"  # type: ignore[attr-defined]


def test_sample_with_llm_realizer_end_to_end(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    (spec_dir / "library.envdsl").write_text(GOOD_SPEC, encoding="utf-8")
    (spec_dir / "library.seed.yaml").write_text(SEED, encoding="utf-8")
    compiled = tmp_path / "compiled"
    assert cli("compile", str(spec_dir / "library.envdsl"), "--out", str(compiled))[0] == 0
    folder = compiled / "education" / "library"
    assert cli("verify", str(folder), "--examples", "5")[0] == 0

    def user_turn(body: dict[str, Any]) -> str:
        # A scripted user: restates the facts listed in the realize prompt.
        facts = re.findall(r"^- [^:\n]+: (.+)$", body["messages"][0]["content"], re.M)
        return "Hello! I'd like to borrow a book: " + ", ".join(facts) + "."

    url, script = server([user_turn])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENVDSL_LLM_BASE_URL", url)
    monkeypatch.setenv("ENVDSL_LLM_MODEL", "scripted")
    code, out = cli("sample", str(folder), "--n", "1", "--out", str(tmp_path / "t.jsonl"), "--realizer", "llm")
    assert code == 0, out
    task = json.loads((tmp_path / "t.jsonl").read_text().splitlines()[0])
    assert task["meta"]["realizer"] == "llm" and task["turns"][0]["user"].startswith(
        "Hello! I'd like to borrow a book: "
    )
    assert len(script.requests) >= 1 and "warning" not in out

    url, _ = server(["Call borrow_book now."])
    monkeypatch.setenv("ENVDSL_LLM_BASE_URL", url)
    code, out = cli("sample", str(folder), "--n", "1", "--out", str(tmp_path / "t2.jsonl"), "--realizer", "llm")
    assert (
        code == 0
        and "warning: --realizer llm fell back to the template text (names-tool: names the tool borrow_book)" in out
    )
    task = json.loads((tmp_path / "t2.jsonl").read_text().splitlines()[0])
    assert "borrow_book" not in task["turns"][0]["user"]


def test_streamed_answers_and_a_stream_that_breaks_off(server, tmp_path: Path) -> None:
    url, script = server([answer(GOOD_SPEC), {"content": answer(GOOD_SPEC), "cut": True}])
    client = ChatClient(load_settings(None, base_url=url, model="m", stream=True, retries=2, backoff=0.01))
    got = client.chat([{"role": "user", "content": "hi"}])
    assert got.text == answer(GOOD_SPEC) and got.finish_reason == "stop" and script.requests[0]["stream"] is True
    with pytest.raises(LLMError, match=r"the answer stream broke off .*gave up after 3 tries"):
        client.chat([{"role": "user", "content": "hi"}])
    assert len(script.requests) == 4
    # The loop gets the streamed text like any other answer.
    config = tmp_path / "envdsl.toml"
    config.write_text('[llm]\nmodel = "m"\nstream = true\n', encoding="utf-8")
    url, _ = server([answer(GOOD_SPEC)])
    code, out = propose(url, config, tmp_path / "run")
    assert code == 0, out


def test_verifier_findings_and_their_calls_go_back(server, config: Path, tmp_path: Path) -> None:
    # Checks, but a loan can drive copies below zero: the verifier finds it with a shrunk call sequence.
    unsafe = GOOD_SPEC.replace(
        '    require book.copies > 0 else NotAvailable "no copy of {book.title} is left"\n', ""
    ).replace(" raises NotAvailable", "")
    unsafe = unsafe.replace('  error NotAvailable "The book is already on loan."\n', "")
    url, script = server([answer(unsafe), answer(GOOD_SPEC)])
    run = tmp_path / "run"
    code, out = propose(url, config, run)
    first = evaluation(run, 1)
    assert code == 1 and first["status"] == "verify-failed", first
    assert "calls from the seeded state" in first["feedback"] and "borrow_book(" in first["feedback"]
    assert "--> library.envdsl:" in first["feedback"] and str(tmp_path) not in first["feedback"]
    code, out = revise(url, config, run)
    assert code == 0, out
    assert "borrow_book(" in script.requests[1]["messages"][3]["content"]
