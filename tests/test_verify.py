"""The verifier: a mutation suite it must catch, and the machinery around it.

tests/cases/verify/_base/ is a small, correct environment; every other folder
there holds a `case.json` naming one defect: text replacements in the spec or
seed (a real spec defect), or in the compiled `tools.py` where the language
makes the defect impossible to write (a hand-edited or miscompiled file is
what the verifier then guards against). Each must produce its finding. A
verifier that catches nothing fails these tests, and the base must pass, so a
verifier that flags everything fails too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from envdsl.verify.machine import EnvMachine
from envdsl.verify.oracle import Oracle
from envdsl.verify.run import Settings, ddmin, replay, verify
from envdsl.verify.status import NotVerified, require_verified, verification_status

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "verify"
BASE = CASES / "_base"
MUTATIONS = sorted(p.name for p in CASES.iterdir() if (p / "case.json").is_file())
QUICK = Settings(examples=40, steps=20, seed=0)


def _replace(text: str, pairs: list[list[str]], what: str) -> str:
    for old, new in pairs:
        assert text.count(old) == 1, f"{what}: the replacement must apply exactly once: {old!r}"
        text = text.replace(old, new)
    return text


def _compile(spec: Path, out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "envdsl", "compile", str(spec), "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    (folder,) = [p.parent for p in out.rglob("manifest.json")]
    return folder


def build_case(name: str, tmp: Path) -> Path:
    """The broken environment of a case: a spec path, or a compiled folder for compiled defects."""
    case = json.loads((CASES / name / "case.json").read_text())
    specs = tmp / "specs"
    specs.mkdir(parents=True)
    spec = specs / "wallet.envdsl"
    spec.write_text(_replace((BASE / "wallet.envdsl").read_text(), case.get("spec", []), "spec"))
    (specs / "wallet.seed.yaml").write_text(
        _replace((BASE / "wallet.seed.yaml").read_text(), case.get("seed", []), "seed")
    )
    if not case.get("compiled"):
        return spec
    folder = _compile(spec, tmp / "compiled")
    tools = folder / "tools.py"
    tools.write_text(_replace(tools.read_text(), case["compiled"], "tools.py"))
    return folder


@pytest.fixture(autouse=True)
def _fresh_sessions():
    yield
    EnvMachine.forget_sessions()


def test_the_base_environment_verifies() -> None:
    result = verify(BASE / "wallet.envdsl", QUICK)
    assert result.passed, [f.message for f in result.findings]
    assert all(s.ok for s in result.stats.values())


def test_there_are_at_least_twelve_mutations() -> None:
    assert len(MUTATIONS) >= 12


@pytest.mark.parametrize("name", MUTATIONS)
def test_mutation_is_caught(name: str, tmp_path: Path) -> None:
    expect = json.loads((CASES / name / "case.json").read_text())["expect"]
    source = build_case(name, tmp_path)
    result = verify(source, QUICK)
    matching = [
        f
        for f in result.findings
        if f.kind == expect["kind"] and f.tool == expect.get("tool", f.tool) and expect.get("message", "") in f.message
    ]
    assert matching, f"{name}: expected {expect}, found {[(f.kind, f.tool, f.message) for f in result.findings]}"
    finding = matching[0]
    if finding.calls:  # shrunk: no call can be left out and still show the defect
        session, _ = EnvMachine.session_for(source)
        shows = [f.identity for f in replay(session, finding.calls)]
        assert finding.identity in shows
        for i in range(len(finding.calls)):
            fewer = finding.calls[:i] + finding.calls[i + 1 :]
            assert finding.identity not in [f.identity for f in replay(session, fewer)], f"call {i + 1} is not needed"


def test_shrinking_finds_the_single_bad_call(tmp_path: Path) -> None:
    result = verify(build_case("invariant-broken-on-some-input", tmp_path), QUICK)
    (finding,) = [f for f in result.findings if f.kind == "invariant-broken"]
    assert len(finding.calls) == 1 and finding.calls[0]["tool"] == "pay"
    assert finding.calls[0]["arguments"]["amount"] <= 0
    assert 'invariant "payments are positive"' in finding.message


def test_dead_tool_names_the_require_that_never_held(tmp_path: Path) -> None:
    result = verify(build_case("dead-tool", tmp_path), QUICK)
    (dead,) = [f for f in result.findings if f.kind == "dead-tool"]
    assert dead.secondary, "the require that stopped the calls is pointed at"
    span, label = dead.secondary[0]
    spec_text = Path(span.path).read_text()
    assert spec_text[span.start : span.end].startswith("require payment.amount < 0")
    assert "never held" in label


def test_ddmin_is_one_minimal() -> None:
    items = list(range(20))
    assert ddmin(items, lambda xs: 3 in xs and 17 in xs) == [3, 17]
    assert ddmin(items, lambda xs: len(xs) >= 4) == items[:4] or len(ddmin(items, lambda xs: len(xs) >= 4)) == 4


def test_same_seed_same_result_other_seed_other_run() -> None:
    a = verify(BASE / "wallet.envdsl", Settings(examples=15, steps=10, seed=1))
    b = verify(BASE / "wallet.envdsl", Settings(examples=15, steps=10, seed=1))
    c = verify(BASE / "wallet.envdsl", Settings(examples=15, steps=10, seed=2))
    assert a.to_json()["tools"] == b.to_json()["tools"]
    assert a.to_json()["tools"] != c.to_json()["tools"]


_SEEDED_RUN = """
import hashlib, importlib, json, pkgutil, sys
from pathlib import Path
if sys.argv[2] == "after-imports":  # what a long-lived process (pytest, the language server) has loaded
    import envdsl
    from envdsl.runtime import compiled
    for module in pkgutil.walk_packages(envdsl.__path__, "envdsl."):
        if not any(part in module.name for part in ("__main__", ".train", ".lsp", ".scale")):
            importlib.import_module(module.name)
    for manifest in sorted(Path(sys.argv[3]).rglob("manifest.json")):
        compiled.load(manifest.parent)
from envdsl.verify.run import Settings, verify
result = verify(Path(sys.argv[1]), Settings(examples=3, steps=4, seed=7))
print(hashlib.sha256(json.dumps(result.to_json()["tools"], sort_keys=True).encode()).hexdigest())
"""


def test_what_the_process_has_imported_does_not_change_a_seeded_run() -> None:
    # Hypothesis mines literals from every local module in sys.modules; a verify run must not see them,
    # or the same seed writes another record inside pytest, a language server or a Ray worker (this
    # failed CI once: a Ray run and a local run disagreed). Subprocesses, so that "fresh" is fresh.
    from hypothesis.internal.conjecture import providers

    assert callable(providers._get_local_constants)  # the internal name run._without_local_constants swaps
    spec = str(ROOT / "specs" / "travel" / "airline.envdsl")
    runs = [
        subprocess.run(
            [sys.executable, "-c", _SEEDED_RUN, spec, mode, str(ROOT / "compiled")],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        for mode in ("fresh", "after-imports")
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert runs[0].stdout == runs[1].stdout


def test_local_invariant_checks_agree_with_whole_evaluation(tmp_path: Path) -> None:
    """The oracle re-checks a local invariant only on rows a change can affect (see `local_plan`);
    a second oracle that evaluates every invariant whole must agree after every call, up to the
    first violation."""
    for source in (
        build_case("invariant-broken-on-some-input", tmp_path / "a"),
        ROOT / "compiled" / "commerce" / "retail",
    ):
        _compare_local_and_whole(source)


def _compare_local_and_whole(source: Path) -> None:
    session, arguments = EnvMachine.session_for(source)
    assert any(plan is not None for plan in session.oracle._plans.values())
    whole = Oracle(session.runtime)
    whole._plans = {name: None for name in whole._plans}  # every invariant evaluated whole
    tools = [t.name for t in session.env.tools]

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        session.reset()
        whole.set_rows(session.oracle.copy_rows())
        for _ in range(8):
            tool = data.draw(st.sampled_from(tools))
            args = data.draw(arguments.valid[tool])
            outcome = session.step(tool, args)
            mine = sorted(f.message.split(" for the ")[0] for f in outcome.findings if f.kind == "invariant-broken")
            everything = whole.after_write(e.name for e in session.env.entities)
            theirs = sorted(f.message for f in everything if f.kind == "invariant-broken")
            assert mine == theirs
            if theirs:  # from a broken state on, only changes are re-checked (and reported once): stop here
                break

    run()


# ------------------------------------------------------------------ records, CLI, reports


def envdsl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "envdsl", *args], capture_output=True, text=True, cwd=cwd)


def test_verify_cli_records_reports_and_gates(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "specs")
    folder = _compile(tmp_path / "specs" / "wallet.envdsl", tmp_path / "compiled")
    assert not verification_status(folder).verified
    with pytest.raises(NotVerified, match="has not been verified"):
        require_verified(folder)
    done = envdsl("verify", "specs/", "--examples", "20", "--report", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ok      testing/wallet" in done.stderr and "verified 1 of 1 environment" in done.stderr
    record = require_verified(folder)
    assert record["passed"] and record["settings"]["examples"] == 20
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["passed"] and report["environments"][0]["tools"]["pay"]["ok"] > 0
    page = (tmp_path / "out" / "report.html").read_text()
    assert "testing/wallet" in page and "<table>" in page and "verified" in page
    # The record goes stale when the spec changes.
    spec = tmp_path / "specs" / "wallet.envdsl"
    spec.write_text(spec.read_text().replace('title "Wallet"', 'title "Wallet 2"'))
    assert envdsl("compile", "specs/", cwd=tmp_path).returncode == 0
    assert "stale" in verification_status(folder).reason


def test_verify_cli_fails_with_located_findings_and_replay_reproduces(tmp_path: Path) -> None:
    folder = build_case("invariant-broken-on-some-input", tmp_path)
    compiled = _compile(folder, tmp_path / "compiled")
    done = envdsl("verify", str(compiled), "--examples", "80", cwd=tmp_path)
    assert done.returncode == 1
    assert "FAILED  testing/wallet" in done.stderr
    assert "V0101" in done.stderr and "wallet.envdsl:" in done.stderr  # a diagnostic located in the spec
    assert "envdsl replay" in done.stderr
    status = verification_status(compiled)
    assert not status.verified and "failed verification" in status.reason
    again = envdsl("replay", str(compiled), str(compiled / "verification.json"), cwd=tmp_path)
    assert again.returncode == 1, again.stderr
    assert "pay(" in again.stdout and "V0101" in again.stderr


def test_verify_cli_usage_errors(tmp_path: Path) -> None:
    missing = envdsl("verify", "nowhere/", cwd=tmp_path)
    assert missing.returncode == 2 and "no such file or folder: nowhere" in missing.stderr
    (tmp_path / "calls.json").write_text("{not json")
    bad = envdsl("replay", str(BASE / "wallet.envdsl"), "calls.json", cwd=tmp_path)
    assert bad.returncode == 2 and "is not JSON" in bad.stderr
    (tmp_path / "calls.json").write_text(json.dumps([{"tool": "fly", "arguments": {}}]))
    unknown = envdsl("replay", str(BASE / "wallet.envdsl"), "calls.json", cwd=tmp_path)
    assert unknown.returncode == 2 and "names no tool of wallet: 'fly'" in unknown.stderr
    broken = tmp_path / "broken.envdsl"
    broken.write_text("env broken {")
    load = envdsl("verify", str(broken), cwd=tmp_path)
    assert load.returncode == 1 and "V0001" in load.stderr and "Traceback" not in load.stderr


@pytest.mark.slow
def test_generated_test_file_runs_under_pytest(tmp_path: Path) -> None:
    shutil.copytree(BASE, tmp_path / "specs")
    folder = _compile(tmp_path / "specs" / "wallet.envdsl", tmp_path / "compiled")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder / "test_wallet.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout


def test_generated_test_file_fails_under_pytest_on_a_defect(tmp_path: Path) -> None:
    folder = _compile(build_case("invariant-broken-on-some-input", tmp_path), tmp_path / "compiled")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            str(folder / "test_wallet.py"),
            "-k",
            "TestWallet",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "V0101 invariant-broken" in done.stdout and "call_pay" in done.stdout


def test_session_keeps_the_store_and_the_oracle_in_step() -> None:
    session, _ = EnvMachine.session_for(BASE / "wallet.envdsl")
    session.reset()
    outcome = session.step("pay", {"account": "A1", "amount": 20.0, "memo": "lunch"})
    assert outcome.ok and not outcome.findings
    assert [r["id"] for r in session.oracle.json_rows["Payment"]] == [r["id"] for r in session.runtime.rows("Payment")]
    failed = session.step("pay", {"account": "A3", "amount": 1.0})
    assert failed.result.error == "InsufficientFunds" and not failed.findings
    assert session.stats["pay"].stopped_at  # which require stopped it is known


def test_every_shipped_environment_has_a_passing_up_to_date_record() -> None:
    """`envdsl verify compiled/` (at the default 200 examples) was run and its records committed;
    CI re-verifies every environment at fewer examples (.ci/run)."""
    folders = sorted(p.parent for p in (ROOT / "compiled").glob("*/*/manifest.json"))
    assert folders
    problems = [verification_status(folder).reason for folder in folders if not verification_status(folder).verified]
    assert not problems, "\n".join(problems)
    for folder in folders:
        record = json.loads((folder / "verification.json").read_text())
        assert record["settings"]["examples"] >= 200, folder
