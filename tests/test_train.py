"""The training path (envdsl.train, trainers/): real trl runs on a tiny model, on CPU.

What runs for real here: a compiled environment (a small spec written below,
compiled with `envdsl compile` into a temporary folder), tasks built by
executing their ground-truth calls on the runtime, a tiny Qwen3 model with
random weights and a locally trained tokenizer (no download is possible),
trl's SFTTrainer and GRPOTrainer (with `environment_factory`), and the
evaluation harness against `transformers serve` on 127.0.0.1 — a real
OpenAI-compatible server, serving the tiny model.

What it shows: the pipeline runs end to end; rewards come from environment
state (a rollout whose calls reach the goal state scores 1, a rollout that does
nothing scores 0, each logged reward equals an independent replay); checkpoints,
metrics and summaries are written; bad input gives one clear message. What it
does not show: that training improves a real model (a random 0.2 M-parameter
model only learns to repeat one memorised tool call).

The verification records written here stand in for `envdsl verify`, which
the trainers require before they touch an environment.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("trl", reason="the train extra is not installed: pip install -e '.[train]'")

from click.testing import CliRunner  # noqa: E402

from envdsl.reward import Scorer, score  # noqa: E402
from envdsl.runtime import Environment  # noqa: E402
from envdsl.sample.task import Call, EnvRef, Task, Turn, dump_tasks, load_tasks, tool_call_message, tool_message  # noqa: E402
from envdsl.verify.status import write_record  # noqa: E402

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
CONFIGS = REPO / "trainers" / "configs"

NOTES_SPEC = """\
env notes {
  title "Notes"
  domain productivity
  policy "You help the user manage their notes."
  clock "2026-03-01T09:00:00"
  seed "notes.seed.yaml"

  error AlreadyPinned "The note is pinned already."

  enum Color { plain, yellow, blue }

  entity Note "A note" {
    key id: str = next_id("N")
    title: str "The note's title"
    color: Color = plain
    pinned: bool = false
  }

  tool find_note(title: str) -> Note?
    "The note with this title, if there is one."
  {
    return find first n in Note where lower(n.title) == lower(title)
  }

  tool pin_note(note: Note) -> Note
    "Pin a note to the top."
    raises AlreadyPinned
  {
    require not note.pinned else AlreadyPinned
    update note set pinned = true
    return note
  }

  tool color_note(note: Note, color: Color) -> Note
    "Give a note a color."
  {
    update note set color = color
    return note
  }
}
"""

NOTES_SEED = """\
Note:
  - {id: "N1", title: "Groceries"}
  - {id: "N2", title: "Ideas", color: "yellow"}
"""

SYSTEM = "You help the user with their notes."


def make_task(folder: Path, task_id: str, turns: list[tuple[str, list[tuple[str, dict]], str]]) -> Task:
    """A task in the envdsl-task/1 format, grounded by executing its calls on the runtime
    (what `envdsl sample` produces, made by hand so these tests do not depend on the sampler)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    env = Environment.load(folder)
    start = env.state_hash()
    messages: list[dict] = [{"role": "system", "content": SYSTEM}]
    calls: list[Call] = []
    turn_objects: list[Turn] = []
    before = env.snapshot()
    for index, (user, steps, answer) in enumerate(turns):
        messages.append({"role": "user", "content": user})
        ids = []
        for tool, arguments in steps:
            call_id = f"call_{len(calls)}"
            result = env.call(tool, arguments).to_json()
            assert result["ok"], result
            calls.append(Call(call_id, index, tool, arguments, (), result))
            ids.append(call_id)
            messages += [tool_call_message(call_id, tool, arguments), tool_message(call_id, tool, result)]
        messages.append({"role": "assistant", "content": answer})
        previous = env.clone()
        previous.restore(before)
        turn_objects.append(Turn(user, steps[-1][0], (), tuple(ids), env.state_hash(), previous.state_diff(env), ()))
        before = env.snapshot()
    return Task(
        id=task_id,
        env=EnvRef(env.name, env.env.domain, str(folder), manifest["source_sha256"], manifest.get("seed_sha256")),
        initial_state={"kind": "seed", "state_hash": start},
        system=SYSTEM,
        turns=tuple(turn_objects),
        tools=tuple(env.tool_schemas),
        calls=tuple(calls),
        expected={"state_hash": env.state_hash(), "diff": env.state_diff(), "answer_facts": []},
        messages=tuple(messages),
    )


def _script(name: str):
    """trainers/<name>.py as a module (the scripts are files, not a package)."""
    spec = importlib.util.spec_from_file_location(f"trainers_{name}", REPO / "trainers" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------- fixtures


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module", autouse=True)
def offline_single_thread():
    import torch

    saved = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRL_EXPERIMENTAL_SILENCE", "TOKENIZERS_PARALLELISM")}
    os.environ.update(HF_HUB_OFFLINE="1", TRL_EXPERIMENTAL_SILENCE="1", TOKENIZERS_PARALLELISM="false")
    threads = torch.get_num_threads()
    # One thread: on a shared 2-core machine two threads per process thrash (10x slower here).
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> dict[str, Path]:
    from envdsl.cli import main as envdsl_main

    root = tmp_path_factory.mktemp("train")
    specs = root / "specs" / "productivity"
    specs.mkdir(parents=True)
    (specs / "notes.envdsl").write_text(NOTES_SPEC)
    (specs / "notes.seed.yaml").write_text(NOTES_SEED)
    result = CliRunner().invoke(envdsl_main, ["compile", str(root / "specs"), "--out", str(root / "compiled")])
    assert result.exit_code == 0, result.output
    folder = root / "compiled" / "productivity" / "notes"
    write_record(folder, passed=True, settings={"fixture": "tests"}, findings=[])  # stands in for `envdsl verify`
    pin = make_task(folder, "notes-pin", [("Pin note N1.", [("pin_note", {"note": "N1"})], "Pinned.")])
    two = make_task(
        folder,
        "notes-two",
        [
            (
                "Make the Ideas note blue.",
                [("find_note", {"title": "ideas"}), ("color_note", {"note": "N2", "color": "blue"})],
                "Done.",
            ),
            ("Also pin it.", [("pin_note", {"note": "N2"})], "Pinned."),
        ],
    )
    paths = {"root": root, "folder": folder}
    paths["tasks"] = dump_tasks([pin, two], root / "tasks.jsonl")
    paths["pin_tasks"] = dump_tasks([pin], root / "pin.jsonl")
    return paths


@pytest.fixture(scope="module")
def tiny(work) -> Path:
    from envdsl.train.tiny import build_tiny_model, conversation_texts

    return build_tiny_model(work["root"] / "tiny", texts=conversation_texts(work["tasks"]))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`transformers serve` on a free loopback port, started early (no model yet: it loads the one a
    request names) so that its start-up overlaps the training runs; stopped when the module ends."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
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
        "--device",
        "cpu",
    ]
    with log.open("w") as handle:
        process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
    yield process, port, log
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def tool_model(work, tiny, server) -> Path:
    """The tiny model overfitted (trainers/configs/sft-tiny-toolcalls.yaml) on one single-call task, so it calls tools."""
    out = work["root"] / "sft-toolcalls"
    code = _script("sft").main(
        [
            "--config",
            str(CONFIGS / "sft-tiny-toolcalls.yaml"),
            "--model",
            str(tiny),
            "--tasks",
            str(work["pin_tasks"]),
            "--output-dir",
            str(out),
        ]
    )
    assert code == 0
    return out / "final"


def _adapter_class(work):
    from envdsl.train.adapter import RolloutContext, environment_class
    from envdsl.train.tasks import load_task_set

    task_set = load_task_set(work["tasks"])
    context = RolloutContext(task_set.by_id, task_set.scorer)
    return environment_class("notes", task_set.envs["notes"].schemas, context), task_set, context


# ----------------------------------------------------------------- the adapter


def _nullable_type(schema: dict) -> tuple:
    declared = schema.get("type")
    names = declared if isinstance(declared, list) else [declared]
    nullable = "null" in names or None in (schema.get("enum") or ()) or schema.get("nullable", False)
    return tuple(n for n in names if n != "null"), nullable


def test_adapter_renders_the_compiled_schemas_of_every_shipped_environment():
    """Names, parameters, required, types, nullability and enums survive the trip through
    Python signatures and trl's `get_json_schema`, for every compiled environment in the repo."""
    from transformers.utils import get_json_schema

    from envdsl.train.adapter import RolloutContext, environment_class, tool_methods, training_tool_schemas

    folders = sorted(p.parent for p in (REPO / "compiled").glob("*/*/tools.json"))
    assert folders, "no compiled environments in the repository"
    context = RolloutContext({}, Scorer())
    for folder in folders:
        compiled = json.loads((folder / "tools.json").read_text())["tools"]
        cls = environment_class(folder.name, compiled, context)
        rendered = training_tool_schemas(cls)
        instance = cls()
        # trl renders bound methods of an instance; SFT renders the class's: the same schemas.
        assert [get_json_schema(getattr(instance, m.__name__)) for m in tool_methods(cls)] == rendered
        by_name = {t["function"]["name"]: t["function"] for t in compiled}
        assert [r["function"]["name"] for r in rendered] == sorted(by_name), folder
        for entry in rendered:
            mine, theirs = entry["function"], by_name[entry["function"]["name"]]
            assert mine["description"] == " ".join(theirs["description"].split())
            props, expected = mine["parameters"].get("properties", {}), theirs["parameters"]["properties"]
            assert list(props) == list(expected)
            assert mine["parameters"].get("required", []) == theirs["parameters"]["required"]
            for name, schema in props.items():
                want = expected[name]
                assert _nullable_type(schema) == _nullable_type(want), (folder.name, mine["name"], name)
                assert [v for v in schema.get("enum", []) if v is not None] == [
                    v for v in want.get("enum", []) if v is not None
                ]
                if want.get("type") == "array":
                    assert schema["items"].get("enum") == want["items"].get("enum")  # lists of enums, keys or scalars


def test_sft_and_grpo_render_the_same_prompt(work, tiny):
    """The SFT transcript, rendered with trl's training template, starts with exactly the
    prompt trl's GRPOTrainer renders for the same turn (bound methods as tools, reset's request)."""
    from transformers import AutoTokenizer
    from trl.chat_template_utils import get_training_chat_template

    from envdsl.train.adapter import tool_methods
    from envdsl.train.sft import training_schemas
    from envdsl.train.tasks import grpo_rows, sft_rows

    cls, task_set, _ = _adapter_class(work)
    tokenizer = AutoTokenizer.from_pretrained(tiny)
    template = get_training_chat_template(tokenizer)
    sft = {row["messages"][1]["content"]: row for row in sft_rows(task_set, training_schemas(task_set))}
    rows = grpo_rows(task_set)
    assert [(r["task_id"], r["turn"]) for r in rows] == [("notes-pin", 0), ("notes-two", 0), ("notes-two", 1)]
    for row in rows:
        instance = cls()
        request = instance.reset(**row)
        prompt = row["prompt"][:-1] + [{**row["prompt"][-1], "content": row["prompt"][-1]["content"] + request}]
        tools = [getattr(instance, m.__name__) for m in tool_methods(cls)]
        grpo_text = tokenizer.apply_chat_template(
            prompt, tools=tools, chat_template=template, add_generation_prompt=True, tokenize=False
        )
        task = task_set.by_id[row["task_id"]]
        record = sft[task.turns[0].user]
        sft_text = tokenizer.apply_chat_template(
            record["messages"], tools=json.loads(record["tools"]), chat_template=template, tokenize=False
        )
        assert sft_text.startswith(grpo_text)
        assert grpo_text.endswith(f"{task.turns[row['turn']].user}<|im_end|>\n<|im_start|>assistant\n")


def test_rewards_come_from_the_environment_state(work):
    cls, task_set, context = _adapter_class(work)
    env = cls()
    # The goal state reached: state 1, reward 1.
    assert env.reset(task_id="notes-pin", turn=0, prompt=[]) == "Pin note N1."
    assert json.loads(env.pin_note(note="N1"))["pinned"] is True
    assert env.get_reward() == 1.0 and env._turn_score().exact
    # Doing nothing: 0, whatever tau.
    env.reset(task_id="notes-pin", turn=0)
    assert env.get_reward() == 0.0
    # A successful call that changes the wrong row: state 0 (and an extra-call penalty, floored at 0).
    env.reset(task_id="notes-pin", turn=0)
    assert json.loads(env.color_note(note="N1", color="blue"))["color"] == "blue"
    assert env._turn_score().state == 0.0 and env.get_reward() == 0.0
    # Turn 1 of a two-goal task starts from the expected state after turn 0 (N2 already blue)...
    assert env.reset(task_id="notes-two", turn=1) == "Also pin it."
    assert json.loads(env.find_note(title="ideas"))["color"] == "blue"
    assert json.loads(env.pin_note(note="N2"))["pinned"] is True
    assert env._turn_score().exact and env._turn_score().state == 1.0
    # ... and the trace term follows tau: one lookup made by the model is not in turn 1's ground truth.
    context.step, context.total_steps = 0, 2  # tau = 0.9
    early = env.get_reward()
    context.step = 1  # tau = 0.1
    late = env.get_reward()
    assert 0.0 < early < late < 1.0
    # Partial progress on turn 0: the colour is right, the lookup missing -> exact state, lower trace.
    env.reset(task_id="notes-two", turn=0)
    env.color_note(note="N2", color="blue")
    turn = env._turn_score()
    assert turn.exact and turn.trace < 1.0


def test_invalid_tool_calls_are_errors_the_model_sees(work):
    cls, _, _ = _adapter_class(work)
    env = cls()
    assert json.loads(env.pin_note(note="N1"))["error"] == "NoEpisode"  # before reset: a message, not a crash
    env.reset(task_id="notes-pin", turn=0)
    for call in (
        lambda: env.pin_note(),  # missing argument
        lambda: env.pin_note(note=7),  # wrong type
        lambda: env.pin_note(note="N1", colour="red"),  # unknown argument
        lambda: env.color_note(note="N1", color="red"),  # not an enum value
    ):
        reply = json.loads(call())
        assert reply["error"] == "InvalidArguments" and reply["message"]
    missing = json.loads(env.pin_note(note="N9"))
    assert missing["error"] == "NotFound"
    assert json.loads(env.pin_note(note="N1"))["pinned"] is True
    turn = env._turn_score()
    assert turn.exact and turn.invalid == 5 and turn.penalty >= 0.25  # 0.05 per rejected call
    assert env.get_reward() == pytest.approx(turn.reward) and turn.reward < 0.8  # the goal state, minus the bad calls


# ----------------------------------------------------------------- real runs


def test_sft_two_steps_writes_checkpoint_metrics_and_summary(work, tiny):
    out = work["root"] / "sft"
    code = _script("sft").main(
        [
            "--config",
            str(CONFIGS / "sft-tiny.yaml"),
            "--model",
            str(tiny),
            "--tasks",
            str(work["tasks"]),
            "--output-dir",
            str(out),
        ]
    )
    assert code == 0
    assert (out / "checkpoint-2" / "model.safetensors").is_file()
    assert (out / "final" / "model.safetensors").is_file() and (out / "final" / "tokenizer.json").is_file()
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in lines if "loss" in m] == [1, 2]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 2 and summary["rows"] == 2 and summary["environments"] == ["notes"]
    assert "max_steps: 2" in (out / "config.yaml").read_text()


def test_grpo_two_steps_rewards_from_environment_state(work, tool_model):
    out = work["root"] / "grpo"
    code = _script("grpo").main(
        [
            "--config",
            str(CONFIGS / "grpo-tiny.yaml"),
            "--model",
            str(tool_model),
            "--tasks",
            str(work["tasks"]),
            "--output-dir",
            str(out),
        ]
    )
    assert code == 0
    assert (out / "checkpoint-2" / "model.safetensors").is_file() and (out / "final" / "model.safetensors").is_file()
    rollouts = [json.loads(line) for line in (out / "rollouts.jsonl").read_text().splitlines()]
    assert len(rollouts) == 12  # 2 steps x 3 prompts x 2 generations
    tasks = {t.id: t for t in load_tasks(work["tasks"])}
    for rollout in rollouts:
        # Each logged reward is an independent replay of the rollout's calls on a fresh environment.
        calls = [
            {"tool": c["tool"], "arguments": c["arguments"], "turn": rollout["turn"]} for c in rollout["tool_calls"]
        ]
        replay = score(tasks[rollout["task_id"]], calls, tau=rollout["tau"], scorer=Scorer()).turns[rollout["turn"]]
        assert rollout["reward"] == pytest.approx(replay.reward) and rollout["exact"] == replay.exact
        if not rollout["tool_calls"]:
            assert rollout["reward"] == 0.0 and rollout["state"] == 0.0
    reached = [r for r in rollouts if r["exact"]]
    assert reached, "the tool-call-trained model reached no goal state"
    assert all(r["state"] == 1.0 and r["tool_calls"] for r in reached)
    assert {r["task_id"] for r in reached} >= {"notes-pin"}
    # trl's logged environment reward is the mean of those replays, step by step; tau follows the schedule.
    metrics = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    for entry in (m for m in metrics if "rewards/NotesEnv/mean" in m):
        step = [r["reward"] for r in rollouts if r["step"] == entry["step"]]
        assert entry["rewards/NotesEnv/mean"] == pytest.approx(sum(step) / len(step), abs=1e-6)
    assert [round(m["envdsl/tau"], 3) for m in metrics if "envdsl/tau" in m] == [0.9, 0.1]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 2 and summary["rollouts"] == 12 and summary["tool_calls"] >= len(reached)
    assert 0 < summary["env_share_of_train_time"] < 1


def test_eval_against_transformers_serve(work, tool_model, server):
    """A real OpenAI-compatible server (`transformers serve`) on loopback, serving the tiny model."""
    process, port, log = server
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        assert process.poll() is None, log.read_text()[-2000:]
        assert time.monotonic() < deadline, "transformers serve did not start"
        time.sleep(0.5)
    out = work["root"] / "eval-serve"
    code = _script("eval").main(
        [
            "--config", str(CONFIGS / "eval-tiny.yaml"),
            "--endpoint", f"http://127.0.0.1:{port}/v1",
            "--set", f"model.endpoint.model={tool_model}",  # the server loads it on the first request
            "--tasks", str(work["tasks"]),
            "--set", f"train_tasks={work['pin_tasks']}",
            "--output-dir", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    _check_eval_outputs(work, out)


def test_eval_local_model(work, tool_model):
    out = work["root"] / "eval-local"
    code = _script("eval").main(
        [
            "--config",
            str(CONFIGS / "eval-tiny.yaml"),
            "--model",
            str(tool_model),
            "--tasks",
            str(work["tasks"]),
            "--set",
            f"train_tasks={work['pin_tasks']}",
            "--output-dir",
            str(out),
        ]
    )
    assert code == 0
    _check_eval_outputs(work, out)


def _check_eval_outputs(work, out: Path) -> None:
    from envdsl.reward import score_messages

    records = {r["task_id"]: r for r in map(json.loads, (out / "tasks.jsonl").read_text().splitlines())}
    # The model was trained on notes-pin only: it solves it; success is the state match.
    assert records["notes-pin"]["success"] == 1.0 and records["notes-pin"]["state"] == 1.0
    tasks = {t.id: t for t in load_tasks(work["tasks"])}
    for line in (out / "transcripts.jsonl").read_text().splitlines():
        transcript = json.loads(line)
        replay = score_messages(tasks[transcript["task_id"]], transcript["messages"], tau=0.5, scorer=Scorer())
        record = records[transcript["task_id"]]
        if record["error"] is None:  # a task cut short by a server error ends early in the transcript too
            assert record["success"] == (1.0 if replay.exact else 0.0) and record["state"] == pytest.approx(
                replay.state
            )
    results = json.loads((out / "results.json").read_text())
    assert results["per_domain"]["productivity"]["tasks"] == 2
    assert results["per_environment"]["notes"]["held_out"] is False  # notes was in train_tasks
    assert 0.5 <= results["overall"]["success_rate"] <= 1.0
    assert (out / "results.png").stat().st_size > 1000 and (out / "summary.json").is_file()


# ----------------------------------------------------------------- errors are messages


def _run_sft(argv: list[str], capsys) -> tuple[int, str]:
    code = _script("sft").main(argv)
    return code, capsys.readouterr().err


def test_missing_config_is_a_message_not_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "trainers" / "sft.py"), "--config", str(tmp_path / "nope.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.yaml'}: no such config file"


def test_bad_configs_are_located(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text("model: x\ntasks: [unclosed\n")
    code, err = _run_sft(["--config", str(broken)], capsys)
    assert code == 2 and f"{broken}:3:1: not valid YAML" in err and "Traceback" not in err
    typo = tmp_path / "typo.yaml"
    typo.write_text("model: x\ntasks: t.jsonl\noutput_dir: o\nlearning_rat: 0.1\nmax_steps: many\n")
    code, err = _run_sft(["--config", str(typo)], capsys)
    assert (
        code == 2
        and "learning_rat: unknown key (a typo?)" in err
        and "max_steps: Input should be a valid integer" in err
    )
    code, err = _run_sft(["--config", str(CONFIGS / "sft-tiny.yaml"), "--set", "reward.tau=1"], capsys)
    assert code == 2 and "reward: unknown key" in err


def test_example_configs_validate():
    from envdsl.train.config import load_config

    for path in sorted(CONFIGS.glob("*.yaml")):
        kind = path.name.split("-")[0]
        load_config(kind, path)


def test_unverified_environment_is_refused(work, tmp_path, capsys):
    import shutil

    folder = tmp_path / "compiled" / "notes"
    shutil.copytree(work["folder"], folder)
    (folder / "verification.json").unlink()
    tasks = [t for t in load_tasks(work["tasks"])]
    moved = [dataclasses.replace(t, env=dataclasses.replace(t.env, compiled=str(folder))) for t in tasks]
    dump_tasks(moved, tmp_path / "tasks.jsonl")
    argv = [
        "--config",
        str(CONFIGS / "sft-tiny.yaml"),
        "--tasks",
        str(tmp_path / "tasks.jsonl"),
        "--output-dir",
        str(tmp_path / "out"),
    ]
    code, err = _run_sft(argv, capsys)
    assert code == 1 and f"{folder} has not been verified; run `envdsl verify {folder}`" in err
    assert not (tmp_path / "out").exists()  # refused before anything was written
    write_record(folder, passed=False, settings={"fixture": "tests"}, findings=[{"kind": "crash"}])
    code, err = _run_sft(argv, capsys)
    assert code == 1 and "failed verification (1 finding)" in err


def test_missing_inputs_are_messages(work, tmp_path, capsys):
    code, err = _run_sft(["--config", str(CONFIGS / "sft-tiny.yaml"), "--tasks", str(tmp_path / "none.jsonl")], capsys)
    assert code == 2 and "none.jsonl: no such tasks file" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "envdsl-task/1", "id": "x"}\n')
    code, err = _run_sft(["--config", str(CONFIGS / "sft-tiny.yaml"), "--tasks", str(bad)], capsys)
    assert code == 1 and f"{bad}:1:" in err
    argv = [
        "--config",
        str(CONFIGS / "sft-tiny.yaml"),
        "--tasks",
        str(work["tasks"]),
        "--model",
        str(tmp_path / "no-model"),
    ]
    code, err = _run_sft([*argv, "--output-dir", str(tmp_path / "o")], capsys)
    assert code == 2 and "no-model: no such model folder" in err
    assert not (tmp_path / "o").exists()  # nothing written for a run that cannot start
    code = _script("eval").main(
        [
            "--config",
            str(CONFIGS / "eval-tiny.yaml"),
            "--endpoint",
            f"http://127.0.0.1:{_free_port()}/v1",
            "--set",
            "model.endpoint.model=m",
            "--tasks",
            str(work["tasks"]),
            "--set",
            "train_tasks=null",
            "--output-dir",
            str(tmp_path / "e"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "cannot reach the endpoint" in err and "Traceback" not in err
    assert not (tmp_path / "e").exists()


def test_examples_longer_than_max_length_are_a_message(work, tiny, tmp_path, capsys):
    argv = ["--config", str(CONFIGS / "sft-tiny.yaml"), "--model", str(tiny), "--tasks", str(work["tasks"])]
    code, err = _run_sft([*argv, "--output-dir", str(tmp_path / "o"), "--set", "max_length=64"], capsys)
    assert code == 1 and "no example has an assistant token within max_length=64 tokens (2 dropped)" in err
