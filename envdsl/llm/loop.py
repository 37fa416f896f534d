"""Propose and revise a spec with a model, driven by the checker's and the verifier's diagnostics.

Rule: a run lives in one folder and every step is saved before the next one
starts, so a killed run resumes where it stopped and nothing is asked twice:

    RUN/run.json            scenario, settings (never the key), each round's outcome, the stop reason
    RUN/scenario.md         the scenario;  RUN/resources/  copies of the resources given
    RUN/round-01/prompt.json   the messages sent          answer.md / answer.json  the raw answer and its metadata
                 NAME.envdsl, NAME.seed.yaml  what was extracted   diagnostics.txt / evaluation.json  the verdict
    RUN/NAME.envdsl (+ seed)   the spec of the round that verified

A round is: ask (skipped when `answer.md` exists) → extract → check → compile
(in memory) → verify (small settings) → feedback. The model's text is only
ever parsed; the seed file name it picks must be a plain name in the round
folder. The loop stops when a round verifies, after `rounds` rounds, when a
round has the same set of codes as the one before and no fewer problems
(not improving), or when the model repeats an earlier spec (looping).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envdsl.llm import prompting
from envdsl.llm.client import Answer, LLMSettings
from envdsl.llm.extract import ExtractError, extract

SEED_HEADER = re.compile(r'^\s*seed\s+"([^"\n]*)"', re.M)
PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_RESOURCE_CHARS = 20_000  # per resource, in the prompt


class RunError(Exception):
    """A run folder that cannot be used (missing, not a run, or a bad argument); one line for the user."""


@dataclass
class Evaluation:
    round: int
    status: str  # verified, no-spec, truncated, syntax, bad-seed-name, check-failed, load-failed, verify-failed
    codes: list[str]
    problems: int
    feedback: str  # what goes back to the model
    spec_file: str | None = None
    spec_hash: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class Outcome:
    verified: bool
    reason: str  # verified, rounds, not-improving, repeating
    rounds: list[Evaluation] = field(default_factory=list)
    final_spec: Path | None = None


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _dump(path: Path, data: Any) -> None:
    _write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def round_dir(run: Path, k: int) -> Path:
    return run / f"round-{k:02d}"


def start_run(run: Path, scenario: str, resources: list[Path], settings: LLMSettings) -> None:
    if (run / "run.json").exists():
        raise RunError(f"{run} already holds a run; continue it with `envdsl revise {run}` or pass --resume")
    if run.exists() and any(run.iterdir()):
        raise RunError(f"{run} exists and is not empty; choose a new --out folder")
    if not scenario.strip():
        raise RunError("the scenario is empty")
    run.mkdir(parents=True, exist_ok=True)
    names = []
    if resources:
        (run / "resources").mkdir()
    for resource in resources:
        try:
            data = resource.read_bytes()
        except OSError as error:
            raise RunError(f"cannot read resource {resource}: {error.strerror or error}") from None
        name = resource.name if resource.name not in names else f"{len(names)}-{resource.name}"
        (run / "resources" / name).write_bytes(data)
        names.append(name)
    _write(run / "scenario.md", scenario.strip() + "\n")
    _dump(
        run / "run.json", {"scenario": "scenario.md", "resources": names, "settings": settings.public(), "rounds": []}
    )


def load_run(run: Path) -> dict[str, Any]:
    try:
        return json.loads((run / "run.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{run} is not a run folder (no run.json); start one with `envdsl propose`") from None
    except (OSError, json.JSONDecodeError) as error:
        raise RunError(f"{run}/run.json is unreadable: {error}") from None


def _resources_text(run: Path, names: list[str]) -> str:
    chunks = []
    for name in names:
        raw = (run / "resources" / name).read_bytes()
        text = raw.decode("utf-8", errors="replace")
        if len(text) > MAX_RESOURCE_CHARS:
            text = text[:MAX_RESOURCE_CHARS] + f"\n… (cut: {len(raw)} bytes in all)"
        chunks.append(f"### Resource: {name}\n\n```\n{text}\n```\n")
    return ("## Resources\n\n" + "\n".join(chunks)) if chunks else ""


def messages_for(run: Path, k: int) -> list[dict[str, str]]:
    """The messages of round k: the system prompt and the proposal; after round 1 the last answer and its verdict."""
    if k == 1:
        meta = load_run(run)
        scenario = (run / "scenario.md").read_text(encoding="utf-8").strip()
        user = prompting.fill("propose", scenario=scenario, resources=_resources_text(run, meta.get("resources", [])))
        return [{"role": "system", "content": prompting.system_prompt()}, {"role": "user", "content": user}]
    first = json.loads((round_dir(run, 1) / "prompt.json").read_text(encoding="utf-8"))["messages"][:2]
    previous = round_dir(run, k - 1)
    answer = (previous / "answer.md").read_text(encoding="utf-8")
    evaluation = json.loads((previous / "evaluation.json").read_text(encoding="utf-8"))
    user = prompting.fill("revise", round=str(k), status=evaluation["status"], feedback=evaluation["feedback"])
    return [*first, {"role": "assistant", "content": answer}, {"role": "user", "content": user}]


def ask(run: Path, k: int, client: Any) -> bool:
    """Make sure round k has an answer; True when the model was asked now (False: resumed from the folder)."""
    folder = round_dir(run, k)
    if (folder / "answer.md").exists():
        return False
    folder.mkdir(exist_ok=True)
    prompt_path = folder / "prompt.json"
    if prompt_path.exists():
        messages = json.loads(prompt_path.read_text(encoding="utf-8"))["messages"]
    else:
        messages = messages_for(run, k)
        _dump(prompt_path, {"messages": messages})
    answer: Answer = client.chat(messages)
    _dump(
        folder / "answer.json",
        {
            "finish_reason": answer.finish_reason,
            "attempts": answer.attempts,
            "seconds": round(answer.seconds, 3),
            "usage": answer.usage,
        },
    )
    _write(folder / "answer.md", answer.text)  # last: its presence means the round's answer is complete
    return True


def evaluate(run: Path, k: int, examples: int = 30, steps: int = 15) -> Evaluation:
    """Round k's verdict (computed once, then read from `evaluation.json`)."""
    folder = round_dir(run, k)
    saved = folder / "evaluation.json"
    if saved.exists():
        return Evaluation(**json.loads(saved.read_text(encoding="utf-8")))
    evaluation = _evaluate(run, k, folder, examples, steps)
    _write(folder / "diagnostics.txt", evaluation.feedback + "\n")
    _dump(saved, evaluation.to_json())
    return evaluation


def _evaluate(run: Path, k: int, folder: Path, examples: int, steps: int) -> Evaluation:
    answer = (folder / "answer.md").read_text(encoding="utf-8")
    finish = json.loads((folder / "answer.json").read_text(encoding="utf-8")).get("finish_reason")
    try:
        got = extract(answer, finish)
    except ExtractError as error:
        return Evaluation(k, error.kind, [error.kind], 1, str(error))
    spec_hash = hashlib.sha256(got.spec.encode("utf-8")).hexdigest()[:16]
    seed_names = SEED_HEADER.findall(got.spec)
    bad = [n for n in seed_names if not PLAIN_NAME.match(n) or ".." in n]
    if bad:
        message = f'seed file names must be plain file names in the same folder (like "{got.env_name}.seed.yaml"), not {bad[0]!r}'
        return Evaluation(k, "bad-seed-name", ["bad-seed-name"], 1, message, None, spec_hash)
    spec_path = folder / f"{got.env_name}.envdsl"
    _write(spec_path, got.spec)
    yaml_names = [n for n in seed_names if n.endswith((".yaml", ".yml"))]
    if yaml_names:
        target = folder / yaml_names[0]
        if got.seed is not None:
            _write(target, got.seed)
        elif k > 1 and (round_dir(run, k - 1) / yaml_names[0]).exists():
            shutil.copyfile(round_dir(run, k - 1) / yaml_names[0], target)  # the model kept the seed as it was
    return _judge(k, spec_path, spec_hash, examples, steps)


def _judge(k: int, spec_path: Path, spec_hash: str, examples: int, steps: int) -> Evaluation:
    evaluation = _judge_paths(k, spec_path, spec_hash, examples, steps)
    # The model knows the files by name only: strip the run folder's path from every location.
    for prefix in {str(spec_path.parent) + "/", str(spec_path.parent.resolve()) + "/"}:
        evaluation.feedback = evaluation.feedback.replace(prefix, "")
    return evaluation


def _judge_paths(k: int, spec_path: Path, spec_hash: str, examples: int, steps: int) -> Evaluation:
    from envdsl.diagnostics.diagnostic import has_errors
    from envdsl.diagnostics.render import render
    from envdsl.runtime.compiled import LoadError, from_spec
    from envdsl.workspace import load_spec

    shown = spec_path.name
    loaded = load_spec(spec_path)
    errors = [d for d in loaded.diagnostics if d.is_error]
    if has_errors(loaded.diagnostics) or loaded.env is None:
        text = render(loaded.diagnostics, loaded.sources, "full").rstrip()
        codes = sorted({d.code for d in errors}) or ["check-failed"]
        return Evaluation(k, "check-failed", codes, len(errors), text or "the spec did not check", shown, spec_hash)
    try:
        from_spec(spec_path)
    except LoadError as error:
        return Evaluation(
            k, "load-failed", ["V0001"], 1, f"the spec checks but does not load: {error}", shown, spec_hash
        )
    from envdsl.verify.report import render_findings
    from envdsl.verify.run import Settings, verify

    result = verify(spec_path, Settings(examples=examples, steps=steps))
    warnings = render(loaded.diagnostics, loaded.sources, "concise").rstrip() if loaded.diagnostics else ""
    if result.passed:
        text = "verified" + (f" (warnings, not blocking):\n{warnings}" if warnings else "")
        return Evaluation(k, "verified", [], 0, text, shown, spec_hash)
    text = render_findings(result, "full").rstrip()
    return Evaluation(
        k, "verify-failed", sorted({f.code for f in result.findings}), len(result.findings), text, shown, spec_hash
    )


def _record(run: Path, evaluations: list[Evaluation], reason: str | None) -> None:
    meta = load_run(run)
    meta["rounds"] = [
        {"round": e.round, "status": e.status, "codes": e.codes, "problems": e.problems, "spec": e.spec_file}
        for e in evaluations
    ]
    meta["stopped"] = reason
    _dump(run / "run.json", meta)


def existing_rounds(run: Path) -> int:
    k = 0
    while (round_dir(run, k + 1) / "answer.md").exists() or (round_dir(run, k + 1) / "prompt.json").exists():
        k += 1
    return k


def drive(run: Path, client: Any, max_rounds: int, examples: int = 30, steps: int = 15, log: Any = None) -> Outcome:
    """Run rounds 1..max_rounds (resuming what the folder holds) until a stop rule fires."""
    load_run(run)
    say = log or (lambda _text: None)
    evaluations: list[Evaluation] = []
    seen_specs: dict[str, int] = {}
    reason = "rounds"
    for k in range(1, max_rounds + 1):
        try:
            asked = ask(run, k, client)
        except Exception:
            _record(run, evaluations, "endpoint-error")  # what finished is on record; the round resumes later
            raise
        evaluation = evaluate(run, k, examples, steps)
        evaluations.append(evaluation)
        codes = ", ".join(evaluation.codes) or "-"
        say(f"round {k:02d}{'' if asked else ' (resumed)'}: {evaluation.status} [{codes}]")
        if evaluation.status == "verified":
            reason = "verified"
            break
        if evaluation.spec_hash is not None and evaluation.spec_hash in seen_specs:
            reason = "repeating"
            say(f"stopping: round {k} repeats the spec of round {seen_specs[evaluation.spec_hash]}")
            break
        if evaluation.spec_hash is not None:
            seen_specs[evaluation.spec_hash] = k
        if len(evaluations) >= 2:
            before = evaluations[-2]
            if before.codes == evaluation.codes and evaluation.problems >= before.problems:
                reason = "not-improving"
                say(f"stopping: rounds {k - 1} and {k} fail the same way ({codes}) with no fewer problems")
                break
    final = None
    last = evaluations[-1] if evaluations else None
    if reason == "verified" and last is not None and last.spec_file:
        folder = round_dir(run, last.round)
        for path in folder.iterdir():
            if path.suffix in (".envdsl", ".yaml", ".yml", ".csv") and path.is_file():
                shutil.copyfile(path, run / path.name)
        final = run / last.spec_file
    _record(run, evaluations, reason)
    return Outcome(reason == "verified", reason, evaluations, final)
