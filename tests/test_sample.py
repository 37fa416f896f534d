"""Sampling: the verified gate, determinism, and that every kept task is
grounded (replays to its hashes), calibrated (one goal state for its facts)
and implicit (no tool names, no internal ids). Runs on the shipped specs,
compiled into a temporary folder.

`write_record(..., passed=True, settings={"fixture": "tests"})` stands in for
`envdsl verify` here: these tests are about sampling, and the verifier has
its own tests; the refusal tests below exercise the real gate.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from envdsl.emit.driver import Mode, apply, build_output
from envdsl.runtime.environment import Environment
from envdsl.sample.calibrate import Calibrator
from envdsl.sample.facts import RowIndex, candidates, is_natural
from envdsl.sample.plan import PlanFailed, Resolution, TurnPlan
from envdsl.sample.realize import RealizerError, TemplateRealizer, get_realizer
from envdsl.sample.sampler import SampleConfig, sample
from envdsl.sample.task import Fact, Task, dump_task, load_tasks, tool_content
from envdsl.verify.status import NotVerified, write_record
from envdsl.workspace import load_spec

ROOT = Path(__file__).resolve().parents[1]
SPECS = ("specs/travel/airline.envdsl", "specs/productivity/filesystem.envdsl", "specs/commerce/retail.envdsl")

MINI = """\
env twins {
  title "Twins"
  domain testing
  clock "2026-03-01T09:00:00"
  seed "twins.seed.yaml"

  entity Box {
    key id: str = next_id("B")
    label: str
    color: enum { red, blue } = red
  }

  tool list_boxes() -> list<Box> "Every box." {
    return find b in Box order by b.id
  }

  tool paint_blue(box: Box) "Paint a box blue." raises InvalidArguments {
    require box.color == red else InvalidArguments "already blue"
    update box set color = blue
  }
}
"""
MINI_SEED = 'Box:\n  - {id: "B1", label: "crate"}\n  - {id: "B2", label: "crate"}\n'


def compile_into(out: Path, specs: list[Path]) -> dict[str, Path]:
    outputs = []
    for path in specs:
        loaded = load_spec(path)
        assert loaded.ok, loaded.diagnostics
        seed = loaded.seed
        text = path.read_text(encoding="utf-8")
        outputs.append(
            build_output(loaded.env, path, text, out, seed.hash if seed else None, seed.count() if seed else 0)
        )
    apply(outputs, out, Mode.WRITE)
    return {o.name: out / o.domain / o.name for o in outputs}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("sample") / "compiled"
    folders = compile_into(out, [ROOT / s for s in SPECS])
    for folder in folders.values():
        write_record(folder, passed=True, settings={"fixture": "tests"}, findings=[])  # stands in for `envdsl verify`
    return folders


@pytest.fixture(scope="module")
def result(compiled):
    folders = [(compiled[name], f"compiled/{name}") for name in ("airline", "filesystem", "retail")]
    return sample(folders, SampleConfig(n=30, seed=11, question_share=0.0), TemplateRealizer())


@pytest.fixture(scope="module")
def questions(compiled):
    folders = [(compiled[name], f"compiled/{name}") for name in ("airline", "filesystem")]
    return sample(folders, SampleConfig(n=12, seed=11, question_share=1.0), TemplateRealizer())


@pytest.fixture(scope="module")
def every_task(result, questions) -> list[Task]:
    return result.tasks + questions.tasks


@pytest.fixture
def cli_run(monkeypatch, capsys):
    from envdsl import cli

    def run(*args: str, cwd: Path = ROOT):
        monkeypatch.chdir(cwd)
        monkeypatch.setattr(sys, "argv", ["envdsl", *args])
        code = cli.run()
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return SimpleNamespace(code=code, out=captured.out, err=captured.err)

    return run


# ------------------------------------------------------------------ the gate


def test_sampling_refuses_unverified_failed_and_stale_environments(compiled, tmp_path, cli_run):
    fresh = tmp_path / "fresh"
    shutil.copytree(compiled["airline"], fresh)
    (fresh / "verification.json").unlink()
    failed = tmp_path / "failed"
    shutil.copytree(compiled["airline"], failed)
    write_record(failed, passed=False, settings={}, findings=[{"kind": "invariant"}])
    stale = tmp_path / "stale"
    shutil.copytree(compiled["airline"], stale)
    manifest = json.loads((stale / "manifest.json").read_text())
    manifest["files"]["tools.py"] = "0" * 64  # the compiled code changed after verification
    (stale / "manifest.json").write_text(json.dumps(manifest))
    expected = {fresh: "has not been verified", failed: "failed verification (1 finding)", stale: "is stale"}
    for folder, words in expected.items():
        done = cli_run("sample", str(folder), "--n", "1", "--out", str(tmp_path / "t.jsonl"))
        assert done.code == 1
        assert words in done.err and "refusing to sample" in done.err
        assert not (tmp_path / "t.jsonl").exists()
        with pytest.raises(NotVerified, match=words.split(" (")[0]):
            sample([(folder, "x")], SampleConfig(n=1), TemplateRealizer())


def test_cli_usage_errors(compiled, tmp_path, cli_run):
    spec = cli_run("sample", "specs/travel/airline.envdsl", "--n", "1", "--out", str(tmp_path / "t.jsonl"))
    assert spec.code == 2 and "is a spec; sampling needs its verified compiled folder" in spec.err
    missing = cli_run("sample", str(tmp_path / "nope"), "--n", "1", "--out", str(tmp_path / "t.jsonl"))
    assert missing.code == 2 and "no such file or directory" in missing.err
    bad = cli_run(
        "sample", str(compiled["airline"]), "--n", "1", "--out", str(tmp_path / "t.jsonl"), "--realizer", "nope"
    )
    assert bad.code == 2 and "unknown realizer 'nope'" in bad.err


def test_realizers_are_pluggable_with_clear_errors():
    assert get_realizer("template").name == "template"
    with pytest.raises(RealizerError, match="use one of: llm, template"):
        get_realizer("gpt")
    if importlib.util.find_spec("envdsl.llm") is None:
        with pytest.raises(RealizerError, match="LLM realizer is not available"):
            get_realizer("llm")


# ------------------------------------------------------------------ determinism and outputs


@pytest.mark.slow
def test_same_seed_gives_identical_bytes_and_a_summary(compiled, tmp_path, cli_run):
    envs = [str(compiled["airline"]), str(compiled["filesystem"])]
    runs = []
    for name, seed, n in (("a", "7", "6"), ("c", "8", "2")):
        out = tmp_path / f"{name}.jsonl"
        done = cli_run("sample", *envs, "--n", n, "--seed", seed, "--out", str(out))
        assert done.code == 0, done.err
        runs.append(out)
    # Another process with another string-hash seed: set order must not leak into the output.
    script = shutil.which("envdsl", path=str(Path(sys.executable).parent)) or shutil.which("envdsl")
    assert script, "the envdsl console script is not installed (pip install -e .)"
    other = tmp_path / "b.jsonl"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    args = [script, "sample", *envs, "--n", "6", "--seed", "7", "--out", str(other)]
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    runs.insert(1, other)
    assert runs[0].read_bytes() == runs[1].read_bytes()
    assert load_tasks(runs[0])[:2] != load_tasks(runs[2])
    assert (tmp_path / "a.summary.json").read_bytes() == (tmp_path / "b.summary.json").read_bytes()
    summary = json.loads((tmp_path / "a.summary.json").read_text())
    assert summary["tasks"] == 6 and set(summary["envs"]) == {"airline", "filesystem"}
    assert summary["turn_candidates"] >= 6 and summary["attempts"] >= 6
    assert (tmp_path / "a.summary.png").read_bytes()[:4] == b"\x89PNG"
    drops = [json.loads(line) for line in (tmp_path / "a.drops.jsonl").read_text().splitlines()]
    assert sum(summary["dropped"].values()) == len(drops)
    assert all(d["reason"] and d["env"] in ("airline", "filesystem") for d in drops)
    tasks = load_tasks(runs[0])
    assert len(tasks) == 6 and len({t.id for t in tasks}) == 6


# ------------------------------------------------------------------ every task is exact


def test_every_task_replays_to_its_expected_states(compiled, result, every_task):
    assert len(result.tasks) == 30
    environments = {name: Environment.load(folder) for name, folder in compiled.items()}
    for task in every_task:
        assert Task.from_json(json.loads(dump_task(task))) == task
        env = environments[task.env.name]
        env.reset()
        assert task.initial_state == {"kind": "seed", "state_hash": env.state_hash()}
        ids: list[str] = []
        for number, turn in enumerate(task.turns):
            before = env.state_hash()
            for call in task.calls_of_turn(number):
                assert set(call.depends_on) <= set(ids), "dependencies come first"
                assert env.call(call.tool, call.arguments).to_json() == call.result
                ids.append(call.id)
            assert env.state_hash() == turn.expected_state_hash
            if turn.kind == "question":
                assert env.state_hash() == before and turn.expected_diff == {}, "a question changes nothing"
            else:
                assert env.state_hash() != before and turn.expected_diff, "every other goal changes the state"
            assert list(turn.calls) == [c.id for c in task.calls_of_turn(number)]
        if task.turns[-1].kind == "change":
            assert env.state_hash() == task.expected["state_hash"] != task.initial_state["state_hash"]
        assert env.state_diff() == task.expected["diff"]
        assert list(task.tools) == env.tool_schemas


def test_user_turns_never_name_tools_or_internal_ids(compiled, every_task):
    for task in every_task:
        names = {t["function"]["name"] for t in task.tools}
        internal = set()
        schema = Environment.load(compiled[task.env.name]).env
        for call in task.calls:
            tool = schema.tool(call.tool)
            for param in tool.params:
                entity = getattr(param.type, "name", None)
                if entity in {e.name for e in schema.entities if not is_natural(e)} and param.name in call.arguments:
                    internal.add(str(call.arguments[param.name]))
        for text in task.user_turns:
            assert not any(name in text for name in names), text
            assert not any(key in text.replace(",", " ").split() for key in internal), text


def test_each_turn_determines_exactly_one_goal_state(compiled, result, questions):
    """Independently of the calibrator: execute every binding consistent with the stated facts."""
    environments = {name: Environment.load(folder) for name, folder in compiled.items()}
    for task in result.tasks[:12] + questions.tasks:
        env = environments[task.env.name]
        env.reset()
        index = RowIndex(env)
        touched: dict[int, dict[str, set]] = {}
        for number, turn in enumerate(task.turns):
            goal_call = next(c for c in task.calls_of_turn(number) if c.tool == turn.goal and c.id == turn.calls[-1])
            tool = env.env.tool(turn.goal)
            answers: list = []
            index.refresh()
            options = {}
            for param in tool.params:
                entity = getattr(getattr(param.type, "inner", param.type), "name", None)
                if param.name in goal_call.arguments and entity in {e.name for e in env.env.entities}:
                    key = env.env.entity(entity).key
                    rows = candidates(env.env, index, entity, param.name, list(turn.facts), touched)
                    options[param.name] = [r[key] for r in rows]
                    assert goal_call.arguments[param.name] in options[param.name]
            start = env.snapshot()
            states = set()
            for combo in itertools.product(*options.values()):
                arguments = dict(goal_call.arguments, **dict(zip(options, combo)))
                outcome = env.call(turn.goal, arguments)
                if outcome.ok:
                    states.add(env.state_hash())
                    answers.append(outcome.value)
                env.restore(start)
            assert states == {turn.expected_state_hash}, (task.id, number, options)
            if turn.kind == "question":  # every reading of the request gives a result that states the answer
                assert turn.answer_facts and all(_states(v, f) for v in answers for f in turn.answer_facts), task.id
            for call in task.calls_of_turn(number):
                env.call(call.tool, call.arguments)
            touched[number] = {
                entity: {r[env.env.entity(entity).key] for r in parts["added"]} | {c["key"] for c in parts["changed"]}
                for entity, parts in turn.expected_diff.items()
            }


def _states(value, fact) -> bool:
    """Whether a tool result holds an answer fact: is it, counts it, or has it as a field."""
    if isinstance(value, list):
        return len(value) == fact
    if isinstance(value, dict):
        return fact in value.values()
    return value == fact


def test_conversations_chain_dependent_goals_and_cover_the_write_tools(compiled, result):
    assert all(turn.kind == "change" for t in result.tasks for turn in t.turns)  # --questions 0
    multi = [t for t in result.tasks if len(t.turns) >= 2]
    assert multi and max(len(t.turns) for t in result.tasks) >= 3
    for task in multi:
        for number in range(1, len(task.turns)):
            previous = task.turns[number - 1].expected_diff
            touched = {str(c["key"]) for parts in previous.values() for c in parts["changed"]}
            touched |= {str(v) for parts in previous.values() for row in parts["added"] for v in row.values()}
            goal = task.calls_of_turn(number)[-1]
            assert any(str(v) in touched for v in goal.arguments.values()), (task.id, number)
    depths = {t.meta["depth"] for t in result.tasks}
    assert len(depths) >= 3, depths
    for info in result.envs:
        env = Environment.load(compiled[info.name]).env
        goals = {turn.goal for t in result.tasks if t.env.name == info.name for turn in t.turns}
        writers = {t.name for t in env.tools if not t.effects.is_read_only}
        assert len(goals & writers) >= len(writers) // 2, (info.name, sorted(writers - goals))


def test_sft_messages_are_a_valid_openai_conversation(every_task):
    for task in every_task:
        messages = list(task.messages)
        assert messages[0] == {"role": "system", "content": task.system}
        assert [m["content"] for m in messages if m["role"] == "user"] == task.user_turns
        by_id = {c.id: c for c in task.calls}
        for i, message in enumerate(messages):
            if message["role"] == "assistant" and message.get("tool_calls"):
                (entry,) = message["tool_calls"]
                call = by_id[entry["id"]]
                assert entry["function"] == {
                    "name": call.tool,
                    "arguments": json.dumps(call.arguments, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                }
                reply = messages[i + 1]
                assert reply["role"] == "tool" and reply["tool_call_id"] == call.id
                assert reply["content"] == tool_content(call.result)
        assert messages[-1]["role"] == "assistant" and not messages[-1].get("tool_calls")
        assert task.sft_record() == {"messages": messages, "tools": list(task.tools)}


# ------------------------------------------------------------------ calibration rules


def test_an_ambiguous_request_is_refined_and_a_redundant_fact_removed(compiled):
    env = Environment.load(compiled["airline"])
    index = RowIndex(env)
    mine = [r for r in env.rows("Reservation") if r["user"] == "mia_li_3003" and r["status"] == "booked"]
    assert len(mine) == 2 and mine[0]["cabin"] == mine[1]["cabin"]  # the seed this test relies on
    target = mine[1]
    plan = TurnPlan(
        0,
        env.env.tool("cancel_reservation"),
        {"reservation": target["id"], "reason": "plans changed"},
        {"reservation": "Reservation"},
        {"reservation": target},
        [Fact("reason", None, "plans changed")],
    )
    plan.resolutions["reservation"] = Resolution(
        [Fact("reservation.user", None, "mia_li_3003")], [Fact("reservation", "cabin", target["cabin"])], [], "call_0"
    )
    calibrator = Calibrator(env, index)
    states, consistent = calibrator.goal_states(plan, {})
    assert len(consistent["reservation"]) == 2 and len(states) == 2  # "cancel my business reservation": which one?
    calibrator.calibrate(plan, {})
    selection = plan.resolutions["reservation"].selection
    assert Fact("reservation", "cabin", target["cabin"]) not in selection  # over-specified: removed
    assert len(selection) == 1 and target[selection[0].field] == selection[0].value  # refined: one splitting fact
    assert calibrator.stats["refined"] == 1 and calibrator.stats["minimized"] == 1
    assert len(calibrator.goal_states(plan, {})[0]) == 1
    env.reset()
    assert env.state_hash() == env.clone().state_hash()  # calibration left no trace


def test_requests_no_fact_can_disambiguate_are_dropped(tmp_path, cli_run):
    spec = tmp_path / "twins.envdsl"
    spec.write_text(MINI, encoding="utf-8")
    (tmp_path / "twins.seed.yaml").write_text(MINI_SEED, encoding="utf-8")
    folder = compile_into(tmp_path / "compiled", [spec])["twins"]
    write_record(folder, passed=True, settings={"fixture": "tests"}, findings=[])  # stands in for `envdsl verify`
    env = Environment.load(folder)
    plan = TurnPlan(0, env.env.tool("paint_blue"), {"box": "B1"}, {"box": "Box"}, {"box": env.rows("Box")[0]}, [])
    plan.resolutions["box"] = Resolution([], [], [], "call_0")
    with pytest.raises(PlanFailed) as failure:
        Calibrator(env, RowIndex(env)).calibrate(plan, {})
    assert failure.value.reason == "ambiguous"
    out = tmp_path / "t.jsonl"
    done = cli_run(
        "sample", str(folder), "--n", "2", "--out", str(out), "--max-goals", "1", "--questions", "0", cwd=tmp_path
    )
    assert done.code == 1 and "no task survived calibration" in done.err
    reasons = {json.loads(line)["reason"] for line in (tmp_path / "t.drops.jsonl").read_text().splitlines()}
    assert reasons == {"ambiguous"}
    assert out.read_text() == ""


# ------------------------------------------------------------------ questions


def test_question_tasks_ask_a_read_only_goal_and_state_its_answer(compiled, questions):
    from envdsl.reward.answer import answer_share

    assert len(questions.tasks) == 12 and all(t.turns[0].kind == "question" for t in questions.tasks)
    reached = set()
    for task in questions.tasks:
        (turn,) = task.turns
        env = Environment.load(compiled[task.env.name])
        assert env.env.tool(turn.goal).effects.is_read_only
        assert turn.expected_state_hash == task.initial_state["state_hash"] == task.expected["state_hash"]
        assert turn.expected_diff == {} and task.expected["diff"] == {}
        assert turn.answer_facts and list(turn.answer_facts) == task.expected["answer_facts"]
        goal = task.calls[-1]
        assert goal.tool == turn.goal and goal.result["ok"]
        assert all(_states(goal.result["value"], fact) for fact in turn.answer_facts)
        closing = task.messages[-1]
        assert closing["role"] == "assistant" and closing["content"].startswith("Here is what I found: ")
        assert answer_share(turn.answer_facts, closing["content"]) == 1.0
        stated = {json.dumps(f.value) for f in turn.facts}
        assert not any(json.dumps(a) in stated for a in turn.answer_facts)  # the user does not say the answer
        reached.add((task.env.name, turn.goal))
    # Questions go to the read-only tools used least: twelve questions, (nearly) as many tools, among them
    # tools whose results feed no other tool, which no state-changing task can reach.
    assert len(reached) >= 10
    cannot = {(info.name, tool) for info in questions.envs for tool in info.cannot_be_a_step}
    assert len(reached & cannot) >= 3, sorted(reached)


def test_answers_are_read_from_results_by_identifying_fields(compiled):
    from envdsl.sample.question import AnswerSpec, answer_spec, closing

    env = Environment.load(compiled["airline"])
    status = env.env.tool("get_flight_status")
    flight = env.rows("Flight")[0]["id"]
    value = env.call("get_flight_status", {"flight": flight}).value
    spec = answer_spec(env.env, status.returns, value)
    assert spec.kind == "fields" and "status" in spec.fields and "number" not in spec.fields  # text is no answer
    assert len(spec.fields) <= 3 and spec.extract(value) == [value[f] for f in spec.fields]
    assert spec.ask(status.returns).startswith("the ")
    fares = env.env.tool("list_fares")
    assert answer_spec(env.env, fares.returns, []) is None  # an empty list answers nothing
    assert answer_spec(env.env, fares.returns, [{"id": 1}, {"id": 2}]).extract([1, 2, 3]) == [3]
    assert closing(AnswerSpec("count"), [3]) == "Here is what I found: 3 in all."
    assert closing(AnswerSpec("fields", ("status", "seats_left")), ["delayed", 4]) == (
        "Here is what I found: status: delayed; seats left: 4."
    )


# ------------------------------------------------------------------ streams, shards, rounds


def test_a_stream_continued_over_rounds_gives_what_one_run_gives(compiled):
    from envdsl.sample.sampler import StreamShard, StreamState, run_stream, split_quota

    assert split_quota(10, 3) == [4, 3, 3] and split_quota(2, 3) == [1, 1, 0]
    config = SampleConfig(n=7, seed=5)
    folder = compiled["filesystem"]
    once = run_stream(StreamShard(folder, "fs", 1, 7, config, TemplateRealizer(), StreamState()))
    first = run_stream(StreamShard(folder, "fs", 1, 4, config, TemplateRealizer(), StreamState()))
    second = run_stream(StreamShard(folder, "fs", 1, 3, config, TemplateRealizer(), first.state))
    assert [dump_task(t) for t in first.tasks + second.tasks] == [dump_task(t) for t in once.tasks]
    assert second.state == once.state and len(once.tasks) == 7
    assert all(t.meta["attempt"] >= 1_000_000 for t in once.tasks)  # part 1 numbers its attempts apart


def test_work_splits_into_streams_and_the_bytes_do_not_depend_on_where_they_ran(compiled, tmp_path, monkeypatch):
    from envdsl.sample import sampler

    monkeypatch.setattr(sampler, "PART_TASKS", 3)  # 6 tasks per environment: 2 streams each
    folders = [(compiled["airline"], "compiled/airline"), (compiled["filesystem"], "compiled/filesystem")]
    config = SampleConfig(n=12, seed=2)
    here = sample(folders, config, TemplateRealizer())
    assert here.streams == 4 and len(here.tasks) == 12
    assert [t.env.name for t in here.tasks[:4]] == ["airline", "filesystem"] * 2  # round-robin over environments
    apart = sample(folders, config, TemplateRealizer(), jobs=2)  # two spawned processes
    assert [dump_task(t) for t in apart.tasks] == [dump_task(t) for t in here.tasks]
    assert [d.to_json() for d in apart.drops] == [d.to_json() for d in here.drops]
    # An environment that yields nothing gives its quota to the others in a later round.
    spec = tmp_path / "twins.envdsl"
    spec.write_text(MINI, encoding="utf-8")
    (tmp_path / "twins.seed.yaml").write_text(MINI_SEED, encoding="utf-8")
    twins = compile_into(tmp_path / "compiled", [spec])["twins"]
    write_record(twins, passed=True, settings={"fixture": "tests"}, findings=[])  # stands in for `envdsl verify`
    refilled = sample([(twins, "twins"), folders[0]], SampleConfig(n=4, seed=2, question_share=0.0), TemplateRealizer())
    assert refilled.rounds == 2 and [t.env.name for t in refilled.tasks] == ["airline"] * 4
    assert {d.reason for d in refilled.drops if d.env == "twins"} == {"ambiguous"}
